"""The Python API for researchers: open the knowledge graph, run named queries and
SPARQL, take the answers to pandas.

=====================  ==========================================================
``graph``              :func:`open` and :class:`KnowledgeGraph`
``table``              :class:`Table` and :class:`Row`: the answer to a ``SELECT``
``terms``              Python values to bound RDF terms, and back
``frames``             tables as pandas DataFrames, one dtype per column
=====================  ==========================================================

>>> import dckg
>>> with dckg.open("memory") as kg:
...     kg.sparql("ASK { ?s ?p ?o }")
False

The walk-through is ``docs/python-api.md`` (run by the test suite).
"""

from __future__ import annotations

from dckg.kg.graph import IncompleteResultWarning, KnowledgeGraph, open
from dckg.kg.table import Row, Table

__all__ = ["IncompleteResultWarning", "KnowledgeGraph", "Row", "Table", "open"]
