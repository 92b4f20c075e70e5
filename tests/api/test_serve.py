"""``dckg serve`` as a user runs it: a subprocess on a free loopback port."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx

from tests.api.conftest import free_port


def test_serve_initialises_an_empty_store_and_answers() -> None:
    port = free_port()
    env = {
        **os.environ,
        # memory: the same start-up path as an empty on-disk store, without the disk writes
        "DCKG_STORE": "memory",
        "DCKG_QUERY_TIMEOUT": "5",
        "DCKG_QUERY_WORKERS": "2",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "dckg", "serve", "--port", str(port), "--max-results", "3"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                response = httpx.get(
                    url + "/sparql",
                    params={"query": "SELECT ?c WHERE { ?c a dckg:Country }", "truncate": "true"},
                )
                break
            except httpx.TransportError:
                assert process.poll() is None, process.stdout.read().decode()  # type: ignore[union-attr]
                assert time.monotonic() < deadline, "dckg serve did not start"
                time.sleep(0.2)
        assert response.status_code == 200
        # the reference data was loaded, and --max-results holds
        assert len(response.json()["results"]["bindings"]) == 3
    finally:
        process.terminate()
        output = process.communicate(timeout=30)[0].decode()
    assert "loading the ontology and reference data" in output
    assert "https://w3id.org/dckg/graph/ontology" in output
