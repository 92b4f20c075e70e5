"""The reconciler: which place of the store or of GeoNames a name (and a position) means.

The rules are in the package documentation (:mod:`dckg.reconcile`).
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field, replace

from pyoxigraph import NamedNode, Triple

from dckg.errors import UsageError
from dckg.namespaces import DCKG
from dckg.reconcile import gazetteer as gz
from dckg.reconcile.countries import parse_country, subdivision
from dckg.reconcile.geo import distance_km
from dckg.reconcile.index import Place, StorePlaces, fingerprint, load_places
from dckg.reconcile.names import (
    MINOR_WORDS,
    contains,
    looks_administrative,
    name_parts,
    name_variants,
    normalise,
    squeeze,
    tokens,
)
from dckg.store.base import Store

#: Beyond this distance (km) from the given position a place is not a match.
MAX_KM = 30.0
#: Names that only partly fit are looked for this close (km).
PARTIAL_KM = 10.0
#: Names that are only alike (fuzzy tier) are looked for this close (km).
FUZZY_KM = 5.0
#: A same-name match farther than this is checked against nearer places of a similar name.
NEAR_KM = 5.0
#: A city this populous spreads far from its point: a nearer similar name (a district of
#: it, ``Bur Dubai`` for ``Dubai``) does not replace it.
LARGE_CITY = 100_000
#: Whole-degree coordinates are only trusted to this distance (km).
COARSE_KM = 160.0
#: The smallest similarity (0-100, rapidfuzz) of a fuzzy match.
FUZZY_MIN = 90.0
GEONAMES_MIN_POPULATION = gz.GEONAMES_MIN_POPULATION

MATCHED = "matched"
AMBIGUOUS = "ambiguous"
UNKNOWN = "unknown"

#: Why a name is not matched (``Match.reason``), or how a match was found.
NO_NAME = "no place of that name"
NOT_NEAR = "no place of that name within reach"
NOT_IN_COUNTRY = "no place of that name in that country"
REGION = "a region, province or district"
SEVERAL = "several places fit"
FUZZY = "a similar name near the position"
PARTIAL = "a name that partly fits near the position"

_NAME_WEIGHT = {0: 1.0, 1: 0.9, 2: 0.75, 3: 0.6, 4: 0.5}
_MAX_CANDIDATES = 5

#: The classes each ``kind`` stands for (local names in the dckg ontology).
KINDS: dict[str, frozenset[str]] = {
    "city": frozenset({"City"}),
    "region": frozenset({"Region"}),
    "municipality": frozenset({"Municipality"}),
    "metropolitan-area": frozenset({"MetropolitanArea"}),
    "lrg": frozenset(
        {"LocalRegionalGovernment", "City", "Region", "Municipality", "MetropolitanArea"}
    ),
    "network": frozenset({"CityNetwork"}),
    "actor": frozenset(
        {
            "Actor",
            "LocalRegionalGovernment",
            "City",
            "Region",
            "Municipality",
            "MetropolitanArea",
            "CityNetwork",
            "EUInstitution",
            "NationalGovernment",
            "DevelopmentAgency",
            "FinancialInstitution",
            "CivilSocietyOrganisation",
            "PrivateSectorActor",
            "AcademicInstitution",
        }
    ),
}
#: Kinds that also search GeoNames beyond the store.
_GEONAMES_KINDS = frozenset({"city", "municipality", "lrg", "actor"})
_CITY = frozenset({"City"})


@dataclass(frozen=True)
class Candidate:
    """A place that might be the one meant.

    ``country`` is its ISO alpha-2 code (None if unknown); ``distance_km`` is the distance
    from the given position (None without one); ``score`` in [0, 1] combines how well the
    name matched (main name 1, alternate name 0.9, name without qualifier 0.75, partly
    0.6, alike 0.5) with the distance (down to half the weight at ``max_km``);
    ``population`` as the store or GeoNames gives it.
    """

    iri: NamedNode
    label: str
    country: str | None
    distance_km: float | None
    score: float
    population: int | None = None


@dataclass(frozen=True)
class Match:
    """The outcome of :func:`reconcile`. ``iri`` is set only when ``status`` is matched.

    ``reason`` says why nothing matched (:data:`NO_NAME`, :data:`NOT_NEAR`,
    :data:`NOT_IN_COUNTRY`, :data:`REGION`, :data:`SEVERAL`), or how a match was found
    when it was not on the name itself (:data:`PARTIAL`, :data:`FUZZY`); ``note`` says it
    in words for a person.
    """

    status: str
    iri: NamedNode | None
    candidates: list[Candidate] = field(default_factory=list)
    note: str = ""
    reason: str = ""

    @property
    def matched(self) -> bool:
        return self.status == MATCHED


class Reconciler:
    """The index of a store's cities and actors plus the GeoNames places.

    ``geonames_min_population`` drops GeoNames places smaller than that (500 keeps them
    all; None leaves GeoNames out and only the store is searched).
    """

    def __init__(
        self,
        store: Store | None,
        *,
        geonames_min_population: int | None = GEONAMES_MIN_POPULATION,
        max_km: float = MAX_KM,
        _places: StorePlaces | None = None,
    ) -> None:
        self.max_km = max_km
        self.min_population = geonames_min_population
        self._geonames = gz.gazetteer() if geonames_min_population is not None else None
        if _places is None:
            _places = (
                load_places(store, lambda: _actor_classes(store), fingerprint(store))
                if store is not None
                else StorePlaces([], shipped_cities=False)
            )
        self._store = _places
        self._memo: dict[int, Place] = {}
        self._lock = threading.Lock()
        self._suggest: dict[str | None, tuple[list[str], list[tuple[int, int]]]] = {}
        self._last_around: tuple[tuple[float, float], list[tuple[float, Place]]] | None = None

    @property
    def store_places(self) -> StorePlaces:
        """The store's own cities and actors (GeoNames places aside)."""
        return self._store

    @classmethod
    def shipped(cls, *, max_km: float = MAX_KM) -> Reconciler:
        """The index a store holds right after ``dckg init``, built without a store: the
        GeoNames cities of 15,000 people or more count as held, the smaller ones as not."""
        return cls(None, max_km=max_km, _places=StorePlaces([], shipped_cities=True))

    # -- the places ------------------------------------------------------------------

    def _geo_places(self, ids: Iterable[int]) -> dict[int, Place]:
        """Places of GeoNames ids: the store's own entry where it holds one."""
        wanted = [i for i in ids if i not in self._memo]
        if wanted and self._geonames is not None:
            records = self._geonames.records(wanted)
            with self._lock:
                for gid, (record, names) in records.items():
                    self._memo[gid] = self._geo_place(record, names)
        return {i: self._memo[i] for i in ids if i in self._memo}

    def _geo_place(self, record: gz.GeoRecord, names: tuple[str, ...]) -> Place:
        held = self._store.by_geonames_id.get(record.geonames_id)
        if held is not None:
            held.names |= set(names)
            return held
        return Place(
            key=f"{gz.CITY_PREFIX}{record.geonames_id}",
            label=record.name,
            country=record.country,
            lat=record.lat,
            lon=record.lon,
            classes=_CITY,
            population=record.population,
            geonames_id=record.geonames_id,
            in_store=record.shipped and self._store.shipped_cities,
            names=set(names),
            main_names={names[0]} if names else set(),
        )

    def _wanted(self, place: Place) -> bool:
        if place.in_store or self.min_population is None:
            return True
        if self.min_population <= GEONAMES_MIN_POPULATION:
            return True  # the whole list, places of unknown population too
        return (place.population or 0) >= self.min_population

    def _named(self, key: str) -> list[Place]:
        found = {p.key: p for p in self._store.by_name.get(key, ())}
        if self._geonames is not None:
            hits = self._geonames.by_name(key)
            for place in self._geo_places([gid for gid, _ in hits]).values():
                if self._wanted(place):
                    found.setdefault(place.key, place)
        return list(found.values())

    def place(self, iri: NamedNode) -> Place | None:
        """The index entry of an IRI (None if the index does not hold it)."""
        held = self._store.places.get(iri.value)
        if held is not None:
            return held
        gid = gz.geonames_id_of(iri)
        if gid is None or self._geonames is None:
            return None
        return self._geo_places([gid]).get(gid)

    def near(self, lat: float, lon: float, km: float | None = None) -> list[tuple[float, Place]]:
        """Places within ``km`` (default ``max_km``) of a position, nearest first (the
        search wraps around the ±180° meridian)."""
        km = self.max_km if km is None else km
        found = {p.key: (d, p) for d, p in self._store.near(lat, lon, km)}
        if self._geonames is not None:
            for d, record, names in self._geonames.near_records(lat, lon, km):
                place = self._memo.get(record.geonames_id)
                if place is None:
                    place = self._geo_place(record, names)
                    with self._lock:
                        self._memo.setdefault(record.geonames_id, place)
                if self._wanted(place):
                    found.setdefault(place.key, (d, place))
        return sorted(found.values(), key=lambda dp: (dp[0], dp[1].key))

    def _around(self, lat: float, lon: float, km: float) -> list[tuple[float, Place]]:
        """``near`` for the tiers of one look-up: the places within ``PARTIAL_KM`` are
        searched once and reused by the tiers that look closer."""
        last = self._last_around
        if last is None or last[0] != (lat, lon) or km > PARTIAL_KM:
            found = self.near(lat, lon, max(km, PARTIAL_KM))
            self._last_around = last = ((lat, lon), found)
        return [(d, p) for d, p in last[1] if d <= km]

    # -- looking up ----------------------------------------------------------------

    def reconcile(
        self,
        name: str,
        *,
        country: str | None = None,
        lat: float | None = None,
        lon: float | None = None,
        kind: str = "city",
    ) -> Match:
        """Reconcile one name; see the package documentation for the rules."""
        classes = _kind_classes(kind)
        alpha2 = parse_country(country) if country else None
        if (lat is None) != (lon is None):
            raise UsageError("give both lat and lon, or neither")
        if lat is not None and lon is not None and not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise UsageError(f"coordinates out of range: {lat}, {lon}")
        tiers = self._name_tiers(name, classes, kind)
        if lat is None or lon is None:
            return self._administrative(name, alpha2, self._by_country(tiers, alpha2))
        if alpha2 is not None and lat == int(lat) and lon == int(lon):
            return self._administrative(name, alpha2, self._coarse(tiers, alpha2, lat, lon))
        match = self._by_position(tiers, alpha2, lat, lon)
        if match.status == MATCHED and match.candidates:
            d = match.candidates[0].distance_km or 0.0
            big = (match.candidates[0].population or 0) >= LARGE_CITY
            if d > NEAR_KM and alpha2 is not None and not big:
                nearer = self._alike(name, classes, kind, alpha2, lat, lon, min(FUZZY_KM, d / 4))
                if nearer is not None and nearer.status == MATCHED:
                    far = match.candidates[0]
                    note = f"{nearer.note}; preferred to {far.label} {d:.0f} km away"
                    return Match(MATCHED, nearer.iri, nearer.candidates, note, nearer.reason)
            return match
        if match.status == UNKNOWN:
            partial = self._partial(name, classes, kind, alpha2, lat, lon)
            if partial is not None:
                return partial
            if alpha2 is not None:
                alike = self._alike(name, classes, kind, alpha2, lat, lon, FUZZY_KM)
                if alike is not None:
                    return alike
        return self._administrative(name, alpha2, match)

    def _administrative(self, name: str, alpha2: str | None, match: Match) -> Match:
        """An unmatched name of a region, province or district says so."""
        if match.status != UNKNOWN:
            return match
        key = normalise(name)
        found = None
        if match.reason in (NO_NAME, NOT_IN_COUNTRY):
            found = subdivision(key, alpha2)
        if found is None and looks_administrative(key):
            found = ("", "district or region")
        if found is None:
            return match
        code, what = found
        note = f"{name} is a {what.lower()}" + (f" ({code})" if code else "") + ", not a town"
        return Match(UNKNOWN, None, match.candidates, note, REGION)

    def _name_tiers(self, name: str, classes: frozenset[str], kind: str) -> dict[str, tuple]:
        """Places whose names fit, keyed by IRI: (place, tier) with tier 0 main, 1 alternate, 2
        qualifier dropped or "saint" spelt otherwise, 3 one part of a name in two parts."""
        found: dict[str, tuple[Place, int]] = {}
        allow_geonames = kind in _GEONAMES_KINDS
        key = normalise(name)
        for place in self._named(key):
            if _fits(place, classes, allow_geonames):
                found[place.key] = (place, 0 if key in place.main_names else 1)
        for variant in name_variants(name):
            for place in self._named(variant):
                if place.key not in found and _fits(place, classes, allow_geonames):
                    found[place.key] = (place, 2)
        for part in name_parts(name):
            for place in self._named(part):
                if place.key not in found and _fits(place, classes, allow_geonames):
                    found[place.key] = (place, 3)
        return found

    def _by_country(self, tiers: dict[str, tuple], alpha2: str | None) -> Match:
        pool = [(p, t) for p, t in tiers.values() if alpha2 is None or p.country == alpha2]
        if not pool:
            others = sorted(tiers.values(), key=lambda pt: (pt[1], -(pt[0].population or 0)))
            reason = NOT_IN_COUNTRY if tiers else NO_NAME
            return Match(
                UNKNOWN,
                None,
                [_candidate(p, t, None, self.max_km) for p, t in others][:_MAX_CANDIDATES],
                reason,
                reason,
            )
        best = min(t for _, t in pool)
        group = sorted(
            ((p, t) for p, t in pool if t == best),
            key=lambda pt: (-(pt[0].population or 0), pt[0].key),
        )
        candidates = [_candidate(p, t, None, self.max_km) for p, t in group]
        if len(group) == 1:
            return Match(MATCHED, group[0][0].iri, candidates)
        note = f"{len(group)} places of that name; give coordinates to choose"
        return Match(AMBIGUOUS, None, candidates[:_MAX_CANDIDATES], note, SEVERAL)

    def _coarse(self, tiers: dict[str, tuple], alpha2: str, lat: float, lon: float) -> Match:
        """Whole-degree coordinates say only roughly where: the name and the country decide
        (as without coordinates), and the place must lie within ``COARSE_KM``."""
        match = self._by_country(tiers, alpha2)
        measured = [
            replace(c, distance_km=round(distance_km(lat, lon, p.lat, p.lon), 3))
            if (p := self.place(c.iri)) is not None and p.lat is not None and p.lon is not None
            else c
            for c in match.candidates
        ]
        note = "whole-degree coordinates, matched on name and country"
        if match.status != MATCHED:
            return replace(match, candidates=measured)
        d = measured[0].distance_km
        if d is not None and d > COARSE_KM:
            note = f"the only place of that name in {alpha2} is {d:.0f} km away"
            return Match(UNKNOWN, None, measured, note, NOT_NEAR)
        return replace(match, candidates=measured, note=note)

    def _by_position(
        self, tiers: dict[str, tuple], alpha2: str | None, lat: float, lon: float
    ) -> Match:
        measured = sorted(
            (
                (distance_km(lat, lon, p.lat, p.lon), p, t)
                for p, t in tiers.values()
                if p.lat is not None and p.lon is not None
            ),
            key=lambda dpt: (dpt[0], dpt[1].key),
        )
        within = [(d, p, t) for d, p, t in measured if d <= (self.max_km if t < 3 else PARTIAL_KM)]
        note = ""
        if alpha2 is not None:
            home = [(d, p, t) for d, p, t in within if p.country == alpha2]
            if not home and within:
                note = f"found only outside {alpha2}"
            within = home or within
        group = [x for x in within if x[2] <= 1] or within
        if not group:
            return self._unknown_near(measured, lat, lon)
        candidates = [_candidate(p, t, d, self.max_km) for d, p, t in group]
        d1 = group[0][0]
        close = [x for x in group if x[0] <= 2 * d1 + 1.0]
        if len(close) == 1:
            return Match(MATCHED, group[0][1].iri, candidates[:_MAX_CANDIDATES], note)
        best = min(t for _, _, t in close)
        top = [x for x in close if x[2] == best]
        if len(top) == 1:
            chosen = top[0][1]
            ranked = [c for c in candidates if c.iri == chosen.iri]
            ranked += [c for c in candidates if c.iri != chosen.iri]
            note = (note + "; " if note else "") + "chosen on its main name"
            return Match(MATCHED, chosen.iri, ranked[:_MAX_CANDIDATES], note)
        note = (note + "; " if note else "") + "several places of that name at that position"
        return Match(AMBIGUOUS, None, candidates[:_MAX_CANDIDATES], note, SEVERAL)

    def _partial(
        self,
        name: str,
        classes: frozenset[str],
        kind: str,
        alpha2: str | None,
        lat: float,
        lon: float,
    ) -> Match | None:
        """Names that contain one another (``Weiden in der Oberpfalz`` / ``Weiden``), within
        ``PARTIAL_KM``; a match only when one name alone fits."""
        wanted = tokens(normalise(name))
        if not wanted:
            return None
        allow_geonames = kind in _GEONAMES_KINDS
        found: list[tuple[float, Place, str]] = []
        for d, place in self._around(lat, lon, min(PARTIAL_KM, self.max_km)):
            if not _fits(place, classes, allow_geonames):
                continue
            if alpha2 is not None and place.country not in (alpha2, None):
                continue
            for other in sorted(place.names):
                if contains(wanted, tokens(other)):
                    found.append((d, place, other))
                    break
        if not found:
            return None
        candidates = [_candidate(p, 3, d, self.max_km) for d, p, _ in found]
        if len({n for _, _, n in found}) > 1:
            note = "names that only partly fit, several of them"
            return Match(AMBIGUOUS, None, candidates[:_MAX_CANDIDATES], note, SEVERAL)
        if len(found) > 1 and found[1][0] <= 2 * found[0][0] + 1.0:
            note = "a name that only partly fits, several places"
            return Match(AMBIGUOUS, None, candidates[:_MAX_CANDIDATES], note, SEVERAL)
        note = f"the name only partly fits ({found[0][1].label})"
        return Match(MATCHED, found[0][1].iri, candidates[:_MAX_CANDIDATES], note, PARTIAL)

    def _alike(
        self,
        name: str,
        classes: frozenset[str],
        kind: str,
        alpha2: str,
        lat: float,
        lon: float,
        km: float,
    ) -> Match | None:
        """The fuzzy tier: places of ``alpha2`` within ``km`` whose name is alike (rapidfuzz
        similarity >= ``FUZZY_MIN``: ``Santa Fe`` / ``Santafé``, ``Beit Sahour`` / ``Beit
        Sahur``, ``Żebbuġ`` / ``Ħaż-Żebbuġ``). Only with a position and a country; the
        nearest wins when it is clearly nearer, else the most alike, else it is ambiguous."""
        key = normalise(name)
        if not key:
            return None
        allow_geonames = kind in _GEONAMES_KINDS
        found: list[tuple[float, float, Place, str]] = []
        for d, place in self._around(lat, lon, km):
            if place.country != alpha2 or not _fits(place, classes, allow_geonames):
                continue
            best = max(((_similarity(key, other), other) for other in place.names), default=None)
            if best is not None and best[0] >= FUZZY_MIN:
                found.append((d, best[0], place, best[1]))
        if not found:
            return None
        candidates = [_candidate(p, 4, d, self.max_km) for d, _, p, _ in found]
        d1, _, chosen, _ = found[0]
        rivals = [x for x in found[1:] if x[0] <= 2 * d1 + 1.0]
        if rivals:
            top = max(s for _, s, _, _ in [found[0], *rivals])
            best = [x for x in [found[0], *rivals] if x[1] == top]
            if len(best) > 1:
                note = "several places of a similar name near the position"
                return Match(AMBIGUOUS, None, candidates[:_MAX_CANDIDATES], note, SEVERAL)
            d1, _, chosen, _ = best[0]
            candidates.sort(key=lambda c: c.iri != chosen.iri)
        note = f"a similar name ({chosen.label}, {d1:.1f} km away)"
        return Match(MATCHED, chosen.iri, candidates[:_MAX_CANDIDATES], note, FUZZY)

    def _unknown_near(self, measured: list[tuple], lat: float, lon: float) -> Match:
        """No name fits within reach: list same-name places farther away and places near."""
        candidates = [
            Candidate(p.iri, p.label, p.country, round(d, 3), 0.0, p.population)
            for d, p, _ in measured[:3]
        ]
        if measured:
            note = f"the nearest place of that name is {measured[0][0]:.0f} km away"
            reason = NOT_NEAR
        else:
            note = reason = NO_NAME
        seen = {c.iri.value for c in candidates}
        around = self._around(lat, lon, PARTIAL_KM)
        if len(around) < _MAX_CANDIDATES:
            around = self.near(lat, lon)
        for d, place in around[:_MAX_CANDIDATES]:
            if place.key not in seen:
                candidates.append(
                    Candidate(
                        place.iri, place.label, place.country, round(d, 3), 0.0, place.population
                    )
                )
        return Match(UNKNOWN, None, candidates[: _MAX_CANDIDATES + 3], note, reason)

    # -- suggestions -------------------------------------------------------------------

    def suggest(self, name: str, country: str | None = None, *, limit: int = 3) -> list[Candidate]:
        """Places whose name is alike (for "did you mean …?"), most alike and most populous
        first, with country and population; never a match, only a list for a person.

        ``country`` (code or English name) narrows the list to one country.
        """
        from rapidfuzz import fuzz, process

        alpha2 = parse_country(country) if country else None
        key = normalise(name)
        if not key:
            return []
        names, entries = self._suggestion_pool(alpha2)
        scored = process.extract(key, names, scorer=fuzz.ratio, limit=limit * 8, score_cutoff=80.0)
        ranked = sorted(
            ((score, entries[i]) for _, score, i in scored),
            key=lambda se: (-round(se[0]), -(se[1][1] or 0)),
        )
        places = self._geo_places([gid for _, (gid, _) in ranked]) if ranked else {}
        out: list[Candidate] = []
        seen: set[str] = set()
        for score, (gid, _) in ranked:
            place = places.get(gid)
            if place is None or place.key in seen:
                continue
            seen.add(place.key)
            out.append(
                Candidate(
                    place.iri,
                    place.label,
                    place.country,
                    None,
                    round(score / 100.0, 3),
                    place.population,
                )
            )
            if len(out) == limit:
                break
        return out

    def _suggestion_pool(self, alpha2: str | None) -> tuple[list[str], list[tuple[int, int]]]:
        pool = self._suggest.get(alpha2)
        if pool is None:
            rows = self._geonames.main_names(alpha2) if self._geonames is not None else []
            pool = ([k for k, _, _ in rows], [(gid, pop) for _, gid, pop in rows])
            self._suggest[alpha2] = pool
        return pool

    # -- places the store does not hold ---------------------------------------------

    def city_triples(self, iri: NamedNode) -> Iterator[Triple]:
        """The triples of a GeoNames place the store does not hold (none for a held one)."""
        return self.triples_for([iri])

    def triples_for(self, iris: Iterable[NamedNode]) -> Iterator[Triple]:
        """The RDF of the GeoNames places among ``iris`` that the store (or the shipped
        data) does not hold, each once, as ``dckg init`` shapes its own cities and with
        the GeoNames extract as ``dct:source``."""
        ids = []
        for iri in iris:
            gid = gz.geonames_id_of(iri)
            place = self.place(iri) if gid is not None else None
            if place is not None and not place.in_store and gid not in ids:
                ids.append(gid)
        if not ids or self._geonames is None:
            return iter(())
        records = self._geonames.records(ids)
        return (t for gid in ids if gid in records for t in gz.city_triples(records[gid][0]))


