"""What the commands that run queries share: the time limit, the row cap, --strict.

Every query runs through :func:`dckg.sparql.run.run`: on an embedded store in a worker
process (the same time limit and caps as ``dckg serve``); on a remote store the remote
engine does the work, bounded by ``DCKG_STORE_TIMEOUT``, and a partial answer it sends is
reported here.
The defaults and variables are the server's (:class:`dckg.config.QueryLimits`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, BinaryIO

import click

from dckg.cli.options import setting_option
from dckg.config import QueryLimits
from dckg.errors import IncompleteResult
from dckg.sparql import run
from dckg.store import Store
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
    return QueryLimits.row_cap(option, name="--max-results")


def timeout(option: float | None) -> float:
    """The time limit in force: the option, else ``DCKG_QUERY_TIMEOUT``, else the server's
    default."""
    return QueryLimits.timeout(option, name="--timeout")


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
    done = run.run(
        store, query, out, fmt, substitutions=substitutions, max_results=cap, timeout=seconds
    )
    notes = []
    if done.truncation in ("rows", "bytes"):
        notes.append(
            f"only the first {done.rows:,} rows are shown, more exist (--max-results "
            f"{cap}); pass --max-results 0 for all, or page with LIMIT/OFFSET"
        )
    if done.partial is not None:
        notes.append(
            f"the store sent part of the answer ({done.partial.rows:,} rows): {done.partial.reason}"
        )
    if notes and strict:
        raise IncompleteResult("the result is incomplete: " + "; ".join(notes))
    for note in notes:
        click.echo(f"dckg: warning: incomplete result: {note}", err=True)
    return done.rows
