"""Validating contributions and merging them with provenance.

>>> from dckg.validation import validate, bytes_input
>>> report = validate(None, [bytes_input(b'<https://w3id.org/dckg/id/partnership/x> '
...     b'a <https://w3id.org/dckg/ontology#Partnership> .', fmt="ttl")])
>>> report.conforms
False
>>> issue = report.results[0]
>>> issue.location, issue.severity, issue.message
('line 1', 'Violation', 'A partnership needs a name (rdfs:label), as text.')

A contribution travels one way, each step a module that hands the next a value
(:mod:`.pipeline`): read (:mod:`.sources`) → map (:mod:`.mapping`: :mod:`.rdfmap`, and
:mod:`.csvmap` with the :mod:`.templates`) → reconcile (:mod:`.names`) → check
(:mod:`.check`: :mod:`.neighbourhood`, :mod:`.checks`, :mod:`.engines` running the
:mod:`.shapes`) → report (:mod:`.messages`, :mod:`.report`). :mod:`.contributions` merges
what conforms; :mod:`.vocab` lists the keys of the coded columns; :mod:`.conformance`
runs an engine on the W3C SHACL test suite.
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
from dckg.validation.parsed import Parsed
from dckg.validation.pipeline import read_contribution, report_of, validate, validate_parsed
from dckg.validation.report import Issue, Report
from dckg.validation.shapes import load_shapes, shapes_version
from dckg.validation.sources import Input, bytes_input, max_input_bytes, open_input
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
    "report_of",
    "shapes_version",
    "validate",
    "validate_parsed",
    "withdraw",
]
