"""Query results as people read them: short terms and a terminal table."""

from __future__ import annotations

from collections.abc import Iterable

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
)

from dckg.namespaces import PREFIXES


def short(term: object, prefixes: dict[str, str] | None = None) -> str:
    """A term as a person reads it: prefixed names where a prefix fits, plain literals.

    >>> short(NamedNode("https://w3id.org/dckg/ontology#City"))
    'dckg:City'
    >>> short(Literal("Lyon"))
    'Lyon'
    """
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        for prefix, namespace in (prefixes or PREFIXES).items():
            if term.value.startswith(namespace):
                local = term.value[len(namespace) :]
                if local and all(c.isalnum() or c in "_-." for c in local):
                    return f"{prefix}:{local}"
        return f"<{term.value}>"
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        return term.value
    return str(term)


def table(variables: list[str], rows: Iterable[list[object]], *, max_width: int = 60) -> str:
    """A plain-text table with a header line.

    >>> print(table(["a", "b"], [[Literal("1"), Literal("x")]]))
    a | b
    --+--
    1 | x
    """
    cells = [[_clip(short(v), max_width) for v in row] for row in rows]
    widths = [len(v) for v in variables]
    for row in cells:
        widths = [max(w, len(c)) for w, c in zip(widths, row, strict=True)]
    lines = [" | ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True))]
    lines.append("-+-".join("-" * w for w in widths))
    lines.extend(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells)
    return "\n".join(lines)


def _clip(text: str, width: int) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"
