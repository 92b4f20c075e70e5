"""``dckg validate | contribute | contributions | withdraw``: output and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dckg.cli import main
from dckg.store import EmbeddedStore

ROWS = "id,type,label,partner_1,partner_2,start_date\n"
GOOD = ROWS + "c1,twinning,C1,city:geonames-2996944,city:geonames-2253354,2020\n"
BAD = ROWS + "c2,twinning,C2,city:geonames-2996944,city:geonames-1,2020\n"


def run(store: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as exited:
        main(["--store", str(store), *args])
    out, err = capsys.readouterr()
    return int(exited.value.code or 0), out, err


def quads(store: Path) -> set:
    with EmbeddedStore(store) as s:
        return set(s.quads())


def test_validate_exit_codes(
    disk_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad, broken = tmp_path / "good.csv", tmp_path / "bad.csv", tmp_path / "broken.csv"
    good.write_text(GOOD)
    bad.write_text(BAD)
    broken.write_text(ROWS + "c3,twinning\n")
    assert run(disk_store, "validate", str(good), capsys=capsys)[0] == 0
    code, out, _ = run(disk_store, "validate", str(bad), "--format", "json", capsys=capsys)
    found = json.loads(out)
    # city:geonames-1 is unknown to the graph (that it is no actor either follows from that)
    assert code == 1 and found["violations"] == 1
    assert {r["field"] for r in found["results"]} == {"partner_2"}
    code, out, _ = run(disk_store, "validate", str(bad), "--format", "turtle", capsys=capsys)
    assert code == 1 and "sh:ValidationReport" in out
    code, _, err = run(disk_store, "validate", str(broken), capsys=capsys)
    assert code == 2 and "broken.csv:2: row 2 has 2 fields" in err


def test_validate_with_the_reference_engine_agrees(
    disk_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD)
    reports = {}
    for engine in ("pyshacl-turbo", "pyshacl"):
        args = ("validate", str(bad), "--format", "json", "--engine", engine)
        code, out, _ = run(disk_store, *args, capsys=capsys)
        assert code == 1
        found = json.loads(out)
        reports[engine] = sorted(
            (r["field"], r["severity"], r["message"]) for r in found["results"]
        )
    assert reports["pyshacl-turbo"] == reports["pyshacl"] != []


def test_contribute_list_and_withdraw(
    disk_store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = quads(disk_store)
    bad = tmp_path / "bad.csv"
    bad.write_text(BAD)
    code, out, err = run(disk_store, "contribute", str(bad), "--by", "Ana", capsys=capsys)
    assert code == 1 and "nothing was written" in err and "geonames-1" in out
    assert quads(disk_store) == before

    good = tmp_path / "good.csv"
    good.write_text(GOOD)
    code, out, _ = run(
        disk_store, "contribute", str(good), "--by", "Ana", "--note", "cli test",
        "--source", "https://example.org/x", capsys=capsys,
    )  # fmt: skip
    assert code == 0 and out.startswith("contribution ")
    contribution_id = out.split()[1].rstrip(":")
    code, out, _ = run(disk_store, "contributions", "--format", "json", capsys=capsys)
    listed = json.loads(out)
    assert [(c["id"], c["by"], c["note"], c["source"]) for c in listed] == [
        (contribution_id, "Ana", "cli test", "https://example.org/x")
    ]
    code, out, _ = run(disk_store, "contributions", capsys=capsys)
    assert contribution_id in out
    assert run(disk_store, "withdraw", contribution_id, capsys=capsys)[0] == 0
    assert quads(disk_store) == before
    code, _, err = run(disk_store, "withdraw", contribution_id, capsys=capsys)
    assert code == 2 and "no contribution" in err
