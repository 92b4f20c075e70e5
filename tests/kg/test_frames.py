"""Tables to DataFrames: the dtype of each kind of value, on a real store."""

from __future__ import annotations

import datetime
import sys
from decimal import Decimal

import pytest

import dckg
from dckg.store import EmbeddedStore
from tests.kg.conftest import ALL

pd = pytest.importorskip("pandas", reason="the pandas extra is part of the test extra")


@pytest.fixture(scope="module")
def frame(typed_memory: EmbeddedStore) -> pd.DataFrame:
    with dckg.open(typed_memory) as kg:
        table = kg.sparql(ALL)
    assert isinstance(table, dckg.Table)
    return table.to_dataframe()


@pytest.mark.parametrize(
    ("column", "dtype", "values"),
    [
        ("count", "Int64", [12, -4]),
        ("small", "Int64", [7, pd.NA]),
        ("year", "Int64", [1950, pd.NA]),
        ("share", "float64", [2.5, 10.0]),
        ("ratio", "float64", [1.5, None]),
        ("amount", "float64", [1234567.89, None]),
        ("day", "datetime64[ns]", [pd.Timestamp("2024-05-01"), pd.Timestamp("1999-12-31")]),
        # with a time zone: in UTC; without: as written
        (
            "moment",
            "datetime64[ns]",
            [pd.Timestamp("2024-05-01 08:00"), pd.Timestamp("2024-05-01 10:00")],
        ),
        ("flag", "boolean", [True, False]),
        ("code", "string", ["FRA", pd.NA]),
        ("name", "string", ["Lyon", pd.NA]),
        ("wkt", "string", ["POINT(4.85 45.75)", pd.NA]),
    ],
)
def test_each_kind_of_value_gets_its_dtype(
    frame: pd.DataFrame, column: str, dtype: str, values: list[object]
) -> None:
    assert str(frame[column].dtype) == dtype
    for got, want in zip(frame[column].tolist(), values, strict=True):
        if want is None or want is pd.NA:
            assert pd.isna(got)
        else:
            assert got == want


def test_iris_and_blank_nodes_are_strings(frame: pd.DataFrame) -> None:
    assert str(frame["s"].dtype) == "string"
    assert frame["s"].tolist() == ["https://example.org/kg/a", "https://example.org/kg/b"]
    page = frame["page"].tolist()
    assert page[0] == "https://example.org/page"
    assert page[1].startswith("_:")


def test_mixed_ill_typed_and_out_of_range_columns_keep_the_lexical_forms(
    frame: pd.DataFrame,
) -> None:
    assert str(frame["mixed"].dtype) == "string"
    assert frame["mixed"].tolist() == ["3", "three"]
    assert str(frame["bad"].dtype) == "string"
    assert frame["bad"].tolist() == ["twelve", "12"]
    # datetime64[ns] ends in 1677: an older date stays text rather than a wrong date
    assert str(frame["old"].dtype) == "string"
    assert frame["old"].tolist()[0] == "1500-01-01"


def test_a_column_never_bound_is_all_missing(frame: pd.DataFrame) -> None:
    assert frame["none"].isna().all()
    assert len(frame["none"]) == 2


def test_an_empty_result_has_the_columns(typed_memory: EmbeddedStore) -> None:
    with dckg.open(typed_memory) as kg:
        empty = kg.sparql("SELECT ?s ?n WHERE { ?s <urn:nothing> ?n }").to_dataframe()
    assert list(empty.columns) == ["s", "n"]
    assert len(empty) == 0


def test_rows_keep_the_exact_terms_and_give_python_values(typed_memory: EmbeddedStore) -> None:
    with dckg.open(typed_memory) as kg:
        row = kg.sparql(ALL)[0]
    assert row.amount.value == "1234567.89"
    assert Decimal(row["amount"].value) == Decimal("1234567.89")
    values = row.asdict(python=True)
    assert values["count"] == 12
    assert values["day"] == datetime.date(2024, 5, 1)
    assert values["moment"] == datetime.datetime(2024, 5, 1, 8, 0)
    assert values["flag"] is True
    assert values["page"] == "https://example.org/page"
    assert values["none"] is None
    with pytest.raises(KeyError, match="no variable 'nope'"):
        row["nope"]


def test_without_pandas_the_error_names_the_extra(
    typed_memory: EmbeddedStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    with dckg.open(typed_memory) as kg:
        table = kg.sparql(ALL)
    monkeypatch.setitem(sys.modules, "pandas", None)  # what an absent package looks like
    with pytest.raises(ImportError, match=r"pip install 'dckg\[pandas\]'"):
        table.to_dataframe()
