"""The front page: the editor's assets, the examples and a form per named query."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import httpx
import pytest

from dckg.api.web import STATIC, field_for
from dckg.queries import Param, load_library

INPUT_TYPES = {
    "integer": "number",
    "decimal": "number",
    "year": "number",
    "date": "date",
    "boolean": "checkbox",
    "iri": "text",
    "string": "text",
}


def page_config(page: str) -> dict:
    block = re.search(
        r'<script type="application/json" id="dckg-config">(.*?)</script>', page, re.S
    )
    assert block
    return json.loads(block.group(1))


def test_page_embeds_every_named_query_as_an_example(client: httpx.Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    config = page_config(response.text)
    library = load_library()
    assert [e["name"] for e in config["examples"]] == sorted(library)
    for example in config["examples"]:
        assert example["text"] == library[example["name"]].text
    assert config["endpoint"] == "/sparql"


def test_a_form_per_query_with_a_typed_input_per_parameter(client: httpx.Client) -> None:
    page = client.get("/").text
    library = load_library()
    assert any(q.params for q in library.values())
    for name, query in library.items():
        form = re.search(
            rf'<form class="query" id="query-{re.escape(name)}"(.*?)</form>', page, re.S
        )
        assert form, name
        body = form.group(1)
        assert f'action="/queries/{name}"' in body and 'method="get"' in body
        for param in query.params:
            tag = re.search(rf'<input type="([a-z]+)" name="{re.escape(param.name)}"[^>]*>', body)
            assert tag, (name, param.name)
            assert tag.group(1) == INPUT_TYPES[param.type], (name, param.name)
            required = " required" in tag.group(0)
            assert required == (param.required and param.type != "boolean")


def test_field_for_each_parameter_type() -> None:
    for kind, input_type in INPUT_TYPES.items():
        field = field_for(
            Param(name="x", type=kind, required=True, default=None, example="1", description="")
        )
        assert field.input_type == input_type
    flag = field_for(
        Param(
            name="x", type="boolean", required=False, default="true", example=None, description=""
        )
    )
    assert flag.checked and not flag.required


def test_page_scripts_come_from_this_server_only(client: httpx.Client) -> None:
    response = client.get("/")
    sources = re.findall(r'<script[^>]*src="([^"]+)"', response.text)
    assert sources and all(s.startswith("/static/") for s in sources)
    assert re.findall(r'<link[^>]*href="(https?:[^"]+)"', response.text) == []
    policy = response.headers["content-security-policy"]
    assert "script-src 'self';" in policy and "connect-src 'self'" in policy
    for source in sources:
        assert client.get(source).status_code == 200


def test_page_data_block_cannot_be_closed_by_a_query_text(client: httpx.Client) -> None:
    page = client.get("/").text
    block = page.split('id="dckg-config">', 1)[1].split("</script>", 1)[0]
    # The query texts hold "<" (IRIs), and the block holds none: all are escaped.
    assert any("<" in e["text"] for e in json.loads(block)["examples"])
    assert "<" not in block and ">" not in block and "&" not in block


@pytest.mark.parametrize(
    "name",
    [
        "yasgui/yasgui.min.js",
        "yasgui/yasgui.min.css",
        "yasgui/THIRD_PARTY_LICENSES.txt",
        "world.svg",
        "dckg.css",
        "dckg-web.js",
    ],
)
def test_static_assets_are_served(client: httpx.Client, name: str) -> None:
    response = client.get(f"/static/{name}")
    assert response.status_code == 200
    assert response.content == (STATIC / name).read_bytes()


def test_bundled_editor_names_its_licence() -> None:
    notice = (STATIC / "yasgui" / "THIRD_PARTY_LICENSES.txt").read_text(encoding="utf-8")
    assert "@zazuko/yasgui 4.6.2 — licence: MIT" in notice
    assert "codemirror" in notice


@pytest.mark.parametrize(
    "target",
    [
        "/static/../pages.py",
        "/static/%2e%2e/pages.py",
        "/static/..%2fpages.py",
        "/static/yasgui/../../linked.py",
        "/static/templates/base.html",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
        "/static/nope.js",
    ],
)
def test_static_serves_its_own_files_only(
    raw_get: Callable[[str], tuple[int, bytes]], target: str
) -> None:
    status, data = raw_get(target)
    assert status == 404
    assert b"import" not in data and b"root:" not in data


def test_favicon(client: httpx.Client) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
