"""Headers every response carries, and /docs served without any other host."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import httpx
import pytest

from tests.api.conftest import Server


@pytest.mark.parametrize(
    ("method", "path", "body", "status"),
    [
        ("GET", "/", None, 200),
        ("GET", "/sparql?query=ASK%20%7B%7D", None, 200),
        ("GET", "/sparql?query=NOT%20SPARQL", None, 400),
        ("GET", "/queries", None, 200),
        ("GET", "/no/such/page", None, 404),
        ("GET", "/static/yasgui/yasgui.min.js", None, 200),
        ("GET", "/docs", None, 200),
        ("GET", "/openapi.json", None, 200),
        ("POST", "/validate", b"x" * (65 * 1024), 413),
    ],
)
def test_every_response_says_nosniff(
    api: Server, method: str, path: str, body: bytes | None, status: int
) -> None:
    headers = {"Content-Type": "text/turtle"} if body else {}
    response = httpx.request(method, api.url + path, content=body, headers=headers, timeout=30)
    assert response.status_code == status
    assert response.headers["x-content-type-options"] == "nosniff"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.urls += [value for name, value in attrs if name in ("src", "href") and value]


def test_docs_reference_no_other_host(api: Server) -> None:
    response = httpx.get(api.url + "/docs", timeout=30)
    assert response.status_code == 200
    page = response.text
    links = _Links()
    links.feed(page)
    assert any(u.endswith("swagger-ui-bundle.js") for u in links.urls)
    assert any(u.endswith("swagger-ui.css") for u in links.urls)
    for url in links.urls:
        assert not urlsplit(url).netloc, url
        asset = httpx.get(urljoin(api.url + "/docs", url), timeout=30)
        assert asset.status_code == 200, url
    # and no URL at all in the page's own script (a CDN, a validator badge)
    assert "http://" not in page and "https://" not in page
    assert "validatorUrl" in page
    assert httpx.get(api.url + "/redoc", timeout=30).status_code == 404
