"""The report as a data steward reads it: every issue in the row and column to fix.

The checks and the shapes speak of properties and IRIs; a steward who filled in a CSV
template thinks in rows, columns and keys. This step, the last before the report:

- names the **column** of every issue of a CSV input (from the template, when the shape
  only knows the property: a missing ``label`` is reported in the column ``label``);
- rewords shape messages for a CSV input: no property names in brackets
  (``(rdfs:label)``), keys instead of IRIs (``implementation``, not
  ``https://w3id.org/dckg/id/status/implementation``);
- drops **follow-on** issues that would contradict or repeat the one to fix: a shape's
  complaint about a column whose cell could not be read ("needs at least one partner"
  when the partner's name was not found), a warning of the same kind of constraint on
  the same values as a violation ("only one partner is given" beside "needs at least one
  partner"), and the class
  complaints about a thing that does not exist at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import replace

from dckg.namespaces import GEO
from dckg.validation.report import (
    CELL_VALUE,
    MISSING_REFERENCE,
    RECONCILIATION,
    UNKNOWN_CODE,
    Issue,
)
from dckg.validation.templates import Template

#: Issues about a cell itself: they explain what to write, so they win.
CELL_COMPONENTS = frozenset({CELL_VALUE, RECONCILIATION, UNKNOWN_CODE})

_BRACKETED = re.compile(r"\s*\((?=[^()]*\b[a-z]+:[A-Za-z])[^()]*\)")
_OWN_IRI = re.compile(r"https://w3id\.org/dckg/id/[a-z-]+/([A-Za-z0-9._~-]*[A-Za-z0-9])")
_LEADING_PROPERTY = re.compile(r"^[a-z]+:[A-Za-z]+ (must|should)")
_PREFIXED = re.compile(r"\b(?:dckg|geo|skos|prov|foaf|org|dct|xsd|rdfs|owl):([A-Za-z]+)")


def plain_words(message: str) -> str:
    """A shape's message without RDF vocabulary, for a steward who fills in a CSV file.

    >>> plain_words("A partnership needs a name (rdfs:label), as text.")
    'A partnership needs a name, as text.'
    >>> plain_words("The status must be one concept of the statuses scheme, e.g. "
    ...             "https://w3id.org/dckg/id/status/implementation.")
    'The status must be one concept of the statuses scheme, e.g. implementation.'
    >>> plain_words("dckg:advances must point to a policy objective.")
    'The value must point to a policy objective.'
    >>> plain_words("A participation must be a dckg:Participation node.")
    'A participation must be a participation node.'
    """
    text = _BRACKETED.sub("", message)
    text = _OWN_IRI.sub(r"\1", text)
    text = _LEADING_PROPERTY.sub(r"The value \1", text)
    return _PREFIXED.sub(lambda m: _words(m.group(1)), text)


def _words(camel: str) -> str:
    return re.sub(r"(?<!^)([A-Z])", r" \1", camel).lower()


def for_stewards(issues: Sequence[Issue], templates: Mapping[str, Template]) -> list[Issue]:
    """The issues with their columns, in plain words, without follow-ons.

    ``templates`` gives the CSV template of each CSV input, by input name.
    """
    placed = [_in_column(i, templates.get(i.source)) for i in issues]
    return _without_follow_ons(placed)


def _in_column(issue: Issue, template: Template | None) -> Issue:
    if template is None:
        return issue
    column = issue.field or _column_of(issue, template)
    message = issue.message
    if issue.component not in CELL_COMPONENTS:
        message = plain_words(message)
    return replace(issue, field=column, message=message)


def _column_of(issue: Issue, template: Template) -> str | None:
    """The column of the template that fills the issue's property (the first one)."""
    if issue.path is not None:
        for column in template.columns:
            if column.predicate == issue.path.value and column.inverse == issue.inverse_path:
                return column.name
    focus = issue.focus.value if issue.focus is not None else ""
    if issue.path is not None and issue.path.value == GEO + "hasGeometry":
        return next((c.name for c in template.columns if c.kind == "latitude"), None)
    if "#participation-" in focus:
        return next((c.role_column for c in template.columns if c.role_column), None)
    if focus.endswith("#geometry"):
        return next((c.name for c in template.columns if c.kind == "latitude"), None)
    return template.id_column or template.subject_column


def _without_follow_ons(issues: list[Issue]) -> list[Issue]:
    cells = {
        (i.source, i.location, key)
        for i in issues
        if i.component in CELL_COMPONENTS
        for key in (i.field, i.path)
        if key is not None
    }
    missing = {(i.source, i.location, i.value) for i in issues if i.component == MISSING_REFERENCE}
    violations = {
        (i.source, i.location, i.focus, i.path, i.component)
        for i in issues
        if i.severity == "Violation"
    }
    kept: list[Issue] = []
    seen: dict[tuple, int] = {}
    for issue in issues:
        where = (issue.source, issue.location)
        if issue.component not in CELL_COMPONENTS and (
            (*where, issue.field) in cells or (*where, issue.path) in cells
        ):
            continue  # the cell could not be read: what the shapes say of it follows from that
        if issue.component not in (*CELL_COMPONENTS, MISSING_REFERENCE) and (
            issue.value is not None and (*where, issue.value) in missing
        ):
            continue  # a thing that does not exist has no class either
        if issue.severity != "Violation" and (
            (*where, issue.focus, issue.path, issue.component) in violations
            and issue.path is not None
        ):
            continue  # the same constraint violated on the same values says what to fix
        key = (*where, issue.field, issue.message)
        if key in seen:
            # One message said once. Engines list results in their own order, so which
            # of two constraints stands for the message is chosen by name, not by order.
            first = seen[key]
            if str(issue.component) < str(kept[first].component):
                kept[first] = issue
            continue
        seen[key] = len(kept)
        kept.append(issue)
    return kept


__all__ = ["CELL_COMPONENTS", "for_stewards", "plain_words"]
