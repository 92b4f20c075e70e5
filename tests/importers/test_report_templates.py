"""The import reports, rendered from the Jinja templates of ``dckg.importers.reports``.

Every importer of the package has its template, ``{name}.md.j2``, and no importer module
writes a Markdown heading itself. ``tests/data/reports`` holds the Covenant of Mayors and
Wikipedia twinnings reports on the excerpts of ``tests/data``, as the importers wrote them
when they built the Markdown themselves: the templated reports are these, byte for byte.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from dckg.importers import covenant, reports, wikipedia_twinnings
from dckg.importers.contract import registered
from dckg.importers.memberships import network_names
from dckg.reconcile import Reconciler

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
EXPECTED = DATA / "reports"
HAND_CHECK = ROOT / "docs" / covenant.HAND_CHECK

COVENANT = [
    "signatories-excerpt.csv",
    "signatories-far-excerpt.csv",
    "signatories-merges-excerpt.csv",
]
WIKIPEDIA = ["twin-towns.csv", "town-and-county.csv", "rough.csv"]

#: Rows added to the slice for ``rough.csv``: two real rows whose country the importer
#: does not know (Falkland Islands, Island), and four malformed rows (skipped).
ROUGH = (
    "Whitby,England,54.4858,-0.6206,Stanley,Falkland Islands,-51.6931,-57.8565\n"
    "Fredrikstad,Norway,59.2053,10.95,Norðurþing,Island,66.047,-17.346\n"
    "Bologna,Italy,44.4939,11.3428,Saint-Louis,Senegal,16.028\n"
    "Bologna,Italy,44,4939,11.3428,Saint-Louis,Senegal,16.028,-16.5049\n"
    "Bologna,Italy,94.4939,11.3428,Saint-Louis,Senegal,16.028,-16.5049\n"
    ",Italy,44.4939,11.3428,Saint-Louis,Senegal,16.028,-16.5049\n"
)


#: A Markdown heading at the start of a string or of one of its lines.
HEADING = re.compile(r"(?:^|\n)#{1,6} ")


def test_every_importer_of_the_package_has_its_template() -> None:
    names = [i.name for i in registered() if type(i).__module__.startswith("dckg.importers.")]
    assert {"covenant-of-mayors", "wikipedia-twinnings"} <= set(names)
    missing = [n for n in names if not (reports.TEMPLATES / f"{n}.md.j2").is_file()]
    assert missing == []


def test_no_importer_module_writes_a_markdown_heading() -> None:
    """The headings, and the prose around them, are in the templates."""
    package = Path(reports.__file__).parent
    found = [
        f"{path.name}:{node.lineno}"
        for path in sorted(package.glob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
        if HEADING.search(node.value)
    ]
    assert found == []


def wikipedia_source(name: str, folder: Path) -> Path:
    """The Wikipedia excerpt ``name`` (``rough.csv``: the slice and :data:`ROUGH`)."""
    if name != "rough.csv":
        return DATA / "twin-towns-wikipedia" / name
    path = folder / name
    slice_ = (DATA / "twin-towns-wikipedia" / "twin-towns.csv").read_text(encoding="utf-8")
    path.write_text(slice_ + ROUGH, encoding="utf-8")
    return path


def _expected(stem: str, name: str) -> str:
    return (EXPECTED / f"{stem}-{Path(name).stem}.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", COVENANT)
def test_covenant_report_is_the_committed_one(name: str, geonames_index: Reconciler) -> None:
    path = DATA / "covenant-of-mayors" / name
    result = covenant.import_covenant(path, reconciler=geonames_index, existing=network_names())
    text = covenant.report_markdown(
        result,
        command=f"dckg import-covenant-of-mayors {name}",
        verdicts=covenant.read_verdicts(HAND_CHECK),
    )
    assert text == _expected("covenant-of-mayors", name)


@pytest.mark.parametrize("name", WIKIPEDIA)
def test_wikipedia_twinnings_report_is_the_committed_one(
    name: str, geonames_index: Reconciler, wikidata_file: Path, tmp_path: Path
) -> None:
    result = wikipedia_twinnings.import_wikipedia_twinnings(
        wikipedia_source(name, tmp_path),
        merge_with=wikidata_file,
        reconciler=geonames_index,
        skip_malformed=True,
    )
    text = wikipedia_twinnings.report_markdown(
        result, command=f"dckg import-wikipedia-twinnings {name}"
    )
    assert text == _expected("wikipedia-twinnings", name)
