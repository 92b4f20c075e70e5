"""Large writes to a remote store that complete, or can be resumed or undone — never half-done.

A load too large for one request runs in two phases, recorded in a small *control graph*
``urn:dckg:staging:{id}`` so that any client can finish or undo it later
(:func:`recover`, ``dckg recover``):

1. **loading** — a target graph that is new is filled directly (undo: drop it); quads for a
   graph that already exists, or that is being replaced, go to staging graphs
   ``urn:dckg:staging:{id}/{k}`` (undo: drop them). Every upload is idempotent (a Graph Store
   ``PUT``, or ``DROP`` + ``INSERT DATA``), so it is retried after a broken connection.
2. **committing** — one update records the staging graphs and flips the state; from then on
   the load only moves forward: the replaced graphs are dropped, then each staging graph is
   added to its target and dropped, one bounded request each (an Oxigraph transaction slows
   down sharply with its size, so one huge ``ADD`` is not an option). Each step is atomic and
   safe to repeat.

A failure in phase 1 undoes the load; a failure in phase 2 leaves it for :func:`recover` to
finish. Vocabulary of the control graph (``urn:dckg:`` names, never published)::

    <load> <urn:dckg:state> "loading" | "committing"
    <load> <urn:dckg:new> <G>          # G was created by this load
    <load> <urn:dckg:replace> <G>      # G's old content goes at commit
    <T>    <urn:dckg:into> <G>         # staging graph T is added to G at commit
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime
from typing import Protocol

from pyoxigraph import (
    BlankNode,
    DefaultGraph,
    Literal,
    NamedNode,
    Quad,
    QuerySolutions,
    Triple,
)

from dckg.errors import DckgError, StoreError
from dckg.store.base import Progress, Term

#: Named graphs of loads in progress start with this.
STAGING = "urn:dckg:staging:"
STATE = NamedNode("urn:dckg:state")
NEW = NamedNode("urn:dckg:new")
REPLACE = NamedNode("urn:dckg:replace")
INTO = NamedNode("urn:dckg:into")

Target = NamedNode | DefaultGraph


class StagingStore(Protocol):
    """What a staged load needs from a store (:class:`~dckg.store.remote.RemoteStore`
    provides it): requests sent as written, and idempotent graph uploads."""

    #: Quads per upload.
    batch: int

    def graphs(self) -> list[NamedNode]:
        """The named graphs."""
        ...

    def select_as_written(
        self, text: str, bindings: Mapping[str, Term] | None = None
    ) -> QuerySolutions:
        """A SELECT over explicit ``GRAPH`` patterns, ``bindings`` joined in."""
        ...

    def update_as_written(self, text: str, *, idempotent: bool) -> None:
        """An update; retried after a dropped connection only when ``idempotent``."""
        ...

    def graph_exists(self, graph: NamedNode) -> bool:
        """Whether ``graph`` holds any triple."""
        ...

    def put_graph(self, graph: NamedNode, triples: list[Triple], *, bulk: bool = True) -> None:
        """Make ``graph`` hold exactly ``triples`` (idempotent)."""
        ...

    def add_to_graph(self, graph: NamedNode, triples: list[Triple], *, idempotent: bool) -> None:
        """Add ``triples`` to a graph this load created."""
        ...


def has_blank_node(statement: Quad | Triple) -> bool:
    """Whether a quad or triple mentions a blank node (nested triple terms included)."""
    for term in (statement.subject, statement.object):
        if isinstance(term, BlankNode):
            return True
        if isinstance(term, Triple) and has_blank_node(term):
            return True
    return False


def target_of(quad: Quad) -> Target:
    """The graph a quad goes to; StoreError for a graph named by a blank node, which SPARQL
    Update cannot name."""
    graph = quad.graph_name
    if isinstance(graph, BlankNode):
        raise StoreError(
            f"a graph named by a blank node ({graph}) cannot be written through SPARQL: "
            "name the graph with an IRI"
        )
    return graph


def graph_ref(graph: Target) -> str:
    """A graph as SPARQL Update names it."""
    return "DEFAULT" if isinstance(graph, DefaultGraph) else str(graph)


def triples_block(triples: Sequence[Triple]) -> str:
    """Triples as SPARQL data: pyoxigraph's serialisation of each term."""
    return " ".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)


