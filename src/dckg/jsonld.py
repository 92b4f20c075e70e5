"""JSON-LD expanded first, and refused when the processing would drop anything.

The JSON-LD algorithms drop what they cannot turn into RDF, silently: a key the
``@context`` does not map, an IRI with a space, a relative IRI, a malformed language
tag, a ``null``. A partnership whose second partner was dropped that way would be
written with one partner. So a JSON-LD input is expanded here by PyLD (the JSON-LD
processor of the JSON-LD editors), offline, and refused with an error naming the key
and its line when:

- a key does not expand to an IRI (PyLD reports every dropped key);
- an ``@id``, a ``@type``, a property or a datatype is not a valid absolute IRI or a
  blank node, or a language tag is malformed (RDF has no place for them);
- a value is ``null``, stands outside any node, or an ``@index`` is given (none
  reaches RDF).

The expanded document, every IRI in it now absolute and checked, is what Oxigraph's
parser then reads, so the check and the parse see the same statements. A remote
``@context`` is never fetched.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pyoxigraph import BlankNode, Literal, NamedNode

from dckg import jsontext
from dckg.errors import InputError

_DROPPED = "so JSON-LD processing would drop it"


class _Refused(Exception):
    def __init__(
        self, message: str, value: str | None = None, key: str | None = None, null: bool = False
    ) -> None:
        super().__init__(message)
        self.message = message
        self.value = value
        self.key = key
        self.null = null


def expand_checked(data: bytes, *, source: str | Path, base_iri: str | None = None) -> bytes:
    """The expanded JSON-LD of ``data``, or InputError naming what would be dropped.

    >>> expand_checked(b'{"@id": "http://e/a", "http://e/p": "x"}', source="a.jsonld")
    b'[{"@id": "http://e/a", "http://e/p": [{"@value": "x"}]}]'
    >>> expand_checked(b'{"@id": "http://e/a", "name": "x"}', source="a.jsonld")
    Traceback (most recent call last):
    ...
    dckg.errors.InputError: a.jsonld:1: the key "name" is not mapped to an IRI by the ...
    """
    from pyld import jsonld

    text = _decode(data, source)
    try:
        document = jsontext.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(
            f"not valid JSON: {error.msg}", source=source, line=error.lineno, column=error.colno
        ) from None
    except jsontext.TooDeep as error:
        raise InputError(str(error), source=source) from None
    located = _Locator(document, text)
    remote: list[str] = []
    dropped: list[str | None] = []

    def no_remote(url: str, options: object = None) -> dict[str, Any]:
        remote.append(url)
        raise InputError(f"the remote @context {url} is not fetched", source=source)

    try:
        _refuse_nulls(document)
        _refuse_loose_values(document)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            expanded = jsonld.expand(
                document,
                {"base": base_iri, "documentLoader": no_remote},
                on_property_dropped=dropped.append,
            )
        if caught:
            raise _Refused(f"JSON-LD: {caught[0].message}")
        if dropped:
            unmapped = dropped[0] if dropped[0] is not None else "?"
            raise _Refused(
                f"the key {json.dumps(unmapped)} is not mapped to an IRI by the @context "
                f"(add it to the @context or write a full IRI), {_DROPPED}",
                key=unmapped,
            )
        _check_items(expanded, None)
    except _Refused as refused:
        key, line = located.find(refused.key, refused.value, null=refused.null)
        raise InputError(refused.message, source=source, line=line, field=key) from None
    except jsonld.JsonLdError as error:
        if remote:
            raise InputError(
                f"the remote @context {remote[0]} is not fetched: dckg never reads a URL an "
                "input points to; put the context in the file",
                source=source,
            ) from None
        raise InputError(f"JSON-LD: {_jsonld_message(error)}", source=source) from None
    except RecursionError:
        raise InputError("the JSON-LD is nested too deeply", source=source) from None
    return json.dumps(expanded, ensure_ascii=False).encode()


def _decode(data: bytes, source: str | Path) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError("not UTF-8 text", source=source, line=line) from None


def _jsonld_message(error: Exception) -> str:
    message = getattr(error, "message", None) or str(error)
    return str(message).split("\n", 1)[0].strip("()',\"")


def _refuse_nulls(value: object, key: str | None = None) -> None:
    """``null`` outside a ``@context`` is dropped by expansion: refuse it first."""
    if value is None:
        raise _Refused(
            f"the key {json.dumps(key)} is null, {_DROPPED}; remove the key or give a value",
            key=key,
            null=True,
        )
    if isinstance(value, list):
        for item in value:
            _refuse_nulls(item, key)
    elif isinstance(value, dict):
        for name, item in value.items():
            if name != "@context":
                _refuse_nulls(item, name)


def _refuse_loose_values(document: object) -> None:
    """A value in the top-level array or a top-level ``@graph`` has no subject: dropped."""
    items: object = document
    if isinstance(document, dict) and set(document) <= {"@context", "@graph"}:
        items = document.get("@graph", [])
    for item in items if isinstance(items, list) else []:
        if not isinstance(item, dict) or "@value" in item or "@list" in item:
            shown = json.dumps(item, ensure_ascii=False)
            raise _Refused(
                f"the value {shown[:80]} stands outside any node, with no subject, {_DROPPED}",
                value=item if isinstance(item, str) else None,
                key="@graph",
            )


# -- the expanded form: every statement explicit ---------------------------------------


def _check_items(items: list[Any], key: str | None) -> None:
    for item in items:
        if not isinstance(item, dict):
            continue
        if "@value" in item:
            _check_value(item, key)
        elif "@list" in item:
            _check_items(item["@list"], key)
        else:
            _check_node(item, key)


def _check_node(node: dict[str, Any], key: str | None) -> None:
    for name, value in node.items():
        if name == "@id":
            _check_subject(value, "@id")
        elif name == "@type":
            for kind in value:
                _check_subject(kind, "@type")
        elif name in ("@graph", "@included"):
            _check_items(value, name)
        elif name == "@reverse":
            for prop, items in value.items():
                _check_property(prop)
                _check_items(items, prop)
        elif name == "@index":
            raise _Refused(f"@index has no place in RDF, {_DROPPED}", key="@index")
        elif not name.startswith("@"):
            _check_property(name)
            _check_items(value, name)


def _check_subject(value: str, key: str) -> None:
    if value.startswith("_:"):
        try:
            BlankNode(value[2:])
        except ValueError as error:
            raise _Refused(
                f"{json.dumps(value)} is not a valid blank node ({error}), {_DROPPED}",
                value=value,
                key=key,
            ) from None
        return
    _check_iri(value, key)


def _check_property(iri: str) -> None:
    if iri.startswith("_:"):
        raise _Refused(
            f"the key {json.dumps(iri)} is a blank node, which cannot be a property, {_DROPPED}",
            key=iri,
        )
    _check_iri(iri, iri, what="the key")


def _check_iri(value: str, key: str | None, *, what: str | None = None) -> None:
    try:
        NamedNode(value)
    except ValueError as error:
        subject = what or "the value"
        raise _Refused(
            f"{subject} {json.dumps(value)} is not a valid absolute IRI ({error}), {_DROPPED}",
            value=value,
            key=key,
        ) from None


def _check_value(item: dict[str, Any], key: str | None) -> None:
    datatype = item.get("@type")
    if datatype is not None and datatype != "@json":
        _check_iri(datatype, key)
    language = item.get("@language")
    if language is not None:
        try:
            Literal("x", language=language)
        except ValueError as error:
            raise _Refused(
                f"the language tag {json.dumps(language)} is malformed ({error}), {_DROPPED}",
                value=language,
                key=key,
            ) from None
    if "@index" in item:
        raise _Refused(f"@index has no place in RDF, {_DROPPED}", key="@index")


# -- naming the key and the line as the author wrote them --------------------------------


class _Locator:
    """Finds the key (as written) and the line of a value the check refused."""

    def __init__(self, document: object, text: str) -> None:
        self.text = text
        self.pairs = list(_string_pairs(document, None))

    def find(
        self, key: str | None, value: str | None, *, null: bool = False
    ) -> tuple[str | None, int | None]:
        if null and key is not None:
            match = re.search(
                re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:\s*null", self.text
            )
            return key, self.text.count("\n", 0, match.start()) + 1 if match else None
        if value is not None:
            for written_key, written in self._candidates(value):
                return written_key or key, self._line(json.dumps(written, ensure_ascii=False))
            return key, None
        if key is not None:
            return key, self._line(json.dumps(key, ensure_ascii=False) + ":", loose=True)
        return None, None

    def _candidates(self, value: str) -> Iterator[tuple[str | None, str]]:
        lowered = value.lower()
        yield from ((k, v) for k, v in self.pairs if v == value)
        yield from ((k, v) for k, v in self.pairs if v.lower() == lowered)
        for k, v in self.pairs:
            local = v.partition(":")[2] if ":" in v else v
            if local and value.endswith(local):
                yield k, v

    def _line(self, needle: str, *, loose: bool = False) -> int | None:
        position = self.text.find(needle)
        if position < 0 and loose:
            position = self.text.find(needle[:-1])
        if position < 0:
            return None
        return self.text.count("\n", 0, position) + 1


def _string_pairs(value: object, key: str | None) -> Iterator[tuple[str | None, str]]:
    """(key, string) for every string, the key being the nearest one that is not a keyword."""
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, list):
        for item in value:
            yield from _string_pairs(item, key)
    elif isinstance(value, dict):
        for name, item in value.items():
            if name != "@context":
                owner = key if name.startswith("@") and key is not None else name
                yield from _string_pairs(item, owner)


__all__ = ["expand_checked"]
