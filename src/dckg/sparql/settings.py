"""The settings of queries and of the server: one frozen value, read from the environment
only when asked, and the one place limits are read from.

Every setting is also an option of ``dckg serve`` (the time limit and the row cap are options
of ``dckg sparql`` and ``dckg query`` too); the option wins over the variable.

============================  =====================================================  ==========
variable                      meaning                                                default
============================  =====================================================  ==========
``DCKG_STORE``                the store (directory, ``memory`` or an endpoint URL)   user dir
``DCKG_HOST``                 the address to listen on                               127.0.0.1
``DCKG_PORT``                 the port to listen on                                  8000
``DCKG_QUERY_TIMEOUT``        seconds a query may run before it is stopped           30
``DCKG_MAX_RESULTS``          rows (or triples) of an answer that may be cut         100000
``DCKG_MAX_BODY_BYTES``       the largest request body accepted                      10 MiB
``DCKG_SERVICE_ALLOWLIST``    comma-separated endpoints ``SERVICE`` may call         (none)
``DCKG_WRITE_TOKEN``          bearer token for writing over HTTP (unset: disabled)   (unset)
``DCKG_QUERY_WORKERS``        processes that run queries (0: one per core, min. 2)   0
``DCKG_MAX_QUERY_BYTES``      the longest query text accepted                        1 MiB
``DCKG_MAX_RESULT_BYTES``     bytes of an answer's body, serialised                  256 MiB
``DCKG_QUERY_MEMORY_MB``      MiB a query worker may allocate (0: no cap)            1024
``DCKG_QUERIES_PER_CLIENT``   queries one client may run at once (0: workers − 1)    0
``DCKG_QUERY_QUEUE``          queries that may wait for a worker (0: 4 per worker)   0
``DCKG_MAX_CONNECTIONS``      connections open at once; one more gets 503            1000
``DCKG_IDLE_TIMEOUT``         seconds a connection may stay open between requests    10
``DCKG_RECONCILE_TIMEOUT``    seconds a reconciliation batch may take (then 504)     30
``DCKG_BODY_TIMEOUT``         seconds a request body may take to arrive, beyond …    30
``DCKG_BODY_MIN_RATE``        … one more second per this many bytes received         16384
============================  =====================================================  ==========
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, replace
from typing import Any

from dckg.errors import UsageError


@dataclass(frozen=True)
class Settings:
    """What ``create_app`` needs to know.

    >>> Settings(store="memory").query_timeout
    30.0
    >>> Settings.from_env({"DCKG_SERVICE_ALLOWLIST": "http://a/sparql, http://b/sparql"},
    ...                   store="memory").service_allowlist
    ('http://a/sparql', 'http://b/sparql')
    """

    store: str | None = None
    host: str = "127.0.0.1"
    port: int = 8000
    query_timeout: float = 30.0
    max_results: int = 100_000
    max_body_bytes: int = 10 * 1024 * 1024
    service_allowlist: tuple[str, ...] = ()
    write_token: str | None = None
    query_workers: int = 0
    max_query_bytes: int = 1024 * 1024
    max_result_bytes: int = 256 * 1024 * 1024
    query_memory_mb: int = 1024
    queries_per_client: int = 0
    query_queue: int = 0
    max_connections: int = 1000
    idle_timeout: float = 10.0
    reconcile_timeout: float = 30.0
    body_timeout: float = 30.0
    body_min_rate: int = 16 * 1024

    def __post_init__(self) -> None:
        if self.query_timeout <= 0:
            raise UsageError(f"the query timeout must be positive, not {self.query_timeout}")
        for name in (
            "max_results",
            "max_body_bytes",
            "max_query_bytes",
            "max_result_bytes",
            "max_connections",
        ):
            if getattr(self, name) < 1:
                raise UsageError(f"{name} must be at least 1, not {getattr(self, name)}")
        for name in ("query_workers", "query_memory_mb", "queries_per_client", "query_queue"):
            if getattr(self, name) < 0:
                raise UsageError(f"{name} must be 0 (automatic) or more, not {getattr(self, name)}")
        if self.idle_timeout <= 0:
            raise UsageError(f"the idle timeout must be positive, not {self.idle_timeout}")
        if self.reconcile_timeout <= 0:
            raise UsageError(
                f"the reconciliation timeout must be positive, not {self.reconcile_timeout}"
            )
        if self.body_timeout <= 0:
            raise UsageError(f"the body timeout must be positive, not {self.body_timeout}")
        if self.body_min_rate < 0:
            raise UsageError(f"body_min_rate must be 0 or more, not {self.body_min_rate}")
        from dckg.sparql.federation import check_endpoint

        for endpoint in self.service_allowlist:
            try:
                check_endpoint(endpoint)
            except ValueError as error:
                raise UsageError(f"DCKG_SERVICE_ALLOWLIST: {error}") from None
        if not 0 <= self.port <= 65535:
            raise UsageError(f"not a TCP port: {self.port}")
        if self.write_token is not None and len(self.write_token) < 16:
            raise UsageError("the write token must be at least 16 characters long")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Settings from ``DCKG_*`` variables, then ``overrides`` (``None`` values ignored)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in fields(cls):
            variable = "DCKG_" + field.name.upper()
            raw = env.get(variable)
            if raw is not None and raw.strip() != "":
                values[field.name] = _PARSERS.get(field.name, str)(raw.strip(), variable)
        values.update({k: v for k, v in overrides.items() if v is not None})
        if "service_allowlist" in values:
            values["service_allowlist"] = _allowlist(values["service_allowlist"])
        return cls(**values)

    @classmethod
    def value(cls, name: str, environ: Mapping[str, str] | None = None) -> Any:
        """One setting from its ``DCKG_*`` variable, else its default, without reading or
        checking the others (the command line's limits; ``0`` rows is allowed there).

        >>> Settings.value("max_results", {})
        100000
        >>> Settings.value("query_timeout", {"DCKG_QUERY_TIMEOUT": "5"})
        5.0
        """
        field = next((f for f in fields(cls) if f.name == name), None)
        if field is None:
            raise KeyError(name)
        env = os.environ if environ is None else environ
        variable = "DCKG_" + name.upper()
        raw = (env.get(variable) or "").strip()
        if not raw:
            return field.default
        return _PARSERS.get(name, lambda raw, _variable: raw)(raw, variable)

    def with_(self, **changes: Any) -> Settings:
        """A copy with some settings changed."""
        return replace(self, **changes)


def _number(kind: Callable[[str], Any]) -> Callable[[str, str], Any]:
    def parse(raw: str, variable: str) -> Any:
        try:
            return kind(raw)
        except ValueError:
            raise UsageError(f"{variable}={raw!r} is not a valid {kind.__name__}") from None

    return parse


def _allowlist(value: str | tuple[str, ...] | list[str]) -> tuple[str, ...]:
    items = value.split(",") if isinstance(value, str) else value
    return tuple(item.strip() for item in items if item.strip())


_PARSERS: dict[str, Callable[[str, str], Any]] = {
    "port": _number(int),
    "query_timeout": _number(float),
    "max_results": _number(int),
    "max_body_bytes": _number(int),
    "query_workers": _number(int),
    "max_query_bytes": _number(int),
    "max_result_bytes": _number(int),
    "query_memory_mb": _number(int),
    "queries_per_client": _number(int),
    "query_queue": _number(int),
    "max_connections": _number(int),
    "idle_timeout": _number(float),
    "reconcile_timeout": _number(float),
    "body_timeout": _number(float),
    "body_min_rate": _number(int),
    "service_allowlist": lambda raw, _variable: _allowlist(raw),
    "store": lambda raw, _variable: raw,
    "host": lambda raw, _variable: raw,
    "write_token": lambda raw, _variable: raw,
}
