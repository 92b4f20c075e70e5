"""Reading contributions: Turtle, N-Triples, JSON-LD, RDF/XML and CSV, safely.

Every input is read whole, checked against a size cap, and parsed before anything else
happens; a problem that makes the input unreadable raises :class:`~dckg.errors.InputError`
naming the file and the line (RDF) or row (CSV). RDF is parsed by Oxigraph's parsers,
which never fetch a remote JSON-LD ``@context`` and never resolve an XML external entity.
"""

from __future__ import annotations

import hashlib
import os
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import BlankNode, NamedNode, RdfFormat, Triple

from dckg import rdfio
from dckg.errors import InputError, UsageError
from dckg.sparql import formats
from dckg.validation.report import Issue

#: The default cap on the size of one input, in bytes (after decompression).
DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024

#: Formats a contribution may come in: name -> (RDF format or None for CSV, media type),
#: from the one format registry.
FORMATS: dict[str, tuple[RdfFormat | None, str]] = {
    "turtle": (RdfFormat.TURTLE, formats.TURTLE.media_type),
    "ntriples": (RdfFormat.N_TRIPLES, formats.NTRIPLES.media_type),
    "jsonld": (RdfFormat.JSON_LD, formats.JSONLD.media_type),
    "rdfxml": (RdfFormat.RDF_XML, formats.RDFXML.media_type),
    "csv": (None, formats.CSV.media_type),
}
_BY_FORMAT = {fmt: name for name, (fmt, _media) in FORMATS.items() if fmt is not None}


def max_input_bytes() -> int:
    """The size cap: ``$DCKG_MAX_INPUT_BYTES`` if set, else 64 MiB."""
    raw = os.environ.get("DCKG_MAX_INPUT_BYTES")
    if raw is None or raw.strip() == "":
        return DEFAULT_MAX_INPUT_BYTES
    try:
        value = int(raw)
    except ValueError:
        raise UsageError(
            f"DCKG_MAX_INPUT_BYTES must be a whole number of bytes, not {raw!r}"
        ) from None
    if value <= 0:
        raise UsageError("DCKG_MAX_INPUT_BYTES must be positive")
    return value


def format_name(name: str) -> str:
    """The canonical name of a contribution format, from a name or a file extension.

    >>> format_name(".TTL"), format_name("csv"), format_name("json-ld")
    ('turtle', 'csv', 'jsonld')
    """
    key = name.lower().lstrip(".")
    found = formats.rdf_by_name(key)
    if found is not None and found.rdf_format in _BY_FORMAT:
        key = _BY_FORMAT[found.rdf_format]
    if key not in FORMATS:
        known = "ttl, nt, jsonld, rdf (RDF/XML), csv"
        raise InputError(f"unknown or unsupported format {name!r} (use one of: {known})")
    return key


@dataclass(frozen=True)
class Input:
    """The raw bytes of one contribution file, with its name and format."""

    name: str
    data: bytes
    fmt: str

    @property
    def checksum(self) -> str:
        """``sha256:`` and the hex digest of the bytes as given (before decompression)."""
        return "sha256:" + hashlib.sha256(self.data).hexdigest()

    @property
    def media_type(self) -> str:
        return FORMATS[self.fmt][1]


def open_input(path: Path, *, fmt: str | None = None, max_bytes: int | None = None) -> Input:
    """Read a file (``.gz`` is decompressed), refusing anything larger than the cap."""
    cap = max_bytes or max_input_bytes()
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("no such file", source=path) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", source=path) from None
    if path.is_dir():
        raise InputError("is a directory, not a file", source=path)
    if size > cap:
        raise InputError(_too_big(size, cap), source=path)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", source=path) from None
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        data = _gunzip(data, cap, path)
        suffixes.pop()
    if fmt is None:
        if not suffixes:
            raise InputError(
                "cannot tell the format: the file has no extension (use --format)", source=path
            )
        try:
            fmt = format_name(suffixes[-1])
        except InputError as error:
            raise InputError(error.message, source=path) from None
    return Input(str(path), data, format_name(fmt))


def bytes_input(
    data: bytes, *, name: str = "<input>", fmt: str, max_bytes: int | None = None
) -> Input:
    """An in-memory contribution (e.g. an HTTP request body)."""
    cap = max_bytes or max_input_bytes()
    if len(data) > cap:
        raise InputError(_too_big(len(data), cap), source=name)
    return Input(name, data, format_name(fmt))


def _too_big(size: int, cap: int) -> str:
    return (
        f"the input is {size:,} bytes, more than the limit of {cap:,} bytes "
        "(set DCKG_MAX_INPUT_BYTES to raise it)"
    )


def _gunzip(data: bytes, cap: int, path: Path) -> bytes:
    decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(data, cap + 1)
    except zlib.error as error:
        raise InputError(f"not a valid gzip file: {error}", source=path) from None
    if len(out) > cap or decompressor.unconsumed_tail:
        raise InputError(
            f"decompressed, the input is larger than the limit of {cap:,} bytes "
            "(set DCKG_MAX_INPUT_BYTES to raise it)",
            source=path,
        )
    if not decompressor.eof:
        raise InputError("not a valid gzip file: it is truncated", source=path)
    return out


