"""What the network importers share: members, their reconciliation, memberships as RDF.

Each network importer (:mod:`~dckg.importers.covenant`, :mod:`~dckg.importers.eurocities`,
:mod:`~dckg.importers.c40`) reads its source into :class:`Member` records, reconciles each
member with :func:`resolve` against the GeoNames places (the same reconciler the twinnings
import uses), and writes one named graph of sorted N-Triples: the data set description,
one ``dckg:Membership`` per member (ORG's qualified membership) with the direct shortcut
``dckg:memberOf``, and the triples of every matched GeoNames place that the shipped city
list (>= 15,000 people) does not hold.

A member that cannot be matched to a place is still a member: it becomes an actor of its
own, minted from the source's identifier, typed by what its name says it is (a region,
province or county is a ``dckg:Region``; a metropolitan body a ``dckg:MetropolitanArea``;
anything else a ``dckg:LocalRegionalGovernment``), and the report says why it was not
matched.
"""

from __future__ import annotations

import math
import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from pyoxigraph import Literal, NamedNode, Triple

from dckg.errors import UsageError
from dckg.importers.reports import share, table
from dckg.importers.tables import ntriples
from dckg.importers.twinnings import percentile
from dckg.namespaces import DCKG, DCT, ORG, RDF, RDFS, SKOS, XSD, slug, thing
from dckg.reconcile import AMBIGUOUS, MATCHED, Reconciler, parse_country
from dckg.reconcile import REGION as REGION_REASON
from dckg.reference import country_iri

UNKNOWN = "unknown"
#: Status of a member that names a region, province or grouping, not a place.
REGION = "region"
#: How near (km) a match must be to the source's point to count as "close".
CLOSE_KM = 5.0

CC_BY_4 = NamedNode("https://creativecommons.org/licenses/by/4.0/")
CC0 = NamedNode("https://creativecommons.org/publicdomain/zero/1.0/")

_A = NamedNode(RDF + "type")
_LABEL = NamedNode(RDFS + "label")

#: Words that mark a region, province, county or grouping of municipalities.
_REGION_WORDS = re.compile(
    r"\b(region|regional|regione|regi[oó]n|regi[aã]o|province|provincia|provincial|provinz|county|"
    r"comarca|comarcal|oblast|rayon|raion|district|distrikt|departement|département|"
    r"diputaci[oó]n?|diputació|deputación|diputacio|junta|xunta|generalitat|governorate|"
    r"voivodeship|wojew[oó]dztwo|kraj|landkreis|kreis|mancomunidad|mancomunitat|consorcio|"
    r"consorzio|unione|communaut[eé]|intercommunal|intermunicipal|intermunicipale|"
    r"comunidade|comunit[aà]|agglom[eé]ration|leader|sub-?region|island council|"
    r"consell comarcal|consell insular|cabildo|metropolitan|metropolitana|metropole|"
    r"m[eé]tropole|metropolis|city region)\b",
    re.IGNORECASE,
)
_METROPOLITAN_WORDS = re.compile(
    r"\b(metropolitan|metropolitana|metropole|m[eé]tropole|metropolis|city region|"
    r"agglom[eé]ration)\b",
    re.IGNORECASE,
)
_MUNICIPAL_AFFIXES = re.compile(
    r"^(?:the\s+)?(?:municipality|city|town|commune|comune|municipio|munic[ií]pio|"
    r"ayuntamiento|ajuntament|concello|c[aâ]mara municipal|c[aâ]mara|gemeinde|stadt|"
    r"marktgemeinde|markt|gmina|miasto|obec|mesto|m[eě]sto|op[cć]ina|grad|opstina|"
    r"općina|administration communale|ville|mairie|dimos|dimou|municipal council|"
    r"city council|town council|city hall|"
    r"prim[aă]ria(?:\s+(?:municipiului|ora[sșş]ului|comunei|satului|mun\.|or\.|com\.|s\.))?|"
    r"consiliul local(?:\s+al)?(?:\s+(?:municipiului|ora[sșş]ului|comunei))?|"
    r"municipiul|ora[sșş]ul|ora[sșş]|comuna)\s+(?:of\s+|de\s+|di\s+|d'|d’|du\s+|del\s+|"
    r"de la\s+|do\s+|da\s+)?"
    r"|\s+(?:municipality|municipal council|city council|town council|borough council|"
    r"district council|council|city|town|commune|kommune|kommun|urban municipality|"
    r"(?:urban |rural |settlement |village )?(?:amalgamated |almalgamated |united )?"
    r"(?:territorial )?(?:community|hromada)|atc|ac|otg|"
    r"village council|settlement council|city hall|v[aá]ros [oö]nkorm[aá]nyzata|"
    r"k[oö]zs[eé]g [oö]nkorm[aá]nyzata|nagyk[oö]zs[eé]g [oö]nkorm[aá]nyzata|"
    r"[oö]nkorm[aá]nyzata|[oö]nkorm[aá]nyzat|\d{4})$",
    re.IGNORECASE,
)
_PAREN = re.compile(r"\s*\([^)]*\)")
_QUOTES = str.maketrans({"’": "'", "‘": "'", "´": "'", "`": "'", "ʼ": "'"})


