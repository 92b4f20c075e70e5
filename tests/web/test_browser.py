"""The pages in a real browser: Debian's headless Chromium, driven over DevTools.

Skipped only when no Chromium is installed (the skip says so); CI installs it.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
from pyoxigraph import QuerySolutions
from web_browser import CHROMIUM, Browser, needs_chromium

from dckg.queries import load_library
from dckg.store import Store

pytestmark = needs_chromium


@pytest.fixture(scope="module")
def chromium() -> Iterator[Browser]:
    assert CHROMIUM is not None
    b = Browser(CHROMIUM)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def browser(chromium: Browser) -> Browser:
    """The module's browser, with nothing recorded yet."""
    chromium.reset()
    return chromium


def run_in_editor(browser: Browser, base_url: str) -> list[str]:
    """Press the editor's run button, wait for this run's answer and table; its header."""
    before = len([r for r in browser.responses if r[0] == base_url + "/sparql"])
    browser.evaluate("document.querySelector('.yasqe_queryButton').click()")
    for _ in range(600):
        answers = [r for r in browser.responses if r[0] == base_url + "/sparql"]
        if len(answers) > before:
            break
        browser.pump(0.1)
    else:
        raise AssertionError("the editor sent no query")
    assert answers[-1][1] == 200, browser.body(answers[-1][3])
    assert "sparql-results+json" in answers[-1][2]
    browser.wait_for(
        "document.querySelector('.yasr .dataTable tbody tr') !== null"
        " && !document.querySelector('.yasr .dataTable tbody td.dt-empty')",
        timeout=30,
    )
    return browser.evaluate(
        "[...document.querySelectorAll('.yasr .dataTable thead th')]"
        ".map(th => th.innerText.trim()).filter(t => t)"
    )


@pytest.fixture(scope="module")
def shots() -> Iterator[Path]:
    """Where screenshots go: DCKG_SCREENSHOTS if set, else a temporary folder."""
    wanted = os.environ.get("DCKG_SCREENSHOTS")
    if wanted:
        Path(wanted).mkdir(parents=True, exist_ok=True)
        yield Path(wanted)
        return
    with tempfile.TemporaryDirectory(prefix="dckg-shots-") as folder:
        yield Path(folder)


def only_this_server(browser: Browser, base_url: str) -> None:
    """Nothing was asked of any other host, and no script failed."""
    elsewhere = [u for u in browser.requests if not u.startswith((base_url + "/", "data:"))]
    assert elsewhere == []
    assert browser.exceptions == []
    errors = [text for level, text in browser.console if level == "error"]
    assert errors == []


def runnable_example(store: Store, examples: list[dict[str, str]]) -> tuple[str, int]:
    """A named query that returns a few rows as it stands (no parameter given), and how many."""
    for example in examples:
        result = store.query(example["text"])
        if isinstance(result, QuerySolutions):
            rows = len(list(result))
            if 0 < rows <= 100:
                return example["name"], rows
    raise AssertionError("no named query returns 1 to 100 rows without parameters")


def test_editor_runs_an_example_query(
    browser: Browser, base_url: str, web_store: Store, shots: Path
) -> None:
    browser.open(base_url + "/")
    browser.wait_for("document.querySelector('#yasgui .CodeMirror') !== null")
    config = json.loads(browser.evaluate("document.getElementById('dckg-config').textContent"))
    name, expected_rows = runnable_example(web_store, config["examples"])

    # Choose the example in the menu, as a person would, and run it.
    browser.evaluate(
        f"""(() => {{
          const select = document.getElementById('example');
          select.value = {json.dumps(name)};
          select.dispatchEvent(new Event('change'));
        }})()"""
    )
    shown = browser.evaluate("window.dckgYasgui.getTab().getQuery()")
    assert shown == next(e["text"] for e in config["examples"] if e["name"] == name)
    result = web_store.query(shown)
    assert isinstance(result, QuerySolutions)
    assert run_in_editor(browser, base_url) == [v.value for v in result.variables]
    rows = browser.evaluate("document.querySelectorAll('.yasr .dataTable tbody tr').length")
    info = browser.evaluate("document.querySelector('.yasr .dt-info').textContent")
    total = int(re.findall(r"of ([0-9,]+)", info)[-1].replace(",", ""))
    assert total == expected_rows and 0 < rows <= total
    browser.evaluate("window.scrollTo(0, 0)")
    browser.screenshot(shots / "index.png", full_page=False)
    browser.screenshot(shots / "index-full.png")
    only_this_server(browser, base_url)


PARTNERS = """PREFIX dckg: <https://w3id.org/dckg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?city ?label WHERE {
  GRAPH <https://w3id.org/dckg/graph/contribution/web-test> { ?p dckg:partner ?city }
  ?city rdfs:label ?label
} ORDER BY ?label"""


