"""``dckg import-eutf``, ``import-sdg-targets``, ``import-programme-facts``.

Each command reads one source, builds its named graph as sorted N-Triples, runs it through
the contribution pipeline (shapes, references, against the ontology and every other
shipped data set) and writes it only if it conforms; ``--report`` also writes the import
report (Markdown).
"""

from __future__ import annotations

from pathlib import Path

import click

from dckg.cli.import_common import finish, import_options

_PATH = click.argument("path", type=click.Path(path_type=Path))


@click.command("import-eutf")
@_PATH
@import_options("eutf-africa", report="eutf")
def import_eutf(path: Path, out: Path, report_path: Path | None, validate: bool) -> None:
    """Import the EU Emergency Trust Fund for Africa projects (folder of the four CSV files).

    Each project becomes a dckg:FundedAction with its amount in EUR, dates, recipient
    countries and budget shares, implementing organisations (typed by their IATI
    organisation type) and themes mapped from the Trust Fund's strategic objectives.
    """
    from dckg.importers import eutf, reports
    from dckg.importers.tables import ntriples

    result = eutf.import_eutf(path)
    data = ntriples(eutf.triples(result))
    finish(
        "import-eutf",
        data,
        out,
        validate=validate,
        report_path=report_path,
        report=lambda command: reports.eutf_report(result, command=command, size=len(data)),
        inputs=[path],
        summary=[
            f"{result.rows:,} project rows: {len(result.actions):,} funded actions, EUR "
            f"{result.total:,.2f}; {len(result.organisations):,} implementing organisations"
        ],
        drop=[eutf.DATASET],
    )


@click.command("import-sdg-targets")
@_PATH
@import_options("sdg-targets")
def import_sdg_targets(path: Path, out: Path, report_path: Path | None, validate: bool) -> None:
    """Import the SDG targets and indicators in en/fr/es/de (folder of the YAML files)."""
    from dckg.importers import reports, sdg_targets
    from dckg.importers.tables import ntriples

    result = sdg_targets.import_sdg_targets(path)
    data = ntriples(sdg_targets.triples(result))
    finish(
        "import-sdg-targets",
        data,
        out,
        validate=validate,
        report_path=report_path,
        report=lambda command: reports.sdg_report(result, command=command, size=len(data)),
        inputs=[path],
        summary=[
            f"{len(result.goals)} goals, {len(result.targets)} targets, "
            f"{len(result.indicators)} indicators in {len(sdg_targets.LANGUAGES)} languages"
        ],
        drop=[sdg_targets.DATASET],
    )


@click.command("import-programme-facts")
@_PATH
@import_options("programme-facts")
def import_programme_facts(path: Path, out: Path, report_path: Path | None, validate: bool) -> None:
    """Import programme facts (facts.csv, or its folder): each figure with its source page."""
    from dckg.importers import programme_facts, reports
    from dckg.importers.tables import ntriples

    figures = programme_facts.import_facts(path)
    data = ntriples(programme_facts.triples(figures))
    finish(
        "import-programme-facts",
        data,
        out,
        validate=validate,
        report_path=report_path,
        report=lambda command: reports.facts_report(figures, command=command, size=len(data)),
        inputs=[path],
        summary=[f"{len(figures)} reported figures"],
        drop=[programme_facts.DATASET],
    )


COMMANDS = [import_eutf, import_sdg_targets, import_programme_facts]
