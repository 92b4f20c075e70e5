"""Shared links: a browser opening ``/queries/NAME?…``, ``/sparql?query=…`` or
``/search?q=…`` gets a page; every other client gets the data, as the protocol says.

The content negotiation is checked over HTTP on a real server; what the page makes of a
shared link (the query run, bars named by their labels) in headless Chromium, skipped only
when no Chromium is installed (the skip says so).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest
from tests.web.test_browser import only_this_server
from tests.web.test_browser import shots as shots  # the screenshots fixture
from web_browser import Browser, find_chromium, needs_chromium

from dckg.queries import load_library
from dckg.store import Store

#: What Chromium sends when a link is opened.
BROWSER = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
#: The panel of the editor's tab on show.
ACTIVE = "document.getElementById(window.dckgYasgui.getTab().getId())"
CITIES = "SELECT ?city WHERE { ?city a <https://w3id.org/dckg/ontology#City> } LIMIT 3"


def shared_config(html: str) -> dict[str, object]:
    """The ``shared`` entry of the page's JSON configuration."""
    match = re.search(
        r'<script type="application/json" id="dckg-config">(.*?)</script>', html, re.S
    )
    assert match is not None
    return json.loads(match.group(1))["shared"]


# -- content negotiation ---------------------------------------------------------------


