"""Import the twin towns of the English Wikipedia lists, merged with the Wikidata twinnings.

Input: one CSV file, ``city1,country1,lat1,lng1,city2,country2,lat2,lng2``, each row a
pair of twin towns as the English Wikipedia pages "List of twin towns and sister cities
in <country or continent>" list them (``country1`` is the page's country), with the
coordinates of both towns (Wikipedia's, else a geocoder's). The importer

1. reads every row, refusing a file whose header is not ``COLUMNS`` and reporting each
   malformed row (wrong number of columns, an empty name, a coordinate that does not
   parse or is out of range) with file and line — the import stops there unless malformed
   rows are explicitly skipped;
2. drops exact duplicate rows;
3. reconciles both towns with :mod:`dckg.reconcile` exactly as the Wikidata importer does
   (name + country + coordinates, never a name alone), with one rule more: a town found
   only in another country than the row gives is *not* accepted (the coordinates of a
   geocoded name may be those of a namesake abroad), unless that country is a territory
   of the given one (Réunion for France, the Faroe Islands for Denmark, …);
4. merges the rows of one pair of towns (listed from both towns' pages, or twice) into
   one twinning whose IRI is derived from the sorted pair of GeoNames identifiers,
   ``id/partnership/twinning-geonames-{min}-geonames-{max}`` — the same IRI the Wikidata
   importer mints, so a pair both sources state is one node;
5. writes sorted N-Triples for the graph ``graph/reference/twin-towns-wikipedia``:

   - a twinning the Wikidata graph does not hold is described whole (type, label, the two
     partners, distance) with ``dct:source`` the Wikipedia lists;
   - a twinning the Wikidata graph holds gets only this source's statement, ``dct:source``
     the Wikipedia lists and ``prov:wasDerivedFrom`` this retrieval: the union of the two
     graphs then has one twinning with two sources, and no triple twice (a triple stated in
     two graphs would be counted twice by queries that do not use DISTINCT);
   - the GeoNames places are only referred to: ``dckg init`` describes each once (the
     towns of fewer than 15,000 people in ``reference/places``); the count of those that
     the Wikidata graph does not refer to is reported.

The Wikidata graph is read from its shipped file (``data/twinnings.nt.gz``), so run this
import after the Wikidata one. Reconciliation uses exactly the shipped reference cities.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse

from dckg.datasets import dataset_triples
from dckg.errors import InputError, UsageError
from dckg.importers import reports, tables
from dckg.importers.contract import BaseImporter, Option, Source, register
from dckg.importers.tables import read_text, retrieval_triples
from dckg.importers.twinnings import (
    KEPT,
    NOT_A_SPELLING,
    Malformed,
    Resolved,
    Side,
    add_pair,
    distribution,
    on_the_name,
    place_order,
    reference_reconciler,
    sample_section,
    spelling_only,
    twinning_triples,
)
from dckg.namespaces import DCKG, DCT, GEO, PROV, RDF, RDFS, SKOS, graph, thing
from dckg.reconcile import AMBIGUOUS, MATCHED, Match, Place, Reconciler, normalise, parse_country
from dckg.reconcile import distance_km as great_circle
from dckg.reconcile.names import ADMIN_WORDS, squeeze

#: The header the file must have, in this order.
COLUMNS = ("city1", "country1", "lat1", "lng1", "city2", "country2", "lat2", "lng2")
#: The named graph ``dckg init`` loads ``data/twin-towns-wikipedia.nt.gz`` into.
DATASET = graph("reference/twin-towns-wikipedia")
#: The Wikidata twinnings graph this one is merged with.
WIKIDATA_DATASET = graph("reference/twinnings")
#: What each twinning of this graph cites: the English Wikipedia lists.
WIKIPEDIA_LISTS = NamedNode("https://en.wikipedia.org/wiki/Lists_of_twin_towns_and_sister_cities")
#: The retrieval the CSV is: the lists as compiled and geocoded by the twincities repository.
SOURCE = thing("source", "wikipedia-twin-towns-2026")
COMPILATION = NamedNode(
    "https://github.com/Hekman/twincities/blob/84ebdec/app/public/twin_cities.csv"
)
CC_BY_SA = NamedNode("https://creativecommons.org/licenses/by-sa/4.0/")
ATTRIBUTION = (
    "Wikipedia contributors, “List of twin towns and sister cities in …” (81 pages), "
    "English Wikipedia, CC BY-SA 4.0; compiled and geocoded in the Hekman/twincities "
    "repository (commit 84ebdec, February 2026)."
)
#: The remark on a place matched as the only GeoNames entry of its name with a population.
DUPLICATE_ENTRY = "several GeoNames entries of that name there: the only one with a population"
#: The remark on a place whose row gives whole-degree coordinates (too coarse to place it).
COARSE = "whole-degree coordinates: matched on name and country, within 160 km"
#: Why "City – District" is not matched when the district is not a town of GeoNames.
AFTER_THE_DASH = "a part of the town before the dash (district, parish) that is no GeoNames town"
#: Why a place is unmatched where the row names a place of its own that no gazetteer lists
#: (a municipality named otherwise than its seat, a city district, a county): such a
#: place is kept, as what the row says of it. Not kept: an ambiguous name, a name whose
#: namesakes are all more than 30 km away (the position is often a state's centroid
#: given for its capital), a namesake abroad (a geocoder's mistake).
KEPT_REASONS = ("no place of that name", "looks like a region or district", AFTER_THE_DASH)
#: Why a place no gazetteer lists is not kept: its position is abroad.
PLACED_ABROAD = "not kept: the GeoNames places around the row's position are all in other countries"
#: How far around a position (km) GeoNames places tell which country it is in.
ABROAD_KM = 25.0
#: The class of a place of its own: the most general of the local and regional
#: governments (the lists name towns, districts, counties and regions alike).
OWN_PLACE_CLASS = NamedNode(DCKG + "LocalRegionalGovernment")
#: Files larger than this are refused (bytes).
MAX_FILE_BYTES = 50_000_000

#: Country names of the lists that ISO 3166 and the reconciler's aliases do not know.
COUNTRY_NAMES = {
    "england": "GB",
    "scotland": "GB",
    "wales": "GB",
    "northern ireland": "GB",
    "georgia country": "GE",
    "republic of ireland": "IE",
    "northern cyprus": "CY",
    "moldavia": "MD",
    "madagaskar": "MG",
    "kazakhstah": "KZ",
    "grece": "GR",
    "surinam": "SR",
    "bosnia and hercegovina": "BA",
    "west bank": "PS",
    "micronesia": "FM",
    "congo": "CG",  # the lists' "Congo" rows are Brazzaville and Pointe-Noire
    "western sahara": "EH",
    "in italy": "IT",
}
#: Territories GeoNames files under their own code, by the country a list may give instead.
TERRITORIES = {
    "FR": frozenset("GP MQ RE GF YT PM NC PF WF BL MF".split()),
    "NL": frozenset("AW CW SX BQ".split()),
    "GB": frozenset("IM JE GG GI FK BM KY VG MS AI TC SH".split()),
    "DK": frozenset("FO GL".split()),
    "FI": frozenset({"AX"}),
    "NO": frozenset({"SJ"}),
    "US": frozenset("PR GU VI MP AS".split()),
    "CN": frozenset("HK MO".split()),
    "NZ": frozenset("CK NU".split()),
    "AU": frozenset("NF CX CC".split()),
}
_A = NamedNode(RDF + "type")
_DASH = re.compile(r"\s+[–—-]\s+")
_TWINNING = NamedNode(DCKG + "Twinning")
_CITY = NamedNode(DCKG + "City")
_PARTNER = NamedNode(DCKG + "partner")
_REGION_WORDS = re.compile(
    r"\b(district|region|county|province|provincia|oblast|voivodeship|department|"
    r"prefecture|canton|borough|arrondissement|kraj|okres|powiat|raion|rayon|governorate|"
    r"state|municipality|regional unit|metropolitan|area)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Row:
    """One well-formed CSV row: the listed town (``city1``) and its twin."""

    line: int
    listed: Side
    twin: Side


@dataclass
class Twinning:
    """One twinning between two matched towns, merged from one or more rows."""

    a: Place
    b: Place
    rows: int = 0
    directions: Counter[tuple[str, str]] = field(default_factory=Counter)
    lists: set[str] = field(default_factory=set)

    @property
    def iri(self) -> NamedNode:
        return twinning_iri(self.a, self.b)

    @property
    def own(self) -> bool:
        """Whether a partner is a place of its own (not a GeoNames town)."""
        return self.a.geonames_id is None or self.b.geonames_id is None

    @property
    def distance_km(self) -> float:
        return great_circle(self.a.lat, self.a.lon, self.b.lat, self.b.lon)  # type: ignore[arg-type]


def twinning_iri(a: Place, b: Place) -> NamedNode:
    """The IRI of the twinning of two places, the same whichever comes first.

    Two GeoNames places: ``twinning-geonames-{lower id}-geonames-{higher id}``, the IRI
    the Wikidata importer mints. With a place of its own: ``twinning-{key}-{key}`` of the
    two places' keys (the last part of their IRIs), GeoNames places first.

    >>> p = Place("x", "A", "FR", 0.0, 0.0, frozenset(), geonames_id=7)
    >>> q = Place("y", "B", "DE", 0.0, 0.0, frozenset(), geonames_id=3)
    >>> twinning_iri(p, q).value == twinning_iri(q, p).value
    True
    >>> twinning_iri(p, q).value
    'https://w3id.org/dckg/id/partnership/twinning-geonames-3-geonames-7'
    """
    if a.geonames_id is not None and b.geonames_id is not None:
        low, high = sorted((a.geonames_id, b.geonames_id))
        return thing("partnership", f"twinning-geonames-{low}-geonames-{high}")
    first, second = sorted((a, b), key=place_order)
    return thing("partnership", f"twinning-{_local(first)}-{_local(second)}")


def _local(place: Place) -> str:
    return place.key.rstrip("/").rsplit("/", 1)[-1]


#: Two ways of writing one place within this distance (km) are one place.
SAME_PLACE_KM = 15.0
_IN_PARENTHESES = re.compile(r"^(.+?)\s*\(([^()]+)\)$")


def district_name(label: str) -> str:
    """The name a place is written under, without the town the lists set it in: ``Seoul –
    Gangnam`` and ``Gangnam (Seoul)`` are both Gangnam, ``Budapest II (Budapest)`` is
    Budapest II; a name in one part is itself (folded).

    >>> district_name("Soure – Samuel"), district_name("Samuel (Soure)")
    ('samuel', 'samuel')
    >>> district_name("Budapest II (Budapest)"), district_name("Budapest II")
    ('budapest ii', 'budapest ii')
    """
    parts = _DASH.split(label)
    if len(parts) == 2 and all(p.strip() for p in parts):
        return normalise(parts[1])
    found = _IN_PARENTHESES.match(label.strip())
    if found:
        return normalise(found.group(1))
    return normalise(label)


def own_place_keys(
    sides: list[tuple[tuple, str, int]],
) -> dict[tuple, tuple[str, str, float, float]]:
    """The place of its own of each kept side, from (side key, country code, rows).

    A side is (label, country as written, lat, lon). Sides of one country that write one
    place in two ways — ``Soure – Samuel`` and ``Samuel (Soure)``, ``Newham`` at two
    positions, the country as ``England`` or ``England, United Kingdom`` — are one place
    when their :func:`district_name` is one and they are less than :data:`SAME_PLACE_KM`
    apart. The place is the side written in most rows (then the first in sort order):
    its key is (country code, label, lat, lon).
    """
    buckets: dict[tuple[str, str], list[tuple[tuple, int]]] = {}
    for key, country, rows in sides:
        buckets.setdefault((country, district_name(key[0])), []).append((key, rows))
    chosen: dict[tuple, tuple[str, str, float, float]] = {}
    for (country, _), members in sorted(buckets.items()):
        members.sort(key=lambda m: (-m[1], m[0][0], m[0][1], m[0][2], m[0][3]))
        groups: list[list[tuple]] = []
        for key, _rows in members:
            for group in groups:
                if any(
                    great_circle(key[2], key[3], other[2], other[3]) < SAME_PLACE_KM
                    for other in group
                ):
                    group.append(key)
                    break
            else:
                groups.append([key])
        for group in groups:
            first = group[0]
            for key in group:
                chosen[key] = (country, first[0], first[2], first[3])
    return chosen


def own_place_iri(country: str, label: str, lat: float, lon: float) -> NamedNode:
    """The IRI of a place of its own, minted from what identifies it: the country (ISO
    code), the name as written and the coordinates as written.

    >>> own_place_iri("HU", "Budapest I – Budavár", 47.5049, 19.0303).value
    'https://w3id.org/dckg/id/place/wikipedia-hu-budapest-i-budavar-d0c25311e3'
    """
    digest = hashlib.sha256(f"{country}\t{label}\t{lat!r}\t{lon!r}".encode()).hexdigest()
    slug = re.sub(r"[^a-z0-9]+", "-", normalise(label)).strip("-")[:60].strip("-")
    return thing("place", f"wikipedia-{country.lower()}-{slug or 'place'}-{digest[:10]}")


@dataclass
class Merged:
    """What the Wikidata graph already holds: its twinnings and the cities it adds."""

    twinnings: frozenset[str] = frozenset()
    cities: frozenset[str] = frozenset()
    source: str = ""


@dataclass
class ImportResult:
    """Everything the import found, counted, and produced."""

    file: str
    merged: Merged
    rows_read: int = 0
    malformed: list[Malformed] = field(default_factory=list)
    duplicate_rows: int = 0
    rows_matched: int = 0
    rows_ambiguous: int = 0
    rows_unmatched: int = 0
    rows_kept: int = 0
    same_city_rows: int = 0
    repeated_rows: int = 0
    reversed_rows: int = 0
    unknown_countries: Counter[str] = field(default_factory=Counter)
    sides: dict[tuple, Resolved] = field(default_factory=dict)
    twinnings: dict[str, Twinning] = field(default_factory=dict)
    new_cities: dict[str, Place] = field(default_factory=dict)
    #: The places of their own, by (country code, name, latitude, longitude).
    own_places: dict[tuple[str, str, float, float], Place] = field(default_factory=dict)
    #: The place of its own of each kept side (label, country as written, lat, lon).
    own_keys: dict[tuple, tuple[str, str, float, float]] = field(default_factory=dict)
    #: The ways the rows write each place of its own.
    own_names: dict[str, set[str]] = field(default_factory=dict)
    #: Twinnings with a county or district kept as a place of its own that are the
    #: twinning of the same partner with the town it is named after: IRI -> (the place
    #: of its own, the town, the partner).
    named_after: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    @property
    def pairs_both_directions(self) -> int:
        return sum(1 for t in self.twinnings.values() if len(t.directions) == 2)

    @property
    def in_both(self) -> list[Twinning]:
        """The twinnings the Wikidata graph holds too."""
        return [t for k, t in self.twinnings.items() if k in self.merged.twinnings]

    @property
    def only_here(self) -> list[Twinning]:
        return [t for k, t in self.twinnings.items() if k not in self.merged.twinnings]

    @property
    def with_own_place(self) -> list[Twinning]:
        """The twinnings with a partner kept as a place of its own."""
        return [t for t in self.twinnings.values() if t.own]

    def own_place(self, resolved: Resolved) -> Place:
        """The place of its own a kept side is: one per country, name and coordinates,
        however many rows (and however the rows write the country) name it."""
        side = resolved.side
        key = self.own_keys[(side.label, side.country, side.lat, side.lon)]
        place = self.own_places.get(key)
        if place is None:
            country, label, lat, lon = key
            place = Place(
                key=own_place_iri(*key).value,
                label=label,
                country=country,
                lat=lat,
                lon=lon,
                classes=frozenset({"LocalRegionalGovernment"}),
                in_store=False,
            )
            self.own_places[key] = place
        self.own_names.setdefault(place.key, set()).add(side.label)
        return place

    def side_counts(self) -> Counter[str]:
        return Counter(r.status for r in self.sides.values())

    def offsets_km(self) -> list[float]:
        """Distance between the row's position and the matched GeoNames town, per place."""
        found = []
        for resolved in self.sides.values():
            if resolved.status == MATCHED and resolved.match and resolved.match.candidates:
                distance = resolved.match.candidates[0].distance_km
                if distance is not None:
                    found.append(distance)
        return sorted(found)


