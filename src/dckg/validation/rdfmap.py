"""Mapping an RDF contribution (Turtle, N-Triples, JSON-LD, RDF/XML) to triples.

Parsed whole by Oxigraph's parsers (through :mod:`dckg.rdfio`), which never fetch a
remote JSON-LD ``@context`` and never resolve an XML external entity; a syntax error
raises :class:`~dckg.errors.InputError` with the line.
"""

from __future__ import annotations

from pyoxigraph import Triple

from dckg import rdfio
from dckg.errors import InputError
from dckg.validation.parsed import Parsed
from dckg.validation.sources import FORMATS, Input, check_not_empty, decode


def parse_rdf(source: Input, *, base_iri: str | None = None) -> Parsed:
    """Parse an RDF input whole; raises InputError with the line of a syntax error."""
    rdf_format = FORMATS[source.fmt][0]
    assert rdf_format is not None
    check_not_empty(source)
    text = decode(source)
    triples = [
        Triple(q.subject, q.predicate, q.object)
        for q in rdfio.parse_quads(source.data, rdf_format, source=source.name, base_iri=base_iri)
    ]
    if not triples:
        raise InputError("the file holds no triples", source=source.name)
    return Parsed(source, triples, text=text)


__all__ = ["parse_rdf"]
