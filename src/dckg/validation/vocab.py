"""The coded columns: their allowed keys, and the nearest keys to a wrong one.

A coded cell (a theme, a status, a partner's role, a region) holds the key of a SKOS
concept of one of the graph's concept schemes: ``urban-mobility`` stands for
``https://w3id.org/dckg/id/theme/urban-mobility``. The keys are read from the store (bound
SPARQL), so a scheme extended in the graph is extended here too; ``dckg vocab NAME`` lists
them.

>>> nearest("urban-mobilty", ["urban-mobility", "water-sanitation", "rural-development"])
['urban-mobility']
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from pyoxigraph import NamedNode

from dckg.errors import UsageError
from dckg.namespaces import DCKG, ID
from dckg.store.base import Store


@dataclass(frozen=True)
class Vocabulary:
    """A concept scheme whose keys a coded column holds."""

    name: str
    #: The kind of IRI its concepts have (``theme`` → ``id/theme/{key}``).
    kind: str
    #: What one key is called in a message ("theme", "status", …).
    noun: str
    #: The properties whose values are keys of this scheme.
    predicates: tuple[str, ...]

    @property
    def scheme(self) -> NamedNode:
        return NamedNode(f"{ID}scheme/{self.name}")


#: The coded vocabularies, by the name ``dckg vocab`` takes.
VOCABULARIES: dict[str, Vocabulary] = {
    v.name: v
    for v in (
        Vocabulary("themes", "theme", "theme", (DCKG + "theme",)),
        Vocabulary("statuses", "status", "status", (DCKG + "status",)),
        Vocabulary("roles", "role", "role", (DCKG + "role",)),
        Vocabulary("regions", "region", "world region", (DCKG + "region",)),
        Vocabulary(
            "external-action-regions",
            "ea-region",
            "external-action region",
            (DCKG + "externalActionRegion",),
        ),
        Vocabulary("priority-areas", "priority-area", "priority area", (DCKG + "priorityArea",)),
    )
}

#: The vocabulary of each coded property.
BY_PREDICATE: dict[str, Vocabulary] = {p: v for v in VOCABULARIES.values() for p in v.predicates}

_KEYS = """
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?scheme ?concept (SAMPLE(?name) AS ?label) WHERE {
  ?concept skos:inScheme ?scheme .
  OPTIONAL { ?concept skos:prefLabel|rdfs:label ?name FILTER (LANGMATCHES(LANG(?name), "en")) }
} GROUP BY ?scheme ?concept
"""


def vocabulary(name: str) -> Vocabulary:
    """A vocabulary by name (``themes``, ``statuses``, …); UsageError naming the known ones."""
    try:
        return VOCABULARIES[name]
    except KeyError:
        known = ", ".join(VOCABULARIES)
        raise UsageError(f"no vocabulary {name!r}: known are {known}") from None


def keys(store: Store, vocab: Vocabulary) -> dict[str, str]:
    """The keys of a vocabulary in ``store``, sorted, each with its English label."""
    prefix = f"{ID}{vocab.kind}/"
    found = {}
    for row in store.query(_KEYS, substitutions={"scheme": vocab.scheme}):
        iri = row["concept"].value
        if iri.startswith(prefix):
            label = row["label"]
            found[iri[len(prefix) :]] = label.value if label is not None else ""
    return dict(sorted(found.items()))


def key_of(iri: NamedNode, vocab: Vocabulary) -> str | None:
    """The key an IRI of the vocabulary's kind carries, or None."""
    prefix = f"{ID}{vocab.kind}/"
    return iri.value[len(prefix) :] if iri.value.startswith(prefix) else None


def shipped_keys() -> dict[str, dict[str, str]]:
    """The keys of every vocabulary as the shipped data defines them (``data/schemes.ttl``)."""
    from pyoxigraph import RdfFormat, parse

    from dckg.resources import resource_dir
    from dckg.store import EmbeddedStore

    path = resource_dir("data") / "schemes.ttl"
    with EmbeddedStore() as store:
        store.add_quads(list(parse(path=str(path), format=RdfFormat.TURTLE)))
        return {name: keys(store, v) for name, v in VOCABULARIES.items()}


def markdown() -> str:
    """The keys of every vocabulary as Markdown (``docs/validation.md`` includes it)."""
    out = []
    for name, found in shipped_keys().items():
        v = VOCABULARIES[name]
        listed = ", ".join(f"`{key}` ({label})" for key, label in found.items())
        out.append(f"- **{name}** (`dckg vocab {name}`, one {v.noun} per key): {listed}.")
    return "\n".join(out) + "\n"


def nearest(key: str, known: list[str] | dict[str, str], *, n: int = 3) -> list[str]:
    """The known keys closest in spelling to ``key``, closest first."""
    candidates = list(known)
    found = difflib.get_close_matches(key.lower(), candidates, n=n, cutoff=0.6)
    if not found:  # a word of the key may still name one: "mobility" → urban-mobility
        words = [w for w in key.lower().replace("_", "-").split("-") if len(w) > 3]
        found = [c for c in candidates if any(w in c for w in words)][:n]
    return found


if __name__ == "__main__":  # pragma: no cover
    print(markdown(), end="")


__all__ = [
    "BY_PREDICATE",
    "VOCABULARIES",
    "Vocabulary",
    "key_of",
    "keys",
    "markdown",
    "nearest",
    "shipped_keys",
    "vocabulary",
]
