"""The query engines without HTTP: pausing for writes, in-thread runs, typed errors."""

from __future__ import annotations

import os
import signal
import time

import pytest
from pyoxigraph import Literal, NamedNode, Quad

from dckg.errors import IncompleteResult, InternalError, QueryError, QueryTimeout, StoreError
from dckg.namespaces import graph
from dckg.sparql.engine import InlineEngine, ProcessEngine, make_engine
from dckg.sparql.errors import Busy, MemoryExceeded, NotAcceptable, from_worker, worker_name
from dckg.sparql.federation import ServiceRefused
from dckg.sparql.worker import Job
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


#: A query bound to a value that is no RDF term: a caller's bug, met inside the worker.
BUGGY = Job("SELECT ?x WHERE {}", substitutions={"x": 42})  # type: ignore[dict-item]


@pytest.mark.parametrize("inline", [False, True])
def test_an_unexpected_error_is_internal_not_a_bad_query(
    reference_store: Store, inline: bool, caplog: pytest.LogCaptureFixture
) -> None:
    engine = InlineEngine(reference_store, 2) if inline else make_engine(reference_store, 2)
    try:
        with pytest.raises(InternalError, match="TypeError") as error:
            engine.start(BUGGY, 10)
        assert not isinstance(error.value, QueryError)
        if inline:  # the thread logs in this process, with the traceback
            logged = [r for r in caplog.records if r.name == "dckg.sparql"]
            assert logged and logged[0].exc_info is not None
        # the worker goes on
        assert engine.start(Job("ASK {}"), 5).first.startswith(b'{"head":{},"boolean":true')
    finally:
        engine.close()


def test_errors_cross_from_a_worker_typed() -> None:
    for error in (
        QueryError("bad"),
        QueryTimeout("slow"),
        ServiceRefused("no"),
        MemoryExceeded("big"),
        NotAcceptable("png"),
        Busy("full"),
        StoreError("gone"),
        InternalError("bug"),
    ):
        back = from_worker(worker_name(error), str(error))
        assert type(back) is type(error) and str(back) == str(error)
    # a subclass crosses as its nearest typed ancestor, anything else as a bug
    assert type(from_worker(worker_name(IncompleteResult("cut")), "cut")) is IncompleteResult
    assert type(from_worker(worker_name(KeyError("k")), "k")) is InternalError
    assert type(from_worker("NoSuchError", "?")) is InternalError


def test_workers_killed_from_outside_are_replaced() -> None:
    store = EmbeddedStore()
    _add(store, "one")
    engine = make_engine(store, 2)
    assert isinstance(engine, ProcessEngine)
    try:
        engine.warm_up()
        killed = {w.process.pid for w in engine._all}
        assert len(killed) == 2
        for pid in killed:
            os.kill(pid, signal.SIGKILL)
        for w in list(engine._all):
            w.process.join(5)
        # Idle workers that died are found dead and replaced: queries are answered in time.
        for _ in range(3):
            assert _labels(engine, timeout=10) == b"l\r\none\r\n"
        deadline = time.monotonic() + 10
        while engine.workers() < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        alive = {w.process.pid for w in engine._all if w.process.is_alive()}
        assert len(alive) == 2 and not alive & killed
    finally:
        engine.close()


def test_a_worker_that_dies_after_reporting_an_error_is_replaced() -> None:
    store = EmbeddedStore()
    _add(store, "one")
    engine = make_engine(store, 1)
    assert isinstance(engine, ProcessEngine)
    try:
        with pytest.raises(QueryError):
            engine.start(Job("SELECT * WHERE { ?s ?p }"), 5)
        # Checked before it took another query: the same worker answers.
        first = {w.process.pid for w in engine._all}
        assert _labels(engine) == b"l\r\none\r\n"
        assert {w.process.pid for w in engine._all} == first
        # One that reported an error and then stopped is not given the next query.
        (w,) = engine._all
        with pytest.raises(QueryError):
            engine.start(Job("SELECT * WHERE { ?s ?p }"), 5)
        os.kill(w.process.pid, signal.SIGKILL)
        w.process.join(5)  # dead before the next query (one sent as it dies fails with it)
        assert _labels(engine, timeout=10) == b"l\r\none\r\n"
        assert {x.process.pid for x in engine._all} != first
    finally:
        engine.close()
