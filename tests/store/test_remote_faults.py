"""What the remote backend does when the server is down, fails, is slow, or dies mid-load."""

from __future__ import annotations

import base64
import gc
import hashlib
import io
import re
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, RdfFormat

from dckg.errors import QueryError, QueryTimeout, StoreError
from dckg.store import open_store
from dckg.store.remote import RemoteStore
from tests.servers import OxigraphServer, free_port

EX = "https://example.org/"
G = NamedNode(EX + "contribution")
OLD = NamedNode(EX + "old")
NAME = NamedNode(EX + "name")
ASK_JSON = b'{"head":{},"boolean":true}'


def _quads(n: int, graph: NamedNode = G, label: str = "p") -> list[Quad]:
    return [
        Quad(NamedNode(f"{EX}{label}{i}"), NAME, Literal(f"{label} {i}"), graph) for i in range(n)
    ]


Reply = Callable[[BaseHTTPRequestHandler], None]


@pytest.fixture
def fake_server() -> Iterator[Callable[[Reply], str]]:
    """A loopback HTTP server answering every request with ``reply``; yields its URL."""
    servers: list[ThreadingHTTPServer] = []

    def start(reply: Reply) -> str:
        class Handler(BaseHTTPRequestHandler):
            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                reply(self)

            do_GET = do_POST = do_PUT = do_DELETE = _any

            def log_message(self, *args: object) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}/sparql"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def _answer(status: int, body: bytes, content_type: str = "text/plain") -> Reply:
    def reply(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    return reply


def test_server_down_at_start() -> None:
    url = f"http://127.0.0.1:{free_port()}/query"
    store = RemoteStore(url, backoff=0.01)
    with pytest.raises(
        StoreError, match=r"127\.0\.0\.1.*cannot connect.*is the SPARQL server running"
    ):
        store.query("ASK {}")
    with pytest.raises(StoreError, match="cannot connect"):
        store.add_quads(_quads(1))


def test_http_500_names_the_endpoint_and_status(fake_server: Callable[[Reply], str]) -> None:
    url = fake_server(_answer(500, b"database on fire"))
    store = RemoteStore(url, gsp_url=url.replace("sparql", "store"), backoff=0.01)
    with pytest.raises(StoreError, match=rf"{url}: HTTP 500: database on fire"):
        store.query("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(StoreError, match="HTTP 500"):
        store.drop_graph(G)
    with pytest.raises(StoreError, match="HTTP 500"):
        store.dump(
            __import__("io").BytesIO(), __import__("pyoxigraph").RdfFormat.N_TRIPLES, graph=G
        )


def test_ping_refuses_what_is_no_sparql_endpoint(fake_server: Callable[[Reply], str]) -> None:
    url = fake_server(_answer(200, b"<html>a web page</html>", "text/html"))
    with (
        RemoteStore(url) as store,
        pytest.raises(StoreError, match=r"unexpected answer to a query \(text/html\)"),
    ):
        store.ping()


def test_a_graph_store_400_is_a_store_error(fake_server: Callable[[Reply], str]) -> None:
    url = fake_server(_answer(400, b"bad graph"))
    with (
        RemoteStore(url, gsp_url=url, retries=0) as store,
        pytest.raises(StoreError, match=r"HTTP 400: bad graph"),
    ):
        store.replace_graph(G, [q.triple for q in _quads(1)])


def test_401_points_at_the_credentials(fake_server: Callable[[Reply], str]) -> None:
    url = fake_server(_answer(401, b"who are you"))
    with pytest.raises(StoreError, match=r"HTTP 401.*DCKG_STORE_USER"):
        RemoteStore(url, user="me", password="wrong").query("ASK {}")


def _digest_ok(handler: BaseHTTPRequestHandler, user: str, password: str) -> bool:
    """Whether the request carries a valid RFC 7616 (MD5, qop=auth) digest answer."""
    header = handler.headers.get("Authorization", "")
    if not header.startswith("Digest "):
        return False
    fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header[7:]))

    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    ha1 = md5(f"{user}:{fields['realm']}:{password}")
    ha2 = md5(f"{handler.command}:{fields['uri']}")
    parts = (ha1, fields["nonce"], fields["nc"], fields["cnonce"], fields["qop"], ha2)
    return fields["username"] == user and fields["response"] == md5(":".join(parts))


