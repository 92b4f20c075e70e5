"""``dckg import-twinnings``: build the twinnings data set from the Wikidata TSV files."""

from __future__ import annotations

from pathlib import Path

import click

from dckg.errors import InputError


@click.command("import-twinnings")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("data/twinnings.nt.gz"),
    show_default=True,
    help="The N-Triples file to write (.gz compresses).",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the import report (Markdown) here, e.g. docs/twinnings-import.md.",
)
@click.option(
    "--skip-malformed",
    is_flag=True,
    help="Skip malformed rows (listed in the report) instead of stopping at them.",
)
@click.option(
    "--validate/--no-validate",
    default=True,
    show_default=True,
    help="Validate the output against the shapes and the reference data before writing it.",
)
def import_twinnings(
    paths: tuple[Path, ...],
    out: Path,
    report_path: Path | None,
    skip_malformed: bool,
    validate: bool,
) -> None:
    """Import town twinnings from Wikidata TSV files (or folders of them).

    Both cities of each row are reconciled by name, coordinates and country against
    the shipped GeoNames cities and the smaller GeoNames lists; A→B and B→A are merged
    into one dckg:Twinning. The output is sorted N-Triples: the same input always gives
    the same file. `dckg init` loads data/*.nt.gz into graph/reference/{name}.
    """
    from dckg.importers import twinnings as importer

    result = importer.import_twinnings(list(paths), skip_malformed=skip_malformed)
    data = importer.ntriples(result)
    if validate:
        _validate(data, out.name)
    if out.suffix == ".gz":
        importer.write_gzip(data, out)
    else:
        _write(out, data)
    if report_path is not None:
        command = "dckg import-twinnings " + " ".join(
            [*(_shown(p) for p in paths), "--out", _shown(out), "--report", _shown(report_path)]
        )
        if skip_malformed:
            command += " --skip-malformed"
        _write(report_path, importer.report_markdown(result, command=command).encode("utf-8"))
    counts = result.side_counts()
    click.echo(
        f"{result.rows_read:,} rows: {result.rows_matched:,} matched, "
        f"{result.rows_ambiguous:,} ambiguous, {result.rows_unmatched:,} unmatched, "
        f"{len(result.malformed):,} malformed; {len(result.twinnings):,} twinnings "
        f"({result.pairs_both_directions:,} listed both ways); places: "
        f"{counts['matched']:,} matched, {counts['ambiguous']:,} ambiguous, "
        f"{counts['unknown']:,} unmatched",
        err=True,
    )
    for malformed in result.malformed:
        click.echo(f"skipped malformed row {malformed}", err=True)
    click.echo(f"wrote {out} ({out.stat().st_size:,} bytes)", err=True)


def _validate(data: bytes, name: str) -> None:
    """Run the output through the contribution pipeline: shapes, references, duplicates.

    The reference store holds the ontology and every shipped data set but the twinnings,
    which are what is being made, and the Wikipedia twin towns, which are merged with them
    (and rebuilt after them). Violations stop the import; nothing is written.
    """
    from dckg.bootstrap import initialise
    from dckg.errors import ValidationFailed
    from dckg.namespaces import graph
    from dckg.store import EmbeddedStore
    from dckg.validation import validate
    from dckg.validation.sources import bytes_input

    with EmbeddedStore() as store:
        initialise(store)
        store.drop_graph(graph("reference/twinnings"))
        store.drop_graph(graph("reference/twin-towns-wikipedia"))
        report = validate(store, [bytes_input(data, fmt="nt", name=name, max_bytes=len(data))])
    click.echo(f"validation: {report.summary()}", err=True)
    if not report.conforms:
        click.echo(report.to_text(), err=True)
        raise ValidationFailed("the imported data does not conform: nothing written", report)


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return path.name if path.is_file() else str(path)


def _write(path: Path, data: bytes) -> None:
    partial = path.with_name(path.name + ".partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(data)
        partial.replace(path)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise InputError(f"cannot write: {error.strerror}", source=path) from None


COMMANDS = [import_twinnings]
