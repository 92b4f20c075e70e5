"""The Wikipedia twin-towns importer, on a slice of the real CSV (tests/data/twin-towns-wikipedia).

The slice holds 24 real rows, chosen for what they test: a pair listed from both towns'
pages (Sherborne → Houffalize and back), four pairs the Wikidata slice
(tests/data/twinnings) holds too (Houffalize with Bad Kötzting, Holstebro and Türi;
Bocholt BE – Bocholt DE), a town geocoded to a namesake abroad (Birmingham, United States,
placed in England), a town geocoded to the wrong region of its own country (Aprilia,
Italy, placed in the Veneto), a Berlin district, a municipality – town name (Tukums –
Kandava), towns of Réunion listed under France, country names such as
"England, United Kingdom", an Italian – African pair (Bologna – Saint-Louis), a name
spelt otherwise than GeoNames spells it (Tiachiv / Tyachiv), a district only alike to
its city's name (Prague 1), a town GeoNames lists twice (Fuzhou), and places no
gazetteer lists, kept as places of their own: a Danish municipality named otherwise than
its seat (Gladsaxe, in two rows), a Senegalese village (N'Diaganiao), a county (Maui
County) and a Budapest district written two ways (`Budavár (Budapest)`, `Budapest I –
Budavár`), beside a district GeoNames finds ambiguous (Berlin – Treptow-Köpenick), which
gives nothing.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import Literal, NamedNode, RdfFormat

from dckg.cli import cli
from dckg.errors import InputError
from dckg.importers.twinnings import KEPT, NOT_A_SPELLING, Side
from dckg.importers.wikipedia_twinnings import (
    AFTER_THE_DASH,
    CC_BY_SA,
    COMPILATION,
    DATASET,
    DUPLICATE_ENTRY,
    WIKIDATA_DATASET,
    WIKIPEDIA_LISTS,
    ImportResult,
    Merged,
    _reconcile_side,
    import_wikipedia_twinnings,
    list_country,
    ntriples,
    own_place_iri,
    own_place_keys,
    read_csv,
    read_merged,
    report_markdown,
)
from dckg.namespaces import DCKG, DCT, GEO, PROV, RDF, RDFS, SKOS
from dckg.reconcile import Reconciler
from dckg.reference import city_iri
from dckg.store import EmbeddedStore, Store

DATA = Path(__file__).parent.parent / "data"
SLICE = DATA / "twin-towns-wikipedia" / "twin-towns.csv"
HEADER = "city1,country1,lat1,lng1,city2,country2,lat2,lng2\n"
P190 = NamedNode("https://www.wikidata.org/wiki/Property:P190")
#: Triples stated in both graphs (there must be none: queries would count them twice).
SHARED = (
    "SELECT ?a ?b (COUNT(*) AS ?n) WHERE { GRAPH ?a { ?s ?p ?o } GRAPH ?b { ?s ?p ?o } } "
    "GROUP BY ?a ?b"
)


def _count(store: Store, query: str, **bound: NamedNode) -> int:
    """The ?n of a one-row count (0 when a grouped count has no group)."""
    rows = list(store.query(query, substitutions=bound))  # type: ignore[arg-type]
    return int(rows[0]["n"].value) if rows else 0


def twinning(a: int, b: int) -> str:
    low, high = sorted((a, b))
    return f"https://w3id.org/dckg/id/partnership/twinning-geonames-{low}-geonames-{high}"


# GeoNames identifiers, checked on geonames.org
HOUFFALIZE, KOTZTING, HOLSTEBRO, TURI = 2795322, 2885070, 2620046, 588153
BOCHOLT_BE, BOCHOLT_DE, SHERBORNE, JUDENBURG = 2801754, 2947421, 2638033, 2775020
BOLOGNA, SAINT_LOUIS, KANDAVA, BIEVRE = 3181928, 2246452, 459031, 2801949
CILAOS, CHAMONIX, LA_POSSESSION, FOSHAN = 935975, 3027301, 935691, 1811103
LIEGE, FUZHOU, BALMAZUJVAROS, TYACHIV = 2792413, 1810821, 722636, 690906
KLAGENFURT, SPLIT, SANYA, REGENSBURG, SANKT_INGBERT = 2774326, 3190261, 1796556, 2849483, 2841590
# Places of their own: the key is country code, name, latitude and longitude as written
GLADSAXE = own_place_iri("DK", "Gladsaxe", 55.7384, 12.4696)
MAUI = own_place_iri("US", "Maui County", 20.7581, -156.3105)
BUDAVAR = own_place_iri("HU", "Budapest I – Budavár", 47.5049, 19.0303)
NDIAGANIAO = own_place_iri("SN", "N'Diaganiao", 14.5382, -16.7262)


def own_twinning(gid: int, place: NamedNode) -> str:
    key = place.value.rsplit("/", 1)[-1]
    return f"https://w3id.org/dckg/id/partnership/twinning-geonames-{gid}-{key}"


@pytest.fixture(scope="module")
def result(geonames_index: Reconciler, wikidata_file: Path) -> ImportResult:
    return import_wikipedia_twinnings(SLICE, merge_with=wikidata_file, reconciler=geonames_index)


@pytest.fixture(scope="module")
def merged_store(result: ImportResult, wikidata_file: Path) -> Store:
    """The two graphs side by side, as `dckg init` loads them."""
    store = EmbeddedStore()
    store.load(wikidata_file, graph=WIKIDATA_DATASET)
    store.load(ntriples(result), rdf_format=RdfFormat.N_TRIPLES, graph=DATASET)
    return store


# -- reading ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Germany", "DE"),
        ("England, United Kingdom", "GB"),
        ("Scotland", "GB"),
        ("Georgia (country)", "GE"),
        ("Republic of Ireland", "IE"),
        ("Brandenburg, Germany", "DE"),
        ("Åland Islands, Finland", "FI"),
        ("Moldavia", "MD"),
        ("Ivory Coast", "CI"),
        ("", None),
        ("Island", None),
    ],
)
def test_list_country(text: str, code: str | None) -> None:
    assert list_country(text) == code


def test_malformed_rows_stop_the_import_with_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(
        HEADER
        + "Bologna,Italy,44.4939,11.3428,Saint-Louis,Senegal,16.028,-16.5049\n"
        + "Bologna,Italy,44.4939,11.3428,Saint-Louis,Senegal,16.028\n"
        + "Bologna,Italy,44,4939,11.3428,Saint-Louis,Senegal,16.028,-16.5049\n"
        + "Bologna,Italy,94.4939,11.3428,Saint-Louis,Senegal,16.028,-16.5049\n"
        + ",Italy,44.4939,11.3428,Saint-Louis,Senegal,16.028,-16.5049\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        import_wikipedia_twinnings(path)
    message = str(caught.value)
    assert "4 malformed row(s)" in message
    assert "bad.csv:3: 7 columns instead of 8" in message
    assert "bad.csv:4: 9 columns instead of 8" in message
    assert "bad.csv:5: lat1: 94.4939 is out of range" in message
    assert "bad.csv:6: empty city1" in message


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"a,b\n", "unexpected header"),
        (HEADER.encode() + b"\xff\xfe,x\n", "not UTF-8"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_csv(path)


def test_oversized_and_missing_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="too large"):
        read_csv(SLICE, max_bytes=100)
    with pytest.raises(InputError, match="cannot read"):
        read_csv(tmp_path / "nothing.csv")
    with pytest.raises(InputError, match="not N-Triples"):
        (tmp_path / "bad.nt").write_text("<a> <b> .\n")
        read_merged(tmp_path / "bad.nt")


# -- reconciliation and merging ------------------------------------------------------------


def test_counts(result: ImportResult) -> None:
    assert result.rows_read == 24
    assert result.rows_matched == 13
    assert result.rows_kept == 6  # a town matched or kept on each side, one kept at least
    assert result.rows_ambiguous == 1  # Berlin – Treptow-Köpenick
    assert result.rows_unmatched == 4  # two districts, a namesake abroad, a far namesake
    assert result.reversed_rows == 2  # Houffalize ↔ Sherborne, Budavár ↔ Regensburg
    assert len(result.twinnings) == 17
    assert len(result.with_own_place) == 5
    assert len(result.in_both) == 4
    assert len(result.only_here) == 13
    assert len(result.own_places) == 4


def test_matched_towns_checked_by_hand(result: ImportResult) -> None:
    expected = {
        twinning(HOUFFALIZE, KOTZTING),
        twinning(HOUFFALIZE, HOLSTEBRO),
        twinning(HOUFFALIZE, TURI),
        twinning(BOCHOLT_BE, BOCHOLT_DE),
        twinning(HOUFFALIZE, SHERBORNE),
        twinning(HOUFFALIZE, JUDENBURG),
        twinning(BOLOGNA, SAINT_LOUIS),
        twinning(KANDAVA, BIEVRE),
        twinning(CILAOS, CHAMONIX),
        twinning(LA_POSSESSION, FOSHAN),
        twinning(LIEGE, FUZHOU),
        twinning(BALMAZUJVAROS, TYACHIV),
        own_twinning(SANKT_INGBERT, NDIAGANIAO),
        own_twinning(KLAGENFURT, GLADSAXE),
        own_twinning(SPLIT, GLADSAXE),
        own_twinning(SANYA, MAUI),
        own_twinning(REGENSBURG, BUDAVAR),
    }
    assert set(result.twinnings) == expected
    assert {t.iri.value for t in result.in_both} == {
        twinning(HOUFFALIZE, KOTZTING),
        twinning(HOUFFALIZE, HOLSTEBRO),
        twinning(HOUFFALIZE, TURI),
        twinning(BOCHOLT_BE, BOCHOLT_DE),
    }
    assert result.twinnings[twinning(HOUFFALIZE, SHERBORNE)].rows == 2


def test_unmatched_reasons(result: ImportResult) -> None:
    reasons = {r.side.label: (r.status, r.reason) for r in result.sides.values()}
    # Birmingham, Alabama, geocoded to Birmingham, England: never matched abroad
    assert reasons["Birmingham"] == (
        "unknown",
        "the only place of that name in reach is in GB, not the list's country",
    )
    # Aprilia is near Rome; the row places it in the Veneto
    assert reasons["Aprilia"] == ("unknown", "no place of that name within 30 km")
    # GeoNames 2940187 is Charlottenburg (129,359 people), one of the two localities the
    # borough was merged from; Wilmersdorf (2808473) is another entry 3.7 km away. A match
    # on one part of the name takes the borough for one of its parts: refused.
    assert reasons["Charlottenburg-Wilmersdorf (Berlin)"] == ("unknown", NOT_A_SPELLING)
    assert reasons["Tukums – Kandava"] == ("matched", "matched on the name after the dash")
    assert reasons["Cilaos"] == ("matched", "matched in a territory of the given country")
    # a fuzzy match is kept as another spelling, never as a district taken for its city
    assert reasons["Tiachiv"] == ("matched", "")
    assert reasons["Prague 1"] == ("unknown", NOT_A_SPELLING)
    # Fuzhou: two GeoNames entries 1.2 km apart, only the city's with a population
    assert reasons["Fuzhou"] == ("matched", DUPLICATE_ENTRY)


def test_a_district_after_its_city_is_not_the_city(geonames_index: Reconciler) -> None:
    # a row of the source: the lists name a district after its city ("City – District");
    # GeoNames holds no town Stari Grad there, and the whole name finds Sarajevo
    side = Side("Sarajevo – Stari Grad", "Bosnia and Herzegovina", 43.8598, 18.4278, None)
    assert geonames_index.reconcile(side.label, country="BA", lat=side.lat, lon=side.lon).iri
    resolved = _reconcile_side(ImportResult("x.csv", Merged()), geonames_index, side)
    # not the city: kept as a place of its own (the district), never Sarajevo
    assert (resolved.status, resolved.reason) == (KEPT, AFTER_THE_DASH)


def test_only_towns_held_nowhere_else_are_added(result: ImportResult) -> None:
    assert city_iri(BOLOGNA).value not in result.new_cities  # a shipped city
    # Houffalize (< 15,000 people) is added by the Wikidata graph already
    assert city_iri(HOUFFALIZE).value in result.merged.cities
    assert city_iri(HOUFFALIZE).value not in result.new_cities
    assert city_iri(JUDENBURG).value in result.new_cities


# -- places of their own -------------------------------------------------------------------

_TYPE, _LABEL = NamedNode(RDF + "type"), NamedNode(RDFS + "label")
_LRG = NamedNode(DCKG + "LocalRegionalGovernment")


def _facts(store: Store, node: NamedNode) -> set[tuple[str, str]]:
    return {(q.predicate.value, q.object.value) for q in store.quads(node, None, None)}


def test_an_unmatched_town_is_a_place_of_its_own_with_the_rows_facts(
    result: ImportResult, merged_store: Store
) -> None:
    # Gladsaxe: a Danish municipality named otherwise than its seat (Søborg); GeoNames has
    # no populated place of that name, so the rows' name, country and position are kept
    reasons = {r.side.label: (r.status, r.reason) for r in result.sides.values()}
    assert reasons["Gladsaxe"] == (KEPT, "no place of that name")
    geometry = NamedNode(GLADSAXE.value + "#geometry")
    assert _facts(merged_store, GLADSAXE) == {
        (RDF + "type", DCKG + "LocalRegionalGovernment"),
        (RDFS + "label", "Gladsaxe"),
        (DCKG + "country", "https://w3id.org/dckg/id/country/DNK"),
        (DCT + "source", WIKIPEDIA_LISTS.value),
        (DCT + "source", COMPILATION.value),
        (GEO + "hasGeometry", geometry.value),
    }
    assert _facts(merged_store, geometry) == {
        (RDF + "type", GEO + "Geometry"),
        (GEO + "asWKT", "POINT(12.4696 55.7384)"),
    }
    # in the import's own graph, and no GeoNames id, population or sameAs
    assert list(merged_store.quads(GLADSAXE, _TYPE, _LRG, DATASET))
    twinning_ = NamedNode(own_twinning(KLAGENFURT, GLADSAXE))
    partners = {q.object for q in merged_store.quads(twinning_, NamedNode(DCKG + "partner"), None)}
    assert partners == {city_iri(KLAGENFURT), GLADSAXE}


def test_the_same_place_in_two_rows_is_one_place(result: ImportResult, merged_store: Store) -> None:
    gladsaxe = [p for p in result.own_places.values() if p.label == "Gladsaxe"]
    assert [p.iri for p in gladsaxe] == [GLADSAXE]
    twinned = (
        "SELECT ?p (COUNT(DISTINCT ?t) AS ?n) { ?t a dckg:Twinning ; dckg:partner ?p } GROUP BY ?p"
    )
    assert _count(merged_store, twinned, p=GLADSAXE) == 2  # Klagenfurt and Split
    # one district written two ways at one position, from both towns' pages: one place
    # (the other way as skos:altLabel), one twinning
    budavar = [p for p in result.own_places.values() if "Budav" in p.label]
    assert [p.iri for p in budavar] == [BUDAVAR]
    alt = merged_store.quads(BUDAVAR, NamedNode(SKOS + "altLabel"), None)
    assert [q.object for q in alt] == [Literal("Budavár (Budapest)")]
    assert result.twinnings[own_twinning(REGENSBURG, BUDAVAR)].rows == 2


def test_one_place_however_the_rows_write_the_country() -> None:
    # real rows: Horndean under "England" and under "England, United Kingdom"; Newham at
    # two positions 7.4 km apart; Vesthimmerland and Vesthimmerlands stay two names
    sides = [
        (("Horndean", "England", 50.9136, -0.9961), "GB", 3),
        (("Horndean", "England, United Kingdom", 50.9136, -0.9961), "GB", 1),
        (("Newham", "England", 51.5434, 0.1347), "GB", 1),
        (("Newham", "England, United Kingdom", 51.53, 0.0293), "GB", 2),
        (("Vesthimmerland", "Denmark", 56.8, 9.37), "DK", 1),
        (("Vesthimmerlands", "Denmark", 56.8, 9.37), "DK", 1),
    ]
    keys = own_place_keys(sides)
    assert {keys[s[0]] for s in sides[:2]} == {("GB", "Horndean", 50.9136, -0.9961)}
    assert {keys[s[0]] for s in sides[2:4]} == {("GB", "Newham", 51.53, 0.0293)}
    assert len({keys[s[0]] for s in sides[4:]}) == 2


def test_an_ambiguous_or_far_or_foreign_town_yields_nothing(
    result: ImportResult, merged_store: Store
) -> None:
    reasons = {r.side.label: r.status for r in result.sides.values()}
    assert reasons["Berlin – Treptow-Köpenick"] == "ambiguous"
    assert reasons["Aprilia"] == "unknown"  # no namesake within 30 km
    assert reasons["Birmingham"] == "unknown"  # a namesake abroad
    assert {p.label for p in result.own_places.values()} == {
        "Gladsaxe",
        "Maui County",
        "N'Diaganiao",
        "Budapest I – Budavár",
    }
    labels = {"Berlin – Treptow-Köpenick", "Aprilia", "Birmingham", "Prague 1"}
    for label in labels:
        assert not list(merged_store.quads(None, _LABEL, Literal(label)))
    assert not any("Albinea" in (t.a.label, t.b.label) for t in result.twinnings.values())


def test_a_region_is_not_typed_as_a_city(result: ImportResult, merged_store: Store) -> None:
    reasons = {r.side.label: (r.status, r.reason) for r in result.sides.values()}
    assert reasons["Maui County"] == (KEPT, "looks like a region or district")
    types = {q.object for q in merged_store.quads(MAUI, _TYPE, None)}
    assert types == {_LRG}
    cities = (
        "SELECT (COUNT(*) AS ?n) "
        "{ ?p a dckg:City FILTER(STRSTARTS(STR(?p), 'https://w3id.org/dckg/id/place/')) }"
    )
    assert _count(merged_store, cities) == 0
    places = (
        "SELECT (COUNT(*) AS ?n) { ?p a dckg:LocalRegionalGovernment "
        "FILTER(STRSTARTS(STR(?p), 'https://w3id.org/dckg/id/place/')) }"
    )
    assert _count(merged_store, places) == 4


# -- the merged graph ----------------------------------------------------------------------


def test_a_pair_in_both_sources_is_one_twinning_with_two_sources(merged_store: Store) -> None:
    pair = NamedNode(twinning(HOUFFALIZE, KOTZTING))
    sources = {q.object for q in merged_store.quads(pair, NamedNode(DCT + "source"), None)}
    assert sources == {P190, WIKIPEDIA_LISTS}
    # each graph holds its own source's statement
    assert list(merged_store.quads(pair, NamedNode(DCT + "source"), P190, WIKIDATA_DATASET))
    assert list(merged_store.quads(pair, NamedNode(DCT + "source"), WIKIPEDIA_LISTS, DATASET))
    assert len(list(merged_store.quads(pair, NamedNode(DCKG + "partner"), None))) == 2


def test_counts_never_double(merged_store: Store, result: ImportResult) -> None:
    rows = merged_store.query("SELECT (COUNT(*) AS ?n) WHERE { ?t a dckg:Twinning }")
    total = int(next(iter(rows))["n"].value)
    assert total == len(result.merged.twinnings) + len(result.only_here) == 6 + 13
    assert _count(merged_store, SHARED, a=WIKIDATA_DATASET, b=DATASET) == 0


def test_every_twinning_is_described_whole(merged_store: Store) -> None:
    incomplete = merged_store.query(
        "SELECT ?t WHERE { ?t dct:source ?s FILTER(STRSTARTS(STR(?t), "
        "'https://w3id.org/dckg/id/partnership/')) "
        "FILTER NOT EXISTS { ?t a dckg:Twinning ; dckg:partner ?p ; rdfs:label ?l } }"
    )
    assert list(incomplete) == []


def test_the_graph_describes_itself(merged_store: Store) -> None:
    license_ = list(merged_store.quads(DATASET, NamedNode(DCT + "license"), None, DATASET))
    assert [q.object for q in license_] == [CC_BY_SA]
    citation = next(
        iter(merged_store.quads(DATASET, NamedNode(DCT + "bibliographicCitation"), None))
    )
    assert "Wikipedia contributors" in citation.object.value
    derived = merged_store.quads(
        NamedNode(twinning(BOLOGNA, SAINT_LOUIS)), NamedNode(PROV + "wasDerivedFrom"), None
    )
    assert len(list(derived)) == 1


def test_output_is_deterministic(geonames_index: Reconciler, wikidata_file: Path) -> None:
    first = ntriples(
        import_wikipedia_twinnings(SLICE, merge_with=wikidata_file, reconciler=geonames_index)
    )
    second = ntriples(
        import_wikipedia_twinnings(SLICE, merge_with=wikidata_file, reconciler=geonames_index)
    )
    assert first == second
    lines = first.decode().splitlines()
    assert lines == sorted(lines)


def test_report(result: ImportResult) -> None:
    text = report_markdown(result)
    assert "| rows read | 24 |" in text
    assert "| places kept as places of their own | 4 |" in text
    assert "| … with a partner kept as a place of its own | 5 |" in text
    assert "| Gladsaxe | Denmark | 55.7384, 12.4696 | 2 | no place of that name |" in text
    assert "| … also in the Wikidata twinnings (one node, two sources) | 4 |" in text
    assert "| Birmingham | United States |" in text
    assert "| within 5 km |" in text


def test_cli_validates_then_writes_data_and_report(wikidata_file: Path, tmp_path: Path) -> None:
    out, report = tmp_path / "twin-towns-wikipedia.nt.gz", tmp_path / "report.md"
    done = CliRunner().invoke(
        cli,
        [
            "import-wikipedia-twinnings",
            str(SLICE),
            "--merge-with",
            str(wikidata_file),
            "--out",
            str(out),
            "--report",
            str(report),
        ],
    )
    assert done.exit_code == 0, done.output
    assert "validation: 1 input(s)" in done.output and ": conforms (0 violation(s)" in done.output
    assert "| twinnings | 17 |" in report.read_text()
    assert "| places kept as places of their own | 4 |" in report.read_text()
    data = gzip.decompress(out.read_bytes()).decode()
    assert f"<{twinning(BOLOGNA, SAINT_LOUIS)}> <{DCKG}partner>" in data


def test_cli_refuses_malformed_rows_and_writes_nothing(tmp_path: Path) -> None:
    bad, out = tmp_path / "bad.csv", tmp_path / "out.nt.gz"
    bad.write_text(HEADER + "Bologna,Italy,x,11.3,Saint-Louis,Senegal,16.0,-16.5\n")
    done = CliRunner().invoke(cli, ["import-wikipedia-twinnings", str(bad), "--out", str(out)])
    assert done.exit_code != 0
    assert "bad.csv:2: lat1: not a number: 'x'" in str(done.exception)
    assert not out.exists()


# -- the shipped data set ------------------------------------------------------------------


def test_shipped_twinnings_after_merging(reference_store: Store) -> None:
    assert DATASET in reference_store.graphs()
    # 27,208: 11,376 from Wikidata, 15,832 more from Wikipedia, 2,303 of them with a place
    # of its own (docs/twin-towns-wikipedia-import.md)
    twinnings = "SELECT (COUNT(DISTINCT ?t) AS ?n) { ?t a dckg:Twinning }"
    assert _count(reference_store, twinnings) >= 25_000
    countries = (
        "SELECT (COUNT(DISTINCT ?c) AS ?n) { ?t a dckg:Twinning ; dckg:partner/dckg:country ?c }"
    )
    assert _count(reference_store, countries) >= 180
    african = (
        "SELECT ?r (COUNT(DISTINCT ?t) AS ?n) "
        "{ ?t a dckg:Twinning ; dckg:partner/dckg:country/dckg:region ?r } GROUP BY ?r"
    )
    africa = NamedNode("https://w3id.org/dckg/id/region/africa")
    assert _count(reference_store, african, r=africa) >= 1_000
    both = (
        "SELECT (COUNT(*) AS ?n) { ?t a dckg:Twinning ; dct:source ?a, ?b "
        "FILTER(STR(?a) < STR(?b)) }"
    )
    assert _count(reference_store, both) > 5_000
    assert _count(reference_store, SHARED, a=WIKIDATA_DATASET, b=DATASET) == 0


def test_shipped_italian_cities_twinned_with_african_cities(reference_store: Store) -> None:
    rows = list(
        reference_store.query(
            "SELECT DISTINCT ?t ?italian ?african ?italy ?africa WHERE { ?t a dckg:Twinning ; "
            "dckg:partner ?italian, ?african . ?italian dckg:country ?italy . "
            "?african dckg:country/dckg:region ?africa }",
            substitutions={
                "italy": NamedNode("https://w3id.org/dckg/id/country/ITA"),
                "africa": NamedNode("https://w3id.org/dckg/id/region/africa"),
            },
        )
    )
    assert len(rows) >= 20
    assert twinning(BOLOGNA, SAINT_LOUIS) in {r["t"].value for r in rows}


# -- a partner twinned with a town and with the county named after it ---------------------

TOWN_AND_COUNTY = DATA / "twin-towns-wikipedia" / "town-and-county.csv"


def test_a_county_named_after_a_town_is_that_towns_twinning(geonames_index) -> None:
    """Five real rows: Geel and Miramichi list Monaghan (the town), Ireland's list gives
    them to County Monaghan. One twinning per partner, with the town, from both rows."""
    result = import_wikipedia_twinnings(TOWN_AND_COUNTY, reconciler=geonames_index)
    by_labels = {frozenset((t.a.label, t.b.label)): t for t in result.twinnings.values()}
    assert frozenset(("Geel", "County Monaghan")) not in by_labels
    assert frozenset(("Miramichi", "County Monaghan")) not in by_labels
    assert by_labels[frozenset(("Geel", "Monaghan"))].rows == 2
    assert by_labels[frozenset(("Miramichi", "Monaghan"))].rows == 2
    assert sorted(v[2] for v in result.named_after.values()) == ["Geel", "Miramichi"]
