"""A digest of a store's state, for validators (``ETag``) and caches keyed by it."""

from __future__ import annotations

import hashlib

from pyoxigraph import NamedNode

from dckg.namespaces import GRAPH
from dckg.store.base import Store

#: The graph where ``dckg init``, ``dckg load`` and contributions record what they wrote.
META_GRAPH = NamedNode(GRAPH + "meta")


def state_digest(store: Store, total: int, graphs: list[tuple[NamedNode, int]]) -> str:
    """A digest of the store's state: its size, its size per named graph, and the meta
    graph (load dates and checksums). A load or a contribution changes it.

    ``total`` and ``graphs`` are the counts the caller has already taken (one query).
    """
    digest = hashlib.sha256(str(total).encode())
    for graph_iri, count in graphs:
        digest.update(f"{graph_iri} {count}\n".encode())
    for quad in sorted(str(q) for q in store.quads(None, None, None, META_GRAPH)):
        digest.update(quad.encode())
    return digest.hexdigest()[:32]


__all__ = ["state_digest"]
