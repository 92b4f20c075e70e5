"""``dckg queries`` and ``dckg query`` through the real entry point."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from dckg.cli import main

HERE = Path(__file__).resolve().parent.parent / "data" / "queries"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as done:
        main(list(args))
    out, err = capsys.readouterr()
    return int(done.value.code or 0), out, err


@pytest.fixture
def store_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    path = tmp_path / "store"
    fixture = tmp_path / "partnerships.ttl"
    shutil.copy(HERE / "partnerships.ttl", fixture)
    code, _, err = run(capsys, "--store", str(path), "load", str(fixture))
    assert code == 0, err
    return str(path)


def test_queries_lists_every_query_with_its_summary(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--store", "memory", "queries")
    assert code == 0
    assert "partnerships-by-theme" in out and "Number of partnerships per theme" in out
    assert len(out.splitlines()) >= 20
    code, out, _ = run(capsys, "--store", "memory", "queries", "--tag", "funding")
    assert "funding-by-call" in out and "sdg-coverage" not in out


def test_queries_lists_each_parameter_with_type_and_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "queries", "--tag", "funding")
    assert code == 0
    lines = out.splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("funding-by-call "))
    assert (
        "-p programme=…  (iri; e.g. programme/partnerships-for-sustainable-cities)"
        in (lines[at + 1])
    )
    code, out, _ = run(capsys, "queries")
    assert "-p city=…  (iri, required; e.g. city/geonames-2988507)" in out
    assert "-p country=…  (iri; e.g. FR, FRA or country/FRA)" in out


@pytest.mark.parametrize("code", ["FR", "fra", "country/FRA"])
def test_a_country_is_given_by_iso_code_or_iri(
    capsys: pytest.CaptureFixture[str], code: str
) -> None:
    status, out, err = run(capsys, "query", "partnerships", "-p", f"country={code}", "--explain")
    assert status == 0, err
    assert "?country (iri) = <https://w3id.org/dckg/id/country/FRA>" in out


def test_query_runs_with_parameters_in_every_format(
    capsys: pytest.CaptureFixture[str], store_dir: str
) -> None:
    args = ["--store", store_dir, "query", "most-connected-cities", "--param", "min_partners=3"]
    code, out, _ = run(capsys, *args)
    assert code == 0 and "(3 rows)" in out and "Berlin" in out
    code, out, _ = run(capsys, *args, "--format", "json")
    rows = json.loads(out)["results"]["bindings"]
    assert [r["cityLabel"]["value"] for r in rows] == ["Berlin", "Dakar", "Rabat"]
    code, out, _ = run(capsys, *args, "--format", "csv")
    assert out.splitlines()[0].startswith("city,cityLabel,cityCountry,partners")
    code, out, _ = run(capsys, *args, "--format", "tsv")
    assert out.splitlines()[0].startswith("?city\t?cityLabel")


def test_explain_prints_the_query_and_the_bound_terms(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "query",
        "partnerships",
        "--explain",
        "-p",
        "country=country/SEN",
        "-p",
        "from_year=1990",
    )
    assert code == 0
    assert "?country (iri) = <https://w3id.org/dckg/id/country/SEN>" in out
    assert '?from_year (year) = "1990"^^<http://www.w3.org/2001/XMLSchema#gYear>' in out
    assert "?theme (iri) = (unbound)" in out
    assert "SELECT DISTINCT ?partnership" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["query", "network-members"], "'network' is required"),
        (["query", "partnerships", "-p", "colour=red"], "has no parameter 'colour'"),
        (["query", "partnerships", "-p", "from_year=nineteen"], "expected a year"),
        (["query", "partnerships", "-p", "from_year"], "NAME=VALUE"),
        (["query", "no-such-query"], "no named query 'no-such-query'"),
        (["query", "partnership"], "did you mean 'partnerships'"),
        (["query", "partnerships", "-p", "country=XX"], "no country has the ISO 3166 code 'XX'"),
    ],
)
def test_bad_usage_exits_2_with_a_clear_message(
    capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, "--store", "memory", *args)
    assert code == 2
    assert message in err and out == ""


def test_no_rows_is_said_in_words_with_the_coverage(
    capsys: pytest.CaptureFixture[str], store_dir: str
) -> None:
    code, out, err = run(capsys, "--store", store_dir, "query", "reported-figures")
    assert code == 0 and "(0 rows)" in out
    assert "No rows: the graph holds nothing that answers 'reported-figures'" in err
    lines = err.splitlines()
    # the store holds the fixture's twinnings, from its graph, and no reported figure at all
    assert any("#Twinning" in line and "graph/file/partnerships" in line for line in lines)
    assert any("#ReportedFigure" in line and "no source holds any" in line for line in lines)


def test_coverage_command(capsys: pytest.CaptureFixture[str], store_dir: str) -> None:
    code, out, _ = run(capsys, "--store", store_dir, "coverage", "--kind", "dckg:Twinning")
    assert code == 0
    [line] = out.splitlines()
    count, rest = line.split(maxsplit=1)
    assert int(count) > 0 and rest.startswith("https://w3id.org/dckg/ontology#Twinning")