class StagedLoad:
    """One large write (see the module docs)."""

    def __init__(self, store: StagingStore, replace: Sequence[NamedNode]) -> None:
        self.store = store
        stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
        self.control = NamedNode(STAGING + stamp)
        self.replace = list(replace)
        self.new: list[NamedNode] = []
        self.staged: list[tuple[NamedNode, Target]] = []
        self.direct: set[NamedNode] = set()
        self.written = 0

    # -- phase 1 -------------------------------------------------------------------

    def run(self, batches: Iterator[list[Quad]], progress: Progress | None) -> int:
        """Load every batch, then commit; undo on failure before the commit."""
        linked: list[Quad] = []  # blank-node quads: one request, so their nodes stay one
        try:
            self._control([(self.control, STATE, Literal("loading"))])
            for batch in batches:
                self._upload([q for q in batch if not has_blank_node(q)])
                linked.extend(q for q in batch if has_blank_node(q))
                self.written += len(batch)
                if progress:
                    progress(self.written)
            self._upload(linked, retry=False)
        except BaseException as error:
            self._undo(error)
            raise
        self._commit()
        return self.written

    def _control(self, triples: list[tuple[NamedNode, NamedNode, Term]]) -> None:
        block = " ".join(f"{s} {p} {o} ." for s, p, o in triples)
        self.store.update_as_written(
            f"INSERT DATA {{ GRAPH {self.control} {{ {block} }} }}", idempotent=True
        )

    def _upload(self, quads: list[Quad], *, retry: bool = True) -> None:
        by_graph: dict[Target, list[Triple]] = {}
        for quad in quads:
            by_graph.setdefault(target_of(quad), []).append(quad.triple)
        for target, triples in by_graph.items():
            self._upload_one(target, triples, retry=retry)

    def _upload_one(self, target: Target, triples: list[Triple], *, retry: bool) -> None:
        # The default graph always exists, so it is always staged.
        fresh = isinstance(target, NamedNode) and target not in self.direct
        if fresh and isinstance(target, NamedNode) and not self.store.graph_exists(target):
            self.direct.add(target)
            self.new.append(target)
            if target in self.replace:  # nothing there to replace
                self.replace.remove(target)
            self._control([(self.control, NEW, target)])
        if isinstance(target, NamedNode) and target in self.direct:
            # Adding to a graph this load created: undone by dropping it. Without blank
            # nodes, adding the same triples twice changes nothing, so it can be retried.
            self.store.add_to_graph(target, triples, idempotent=retry)
            return
        staging = NamedNode(f"{self.control.value}/{len(self.staged)}")
        self.staged.append((staging, target))
        self.store.put_graph(staging, triples)

    def _undo(self, error: BaseException) -> None:
        """Drop what phase 1 wrote; a StoreError tells what happened."""
        try:
            rollback(self.store, self.control)
            cleaned = True
        except DckgError:
            cleaned = False
        if not isinstance(error, StoreError):
            return  # bad input or an interrupt: the caller re-raises it as it is
        targets = ", ".join(sorted({graph_ref(t) for t in self._targets()})) or "the store"
        message = f"{error}; the load into {targets} stopped after {self.written:,} quads"
        if cleaned:
            message += ": it was undone, nothing changed"
        else:
            message += (
                f". What it wrote could not be removed (load {self.control.value}): "
                "run `dckg recover` when the server answers again to undo it"
            )
        raise StoreError(message) from None

    def _targets(self) -> list[Target]:
        return [*self.replace, *self.new, *(t for _, t in self.staged)]

    # -- phase 2 -------------------------------------------------------------------

    def _commit(self) -> None:
        """The commit point, then the steps forward."""
        triples = [(s, INTO, t) for s, t in self.staged if isinstance(t, NamedNode)]
        triples += [
            (s, INTO, NamedNode("urn:dckg:default"))
            for s, t in self.staged
            if isinstance(t, DefaultGraph)
        ]
        triples += [(self.control, REPLACE, g) for g in self.replace]
        block = " ".join(f"{s} {p} {o} ." for s, p, o in triples)
        flip = (
            f'DELETE DATA {{ GRAPH {self.control} {{ {self.control} {STATE} "loading" }} }} ;\n'
            f'INSERT DATA {{ GRAPH {self.control} {{ {self.control} {STATE} "committing" '
            f". {block} }} }}"
        )
        try:
            self.store.update_as_written(flip, idempotent=True)
        except StoreError as error:
            self._undo(error)
        try:
            roll_forward(self.store, self.control)
        except StoreError as error:
            raise StoreError(
                f"{error}; the load {self.control.value} is committed but not finished: "
                "`dckg recover` finishes it when the server answers again"
            ) from None


