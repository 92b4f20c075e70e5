"""A SERVICE with a relative IRI is refused as a SERVICE, not reported as a malformed query.

The check parses the query as the engine does, relative IRIs resolved against the
documented base (W3C SPARQL 1.1 syntax-fed tests: ``SERVICE <g>``).
"""

from __future__ import annotations

import pytest

from dckg.sparql.federation import ServiceRefused, check_services


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * { SERVICE <g> { ?s ?p ?o } }",
        "SELECT * { ?s ?p ?o SERVICE SILENT <g> { ?s ?p ?o } ?s ?p ?o }",
    ],
)
def test_a_relative_service_iri_is_refused_as_a_service(query: str) -> None:
    with pytest.raises(ServiceRefused, match=r"SERVICE at line 1, column \d+ is not allowed"):
        check_services(query, ())


def test_a_relative_graph_iri_parses() -> None:
    assert check_services("SELECT * { GRAPH <g> { ?s ?p ?o } } # service", ()) == 0
