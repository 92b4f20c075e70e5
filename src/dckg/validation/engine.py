"""``validate()``: read contributions, check them against the store, run the shapes."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

import rdflib
from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from dckg.store.base import Store
from dckg.validation.checks import duplicate_partnerships, missing_references
from dckg.validation.neighbourhood import neighbourhood
from dckg.validation.report import Issue, Report
from dckg.validation.shapes import class_hierarchy, load_shapes
from dckg.validation.sources import Input, Parsed, read_contribution

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
    store: Store | None, sources: Sequence[Source], *, template: str | None = None
) -> Report:
    """Validate contribution files together, against the shapes and the store.

    Raises :class:`~dckg.errors.InputError` for unreadable input; everything else is in
    the :class:`Report`. ``store`` may be None to check the files alone.
    """
    return validate_parsed(store, read_all(sources, store=store, template=template))


def validate_parsed(store: Store | None, parsed: Sequence[Parsed]) -> Report:
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
        node: NamedNode | BlankNode | None, path: NamedNode | None
    ) -> tuple[str, str, str | None]:
        item = owner.get(node) if node is not None else None
        if item is None:
            return (parsed[0].name if parsed else "<input>", "", None)
        return item.name, item.location(node), item.field_of(node, path)

    context = neighbourhood(store, triples) if store is not None else []
    report.extend(missing_references(triples, context, locate))
    report.extend(duplicate_partnerships(store, triples, locate))
    report.extend(run_shapes(triples, context, owner, locate))
    return report


def run_shapes(
    triples: Sequence[Triple],
    context: Sequence[Triple],
    owner: dict,
    locate,
) -> list[Issue]:
    """Run pySHACL on the contribution plus its neighbourhood, focused on the contribution."""
    import pyshacl

    data = rdflib.Graph()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ill-typed literals are for the shapes to report
        for t in (*triples, *context):
            data.add((_to_rdflib(t.subject), _to_rdflib(t.predicate), _to_rdflib(t.object)))
    for sub, sup in class_hierarchy():
        data.add((rdflib.URIRef(sub), rdflib.RDFS.subClassOf, rdflib.URIRef(sup)))
    subjects = {t.subject for t in triples}
    focus = None
    if all(isinstance(s, NamedNode) for s in subjects):
        focus = sorted(s.value for s in subjects)
    _, results, _ = pyshacl.validate(
        data,
        shacl_graph=load_shapes(),
        focus_nodes=focus or None,
        allow_warnings=True,
        allow_infos=True,
    )
    issues = []
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    for result in results.subjects(rdflib.RDF.type, sh.ValidationResult):
        node = _to_oxigraph(results.value(result, sh.focusNode))
        if node not in subjects:
            continue
        path, inverse = _path(results, results.value(result, sh.resultPath), sh)
        source, location, column = locate(node, path)
        value = results.value(result, sh.value)
        severity = results.value(result, sh.resultSeverity)
        shape = results.value(result, sh.sourceShape)
        issues.append(
            Issue(
                source=source,
                location=location,
                message=str(results.value(result, sh.resultMessage) or "does not conform"),
                severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
                focus=node,
                path=path,
                inverse_path=inverse,
                field=column,
                value=_to_oxigraph(value) if value is not None else None,
                component=_to_oxigraph(results.value(result, sh.sourceConstraintComponent)),
                shape=_to_oxigraph(shape) if isinstance(shape, rdflib.URIRef) else None,
            )
        )
    return issues


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


__all__ = ["read_all", "run_shapes", "validate", "validate_parsed"]
