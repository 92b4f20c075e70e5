"""Clients that read large answers slowly cost the server a file each, not the answer in
memory: answers are spooled to disk before they are sent.

Found as: six slow readers of large answers took the server's RSS from 110 to 1,757 MB.
Measured on a real ``dckg serve`` (its own process, so its RSS is its own); the figures of
50 readers against Oxigraph's server are in ``bench/slow_readers_bench.py``.
"""

from __future__ import annotations

import socket
import time
from pathlib import Path
from urllib.parse import urlencode

from pyoxigraph import Literal, NamedNode, Quad

from dckg.store import EmbeddedStore
from tests.servers import dckg_serve

READERS = 8
QUERY = "SELECT ?s ?o WHERE { ?s <urn:ex:text> ?o }"


def _rss(pid: int) -> int:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def _server_pid(port: int) -> int:
    """The process listening on ``port`` (the ``dckg serve`` started by the test)."""
    inode = None
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as lines:
            for line in list(lines)[1:]:
                fields = line.split()
                if int(fields[1].split(":")[1], 16) == port and fields[3] == "0A":
                    inode = fields[9]
    assert inode is not None
    for fd in Path("/proc").glob("[0-9]*/fd/*"):
        try:
            if fd.readlink().name == f"socket:[{inode}]":
                return int(fd.parent.parent.name)
        except OSError:
            continue
    raise AssertionError("no process listens on the port")


def test_slow_readers_of_large_answers_do_not_grow_the_server(tmp_path: Path) -> None:
    path = tmp_path / "store"
    with EmbeddedStore(path) as store:
        text = NamedNode("urn:ex:text")
        store.add_quads(
            [
                Quad(
                    NamedNode(f"urn:ex:s{i}"), text, Literal(f"{i:06d} " * 140), NamedNode("urn:g")
                )
                for i in range(6000)
            ]
        )
        store.flush()
    with dckg_serve(path, workers=2) as base:
        port = int(base.rsplit(":", 1)[1])
        pid = _server_pid(port)
        before = _rss(pid)
        request = (
            f"GET /sparql?{urlencode({'query': QUERY})} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            "Accept: application/sparql-results+json\r\n\r\n"
        ).encode()
        readers = []
        for _ in range(READERS):
            sock = socket.create_connection(("127.0.0.1", port), timeout=120)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
            sock.sendall(request)
            readers.append(sock)
        peak = before
        try:
            lengths = []
            for sock in readers:  # each answer has started: read its head, then 16 KB
                head = b""
                while b"\r\n\r\n" not in head:
                    head += sock.recv(4096)
                assert head.startswith(b"HTTP/1.1 200"), head[:200]
                length = [h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")]
                lengths.append(int(length[0].split(b":")[1]))
                peak = max(peak, _rss(pid))
            assert min(lengths) > 5_000_000  # every reader is owed megabytes
            for _ in range(20):
                time.sleep(0.1)
                peak = max(peak, _rss(pid))
        finally:
            for sock in readers:
                sock.close()
    # Eight answers of 6 MB held in memory would be 50 MB and more.
    assert peak - before < 30_000_000, (before, peak)
