"""The one settings module: every ``DCKG_*`` variable is read through it, its option and its
docs row are made from it, and a bad value names the variable."""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import httpx
import pytest

from dckg import config, settings_docs
from dckg.cli import cli
from dckg.cli.serve import serve
from dckg.config import (
    InputLimits,
    Locations,
    QueryLimits,
    RemoteStoreSettings,
    Settings,
)
from dckg.errors import UsageError

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "dckg"
MENTION = re.compile(r"\bDCKG_[A-Z0-9_]*[A-Z0-9]\b")


def _sources() -> list[Path]:
    return sorted(path for path in SRC.rglob("*.py") if path.name != "config.py")


def test_no_module_but_config_reads_a_dckg_variable() -> None:
    offending = []
    for path in _sources():
        for number, line in enumerate(path.read_text("utf-8").splitlines(), 1):
            if line.strip().startswith((">>>", "...")):
                continue  # a docstring example passing its own mapping
            reads = re.search(r"environ|getenv|envvar", line) and "DCKG_" in line
            keyed = re.search(r"""["']DCKG_[A-Z0-9_]+["']""", line)
            if reads or keyed:
                offending.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offending == []


def _named_by_tooling() -> set[str]:
    """Variables of the tests, benchmarks and scripts themselves (``DCKG_TEST_*`` and such)."""
    tooling = [ROOT / "tests", ROOT / "bench", ROOT / "scripts", ROOT / ".ci"]
    files = [path for folder in tooling for path in folder.rglob("*") if path.is_file()]
    return {
        name
        for path in files
        if path != Path(__file__)
        for name in MENTION.findall(path.read_text("utf-8", errors="replace"))
    }


