"""``dckg import-eutf``, ``import-sdg-targets``, ``import-programme-facts``.

Each command reads one source, builds its named graph as sorted N-Triples, runs it through
the contribution pipeline (shapes, references, against the ontology and every other
shipped data set) and writes it only if it conforms; ``--report`` also writes the import
report (Markdown).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click

from dckg.errors import InputError


def _options(default_out: str) -> Callable[[Callable[..., None]], Callable[..., None]]:
    def decorate(function: Callable[..., None]) -> Callable[..., None]:
        function = click.option(
            "--validate/--no-validate",
            default=True,
            show_default=True,
            help="Validate the output against the shapes and the reference data before writing it.",
        )(function)
        function = click.option(
            "--report",
            "report_path",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Also write the import report (Markdown) here.",
        )(function)
        function = click.option(
            "--out",
            type=click.Path(path_type=Path, dir_okay=False),
            default=Path(default_out),
            show_default=True,
            help="The N-Triples file to write (.gz compresses).",
        )(function)
        return click.argument("path", type=click.Path(path_type=Path))(function)

    return decorate


@click.command("import-eutf")
@_options("data/eutf-africa.nt.gz")
def import_eutf(path: Path, out: Path, report_path: Path | None, validate: bool) -> None:
    """Import the EU Emergency Trust Fund for Africa projects (folder of the four CSV files).

    Each project becomes a dckg:FundedAction with its amount in EUR, dates, recipient
    countries and budget shares, implementing organisations (typed by their IATI
    organisation type) and themes mapped from the Trust Fund's strategic objectives.
    """
    from dckg.importers import eutf, reports

    result = eutf.import_eutf(path)
    data = _finish(eutf.triples(result), eutf.DATASET.value, out, validate)
    command = _command("import-eutf", path, out, report_path)
    _report(report_path, reports.eutf_report(result, command=command, size=len(data)))
    click.echo(
        f"{result.rows:,} project rows: {len(result.actions):,} funded actions, EUR "
        f"{result.total:,.2f}; {len(result.organisations):,} implementing organisations",
        err=True,
    )


@click.command("import-sdg-targets")
@_options("data/sdg-targets.nt.gz")
def import_sdg_targets(path: Path, out: Path, report_path: Path | None, validate: bool) -> None:
    """Import the SDG targets and indicators in en/fr/es/de (folder of the YAML files)."""
    from dckg.importers import reports, sdg_targets

    result = sdg_targets.import_sdg_targets(path)
    data = _finish(sdg_targets.triples(result), sdg_targets.DATASET.value, out, validate)
    command = _command("import-sdg-targets", path, out, report_path)
    _report(report_path, reports.sdg_report(result, command=command, size=len(data)))
    click.echo(
        f"{len(result.goals)} goals, {len(result.targets)} targets, "
        f"{len(result.indicators)} indicators in {len(sdg_targets.LANGUAGES)} languages",
        err=True,
    )


@click.command("import-programme-facts")
@_options("data/programme-facts.nt.gz")
def import_programme_facts(path: Path, out: Path, report_path: Path | None, validate: bool) -> None:
    """Import programme facts (facts.csv, or its folder): each figure with its source page."""
    from dckg.importers import programme_facts, reports

    figures = programme_facts.import_facts(path)
    data = _finish(programme_facts.triples(figures), programme_facts.DATASET.value, out, validate)
    command = _command("import-programme-facts", path, out, report_path)
    _report(report_path, reports.facts_report(figures, command=command, size=len(data)))
    click.echo(f"{len(figures)} reported figures", err=True)


def _finish(triples: object, graph_iri: str, out: Path, validate: bool) -> bytes:
    from dckg.importers.tables import ntriples
    from dckg.importers.twinnings import write_gzip

    data = ntriples(triples)  # type: ignore[arg-type]
    if validate:
        _validate(data, out.name, graph_iri)
    if out.suffix == ".gz":
        write_gzip(data, out)
    else:
        _write(out, data)
    click.echo(f"wrote {out} ({out.stat().st_size:,} bytes)", err=True)
    return data


def _validate(data: bytes, name: str, graph_iri: str) -> None:
    """The contribution pipeline, against every shipped graph but the one being made."""
    from pyoxigraph import NamedNode

    from dckg.bootstrap import initialise
    from dckg.errors import ValidationFailed
    from dckg.store import EmbeddedStore
    from dckg.validation import validate
    from dckg.validation.sources import bytes_input

    with EmbeddedStore() as store:
        initialise(store)
        store.drop_graph(NamedNode(graph_iri))
        report = validate(store, [bytes_input(data, fmt="nt", name=name, max_bytes=len(data))])
    click.echo(f"validation: {report.summary()}", err=True)
    if not report.conforms:
        click.echo(report.to_text(), err=True)
        raise ValidationFailed("the imported data does not conform: nothing written", report)


def _command(name: str, path: Path, out: Path, report_path: Path | None) -> str:
    parts = ["dckg", name, _shown(path), "--out", _shown(out)]
    if report_path is not None:
        parts += ["--report", _shown(report_path)]
    return " ".join(parts)


def _report(path: Path | None, text: str) -> None:
    if path is not None:
        _write(path, text.encode("utf-8"))


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _write(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise InputError(f"cannot write: {error.strerror}", source=path) from None


COMMANDS = [import_eutf, import_sdg_targets, import_programme_facts]
