"""``dckg import-covenant-of-mayors``: the Covenant of Mayors signatories.

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


COMMANDS = [import_covenant_of_mayors]
