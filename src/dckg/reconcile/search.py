"""Entity search: the things of the graph whose name starts like, equals or resembles a text.

Every entity under ``https://w3id.org/dckg/id/`` that has a name (``rdfs:label``,
``skos:prefLabel``, ``skos:altLabel``, ``foaf:name``, in every language the graph has) is
indexed under its names folded as the reconciler folds them (transliterated, accents and
case dropped: ``Lodz`` finds ``Łódź``). A search returns, in this order:

1. entities with a name equal to the text;
2. entities with a name that starts with it;
3. entities with a word of a name that starts with it (``europe`` finds ``Global Europe``);
4. entities with a name alike (rapidfuzz similarity >= 80: ``Ouagadougu``).

Within a tier, entities before the relations between them (partnerships), then the most
populous, then those with the most twinnings, partnerships and memberships (their
*degree*). The index is read once per state of the store (the
reconciler's fingerprint: labels, types, countries, populations per graph) and kept.

>>> folded_words("Saint-Étienne Métropole")
['saint etienne metropole', 'etienne metropole', 'metropole']
"""

from __future__ import annotations

import bisect
import contextlib
import heapq
import math
import threading
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field

from pyoxigraph import Literal

from dckg.errors import UsageError
from dckg.namespaces import DCKG, ID, RDFS
from dckg.reconcile.index import fingerprint
from dckg.reconcile.names import normalise
from dckg.store.base import Store

#: The smallest similarity (0-100) of a name found by the fuzzy tier.
FUZZY_MIN = 80.0
#: Scores of the tiers (a candidate's score is at most its tier's).
EXACT, PREFIX, WORD, FUZZY = 1.0, 0.9, 0.75, 0.7
MAX_LIMIT = 100
_LABEL = RDFS + "label"

#: The types a search (and the reconciliation service) can be narrowed to: the words
#: people use, and the ontology class each stands for.
TYPES: dict[str, str] = {
    "city": "City",
    "region": "Region",
    "country": "Country",
    "city network": "CityNetwork",
    "instrument": "FundingInstrument",
    "actor": "Actor",
}

_NAMES = """
SELECT ?s ?p ?name WHERE {
  VALUES ?p { rdfs:label skos:prefLabel foaf:name skos:altLabel }
  ?s ?p ?name .
}
"""
_TYPES = "SELECT ?s ?c WHERE { ?s a ?c }"
_SUPERCLASSES = """
SELECT DISTINCT ?c ?super WHERE {
  ?c rdfs:subClassOf+ ?super .
  FILTER(isIRI(?c) && isIRI(?super))
}
"""
_POPULATION = "SELECT ?s ?n WHERE { ?s dckg:population ?n }"
_COUNTRY = """
SELECT ?s ?a2 WHERE { { ?s dckg:country ?c . ?c dckg:alpha2 ?a2 } UNION { ?s dckg:alpha2 ?a2 } }
"""
#: Twinnings and partnerships an entity is a partner of, memberships it holds, members
#: an organisation has.
_DEGREE = """
SELECT ?s (COUNT(*) AS ?n) WHERE {
  { ?x dckg:partner ?s } UNION { ?x org:member ?s } UNION { ?x org:organization ?s }
  FILTER(isIRI(?s))
} GROUP BY ?s
"""


@dataclass(slots=True)
class Entity:
    """One thing of the graph that has a name."""

    iri: str
    label: str
    names: dict[str, str] = field(default_factory=dict)  # name -> language ("" untagged)
    classes: frozenset[str] = frozenset()  # local names in the ontology, superclasses too
    country: str | None = None  # ISO alpha-2
    population: int | None = None
    degree: int = 0

    @property
    def path(self) -> str:
        """The IRI relative to ``https://w3id.org/dckg/id/`` (``city/geonames-2996944``)."""
        return self.iri[len(ID) :]


@dataclass(frozen=True)
class Hit:
    """An entity a search found: the name that matched it, its tier and score."""

    entity: Entity
    name: str
    language: str
    score: float
    how: str  # "exact", "prefix", "word", "fuzzy"


def folded_words(name: str) -> list[str]:
    """The folded name and each of its tails that starts at a word."""
    key = normalise(name)
    words = key.split(" ")
    return [" ".join(words[i:]) for i in range(len(words)) if words[i]]


def type_class(value: str, known: Iterable[str] = ()) -> str:
    """The ontology class (local name) of a type given as a word (``city network``), a
    local name (``CityNetwork``), ``dckg:CityNetwork`` or a full IRI; besides the
    :data:`TYPES`, any of the ``known`` classes."""
    text = value.strip()
    if text.startswith(DCKG):
        text = text[len(DCKG) :]
    elif text.startswith("dckg:"):
        text = text[5:]
    word = text.casefold().replace("-", " ").replace("_", " ")
    if word in TYPES:
        return TYPES[word]
    for local in TYPES.values():
        if local.casefold() == text.casefold():
            return local
    if text in set(known):
        return text
    known = ", ".join(TYPES)
    raise UsageError(f"unknown type {value!r}: one of {known}, or an ontology class")


