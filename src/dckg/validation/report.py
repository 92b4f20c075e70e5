"""What validation finds: :class:`Issue` (one problem) and :class:`Report` (all of them).

A report prints as text for people, as JSON for programs, and as Turtle in the standard
SHACL form (an ``sh:ValidationReport`` with one ``sh:ValidationResult`` per issue), so
any SHACL tool can read it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, Literal, NamedNode, RdfFormat, Triple, serialize

from dckg.namespaces import ID, PREFIXES, RDF, RDFS, SH, XSD

#: The severities, most serious first (the names SHACL gives them).
SEVERITIES = ("Violation", "Warning", "Info")

#: Constraint components of the checks that are not SHACL shapes (they look at the store).
DSH = "https://w3id.org/dckg/shapes#"
CELL_VALUE = NamedNode(DSH + "CellValueComponent")
RECONCILIATION = NamedNode(DSH + "ReconciliationComponent")
MISSING_REFERENCE = NamedNode(DSH + "MissingReferenceComponent")
DUPLICATE = NamedNode(DSH + "DuplicatePartnershipComponent")
UNKNOWN_CODE = NamedNode(DSH + "UnknownCodeComponent")

Term = NamedNode | BlankNode | Literal


@dataclass(frozen=True)
class Issue:
    """One problem found in a contribution, and where it is.

    ``location`` is ``"row 3"`` for CSV (spreadsheet numbering: the header is row 1),
    ``"line 12"`` for RDF when the subject can be found in the text, else empty.
    ``field`` is the CSV column the value came from, when there is one.
    """

    source: str
    message: str
    severity: str = "Violation"
    location: str = ""
    focus: NamedNode | BlankNode | None = None
    path: NamedNode | None = None
    inverse_path: bool = False
    field: str | None = None
    value: Term | None = None
    component: NamedNode | None = None
    shape: NamedNode | BlankNode | None = None

    def to_dict(self) -> dict[str, object]:
        """A JSON-ready dictionary (terms as N-Triples-free plain strings)."""
        return {
            "source": self.source,
            "location": self.location or None,
            "severity": self.severity,
            "focus": _plain(self.focus),
            "path": (("^" if self.inverse_path else "") + self.path.value) if self.path else None,
            "field": self.field,
            "value": _plain(self.value),
            "message": self.message,
            "component": self.component.value if self.component else None,
            "shape": self.shape.value if isinstance(self.shape, NamedNode) else None,
        }

    def to_text(self) -> str:
        """One line: where (file, row and column, or line), severity, the message.

        Values are shown as written (``2020-01-15``), never as RDF terms.
        """
        where = [self.source]
        if self.location:
            where.append(self.location)
        if self.field and self.location.startswith("row"):
            where.append(f"column {self.field}")
        what = []
        if self.field and not self.location.startswith("row"):
            what.append(f"field {self.field}")
        elif self.path is not None and not self.location.startswith("row"):
            what.append("property " + ("^" if self.inverse_path else "") + _short(self.path))
        shown = shown_value(self.value) if self.value is not None else None
        if shown is not None and shown not in self.message:
            what.append(f"value {shown}")
        if self.focus is not None and not self.location.startswith("row"):
            what.append(f"subject {_short(self.focus)}")
        detail = f" ({'; '.join(what)})" if what else ""
        return f"{', '.join(where)}: {self.severity}: {self.message}{detail}"


@dataclass
class Report:
    """The outcome of validating one or more inputs."""

    issues: list[Issue] = field(default_factory=list)
    #: The inputs read, by name, with the number of triples each gave.
    inputs: dict[str, int] = field(default_factory=dict)

    @property
    def conforms(self) -> bool:
        """True unless some issue is a Violation (warnings do not stop a contribution)."""
        return not any(i.severity == "Violation" for i in self.issues)

    @property
    def results(self) -> list[Issue]:
        """The issues, most serious first, then by source and position."""
        return sorted(self.issues, key=_order)

    def count(self, severity: str) -> int:
        return sum(1 for i in self.issues if i.severity == severity)

    def extend(self, issues: Iterable[Issue]) -> None:
        self.issues.extend(issues)

    def summary(self) -> str:
        counts = ", ".join(f"{self.count(s)} {s.lower()}(s)" for s in SEVERITIES)
        triples = sum(self.inputs.values())
        verdict = "conforms" if self.conforms else "does NOT conform"
        return f"{len(self.inputs)} input(s), {triples:,} triples: {verdict} ({counts})"

    def to_text(self) -> str:
        lines = [issue.to_text() for issue in self.results]
        lines.append(self.summary())
        return "\n".join(lines) + "\n"

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def to_dict(self) -> dict[str, object]:
        """The report as JSON-ready data (what :meth:`to_json` writes)."""
        return {
            "conforms": self.conforms,
            "violations": self.count("Violation"),
            "warnings": self.count("Warning"),
            "infos": self.count("Info"),
            "inputs": self.inputs,
            "results": [issue.to_dict() for issue in self.results],
        }

    def to_triples(self) -> list[Triple]:
        """The report as a standard SHACL validation report."""
        sh = _ns(SH)
        report = BlankNode()
        triples = [
            Triple(report, NamedNode(RDF + "type"), sh("ValidationReport")),
            Triple(report, sh("conforms"), _boolean(self.conforms)),
        ]
        for issue in self.results:
            result = BlankNode()
            triples += [
                Triple(report, sh("result"), result),
                Triple(result, NamedNode(RDF + "type"), sh("ValidationResult")),
                Triple(result, sh("resultSeverity"), sh(issue.severity)),
                Triple(result, sh("resultMessage"), Literal(issue.message)),
                Triple(result, sh("sourceConstraintComponent"), issue.component or CELL_VALUE),
            ]
            if issue.focus is not None:
                triples.append(Triple(result, sh("focusNode"), issue.focus))
            if issue.path is not None:
                if issue.inverse_path:
                    inverse = BlankNode()
                    triples.append(Triple(result, sh("resultPath"), inverse))
                    triples.append(Triple(inverse, sh("inversePath"), issue.path))
                else:
                    triples.append(Triple(result, sh("resultPath"), issue.path))
            if issue.value is not None:
                triples.append(Triple(result, sh("value"), issue.value))
            if isinstance(issue.shape, NamedNode):
                triples.append(Triple(result, sh("sourceShape"), issue.shape))
            where = ", ".join(
                x
                for x in (issue.source, issue.location, issue.field and f"field {issue.field}")
                if x
            )
            triples.append(Triple(result, NamedNode(RDFS + "comment"), Literal(where)))
        return triples

    def to_turtle(self) -> str:
        prefixes = {k: PREFIXES[k] for k in ("sh", "rdfs", "xsd", "dckg")}
        prefixes["dsh"] = DSH
        data = serialize(self.to_triples(), format=RdfFormat.TURTLE, prefixes=prefixes)
        return data.decode("utf-8") if isinstance(data, bytes) else str(data)


def _order(issue: Issue) -> tuple[int, str, int, str]:
    rank = SEVERITIES.index(issue.severity) if issue.severity in SEVERITIES else len(SEVERITIES)
    number = issue.location.split(" ")[-1] if issue.location else ""
    return (rank, issue.source, int(number) if number.isdigit() else 0, issue.message)


def _ns(base: str):
    return lambda local: NamedNode(base + local)


def _boolean(value: bool) -> Literal:
    return Literal("true" if value else "false", datatype=NamedNode(XSD + "boolean"))


def _plain(term: Term | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, BlankNode):
        return "_:" + term.value
    return term.value


def shown_value(term: Term) -> str:
    """A value as a steward wrote it: the text of a literal, a key for the graph's things.

    >>> shown_value(Literal("2020-01-15", datatype=NamedNode(XSD + "date")))
    '2020-01-15'
    >>> shown_value(NamedNode("https://w3id.org/dckg/id/theme/urban-mobilty"))
    'urban-mobilty'
    """
    if isinstance(term, Literal):
        return term.value
    if isinstance(term, NamedNode) and term.value.startswith(ID):
        return term.value.rsplit("/", 1)[-1]
    return _short(term)


def _short(term: Term) -> str:
    """A term as a person reads it: a prefixed name where one fits, else N-Triples.

    >>> _short(NamedNode("https://w3id.org/dckg/ontology#partner"))
    'dckg:partner'
    >>> _short(Literal("x"))
    '"x"'
    """
    if isinstance(term, NamedNode):
        for prefix, base in PREFIXES.items():
            local = term.value[len(base) :]
            if term.value.startswith(base) and local and "/" not in local and "#" not in local:
                return f"{prefix}:{local}"
        return str(term)
    if isinstance(term, Literal):
        return f'"{term.value}"' if term.datatype.value == XSD + "string" else str(term)
    return str(term)


__all__ = [
    "CELL_VALUE",
    "DSH",
    "DUPLICATE",
    "MISSING_REFERENCE",
    "RECONCILIATION",
    "SEVERITIES",
    "UNKNOWN_CODE",
    "Issue",
    "Report",
    "shown_value",
]
