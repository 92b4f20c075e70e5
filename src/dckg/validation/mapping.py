"""Mapping (the second step): an :class:`~.sources.Input` becomes a :class:`~.parsed.Parsed`.

One mapper per kind of input: RDF formats (:mod:`.rdfmap`) and CSV through the templates
(:mod:`.csvmap`). A new input format is a new mapper, registered here.
"""

from __future__ import annotations

from dckg.validation.csvmap import read_csv
from dckg.validation.parsed import Parsed
from dckg.validation.rdfmap import parse_rdf
from dckg.validation.sources import Input, check_not_empty, decode


def map_input(raw: Input, *, template: str | None = None) -> Parsed:
    """The triples of one input (CSV through ``template``, or the one its header fits)."""
    if raw.fmt == "csv":
        check_not_empty(raw)
        return read_csv(raw, decode(raw), template=template)
    return parse_rdf(raw)


__all__ = ["map_input"]
