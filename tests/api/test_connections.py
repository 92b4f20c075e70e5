"""A real ``dckg serve`` with a small connection limit, idle timeout and body deadline: idle
sockets cannot pile up, one over the limit gets a clean 503, the refusal is logged once, a
body trickled byte by byte is cut with 408 without holding anyone up; and the server's own
peak memory does not move under an XML entity expansion attack."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pyoxigraph import NamedNode, Quad

from dckg.store import EmbeddedStore
from tests.api.conftest import free_port

LIMIT = 20
IDLE = 1.0
BODY = 3.0  # seconds a body may take, plus one per MIN_RATE bytes
MIN_RATE = 1000


@dataclass
class Served:
    port: int
    log: Path
    pid: int

    def peak_rss_kib(self) -> int:
        status = Path(f"/proc/{self.pid}/status").read_text()
        return int(
            next(line for line in status.splitlines() if line.startswith("VmHWM:")).split()[1]
        )

    def connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=10)
        return sock

    def get(self, path: str) -> httpx.Response:
        return httpx.get(f"http://127.0.0.1:{self.port}{path}", timeout=30)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    folder = tmp_path_factory.mktemp("connections")
    with EmbeddedStore(folder / "store") as store:  # not empty: no initial load
        store.add_quads(
            [Quad(NamedNode("http://e/a"), NamedNode("http://e/p"), NamedNode("http://e/b"),
                  NamedNode("http://e/g"))]
        )  # fmt: skip
    port, log = free_port(), folder / "serve.log"
    command = [
        sys.executable, "-m", "dckg", "serve", "--store", str(folder / "store"),
        "--port", str(port), "--query-workers", "2",
        "--max-connections", str(LIMIT), "--idle-timeout", str(IDLE),
        "--body-timeout", str(BODY), "--body-min-rate", str(MIN_RATE),
    ]  # fmt: skip
    with log.open("wb") as out:
        process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(log.read_text()) from None
                time.sleep(0.1)
        time.sleep(IDLE + 0.5)  # the probe connection has timed out
        yield Served(port, log, process.pid)
    finally:
        process.terminate()
        process.wait(30)


def read_all(sock: socket.socket) -> bytes:
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    return data


def closed_by_server(sock: socket.socket, within: float) -> bool:
    sock.settimeout(within)
    try:
        return sock.recv(1) == b""
    except TimeoutError:
        return False
    except ConnectionResetError:
        return True


def test_over_the_limit_is_a_clean_503_logged_once(served: Served) -> None:
    idle = [served.connect() for _ in range(LIMIT)]
    time.sleep(0.3)
    answers = []
    for _ in range(30):
        sock = served.connect()
        sock.sendall(b"GET /sparql HTTP/1.1\r\nHost: localhost\r\n\r\n")
        answers.append(read_all(sock))
        sock.close()
    for answer in answers:
        assert answer.startswith(b"HTTP/1.1 503 ")
        assert b"retry-after: " in answer and b"too many open connections" in answer
        assert b"x-content-type-options: nosniff" in answer
    # the idle sockets are closed by the server, after the idle timeout
    started = time.monotonic()
    assert all(closed_by_server(sock, IDLE + 4) for sock in idle)
    assert time.monotonic() - started < IDLE + 4
    for sock in idle:
        sock.close()
    response = served.get("/sparql?query=ASK%20%7B%7D")
    assert response.status_code == 200
    log = served.log.read_text()
    assert log.count("new ones get 503") == 1
    assert "accepting connections again; 30 were refused" in log
    assert "Too many open files" not in log


def test_a_trickled_request_head_is_cut_at_the_idle_timeout(served: Served) -> None:
    sock = served.connect()
    started = time.monotonic()
    closed = False
    for byte in b"GET /sparql HTTP/1.1\r\nHost: localhost\r\nX-Slow: " + b"a" * 40:
        try:
            sock.sendall(bytes([byte]))
        except OSError:
            closed = True
            break
        if closed_by_server(sock, 0.1):
            closed = True
            break
    sock.close()
    assert closed and time.monotonic() - started < IDLE + 3


@pytest.mark.parametrize(
    "request_bytes",
    [b"NOT HTTP AT ALL\r\n\r\n", b"GET / HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n"],
)
def test_a_request_uvicorn_cannot_parse_gets_400_with_nosniff(
    served: Served, request_bytes: bytes
) -> None:
    sock = served.connect()
    sock.sendall(request_bytes)
    answer = read_all(sock)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]
    assert b"x-content-type-options: nosniff" in answer.lower()


def test_a_request_in_progress_is_not_cut(served: Served) -> None:
    sock = served.connect()
    sock.sendall(
        b"POST /validate HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/turtle\r\n"
        b"Content-Length: 9\r\nConnection: close\r\n\r\n<a> <b> "
    )
    time.sleep(IDLE + 1)  # the body is late, but the request has begun
    sock.sendall(b".")
    sock.settimeout(30)
    answer = read_all(sock)
    sock.close()
    assert answer.startswith(b"HTTP/1.1 400 "), answer[:200]


def send_body_slowly(
    served: Served, path: str, media: str, body: bytes, *, chunk: int, every: float
) -> tuple[bytes, float]:
    """POST ``body`` in pieces of ``chunk`` bytes every ``every`` seconds, stopping early if
    the server answers or closes; its answer (empty if none) and the seconds it took.
    The loop is bounded by the body's length."""
    sock = served.connect()
    head = (
        f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: {media}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    started = time.monotonic()
    sock.sendall(head.encode())
    answer = b""
    for offset in range(0, len(body), chunk):
        try:
            sock.sendall(body[offset : offset + chunk])
        except OSError:
            break
        sock.settimeout(every)
        try:
            answer = sock.recv(65536)
        except TimeoutError:
            continue
        except OSError:
            break
        break  # answered (or closed) before the body was all sent
    elapsed = time.monotonic() - started
    sock.settimeout(10)
    try:
        while chunk_read := sock.recv(65536):
            answer += chunk_read
    except OSError:
        pass
    sock.close()
    return answer, elapsed


def test_a_trickled_body_is_cut_with_408_and_holds_no_one_up(served: Served) -> None:
    """Four bodies at 10 bytes a second (two query workers): each is cut with 408 after
    BODY seconds, while other clients' queries and validations are answered at once."""
    body = b"ASK { " + b" " * 200 + b"}"  # 20 s at this rate: never sent whole
    answers: list[tuple[bytes, float]] = []

    def trickle(path: str, media: str) -> None:
        answers.append(send_body_slowly(served, path, media, body, chunk=1, every=0.1))

    tricklers = [
        threading.Thread(target=trickle, args=(path, media))
        for path, media in [
            ("/sparql", "application/sparql-query"),
            ("/sparql", "application/sparql-query"),
            ("/validate", "text/turtle"),
            ("/validate", "text/turtle"),
        ]
    ]
    for thread in tricklers:
        thread.start()
    time.sleep(1.0)  # every trickler has begun its body
    for _ in range(3):
        started = time.monotonic()
        assert served.get("/sparql?query=ASK%7B%7D").status_code == 200
        response = httpx.post(
            f"http://127.0.0.1:{served.port}/sparql",
            content=b"SELECT * { ?s ?p ?o }",
            headers={"Content-Type": "application/sparql-query"},
            timeout=30,
        )
        assert response.status_code == 200
        assert time.monotonic() - started < 2.0
    for thread in tricklers:
        thread.join(30)
    assert len(answers) == 4
    for answer, elapsed in answers:
        assert answer.startswith(b"HTTP/1.1 408 "), answer[:300]
        assert b"x-content-type-options: nosniff" in answer.lower()
        assert b"DCKG_BODY_TIMEOUT" in answer
        assert BODY - 0.5 < elapsed < BODY + 3, elapsed
    assert "a request body was cut after" in served.log.read_text()


def test_a_body_at_a_steady_rate_may_take_longer_than_the_timeout(served: Served) -> None:
    body = b"# " + b"x" * 9_996 + b"\n"  # 10 kB of Turtle comment, at about 2,000 bytes/s
    answer, elapsed = send_body_slowly(
        served, "/validate", "text/turtle", body, chunk=100, every=0.05
    )
    assert elapsed > BODY + 1  # longer than the timeout alone, but fast enough
    assert answer.startswith(b"HTTP/1.1 "), answer[:300]
    assert not answer.startswith(b"HTTP/1.1 408 "), answer[:300]


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux /proc")
def test_billion_laughs_leaves_the_server_memory_as_it_was(served: Served) -> None:
    url = f"http://127.0.0.1:{served.port}/validate"
    headers = {"Content-Type": "application/rdf+xml"}
    empty = (
        b'<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"/>'
    )
    assert httpx.post(url, content=empty, headers=headers, timeout=30).status_code == 400
    before = served.peak_rss_kib()
    attack = (Path(__file__).parents[1] / "data" / "inputs" / "billion-laughs.rdf").read_bytes()
    for _ in range(5):
        response = httpx.post(url, content=attack, headers=headers, timeout=30)
        assert response.status_code == 400 and "XML entity expansion" in response.text
    assert served.peak_rss_kib() - before < 20 * 1024


def test_the_bounds_are_settings_with_defaults() -> None:
    from dckg.errors import UsageError
    from dckg.sparql.settings import Settings

    defaults = Settings()
    assert (defaults.max_connections, defaults.idle_timeout) == (1000, 10.0)
    assert (defaults.body_timeout, defaults.body_min_rate) == (30.0, 16384)
    env = {
        "DCKG_MAX_CONNECTIONS": "50",
        "DCKG_IDLE_TIMEOUT": "2.5",
        "DCKG_BODY_TIMEOUT": "4.5",
        "DCKG_BODY_MIN_RATE": "100",
    }
    chosen = Settings.from_env(env)
    assert (chosen.max_connections, chosen.idle_timeout) == (50, 2.5)
    assert (chosen.body_timeout, chosen.body_min_rate) == (4.5, 100)
    for bad in ({"max_connections": 0}, {"idle_timeout": 0}, {"body_timeout": 0}):
        with pytest.raises(UsageError):
            Settings(**bad)  # type: ignore[arg-type]


def test_the_limit_fits_under_the_open_file_limit() -> None:
    script = (
        "import resource\n"
        "resource.setrlimit(resource.RLIMIT_NOFILE, (300, 300))\n"
        "from dckg.api.connections import fit_to_open_files\n"
        "print(fit_to_open_files(1000), fit_to_open_files(10))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    # Two files a connection (its socket, its spooled answer), 256 kept for the rest.
    assert done.stdout.split() == ["22", "10"], done.stderr
    assert "the open-file limit is 300" in done.stderr