def test_a_named_query_link_gives_browsers_the_page_with_the_query_to_run(
    client: httpx.Client,
) -> None:
    r = client.get(
        "/queries/partnerships-by-country?kind=dckg:Twinning", headers={"Accept": BROWSER}
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "Accept" in r.headers["vary"]
    assert shared_config(r.text) == {
        "kind": "named",
        "name": "partnerships-by-country",
        "params": [["kind", "dckg:Twinning"]],
    }
    assert 'id="query-partnerships-by-country"' in r.text


@pytest.mark.parametrize(
    ("accept", "media"),
    [
        (None, "application/sparql-results+json"),
        ("*/*", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("application/sparql-results+json, text/html;q=0.5", "application/sparql-results+json"),
    ],
)
def test_a_named_query_link_gives_clients_the_results(
    client: httpx.Client, accept: str | None, media: str
) -> None:
    target = "/queries/partnerships-by-country"
    if accept is None:  # no Accept header at all (httpx sends */* unless told otherwise)
        r = client.send(_without_accept(client, target))
    else:
        r = client.get(target, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media
    assert "<html" not in r.text


def test_format_asks_for_data_even_from_a_browser(client: httpx.Client) -> None:
    r = client.get("/queries/partnerships-by-country?format=csv", headers={"Accept": BROWSER})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/csv")
    r = client.get(
        "/sparql", params={"query": CITIES, "format": "json"}, headers={"Accept": BROWSER}
    )
    assert r.headers["content-type"].startswith("application/sparql-results+json")


def test_a_sparql_link_gives_browsers_the_editor_with_the_query(client: httpx.Client) -> None:
    graph = "https://w3id.org/dckg/graph/contribution/web-test"
    r = client.get(
        "/sparql", params={"query": CITIES, "default-graph-uri": graph}, headers={"Accept": BROWSER}
    )
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert shared_config(r.text) == {
        "kind": "sparql",
        "query": CITIES,
        "defaultGraphs": [graph],
        "namedGraphs": [],
    }


@pytest.mark.parametrize("accept", [None, "*/*", "application/sparql-results+xml"])
def test_a_sparql_link_gives_clients_the_protocol_answer(
    client: httpx.Client, accept: str | None
) -> None:
    target = "/sparql?" + urlencode({"query": CITIES})
    if accept is None:
        r = client.send(_without_accept(client, target))
        expected = "application/sparql-results+json"
    else:
        r = client.get(target, headers={"Accept": accept})
        expected = "application/sparql-results+json" if accept == "*/*" else accept
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == expected
    assert "<html" not in r.text


def test_search_gives_browsers_a_page_and_clients_json(client: httpx.Client) -> None:
    page = client.get("/search", params={"q": "Lyon"}, headers={"Accept": BROWSER})
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<a href="/id/city/geonames-2996944">Lyon</a>' in page.text
    assert 'value="Lyon"' in page.text  # the search box keeps the words
    for headers in ({"Accept": "application/json"}, {"Accept": "*/*"}):
        data = client.get("/search", params={"q": "Lyon"}, headers=headers)
        assert data.headers["content-type"].startswith("application/json")
        assert data.json()["results"][0]["path"] == "city/geonames-2996944"
    bare = client.send(_without_accept(client, "/search?q=Lyon"))
    assert bare.headers["content-type"].startswith("application/json")
    nothing = client.get("/search", params={"q": "Zzyzxqwv"}, headers={"Accept": BROWSER})
    assert "Nothing of that name" in nothing.text


def test_search_page_escapes_what_it_is_given(client: httpx.Client) -> None:
    r = client.get("/search", params={"q": "<script>x</script>"}, headers={"Accept": BROWSER})
    assert r.status_code == 200
    assert "<script>x</script>" not in r.text
    assert "&lt;script&gt;x&lt;/script&gt;" in r.text


# -- a shared link with a parameter missing or wrong -------------------------------------


def form_value(html: str, query: str, name: str) -> str | None:
    """The value the page's form of ``query`` has for the input ``name`` (None: none)."""
    form = html[html.index(f'<form class="query" id="query-{query}"') :]
    form = form[: form.index("</form>")]
    match = re.search(rf'<input [^>]*name="{re.escape(name)}"[^>]*>', form)
    assert match is not None, f"no input {name!r} in the form of {query}"
    value = re.search(r' value="([^"]*)"', match.group(0))
    return value.group(1) if value else None


@pytest.mark.parametrize(
    ("target", "said", "given"),
    [
        # a required parameter missing (FastAPI's check, the library's message)
        ("/queries/city-partners", "parameter 'city' is required", {}),
        # a value not of its type (FastAPI's check)
        (
            "/queries/most-connected-cities?country=country/FRA&min_partners=many",
            "min_partners",
            {"country": "country/FRA", "min_partners": "many"},
        ),
        # a parameter the query does not have (the library's check)
        (
            "/queries/partnerships-by-country?kind=dckg:Twinning&contry=FR",
            "has no parameter 'contry'",
            {"kind": "dckg:Twinning"},
        ),
        # an IRI that is not one (the library's check)
        ("/queries/partnerships-by-country?region=not%20an%20iri", "region", {}),
        # paging that cannot be
        ("/queries/partnerships-by-country?limit=0", "limit must be", {}),
    ],
)
def test_a_wrong_named_query_link_gives_browsers_the_form_to_fix_with_400(
    client: httpx.Client, target: str, said: str, given: dict[str, str]
) -> None:
    page = client.get(target, headers={"Accept": BROWSER})
    assert page.status_code == 400
    assert page.headers["content-type"].startswith("text/html")
    assert "Accept" in page.headers["vary"]
    name = target.split("?")[0].rsplit("/", 1)[1]
    config = shared_config(page.text)
    assert config["kind"] == "named" and config["name"] == name
    assert said in config["error"]
    # the error is on the page itself, at the top and beside the form, not only for scripts
    assert 'class="error shared-error" role="alert"' in page.text
    panel = page.text[page.text.index(f'id="results-{name}"') :]
    assert panel[: panel.index("</section>")].count(said.replace("'", "&#39;")) == 1
    for parameter, value in given.items():
        assert form_value(page.text, name, parameter) == value
    # any other client gets the 400 it got before: the message, as text or JSON
    text = client.get(target, headers={"Accept": "*/*"})
    assert text.status_code == 400
    assert text.headers["content-type"].startswith("text/plain")
    assert "<html" not in text.text
    data = client.get(target, headers={"Accept": "application/json"})
    assert data.status_code == 400
    assert data.json()["error"] == "UsageError" and data.json()["message"] == text.text.strip()


def test_a_wrong_link_page_escapes_what_it_is_given(client: httpx.Client) -> None:
    target = "/queries/partnerships-by-country?" + urlencode({"<script>x</script>": "1"})
    page = client.get(target, headers={"Accept": BROWSER})
    assert page.status_code == 400
    assert "<script>x</script>" not in page.text
    assert "&lt;script&gt;x&lt;/script&gt;" in page.text


def test_a_right_link_fills_the_form_on_the_page_itself(client: httpx.Client) -> None:
    page = client.get(
        "/queries/partnerships-by-country?kind=dckg:Twinning", headers={"Accept": BROWSER}
    )
    assert page.status_code == 200
    assert form_value(page.text, "partnerships-by-country", "kind") == "dckg:Twinning"
    assert form_value(page.text, "partnerships-by-country", "region") is None
    assert "shared-error" not in page.text and "error" not in shared_config(page.text)


def test_a_sparql_link_with_a_syntax_error_gives_browsers_the_editor_to_fix_it(
    client: httpx.Client,
) -> None:
    broken = "SELECT ?city WHERE { ?city a }"
    page = client.get("/sparql", params={"query": broken}, headers={"Accept": BROWSER})
    assert page.headers["content-type"].startswith("text/html")
    assert shared_config(page.text)["query"] == broken  # in the editor, run there
    answer = client.get("/sparql", params={"query": broken}, headers={"Accept": "*/*"})
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/plain")


def _without_accept(client: httpx.Client, target: str) -> httpx.Request:
    request = client.build_request("GET", target)
    del request.headers["accept"]
    return request


# -- in a browser ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(base_url: str) -> Iterator[Browser]:
    chromium = find_chromium()
    assert chromium is not None
    b = Browser(chromium)
    try:
        yield b
    finally:
        b.close()


@needs_chromium
def test_a_shared_named_query_link_opens_as_a_page_with_named_bars(
    browser: Browser, base_url: str, web_store: Store, shots: Path
) -> None:
    expected = list(load_library()["partnerships-by-country"].run(web_store, {}))
    labelled = [row for row in expected if row["countryLabel"] is not None]
    assert len(expected) >= 2 and labelled  # the fixture has labelled countries
    browser.reset()
    browser.open(base_url + "/queries/partnerships-by-country")
    browser.wait_for(
        "document.querySelector('#results-partnerships-by-country figure.chart') !== null"
    )
    labels = browser.evaluate(
        "[...document.querySelectorAll('#results-partnerships-by-country .bar-label')]"
        ".map(l => l.textContent)"
    )
    names = [
        row["countryLabel"].value if row["countryLabel"] is not None else row["country"].value
        for row in expected[:30]
    ]
    assert [n.rsplit("/", 1)[-1] for n in names] == [n.rsplit("/", 1)[-1] for n in labels]
    shown = [row["countryLabel"].value for row in expected[:30] if row["countryLabel"] is not None]
    assert shown and set(shown) <= set(labels)
    assert not any(label.startswith(("country/", "http")) for label in labels)
    # each bar links to the country's page here
    links = browser.evaluate(
        "[...document.querySelectorAll('#results-partnerships-by-country .bar-label a')]"
        ".map(a => a.getAttribute('href'))"
    )
    assert links and all(link.startswith("/id/country/") for link in links)
    rows = browser.evaluate(
        "document.querySelectorAll('#results-partnerships-by-country table.results tbody tr')"
        ".length"
    )
    assert rows == len(expected)
    # the link to these results is the shared link again
    permalink = browser.evaluate(
        "document.querySelector('#results-partnerships-by-country a.permalink')"
        ".getAttribute('href')"
    )
    assert permalink == "/queries/partnerships-by-country"
    browser.screenshot(shots / "shared-named-query.png")
    only_this_server(browser, base_url)


@needs_chromium
def test_a_shared_link_with_parameters_fills_the_form(
    browser: Browser, base_url: str, web_store: Store
) -> None:
    params = {"kind": "dckg:Twinning"}
    expected = list(load_library()["partnerships-by-country"].run(web_store, params))
    browser.reset()
    browser.open(base_url + "/queries/partnerships-by-country?" + urlencode(params))
    browser.wait_for(
        "document.querySelector('#results-partnerships-by-country table.results, "
        "#results-partnerships-by-country .result-info') !== null && "
        "!document.querySelector('#results-partnerships-by-country .result-info')"
        ".textContent.startsWith('Running')"
    )
    value = browser.evaluate(
        "document.querySelector('#query-partnerships-by-country input[name=kind]').value"
    )
    assert value == "dckg:Twinning"
    rows = browser.evaluate(
        "document.querySelectorAll('#results-partnerships-by-country table.results tbody tr')"
        ".length"
    )
    assert rows == len(expected)
    only_this_server(browser, base_url)


@needs_chromium
def test_a_shared_sparql_link_opens_the_editor_and_runs_the_query(
    browser: Browser, base_url: str, shots: Path
) -> None:
    browser.reset()
    browser.open(base_url + "/sparql?" + urlencode({"query": CITIES}))
    browser.wait_for(
        "window.dckgYasgui && window.dckgYasgui.getTab().getQuery().includes('LIMIT 3')"
    )
    # YASR shows the three cities the endpoint answered
    browser.wait_for(f"{ACTIVE}.querySelectorAll('.yasr table tbody tr').length === 3", timeout=30)
    posted = [u for u in browser.requests if u.startswith(base_url + "/sparql")]
    assert posted  # the query ran on this server's endpoint
    browser.screenshot(shots / "shared-sparql.png", full_page=False)
    only_this_server(browser, base_url)


@needs_chromium
def test_a_shared_sparql_link_keeps_its_dataset(
    browser: Browser, base_url: str, web_store: Store
) -> None:
    from tests.web.conftest import TEST_GRAPH

    expected = web_store.count(TEST_GRAPH)
    assert 0 < expected < web_store.count()  # the dataset makes a difference
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    browser.reset()
    browser.open(
        base_url + "/sparql?" + urlencode({"query": count, "default-graph-uri": TEST_GRAPH.value})
    )
    shown = browser.wait_for(
        f"(() => {{ const td = {ACTIVE}.querySelector('.yasr table tbody tr td:last-child');"
        " return td && td.textContent; })()",
        timeout=30,
    )
    assert str(expected) in shown.replace(",", "")
    only_this_server(browser, base_url)


@needs_chromium
def test_a_wrong_shared_link_opens_the_form_filled_in_with_the_error(
    browser: Browser, base_url: str
) -> None:
    params = {"kind": "dckg:Twinning", "contry": "FR"}
    browser.reset()
    browser.open(base_url + "/queries/partnerships-by-country?" + urlencode(params))
    panel = "#results-partnerships-by-country"
    shown = browser.wait_for(f"document.querySelector('{panel} p.error').textContent")
    assert "has no parameter 'contry'" in shown
    value = browser.evaluate(
        "document.querySelector('#query-partnerships-by-country input[name=kind]').value"
    )
    assert value == "dckg:Twinning"
    # not run: the page asked the server for no answer
    assert not [u for u in browser.requests if "/queries/" in u and u != browser.requests[0]]
    only_this_server_and_one_400(browser, base_url)  # the page's own 400


@needs_chromium
def test_a_shared_sparql_link_with_a_syntax_error_shows_the_error_in_the_editor(
    browser: Browser, base_url: str, client: httpx.Client
) -> None:
    broken = "SELECT ?city WHERE { ?city a }"
    message = client.get("/sparql", params={"query": broken}, headers={"Accept": "*/*"}).text
    browser.reset()
    browser.open(base_url + "/sparql?" + urlencode({"query": broken}))
    shown = browser.wait_for(
        f"(() => {{ const e = {ACTIVE}.querySelector('.yasr .errorResult');"
        " return e && e.textContent; })()",
        timeout=30,
    )
    assert message.strip().splitlines()[0] in shown  # the endpoint's own words
    assert browser.evaluate("window.dckgYasgui.getTab().getQuery()") == broken
    only_this_server_and_one_400(browser, base_url)  # the endpoint's answer to the query


def only_this_server_and_one_400(browser: Browser, base_url: str) -> None:
    """Nothing asked of any other host, no script failed, and the one failed load the
    console notes is the 400 the test expects."""
    assert all(u.startswith((base_url + "/", "data:")) for u in browser.requests)
    assert browser.exceptions == []
    errors = [text for level, text in browser.console if level == "error"]
    assert errors == [
        "Failed to load resource: the server responded with a status of 400 (Bad Request)"
    ]
