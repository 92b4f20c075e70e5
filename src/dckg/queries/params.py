"""Typed parameters of named queries: from the text a person types to an RDF term.

A value is never pasted into a query: it becomes a pyoxigraph term bound to the
query variable of the same name.

>>> Param("country", "iri").to_term("country/FRA").value
'https://w3id.org/dckg/id/country/FRA'
>>> Param("n", "integer").to_term("12")
<Literal value=12 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
>>> Param("n", "integer").to_term("twelve")
Traceback (most recent call last):
...
dckg.errors.UsageError: parameter 'n': expected an integer (e.g. 10), got 'twelve'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from pyoxigraph import Literal, NamedNode

from dckg.errors import UsageError
from dckg.namespaces import ID, PREFIXES, XSD

#: The parameter types a query header may declare.
TYPES = ("iri", "string", "integer", "decimal", "date", "year", "boolean")

_INTEGER = re.compile(r"[+-]?[0-9]+")
_DECIMAL = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_YEAR = re.compile(r"[0-9]{4}")
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
_THING = re.compile(r"[a-z][a-z0-9-]*/[^/\s]+")
#: Characters an IRI may not hold (RFC 3987 and the SPARQL IRIREF production).
_IRI_FORBIDDEN = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_BOOLEANS = {
    "true": "true",
    "1": "true",
    "yes": "true",
    "false": "false",
    "0": "false",
    "no": "false",
}

_HINTS = {
    "iri": "an IRI (https://…, a prefixed name such as dckg:City, or kind/key such as country/FRA)",
    "string": "a string",
    "integer": "an integer (e.g. 10)",
    "decimal": "a decimal number (e.g. 2.5)",
    "date": "a date YYYY-MM-DD",
    "year": "a year YYYY",
    "boolean": "true or false",
}


@dataclass(frozen=True)
class Param:
    """One parameter of a named query; ``name`` is also the name of the query variable."""

    name: str
    type: str
    required: bool = False
    default: str | None = None
    example: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if self.type not in TYPES:
            raise ValueError(f"parameter {self.name!r}: unknown type {self.type!r}")

    def to_term(self, raw: str) -> NamedNode | Literal:
        """The RDF term for a raw value; raises :class:`UsageError` when it does not fit."""
        converter = _CONVERTERS[self.type]
        term = converter(raw.strip() if self.type != "string" else raw)
        if term is None:
            raise UsageError(
                f"parameter {self.name!r}: expected {_HINTS[self.type]}, got {_clip(raw)!r}"
            )
        return term


def _clip(text: str, width: int = 80) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _typed(value: str, datatype: str) -> Literal:
    return Literal(value, datatype=NamedNode(XSD + datatype))


def _iri(raw: str) -> NamedNode | None:
    value = raw
    head, _, local = raw.partition(":")
    if _THING.fullmatch(raw):
        value = ID + raw
    elif local and head in PREFIXES and not local.startswith("//"):
        value = PREFIXES[head] + local
    elif not _SCHEME.match(raw):
        return None
    if _IRI_FORBIDDEN.search(value):
        return None
    try:
        return NamedNode(value)
    except ValueError:
        return None


def _string(raw: str) -> Literal:
    return Literal(raw)


def _integer(raw: str) -> Literal | None:
    return _typed(str(int(raw)), "integer") if _INTEGER.fullmatch(raw) else None


def _decimal(raw: str) -> Literal | None:
    if not _DECIMAL.fullmatch(raw):
        return None
    text = raw.lstrip("+")
    if text.startswith(("-.", ".")):
        text = text.replace(".", "0.", 1)
    if text.endswith("."):
        text += "0"
    return _typed(text, "decimal")


def _date(raw: str) -> Literal | None:
    if not _DATE.fullmatch(raw):
        return None
    try:
        date.fromisoformat(raw)
    except ValueError:
        return None
    return _typed(raw, "date")


def _year(raw: str) -> Literal | None:
    return _typed(raw, "gYear") if _YEAR.fullmatch(raw) else None


def _boolean(raw: str) -> Literal | None:
    value = _BOOLEANS.get(raw.lower())
    return _typed(value, "boolean") if value else None


_CONVERTERS = {
    "iri": _iri,
    "string": _string,
    "integer": _integer,
    "decimal": _decimal,
    "date": _date,
    "year": _year,
    "boolean": _boolean,
}
