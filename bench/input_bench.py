"""Hostile-input benchmark: what refusing XML entity expansion and gzip bombs costs, against
Oxigraph's parser left to expand and the standard library's gzip left to unpack, and what
the RDF/XML and JSON-LD checks add to honest files.

Run on purpose, not by the tests:

    python bench/input_bench.py [--repeat 5] [--records 2000]

Each measurement runs in a fresh process, so its peak memory (``ru_maxrss``) is its own;
the unguarded parser runs under an address-space cap of 4 GiB so that it fails instead of
taking the machine. It prints one table; docs/security.md quotes it.
"""

from __future__ import annotations

import argparse
import json
import math
import multiprocessing
import os
import resource
import statistics
import time
from pathlib import Path

LAUGHS = Path(__file__).resolve().parents[1] / "tests" / "data" / "inputs" / "billion-laughs.rdf"
RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def laughs(levels: int) -> bytes:
    """The classic document with ``levels`` levels of ten references (3 × 10^(levels-1) chars)."""
    entities = ['<!ENTITY l0 "lol">'] + [
        f'<!ENTITY l{i} "' + f"&l{i - 1};" * 10 + '">' for i in range(1, levels)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(entities) + "\n]>\n"
        f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:s="http://www.w3.org/2000/01/rdf-schema#">'
        '<rdf:Description rdf:about="https://w3id.org/dckg/id/x">'
        f"<s:label>&l{levels - 1};</s:label></rdf:Description></rdf:RDF>\n"
    ).encode()


def honest_rdfxml(records: int) -> bytes:
    """An RDF/XML file of ``records`` partnerships, namespace entities as tools write them."""
    rows = [
        f'<dckg:Partnership rdf:about="&id;partnership/b{i}"><rdfs:label>Partnership {i}'
        f'</rdfs:label><dckg:partner rdf:resource="&id;city/geonames-{i}"/>'
        f'<dckg:partner rdf:resource="&id;city/geonames-{i + 1}"/>'
        f'<dckg:startDate rdf:datatype="&xsd;gYear">{1990 + i % 30}</dckg:startDate>'
        "</dckg:Partnership>"
        for i in range(records)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
        '<!ENTITY xsd "http://www.w3.org/2001/XMLSchema#">\n'
        '<!ENTITY id "https://w3id.org/dckg/id/">\n]>\n'
        f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#" '
        'xmlns:dckg="https://w3id.org/dckg/ontology#">\n' + "\n".join(rows) + "\n</rdf:RDF>\n"
    ).encode()


def honest_jsonld(records: int) -> bytes:
    context = {
        "dckg": "https://w3id.org/dckg/ontology#",
        "label": "http://www.w3.org/2000/01/rdf-schema#label",
        "partner": {"@id": "dckg:partner", "@type": "@id"},
        "start": {"@id": "dckg:startDate", "@type": "http://www.w3.org/2001/XMLSchema#gYear"},
    }
    graph = [
        {
            "@id": f"https://w3id.org/dckg/id/partnership/b{i}",
            "@type": "dckg:Partnership",
            "label": f"Partnership {i}",
            "partner": [
                f"https://w3id.org/dckg/id/city/geonames-{i}",
                f"https://w3id.org/dckg/id/city/geonames-{i + 1}",
            ],
            "start": str(1990 + i % 30),
        }
        for i in range(records)
    ]
    return json.dumps({"@context": context, "@graph": graph}).encode()


def deep_rdfxml(levels: int) -> bytes:
    """Nodes in properties in nodes, ``levels`` elements deep (no entity, valid RDF/XML)."""
    pairs = levels // 2
    return (
        f'<rdf:RDF xmlns:rdf="{RDF_NS}" xmlns:s="http://www.w3.org/2000/01/rdf-schema#">'
        + '<rdf:Description rdf:about="http://e/n"><s:seeAlso>' * pairs
        + '<rdf:Description rdf:about="http://e/leaf"/>'
        + "</s:seeAlso></rdf:Description>" * pairs
        + "</rdf:RDF>"
    ).encode()


def gzip_bomb(members: int) -> bytes:
    """Gzip members of 64 MiB of spaces each (valid, empty Turtle): about 65 KB a member."""
    import zlib

    chunk, parts = b" " * (1 << 20), []
    for _ in range(members):
        packer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        parts += [packer.compress(chunk) for _ in range(64)] + [packer.flush()]
    return b"".join(parts)


