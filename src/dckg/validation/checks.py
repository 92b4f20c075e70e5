"""Checks against the graph that SHACL shapes alone cannot make.

- **Missing references**: every IRI of the graph's own namespaces
  (``https://w3id.org/dckg/id/…`` and the UN SDG IRIs) that a contribution names must be
  a typed thing of the store or of the contribution.
- **Unknown codes**: a theme, status, role or region must be a key of its concept scheme
  in the store; a wrong one gets the nearest valid keys.
- **Duplicate partnerships**: a partnership with the same set of partners and the same
  start date (or both without one) as another, in the store or earlier in the
  contribution.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from dckg.namespaces import DCKG, ID, RDF, UN_SDG
from dckg.store.base import Store
from dckg.validation import vocab
from dckg.validation.neighbourhood import _chunks, _values
from dckg.validation.report import (
    DUPLICATE,
    MISSING_REFERENCE,
    UNKNOWN_CODE,
    Issue,
    shown_value,
)

_TYPE = NamedNode(RDF + "type")
_PARTNER = NamedNode(DCKG + "partner")
_START = NamedNode(DCKG + "startDate")
#: The partnership classes (the contribution says which of its subjects are partnerships).
PARTNERSHIP_CLASSES = frozenset(NamedNode(DCKG + c) for c in ("Partnership", "Twinning", "Project"))

#: Where an issue about a node (and property) is: (source name, location, CSV column).
Locate = Callable[..., tuple[str, str, str | None]]


def is_own(iri: NamedNode) -> bool:
    """Whether an IRI belongs to the graph's namespaces (and so must exist)."""
    return iri.value.startswith((ID, UN_SDG))


def missing_references(
    contribution: Sequence[Triple], context: Sequence[Triple], locate: Locate
) -> list[Issue]:
    """IRIs named by the contribution that neither it nor the store types."""
    typed = {t.subject for t in contribution if t.predicate == _TYPE}
    typed |= {t.subject for t in context if t.predicate == _TYPE}
    issues: list[Issue] = []
    reported: set[NamedNode] = set()
    for t in contribution:
        for node, is_object in ((t.subject, False), (t.object, True)):
            if not isinstance(node, NamedNode) or (is_object and t.predicate == _TYPE):
                continue
            if node in typed or node in reported or not is_own(node):
                continue
            reported.add(node)
            source, location, column = locate(t.subject, t.predicate, t.object)
            if not location and isinstance(t.object, NamedNode | BlankNode):
                source, location, _ = locate(t.object, None, None)
            issues.append(
                Issue(
                    source=source,
                    location=location,
                    field=column,
                    message=f"There is no {_thing(node)} in the graph or in this "
                    "contribution: check the spelling, or add it first.",
                    focus=t.subject,
                    path=t.predicate,
                    value=node,
                    component=MISSING_REFERENCE,
                )
            )
    return issues


def _thing(iri: NamedNode) -> str:
    """What an IRI of the graph names, as a steward writes it.

    >>> _thing(NamedNode("https://w3id.org/dckg/id/network/uclgg"))
    "network 'uclgg'"
    >>> _thing(NamedNode("http://metadata.un.org/sdg/18"))
    "Sustainable Development Goal '18'"
    """
    if iri.value.startswith(UN_SDG):
        return f"Sustainable Development Goal '{iri.value[len(UN_SDG) :]}'"
    kind, _, key = iri.value[len(ID) :].partition("/")
    return f"{kind.replace('-', ' ')} '{key}'" if key else f"'{iri.value}'"


def unknown_codes(store: Store, contribution: Sequence[Triple], locate: Locate) -> list[Issue]:
    """Coded values (themes, statuses, roles, regions) that are no key of their scheme."""
    known: dict[str, dict[str, str]] = {}
    issues: list[Issue] = []
    for t in contribution:
        scheme = vocab.BY_PREDICATE.get(t.predicate.value)
        if scheme is None or not isinstance(t.object, NamedNode):
            continue
        key = vocab.key_of(t.object, scheme)
        if key is None:
            continue
        if scheme.name not in known:
            known[scheme.name] = vocab.keys(store, scheme)
        if key in known[scheme.name]:
            continue
        close = vocab.nearest(key, known[scheme.name])
        hint = f" Did you mean {_or(close)}?" if close else ""
        source, location, column = locate(t.subject, t.predicate, t.object)
        issues.append(
            Issue(
                source=source,
                location=location,
                field=column,
                message=f"'{key}' is not a {scheme.noun} key.{hint} "
                f"The list of {scheme.name}: dckg vocab {scheme.name}",
                focus=t.subject,
                path=t.predicate,
                value=t.object,
                component=UNKNOWN_CODE,
            )
        )
    return issues