@pytest.mark.parametrize("scheme", ["basic", "digest"])
def test_credentials_reach_every_endpoint(fake_server: Callable[[Reply], str], scheme: str) -> None:
    seen: list[tuple[str, bool]] = []
    token = "Basic " + base64.b64encode(b"me:secret").decode()

    def guarded(handler: BaseHTTPRequestHandler) -> None:
        if scheme == "basic":
            allowed = handler.headers.get("Authorization") == token
        else:
            allowed = _digest_ok(handler, "me", "secret")
        seen.append((handler.command, allowed))
        if not allowed:
            handler.send_response(401)
            challenge = 'Digest realm="dckg", nonce="n0nce", qop="auth", algorithm=MD5'
            handler.send_header("WWW-Authenticate", challenge if scheme == "digest" else "Basic")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
        elif handler.command == "PUT":
            _answer(204, b"")(handler)
        else:
            _answer(200, ASK_JSON, "application/sparql-results+json")(handler)

    url = fake_server(guarded)
    with RemoteStore(
        url, gsp_url=url, user="me", password="secret", auth=scheme, check_union=False
    ) as store:
        assert store.ask("ASK {}") is True
        store.drop_graph(G)
        store.replace_graph(G, [q.triple for q in _quads(1)])
    granted = [command for command, allowed in seen if allowed]
    assert granted == ["POST", "POST", "PUT"]
    with pytest.raises(StoreError, match=r"HTTP 401.*DCKG_STORE_USER"):
        RemoteStore(url, user="me", password="wrong", auth=scheme).query("ASK {}")


def test_busy_server_is_retried_for_reads(fake_server: Callable[[Reply], str]) -> None:
    calls: list[int] = []

    def flaky(handler: BaseHTTPRequestHandler) -> None:
        calls.append(1)
        if len(calls) <= 2:
            _answer(503, b"busy")(handler)
        else:
            _answer(200, ASK_JSON, "application/sparql-results+json")(handler)

    store = RemoteStore(fake_server(flaky), backoff=0.01, retries=2, check_union=False)
    assert bool(store.query("ASK {}")) is True
    assert len(calls) == 3


def test_busy_server_is_not_retried_for_a_non_idempotent_update(
    fake_server: Callable[[Reply], str],
) -> None:
    calls: list[int] = []

    def busy(handler: BaseHTTPRequestHandler) -> None:
        calls.append(1)
        _answer(503, b"busy")(handler)

    store = RemoteStore(fake_server(busy), backoff=0.01, retries=3)
    with pytest.raises(StoreError, match="HTTP 503"):
        store.update("INSERT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    assert len(calls) == 1


def test_slow_query_times_out(fake_server: Callable[[Reply], str]) -> None:
    def slow(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(2.5)
        _answer(200, ASK_JSON, "application/sparql-results+json")(handler)

    store = RemoteStore(fake_server(slow), timeout=1, check_union=False)
    started = time.monotonic()
    with pytest.raises(QueryTimeout, match="did not finish within 1 s"):
        store.query("ASK {}")
    assert time.monotonic() - started < 2.4


def test_queries_updates_and_graph_store_share_one_connection() -> None:
    """One HTTP client per store: its requests reuse a kept-alive connection."""
    peers: list[tuple[str, str, int]] = []

    class KeepAlive(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _any(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            peers.append((self.command, self.path.split("?")[0], self.client_address[1]))
            body, media = (ASK_JSON, "application/sparql-results+json")
            if self.command == "GET":
                body, media = (
                    b'<https://example.org/a> <https://example.org/b> "1" .\n',
                    "application/n-triples",
                )
            self.send_response(200 if self.command in ("GET", "POST") else 204)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(body) if self.command != "PUT" else 0))
            self.end_headers()
            if self.command != "PUT":
                self.wfile.write(body)

        do_GET = do_POST = do_PUT = _any

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), KeepAlive)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with RemoteStore(
            base + "/query",
            update_url=base + "/update",
            gsp_url=base + "/store",
            check_union=False,
        ) as store:
            assert store.ask("ASK {}") is True
            store.drop_graph(G)
            store.replace_graph(G, [q.triple for q in _quads(2)])
            out = io.BytesIO()
            store.dump(out, RdfFormat.N_TRIPLES, graph=G)
            assert out.getvalue().count(b" .\n") == 1
    finally:
        server.shutdown()
        server.server_close()
    assert [(method, path) for method, path, _ in peers] == [
        ("POST", "/query"),
        ("POST", "/update"),
        ("PUT", "/store"),
        ("GET", "/store"),
    ]
    assert len({port for _, _, port in peers}) == 1, peers


