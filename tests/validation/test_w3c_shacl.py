"""The default SHACL engine on the W3C SHACL test suite (core + SPARQL, 120 tests).

The suite is vendored unchanged in ``w3c/shacl-test-suite`` (see ``w3c/README.md``); the
manifests are walked by :mod:`dckg.validation.conformance`. Tests the engine is known to
fail are listed in ``KNOWN_FAILURES`` with the reason, and in ``docs/validation.md``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dckg.validation.conformance import Case, cases, run
from dckg.validation.engines import DEFAULT_ENGINE

SUITE = Path(__file__).parent / "w3c" / "shacl-test-suite"
CASES = list(cases(SUITE / "manifest.ttl"))

#: Tests of the suite the default engine fails, with the reason (none at present).
KNOWN_FAILURES: dict[str, str] = {}


def test_the_whole_suite_is_there() -> None:
    assert len(CASES) == 120
    assert sum(c.name.startswith("core/") for c in CASES) == 98
    assert sum(c.expected is None for c in CASES) >= 7  # shapes an engine must refuse


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_w3c_shacl(case: Case) -> None:
    outcome = run(case, engine=DEFAULT_ENGINE)
    if case.name in KNOWN_FAILURES:
        assert not outcome.passed, f"{case.name} passes now: remove it from KNOWN_FAILURES"
        return
    assert outcome.passed, outcome.reason


def test_the_comparison_can_fail() -> None:
    """A report that differs from the expected one (one result too few) is a failure."""
    case = next(c for c in CASES if c.name == "core/property/minCount-001")
    assert run(case).passed
    assert case.expected is not None
    trimmed = case.expected.__class__()
    sh = "http://www.w3.org/ns/shacl#"
    for s, p, o in case.expected:
        if str(p) != sh + "focusNode":
            trimmed.add((s, p, o))
    outcome = run(Case(case.name, case.data, case.shapes, trimmed))
    assert not outcome.passed and "differ" in outcome.reason
