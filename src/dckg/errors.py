"""The errors dckg raises, one base class, one meaning each.

::

    DckgError
    ├── UsageError        bad arguments or settings                  exit 2, HTTP 400
    ├── InputError        unreadable input: file, line/row, field    exit 2, HTTP 400
    ├── QueryError        a query that does not parse or fails       exit 1, HTTP 400
    │   ├── QueryTimeout  a query stopped at its deadline            exit 1, HTTP 504
    │   └── IncompleteResult  a store sent part of an answer         exit 3, HTTP 502
    ├── ValidationFailed  a contribution does not conform            exit 1, HTTP 422
    ├── NotFound          an unknown query, entity or contribution   exit 2, HTTP 404
    ├── StoreError        the store cannot be opened, read, written  exit 2, HTTP 503
    └── InternalError     a bug: what should not happen did          exit 2, HTTP 500

The CLI maps them to exit codes in :mod:`dckg.cli`, the HTTP API to statuses in
:mod:`dckg.api`; nothing else does.
"""

from __future__ import annotations

from pathlib import Path


class DckgError(Exception):
    """Base class of every error dckg raises on purpose."""


class UsageError(DckgError):
    """A bad argument, option or setting."""


class InputError(DckgError):
    """Input that cannot be read: names the source and, where known, the line or row.

    >>> str(InputError("unexpected token", source="a.ttl", line=3))
    'a.ttl:3: unexpected token'
    """

    def __init__(
        self,
        message: str,
        *,
        source: str | Path | None = None,
        line: int | None = None,
        column: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.source = str(source) if source is not None else None
        self.line = line
        self.column = column
        self.field = field
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.source or "<input>"
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        text = f"{where}: {self.message}"
        if self.field:
            text += f" (field {self.field!r})"
        return text


class QueryError(DckgError):
    """A query that does not parse, or fails while running."""


class QueryTimeout(QueryError):
    """A query stopped because it ran past its time limit."""


class IncompleteResult(QueryError):
    """A store sent only part of an answer (a row cap, a time limit) and the caller did not
    allow partial answers. ``cause`` says which limit: ``rows`` or ``time``."""

    def __init__(self, message: str, *, cause: str = "rows") -> None:
        super().__init__(message)
        self.cause = cause


class ValidationFailed(DckgError):
    """A contribution that does not conform to the shapes; carries the report."""

    def __init__(self, message: str, report: object | None = None) -> None:
        super().__init__(message)
        self.report = report


class NotFound(DckgError):
    """An unknown named query, entity, graph or contribution."""


class StoreError(DckgError):
    """The store cannot be opened, read or written."""


class InternalError(DckgError):
    """Something that should not happen did (a bug), reported as such."""
