"""What every command shares: the store (opened on first use) and progress output."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable

import click

from dckg.store import Store, open_store, store_spec


class Session:
    """The state of one CLI invocation."""

    def __init__(self, spec: str | None) -> None:
        self.spec = store_spec(spec)
        self._store: Store | None = None

    @property
    def store(self) -> Store:
        """The store, opened for writing."""
        if self._store is None or getattr(self._store, "read_only", False):
            self.close()
            self._store = open_store(self.spec)
        return self._store

    @property
    def reader(self) -> Store:
        """The store, for commands that only read: an on-disk store is opened read-only,
        so they run beside ``dckg serve`` and beside each other."""
        if self._store is None:
            self._store = open_store(self.spec, read_only=True)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def progress_printer(label: str) -> Callable[[int], None]:
    """A callback that shows a running count on a terminal (silent when piped)."""
    if not sys.stderr.isatty():
        return lambda _n: None
    started = time.monotonic()

    def show(count: int) -> None:
        rate = count / max(time.monotonic() - started, 1e-6)
        click.echo(f"\r  {label}: {count:,} quads ({rate:,.0f}/s)", err=True, nl=False)

    return show


def end_progress() -> None:
    if sys.stderr.isatty():
        click.echo("\r\033[K", err=True, nl=False)


pass_session = click.make_pass_decorator(Session)
