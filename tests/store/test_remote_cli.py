"""The ``dckg`` command line on an Oxigraph server: init, load, stats, sparql, export, recover."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse

from dckg.store.remote import RemoteStore
from tests.conftest import Run


def _use(monkeypatch: pytest.MonkeyPatch, store: RemoteStore) -> None:
    monkeypatch.setenv("DCKG_STORE", store.query_url)
    monkeypatch.setenv("DCKG_UPDATE_URL", store.update_url)
    monkeypatch.setenv("DCKG_GSP_URL", store.gsp_url or "")


def test_init_on_an_initialised_server_changes_nothing(
    dckg: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
    remote_reference_store: RemoteStore,
    reference_store: object,
) -> None:
    _use(monkeypatch, remote_reference_store)
    before = remote_reference_store.count()
    done = dckg("init")
    assert done.code == 0, done.err
    assert "unchanged" in done.err and "loaded" not in done.err
    assert remote_reference_store.count() == before
    assert before == reference_store.count()  # type: ignore[attr-defined]


def test_load_stats_sparql_export_recover(
    dckg: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
    remote_env: dict[str, str],
    tmp_path: Path,
) -> None:
    for name, value in remote_env.items():
        monkeypatch.setenv(name, value)
    data = tmp_path / "twins.ttl"
    data.write_text(
        '@prefix ex: <https://example.org/> .\nex:lyon ex:twin ex:birmingham ; ex:name "Lyon" .\n'
    )
    loaded = dckg("load", str(data), "--graph", "https://example.org/g")
    assert loaded.code == 0, loaded.err
    assert "loaded 2 quads" in loaded.err

    stats = dckg("stats")
    assert stats.code == 0, stats.err
    assert "https://example.org/g" in stats.out + stats.err

    answer = dckg(
        "sparql", "SELECT ?n WHERE { ?s <https://example.org/name> ?n }", "--format", "json"
    )
    assert answer.code == 0, answer.err
    assert [b["n"]["value"] for b in json.loads(answer.out)["results"]["bindings"]] == ["Lyon"]

    bad = dckg("sparql", "SELECT ?n WHERE { ?s ?p }")
    assert bad.code == 1 and "rejected the query" in bad.err

    out = tmp_path / "dump.nq"
    exported = dckg("export", str(out))
    assert exported.code == 0, exported.err
    assert len(list(parse(path=str(out), format=RdfFormat.N_QUADS))) == 2

    recovered = dckg("recover")
    assert recovered.code == 0 and "0 interrupted loads" in recovered.err


def test_server_down_is_a_clear_cli_error(
    dckg: Callable[..., Run], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.servers import free_port

    url = f"http://127.0.0.1:{free_port()}/query"
    monkeypatch.setenv("DCKG_STORE_RETRIES", "0")
    done = dckg("--store", url, "sparql", "ASK {}")
    assert done.code == 2
    assert url in done.err and "is the SPARQL server running" in done.err
