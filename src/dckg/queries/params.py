"""Typed parameters of named queries: from the text a person types to an RDF term.

A value is never pasted into a query: it becomes a pyoxigraph term bound to the
query variable of the same name.

>>> Param("country", "iri").to_term("country/FRA").value
'https://w3id.org/dckg/id/country/FRA'
>>> Param("n", "integer").to_term("12")
<Literal value=12 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
>>> Param("country", "iri").to_term("FR").value
'https://w3id.org/dckg/id/country/FRA'
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
_COUNTRY_CODE = re.compile(r"[A-Za-z]{2,3}")
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

    @property
    def is_country(self) -> bool:
        """Whether the parameter names a country (``country``, ``…_country``): it then
        also accepts an ISO 3166 code, alpha-2 or alpha-3 (``FR``, ``FRA``)."""
        return self.type == "iri" and (self.name == "country" or self.name.endswith("_country"))

    def to_term(self, raw: str) -> NamedNode | Literal:
        """The RDF term for a raw value; raises :class:`UsageError` when it does not fit."""
        if self.is_country and _COUNTRY_CODE.fullmatch(raw.strip()):
            return _country(self.name, raw.strip())
        converter = _CONVERTERS[self.type]
        term = converter(raw.strip() if self.type != "string" else raw)
        if term is None:
            raise UsageError(
                f"parameter {self.name!r}: expected {_HINTS[self.type]}, got {_clip(raw)!r}"
            )
        return term


def _country(name: str, code: str) -> NamedNode:
    import pycountry

    found = pycountry.countries.get(**{"alpha_2" if len(code) == 2 else "alpha_3": code.upper()})
    if found is None:
        raise UsageError(
            f"parameter {name!r}: no country has the ISO 3166 code {code!r} "
            "(give FR, FRA or country/FRA)"
        )
    return NamedNode(f"{ID}country/{found.alpha_3}")


def hint(param: Param) -> str:
    """How a value of the parameter is written, for listings.

    >>> hint(Param("country", "iri", example="country/FRA"))
    'FR, FRA or country/FRA'
    >>> hint(Param("min_partners", "integer", example="5"))
    '5'
    """
    if param.is_country:
        return "FR, FRA or country/FRA"
    return param.example or param.default or ""


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
