"""Stores: one interface, several backends chosen by one setting.

=====================  ==========================================================
``memory``             embedded Oxigraph in memory (tests, one-off work)
a directory path       embedded Oxigraph on disk (the default: the user data dir)
``http(s)://…``        any SPARQL 1.1 Protocol + Update endpoint
=====================  ==========================================================

>>> open_store("memory")
<EmbeddedStore memory>
"""

from __future__ import annotations

from pathlib import Path

from dckg.config import Locations
from dckg.errors import UsageError
from dckg.store.base import QueryResult, Store, Term
from dckg.store.embedded import EmbeddedStore


def default_store_path() -> Path:
    """The on-disk store used when nothing else is said: the user data directory."""
    import platformdirs

    return Path(platformdirs.user_data_dir("dckg")) / "store"


def store_spec(spec: str | None = None) -> str:
    """The store setting in force: the argument, else ``DCKG_STORE``, else the default path."""
    return spec or Locations.value("store") or str(default_store_path())


def open_store(spec: str | None = None, *, read_only: bool = False) -> Store:
    """Open the store a setting names (see the module docs).

    ``read_only`` opens an existing on-disk store without taking its lock, so that any
    number of readers can run beside the process that writes it; it changes nothing for
    the other backends.
    """
    spec = store_spec(spec)
    if spec == "memory":
        return EmbeddedStore()
    if spec.startswith(("http://", "https://")):
        try:
            from dckg.store.remote import RemoteStore
        except ImportError as error:  # pragma: no cover - shipped with the package
            raise UsageError(f"the remote SPARQL backend is not available: {error}") from None
        return RemoteStore.from_settings(spec)
    if "://" in spec:
        raise UsageError(f"unsupported store {spec!r}: use a directory, 'memory' or an http(s) URL")
    path = Path(spec).expanduser()
    if read_only and (path / "CURRENT").exists():
        return EmbeddedStore(path, read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    return EmbeddedStore(path)


__all__ = ["EmbeddedStore", "QueryResult", "Store", "Term", "default_store_path", "open_store"]
