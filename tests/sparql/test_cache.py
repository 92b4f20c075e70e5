"""The result cache stays bounded: in entries, in bytes, and forgets the least used first."""

from __future__ import annotations

import pytest

from dckg.sparql.cache import ENTRY_OVERHEAD, Answer, ResultCache, cost


def test_empty_answers_are_bounded_in_number() -> None:
    cache = ResultCache(max_entries=100)
    for i in range(10_000):
        cache.put(f"key-{i}", Answer("application/sparql-results+json", b""))
    assert len(cache) == 100
    assert cache.get("key-9999") is not None and cache.get("key-0") is None
    assert cache.bytes == sum(
        cost(f"key-{i}", Answer("application/sparql-results+json", b""))
        for i in range(9900, 10_000)
    )


def test_every_entry_costs_bytes_even_when_empty() -> None:
    cache = ResultCache(max_bytes=10 * ENTRY_OVERHEAD, max_entries=1_000_000)
    for i in range(1000):
        cache.put(f"k{i}", Answer("text/csv", b""))
    assert 0 < len(cache) < 10
    assert cache.bytes <= 10 * ENTRY_OVERHEAD


def test_the_least_recently_used_goes_first() -> None:
    cache = ResultCache(max_entries=3)
    for key in "abc":
        cache.put(key, Answer("text/csv", key.encode()))
    assert cache.get("a") is not None  # now the most recently used
    cache.put("d", Answer("text/csv", b"d"))
    assert cache.get("b") is None
    assert [k for k in "acd" if cache.get(k) is not None] == ["a", "c", "d"]
    # Replacing an entry does not count it twice.
    cache.put("d", Answer("text/csv", b"dd"))
    assert len(cache) == 3
    assert cache.bytes == sum(cost(k, cache.get(k)) for k in "acd")  # type: ignore[arg-type]


def test_bytes_are_bounded_too() -> None:
    cache = ResultCache(max_bytes=10_000, max_entry_bytes=4000)
    for i in range(20):
        cache.put(str(i), Answer("text/csv", b"x" * 3000))
    assert cache.bytes <= 10_000 and len(cache) == 2
    cache.put("huge", Answer("text/csv", b"x" * 5000))
    assert cache.get("huge") is None


def test_a_cache_holds_something() -> None:
    with pytest.raises(ValueError):
        ResultCache(max_entries=0)
