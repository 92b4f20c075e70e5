"""Answers that may be reused: validators from the store's state, and a bounded result cache.

The graph is read far more often than it is written, so an answer stays right until the
store changes. :func:`request_key` turns what was asked (query, bindings, dataset, format,
limits) and the store's state into an ``ETag``; a client that sends it back in
``If-None-Match`` is told ``304 Not Modified`` without the query running. The same key
finds a finished answer in a :class:`ResultCache`, bounded in entries and in bytes (each
entry counts its body, its key and :data:`ENTRY_OVERHEAD`, so that even empty answers add
up), that forgets the least recently used first.

>>> cache = ResultCache(max_bytes=2000, max_entry_bytes=8, max_entries=2)
>>> cache.put("a", Answer("text/csv", b"x,y"))
>>> cache.get("a").body, cache.get("b")
(b'x,y', None)
>>> cache.put("big", Answer("text/csv", b"123456789"))
>>> cache.get("big") is None
True
>>> cache.put("b", Answer("text/csv", b""))
>>> cache.put("c", Answer("text/csv", b""))
>>> len(cache), cache.get("a") is None
(2, True)
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

#: Bytes of answers kept at most, the largest answer kept, and answers kept at most.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
DEFAULT_MAX_ENTRY_BYTES = 1024 * 1024
DEFAULT_MAX_ENTRIES = 4096
#: Bytes an entry costs beyond its body and key (the objects that hold it), counted so.
ENTRY_OVERHEAD = 512


@dataclass(frozen=True)
class Answer:
    """A finished answer: its media type, its body, the rows (or triples) it holds, and
    what cut it (``None``: it is whole)."""

    media_type: str
    body: bytes
    rows: int = 0
    cut: str | None = None


def fingerprint(parts: Iterable[object]) -> str:
    """A short stable digest of some values (the store's state, a request's inputs).

    >>> fingerprint(["a", 1]) == fingerprint(["a", 1]) != fingerprint(["a", 2])
    True
    """
    digest = hashlib.sha256()
    for part in parts:
        digest.update(repr(part).encode())
        digest.update(b"\x00")
    return digest.hexdigest()[:20]


def request_key(
    *,
    state: str,
    query: str,
    bindings: Mapping[str, object] | None = None,
    default_graphs: Iterable[object] = (),
    named_graphs: Iterable[object] = (),
    accept: Iterable[str] = (),
    format_name: str | None = None,
    limits: Iterable[object] = (),
) -> str:
    """The key of an answer: what was asked, and the state of the store it was asked of."""
    bound = sorted((name, str(term)) for name, term in (bindings or {}).items())
    return fingerprint(
        [
            state,
            query,
            bound,
            [str(g) for g in default_graphs],
            [str(g) for g in named_graphs],
            list(accept),
            format_name,
            list(limits),
        ]
    )


def etag(key: str) -> str:
    """The ``ETag`` of an answer: weak, as the bytes may differ (chunking) while the
    content is the same."""
    return f'W/"{key}"'


def matches(if_none_match: str | None, tag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``tag`` (or is ``*``).

    >>> matches('W/"a", W/"b"', 'W/"b"'), matches('"b"', 'W/"b"'), matches(None, 'W/"b"')
    (True, True, False)
    """
    if not if_none_match:
        return False
    wanted = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in wanted or tag.removeprefix("W/") in wanted


def cost(key: str, answer: Answer) -> int:
    """The bytes an entry counts for: its body, its key, its media type and
    :data:`ENTRY_OVERHEAD`.

    >>> cost("k", Answer("text/csv", b"abc"))
    524
    """
    return len(answer.body) + len(key) + len(answer.media_type) + ENTRY_OVERHEAD


class ResultCache:
    """Finished answers by key, least recently used forgotten first, at most
    ``max_entries`` of them and ``max_bytes`` in all (see :func:`cost`)."""

    def __init__(
        self,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
        max_entry_bytes: int = DEFAULT_MAX_ENTRY_BYTES,
        max_entries: int = DEFAULT_MAX_ENTRIES,
    ) -> None:
        if max_entries < 1 or max_bytes < 1:
            raise ValueError("a result cache holds at least one entry of at least one byte")
        self.max_bytes = max_bytes
        self.max_entry_bytes = min(max_entry_bytes, max_bytes)
        self.max_entries = max_entries
        self._entries: OrderedDict[str, Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: str) -> Answer | None:
        with self._lock:
            answer = self._entries.get(key)
            if answer is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return answer

    @property
    def bytes(self) -> int:
        """What the entries cost now (:func:`cost`)."""
        return self._bytes

    def put(self, key: str, answer: Answer) -> None:
        if len(answer.body) > self.max_entry_bytes:
            return
        with self._lock:
            old = self._entries.pop(key, None)
            if old is not None:
                self._bytes -= cost(key, old)
            self._entries[key] = answer
            self._bytes += cost(key, answer)
            while self._entries and (
                self._bytes > self.max_bytes or len(self._entries) > self.max_entries
            ):
                dropped_key, dropped = self._entries.popitem(last=False)
                self._bytes -= cost(dropped_key, dropped)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0
