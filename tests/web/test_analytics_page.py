"""The policy-link analytics page: its figures are the named queries' answers.

In headless Chromium (skipped only when no Chromium is installed; CI installs it): every
figure is drawn, and every number shown equals the answer of the figure's named query run
in the test on the same store. Without a browser: the page and its links to each query.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from tests.web.test_browser import only_this_server
from tests.web.test_browser import shots as shots  # the screenshots fixture
from web_browser import CHROMIUM, Browser, needs_chromium

from dckg.api.analytics import FIGURES, Figure
from dckg.queries import load_library
from dckg.store import Store

LIBRARY = load_library()


def answer(store: Store, name: str) -> list[dict[str, str]]:
    """A named query's rows, run with its defaults as the page runs it: column -> value."""
    result = LIBRARY[name].run(store, {})
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{n: s[n].value if s[n] is not None else "" for n in names} for s in result]  # type: ignore[index]


def objective(row: dict[str, str]) -> str:
    return " ".join(x for x in (row["notation"], row["label"]) if x)


def count(text: str) -> int:
    return int(text.replace(",", ""))


@pytest.fixture(scope="module")
def page(base_url: str) -> Iterator[Browser]:
    """The analytics page, open in one browser with every figure drawn."""
    assert CHROMIUM is not None
    browser = Browser(CHROMIUM)
    try:
        browser.open(base_url + "/analytics")
        browser.wait_for(
            "[...document.querySelectorAll('section.analytics-figure')]"
            ".every(s => s.dataset.ready)",
            timeout=120,
        )
        yield browser
    finally:
        browser.close()


def figure(figure_id: str) -> Figure:
    (found,) = [f for f in FIGURES if f.id == figure_id]
    return found


def bars(page: Browser, figure: str, column: str) -> list[tuple[str, str, float]]:
    """(label, value shown, bar width in pixels) of every bar of a figure's chart of
    ``column``."""
    chart = f"#figure-{figure} figure.chart[data-value={column}]"
    return page.evaluate(
        f"[...document.querySelectorAll('{chart} .bar-row')].map(r => ["
        "r.querySelector('.bar-label').textContent, r.querySelector('.bar-value').textContent,"
        "r.querySelector('.bar').getBoundingClientRect().width])"
    )


@needs_chromium
def test_every_figure_is_drawn_without_error(page: Browser, base_url: str, shots: Path) -> None:
    states = page.evaluate(
        "[...document.querySelectorAll('section.analytics-figure')].map(s => s.dataset.ready)"
    )
    assert states == ["true"] * len(FIGURES)
    page.screenshot(shots / "analytics.png")
    only_this_server(page, base_url)


@needs_chromium
@pytest.mark.parametrize(
    ("figure_id", "column", "words"),
    [
        ("objective-partnerships", "partnerships", "twinnings and partnerships"),
        ("objective-funded-actions", "fundedActions", "funded actions"),
        ("objective-signatories", "signatories", "network signatories"),
    ],
)
def test_objective_charts_show_the_query_answer(
    page: Browser, web_store: Store, figure_id: str, column: str, words: str
) -> None:
    expected = {objective(r): int(r[column]) for r in answer(web_store, "objective-reach")}
    assert len(expected) == 21
    shown = bars(page, figure_id, column)
    assert {label: count(value) for label, value, _ in shown} == expected
    widths = {label: width for label, _, width in shown}
    top = max(expected, key=expected.__getitem__)
    if expected[top]:
        assert widths[top] > 100  # drawn, scaled to the largest
    assert all(widths[label] == 0 for label, n in expected.items() if n == 0)
    caption = page.evaluate(
        f"document.querySelector('#figure-{figure_id} figure.chart figcaption').textContent"
    )
    assert caption == f"{words} by objective"


@needs_chromium
def test_funded_actions_are_not_drawn_as_partnerships(page: Browser, web_store: Store) -> None:
    rows = answer(web_store, "objective-reach")
    assert sum(int(r["fundedActions"]) for r in rows) > 0  # the shipped EUTF actions
    heading = page.evaluate("document.querySelector('#figure-objective-partnerships h2')"
                            ".textContent")  # fmt: skip
    assert heading == "Twinnings and partnerships advancing each objective"
    shown = bars(page, "objective-partnerships", "partnerships")
    assert sum(count(value) for _, value, _ in shown) == sum(int(r["partnerships"]) for r in rows)


@needs_chromium
def test_region_table_shows_the_query_answer(page: Browser, web_store: Store) -> None:
    columns = ("partnerships", "fundedActions", "signatories")
    expected = {
        (objective(r), r["regionLabel"]): tuple(int(r[c]) for c in columns)
        for r in answer(web_store, "objective-reach-by-region")
    }
    cells = page.evaluate(
        "[...document.querySelectorAll('#figure-objective-regions tbody tr')].flatMap(tr =>"
        " [...tr.querySelectorAll('td')].map(td => [tr.querySelector('th').textContent,"
        " td.dataset.region, td.textContent]))"
    )
    shown = {(o, region): tuple(count(n) for n in text.split(" / ")) for o, region, text in cells}
    assert shown == expected
    assert {region for _, region in expected} == {"Africa", "Americas", "Asia", "Europe", "Oceania"}
    head = page.evaluate(
        "document.querySelector('#figure-objective-regions thead th:nth-child(2)').textContent"
    )
    assert head.endswith("(twinnings and partnerships / funded actions / network signatories)")


