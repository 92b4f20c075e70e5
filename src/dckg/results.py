"""Writing query results: SPARQL result formats, RDF formats and a terminal table."""

from __future__ import annotations

from collections.abc import Iterable
from typing import BinaryIO

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Triple,
)

from dckg.errors import UsageError
from dckg.namespaces import PREFIXES

#: Output formats for SELECT and ASK results.
SOLUTION_FORMATS = {
    "json": QueryResultsFormat.JSON,
    "xml": QueryResultsFormat.XML,
    "csv": QueryResultsFormat.CSV,
    "tsv": QueryResultsFormat.TSV,
}
#: Output formats for CONSTRUCT and DESCRIBE results.
GRAPH_FORMATS = {
    "turtle": RdfFormat.TURTLE,
    "ttl": RdfFormat.TURTLE,
    "nt": RdfFormat.N_TRIPLES,
    "ntriples": RdfFormat.N_TRIPLES,
    "jsonld": RdfFormat.JSON_LD,
    "json": RdfFormat.JSON_LD,
    "xml": RdfFormat.RDF_XML,
    "rdfxml": RdfFormat.RDF_XML,
}
FORMAT_NAMES = sorted({"table", *SOLUTION_FORMATS, *GRAPH_FORMATS})


def short(term: object, prefixes: dict[str, str] | None = None) -> str:
    """A term as a person reads it: prefixed names where a prefix fits, plain literals.

    >>> short(NamedNode("https://w3id.org/dckg/ontology#City"))
    'dckg:City'
    >>> short(Literal("Lyon"))
    'Lyon'
    """
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        for prefix, namespace in (prefixes or PREFIXES).items():
            if term.value.startswith(namespace):
                local = term.value[len(namespace) :]
                if local and all(c.isalnum() or c in "_-." for c in local):
                    return f"{prefix}:{local}"
        return f"<{term.value}>"
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        return term.value
    return str(term)


def table(variables: list[str], rows: Iterable[list[object]], *, max_width: int = 60) -> str:
    """A plain-text table with a header line.

    >>> print(table(["a", "b"], [[Literal("1"), Literal("x")]]))
    a | b
    --+--
    1 | x
    """
    cells = [[_clip(short(v), max_width) for v in row] for row in rows]
    widths = [len(v) for v in variables]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = [" | ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines.extend(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells)
    return "\n".join(lines)


def _clip(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


def write_result(result: object, output: BinaryIO, fmt: str = "table") -> int:
    """Write a query result in a named format; returns the number of rows or triples."""
    if isinstance(result, QueryBoolean):
        if fmt == "table":
            output.write(b"true\n" if bool(result) else b"false\n")
        elif fmt in SOLUTION_FORMATS:
            result.serialize(output, SOLUTION_FORMATS[fmt])
        else:
            raise UsageError(f"an ASK result cannot be written as {fmt!r}")
        return 1
    if isinstance(result, QuerySolutions):
        variables = [v.value for v in result.variables]
        if fmt == "table":
            rows = [[solution[v] for v in variables] for solution in result]
            output.write((table(variables, rows) + "\n").encode())
            output.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n".encode())
            return len(rows)
        if fmt not in SOLUTION_FORMATS:
            raise UsageError(
                f"SELECT results cannot be written as {fmt!r}: use table, json, xml, csv or tsv"
            )
        result.serialize(output, SOLUTION_FORMATS[fmt])
        return -1
    if isinstance(result, QueryTriples):
        rdf_format = GRAPH_FORMATS.get("turtle" if fmt == "table" else fmt)
        if rdf_format is None:
            raise UsageError(
                f"graph results cannot be written as {fmt!r}: use turtle, nt, jsonld or xml"
            )
        triples: list[Triple] = list(result)
        from pyoxigraph import serialize

        options = {"prefixes": PREFIXES} if rdf_format == RdfFormat.TURTLE else {}
        serialize(triples, output, rdf_format, **options)
        return len(triples)
    raise TypeError(f"not a query result: {type(result).__name__}")
