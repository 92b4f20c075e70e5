"""``dckg recover``: finish or undo loads that an interrupted connection left on a remote store."""

from __future__ import annotations

import click

from dckg.cli.context import Session, pass_session


@click.command()
@pass_session
def recover(session: Session) -> None:
    """Finish committed loads and undo unfinished ones on a remote store.

    A load into a SPARQL server that stops half-way (server gone, connection lost) leaves
    staging graphs named urn:dckg:staging:…; run this once the server answers again, when no
    other load is running. The embedded store needs nothing: its writes are transactions.
    """
    from dckg.store.remote import RemoteStore

    store = session.store
    if not isinstance(store, RemoteStore):
        click.echo("nothing to recover: the embedded store never leaves a load half-done", err=True)
        return
    done = store.recover()
    for line in done:
        click.echo(line, err=True)
    click.echo(f"{len(done)} interrupted load{'s' if len(done) != 1 else ''} handled", err=True)


COMMANDS = [recover]
