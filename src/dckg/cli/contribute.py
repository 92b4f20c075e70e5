"""Commands for data stewards: validate, contribute, contributions, withdraw."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dckg.cli.context import Session, pass_session
from dckg.errors import ValidationFailed
from dckg.results import table
from dckg.store import Store

_FORMATS = click.Choice(["text", "json", "turtle"])


def _input_options(command):
    command = click.option(
        "--input-format",
        "input_format",
        metavar="FORMAT",
        help="Format of every FILE: ttl, nt, jsonld, rdf, csv (default: from the extension).",
    )(command)
    return click.option(
        "--template",
        metavar="NAME",
        help="CSV template (default: the one the header fits): partnerships, actors, "
        "memberships, funding, results.",
    )(command)


def _report_format(help_text: str):
    """The ``--format`` option of the report a command prints."""
    return click.option(
        "--format", "fmt", type=_FORMATS, default="text", show_default=True, help=help_text
    )


def _inputs(files: tuple[Path, ...], input_format: str | None) -> list:
    from dckg.validation import open_input

    return [open_input(path, fmt=input_format) for path in files]


def _warn_if_empty(store: Store) -> None:
    from dckg.bootstrap import is_initialised

    if not is_initialised(store):
        click.echo(
            "dckg: warning: the store is not initialised (run 'dckg init'): references to "
            "the graph's cities, countries and concepts cannot be resolved",
            err=True,
        )


def _print(report, fmt: str) -> None:
    text = {"text": report.to_text, "json": report.to_json, "turtle": report.to_turtle}[fmt]()
    click.echo(text, nl=False)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@_report_format("Report format; turtle is a standard SHACL validation report.")
@click.option(
    "--engine",
    type=click.Choice(["pyshacl-turbo", "pyshacl"]),
    default="pyshacl-turbo",
    show_default=True,
    help="SHACL engine: pyshacl-turbo (fast), or pySHACL, the reference (slow).",
)
@_input_options
@pass_session
def validate(
    session: Session,
    files: tuple[Path, ...],
    fmt: str,
    engine: str,
    input_format: str | None,
    template: str | None,
) -> None:
    """Check contribution FILEs against the shapes and the graph; writes nothing.

    Turtle, N-Triples, JSON-LD, RDF/XML and CSV (see the templates). Exit status:
    0 conforms (warnings allowed), 1 violations, 2 unreadable input.
    """
    from dckg.validation import validate as run

    _warn_if_empty(session.reader)
    report = run(session.reader, _inputs(files, input_format), template=template, engine=engine)
    _print(report, fmt)
    if not report.conforms:
        sys.exit(1)


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--by", "by", required=True, metavar="NAME", help="Who contributes.")
@click.option("--source", "source_url", metavar="URL", help="Where the data comes from.")
@click.option("--note", metavar="TEXT", help="A note kept with the contribution.")
@_report_format("Format of the validation report printed on failure.")
@_input_options
@pass_session
def contribute(
    session: Session,
    files: tuple[Path, ...],
    by: str,
    source_url: str | None,
    note: str | None,
    fmt: str,
    input_format: str | None,
    template: str | None,
) -> None:
    """Validate FILEs, then merge them as one new contribution (all or nothing)."""
    from dckg.validation import contribute as merge

    _warn_if_empty(session.store)
    try:
        record = merge(
            session.store,
            _inputs(files, input_format),
            by=by,
            source_url=source_url,
            note=note,
            template=template,
        )
    except ValidationFailed as error:
        if error.report is not None:
            _print(error.report, fmt)
        raise
    if record.report is not None and record.report.issues:
        _print(record.report, fmt)
    click.echo(f"contribution {record.id}: {record.triples:,} triples in <{record.graph.value}>")


@click.command(name="contributions")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@pass_session
def list_contributions(session: Session, fmt: str) -> None:
    """List the contributions merged into the store."""
    import json

    from dckg.validation import contributions

    found = contributions(session.reader)
    if fmt == "json":
        rows = [c.to_dict() for c in found]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    rows = [[c.id, c.when, c.by, c.triples, ", ".join(c.files), c.note or ""] for c in found]
    click.echo(table(["id", "when", "by", "triples", "files", "note"], rows))


@click.command()
@click.argument("contribution_id", metavar="ID")
@pass_session
def withdraw(session: Session, contribution_id: str) -> None:
    """Remove one contribution whole: its graph and its provenance."""
    from dckg.validation import withdraw as remove

    n = remove(session.store, contribution_id)
    click.echo(f"withdrew contribution {contribution_id} ({n:,} quads removed)", err=True)


@click.command()
@click.argument("name", required=False, metavar="[NAME]")
@pass_session
def vocab(session: Session, name: str | None) -> None:
    """List the keys a coded column takes (themes, statuses, roles, regions, …).

    Without NAME, list the vocabularies.
    """
    from dckg.validation import vocab as vocabularies

    if name is None:
        rows = [[v.name, v.noun, f"id/{v.kind}/…"] for v in vocabularies.VOCABULARIES.values()]
        click.echo(table(["vocabulary", "one key is a", "IRIs"], rows))
        return
    chosen = vocabularies.vocabulary(name)
    found = vocabularies.keys(session.store, chosen)
    if not found:
        _warn_if_empty(session)
    click.echo(table(["key", "label"], [[key, label] for key, label in found.items()]))


COMMANDS = [validate, contribute, list_contributions, withdraw, vocab]