@dataclass
class Member:
    """One member as a source lists it, and what it was reconciled to."""

    key: str
    name: str
    country: str | None
    lat: float | None = None
    lon: float | None = None
    #: "given", "country centre" (a point shared by several members), "swapped" or "none".
    point: str = "none"
    status: str = UNKNOWN
    reason: str = ""
    iri: NamedNode | None = None
    offset_km: float | None = None
    matched_label: str = ""
    candidates: list[str] = field(default_factory=list)
    line: int = 0

    @property
    def matched(self) -> bool:
        return self.status == MATCHED


@dataclass
class Resolution:
    """The reconciler's answer for one member, as the importers use it."""

    status: str
    iri: NamedNode | None
    reason: str
    offset_km: float | None = None
    label: str = ""
    candidates: list[str] = field(default_factory=list)


def name_forms(name: str) -> list[str]:
    """The forms of a member's name worth looking up, the name as written first.

    >>> name_forms("OPĆINA CERNIK")
    ['OPĆINA CERNIK', 'CERNIK']
    >>> name_forms("Hamme 2030")
    ['Hamme 2030', 'Hamme']
    >>> name_forms("NOVETLÈ / NOVELÉ")
    ['NOVETLÈ / NOVELÉ', 'NOVETLÈ', 'NOVELÉ']
    >>> name_forms("Serra Sant’Abbondio")
    ["Serra Sant'Abbondio"]
    """
    found: list[str] = []

    def add(text: str) -> None:
        text = " ".join(text.split()).strip(" ,;-")
        if text and text not in found:
            found.append(text)

    plain = unicodedata.normalize("NFC", name).translate(_QUOTES)
    add(plain)
    stems = [plain, _PAREN.sub("", plain)]
    for separator in ("/", " - ", ","):
        if separator in plain:
            stems += plain.split(separator)
    for stem in stems:
        add(stem)
        stripped = _MUNICIPAL_AFFIXES.sub("", stem.strip())
        add(_MUNICIPAL_AFFIXES.sub("", stripped))
    return found


def looks_like_region(name: str) -> bool:
    """Whether a name says it is a region, province, county or grouping, not a place.

    >>> looks_like_region("Province of Barcelona"), looks_like_region("Ialoveni (Rayon)")
    (True, True)
    >>> looks_like_region("Santa Fe"), looks_like_region("Unione dei Comuni della Bassa Romagna")
    (False, True)
    """
    return bool(_REGION_WORDS.search(name))


def actor_class(name: str) -> str:
    """The dckg class of an unmatched member, from what its name says it is."""
    if _METROPOLITAN_WORDS.search(name):
        return "MetropolitanArea"
    if looks_like_region(name):
        return "Region"
    return "LocalRegionalGovernment"


