"""Fixtures shared by the whole suite: real Oxigraph stores, empty or initialised."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from dckg.bootstrap import initialise
from dckg.cli import main
from dckg.store import EmbeddedStore, Store
from tests.servers import (  # noqa: F401 - fixtures for every test module
    any_reference_store,
    any_store,
    oxigraph_server,
    remote_env,
    remote_reference_store,
    remote_store,
)

DATA = Path(__file__).parent / "data"


@pytest.fixture
def store() -> Iterator[Store]:
    """An empty in-memory store."""
    with EmbeddedStore() as s:
        yield s


@pytest.fixture(scope="session")
def reference_store() -> Iterator[Store]:
    """An in-memory store holding the ontology and all shipped reference data.

    Shared by the whole session: tests must not write to it (use ``store`` for that).
    """
    with EmbeddedStore() as s:
        initialise(s)
        yield s


@pytest.fixture
def data_dir() -> Path:
    """The folder of test fixtures."""
    return DATA


@dataclass
class Run:
    """What one ``dckg`` invocation did."""

    code: int
    out: str
    err: str


@pytest.fixture
def dckg(capfd: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Call the real ``dckg ARGS…`` entry point in-process; its exit code, stdout, stderr."""

    def run(*args: str) -> Run:
        capfd.readouterr()
        try:
            main(list(args))
        except SystemExit as done:
            code = done.code if isinstance(done.code, int) else 1
        else:  # pragma: no cover - main always exits
            code = 0
        captured = capfd.readouterr()
        return Run(code, captured.out, captured.err)

    return run
