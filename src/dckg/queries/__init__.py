"""The library of named queries: documented SPARQL with typed, bound parameters.

>>> from dckg import open_store
>>> library = load_library()
>>> query = library["find-entity"]
>>> [p.name for p in query.params]
['name', 'type']
>>> rows = list(query.run(open_store("memory"), {"name": "Lyon"}))
>>> rows
[]
"""

from __future__ import annotations

from dckg.queries.library import Library, NamedQuery, load_library, parse_query, read_query
from dckg.queries.params import TYPES, Param

__all__ = ["TYPES", "Library", "NamedQuery", "Param", "load_library", "parse_query", "read_query"]
