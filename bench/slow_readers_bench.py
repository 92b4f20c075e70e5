"""Slow readers of large answers: the memory a server holds for clients that read slowly.

Builds an on-disk store of ``--triples`` triples, each with a literal of ``--literal``
characters (so that one ``SELECT`` of them all is a large answer), and a copy of the same
data for Oxigraph's own server. Then, against ``dckg serve`` and ``oxigraph serve`` in turn,
each on a free loopback port, ``--readers`` clients ask for the whole answer (SPARQL JSON)
and read it slowly (``--rate`` bytes a second, a small receive buffer); once every reader
has its answer started, they all read on for ``--hold`` seconds. The server's resident
memory (``VmRSS`` of its main process, and of its query workers for dckg) is sampled every
0.1 s. Prints, for each server: the answer's size, how many readers got ``200``, the RSS
before and at its peak, and the ratios dckg / Oxigraph.

dckg runs with its defaults but a queue large enough for every reader
(``DCKG_QUERY_QUEUE``): without it, the readers past the queue are refused with ``503``
at once, which would measure nothing.

    python bench/slow_readers_bench.py [--readers 50] [--triples 10000] [--literal 1000]
                                       [--hold 20] [--rate 131072]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import httpx

QUERY = "SELECT ?s ?o WHERE { ?s <urn:bench:text> ?o }"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def oxigraph() -> str:
    found = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or shutil.which(
        "oxigraph"
    )
    if not found:
        raise SystemExit("the oxigraph server is missing: pip install -e '.[test]'")
    return found


def write_data(path: Path, triples: int, literal: int) -> None:
    """N-Triples: ``triples`` subjects, each with one long literal."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(triples):
            text = (f"{i:08d} " * (literal // 9 + 1))[:literal]
            out.write(f'<urn:bench:s{i}> <urn:bench:text> "{text}" .\n')


@contextmanager
def running(
    command: list[str], url: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        deadline = time.monotonic() + 180
        while True:
            if process.poll() is not None:
                raise SystemExit(f"{command[0]} stopped")
            try:
                httpx.post(url, data={"query": "ASK {}"}, timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline:
                    raise SystemExit(f"{command[0]} did not start") from None
                time.sleep(0.2)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


def rss(pid: int) -> int:
    """Resident bytes of a process (0 once it is gone)."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def children(pid: int) -> list[int]:
    """The process ids of the children of ``pid`` (Linux)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def descendants(pid: int) -> list[int]:
    out, todo = [], children(pid)
    while todo:
        child = todo.pop()
        out.append(child)
        todo += children(child)
    return out


class Sampler:
    """The peak RSS of a process (and, apart, of its descendants), sampled every 0.1 s."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.peak = self.peak_children = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss(self.pid))
            self.peak_children = max(self.peak_children, sum(rss(c) for c in descendants(self.pid)))
            self._stop.wait(0.1)

    def __enter__(self) -> Sampler:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class Reader:
    status: int = 0
    length: int = 0
    received: int = 0


def slow_reader(port: int, path: str, rate: int, done: Reader, stop: threading.Event) -> None:
    """Ask (again after a ``503`` or ``504``: the server was busy), then read ``rate`` bytes
    a second until ``stop`` is set or the answer ended."""
    request = (
        f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        "Accept: application/sparql-results+json\r\nConnection: close\r\n\r\n"
    ).encode()
    while not stop.is_set():
        with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
            sock.sendall(request)
            head = b""
            while b"\r\n\r\n" not in head:
                part = sock.recv(4096)
                if not part:
                    return
                head += part
            status = int(head.split(b" ", 2)[1])
            if status in (503, 504):
                time.sleep(0.5)
                continue
            done.status = status
            if status != 200:
                return
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    done.length = int(line.split(b":")[1])
            done.received = len(head.split(b"\r\n\r\n", 1)[1])
            slice_ = 0.1
            while not stop.is_set():
                part = sock.recv(max(int(rate * slice_), 1))
                if not part:
                    return
                done.received += len(part)
                time.sleep(slice_)
            return


def measure(name: str, pid: int, port: int, path: str, args: argparse.Namespace) -> dict:
    """Start every reader, sample the server's memory while they read."""
    before = rss(pid)
    readers = [Reader() for _ in range(args.readers)]
    stop = threading.Event()
    threads = [
        threading.Thread(target=slow_reader, args=(port, path, args.rate, r, stop), daemon=True)
        for r in readers
    ]
    with Sampler(pid) as sampler:
        started = time.monotonic()
        for thread in threads:
            thread.start()
        # Every reader has its answer started (or was refused), then all read on together.
        while any(r.status == 0 for r in readers) and time.monotonic() - started < 900:
            time.sleep(0.1)
        answered = time.monotonic() - started
        time.sleep(args.hold)
        stop.set()
        for thread in threads:
            thread.join(60)
    ok = [r for r in readers if r.status == 200]
    size = max((r.length for r in ok), default=0)
    shown = f"{size / 1e6:7.1f} MB" if size else "streamed  "
    others = Counter(r.status for r in readers if r.status != 200)
    if others:
        print(f"{name}: other statuses {dict(others)}", flush=True)
    print(
        f"{name:9} answer {shown}  200: {len(ok):3}/{len(readers)} (all within "
        f"{answered:5.1f} s)  "
        f"RSS before {before / 1e6:7.1f} MB  peak {sampler.peak / 1e6:7.1f} MB  "
        f"(workers' peak, in all: {sampler.peak_children / 1e6:7.1f} MB)",
        flush=True,
    )
    return {"before": before, "peak": sampler.peak, "ok": len(ok), "size": size}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--readers", type=int, default=50)
    parser.add_argument("--triples", type=int, default=10_000)
    parser.add_argument("--literal", type=int, default=1000, help="characters per literal")
    parser.add_argument("--hold", type=float, default=20.0, help="seconds each reader reads")
    parser.add_argument("--rate", type=int, default=131072, help="bytes a second per reader")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="dckg-slow-readers-") as folder:
        work = Path(folder)
        data, store, ox_dir = work / "data.nt", work / "store", work / "oxigraph"
        write_data(data, args.triples, args.literal)
        print(f"data: {args.triples} triples, {data.stat().st_size / 1e6:.1f} MB", flush=True)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "check": True}
        subprocess.run(
            [sys.executable, "-m", "dckg", "--store", str(store), "load", str(data)], **quiet
        )  # type: ignore[call-overload]
        subprocess.run(
            [oxigraph(), "load", "--location", str(ox_dir), "--file", str(data)], **quiet
        )  # type: ignore[call-overload]
        results = {}

        port = free_port()
        command = [sys.executable, "-m", "dckg", "--store", str(store), "serve"]
        env = {**os.environ, "DCKG_QUERY_QUEUE": str(args.readers + 8)}
        url = f"http://127.0.0.1:{port}/sparql"
        with running([*command, "--port", str(port)], url, env) as process:
            path = "/sparql?" + urlencode({"query": QUERY})
            results["dckg"] = measure("dckg", process.pid, port, path, args)

        port = free_port()
        command = [oxigraph(), "serve", "--location", str(ox_dir), "--union-default-graph"]
        url = f"http://127.0.0.1:{port}/query"
        with running([*command, "--bind", f"127.0.0.1:{port}"], url) as process:
            path = "/query?" + urlencode({"query": QUERY})
            results["oxigraph"] = measure("oxigraph", process.pid, port, path, args)

    ours, theirs = results["dckg"], results["oxigraph"]
    growth = (ours["peak"] - ours["before"]) / max(theirs["peak"] - theirs["before"], 1)
    print(
        f"\nratios dckg / Oxigraph: peak RSS {ours['peak'] / max(theirs['peak'], 1):.2f}x, "
        f"growth {growth:.2f}x; dckg peak {ours['peak'] / 1e6:.0f} MB "
        f"({'under' if ours['peak'] < 600e6 else 'OVER'} the 600 MB target)"
    )
    load1, load5, _ = os.getloadavg()
    print(f"cores: {os.cpu_count()}, load average: {load1:.1f} (1 min), {load5:.1f} (5 min)")


if __name__ == "__main__":
    main()