def country_code(text: str | None) -> str | None:
    """The ISO alpha-2 code of a country name or code, None if unknown or empty."""
    if not text or text.strip() in ("", "-"):
        return None
    try:
        return parse_country(text.strip())
    except UsageError:
        return None


def resolve(
    reconciler: Reconciler,
    name: str,
    *,
    country: str | None,
    lat: float | None = None,
    lon: float | None = None,
    far_km: float | None = None,
) -> Resolution:
    """Reconcile one member: each form of its name, with the point where there is one.

    The first form that matches wins. A name that says it is a region is never matched
    to a place of the same name (a province is not its capital). A form that is
    ambiguous is remembered and reported if no later form matches. With ``far_km``, a
    member whose point fits no place of its name falls back to :func:`_far_point`.
    """
    if looks_like_region(name):
        return Resolution(REGION, None, "a region, province or grouping of municipalities")
    first: Resolution | None = None
    for form in name_forms(name):
        try:
            match = reconciler.reconcile(form, country=country, lat=lat, lon=lon)
        except UsageError as error:
            return Resolution(UNKNOWN, None, str(error))
        candidates = [
            f"{c.label} ({c.country or '?'}"
            + (f", {c.distance_km:.1f} km)" if c.distance_km is not None else ")")
            for c in match.candidates[:3]
        ]
        if match.status == MATCHED:
            best = match.candidates[0] if match.candidates else None
            return Resolution(
                MATCHED,
                match.iri,
                match.note,
                best.distance_km if best is not None else None,
                best.label if best is not None else "",
                candidates,
            )
        if match.status == UNKNOWN and match.reason == REGION_REASON:
            return Resolution(REGION, None, f"a region, province or district ({match.note})")
        if first is None:
            if match.status == AMBIGUOUS:
                first = Resolution(
                    AMBIGUOUS, None, match.note or "several places", None, "", candidates
                )
            else:
                first = Resolution(
                    UNKNOWN, None, _unknown_reason(match.note, lat), None, "", candidates
                )
    assert first is not None
    if first.status == UNKNOWN and lat is not None and lon is not None:
        part = _named_after(reconciler, name, country, lat, lon)
        if part is not None:
            return part
    if first.status == UNKNOWN and lat is not None and far_km:
        return _far_point(reconciler, name, country, lat, lon, far_km) or first
    return first


#: How near (km) to the source's point a town must be to match a compound name by one part.
PART_KM = 5.0
_COMPOUND = re.compile(r"\s*(?:-|–|/| e | i | y | és | und | et | and )\s*", re.IGNORECASE)


def _named_after(
    reconciler: Reconciler, name: str, country: str | None, lat: float, lon: float
) -> Resolution | None:
    """A municipality named after several towns (``Faaborg-Midtfyn``, ``Torre Beretti e
    Castellaro``): matched to the one of them that lies within :data:`PART_KM` of the
    source's point, when exactly one does."""
    parts = [p for p in _COMPOUND.split(_PAREN.sub("", name)) if len(p) >= 3]
    if len(parts) < 2:
        return None
    found: dict[str, Resolution] = {}
    for part in parts:
        match = reconciler.reconcile(part, country=country, lat=lat, lon=lon)
        best = match.candidates[0] if match.candidates else None
        offset = best.distance_km if best is not None else None
        if match.status != MATCHED or match.iri is None or best is None or offset is None:
            continue
        if offset <= PART_KM:
            reason = f"named after several places; matched to {best.label}, one of them"
            found[match.iri.value] = Resolution(MATCHED, match.iri, reason, offset, best.label, [])
    return next(iter(found.values())) if len(found) == 1 else None


