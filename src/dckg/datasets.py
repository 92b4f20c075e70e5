"""The description of one of the graph's data sets: its named graph as a ``dcat:Dataset``.

Every importer and the official lists of the reconciler (:mod:`dckg.reconcile.istat`,
:mod:`dckg.reconcile.official`) describe their graphs with it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from pyoxigraph import Literal, NamedNode, Triple

from dckg.namespaces import DCAT, DCT, PROV, RDF

_A = NamedNode(RDF + "type")


def dataset_triples(
    graph_iri: NamedNode,
    *,
    title: str,
    description: str,
    sources: Iterable[NamedNode],
    licence: NamedNode,
    citation: str | None = None,
    publisher: str | None = None,
    derived_from: NamedNode | None = None,
) -> Iterator[Triple]:
    """A data set's graph node: ``dcat:Dataset``, title, description, sources, licence and,
    when given, the attribution text its licence asks for, the publisher of a compilation
    and what it is derived from (``prov:wasDerivedFrom``)."""
    yield Triple(graph_iri, _A, NamedNode(DCAT + "Dataset"))
    yield Triple(graph_iri, NamedNode(DCT + "title"), Literal(title, language="en"))
    yield Triple(graph_iri, NamedNode(DCT + "description"), Literal(description, language="en"))
    for source in sources:
        yield Triple(graph_iri, NamedNode(DCT + "source"), source)
    yield Triple(graph_iri, NamedNode(DCT + "license"), licence)
    if citation is not None:
        yield Triple(
            graph_iri, NamedNode(DCT + "bibliographicCitation"), Literal(citation, language="en")
        )
    if publisher is not None:
        yield Triple(graph_iri, NamedNode(DCT + "publisher"), Literal(publisher))
    if derived_from is not None:
        yield Triple(graph_iri, NamedNode(PROV + "wasDerivedFrom"), derived_from)


__all__ = ["dataset_triples"]
