"""Reading contributions (the first step): the bytes of a file, safely.

Every input is read whole and checked against a size cap before anything else happens;
what cannot be read raises :class:`~dckg.errors.InputError` naming the file. The
:class:`Input` this step gives is mapped to triples by :mod:`.mapping`.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass
from pathlib import Path

from pyoxigraph import RdfFormat

from dckg.config import InputLimits
from dckg.errors import InputError
from dckg.sparql import formats

#: The default cap on the size of one input, in bytes (after decompression).
DEFAULT_MAX_INPUT_BYTES: int = InputLimits().max_input_bytes

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
    return InputLimits.from_env().max_input_bytes


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