class SearchIndex:
    """The named entities of a store, searchable by name."""

    def __init__(self, entities: Iterable[Entity]) -> None:
        self.entities: dict[str, Entity] = {e.iri: e for e in entities}
        self._by_key: dict[str, list[tuple[Entity, str]]] = {}
        self._by_tail: dict[str, list[tuple[Entity, str]]] = {}
        for entity in self.entities.values():
            for name in entity.names:
                tails = folded_words(name)
                if not tails:
                    continue
                self._by_key.setdefault(tails[0], []).append((entity, name))
                for tail in tails[1:]:
                    self._by_tail.setdefault(tail, []).append((entity, name))
        #: Every class an indexed entity has.
        self.classes = frozenset(c for e in self.entities.values() for c in e.classes)
        self._keys = sorted(self._by_key)
        self._tails = sorted(self._by_tail)
        # The rank of a name is that of its best entity: the best ``n`` entities that
        # start with a prefix are among the best ``n`` names that do.
        self._rank = {k: min(_rank(e) for e, _ in v) for k, v in self._by_key.items()}
        self._tail_rank = {k: min(_rank(e) for e, _ in v) for k, v in self._by_tail.items()}
        # Names by length, for the fuzzy tier: a ratio >= 80 needs lengths within 2:3.
        self._by_length = sorted(self._keys, key=len)
        self._lengths = [len(k) for k in self._by_length]

    @classmethod
    def read(cls, store: Store) -> SearchIndex:
        """Read the named entities of ``store`` (five queries over the union of graphs)."""
        entities: dict[str, Entity] = {}
        main: dict[str, dict[str, str]] = {}
        for row in store.query(_NAMES):
            iri, name = row["s"].value, row["name"]
            if not iri.startswith(ID) or not isinstance(name, Literal) or "#" in iri:
                continue
            entity = entities.get(iri)
            if entity is None:
                entity = entities[iri] = Entity(iri, name.value)
            entity.names.setdefault(name.value, name.language or "")
            if row["p"].value == _LABEL:
                main.setdefault(iri, {}).setdefault(name.value, name.language or "")
        for iri, entity in entities.items():
            entity.label = _display_name(main.get(iri) or entity.names)
        supers: dict[str, set[str]] = {}
        for row in store.query(_SUPERCLASSES):
            c, s = row["c"].value, row["super"].value
            if c.startswith(DCKG) and s.startswith(DCKG):
                supers.setdefault(c[len(DCKG) :], set()).add(s[len(DCKG) :])
        classes: dict[str, set[str]] = {}
        for row in store.query(_TYPES):
            iri, c = row["s"].value, row["c"].value
            if iri in entities and c.startswith(DCKG):
                local = c[len(DCKG) :]
                classes.setdefault(iri, set()).update({local, *supers.get(local, ())})
        for iri, found in classes.items():
            entities[iri].classes = frozenset(found)
        for row in store.query(_POPULATION):
            entity = entities.get(row["s"].value)
            if entity is not None:
                with contextlib.suppress(ValueError):
                    entity.population = max(entity.population or 0, int(row["n"].value))
        for row in store.query(_COUNTRY):
            entity = entities.get(row["s"].value)
            if entity is not None:
                entity.country = row["a2"].value
        for row in store.query(_DEGREE):
            entity = entities.get(row["s"].value)
            if entity is not None:
                entity.degree = int(row["n"].value)
        return cls(entities.values())

    def get(self, iri: str) -> Entity | None:
        return self.entities.get(iri)

    def named(self, text: str, classes: Iterable[str] = ()) -> list[Entity]:
        """The entities (of any of ``classes``) that bear ``text`` as a name, folded."""
        wanted = frozenset(classes)
        found = {
            e.iri: e
            for e, _ in self._by_key.get(normalise(text), ())
            if not wanted or e.classes & wanted
        }
        return list(found.values())

    def search(
        self,
        text: str,
        *,
        limit: int = 10,
        classes: Iterable[str] = (),
        country: str | None = None,
        fuzzy: bool = True,
    ) -> list[Hit]:
        """The entities ``text`` names, best first (see the module documentation).

        ``classes`` keeps entities of any of these ontology classes (local names, a
        subclass counts); ``country`` (ISO alpha-2) keeps those of that country.
        """
        if not 1 <= limit <= MAX_LIMIT:
            raise UsageError(f"limit must be between 1 and {MAX_LIMIT}, not {limit}")
        key = normalise(text)
        if not key:
            return []
        wanted = frozenset(classes)

        def keep(entity: Entity) -> bool:
            if wanted and not (entity.classes & wanted):
                return False
            return country is None or entity.country == country

        found: dict[str, Hit] = {}

        def add(tier: list[Hit], *, by_score: bool = False) -> None:
            tier.sort(key=lambda h: _importance(h, by_score))
            for hit in tier:
                if hit.entity.iri not in found:
                    found[hit.entity.iri] = hit

        add(
            [
                Hit(e, n, e.names[n], EXACT if n == e.label else 0.95 * EXACT, "exact")
                for e, n in self._by_key.get(key, ())
                if keep(e)
            ]
        )
        narrowed = bool(wanted) or country is not None
        add(
            [
                Hit(e, n, e.names[n], PREFIX * _coverage(key, k), "prefix")
                for k in _best(_starting(self._keys, key), self._rank, limit, narrowed)
                if k != key
                for e, n in self._by_key[k]
                if keep(e)
            ]
        )
        add(
            [
                Hit(e, n, e.names[n], WORD * _coverage(key, k), "word")
                for k in _best(_starting(self._tails, key), self._tail_rank, limit, narrowed)
                for e, n in self._by_tail[k]
                if keep(e)
            ]
        )
        if fuzzy and len(found) < limit and len(key) >= 3:
            from rapidfuzz import fuzz, process

            lo = bisect.bisect_left(self._lengths, math.ceil(len(key) * 2 / 3))
            hi = bisect.bisect_right(self._lengths, math.floor(len(key) * 3 / 2))
            scored = process.extract(
                key,
                self._by_length[lo:hi],
                scorer=fuzz.ratio,
                limit=limit * 10,
                score_cutoff=FUZZY_MIN,
            )
            add(
                [
                    Hit(e, n, e.names[n], round(FUZZY * score / 100.0, 3), "fuzzy")
                    for k, score, _ in scored
                    for e, n in self._by_key[k]
                    if keep(e)
                ],
                by_score=True,
            )
        return list(found.values())[:limit]


