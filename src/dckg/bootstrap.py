"""``dckg init``: put the ontology and the reference data into a store.

Each source goes to its own named graph: ``graph/ontology`` for the ontology modules,
``graph/reference/{name}`` for each reference data set (the files in ``data/`` and the
graphs generated from packages). Re-running is cheap and safe: a graph whose source has
not changed (same SHA-256) is left alone; a changed one is replaced whole.

``graph/reference/places`` is built last, from the data files loaded before it: it
describes, once, every GeoNames place of fewer than 15,000 people that they refer to
(the data files themselves only refer to places by IRI).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Quad, Triple

from dckg import rdfio
from dckg.fingerprints import package_fingerprint
from dckg.namespaces import DCT, GRAPH, RDF, VOID, XSD, graph
from dckg.reference import GENERATED, PLACES_GRAPH, place_triples, referred_places
from dckg.resources import resource_dir
from dckg.store.base import Store

#: Where init records which source each graph was built from.
META_GRAPH = graph("meta")
_CHECKSUM = NamedNode("http://www.w3.org/ns/dcat#checksum")
_MODIFIED = NamedNode(DCT + "modified")
_TRIPLES = NamedNode(VOID + "triples")

#: Reported per graph: (graph IRI, state, quad count) with state loaded/unchanged.
Report = Callable[[str, str, int], None]


@dataclass(frozen=True)
class Source:
    """One graph to build: its IRI, a fingerprint, and how to get its triples (from the
    store as it is once the graphs before it are loaded)."""

    graph: NamedNode
    fingerprint: str
    triples: Callable[[Store], Iterable[Triple | Quad]]


def sources() -> list[Source]:
    """Every graph ``init`` builds, in load order."""
    found: list[Source] = []
    ontology_files = sorted(resource_dir("ontology").glob("*.ttl"))
    found.append(
        Source(
            graph("ontology"), _fingerprint(ontology_files), lambda _: _parse_all(ontology_files)
        )
    )
    data: list[Source] = []
    for path in _data_files(resource_dir("data")):
        stem = path.name.split(".")[0]
        data.append(
            Source(
                graph(f"reference/{stem}"),
                _fingerprint([path]),
                lambda _, path=path: _parse_all([path]),
            )
        )
    found.extend(data)
    for key, generator in GENERATED.items():
        found.append(Source(graph(key), package_fingerprint(key), lambda _, g=generator: g()))
    paths = _data_files(resource_dir("data"))
    digest = hashlib.sha256(package_fingerprint("reference/places").encode())
    for source in data:
        digest.update(f" {source.graph.value}={source.fingerprint}".encode())
    found.append(
        Source(
            PLACES_GRAPH,
            "sha256:" + digest.hexdigest(),
            lambda _: place_triples(referred_places(_parse_all(paths))),
        )
    )
    return found


def initialise(
    store: Store,
    *,
    force: bool = False,
    report: Report | None = None,
    progress: Callable[[str], Callable[[int], None]] | None = None,
) -> dict[str, int]:
    """Load every source whose graph is missing or out of date; returns graph -> quads."""
    counts: dict[str, int] = {}
    for source in sources():
        if not force and _recorded(store, source.graph) == source.fingerprint:
            counts[source.graph.value] = store.count(source.graph)
            if report:
                report(source.graph.value, "unchanged", counts[source.graph.value])
            continue
        tick = progress(source.graph.value) if progress else None
        n = store.replace_graph(source.graph, source.triples(store), progress=tick)
        _record(store, source.graph, source.fingerprint, n)
        counts[source.graph.value] = n
        if report:
            report(source.graph.value, "loaded", n)
    describe_meta(store)
    return counts


def is_initialised(store: Store) -> bool:
    """Whether ``init`` has run on this store."""
    return any(True for _ in store.quads(None, _CHECKSUM, None, META_GRAPH))


def _data_files(folder: Path) -> list[Path]:
    accepted = {".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf"}
    files = []
    for path in sorted(folder.iterdir()):
        suffixes = [s for s in path.suffixes if s != ".gz"]
        if path.is_file() and suffixes and suffixes[-1] in accepted:
            files.append(path)
    return files


def _parse_all(paths: list[Path]) -> Iterator[Quad]:
    for path in paths:
        data = rdfio.read_bytes(path, max_bytes=rdfio.SHIPPED_MAX_BYTES)
        yield from rdfio.parse_quads(data, rdfio.guess_format(path), source=path)


def _fingerprint(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(rdfio.read_bytes(path, max_bytes=rdfio.SHIPPED_MAX_BYTES))
    return "sha256:" + digest.hexdigest()


def _recorded(store: Store, graph_iri: NamedNode) -> str | None:
    for quad in store.quads(graph_iri, _CHECKSUM, None, META_GRAPH):
        return quad.object.value
    return None


#: The project's own licence (``pyproject.toml``), under which the load records are given.
PROJECT_LICENCE = NamedNode("http://spdx.org/licenses/EUPL-1.2")


def describe_meta(store: Store) -> None:
    """State in the meta graph what it is, its licence and its attribution (as every
    graph does); it has no source of its own outside the store."""
    text = "The load records of dckg: when each graph was loaded, from which version of "
    text += "its source (SHA-256) and how many triples it holds."
    store.add_quads(
        Quad(META_GRAPH, NamedNode(p), o, META_GRAPH)
        for p, o in (
            (RDF + "type", NamedNode("http://www.w3.org/ns/dcat#Dataset")),
            (DCT + "title", Literal("Load records", language="en")),
            (DCT + "description", Literal(text, language="en")),
            (DCT + "license", PROJECT_LICENCE),
            (DCT + "bibliographicCitation", Literal("dckg load records, EUPL-1.2", language="en")),
        )
    )


def record_modified(store: Store, graph_iri: NamedNode | None) -> None:
    """Note in the meta graph that ``graph_iri`` (None: some graphs of a dataset file)
    changed now, so that the dataset's ``dct:modified`` follows every load."""
    node = graph_iri or META_GRAPH
    store.remove_quads(list(store.quads(node, _MODIFIED, None, META_GRAPH)))
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    store.add_quads(
        [Quad(node, _MODIFIED, Literal(now, datatype=NamedNode(XSD + "dateTime")), META_GRAPH)]
    )
    describe_meta(store)


def _record(store: Store, graph_iri: NamedNode, fingerprint: str, count: int) -> None:
    describe_meta(store)
    store.remove_quads(list(store.quads(graph_iri, None, None, META_GRAPH)))
    now = datetime.now(UTC).replace(microsecond=0).isoformat()
    store.add_quads(
        [
            Quad(graph_iri, NamedNode(RDF + "type"), NamedNode(VOID + "Dataset"), META_GRAPH),
            Quad(graph_iri, _CHECKSUM, Literal(fingerprint), META_GRAPH),
            Quad(
                graph_iri, _MODIFIED, Literal(now, datatype=NamedNode(XSD + "dateTime")), META_GRAPH
            ),
            Quad(
                graph_iri,
                _TRIPLES,
                Literal(str(count), datatype=NamedNode(XSD + "integer")),
                META_GRAPH,
            ),
        ]
    )


__all__ = [
    "GRAPH",
    "META_GRAPH",
    "PROJECT_LICENCE",
    "Source",
    "describe_meta",
    "initialise",
    "is_initialised",
    "record_modified",
    "sources",
]
