"""Content negotiation of the pages and RDF views: HTML for browsers, RDF for RDF clients
(one of the format registry's serialisations), chosen by ``Accept`` or by an extension."""

from __future__ import annotations

from dckg.sparql import formats

#: The RDF serialisations the pages and views offer (from the one format registry).
RDF_TYPES = (formats.TURTLE, formats.NTRIPLES, formats.JSONLD, formats.RDFXML)
RdfType = formats.Format
BY_EXTENSION = {t.extension: t for t in RDF_TYPES}
HTML = formats.HTML.media_type
#: What is offered, the server's preference first.
_OFFERS = (formats.HTML, *RDF_TYPES)


def negotiate(accept: str | None) -> str | None:
    """The media type to answer with, or ``None`` when nothing asked for is offered.

    >>> negotiate("text/html,application/xhtml+xml,*/*;q=0.8")
    'text/html'
    >>> negotiate("application/rdf+xml;q=0.5, text/turtle")
    'text/turtle'
    >>> negotiate("image/png") is None
    True
    """
    if not accept or not accept.strip():
        return HTML
    chosen = formats.negotiate(accept, _OFFERS)
    return chosen.media_type if chosen else None


__all__ = ["BY_EXTENSION", "HTML", "RDF_TYPES", "RdfType", "negotiate"]
