"""Official lists of municipalities beside GeoNames, and the wrong merges they prevent.

``tests/data/covenant-of-mayors/signatories-merges-excerpt.csv`` holds twelve real rows of
the JRC file (lines 1723, 3000, 3129, 5125, 5206, 5966, 6355, 7011, 9085, 10208, 11020
and 11882 of ``signatories-2024.csv``): the three wrong merges once made (``Santa Fe`` →
Santa Fe de Mondújar, ``La Tahá`` → Órgiva, ``Arenas`` → Arenas de San Pedro), the real
Santa Fe de Mondújar and Arenas de San Pedro, ``LA FRONTERA`` (whose GeoNames match
stands: the populations agree), two Moldovan, a Ukrainian, a Romanian and two Italian
signatories GeoNames alone leaves unmatched or merges wrongly.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, Store

from dckg.errors import InputError
from dckg.importers import covenant
from dckg.importers.memberships import name_forms, network_names
from dckg.namespaces import DCT, ORG, RDFS, graph
from dckg.reconcile import Reconciler
from dckg.reconcile.official import OfficialList, Register, Unit, loose_key
from dckg.reconcile.registers import MOLDOVA, REGISTERS, SPAIN, official_list, spanish_units

DATA = Path(__file__).resolve().parents[1] / "data"
MERGES = DATA / "covenant-of-mayors" / "signatories-merges-excerpt.csv"


@pytest.fixture(scope="module")
def result(geonames_index: Reconciler) -> covenant.ImportResult:
    return covenant.import_covenant(MERGES, reconciler=geonames_index, existing=network_names())


def _member(result: covenant.ImportResult, name: str):
    return next(m for m in result.members.values() if m.name == name)


# -- the three wrong merges --------------------------------------------------------------


def test_santa_fe_is_not_santa_fe_de_mondujar(result: covenant.ImportResult) -> None:
    santa_fe = _member(result, "Santa Fe")
    mondujar = _member(result, "Santa Fe de Mondújar")
    assert santa_fe.point == "country centre"
    assert santa_fe.iri != mondujar.iri
    assert santa_fe.matched_label == "Santa Fe"
    country, unit = result.official[santa_fe.key]
    assert (country, unit.area) == ("ES", "Granada")


def test_la_taha_is_not_orgiva(result: covenant.ImportResult) -> None:
    taha = _member(result, "La Tahá")
    assert taha.matched_label != "Órgiva"
    assert "Órgiva is another municipality" in result.distinct[taha.key]
    assert result.official[taha.key][1].area == "Granada"
    assert taha.iri == official_list("ES").iri(result.official[taha.key][1])  # type: ignore[union-attr]


def test_arenas_is_not_arenas_de_san_pedro(result: covenant.ImportResult) -> None:
    """The source puts Arenas (Málaga, 1,411 people) on Arenas de San Pedro (Ávila): the
    list holds both, the populations disagree, and Málaga is not around the point."""
    arenas = _member(result, "Arenas")
    san_pedro = _member(result, "Arenas de San Pedro")
    assert san_pedro.matched and san_pedro.matched_label == "Arenas de San Pedro"
    assert not arenas.matched
    assert arenas.iri != san_pedro.iri
    assert "Arenas de San Pedro is another municipality" in arenas.reason


def test_a_match_whose_population_agrees_stands(result: covenant.ImportResult) -> None:
    """``LA FRONTERA``: the list also has a La Frontera (Cuenca), but the GeoNames place
    at the point (Frontera, El Hierro) has the source's population."""
    frontera = _member(result, "LA FRONTERA")
    assert frontera.matched and frontera.matched_label == "Frontera"
    assert frontera.key not in result.distinct


def test_roascio_is_not_roasio(result: covenant.ImportResult) -> None:
    roascio = _member(result, "Roascio")
    assert roascio.matched_label != "Roasio"
    assert "Roasio is another municipality" in result.distinct[roascio.key]


# -- the lists as gazetteers ---------------------------------------------------------------


def test_moldova_by_point(result: covenant.ImportResult) -> None:
    lozova = _member(result, "Lozova")
    assert lozova.matched and lozova.offset_km is not None and lozova.offset_km < 1
    assert result.official[lozova.key][0] == "MD"
    # matched in Moldova, not across the border in Romania
    costuleni = _member(result, "Primăria s. Costuleni, r-nul Ungheni")
    assert result.official[costuleni.key][1].name == "Costuleni"


def test_ukraine_hromada_by_oblast_of_the_point(result: covenant.ImportResult) -> None:
    hromada = _member(result, "Rozdilnianska AC")
    country, unit = result.official[hromada.key]
    assert (country, unit.name, unit.area, unit.kind) == (
        "UA",
        "Роздільнянська",
        "Одеська",
        "Hromada",
    )


def test_romania_and_italy_by_province(result: covenant.ImportResult) -> None:
    ghiroda = _member(result, "Ghiroda (Jud.Timiş)")
    assert result.official[ghiroda.key][1].area == "Timiș"
    curtatone = _member(result, "Curtatone")
    assert result.comuni[curtatone.key].sigla == "MN"


