"""JSON from people the server does not know, its nesting bounded.

Python's JSON parser, and everything that walks what it returns (PyLD, the checks of
:mod:`dckg.jsonld`), recurse once per level of nesting: a body of 50,000 ``[`` raised
``RecursionError`` (answered 500, a bug, where the input is at fault), and a depth just
under the interpreter's limit passed the parser only to exhaust the stack of the code
after it. So a parser's ``RecursionError`` is a :class:`TooDeep`, and what it parses is
walked once, without recursion, and refused when it nests deeper than :data:`MAX_DEPTH`.

>>> loads('{"a": [1, {"b": 2}]}')
{'a': [1, {'b': 2}]}
>>> loads("[" * 70 + "]" * 70)
Traceback (most recent call last):
...
dckg.jsontext.TooDeep: the JSON is nested more than 64 levels deep
>>> loads("[" * 50_000)
Traceback (most recent call last):
...
dckg.jsontext.TooDeep: the JSON is nested more than 64 levels deep
"""

from __future__ import annotations

import json
from typing import Any

#: The deepest nesting of arrays and objects accepted. A JSON-LD contribution or a
#: reconciliation batch needs a handful of levels.
MAX_DEPTH = 64


class TooDeep(ValueError):
    """A JSON document nested deeper than the limit."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"the JSON is nested more than {limit} levels deep")
        self.limit = limit


def deeper_than(document: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether a parsed document nests arrays and objects more than ``limit`` deep.

    >>> deeper_than({"a": [[1]]}, 2), deeper_than({"a": [[1]]}, 3)
    (True, False)
    """
    if not isinstance(document, dict | list):
        return False
    stack = [(document, 1)]
    while stack:
        node, level = stack.pop()
        if level > limit:
            return True
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, level + 1) for c in children if isinstance(c, dict | list))
    return False


def loads(text: str | bytes, limit: int = MAX_DEPTH) -> Any:
    """``json.loads``, with :class:`TooDeep` for a document nested deeper than ``limit``.

    Bad JSON raises ``json.JSONDecodeError``; bytes that are not UTF-8,
    ``UnicodeDecodeError``.
    """
    if isinstance(text, bytes):
        text = text.decode("utf-8-sig")
    try:
        document = json.loads(text)
    except RecursionError:
        raise TooDeep(limit) from None
    if deeper_than(document, limit):
        raise TooDeep(limit)
    return document


__all__ = ["MAX_DEPTH", "TooDeep", "deeper_than", "loads"]