#: Classes of relations between entities: shown after the entities they relate.
_RELATIONS = frozenset({"Partnership", "Membership", "Participation", "Pledge"})


def _importance(hit: Hit, by_score: bool) -> tuple:
    """Within a tier: entities before relations between them (partnerships), the most
    populous first, then the highest degree, then the closest
    name; alike names (``by_score``) first by how alike they are, in steps of 0.05."""
    pop, degree = -(hit.entity.population or 0), -hit.entity.degree
    relation = bool(hit.entity.classes & _RELATIONS)
    if by_score:
        return (relation, -round(hit.score * 20), pop, degree, hit.entity.label)
    return (relation, pop, degree, -hit.score, hit.entity.label)


def _rank(entity: Entity) -> tuple[bool, int, int]:
    return (
        bool(entity.classes & _RELATIONS),
        -(entity.population or 0),
        -entity.degree,
    )


def _best(keys: list[str], rank: dict[str, tuple], limit: int, narrowed: bool) -> list[str]:
    """The names worth expanding: all of them when a filter may drop entities, else the
    ``3 * limit`` best ranked (each name holds an entity of its rank)."""
    if narrowed or len(keys) <= limit:
        return keys
    return heapq.nsmallest(3 * limit, keys, key=rank.__getitem__)


def _coverage(key: str, name: str) -> float:
    """How much of a name the text covers, as a factor in [0.5, 1]."""
    return round(0.5 + 0.5 * len(key) / max(len(name), 1), 3)


def _starting(keys: list[str], prefix: str, cap: int = 5000) -> list[str]:
    """The sorted keys that start with ``prefix`` (at most ``cap`` of them)."""
    start = bisect.bisect_left(keys, prefix)
    out = []
    for k in keys[start : start + cap]:
        if not k.startswith(prefix):
            break
        out.append(k)
    return out


def _display_name(names: dict[str, str]) -> str:
    """The name to show: its ``rdfs:label`` (else any name) in English, else untagged,
    else in any language; the longest of them (``Covenant of Mayors``, not ``CoM``)."""
    for wanted in ("en", ""):
        found = sorted((n for n, lang in names.items() if lang.split("-")[0] == wanted), key=len)
        if found:
            return found[-1]
    return sorted(names, key=len)[-1]


# -- one index per store ------------------------------------------------------------------

_CACHE: weakref.WeakKeyDictionary[Store, tuple[str, SearchIndex]] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def search_index_for(store: Store, digest: str | None = None) -> SearchIndex:
    """The search index of ``store``, read again when the store's names change.

    ``digest`` is the store's fingerprint when the caller already has it.
    """
    digest = digest or fingerprint(store)
    with _LOCK:
        cached = _CACHE.get(store)
    if cached is not None and cached[0] == digest:
        return cached[1]
    index = SearchIndex.read(store)
    with _LOCK:
        _CACHE[store] = (digest, index)
    return index


__all__ = [
    "MAX_LIMIT",
    "TYPES",
    "Entity",
    "Hit",
    "SearchIndex",
    "folded_words",
    "search_index_for",
    "type_class",
]
