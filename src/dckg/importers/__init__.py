"""Importers: turn outside data sets into dckg RDF, reconciled against the graph.

- :mod:`dckg.importers.twinnings` — Wikidata town-twinning relations (TSV, 2017).
"""
