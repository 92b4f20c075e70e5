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

from dckg.cli import import_common
from dckg.cli.import_common import import_options
from dckg.errors import InputError

_PATH = click.argument("path", type=click.Path(path_type=Path))


@click.command("import-covenant-of-mayors")
@_PATH
@import_options("covenant-of-mayors")
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
    # the municipalities of the official lists the signatories were matched to, each list
    # its own data set (ISTAT's comuni, Spain, Romania, Ukraine, Moldova): the signatories
    # refer to them, so they are validated first, then the signatories against them
    lists = {"istat-comuni": (len(result.comuni), covenant.comuni_ntriples_of(result))}
    lists |= covenant.official_ntriples_of(result)
    # the hand check of official-list matches, kept beside the report
    verdicts = covenant.read_verdicts(
        (report_path or out).with_name("covenant-of-mayors-hand-check.tsv")
    )
    if validate:
        _validate_with_lists(data, out.name, lists)
    for stem, (count, listed) in lists.items():
        import_common.write_output(out.with_name(f"{stem}.nt.gz"), listed)
        click.echo(f"{count:,} municipalities: wrote {out.with_name(f'{stem}.nt.gz')}", err=True)
    _finish(
        "covenant-of-mayors",
        data,
        out,
        False,
        report_path,
        lambda command: covenant.report_markdown(result, command=command, verdicts=verdicts),
        [path],
        covenant.summary(result),
        started,
    )


def _validate_with_lists(data: bytes, name: str, lists: dict[str, tuple[int, bytes]]) -> None:
    """Validate the official lists' graphs (in one pass), then the signatories against
    the shipped data with those graphs in place of the shipped ones. Nothing is written
    before both conform."""
    import tempfile

    from dckg.namespaces import graph

    graphs = {stem: graph(f"reference/{stem}") for stem in lists}
    joined = b"".join(listed for _, listed in lists.values())
    import_common.validate_output(joined, "official lists", drop=graphs.values())
    with tempfile.TemporaryDirectory() as folder:
        held = {}
        for stem, (_, listed) in lists.items():
            held[graphs[stem]] = Path(folder) / f"{stem}.nt"
            held[graphs[stem]].write_bytes(listed)
        import_common.validate_output(
            data, name, drop=[graph("reference/covenant-of-mayors")], load=held
        )


@click.command("import-eurocities")
@_PATH
@import_options("eurocities")
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
@_PATH
@import_options("c40")
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
    from dckg.namespaces import graph

    imported = time.perf_counter() - started
    import_common.finish(
        f"import-{stem}",
        data,
        out,
        validate=validate,
        report_path=report_path,
        report=report,
        inputs=paths,
        summary=[summary, f"imported in {imported:.1f} s (index build included)"],
        drop=[graph(f"reference/{stem}")],
    )


def validate_output(data: bytes, name: str, stem: str) -> None:
    """Run the output through the contribution pipeline against every shipped data set
    but ``graph/reference/{stem}``. Violations stop the import; nothing is written."""
    from dckg.namespaces import graph

    import_common.validate_output(data, name, drop=[graph(f"reference/{stem}")])


COMMANDS = [import_covenant_of_mayors, import_eurocities, import_c40]
