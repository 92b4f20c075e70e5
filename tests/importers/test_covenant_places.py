"""ISTAT's comuni as a second gazetteer, and far name matches kept only on evidence.

``tests/data/covenant-of-mayors/signatories-far-excerpt.csv`` holds seven real rows of the
JRC file (lines 613, 2204, 2231, 2785, 2989, 3638 and 10844 of ``signatories-2024.csv``);
``tests/data/istat/comuni-excerpt.csv`` five real rows of ISTAT's list of comuni.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from dckg.errors import InputError
from dckg.importers import covenant
from dckg.importers.memberships import network_names
from dckg.namespaces import DCKG, graph
from dckg.reconcile import Reconciler, istat
from dckg.store.base import Store

DATA = Path(__file__).resolve().parents[1] / "data"
FAR = DATA / "covenant-of-mayors" / "signatories-far-excerpt.csv"
COMUNI = DATA / "istat" / "comuni-excerpt.csv"


@pytest.fixture(scope="module")
def result(geonames_index: Reconciler) -> covenant.ImportResult:
    return covenant.import_covenant(FAR, reconciler=geonames_index, existing=network_names())


def _member(result: covenant.ImportResult, name: str):
    return next(m for m in result.members.values() if m.name == name)


def test_istat_list_is_read_with_codes_provinces_and_both_names() -> None:
    comuni = istat.Comuni(istat.parse(COMUNI.read_bytes(), source=str(COMUNI)))
    assert len(comuni) == 5
    (aldino,) = comuni.named("Aldein")
    assert (aldino.code, aldino.italian, aldino.sigla) == ("021001", "Aldino", "BZ")
    assert comuni.named("ALDINO") == [aldino]
    assert {c.sigla for c in comuni.named("Samone")} == {"TO", "TN"}
    (castel,) = comuni.named("Castel d’Azzano".replace("’", "'"))
    assert (castel.province, castel.region) == ("Verona", "Veneto")


def test_istat_list_errors_name_file_line_and_column() -> None:
    with pytest.raises(InputError, match="no column") as caught:
        istat.parse(b"Codice Comune formato alfanumerico;Denominazione in italiano\n001001;A\n")
    assert caught.value.line == 1
    lines = COMUNI.read_bytes().decode("latin-1").splitlines()
    row = next(i for i, line in enumerate(lines, 1) if "Castel d'Azzano" in line)
    lines[row - 1] = lines[row - 1].replace(";023021;", ";23021X;")
    with pytest.raises(InputError, match="six-digit") as caught:
        istat.parse("\n".join(lines).encode("latin-1"), source="broken.csv")
    assert (caught.value.line, caught.value.field) == (row, "Codice Comune formato alfanumerico")


def test_the_shipped_list_holds_every_comune() -> None:
    comuni = istat.shipped()
    assert len(comuni) > 7_800
    assert len({c.code for c in comuni.all}) == len(comuni)


def test_a_comune_geonames_lacks_is_matched_from_istat_within_its_province(
    result: covenant.ImportResult,
) -> None:
    castel = _member(result, "Castel d'Azzano")
    assert castel.matched and castel.iri is not None
    assert castel.iri.value.endswith("/municipality/istat-023021")
    assert castel.offset_km is None
    assert "Verona" in castel.reason
    assert result.comuni[castel.key].code == "023021"


def test_istat_comuni_are_their_own_data_set(result: covenant.ImportResult) -> None:
    triples = {(t.subject.value, t.predicate.value, t.object.value) for t in
               covenant.comuni_triples(result)}  # fmt: skip
    iri = istat.shipped().named("Castel d'Azzano")[0].iri.value
    assert (iri, "http://purl.org/dc/terms/identifier", "023021") in triples
    assert (iri, "http://purl.org/dc/terms/source", istat.SOURCE.value) in triples
    graph = istat.DATASET.value
    assert (graph, "http://purl.org/dc/terms/license", istat.LICENCE.value) in triples
    assert any(s == graph and p.endswith("bibliographicCitation") for s, p, _ in triples)
    assert not any("geonames" in o for s, _, o in triples if s == iri)


def test_a_comune_of_another_province_is_not_matched(geonames_index: Reconciler) -> None:
    comuni = istat.shipped()
    # Castel d'Azzano (Verona) asked at MEDA's point, among the comuni of Brescia
    found = comuni.match(geonames_index, ["Castel d'Azzano"], 45.394401550293, 9.92399978637695)
    assert found.comune is None
    assert found.point_province == "BS"
    assert "VR" in found.reason


def test_a_far_match_is_kept_when_the_comune_is_the_only_one_of_its_name(
    result: covenant.ImportResult,
) -> None:
    meda = _member(result, "MEDA")
    assert meda.matched and meda.matched_label == "Meda"
    assert meda.offset_km is not None and meda.offset_km > covenant.MAX_KM
    assert "only comune of that name" in result.misplaced[meda.key]


def test_a_far_match_istat_does_not_confirm_is_refused(result: covenant.ImportResult) -> None:
    negrar = _member(result, "NEGRAR")  # since 2019 the comune is Negrar di Valpolicella
    assert not negrar.matched
    assert "ISTAT" in result.refused[negrar.key]


def test_a_far_match_is_kept_abroad_only_when_populations_agree(
    result: covenant.ImportResult,
) -> None:
    comrat = _member(result, "Comrat")
    assert comrat.matched and comrat.offset_km is not None and comrat.offset_km > 90
    assert "population" in result.misplaced[comrat.key]
    kamenna = _member(result, "Kamenná")  # 521 people: namesake villages are many
    assert not kamenna.matched
    assert kamenna.key in result.refused


def test_a_far_match_is_kept_abroad_for_a_town_no_larger_than_its_municipality(
    result: covenant.ImportResult,
) -> None:
    barcelos = _member(result, "Barcelos")  # 120,400 people; the town 19,085
    assert barcelos.matched and barcelos.offset_km is not None
    assert barcelos.offset_km > covenant.MAX_KM
    assert "seat of a municipality" in result.misplaced[barcelos.key]


def test_a_near_match_whose_point_lies_in_another_province_is_marked(
    result: covenant.ImportResult,
) -> None:
    mortara = _member(result, "Mortara")
    assert mortara.matched and mortara.offset_km is not None
    assert covenant.CLOSE_KM < mortara.offset_km < covenant.MAX_KM
    assert "PV" in result.misplaced[mortara.key]


def test_the_report_gives_both_shares_and_the_refused_matches(
    result: covenant.ImportResult,
) -> None:
    text = covenant.report_markdown(result, command="dckg import-covenant-of-mayors x")
    assert "Far name matches refused (2)" in text
    assert "of which an ISTAT comune" in text
    assert "shown to be off" in text


def test_shipped_comuni_are_loaded_by_init_and_referred_to(reference_store: Store) -> None:
    comuni = graph("reference/istat-comuni")
    assert comuni in reference_store.graphs()
    castel = istat.shipped().named("Castel d'Azzano")[0].iri
    municipality = NamedNode(DCKG + "Municipality")
    assert list(reference_store.quads(castel, None, municipality, comuni))
    member_of = NamedNode(DCKG + "memberOf")
    covenant_graph = graph("reference/covenant-of-mayors")
    members = {q.subject for q in reference_store.quads(None, member_of, covenant.NETWORK,
                                                        covenant_graph)}  # fmt: skip
    a = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    listed = {q.subject for q in reference_store.quads(None, a, municipality, comuni)}
    assert castel in members
    assert len(members & listed) == len(listed) > 50
