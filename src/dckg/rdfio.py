"""Reading RDF files: format detection and a full syntax check before anything is written.

Every parser here is local: JSON-LD never fetches a remote ``@context`` and RDF/XML
never resolves an external entity. Two formats are checked before Oxigraph parses them:
RDF/XML for entity expansion and XML syntax (:mod:`dckg.rdfxml`), JSON-LD for anything
its processing would silently drop (:mod:`dckg.jsonld`).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from pathlib import Path

from pyoxigraph import Quad, RdfFormat, parse

from dckg import formats
from dckg.config import InputLimits
from dckg.errors import InputError

#: The default cap on the size of one input, in bytes (after decompression).
DEFAULT_MAX_INPUT_BYTES: int = InputLimits().max_input_bytes

#: The cap for the data shipped with the package: trusted, so not bound by the setting.
SHIPPED_MAX_BYTES = 1024 * 1024 * 1024

#: Formats whose files may hold several graphs.
DATASET_FORMATS = frozenset({RdfFormat.N_QUADS, RdfFormat.TRIG})


def format_from_name(name: str) -> RdfFormat:
    """The RDF format for a format name or file extension.

    >>> format_from_name("ttl")
    <RdfFormat Turtle>
    """
    found = formats.rdf_by_name(name)
    if found is None or found.rdf_format is None or found.rdf_format == RdfFormat.N3:
        known = ", ".join(
            n
            for f in formats.REGISTRY
            if f.rdf_format is not None
            for n in f.all_names
            if "-" not in n and "+" not in n and n != "n3"
        )
        raise InputError(f"unknown RDF format {name.lstrip('.')!r} (known: {known})") from None
    return found.rdf_format


def guess_format(path: Path) -> RdfFormat:
    """The RDF format of a file, from its extension (``.gz`` is looked through)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    if not suffixes:
        raise InputError("cannot tell the RDF format: the file has no extension", source=path)
    try:
        return format_from_name(suffixes[-1])
    except InputError as error:
        raise InputError(error.message, source=path) from None


def max_input_bytes() -> int:
    """The cap on one input after decompression: ``$DCKG_MAX_INPUT_BYTES``, else 64 MiB."""
    return InputLimits.from_env().max_input_bytes


def read_bytes(path: Path, *, max_bytes: int | None = None) -> bytes:
    """The content of a file, gunzipped when its name ends in ``.gz``, at most ``max_bytes``.

    The cap (default :func:`max_input_bytes`) holds for the file and for what it
    decompresses to, which is never held beyond the cap: a small gzip bomb is refused
    after reading ``max_bytes`` of its output, not after filling the memory.
    """
    cap = max_bytes or max_input_bytes()
    try:
        size = path.stat().st_size
        if path.is_dir():
            raise InputError("is a directory, not a file", source=path)
        if size > cap:
            raise InputError(too_big(size, cap), source=path)
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file", source=path) from None
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", source=path) from None
    if path.suffix.lower() == ".gz":
        data = gunzip(data, max_bytes=cap, source=path)
    return data


def too_big(size: int, cap: int) -> str:
    """The message for an input of ``size`` bytes over the cap."""
    return (
        f"the input is {size:,} bytes, more than the limit of {cap:,} bytes "
        "(set DCKG_MAX_INPUT_BYTES to raise it)"
    )


def gunzip(data: bytes, *, max_bytes: int, source: str | Path) -> bytes:
    """Decompress gzip ``data`` (every member), refusing output beyond ``max_bytes``."""
    parts: list[bytes] = []
    room = max_bytes
    while True:
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            out = decompressor.decompress(data, room + 1)
        except zlib.error as error:
            raise InputError(f"not a valid gzip file: {error}", source=source) from None
        if len(out) > room or decompressor.unconsumed_tail:
            raise InputError(
                f"decompressed, the input is larger than the limit of {max_bytes:,} bytes "
                "(set DCKG_MAX_INPUT_BYTES to raise it)",
                source=source,
            )
        if not decompressor.eof:
            raise InputError("not a valid gzip file: it is truncated", source=source)
        parts.append(out)
        room -= len(out)
        data = decompressor.unused_data
        if not data.strip(b"\0"):  # the end, or the zero padding some tools add
            return b"".join(parts)


def syntax_error(error: SyntaxError, source: str | Path, data: bytes = b"") -> InputError:
    """An :class:`InputError` naming the source and line of a parser's SyntaxError.

    Where the parser gives no position (Oxigraph's RDF/XML parser), the line is that of
    the first mention of the text the message quotes, when the input holds it.
    """
    message = str(error.msg if error.msg else error)
    line = error.lineno
    if line is None and data:
        line = _quoted_line(message, data)
    return InputError(message, source=source, line=line)


_QUOTED = re.compile(r"'([^']+)'|`([^`]+)`")


def _quoted_line(message: str, data: bytes) -> int | None:
    for match in _QUOTED.finditer(message):
        quoted = (match.group(1) or match.group(2)).encode()
        position = data.find(quoted)
        if position >= 0:
            return data.count(b"\n", 0, position) + 1
    return None


def checked_input(
    data: bytes, rdf_format: RdfFormat, *, source: str | Path, base_iri: str | None = None
) -> bytes:
    """The bytes Oxigraph may parse: RDF/XML checked, JSON-LD expanded and checked."""
    if rdf_format == RdfFormat.RDF_XML:
        from dckg.rdfxml import check_rdfxml

        check_rdfxml(data, source=source)
    elif rdf_format == RdfFormat.JSON_LD:
        from dckg.jsonld import expand_checked

        return expand_checked(data, source=source, base_iri=base_iri)
    return data


def parse_quads(
    data: bytes,
    rdf_format: RdfFormat,
    *,
    source: str | Path = "<input>",
    base_iri: str | None = None,
    checked: bool = False,
) -> Iterator[Quad]:
    """Parse RDF, turning syntax errors into :class:`InputError` with file and line.

    The input goes through :func:`checked_input` first, unless ``checked`` says it
    already has (a load parses its input twice: once to check, once to write).

    >>> [q.object.value for q in parse_quads(b'<http://a> <http://b> "c" .', RdfFormat.N_TRIPLES)]
    ['c']
    >>> list(parse_quads(b'<http://a> <http://b> .', RdfFormat.N_TRIPLES, source="x.nt"))
    Traceback (most recent call last):
    ...
    dckg.errors.InputError: x.nt:1: ...
    """
    original = data
    if not checked:
        data = checked_input(data, rdf_format, source=source, base_iri=base_iri)
    try:
        yield from parse(data, rdf_format, base_iri=base_iri)
    except SyntaxError as error:
        raise syntax_error(error, source, original) from None
    except ValueError as error:
        raise InputError(str(error), source=source) from None


def check_syntax(
    data: bytes, rdf_format: RdfFormat, *, source: str | Path, checked: bool = False
) -> int:
    """Parse the whole input without keeping it; the number of quads, or InputError."""
    count = 0
    for _ in parse_quads(data, rdf_format, source=source, checked=checked):
        count += 1
    return count
