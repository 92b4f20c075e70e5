"""``dckg sparql``: run a SPARQL query on the store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dckg.cli.context import Session, pass_session
from dckg.cli.limits import limit_options, max_results, write_reported
from dckg.errors import InputError, UsageError
from dckg.sparql.output import NAMES


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
    strict: bool,
) -> None:
    """Run a SPARQL 1.1 query over the union of all graphs.

    The usual prefixes (dckg, rdf, rdfs, owl, xsd, skos, dct, dcat, prov, foaf, org, geo)
    need not be declared. A result cut by --max-results (or by a remote store) is said on
    standard error; under --strict the exit code is then 3.
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
    cap = _cap(max_results)
    store = session.reader
    result = store.query(query)
    write_reported(store, result, sys.stdout.buffer, fmt, cap=cap, strict=strict)


_cap = max_results


COMMANDS = [sparql]