def geonames_city_triples(place: Place) -> Iterator[Triple]:
    """The RDF of a GeoNames place of the index (see :func:`dckg.reconcile.city_triples`)."""
    if place.geonames_id is None or place.lat is None or place.lon is None:
        raise ValueError(f"{place.key} is not a GeoNames place")
    record = gz.GeoRecord(
        geonames_id=place.geonames_id,
        name=place.label,
        country=place.country,
        lat=place.lat,
        lon=place.lon,
        population=place.population,
        shipped=place.in_store,
    )
    return gz.city_triples(record)


def _similarity(key: str, other: str) -> float:
    """How alike two folded names are (0-100): spaces ignored (``santa fe`` /
    ``santafe``), or one name whole inside the other when what it adds is short
    (``zebbug`` / ``haz zebbug``)."""
    from rapidfuzz import fuzz

    score = fuzz.ratio(squeeze(key), squeeze(other))
    a, b = set(tokens(key)), set(tokens(other))
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if short and short < long:
        added = long - short
        significant = sum(len(w) for w in short if w not in MINOR_WORDS)
        if significant >= 5 and sum(len(w) for w in added) <= 4:
            score = max(score, 95.0)
    return score


def _fits(place: Place, classes: frozenset[str], allow_geonames: bool) -> bool:
    """Whether a place is of the kind wanted: GeoNames places (held or not) are populated
    places, so they fit every kind that searches GeoNames (a municipality is one too)."""
    if not place.in_store:
        return allow_geonames
    if allow_geonames and place.geonames_id is not None and place.classes <= _CITY:
        return True
    return bool(place.classes & classes)


