"""Every ``DCKG_*`` setting, in one place: a frozen dataclass per concern.

Each field carries, as metadata, its environment variable, the parser of the variable's text,
the default as shown to people, its help text and (where there is one) its command-line
option. From that metadata come the options of ``dckg serve``, the ``--timeout`` and
``--max-results`` of the commands that run queries, and the settings tables of the docs
(``python -m dckg.settings_docs`` rewrites them; a test checks they are current).

The environment is read only when asked (``from_env``, ``value``), never at import time. A
value out of range raises :class:`~dckg.errors.UsageError` naming the setting and its variable.

>>> QueryLimits.from_env({"DCKG_QUERY_TIMEOUT": "5"}).query_timeout
5.0
>>> Settings(store="memory").query_timeout
30.0
>>> Settings.from_env({"DCKG_SERVICE_ALLOWLIST": "http://a/sparql, http://b/sparql"},
...                   store="memory").service_allowlist
('http://a/sparql', 'http://b/sparql')
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any, TypeVar

from dckg.errors import UsageError

G = TypeVar("G", bound="Group")

#: Turns a variable's text into a value: ``parse(text, variable)``.
Parser = Callable[[str, str], Any]
#: Says what is wrong with a value (a phrase such as "must be positive, not -1"), or None.
Check = Callable[[Any], "str | None"]

MiB = 1024 * 1024


# -- parsers -----------------------------------------------------------------------------


def text(raw: str, _variable: str) -> str:
    return raw


def lower(raw: str, _variable: str) -> str:
    return raw.lower()


def integer(raw: str, variable: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise UsageError(f"{variable}={raw!r}: not a number (a whole number)") from None


def number(raw: str, variable: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise UsageError(f"{variable}={raw!r}: not a number") from None


def flag(raw: str, variable: str) -> bool:
    value = raw.lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise UsageError(f"{variable}={raw!r}: use 1 (on) or 0 (off)")


def items(raw: str, _variable: str) -> tuple[str, ...]:
    """A comma-separated list, blanks dropped."""
    return tuple(item.strip() for item in raw.split(",") if item.strip())


def path(raw: str, _variable: str) -> Path:
    return Path(raw).expanduser()


#: The Python type each parser gives (for command-line options).
PARSED_TYPES: dict[Parser, type] = {
    text: str,
    lower: str,
    integer: int,
    number: float,
    flag: bool,
    items: str,
    path: str,
}


# -- checks ------------------------------------------------------------------------------


def positive(value: float) -> str | None:
    return None if value > 0 else f"must be positive, not {value}"


def at_least_one(value: int) -> str | None:
    return None if value >= 1 else f"must be at least 1, not {value}"


def automatic_or_more(value: int) -> str | None:
    return None if value >= 0 else f"must be 0 (automatic) or more, not {value}"


def not_negative(value: float) -> str | None:
    return None if value >= 0 else f"must not be negative, not {value}"


def tcp_port(value: int) -> str | None:
    return None if 0 <= value <= 65535 else f"is not a TCP port: {value}"


def token(value: str) -> str | None:
    return None if len(value) >= 16 else "must be at least 16 characters long"


def http_url(value: str) -> str | None:
    return None if re.match(r"https?://", value) else f"must be an http(s) URL, not {value!r}"


#: Characters an allowlisted endpoint may not contain (it must be a plain IRIREF).
_NOT_IN_IRI = re.compile(r'[\x00-\x20<>"{}|^`\\]')


def check_endpoint(iri: str) -> str:
    """An allowlist entry, if it is an absolute http(s) IRI written plainly; else ValueError."""
    if not re.match(r"https?://[^/]", iri) or _NOT_IN_IRI.search(iri):
        raise ValueError(f"not an absolute http(s) IRI: {iri!r}")
    return iri


def endpoints(value: Sequence[str]) -> str | None:
    for endpoint in value:
        try:
            check_endpoint(endpoint)
        except ValueError as error:
            return f"has a bad entry: {error}"
    return None


def one_of(*choices: str) -> Check:
    def check(value: str) -> str | None:
        return None if value in choices else f"must be {' or '.join(choices)}, not {value!r}"

    return check


# -- one setting -------------------------------------------------------------------------


def setting(
    default: Any,
    variable: str,
    help: str,
    *,
    parse: Parser = text,
    shown: str | None = None,
    check: Check | None = None,
    option: str | None = "",
    metavar: str | None = None,
) -> Any:
    """A field of a settings group: its variable, parser, shown default, help and option.

    ``option`` is the long option of ``dckg serve`` (by default ``--`` and the field's name
    with dashes); ``None`` for a setting with no option there."""
    return field(
        default=default,
        metadata={
            "variable": variable,
            "help": help,
            "parse": parse,
            "shown": shown if shown is not None else _shown(default),
            "check": check,
            "option": option,
            "metavar": metavar,
        },
    )


def _shown(default: Any) -> str:
    if default is None:
        return "unset"
    if default == ():
        return "empty"
    if isinstance(default, bool):
        return "1" if default else "0"
    if isinstance(default, int) and default >= 10_000:
        return f"{default:,}"
    return str(default)


def variable(item: Field[Any]) -> str:
    return str(item.metadata["variable"])


def option_name(item: Field[Any]) -> str | None:
    """The long option of a field (``--query-timeout``), or None if it has none."""
    given = item.metadata["option"]
    if given is None:
        return None
    return given or "--" + item.name.replace("_", "-")


def label(item: Field[Any]) -> str:
    """How an error names a setting: ``query_timeout (DCKG_QUERY_TIMEOUT, --query-timeout)``."""
    names = [variable(item)] + [name for name in (option_name(item),) if name]
    return f"{item.name} ({', '.join(names)})"


# -- groups ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Group:
    """Behaviour shared by every settings group: reading, checking, copying."""

    def __post_init__(self) -> None:
        for item in fields(self):
            check = item.metadata.get("check")
            value = getattr(self, item.name)
            if check is None or value is None:
                continue
            problem = check(value)
            if problem is not None:
                raise UsageError(f"{label(item)} {problem}")

    @classmethod
    def from_env(cls: type[G], environ: Mapping[str, str] | None = None, **overrides: Any) -> G:
        """The settings from their variables, then ``overrides`` (``None`` values ignored;
        a string is parsed as the variable would be)."""
        env = os.environ if environ is None else environ
        known = {item.name: item for item in fields(cls)}
        values: dict[str, Any] = {}
        for name, item in known.items():
            raw = (env.get(variable(item)) or "").strip()
            if raw:
                values[name] = item.metadata["parse"](raw, variable(item))
        for name, value in overrides.items():
            if name not in known:
                raise TypeError(f"{cls.__name__} has no setting {name!r}")
            if value is None:
                continue
            if isinstance(value, str):
                value = known[name].metadata["parse"](value.strip(), variable(known[name]))
            elif isinstance(value, list):
                value = tuple(value)
            values[name] = value
        return cls(**values)

    @classmethod
    def value(cls, name: str, environ: Mapping[str, str] | None = None) -> Any:
        """One setting from its variable, else its default, without reading or checking the
        others (the command line's limits: ``0`` rows is allowed there).

        >>> Settings.value("max_results", {})
        100000
        >>> Settings.value("query_timeout", {"DCKG_QUERY_TIMEOUT": "5"})
        5.0
        """
        item = next((f for f in fields(cls) if f.name == name), None)
        if item is None:
            raise KeyError(name)
        env = os.environ if environ is None else environ
        raw = (env.get(variable(item)) or "").strip()
        if not raw:
            return item.default
        return item.metadata["parse"](raw, variable(item))

    def with_(self: G, **changes: Any) -> G:
        """A copy with some settings changed (and checked again)."""
        return replace(self, **changes)


@dataclass(frozen=True)
class StoreChoice(Group):
    """Which store: the one setting :class:`Locations` and :class:`Settings` share."""

    store: str | None = setting(
        None,
        "DCKG_STORE",
        "the store: a directory (embedded Oxigraph), 'memory', or a SPARQL endpoint URL; "
        "an empty store is filled with the shipped data when served",
        shown="the user data directory",
        metavar="PATH|memory|URL",
    )


@dataclass(frozen=True)
class Locations(StoreChoice):
    """Where dckg keeps its graph and what it derives from it."""

    cache_dir: Path | None = setting(  # noqa: RUF009 (a field, not a shared value)
        None,
        "DCKG_CACHE_DIR",
        "where derived indexes are kept (the place index of reconciliation)",
        parse=path,
        shown="the user cache directory",
        option=None,
    )


@dataclass(frozen=True)
class ServerSettings(Group):
    """How ``dckg serve`` listens and whom it lets in."""

    host: str = setting("127.0.0.1", "DCKG_HOST", "the address to listen on")
    port: int = setting(8000, "DCKG_PORT", "the port to listen on", parse=integer, check=tcp_port)
    max_body_bytes: int = setting(
        10 * MiB,
        "DCKG_MAX_BODY_BYTES",
        "the largest request body accepted; a larger one (declared or streamed) gets 413",
        parse=integer,
        shown="10 MiB",
        check=at_least_one,
        metavar="BYTES",
    )
    write_token: str | None = setting(
        None,
        "DCKG_WRITE_TOKEN",
        "bearer token for POST, GET and DELETE /contributions, at least 16 characters; "
        "unset: writing over HTTP is disabled (403)",
        check=token,
        metavar="TOKEN",
    )
    max_connections: int = setting(
        1000,
        "DCKG_MAX_CONNECTIONS",
        "connections open at once; one more gets 503 with Retry-After (logged once)",
        parse=integer,
        check=at_least_one,
        metavar="N",
    )
    idle_timeout: float = setting(
        10.0,
        "DCKG_IDLE_TIMEOUT",
        "seconds a connection may stay open with no request in progress (idle, kept alive, "
        "or sending a request head slowly)",
        parse=number,
        shown="10",
        check=positive,
        metavar="SECONDS",
    )
    body_timeout: float = setting(
        30.0,
        "DCKG_BODY_TIMEOUT",
        "seconds a request body may take to arrive, plus one per --body-min-rate bytes "
        "received; a slower body gets 408 and the connection is closed",
        parse=number,
        shown="30",
        check=positive,
        metavar="SECONDS",
    )
    body_min_rate: int = setting(
        16 * 1024,
        "DCKG_BODY_MIN_RATE",
        "bytes per second of body that earn one more second (0: the whole body within "
        "--body-timeout)",
        parse=integer,
        shown="16,384",
        check=not_negative,
        metavar="BYTES",
    )


@dataclass(frozen=True)
class QueryLimits(Group):
    """What one query may do: run time, rows, bytes, memory, the endpoints it may call."""

    query_timeout: float = setting(
        30.0,
        "DCKG_QUERY_TIMEOUT",
        "seconds a query may run; then it is stopped (its worker process is killed), "
        "the client gets 504 and other clients keep being answered",
        parse=number,
        shown="30",
        check=positive,
        metavar="SECONDS",
    )
    reconcile_timeout: float = setting(
        30.0,
        "DCKG_RECONCILE_TIMEOUT",
        "seconds a /reconcile batch may take (its indexes, built once per state of the store, "
        "aside); a batch still running is stopped between two of its queries and gets 504",
        parse=number,
        shown="30",
        check=positive,
        metavar="SECONDS",
    )
    max_results: int = setting(
        100_000,
        "DCKG_MAX_RESULTS",
        "rows (SELECT) or triples (CONSTRUCT, DESCRIBE) of an answer that may be cut (named "
        "queries, /sparql?truncate=true), which then says so; a plain /sparql answer is "
        "never cut",
        parse=integer,
        check=at_least_one,
        metavar="N",
    )
    max_query_bytes: int = setting(
        1 * MiB,
        "DCKG_MAX_QUERY_BYTES",
        "the longest query text accepted; a longer one gets 413, unread",
        parse=integer,
        shown="1 MiB",
        check=at_least_one,
        metavar="BYTES",
    )
    max_result_bytes: int = setting(
        256 * MiB,
        "DCKG_MAX_RESULT_BYTES",
        "bytes of an answer's body, serialised; a larger answer gets 507 on /sparql, or is "
        "cut (with Dckg-Truncated) where the request allows it",
        parse=integer,
        shown="256 MiB",
        check=at_least_one,
        metavar="BYTES",
    )
    query_memory_mb: int = setting(
        1024,
        "DCKG_QUERY_MEMORY_MB",
        "MiB a query worker may allocate for one query; beyond, 507 and the worker is "
        "replaced (0: no cap)",
        parse=integer,
        check=automatic_or_more,
        metavar="MIB",
    )
    service_allowlist: tuple[str, ...] = setting(
        (),
        "DCKG_SERVICE_ALLOWLIST",
        "endpoints SERVICE may call, comma-separated and written out in full; any other "
        "gets 403; empty: query workers have no network",
        parse=items,
        check=endpoints,
        metavar="URL,URL…",
    )

    @classmethod
    def timeout(cls, given: float | None = None, *, name: str = "timeout") -> float:
        """The time limit of one query: ``given``, else ``DCKG_QUERY_TIMEOUT``, else the
        default; a :class:`~dckg.errors.UsageError` naming the option ``name`` unless it
        is a positive number.

        >>> QueryLimits.timeout(5)
        5.0
        """
        value = given if given is not None else cls.value("query_timeout")
        if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
            raise UsageError(f"{name} must be a positive number of seconds, not {value!r}")
        return float(value)

    @classmethod
    def row_cap(cls, given: int | None = None, *, name: str = "max_results") -> int:
        """Rows (or triples) one answer may hold: ``given``, else ``DCKG_MAX_RESULTS``, else
        the default; 0 is every row. A :class:`~dckg.errors.UsageError` naming the option
        ``name`` unless it is an int of 0 or more.

        >>> QueryLimits.row_cap(0)
        0
        """
        value = given if given is not None else cls.value("max_results")
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise UsageError(f"{name} must be 0 (everything) or a positive int, not {value!r}")
        return value


@dataclass(frozen=True)
class QueryPool(Group):
    """The worker processes that run queries, and how they are shared."""

    query_workers: int = setting(
        0,
        "DCKG_QUERY_WORKERS",
        "processes that run queries (0: one per core, at least 2)",
        parse=integer,
        shown="one per core, at least 2",
        check=automatic_or_more,
        metavar="N",
    )
    queries_per_client: int = setting(
        0,
        "DCKG_QUERIES_PER_CLIENT",
        "queries one client (address) may run at once while others are present (0: workers − 1)",
        parse=integer,
        shown="workers − 1",
        check=automatic_or_more,
        metavar="N",
    )
    query_queue: int = setting(
        0,
        "DCKG_QUERY_QUEUE",
        "queries that may wait for a worker; the next gets 503 with Retry-After (0: 4 per worker)",
        parse=integer,
        shown="4 per worker",
        check=automatic_or_more,
        metavar="N",
    )


@dataclass(frozen=True)
class Settings(QueryPool, QueryLimits, ServerSettings, StoreChoice):
    """What ``create_app`` needs to know: the store, the server, the query limits and pool.

    Every field is an option of ``dckg serve``; the option wins over the variable.
    """


@dataclass(frozen=True)
class InputLimits(Group):
    """What a contribution or data file may be."""

    max_input_bytes: int = setting(
        64 * MiB,
        "DCKG_MAX_INPUT_BYTES",
        "the largest input file read (after .gz decompression); a larger one is refused",
        parse=integer,
        shown="64 MiB",
        check=at_least_one,
        option=None,
    )


@dataclass(frozen=True)
class RemoteStoreSettings(Group):
    """How dckg talks to a SPARQL server named by ``DCKG_STORE=http(s)://…``."""

    update_url: str | None = setting(
        None,
        "DCKG_UPDATE_URL",
        "the SPARQL update endpoint",
        shown="the query URL",
        check=http_url,
        option=None,
    )
    gsp_url: str | None = setting(
        None,
        "DCKG_GSP_URL",
        "the SPARQL 1.1 Graph Store Protocol endpoint, used for loads and dumps "
        "(unset: INSERT DATA and CONSTRUCT instead)",
        check=http_url,
        option=None,
    )
    user: str | None = setting(
        None, "DCKG_STORE_USER", "HTTP user name for all three endpoints", option=None
    )
    password: str | None = setting(
        None, "DCKG_STORE_PASSWORD", "HTTP password for all three endpoints", option=None
    )
    auth: str = setting(
        "basic",
        "DCKG_STORE_AUTH",
        "HTTP authentication: basic or digest",
        parse=lower,
        check=one_of("basic", "digest"),
        option=None,
    )
    timeout: float = setting(
        30.0,
        "DCKG_STORE_TIMEOUT",
        "seconds a query may take on the server before QueryTimeout",
        parse=number,
        shown="30",
        check=not_negative,
        option=None,
    )
    load_timeout: float = setting(
        300.0,
        "DCKG_STORE_LOAD_TIMEOUT",
        "seconds an upload or update may take",
        parse=number,
        shown="300",
        check=not_negative,
        option=None,
    )
    retries: int = setting(
        2,
        "DCKG_STORE_RETRIES",
        "retries of a request where it is safe",
        parse=integer,
        check=not_negative,
        option=None,
    )
    allow_partial: bool = setting(
        False,
        "DCKG_STORE_ALLOW_PARTIAL",
        "1: accept an answer the server cut, flagged as incomplete; 0: a cut answer is an error",
        parse=flag,
        option=None,
    )


#: The groups, in the order the docs list them (``Settings`` combines the first four).
GROUPS: tuple[type[Group], ...] = (
    Locations,
    ServerSettings,
    QueryLimits,
    QueryPool,
    InputLimits,
    RemoteStoreSettings,
)


def every_setting() -> Iterator[tuple[type[Group], Field[Any]]]:
    """Each setting once, with its group."""
    for group in GROUPS:
        for item in fields(group):
            yield group, item


def variables() -> frozenset[str]:
    """Every ``DCKG_*`` variable dckg reads."""
    return frozenset(variable(item) for _group, item in every_setting())