@needs_chromium
def test_instrument_charts_show_the_query_answer(page: Browser, web_store: Store) -> None:
    rows = answer(web_store, "objective-reach-by-instrument")
    expected: dict[tuple[str, str], dict[str, int]] = {}
    for r in rows:
        for column in ("partnerships", "fundedActions"):
            chart = expected.setdefault((r["instrumentLabel"], column), {})
            chart[objective(r)] = int(r[column])
    shown = page.evaluate(
        "[...document.querySelectorAll('#figure-objective-instruments figure.chart')].map(f =>"
        " [f.dataset.group, f.dataset.value, [...f.querySelectorAll('.bar-row')].map(r =>"
        " [r.querySelector('.bar-label').textContent, r.querySelector('.bar-value').textContent])])"
    )
    assert {(g, c): {k: count(v) for k, v in items} for g, c, items in shown} == expected


@needs_chromium
def test_priority_areas_show_the_query_answer(page: Browser, web_store: Store) -> None:
    rows = answer(web_store, "priority-area-reach")
    assert len(rows) == 5
    for column in ("partnerships", "fundedActions"):
        shown = bars(page, "priority-areas", column)
        assert {label: count(value) for label, value, _ in shown} == {
            r["areaLabel"]: int(r[column]) for r in rows
        }
    table = page.evaluate(
        "[...document.querySelectorAll('#figure-priority-areas table.results tbody tr')]"
        ".map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent))"
    )
    assert table == [
        [
            r["areaLabel"],
            r["themes"],
            *(f"{int(r[c]):,}" for c in figure("priority-areas").columns[2:]),
        ]
        for r in rows
    ]


@needs_chromium
def test_gaps_table_lists_the_objectives_nothing_advances(page: Browser, web_store: Store) -> None:
    rows = answer(web_store, "objective-gaps")
    reached = {
        r["notation"]
        for r in answer(web_store, "objective-reach")
        if int(r["partnerships"]) + int(r["fundedActions"]) + int(r["signatories"]) > 0
    }
    assert rows and not reached & {r["notation"] for r in rows}
    shown = page.evaluate(
        "[...document.querySelectorAll('#figure-gaps tbody tr')].map(tr =>"
        " [...tr.querySelectorAll('td')].map(td => td.textContent))"
    )
    columns = FIGURES[-1].columns
    assert shown == [[r[c] for c in columns] for r in rows]


@needs_chromium
def test_the_editor_link_opens_the_figure_query(page: Browser, base_url: str) -> None:
    href = page.evaluate(
        "document.querySelector('#figure-gaps a.query-editor').getAttribute('href')"
    )
    editor = Browser(CHROMIUM)  # type: ignore[arg-type]
    try:
        editor.open(base_url + href)
        text = editor.wait_for(
            "window.dckgYasgui && window.dckgYasgui.getTab().getQuery()", timeout=60
        )
    finally:
        editor.close()
    assert text == LIBRARY["objective-gaps"].text


def test_page_links_every_figure_to_its_query(client: httpx.Client) -> None:
    response = client.get("/analytics")
    assert response.status_code == 200
    assert "script-src 'self'" in response.headers["content-security-policy"]
    html = response.text
    for figure in FIGURES:
        assert f'id="figure-{figure.id}"' in html
        assert f'href="/#query-{figure.query}"' in html
        assert f'href="/queries/{figure.query}?format=csv"' in html
    assert 'href="/analytics"' in client.get("/").text


def test_editor_links_carry_the_query_text(client: httpx.Client) -> None:
    html = client.get("/analytics").text
    start = html.index('<script type="application/json" id="dckg-analytics">')
    config = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert [f["query"] for f in config["figures"]] == [f.query for f in FIGURES]
    for figure in FIGURES:
        marker = f'id="figure-{figure.id}"'
        section = html[html.index(marker) :]
        href = section[section.index('class="query-editor" href="') + 27 :].split('"', 1)[0]
        query = parse_qs(urlsplit(href.replace("&amp;", "&")).query)
        assert query["query"] == [LIBRARY[figure.query].text]
        assert query["tabTitle"] == [figure.query]


def test_answers_behind_the_figures(client: httpx.Client, web_store: Store) -> None:
    response = client.get(
        "/queries/objective-reach", headers={"Accept": "application/sparql-results+json"}
    )
    assert response.status_code == 200
    columns = ("partnerships", "fundedActions")
    served = {
        b["notation"]["value"]: tuple(Decimal(b[c]["value"]) for c in columns)
        for b in response.json()["results"]["bindings"]
    }
    assert served == {
        r["notation"]: tuple(Decimal(r[c]) for c in columns)
        for r in answer(web_store, "objective-reach")
    }
