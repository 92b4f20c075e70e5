"""What the editor sends: queries that begin with comment lines, as the named queries do."""

from __future__ import annotations

import httpx


def test_a_query_whose_comments_say_with_is_not_taken_for_an_update(client: httpx.Client) -> None:
    """The named queries start with comment lines, which may hold words like "with"."""
    query = "# networks, with the number of members\n# add, copy, create\nASK { }"
    for response in (
        client.post("/sparql", data={"query": query}),
        client.get("/sparql", params={"query": query}),
    ):
        assert response.status_code == 200, response.text
    refused = client.post("/sparql", data={"query": "# a comment\nINSERT DATA { }"})
    assert refused.status_code == 400
