"""Checking (the fourth step): the contribution against the store and the shapes.

The contribution is checked together with its neighbourhood in the store
(:mod:`.neighbourhood`): references that must exist and coded values (:mod:`.checks`),
duplicate partnerships, and the SHACL shapes (:mod:`.engines`), focused on the
contribution's own subjects. A new check is one more function called here.
"""

from __future__ import annotations

from collections.abc import Sequence

from pyoxigraph import BlankNode, NamedNode, Triple

from dckg.store.base import Store
from dckg.validation import engines
from dckg.validation.checks import duplicate_partnerships, missing_references, unknown_codes
from dckg.validation.engines import DEFAULT_ENGINE
from dckg.validation.neighbourhood import neighbourhood
from dckg.validation.parsed import Parsed
from dckg.validation.report import Issue, Report


def check(store: Store | None, parsed: Sequence[Parsed], *, engine: str = DEFAULT_ENGINE) -> Report:
    """Check mapped, reconciled inputs together against the store and the shapes.

    The issues are as the checks and the shapes give them; :mod:`.messages` then words
    them for a steward.
    """
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
    if store is not None:
        report.extend(unknown_codes(store, triples, locate))
    report.extend(duplicate_partnerships(store, triples, locate))
    report.extend(run_shapes(triples, context, owner, locate, engine=engine))
    return report


def run_shapes(
    triples: Sequence[Triple],
    context: Sequence[Triple],
    owner: dict,
    locate,
    *,
    engine: str = DEFAULT_ENGINE,
) -> list[Issue]:
    """Run the shapes on the contribution plus its neighbourhood, focused on the contribution."""
    subjects = {t.subject for t in triples}
    issues = []
    for r in engines.run_shapes([*triples, *context], subjects, engine=engine):
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


__all__ = ["check", "run_shapes"]