def _kind_classes(kind: str) -> frozenset[str]:
    try:
        return KINDS[kind]
    except KeyError:
        known = ", ".join(sorted(KINDS))
        raise UsageError(f"unknown kind {kind!r}: one of {known}") from None


def _candidate(place: Place, tier: int, distance: float | None, max_km: float) -> Candidate:
    weight = _NAME_WEIGHT[tier]
    if distance is not None:
        weight *= 1.0 - 0.5 * min(distance / max_km, 1.0)
    return Candidate(
        iri=place.iri,
        label=place.label,
        country=place.country,
        distance_km=None if distance is None else round(distance, 3),
        score=round(weight, 3),
        population=place.population,
    )


def _actor_classes(store: Store) -> set[str]:
    """The actor classes: those the ontology names plus their subclasses in the store."""
    classes = set(KINDS["actor"])
    rows = store.query(
        "SELECT DISTINCT ?c ?actor WHERE { ?c rdfs:subClassOf+ ?actor }",
        substitutions={"actor": NamedNode(DCKG + "Actor")},
    )
    for row in rows:
        value = row["c"].value
        if value.startswith(DCKG):
            classes.add(value[len(DCKG) :])
    return classes


# -- one index per store ------------------------------------------------------------------

_CACHE: weakref.WeakKeyDictionary[Store, tuple[str, Reconciler]] = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