def _far_point(
    reconciler: Reconciler,
    name: str,
    country: str | None,
    lat: float,
    lon: float | None,
    far_km: float,
) -> Resolution | None:
    """The only place of that name in the country, when the source's point is off by less
    than ``far_km``: sources place some members at their province's capital or a
    neighbouring town. A name shared by two places of the country is never guessed."""
    from dckg.reconcile import distance_km

    if country is None or lon is None:
        return None
    for form in name_forms(name):
        match = reconciler.reconcile(form, country=country)
        if match.status != MATCHED or match.iri is None:
            continue
        place = reconciler.place(match.iri)
        if place is None or place.lat is None or place.lon is None:
            return None
        offset = distance_km(lat, lon, place.lat, place.lon)
        if offset > far_km:
            return None
        reason = f"the source's point is {offset:.0f} km from the only place of that name"
        return Resolution(MATCHED, match.iri, reason, round(offset, 3), place.label, [])
    return None


def _unknown_reason(note: str, lat: float | None) -> str:
    if "km away" in note:
        return "the only places of that name are far from the source's point (" + note + ")"
    if lat is None:
        return "no single place of that name in that country (no usable point)"
    return "no place of that name near the source's point"


# -- RDF ---------------------------------------------------------------------------------


def literal(text: str, language: str | None = None) -> Literal:
    return Literal(text, language=language) if language else Literal(text)


def typed(value: object, datatype: str) -> Literal:
    return Literal(str(value), datatype=NamedNode(XSD + datatype))


def country_node(alpha2: str | None) -> NamedNode | None:
    import pycountry

    if alpha2 is None:
        return None
    if alpha2 == "XK":
        return country_iri("XKX")
    found = pycountry.countries.get(alpha_2=alpha2)
    return country_iri(found.alpha_3) if found is not None else None


def actor_triples(iri: NamedNode, name: str, cls: str, alpha2: str | None) -> Iterator[Triple]:
    """A minimal actor: its class, its name as the source writes it, its country."""
    yield Triple(iri, _A, NamedNode(DCKG + cls))
    yield Triple(iri, _LABEL, Literal(name))
    node = country_node(alpha2)
    if node is not None:
        yield Triple(iri, NamedNode(DCKG + "country"), node)


@dataclass
class MembershipRecord:
    """One qualified membership to write."""

    iri: NamedNode
    member: NamedNode
    network: NamedNode
    source: NamedNode
    licence: NamedNode
    role: NamedNode | None = None
    start: str | None = None
    status: NamedNode | None = None
    shortcut: bool = True
    extra: list[tuple[str, object]] = field(default_factory=list)


def listed_membership_triples(
    stem: str, member: Member, network: NamedNode, source: NamedNode, licence: NamedNode
) -> Iterator[Triple]:
    """The membership of a member that a source lists by name (the name as identifier)."""
    assert member.iri is not None
    record = MembershipRecord(
        iri=membership_iri(stem, member.key),
        member=member.iri,
        network=network,
        source=source,
        licence=licence,
        extra=[(DCT + "identifier", Literal(member.name))],
    )
    yield from membership_triples(record)


def membership_triples(record: MembershipRecord) -> Iterator[Triple]:
    iri = record.iri
    yield Triple(iri, _A, NamedNode(DCKG + "Membership"))
    yield Triple(iri, NamedNode(ORG + "member"), record.member)
    yield Triple(iri, NamedNode(ORG + "organization"), record.network)
    yield Triple(iri, NamedNode(DCT + "source"), record.source)
    yield Triple(iri, NamedNode(DCT + "license"), record.licence)
    if record.role is not None:
        yield Triple(iri, NamedNode(ORG + "role"), record.role)
    if record.start:
        yield Triple(iri, NamedNode(DCKG + "startDate"), typed(record.start, "date"))
    if record.status is not None:
        yield Triple(iri, NamedNode(DCKG + "status"), record.status)
    for predicate, value in record.extra:
        obj = value if isinstance(value, NamedNode | Literal) else Literal(str(value))
        yield Triple(iri, NamedNode(predicate), obj)
    if record.shortcut:
        yield Triple(record.member, NamedNode(DCKG + "memberOf"), record.network)


