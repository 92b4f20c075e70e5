"""Official lists of municipalities, as gazetteers beside GeoNames.

GeoNames' ``cities500`` misses small municipalities and names some by their seat. A
country's official list (a statistics office's register, or a package that ships one)
names every municipality once, with the province (county, oblast) it lies in, and
sometimes a point. Such a list is used only where it is reliable:

- a name is matched only to a municipality of the signatory's own country;
- with the source's point, the municipality must be in a province around the point,
  voted by the GeoNames places nearest the point that bear the name of a unit of the
  list (:meth:`OfficialList.point_votes`); a list that gives points instead needs the
  unit within :data:`NEAR_KM` of the source's point;
- without a point, the name must be that of one municipality only in the whole list;
- two names that the list holds as two different municipalities are never one place
  (:meth:`OfficialList.distinct`): ``Santa Fe`` is not ``Santa Fe de Mondújar``,
  ``La Tahá`` is not ``Órgiva``.

A unit matched becomes a ``dckg:Municipality`` of its own, described once, in the list's
own named graph (``reference/{stem}``) with the list's source and licence; other graphs
only refer to its IRI. The four lists are read in :mod:`dckg.reconcile.registers`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, Triple

from dckg.datasets import dataset_triples
from dckg.namespaces import DCKG, DCT, GEO, RDF, RDFS, SKOS, graph, thing
from dckg.reconcile.geo import distance_km
from dckg.reconcile.names import normalise

if TYPE_CHECKING:
    from dckg.reconcile.matcher import Reconciler

#: The point's province is voted by the places this close (km) that the list names,
AROUND_KM = 15.0
#: ... and from at most this many of the nearest.
AROUND_PLACES = 5
#: A province is around the point when the places near it give it this much of a vote
#: (one place's whole vote), or more than any other province (and more than half a vote).
ONE_VOTE = 1.0
#: A unit with a point matches only this close (km) to the source's point.
NEAR_KM = 10.0


@dataclass(frozen=True)
class Unit:
    """One entry of an official list: a municipality, or a settlement that only helps
    tell which province a point lies in (``municipal`` False)."""

    code: str
    name: str
    area: str
    kind: str
    language: str | None = None
    others: tuple[str, ...] = ()
    lat: float | None = None
    lon: float | None = None
    municipal: bool = True


@dataclass(frozen=True)
class Register:
    """Where a list comes from, and how its units are named in the graph."""

    stem: str
    country: str
    country_alpha3: str
    #: IRI key prefix: ``id/municipality/{prefix}-{code}``.
    prefix: str
    title: str
    description: str
    sources: tuple[str, ...]
    licence: str
    citation: str
    #: The package that ships the list (its version is recorded).
    package: str
    #: Compare names by :func:`loose_key` (for a list in another script, whose names
    #: sources spell in several transliterations).
    loose: bool = False

    @property
    def dataset(self) -> NamedNode:
        return graph(f"reference/{self.stem}")

    @property
    def source(self) -> NamedNode:
        return NamedNode(self.sources[0])


_LOOSE = (("kh", "h"), ("g", "h"), ("ph", "f"), ("ts", "c"), ("tz", "c"), ("w", "v"))


def loose_key(name: str) -> str:
    """A folded name with the letters transliterations disagree on left out (``y``,
    ``i``, ``j``) or made one (``g``/``h``, ``ph``/``f``), doubled letters made single.

    >>> loose_key("Merefyanska") == loose_key("Merefianska")
    True
    >>> loose_key("Mogyliv-Podilsky") == loose_key("Mohyliv-Podilskyi")
    True
    """
    key = normalise(name).replace(" ", "")
    for old, new in _LOOSE:
        key = key.replace(old, new)
    key = "".join(c for c in key if c not in "yij")
    return "".join(c for i, c in enumerate(key) if i == 0 or c != key[i - 1])


@dataclass(frozen=True)
class OfficialMatch:
    """What a list says of a name: ``unit`` when matched, else why not."""

    unit: Unit | None
    reason: str
    area: str | None = None


@dataclass
class OfficialList:
    """The units of one country's list by folded name."""

    register: Register
    units: Sequence[Unit]
    _by_key: dict[str, list[Unit]] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        for unit in self.units:
            for key in {self._key(n) for n in (unit.name, *unit.others)} - {""}:
                self._by_key.setdefault(key, []).append(unit)

    def _key(self, name: str) -> str:
        return loose_key(name) if self.register.loose else normalise(name)

    def __len__(self) -> int:
        return sum(1 for u in self.units if u.municipal)

    def iri(self, unit: Unit) -> NamedNode:
        return thing("municipality", f"{self.register.prefix}-{unit.code}")

    def named(self, name: str, *, municipal: bool = True) -> list[Unit]:
        found = self._by_key.get(self._key(name), ())
        return [u for u in found if u.municipal or not municipal]

    def _named_any(self, names: Iterable[str]) -> list[Unit]:
        return list({u.code: u for n in names for u in self.named(n)}.values())

    def point_votes(self, reconciler: Reconciler, lat: float, lon: float) -> dict[str, float]:
        """The provinces around a point, voted by the GeoNames places of the country
        nearest the point that bear the name of a unit of the list (municipality or
        settlement): each place gives one vote, shared among the provinces that have a
        unit of its name."""
        seen: dict[str, float] = {}
        voters = 0
        for _, place in reconciler.near(lat, lon, AROUND_KM):
            if place.country != self.register.country:
                continue
            areas = {u.area for u in self.named(place.label, municipal=False)}
            for area in areas:
                seen[area] = seen.get(area, 0.0) + 1.0 / len(areas)
            voters += bool(areas)
            if voters >= AROUND_PLACES:
                break
        return seen

    def match(
        self, reconciler: Reconciler, names: Iterable[str], lat: float | None, lon: float | None
    ) -> OfficialMatch:
        """The municipality one of ``names`` means, checked against the source's point."""
        units = self._named_any(names)
        if not units:
            return OfficialMatch(None, f"no municipality of that name in {self.register.title}")
        if lat is None or lon is None:
            if len(units) == 1:
                return OfficialMatch(units[0], "the only municipality of that name in the list")
            return OfficialMatch(None, f"{len(units)} municipalities of that name in the list")
        if all(u.lat is not None for u in units):
            return self._match_near(units, lat, lon)
        votes = self.point_votes(reconciler, lat, lon)
        if not votes:
            if len(units) == 1:
                return OfficialMatch(
                    units[0],
                    "the only municipality of that name in the list (no place of "
                    "the list near the source's point tells its province)",
                )
            return OfficialMatch(
                None, "the places around the source's point do not tell its province"
            )
        top = max(votes.values())
        around = {a for a, w in votes.items() if w >= ONE_VOTE or (w == top and w > 0.5)}
        fits = [u for u in units if u.area in around]
        if len(fits) == 1:
            return OfficialMatch(
                fits[0], f"in {fits[0].area}, by the places around the source's point", fits[0].area
            )
        if fits:
            return OfficialMatch(
                None, f"{len(fits)} municipalities of that name around the source's point"
            )
        where = ", ".join(sorted({u.area for u in units}))
        return OfficialMatch(
            None, f"the municipality of that name is in {where}; the source's point is not"
        )

    def _match_near(self, units: list[Unit], lat: float, lon: float) -> OfficialMatch:
        near = sorted(
            (distance_km(lat, lon, u.lat, u.lon), u.code, u)  # type: ignore[arg-type]
            for u in units
        )
        fits = [(km, u) for km, _, u in near if km <= NEAR_KM]
        if len({(u.name, u.area) for _, u in fits}) == 1:
            km, unit = fits[0]
            return OfficialMatch(unit, f"{km:.1f} km from the source's point")
        if fits:
            return OfficialMatch(None, f"{len(fits)} places of that name near the source's point")
        return OfficialMatch(
            None, f"the nearest place of that name is {near[0][0]:.0f} km from the source's point"
        )

    def distinct(self, names: Iterable[str], label: str) -> str | None:
        """Why a place labelled ``label`` is not the municipality ``names`` name, when the
        list holds them as two different municipalities; None otherwise."""
        own = {u.code for u in self._named_any(names)}
        theirs = {u.code: u for u in self.named(label)}
        if not own or not theirs or own & set(theirs):
            return None
        other = next(iter(theirs.values()))
        return (
            f"{label} is another municipality ({other.name}, {other.area}) in {self.register.title}"
        )

    def triples(self, units: Iterable[Unit]) -> Iterator[Triple]:
        """The graph of the units matched: the data set, then each unit once."""
        chosen = {u.code: u for u in units}
        yield from self.dataset_triples(len(chosen))
        for code in sorted(chosen):
            yield from self.unit_triples(chosen[code])

    def unit_triples(self, unit: Unit) -> Iterator[Triple]:
        """A unit as a municipality of its own: label, other names, country, code,
        province, source and, where the list gives one, its point."""
        iri = self.iri(unit)
        yield Triple(iri, NamedNode(RDF + "type"), NamedNode(DCKG + "Municipality"))
        yield Triple(iri, NamedNode(RDFS + "label"), Literal(unit.name, language=unit.language))
        for other in unit.others:
            yield Triple(iri, NamedNode(SKOS + "altLabel"), Literal(other))
        yield Triple(
            iri, NamedNode(DCKG + "country"), thing("country", self.register.country_alpha3)
        )
        yield Triple(iri, NamedNode(DCT + "identifier"), Literal(unit.code))
        yield Triple(
            iri,
            NamedNode(RDFS + "comment"),
            Literal(f"{unit.kind} in {unit.area}; {self.register.title}.", language="en"),
        )
        yield Triple(iri, NamedNode(DCT + "source"), self.register.source)
        if unit.lat is not None and unit.lon is not None:
            geometry = NamedNode(iri.value + "#geometry")
            yield Triple(iri, NamedNode(GEO + "hasGeometry"), geometry)
            yield Triple(geometry, NamedNode(RDF + "type"), NamedNode(GEO + "Geometry"))
            wkt = Literal(
                f"POINT({float(unit.lon)} {float(unit.lat)})",
                datatype=NamedNode(GEO + "wktLiteral"),
            )
            yield Triple(geometry, NamedNode(GEO + "asWKT"), wkt)

    def dataset_triples(self, count: int) -> Iterator[Triple]:
        """The list's graph as a data set: title, description, sources, licence and the
        attribution its licence asks for."""
        from importlib.metadata import version

        reg = self.register
        dataset = reg.dataset
        description = (
            f"The {count:,} municipalities that another data set of the graph refers to and "
            f"that GeoNames' cities500 extract does not hold. {reg.description} As shipped by "
            f"the {reg.package} package {version(reg.package)}."
        )
        yield from dataset_triples(
            dataset,
            title=reg.title + " (municipalities the graph refers to)",
            description=description,
            sources=[NamedNode(source) for source in reg.sources],
            licence=NamedNode(reg.licence),
            citation=reg.citation,
        )
