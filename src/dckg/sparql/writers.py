"""Writing query results row by row, so a response streams instead of being built whole.

SPARQL JSON, XML, CSV and TSV are written here (pyoxigraph only writes whole result
sets); graphs go through pyoxigraph's own streaming serialisers. Each writer stops at a
row cap and says whether it had to.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from itertools import chain, islice
from xml.sax.saxutils import escape, quoteattr

from pyoxigraph import BlankNode, Literal, NamedNode, QueryBoolean, Triple, serialize

from dckg.namespaces import PREFIXES
from dckg.sparql.formats import Format

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class ChunkWriter:
    """A binary sink that hands on chunks of about ``size`` bytes (or older than ``age`` s)."""

    def __init__(self, send: Callable[[bytes], None], *, size: int = 65536, age: float = 0.25):
        self._send = send
        self._size = size
        self._age = age
        self._parts: list[bytes] = []
        self._buffered = 0
        self._since = time.monotonic()

    def write(self, data: bytes | bytearray | memoryview) -> int:
        data = bytes(data)
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


def write_boolean(result: QueryBoolean, fmt: Format, out: ChunkWriter) -> None:
    """An ASK result."""
    result.serialize(out, fmt.results_format)


def write_solutions(
    variables: list[str], rows: Iterable[object], fmt: Format, out: ChunkWriter, cap: int
) -> tuple[int, bool]:
    """Solutions in a SPARQL results format; returns (rows written, whether capped)."""
    writer = _SOLUTION_WRITERS[fmt.name]
    iterator = iter(rows)
    limited = islice(iterator, cap)
    counted = _Counter(limited)
    writer(variables, counted, out)
    truncated = counted.n == cap and next(iterator, None) is not None
    return counted.n, truncated


def write_graph(
    triples: Iterable[Triple], fmt: Format, out: ChunkWriter, cap: int
) -> tuple[int, bool]:
    """Triples in an RDF format; returns (triples written, whether capped)."""
    iterator = iter(triples)
    counted = _Counter(islice(iterator, cap))
    options = {"prefixes": PREFIXES} if fmt.name == "turtle" else {}
    serialize(counted, out, fmt.rdf_format, **options)
    truncated = counted.n == cap and next(iterator, None) is not None
    return counted.n, truncated


class _Counter:
    """Counts what goes through an iterator."""

    def __init__(self, items: Iterator[object]) -> None:
        self._items = items
        self.n = 0

    def __iter__(self) -> Iterator[object]:
        for item in self._items:
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


def _write_json(variables: list[str], rows: Iterable[object], out: ChunkWriter) -> None:
    out.write(b'{"head":{"vars":' + json.dumps(variables).encode() + b'},"results":{"bindings":[')
    first = True
    for row in rows:
        binding = {}
        for name in variables:
            term = row[name]  # type: ignore[index]
            if term is not None:
                binding[name] = _json_term(term)
        out.write((b"\n" if first else b",\n") + json.dumps(binding).encode())
        first = False
    out.write(b"\n]}}\n")


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


def _write_xml(variables: list[str], rows: Iterable[object], out: ChunkWriter) -> None:
    head = "".join(f"<variable name={quoteattr(v)}/>" for v in variables)
    out.write(
        (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head>{head}</head><results>\n"
        ).encode()
    )
    for row in rows:
        cells = []
        for name in variables:
            term = row[name]  # type: ignore[index]
            if term is not None:
                cells.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
        out.write(("<result>" + "".join(cells) + "</result>\n").encode())
    out.write(b"</results></sparql>\n")


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


def _write_csv(variables: list[str], rows: Iterable[object], out: ChunkWriter) -> None:
    out.write((",".join(variables) + "\r\n").encode())
    for row in rows:
        line = ",".join(_csv_cell(row[name]) for name in variables)  # type: ignore[index]
        out.write((line + "\r\n").encode())


def _tsv_cell(term: object) -> str:
    if term is None:
        return ""
    return str(term).replace("\t", "\\t")


def _write_tsv(variables: list[str], rows: Iterable[object], out: ChunkWriter) -> None:
    out.write(("\t".join("?" + v for v in variables) + "\n").encode())
    for row in rows:
        line = "\t".join(_tsv_cell(row[name]) for name in variables)  # type: ignore[index]
        out.write((line + "\n").encode())


_SOLUTION_WRITERS: dict[str, Callable[[list[str], Iterable[object], ChunkWriter], None]] = {
    "json": _write_json,
    "xml": _write_xml,
    "csv": _write_csv,
    "tsv": _write_tsv,
}


def prepend(first: object, rest: Iterator[object]) -> Iterator[object]:
    """An iterator that yields ``first`` and then ``rest``."""
    return chain((first,), rest)
