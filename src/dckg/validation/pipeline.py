"""``validate()``: read → map → reconcile → check → report, each step one module.

=============  ===================  =====================================================
step           module               hands on
=============  ===================  =====================================================
read           :mod:`.sources`      :class:`~.sources.Input`: the bytes, capped in size
map            :mod:`.mapping`      :class:`~.parsed.Parsed`: triples, cell issues, rows
reconcile      :mod:`.names`        the same, partners given by name resolved or reported
check          :mod:`.check`        a :class:`~.report.Report` of the checks and shapes
report         :mod:`.messages`     the report in rows, columns and plain words
=============  ===================  =====================================================

Importers that validate what they make call :func:`validate` (with
:func:`~.sources.bytes_input`), as ``dckg import-twinnings`` does.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from dckg.errors import UsageError
from dckg.store.base import Store
from dckg.validation.check import check
from dckg.validation.engines import DEFAULT_ENGINE
from dckg.validation.mapping import map_input
from dckg.validation.messages import for_stewards
from dckg.validation.names import resolve_names
from dckg.validation.parsed import Parsed
from dckg.validation.report import Report
from dckg.validation.sources import Input, bytes_input, open_input

#: What ``validate`` accepts as one contribution file.
Source = Path | Input | Parsed


def read_contribution(
    source: Path | bytes | Input,
    *,
    fmt: str | None = None,
    name: str | None = None,
    store: Store | None = None,
    template: str | None = None,
) -> Parsed:
    """Read, map and reconcile one contribution file (CSV through its template).

    ``store`` is where partners given by name are looked for (without one they are
    reported).
    """
    if isinstance(source, Input):
        raw = source
    elif isinstance(source, Path):
        raw = open_input(source, fmt=fmt)
    else:
        if fmt is None:
            raise UsageError("the format of in-memory input must be given")
        raw = bytes_input(source, name=name or "<input>", fmt=fmt)
    return resolve_names(map_input(raw, template=template), store)


def read_all(
    sources: Sequence[Source], *, store: Store | None = None, template: str | None = None
) -> list[Parsed]:
    """Read every input first: one unreadable input raises before anything else runs."""
    mapped = [
        s if isinstance(s, Parsed) else map_input(_raw(s), template=template) for s in sources
    ]
    return [resolve_names(item, store) for item in mapped]


def _raw(source: Path | Input) -> Input:
    return open_input(source) if isinstance(source, Path) else source


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
    """Check inputs already read, mapped and reconciled, and word the report."""
    report = check(store, parsed, engine=engine)
    templates = {item.name: item.template for item in parsed if item.template is not None}
    report.issues = for_stewards(report.issues, templates)
    return report


def report_of(
    store: Store | None, body: bytes, fmt: str, name: str, turtle: bool
) -> tuple[str, bytes]:
    """The report of one contribution given as bytes, ready to send: its media type and
    body (a SHACL validation report in Turtle, else dckg's JSON). What ``POST /validate``
    runs in a query worker."""
    report = validate(store, [bytes_input(body, fmt=fmt, name=name)])
    if turtle:
        return "text/turtle", report.to_turtle().encode()
    return "application/json", report.to_json().encode()


__all__ = [
    "Source",
    "read_all",
    "read_contribution",
    "report_of",
    "validate",
    "validate_parsed",
]
