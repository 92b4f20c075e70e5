"""The importer contract: a registered importer gets its ``dckg import-NAME`` command.

A tiny importer defined here (one module's worth of code) registers itself and the
command factory makes its command: argument, options, validation through the
contribution pipeline, sorted N-Triples, the report rendered by the importer.
"""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from pyoxigraph import Literal, NamedNode, Triple

from dckg.cli import cli
from dckg.cli.importers import command, commands
from dckg.errors import UsageError
from dckg.importers import reports
from dckg.importers.contract import (
    BaseImporter,
    Importer,
    Option,
    Source,
    register,
    registered,
    unregister,
)
from dckg.importers.tables import read_csv
from dckg.namespaces import RDF, RDFS, SKOS, graph, slug, thing

#: The import commands of dckg, each made from its registered importer.
COMMANDS = {
    "import-c40",
    "import-eutf",
    "import-programme-facts",
    "import-sdg-targets",
    "import-twinnings",
    "import-eurocities",
    "import-covenant-of-mayors",
    "import-wikipedia-twinnings",
}


_A = NamedNode(RDF + "type")


class ThemeImporter(BaseImporter):
    """Themes from a CSV of ``label``s: the smallest importer there can be."""

    name = "test-themes"
    dataset = graph("reference/test-themes")
    stem = "test-themes"
    help = "Import test themes (CSV with a label column)."
    options = (Option("--scheme-file", Path("schemes.csv"), "A file the import only names."),)

    def read(self, source: Source) -> list[str]:
        return [row.text("label") for row in read_csv(source.path, ["label"])]

    def triples(self, result: list[str]) -> Iterator[Triple]:
        scheme = thing("scheme", "test-themes")
        yield Triple(scheme, _A, NamedNode(SKOS + "ConceptScheme"))
        for p in (SKOS + "prefLabel", RDFS + "label", SKOS + "definition"):
            yield Triple(scheme, NamedNode(p), Literal("Test themes", language="en"))
        for label in result:
            iri = thing("theme", f"test-{slug(label)}")
            yield Triple(iri, _A, NamedNode(SKOS + "Concept"))
            yield Triple(iri, NamedNode(SKOS + "prefLabel"), Literal(label, language="en"))
            yield Triple(iri, NamedNode(SKOS + "inScheme"), scheme)

    def report(self, result: list[str], *, command: str, size: int) -> str:
        return f"# Test themes\n\nMade by `{command}`: {len(result)} themes, {size} bytes.\n"

    def summary(self, result: list[str]) -> list[str]:
        return [f"{len(result)} test themes"]


@pytest.fixture
def themes() -> Iterator[Importer]:
    importer = register(ThemeImporter())
    yield importer
    unregister(importer.name)


def test_every_import_command_comes_from_a_registered_importer() -> None:
    names = {f"import-{i.name}" for i in registered()}
    assert names >= COMMANDS
    assert {c.name for c in commands()} == names
    assert all(isinstance(i, Importer) for i in registered())
    assert all(name in cli.commands for name in names)


def test_a_registered_importer_gets_its_command(themes: Importer, tmp_path: Path) -> None:
    assert "import-test-themes" in {c.name for c in commands()}
    made = command(themes)
    names = [p.name for p in made.params]
    assert names == ["path", "scheme_file", "out", "report_path", "validate"]
    help_text = made.get_help(click.Context(made))
    assert "Import test themes" in help_text and "docs/test-themes-import.md" in help_text
    source = tmp_path / "themes.csv"
    source.write_text("label\nUrban mobility\nÉnergie propre\nUrban mobility\n", encoding="utf-8")
    out, report = tmp_path / "test-themes.nt.gz", tmp_path / "report.md"
    group = click.Group(commands={made.name: made})
    done = CliRunner().invoke(
        group, ["import-test-themes", str(source), "--out", str(out), "--report", str(report)]
    )
    assert done.exit_code == 0, done.output
    assert "3 test themes" in done.output and "conforms" in done.output
    lines = gzip.decompress(out.read_bytes()).decode().splitlines()
    assert lines == sorted(set(lines)) and len(lines) == 10
    assert any("/id/theme/test-energie-propre>" in line for line in lines)
    text = report.read_text(encoding="utf-8")
    assert text.startswith("# Test themes")
    assert (
        "--scheme-file schemes.csv" in text and f"{len(gzip.decompress(out.read_bytes()))}" in text
    )


def test_bad_input_names_the_file_and_writes_nothing(themes: Importer, tmp_path: Path) -> None:
    source = tmp_path / "themes.csv"
    source.write_text("name\nUrban mobility\n", encoding="utf-8")
    out = tmp_path / "out.nt.gz"
    made = command(themes)
    done = CliRunner().invoke(
        click.Group(commands={made.name: made}), [made.name, str(source), "--out", str(out)]
    )
    assert done.exit_code != 0
    assert "themes.csv" in str(done.exception) or "themes.csv" in done.output
    assert not out.exists()


def test_names_are_unique_and_importers_checked(themes: Importer) -> None:
    register(themes)  # the same one again: no harm
    with pytest.raises(UsageError, match="two importers named 'test-themes'"):
        register(ThemeImporter())
    with pytest.raises(UsageError, match="not an importer"):
        register(object())  # type: ignore[arg-type]


def test_report_tables_escape_cell_breaks() -> None:
    text = reports.table(["a", "b"], [("x|y", "one\ntwo")])
    assert text.splitlines()[2] == "| x\\|y | one two |"
