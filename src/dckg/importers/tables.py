"""What the table importers share: reading CSV with checked headers, writing N-Triples.

Every row keeps its line number so that an error names the file, the line and the column;
the output is sorted N-Triples, so the same input always gives the same bytes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from dckg.errors import InputError
from dckg.namespaces import DCT, PROV, RDF, RDFS, XSD

_A = NamedNode(RDF + "type")

#: Files larger than this are refused (bytes).
MAX_FILE_BYTES = 20_000_000


@dataclass(frozen=True)
class Row:
    """One CSV row: its file, its line number and its cells by column name."""

    source: str
    line: int
    cells: dict[str, str]

    def text(self, column: str) -> str:
        """The stripped text of a cell ('' when empty)."""
        return (self.cells.get(column) or "").strip()

    def error(self, message: str, column: str) -> InputError:
        """An error naming this row's file, line and column."""
        return InputError(message, source=self.source, line=self.line, field=column)

    def decimal(self, column: str, *, required: bool = False) -> Decimal | None:
        """A cell as a decimal number (``1e+06`` too), or None when empty.

        >>> Row("a.csv", 2, {"budget": "1.5e+06"}).decimal("budget") == 1_500_000
        True
        """
        value = self.text(column)
        if not value:
            if required:
                raise self.error("a number is required here", column)
            return None
        try:
            number = Decimal(value)
        except InvalidOperation:
            raise self.error(f"not a number: {value!r}", column) from None
        if not number.is_finite():
            raise self.error(f"not a finite number: {value!r}", column)
        return number


def read_text(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> str:
    """The text of a UTF-8 file (a byte-order mark dropped).

    Raises :class:`~dckg.errors.InputError` for a file that is missing, not a file, larger
    than ``max_bytes`` or not UTF-8 (naming the byte and its line).
    """
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", source=path) from None
    if not path.is_file():
        raise InputError("not a file", source=path)
    if size > max_bytes:
        raise InputError(
            f"file too large ({size:,} bytes; the limit is {max_bytes:,})", source=path
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", source=path) from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 (byte {error.start})", source=path, line=line) from None


def file_in(path: Path, name: str) -> Path:
    """``path``, or the file ``name`` in it when it is a folder; an error when no such file."""
    if path.is_dir():
        path = path / name
    if not path.is_file():
        raise InputError("no such file", source=path)
    return path


def read_csv(path: Path, columns: Sequence[str], *, max_bytes: int = MAX_FILE_BYTES) -> list[Row]:
    """The rows of a CSV file whose header holds at least ``columns``."""
    text = read_text(path, max_bytes=max_bytes)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("empty file: no header", source=path) from None
    missing = [c for c in columns if c not in header]
    if missing:
        raise InputError(
            f"missing column(s) {', '.join(missing)} in the header", source=path, line=1
        )
    rows: list[Row] = []
    try:
        for record in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in record):
                continue
            if len(record) != len(header):
                raise InputError(
                    f"{len(record)} cells where the header has {len(header)}",
                    source=path,
                    line=line,
                )
            rows.append(Row(path.name, line, dict(zip(header, record, strict=True))))
    except csv.Error as error:
        raise InputError(f"malformed CSV: {error}", source=path, line=reader.line_num) from None
    return rows


def decimal_literal(value: Decimal) -> Literal:
    """An ``xsd:decimal`` literal in canonical form.

    >>> decimal_literal(Decimal("1E+7")).value
    '10000000'
    """
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return Literal(text, datatype=NamedNode(XSD + "decimal"))


def typed(value: str, datatype: str) -> Literal:
    """A literal of an XSD datatype (local name)."""
    return Literal(value, datatype=NamedNode(XSD + datatype))


def retrieval_triples(
    dataset: NamedNode,
    retrieval: NamedNode,
    *,
    label: str,
    sources: Iterable[NamedNode],
    license: NamedNode,
    created: str,
) -> Iterator[Triple]:
    """The retrieval a data set is derived from (``prov:wasDerivedFrom``): a ``prov:Entity``
    with its label, sources, licence and month of retrieval (``xsd:gYearMonth``)."""
    yield Triple(dataset, NamedNode(PROV + "wasDerivedFrom"), retrieval)
    yield Triple(retrieval, _A, NamedNode(PROV + "Entity"))
    yield Triple(retrieval, NamedNode(RDFS + "label"), Literal(label, language="en"))
    for source in sources:
        yield Triple(retrieval, NamedNode(DCT + "source"), source)
    yield Triple(retrieval, NamedNode(DCT + "license"), license)
    yield Triple(retrieval, NamedNode(DCT + "created"), typed(created, "gYearMonth"))


def ntriples(triples: Iterable[Triple]) -> bytes:
    """Triples as N-Triples, one statement a line, sorted, without repeats."""
    lines = {f"{t.subject} {t.predicate} {t.object} .\n" for t in triples}
    return "".join(sorted(lines)).encode("utf-8")


__all__ = [
    "MAX_FILE_BYTES",
    "Row",
    "decimal_literal",
    "file_in",
    "ntriples",
    "read_csv",
    "read_text",
    "retrieval_triples",
    "typed",
]
