"""``SERVICE`` calls: refused unless the endpoint is on the allowlist.

A query that never spells the keyword (after SPARQL's ``\\u`` escapes are decoded, as a
SPARQL parser does) cannot call out, and is passed at once. Any other query is parsed by
rdflib's SPARQL parser (only its parser: the query still runs on Oxigraph) and every
``SERVICE`` in it, sub-queries and ``EXISTS`` included, must name an allowed endpoint; a
``SERVICE ?variable`` is refused, and so is a query the parser cannot read.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from dckg.errors import QueryError
from dckg.namespaces import PREFIXES

_ESCAPE = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_KEYWORD = re.compile("service", re.IGNORECASE)


class ServiceRefused(QueryError):
    """A query calls an endpoint that is not allowed."""


def decode_escapes(text: str) -> str:
    r"""The query text with ``\uXXXX`` / ``\UXXXXXXXX`` decoded.

    >>> decode_escapes(r"\u0053ERVICE")
    'SERVICE'
    """

    def one(match: re.Match[str]) -> str:
        code = int(match.group(1) or match.group(2), 16)
        return chr(code) if code <= 0x10FFFF else match.group(0)

    return _ESCAPE.sub(one, text)


def may_call_out(query: str) -> bool:
    """Whether a query could contain ``SERVICE`` at all.

    >>> may_call_out("SELECT * WHERE { ?s ?p ?o }")
    False
    >>> may_call_out("select * { serVICE <http://x/> { ?s ?p ?o } }")
    True
    """
    return bool(_KEYWORD.search(decode_escapes(query)))


def service_endpoints(query: str) -> list[str | None]:
    """The endpoints a query's ``SERVICE`` clauses call (``None`` for a variable)."""
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.term import URIRef

    try:
        algebra = translateQuery(parseQuery(query), initNs=PREFIXES).algebra
    except Exception as error:
        raise ServiceRefused(
            f"this query mentions SERVICE but could not be checked against the allowlist: {error}"
        ) from None
    return [
        str(node["term"]) if isinstance(node.get("term"), URIRef) else None
        for node in _walk(algebra)
        if getattr(node, "name", None) == "ServiceGraphPattern"
    ]


def check_services(query: str, allowlist: tuple[str, ...]) -> None:
    """Raise :class:`ServiceRefused` if the query calls an endpoint not on the allowlist."""
    if not may_call_out(query):
        return
    allowed = set(allowlist)
    for endpoint in service_endpoints(query):
        if endpoint is None:
            raise ServiceRefused("SERVICE with a variable endpoint is not allowed")
        if endpoint not in allowed:
            listed = ", ".join(allowlist) if allowlist else "none are configured"
            raise ServiceRefused(
                f"SERVICE <{endpoint}> is not allowed: the endpoint is not on this server's "
                f"allowlist (DCKG_SERVICE_ALLOWLIST; {listed})"
            )


def _walk(node: Any, seen: set[int] | None = None) -> Iterator[Any]:
    seen = seen if seen is not None else set()
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value, seen)
    elif isinstance(node, list | tuple | set):
        for item in node:
            yield from _walk(item, seen)
