"""The ``dckg`` command line on an Oxigraph server: init, load, stats, sparql, export, recover."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from pyoxigraph import RdfFormat, parse

from dckg.store import Store
from tests.conftest import Run
from tests.servers import OxigraphServer


def test_init_on_a_server_loads_the_shipped_data_once(
    dckg: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
    remote_env: dict[str, str],
    oxigraph_server: OxigraphServer,
    reference_store: Store,
) -> None:
    for name, value in remote_env.items():
        monkeypatch.setenv(name, value)
    first = dckg("init")
    assert first.code == 0, first.err
    assert "loaded" in first.err
    with oxigraph_server.store() as remote:
        loaded = remote.count()
        assert loaded == reference_store.count()
        again = dckg("init")
        assert again.code == 0, again.err
        assert "unchanged" in again.err and "loaded" not in again.err
        assert remote.count() == loaded


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
