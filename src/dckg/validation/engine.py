"""``validate()``: read contributions, check them against the store, run the shapes."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from dckg.namespaces import RDFS
from dckg.store.base import Store
from dckg.validation.checks import duplicate_partnerships, missing_references
from dckg.validation.neighbourhood import neighbourhood
from dckg.validation.report import Issue, Report
from dckg.validation.shacl import Result
from dckg.validation.shapes import class_hierarchy, compiled_shapes, load_shapes
from dckg.validation.sources import Input, Parsed, read_contribution

_SUBCLASS = NamedNode(RDFS + "subClassOf")

#: What ``validate`` accepts as one contribution file.
Source = Path | Input | Parsed


def read_all(
    sources: Sequence[Source], *, store: Store | None = None, template: str | None = None
) -> list[Parsed]:
    """Read every input first: one unreadable input raises before anything else runs."""
    parsed = []
    for source in sources:
        if isinstance(source, Parsed):
            parsed.append(source)
        else:
            parsed.append(read_contribution(source, store=store, template=template))
    return parsed


def validate(
    store: Store | None,
    sources: Sequence[Source],
    *,
    template: str | None = None,
    engine: str = "dckg",
) -> Report:
    """Validate contribution files together, against the shapes and the store.

    Raises :class:`~dckg.errors.InputError` for unreadable input; everything else is in
    the :class:`Report`. ``store`` may be None to check the files alone.
    """
    parsed = read_all(sources, store=store, template=template)
    return validate_parsed(store, parsed, engine=engine)


def validate_parsed(
    store: Store | None, parsed: Sequence[Parsed], *, engine: str = "dckg"
) -> Report:
    """Validate inputs already read (see :func:`validate`)."""
    report = Report()
    triples: list[Triple] = []
    owner: dict[NamedNode | BlankNode, Parsed] = {}
    for item in parsed:
        report.inputs[item.name] = len(item.triples)
        report.extend(item.issues)
        triples += item.triples
        for t in item.triples:
            owner.setdefault(t.subject, item)

    def locate(
        node: NamedNode | BlankNode | None, path: NamedNode | None, value: object = None
    ) -> tuple[str, str, str | None]:
        item = owner.get(node) if node is not None else None
        if item is None:
            return (parsed[0].name if parsed else "<input>", "", None)
        return item.name, item.location(node), item.field_of(node, path, value)

    context = neighbourhood(store, triples) if store is not None else []
    report.extend(missing_references(triples, context, locate))
    report.extend(duplicate_partnerships(store, triples, locate))
    report.extend(run_shapes(triples, context, owner, locate, engine=engine))
    return report


def run_shapes(
    triples: Sequence[Triple],
    context: Sequence[Triple],
    owner: dict,
    locate,
    *,
    engine: str = "dckg",
) -> list[Issue]:
    """Run the shapes on the contribution plus its neighbourhood, focused on the contribution.

    ``engine`` is ``dckg`` (:mod:`dckg.validation.shacl`, fast) or ``pyshacl`` (the
    reference implementation, slow on large contributions; the tests compare the two).
    """
    subjects = {t.subject for t in triples}
    hierarchy = [
        Triple(NamedNode(sub), _SUBCLASS, NamedNode(sup)) for sub, sup in class_hierarchy()
    ]
    data = [*triples, *context, *hierarchy]
    if engine == "pyshacl":
        results = pyshacl_results(data, subjects)
    elif engine == "dckg":
        results = compiled_shapes().validate(data, subjects)
    else:
        raise ValueError(f"unknown SHACL engine {engine!r}")
    issues = []
    for r in results:
        source, location, column = locate(r.focus, r.path, r.value)
        issues.append(
            Issue(
                source=source,
                location=location,
                message=r.message,
                severity=r.severity,
                focus=r.focus,
                path=r.path,
                inverse_path=r.inverse,
                field=column,
                value=r.value,
                component=r.component,
                shape=r.shape,
            )
        )
    return issues


def pyshacl_results(data: Sequence[Triple], subjects: set) -> list[Result]:
    """The results pySHACL gives for the focus nodes ``subjects``."""
    import pyshacl

    graph = rdflib.Graph()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ill-typed literals are for the shapes to report
        for t in data:
            graph.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
    _, report, _ = pyshacl.validate(
        graph, shacl_graph=load_shapes(), allow_warnings=True, allow_infos=True
    )
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    found = []
    for result in report.objects(None, sh.result):  # not the nested sh:detail ones
        node = _to_oxigraph(report.value(result, sh.focusNode))
        if node not in subjects:
            continue
        path, inverse = _path(report, report.value(result, sh.resultPath), sh)
        value = report.value(result, sh.value)
        severity = report.value(result, sh.resultSeverity)
        found.append(
            Result(
                focus=node,
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                message=str(report.value(result, sh.resultMessage) or "does not conform"),
                component=_to_oxigraph(report.value(result, sh.sourceConstraintComponent)),
                shape=_to_oxigraph(report.value(result, sh.sourceShape)),
                path=path,
                inverse=inverse,
                value=_to_oxigraph(value) if value is not None else None,
            )
        )
    return found


def _path(graph: rdflib.Graph, path, sh) -> tuple[NamedNode | None, bool]:
    if isinstance(path, rdflib.URIRef):
        return NamedNode(str(path)), False
    if path is not None:
        inverse = graph.value(path, sh.inversePath)
        if isinstance(inverse, rdflib.URIRef):
            return NamedNode(str(inverse)), True
    return None, False


def _to_rdflib(term):
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


__all__ = ["pyshacl_results", "read_all", "run_shapes", "validate", "validate_parsed"]
