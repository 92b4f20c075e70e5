"""The SHACL engines: pyshacl-turbo (the default) and pySHACL (the reference).

Both implement SHACL Core and SHACL-SPARQL and take the same shapes graph; they differ in
speed. On the W3C SHACL test suite (core + sparql, 120 tests, run by
``tests/validation/test_w3c_shacl.py``) pyshacl-turbo passes 119 and pySHACL 118
(``docs/validation.md`` lists the failures); on a 1,000-row contribution pyshacl-turbo is
tens of times faster (``bench/validate_bench.py``).

:func:`shacl_report` runs an engine on an rdflib data graph and returns the standard
report graph (what the W3C suite checks); :func:`run_shapes` runs the project's shapes on
a contribution and its neighbourhood (pyoxigraph triples) and returns :class:`Result`\\ s
for the contribution's own subjects.

>>> from pyoxigraph import NamedNode, Triple
>>> p = NamedNode("https://w3id.org/dckg/id/partnership/x")
>>> kind = NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
>>> typed = Triple(p, kind, NamedNode("https://w3id.org/dckg/ontology#Partnership"))
>>> sorted(r.message for r in run_shapes([typed], {p}))[0]
'A partnership needs a name (rdfs:label), as text.'
"""

from __future__ import annotations

import warnings
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from dckg.namespaces import RDFS, SH
from dckg.validation.shapes import class_hierarchy, load_shapes

#: The engines, the default first.
ENGINES = ("pyshacl-turbo", "pyshacl")
DEFAULT_ENGINE = ENGINES[0]

_SH = rdflib.Namespace(SH)
_SUBCLASS = NamedNode(RDFS + "subClassOf")

Node = NamedNode | BlankNode
Term = NamedNode | BlankNode | Literal


class ShapesError(ValueError):
    """A shapes graph the engine refuses (ill-formed SHACL)."""


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, in pyoxigraph terms."""

    focus: Node
    severity: str
    message: str
    component: NamedNode | None = None
    shape: Node | None = None
    path: NamedNode | None = None
    inverse: bool = False
    value: Term | None = None


def check_engine(engine: str) -> str:
    if engine not in ENGINES:
        raise ValueError(f"unknown SHACL engine {engine!r} (known: {', '.join(ENGINES)})")
    return engine


def shacl_report(
    data: Path, shapes: Path, *, engine: str = DEFAULT_ENGINE
) -> tuple[bool, rdflib.Graph]:
    """``(conforms, report graph)`` of the Turtle file ``data`` against the Turtle file
    ``shapes``, as SHACL defines them; each engine parses the files itself (relative IRIs
    against the file's URI).

    Raises :class:`ShapesError` when the engine refuses the shapes graph.
    """
    check_engine(engine)
    if engine == "pyshacl":
        import pyshacl

        try:
            conforms, report, _ = pyshacl.validate(
                str(data),
                shacl_graph=str(shapes),
                data_graph_format="turtle",
                shacl_graph_format="turtle",
            )
        except Exception as error:  # pySHACL signals ill-formed shapes by several types
            raise ShapesError(str(error)) from error
    else:
        import pyshacl_turbo

        try:
            conforms, report, _ = pyshacl_turbo.validate(
                data, shacl_graph=shapes, data_graph_format="turtle", shacl_graph_format="turtle"
            )
        except (pyshacl_turbo.ReportableRuntimeError, ValueError, RuntimeError) as error:
            raise ShapesError(str(error)) from error
    if not isinstance(report, rdflib.Graph):  # a refusal returned as the report
        raise ShapesError(str(report))
    return bool(conforms), report


@lru_cache(maxsize=1)
def _compiled_turbo():
    import pyshacl_turbo

    return pyshacl_turbo.compile_shapes(load_shapes())


def run_shapes(
    triples: Sequence[Triple],
    subjects: Collection[Node],
    *,
    engine: str = DEFAULT_ENGINE,
) -> list[Result]:
    """The results of the project's shapes for the focus nodes ``subjects``.

    ``triples`` is the contribution plus its neighbourhood in the store; the ontology's
    ``rdfs:subClassOf`` links are added so that class targets follow subclasses.
    """
    check_engine(engine)
    hierarchy = [
        Triple(NamedNode(sub), _SUBCLASS, NamedNode(sup)) for sub, sup in class_hierarchy()
    ]
    data = [*triples, *hierarchy]
    wanted = set(subjects)
    report = _pyshacl_report(data) if engine == "pyshacl" else _turbo_report(data, wanted)
    return [r for r in _results(report) if r.focus in wanted]


def _turbo_report(data: Sequence[Triple], focus: set[Node]) -> rdflib.Graph:
    from pyshacl_turbo.rdf import Input

    text = serialize(data, format=RdfFormat.N_TRIPLES).decode("utf-8")
    source = Input(text, "nt", None, {}, preserve_ids=True)
    # Focus on the contribution's subjects when they are all IRIs (a blank node cannot be
    # named as a focus node): the neighbourhood is then read, not validated.
    named = None if any(isinstance(n, BlankNode) for n in focus) else sorted(n.value for n in focus)
    _, report, _ = _compiled_turbo().validate(
        source, allow_warnings=True, allow_infos=True, focus_nodes=named
    )
    return report


def _pyshacl_report(data: Sequence[Triple]) -> rdflib.Graph:
    import pyshacl

    graph = rdflib.Graph()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ill-typed literals are for the shapes to report
        for t in data:
            graph.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
    _, report, _ = pyshacl.validate(
        graph, shacl_graph=load_shapes(), allow_warnings=True, allow_infos=True
    )
    return report


def _results(report: rdflib.Graph) -> list[Result]:
    found = []
    for result in report.objects(None, _SH.result):  # not the nested sh:detail ones
        path, inverse = _path(report, report.value(result, _SH.resultPath))
        value = report.value(result, _SH.value)
        severity = report.value(result, _SH.resultSeverity)
        found.append(
            Result(
                focus=_to_oxigraph(report.value(result, _SH.focusNode)),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                message=_message(report, result),
                component=_to_oxigraph(report.value(result, _SH.sourceConstraintComponent)),
                shape=_to_oxigraph(report.value(result, _SH.sourceShape)),
                path=path,
                inverse=inverse,
                value=_to_oxigraph(value) if value is not None else None,
            )
        )
    return found


def _message(report: rdflib.Graph, result: rdflib.term.Node) -> str:
    messages = list(report.objects(result, _SH.resultMessage))
    english = [m for m in messages if getattr(m, "language", None) in (None, "en")]
    return str(sorted(english or messages)[0]) if messages else "does not conform"


def _path(graph: rdflib.Graph, path) -> tuple[NamedNode | None, bool]:
    if isinstance(path, rdflib.URIRef):
        return NamedNode(str(path)), False
    if path is not None:
        inverse = graph.value(path, _SH.inversePath)
        if isinstance(inverse, rdflib.URIRef):
            return NamedNode(str(inverse)), True
    return None, False


def _to_rdflib(term: Term) -> rdflib.term.Node:
    if isinstance(term, NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def _to_oxigraph(term):
    if term is None:
        return None
    if isinstance(term, rdflib.URIRef):
        return NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return BlankNode(str(term))
    if term.language:
        return Literal(str(term), language=term.language)
    datatype = term.datatype or rdflib.XSD.string
    return Literal(str(term), datatype=NamedNode(str(datatype)))


__all__ = [
    "DEFAULT_ENGINE",
    "ENGINES",
    "Result",
    "ShapesError",
    "check_engine",
    "run_shapes",
    "shacl_report",
]
