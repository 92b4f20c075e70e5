"""Answers of the named-query forms shown on the page, in headless Chromium: a table with
links and plain values, a bar chart for an aggregate, a map for coordinates, downloads,
and a sentence when nothing matches.

Skipped only when no Chromium is installed (the skip says so); CI installs it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.web.test_browser import only_this_server
from tests.web.test_browser import shots as shots  # the screenshots fixture
from web_browser import Browser, find_chromium

from dckg.queries import load_library
from dckg.store import Store

CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed (apt-get install chromium): browser tests not run",
)


@pytest.fixture(scope="module")
def page(base_url: str) -> Iterator[Browser]:
    """The front page, open in one browser for the module."""
    assert CHROMIUM is not None
    browser = Browser(CHROMIUM)
    try:
        browser.open(base_url + "/")
        yield browser
    finally:
        browser.close()


def run_form(page: Browser, name: str, values: dict[str, str]) -> None:
    """Fill a named query's form, ask for the answer on the page, wait for it."""
    page.evaluate(
        f"""(() => {{
          const form = document.getElementById({json.dumps("query-" + name)});
          const values = {json.dumps(values)};
          for (const [k, v] of Object.entries(values)) {{
            form.querySelector(`input[name="${{k}}"]`).value = v;
          }}
          const old = document.getElementById({json.dumps("results-" + name)});
          if (old) old.remove();
          form.querySelector('select[name=format]').value = 'page';
          form.querySelector('button[type=submit]').click();
        }})()"""
    )
    page.wait_for(
        f"(() => {{ const p = document.getElementById({json.dumps('results-' + name)});"
        " return p && p.querySelector('h3') !== null; })()",
        timeout=30,
    )


def panel(page: Browser, name: str, expression: str) -> object:
    return page.evaluate(
        f"(() => {{ const p = document.getElementById({json.dumps('results-' + name)});"
        f" return {expression}; }})()"
    )


def test_an_aggregate_shows_a_table_and_a_bar_chart(
    page: Browser, base_url: str, web_store: Store, shots: Path
) -> None:
    query = load_library()["distance-bands"]
    expected = list(query.run(web_store, {}))
    assert len(expected) >= 2
    run_form(page, "distance-bands", {})
    rows = panel(page, "distance-bands", "p.querySelectorAll('table.results tbody tr').length")
    assert rows == len(expected)
    assert panel(page, "distance-bands", "p.querySelector('.result-info').textContent") == (
        f"{len(expected)} rows"
    )
    bars = panel(page, "distance-bands", "p.querySelectorAll('figure.chart .bar-row').length")
    assert bars == len(expected)
    widths = panel(
        page,
        "distance-bands",
        "[...p.querySelectorAll('figure.chart .bar')].map(b => b.getBoundingClientRect().width)",
    )
    assert max(widths) > 100 and min(widths) >= 0  # drawn, scaled to the largest
    # numbers without datatype noise
    cells = panel(page, "distance-bands", "p.querySelector('table.results tbody').textContent")
    assert "XMLSchema" not in cells and "^^" not in cells
    # the downloads are the API's own answers
    links = panel(
        page,
        "distance-bands",
        "[...p.querySelectorAll('.downloads a')].map(a => a.getAttribute('href'))",
    )
    assert len(links) == 2
    csv = httpx.get(base_url + links[0], timeout=30)
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert len(csv.text.strip().splitlines()) == len(expected) + 1
    assert json.loads(httpx.get(base_url + links[1], timeout=30).text)["head"]["vars"]
    page.screenshot(shots / "results-chart.png")
    only_this_server(page, base_url)


def test_coordinates_show_a_map_and_iris_link_to_their_pages(
    page: Browser, base_url: str, shots: Path
) -> None:
    run_form(page, "city-profile", {"city": "city/geonames-2996944"})
    assert panel(page, "city-profile", "p.querySelectorAll('svg.map circle').length") == 1
    link = panel(page, "city-profile", "p.querySelector('svg.map a').getAttribute('href')")
    assert link == "/id/city/geonames-2996944"
    hrefs = panel(
        page,
        "city-profile",
        "[...p.querySelectorAll('table.results a')].map(a => a.getAttribute('href'))",
    )
    assert "/id/city/geonames-2996944" in hrefs
    cells = panel(
        page,
        "city-profile",
        "[...p.querySelectorAll('table.results td')].map(td => td.textContent)",
    )
    assert "Lyon" in cells  # a label without its language tag
    assert base_url + "/static/world.svg" in page.requests
    assert panel(page, "city-profile", "p.querySelector('figure.chart')") is None
    page.screenshot(shots / "results-map.png")
    only_this_server(page, base_url)


def test_no_rows_is_said_in_words_with_a_pointer_to_what_the_graph_covers(
    page: Browser, web_store: Store
) -> None:
    # a city no GeoNames id names: the query has nothing to list
    nowhere = {"city": "city/geonames-1"}
    assert list(load_library()["city-partners"].run(web_store, nowhere)) == []
    run_form(page, "city-partners", nowhere)
    info = panel(page, "city-partners", "p.querySelector('.result-info').textContent")
    assert info.startswith("No rows: the graph holds nothing that matches these parameters.")
    target = panel(page, "city-partners", "p.querySelector('.result-info a').getAttribute('href')")
    assert target in ("#query-coverage", "/dataset")
    assert panel(page, "city-partners", "p.querySelector('table.results')") is None


def test_a_capped_answer_shows_first_n_rows_of_more(web_store: Store, shots: Path) -> None:
    from tests.web.conftest import serve

    from dckg.api import create_app
    from dckg.sparql.settings import Settings

    assert CHROMIUM is not None
    settings = Settings(store="memory", query_timeout=20.0, query_workers=2, max_results=5)
    with serve(create_app(settings, store=web_store)) as url:
        browser = Browser(CHROMIUM)
        try:
            browser.open(url + "/")
            run_form(browser, "distance-bands", {})
            info = panel(browser, "distance-bands", "p.querySelector('.result-info').textContent")
            assert info.startswith("First 5 rows of more than 5")
            rows = panel(
                browser, "distance-bands", "p.querySelectorAll('table.results tbody tr').length"
            )
            assert rows == 5
            browser.screenshot(shots / "results-capped.png", full_page=False)
        finally:
            browser.close()
