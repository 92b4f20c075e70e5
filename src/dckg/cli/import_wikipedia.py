"""``dckg import-wikipedia-twinnings``: the Wikipedia twin towns, merged with Wikidata's."""

from __future__ import annotations

from pathlib import Path

import click


@click.command("import-wikipedia-twinnings")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--merge-with",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("data/twinnings.nt.gz"),
    show_default=True,
    help="The Wikidata twinnings file: a pair it holds gets only this source's statement.",
)
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("data/twin-towns-wikipedia.nt.gz"),
    show_default=True,
    help="The N-Triples file to write (.gz compresses).",
)
@click.option(
    "--report",
    "report_path",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the import report (Markdown) here, e.g. docs/twin-towns-wikipedia-import.md.",
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
def import_wikipedia_twinnings(
    path: Path,
    merge_with: Path,
    out: Path,
    report_path: Path | None,
    skip_malformed: bool,
    validate: bool,
) -> None:
    """Import the twin towns of the English Wikipedia lists (CSV), merged with Wikidata's.

    Both towns of each row are reconciled by name, country and coordinates against the
    shipped GeoNames cities and the smaller GeoNames lists, as `import-twinnings` does; a
    town found only in another country than the row gives is not matched. A pair also in
    the Wikidata twinnings (--merge-with) is the same twinning: this graph adds only its
    source. `dckg init` loads data/*.nt.gz into graph/reference/{name}.
    """
    from dckg.cli.importers import _shown, _write
    from dckg.importers import twinnings as wikidata
    from dckg.importers import wikipedia_twinnings as importer

    result = importer.import_wikipedia_twinnings(
        path, merge_with=merge_with, skip_malformed=skip_malformed
    )
    data = importer.ntriples(result)
    if validate:
        _validate(data, out.name, merge_with)
    if out.suffix == ".gz":
        wikidata.write_gzip(data, out)
    else:
        _write(out, data)
    if report_path is not None:
        command = "dckg import-wikipedia-twinnings " + " ".join(
            [
                _shown(path),
                "--merge-with",
                _shown(merge_with),
                "--out",
                _shown(out),
                "--report",
                _shown(report_path),
            ]
        )
        if skip_malformed:
            command += " --skip-malformed"
        _write(report_path, importer.report_markdown(result, command=command).encode("utf-8"))
    counts = result.side_counts()
    click.echo(
        f"{result.rows_read:,} rows: {result.rows_matched:,} matched, "
        f"{result.rows_ambiguous:,} ambiguous, {result.rows_unmatched:,} unmatched, "
        f"{len(result.malformed):,} malformed; {len(result.twinnings):,} twinnings "
        f"({len(result.in_both):,} also in {result.merged.source or 'no other file'}, "
        f"{len(result.only_here):,} only here); places: {counts['matched']:,} matched, "
        f"{counts['ambiguous']:,} ambiguous, {counts['unknown']:,} unmatched",
        err=True,
    )
    for malformed in result.malformed:
        click.echo(f"skipped malformed row {malformed}", err=True)
    click.echo(f"wrote {out} ({out.stat().st_size:,} bytes)", err=True)


def _validate(data: bytes, name: str, merge_with: Path) -> None:
    """Run the output through the contribution pipeline against every shipped data set but
    this one, with the Wikidata twinnings graph holding the file merged with (the merged
    pairs refer to its twinnings)."""
    from dckg.bootstrap import initialise
    from dckg.errors import ValidationFailed
    from dckg.importers.wikipedia_twinnings import DATASET, WIKIDATA_DATASET
    from dckg.store import EmbeddedStore
    from dckg.validation import validate
    from dckg.validation.sources import bytes_input

    with EmbeddedStore() as store:
        initialise(store)
        store.drop_graph(DATASET)
        store.drop_graph(WIKIDATA_DATASET)
        store.load(merge_with, graph=WIKIDATA_DATASET)
        report = validate(store, [bytes_input(data, fmt="nt", name=name, max_bytes=len(data))])
    click.echo(f"validation: {report.summary()}", err=True)
    if not report.conforms:
        click.echo(report.to_text(), err=True)
        raise ValidationFailed("the imported data does not conform: nothing written", report)


COMMANDS = [import_wikipedia_twinnings]
