"""Import reports: Markdown rendered from the Jinja templates in ``importers/templates``.

An importer's ``report`` gathers the figures of its result and renders its template
(``{name}.md.j2``) with them; the templates hold the prose and the layout, and share the
:func:`table` and :func:`share` helpers and the :func:`number` filter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).parent / "templates"


def table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A Markdown table (a ``|`` in a cell escaped, a line break made a space).

    >>> print(table(["a", "b"], [(1, "x|y")]), end="")
    | a | b |
    |---|---|
    | 1 | x\\|y |
    """
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in rows:
        cells = [str(c).replace("|", "\\|").replace("\n", " ") for c in row]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def share(part: int, whole: int) -> str:
    """A part of a whole in per cent, with one decimal ('n/a' of nothing).

    >>> share(1, 3), share(0, 0)
    ('33.3 %', 'n/a')
    """
    return f"{100 * part / whole:.1f} %" if whole else "n/a"


def number(value: int) -> str:
    """A count with thousands separated by commas.

    >>> number(1495)
    '1,495'
    """
    return f"{value:,}"


@cache
def environment() -> Environment:
    """The Jinja environment of the report templates (Markdown: nothing escaped)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    env.globals.update(table=table, share=share)
    env.filters["number"] = number
    return env


def render(template: str, **context: Any) -> str:
    """The report of template ``{template}.md.j2`` with ``context``."""
    return environment().get_template(f"{template}.md.j2").render(**context)


__all__ = ["TEMPLATES", "environment", "number", "render", "share", "table"]
