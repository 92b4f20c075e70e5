"""What the commands that run queries share: the time limit, the row cap, --strict.

A query on an embedded store runs in a worker process of :mod:`dckg.sparql.run` (the same
pool, time limit and caps as ``dckg serve``); on a remote store the remote engine does the
work, bounded by ``DCKG_STORE_TIMEOUT``, and a partial answer it sends is reported here.
The defaults and variables are the server's (:class:`dckg.config.QueryLimits`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, BinaryIO

import click

from dckg.cli.options import setting_option
from dckg.config import QueryLimits
from dckg.errors import IncompleteResult, UsageError
from dckg.sparql import output, run
from dckg.store import EmbeddedStore, Store
from dckg.store.base import Term


def limit_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--max-results``, ``--timeout`` and ``--strict``."""
    command = click.option(
        "--strict",
        is_flag=True,
        help="Exit with code 3 when the result is incomplete (cut by --max-results or by "
        "a remote store), after printing what there is.",
    )(command)
    command = setting_option(
        QueryLimits,
        "query_timeout",
        flag="--timeout",
        help="Stop the query after this long (exit 1).",
    )(command)
    return setting_option(
        QueryLimits,
        "max_results",
        help="Rows or triples printed at most; 0 prints everything, streamed.",
    )(command)


def max_results(option: int | None) -> int:
    """The row cap in force: the option, else ``DCKG_MAX_RESULTS``, else the server's default
    (0 prints everything)."""
    value = option if option is not None else QueryLimits.value("max_results")
    if value < 0:
        raise UsageError(f"--max-results must be 0 (everything) or more, not {value}")
    return value


def timeout(option: float | None) -> float:
    """The time limit in force: the option, else ``DCKG_QUERY_TIMEOUT``, else the server's
    default."""
    value = option if option is not None else QueryLimits.value("query_timeout")
    if value <= 0:
        raise UsageError(f"the query timeout must be positive, not {value}")
    return value


def run_reported(
    store: Store,
    query: str,
    out: BinaryIO,
    fmt: str,
    *,
    substitutions: Mapping[str, Term] | None = None,
    cap: int,
    seconds: float,
    strict: bool,
) -> int:
    """Run a query and write its answer; warn on standard error if it is incomplete (exit 3
    under --strict). Returns the rows (or triples) written."""
    if isinstance(store, EmbeddedStore):
        done = run.run(
            store,
            query,
            out,
            fmt,
            substitutions=substitutions,
            max_results=cap,
            timeout=seconds,
        )
        rows, truncated = done.rows, done.truncated
    else:
        written = output.write(
            store.query(query, substitutions=substitutions), out, fmt, max_results=cap
        )
        rows, truncated = written.rows, written.truncated
    out.flush()
    notes = []
    if truncated:
        notes.append(
            f"only the first {rows:,} rows are shown, more exist (--max-results "
            f"{cap}); pass --max-results 0 for all, or page with LIMIT/OFFSET"
        )
    cut = store.truncation()
    if cut is not None:
        notes.append(f"the store sent part of the answer ({cut.rows:,} rows): {cut.reason}")
    if notes and strict:
        raise IncompleteResult("the result is incomplete: " + "; ".join(notes))
    for note in notes:
        click.echo(f"dckg: warning: incomplete result: {note}", err=True)
    return rows
