"""One slug rule for every minted key, and no IRI already shipped changes under it.

Until the rule was one function, the network importers case-folded (``ß`` → ``ss``)
while the EUTF importer and the contributions lower-cased (``ß`` dropped). The one rule
is the second (the contributors' IRIs in existing stores stay); the shipped IRIs keyed
by a name are checked against the name: under the one rule each still comes out the same.
"""

from __future__ import annotations

import importlib
import re
import unicodedata
from pathlib import Path

import pytest
from pyoxigraph import Literal, NamedNode, RdfFormat, parse

from dckg import rdfio
from dckg.importers import eutf, memberships
from dckg.namespaces import ID, RDFS, SKOS, slug

DATA = Path(__file__).resolve().parent.parent.parent / "data"
NAMES = {RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", "http://xmlns.com/foaf/0.1/name"}


def _lower_rule(text: str) -> str:
    """The rule the EUTF importer and the contributions minted with (lower-case after
    dropping what is not ASCII)."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _casefold_rule(text: str) -> str:
    """The rule the network importers minted with (case-folded first)."""
    folded = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


def _named_iris(path: Path) -> list[tuple[str, str]]:
    """The minted IRIs of a shipped file with each of their names."""
    data = rdfio.read_bytes(path, max_bytes=rdfio.SHIPPED_MAX_BYTES)
    fmt = RdfFormat.N_TRIPLES if ".nt" in path.name else RdfFormat.TURTLE
    return [
        (t.subject.value, t.object.value)
        for t in parse(data, format=fmt)
        if isinstance(t.subject, NamedNode)
        and t.subject.value.startswith(ID)
        and t.predicate.value in NAMES
        and isinstance(t.object, Literal)
    ]


def test_one_function_for_every_importer_and_contribution() -> None:
    contributions = importlib.import_module("dckg.validation.contributions")
    assert eutf.slug is slug and memberships.slug is slug
    assert contributions.slug is slug
    assert slug("Straße") == _lower_rule("Straße") != _casefold_rule("Straße")
    assert slug("   ") == "x" and slug("", empty="anonymous") == "anonymous"


@pytest.mark.parametrize("path", sorted(DATA.glob("*.nt.gz")) + sorted(DATA.glob("*.ttl")))
def test_no_shipped_iri_keyed_by_a_name_changes(path: Path) -> None:
    checked = 0
    for iri, name in _named_iris(path):
        key = iri.rsplit("/", 1)[1]
        for old in {_lower_rule(name), _casefold_rule(name)}:
            if old and (key == old or key.endswith("-" + old)):
                checked += 1
                assert key.endswith(slug(name)), (iri, name, slug(name))
    if path.name == "eutf-africa.nt.gz":
        assert checked >= 190  # every implementing organisation is keyed by its name
