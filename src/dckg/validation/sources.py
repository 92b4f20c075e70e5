"""Reading contributions (the first step): the bytes of a file, safely.

Every input is read whole and checked against a size cap before anything else happens;
what cannot be read raises :class:`~dckg.errors.InputError` naming the file. The
:class:`Input` this step gives is mapped to triples by :mod:`.mapping`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat

from dckg.errors import InputError
from dckg.rdfio import DEFAULT_MAX_INPUT_BYTES, max_input_bytes, read_bytes, too_big
from dckg.sparql import formats

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
    data = read_bytes(path, max_bytes=max_bytes)
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
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
        raise InputError(too_big(len(data), cap), source=name)
    return Input(name, data, format_name(fmt))


def check_not_empty(source: Input) -> None:
    if not source.data.strip():
        raise InputError("the file is empty", source=source.name)


def decode(source: Input) -> str:
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


__all__ = [
    "DEFAULT_MAX_INPUT_BYTES",
    "FORMATS",
    "Input",
    "bytes_input",
    "check_not_empty",
    "decode",
    "format_name",
    "max_input_bytes",
    "open_input",
]
