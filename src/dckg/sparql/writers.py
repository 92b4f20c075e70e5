"""Writing query results row by row, so a response streams instead of being built whole.

SPARQL JSON, XML, CSV and TSV are written here (pyoxigraph only writes whole result
sets); graphs go through pyoxigraph's own streaming serialisers. Each writer stops at a
row cap, and at the byte cap of its :class:`ChunkWriter` (``limit``: the bytes of the body,
as serialised), and says whether it had to; the document it writes stays well-formed.

A row of solutions is serialised before it is written: one that would take the body past
the byte cap is left out, so the body never exceeds it (unless the head and foot of the
document alone do). A graph's serialiser (pyoxigraph's) buffers up to
:data:`SERIALISER_BUFFER` bytes itself, so triples stop while what is written, that buffer
and the next triple's N-Triples size fit: within a few bytes of the cap.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from typing import IO, cast
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, Triple, serialize

from dckg.namespaces import PREFIXES
from dckg.sparql.formats import Format

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: Bytes pyoxigraph's serialisers hold before they write.
SERIALISER_BUFFER = 8192
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class ChunkWriter:
    """A binary sink that hands on chunks of about ``size`` bytes (or older than ``age`` s).

    ``limit`` is the byte cap of what the writers put in it (``None``: none); ``written``
    counts the bytes written so far, ``full`` says whether a writer stopped at the cap.
    """

    def __init__(
        self,
        send: Callable[[bytes], None],
        *,
        size: int = 65536,
        age: float = 0.25,
        limit: int | None = None,
    ):
        self._send = send
        self._size = size
        self._age = age
        self._parts: list[bytes] = []
        self._buffered = 0
        self._since = time.monotonic()
        self.limit = limit
        self.written = 0
        self.full = False

    def fits(self, more: int) -> bool:
        """Whether ``more`` bytes can still be written within the cap."""
        return self.limit is None or self.written + more <= self.limit

    def write(self, data: bytes | bytearray | memoryview) -> int:
        data = bytes(data)
        self.written += len(data)
        if not self._parts:
            self._since = time.monotonic()
        self._parts.append(data)
        self._buffered += len(data)
        if self._buffered >= self._size or time.monotonic() - self._since > self._age:
            self.send_buffered()
        return len(data)

    def flush(self) -> None:
        """Nothing: serialisers call it when they end, but chunking is decided here."""

    def send_buffered(self) -> None:
        """Hand on what is buffered now."""
        if self._parts:
            self._send(self.take())

    def take(self) -> bytes:
        """What is buffered, removed from the buffer without being sent."""
        data = b"".join(self._parts)
        self._parts.clear()
        self._buffered = 0
        return data


def _file(out: ChunkWriter) -> IO[bytes]:
    """``out`` as the binary file pyoxigraph writes to (it calls only ``write``)."""
    return cast("IO[bytes]", out)


def write_boolean(result: QueryBoolean, fmt: Format, out: ChunkWriter) -> None:
    """An ASK result."""
    result.serialize(_file(out), fmt.results_format)


def write_solutions(
    variables: list[str], rows: Iterable[object], fmt: Format, out: ChunkWriter, cap: int
) -> tuple[int, bool]:
    """Solutions in a SPARQL results format; returns (rows written, whether capped).

    Whether the byte cap of ``out`` stopped it is ``out.full``.
    """
    head, row, foot = _SOLUTION_WRITERS[fmt.name]
    iterator = iter(rows)
    out.write(head(variables))
    n = 0
    for item in islice(iterator, cap):
        data = row(variables, item, n == 0)
        if not out.fits(len(data) + len(foot)):
            out.full = True
            break
        out.write(data)
        n += 1
    out.write(foot)
    truncated = out.full or (n == cap and next(iterator, None) is not None)
    return n, truncated


def write_graph(
    triples: Iterable[Triple], fmt: Format, out: ChunkWriter, cap: int
) -> tuple[int, bool]:
    """Triples in an RDF format; returns (triples written, whether capped).

    Whether the byte cap of ``out`` stopped it is ``out.full``.
    """
    iterator = iter(triples)
    counted = _Counter(islice(iterator, cap), out)
    if fmt.name == "turtle":
        serialize(counted, _file(out), fmt.rdf_format, prefixes=PREFIXES)
    else:
        serialize(counted, _file(out), fmt.rdf_format)
    truncated = out.full or (counted.n == cap and next(iterator, None) is not None)
    return counted.n, truncated


class _Counter:
    """Counts the triples that go through, and stops before one that may not fit in ``out``."""

    def __init__(self, items: Iterator[Triple], out: ChunkWriter) -> None:
        self._items = items
        self._out = out
        self.n = 0

    def __iter__(self) -> Iterator[Triple]:
        for item in self._items:
            if self._out.limit is not None and not self._out.fits(
                SERIALISER_BUFFER + len(str(item).encode()) + 2
            ):
                self._out.full = True
                return
            self.n += 1
            yield item


# -- SPARQL 1.1 Query Results JSON ---------------------------------------------------


def _json_term(term: object) -> dict[str, object]:
    if isinstance(term, NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, Literal):
        out: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != _XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, Triple):
        return {
            "type": "triple",
            "value": {
                "subject": _json_term(term.subject),
                "predicate": _json_term(term.predicate),
                "object": _json_term(term.object),
            },
        }
    raise TypeError(f"not an RDF term: {term!r}")


def _json_head(variables: list[str]) -> bytes:
    return b'{"head":{"vars":' + json.dumps(variables).encode() + b'},"results":{"bindings":['


def _json_row(variables: list[str], row: object, first: bool) -> bytes:
    binding = {}
    for name in variables:
        term = row[name]  # type: ignore[index]
        if term is not None:
            binding[name] = _json_term(term)
    return (b"\n" if first else b",\n") + json.dumps(binding).encode()


# -- SPARQL Query Results XML ---------------------------------------------------------


def _xml_term(term: object) -> str:
    if isinstance(term, NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != _XSD_STRING:
            return (
                f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
            )
        return f"<literal>{escape(term.value)}</literal>"
    if isinstance(term, Triple):
        return (
            f"<triple><subject>{_xml_term(term.subject)}</subject>"
            f"<predicate>{_xml_term(term.predicate)}</predicate>"
            f"<object>{_xml_term(term.object)}</object></triple>"
        )
    raise TypeError(f"not an RDF term: {term!r}")


def _xml_head(variables: list[str]) -> bytes:
    head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
    return (
        '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
        f"<head>{head}</head><results>\n"
    ).encode()


def _xml_row(variables: list[str], row: object, _first: bool) -> bytes:
    cells = []
    for name in variables:
        term = row[name]  # type: ignore[index]
        if term is not None:
            cells.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
    return ("<result>" + "".join(cells) + "</result>\n").encode()


# -- SPARQL 1.1 Query Results CSV and TSV -----------------------------------------------


def _csv_cell(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, BlankNode):
        text = "_:" + term.value
    elif isinstance(term, NamedNode | Literal):
        text = term.value
    else:
        text = str(term)
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_head(variables: list[str]) -> bytes:
    return (",".join(variables) + "\r\n").encode()


def _csv_row(variables: list[str], row: object, _first: bool) -> bytes:
    line = ",".join(_csv_cell(row[name]) for name in variables)  # type: ignore[index]
    return (line + "\r\n").encode()


def _tsv_cell(term: object) -> str:
    if term is None:
        return ""
    return str(term).replace("\t", "\\t")


def _tsv_head(variables: list[str]) -> bytes:
    return ("\t".join("?" + v for v in variables) + "\n").encode()


def _tsv_row(variables: list[str], row: object, _first: bool) -> bytes:
    line = "\t".join(_tsv_cell(row[name]) for name in variables)  # type: ignore[index]
    return (line + "\n").encode()


#: A format of solutions: its head (from the variables), a row (from the variables, the
#: solution and whether it is the first), its foot.
_SolutionFormat = tuple[
    Callable[[list[str]], bytes], Callable[[list[str], object, bool], bytes], bytes
]

_SOLUTION_WRITERS: dict[str, _SolutionFormat] = {
    "json": (_json_head, _json_row, b"\n]}}\n"),
    "xml": (_xml_head, _xml_row, b"</results></sparql>\n"),
    "csv": (_csv_head, _csv_row, b""),
    "tsv": (_tsv_head, _tsv_row, b""),
}


def prepend(first: object, rest: Iterator[object]) -> Iterator[object]:
    """An iterator that yields ``first`` and then ``rest``."""
    return chain((first,), rest)
