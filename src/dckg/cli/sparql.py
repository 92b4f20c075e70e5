"""``dckg sparql``: run a SPARQL query on the store."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dckg.cli.context import Session, pass_session
from dckg.errors import InputError, UsageError
from dckg.results import FORMAT_NAMES, write_result


@click.command()
@click.argument("query", required=False)
@click.option(
    "-f",
    "--file",
    "query_file",
    type=click.Path(path_type=Path, allow_dash=True),
    help="Read the query from a file ('-' for standard input).",
)
@click.option(
    "--format", "fmt", type=click.Choice(FORMAT_NAMES), default="table", show_default=True
)
@pass_session
def sparql(session: Session, query: str | None, query_file: Path | None, fmt: str) -> None:
    """Run a SPARQL 1.1 query over the union of all graphs.

    The usual prefixes (dckg, rdf, rdfs, owl, xsd, skos, dct, dcat, prov, foaf, org, geo)
    need not be declared.
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
    result = session.reader.query(query)
    write_result(result, sys.stdout.buffer, fmt)


COMMANDS = [sparql]
