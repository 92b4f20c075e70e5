"""``dckg import-covenant-of-mayors``, ``import-eurocities``, ``import-c40``: network members.

Each command reads one source, reconciles its members against GeoNames, validates the
output through the contribution pipeline (shapes, references, against the shipped data
without the graph being made) and only then writes it, as sorted, compressed N-Triples
that ``dckg init`` loads into ``graph/reference/{stem}``; ``--report`` also writes the
import report (Markdown).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import click

from dckg.cli.importers import _shown, _write
from dckg.errors import InputError


def _options(stem: str) -> Callable:
    def decorate(function: Callable) -> Callable:
        function = click.option(
            "--validate/--no-validate",
            default=True,
            show_default=True,
            help="Validate the output against the shapes and the reference data before writing.",
        )(function)
        function = click.option(
            "--report",
            "report_path",
            type=click.Path(path_type=Path, dir_okay=False),
            help=f"Also write the import report (Markdown) here, e.g. docs/{stem}-import.md.",
        )(function)
        function = click.option(
            "--out",
            type=click.Path(path_type=Path, dir_okay=False),
            default=Path(f"data/{stem}.nt.gz"),
            show_default=True,
            help="The N-Triples file to write (.gz compresses).",
        )(function)
        return click.argument("path", type=click.Path(path_type=Path))(function)

    return decorate


@click.command("import-covenant-of-mayors")
@_options("covenant-of-mayors")
def import_covenant_of_mayors(
    path: Path, out: Path, report_path: Path | None, validate: bool
) -> None:
    """Import the Covenant of Mayors signatories (JRC MyCovenant CSV, table df1).

    PATH is the CSV file or the folder holding signatories-2024.csv. Signatories become
    qualified memberships with their adhesion date, status, coordinator and supporter,
    and dated pledges to the Covenant's commitments.
    """
    from dckg.importers import covenant

    path = _file_in(path, "signatories-2024.csv")
    started = time.perf_counter()
    reconciler = _reconciler()
    result = covenant.import_covenant(path, reconciler=reconciler, existing=_network_names())
    data = covenant.ntriples_of(result, reconciler)
    # the ISTAT comuni matched (their own data set) first: the signatories refer to them
    comuni = covenant.comuni_ntriples_of(result)
    summary = f"{len(result.comuni):,} ISTAT comuni"
    _finish(
        "istat-comuni",
        comuni,
        out.with_name("istat-comuni.nt.gz"),
        validate,
        None,
        lambda command: "",
        [path],
        summary,
        started,
    )
    _finish(
        "covenant-of-mayors",
        data,
        out,
        validate,
        report_path,
        lambda command: covenant.report_markdown(result, command=command),
        [path],
        covenant.summary(result),
        started,
    )


@click.command("import-eurocities")
@_options("eurocities")
def import_eurocities(path: Path, out: Path, report_path: Path | None, validate: bool) -> None:
    """Import the members of Eurocities (members.json: website list matched to Wikidata).

    PATH is the JSON file or the folder holding members.json.
    """
    from dckg.importers import eurocities

    path = _file_in(path, "members.json")
    started = time.perf_counter()
    reconciler = _reconciler()
    result = eurocities.import_eurocities(path, reconciler=reconciler)
    data = eurocities.ntriples_of(result, reconciler)
    _finish(
        "eurocities",
        data,
        out,
        validate,
        report_path,
        lambda command: eurocities.report_markdown(result, command=command),
        [path],
        eurocities.summary(result),
        started,
    )


@click.command("import-c40")
@_options("c40")
def import_c40(path: Path, out: Path, report_path: Path | None, validate: bool) -> None:
    """Import the C40 member cities (cities.csv and cities-locode.csv).

    PATH is the folder holding cities.csv (and cities-locode.csv, for ISO country codes).
    """
    from dckg.importers import c40

    folder = path if path.is_dir() else path.parent
    started = time.perf_counter()
    reconciler = _reconciler()
    result = c40.import_c40(folder, reconciler=reconciler)
    data = c40.ntriples_of(result, reconciler)
    _finish(
        "c40",
        data,
        out,
        validate,
        report_path,
        lambda command: c40.report_markdown(result, command=command),
        [folder],
        c40.summary(result),
        started,
    )


def _file_in(path: Path, name: str) -> Path:
    if path.is_dir():
        path = path / name
    if not path.is_file():
        raise InputError("no such file", source=path)
    return path


def _reconciler():
    from dckg.importers.twinnings import reference_reconciler

    return reference_reconciler()


def _network_names() -> dict[str, object]:
    """Folded labels and alternative labels of the shipped city networks -> their IRIs."""
    from dckg.importers.memberships import network_names

    return network_names()


def _finish(
    stem: str,
    data: bytes,
    out: Path,
    validate: bool,
    report_path: Path | None,
    report: Callable[[str], str],
    paths: list[Path],
    summary: str,
    started: float,
) -> None:
    from dckg.importers.twinnings import write_gzip

    imported = time.perf_counter() - started
    if validate:
        validate_output(data, out.name, stem)
    if out.suffix == ".gz":
        write_gzip(data, out)
    else:
        _write(out, data)
    if report_path is not None:
        command = f"dckg import-{stem} " + " ".join(
            [*(_shown(p) for p in paths), "--out", _shown(out), "--report", _shown(report_path)]
        )
        _write(report_path, report(command).encode("utf-8"))
    click.echo(summary, err=True)
    click.echo(f"imported in {imported:.1f} s (index build included)", err=True)
    click.echo(f"wrote {out} ({out.stat().st_size:,} bytes)", err=True)


def validate_output(data: bytes, name: str, stem: str) -> None:
    """Run the output through the contribution pipeline: shapes, references, duplicates.

    The reference store holds the ontology and every shipped data set but the one being
    made. Violations stop the import; nothing is written.
    """
    from dckg.bootstrap import initialise
    from dckg.errors import ValidationFailed
    from dckg.namespaces import graph
    from dckg.store import EmbeddedStore
    from dckg.validation import validate
    from dckg.validation.sources import bytes_input

    with EmbeddedStore() as store:
        initialise(store)
        store.drop_graph(graph(f"reference/{stem}"))
        report = validate(store, [bytes_input(data, fmt="nt", name=name, max_bytes=len(data))])
    click.echo(f"validation: {report.summary()}", err=True)
    if not report.conforms:
        click.echo(report.to_text(), err=True)
        raise ValidationFailed("the imported data does not conform: nothing written", report)


COMMANDS = [import_covenant_of_mayors, import_eurocities, import_c40]
