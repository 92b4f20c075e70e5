"""Options and reporting shared by the commands that run queries: the row cap, --strict."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, BinaryIO

import click

from dckg.errors import IncompleteResult, UsageError
from dckg.sparql.output import Outcome, write
from dckg.store import Store

#: Rows a command prints at most unless told otherwise (as the server's default).
DEFAULT_MAX_RESULTS = 100_000


def limit_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """``--max-results`` and ``--strict``."""
    command = click.option(
        "--strict",
        is_flag=True,
        help="Exit with code 3 when the result is incomplete (cut by --max-results or by "
        "a remote store), after printing what there is.",
    )(command)
    return click.option(
        "--max-results",
        type=int,
        default=None,
        metavar="N",
        help="Rows or triples printed at most; 0 prints everything, streamed.  "
        "[default: 100000; $DCKG_MAX_RESULTS]",
    )(command)


def max_results(option: int | None) -> int:
    """The row cap in force: the option, else ``DCKG_MAX_RESULTS``, else the default."""
    if option is None:
        raw = os.environ.get("DCKG_MAX_RESULTS", "").strip()
        try:
            option = int(raw) if raw else DEFAULT_MAX_RESULTS
        except ValueError:
            raise UsageError(f"DCKG_MAX_RESULTS={raw!r} is not a valid int") from None
    if option < 0:
        raise UsageError(f"--max-results must be 0 (everything) or more, not {option}")
    return option


def write_reported(
    store: Store, result: object, output: BinaryIO, fmt: str, *, cap: int, strict: bool
) -> Outcome:
    """Write a result; warn on standard error if it is incomplete (exit 3 under --strict)."""
    outcome = write(result, output, fmt, max_results=cap)
    output.flush()
    notes = []
    if outcome.truncated:
        notes.append(
            f"only the first {outcome.rows:,} rows are shown, more exist (--max-results "
            f"{cap}); pass --max-results 0 for all, or page with LIMIT/OFFSET"
        )
    cut = store.truncation()
    if cut is not None:
        notes.append(f"the store sent part of the answer ({cut.rows:,} rows): {cut.reason}")
    if notes and strict:
        raise IncompleteResult("the result is incomplete: " + "; ".join(notes))
    for note in notes:
        click.echo(f"dckg: warning: incomplete result: {note}", err=True)
    return outcome
