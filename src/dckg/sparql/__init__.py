"""Running SPARQL queries, one way for the command line and the HTTP API.

=====================  ==========================================================
``formats``            every format read or written, and the ``Accept`` negotiator
``output``             writing a result in a named format, with a row cap
``cache``              validators from the store's state, the result cache
=====================  ==========================================================
"""
