"""A small store of typed values, on disk (the default backend) and in memory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pyoxigraph import NamedNode

from dckg.store import EmbeddedStore

TYPED = Path(__file__).parents[1] / "data" / "kg" / "typed.ttl"
GRAPH = NamedNode("https://example.org/kg/graph")

#: Every value of the typed data, one column per property, one row per subject.
ALL = """
PREFIX ex: <https://example.org/kg/>
SELECT ?s ?count ?small ?share ?ratio ?amount ?day ?moment ?year ?flag ?page ?name ?code
       ?mixed ?bad ?old ?wkt ?none
WHERE {
  VALUES ?s { ex:a ex:b }
  OPTIONAL { ?s ex:count ?count } OPTIONAL { ?s ex:small ?small }
  OPTIONAL { ?s ex:share ?share } OPTIONAL { ?s ex:ratio ?ratio }
  OPTIONAL { ?s ex:amount ?amount } OPTIONAL { ?s ex:day ?day }
  OPTIONAL { ?s ex:moment ?moment } OPTIONAL { ?s ex:year ?year }
  OPTIONAL { ?s ex:flag ?flag } OPTIONAL { ?s ex:page ?page }
  OPTIONAL { ?s ex:name ?name } OPTIONAL { ?s ex:code ?code }
  OPTIONAL { ?s ex:mixed ?mixed } OPTIONAL { ?s ex:bad ?bad }
  OPTIONAL { ?s ex:old ?old } OPTIONAL { ?s ex:wkt ?wkt }
  OPTIONAL { ?s ex:nothing ?none }
}
ORDER BY ?s
"""


@pytest.fixture(scope="session")
def typed_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store directory holding ``typed.ttl`` (closed: open it read-only)."""
    path = tmp_path_factory.mktemp("kg") / "store"
    with EmbeddedStore(path) as store:
        store.load(TYPED, graph=GRAPH)
    return path


@pytest.fixture(scope="module")
def typed_memory() -> Iterator[EmbeddedStore]:
    """An in-memory store holding ``typed.ttl``."""
    with EmbeddedStore() as store:
        store.load(TYPED, graph=GRAPH)
        yield store
