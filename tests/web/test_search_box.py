"""The search box of the web page, in a real browser (Debian's headless Chromium).

Skipped only when no Chromium is installed (the skip says so); CI installs it.
"""

from __future__ import annotations

import httpx
from tests.web.test_browser import browser as browser  # the fixtures
from tests.web.test_browser import chromium as chromium
from web_browser import Browser, needs_chromium

pytestmark = needs_chromium


def test_typing_a_name_lists_the_entities_of_search_linked_to_their_pages(
    browser: Browser, base_url: str, client: httpx.Client
) -> None:
    browser.open(base_url + "/")
    browser.evaluate(
        """(() => {
          const input = document.getElementById('entity-search-q');
          input.value = 'lodz';
          input.dispatchEvent(new Event('input'));
        })()"""
    )
    browser.wait_for("document.querySelectorAll('#entity-search-results a').length > 0")
    shown = browser.evaluate(
        "[...document.querySelectorAll('#entity-search-results a')]"
        ".map(a => [a.textContent, a.href])"
    )
    expected = client.get("/search", params={"q": "lodz", "limit": 10}).json()["results"]
    assert shown == [[r["label"], r["url"]] for r in expected]
    assert shown[0][0] == "Łódź" and shown[0][1] == f"{base_url}/id/city/geonames-3093133"
    # The first link leads to the city's page.
    browser.evaluate("document.querySelector('#entity-search-results a').click()")
    browser.wait_for(f"location.href === {shown[0][1]!r} && document.readyState === 'complete'")
    assert "Łódź" in browser.evaluate("document.querySelector('h1').textContent")
    assert not browser.exceptions, browser.exceptions
    assert all(url.startswith((base_url, "data:", "about:")) for url in browser.requests)
