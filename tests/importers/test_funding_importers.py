"""The EUTF, SDG-target and programme-fact importers, on small real excerpts of the sources.

``tests/data/eutf/`` holds six project rows of the EUTF for Africa table (two of them one
project whose identifiers differ in case, one with a DD.MM.YY date, two regional ones)
with their IATI activities and recipients; ``tests/data/sdg-targets/`` the 17 goals and
the 35 targets the themes map to (and their indicators) in four languages;
``tests/data/programme-facts/facts.csv`` is the whole facts table.
"""

from __future__ import annotations

import gzip
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import NamedNode

from dckg.cli import cli
from dckg.errors import InputError
from dckg.importers import eutf, programme_facts, sdg_targets
from dckg.importers.tables import ntriples
from dckg.namespaces import DCKG, graph
from dckg.store import EmbeddedStore, Store
from dckg.validation import validate
from dckg.validation.sources import bytes_input

DATA = Path(__file__).resolve().parent.parent / "data"
EUTF, SDG, FACTS = DATA / "eutf", DATA / "sdg-targets", DATA / "programme-facts"


@pytest.fixture(scope="module")
def actions() -> eutf.ImportResult:
    return eutf.import_eutf(EUTF)


def _conforms(store: Store, data: bytes, name: str) -> bool:
    report = validate(store, [bytes_input(data, fmt="nt", name=name, max_bytes=len(data))])
    return report.conforms


# -- EUTF for Africa -------------------------------------------------------------------------


def test_projects_become_funded_actions_with_amounts(actions: eutf.ImportResult) -> None:
    assert actions.rows == 6
    assert len(actions.actions) == 5
    assert actions.total == Decimal(10_000_000 + 13_000_000 + 55_000_000 + 19_000_000 + 8_000_000)


def test_identifiers_equal_but_for_case_are_one_project(actions: eutf.ImportResult) -> None:
    assert actions.merged_ids == [("T05-EUTF-HOA-SO-03", "T05-EUTF-HoA-SO-03")]
    somalia = actions.actions["eutf-t05-eutf-hoa-so-03"]
    assert len(somalia.titles) == 2 and somalia.amount == 55_000_000


def test_dates_including_the_dotted_one(actions: eutf.ImportResult) -> None:
    assert actions.actions["eutf-t05-eutf-hoa-et-77"].adopted == "2019-05-28"
    djibouti = actions.actions["eutf-t05-eutf-hoa-dj-29"]
    assert (djibouti.adopted, djibouti.start, djibouti.end) == ("2016-12-15", "2017-07-03", None)


def test_recipient_countries_and_shares(actions: eutf.ImportResult) -> None:
    sahel = actions.actions["eutf-t05-eutf-sah-reg-03"]
    assert {(a.country, a.share) for a in sahel.allocations} >= {("BFA", 12.5), ("BEN", 12.5)}
    assert sum(a.share or 0 for a in sahel.allocations) == 100
    regional = actions.actions["eutf-t05-eutf-reg-reg-01"]
    # many countries, no percentages in the source: no share is made up
    assert len(regional.allocations) > 10 and all(a.share is None for a in regional.allocations)
    assert [
        (a.country, a.share) for a in actions.actions["eutf-t05-eutf-hoa-dj-29"].allocations
    ] == [("DJI", 100)]


def test_implementers_typed_by_iati_organisation_type(actions: eutf.ImportResult) -> None:
    orgs = {o.name: o.type_code for o in actions.organisations.values()}
    assert orgs["Interpol"] == "40"
    assert orgs["International Organization for Migration"] is not None
    triples = ntriples(eutf.triples(actions)).decode()
    interpol = eutf.Organisation("Interpol", "40").iri
    assert f"{interpol} <{DCKG}InternationalOrganisation>" in triples.replace(
        " <http://www.w3.org/1999/02/22-rdf-syntax-ns#type>", ""
    )


def test_themes_from_strategic_objectives(actions: eutf.ImportResult) -> None:
    assert actions.actions["eutf-t05-eutf-hoa-dj-29"].objectives == {"TFP.1"}
    data = ntriples(eutf.triples(actions)).decode()
    action = actions.actions["eutf-t05-eutf-hoa-dj-29"].iri
    assert f"{action} <{DCKG}theme> <https://w3id.org/dckg/id/theme/employment> ." in data
    assert "metadata.un.org" not in data  # the source states no SDG


def test_bad_amount_names_file_line_and_column(tmp_path: Path) -> None:
    folder = tmp_path / "eutf"
    shutil.copytree(EUTF, folder)
    text = (folder / "projects.csv").read_text(encoding="utf-8")
    (folder / "projects.csv").write_text(
        text.replace(",10000000,", ",ten million,", 1), encoding="utf-8"
    )
    with pytest.raises(
        InputError, match=r"projects\.csv:2: not a number: 'ten million' \(field 'ProjectBudget'\)"
    ):
        eutf.import_eutf(folder)


