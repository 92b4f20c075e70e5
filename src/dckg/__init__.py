"""dckg — a knowledge graph of decentralised cooperation.

The public surface is small: open a store, load data into it, query it. Researchers
start with :func:`open` (see :mod:`dckg.kg`).

>>> from dckg import open_store
>>> store = open_store("memory")
>>> store.count()
0
"""

from __future__ import annotations

__version__ = "0.1.0"

from dckg.errors import (
    DckgError,
    InputError,
    NotFound,
    QueryError,
    QueryTimeout,
    StoreError,
    UsageError,
    ValidationFailed,
)
from dckg.kg import KnowledgeGraph, Table, open
from dckg.store import Store, open_store

__all__ = [
    "DckgError",
    "InputError",
    "KnowledgeGraph",
    "NotFound",
    "QueryError",
    "QueryTimeout",
    "Store",
    "StoreError",
    "Table",
    "UsageError",
    "ValidationFailed",
    "__version__",
    "open",
    "open_store",
]
