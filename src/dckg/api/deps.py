"""What route handlers get injected (``Depends``): the store, the settings, the engine.

Tests swap any of them with ``app.dependency_overrides``.
"""

from __future__ import annotations

from fastapi import Request

from dckg.sparql.engine import Engine
from dckg.sparql.settings import Settings
from dckg.store.base import Store


def get_store(request: Request) -> Store:
    """The store the app serves."""
    return request.app.state.store


def get_settings(request: Request) -> Settings:
    """The app's settings."""
    return request.app.state.settings


def get_engine(request: Request) -> Engine:
    """The engine that runs SPARQL queries where they can be stopped."""
    return request.app.state.engine