@dataclass
class Parsed:
    """One contribution file turned into triples, with where each subject came from."""

    source: Input
    triples: list[Triple]
    #: Problems found while mapping cells (CSV); readable input, but not valid.
    issues: list[Issue] = field(default_factory=list)
    #: CSV: the row each subject was made from; RDF: the line where a subject is first named.
    rows: dict[NamedNode | BlankNode, int] = field(default_factory=dict)
    #: CSV: the column each (subject, predicate) and each (subject, predicate, object) came from.
    fields: dict[tuple, str] = field(default_factory=dict)
    #: RDF text, kept to find the line of a subject when an issue names it.
    text: str | None = None
    _lines: dict[str, int] | None = None

    @property
    def name(self) -> str:
        return self.source.name

    def location(self, focus: NamedNode | BlankNode | None) -> str:
        """``row N`` (CSV) or ``line N`` (RDF) for a subject, or ``""`` if unknown."""
        if focus is None:
            return ""
        if focus in self.rows:
            return f"row {self.rows[focus]}"
        if self.text is not None and isinstance(focus, NamedNode):
            if self._lines is None:
                self._lines = subject_lines(self.text)
            line = self._lines.get(focus.value) or _first_mention(self.text, focus.value)
            if line:
                return f"line {line}"
        return ""

    def field_of(
        self, focus: NamedNode | BlankNode | None, path: NamedNode | None, value: object = None
    ) -> str | None:
        """The CSV column a statement came from (the exact one when the value is known)."""
        if focus is None or path is None:
            return None
        if value is not None and (focus, path, value) in self.fields:
            return self.fields[(focus, path, value)]
        return self.fields.get((focus, path))


def parse_rdf(source: Input, *, base_iri: str | None = None) -> Parsed:
    """Parse an RDF input whole; raises InputError with the line of a syntax error."""
    rdf_format = FORMATS[source.fmt][0]
    assert rdf_format is not None
    _check_not_empty(source)
    text = _decode(source)
    triples = [
        Triple(q.subject, q.predicate, q.object)
        for q in rdfio.parse_quads(source.data, rdf_format, source=source.name, base_iri=base_iri)
    ]
    if not triples:
        raise InputError("the file holds no triples", source=source.name)
    return Parsed(source, triples, text=text)


def _check_not_empty(source: Input) -> None:
    if not source.data.strip():
        raise InputError("the file is empty", source=source.name)


def _decode(source: Input) -> str:
    """The input as text; anything but UTF-8 is refused with the line of the first bad byte."""
    try:
        return source.data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = source.data[: error.start].count(b"\n") + 1
        bad = source.data[error.start : error.start + 1].hex().upper()
        raise InputError(
            f"not UTF-8 text: byte 0x{bad} cannot be decoded (save the file as UTF-8)",
            source=source.name,
            line=line,
        ) from None


_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE)
_SUBJECT = re.compile(r"^\s*(?:<([^>]+)>|([A-Za-z][\w.-]*)?:([^\s;,.]*))")


def subject_lines(text: str) -> dict[str, int]:
    """The line on which each subject of a Turtle or N-Triples text is first written.

    >>> subject_lines("@prefix ex: <http://e/> .\\nex:a ex:p 1 .\\n<http://e/b> ex:p 2 .")
    {'http://e/a': 2, 'http://e/b': 3}
    """
    prefixes: dict[str, str] = {}
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        declared = _PREFIX.match(line)
        if declared:
            prefixes[declared.group(1) or ""] = declared.group(2)
            continue
        match = _SUBJECT.match(line)
        if not match:
            continue
        if match.group(1):
            iri = match.group(1)
        elif (match.group(2) or "") in prefixes:
            iri = prefixes[match.group(2) or ""] + match.group(3)
        else:
            continue
        found.setdefault(iri, number)
    return found


def _first_mention(text: str, iri: str) -> int | None:
    position = text.find(iri)
    return text.count("\n", 0, position) + 1 if position >= 0 else None


def read_contribution(
    source: Path | bytes | Input,
    *,
    fmt: str | None = None,
    name: str | None = None,
    store: object | None = None,
    template: str | None = None,
) -> Parsed:
    """Read one contribution file into triples (CSV through its declared template).

    ``store`` is used by CSV reading to resolve partners given by name.
    """
    if isinstance(source, Input):
        raw = source
    elif isinstance(source, Path):
        raw = open_input(source, fmt=fmt)
    else:
        if fmt is None:
            raise UsageError("the format of in-memory input must be given")
        raw = bytes_input(source, name=name or "<input>", fmt=fmt)
    if raw.fmt == "csv":
        from dckg.validation.csvmap import read_csv

        _check_not_empty(raw)
        return read_csv(raw, _decode(raw), store=store, template=template)  # type: ignore[arg-type]
    return parse_rdf(raw)


__all__ = [
    "DEFAULT_MAX_INPUT_BYTES",
    "FORMATS",
    "Input",
    "Parsed",
    "bytes_input",
    "format_name",
    "max_input_bytes",
    "open_input",
    "parse_rdf",
    "read_contribution",
    "subject_lines",
]
