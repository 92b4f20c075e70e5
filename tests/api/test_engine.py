"""The query engines without HTTP: pausing for writes, in-thread runs, errors."""

from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from dckg.api.engine import InlineEngine, ProcessEngine, make_engine
from dckg.api.worker import Job
from dckg.errors import QueryError, QueryTimeout
from dckg.namespaces import graph
from dckg.store import EmbeddedStore, Store

LABELS = "SELECT ?l WHERE { ?s <urn:ex:label> ?l } ORDER BY ?l"


def _labels(engine: object, timeout: float = 10) -> bytes:
    run = engine.start(Job(LABELS, accept=["text/csv"]), timeout)  # type: ignore[attr-defined]
    return run.first + b"".join(run.chunks())


def _add(store: Store, value: str) -> None:
    store.add_quads(
        [Quad(NamedNode("urn:ex:s"), NamedNode("urn:ex:label"), Literal(value), graph("t"))]
    )


@pytest.mark.parametrize("on_disk", [False, True])
def test_workers_see_writes_made_while_paused(tmp_path, on_disk: bool) -> None:  # type: ignore[no-untyped-def]
    store = EmbeddedStore(tmp_path / "store") if on_disk else EmbeddedStore()
    _add(store, "one")
    if on_disk:
        store.flush()
    engine = make_engine(store, 2)
    assert isinstance(engine, ProcessEngine)
    try:
        assert _labels(engine) == b"l\r\none\r\n"
        with engine.paused():
            _add(store, "two")
            if on_disk:
                store.flush()
        assert _labels(engine) == b"l\r\none\r\ntwo\r\n"
    finally:
        engine.close()
        store.close()


def test_inline_engine_for_remote_stores(reference_store: Store) -> None:
    engine = InlineEngine(reference_store, 2)
    run = engine.start(Job("ASK { ?s a dckg:Country }"), 10)
    assert run.done and run.first.startswith(b'{"head":{},"boolean":true')
    # Slow, but not endless: a thread cannot be stopped, this one ends about a second later.
    slow = "SELECT ?city WHERE { ?city a dckg:City } ORDER BY DESC(?city) LIMIT 20"
    with pytest.raises(QueryTimeout):
        engine.start(Job(slow), 0.02)
    with pytest.raises(QueryError, match="malformed"):
        engine.start(Job("SELECT nope"), 5)


def test_errors_found_while_running_keep_the_worker(reference_store: Store) -> None:
    engine = make_engine(reference_store, 2)
    try:
        with pytest.raises(QueryError):
            engine.start(Job("SELECT * WHERE { ?s ?p }"), 5)
        # the pool still has both workers and answers
        for _ in range(4):
            assert engine.start(Job("ASK {}"), 5).done
        assert isinstance(engine, ProcessEngine) and len(engine._all) == 2
    finally:
        engine.close()