def concept_triples(
    iri: NamedNode, scheme: NamedNode, label: str, definition: str, source: NamedNode
) -> Iterator[Triple]:
    yield Triple(iri, _A, NamedNode(SKOS + "Concept"))
    yield Triple(iri, NamedNode(SKOS + "prefLabel"), Literal(label, language="en"))
    yield Triple(iri, _LABEL, Literal(label, language="en"))
    yield Triple(iri, NamedNode(SKOS + "definition"), Literal(definition, language="en"))
    yield Triple(iri, NamedNode(SKOS + "inScheme"), scheme)
    yield Triple(iri, NamedNode(SKOS + "topConceptOf"), scheme)
    yield Triple(iri, NamedNode(DCT + "source"), source)


def scheme_triples(iri: NamedNode, label: str, definition: str) -> Iterator[Triple]:
    yield Triple(iri, _A, NamedNode(SKOS + "ConceptScheme"))
    yield Triple(iri, NamedNode(SKOS + "prefLabel"), Literal(label, language="en"))
    yield Triple(iri, _LABEL, Literal(label, language="en"))
    yield Triple(iri, NamedNode(SKOS + "definition"), Literal(definition, language="en"))


def membership_iri(network: str, key: str) -> NamedNode:
    return thing("membership", f"{network}-{slug(key)}")


# -- report ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Offsets:
    """Distances (km) between the source's points and the matched places."""

    values: tuple[float, ...]

    @classmethod
    def of(cls, members: Iterable[Member]) -> Offsets:
        found = sorted(
            m.offset_km
            for m in members
            if m.matched and m.offset_km is not None and m.point in ("given", "swapped")
        )
        return cls(tuple(found))

    @property
    def median(self) -> float:
        return statistics.median(self.values) if self.values else math.nan

    @property
    def p95(self) -> float:
        return percentile(self.values, 0.95)

    @property
    def within(self) -> float:
        """The share of offsets within :data:`CLOSE_KM`."""
        if not self.values:
            return math.nan
        return sum(1 for v in self.values if v <= CLOSE_KM) / len(self.values)

    def rows(self) -> list[tuple[str, str]]:
        if not self.values:
            return [("matches with a source point", "0")]
        return [
            ("matches with a source point", f"{len(self.values):,}"),
            ("median (km)", f"{self.median:.2f}"),
            ("p95 (km)", f"{self.p95:.2f}"),
            ("max (km)", f"{self.values[-1]:.2f}"),
            (f"share within {CLOSE_KM:g} km", f"{100 * self.within:.1f} %"),
        ]


def status_counts(members: Sequence[Member]) -> Counter[str]:
    return Counter(m.status for m in members)


__all__ = [
    "CC0",
    "CC_BY_4",
    "CLOSE_KM",
    "REGION",
    "UNKNOWN",
    "Member",
    "MembershipRecord",
    "Offsets",
    "Resolution",
    "actor_class",
    "actor_triples",
    "concept_triples",
    "country_code",
    "looks_like_region",
    "membership_iri",
    "membership_triples",
    "name_forms",
    "ntriples",
    "resolve",
    "scheme_triples",
    "share",
    "slug",
    "table",
]


def network_names() -> dict[str, NamedNode]:
    """Folded labels and alternative labels of the shipped city networks, to their IRIs."""
    from dckg import rdfio
    from dckg.reconcile import normalise
    from dckg.resources import resource_dir

    path = resource_dir("data") / "networks.ttl"
    data = rdfio.read_bytes(path, max_bytes=rdfio.SHIPPED_MAX_BYTES)
    quads = list(rdfio.parse_quads(data, rdfio.guess_format(path), source=path))
    networks = {
        q.subject.value
        for q in quads
        if q.predicate.value == RDF + "type" and q.object.value == DCKG + "CityNetwork"
    }
    names: dict[str, NamedNode] = {}
    for q in quads:
        if q.subject.value in networks and q.predicate.value in (RDFS + "label", SKOS + "altLabel"):
            names.setdefault(normalise(q.object.value), NamedNode(q.subject.value))
    return names
