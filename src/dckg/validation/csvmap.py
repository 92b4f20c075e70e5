"""Turning a CSV file into RDF through its declared template (see :mod:`.templates`).

The file must be UTF-8 (a byte-order mark is allowed), comma-, semicolon- or
tab-separated, with a header row naming the template's columns. Structural problems
(encoding, quoting, a row with too many or too few fields, unknown or missing columns)
make the file unreadable: :class:`~dckg.errors.InputError`, exit 2. A readable file whose
cells hold bad values (a date that is not a date, a partner name that cannot be
resolved) gives issues in the report instead, each naming the row and the column.

Rows are numbered as a spreadsheet shows them: the header is row 1.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from dckg.errors import InputError, UsageError
from dckg.namespaces import DCKG, GEO, ID, PREFIXES, RDF, UN_SDG, XSD, thing
from dckg.validation.parsed import Parsed, PendingName
from dckg.validation.report import CELL_VALUE, Issue
from dckg.validation.sources import Input
from dckg.validation.templates import TEMPLATES, Column, Template

#: Kinds of thing a prefixed name may name (``network:uclg`` → id/network/uclg).
THING_KINDS = frozenset(
    "city country network institution actor region theme status role priority-area "
    "ea-region objective framework instrument programme call partnership funding result "
    "gg-project scheme contributor".split()
)
_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._~-]*$")
_YEAR = re.compile(r"^-?\d{4}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TYPE = NamedNode(RDF + "type")


class CellError(ValueError):
    """A cell whose value cannot be mapped; the message says what is expected."""


# -- reading the file ------------------------------------------------------------------


def read_csv(raw: Input, text: str, *, template: str | None = None) -> Parsed:
    """Map a CSV text to triples with the template its header (or ``template``) names.

    Partners given by name are left to the reconciliation step (:mod:`.names`): each is
    a placeholder blank node in the triples and a :class:`~.parsed.PendingName`.
    """
    records = _records(raw.name, text)
    try:
        _, header = next(records)
    except StopIteration:
        raise InputError("the file is empty", source=raw.name) from None
    names = _header(raw.name, header)
    chosen = _choose_template(raw.name, names, template)
    mapper = _RowMapper(raw, chosen)
    for line, cells in records:
        row = mapper.row_number + 1
        if not any(cell.strip() for cell in cells):
            mapper.row_number = row
            continue
        if len(cells) != len(names):
            raise InputError(
                f"row {row} has {len(cells)} fields but the header has {len(names)}",
                source=raw.name,
                line=line,
            )
        mapper.row_number = row
        mapper.map_row(dict(zip(names, (c.strip() for c in cells), strict=True)))
    if not mapper.triples and not mapper.issues:
        raise InputError("the file has a header but no data rows", source=raw.name)
    return Parsed(
        raw,
        mapper.triples,
        mapper.issues,
        mapper.rows,
        mapper.fields,
        template=chosen,
        names=mapper.names,
    )


def _records(name: str, text: str) -> Iterator[tuple[int, list[str]]]:
    """(line of the record's start, cells) for each record; InputError on bad quoting."""
    first = text.split("\n", 1)[0]
    delimiter = ","
    if "," not in first:
        delimiter = ";" if ";" in first else "\t" if "\t" in first else ","
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise InputError(
            "the file holds a NUL byte: is it really CSV text?", source=name, line=line
        )
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise InputError(f"malformed CSV: {error}", source=name, line=reader.line_num) from None
        yield start, cells
        start = reader.line_num + 1


def _header(name: str, header: list[str]) -> list[str]:
    names = [h.strip().lower() for h in header]
    for position, column in enumerate(names, start=1):
        if not column:
            raise InputError(f"column {position} of the header has no name", source=name, line=1)
    seen: set[str] = set()
    for column in names:
        if column in seen:
            raise InputError("the header names a column twice", source=name, line=1, field=column)
        seen.add(column)
    return names


def _choose_template(name: str, columns: list[str], wanted: str | None) -> Template:
    if wanted is not None:
        if wanted not in TEMPLATES:
            known = ", ".join(TEMPLATES)
            raise UsageError(f"unknown CSV template {wanted!r} (known: {known})")
        candidates = [TEMPLATES[wanted]]
    else:
        candidates = list(TEMPLATES.values())
    fits, nearest = [], None
    for template in candidates:
        unknown = [c for c in columns if template.column(c) is None]
        missing = [c for c in template.required if c not in columns]
        if not unknown and not missing:
            fits.append(template)
        score = len(unknown) + len(missing)
        if nearest is None or score < nearest[0]:
            nearest = (score, template, unknown, missing)
    if len(fits) == 1:
        return fits[0]
    if len(fits) > 1:
        names = ", ".join(t.name for t in fits)
        raise InputError(
            f"the header fits several templates ({names}): use --template", source=name
        )
    assert nearest is not None
    _, template, unknown, missing = nearest
    problems = []
    if unknown:
        problems.append("unknown column(s) " + ", ".join(unknown))
    if missing:
        problems.append("missing required column(s) " + ", ".join(missing))
    raise InputError(
        f"the header does not fit any CSV template; nearest is {template.name!r}: "
        + "; ".join(problems),
        source=name,
        line=1,
    )


# -- mapping rows ----------------------------------------------------------------------


@dataclass
class _RowMapper:
    raw: Input
    template: Template
    row_number: int = 1
    triples: list[Triple] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    rows: dict = field(default_factory=dict)
    fields: dict = field(default_factory=dict)
    names: list[PendingName] = field(default_factory=list)
    _seen_ids: dict[str, int] = field(default_factory=dict)

    def map_row(self, cells: dict[str, str]) -> None:
        subject = self._subject(cells)
        if subject is None:
            return
        self.rows.setdefault(subject, self.row_number)
        participations = 0
        point: dict[str, str] = {}
        for column in self.template.columns:
            value = cells.get(column.name, "")
            if column.kind in ("key", "type", "helper"):
                continue
            if column.name == self.template.subject_column:
                continue
            if value == "":
                if column.required:
                    self._issue(subject, column, None, required(column))
                continue
            if column.kind in ("latitude", "longitude"):
                point[column.kind] = value
                continue
            for part in _parts(value, column):
                try:
                    term = self._term(column, part, cells)
                except CellError as error:
                    self._issue(subject, column, part, str(error))
                    continue
                if term is None:
                    continue
                if column.kind == "actor" and column.role_column and cells.get(column.role_column):
                    participations += 1
                    self._participation(
                        subject, term, cells[column.role_column], participations, column.role_column
                    )
                self._emit(subject, column, term, cells)
        if point:
            self._point(subject, point)

    # -- subjects --------------------------------------------------------------------

    def _subject(self, cells: dict[str, str]) -> NamedNode | None:
        template = self.template
        if template.subject_column:
            column = template.column(template.subject_column)
            assert column is not None
            value = cells.get(column.name, "")
            if not value:
                self._issue(None, column, None, required(column))
                return None
            try:
                return self._term(column, value, cells)
            except CellError as error:
                self._issue(None, column, value, str(error))
                return None
        key = cells.get(template.id_column or "", "")
        type_column = template.column("type")
        type_key = cells.get("type", "").lower() or next(iter(template.types), "")
        if type_key not in template.types:
            known = ", ".join(template.types)
            column = type_column or Column("type", "type")
            self._issue(None, column, cells.get("type", ""), f"unknown type; use one of: {known}")
            return None
        id_column = template.column(template.id_column or "")
        assert id_column is not None
        if not key:
            self._issue(None, id_column, None, required(id_column))
            return None
        kind = template.type_kinds.get(type_key, template.id_kind or "")
        try:
            subject = resolve_ref(key, kind)
        except CellError as error:
            self._issue(None, id_column, key, str(error))
            return None
        if subject.value in self._seen_ids:
            self._issue(
                subject,
                id_column,
                key,
                f"the id is already used on row {self._seen_ids[subject.value]}",
            )
            return None
        self._seen_ids[subject.value] = self.row_number
        self._add(subject, _TYPE, NamedNode(template.types[type_key]), "type")
        return subject

    # -- values ----------------------------------------------------------------------

    def _term(self, column: Column, value: str, cells: dict[str, str]):
        kind = column.kind
        if kind == "text":
            return parse_text(value)
        if kind == "date":
            return parse_date(value)
        if kind == "decimal":
            return parse_decimal(value)
        if kind == "integer":
            return parse_integer(value)
        if kind == "iri":
            return parse_iri(value)
        if kind == "ref":
            return resolve_ref(value, column.ref or "")
        if kind == "objective":
            return resolve_objective(value)
        if kind == "country":
            return resolve_country(value)
        if kind == "actor":
            return self._actor(column, value, cells)
        raise AssertionError(f"unknown column kind {kind!r}")

    def _actor(self, column: Column, value: str, cells: dict[str, str]) -> NamedNode | BlankNode:
        if _looks_like_reference(value):
            return resolve_ref(value, "actor")
        parse_text(value)
        country = cells.get(f"{column.name}_country") or None
        lat = _coordinate(cells.get(f"{column.name}_lat", ""), "latitude", 90)
        lon = _coordinate(cells.get(f"{column.name}_lon", ""), "longitude", 180)
        if (lat is None) != (lon is None):
            raise CellError(
                f"Give both {column.name}_lat and {column.name}_lon (decimal degrees), or neither."
            )
        placeholder = BlankNode()
        self.names.append(
            PendingName(
                placeholder,
                value,
                self.row_number,
                column.name,
                column.predicate,
                country=country,
                lat=lat,
                lon=lon,
            )
        )
        return placeholder

    # -- emitting --------------------------------------------------------------------

    def _emit(self, subject: NamedNode, column: Column, term, cells: dict[str, str]) -> None:
        if column.predicate is None:
            return
        predicate = NamedNode(column.predicate)
        if column.node is not None:
            link, suffix, cls = column.node
            node = NamedNode(subject.value + suffix)
            if node not in self.rows:
                self._add(subject, NamedNode(link), node, column.name)
                self._add(node, _TYPE, NamedNode(cls), column.name)
                self.rows[node] = self.row_number
            self._add(node, predicate, term, column.name)
            return
        if column.inverse:
            for name in (column.predicate, *column.also):
                self._add(term, NamedNode(name), subject, column.name)
            self.fields.setdefault((subject, predicate), column.name)
            return
        self._add(subject, predicate, term, column.name)

    def _participation(
        self, subject: NamedNode, agent: NamedNode | BlankNode, role: str, n: int, column: str
    ) -> None:
        node = NamedNode(f"{subject.value}#participation-{n}")
        if isinstance(agent, BlankNode):
            for pending in self.names:
                if pending.placeholder == agent:
                    pending.participation = node
        try:
            role_iri = resolve_ref(role, "role")
        except CellError as error:
            self.issues.append(self._cell_issue(subject, None, role, str(error), column))
            return
        self._add(subject, NamedNode(DCKG + "participation"), node, column)
        self._add(node, _TYPE, NamedNode(DCKG + "Participation"), column)
        self._add(node, NamedNode(DCKG + "agent"), agent, column)
        self._add(node, NamedNode(DCKG + "role"), role_iri, column)
        self.rows.setdefault(node, self.row_number)

    def _point(self, subject: NamedNode, point: dict[str, str]) -> None:
        lat_column = next(c for c in self.template.columns if c.kind == "latitude")
        try:
            lat = _coordinate(point.get("latitude", ""), "latitude", 90)
            lon = _coordinate(point.get("longitude", ""), "longitude", 180)
            if lat is None or lon is None:
                raise CellError("Give both lat and lon (decimal degrees), or neither.")
        except CellError as error:
            self._issue(subject, lat_column, point.get("latitude"), str(error))
            return
        geometry = NamedNode(subject.value + "#geometry")
        wkt = Literal(f"POINT({lon} {lat})", datatype=NamedNode(GEO + "wktLiteral"))
        self._add(subject, NamedNode(GEO + "hasGeometry"), geometry, lat_column.name)
        self._add(geometry, _TYPE, NamedNode(GEO + "Geometry"), lat_column.name)
        self._add(geometry, NamedNode(GEO + "asWKT"), wkt, lat_column.name)
        self.rows.setdefault(geometry, self.row_number)

    def _add(self, s, p: NamedNode, o, column: str) -> None:
        self.triples.append(Triple(s, p, o))
        self.fields.setdefault((s, p), column)
        self.fields.setdefault((s, p, o), column)

    def _issue(self, subject, column: Column, value: str | None, message: str) -> None:
        self.issues.append(self._cell_issue(subject, column.predicate, value, message, column.name))

    def _cell_issue(self, subject, predicate, value, message: str, name: str) -> Issue:
        return Issue(
            source=self.raw.name,
            location=f"row {self.row_number}",
            message=message,
            severity="Violation",
            focus=subject,
            path=NamedNode(predicate) if predicate else None,
            field=name,
            value=Literal(value) if value is not None else None,
            component=CELL_VALUE,
        )


# -- value parsers (each raises CellError with what is expected) -------------------------


def _parts(value: str, column: Column) -> list[str]:
    if not column.multiple:
        return [value]
    return [part.strip() for part in value.split(";") if part.strip()]


#: Characters that make a spreadsheet read a cell as a formula (CSV injection); tab and
#: carriage return, the other two OWASP lists, are control characters, refused as such.
FORMULA_STARTS = ("=", "+", "-", "@")


def parse_text(value: str) -> Literal:
    """A text value; one a spreadsheet would run as a formula is refused.

    Text written back to CSV (``dckg export``, ``/sparql`` as CSV) and opened in a
    spreadsheet would run ``=HYPERLINK(…)``, ``@SUM(…)`` or ``-2+3+cmd|' /C calc'!A0`` as a
    formula. Only text cells are checked: a number or a date in a typed column is parsed as
    what it is, so a signed number such as ``+5`` or a longitude of ``-3.7`` stays valid.

    >>> parse_text("Lyon–Dakar").value
    'Lyon–Dakar'
    """
    first = value[:1]
    if first in FORMULA_STARTS or (first and unicodedata.category(first) == "Cc"):
        what = repr(first) if first in FORMULA_STARTS else "a control character"
        signed = f" (a signed number belongs in a number column, where {first} is fine)"
        raise CellError(
            f"{value!r} starts with {what}, which a spreadsheet program runs as a formula "
            "when the data is exported and opened there (formula injection): text may not "
            "start with =, +, -, @ or a control character; reword it"
            + (signed if first in "+-" else "")
        )
    return Literal(value)


def parse_date(value: str) -> Literal:
    """A date or a year.

    >>> parse_date("2021").datatype.value.endswith("gYear"), parse_date("2021-03-15").value
    (True, '2021-03-15')
    """
    if _YEAR.match(value):
        return Literal(value, datatype=NamedNode(XSD + "gYear"))
    if _DATE.match(value):
        try:
            date.fromisoformat(value)
        except ValueError:
            raise CellError(f"{value!r} is not a real date") from None
        return Literal(value, datatype=NamedNode(XSD + "date"))
    raise CellError(f"{value!r} is not a date: write 2021-03-15, or 2021 for a year")


def parse_decimal(value: str) -> Literal:
    """A decimal number with ``.`` as decimal mark.

    >>> parse_decimal("1500000.50").value
    '1500000.50'
    """
    if "," in value:
        raise CellError(f"{value!r} is not a number: use . as decimal mark and no separators")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CellError(f"{value!r} is not a number") from None
    if not number.is_finite():
        raise CellError(f"{value!r} is not a finite number")
    return Literal(format(number, "f"), datatype=NamedNode(XSD + "decimal"))


def parse_integer(value: str) -> Literal:
    try:
        number = int(value)
    except ValueError:
        raise CellError(f"{value!r} is not a whole number") from None
    return Literal(str(number), datatype=NamedNode(XSD + "integer"))


def parse_iri(value: str) -> NamedNode:
    if not re.match(r"^https?://[^\s<>\"{}|\\^`]+$", value):
        raise CellError(f"{value!r} is not a web address (http:// or https://)")
    try:
        return NamedNode(value)
    except ValueError:
        raise CellError(f"{value!r} is not a valid web address") from None


def _looks_like_reference(value: str) -> bool:
    if value.startswith(("http://", "https://")):
        return True
    prefix, colon, _ = value.partition(":")
    return bool(colon) and (prefix in THING_KINDS or prefix in PREFIXES or prefix == "sdg")


def resolve_ref(value: str, kind: str) -> NamedNode:
    """A thing named by IRI, prefixed name or bare key (of ``kind``).

    >>> resolve_ref("uclg", "network").value
    'https://w3id.org/dckg/id/network/uclg'
    >>> resolve_ref("city:geonames-2988507", "actor").value
    'https://w3id.org/dckg/id/city/geonames-2988507'
    >>> resolve_ref("sdg:11", "objective").value
    'http://metadata.un.org/sdg/11'
    """
    if value.startswith(("http://", "https://")):
        return parse_iri(value)
    prefix, colon, local = value.partition(":")
    if colon:
        if prefix == "sdg":
            return resolve_objective(local)
        if prefix in THING_KINDS and _KEY.match(local):
            return thing(prefix, local)
        if prefix in PREFIXES and _KEY.match(local):
            return NamedNode(PREFIXES[prefix] + local)
        raise CellError(
            f"{value!r}: {prefix}: is not a kind of thing of the graph (write e.g. city:, "
            "network: or country: before the key), or the key has other characters than "
            "a-z, 0-9 and -"
        )
    if not kind or not _KEY.match(value):
        raise CellError(
            f"{value!r} is not a key: write letters a-z, digits and - only "
            "(e.g. lyon-dakar-2021), or a web address"
        )
    return thing(kind, value)


def resolve_objective(value: str) -> NamedNode:
    """A policy objective: an SDG number (1-17) or ``sdg:N``, else an objective key."""
    if value.isdigit():
        if not 1 <= int(value) <= 17:
            raise CellError(f"{value!r}: there are 17 Sustainable Development Goals")
        return NamedNode(f"{UN_SDG}{int(value)}")
    return resolve_ref(value, "objective")


def resolve_country(value: str) -> NamedNode:
    """A country from an ISO alpha-2 / alpha-3 code or its English name.

    >>> resolve_country("fr").value, resolve_country("Germany").value
    ('https://w3id.org/dckg/id/country/FRA', 'https://w3id.org/dckg/id/country/DEU')
    """
    if value.startswith(("http://", "https://")) or value.startswith("country:"):
        return resolve_ref(value, "country")
    import pycountry

    try:
        country = pycountry.countries.lookup(value)
    except LookupError:
        raise CellError(f"{value!r} is not a country: give an ISO code (FR, FRA) or name") from None
    return NamedNode(f"{ID}country/{country.alpha_3}")


def required(column: Column) -> str:
    """
    >>> required(Column("label", "text", help="the name of the partnership"))
    'The column label is empty: write the name of the partnership.'
    """
    return f"The column {column.name} is empty: write {column.help or 'a value'}."


def _coordinate(value: str, what: str, limit: int) -> float | None:
    if value == "":
        return None
    try:
        number = float(value)
    except ValueError:
        raise CellError(f"{value!r} is not a {what} in decimal degrees") from None
    if not -limit <= number <= limit:
        raise CellError(f"{value!r} is out of range for a {what} (±{limit})")
    return number


__all__ = [
    "THING_KINDS",
    "CellError",
    "parse_date",
    "parse_decimal",
    "parse_integer",
    "parse_iri",
    "parse_text",
    "read_csv",
    "resolve_country",
    "resolve_objective",
    "resolve_ref",
]