# -- reading ---------------------------------------------------------------------------------


def list_country(text: str) -> str | None:
    """The ISO alpha-2 code of a country as the lists write it, or None if not known.

    The whole name is tried first, then each part after a comma from the last:
    ``England, United Kingdom`` → GB, ``Brandenburg, Germany`` → DE, ``Réunion, France``
    → FR (a town GeoNames files under RE is then accepted as in a territory of FR).

    >>> list_country("England, United Kingdom"), list_country("Georgia (country)")
    ('GB', 'GE')
    >>> list_country("Réunion, France"), list_country("Brandenburg, Germany")
    ('FR', 'DE')
    >>> list_country("") is None, list_country("Atlantis") is None
    (True, True)
    """
    parts = [text.strip()] + [p.strip() for p in text.split(",")[::-1] if "," in text]
    for part in parts:
        if not part:
            continue
        alias = COUNTRY_NAMES.get(normalise(part))
        if alias:
            return alias
        try:
            return parse_country(part)
        except UsageError:
            continue
    return None


def read_csv(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> tuple[list[Row], list[Malformed]]:
    """The rows of the file and its malformed lines.

    Raises :class:`~dckg.errors.InputError` for a file that cannot be read at all: missing,
    too large, not UTF-8, empty, or with a header other than :data:`COLUMNS`.
    """
    text = read_text(path, max_bytes=max_bytes)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise InputError(f"malformed CSV: {error}", source=path, line=1) from None
    if not header or not any(cell.strip() for cell in header):
        raise InputError("empty file: expected a header line", source=path, line=1)
    if tuple(cell.strip() for cell in header) != COLUMNS:
        raise InputError(
            f"unexpected header; expected the {len(COLUMNS)} columns {','.join(COLUMNS)}",
            source=path,
            line=1,
        )
    rows: list[Row] = []
    malformed: list[Malformed] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            malformed.append(Malformed(path.name, start, f"malformed CSV: {error}"))
            continue
        if not cells or not any(c.strip() for c in cells):
            continue
        try:
            rows.append(_parse_row(cells, start))
        except ValueError as error:
            malformed.append(Malformed(path.name, start, str(error)))
    return rows, malformed


def _parse_row(cells: list[str], line: int) -> Row:
    if len(cells) != len(COLUMNS):
        raise ValueError(f"{len(cells)} columns instead of {len(COLUMNS)}")
    values = dict(zip(COLUMNS, (c.strip() for c in cells), strict=True))
    sides = []
    for n in ("1", "2"):
        label = values["city" + n]
        if not label:
            raise ValueError(f"empty city{n}")
        sides.append(
            Side(
                label=label,
                country=values["country" + n],
                lat=_coordinate(values, "lat" + n, 90),
                lon=_coordinate(values, "lng" + n, 180),
                population=None,
            )
        )
    return Row(line, sides[0], sides[1])


def _coordinate(values: dict[str, str], column: str, limit: float) -> float:
    raw = values[column]
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(f"{column}: not a number: {raw!r}") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise ValueError(f"{column}: {raw} is out of range")
    return number


def read_merged(path: Path | None) -> Merged:
    """The twinnings and the partner cities of the Wikidata twinnings file (N-Triples, .gz)."""
    if path is None:
        return Merged()
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", source=path) from None
    if path.suffix == ".gz":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as error:
            raise InputError(f"not gzip: {error}", source=path) from None
    twinnings, cities = set(), set()
    try:
        for triple in parse(data, format=RdfFormat.N_TRIPLES):
            if triple.predicate == _A and isinstance(triple.subject, NamedNode):
                if triple.object == _TWINNING:
                    twinnings.add(triple.subject.value)
                elif triple.object == _CITY:
                    cities.add(triple.subject.value)
            elif triple.predicate == _PARTNER and isinstance(triple.object, NamedNode):
                cities.add(triple.object.value)
    except SyntaxError as error:
        raise InputError(f"not N-Triples: {error}", source=path) from None
    return Merged(frozenset(twinnings), frozenset(cities), path.name)


# -- importing -------------------------------------------------------------------------------


def import_wikipedia_twinnings(
    path: Path,
    *,
    merge_with: Path | None = None,
    reconciler: Reconciler | None = None,
    skip_malformed: bool = False,
) -> ImportResult:
    """Read, reconcile and merge the twin towns of the CSV file.

    Raises :class:`~dckg.errors.InputError` listing every malformed row (file and line)
    unless ``skip_malformed``, in which case they are counted and listed in the result.
    """
    rows, malformed = read_csv(path)
    result = ImportResult(file=path.name, merged=read_merged(merge_with))
    result.malformed = malformed
    result.rows_read = len(rows) + len(malformed)
    if malformed and not skip_malformed:
        listed = "; ".join(str(m) for m in malformed[:20])
        more = len(malformed) - 20
        raise InputError(
            f"{len(malformed)} malformed row(s): {listed}"
            + (f"; and {more} more" if more > 0 else ""),
            source=path,
            line=malformed[0].line,
        )
    reconciler = reconciler or reference_reconciler()
    seen: set[tuple[Side, Side]] = set()
    unique: list[Row] = []
    for row in rows:
        if (row.listed, row.twin) in seen:
            result.duplicate_rows += 1
            continue
        seen.add((row.listed, row.twin))
        unique.append(row)
    _resolve_sides(result, reconciler, unique)
    for row in unique:
        _add_row(result, reconciler, row)
    _fold_named_after(result, reconciler)
    return result


#: A county or district named after a town lies this close (km) to it.
NAMED_AFTER_KM = 30.0
_HEAD_WORDS = ADMIN_WORDS | {"of", "the", "city", "council"}


def _core(label: str) -> tuple[str, ...]:
    """The words of a place's name without the town the lists set it in and without its
    leading administrative words (``County Monaghan`` → ``monaghan``)."""
    words = district_name(label).split()
    while words and words[0] in _HEAD_WORDS:
        words.pop(0)
    return tuple(words)


def named_after(own: Place, town: Place) -> bool:
    """Whether a place of its own is a county or district named after ``town``: its name
    is the town's whole name and administrative words (``Gołdap County``, ``County
    Monaghan``, ``Vilnius District Municipality``; not ``Prague 1``, ``Hammersmith and
    Fulham``), and the town lies within :data:`NAMED_AFTER_KM` in the same country.

    >>> p = Place("o", "County Monaghan", "IE", 54.2, -6.9, frozenset())
    >>> named_after(p, Place("t", "Monaghan", "IE", 54.25, -6.97, frozenset(), geonames_id=1))
    True
    >>> named_after(p, Place("t", "Monaghan", "IE", 53.0, -6.97, frozenset(), geonames_id=1))
    False
    >>> q = Place("o", "Misso (Võru Parish)", "EE", 57.6, 27.2, frozenset())
    >>> named_after(q, Place("t", "Võru", "EE", 57.8, 27.0, frozenset(), geonames_id=2))
    False
    >>> r = Place("o", "Prague 1 (Prague)", "CZ", 50.09, 14.42, frozenset())
    >>> named_after(r, Place("t", "Prague", "CZ", 50.09, 14.42, frozenset(), geonames_id=3))
    False
    """
    town_words = tuple(normalise(town.label).split())
    own_words = _core(own.label)
    if not town_words or own_words[: len(town_words)] != town_words:
        return False
    if not set(own_words[len(town_words) :]) <= _HEAD_WORDS:
        return False  # more than an administrative word: Prague 1, Hammersmith and Fulham
    if own.country != town.country or None in (own.lat, own.lon, town.lat, town.lon):
        return False
    return great_circle(own.lat, own.lon, town.lat, town.lon) <= NAMED_AFTER_KM  # type: ignore[arg-type]


def _fold_named_after(result: ImportResult, reconciler: Reconciler) -> None:
    """A partner twinned both with a town and with a county or district named after it
    (kept as a place of its own) has one twinning, with the town: the Wikidata graph or
    another row names the town, this row the county around it (``Kazlų Rūda – Gołdap`` and
    ``Kazlų Rūda – Gołdap County``). The county's row is merged into the town's twinning."""
    for key, twinning in list(result.twinnings.items()):
        own = [p for p in (twinning.a, twinning.b) if p.geonames_id is None]
        if len(own) != 1:
            continue
        partner = twinning.b if own[0] is twinning.a else twinning.a
        town = _town_named(result, reconciler, own[0], partner)
        if town is None:
            continue
        iri = twinning_iri(partner, town).value
        low, high = sorted((partner, town), key=place_order)
        merged = result.twinnings.setdefault(iri, Twinning(low, high))
        merged.rows += twinning.rows
        for (one, other), count in twinning.directions.items():
            direction = (
                town.key if one == own[0].key else one,
                town.key if other == own[0].key else other,
            )
            merged.directions[direction] += count
        merged.lists |= twinning.lists
        if not town.in_store and town.key not in result.merged.cities:
            result.new_cities[town.key] = town
        del result.twinnings[key]
        result.named_after[key] = (own[0].label, town.label, partner.label)
    used = {p.key for t in result.twinnings.values() for p in (t.a, t.b)}
    for place_key, place in list(result.own_places.items()):
        if place.key not in used:
            del result.own_places[place_key]


def _town_named(
    result: ImportResult, reconciler: Reconciler, own: Place, partner: Place
) -> Place | None:
    """The GeoNames town a place of its own is named after that ``partner`` is twinned
    with too (in the Wikidata graph or in another row), nearest first; None if none."""
    if own.lat is None or own.lon is None:
        return None
    for _, town in reconciler.near(own.lat, own.lon, NAMED_AFTER_KM):
        if town.geonames_id is None or not named_after(own, town):
            continue
        iri = twinning_iri(partner, town).value
        if iri in result.twinnings or iri in result.merged.twinnings:
            return town
    return None


def _resolve_sides(result: ImportResult, reconciler: Reconciler, rows: list[Row]) -> None:
    """Reconcile every distinct side once, then decide which kept sides are one place."""
    written: Counter[tuple[str, str, float, float]] = Counter()
    for row in rows:
        for side in (row.listed, row.twin):
            key = (side.label, side.country, side.lat, side.lon)
            written[key] += 1
            if key not in result.sides:
                result.sides[key] = _reconcile_side(result, reconciler, side)
    kept = [(key, resolved) for key, resolved in result.sides.items() if resolved.status == KEPT]
    result.own_keys = own_place_keys(
        [(key, list_country(r.side.country) or "", written[key]) for key, r in kept]
    )


def _add_row(result: ImportResult, reconciler: Reconciler, row: Row) -> None:
    twinning = add_pair(
        result,
        reconciler,
        row.listed,
        row.twin,
        _reconcile_side,
        Twinning,
        known_cities=result.merged.cities,
        own_place=result.own_place,
    )
    if twinning is not None:
        twinning.lists.add(row.listed.country)


def _reconcile_side(result: ImportResult, reconciler: Reconciler, side: Side) -> Resolved:
    country = list_country(side.country)
    if country is None:
        result.unknown_countries[side.country] += 1
    match = reconciler.reconcile(side.label, country=country, lat=side.lat, lon=side.lon)
    part = _DASH.split(side.label)
    whole = (
        match.status == MATCHED and not match.reason and on_the_name(reconciler, side.label, match)
    )
    if not whole and len(part) == 2 and part[1]:
        # "Tukums – Kandava": the town Kandava, listed under its municipality or city.
        inner = reconciler.reconcile(part[1], country=country, lat=side.lat, lon=side.lon)
        if (
            inner.status == MATCHED
            and not inner.note.startswith("found only")
            and spelling_only(reconciler, part[1], inner)
        ):
            return Resolved(side, MATCHED, inner, "matched on the name after the dash")
    if not whole and len(part) == 2 and part[1] and match.status == MATCHED:
        # "Sarajevo – Stari Grad": the lists name a district after its city; the town the
        # whole name matches is the city, not the district.
        return _kept_or_unknown(reconciler, side, country, match, AFTER_THE_DASH)
    if match.status == MATCHED and not spelling_only(reconciler, side.label, match):
        return Resolved(side, "unknown", match, NOT_A_SPELLING)
    if match.status == MATCHED:
        if match.note.startswith("whole-degree"):
            return Resolved(side, MATCHED, match, COARSE)
        if not match.note.startswith("found only"):
            return Resolved(side, MATCHED, match, "")
        place = reconciler.place(match.iri)  # type: ignore[arg-type]
        found = place.country if place else None
        if country is not None and found in TERRITORIES.get(country, frozenset()):
            return Resolved(side, MATCHED, match, "matched in a territory of the given country")
        return Resolved(
            side,
            "unknown",
            match,
            f"the only place of that name in reach is in {found}, not the list's country",
        )
    if match.status == AMBIGUOUS:
        entry = _duplicate_entry(match)
        if entry is not None:
            return Resolved(side, MATCHED, entry, DUPLICATE_ENTRY)
        return Resolved(side, AMBIGUOUS, match, "several places of that name at that position")
    if _REGION_WORDS.search(side.label):
        reason = "looks like a region or district"
    elif "km away" in match.note:
        reason = f"no place of that name within {reconciler.max_km:g} km"
    else:
        reason = "no place of that name"
    return _kept_or_unknown(reconciler, side, country, match, reason)


def _kept_or_unknown(
    reconciler: Reconciler, side: Side, country: str | None, match: Match, reason: str
) -> Resolved:
    """A side no gazetteer lists: kept as a place of its own where the row identifies it
    (a reason of :data:`KEPT_REASONS`, a country the importer knows, a position in that
    country), else unmatched."""
    if reason not in KEPT_REASONS or country is None or _alpha3(country) is None:
        return Resolved(side, "unknown", match, reason)
    if _placed_abroad(reconciler, side, country):
        return Resolved(side, "unknown", match, PLACED_ABROAD)
    return Resolved(side, KEPT, match, reason)


def _placed_abroad(reconciler: Reconciler, side: Side, country: str) -> bool:
    """Whether the GeoNames places around the row's position are all of other countries
    than the row's (a geocoder put the name abroad: ``Western AO (Moscow)`` in Perth)."""
    around = reconciler.near(side.lat, side.lon, ABROAD_KM)
    found = {p.country for _, p in around if p.country}
    return bool(found) and not found & ({country} | TERRITORIES.get(country, frozenset()))


def _alpha3(country: str) -> str | None:
    import pycountry

    found = pycountry.countries.get(alpha_2=country)
    return found.alpha_3 if found is not None else None


def _duplicate_entry(match: Match) -> Match | None:
    """One GeoNames entry among several of one name at one position, when only it has a
    population (the others are duplicates without one, such as a seat entered twice):
    ``Fuzhou`` at 26.07 N 119.30 E is Fuzhou (1810821, 3.7 million people), not the entry
    without a population 1.2 km nearer. None when that does not single one out."""
    found = [c for c in match.candidates if c.distance_km is not None]
    if len(found) < 2:
        return None
    reach = 2 * (found[0].distance_km or 0.0) + 1.0
    close = [c for c in found if (c.distance_km or 0.0) <= reach]
    if len({squeeze(normalise(c.label)) for c in close}) != 1:
        return None
    peopled = [c for c in close if c.population]
    if len(peopled) != 1:
        return None
    chosen = peopled[0]
    ranked = [chosen] + [c for c in match.candidates if c is not chosen]
    return Match(MATCHED, chosen.iri, ranked, "the only entry of that name with a population")


# -- writing ---------------------------------------------------------------------------------


def triples(result: ImportResult) -> Iterator[Triple]:
    """The RDF of the import: the data set, the twinnings and the places of its own. The
    GeoNames places are only referred to: ``dckg init`` describes each once
    (``reference/cities`` and ``reference/places``)."""
    yield from _dataset_triples(result)
    for key, twinning in result.twinnings.items():
        yield from _twinning_triples(twinning, whole=key not in result.merged.twinnings)
    for place in result.own_places.values():
        yield from own_place_triples(place, result.own_names.get(place.key, ()))


def own_place_triples(place: Place, written: Iterable[str] = ()) -> Iterator[Triple]:
    """A place of its own, with what the rows say of it and nothing more: the class of
    local and regional governments, the name (and, as ``skos:altLabel``, the other ways
    the rows write it), the country and the coordinates as written (a point geometry, as
    the cities have), the lists and the compiled file as sources."""
    iri = place.iri
    assert place.country is not None and place.lat is not None and place.lon is not None
    yield Triple(iri, _A, OWN_PLACE_CLASS)
    yield Triple(iri, NamedNode(RDFS + "label"), Literal(place.label))
    for name in sorted(set(written) - {place.label}):
        yield Triple(iri, NamedNode(SKOS + "altLabel"), Literal(name))
    yield Triple(iri, NamedNode(DCKG + "country"), thing("country", _alpha3(place.country) or ""))
    yield Triple(iri, NamedNode(DCT + "source"), WIKIPEDIA_LISTS)
    yield Triple(iri, NamedNode(DCT + "source"), COMPILATION)
    geometry = NamedNode(iri.value + "#geometry")
    yield Triple(iri, NamedNode(GEO + "hasGeometry"), geometry)
    yield Triple(geometry, _A, NamedNode(GEO + "Geometry"))
    wkt = f"POINT({float(place.lon)} {float(place.lat)})"
    yield Triple(
        geometry, NamedNode(GEO + "asWKT"), Literal(wkt, datatype=NamedNode(GEO + "wktLiteral"))
    )


def _dataset_triples(result: ImportResult) -> Iterator[Triple]:
    counts = result.side_counts()
    description = (
        "Twin towns and sister cities as the English Wikipedia lists them (“List of twin "
        "towns and sister cities in …”, 81 pages), with both towns reconciled to GeoNames by "
        f"name, country and coordinates: {result.rows_read:,} rows read, "
        f"{result.rows_matched:,} with both towns matched, {result.rows_kept:,} with a town "
        f"kept as a place of its own and the other matched or kept, {result.rows_ambiguous:,} "
        f"with an ambiguous town, {result.rows_unmatched:,} with an unmatched town (distinct "
        f"places: {counts[MATCHED]:,} matched, {counts[KEPT]:,} kept as places of their own, "
        f"{counts[AMBIGUOUS]:,} ambiguous, {counts['unknown']:,} unmatched); "
        f"{len(result.twinnings):,} twinnings "
        f"({len(result.with_own_place):,} with a place of its own), of which "
        f"{len(result.in_both):,} are also in the Wikidata twinnings graph (the same node, "
        f"this graph adding only its source) and {len(result.only_here):,} only here; "
        f"{len(result.new_cities):,} towns of fewer than 15,000 people not in the Wikidata "
        "graph, described from GeoNames in the graph of such places; "
        f"{len(result.own_places):,} places no gazetteer lists (municipalities named "
        "otherwise than their seat, city districts, counties) described as the rows give "
        "them: name, country, coordinates. The lists give no dates and no themes."
    )
    yield from dataset_triples(
        DATASET,
        title="Twin towns and sister cities (English Wikipedia, 2026)",
        description=description,
        sources=[WIKIPEDIA_LISTS],
        licence=CC_BY_SA,
        citation=ATTRIBUTION,
    )
    yield from retrieval_triples(
        DATASET,
        SOURCE,
        label="English Wikipedia lists of twin towns, compiled and geocoded",
        sources=[WIKIPEDIA_LISTS, COMPILATION],
        license=CC_BY_SA,
        created="2026-02",
    )


def _twinning_triples(twinning: Twinning, *, whole: bool) -> Iterator[Triple]:
    iri = twinning.iri
    yield Triple(iri, NamedNode(DCT + "source"), WIKIPEDIA_LISTS)
    yield Triple(iri, NamedNode(PROV + "wasDerivedFrom"), SOURCE)
    if whole:
        yield from twinning_triples(twinning)


def ntriples(result: ImportResult) -> bytes:
    """The import as N-Triples, one statement a line, sorted, without repeats."""
    return tables.ntriples(triples(result))


# -- report ----------------------------------------------------------------------------------


def within(values: Sequence[float], km: float) -> float:
    """The share of values at most ``km``.

    >>> within([1.0, 2.0, 6.0, 8.0], 5)
    0.5
    """
    return sum(1 for v in values if v <= km) / len(values) if values else float("nan")


def report_markdown(
    result: ImportResult, *, command: str = "dckg import-wikipedia-twinnings"
) -> str:
    """The import report, in Markdown."""
    counts = result.side_counts()
    reasons = Counter(_reason_group(r.reason) for r in result.sides.values() if r.reason)
    close = close_own_places(result)
    return reports.render(
        "wikipedia-twinnings",
        command=command,
        file=result.file,
        lists=WIKIPEDIA_LISTS.value,
        compilation=COMPILATION.value,
        merged=result.merged.source or "none",
        merged_twinnings=len(result.merged.twinnings),
        counts=[(k, f"{v:,}") for k, v in _count_rows(result)],
        statuses=[(s, f"{counts[s]:,}") for s in (MATCHED, KEPT, AMBIGUOUS, "unknown")],
        kept_reasons=KEPT_REASONS,
        reasons=[(k, f"{v:,}") for k, v in reasons.most_common()],
        coarse=sum(1 for r in result.sides.values() if r.reason == COARSE),
        offsets=distribution(result.offsets_km(), within_km=5),
        sample=sample_section(result.sides, seed=2026, name_header="name"),
        **_far_rows(result),
        unmatched=_unmatched_rows(result),
        own_places=len(result.own_places),
        kept=_kept_rows(result),
        close_total=len(close),
        close=[(p, a.label, b.label, f"{d:.1f}") for p, a, b, d in close[:40]],
        named_after=sorted(result.named_after.values(), key=lambda v: (v[0], v[2])),
        named_after_km=f"{NAMED_AFTER_KM:g}",
        unknown_countries=[
            (k or "(empty)", v) for k, v in sorted(result.unknown_countries.items())
        ],
        malformed=result.malformed,
    )


def _count_rows(result: ImportResult) -> list[tuple[str, int]]:
    """The rows of the counts table: rows read and what became of them, twinnings, places."""
    return [
        ("rows read", result.rows_read),
        ("malformed rows (skipped, listed below)", len(result.malformed)),
        ("exact duplicate rows dropped", result.duplicate_rows),
        ("rows with both towns matched", result.rows_matched),
        (
            "rows with a town kept as a place of its own, the other matched or kept",
            result.rows_kept,
        ),
        ("rows with an ambiguous town (none unmatched)", result.rows_ambiguous),
        ("rows with an unmatched town", result.rows_unmatched),
        ("matched rows with the same town on both sides (dropped)", result.same_city_rows),
        ("matched rows repeating a pair from the same page (merged)", result.repeated_rows),
        ("matched rows giving a pair from the other town's page (merged)", result.reversed_rows),
        (
            "twinnings with a county or district named after a town the partner is twinned "
            "with too (merged into the town's twinning, listed below)",
            len(result.named_after),
        ),
        ("twinnings", len(result.twinnings)),
        ("… with a partner kept as a place of its own", len(result.with_own_place)),
        ("… also in the Wikidata twinnings (one node, two sources)", len(result.in_both)),
        ("… only in the Wikipedia lists (described whole)", len(result.only_here)),
        (
            "twinnings after merging (Wikidata + Wikipedia only)",
            len(result.merged.twinnings) + len(result.only_here),
        ),
        (
            "towns of < 15,000 people not in the Wikidata graph (GeoNames, in reference/places)",
            len(result.new_cities),
        ),
        ("places kept as places of their own", len(result.own_places)),
    ]


def _reason_group(reason: str) -> str:
    if reason.startswith("the only place of that name in reach is in"):
        return "the only place of that name in reach is in another country (geocoded namesake)"
    return reason


def _far_rows(result: ImportResult, km: float = 10.0) -> dict[str, object]:
    """The matches more than ``km`` from the row's position: how many, the 40 farthest."""
    far = sorted(
        (
            (r.match.candidates[0].distance_km or 0.0, r)
            for r in result.sides.values()
            if r.status == MATCHED and r.match and r.match.candidates
            if (r.match.candidates[0].distance_km or 0.0) > km
        ),
        key=lambda dr: (-dr[0], dr[1].side.label),
    )
    return {
        "far_km": f"{km:g}",
        "far_total": len(far),
        "far": [
            (
                r.side.label,
                r.side.country,
                r.match.candidates[0].label,
                r.match.candidates[0].iri.value.rsplit("-", 1)[-1],
                f"{d:.1f}",
            )
            for d, r in far[:40]
            if r.match
        ],
    }


def _unmatched_rows(result: ImportResult) -> list[tuple[str, str, str, int, str, str]]:
    """The places neither matched nor kept, most rows first (60)."""
    unknown = sorted(
        (r for r in result.sides.values() if r.status not in (MATCHED, KEPT)),
        key=lambda r: (-r.rows, r.side.label, r.side.country),
    )[:60]
    return [
        (
            r.side.label,
            r.side.country,
            f"{r.side.lat:.4f}, {r.side.lon:.4f}",
            r.rows,
            r.status,
            r.reason,
        )
        for r in unknown
    ]


def _kept_rows(result: ImportResult) -> list[tuple[str, str, str, int, str, str]]:
    """The places kept as places of their own, most rows first (40)."""
    kept = sorted(
        (r for r in result.sides.values() if r.status == KEPT),
        key=lambda r: (-r.rows, r.side.label, r.side.country),
    )
    return [
        (
            r.side.label,
            r.side.country,
            f"{r.side.lat:.4f}, {r.side.lon:.4f}",
            r.rows,
            r.reason,
            result.own_place(r).iri.value.rsplit("/", 1)[-1],
        )
        for r in kept[:40]
    ]


def close_own_places(
    result: ImportResult, km: float = 15.0
) -> list[tuple[str, Place, Place, float]]:
    """(partner label, place, place, km) for two places of their own of one country, less
    than ``km`` apart, twinned with one partner."""
    by_partner: dict[str, list[Place]] = {}
    labels: dict[str, str] = {}
    for twinning in result.with_own_place:
        for one, other in ((twinning.a, twinning.b), (twinning.b, twinning.a)):
            if other.geonames_id is None:
                by_partner.setdefault(one.key, []).append(other)
                labels[one.key] = one.label
    found = []
    for key, places in sorted(by_partner.items()):
        places = sorted(places, key=lambda p: p.key)
        for i, a in enumerate(places):
            for b in places[i + 1 :]:
                if a.country != b.country:
                    continue
                d = great_circle(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]
                if d < km:
                    found.append((labels[key], a, b, d))
    return sorted(found, key=lambda f: (f[3], f[0], f[1].label))


# -- the importer --------------------------------------------------------------------------


class WikipediaTwinningsImporter(BaseImporter):
    name = "wikipedia-twinnings"
    dataset = DATASET
    stem = "twin-towns-wikipedia"
    skip_malformed = True
    options = (
        Option(
            "--merge-with",
            Path("data/twinnings.nt.gz"),
            "The Wikidata twinnings file: a pair it holds gets only this source's statement.",
        ),
    )
    help = """Import the twin towns of the English Wikipedia lists (CSV), merged with Wikidata's.

    Both towns of each row are reconciled by name, country and coordinates against the
    shipped GeoNames cities and the smaller GeoNames lists, as `import-twinnings` does; a
    town found only in another country than the row gives is not matched. A place no
    gazetteer lists (no place of that name, a region or district, a district after its
    city) is kept as a place of its own with the row's name, country and coordinates. A pair also in
    the Wikidata twinnings (--merge-with) is the same twinning: this graph adds only its
    source. `dckg init` loads data/*.nt.gz into graph/reference/{name}.
    """

    def read(self, source: Source) -> ImportResult:
        return import_wikipedia_twinnings(
            source.path,
            merge_with=source.options["merge_with"],
            skip_malformed=source.skip_malformed,
        )

    def triples(self, result: ImportResult) -> Iterator[Triple]:
        return triples(result)

    def report(self, result: ImportResult, *, command: str, size: int) -> str:
        return report_markdown(result, command=command)

    def summary(self, result: ImportResult) -> list[str]:
        counts = result.side_counts()
        summary = (
            f"{result.rows_read:,} rows: {result.rows_matched:,} matched, "
            f"{result.rows_kept:,} with a place of its own, "
            f"{result.rows_ambiguous:,} ambiguous, {result.rows_unmatched:,} unmatched, "
            f"{len(result.malformed):,} malformed; {len(result.twinnings):,} twinnings "
            f"({len(result.in_both):,} also in {result.merged.source or 'no other file'}, "
            f"{len(result.only_here):,} only here); places: {counts['matched']:,} matched, "
            f"{counts['kept']:,} kept as places of their own ({len(result.own_places):,} "
            f"places), {counts['ambiguous']:,} ambiguous, {counts['unknown']:,} unmatched"
        )
        return [summary, *(f"skipped malformed row {m}" for m in result.malformed)]

    def holds(self, source: Source) -> dict[NamedNode, Path]:
        # Validated against every shipped data set but this one, with the Wikidata
        # twinnings graph holding the file merged with (the merged pairs refer to it).
        return {WIKIDATA_DATASET: source.options["merge_with"]}


IMPORTER = register(WikipediaTwinningsImporter())