def test_each_list_is_its_own_graph_with_source_and_licence(
    result: covenant.ImportResult,
) -> None:
    graphs = covenant.official_ntriples_of(result)
    assert set(graphs) == {"municipios-espana", "siruta", "katottg", "countrystatecity-moldova"}
    store = Store()
    count, moldova = graphs["countrystatecity-moldova"]
    assert count == 2
    store.load(moldova, RdfFormat.N_TRIPLES)
    dataset = graph("reference/countrystatecity-moldova")
    licence = [q.object for q in store.quads_for_pattern(dataset, NamedNode(DCT + "license"), None)]
    assert licence == [NamedNode("https://opendatacommons.org/licenses/odbl/1-0/")]
    assert list(store.quads_for_pattern(dataset, NamedNode(DCT + "bibliographicCitation"), None))
    lozova = official_list("MD").iri(result.official[_member(result, "Lozova").key][1])  # type: ignore[union-attr]
    labels = [q.object for q in store.quads_for_pattern(lozova, NamedNode(RDFS + "label"), None)]
    assert labels == [Literal("Lozova", language="ro")]
    # each unit once, in its own list's graph only
    store.load(graphs["municipios-espana"][1], RdfFormat.N_TRIPLES)
    assert not list(store.quads_for_pattern(lozova, NamedNode(DCT + "source"), None))[1:]


# -- the rules, on the smallest lists ------------------------------------------------------


def _spain(*lines: str) -> OfficialList:
    return OfficialList(SPAIN, spanish_units(lines))


def test_distinct_names_two_municipalities_of_the_list() -> None:
    listed = _spain("Granada;Santa Fe", "Almería;Santa Fe de Mondújar", "Navarra;Bera")
    assert listed.distinct(["Santa Fe"], "Santa Fe de Mondújar")
    assert listed.distinct(["Santa Fe de Mondújar"], "Santa Fe de Mondújar") is None
    # a name the list does not hold says nothing
    assert listed.distinct(["Santafé"], "Santa Fe") is None
    assert listed.distinct(["Santa Fe"], "Santafé") is None


def test_spanish_list_puts_articles_first_and_keeps_both_names() -> None:
    (papiol, ayala) = spanish_units(["Barcelona;Papiol, El", "Álava;Ayala/Aiara"])
    assert papiol.name == "El Papiol"
    assert (ayala.name, ayala.others) == ("Ayala / Aiara", ("Ayala", "Aiara"))
    listed = OfficialList(SPAIN, [ayala])
    assert listed.named("Aiara") == listed.named("AYALA") == [ayala]
    with pytest.raises(InputError, match="Provincia;Municipio") as caught:
        spanish_units(["Granada;Santa Fe", "Almería"], source="municipios.txt")
    assert caught.value.line == 2


def test_without_a_point_only_a_name_unique_in_the_list(geonames_index: Reconciler) -> None:
    listed = _spain("Granada;Santa Fe", "Málaga;Arenas", "Ávila;Arenas")
    assert listed.match(geonames_index, ["Santa Fe"], None, None).unit is not None
    assert listed.match(geonames_index, ["Arenas"], None, None).unit is None


def test_with_a_point_only_in_a_province_around_it(geonames_index: Reconciler) -> None:
    listed = official_list("ES")
    assert listed is not None
    # Arenas de San Pedro's point is in Ávila; the list's Arenas is in Málaga
    found = listed.match(geonames_index, ["Arenas"], 40.2087, -5.0911)
    assert found.unit is None and "Málaga" in found.reason
    found = listed.match(geonames_index, ["La Tahá"], 36.9333, -3.3167)
    assert found.unit is not None and found.unit.area == "Granada"


def test_a_list_with_points_matches_near_the_point_only(geonames_index: Reconciler) -> None:
    register = Register(**{**MOLDOVA.__dict__})
    units = [
        Unit("1", "Copceac", "GA", "Locality", lat=45.8517, lon=28.6925),
        Unit("2", "Copceac", "SV", "Locality", lat=46.45028, lon=29.52083),
    ]
    listed = OfficialList(register, units)
    near = listed.match(geonames_index, ["Copceac"], 45.8517, 28.6897)
    assert near.unit is not None and near.unit.code == "1"
    assert listed.match(geonames_index, ["Copceac"], 47.0, 28.0).unit is None
    # without a point two localities of the name are not one
    assert listed.match(geonames_index, ["Copceac"], None, None).unit is None


def test_ukrainian_names_in_any_transliteration() -> None:
    assert loose_key("Merefyanska") == loose_key("Мереф’янська") == loose_key("Merefianska")
    listed = official_list("UA")
    assert listed is not None
    (hromada,) = [u for u in listed.named("Rozdilnianska") if u.kind == "Hromada"]
    assert hromada.others == ("Rozdilnianska",)


def test_name_forms_drop_romanian_and_ukrainian_office_words() -> None:
    assert name_forms("Primăria orașului Cimișlia")[-1] == "Cimișlia"
    assert name_forms("Municipiul Focsani")[-1] == "Focsani"
    assert name_forms("Pervomaiska urban territorial community")[-1] == "Pervomaiska"
    assert name_forms("Rozdilnianska AC")[-1] == "Rozdilnianska"


# -- the shipped graphs ----------------------------------------------------------------------


def test_shipped_lists_are_loaded_by_init_with_source_and_licence(reference_store) -> None:
    for register in REGISTERS:
        dataset = register.dataset
        assert dataset in reference_store.graphs()
        licence = NamedNode(DCT + "license")
        assert [q.object for q in reference_store.quads(dataset, licence, None, dataset)] == [
            NamedNode(register.licence)
        ]
        sources = {
            q.object
            for q in reference_store.quads(dataset, NamedNode(DCT + "source"), None, dataset)
        }
        assert {NamedNode(s) for s in register.sources} <= sources
    # Santa Fe (Granada) is described once, in the Spanish list's graph, and is a member
    listed = official_list("ES")
    assert listed is not None
    (santa_fe,) = [u for u in listed.named("Santa Fe") if u.area == "Granada"]
    iri = listed.iri(santa_fe)
    labels = list(reference_store.quads(iri, NamedNode(RDFS + "label"), None, None))
    assert [q.graph_name for q in labels] == [SPAIN.dataset]
    assert list(reference_store.quads(None, NamedNode(ORG + "member"), iri, None))
