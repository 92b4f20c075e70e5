"""RDF/XML checked before Oxigraph parses it: bounded entities, errors with a line.

Oxigraph's RDF/XML parser expands the internal entities a document declares in its
DOCTYPE, as XML requires. Entities that refer to other entities grow exponentially
(the "billion laughs" attack: 736 bytes became 1.3 GB), and even flat ones can multiply
a document's size. So every RDF/XML input goes through the standard library's expat
parser first, which never loads an external DTD or entity here, and is refused when:

- an entity is external (``SYSTEM``/``PUBLIC``) or a parameter entity (``%name;``);
- an entity's text refers to another entity (``&`` or ``%``) or holds markup (``<``),
  or is longer than :data:`MAX_ENTITY_CHARS`: what stays allowed is the plain
  abbreviation RDF/XML files use for namespace IRIs,
  ``<!ENTITY xsd "http://www.w3.org/2001/XMLSchema#">``;
- the references in the document would add more text than :data:`MIN_EXPANSION` or the
  document's own size, whichever is larger;
- elements nest more than :data:`MAX_DEPTH` deep: Oxigraph's parser takes time growing
  faster than the square of the depth (10,000 elements deep, 0.6 s; 20,000, 3.2 s), and a
  10 MB body can nest 250,000.

Declarations are checked as expat reads them, before any reference is expanded, and the
references are counted at the end of the DOCTYPE, before the body is read, so a refused
document costs one pass over its DOCTYPE. The same pass finds XML syntax errors with
their line and column, which Oxigraph's parser does not report.
"""

from __future__ import annotations

import re
from pathlib import Path
from xml.parsers import expat

from dckg.errors import InputError

#: The longest text an entity may stand for (a namespace IRI is far shorter).
MAX_ENTITY_CHARS = 1024

#: Entity references may always add this much text, in characters.
MIN_EXPANSION = 1024 * 1024

#: The deepest nesting of elements accepted (RDF/XML written by tools nests a few levels).
MAX_DEPTH = 256

_WHY = "which can make a small file expand to gigabytes (XML entity expansion)"
_ONLY = "only plain abbreviations, such as a namespace IRI, are accepted"


class _Refused(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def check_rdfxml(data: bytes, *, source: str | Path) -> None:
    """Refuse RDF/XML with dangerous entities or broken XML, naming the source and line.

    >>> check_rdfxml(b'<!DOCTYPE r [<!ENTITY e "http://e/">]><r a="&e;x"/>', source="ok.rdf")
    >>> check_rdfxml(b'<!DOCTYPE r [<!ENTITY a "x"><!ENTITY b "&a;&a;">]><r/>', source="x.rdf")
    Traceback (most recent call last):
    ...
    dckg.errors.InputError: x.rdf:1: the entity &b; is refused: it refers to another entity ...
    """
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    entities: dict[str, int] = {}

    def declared(
        name: str,
        is_parameter: int,
        value: str | None,
        base: str | None,
        system_id: str | None,
        public_id: str | None,
        notation: str | None,
    ) -> None:
        line = parser.CurrentLineNumber
        if is_parameter:
            raise _Refused(f"the parameter entity %{name}; is refused, {_WHY}; {_ONLY}", line)
        if value is None:
            raise _Refused(
                f"the external entity &{name}; ({system_id}) is refused: "
                "dckg never reads files or URLs an input points to",
                line,
            )
        if "&" in value or "%" in value or "<" in value:
            raise _Refused(
                f"the entity &{name}; is refused: it refers to another entity or holds "
                f"markup, {_WHY}; {_ONLY}",
                line,
            )
        if len(value) > MAX_ENTITY_CHARS:
            raise _Refused(
                f"the entity &{name}; is refused: it stands for {len(value):,} characters, "
                f"more than {MAX_ENTITY_CHARS:,}; {_ONLY}",
                line,
            )
        entities[name] = len(value)

    def doctype_ended() -> None:
        if not entities:
            return
        body = data[parser.CurrentByteIndex :]
        added = 0
        for name, size in entities.items():
            uses = len(re.findall(b"&" + re.escape(name.encode()) + b";", body))
            added += uses * max(size - len(name) - 2, 0)
        allowed = max(MIN_EXPANSION, len(data))
        if added > allowed:
            raise _Refused(
                f"the entity references would add {added:,} characters to a document of "
                f"{len(data):,} bytes, more than the {allowed:,} allowed (XML entity "
                "expansion): refused",
                parser.CurrentLineNumber,
            )

    depth = 0

    def opened(name: str, attributes: dict[str, str]) -> None:
        nonlocal depth
        depth += 1
        if depth > MAX_DEPTH:
            raise _Refused(
                f"elements are nested more than {MAX_DEPTH} levels deep, which costs the RDF/XML "
                "parser time growing faster than the square of the depth: refused",
                parser.CurrentLineNumber,
            )

    def closed(name: str) -> None:
        nonlocal depth
        depth -= 1

    parser.EntityDeclHandler = declared
    parser.EndDoctypeDeclHandler = doctype_ended
    parser.StartElementHandler = opened
    parser.EndElementHandler = closed
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        raise InputError(refused.message, source=source, line=refused.line) from None
    except expat.ExpatError as error:
        raise InputError(
            f"not well-formed XML: {expat.ErrorString(error.code)}",
            source=source,
            line=error.lineno,
            column=error.offset + 1,
        ) from None


__all__ = ["MAX_DEPTH", "MAX_ENTITY_CHARS", "MIN_EXPANSION", "check_rdfxml"]
