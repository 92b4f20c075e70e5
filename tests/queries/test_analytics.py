"""The policy-link analytics queries on the shipped graph, and the links they follow.

The golden cases (manifest.yaml) check each query on a small fixture; these check that on
the shipped data the figures agree with one another and that the added links keep to their
sources (data/policy-links.ttl).
"""

from __future__ import annotations

import pytest

from dckg.queries import load_library
from dckg.store import Store

LIBRARY = load_library()
NARRATIVE = "https://w3id.org/dckg/id/framework/decentralised-cooperation-narrative"


def rows(store: Store, name: str, **params: str) -> list[dict[str, str]]:
    result = LIBRARY[name].run(store, params)
    names = [v.value for v in result.variables]  # type: ignore[union-attr]
    return [{n: s[n].value if s[n] is not None else "" for n in names} for s in result]  # type: ignore[index]


@pytest.fixture(scope="module")
def reach(reference_store: Store) -> dict[str, dict[str, str]]:
    return {r["notation"]: r for r in rows(reference_store, "objective-reach")}


def test_every_objective_of_the_narrative_is_counted(reach: dict[str, dict[str, str]]) -> None:
    assert len(reach) == 21
    assert sum(int(r["fundedActions"]) for r in reach.values()) > 0
    assert sum(int(r["signatories"]) for r in reach.values()) > 0
    for r in reach.values():
        paths = [int(r[c]) for c in ("byTheme", "byGoal", "byClaim")]
        assert max(paths) <= int(r["partnerships"]) + int(r["fundedActions"]) <= sum(paths)


def test_funded_actions_are_not_counted_as_partnerships(
    reference_store: Store, reach: dict[str, dict[str, str]]
) -> None:
    """The shipped twinnings carry no theme or claim: every action counted is an EUTF one."""
    assert all(int(r["partnerships"]) == 0 for r in reach.values())
    for name in ("objective-reach-by-region", "objective-reach-by-instrument"):
        answer = rows(reference_store, name)
        assert sum(int(r["fundedActions"]) for r in answer) > 0, name
        assert sum(int(r["partnerships"]) for r in answer) == 0, name
    goals = rows(reference_store, "sdg-coverage")
    assert sum(int(r["fundedActionsViaThemes"]) for r in goals) > 0
    assert sum(int(r["partnershipsViaThemes"]) for r in goals) == 0
    assert all(int(r["partnerships"]) == int(r["fundedActions"]) == 0 for r in goals)


def test_gaps_are_the_objectives_nothing_reaches(
    reference_store: Store, reach: dict[str, dict[str, str]]
) -> None:
    gaps = {r["notation"]: r for r in rows(reference_store, "objective-gaps")}
    unreached = {
        n
        for n, r in reach.items()
        if int(r["partnerships"]) + int(r["fundedActions"]) + int(r["signatories"]) == 0
    }
    assert set(gaps) == unreached and gaps
    for gap in gaps.values():
        linked = gap["goals"] or gap["themes"]
        assert gap["reason"].startswith("linked" if linked else "nothing links")


def test_no_region_counts_more_than_the_whole(
    reference_store: Store, reach: dict[str, dict[str, str]]
) -> None:
    by_region = rows(reference_store, "objective-reach-by-region")
    assert len(by_region) == 21 * 5
    for r in by_region:
        whole = reach[r["notation"]]
        for column in ("partnerships", "fundedActions", "signatories"):
            assert int(r[column]) <= int(whole[column])
    # a signatory is in one country, hence in one continent
    for notation, whole in reach.items():
        signatories = sum(int(r["signatories"]) for r in by_region if r["notation"] == notation)
        assert signatories <= int(whole["signatories"])
    africa = rows(reference_store, "objective-reach-by-region", within="region/africa")
    assert {r["regionLabel"] for r in africa} == {"Northern Africa", "Sub-Saharan Africa"}


def test_instruments_count_only_funded_partnerships(
    reference_store: Store, reach: dict[str, dict[str, str]]
) -> None:
    funded = rows(reference_store, "objective-reach-by-instrument")
    assert funded
    for r in funded:
        whole = reach[r["notation"]]
        assert int(r["partnerships"]) <= int(whole["partnerships"])
        assert int(r["fundedActions"]) <= int(whole["fundedActions"])
        assert (float(r["total"]) > 0) == (int(r["partnerships"]) + int(r["fundedActions"]) > 0)


def test_priority_areas_follow_the_theme_links(reference_store: Store) -> None:
    areas = {r["areaLabel"]: r for r in rows(reference_store, "priority-area-reach")}
    assert set(areas) == {"Digital", "Climate and energy", "Transport", "Health",
                          "Education and research"}  # fmt: skip
    assert all(r["themes"] for r in areas.values())
    assert int(areas["Climate and energy"]["targets"]) >= 3


def test_objective_theme_links_quote_the_narrative(reference_store: Store) -> None:
    unquoted = reference_store.query(
        "SELECT DISTINCT ?objective WHERE { GRAPH ?g { ?objective skos:related ?theme } "
        "?theme skos:inScheme <https://w3id.org/dckg/id/scheme/themes> . "
        "FILTER NOT EXISTS { GRAPH ?g { ?objective skos:note ?note } } }"
    )
    assert [r["objective"].value for r in unquoted] == []


def test_themes_link_only_to_priority_areas(reference_store: Store) -> None:
    links = list(
        reference_store.query(
            "SELECT ?theme ?area WHERE { ?theme skos:broadMatch|skos:closeMatch ?area ; "
            "skos:inScheme <https://w3id.org/dckg/id/scheme/themes> . "
            "FILTER NOT EXISTS { ?area skos:inScheme "
            "<https://w3id.org/dckg/id/scheme/priority-areas> } }"
        )
    )
    assert links == []
