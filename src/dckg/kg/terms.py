"""Python values to RDF terms (for bindings) and RDF terms to Python values (for tables).

A value reaches a query as a bound term, never as text pasted into it:

>>> term("n", 12)
<Literal value=12 datatype=<NamedNode value=http://www.w3.org/2001/XMLSchema#integer>>
>>> term("city", NamedNode("https://w3id.org/dckg/id/city/geonames-2996944")).value
'https://w3id.org/dckg/id/city/geonames-2996944'
>>> python_value(Literal("2.50", datatype=NamedNode(XSD + "decimal")))
2.5
"""

from __future__ import annotations

import datetime
import numbers
import re
from decimal import Decimal

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from dckg.errors import UsageError
from dckg.namespaces import XSD
from dckg.store.base import Term

_VARIABLE = re.compile(r"[A-Za-z0-9_\u00b7-\uffff]+")

#: Datatypes read as Python ``int`` (and as ``Int64`` columns).
INTEGERS = frozenset(
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "nonPositiveInteger",
        "negativeInteger",
        "unsignedLong",
        "unsignedInt",
        "unsignedShort",
        "unsignedByte",
    )
)
#: Datatypes read as Python ``float`` (and as ``float64`` columns).
FLOATS = frozenset(XSD + name for name in ("decimal", "double", "float"))
DATE = XSD + "date"
DATETIME = XSD + "dateTime"
YEAR = XSD + "gYear"
BOOLEAN = XSD + "boolean"

_DATE = re.compile(r"(-?[0-9]{4,}-[0-9]{2}-[0-9]{2})(Z|[+-][0-9]{2}:[0-9]{2})?")
_YEAR = re.compile(r"(-?[0-9]{4,})(Z|[+-][0-9]{2}:[0-9]{2})?")


def variable_name(name: str) -> str:
    """A variable name without its ``?`` or ``$``; raises :class:`UsageError` if it is none."""
    bare = name[1:] if name[:1] in ("?", "$") else name
    if not _VARIABLE.fullmatch(bare):
        raise UsageError(f"not a SPARQL variable name: {name!r}")
    return bare


def term(name: str, value: object) -> Term:
    """The RDF term bound to variable ``name`` for a Python value.

    pyoxigraph and rdflib terms are taken as they are; ``str`` is a plain string literal
    (an IRI is a ``NamedNode`` or an rdflib ``URIRef``); ``bool``, ``int``, ``Decimal``,
    ``float``, ``datetime.date`` and ``datetime.datetime`` are typed literals.
    """
    if isinstance(value, NamedNode | Literal | BlankNode | Triple):
        return value
    rdflib_term = _from_rdflib(value)
    if rdflib_term is not None:
        return rdflib_term
    if isinstance(value, str):
        return Literal(value)
    if isinstance(value, bool):
        return _typed("true" if value else "false", "boolean")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise UsageError(f"binding {name!r}: {value} is not an xsd:decimal")
        return _typed(format(value, "f"), "decimal")
    if isinstance(value, numbers.Integral):
        return _typed(str(int(value)), "integer")
    if isinstance(value, numbers.Real):
        number = float(value)
        text = (
            "NaN"
            if number != number
            else {float("inf"): "INF", float("-inf"): "-INF"}.get(number, repr(number))
        )
        return _typed(text, "double")
    if isinstance(value, datetime.datetime):
        return _typed(value.isoformat(), "dateTime")
    if isinstance(value, datetime.date):
        return _typed(value.isoformat(), "date")
    raise UsageError(
        f"binding {name!r}: cannot make an RDF term of a {type(value).__name__} "
        "(give a str, number, date, bool, or a NamedNode / rdflib URIRef for an IRI)"
    )


def param_text(name: str, value: object) -> str | None:
    """The text a named-query parameter gets for a Python value, as typed on the command
    line (``None`` leaves the parameter unset)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, NamedNode):
        return value.value
    rdflib_term = _from_rdflib(value)
    if isinstance(rdflib_term, NamedNode | Literal):
        return rdflib_term.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return format(Decimal(repr(float(value))), "f")
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise UsageError(
        f"parameter {name!r}: cannot use a {type(value).__name__} "
        "(give a str, number, date, bool or NamedNode)"
    )


def python_value(value: Term | None) -> object:
    """A term as a Python value: an IRI as its string, a typed literal as ``int``,
    ``float``, ``bool``, ``datetime.date`` / ``datetime.datetime`` where its datatype and
    lexical form allow, anything else as its lexical form (``str``); unbound is ``None``.

    >>> python_value(Literal("1950", datatype=NamedNode(XSD + "gYear")))
    1950
    >>> python_value(Literal("twelve", datatype=NamedNode(XSD + "integer")))
    'twelve'
    """
    return typed(value)[1]


def typed(value: Term | None) -> tuple[str, object]:
    """The kind of a term (``missing``, ``integer``, ``year``, ``float``, ``date``,
    ``datetime``, ``boolean`` or ``string``) and its Python value."""
    if value is None:
        return "missing", None
    if isinstance(value, NamedNode):
        return "string", value.value
    if isinstance(value, BlankNode):
        return "string", f"_:{value.value}"
    if not isinstance(value, Literal):
        return "string", str(value)
    datatype = value.datatype.value
    text = value.value
    try:
        if datatype in INTEGERS:
            return "integer", int(text.strip())
        if datatype in FLOATS:
            return "float", float(text.strip())
        if datatype == BOOLEAN:
            flag = {"true": True, "1": True, "false": False, "0": False}.get(text.strip())
            if flag is not None:
                return "boolean", flag
        elif datatype == DATE:
            match = _DATE.fullmatch(text.strip())
            if match:
                return "date", datetime.date.fromisoformat(match.group(1))
        elif datatype == DATETIME:
            return "datetime", _datetime(text.strip())
        elif datatype == YEAR:
            match = _YEAR.fullmatch(text.strip())
            if match:
                return "year", int(match.group(1))
    except ValueError:
        pass
    return "string", text


def _datetime(text: str) -> datetime.datetime:
    """An ``xsd:dateTime``; one with a time zone is given in UTC, without it."""
    moment = datetime.datetime.fromisoformat(text)
    if moment.tzinfo is not None:
        moment = moment.astimezone(datetime.UTC).replace(tzinfo=None)
    return moment


def _typed(text: str, datatype: str) -> Literal:
    return Literal(text, datatype=NamedNode(XSD + datatype))


def _from_rdflib(value: object) -> NamedNode | Literal | BlankNode | None:
    """An rdflib term as a pyoxigraph one (rdflib is imported only if the value is one)."""
    if type(value).__module__.split(".")[0] != "rdflib":
        return None
    import rdflib

    if isinstance(value, rdflib.URIRef):
        return NamedNode(str(value))
    if isinstance(value, rdflib.BNode):
        return BlankNode(str(value))
    if isinstance(value, rdflib.Literal):
        if value.language:
            return Literal(str(value), language=value.language)
        if value.datatype:
            return Literal(str(value), datatype=NamedNode(str(value.datatype)))
        return Literal(str(value))
    return None
