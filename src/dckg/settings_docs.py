"""The settings tables of the docs, generated from :mod:`dckg.config`.

``python -m dckg.settings_docs [--check] [ROOT]`` rewrites ``docs/settings.md`` and every
table between ``<!-- settings: NAME -->`` and ``<!-- /settings -->`` in ``README.md`` and
``docs/*.md`` of the checkout at ``ROOT`` (default: the working directory); with
``--check`` it rewrites nothing and exits 1 if any is out of date.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Sequence
from dataclasses import Field, fields
from pathlib import Path
from typing import Any

from dckg.config import (
    GROUPS,
    Group,
    InputLimits,
    Locations,
    QueryLimits,
    QueryPool,
    RemoteStoreSettings,
    ServerSettings,
    Settings,
    option_name,
    variable,
)
from dckg.errors import UsageError

#: The tables kept in the docs between ``<!-- settings: NAME -->`` and ``<!-- /settings -->``:
#: ``serve``, the options of ``dckg serve`` (the store first); ``remote``, a remote store's.
TABLES: dict[str, list[Field[Any]]] = {
    "serve": list(fields(Settings)),
    "remote": list(fields(RemoteStoreSettings)),
}

#: The command synopses kept the same way (a fenced block of the options and defaults).
SYNOPSES: dict[str, tuple[str, list[Field[Any]]]] = {
    "serve-synopsis": ("dckg serve", list(fields(Settings))),
}

_BLOCK = re.compile(r"(<!-- settings: ([\w-]+) -->\n).*?(<!-- /settings -->)", re.S)

_INTRO = """\
# Settings

Every setting is an environment variable, read when a command starts (never at import).
Those with an option are options of `dckg serve` too, and the option wins; `DCKG_STORE` is
also the global `dckg --store`, and `DCKG_QUERY_TIMEOUT` / `DCKG_MAX_RESULTS` are the
defaults of `--timeout` / `--max-results` of `dckg sparql` and `dckg query` (and of
`dckg.open()`). A value out of range stops the command with exit 2, naming the variable.

They are defined in one module, `dckg.config` (a frozen dataclass per group); this page and
the settings tables in the README and the other docs are generated from it:
`python -m dckg.settings_docs` rewrites them; `python -m dckg.settings_docs --check`, run by
the tests, says which are out of date.
"""


def table(settings: Sequence[Field[Any]]) -> str:
    """The Markdown table of some settings (with an option column if any has an option)."""
    options = any(option_name(item) for item in settings)
    head = (
        ["variable", "option", "default", "meaning"]
        if options
        else ["variable", "default", "meaning"]
    )
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for item in settings:
        name = option_name(item)
        cells = [f"`{variable(item)}`", item.metadata["shown"], item.metadata["help"]]
        if options:
            cells.insert(1, f"`{name}`" if name else "—")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def synopsis(command: str, settings: Sequence[Field[Any]], width: int = 92) -> str:
    """A fenced synopsis of a command's options: ``[--port 8000]``, or the metavar where
    the default is not one value (``[--query-workers N]``)."""
    words = []
    for item in settings:
        default = item.default
        plain = isinstance(default, int | float | str) and not isinstance(default, bool)
        shown = f"{default:g}" if isinstance(default, float) else str(default)
        value = shown if plain and default != 0 else item.metadata["metavar"] or "VALUE"
        words.append(f"[{option_name(item)} {value}]")
    lines = [command]
    for word in words:
        if len(lines[-1]) + 1 + len(word) > width:
            lines.append(" " * len(command))
        lines[-1] += " " + word
    return "```\n" + "\n".join(lines) + "\n```\n"


def document() -> str:
    """The text of ``docs/settings.md``: every group, with its table."""
    parts = [_INTRO]
    for group in GROUPS:
        summary = (group.__doc__ or "").strip().splitlines()[0].replace("``", "`")
        parts.append(f"## {_TITLES[group]}\n\n{summary}\n\n{table(fields(group))}")
    return "\n".join(parts)


_TITLES: dict[type[Group], str] = {
    Locations: "Locations (`Locations`)",
    ServerSettings: "Server (`ServerSettings`)",
    QueryLimits: "Query limits (`QueryLimits`)",
    QueryPool: "Query workers (`QueryPool`)",
    InputLimits: "Inputs (`InputLimits`)",
    RemoteStoreSettings: "Remote store (`RemoteStoreSettings`)",
}


def update(text: str) -> str:
    """``text`` with each generated settings table replaced by the current one."""

    def current(match: re.Match[str]) -> str:
        name = match.group(2)
        if name in SYNOPSES:
            return match.group(1) + synopsis(*SYNOPSES[name]) + match.group(3)
        if name not in TABLES:
            known = ", ".join([*TABLES, *SYNOPSES])
            raise UsageError(f"unknown settings table {name!r}: use {known}")
        return match.group(1) + table(TABLES[name]) + match.group(3)

    return _BLOCK.sub(current, text)


def generated(root: Path) -> dict[Path, str]:
    """Each docs file under ``root`` holding settings, with the text it should have."""
    wanted = {root / "docs" / "settings.md": document()}
    for page in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        if page not in wanted and page.exists() and _BLOCK.search(page.read_text("utf-8")):
            wanted[page] = update(page.read_text("utf-8"))
    return wanted


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m dckg.settings_docs [--check] [ROOT]``: rewrite (or check) the docs."""
    args = list(sys.argv[1:] if argv is None else argv)
    check = "--check" in args
    args = [arg for arg in args if arg != "--check"]
    root = Path(args[0] if args else ".")
    stale = []
    for page, wanted in generated(root).items():
        if not page.exists() or page.read_text("utf-8") != wanted:
            stale.append(page)
            if not check:
                page.write_text(wanted, "utf-8")
    for page in stale:
        print(f"{page}: {'out of date' if check else 'rewritten'}", file=sys.stderr)
    return 1 if check and stale else 0


if __name__ == "__main__":
    raise SystemExit(main())
