"""docs/python-api.md is run as written, on a store holding the shipped data.

The ``pycon`` code blocks of the document are its doctest; the rest of the text is left out
(blank lines keep the line numbers of failures true to the file).
"""

from __future__ import annotations

import doctest
import re
from pathlib import Path

import pytest

from dckg.store import Store

DOC = Path(__file__).parents[2] / "docs" / "python-api.md"
_FENCE = re.compile(r"^```(\w*)\s*$")


def pycon_only(text: str) -> str:
    """The document with every line outside a ``pycon`` block blanked."""
    kept, inside = [], False
    for line in text.splitlines():
        fence = _FENCE.match(line)
        if fence:
            inside = not inside and fence.group(1) == "pycon"
            kept.append("")
        else:
            kept.append(line if inside else "")
    return "\n".join(kept) + "\n"


def test_the_walk_through_runs_as_written(
    reference_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pandas", reason="the walk-through needs the pandas extra")
    monkeypatch.delenv("DCKG_MAX_RESULTS", raising=False)
    monkeypatch.delenv("DCKG_QUERY_TIMEOUT", raising=False)
    source = pycon_only(DOC.read_text(encoding="utf-8"))
    test = doctest.DocTestParser().get_doctest(
        source, {"store": reference_store}, DOC.name, str(DOC), 0
    )
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    report: list[str] = []
    runner.run(test, out=report.append)
    assert len(test.examples) >= 30
    assert runner.failures == 0, "".join(report)


def test_only_pycon_blocks_are_run() -> None:
    text = "Text\n```python\nkg = dckg.open()\n```\n```pycon\n>>> 1 + 1\n2\n```\nmore\n"
    assert pycon_only(text) == "\n\n\n\n\n>>> 1 + 1\n2\n\n\n"