def test_missing_column_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "eutf"
    shutil.copytree(EUTF, folder)
    lines = (folder / "recipients.csv").read_text(encoding="utf-8").splitlines()
    (folder / "recipients.csv").write_text(
        "\n".join([lines[0].replace("recipient_country", "country"), *lines[1:]]), encoding="utf-8"
    )
    with pytest.raises(
        InputError, match=r"recipients\.csv:1: missing column\(s\) recipient_country"
    ):
        eutf.import_eutf(folder)


def test_cli_validates_then_writes_data_and_report(tmp_path: Path) -> None:
    out, report = tmp_path / "eutf-africa.nt.gz", tmp_path / "eutf-import.md"
    done = CliRunner().invoke(
        cli, ["import-eutf", str(EUTF), "--out", str(out), "--report", str(report)]
    )
    assert done.exit_code == 0, done.output
    assert ": conforms (0 violation(s)" in done.output
    assert "| funded actions (`dckg:FundedAction`) with an amount | 5 |" in report.read_text()
    with EmbeddedStore() as store:
        store.load(out, graph=graph("reference/eutf-africa"))
        kinds = store.quads(None, None, NamedNode(DCKG + "FundedAction"))
        assert len(list(kinds)) == 5
    again = tmp_path / "again.nt.gz"
    CliRunner().invoke(cli, ["import-eutf", str(EUTF), "--out", str(again), "--no-validate"])
    assert gzip.decompress(again.read_bytes()) == gzip.decompress(out.read_bytes())


# -- SDG targets -----------------------------------------------------------------------------


def test_targets_and_indicators_with_un_iris(reference_store: Store) -> None:
    result = sdg_targets.import_sdg_targets(SDG)
    assert len(result.goals) == 17 and len(result.targets) == 35
    assert set(result.targets["11.3"]) == {"en", "fr", "es", "de"}
    data = ntriples(sdg_targets.triples(result))
    text = data.decode()
    un, broader = "http://metadata.un.org/sdg/", "<http://www.w3.org/2004/02/skos/core#broader>"
    assert f"<{un}11.3> {broader} <{un}11> ." in text
    assert f"<{un}C110301> {broader} <{un}11.3> ." in text
    assert "<https://w3id.org/dckg/id/sdg-indicator/1-a-1>" in text
    serves = f"<{DCKG}servesTarget>"
    assert f"<https://w3id.org/dckg/id/theme/migration> {serves} <{un}10.7> ." in text
    assert _conforms(reference_store, data, "sdg-targets.nt")


def test_missing_language_is_an_error(tmp_path: Path) -> None:
    folder = tmp_path / "sdg"
    shutil.copytree(SDG, folder)
    (folder / "de_global_targets.yml").write_text("1-a-title: nur eins\n", encoding="utf-8")
    with pytest.raises(InputError, match="has no text in de"):
        sdg_targets.import_sdg_targets(folder)


def test_malformed_yaml_names_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "sdg"
    shutil.copytree(SDG, folder)
    (folder / "fr_global_goals.yml").write_text("1-short: a\n  : : b\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"fr_global_goals\.yml:2: malformed YAML"):
        sdg_targets.import_sdg_targets(folder)


def test_shipped_graph_has_169_targets(reference_store: Store) -> None:
    targets = list(
        reference_store.quads(
            None, None, NamedNode(DCKG + "SDGTarget"), graph("reference/sdg-targets")
        )
    )
    assert len(targets) == 169


# -- programme facts -------------------------------------------------------------------------


def test_disagreeing_sources_are_both_kept(reference_store: Store) -> None:
    figures = programme_facts.import_facts(FACTS)
    budgets = {
        (f.number, f.source.split("/")[2]) for f in figures if f.attribute == "call_2020_budget"
    }
    assert budgets == {
        (Decimal("111.55"), "platforma-dev.eu"),
        (Decimal("115.55"), "banquedesterritoires.fr"),
    }
    countries = {f.number for f in figures if f.attribute == "partner_countries"}
    assert countries == {35, 34}
    target = [f for f in figures if f.attribute == "investment_target_2021_2027"]
    assert [(f.number, f.as_of) for f in target] == [(300, "2021-12"), (400, "2025-10")]
    assert all(f.source.startswith("https://") for f in figures)
    data = ntriples(programme_facts.triples(figures))
    assert _conforms(reference_store, data, "programme-facts.nt")
    assert b"57 partnerships" not in data and b"id/partnership/" not in data


def test_lots_of_the_2020_call_add_up_to_its_budget() -> None:
    figures = programme_facts.import_facts(FACTS)
    lots = [f.number for f in figures if f.attribute.startswith("call_2020_lot")]
    assert len(lots) == 6 and sum(lots) == Decimal("111.55")  # type: ignore[arg-type]


def test_a_figure_without_its_source_is_refused(tmp_path: Path) -> None:
    rows = (FACTS / "facts.csv").read_text(encoding="utf-8").splitlines()
    rows[3] = rows[3].rsplit(",", 1)[0] + ","
    (tmp_path / "facts.csv").write_text("\n".join(rows), encoding="utf-8")
    with pytest.raises(
        InputError, match=r"facts\.csv:4: every figure needs the URL of its source page"
    ):
        programme_facts.import_facts(tmp_path)
