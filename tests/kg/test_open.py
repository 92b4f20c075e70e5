"""dckg.open(): which store, read-only beside a writer, limits and errors as on the CLI."""

from __future__ import annotations

import datetime
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from pyoxigraph import Literal, NamedNode

import dckg
from dckg.errors import (
    IncompleteResult,
    NotFound,
    QueryError,
    QueryTimeout,
    StoreError,
    UsageError,
)
from dckg.kg import IncompleteResultWarning
from dckg.store import EmbeddedStore, Store
from tests.kg.conftest import ALL

EX = "https://example.org/kg/"
COUNT = f"SELECT ?s ?count WHERE {{ ?s <{EX}count> ?count }}"
CITIES = Path(__file__).parents[1] / "data" / "queries" / "partnerships.ttl"


def test_a_directory_is_opened_read_only(typed_dir: Path) -> None:
    with dckg.open(typed_dir) as kg:
        assert isinstance(kg.store, EmbeddedStore)
        assert kg.store.read_only
        rows = kg.sparql(COUNT + " ORDER BY ?count")
        assert [int(r.count.value) for r in rows] == [-4, 12]


def test_the_default_is_dckg_store(typed_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DCKG_STORE", str(typed_dir))
    with dckg.open() as kg:
        assert kg.store.path == typed_dir  # type: ignore[attr-defined]
        assert len(kg.sparql(COUNT)) == 2


def test_a_folder_without_a_store_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match=r"no dckg store at .*dckg --store .* init"):
        dckg.open(tmp_path / "nothing")
    assert not (tmp_path / "nothing").exists()  # nothing was created


def test_memory_is_an_empty_store() -> None:
    with dckg.open("memory") as kg:
        assert kg.sparql("ASK { ?s ?p ?o }") is False


def test_other_schemes_and_objects_are_refused() -> None:
    with pytest.raises(UsageError, match="unsupported store"):
        dckg.open("ftp://example.org/store")
    with pytest.raises(UsageError, match="not a int"):
        dckg.open(12)  # type: ignore[arg-type]


