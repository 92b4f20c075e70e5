"""``SERVICE`` calls: refused unless the endpoint is on the allowlist, decided on Oxigraph's parse.

The check never asks a second parser what the query means: two parsers disagree on corner
cases (a carriage return ending a ``#`` comment, ``\\u`` escapes in strings) and an attacker
lives in those corners. It asks Oxigraph, the engine that runs the query, a question whose
answer does not depend on how comments, strings or escapes are read:

1. every spelling of the word ``service`` in the text (any case, letters written plain or as
   ``\\u``/``\\U`` escapes) is found, wherever it is: in comments, strings, IRIs, names;
2. those not written as ``SERVICE [SILENT] <allowed endpoint>`` are *disguised*: each letter
   becomes ``x`` (``X``), each escaped letter the escape of ``x``: the text keeps its shape
   character for character (same comments, strings, IRIs, names, escapes), only the word
   is no longer the keyword;
3. the endpoints of the remaining (allowed) ones are swapped for a ``urn:`` IRI of the same
   length, so that checking calls nothing;
4. Oxigraph parses the result. A ``SERVICE`` keyword turned into ``XXXXXXX`` is a syntax
   error wherever it stood, while a disguised word inside a comment, string, IRI or name
   changes nothing. So if Oxigraph parses the disguised text, the original text has no
   ``SERVICE`` keyword except the allowed ones, as Oxigraph reads it; if it does not, the
   query is refused (with a syntax error where the fault is elsewhere).

The check runs inside the time-limited query worker, never in the server process. It is the
first of two walls: query workers also have no network at all unless an allowlist is
configured (see :mod:`dckg.sparql.worker`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from dckg.errors import QueryError
from dckg.namespaces import BASE_IRI


class ServiceRefused(QueryError):
    """A query calls an endpoint that is not allowed."""


_WS = "[ \t\r\n]*"


def _letter(ch: str) -> str:
    codes = {f"{ord(ch.lower()):02x}", f"{ord(ch.upper()):02x}"}
    hexes = "|".join(sorted(codes))
    return rf"(?:{ch}|\\u00(?:{hexes})|\\U000000(?:{hexes}))"


#: The word ``service`` in any case, each letter plain or as a SPARQL escape.
WORD = re.compile("".join(_letter(ch) for ch in "service"), re.IGNORECASE | re.ASCII)
_SILENT = re.compile(_WS + r"(?:silent" + _WS + ")?", re.IGNORECASE | re.ASCII)
_HEX_X = {"u": "\\u0078", "U": "\\U00000078"}
_ESCAPE = re.compile(r"\\(u)[0-9A-Fa-f]{4}|\\(U)[0-9A-Fa-f]{8}")


def may_call_out(query: str) -> bool:
    r"""Whether a query spells ``service`` at all (if not, it cannot call out).

    >>> may_call_out("SELECT * WHERE { ?s ?p ?o }")
    False
    >>> may_call_out(r"select * { \u0073erVICE <http://x/> { ?s ?p ?o } }")
    True
    """
    return WORD.search(query) is not None


@dataclass(frozen=True)
class Checked:
    """What the check asks Oxigraph to parse, and how many allowed calls it left in place."""

    probe: str
    allowed: int

    def disguised(self, query: str) -> list[tuple[int, int]]:
        """Where the words disguised in the probe stand in ``query``."""
        return [m.span() for m in WORD.finditer(query) if self.probe[m.start() : m.end()] != m[0]]


def disguise(query: str, allowlist: Iterable[str] = ()) -> Checked:
    """The probe text for Oxigraph (see the module docstring); of the same length.

    >>> disguise("SELECT * { SERVICE <http://a/> { ?s ?p ?o } } # service").probe
    'SELECT * { XXXXXXX <http://a/> { ?s ?p ?o } } # xxxxxxx'
    >>> disguise("ASK { service <http://a/sparql> {} }", ["http://a/sparql"]).probe
    'ASK { service <urn:x-dckg:xxxx> {} }'
    """
    allowed_iris = set(allowlist)
    endpoints: list[tuple[int, int]] = []

    def replace(match: re.Match[str]) -> str:
        word = match[0]
        if allowed_iris and "\\" not in word:
            endpoint = _allowed_endpoint(query, match.end(), allowed_iris)
            if endpoint is not None:
                endpoints.append(endpoint)
                return word
        return word.translate(_TO_X) if "\\" not in word else _xxx(word)

    probe = WORD.sub(replace, query)
    for start, end in endpoints:
        length = end - start
        probe = probe[:start] + ("urn:x-dckg:" + "x" * length)[:length] + probe[end:]
    return Checked(probe, len(endpoints))


_TO_X = str.maketrans("serviceSERVICE", "xxxxxxxXXXXXXX")


def _allowed_endpoint(query: str, end: int, allowed: set[str]) -> tuple[int, int] | None:
    """Where the IRI starts and ends if ``<allowed IRI>`` follows the word at ``end``."""
    if not allowed:
        return None
    silent = _SILENT.match(query, end)
    assert silent is not None  # the pattern matches the empty string
    start = silent.end()
    if not query.startswith("<", start):
        return None
    close = query.find(">", start + 1)
    if close < 0 or query[start + 1 : close] not in allowed:
        return None
    return start + 1, close


def _xxx(word: str) -> str:
    """``word`` with each letter made an ``x`` of the same case and form."""
    out = []
    i = 0
    while i < len(word):
        escape = _ESCAPE.match(word, i)
        if escape is not None:
            out.append(_HEX_X[escape.group(1) or escape.group(2)])
            i = escape.end()
        else:
            out.append("X" if word[i].isupper() else "x")
            i += 1
    return "".join(out)


def check_services(
    query: str,
    allowlist: Iterable[str],
    prefixes: Mapping[str, str] | None = None,
) -> int:
    """Raise unless every ``SERVICE`` Oxigraph would run names an allowed endpoint.

    Returns how many allowed ``SERVICE`` clauses the query may hold (0: it calls out to
    nothing). A query that does not parse is left for the engine to report.
    """
    if not may_call_out(query):
        return 0
    import pyoxigraph

    allowlist = tuple(allowlist)
    checked = disguise(query, allowlist)
    try:
        # Parsed as the engine parses it: relative IRIs resolve against the documented base.
        pyoxigraph.Store().query(checked.probe, prefixes=dict(prefixes or {}), base_iri=BASE_IRI)
    except SyntaxError as error:
        _refuse(query, checked, str(error), allowlist, dict(prefixes or {}))
    except (OSError, ValueError, RuntimeError):
        pass  # it parsed; the (harmless) probe failed while running on an empty store
    return checked.allowed


#: Disguised words tried one by one as a ``GRAPH`` (same syntax as ``SERVICE``), to say which
#: one was a keyword; past this many, the refusal names none.
_LOCATE_AT_MOST = 16
_SILENT_WORD = re.compile(_WS + "(silent)", re.IGNORECASE | re.ASCII)


def _refuse(
    query: str,
    checked: Checked,
    message: str,
    allowlist: tuple[str, ...],
    prefixes: dict[str, str],
) -> None:
    """Raise the right error for a probe that did not parse.

    Either a disguised word was a ``SERVICE`` keyword (the probe parses once that word
    becomes ``GRAPH``, which takes the same place in the grammar), or the query is malformed
    elsewhere.
    """
    import pyoxigraph

    listed = ", ".join(allowlist) if allowlist else "none are configured"
    refusal = (
        "this server only calls the endpoints on its allowlist, each written out in full as "
        f"SERVICE <IRI> (DCKG_SERVICE_ALLOWLIST; {listed})"
    )
    disguised = checked.disguised(query)
    if len(disguised) > _LOCATE_AT_MOST:
        raise ServiceRefused(f"SERVICE is not allowed here, or the query is malformed: {refusal}")
    for start, end in disguised:
        probe = checked.probe[:start] + "GRAPH".ljust(end - start) + checked.probe[end:]
        silent = _SILENT_WORD.match(probe, end)
        if silent is not None:
            probe = probe[: silent.start(1)] + " " * 6 + probe[silent.end(1) :]
        try:
            pyoxigraph.Store().query(probe, prefixes=prefixes, base_iri=BASE_IRI)
        except SyntaxError:
            continue
        except (OSError, ValueError, RuntimeError):
            pass
        line = query.count("\n", 0, start) + 1
        column = start - (query.rfind("\n", 0, start) + 1) + 1
        raise ServiceRefused(f"SERVICE at line {line}, column {column} is not allowed: {refusal}")
    raise QueryError(f"malformed query: {message}")
