"""SERVICE: the allowlist holds against parser tricks, and workers have no network besides.

The attacks are the ones that got through when the check read the query with another parser
than the one that runs it: a carriage return ending a ``#`` comment, ``'\\u0027'`` escapes
hiding a SERVICE inside what looked like one long string. A loopback canary records every
request that reaches it: it must never be called. A property-based test then generates
comments, escapes, strings and line ends around SERVICE and compares the check with what
Oxigraph really does with the same text.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator

import httpx
import pyoxigraph
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dckg.errors import DckgError, QueryError
from dckg.namespaces import PREFIXES
from dckg.sparql.engine import ProcessEngine, make_engine
from dckg.sparql.federation import ServiceRefused, check_services, disguise
from dckg.sparql.settings import Settings
from dckg.sparql.worker import Job, isolate_network
from dckg.store import Store
from tests.api.conftest import Server, serving
from tests.servers import recording_server

_ROWS = (
    b'{"head":{"vars":["s"]},"results":{"bindings":[{"s":{"type":"literal","value":"leaked"}}]}}'
)
_SECRET = b"SECRET-INTERNAL-PAGE admin password is hunter2"


@pytest.fixture(scope="module")
def canary() -> Iterator[tuple[str, list[str]]]:
    """A loopback SPARQL endpoint that records every request reaching it."""
    with recording_server(_ROWS, "application/sparql-results+json") as (url, hits):
        yield url + "/sparql", hits


@pytest.fixture(scope="module")
def allowed() -> Iterator[tuple[str, list[str]]]:
    """Another endpoint, the one the allowlist names."""
    with recording_server(_ROWS, "application/sparql-results+json") as (url, hits):
        yield url + "/sparql", hits


def attacks(url: str) -> list[str]:
    """The bypasses as they were found, and their neighbours."""
    return [
        # a carriage return ends a comment for Oxigraph
        f"SELECT * WHERE {{ # x\r SERVICE <{url}> {{ ?s ?p ?o }} \n }}",
        f"SELECT * WHERE {{ # x\r\n SERVICE <{url}> {{ ?s ?p ?o }} }}",
        # '\u0027' decoded first reads as one long string hiding the SERVICE
        f"SELECT * WHERE {{ BIND('\\u0027' AS ?a) SERVICE <{url}> {{ ?s ?p ?o }} "
        "BIND('\\u0027' AS ?b) }",
        f'SELECT * WHERE {{ BIND("\\u0022" AS ?a) SERVICE <{url}> {{ ?s ?p ?o }} '
        'BIND("\\u0022" AS ?b) }',
        f"SELECT * WHERE {{ OPTIONAL {{ ?s ?p '\\u0027' }} SERVICE <{url}> {{ ?s ?p ?o }} "
        "OPTIONAL { ?s ?p '\\u0027' } }",
        # the keyword glued to an empty-prefix name
        f"PREFIX : <{url.rsplit('/', 1)[0]}/> SELECT * WHERE {{ SERVICE:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ sErViCe silent<{url}>{{ ?s ?p ?o }} }}",
    ]


@pytest.fixture(scope="module")
def open_api(reference_store: Store) -> Iterator[Server]:
    """No allowlist: both walls (the check, and workers without network)."""
    settings = Settings(store="memory", query_timeout=5.0, query_workers=2)
    with serving(settings, reference_store) as server:
        yield server


@pytest.fixture(scope="module")
def federating_api(reference_store: Store, allowed: tuple[str, list[str]]) -> Iterator[Server]:
    """An allowlist: workers have network, the check alone must hold."""
    settings = Settings(
        store="memory", query_timeout=5.0, query_workers=2, service_allowlist=(allowed[0],)
    )
    with serving(settings, reference_store) as server:
        yield server


@pytest.mark.parametrize("which", ["open_api", "federating_api"])
def test_the_bypasses_as_found_are_refused(
    which: str, request: pytest.FixtureRequest, canary: tuple[str, list[str]]
) -> None:
    server: Server = request.getfixturevalue(which)
    url, hits = canary
    before = len(hits)
    with httpx.Client(base_url=server.url, timeout=30) as client:
        for query in attacks(url):
            response = client.post("/sparql", data={"query": query})
            assert response.status_code == 403, (query, response.status_code, response.text)
            assert "not allowed" in response.text
            assert "leaked" not in response.text
    assert len(hits) == before


def test_each_bypass_really_calls_out_when_run_unchecked(canary: tuple[str, list[str]]) -> None:
    """The attacks are real: Oxigraph, given them unchecked, calls the endpoint."""
    url, hits = canary
    for query in attacks(url):
        before = len(hits)
        list(pyoxigraph.Store().query(query))  # type: ignore[arg-type]
        assert len(hits) == before + 1, query


def test_allowed_service_and_disguised_words_pass(
    federating_api: Server, allowed: tuple[str, list[str]], canary: tuple[str, list[str]]
) -> None:
    url, hits = allowed
    query = (
        f"SELECT ?s WHERE {{ # a SERVICE <{canary[0]}> in a comment\r\n"
        f'  BIND("SERVICE <{canary[0]}>" AS ?note)\n'
        f"  SERVICE <{url}> {{ ?s ?p ?o }} }}"
    )
    before, canary_before = len(hits), len(canary[1])
    with httpx.Client(base_url=federating_api.url, timeout=30) as client:
        response = client.post("/sparql", data={"query": query})
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["s"]["value"] == "leaked"
    assert len(hits) == before + 1
    assert len(canary[1]) == canary_before


def test_a_remote_error_body_is_never_relayed(reference_store: Store) -> None:
    for status in (404, 500, 200):
        with recording_server(_SECRET, "text/plain", status=status) as (base, hits):
            endpoint = base + "/sparql"
            settings = Settings(store="memory", query_workers=2, service_allowlist=(endpoint,))
            with (
                serving(settings, reference_store) as server,
                httpx.Client(base_url=server.url, timeout=30) as client,
            ):
                query = f"SELECT * WHERE {{ SERVICE <{endpoint}> {{ ?s ?p ?o }} }}"
                response = client.post("/sparql", data={"query": query})
            assert hits, "the allowed endpoint was called"
            assert response.status_code >= 400, response.text
            assert b"SECRET" not in response.content and b"hunter2" not in response.content
            assert "SERVICE" in response.text


def _can_isolate() -> bool:
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        return bool(pool.apply(isolate_network))


def test_workers_have_no_network_without_an_allowlist(
    reference_store: Store, canary: tuple[str, list[str]]
) -> None:
    """The second wall: a SERVICE that got past the check still reaches nothing."""
    if not _can_isolate():
        pytest.skip("this platform gives processes no network namespace of their own")
    url, hits = canary
    before = len(hits)
    engine = make_engine(reference_store, 2, settings=Settings(store="memory"))
    try:
        assert isinstance(engine, ProcessEngine)
        engine.warm_up()
        assert engine.network_isolated is True
        unchecked = Job(f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
        with pytest.raises(DckgError) as failed:
            engine.start(unchecked, 10)
        assert "leaked" not in str(failed.value)
        assert engine.start(Job("ASK { ?s a dckg:City }"), 10).first.endswith(b"true}")
    finally:
        engine.close()
    assert len(hits) == before
    # With an allowlist the workers keep the network (for the endpoints it names).
    federating = make_engine(
        reference_store, 2, settings=Settings(store="memory", service_allowlist=(url,))
    )
    try:
        federating.warm_up()
        assert federating.network_isolated is False
    finally:
        federating.close()


# -- the differential property ----------------------------------------------------------

_ENDS = ["\n", "\r", "\r\n"]
_ODD_ENDS = ["\x0b", "\x0c", "\x85", "\u2028", "\u2029", ""]
#: What may stand inside any quoted string (no bare quote, no bare line end).
_INNER = [
    *["service", "SERVICE", "\\u0053ERVICE", "serv\\u0069ce", "x", " ", "#", "<", ">", "{", "}"],
    *["\\u0027", "\\u0022", "\\U00000027", "\\'", '\\"', "\\n", "\\r", "\\\\", "\\u000A"],
]
_QUOTES = ["'", '"', "'" * 3, '"' * 3]
_RAW = [*_INNER, *_QUOTES, "\\", ".", "?v", "(", ")", "AS", "BIND", ":", "_:b", "1"]
_inner = st.lists(st.sampled_from(_INNER), max_size=5).map("".join)
_raw = st.lists(st.sampled_from(_RAW + _ENDS + _ODD_ENDS), max_size=5).map("".join)
_comment = st.builds(
    lambda text, end: "#" + text + end,
    st.lists(st.sampled_from(_INNER + _QUOTES), max_size=5).map("".join),
    st.sampled_from(_ENDS * 3 + _ODD_ENDS),
)
_string = st.builds(
    lambda quote, text, n: f"BIND({quote}{text}{quote} AS ?v{n})",
    st.sampled_from(_QUOTES),
    _inner,
    st.integers(0, 9),
)
_space = st.sampled_from([" ", "\t", *_ENDS])
_fragment = st.one_of(_comment, _comment, _string, _string, _space, _space, _raw)
_around = st.lists(_fragment, max_size=3).map(" ".join)
_head = st.lists(st.one_of(_comment, _space), max_size=2).map("".join)
_keyword = st.sampled_from(
    ["SERVICE", "service", "SeRvIcE", "SERVICE SILENT", "\\u0053ERVICE", "SERVICE\r", "SERVICE#c\n"]
)
#: How the SERVICE clause is wrapped: not at all, in a comment, in a string.
_wrap = st.sampled_from(
    [
        ("", ""),
        ("", ""),
        ("# ", "\n"),
        ("#", "\r"),
        ("#", "\x85"),
        ("BIND(" + "'" * 3, "'" * 3 + " AS ?w)"),
        ("BIND(" + '"' * 3, '"' * 3 + " AS ?w)"),
        ("BIND('\\u0027", "\\u0027' AS ?w)"),
        ("BIND('\\u0027' AS ?w)", "BIND('\\u0027' AS ?z)"),
    ]
)


def _target(url: str) -> st.SearchStrategy[tuple[str, str]]:
    base = url.rsplit("/", 1)[0] + "/"
    return st.sampled_from(
        [
            ("", f"<{url}>"),
            (f"PREFIX : <{base}> ", ":sparql"),
            (f"PREFIX e: <{base}> ", "e:sparql"),
            ("", "?e"),
        ]
    )


def _query(url: str) -> st.SearchStrategy[str]:
    def build(
        head: str,
        target: tuple[str, str],
        before: str,
        wrap: tuple[str, str],
        kw: str,
        after: str,
    ) -> str:
        prologue, endpoint = target
        bind = f"BIND(<{url}> AS ?e) " if endpoint == "?e" else ""
        return (
            f"{prologue}{head}SELECT * WHERE {{ {bind}{before} {wrap[0]}{kw} {endpoint} "
            f"{{ ?s ?p ?o }}{wrap[1]} {after}\n}}"
        )

    return st.builds(build, _head, _target(url), _around, _wrap, _keyword, _around)


def _calls_out(query: str, hits: list[str]) -> bool:
    before = len(hits)
    try:
        result = pyoxigraph.Store().query(query, prefixes=PREFIXES)
        if not isinstance(result, pyoxigraph.QueryBoolean):
            list(result)
    except (SyntaxError, OSError, ValueError, RuntimeError):
        pass
    return len(hits) > before


def _passes(query: str, allowlist: tuple[str, ...] = ()) -> bool:
    try:
        check_services(query, allowlist, PREFIXES)
    except QueryError:
        return False
    return True


def test_the_check_agrees_with_what_oxigraph_runs(
    canary: tuple[str, list[str]], allowed: tuple[str, list[str]]
) -> None:
    """Whatever the noise around SERVICE: if the check passes a query, Oxigraph calls nothing."""
    url, hits = canary
    seen = {"called": 0, "quiet": 0, "passed": 0}

    @settings(
        max_examples=800,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(query=_query(url), with_allowlist=st.booleans())
    def agree(query: str, with_allowlist: bool) -> None:
        allowlist = (allowed[0],) if with_allowlist else ()
        if with_allowlist:
            query = query.replace("{ ?s ?p ?o }", f"{{ SERVICE <{allowed[0]}> {{ ?s ?p ?o }} }}", 1)
        passed = _passes(query, allowlist)
        called = _calls_out(query, hits)
        seen["called" if called else "quiet"] += 1
        seen["passed"] += passed
        assert not (passed and called), query

    agree()
    # The generator is worth something: both kinds were met, and many passed the check.
    assert seen["called"] >= 120 and seen["quiet"] >= 120 and seen["passed"] >= 80, seen


def test_the_probe_keeps_the_shape_of_the_text() -> None:
    text = "SELECT * { # SERVICE\r ?s ?p 'a\\u0027service' . ?service <x:Service> ?o }"
    probe = disguise(text).probe
    assert len(probe) == len(text)
    assert [i for i, c in enumerate(text) if not c.isalpha()] == [
        i for i, c in enumerate(probe) if not c.isalpha()
    ]
    assert "ervice" not in probe.lower()


def test_a_malformed_query_mentioning_service_is_a_syntax_error() -> None:
    with pytest.raises(QueryError, match="malformed query") as error:
        check_services("SELECT * WHERE { ?s ?p } # service", (), PREFIXES)
    assert not isinstance(error.value, ServiceRefused)


def test_on_a_remote_store_the_check_runs_in_a_worker_too(
    remote_reference_store: Store, canary: tuple[str, list[str]]
) -> None:
    """The remote engine would call out: the check (in a worker of its own) stops it first."""
    url, hits = canary
    before = len(hits)
    settings = Settings(store="memory", query_timeout=5.0, query_workers=2)
    with (
        serving(settings, remote_reference_store) as server,
        httpx.Client(base_url=server.url, timeout=30) as client,
    ):
        for query in attacks(url):
            response = client.post("/sparql", data={"query": query})
            assert response.status_code == 403, (query, response.text)
        fine = client.post("/sparql", data={"query": "ASK { ?s a dckg:Country } # service"})
        assert fine.status_code == 200 and fine.json()["boolean"] is True
    assert len(hits) == before


def test_allowlist_entries_must_be_plain_absolute_iris() -> None:
    for bad in ("ftp://x/", "http://a/b c", "relative/path", "http://a/<x>"):
        with pytest.raises(DckgError, match="DCKG_SERVICE_ALLOWLIST"):
            Settings(store="memory", service_allowlist=(bad,))
    assert Settings.from_env(
        {"DCKG_SERVICE_ALLOWLIST": "https://query.example.org/sparql"}, store="memory"
    ).service_allowlist == ("https://query.example.org/sparql",)
