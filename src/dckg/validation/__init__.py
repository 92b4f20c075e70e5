"""Validating contributions and merging them with provenance.

>>> from dckg.validation import validate, bytes_input
>>> report = validate(None, [bytes_input(b'<https://w3id.org/dckg/id/partnership/x> '
...     b'a <https://w3id.org/dckg/ontology#Partnership> .', fmt="ttl")])
>>> report.conforms
False
>>> print(report.results[0].to_text())
<input>, line 1: Violation: A partnership needs a name (rdfs:label), as text. [rdfs:label; subject <https://w3id.org/dckg/id/partnership/x>]

Modules: :mod:`.sources` (reading files safely), :mod:`.templates` and :mod:`.csvmap`
(CSV through declared mappings), :mod:`.neighbourhood` (the part of the store a
contribution touches), :mod:`.checks` (missing references, duplicates), :mod:`.shapes`,
:mod:`.engine` (``validate``), :mod:`.report`, :mod:`.contributions`.
"""

from __future__ import annotations

from dckg.validation.contributions import (
    CONTRIBUTIONS_GRAPH,
    Contribution,
    contribute,
    contribution_graph,
    contributions,
    withdraw,
)
from dckg.validation.engine import validate, validate_parsed
from dckg.validation.report import Issue, Report
from dckg.validation.shapes import load_shapes, shapes_version
from dckg.validation.sources import (
    Input,
    Parsed,
    bytes_input,
    max_input_bytes,
    open_input,
    read_contribution,
)
from dckg.validation.templates import TEMPLATES

__all__ = [
    "CONTRIBUTIONS_GRAPH",
    "TEMPLATES",
    "Contribution",
    "Input",
    "Issue",
    "Parsed",
    "Report",
    "bytes_input",
    "contribute",
    "contribution_graph",
    "contributions",
    "load_shapes",
    "max_input_bytes",
    "open_input",
    "read_contribution",
    "shapes_version",
    "validate",
    "validate_parsed",
    "withdraw",
]
