"""The package's layers: no import cycle, and no core module importing the CLI or the web API.

The import graph of ``src/dckg`` is built and checked by import-linter against the contracts
of pyproject.toml (``[tool.importlinter]``), so ``lint-imports`` on the command line says the
same as this test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

#: What breaks a contract today, by contract id: this list must only shrink. Fixing one
#: makes import-linter fail on the entry that no longer matches, in pyproject.toml: delete
#: it there and here.
KNOWN = {
    "core-below-interfaces": set(),
    "acyclic-packages": set(),
}


def _lint_imports(cwd: Path, python_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    found = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    command = [found] if found else [sys.executable, "-m", "importlinter.cli"]
    env = dict(os.environ)
    if python_path is not None:
        env["PYTHONPATH"] = str(python_path)
    return subprocess.run(
        [*command, "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
    )


def _contracts() -> dict[str, dict[str, Any]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return {c["id"]: c for c in config["tool"]["importlinter"]["contracts"]}


def test_contracts_hold() -> None:
    done = _lint_imports(ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "2 kept, 0 broken" in done.stdout


def test_known_violations_only_shrink() -> None:
    contracts = _contracts()
    assert set(contracts) == set(KNOWN)
    for name, contract in contracts.items():
        ignored = set(contract.get("ignore_imports", []))
        assert ignored <= KNOWN[name], f"{name}: new exceptions {ignored - KNOWN[name]}"


def test_core_packages_and_top_modules_are_sources() -> None:
    sources = set(_contracts()["core-below-interfaces"]["source_modules"])
    core = {"store", "sparql", "queries", "validation", "importers", "reconcile", "kg"}
    top = {p.stem for p in (ROOT / "src" / "dckg").glob("*.py")} - {"__init__", "__main__"}
    missing = {f"dckg.{name}" for name in core | top} - sources
    assert not missing, f"add {sorted(missing)} to the source_modules of pyproject.toml"


def test_a_new_violation_breaks_the_contracts(tmp_path: Path) -> None:
    copy = tmp_path / "src" / "dckg"
    shutil.copytree(ROOT / "src" / "dckg", copy, ignore=shutil.ignore_patterns("__pycache__"))
    base = copy / "store" / "base.py"
    # the store reaching the web API, and the store importing the Python API that imports it
    text = base.read_text(encoding="utf-8")
    base.write_text(text + "\nimport dckg.api.errors\nimport dckg.kg.table\n", encoding="utf-8")
    done = _lint_imports(tmp_path, tmp_path / "src")
    assert done.returncode == 1, done.stdout + done.stderr
    assert "0 kept, 2 broken" in done.stdout
    assert "dckg.store is not allowed to import dckg.api" in done.stdout
    assert "No cycles are allowed in dckg." in done.stdout