def test_a_store_object_is_used_and_left_open(typed_memory: EmbeddedStore) -> None:
    with dckg.open(typed_memory) as kg:
        assert kg.store is typed_memory
    assert typed_memory.count() > 0  # still usable
    with pytest.raises(StoreError, match="closed"):
        kg.sparql(COUNT)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A store directory that ``dckg serve`` holds open (for writing) while tests read it."""
    store = tmp_path_factory.mktemp("served") / "store"
    loaded = subprocess.run(
        [sys.executable, "-m", "dckg", "--store", str(store), "load", str(CITIES)],
        capture_output=True,
    )
    assert loaded.returncode == 0, loaded.stderr.decode()
    from tests.servers import dckg_serve

    with dckg_serve(store, workers=1):
        yield store


def test_it_reads_beside_a_running_server(served: Path) -> None:
    with dckg.open(served) as kg:
        assert kg.sparql("ASK { ?city a dckg:City }") is True
        cities = kg.sparql("SELECT ?city WHERE { ?city a dckg:City }")
        assert len(cities) > 0


# -- named queries -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cities_kg() -> Iterator[dckg.KnowledgeGraph]:
    with EmbeddedStore() as store:
        store.load(CITIES, graph=NamedNode("https://example.org/cities"))
        with dckg.open(store) as kg:
            yield kg


def test_queries_lists_the_library_with_parameters(cities_kg: dckg.KnowledgeGraph) -> None:
    queries = {q.name: q for q in cities_kg.queries()}
    assert "most-connected-cities" in queries
    assert [p.name for p in queries["most-connected-cities"].params] == [
        "country",
        "min_partners",
    ]
    tagged = cities_kg.queries(tag="cities")
    assert tagged and all("cities" in q.tags for q in tagged)
    assert len(tagged) < len(queries)


def test_a_country_is_given_as_on_the_command_line(cities_kg: dckg.KnowledgeGraph) -> None:
    answers = [
        [tuple(row) for row in cities_kg.query("most-connected-cities", country=code)]
        for code in ("FR", "FRA", "fra", "country/FRA")
    ]
    assert answers[0] and all(answer == answers[0] for answer in answers)
    country = cities_kg.query("most-connected-cities", {"country": "FRA"})[0].country
    assert country == NamedNode("https://w3id.org/dckg/id/country/FRA")


def test_python_values_become_parameter_values(cities_kg: dckg.KnowledgeGraph) -> None:
    few = cities_kg.query("most-connected-cities", min_partners=1)
    many = cities_kg.query("most-connected-cities", min_partners=1000)
    assert len(few) > 0 and len(many) == 0
    assert few[0].min_partners == Literal(1)
    unset = cities_kg.query("most-connected-cities", country=None)
    assert unset.variables == few.variables


def test_a_parameter_may_be_called_name(cities_kg: dckg.KnowledgeGraph) -> None:
    found = cities_kg.query("find-entity", name="Lyon")
    assert "https://w3id.org/dckg/id/city/lyon" in {str(row[0].value) for row in found}


def test_named_query_errors_are_the_command_lines(cities_kg: dckg.KnowledgeGraph) -> None:
    with pytest.raises(NotFound, match="did you mean 'most-connected-cities'"):
        cities_kg.query("most-connected-city")
    with pytest.raises(UsageError, match="has no parameter 'town'"):
        cities_kg.query("most-connected-cities", town="Lyon")
    with pytest.raises(UsageError, match="expected an integer"):
        cities_kg.query("most-connected-cities", min_partners="many")
    with pytest.raises(UsageError, match="no country has the ISO 3166 code 'XX'"):
        cities_kg.query("most-connected-cities", country="XX")
    with pytest.raises(UsageError, match="parameter 'city' is required"):
        cities_kg.query("city-partners")
    with pytest.raises(UsageError, match="cannot use a list"):
        cities_kg.query("most-connected-cities", country=["FRA"])


# -- SPARQL --------------------------------------------------------------------------------


def test_bindings_are_terms_never_text(typed_memory: EmbeddedStore) -> None:
    with dckg.open(typed_memory) as kg:
        found = kg.sparql(COUNT, s=NamedNode(EX + "a"))
        assert [r.count.value for r in found] == ["12"]
        assert len(kg.sparql(COUNT, {"?s": rdflib.URIRef(EX + "b")})) == 1
        # a string is a literal: it matches no IRI, and its quotes stay inside it
        assert len(kg.sparql(COUNT, s=EX + "a")) == 0
        hostile = 'x" } UNION { ?s ?p ?count } #'
        assert len(kg.sparql("SELECT ?n WHERE { ?s ?p ?n }", n=hostile)) == 0
        for value, lexical in (
            (12, "12"),
            (Decimal("2.50"), "2.5"),
            (True, "true"),
            (datetime.date(2024, 5, 1), "2024-05-01"),
        ):
            bound = kg.sparql("SELECT ?v WHERE {}", v=value)
            assert bound[0].v.value == lexical
        with pytest.raises(UsageError, match="binding 'v': cannot make an RDF term of a set"):
            kg.sparql("SELECT ?v WHERE {}", v={1})
        with pytest.raises(UsageError, match="not a SPARQL variable name"):
            kg.sparql("SELECT ?v WHERE {}", {"a b": 1})


def test_each_query_form_has_its_answer(typed_memory: EmbeddedStore) -> None:
    with dckg.open(typed_memory) as kg:
        assert kg.sparql(f"ASK {{ ?s <{EX}count> 12 }}") is True
        graph = kg.sparql(f"CONSTRUCT {{ ?s <{EX}count> ?c }} WHERE {{ ?s <{EX}count> ?c }}")
        assert isinstance(graph, rdflib.Graph)
        assert (rdflib.URIRef(EX + "a"), rdflib.URIRef(EX + "count"), rdflib.Literal(12)) in graph
        assert len(graph) == 2
        described = kg.sparql("DESCRIBE ?s", s=NamedNode(EX + "b"))
        assert isinstance(described, rdflib.Graph) and len(described) > 3


def test_query_errors(typed_memory: EmbeddedStore) -> None:
    with dckg.open(typed_memory) as kg:
        with pytest.raises(QueryError, match="malformed query"):
            kg.sparql("SELECT ?s WHERE { ?s ")
        with pytest.raises(QueryError, match="not a SPARQL Update"):
            kg.sparql("INSERT DATA { <urn:a> <urn:b> <urn:c> }")
        assert typed_memory.count(NamedNode("urn:nothing")) == 0
        with pytest.raises(QueryError, match="SELECT projection"):
            kg.sparql("SELECT ?count WHERE { ?s ?p ?count }", s=NamedNode(EX + "a"))


def test_the_row_cap_warns_or_fails(typed_memory: EmbeddedStore) -> None:
    with dckg.open(typed_memory, max_results=1) as kg:
        with pytest.warns(IncompleteResultWarning, match=r"max_results=1"):
            table = kg.sparql(ALL)
        assert len(table) == 1 and table.truncated
        with pytest.raises(IncompleteResult, match="incomplete"):
            kg.sparql(ALL, strict=True)
        everything = kg.sparql(ALL, max_results=0)
        assert len(everything) == 2 and not everything.truncated
        with pytest.warns(IncompleteResultWarning, match="only the first 1 triples"):
            graph = kg.sparql(f"CONSTRUCT WHERE {{ ?s <{EX}count> ?c }}")
        assert len(graph) == 1


def _query_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "dckg-query"]


def test_the_time_limit_stops_a_query(typed_memory: EmbeddedStore) -> None:
    # Rows without end: the query is stopped at its next row once the limit is reached.
    endless = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o . ?p ?q ?r }"
    with dckg.open(typed_memory) as kg:
        started = time.monotonic()
        with pytest.raises(QueryTimeout, match=r"time limit of 0\.5 s"):
            kg.sparql(endless, timeout=0.5, max_results=0)
        assert time.monotonic() - started < 10
        # the graph still answers after a stopped query
        assert kg.sparql(f"ASK {{ ?s <{EX}count> 12 }}") is True
        deadline = time.monotonic() + 10
        while _query_threads() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _query_threads() == []  # the query really stopped


def test_the_time_limit_returns_while_an_aggregate_still_computes() -> None:
    # 12 triples, six of them joined: about 3 million rows to count, a few seconds of work.
    with EmbeddedStore() as store:
        store.update(
            "INSERT DATA { " + " ".join(f"<urn:s{i}> <urn:p> {i} ." for i in range(12)) + " }"
        )
        counting = (
            "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . "
            "?m ?n2 ?o . ?p ?q ?r }"
        )
        with dckg.open(store) as kg:
            started = time.monotonic()
            with pytest.raises(QueryTimeout, match=r"time limit of 0\.2 s"):
                kg.sparql(counting, timeout=0.2)
            assert time.monotonic() - started < 1.5  # control is back at the limit
            # the abandoned count ends with its first row, and writes nothing anywhere
            deadline = time.monotonic() + 120
            while _query_threads() and time.monotonic() < deadline:
                time.sleep(0.1)
            assert _query_threads() == []


def test_limits_are_checked(typed_memory: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(UsageError, match="timeout must be a positive number"):
        dckg.open(typed_memory, timeout=0)
    with pytest.raises(UsageError, match="max_results must be 0"):
        dckg.open(typed_memory, max_results=-1)
    monkeypatch.setenv("DCKG_QUERY_TIMEOUT", "soon")
    with pytest.raises(UsageError, match="DCKG_QUERY_TIMEOUT='soon'"):
        dckg.open(typed_memory)
    monkeypatch.setenv("DCKG_QUERY_TIMEOUT", "7")
    monkeypatch.setenv("DCKG_MAX_RESULTS", "5")
    with dckg.open(typed_memory) as kg:
        assert (kg.timeout, kg.max_results) == (7.0, 5)


# -- scripts -------------------------------------------------------------------------------

README = Path(__file__).parents[2] / "README.md"


def readme_snippet() -> str:
    """The README's Python example, as it stands."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)
    (snippet,) = [b for b in blocks if "dckg.open()" in b]
    return snippet


