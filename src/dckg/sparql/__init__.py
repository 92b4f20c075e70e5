"""The query core: running SPARQL queries, one way for the command line and both APIs.

The command line (:mod:`dckg.sparql.run`), the HTTP API (:mod:`dckg.api`, a thin layer
of routes and headers) and the Python API (:mod:`dckg.kg`) all run queries through an
engine of :mod:`dckg.sparql.engine` (``Engine.run``): the same workers or threads, time
limit, row and byte caps, formats and writers, for every kind of store.

=====================  ==========================================================
``settings``           every limit and server setting, read from one place
``engine``             where queries run and can be stopped: the worker pool, its
                       admission (fair shares, a bounded queue), the time limit;
                       threads of this process for a remote store and for Python
``worker``             the body of a query worker: ``SERVICE`` check, running,
                       caps, memory cap, no network
``errors``             the typed errors a worker reports; any other is internal
``federation``         the ``SERVICE`` allowlist check
``formats``            every format read or written, and the ``Accept`` negotiator
``writers``            streaming result writers, with a row cap
``run``                one query to the end, as the command line runs it, and the
                       names ``--format`` takes
``cache``              validators from the store's state, the result cache
=====================  ==========================================================
"""
