"""The shapes graph (``shapes/*.ttl``) and what validation needs from the ontology."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

import rdflib

from dckg.resources import resource_dir

SHAPES_IRI = "https://w3id.org/dckg/shapes"


def shape_files(folder: Path | None = None) -> list[Path]:
    """The shapes modules, sorted by name."""
    return sorted((folder or resource_dir("shapes")).glob("*.ttl"))


@lru_cache(maxsize=4)
def load_shapes(folder: Path | None = None) -> rdflib.Graph:
    """All shapes modules in one rdflib graph (our own files: trusted input)."""
    graph = rdflib.Graph()
    for path in shape_files(folder):
        graph.parse(path, format="turtle")
    return graph


@lru_cache(maxsize=4)
def shapes_version(folder: Path | None = None) -> str:
    """``{owl:versionInfo}+sha256.{first 12 hex digits of the shapes files}``."""
    digest = hashlib.sha256()
    for path in shape_files(folder):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    graph = load_shapes(folder)
    info = graph.value(rdflib.URIRef(SHAPES_IRI), rdflib.OWL.versionInfo)
    return f"{info or '0'}+sha256.{digest.hexdigest()[:12]}"


@lru_cache(maxsize=1)
def class_hierarchy() -> tuple[tuple[str, str], ...]:
    """The ``rdfs:subClassOf`` pairs between named classes of the shipped ontology.

    pySHACL follows them in the data graph for ``sh:targetClass`` and ``sh:class``.
    """
    graph = rdflib.Graph()
    for path in sorted(resource_dir("ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    pairs = []
    for sub, sup in graph.subject_objects(rdflib.RDFS.subClassOf):
        if isinstance(sub, rdflib.URIRef) and isinstance(sup, rdflib.URIRef):
            pairs.append((str(sub), str(sup)))
    return tuple(sorted(pairs))


__all__ = [
    "SHAPES_IRI",
    "class_hierarchy",
    "load_shapes",
    "shape_files",
    "shapes_version",
]
