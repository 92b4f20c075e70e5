"""Running a SHACL engine on the W3C SHACL test suite (its manifests, as data).

The suite (``tests/validation/w3c/shacl-test-suite/``) is a tree of manifests: each
``mf:include``\\ s others or lists ``mf:entries``, each entry an ``sht:Validate`` test with a
data graph, a shapes graph and the expected result — a ``sh:ValidationReport``, or
``sht:Failure`` where an engine must refuse the shapes. Results are compared as the
suite's README says: ``sh:conforms``, and per result the focus node, the path, the source
constraint component and the severity, blank nodes up to isomorphism.

``python -m dckg.validation.conformance [--engine NAME] [SUITE_DIR]`` prints the failures
and the score.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib.collection import Collection
from rdflib.compare import isomorphic

from dckg.validation.engines import DEFAULT_ENGINE, ENGINES, ShapesError, shacl_report

MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = rdflib.Namespace("http://www.w3.org/ns/shacl-test#")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
_COMPARED = (SH.focusNode, SH.resultSeverity, SH.sourceConstraintComponent)


@dataclass(frozen=True)
class Case:
    """One ``sht:Validate`` test of the suite."""

    name: str
    data: Path
    shapes: Path
    #: The expected report graph, or None when the engine must refuse the shapes.
    expected: rdflib.Graph | None


@dataclass(frozen=True)
class Outcome:
    case: Case
    passed: bool
    reason: str = ""


def cases(manifest: Path) -> Iterator[Case]:
    """Every test reachable from ``manifest``, in manifest order."""
    graph = _parse(manifest)
    here = rdflib.URIRef(manifest.resolve().as_uri())
    for included in graph.objects(here, MF.include):
        yield from cases(_path(included))
    for entries in graph.objects(here, MF.entries):
        for entry in Collection(graph, entries):
            if (entry, rdflib.RDF.type, SHT.Validate) not in graph:
                continue
            action = graph.value(entry, MF.action)
            result = graph.value(entry, MF.result)
            expected = None
            if result != SHT.Failure:
                expected = rdflib.Graph()
                _copy(graph, result, expected)
            root = manifest.parent.parent.name + "/" + manifest.parent.name
            yield Case(
                name=f"{root}/{str(entry).rsplit('/', 1)[-1]}",
                data=_path(graph.value(action, SHT.dataGraph)),
                shapes=_path(graph.value(action, SHT.shapesGraph)),
                expected=expected,
            )


def run(case: Case, *, engine: str = DEFAULT_ENGINE) -> Outcome:
    """Run one test and compare the report with the expected one."""
    shapes = _parse(case.shapes)
    try:
        conforms, report = shacl_report(case.data, case.shapes, engine=engine)
    except ShapesError as error:
        if case.expected is None:
            return Outcome(case, True)
        return Outcome(case, False, f"refused the shapes: {str(error)[:200]}")
    if case.expected is None:
        return Outcome(case, False, "accepted shapes it must refuse (sht:Failure)")
    expected_conforms = next(case.expected.objects(None, SH.conforms), None)
    if expected_conforms is None or bool(expected_conforms.toPython()) != conforms:
        return Outcome(case, False, f"sh:conforms is {conforms}, expected {expected_conforms}")
    mine, theirs = _normalised(report, shapes), _normalised(case.expected, shapes)
    if not isomorphic(mine, theirs):
        return Outcome(
            case, False, f"{_count(mine)} result(s) differ from the {_count(theirs)} expected"
        )
    return Outcome(case, True)


def run_suite(manifest: Path, *, engine: str = DEFAULT_ENGINE) -> list[Outcome]:
    return [run(case, engine=engine) for case in cases(manifest)]


def _normalised(report: rdflib.Graph, shapes: rdflib.Graph) -> rdflib.Graph:
    """The compared part of a report: per result its focus node, path, component, severity.

    A path that is a blank node is copied whole, from the report or else from the shapes
    graph it comes from.
    """
    out = rdflib.Graph()
    for result in report.objects(None, SH.result):
        node = rdflib.BNode()
        out.add((node, rdflib.RDF.type, SH.ValidationResult))
        for predicate in _COMPARED:
            for value in report.objects(result, predicate):
                out.add((node, predicate, value))
        for path in report.objects(result, SH.resultPath):
            source = report if (path, None, None) in report else shapes
            out.add((node, SH.resultPath, _fresh_copy(source, path, out)))
    return out


def _count(graph: rdflib.Graph) -> int:
    return len(set(graph.subjects(rdflib.RDF.type, SH.ValidationResult)))


def _copy(source: rdflib.Graph, node: rdflib.term.Node, target: rdflib.Graph) -> None:
    """Copy the blank-node tree under ``node`` (a report, a path, an RDF list)."""
    if not isinstance(node, rdflib.BNode):
        return
    for predicate, value in source.predicate_objects(node):
        target.add((node, predicate, value))
        _copy(source, value, target)


def _fresh_copy(
    source: rdflib.Graph, node: rdflib.term.Node, target: rdflib.Graph
) -> rdflib.term.Node:
    """A copy of the blank-node tree under ``node`` with new blank nodes (one per result)."""
    if not isinstance(node, rdflib.BNode):
        return node
    copy = rdflib.BNode()
    for predicate, value in source.predicate_objects(node):
        target.add((copy, predicate, _fresh_copy(source, value, target)))
    return copy


def _parse(path: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(path, format="turtle", publicID=path.resolve().as_uri())
    return graph


def _path(iri: rdflib.term.Node | None) -> Path:
    if not isinstance(iri, rdflib.URIRef) or not str(iri).startswith("file://"):
        raise ValueError(f"the manifest names {iri!r}, not a local file")
    return Path(str(iri)[len("file://") :].split("#", 1)[0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("suite", type=Path, help="the suite's folder (manifest.ttl inside)")
    parser.add_argument("--engine", choices=ENGINES, default=DEFAULT_ENGINE)
    args = parser.parse_args(argv)
    outcomes = run_suite(args.suite / "manifest.ttl", engine=args.engine)
    for outcome in outcomes:
        if not outcome.passed:
            print(f"FAIL {outcome.case.name}: {outcome.reason}")
    passed = sum(o.passed for o in outcomes)
    print(f"{args.engine}: {passed}/{len(outcomes)} passed")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


__all__ = ["Case", "Outcome", "cases", "run", "run_suite"]
