"""The form for data stewards (``/contribute``) in headless Chromium: validate a CSV with no
token, contribute it with the token, list the contributions and withdraw one.

Skipped only when no Chromium is installed (the skip says so); CI installs it.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.web.conftest import serve
from tests.web.test_browser import only_this_server
from tests.web.test_browser import shots as shots  # the screenshots fixture
from web_browser import CHROMIUM, Browser, needs_chromium

from dckg.api import create_app
from dckg.bootstrap import initialise
from dckg.resources import resource_dir
from dckg.sparql.settings import Settings
from dckg.store import EmbeddedStore, Store

pytestmark = needs_chromium

TOKEN = "a-write-token-0123456789"


@pytest.fixture(scope="module")
def store() -> Iterator[Store]:
    with EmbeddedStore() as s:
        initialise(s)
        yield s


@pytest.fixture(scope="module")
def site(store: Store) -> Iterator[str]:
    settings = Settings(store="memory", query_timeout=20.0, query_workers=2, write_token=TOKEN)
    with serve(create_app(settings, store=store)) as url:
        yield url


@pytest.fixture(scope="module")
def page(site: str) -> Iterator[Browser]:
    assert CHROMIUM is not None
    browser = Browser(CHROMIUM)
    try:
        yield browser
    finally:
        browser.close()


def choose_file(page: Browser, path: Path) -> None:
    """Put ``path`` in the form's file input, as a user picking it would."""
    root = page.send("DOM.getDocument")["root"]["nodeId"]
    node = page.send("DOM.querySelector", {"nodeId": root, "selector": "#contribution-file"})
    page.send("DOM.setFileInputFiles", {"nodeId": node["nodeId"], "files": [str(path)]})


def fill(page: Browser, values: dict[str, str]) -> None:
    page.evaluate(
        f"""(() => {{ for (const [id, v] of Object.entries({json.dumps(values)})) {{
              document.getElementById(id).value = v; }} }})()"""
    )


def click(page: Browser, button: str) -> None:
    page.evaluate(f"document.getElementById({json.dumps(button)}).click()")


def test_validate_then_contribute_list_and_withdraw(
    page: Browser, site: str, store: Store, tmp_path: Path, shots: Path
) -> None:
    good = tmp_path / "partnerships.csv"
    good.write_bytes((resource_dir("templates") / "partnerships.csv").read_bytes())
    before = store.count()
    page.reset()
    page.open(site + "/contribute")

    # validate: no token needed, nothing written
    choose_file(page, good)
    click(page, "validate")
    summary = page.wait_for(
        "(document.querySelector('#contribution-result .report-summary') || {}).textContent"
    )
    assert summary.startswith("Conforms")
    assert store.count() == before

    # contribute without the token: refused, nothing written
    fill(page, {"contribution-by": "Form steward", "contribution-token": "wrong-token-0000000"})
    click(page, "contribute")
    error = page.wait_for(
        "(document.querySelector('#contribution-result .error') || {}).textContent"
    )
    assert error.startswith("Error 401")
    assert store.count() == before

    # with the token: merged
    fill(page, {"contribution-token": TOKEN, "contribution-source": "https://example.org/src"})
    click(page, "contribute")
    cid = page.wait_for(
        "(document.querySelector('#contribution-result .contribution-id') || {}).textContent"
    )
    assert store.count() > before
    graphs = {g.value for g in store.graphs()}
    assert f"https://w3id.org/dckg/graph/contribution/{cid}" in graphs

    # listed, with its source
    click(page, "list")
    page.wait_for(f"document.querySelector('#contribution-list tr[data-id=\"{cid}\"]') !== null")
    cells = page.evaluate(
        f"[...document.querySelectorAll('#contribution-list tr[data-id=\"{cid}\"] td')]"
        ".map(td => td.textContent)"
    )
    assert cells[:3] == [cid, cells[1], "Form steward"]
    assert "https://example.org/src" in cells and "partnerships.csv" in cells
    page.screenshot(shots / "contribute-listed.png")

    # withdrawn
    page.evaluate("window.confirm = () => true")
    page.evaluate(
        f"document.querySelector('#contribution-list tr[data-id=\"{cid}\"] button.withdraw')"
        ".click()"
    )
    page.wait_for(
        "(document.querySelector('#contribution-result p') || {}).textContent"
        f".startsWith('Withdrew contribution {cid}')"
    )
    page.wait_for(f"document.querySelector('#contribution-list tr[data-id=\"{cid}\"]') === null")
    assert store.count() == before
    # nothing left for another host, no script failed; the one error logged is the 401
    assert [u for u in page.requests if not u.startswith((site + "/", "data:"))] == []
    assert page.exceptions == []
    errors = [text for level, text in page.console if level == "error"]
    assert all("status of 401" in text for text in errors)


def test_a_csv_that_does_not_conform_shows_its_violations_by_row(
    page: Browser, site: str, store: Store, tmp_path: Path
) -> None:
    template = (resource_dir("templates") / "partnerships.csv").read_text()
    header, first, *_ = template.splitlines()
    columns = header.split(",")
    row = first.split(",")
    assert len(row) == len(columns)  # a plain row, no quoted commas
    row[columns.index("partner_1")] = "city:geonames-1"
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "\n" + ",".join(row) + "\n")
    before = store.count()
    page.reset()
    page.open(site + "/contribute")
    choose_file(page, bad)
    click(page, "validate")
    summary = page.wait_for(
        "(document.querySelector('#contribution-result .report-summary') || {}).textContent"
    )
    assert "violation" in summary and "nothing was written" in summary
    wheres = page.evaluate(
        "[...document.querySelectorAll('#contribution-result table.report tbody tr')]"
        ".map(tr => tr.children[0].textContent + ' | ' + tr.children[1].textContent)"
    )
    assert any("row 2" in w and "partner_1" in w for w in wheres)
    assert store.count() == before
    only_this_server(page, site)
