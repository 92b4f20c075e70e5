"""The ontology as documentation: its modules, and the classes and properties of each.

Read from the ontology's named graph (``graph/ontology``), so the pages always show the
ontology the store holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pyoxigraph import BlankNode, NamedNode, Triple

from dckg.catalog.describe import COMMENTS, LABELS, TYPE, best_literal
from dckg.namespaces import DCKG, OWL, RDF, RDFS, graph
from dckg.store.base import Store

ONTOLOGY_GRAPH = graph("ontology")
#: Where the ontology's modules (each an owl:Ontology) are named.
ONTOLOGY_MODULES = "https://w3id.org/dckg/ontology/"
_DEFINED_BY = NamedNode(RDFS + "isDefinedBy")
_ONTOLOGY = NamedNode(OWL + "Ontology")
CLASS_TYPES = (NamedNode(OWL + "Class"), NamedNode(RDFS + "Class"))
PROPERTY_TYPES = (
    NamedNode(OWL + "ObjectProperty"),
    NamedNode(OWL + "DatatypeProperty"),
    NamedNode(OWL + "AnnotationProperty"),
    NamedNode(RDF + "Property"),
)


@dataclass
class Term:
    """A class or property of the ontology."""

    iri: NamedNode
    name: str
    kind: str  # "class" or "property"
    label: str
    comment: str | None


@dataclass
class Module:
    """One module (an owl:Ontology) and the terms it defines."""

    iri: NamedNode | None
    name: str
    label: str
    comment: str | None
    classes: list[Term] = field(default_factory=list)
    properties: list[Term] = field(default_factory=list)


class Vocabulary:
    """The triples of the ontology graph, indexed by subject."""

    def __init__(self, triples: list[Triple]) -> None:
        self.triples = triples
        self.by_subject: dict[object, list[Triple]] = {}
        for t in triples:
            self.by_subject.setdefault(t.subject, []).append(t)

    @classmethod
    def load(cls, store: Store) -> Vocabulary:
        """Read the ontology graph from the store."""
        seen: set[Triple] = set()
        triples = []
        for quad in store.quads(graph=ONTOLOGY_GRAPH):
            triple = Triple(quad.subject, quad.predicate, quad.object)
            if triple not in seen:
                seen.add(triple)
                triples.append(triple)
        return cls(triples)

    def objects(self, subject: object, predicate: NamedNode) -> list[object]:
        """The values of one property of one subject."""
        return [t.object for t in self.by_subject.get(subject, []) if t.predicate == predicate]

    def description(self, subject: NamedNode) -> list[Triple]:
        """The statements about ``subject``, with those of the blank nodes it leads to."""
        found: list[Triple] = []
        queue: list[object] = [subject]
        done: set[object] = set()
        while queue:
            node = queue.pop(0)
            if node in done:
                continue
            done.add(node)
            for t in self.by_subject.get(node, []):
                found.append(t)
                if isinstance(t.object, BlankNode):
                    queue.append(t.object)
        return found

    def term(self, name: str) -> Term | None:
        """The term ``dckg:{name}``, if the ontology defines it."""
        iri = NamedNode(DCKG + name)
        types = self.objects(iri, TYPE)
        if any(t in CLASS_TYPES for t in types):
            return self._term(iri, "class")
        if any(t in PROPERTY_TYPES for t in types):
            return self._term(iri, "property")
        return None

    def module(self, name: str) -> NamedNode | None:
        """The module IRI ``…/ontology/{name}``, if it is an owl:Ontology here."""
        iri = NamedNode(ONTOLOGY_MODULES + name)
        return iri if _ONTOLOGY in self.objects(iri, TYPE) else None

    def _term(self, iri: NamedNode, kind: str) -> Term:
        name = iri.value[len(DCKG) :]
        label = _first(self, iri, LABELS) or name
        return Term(iri, name, kind, label, _first(self, iri, COMMENTS))

    def modules(self) -> list[Module]:
        """Every module with its terms, sorted; terms no module claims go to 'other'."""
        modules: dict[object, Module] = {}
        for subject in self.by_subject:
            if isinstance(subject, NamedNode) and _ONTOLOGY in self.objects(subject, TYPE):
                name = subject.value.rstrip("/#").rsplit("/", 1)[-1]
                modules[subject] = Module(
                    subject,
                    name,
                    _first(self, subject, LABELS) or name,
                    _first(self, subject, COMMENTS),
                )
        other = Module(None, "other", "Other terms", None)
        for subject in self.by_subject:
            if not isinstance(subject, NamedNode) or not subject.value.startswith(DCKG):
                continue
            term = self.term(subject.value[len(DCKG) :])
            if term is None:
                continue
            owners = [m for m in self.objects(subject, _DEFINED_BY) if m in modules]
            module = modules[owners[0]] if owners else other
            (module.classes if term.kind == "class" else module.properties).append(term)
        result = sorted(modules.values(), key=lambda m: m.name)
        if other.classes or other.properties:
            result.append(other)
        for module in result:
            module.classes.sort(key=lambda t: t.name.lower())
            module.properties.sort(key=lambda t: t.name.lower())
        return result

    def subjects_with(self, predicate: NamedNode, value: NamedNode) -> list[NamedNode]:
        """The IRIs having ``predicate value`` (e.g. subclasses, properties of a domain)."""
        found = {
            t.subject
            for t in self.triples
            if t.predicate == predicate and t.object == value and isinstance(t.subject, NamedNode)
        }
        return sorted(found, key=lambda n: n.value)


def _first(
    vocabulary: Vocabulary, subject: object, predicates: tuple[NamedNode, ...]
) -> str | None:
    for predicate in predicates:
        value = best_literal(vocabulary.objects(subject, predicate))
        if value:
            return value
    return None
