"""``dckg import-wikipedia-twinnings``: the Wikipedia twin towns, merged with Wikidata's."""

from __future__ import annotations

from pathlib import Path

import click

from dckg.cli.import_common import finish, import_options


@click.command("import-wikipedia-twinnings")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--merge-with",
    type=click.Path(path_type=Path, dir_okay=False),
    default=Path("data/twinnings.nt.gz"),
    show_default=True,
    help="The Wikidata twinnings file: a pair it holds gets only this source's statement.",
)
@import_options("twin-towns-wikipedia", skip_malformed=True)
def import_wikipedia_twinnings(
    path: Path,
    merge_with: Path,
    out: Path,
    report_path: Path | None,
    validate: bool,
    skip_malformed: bool,
) -> None:
    """Import the twin towns of the English Wikipedia lists (CSV), merged with Wikidata's.

    Both towns of each row are reconciled by name, country and coordinates against the
    shipped GeoNames cities and the smaller GeoNames lists, as `import-twinnings` does; a
    town found only in another country than the row gives is not matched. A place no
    gazetteer lists (no place of that name, a region or district, a district after its
    city) is kept as a place of its own with the row's name, country and coordinates. A pair also in
    the Wikidata twinnings (--merge-with) is the same twinning: this graph adds only its
    source. `dckg init` loads data/*.nt.gz into graph/reference/{name}.
    """
    from dckg.importers import wikipedia_twinnings as importer

    result = importer.import_wikipedia_twinnings(
        path, merge_with=merge_with, skip_malformed=skip_malformed
    )
    counts = result.side_counts()
    summary = (
        f"{result.rows_read:,} rows: {result.rows_matched:,} matched, "
        f"{result.rows_kept:,} with a place of its own, "
        f"{result.rows_ambiguous:,} ambiguous, {result.rows_unmatched:,} unmatched, "
        f"{len(result.malformed):,} malformed; {len(result.twinnings):,} twinnings "
        f"({len(result.in_both):,} also in {result.merged.source or 'no other file'}, "
        f"{len(result.only_here):,} only here); places: {counts['matched']:,} matched, "
        f"{counts['kept']:,} kept as places of their own ({len(result.own_places):,} places), "
        f"{counts['ambiguous']:,} ambiguous, {counts['unknown']:,} unmatched"
    )
    # Validated against every shipped data set but this one, with the Wikidata twinnings
    # graph holding the file merged with (the merged pairs refer to its twinnings).
    finish(
        "import-wikipedia-twinnings",
        importer.ntriples(result),
        out,
        validate=validate,
        report_path=report_path,
        report=lambda command: importer.report_markdown(result, command=command),
        inputs=[path],
        options=["--merge-with", merge_with],
        summary=[summary, *(f"skipped malformed row {m}" for m in result.malformed)],
        drop=[importer.DATASET],
        load={importer.WIKIDATA_DATASET: merge_with},
        skip_malformed=skip_malformed,
    )


COMMANDS = [import_wikipedia_twinnings]
