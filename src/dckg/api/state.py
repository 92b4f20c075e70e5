"""What the application holds, typed and set once by :func:`dckg.api.create_app`.

Route handlers read it through :func:`app_state` (or ``request.app.state``, the same
object); the only attributes that change after start are the ones a write moves
(``data_version``, ``data_changed_at``) and the caches the routers keep.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, cast

from fastapi import Request
from starlette.datastructures import State

from dckg.catalog import Catalogue
from dckg.sparql.cache import ResultCache
from dckg.sparql.engine import Engine
from dckg.sparql.settings import Settings
from dckg.store.base import Store


class AppState(State):
    """The application's state: settings, store, engine, catalogue and caches."""

    settings: Settings
    store: Store
    engine: Engine
    catalogue: Catalogue
    result_cache: ResultCache
    library: Mapping[str, Any]
    started_at: datetime.datetime
    #: Goes up by one at each write through this server.
    data_version: int
    #: When the last write through this server happened (``None``: none yet).
    data_changed_at: datetime.datetime | None
    #: The reconciliation router's cache: (data version, checked at, service).
    reconciliation: tuple[int, float, Any] | None

    def __init__(
        self,
        *,
        settings: Settings,
        store: Store,
        engine: Engine,
        library: Mapping[str, Any],
    ) -> None:
        super().__init__()
        self.settings = settings
        self.store = store
        self.engine = engine
        self.catalogue = Catalogue(store)
        self.result_cache = ResultCache()
        self.library = library
        self.started_at = datetime.datetime.now(datetime.UTC)
        self.data_version = 0
        self.data_changed_at = None
        self.reconciliation = None


def app_state(request: Request) -> AppState:
    """The state of the application serving ``request``."""
    return cast(AppState, request.app.state)


__all__ = ["AppState", "app_state"]