def reconciler_for(store: Store, digest: str | None = None) -> Reconciler:
    """The index of a store, read again when the store's places change (any graph).

    Each call checks the store's fingerprint (one small query per named graph) unless
    ``digest`` gives it; code that reconciles many names against an unchanging store
    holds the returned index.
    """
    digest = digest or fingerprint(store)
    with _CACHE_LOCK:
        cached = _CACHE.get(store)
    if cached is not None and cached[0] == digest:
        return cached[1]
    places = load_places(store, lambda: _actor_classes(store), digest)
    index = Reconciler(store, _places=places)
    with _CACHE_LOCK:
        _CACHE[store] = (digest, index)
    return index


def reconcile(
    store: Store,
    name: str,
    *,
    country: str | None,
    lat: float | None = None,
    lon: float | None = None,
    kind: str = "city",
) -> Match:
    """Find the place of ``kind`` that ``name`` means in ``store`` (see the package docs).

    ``country`` is an ISO 3166 alpha-2 or alpha-3 code or an English country name (None if
    unknown); ``lat``/``lon`` are WGS84 decimal degrees. Raises
    :class:`~dckg.errors.UsageError` for an unknown country or kind, or bad coordinates.
    """
    return reconciler_for(store).reconcile(name, country=country, lat=lat, lon=lon, kind=kind)


def suggest(
    store: Store | None, name: str, country: str | None = None, *, limit: int = 3
) -> list[Candidate]:
    """Places whose name is alike, for "did you mean …?" (see :meth:`Reconciler.suggest`)."""
    index = reconciler_for(store) if store is not None else Reconciler.shipped()
    return index.suggest(name, country, limit=limit)


__all__ = [
    "AMBIGUOUS",
    "FUZZY",
    "KINDS",
    "MATCHED",
    "MAX_KM",
    "NOT_IN_COUNTRY",
    "NOT_NEAR",
    "NO_NAME",
    "PARTIAL",
    "REGION",
    "SEVERAL",
    "UNKNOWN",
    "Candidate",
    "Match",
    "Reconciler",
    "geonames_city_triples",
    "reconcile",
    "reconciler_for",
    "suggest",
]