def test_every_variable_named_in_the_code_and_docs_is_a_setting() -> None:
    known = config.variables() | _named_by_tooling()
    assert len(config.variables()) >= 27
    pages = [*_sources(), ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    unknown = {
        f"{path.name}: {name}"
        for path in pages
        for name in MENTION.findall(path.read_text("utf-8"))
        if name not in known
    }
    assert unknown == set()


def test_each_setting_has_one_variable_a_parser_and_help() -> None:
    seen: list[str] = []
    for _group, item in config.every_setting():
        assert MENTION.fullmatch(item.metadata["variable"])
        assert item.metadata["help"] and item.metadata["shown"]
        assert item.metadata["parse"] in config.PARSED_TYPES
        seen.append(item.metadata["variable"])
    assert len(seen) == len(set(seen))


def test_the_docs_tables_are_the_generated_ones() -> None:
    wanted = settings_docs.generated(ROOT)
    assert {ROOT / "README.md", ROOT / "docs" / "settings.md", ROOT / "docs" / "remote.md"} <= set(
        wanted
    )
    stale = [str(page) for page, text in wanted.items() if page.read_text("utf-8") != text]
    assert stale == [], "run: python -m dckg.settings_docs"
    page = (ROOT / "docs" / "settings.md").read_text("utf-8")
    assert all(f"`{name}`" in page for name in config.variables())


def test_the_docs_script_finds_and_rewrites_a_stale_table(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    shutil.copy(ROOT / "docs" / "remote.md", tmp_path / "docs" / "remote.md")
    stale = (tmp_path / "docs" / "remote.md").read_text("utf-8")
    stale = stale.replace("`DCKG_STORE_RETRIES` | 2 |", "`DCKG_STORE_RETRIES` | 5 |")
    (tmp_path / "docs" / "remote.md").write_text(stale, "utf-8")
    (tmp_path / "README.md").write_text("no settings here\n", "utf-8")

    assert settings_docs.main(["--check", str(tmp_path)]) == 1
    assert not (tmp_path / "docs" / "settings.md").exists()
    assert settings_docs.main([str(tmp_path)]) == 0
    assert settings_docs.main(["--check", str(tmp_path)]) == 0
    fixed = (tmp_path / "docs" / "remote.md").read_text("utf-8")
    assert "`DCKG_STORE_RETRIES` | 2 |" in fixed
    assert fixed == (ROOT / "docs" / "remote.md").read_text("utf-8")


def test_serve_has_one_option_per_server_setting() -> None:
    options = {param.name: param for param in serve.params}
    assert set(options) == {item.name for item in dataclasses.fields(Settings)}
    for item in dataclasses.fields(Settings):
        assert f"${item.metadata['variable']}" in (options[item.name].help or "")
    shared = {param.name: param for param in cli.commands["sparql"].params}
    assert "$DCKG_QUERY_TIMEOUT" in (shared["timeout"].help or "")
    assert "$DCKG_MAX_RESULTS" in (shared["max_results"].help or "")


def test_settings_are_read_when_asked_not_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DCKG_QUERY_TIMEOUT", "7")
    assert QueryLimits.from_env().query_timeout == 7.0
    monkeypatch.setenv("DCKG_QUERY_TIMEOUT", "8")
    assert QueryLimits.value("query_timeout") == 8.0
    monkeypatch.setenv("DCKG_CACHE_DIR", "/tmp/dckg-cache-elsewhere")
    from dckg.reconcile.gazetteer import cache_dir

    assert cache_dir() == Path("/tmp/dckg-cache-elsewhere")
    monkeypatch.setenv("DCKG_STORE", "memory")
    from dckg.store import store_spec

    assert store_spec() == "memory"


def test_settings_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        Settings().port = 1  # type: ignore[misc]
    assert Settings().with_(port=9) == Settings(port=9)


@pytest.mark.parametrize(
    ("group", "environ", "message"),
    [
        (InputLimits, {"DCKG_MAX_INPUT_BYTES": "0"}, "DCKG_MAX_INPUT_BYTES.*at least 1"),
        (InputLimits, {"DCKG_MAX_INPUT_BYTES": "lots"}, "DCKG_MAX_INPUT_BYTES='lots'"),
        (RemoteStoreSettings, {"DCKG_STORE_AUTH": "kerberos"}, "DCKG_STORE_AUTH.*basic or"),
        (RemoteStoreSettings, {"DCKG_STORE_ALLOW_PARTIAL": "maybe"}, "DCKG_STORE_ALLOW_PARTIAL"),
        (RemoteStoreSettings, {"DCKG_UPDATE_URL": "ftp://x/update"}, "DCKG_UPDATE_URL.*http"),
        (RemoteStoreSettings, {"DCKG_STORE_TIMEOUT": "-1"}, "DCKG_STORE_TIMEOUT.*negative"),
        (Settings, {"DCKG_PORT": "70000"}, "DCKG_PORT.*TCP port"),
        (Settings, {"DCKG_IDLE_TIMEOUT": "0"}, "DCKG_IDLE_TIMEOUT.*positive"),
        (Settings, {"DCKG_SERVICE_ALLOWLIST": "ftp://x"}, "DCKG_SERVICE_ALLOWLIST.*http"),
    ],
)
def test_a_bad_value_names_its_variable(
    group: type[config.Group], environ: dict[str, str], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        group.from_env(environ)


def test_a_secret_is_not_repeated_in_an_error() -> None:
    with pytest.raises(UsageError) as raised:
        Settings.from_env({"DCKG_WRITE_TOKEN": "tiny-secret"})
    assert "DCKG_WRITE_TOKEN" in str(raised.value)
    assert "tiny-secret" not in str(raised.value)


def test_remote_settings_reach_the_store() -> None:
    from dckg.store.remote import RemoteStore

    store = RemoteStore.from_settings(
        "http://127.0.0.1:9/query",
        {
            "DCKG_UPDATE_URL": "http://127.0.0.1:9/update",
            "DCKG_STORE_AUTH": "DIGEST",
            "DCKG_STORE_USER": "reader",
            "DCKG_STORE_PASSWORD": "secret",
            "DCKG_STORE_RETRIES": "4",
            "DCKG_STORE_ALLOW_PARTIAL": "yes",
        },
    )
    try:
        assert (store.update_url, store.retries, store.allow_partial) == (
            "http://127.0.0.1:9/update",
            4,
            True,
        )
        assert isinstance(store._http.auth, httpx.DigestAuth)
    finally:
        store.close()


def test_locations_default_to_unset() -> None:
    assert Locations.from_env({}) == Locations(store=None, cache_dir=None)


def test_the_remote_store_defaults_are_the_settings_defaults() -> None:
    import inspect

    from dckg.store.remote import RemoteStore

    parameters = inspect.signature(RemoteStore).parameters
    for item in dataclasses.fields(RemoteStoreSettings):
        assert parameters[item.name].default == item.default, item.name


def test_the_serve_synopsis_names_every_option_with_its_default() -> None:
    text = settings_docs.synopsis(*settings_docs.SYNOPSES["serve-synopsis"])
    for param in serve.params:
        assert f"[{param.opts[0]} " in text, param.opts[0]
    assert "[--port 8000]" in text and "[--query-workers N]" in text
    assert text in (ROOT / "README.md").read_text("utf-8")
