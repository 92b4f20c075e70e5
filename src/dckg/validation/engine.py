"""``validate()``: read contributions, check them against the store, run the shapes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pyoxigraph import BlankNode, NamedNode, Triple

from dckg.store.base import Store
from dckg.validation import engines
from dckg.validation.checks import duplicate_partnerships, missing_references, unknown_codes
from dckg.validation.engines import DEFAULT_ENGINE
from dckg.validation.messages import for_stewards
from dckg.validation.neighbourhood import neighbourhood
from dckg.validation.report import Issue, Report
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
    store: Store | None,
    sources: Sequence[Source],
    *,
    template: str | None = None,
    engine: str = DEFAULT_ENGINE,
) -> Report:
    """Validate contribution files together, against the shapes and the store.

    Raises :class:`~dckg.errors.InputError` for unreadable input; everything else is in
    the :class:`Report`. ``store`` may be None to check the files alone.
    """
    parsed = read_all(sources, store=store, template=template)
    return validate_parsed(store, parsed, engine=engine)


def validate_parsed(
    store: Store | None, parsed: Sequence[Parsed], *, engine: str = DEFAULT_ENGINE
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
    if store is not None:
        report.extend(unknown_codes(store, triples, locate))
    report.extend(duplicate_partnerships(store, triples, locate))
    report.extend(run_shapes(triples, context, owner, locate, engine=engine))
    templates = {item.name: item.template for item in parsed if item.template is not None}
    report.issues = for_stewards(report.issues, templates)
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


__all__ = ["read_all", "run_shapes", "validate", "validate_parsed"]
