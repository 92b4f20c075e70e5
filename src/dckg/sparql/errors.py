"""The errors of running a query, and how they cross from a query worker to its caller.

A query worker reports an error as the name of its class and its message (errors cross the
process boundary as text); :func:`from_worker` rebuilds it on the other side. Only the
classes of :data:`WORKER_ERRORS` cross by name, each error as the nearest of them among its
ancestors (:func:`worker_name`). Anything else a worker meets is a bug: the worker logs it
with its traceback and reports an :class:`~dckg.errors.InternalError`, which the HTTP API
answers with 500 and the command line with exit code 2, never as a bad query (400). A name
that is not on the list is read the same way.

==================  ================================================  ======  =====
class               meaning                                           HTTP    exit
==================  ================================================  ======  =====
``MemoryExceeded``  a query needed more memory than a worker may use  507     2
``NotAcceptable``   no format of the result that the client accepts   406     2
``Busy``            no query worker became free in time               503     2
==================  ================================================  ======  =====

>>> error = from_worker(worker_name(QueryTimeout("slow")), "slow")
>>> type(error).__name__, str(error)
('QueryTimeout', 'slow')
>>> worker_name(ServiceRefused("no")), worker_name(KeyError("k"))
('ServiceRefused', 'InternalError')
>>> type(from_worker("KeyError", "k")).__name__
'InternalError'
"""

from __future__ import annotations

from dckg.errors import (
    DckgError,
    IncompleteResult,
    InputError,
    InternalError,
    NotFound,
    QueryError,
    QueryTimeout,
    StoreError,
    UsageError,
)
from dckg.sparql.federation import ServiceRefused

#: Seconds a client is told to wait before trying again when the workers are busy.
RETRY_AFTER = 5


class MemoryExceeded(DckgError):
    """A query needed more memory than a query worker may use."""


class NotAcceptable(DckgError):
    """A result of a kind that no format the client accepts can carry."""


class Busy(DckgError):
    """No query worker became free in time, or too many queries already wait."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.headers = {"Retry-After": str(RETRY_AFTER)}


class NoWorker(StoreError):
    """No query worker could start (each stopped while opening the store)."""


#: The errors that cross from a worker by name, most specific first.
WORKER_ERRORS: tuple[type[DckgError], ...] = (
    QueryTimeout,
    IncompleteResult,
    ServiceRefused,
    QueryError,
    InputError,
    UsageError,
    NotFound,
    StoreError,
    MemoryExceeded,
    NotAcceptable,
    Busy,
    InternalError,
)
_BY_NAME = {cls.__name__: cls for cls in WORKER_ERRORS}


def worker_name(error: BaseException) -> str:
    """The name an error crosses under: its nearest class of :data:`WORKER_ERRORS`."""
    for cls in type(error).__mro__:
        if cls.__name__ in _BY_NAME and _BY_NAME[cls.__name__] is cls:
            return cls.__name__
    return InternalError.__name__


def from_worker(class_name: str, message: str) -> DckgError:
    """The error a worker reported (an unknown name is an internal error)."""
    return _BY_NAME.get(class_name, InternalError)(message)


__all__ = [
    "RETRY_AFTER",
    "WORKER_ERRORS",
    "Busy",
    "MemoryExceeded",
    "NoWorker",
    "NotAcceptable",
    "from_worker",
    "worker_name",
]
