"""``dckg sparql``: run a SPARQL query on the store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dckg.cli.context import Session, pass_session
from dckg.cli.limits import limit_options, max_results, run_reported, timeout
from dckg.errors import InputError, UsageError
from dckg.sparql.run import NAMES


@click.command()
@click.argument("query", required=False)
@click.option(
    "-f",
    "--file",
    "query_file",
    type=click.Path(path_type=Path, allow_dash=True),
    help="Read the query from a file ('-' for standard input).",
)
@click.option("--format", "fmt", type=click.Choice(NAMES), default="table", show_default=True)
@limit_options
@pass_session
def sparql(
    session: Session,
    query: str | None,
    query_file: Path | None,
    fmt: str,
    max_results: int | None,
    timeout: float | None,
    strict: bool,
) -> None:
    """Run a SPARQL 1.1 query over the union of all graphs (or its FROM graphs).

    The usual prefixes (dckg, rdf, rdfs, owl, xsd, skos, dct, dcat, prov, foaf, org, geo)
    need not be declared. A result cut by --max-results (or by a remote store) is said on
    standard error; under --strict the exit code is then 3. A query running past
    --timeout is stopped (exit 1).
    """
    if (query is None) == (query_file is None):
        raise UsageError("give a QUERY or -f FILE, not both or neither")
    if query_file is not None:
        if str(query_file) == "-":
            query = sys.stdin.read()
        else:
            try:
                query = query_file.read_text(encoding="utf-8")
            except OSError as error:
                raise InputError(f"cannot read: {error.strerror}", source=query_file) from None
            except UnicodeDecodeError as error:
                raise InputError(f"not UTF-8 text: {error.reason}", source=query_file) from None
    assert query is not None
    cap, seconds = _cap(max_results), _seconds(timeout)
    run_reported(
        session.reader, query, sys.stdout.buffer, fmt, cap=cap, seconds=seconds, strict=strict
    )


_cap, _seconds = max_results, timeout


COMMANDS = [sparql]
