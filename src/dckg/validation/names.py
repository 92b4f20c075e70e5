"""Reconciliation (the third step): partners given by name become the places they mean.

Each :class:`~.parsed.PendingName` of a mapped CSV file is looked up with
:mod:`dckg.reconcile` (its persisted index of the store's places and of GeoNames). A
match replaces the placeholder blank node everywhere in the triples; a GeoNames place the
store does not hold yet comes with the contribution (its RDF as ``dckg init`` makes it).
A name that means no place, or several, is an issue in the partner's column saying what
to write instead — with "did you mean …" suggestions for a misspelt name — and its
triples are dropped, so that no follow-on issue is reported about them.
"""

from __future__ import annotations

from dataclasses import replace

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from dckg.errors import UsageError
from dckg.namespaces import ID
from dckg.store.base import Store
from dckg.validation.parsed import Parsed, PendingName
from dckg.validation.report import CELL_VALUE, RECONCILIATION, Issue

#: Kinds of thing whose key a cell may give as ``kind:key`` (see :mod:`.csvmap`).
_KINDS = ("city", "actor", "network", "institution", "region")


def resolve_names(parsed: Parsed, store: Store | None) -> Parsed:
    """``parsed`` with its partners given by name resolved, or reported."""
    if not parsed.names:
        return parsed
    found: dict[BlankNode, NamedNode] = {}
    issues: list[Issue] = []
    index = _index(store) if store is not None else None
    for pending in parsed.names:
        if index is None:
            issues.append(
                _issue(
                    parsed,
                    pending,
                    "A partner given by name needs the graph to be found "
                    "in: validate against a store.",
                    CELL_VALUE,
                )
            )
            continue
        try:
            match = index.reconcile(
                pending.name,
                country=pending.country,
                lat=pending.lat,
                lon=pending.lon,
                kind="actor",
            )
        except UsageError as error:
            issues.append(_issue(parsed, pending, str(error), CELL_VALUE))
            continue
        if match.status == "matched" and match.iri is not None:
            found[pending.placeholder] = match.iri
        else:
            issues.append(_issue(parsed, pending, _message(index, pending, match), RECONCILIATION))
    dropped = {p.placeholder for p in parsed.names} - set(found)
    gone = {p.participation for p in parsed.names if p.placeholder in dropped}
    triples: list[Triple] = []
    for t in parsed.triples:
        if {t.subject, t.object} & dropped or {t.subject, t.object} & gone:
            continue
        triples.append(Triple(found.get(t.subject, t.subject), t.predicate, _sub(found, t.object)))
    rows = {found.get(node, node): row for node, row in parsed.rows.items()}
    fields = {tuple(_sub(found, term) for term in key): col for key, col in parsed.fields.items()}
    if index is not None and found:
        where = {found[p.placeholder]: p.row for p in parsed.names if p.placeholder in found}
        for t in index.triples_for(list(dict.fromkeys(found.values()))):
            triples.append(t)
            rows.setdefault(t.subject, where.get(t.subject, 0) or _row_of(t.subject, where))
    return replace(
        parsed,
        triples=triples,
        issues=[*parsed.issues, *issues],
        rows=rows,
        fields=fields,
        names=[],
    )


def _index(store: Store):  # -> dckg.reconcile.Reconciler
    from dckg.reconcile import reconciler_for

    return reconciler_for(store)


def _sub(found: dict[BlankNode, NamedNode], term):
    return found.get(term, term) if isinstance(term, BlankNode) else term


def _row_of(node: NamedNode | BlankNode, rows: dict[NamedNode, int]) -> int:
    """The row of a place's geometry node: that of the place it belongs to."""
    base = node.value.split("#", 1)[0] if isinstance(node, NamedNode) else ""
    return rows.get(NamedNode(base), 0) if base else 0


def _issue(parsed: Parsed, pending: PendingName, message: str, component: NamedNode) -> Issue:
    return Issue(
        source=parsed.name,
        location=f"row {pending.row}",
        message=message,
        severity="Violation",
        path=NamedNode(pending.predicate) if pending.predicate else None,
        field=pending.column,
        value=Literal(pending.name),
        component=component,
    )


def _message(index: object, pending: PendingName, match: object) -> str:
    """What to do about a name that means no place, or several."""
    column, name = pending.column, pending.name
    where = f" in {pending.country}" if pending.country else ""
    if getattr(match, "status", "") == "ambiguous":
        listed = "; ".join(candidate_text(c) for c in list(match.candidates)[:5])  # type: ignore[attr-defined]
        return (
            f"'{name}'{where} fits several places: {listed}. Write the key of the right one "
            f"in {column}, or give its country in {column}_country or its coordinates in "
            f"{column}_lat and {column}_lon."
        )
    from dckg.reconcile import NOT_NEAR, REGION  # (numpy and the indexes load only when needed)

    reason = getattr(match, "reason", "")
    if reason == REGION:
        return (
            f"'{name}'{where} is a region, province or district, not a town. Write the key "
            f"of the partner in {column} (e.g. city:geonames-2988507 for Paris), or the "
            "name of a town."
        )
    if reason == NOT_NEAR:
        near = "; ".join(candidate_text(c) for c in list(match.candidates)[:3])  # type: ignore[attr-defined]
        listed = f" Places of that name: {near}." if near else ""
        return (
            f"No place called '{name}'{where} is within reach of the coordinates in "
            f"{column}_lat and {column}_lon.{listed} Check the coordinates, or write the "
            f"key of the right place in {column}."
        )
    try:
        alike = index.suggest(name, pending.country)  # type: ignore[attr-defined]
    except UsageError:
        alike = []
    hint = f"Did you mean {' or '.join(candidate_text(c) for c in alike)}? " if alike else ""
    return (
        f"No place called '{name}'{where} is known. {hint}Write its key in {column} "
        f"(e.g. city:geonames-2988507 for Paris), or its coordinates in {column}_lat "
        f"and {column}_lon."
    )


def candidate_text(candidate: object) -> str:
    """``Ouagadougou (BF, pop. 2.4 M), key city:geonames-2357048``."""
    label = getattr(candidate, "label", "?")
    iri = getattr(candidate, "iri", None)
    details = [getattr(candidate, "country", None)]
    population = getattr(candidate, "population", None)
    if population:
        details.append(f"pop. {population_text(population)}")
    distance = getattr(candidate, "distance_km", None)
    if distance is not None:
        details.append(f"{distance:.0f} km away")
    shown = ", ".join(str(d) for d in details if d)
    key = f", key {key_text(iri)}" if iri is not None else ""
    return f"{label}" + (f" ({shown})" if shown else "") + key


def population_text(population: int) -> str:
    """
    >>> population_text(1_475_223), population_text(812_000), population_text(950)
    ('1.5 M', '812 k', '950')
    """
    if population >= 1_000_000:
        return f"{population / 1_000_000:.1f} M"
    if population >= 1_000:
        return f"{population / 1_000:.0f} k"
    return str(population)


def key_text(iri: NamedNode) -> str:
    """A thing of the graph as a cell may name it.

    >>> key_text(NamedNode("https://w3id.org/dckg/id/city/geonames-2357048"))
    'city:geonames-2357048'
    """
    if iri.value.startswith(ID):
        kind, _, key = iri.value[len(ID) :].partition("/")
        if kind in _KINDS and key and "/" not in key and "#" not in key:
            return f"{kind}:{key}"
    return iri.value


__all__ = ["candidate_text", "key_text", "population_text", "resolve_names"]
