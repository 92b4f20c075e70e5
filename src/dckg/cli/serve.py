"""``dckg serve``: the HTTP API (SPARQL endpoint, named queries, dataset, validation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from dckg.cli.context import Session, end_progress, pass_session, progress_printer
from dckg.cli.options import settings_options
from dckg.config import Settings

if TYPE_CHECKING:
    from dckg.store import Store


@click.command()
@settings_options(Settings, shown={"store": "the global --store, the user data directory"})
@pass_session
def serve(session: Session, store: str | None, **options: object) -> None:
    """Serve the graph over HTTP: /sparql, /queries, /.well-known/void, /dumps, /validate.

    An empty store is first filled with the ontology and the shipped reference data.
    """
    import uvicorn

    from dckg.api import create_app
    from dckg.api.connections import uvicorn_options

    settings = Settings.from_env(**options, store=store or session.spec)
    served = session.store if settings.store == session.spec else _open(settings.store)
    _initialise_if_empty(served)
    app = create_app(settings, store=served)
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
