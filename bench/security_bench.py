"""Query-side limits under attack: fair sharing and the memory cap, measured.

Starts ``dckg serve`` (memory store, initialised with the shipped data) on a free loopback
port and measures:

1. the latency of a small query from one client, alone (the peer), then while another
   client keeps 8 runaway queries going (a cartesian product, resubmitted as each ends):
   p50 / p99 / max, and the ratio to the peer (after 20 requests to warm up);
2. the ``ORDER BY`` attack (``SELECT * { ?s ?p ?o . ?a ?b ?c } ORDER BY ?o ?c LIMIT 1``)
   against the per-worker memory cap: the status, how long until it was refused, and the
   worker's peak memory (sampled ``VmData``, and ``VmHWM``) against the cap.

Clients are told apart by address: the attacker speaks from 127.0.0.2, the other client
from 127.0.0.3. Prints a table.

    python bench/security_bench.py [--small 200] [--memory-mb 512] [--timeout 20]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

SMALL = "ASK { ?c a dckg:Country ; rdfs:label ?l }"
#: Minutes of work in little memory: every pair of cities, counted.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a a dckg:City . ?b a dckg:City FILTER(?a != ?b) }"
ORDER_BY = "SELECT * { ?s ?p ?o . ?a ?b ?c } ORDER BY ?o ?c LIMIT 1"
ATTACKER, OTHER = "127.0.0.2", "127.0.0.3"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def server(*options: str) -> Iterator[tuple[str, int]]:
    """``dckg serve`` on a memory store; yields its base URL and process id."""
    port = free_port()
    env = {**os.environ, "DCKG_STORE": "memory"}
    process = subprocess.Popen(
        [sys.executable, "-m", "dckg", "serve", "--port", str(port), *options],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                httpx.get(url + "/sparql", params={"query": "ASK {}"}, timeout=2)
                break
            except httpx.TransportError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.2)
        yield url, process.pid
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def client(url: str, address: str) -> httpx.Client:
    transport = httpx.HTTPTransport(local_address=address)
    return httpx.Client(base_url=url, transport=transport, timeout=120)


def small_latencies(url: str, n: int) -> list[float]:
    out = []
    with client(url, OTHER) as c:
        for _ in range(n):
            started = time.perf_counter()
            response = c.get("/sparql", params={"query": SMALL})
            out.append(time.perf_counter() - started)
            if response.status_code != 200:
                raise SystemExit(f"small query: {response.status_code} {response.text[:200]}")
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def under_runaways(url: str, n: int, runaways: int) -> tuple[list[float], dict[int, int]]:
    stop = threading.Event()
    statuses: dict[int, int] = {}
    lock = threading.Lock()

    def attack() -> None:
        with client(url, ATTACKER) as c:
            while not stop.is_set():
                try:
                    status = c.get("/sparql", params={"query": RUNAWAY}).status_code
                except httpx.TransportError:
                    status = 0
                with lock:
                    statuses[status] = statuses.get(status, 0) + 1
                if status == 503:
                    time.sleep(0.2)

    threads = [threading.Thread(target=attack, daemon=True) for _ in range(runaways)]
    for thread in threads:
        thread.start()
    time.sleep(2.0)  # the wall is up: every worker the attacker may have is busy
    try:
        latencies = small_latencies(url, n)
    finally:
        stop.set()
    return latencies, statuses


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def memory_attack(url: str, server_pid: int) -> dict[str, float]:
    workers = [p for p in children(server_pid) if status_kib(p, "VmData")]
    base = {p: status_kib(p, "VmData") for p in workers}
    peak_data: dict[int, int] = dict(base)
    peak_rss: dict[int, int] = {p: status_kib(p, "VmRSS") for p in workers}
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            for p in workers:
                peak_data[p] = max(peak_data[p], status_kib(p, "VmData"))
                peak_rss[p] = max(peak_rss[p], status_kib(p, "VmHWM"), status_kib(p, "VmRSS"))
            time.sleep(0.01)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    with client(url, OTHER) as c:
        started = time.perf_counter()
        response = c.get("/sparql", params={"query": ORDER_BY})
        took = time.perf_counter() - started
        after = c.get("/sparql", params={"query": SMALL}).status_code
    done.set()
    sampler.join()
    grown = max(workers, key=lambda p: peak_data[p] - base[p])
    return {
        "status": response.status_code,
        "seconds": took,
        "base_mib": base[grown] / 1024,
        "peak_data_mib": peak_data[grown] / 1024,
        "growth_mib": (peak_data[grown] - base[grown]) / 1024,
        "peak_rss_mib": peak_rss[grown] / 1024,
        "after": after,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", type=int, default=200, help="small queries per run")
    parser.add_argument("--runaways", type=int, default=8)
    parser.add_argument("--memory-mb", type=int, default=512, help="DCKG_QUERY_MEMORY_MB")
    parser.add_argument("--timeout", type=float, default=20.0, help="DCKG_QUERY_TIMEOUT")
    args = parser.parse_args()
    options = ("--query-timeout", str(args.timeout), "--query-memory-mb", str(args.memory_mb))
    print(f"dckg serve on a memory store, {os.cpu_count()} cores, default workers")
    with server(*options) as (url, pid):
        small_latencies(url, 20)
        alone = small_latencies(url, args.small)
        loaded, statuses = under_runaways(url, args.small, args.runaways)
        time.sleep(args.timeout + 2)  # the wall's last queries end
        after = small_latencies(url, args.small)
        memory = memory_attack(url, pid)
    print()
    print(f"small query ({SMALL!r}), {args.small} sequential requests from one client")
    print(f"{'':46} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    rows = (
        ("alone (the peer)", alone),
        (f"while another client runs {args.runaways} runaways", loaded),
        ("alone again, after the wall", after),
    )
    for label, values in rows:
        p50, p99 = percentile(values, 0.5) * 1000, percentile(values, 0.99) * 1000
        print(f"{label:46} {p50:8.1f} {p99:8.1f} {max(values) * 1000:8.1f}")
    ratio = percentile(loaded, 0.99) / max(percentile(alone, 0.99), percentile(after, 0.99))
    print(f"p99 under attack / p99 alone: {ratio:.1f}x (target: p99 < 100 ms)")
    print(f"the attacker's answers by status: {dict(sorted(statuses.items()))}")
    print()
    print(f"ORDER BY attack, cap {args.memory_mb} MiB per query (DCKG_QUERY_MEMORY_MB)")
    print(
        f"  answer: {memory['status']} after {memory['seconds']:.2f} s; next query: "
        f"{memory['after']}"
    )
    within = "within" if memory["growth_mib"] <= args.memory_mb else "OVER"
    print(
        f"  worker VmData: base {memory['base_mib']:.0f} MiB, peak "
        f"{memory['peak_data_mib']:.0f} MiB, growth {memory['growth_mib']:.0f} MiB "
        f"(cap {args.memory_mb} MiB: {within})"
    )
    print(f"  worker peak RSS (VmHWM, shared pages included): {memory['peak_rss_mib']:.0f} MiB")


if __name__ == "__main__":
    main()
