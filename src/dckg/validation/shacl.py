"""A small, fast SHACL engine for validating a contribution and its neighbourhood.

pySHACL is the reference implementation, but it spends milliseconds per focus node and
re-parses a SPARQL constraint for every node it checks, which makes a 1,000-row
contribution take minutes. This module compiles the shapes graph once into plain Python
objects and evaluates them over an index of the (small) data graph; SPARQL-based
constraints run on Oxigraph, once per constraint, with ``$this`` left free and the rows
kept for the focus nodes in question.

It implements the part of SHACL Core and SHACL-SPARQL the shapes in ``shapes/`` use:

targets      sh:targetClass (following rdfs:subClassOf), sh:targetSubjectsOf,
             sh:targetObjectsOf, sh:targetNode
paths        an IRI, or [ sh:inversePath IRI ]
constraints  sh:class, sh:datatype, sh:nodeKind, sh:minCount, sh:maxCount,
             sh:minInclusive, sh:maxInclusive, sh:minExclusive, sh:maxExclusive,
             sh:minLength, sh:maxLength, sh:pattern (+ sh:flags), sh:in, sh:hasValue,
             sh:node, sh:property, sh:or, sh:and, sh:not, sh:sparql (SELECT)
results      sh:severity, sh:message (with {?var} templates), sh:deactivated

A shapes graph that uses anything else is refused when it is compiled (``ValueError``),
never silently half-checked. The test suite runs every example through both this engine
and pySHACL and requires the same results.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import rdflib
import rdflib.collection
from pyoxigraph import BlankNode, Literal, NamedNode, Quad, Store, Triple

from dckg.namespaces import RDF, RDFS, SH, XSD

_SH = rdflib.Namespace(SH)
_TYPE = NamedNode(RDF + "type")
_SUBCLASS = NamedNode(RDFS + "subClassOf")
_LANG_STRING = RDF + "langString"

Node = NamedNode | BlankNode
Term = NamedNode | BlankNode | Literal

_PARAMETERS = {
    "class": "ClassConstraintComponent",
    "datatype": "DatatypeConstraintComponent",
    "nodeKind": "NodeKindConstraintComponent",
    "minCount": "MinCountConstraintComponent",
    "maxCount": "MaxCountConstraintComponent",
    "minInclusive": "MinInclusiveConstraintComponent",
    "maxInclusive": "MaxInclusiveConstraintComponent",
    "minExclusive": "MinExclusiveConstraintComponent",
    "maxExclusive": "MaxExclusiveConstraintComponent",
    "minLength": "MinLengthConstraintComponent",
    "maxLength": "MaxLengthConstraintComponent",
    "pattern": "PatternConstraintComponent",
    "in": "InConstraintComponent",
    "hasValue": "HasValueConstraintComponent",
    "node": "NodeConstraintComponent",
    "or": "OrConstraintComponent",
    "and": "AndConstraintComponent",
    "not": "NotConstraintComponent",
}
_UNSUPPORTED = (
    "closed xone equals disjoint lessThan lessThanOrEquals uniqueLang qualifiedValueShape "
    "qualifiedMinCount qualifiedMaxCount languageIn target rule"
).split()
_STRUCTURE = {"path", "property", "sparql", "severity", "message", "deactivated", "flags",
              "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "name",
              "description", "order", "group", "defaultValue", "declare", "prefixes"}  # fmt: skip


# -- the compiled shapes -------------------------------------------------------------


@dataclass(frozen=True)
class SparqlConstraint:
    query: str
    message: str | None


@dataclass
class Shape:
    node: Node
    severity: str = "Violation"
    message: str | None = None
    path: NamedNode | None = None
    inverse: bool = False
    #: (target kind, IRI or key of the target)
    targets: list[tuple[str, str]] = field(default_factory=list)
    #: (parameter name, value) in the order the engine checks them.
    constraints: list[tuple[str, object]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    sparql: list[SparqlConstraint] = field(default_factory=list)
    deactivated: bool = False


@dataclass(frozen=True)
class Result:
    """One validation result, as SHACL defines it."""

    focus: Node
    severity: str
    message: str
    component: NamedNode
    shape: Node
    path: NamedNode | None = None
    inverse: bool = False
    value: Term | None = None


class Shapes:
    """A shapes graph, compiled once."""

    def __init__(self, graph: rdflib.Graph) -> None:
        self._graph = graph
        self._compiled: dict[rdflib.term.Node, Shape] = {}
        self.prefixes = _declared_prefixes(graph)
        roots = set(graph.subjects(rdflib.RDF.type, _SH.NodeShape))
        for predicate in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode"):
            roots |= set(graph.subjects(_SH[predicate], None))
        self.roots = [self._shape(node) for node in sorted(roots, key=str)]
        self.roots = [s for s in self.roots if s.targets and not s.deactivated]
        self._by_target: dict[tuple[str, str], list[int]] | None = None

    # -- compiling -------------------------------------------------------------------

    def _shape(self, node: rdflib.term.Node) -> Shape:
        if node in self._compiled:
            return self._compiled[node]
        g = self._graph
        shape = Shape(_ox(node))  # type: ignore[arg-type]
        self._compiled[node] = shape
        for predicate, value in g.predicate_objects(node):
            if not str(predicate).startswith(SH):
                continue
            name = str(predicate)[len(SH) :]
            if name in _UNSUPPORTED:
                raise ValueError(f"shape {node}: sh:{name} is not supported by this engine")
            if name in _PARAMETERS:
                shape.constraints.append((name, self._parameter(name, value)))
            elif name not in _STRUCTURE:
                raise ValueError(f"shape {node}: unknown SHACL term sh:{name}")
        shape.deactivated = g.value(node, _SH.deactivated) == rdflib.Literal(True)
        severity = g.value(node, _SH.severity)
        if severity is not None:
            shape.severity = str(severity)[len(SH) :]
        shape.message = _message(g, node)
        path = g.value(node, _SH.path)
        if isinstance(path, rdflib.URIRef):
            shape.path = NamedNode(str(path))
        elif path is not None:
            inverse = g.value(path, _SH.inversePath)
            if not isinstance(inverse, rdflib.URIRef) or len(list(g.predicate_objects(path))) != 1:
                raise ValueError(f"shape {node}: only IRI and inverse paths are supported")
            shape.path, shape.inverse = NamedNode(str(inverse)), True
        for kind in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode"):
            for target in g.objects(node, _SH[kind]):
                shape.targets.append((kind, _key(_ox(target))))
        for prop in g.objects(node, _SH.property):
            shape.properties.append(self._shape(prop))
        for constraint in g.objects(node, _SH.sparql):
            shape.sparql.append(self._sparql(node, constraint))
        order = {name: i for i, name in enumerate(_PARAMETERS)}
        shape.constraints.sort(key=lambda c: order[c[0]])
        return shape

    def _parameter(self, name: str, value: rdflib.term.Node) -> object:
        g = self._graph
        if name in ("node", "not"):
            return self._shape(value)
        if name in ("or", "and"):
            return [self._shape(member) for member in rdflib.collection.Collection(g, value)]
        if name == "in":
            return [_ox(member) for member in rdflib.collection.Collection(g, value)]
        if name in ("minCount", "maxCount", "minLength", "maxLength"):
            return int(value)
        if name == "pattern":
            return str(value)
        return _ox(value)

    def _sparql(self, shape: rdflib.term.Node, node: rdflib.term.Node) -> SparqlConstraint:
        g = self._graph
        select = g.value(node, _SH.select)
        if select is None:
            raise ValueError(f"shape {shape}: only SELECT-based SPARQL constraints are supported")
        prologue = "".join(
            f"PREFIX {p}: <{ns}>\n"
            for prefixes in g.objects(node, _SH.prefixes)
            for p, ns in self.prefixes.get(prefixes, {}).items()
        )
        return SparqlConstraint(prologue + str(select), _message(g, node))

    # -- validating ------------------------------------------------------------------

    def validate(self, data: Sequence[Triple], focus: Iterable[Node]) -> list[Result]:
        """The results for the ``focus`` nodes, over the triples of ``data``."""
        index = Index(data, self.inverse_paths)
        by_shape: dict[int, list[Node]] = defaultdict(list)
        for node in focus:
            for position in self._targeting(index, _key(node)):
                by_shape[position].append(node)
        results: list[Result] = []
        sparql_jobs: list[tuple[Shape, set[Node]]] = []
        for position, shape in enumerate(self.roots):
            nodes = by_shape.get(position)
            if not nodes:
                continue
            for node in sorted(set(nodes), key=str):
                results += self._node_results(shape, node, index)
            if shape.sparql:
                sparql_jobs.append((shape, set(nodes)))
        if sparql_jobs:
            store = Store()
            store.extend([Quad(t.subject, t.predicate, t.object) for t in index.triples])
            for shape, nodes in sparql_jobs:
                results += _run_sparql(store, shape, nodes)
        return results

    def _targeting(self, index: Index, key: str) -> set[int]:
        """The positions (in ``roots``) of the shapes that target a node."""
        if self._by_target is None:
            self._by_target = defaultdict(list)
            for position, shape in enumerate(self.roots):
                for target in shape.targets:
                    self._by_target[target].append(position)
        table = self._by_target
        found: set[int] = set()
        for cls in index.classes(key):
            found.update(table.get(("targetClass", cls), ()))
        for predicate in index.out.get(key, ()):
            found.update(table.get(("targetSubjectsOf", predicate), ()))
        for predicate in index.into.get(key, ()):
            found.update(table.get(("targetObjectsOf", predicate), ()))
        found.update(table.get(("targetNode", key), ()))
        return found

    @property
    def inverse_paths(self) -> set[str]:
        """The properties some shape follows backwards (or targets the objects of)."""
        found = {s.path.value for s in self._compiled.values() if s.inverse and s.path}
        for shape in self._compiled.values():
            found |= {t for kind, t in shape.targets if kind == "targetObjectsOf"}
        return found

    def _node_results(self, shape: Shape, focus: Node, index: Index) -> list[Result]:
        if shape.deactivated:
            return []
        values = index.values(focus, shape) if shape.path is not None else [focus]
        results = []
        for name, param in shape.constraints:
            results += _check(self, shape, focus, values, name, param, index)
        for prop in shape.properties:
            for value in values if shape.path is not None else [focus]:
                results += self._node_results(prop, value, index)
        return results

    def conforms(self, shape: Shape, node: Term, index: Index) -> bool:
        if shape.sparql:
            raise ValueError(f"shape {shape.node}: SPARQL constraints in nested shapes")
        return not self._node_results(shape, node, index)  # type: ignore[arg-type]


def _check(
    shapes: Shapes,
    shape: Shape,
    focus: Node,
    values: list[Term],
    name: str,
    param: object,
    index: Index,
) -> list[Result]:
    def result(value: Term | None = None) -> Result:
        return Result(
            focus=focus,
            severity=shape.severity,
            message=shape.message or _default_message(name, param, shape),
            component=NamedNode(SH + _PARAMETERS[name]),
            shape=shape.node,
            path=shape.path,
            inverse=shape.inverse,
            value=value,
        )

    if name == "minCount":
        return [result()] if len(set(values)) < param else []  # type: ignore[operator]
    if name == "maxCount":
        return [result()] if len(set(values)) > param else []  # type: ignore[operator]
    if name == "hasValue":
        return [] if param in values else [result()]
    failing = [v for v in values if not _value_ok(shapes, name, param, v, index)]
    return [result(v) for v in failing]


def _value_ok(shapes: Shapes, name: str, param: object, value: Term, index: Index) -> bool:
    if name == "class":
        return not isinstance(value, Literal) and index.is_instance(value, param)  # type: ignore[arg-type]
    if name == "datatype":
        return isinstance(value, Literal) and _has_datatype(value, param.value)  # type: ignore[attr-defined]
    if name == "nodeKind":
        return _node_kind(value, param.value)  # type: ignore[attr-defined]
    if name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
        return _compare(name, value, param)  # type: ignore[arg-type]
    if name in ("minLength", "maxLength"):
        if isinstance(value, BlankNode):
            return False
        size = len(value.value)
        return size >= param if name == "minLength" else size <= param  # type: ignore[operator]
    if name == "pattern":
        if isinstance(value, BlankNode):
            return False
        return re.search(param, value.value) is not None  # type: ignore[arg-type]
    if name == "in":
        return value in param  # type: ignore[operator]
    if name == "node":
        return shapes.conforms(param, value, index)  # type: ignore[arg-type]
    if name == "not":
        return not shapes.conforms(param, value, index)  # type: ignore[arg-type]
    if name == "or":
        return any(shapes.conforms(s, value, index) for s in param)  # type: ignore[attr-defined]
    if name == "and":
        return all(shapes.conforms(s, value, index) for s in param)  # type: ignore[attr-defined]
    raise AssertionError(name)


# -- the data -------------------------------------------------------------------------


class Index:
    """The data graph, indexed by subject (and by object for inverse paths), with the
    class hierarchy closed. Keys are plain strings (IRIs, ``_:`` blank nodes), which
    Python hashes far faster than RDF term objects."""

    def __init__(self, triples: Sequence[Triple], inverse: set[str] = frozenset()) -> None:  # type: ignore[assignment]
        self.triples = list(dict.fromkeys(triples))
        self.out: dict[str, dict[str, list[Term]]] = {}
        self.into: dict[str, dict[str, list[Term]]] = {}
        self.types: dict[str, set[str]] = defaultdict(set)
        self._parents: dict[str, set[str]] = defaultdict(set)
        rdf_type, subclass = _TYPE.value, _SUBCLASS.value
        for t in self.triples:
            subject, predicate = _key(t.subject), t.predicate.value
            self.out.setdefault(subject, {}).setdefault(predicate, []).append(t.object)
            if predicate == rdf_type:
                self.types[subject].add(_key(t.object))
            elif predicate == subclass:
                self._parents[subject].add(_key(t.object))
            if predicate in inverse:
                into = self.into.setdefault(_key(t.object), {})
                into.setdefault(predicate, []).append(t.subject)
        self._supers: dict[str, set[str]] = {}
        self._classes: dict[str, set[str]] = {}

    def values(self, focus: Term, shape: Shape) -> list[Term]:
        table = self.into if shape.inverse else self.out
        found = table.get(_key(focus))
        return list(dict.fromkeys(found.get(shape.path.value, []))) if found else []  # type: ignore[union-attr]

    def supers(self, cls: str) -> set[str]:
        if cls not in self._supers:
            seen, stack = {cls}, [cls]
            while stack:
                for parent in self._parents.get(stack.pop(), ()):
                    if parent not in seen:
                        seen.add(parent)
                        stack.append(parent)
            self._supers[cls] = seen
        return self._supers[cls]

    def classes(self, key: str) -> set[str]:
        """Every class a node is an instance of, through rdfs:subClassOf."""
        found = self._classes.get(key)
        if found is None:
            found = set()
            for t in self.types.get(key, ()):
                found |= self.supers(t)
            self._classes[key] = found
        return found

    def is_instance(self, node: Term, cls: Term) -> bool:
        return _key(cls) in self.classes(_key(node))


# -- SPARQL-based constraints ---------------------------------------------------------------


def _run_sparql(store: Store, shape: Shape, nodes: set[Node]) -> list[Result]:
    results = []
    for constraint in shape.sparql:
        seen = set()
        for row in store.query(constraint.query):
            this = row["this"]
            if this not in nodes:
                continue
            value = _binding(row, "value")
            path = _binding(row, "path")
            key = (this, value, path)
            if key in seen:
                continue
            seen.add(key)
            message = constraint.message or shape.message or "does not satisfy a SPARQL constraint"
            results.append(
                Result(
                    focus=this,
                    severity=shape.severity,
                    message=_fill(message, row),
                    component=NamedNode(SH + "SPARQLConstraintComponent"),
                    shape=shape.node,
                    path=path if isinstance(path, NamedNode) else shape.path,
                    inverse=shape.inverse if path is None else False,
                    value=value,
                )
            )
    return results


def _binding(row: object, name: str) -> Term | None:
    try:
        return row[name]  # type: ignore[index]
    except KeyError:
        return None


def _fill(message: str, row: object) -> str:
    def replace(match: re.Match[str]) -> str:
        term = _binding(row, match.group(1))
        return term.value if term is not None else match.group(0)

    return re.sub(r"\{[?$](\w+)\}", replace, message)


def _declared_prefixes(graph: rdflib.Graph) -> dict[rdflib.term.Node, dict[str, str]]:
    declared: dict[rdflib.term.Node, dict[str, str]] = defaultdict(dict)
    for owner, declaration in graph.subject_objects(_SH.declare):
        prefix = graph.value(declaration, _SH.prefix)
        namespace = graph.value(declaration, _SH.namespace)
        if prefix is not None and namespace is not None:
            declared[owner][str(prefix)] = str(namespace)
    return declared


# -- values -------------------------------------------------------------------------------

_LEXICAL = {
    XSD + "integer": r"[+-]?\d+",
    XSD + "decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)",
    XSD + "boolean": r"true|false|1|0",
    XSD + "date": r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])(Z|[+-]\d{2}:\d{2})?",
    XSD + "gYear": r"-?\d{4,}(Z|[+-]\d{2}:\d{2})?",
    XSD + "gYearMonth": r"-?\d{4,}-(0[1-9]|1[0-2])(Z|[+-]\d{2}:\d{2})?",
    XSD + "dateTime": r"-?\d{4,}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-4]):[0-5]\d"
    r":[0-5]\d(\.\d+)?(Z|[+-]\d{2}:\d{2})?",
}
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "long", "int")}


def _has_datatype(value: Literal, datatype: str) -> bool:
    if datatype == _LANG_STRING:
        return value.language is not None
    if value.language is not None or value.datatype.value != datatype:
        return False
    pattern = _LEXICAL.get(datatype)
    return pattern is None or re.fullmatch(pattern, value.value) is not None


def _node_kind(value: Term, kind: str) -> bool:
    kinds = {
        SH + "IRI": (NamedNode,),
        SH + "BlankNode": (BlankNode,),
        SH + "Literal": (Literal,),
        SH + "BlankNodeOrIRI": (BlankNode, NamedNode),
        SH + "BlankNodeOrLiteral": (BlankNode, Literal),
        SH + "IRIOrLiteral": (NamedNode, Literal),
    }
    return isinstance(value, kinds[kind])


def _compare(name: str, value: Term, bound: Literal) -> bool:
    if not isinstance(value, Literal):
        return False
    left, right = _comparable(value), _comparable(bound)
    if left is None or right is None or type(left) is not type(right):
        return False
    if name == "minInclusive":
        return left >= right  # type: ignore[operator]
    if name == "maxInclusive":
        return left <= right  # type: ignore[operator]
    if name == "minExclusive":
        return left > right  # type: ignore[operator]
    return left < right  # type: ignore[operator]


def _comparable(literal: Literal) -> Decimal | str | None:
    if literal.datatype.value in _NUMERIC:
        if not _has_datatype(literal, literal.datatype.value):
            return None
        try:
            return Decimal(literal.value)
        except InvalidOperation:
            return None
    if literal.datatype.value in (XSD + "date", XSD + "dateTime", XSD + "gYear"):
        return literal.datatype.value + literal.value
    return None


def _message(graph: rdflib.Graph, node: rdflib.term.Node) -> str | None:
    messages = list(graph.objects(node, _SH.message))
    if not messages:
        return None
    english = [m for m in messages if getattr(m, "language", None) in ("en", None)]
    return str((english or messages)[0])


def _default_message(name: str, param: object, shape: Shape) -> str:
    path = shape.path.value if shape.path else "the node"
    return f"{path}: fails sh:{name}"


def _key(term: Term) -> str:
    """A string that identifies a term (an IRI, ``_:label``, or a literal in N-Triples)."""
    if isinstance(term, NamedNode):
        return term.value
    if isinstance(term, BlankNode):
        return "_:" + term.value
    return str(term)


def _ox(term: rdflib.term.Node) -> Term:
    if isinstance(term, rdflib.URIRef):
        return NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return BlankNode(str(term))
    assert isinstance(term, rdflib.Literal)
    if term.language:
        return Literal(str(term), language=term.language)
    return Literal(str(term), datatype=NamedNode(str(term.datatype or XSD + "string")))


__all__ = ["Index", "Result", "Shape", "Shapes"]
