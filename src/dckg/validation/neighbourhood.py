"""The part of the store a contribution touches, fetched with bound SPARQL.

A contribution is validated together with what the store already says about the things
it names, not with the whole graph, so the cost grows with the contribution, not the
store. What is fetched:

1. every statement whose subject is an IRI the contribution names (as subject, or as
   object of anything but ``rdf:type``): their types, labels, countries, …;
2. for the contribution's subjects that the store already holds, the statements about
   the things those point to (so that a city's geometry is there when the city is
   validated);
3. the statements that point *to* the contribution's subjects with the few properties
   the shapes follow backwards (``dckg:result``, ``dckg:funding``, ``dckg:participation``).

IRIs travel in ``VALUES`` blocks of terms serialised by pyoxigraph, in chunks, never
pasted into query text by hand.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from pyoxigraph import NamedNode, Triple

from dckg.namespaces import DCKG, RDF
from dckg.store.base import Store

_TYPE = NamedNode(RDF + "type")
#: Properties some shape follows from object to subject (``sh:inversePath``).
INVERSE_PATHS = (
    NamedNode(DCKG + "result"),
    NamedNode(DCKG + "funding"),
    NamedNode(DCKG + "participation"),
)
CHUNK = 400

_OUTGOING = "SELECT ?s ?p ?o WHERE { VALUES ?s { %s } ?s ?p ?o }"
_INCOMING = "SELECT ?s ?o WHERE { VALUES ?o { %s } ?s %s ?o }"


def named(triples: Iterable[Triple]) -> tuple[set[NamedNode], set[NamedNode]]:
    """The IRIs a contribution names: (subjects, objects other than classes)."""
    subjects: set[NamedNode] = set()
    objects: set[NamedNode] = set()
    for t in triples:
        if isinstance(t.subject, NamedNode):
            subjects.add(t.subject)
        if isinstance(t.object, NamedNode) and t.predicate != _TYPE:
            objects.add(t.object)
    return subjects, objects


def neighbourhood(store: Store, triples: Sequence[Triple]) -> list[Triple]:
    """What ``store`` says about the things ``triples`` name (see the module docs)."""
    subjects, objects = named(triples)
    first = outgoing(store, subjects | objects)
    reached = {
        t.object
        for t in first
        if t.subject in subjects and isinstance(t.object, NamedNode) and t.predicate != _TYPE
    }
    second = outgoing(store, reached - subjects - objects)
    back = incoming(store, subjects, INVERSE_PATHS)
    return first + second + back


def outgoing(store: Store, nodes: Iterable[NamedNode]) -> list[Triple]:
    """Every statement of the store whose subject is one of ``nodes``."""
    found: list[Triple] = []
    for chunk in _chunks(sorted(nodes, key=lambda n: n.value)):
        query = _OUTGOING % _values(chunk)
        found += [Triple(r["s"], r["p"], r["o"]) for r in store.query(query)]
    return found


def incoming(
    store: Store, nodes: Iterable[NamedNode], predicates: Sequence[NamedNode]
) -> list[Triple]:
    """The statements of the store that point to ``nodes`` with one of ``predicates``."""
    found: list[Triple] = []
    ordered = sorted(nodes, key=lambda n: n.value)
    for predicate in predicates:  # one property at a time: a VALUES of properties plans badly
        for chunk in _chunks(ordered):
            query = _INCOMING % (_values(chunk), predicate)
            found += [Triple(r["s"], predicate, r["o"]) for r in store.query(query)]
    return found


def _values(terms: Sequence[NamedNode]) -> str:
    """Terms for a VALUES block, each serialised by pyoxigraph (valid N-Triples)."""
    return " ".join(str(term) for term in terms)


def _chunks(items: list[NamedNode]) -> Iterable[list[NamedNode]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


__all__ = ["INVERSE_PATHS", "incoming", "named", "neighbourhood", "outgoing"]
