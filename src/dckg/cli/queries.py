"""``dckg queries`` and ``dckg query``: the library of named queries on the command line."""

from __future__ import annotations

import sys

import click

from dckg.cli.context import Session, pass_session
from dckg.cli.limits import limit_options, max_results, run_reported, timeout
from dckg.errors import UsageError
from dckg.queries import NamedQuery, load_library
from dckg.queries.params import hint
from dckg.sparql.run import NAMES


@click.command("queries")
@click.option("--tag", help="Only the queries with this tag.")
@click.option(
    "--catalogue",
    is_flag=True,
    help="Print the Markdown catalogue (docs/queries.md), with example output on a fresh "
    "store of the shipped data.",
)
def list_queries(tag: str | None, catalogue: bool) -> None:
    """List the named queries with their summaries."""
    library = load_library()
    if catalogue:
        from pathlib import Path

        from dckg.queries.catalogue import generate

        docs = Path(__file__).resolve().parents[3] / "docs"
        click.echo(generate(docs), nl=False)
        return
    queries = [q for q in library.values() if tag is None or tag in q.tags]
    width = max((len(q.name) for q in queries), default=0)
    for query in queries:
        click.echo(f"{query.name:{width}}  {query.summary}")
        for param in query.params:
            kind = param.type + (", required" if param.required else "")
            example = hint(param)
            example = f"; e.g. {example}" if example else ""
            click.echo(f"{'':{width}}    -p {param.name}=…  ({kind}{example})")


@click.command("query")
@click.argument("name")
@click.option(
    "-p",
    "--param",
    "params",
    multiple=True,
    metavar="NAME=VALUE",
    help="A parameter value (repeatable).",
)
@click.option("--format", "fmt", type=click.Choice(NAMES), default="table", show_default=True)
@click.option(
    "--explain", is_flag=True, help="Print the query and its bound parameters; run nothing."
)
@limit_options
@pass_session
def run_query(
    session: Session,
    name: str,
    params: tuple[str, ...],
    fmt: str,
    explain: bool,
    max_results: int | None,
    timeout: float | None,
    strict: bool,
) -> None:
    """Run the named query NAME (see 'dckg queries')."""
    query = load_library()[name]
    raw = _parse_params(params)
    if explain:
        click.echo(explain_text(query, raw), nl=False)
        return
    cap, seconds = _cap(max_results), _seconds(timeout)
    rows = run_reported(
        session.reader,
        query.text,
        sys.stdout.buffer,
        fmt,
        substitutions=query.bind(raw),
        cap=cap,
        seconds=seconds,
        strict=strict,
    )
    if rows == 0:
        click.echo(no_rows_text(session, name), err=True, nl=False)


_cap, _seconds = max_results, timeout


def no_rows_text(session: Session, name: str) -> str:
    """Why a query may answer nothing: the graph's coverage, in words."""
    from dckg.coverage import coverage, coverage_text

    return (
        f"No rows: the graph holds nothing that answers '{name}' with these parameters. "
        f"What the graph covers (per kind of fact, how many, from which source; "
        f"'dckg coverage'):\n" + coverage_text(coverage(session.reader))
    )


@click.command("coverage")
@click.option("--kind", help="Only this class (an IRI, e.g. dckg:FundedAction).")
@pass_session
def show_coverage(session: Session, kind: str | None) -> None:
    """What the graph covers: per kind of fact, how many, from which source."""
    from dckg.coverage import coverage, coverage_text

    click.echo(coverage_text(coverage(session.reader, kind=kind)), nl=False)


def explain_text(query: NamedQuery, raw: dict[str, str]) -> str:
    """The query's summary, each parameter with the RDF term bound to it, and the SPARQL."""
    bound = query.bind(raw)
    lines = [f"# {query.name}: {query.summary}", "# parameters:"]
    for param in query.params:
        term = bound.get(param.name)
        shown = str(term) if term is not None else "(unbound)"
        lines.append(f"#   ?{param.name} ({param.type}) = {shown}")
    if not query.params:
        lines.append("#   (none)")
    lines.append("")
    return "\n".join(lines) + query.text.rstrip("\n") + "\n"


def _parse_params(pairs: tuple[str, ...]) -> dict[str, str]:
    raw: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(f"--param wants NAME=VALUE, got {pair!r}")
        if key in raw:
            raise UsageError(f"parameter {key!r} is given twice")
        raw[key] = value
    return raw


COMMANDS = [list_queries, run_query, show_coverage]
