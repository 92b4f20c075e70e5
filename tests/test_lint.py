"""The lint and format rules of pyproject.toml hold for the whole tree."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _ruff() -> list[str]:
    found = shutil.which("ruff", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "ruff"]


def test_ruff_check() -> None:
    done = subprocess.run([*_ruff(), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_ruff_format() -> None:
    done = subprocess.run(
        [*_ruff(), "format", "--check", "."], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


#: The packages and modules mypy checks with the strict settings of pyproject.toml
#: ([tool.mypy]); one joins the list once it is clean. The store first, with the modules
#: it stands on.
MYPY_PACKAGES = [
    "dckg.store",
    "dckg.sparql",
    "dckg.kg",
    "dckg.cli.limits",
    "dckg.config",
    "dckg.datasets",
    "dckg.errors",
    "dckg.fingerprints",
    "dckg.formats",
    "dckg.importers.contract",
    "dckg.importers.reports",
    "dckg.cli.importers",
    "dckg.jsonld",
    "dckg.jsontext",
    "dckg.namespaces",
    "dckg.rdfio",
    "dckg.rdfxml",
    "dckg.resources",
    "dckg.results",
    "dckg.settings_docs",
]


def test_mypy() -> None:
    packages = [arg for name in MYPY_PACKAGES for arg in ("-p", name)]
    done = subprocess.run(
        [sys.executable, "-m", "mypy", *packages], cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_package_says_it_is_typed() -> None:
    assert (ROOT / "src" / "dckg" / "py.typed").is_file()
