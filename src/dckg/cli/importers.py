"""``dckg import-twinnings``: build the twinnings data set from the Wikidata TSV files."""

from __future__ import annotations

from pathlib import Path

import click

from dckg.cli.import_common import finish, import_options


@click.command("import-twinnings")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@import_options("twinnings", skip_malformed=True)
def import_twinnings(
    paths: tuple[Path, ...],
    out: Path,
    report_path: Path | None,
    validate: bool,
    skip_malformed: bool,
) -> None:
    """Import town twinnings from Wikidata TSV files (or folders of them).

    Both cities of each row are reconciled by name, coordinates and country against
    the shipped GeoNames cities and the smaller GeoNames lists; A→B and B→A are merged
    into one dckg:Twinning. The output is sorted N-Triples: the same input always gives
    the same file. `dckg init` loads data/*.nt.gz into graph/reference/{name}.
    """
    from dckg.importers import twinnings as importer
    from dckg.importers.wikipedia_twinnings import DATASET, WIKIDATA_DATASET

    result = importer.import_twinnings(list(paths), skip_malformed=skip_malformed)
    counts = result.side_counts()
    summary = (
        f"{result.rows_read:,} rows: {result.rows_matched:,} matched, "
        f"{result.rows_ambiguous:,} ambiguous, {result.rows_unmatched:,} unmatched, "
        f"{len(result.malformed):,} malformed; {len(result.twinnings):,} twinnings "
        f"({result.pairs_both_directions:,} listed both ways); places: "
        f"{counts['matched']:,} matched, {counts['ambiguous']:,} ambiguous, "
        f"{counts['unknown']:,} unmatched"
    )
    # The Wikipedia twin towns are merged with these twinnings (and rebuilt after them):
    # the reference store holds neither while this graph is checked.
    finish(
        "import-twinnings",
        importer.ntriples(result),
        out,
        validate=validate,
        report_path=report_path,
        report=lambda command: importer.report_markdown(result, command=command),
        inputs=paths,
        summary=[summary, *(f"skipped malformed row {m}" for m in result.malformed)],
        drop=[WIKIDATA_DATASET, DATASET],
        skip_malformed=skip_malformed,
    )


COMMANDS = [import_twinnings]