def test_a_store_dropped_without_close_leaves_no_connection_open(
    remote_store: RemoteStore,
) -> None:
    store = RemoteStore(remote_store.query_url, check_union=False)
    assert store.ask("ASK {}") is True  # a kept-alive connection to the server now
    del store
    gc.collect()  # an open socket would warn here, an error under the suite's filters


def test_rejected_query_carries_the_server_message(remote_store: RemoteStore) -> None:
    with pytest.raises(QueryError, match=r"/query: the server rejected the query: .*"):
        remote_store.query("SELECT ?x WHERE { ?x ?p }")


@pytest.mark.parametrize("size", [3, 30])
def test_a_graph_named_by_a_blank_node_is_refused(remote_store: RemoteStore, size: int) -> None:
    quads = [*_quads(size - 1), Quad(NamedNode(EX + "x"), NAME, Literal("x"), BlankNode())]
    with RemoteStore(
        remote_store.query_url,
        update_url=remote_store.update_url,
        gsp_url=remote_store.gsp_url,
        batch=10,  # 30 quads: a staged load
    ) as store:
        with pytest.raises(StoreError, match=r"graph named by a blank node .* name the graph"):
            store.add_quads(quads)
        assert store.count() == 0
        assert store.graphs() == []


def test_default_graph_must_be_the_union(tmp_path: Path) -> None:
    server = OxigraphServer(tmp_path / "db", union=False).start()
    try:
        with server.store() as store:
            store.add_quads(_quads(1))
            with pytest.raises(StoreError, match="not the union of its named graphs"):
                store.query("SELECT * WHERE { ?s ?p ?o }")
    finally:
        server.stop()


class _Crash(Exception):
    pass


def test_server_killed_mid_load_leaves_nothing_after_recover(tmp_path: Path) -> None:
    server = OxigraphServer(tmp_path / "db").start()
    try:
        with server.store(batch=100, retries=1, backoff=0.01) as store:
            store.add_quads(_quads(30, OLD, "old"))

            def kill_after_first_batch(done: int) -> None:
                if done >= 100:
                    server.kill()

            with pytest.raises(StoreError) as caught:
                store.add_quads(
                    _quads(500) + _quads(300, OLD, "more"), progress=kill_after_first_batch
                )
            message = str(caught.value)
            assert server.gsp_url in message or server.update_url in message
            assert "stopped after 100 quads" in message and "dckg recover" in message

        server.start()  # same data directory, same port
        with server.store() as store:
            assert store.staging_graphs() != []  # what the killed load wrote is still there
            assert [line.split()[0] for line in store.recover()] == ["undone"]
            assert store.graphs() == [OLD]
            assert store.count(OLD) == 30
            assert store.staging_graphs() == []
    finally:
        server.stop()


def test_load_interrupted_after_its_commit_point_is_finished_by_recover(tmp_path: Path) -> None:
    server = OxigraphServer(tmp_path / "db").start()

    class DiesWhileCommitting(RemoteStore):
        def update_as_written(self, text: str, *, idempotent: bool) -> None:
            if text.startswith("ADD SILENT") and "/1> TO " in text:
                server.kill()
            super().update_as_written(text, idempotent=idempotent)

    try:
        store = DiesWhileCommitting(
            server.query_url,
            update_url=server.update_url,
            gsp_url=server.gsp_url,
            batch=100,
            retries=0,
        )
        store.add_quads(_quads(10, OLD, "old"))
        with pytest.raises(StoreError, match=r"committed but not finished.*dckg recover"):
            store.replace_graph(OLD, [q.triple for q in _quads(250, OLD, "new")])
        store.close()

        server.start()
        with server.store() as again:
            assert [line.split()[0] for line in again.recover()] == ["finished"]
            assert again.graphs() == [OLD]
            names = {q.subject.value for q in again.quads(graph=OLD)}
            assert names == {f"{EX}new{i}" for i in range(250)}
    finally:
        server.stop()


def test_open_store_reads_the_settings(
    monkeypatch: pytest.MonkeyPatch, oxigraph_server: OxigraphServer
) -> None:
    for name, value in oxigraph_server.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DCKG_STORE_TIMEOUT", "7")
    store = open_store(oxigraph_server.query_url)
    assert isinstance(store, RemoteStore)
    assert (store.update_url, store.gsp_url, store.timeout) == (
        oxigraph_server.update_url,
        oxigraph_server.gsp_url,
        7.0,
    )
    monkeypatch.setenv("DCKG_STORE_RETRIES", "many")
    with pytest.raises(Exception, match="DCKG_STORE_RETRIES='many': not a number"):
        open_store(oxigraph_server.query_url)
