"""The query core: running SPARQL queries, one way for the command line and the HTTP API.

The command line (:mod:`dckg.sparql.run`) and the HTTP API (:mod:`dckg.api`, a thin layer
of routes and headers) both run queries here: the same workers, time limit, row and byte
caps, formats and writers.

=====================  ==========================================================
``settings``           every limit and server setting, read from one place
``engine``             where queries run and can be stopped: the worker pool, its
                       admission (fair shares, a bounded queue), the time limit
``worker``             the body of a query worker: ``SERVICE`` check, running,
                       caps, memory cap, no network
``errors``             the typed errors a worker reports; any other is internal
``federation``         the ``SERVICE`` allowlist check
``formats``            every format read or written, and the ``Accept`` negotiator
``writers``            streaming result writers, with a row cap
``output``             writing a result in a named format, with a row cap
``run``                one query to the end, as the command line runs it
``cache``              validators from the store's state, the result cache
=====================  ==========================================================
"""
