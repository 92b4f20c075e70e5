"""Running the real ``dckg`` entry point in-process and capturing what it prints."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from dckg.cli import main


@dataclass
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def dckg(capfd: pytest.CaptureFixture[str]) -> Callable[..., Run]:
    """Call ``dckg ARGS…`` and return its exit code, stdout and stderr."""

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