def _unpack(job: str, data: bytes) -> str:
    """Unpack a gzip file as dckg does (bounded) or as the standard library does."""
    import gzip

    from dckg import rdfio

    if job == "dckg-gunzip":
        return f"{len(rdfio.gunzip(data, max_bytes=rdfio.DEFAULT_MAX_INPUT_BYTES, source='b')):,}"
    return f"unpacked: {len(gzip.decompress(data)):,} bytes"


# -- one measurement per process -----------------------------------------------------------


def _measure(job: str, data: bytes, out: multiprocessing.Queue) -> None:
    if job.endswith("unguarded"):
        limit = 4 * 1024**3
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        # when the allocation fails, the parser aborts with a long backtrace: not ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
    from pyoxigraph import RdfFormat, parse

    from dckg import rdfio
    from dckg.errors import InputError

    rdf_format = RdfFormat.JSON_LD if job.endswith("jsonld") else RdfFormat.RDF_XML
    base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    outcome = "parsed"
    try:
        if "gunzip" in job:
            outcome = _unpack(job, data)
        elif job.startswith("dckg"):
            count = sum(1 for _ in rdfio.parse_quads(data, rdf_format, source="bench"))
            outcome = f"{count:,} quads"
        else:
            count = sum(1 for _ in parse(data, rdf_format))
            outcome = f"{count:,} quads"
    except InputError:
        outcome = "refused"
    except MemoryError:
        outcome = "out of memory (4 GiB cap)"
    except Exception as error:  # the bench reports whatever happened
        outcome = type(error).__name__
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out.put((elapsed, peak / 1024, (peak - base) / 1024, outcome))


def measure(job: str, data: bytes, repeat: int) -> tuple[float, float, float, str]:
    context = multiprocessing.get_context("spawn")
    runs = []
    for _ in range(repeat):
        queue: multiprocessing.Queue = context.Queue()
        process = context.Process(target=_measure, args=(job, data, queue))
        process.start()
        process.join(600)
        if process.exitcode == 0:
            runs.append(queue.get(timeout=5))
        else:
            runs.append((math.nan, math.nan, math.nan, "aborted: out of memory (4 GiB cap)"))
    times = [r[0] for r in runs]
    return statistics.median(times), max(r[1] for r in runs), max(r[2] for r in runs), runs[0][3]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--records", type=int, default=2000)
    args = parser.parse_args()

    attack = LAUGHS.read_bytes()
    smaller = laughs(8)  # 3 × 10^8 characters: what an unguarded parser can still survive
    rdfxml, jsonld = honest_rdfxml(args.records), honest_jsonld(args.records)
    bomb = gzip_bomb(8)  # 512 MiB unpacked
    deep = deep_rdfxml(20_000)
    rows = [
        ("RDF/XML nested 20,000 elements deep", "dckg", deep, args.repeat),
        ("RDF/XML nested 10,000 elements deep", "oxigraph", deep_rdfxml(10_000), 1),
        ("RDF/XML nested 20,000 elements deep", "oxigraph", deep, 1),
        ("gzip bomb, 512 MiB of spaces", "dckg-gunzip", bomb, args.repeat),
        ("gzip bomb, 512 MiB of spaces", "stdlib-gunzip-unguarded", bomb, 1),
        ("billion laughs, 9 levels (tests/data)", "dckg", attack, args.repeat),
        ("billion laughs, 8 levels", "dckg", smaller, args.repeat),
        ("billion laughs, 8 levels", "oxigraph-unguarded", smaller, 1),
        ("billion laughs, 9 levels (tests/data)", "oxigraph-unguarded", attack, 1),
        (f"RDF/XML, {args.records:,} partnerships", "dckg", rdfxml, args.repeat),
        (f"RDF/XML, {args.records:,} partnerships", "oxigraph", rdfxml, args.repeat),
        (f"JSON-LD, {args.records:,} partnerships", "dckg-jsonld", jsonld, args.repeat),
        (f"JSON-LD, {args.records:,} partnerships", "oxigraph-jsonld", jsonld, args.repeat),
    ]
    print(
        f"| input | bytes | parser | outcome | time (median of {args.repeat}) "
        "| process peak RSS | growth |"
    )
    print("|---|---:|---|---|---:|---:|---:|")
    for name, job, data, repeat in rows:
        elapsed, peak, grown, outcome = measure(job, data, repeat)
        print(
            f"| {name} | {len(data):,} | {job} | {outcome} | {elapsed * 1000:,.1f} ms "
            f"| {peak:,.0f} MB | {grown:,.0f} MB |"
        )


if __name__ == "__main__":
    main()
