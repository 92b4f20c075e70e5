"""The value each step of validation hands the next: a contribution file as triples.

read (:mod:`.sources`) → **map** (:mod:`.mapping`: RDF parsed, CSV through its template)
→ reconcile (:mod:`.names`) → check (:mod:`.check`) → report (:mod:`.messages`). Mapping
gives a :class:`Parsed`: the triples, the problems found in cells, and where each subject
and statement came from (row and column, or line), so that later steps can say where an
issue is. A partner given by name in a CSV cell is mapped to a placeholder blank node and
a :class:`PendingName`; the reconciliation step replaces the placeholder by the place it
finds, or reports the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pyoxigraph import BlankNode, NamedNode, Triple

from dckg.validation.report import Issue
from dckg.validation.sources import Input
from dckg.validation.templates import Template


@dataclass
class PendingName:
    """A partner named in a CSV cell, not yet reconciled."""

    #: The blank node that stands for the partner in the mapped triples.
    placeholder: BlankNode
    name: str
    row: int
    column: str
    #: The property the cell fills (None when the partner is the row's subject).
    predicate: str | None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    #: The qualified participation node that names the partner as its agent, if any.
    participation: NamedNode | None = None


@dataclass
class Parsed:
    """One contribution file turned into triples, with where each subject came from."""

    source: Input
    triples: list[Triple]
    #: Problems found while mapping cells (CSV); readable input, but not valid.
    issues: list[Issue] = field(default_factory=list)
    #: CSV: the row each subject was made from; RDF: the line where a subject is first named.
    rows: dict[NamedNode | BlankNode, int] = field(default_factory=dict)
    #: CSV: the column each (subject, predicate) and each (subject, predicate, object) came from.
    fields: dict[tuple, str] = field(default_factory=dict)
    #: RDF text, kept to find the line of a subject when an issue names it.
    text: str | None = None
    #: CSV: the template the file was mapped with.
    template: Template | None = None
    #: CSV: partners given by name, for the reconciliation step to resolve.
    names: list[PendingName] = field(default_factory=list)
    _lines: dict[str, int] | None = None

    @property
    def name(self) -> str:
        return self.source.name

    def location(self, focus: NamedNode | BlankNode | None) -> str:
        """``row N`` (CSV) or ``line N`` (RDF) for a subject, or ``""`` if unknown."""
        if focus is None:
            return ""
        if focus in self.rows:
            return f"row {self.rows[focus]}"
        if self.text is not None and isinstance(focus, NamedNode):
            if self._lines is None:
                self._lines = subject_lines(self.text)
            line = self._lines.get(focus.value) or _first_mention(self.text, focus.value)
            if line:
                return f"line {line}"
        return ""

    def field_of(
        self, focus: NamedNode | BlankNode | None, path: NamedNode | None, value: object = None
    ) -> str | None:
        """The CSV column a statement came from (the exact one when the value is known)."""
        if focus is None or path is None:
            return None
        if value is not None and (focus, path, value) in self.fields:
            return self.fields[(focus, path, value)]
        return self.fields.get((focus, path))


_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT = re.compile(r"^\s*(?:<([^>]+)>|([A-Za-z][\w.-]*)?:([^\s;,.]*))")


def subject_lines(text: str) -> dict[str, int]:
    """The line on which each subject of a Turtle or N-Triples text is first written.

    >>> subject_lines("@prefix ex: <http://e/> .\\nex:a ex:p 1 .\\n<http://e/b> ex:p 2 .")
    {'http://e/a': 2, 'http://e/b': 3}
    """
    prefixes: dict[str, str] = {}
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        declared = _PREFIX.match(line)
        if declared:
            prefixes[declared.group(1) or ""] = declared.group(2)
            continue
        match = _SUBJECT.match(line)
        if not match:
            continue
        if match.group(1):
            iri = match.group(1)
        elif (match.group(2) or "") in prefixes:
            iri = prefixes[match.group(2) or ""] + match.group(3)
        else:
            continue
        found.setdefault(iri, number)
    return found


def _first_mention(text: str, iri: str) -> int | None:
    position = text.find(iri)
    return text.count("\n", 0, position) + 1 if position >= 0 else None


__all__ = ["Parsed", "PendingName", "subject_lines"]
