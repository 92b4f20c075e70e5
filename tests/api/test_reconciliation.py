"""The reconciliation service (W3C Entity Reconciliation API 0.2) and entity search, on a
real server over the initialised reference store.

Every answer is validated against the spec's JSON schemas, vendored under
``tests/data/w3c/reconciliation-api-0.2``; requests are sent as OpenRefine sends them
(``queries`` form-encoded) and by a real client library (``reconciler``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from dckg.reconcile import reconciler_for
from dckg.store import Store

SCHEMAS = Path(__file__).parent.parent / "data" / "w3c" / "reconciliation-api-0.2"
LYON = "city/geonames-2996944"
BEIT_SAHOUR = "city/geonames-284304"


def _validator(name: str) -> Draft7Validator:
    resources = []
    for path in SCHEMAS.glob("*.json"):
        schema = json.loads(path.read_text())
        resource = Resource.from_contents(schema, default_specification=DRAFT7)
        resources.append((schema.get("$id", path.name), resource))
    registry = Registry().with_resources(resources)
    schema = json.loads((SCHEMAS / name).read_text())
    return Draft7Validator(schema, registry=registry)


def valid(name: str, document: Any) -> Any:
    """``document``, after checking it against the vendored schema ``name``."""
    errors = sorted(_validator(name).iter_errors(document), key=lambda e: list(e.path))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    return document


@pytest.fixture(scope="module")
def http(api) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=api.url, timeout=120) as client:
        yield client


def openrefine(http: httpx.Client, queries: dict[str, Any], **extra: str) -> httpx.Response:
    """POST a batch the way OpenRefine does: ``queries`` form-encoded."""
    valid("reconciliation-query-batch.json", queries)
    return http.post("/reconcile", data={"queries": json.dumps(queries), **extra})


def results(response: httpx.Response) -> dict[str, list[dict[str, Any]]]:
    assert response.status_code == 200, response.text
    body = valid("reconciliation-result-batch.json", response.json())
    return {key: value["result"] for key, value in body.items()}


def matched(candidates: list[dict[str, Any]]) -> list[str]:
    return [c["id"] for c in candidates if c["match"]]


# -- the manifest --------------------------------------------------------------------------


def test_manifest_validates_and_its_templates_lead_to_the_entity_pages(
    http: httpx.Client, api
) -> None:
    for response in (http.get("/reconcile"), http.post("/reconcile")):
        assert response.status_code == 200
        manifest = valid("manifest.json", response.json())
        assert manifest["versions"] == ["0.2"]
        assert manifest["identifierSpace"] == "https://w3id.org/dckg/id/"
        assert manifest["schemaSpace"] == "https://w3id.org/dckg/ontology#"
    assert {t["name"] for t in manifest["defaultTypes"]} == {
        "city",
        "region",
        "country",
        "city network",
        "instrument",
        "actor",
    }
    view = manifest["view"]["url"].replace("{{id}}", LYON)
    assert view == f"{api.url}/id/{LYON}"
    assert http.get(view, headers={"Accept": "text/html"}).status_code == 200
    preview = http.get(manifest["preview"]["url"].replace("{{id}}", LYON))
    assert preview.status_code == 200 and "text/html" in preview.headers["content-type"]
    assert "Lyon" in preview.text and f"/id/{LYON}" in preview.text and "520,774" in preview.text
    for what in ("entity", "type", "property"):
        service = manifest["suggest"][what]
        assert service["service_url"] == api.url
        assert http.get(service["service_url"] + service["service_path"], params={"prefix": "c"})


def test_jsonp_wraps_the_manifest_and_refuses_a_callback_that_is_not_a_name(
    http: httpx.Client,
) -> None:
    response = http.get("/reconcile", params={"callback": "jQuery123.cb_4"})
    assert response.headers["content-type"].startswith("text/javascript")
    prefix, suffix = "/**/jQuery123.cb_4(", ");"
    assert response.text.startswith(prefix) and response.text.endswith(suffix)
    valid("manifest.json", json.loads(response.text[len(prefix) : -len(suffix)]))
    bad = http.get("/reconcile", params={"callback": "alert(1)//"})
    assert bad.status_code == 400 and bad.json()["field"] == "callback"


# -- batches ---------------------------------------------------------------------------------

BATCH = {
    "q0": {"query": "Lyon", "type": "City", "properties": [{"pid": "country", "v": "FR"}]},
    "q1": {
        "query": "Beit Sahour",
        "type": "City",
        "properties": [
            {"pid": "country", "v": "Palestine"},
            {"pid": "coordinates", "v": "31.70,35.23"},
        ],
    },
    "q2": {"query": "Springfield", "type": "City", "properties": [{"pid": "country", "v": "US"}]},
    "q3": {"query": "Global Europe", "type": "FundingInstrument", "type_strict": "should"},
    "q4": {"query": "Germany", "type": "Country"},
    "q5": {"query": "Ouagadougu", "limit": 3},
}


def test_a_batch_sent_as_openrefine_does_is_scored_and_matched(http: httpx.Client) -> None:
    found = results(openrefine(http, BATCH))
    assert set(found) == set(BATCH)
    assert matched(found["q0"]) == [LYON] and found["q0"][0]["id"] == LYON
    assert found["q0"][0]["type"][0] == {"id": "City", "name": "city"}
    assert matched(found["q1"]) == [BEIT_SAHOUR]
    # Several Springfields in the US, no position: candidates, none matched.
    assert matched(found["q2"]) == [] and len(found["q2"]) == 5
    assert all(c["name"] == "Springfield" and "US" in c["description"] for c in found["q2"])
    assert matched(found["q3"]) == ["instrument/ndici-global-europe"]
    assert matched(found["q4"]) == ["country/DEU"]
    # A misspelt name without a country or position: a candidate, never a match.
    assert matched(found["q5"]) == [] and found["q5"][0]["id"] == "city/geonames-2357048"
    assert len(found["q5"]) <= 3
    for candidates in found.values():
        scores = [c["score"] for c in candidates if not c["match"]]
        assert scores == sorted(scores, reverse=True)


def test_json_body_and_query_string_give_the_same_answer_as_the_form(http: httpx.Client) -> None:
    form = results(openrefine(http, BATCH))
    assert results(http.post("/reconcile", json=BATCH)) == form
    assert results(http.post("/reconcile", json={"queries": json.dumps(BATCH)})) == form
    assert results(http.get("/reconcile", params={"queries": json.dumps(BATCH)})) == form


def test_match_is_exactly_what_the_reconciler_says(http: httpx.Client, reference_store: Store):
    """One code path: the service's matches are the reconciler's, name for name."""
    rows = [
        ("Lyon", "FR", None),
        ("Springfield", "US", None),
        ("Beit Sahour", "PS", (31.70, 35.23)),
        ("Santa Fe", "ES", (37.19, -3.72)),
        ("Droitwich Spa", "GB", (52.27, -2.15)),
        ("Bayern", "DE", None),
        ("Paris", None, None),
        ("St. Georgen im Schwarzwald", "DE", (48.13, 8.33)),
    ]
    batch = {}
    for i, (name, country, point) in enumerate(rows):
        props = [{"pid": "country", "v": country}] if country else []
        if point:
            props.append({"pid": "coordinates", "v": f"{point[0]},{point[1]}"})
        batch[f"q{i}"] = {"query": name, "type": "City", "properties": props}
    found = results(openrefine(http, batch))
    index = reconciler_for(reference_store)
    agreed = 0
    for i, (name, country, point) in enumerate(rows):
        lat, lon = point or (None, None)
        m = index.reconcile(name, country=country, lat=lat, lon=lon, kind="city")
        expected = [m.iri.value.removeprefix("https://w3id.org/dckg/id/")] if m.matched else []
        assert matched(found[f"q{i}"]) == expected, name
        agreed += bool(expected)
    assert agreed >= 5  # most of these are matches, the rest are not: both are checked


@pytest.mark.parametrize(
    ("queries", "field", "words"),
    [
        ("{not json", "queries", "not JSON"),
        ('["Lyon"]', "queries", "JSON object"),
        ('{"q0": "Lyon"}', "queries.q0", "JSON object"),
        ('{"q0": {"query": ""}}', "queries.q0.query", "give a name"),
        ('{"q0": {"query": "Lyon", "colour": 1}}', "queries.q0.colour", "unknown member"),
        ('{"q0": {"query": "Lyon", "limit": 0}}', "queries.q0.limit", "between 1"),
        ('{"q0": {"query": "Lyon", "type": "Planet"}}', "queries.q0.type", "unknown type"),
        (
            '{"q0": {"query": "Lyon", "properties": [{"pid": "mayor", "v": "x"}]}}',
            "queries.q0.properties[0].pid",
            "unknown property",
        ),
        (
            '{"q0": {"query": "Lyon", "properties": [{"pid": "country", "v": "Atlantis"}]}}',
            "queries.q0.properties[0].v",
            "Atlantis",
        ),
        (
            '{"q0": {"query": "Lyon", "properties": [{"pid": "coordinates", "v": "45.7"}]}}',
            "queries.q0.properties[0].v",
            "lat,lon",
        ),
        (
            '{"q0": {"query": "Lyon", "properties": [{"pid": "coordinates", "v": "95,4"}]}}',
            "queries.q0.properties[0].v",
            "out of range",
        ),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    http: httpx.Client, queries: str, field: str, words: str
) -> None:
    response = http.post("/reconcile", data={"queries": queries})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["field"] == field and words in body["message"], body


def test_a_body_of_another_type_is_refused(http: httpx.Client) -> None:
    response = http.post("/reconcile", content=b"queries", headers={"Content-Type": "text/csv"})
    assert response.status_code == 400 and response.json()["field"] == "Content-Type"


# -- suggest and preview -------------------------------------------------------------------------


def test_suggest_services_answer_per_the_schemas(http: httpx.Client) -> None:
    entities = valid(
        "suggest-entities-response.json",
        http.get("/reconcile/suggest/entity", params={"prefix": "Ouagad"}).json(),
    )
    assert entities["result"][0]["id"] == "city/geonames-2357048"
    typed = http.get("/reconcile/suggest/entity", params={"prefix": "fra", "type": "Country"})
    assert [r["id"] for r in valid("suggest-entities-response.json", typed.json())["result"]] == [
        "country/FRA"
    ]
    types = valid(
        "suggest-types-response.json",
        http.get("/reconcile/suggest/type", params={"prefix": "ci"}).json(),
    )
    assert [t["id"] for t in types["result"]] == ["City", "CityNetwork"]
    props = valid(
        "suggest-properties-response.json",
        http.get("/reconcile/suggest/property", params={"prefix": "co"}).json(),
    )
    assert {p["id"] for p in props["result"]} == {"country", "coordinates"}


def test_the_services_are_in_the_openapi_schema(http: httpx.Client) -> None:
    paths = http.get("/openapi.json").json()["paths"]
    assert {"get", "post"} <= set(paths["/reconcile"])
    for path in ("/reconcile/preview", "/reconcile/suggest/entity", "/search"):
        assert "get" in paths[path]


def test_preview_of_an_unknown_id_is_refused(http: httpx.Client) -> None:
    response = http.get("/reconcile/preview", params={"id": "city/no-such-place"})
    assert response.status_code == 400 and response.json()["field"] == "id"


@pytest.mark.parametrize("bad", ["a b", "city/x y", "https://w3id.org/dckg/id/city/<x>"])
def test_preview_of_an_id_that_is_no_iri_is_a_400_naming_it(http: httpx.Client, bad: str) -> None:
    response = http.get("/reconcile/preview", params={"id": bad})
    assert response.status_code == 400, response.text
    assert response.json()["field"] == "id" and repr(bad) in response.json()["message"]


DEEP = "[" * 50_000  # unclosed: the parser recurses before it finds the end


@pytest.mark.parametrize(
    ("how", "field"),
    [("json", "body"), ("wrapped", "queries"), ("form", "queries"), ("get", "queries")],
)
def test_json_nested_too_deep_is_a_400_naming_the_field(
    http: httpx.Client, how: str, field: str
) -> None:
    if how == "json":
        response = http.post(
            "/reconcile", content=DEEP, headers={"Content-Type": "application/json"}
        )
    elif how == "wrapped":
        response = http.post("/reconcile", json={"queries": DEEP})
    elif how == "form":
        response = http.post("/reconcile", data={"queries": DEEP[:20_000]})  # %5B: 3 bytes
    else:
        response = http.get("/reconcile", params={"queries": "[" * 3000})
    assert response.status_code == 400, response.text
    body = response.json()
    assert body["field"] == field and "nested more than 64 levels" in body["message"], body


# -- entity search ---------------------------------------------------------------------------------


def search(http: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    response = http.get("/search", params=params)
    assert response.status_code == 200, response.text
    return response.json()["results"]


def test_search_ignores_accents_and_ranks_by_population(http: httpx.Client) -> None:
    assert search(http, q="lodz")[0]["label"] == "Łódź"
    prefix = search(http, q="Par", type="city", limit=5)
    assert prefix[0]["label"] == "Paris" and len(prefix) == 5
    populations = [r["population"] or 0 for r in prefix]
    assert populations == sorted(populations, reverse=True)
    assert all(r["how"] == "prefix" and r["types"][0] == "City" for r in prefix)
    lyon = search(http, q="lyon", limit=1)[0]
    assert lyon["path"] == LYON and lyon["url"].endswith(f"/id/{LYON}")
    assert lyon["degree"] > 0 and lyon["country"] == "FR"


def test_search_finds_names_in_other_languages_and_misspelt(http: httpx.Client) -> None:
    french = search(http, q="Instrument de financement de la cooperation au developpement")
    assert french[0]["path"] == "instrument/dci" and french[0]["language"] == "fr"
    assert french[0]["label"] == "Development Cooperation Instrument"
    fuzzy = search(http, q="Ouagadougu", limit=3)
    assert fuzzy[0]["label"] == "Ouagadougou" and fuzzy[0]["how"] == "fuzzy"


def test_search_filters_by_type_and_country(http: httpx.Client) -> None:
    networks = search(http, q="covenant", type="city network")
    assert networks and all("CityNetwork" in r["types"] for r in networks)
    assert networks[0]["path"] == "network/covenant-of-mayors"  # the most members first
    german = search(http, q="Frankfurt", country="DE")
    assert german and all(r["country"] == "DE" for r in german)
    response = http.get("/search", params={"q": "Lyon", "type": "planet"})
    assert response.status_code == 400 and response.json()["field"] == "type"
    assert http.get("/search", params={"q": "Lyon", "limit": 0}).status_code == 400


# -- a real client ------------------------------------------------------------------------


# The client library's own code calls DataFrame.drop(inplace=True), deprecated by pandas.
@pytest.mark.filterwarnings("ignore:The inplace keyword")
def test_the_reconciler_client_library_reconciles_a_dataframe(api) -> None:
    import pandas as pd
    from reconciler import reconcile

    frame = pd.DataFrame({"city": ["Lyon", "Łódź", "Springfield"], "country": ["FR", "PL", "US"]})
    answer = reconcile(
        frame["city"],
        type_id="City",
        property_mapping={"country": frame["country"]},
        reconciliation_endpoint=f"{api.url}/reconcile",
    )
    by_name = {row.input_value: row for row in answer.itertuples()}
    assert by_name["Lyon"].id == LYON and bool(by_name["Lyon"].match)
    assert by_name["Łódź"].id == "city/geonames-3093133" and bool(by_name["Łódź"].match)
    assert not bool(by_name["Springfield"].match)


def test_regions_and_networks_are_reconciled_among_the_graphs_own(
    http: httpx.Client, reference_store: Store
) -> None:
    rows = reference_store.query(
        "SELECT ?r ?label WHERE { ?r a dckg:Region ; rdfs:label ?label } ORDER BY ?r LIMIT 1"
    )
    region, label = next((row["r"].value, row["label"].value) for row in rows)
    batch = {
        "r": {"query": label, "type": "region"},
        "n": {"query": "Covenant of Mayors - Europe", "type": "CityNetwork"},
    }
    found = results(openrefine(http, batch))
    m = reconciler_for(reference_store).reconcile(label, kind="region")
    path = region.removeprefix("https://w3id.org/dckg/id/")
    assert matched(found["r"]) == ([path] if m.matched else [])
    assert path in [c["id"] for c in found["r"]]
    assert found["r"][0]["type"][0] == {"id": "Region", "name": "region"}
    assert matched(found["n"]) == ["network/covenant-of-mayors"]