def _or(words: list[str]) -> str:
    """
    >>> _or(["a"]), _or(["a", "b", "c"])
    ('a', 'a, b or c')
    """
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


def duplicate_partnerships(
    store: Store | None, contribution: Sequence[Triple], locate: Locate
) -> list[Issue]:
    """Partnerships of the contribution that repeat one already known."""
    mine = _partnerships(contribution)
    if not mine:
        return []
    issues: list[Issue] = []
    seen: dict[tuple, NamedNode | BlankNode] = {}
    for node, key in mine.items():
        if not key[0]:
            continue
        if key in seen:
            issues.append(_duplicate(node, seen[key], "earlier in this file", locate))
        else:
            seen[key] = node
    if store is None:
        return issues
    existing = _store_partnerships(store, {next(iter(k[0])) for k in seen})
    by_key: dict[tuple, list[NamedNode]] = defaultdict(list)
    for other, key in existing.items():
        by_key[key].append(other)
    for key, node in seen.items():
        for other in by_key.get(key, []):
            issues.append(_duplicate(node, other, "already in the graph", locate))
    return issues


def _partnerships(triples: Sequence[Triple]) -> dict[NamedNode | BlankNode, tuple]:
    partnerships = {
        t.subject for t in triples if t.predicate == _TYPE and t.object in PARTNERSHIP_CLASSES
    }
    partners: dict = defaultdict(set)
    starts: dict = {}
    for t in triples:
        if t.subject in partnerships:
            if t.predicate == _PARTNER and isinstance(t.object, NamedNode):
                partners[t.subject].add(t.object)
            elif t.predicate == _START and isinstance(t.object, Literal):
                starts[t.subject] = t.object
    return {p: (frozenset(partners[p]), _start_key(starts.get(p))) for p in partnerships}


def _store_partnerships(store: Store, first_partners: set[NamedNode]) -> dict[NamedNode, tuple]:
    """Partnerships of the store with one of ``first_partners``: their key each."""
    query = (
        "PREFIX dckg: <https://w3id.org/dckg/ontology#> "
        "SELECT ?p ?partner ?start WHERE { VALUES ?a { %s } "
        "?p dckg:partner ?a , ?partner . OPTIONAL { ?p dckg:startDate ?start } }"
    )
    partners: dict = defaultdict(set)
    starts: dict = {}
    for chunk in _chunks(sorted(first_partners, key=lambda n: n.value)):
        for row in store.query(query % _values(chunk)):
            partners[row["p"]].add(row["partner"])
            if row["start"] is not None:
                starts[row["p"]] = row["start"]
    return {p: (frozenset(partners[p]), _start_key(starts.get(p))) for p in partners}


def _start_key(start: Literal | None) -> tuple[str, str] | None:
    return (start.value, start.datatype.value) if start is not None else None


def _duplicate(
    node: NamedNode | BlankNode, other: NamedNode | BlankNode, where: str, locate: Locate
) -> Issue:
    source, location, column = locate(node, _PARTNER, None)
    return Issue(
        source=source,
        location=location,
        field=column,
        message=(
            f"This partnership repeats {shown_value(other)}, {where}: "
            "the same partners and the same start date."
            if other != node
            else "This partnership is already in the graph, with the same partners and the "
            "same start date."
        ),
        focus=node,
        path=_PARTNER,
        value=other,
        component=DUPLICATE,
    )


__all__ = [
    "PARTNERSHIP_CLASSES",
    "duplicate_partnerships",
    "is_own",
    "missing_references",
    "unknown_codes",
]
