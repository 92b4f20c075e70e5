"""``dckg serve``: the HTTP API (SPARQL endpoint, named queries, dataset, validation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from dckg.cli.context import Session, end_progress, pass_session, progress_printer

if TYPE_CHECKING:
    from dckg.store import Store


@click.command()
@click.option(
    "--host", default=None, help="Address to listen on.  [default: 127.0.0.1; $DCKG_HOST]"
)
@click.option("--port", type=int, default=None, help="Port.  [default: 8000; $DCKG_PORT]")
@click.option(
    "--store",
    "store_spec",
    metavar="PATH|memory|URL",
    default=None,
    help="The store to serve.  [default: the global --store, $DCKG_STORE, the user data dir]",
)
@click.option(
    "--query-timeout",
    type=float,
    default=None,
    help="Seconds a query may run before it is stopped.  [default: 30; $DCKG_QUERY_TIMEOUT]",
)
@click.option(
    "--max-results",
    type=int,
    default=None,
    help="Rows or triples of an answer that may be cut (named queries, /sparql?truncate=true; "
    "a plain /sparql answer is never cut).  [default: 100000; $DCKG_MAX_RESULTS]",
)
@click.option(
    "--max-body-bytes",
    type=int,
    default=None,
    help="Largest request body accepted.  [default: 10 MiB; $DCKG_MAX_BODY_BYTES]",
)
@click.option(
    "--service-allowlist",
    default=None,
    metavar="URL,URL…",
    help="Endpoints SERVICE may call, comma-separated.  [default: none; $DCKG_SERVICE_ALLOWLIST]",
)
@click.option(
    "--write-token",
    default=None,
    help="Bearer token that allows writing over HTTP.  [default: unset = writing disabled; "
    "$DCKG_WRITE_TOKEN]",
)
@click.option(
    "--query-workers",
    type=int,
    default=None,
    help="Processes that run queries.  [default: one per core, at least 2; $DCKG_QUERY_WORKERS]",
)
@click.option(
    "--max-query-bytes",
    type=int,
    default=None,
    help="Longest query text accepted.  [default: 1 MiB; $DCKG_MAX_QUERY_BYTES]",
)
@click.option(
    "--max-result-bytes",
    type=int,
    default=None,
    help="Bytes of an answer's body, serialised; a larger one is refused (507), or cut "
    "where the request allows it.  [default: 256 MiB; $DCKG_MAX_RESULT_BYTES]",
)
@click.option(
    "--query-memory-mb",
    type=int,
    default=None,
    help="MiB a query worker may allocate for one query (0: no cap).  "
    "[default: 1024; $DCKG_QUERY_MEMORY_MB]",
)
@click.option(
    "--queries-per-client",
    type=int,
    default=None,
    help="Queries one client may run at once while others are present.  "
    "[default: workers - 1; $DCKG_QUERIES_PER_CLIENT]",
)
@click.option(
    "--query-queue",
    type=int,
    default=None,
    help="Queries that may wait for a worker; beyond, 503 + Retry-After.  "
    "[default: 4 per worker; $DCKG_QUERY_QUEUE]",
)
@click.option(
    "--max-connections",
    type=int,
    default=None,
    help="Connections open at once; one more is refused with 503.  "
    "[default: 1000; $DCKG_MAX_CONNECTIONS]",
)
@click.option(
    "--idle-timeout",
    type=float,
    default=None,
    help="Seconds a connection may stay open with no request in progress.  "
    "[default: 10; $DCKG_IDLE_TIMEOUT]",
)
@click.option(
    "--reconcile-timeout",
    type=float,
    default=None,
    help="Seconds a reconciliation batch (/reconcile) may take; then 504.  "
    "[default: 30; $DCKG_RECONCILE_TIMEOUT]",
)
@click.option(
    "--body-timeout",
    type=float,
    default=None,
    help="Seconds a request body may take to arrive (plus one per --body-min-rate bytes); "
    "a slower one gets 408.  [default: 30; $DCKG_BODY_TIMEOUT]",
)
@click.option(
    "--body-min-rate",
    type=int,
    default=None,
    help="Bytes per second that earn a slow body one more second.  "
    "[default: 16384; $DCKG_BODY_MIN_RATE]",
)
@pass_session
def serve(session: Session, store_spec: str | None, **options: object) -> None:
    """Serve the graph over HTTP: /sparql, /queries, /.well-known/void, /dumps, /validate.

    An empty store is first filled with the ontology and the shipped reference data.
    """
    import uvicorn

    from dckg.api import create_app
    from dckg.api.connections import uvicorn_options
    from dckg.sparql.settings import Settings

    settings = Settings.from_env(**options, store=store_spec or session.spec)
    store = session.store if settings.store == session.spec else _open(settings.store)
    _initialise_if_empty(store)
    app = create_app(settings, store=store)
    click.echo(
        f"dckg: serving {settings.store} on http://{settings.host}:{settings.port}/", err=True
    )
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        **uvicorn_options(settings.max_connections, settings.idle_timeout),
    )


def _open(spec: str | None) -> Store:
    from dckg.store import open_store

    return open_store(spec)


def _initialise_if_empty(store: Store) -> None:
    """Load the ontology and reference data into an empty embedded store, with progress."""
    from dckg.bootstrap import initialise, is_initialised
    from dckg.cli.data import index_places
    from dckg.store import EmbeddedStore

    if not isinstance(store, EmbeddedStore) or is_initialised(store) or store.count() > 0:
        return
    click.echo("dckg: the store is empty; loading the ontology and reference data…", err=True)

    def report(graph: str, state: str, count: int) -> None:
        end_progress()
        click.echo(f"  {state:9} {count:>9,} quads  {graph}", err=True)

    initialise(store, report=report, progress=progress_printer)
    end_progress()
    if store.path is not None:
        index_places(store)


COMMANDS = [serve]