# -- recovery (also the normal path of phase 2) ----------------------------------------


def _objects(store: StagingStore, control: NamedNode, predicate: NamedNode) -> list[Term]:
    rows = store.select_as_written(
        "SELECT ?o WHERE { GRAPH ?c { ?c ?p ?o } }", {"c": control, "p": predicate}
    )
    return [row["o"] for row in rows]


def _staging_of(store: StagingStore, control: NamedNode) -> list[tuple[NamedNode, Target]]:
    rows = store.select_as_written(
        "SELECT ?t ?g WHERE { GRAPH ?c { ?t ?into ?g } }", {"c": control, "into": INTO}
    )
    found: list[tuple[NamedNode, Target]] = []
    for row in rows:
        staging, target = row["t"], row["g"]
        if isinstance(staging, NamedNode) and isinstance(target, NamedNode):
            into = DefaultGraph() if target.value == "urn:dckg:default" else target
            found.append((staging, into))
    return sorted(found, key=lambda pair: pair[0].value)


def roll_forward(store: StagingStore, control: NamedNode) -> None:
    """Finish a committed load, step by step; every step is atomic and repeatable."""
    for graph in _objects(store, control, REPLACE):
        if not isinstance(graph, NamedNode):
            continue
        _empty(store, graph)
        store.update_as_written(
            f"DELETE DATA {{ GRAPH {control} {{ {control} {REPLACE} {graph} }} }}",
            idempotent=True,
        )
    for staging, target in _staging_of(store, control):
        into = "urn:dckg:default" if isinstance(target, DefaultGraph) else target.value
        store.update_as_written(
            f"ADD SILENT {staging} TO {graph_ref(target)} ;\n"
            f"DROP SILENT GRAPH {staging} ;\n"
            f"DELETE DATA {{ GRAPH {control} {{ {staging} {INTO} {NamedNode(into)} }} }}",
            idempotent=True,
        )
    store.update_as_written(f"DROP SILENT GRAPH {control}", idempotent=True)


def _empty(store: StagingStore, graph: NamedNode) -> None:
    """Empty a graph in bounded steps: one huge transaction is slow on some engines."""
    step = (
        f"DELETE {{ GRAPH {graph} {{ ?s ?p ?o }} }} WHERE {{ "
        f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }} LIMIT {int(store.batch)} }}"
    )
    while store.graph_exists(graph):
        store.update_as_written(step, idempotent=True)


def rollback(store: StagingStore, control: NamedNode) -> None:
    """Undo a load that had not reached its commit point."""
    doomed = [g for g in store.graphs() if g.value.startswith(control.value + "/")]
    doomed += [g for g in _objects(store, control, NEW) if isinstance(g, NamedNode)]
    operations = [f"DROP SILENT GRAPH {g}" for g in doomed]
    operations.append(f"DROP SILENT GRAPH {control}")
    store.update_as_written(" ;\n".join(operations), idempotent=True)


def recover(store: StagingStore) -> list[str]:
    """Finish committed loads and undo the others; one line per load, saying which."""
    graphs = [g for g in store.graphs() if g.value.startswith(STAGING)]
    controls = sorted({NamedNode(g.value.split("/", 1)[0]) for g in graphs}, key=str)
    done = []
    for control in controls:
        states = [s.value for s in _objects(store, control, STATE) if isinstance(s, Literal)]
        if "committing" in states:
            roll_forward(store, control)
            done.append(f"finished {control.value}")
        else:
            rollback(store, control)
            done.append(f"undone {control.value}")
    return done


__all__ = [
    "STAGING",
    "StagedLoad",
    "StagingStore",
    "graph_ref",
    "has_blank_node",
    "recover",
    "roll_forward",
    "rollback",
    "target_of",
    "triples_block",
]
