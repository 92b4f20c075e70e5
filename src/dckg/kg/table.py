"""The answer to a ``SELECT`` query: variables, rows of RDF terms, and a DataFrame.

>>> from pyoxigraph import Literal, NamedNode
>>> table = Table(["city", "n"], [(NamedNode("https://example.org/lyon"), Literal(3))])
>>> table
<Table 1 row: city, n>
>>> len(table), table.variables
(1, ['city', 'n'])
>>> row = table[0]
>>> row["city"].value, row.n.value, row[1].value
('https://example.org/lyon', '3', '3')
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, overload

from dckg.kg.terms import python_value
from dckg.store.base import Term

if TYPE_CHECKING:  # pragma: no cover
    import pandas


class Row:
    """One solution: its terms in the order of the variables (``None`` where unbound),
    read by position (``row[0]``), by name (``row["city"]``) or as an attribute
    (``row.city``, except for the name ``asdict``)."""

    __slots__ = ("_index", "_values")

    def __init__(self, index: dict[str, int], values: tuple[Term | None, ...]) -> None:
        self._index = index
        self._values = values

    @overload
    def __getitem__(self, key: int | str) -> Term | None: ...
    @overload
    def __getitem__(self, key: slice) -> tuple[Term | None, ...]: ...
    def __getitem__(self, key: int | str | slice) -> Term | tuple[Term | None, ...] | None:
        if isinstance(key, str):
            try:
                return self._values[self._index[key.lstrip("?$")]]
            except KeyError:
                raise KeyError(
                    f"no variable {key!r} (the variables: {', '.join(self._index)})"
                ) from None
        return self._values[key]

    def __getattr__(self, name: str) -> Term | None:
        if name.startswith("_"):
            raise AttributeError(name)
        try:
            return self._values[self._index[name]]
        except KeyError:
            raise AttributeError(name) from None

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self) -> Iterator[Term | None]:
        return iter(self._values)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Row):
            return self._values == other._values and self._index == other._index
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self._values)

    def asdict(self, *, python: bool = False) -> dict[str, object]:
        """The row as ``{variable: term}``; ``python=True`` gives Python values instead
        (an IRI as a string, typed literals as ``int``, ``float``, ``date`` …)."""
        return {
            name: python_value(self._values[i]) if python else self._values[i]
            for name, i in self._index.items()
        }

    def __repr__(self) -> str:
        inner = ", ".join(f"{name}={self._values[i]!s}" for name, i in self._index.items())
        return f"Row({inner})"


class Table(Sequence[Row]):
    """The solutions of a ``SELECT`` query.

    ``truncated`` is true when a cap (``max_results``) or the store cut the answer.
    """

    def __init__(
        self,
        variables: Sequence[str],
        rows: Sequence[Sequence[Term | None]],
        *,
        truncated: bool = False,
    ) -> None:
        self.variables = list(variables)
        self.truncated = truncated
        index = {name: i for i, name in enumerate(self.variables)}
        self._rows = [Row(index, tuple(values)) for values in rows]

    @overload
    def __getitem__(self, key: int) -> Row: ...
    @overload
    def __getitem__(self, key: slice) -> list[Row]: ...
    def __getitem__(self, key: int | slice) -> Row | list[Row]:
        return self._rows[key]

    def __iter__(self) -> Iterator[Row]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        n = len(self._rows)
        more = " (truncated)" if self.truncated else ""
        return f"<Table {n} row{'' if n == 1 else 's'}{more}: {', '.join(self.variables)}>"

    def column(self, name: str) -> list[Term | None]:
        """The terms of one variable, row by row."""
        if name not in self.variables:
            raise KeyError(f"no variable {name!r} (the variables: {', '.join(self.variables)})")
        return [row[name] for row in self._rows]

    def to_dataframe(self) -> pandas.DataFrame:
        """A pandas DataFrame, one typed column per variable (the dtypes are listed in
        :mod:`dckg.kg.frames`). Needs pandas: ``pip install 'dckg[pandas]'``."""
        from dckg.kg.frames import dataframe

        return dataframe(self.variables, [row[:] for row in self._rows])