def test_the_readme_snippet_runs_as_a_plain_script(tmp_path: Path) -> None:
    """No ``if __name__ == "__main__":`` guard: queries run in the script's own process."""
    pytest.importorskip("pandas")
    store = tmp_path / "store"
    with EmbeddedStore(store) as writable:
        writable.load(CITIES, graph=NamedNode("https://example.org/cities"))
    snippet = readme_snippet()
    assert "__main__" not in snippet
    script = tmp_path / "study.py"
    script.write_text(
        snippet + "\nprint('cities:', sorted(df['cityLabel']))\nprint('rows:', len(cities))\n",
        encoding="utf-8",
    )
    env = {**os.environ, "DCKG_STORE": str(store), "DCKG_QUERY_TIMEOUT": "60"}
    done = subprocess.run(
        [sys.executable, str(script)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "cities: ['Lille', 'Lyon']" in done.stdout
    assert "rows: 2" in done.stdout
    assert "worker" not in done.stderr


def test_a_plain_script_keeps_the_time_limit(typed_dir: Path, tmp_path: Path) -> None:
    script = tmp_path / "slow.py"
    script.write_text(
        "import dckg\n"
        "kg = dckg.open(timeout=0.5)\n"
        "try:\n"
        "    kg.sparql('SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n ?o }',"
        " max_results=0)\n"
        "except dckg.QueryTimeout as error:\n"
        "    print('stopped:', error)\n",
        encoding="utf-8",
    )
    env = {**os.environ, "DCKG_STORE": str(typed_dir)}
    done = subprocess.run(
        [sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "stopped: the query ran past the time limit of 0.5 s" in done.stdout