def test_editor_runs_a_query_on_this_server(
    browser: Browser, base_url: str, web_store: Store
) -> None:
    browser.open(base_url + "/")
    browser.wait_for("document.querySelector('#yasgui .CodeMirror') !== null")
    browser.evaluate(f"void window.dckgYasgui.getTab().setQuery({json.dumps(PARTNERS)})")
    assert run_in_editor(browser, base_url) == ["city", "label"]
    cells = browser.evaluate(
        "[...document.querySelectorAll('.yasr .dataTable tbody tr')]"
        ".map(tr => [...tr.querySelectorAll('td')].slice(-2).map(td => td.innerText.trim()))"
    )
    expected = [[f"<{row['city'].value}>", row["label"].value] for row in web_store.query(PARTNERS)]
    assert cells == expected
    # IRIs of the graph open their page here, not at w3id.org.
    href = browser.evaluate(
        """(() => {
          const link = document.querySelector('.yasr .dataTable tbody a[href*="/dckg/id/"]');
          link.dispatchEvent(new MouseEvent('mouseover', {bubbles: true}));
          return link.getAttribute('href');
        })()"""
    )
    assert href == "/id/city/geonames-276781"
    only_this_server(browser, base_url)


def test_named_query_form_submits_to_the_api(
    browser: Browser, base_url: str, web_store: Store
) -> None:

    # A query with parameters that answers rows when each required one gets its example.
    named, raw = next(
        (q, raw)
        for q in load_library().values()
        if q.params
        and all(p.example or not p.required for p in q.params)
        and (raw := {p.name: str(p.example) for p in q.params if p.required})
        and 0 < len(list(q.run(web_store, raw))) <= 1000
    )
    browser.open(base_url + "/")
    browser.responses.clear()
    browser.evaluate(
        f"""(() => {{
          const form = document.getElementById({json.dumps("query-" + named.name)});
          const raw = {json.dumps(raw)};
          for (const [name, value] of Object.entries(raw)) {{
            form.querySelector(`input[name="${{name}}"]`).value = value;
          }}
          form.querySelector('select[name=format]').value = 'json';
          form.querySelector('button[type=submit]').click();
        }})()"""
    )
    target = f"{base_url}/queries/{named.name}?"
    for _ in range(300):
        answers = [r for r in browser.responses if r[0].startswith(target)]
        if answers:
            break
        browser.pump(0.1)
    url, status, _, request_id = answers[0]
    assert status == 200, browser.body(request_id)
    # Empty fields were left out: sent are the values given, the defaults the form
    # showed, and the format.
    sent = dict(parse_qsl(urlsplit(url).query))
    defaults = {
        p.name
        for p in named.params
        if p.default is not None and (p.type != "boolean" or p.default.lower() == "true")
    }
    assert set(sent) == {*raw, *defaults, "format"} and sent.pop("format") == "json"
    got = json.loads(browser.body(request_id))
    expected = named.run(web_store, sent)
    assert len(got["results"]["bindings"]) == len(list(expected))


def test_city_page_with_its_map(browser: Browser, base_url: str, shots: Path) -> None:
    browser.open(base_url + "/id/city/geonames-2996944")
    assert browser.evaluate("document.querySelector('h1').textContent") == "Lyon"
    box = browser.evaluate(
        "(() => { const r = document.querySelector('svg.map').getBoundingClientRect();"
        " return [r.width, r.height]; })()"
    )
    assert box[0] > 300 and abs(box[0] / box[1] - 2) < 0.05
    own = browser.evaluate(
        "(() => { const r = document.querySelector('svg.map circle.own').getBoundingClientRect();"
        " return r.width; })()"
    )
    assert own > 2
    assert base_url + "/static/world.svg" in browser.requests
    browser.screenshot(shots / "city.png", full_page=False)
    only_this_server(browser, base_url)


def test_hostile_page_runs_no_script(browser: Browser, base_url: str, shots: Path) -> None:
    browser.open(base_url + "/id/gg-project/hostile")
    assert browser.evaluate("document.querySelectorAll('script, img, svg[onload]').length") == 0
    assert browser.evaluate("document.querySelector('h1').textContent") == (
        "<script>alert('label')</script>"
    )
    browser.screenshot(shots / "hostile.png")


def test_the_editor_accepts_a_cut_answer(browser: Browser, web_store: Store) -> None:
    """The editor asks with truncate=true: past the row cap it shows the first rows, where a
    plain protocol request (a federating engine's) gets them all."""
    import httpx
    from tests.web.conftest import serve

    from dckg.api import create_app
    from dckg.sparql.settings import Settings

    query = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 20"
    settings = Settings(store="memory", query_timeout=20.0, query_workers=2, max_results=3)
    with serve(create_app(settings, store=web_store)) as url:
        plain = httpx.post(url + "/sparql", data={"query": query})
        assert len(plain.json()["results"]["bindings"]) == 20
        browser.open(url + "/")
        browser.wait_for("document.querySelector('#yasgui .CodeMirror') !== null")
        browser.evaluate(f"void window.dckgYasgui.getTab().setQuery({json.dumps(query)})")
        assert run_in_editor(browser, url) == ["s"]
        rows = browser.evaluate("document.querySelectorAll('.yasr .dataTable tbody tr').length")
        assert rows == 3
