"""Query results as pandas DataFrames with one dtype per column.

Each column takes the dtype that fits every value it holds (unbound values are missing:
``<NA>`` / ``NaT``):

=======================================================  ============================
values in the column                                     dtype
=======================================================  ============================
``xsd:integer`` and its derived types (``xsd:int`` …)    ``Int64`` (nullable)
``xsd:gYear`` (alone or with integers)                   ``Int64``, the year
``xsd:decimal``, ``xsd:double``, ``xsd:float``           ``float64``
(with integers too)
``xsd:date``, ``xsd:dateTime``                           ``datetime64[ns]`` (UTC where
                                                         the literal has a time zone)
``xsd:boolean``                                          ``boolean`` (nullable)
IRIs, blank nodes, plain and language-tagged strings,    ``string``: the IRI, ``_:id``
any other datatype, a lexical form its datatype does     or the lexical form
not allow, or a mix of the kinds above
=======================================================  ============================

pandas is an optional dependency: ``pip install 'dckg[pandas]'``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from dckg.kg.terms import typed
from dckg.store.base import Term

if TYPE_CHECKING:  # pragma: no cover
    import pandas

#: The message when pandas is missing.
MISSING = (
    "to_dataframe() needs pandas, an optional dependency of dckg: "
    "pip install 'dckg[pandas]' (or pip install pandas)"
)

_DTYPES = {
    frozenset({"integer"}): "Int64",
    frozenset({"year"}): "Int64",
    frozenset({"integer", "year"}): "Int64",
    frozenset({"float"}): "float64",
    frozenset({"integer", "float"}): "float64",
    frozenset({"date"}): "datetime64[ns]",
    frozenset({"datetime"}): "datetime64[ns]",
    frozenset({"date", "datetime"}): "datetime64[ns]",
    frozenset({"boolean"}): "boolean",
}


def import_pandas() -> Any:
    """pandas, or an :class:`ImportError` naming the extra that installs it."""
    try:
        import pandas
    except ImportError as error:
        raise ImportError(MISSING, name="pandas") from error
    return pandas


def dataframe(variables: Sequence[str], rows: Sequence[Sequence[Term | None]]) -> pandas.DataFrame:
    """A DataFrame of the rows, one typed column per variable (see the module docs)."""
    pd = import_pandas()
    columns = {name: _column(pd, [row[i] for row in rows]) for i, name in enumerate(variables)}
    return pd.DataFrame(columns, columns=list(variables), index=pd.RangeIndex(len(rows)))


def _column(pd: Any, cells: list[Term | None]) -> pandas.Series:
    kinds_values = [typed(cell) for cell in cells]
    kinds = frozenset(kind for kind, _ in kinds_values if kind != "missing")
    dtype = _DTYPES.get(kinds)
    if dtype is not None:
        values = [None if kind == "missing" else value for kind, value in kinds_values]
        if dtype == "float64":
            values = [float("nan") if v is None else float(v) for v in values]  # type: ignore[arg-type]
        try:
            return pd.Series(values, dtype=dtype)
        except (ValueError, OverflowError, TypeError, pd.errors.OutOfBoundsDatetime):
            pass  # e.g. a date outside what datetime64[ns] holds: kept as text below
    texts = [
        None if kind == "missing" else _text(cell)
        for cell, (kind, _) in zip(cells, kinds_values, strict=True)
    ]
    return pd.Series(texts, dtype="string")


def _text(cell: Term | None) -> str:
    kind, value = typed(cell)
    if kind == "string":
        return str(value)
    return str(getattr(cell, "value", cell))
