"""Import town twinnings from the Wikidata TSV extracts (P190, July 2017).

Each TSV row is one twinning as Wikidata recorded it: an origin city of an EU member
state and a partner anywhere, each with an English label, a country name and
coordinates (see ``COLUMNS``). The importer

1. reads every row, refusing a file whose header is not ``COLUMNS`` and reporting each
   malformed row (wrong number of columns, a number that does not parse, coordinates out
   of range) with file and line — the import stops there unless malformed rows are
   explicitly skipped, and then they are listed in the report;
2. drops exact duplicate rows;
3. reconciles both sides with :mod:`dckg.reconcile` (name + coordinates + country,
   against the shipped GeoNames cities and the smaller GeoNames lists); labels that are
   bare Wikidata Q-identifiers are not guessed at;
4. merges the rows of one pair of cities (A→B and B→A, or the same direction twice) into
   one ``dckg:Twinning`` with IRI ``id/partnership/twinning-geonames-{min}-geonames-{max}``;
5. writes sorted N-Triples (deterministic: the same input gives the same bytes), with
   the triples of every partner city that the shipped city list does not hold, and a
   description of the data set with the counts.

Reconciliation runs against a store holding exactly the shipped reference cities (not
the user's store), so the output does not depend on what a store already holds.
"""

from __future__ import annotations

import gzip
import io
import math
import random
import re
import statistics
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pyoxigraph import Literal, NamedNode, Triple

from dckg.datasets import dataset_triples
from dckg.errors import InputError, UsageError
from dckg.importers import reports, tables
from dckg.importers.contract import BaseImporter, Source, register
from dckg.importers.tables import read_text, retrieval_triples
from dckg.namespaces import DCKG, DCT, PROV, RDF, RDFS, XSD, graph, thing
from dckg.reconcile import (
    AMBIGUOUS,
    MATCHED,
    MAX_KM,
    Match,
    Place,
    Reconciler,
    normalise,
    parse_country,
)
from dckg.reconcile import distance_km as great_circle

#: The header every file must have, in this order.
COLUMNS = (
    "origincityLabel",
    "origincountry",
    "originlat",
    "originlong",
    "originpopulation",
    "sistercityLabel",
    "destinationlat",
    "destinationlong",
    "destinationpopulation",
    "destination_countryLabel",
    "dist",
    "eu",
)
#: The Wikidata property the relations come from.
P190 = NamedNode("https://www.wikidata.org/wiki/Property:P190")
#: The named graph ``dckg init`` loads ``data/twinnings.nt.gz`` into.
DATASET = graph("reference/twinnings")
#: The attribution of the graph: Wikidata (CC0) for the twinnings, GeoNames for the
#: places they are reconciled to (described in their own graphs).
CITATION = (
    "Wikidata contributors, twinned administrative body (property P190), query results of "
    "July 2017, CC0; cities reconciled to GeoNames (geonames.org)"
)
#: The retrieval the TSV files are (one entity), and one entity per file.
SOURCE = thing("source", "wikidata-twinnings-2017")
CC0 = NamedNode("https://creativecommons.org/publicdomain/zero/1.0/")
#: Files larger than this are refused (bytes).
MAX_FILE_BYTES = 50_000_000

_QID = re.compile(r"^Q\d+$")
_REGION_WORDS = re.compile(
    r"\b(district|region|county|province|provincia|oblast|voivodeship|department|"
    r"prefecture|canton|borough|arrondissement|kraj|okres|powiat|raion|rayon|governorate|"
    r"state|land|municipality|regional unit|metropolitan|area)\b",
    re.IGNORECASE,
)
_A = NamedNode(RDF + "type")


@dataclass(frozen=True)
class Side:
    """One end of a row: what Wikidata says about a city."""

    label: str
    country: str
    lat: float
    lon: float
    population: float | None


@dataclass(frozen=True)
class Row:
    """One well-formed TSV row."""

    source: str
    line: int
    origin: Side
    partner: Side
    distance: float | None


@dataclass(frozen=True)
class Malformed:
    """A row that could not be read, and why."""

    source: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.source}:{self.line}: {self.message}"


@dataclass
class Resolved:
    """The reconciliation of one distinct side (label, country, coordinates)."""

    side: Side
    status: str
    match: Match | None
    reason: str
    rows: int = 0


@dataclass
class Twinning:
    """One twinning between two matched cities, merged from one or more rows."""

    a: Place
    b: Place
    sources: set[str] = field(default_factory=set)
    directions: Counter[tuple[str, str]] = field(default_factory=Counter)
    rows: int = 0

    @property
    def iri(self) -> NamedNode:
        return thing(
            "partnership", f"twinning-geonames-{self.a.geonames_id}-geonames-{self.b.geonames_id}"
        )

    @property
    def distance_km(self) -> float:
        return great_circle(self.a.lat, self.a.lon, self.b.lat, self.b.lon)  # type: ignore[arg-type]


@dataclass
class ImportResult:
    """Everything the import found, counted, and produced."""

    files: list[str]
    rows_read: int = 0
    malformed: list[Malformed] = field(default_factory=list)
    duplicate_rows: int = 0
    rows_matched: int = 0
    rows_ambiguous: int = 0
    rows_unmatched: int = 0
    same_city_rows: int = 0
    same_labels_rows: int = 0
    repeated_rows: int = 0
    reversed_rows: int = 0
    unknown_countries: Counter[str] = field(default_factory=Counter)
    sides: dict[tuple, Resolved] = field(default_factory=dict)
    twinnings: dict[str, Twinning] = field(default_factory=dict)
    new_cities: dict[str, Place] = field(default_factory=dict)
    wikidata_distance_gaps: list[float] = field(default_factory=list)

    @property
    def pairs_both_directions(self) -> int:
        """Twinnings listed from both sides (A→B and B→A)."""
        return sum(1 for t in self.twinnings.values() if len(t.directions) == 2)

    def side_counts(self) -> Counter[str]:
        return Counter(r.status for r in self.sides.values())

    def reasons(self) -> Counter[str]:
        return Counter(r.reason for r in self.sides.values() if r.status != MATCHED)

    def offsets_km(self) -> list[float]:
        """Distance between the Wikidata position and the matched GeoNames city, per side."""
        found = []
        for resolved in self.sides.values():
            if resolved.status == MATCHED and resolved.match and resolved.match.candidates:
                distance = resolved.match.candidates[0].distance_km
                if distance is not None:
                    found.append(distance)
        return sorted(found)


# -- reading -------------------------------------------------------------------------------


def collect_files(paths: Iterable[Path]) -> list[Path]:
    """The TSV files named, folders expanded to their ``*.tsv``, sorted by name."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(path.glob("*.tsv"))
            if not found:
                raise InputError("no .tsv files in this folder", source=path)
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise InputError("no such file or folder", source=path)
    return sorted(set(files), key=lambda p: (p.name, str(p)))


def read_tsv(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> tuple[list[Row], list[Malformed]]:
    """The rows of one file and the malformed lines in it.

    Raises :class:`~dckg.errors.InputError` for a file that cannot be read at all: missing,
    too large, not UTF-8, empty, or with a header other than :data:`COLUMNS`.
    """
    text = read_text(path, max_bytes=max_bytes)
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise InputError("empty file: expected a header line", source=path, line=1)
    header = tuple(lines[0].split("\t"))
    if header != COLUMNS:
        raise InputError(
            f"unexpected header; expected the {len(COLUMNS)} columns {', '.join(COLUMNS)}",
            source=path,
            line=1,
        )
    rows: list[Row] = []
    malformed: list[Malformed] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        try:
            rows.append(_parse_row(line, path.name, number))
        except ValueError as error:
            malformed.append(Malformed(path.name, number, str(error)))
    return rows, malformed


def _parse_row(line: str, source: str, number: int) -> Row:
    cells = line.split("\t")
    if len(cells) != len(COLUMNS):
        raise ValueError(f"{len(cells)} columns instead of {len(COLUMNS)}")
    values = dict(zip(COLUMNS, cells, strict=True))
    origin = Side(
        label=_text(values, "origincityLabel"),
        country=values["origincountry"].strip(),
        lat=_coordinate(values, "originlat", 90),
        lon=_coordinate(values, "originlong", 180),
        population=_population(values, "originpopulation"),
    )
    partner = Side(
        label=_text(values, "sistercityLabel"),
        country=values["destination_countryLabel"].strip(),
        lat=_coordinate(values, "destinationlat", 90),
        lon=_coordinate(values, "destinationlong", 180),
        population=_population(values, "destinationpopulation"),
    )
    distance = _number(values, "dist") if values["dist"].strip() else None
    return Row(source, number, origin, partner, distance)


def _text(values: dict[str, str], column: str) -> str:
    text = values[column].strip()
    if not text:
        raise ValueError(f"empty {column}")
    return text


def _number(values: dict[str, str], column: str) -> float:
    raw = values[column].strip()
    try:
        number = float(raw)
    except ValueError:
        raise ValueError(f"{column}: not a number: {raw!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"{column}: not a finite number: {raw!r}")
    return number


def _coordinate(values: dict[str, str], column: str, limit: float) -> float:
    number = _number(values, column)
    if abs(number) > limit:
        raise ValueError(f"{column}: {number} is out of range")
    return number


def _population(values: dict[str, str], column: str) -> float | None:
    """A population: a number (Wikidata has a few fractional ones); not used for matching."""
    raw = values[column].strip()
    if not raw:
        return None
    number = _number(values, column)
    if number < 0:
        raise ValueError(f"{column}: negative population {raw!r}")
    return number


# -- importing -------------------------------------------------------------------------------


def reference_reconciler(*, max_km: float = MAX_KM) -> Reconciler:
    """A reconciler over exactly the shipped reference cities (and the GeoNames lists)."""
    return Reconciler.shipped(max_km=max_km)


def import_twinnings(
    paths: Sequence[Path],
    *,
    reconciler: Reconciler | None = None,
    skip_malformed: bool = False,
) -> ImportResult:
    """Read, reconcile and merge the twinnings of the given files or folders.

    Raises :class:`~dckg.errors.InputError` listing every malformed row (file and line)
    unless ``skip_malformed``, in which case they are counted and listed in the result.
    """
    files = collect_files(paths)
    result = ImportResult(files=[f.name for f in files])
    rows: list[Row] = []
    for path in files:
        found, malformed = read_tsv(path)
        rows.extend(found)
        result.malformed.extend(malformed)
        result.rows_read += len(found) + len(malformed)
    if result.malformed and not skip_malformed:
        listed = "; ".join(str(m) for m in result.malformed[:20])
        more = len(result.malformed) - 20
        raise InputError(
            f"{len(result.malformed)} malformed row(s): {listed}"
            + (f"; and {more} more" if more > 0 else ""),
            source=result.malformed[0].source,
            line=result.malformed[0].line,
        )
    reconciler = reconciler or reference_reconciler()
    seen: set[tuple] = set()
    labels: set[tuple[str, ...]] = set()
    for row in rows:
        key = (row.origin, row.partner, row.distance)
        if key in seen:
            result.duplicate_rows += 1
            continue
        seen.add(key)
        names = (row.origin.label, row.origin.country, row.partner.label, row.partner.country)
        if names in labels:
            result.same_labels_rows += 1
        labels.add(names)
        _add_row(result, reconciler, row)
    return result


def _add_row(result: ImportResult, reconciler: Reconciler, row: Row) -> None:
    twinning = add_pair(result, reconciler, row.origin, row.partner, _reconcile_side, Twinning)
    if twinning is None:
        return
    twinning.sources.add(row.source)
    if row.distance is not None:
        result.wikidata_distance_gaps.append(abs(row.distance - twinning.distance_km))


T = TypeVar("T")


def add_pair(
    result: Any,
    reconciler: Reconciler,
    one: Side,
    other: Side,
    reconcile_side: Callable[[Any, Reconciler, Side], Resolved],
    make: Callable[[Place, Place], T],
    *,
    known_cities: frozenset[str] = frozenset(),
    own_place: Callable[[Resolved], Place | None] | None = None,
) -> T | None:
    """Reconcile both sides of a row and add it to the twinning of its pair of places.

    Shared by the twinning importers: each distinct side (label, country, coordinates) is
    reconciled once, with ``reconcile_side``; the row is counted as matched, ambiguous or
    unmatched; a row whose two sides are one place is counted and dropped; the rows of one
    pair of places, in either direction, are one twinning (``make(first, second)``, keyed
    by its IRI, which the sorted pair of GeoNames ids makes). The matched places neither
    the shipped cities nor ``known_cities`` hold are counted in ``result.new_cities`` (no
    importer describes them: ``dckg init`` does, in ``reference/places``).

    With ``own_place``, a side of status :data:`KEPT` (a place no gazetteer lists, kept
    as a place of its own) is the place ``own_place`` gives for it, and a row whose sides
    are each matched or kept gives a twinning too (counted in ``result.rows_kept``).
    Returns the twinning, or None when the row gives none.
    """
    first_side = resolve(result, reconciler, one, reconcile_side)
    second_side = resolve(result, reconciler, other, reconcile_side)
    statuses = {first_side.status, second_side.status}
    if statuses == {MATCHED}:
        result.rows_matched += 1
    elif own_place is not None and statuses <= {MATCHED, KEPT}:
        result.rows_kept += 1
    elif statuses <= {MATCHED, AMBIGUOUS, KEPT}:
        result.rows_ambiguous += 1
        return None
    else:
        result.rows_unmatched += 1
        return None
    a = _place_of(reconciler, first_side, own_place)
    b = _place_of(reconciler, second_side, own_place)
    if a.key == b.key:
        result.same_city_rows += 1
        return None
    low, high = sorted((a, b), key=place_order)
    made = make(low, high)
    twinning = result.twinnings.setdefault(made.iri.value, made)  # type: ignore[attr-defined]
    direction = (a.key, b.key)
    if twinning.directions[direction]:
        result.repeated_rows += 1
    elif twinning.rows:
        result.reversed_rows += 1
    twinning.rows += 1
    twinning.directions[direction] += 1
    for place in (a, b):
        if place.geonames_id is None:
            continue  # a place of its own: the importer describes it
        if not place.in_store and place.key not in known_cities:
            result.new_cities[place.key] = place
    return twinning


#: The status of a side no gazetteer lists that an importer keeps as a place of its own.
KEPT = "kept"


def place_order(place: Place) -> tuple[bool, int, str]:
    """How the two places of a twinning are ordered: GeoNames places first, by id, then
    places of their own, by IRI."""
    return (place.geonames_id is None, place.geonames_id or 0, place.key)


def _place_of(
    reconciler: Reconciler, side: Resolved, own_place: Callable[[Resolved], Place | None] | None
) -> Place:
    if side.status == KEPT and own_place is not None:
        place = own_place(side)
    else:
        assert side.match is not None and side.match.iri is not None
        place = reconciler.place(side.match.iri)
    assert place is not None
    return place


def resolve(
    result: Any,
    reconciler: Reconciler,
    side: Side,
    reconcile_side: Callable[[Any, Reconciler, Side], Resolved],
) -> Resolved:
    """The reconciliation of a side, made once per distinct (label, country, position)."""
    key = (side.label, side.country, side.lat, side.lon)
    resolved = result.sides.get(key)
    if resolved is None:
        resolved = reconcile_side(result, reconciler, side)
        result.sides[key] = resolved
    resolved.rows += 1
    return resolved


def _reconcile_side(result: ImportResult, reconciler: Reconciler, side: Side) -> Resolved:
    if _QID.match(side.label):
        return Resolved(side, "unknown", None, "label is a Wikidata Q-identifier")
    try:
        country: str | None = parse_country(side.country)
    except UsageError:
        result.unknown_countries[side.country] += 1
        country = None
    match = reconciler.reconcile(side.label, country=country, lat=side.lat, lon=side.lon)
    if match.status == MATCHED and not spelling_only(reconciler, side.label, match):
        return Resolved(side, "unknown", match, NOT_A_SPELLING)
    if match.status == MATCHED:
        reason = "matched outside the given country" if match.note.startswith("found only") else ""
        return Resolved(side, MATCHED, match, reason)
    if match.status == AMBIGUOUS:
        return Resolved(side, AMBIGUOUS, match, "several places of that name at that position")
    if _REGION_WORDS.search(side.label):
        reason = "looks like a region or district"
    elif any(c.distance_km is not None and c.score > 0 for c in match.candidates) or (
        "km away" in match.note
    ):
        reason = f"no place of that name within {reconciler.max_km:g} km"
    else:
        reason = "no place of that name"
    return Resolved(side, "unknown", match, reason)


#: Why a place whose name is only alike to a town's, not spelt otherwise, is not matched.
NOT_A_SPELLING = "only a name with a word or number more or less near (a district, a seat)"
#: How alike (rapidfuzz ratio, 0-100) a name must be to a town's to be taken for it.
SPELLING_MIN = 90.0
_NOT_ONE_NAME = re.compile(r"\d|[–—(),/]|\s-\s")


def on_the_name(reconciler: Reconciler, label: str, match: Match) -> bool:
    """Whether a match is on the whole name: one of the matched place's names is the label.

    The reconciler also matches a name without its qualifier or trailing number (``Prague 1``
    → Prague), on one part of a name in two parts (``Charlottenburg-Wilmersdorf`` →
    Charlottenburg), on a name that partly fits (``PARTIAL``) or on a similar name
    (``FUZZY``); only the last two say so in ``Match.reason``.
    """
    place = reconciler.place(match.iri) if match.iri is not None else None
    if place is None:
        return False
    names = place.names | {normalise(place.label)}
    return normalise(label) in names or normalise(_PAREN.sub(" ", label).strip()) in names


def spelling_only(reconciler: Reconciler, label: str, match: Match) -> bool:
    """Whether a match is on the name, or on another spelling of the whole name.

    Whatever tier of the reconciler found it, a match not on the whole name can take a
    district for its city (``Prague 1``, ``Budapest XVII. kerülete``), a city for its
    district (``Dubai`` for Bur Dubai) or a district of two merged places for one of them
    (``Charlottenburg-Wilmersdorf`` for Charlottenburg). An importer keeps such a match only:

    - on a similar name (``FUZZY``) when the whole name is spelt otherwise (``Tiachiv`` /
      Tyachiv, ``Santa Fe`` / Santafé, ``Beit Sahour`` / Beit Sahur): at least
      :data:`SPELLING_MIN` alike with spaces ignored, and the name holds no number,
      parenthesis, comma or dash;
    - otherwise (a qualifier dropped, one part of the name, a name that partly fits) when
      the name holds no number and no other part of it names another place in reach
      (``Frankfurt (Oder)``, ``Sgonico-Zgonik``, ``Weiden in der Oberpfalz`` are kept).
    """
    from rapidfuzz import fuzz

    from dckg.reconcile import FUZZY
    from dckg.reconcile.names import name_parts, squeeze

    if match.iri is None or on_the_name(reconciler, label, match):
        return True
    place = reconciler.place(match.iri)
    if match.reason == FUZZY:
        if _NOT_ONE_NAME.search(label):
            return False
        key = squeeze(normalise(label))
        names = place.names | {normalise(place.label)} if place else set()
        return any(fuzz.ratio(key, squeeze(name)) >= SPELLING_MIN for name in names)
    if _DIGIT.search(label):
        return False
    parts = set(name_parts(label))
    own = parts & (place.names if place else set())
    for candidate in match.candidates:
        other = reconciler.place(candidate.iri) if candidate.iri != match.iri else None
        if other is not None and (parts - own) & other.names:
            return False
    return not names_another_place(reconciler, label, match)


_DIGIT = re.compile(r"\d")
#: Names set side by side (two languages, a name and its qualifier, two places).
_BESIDE = re.compile(r"\s+[-–—/]\s+|\s*<>\s*|\s*/\s*")
#: Names joined into one by a hyphen (merged municipalities, a city and its district).
_JOINED = re.compile(r"(?<=[^\W\d_]{3})-(?=[^\W\d_]{3})")
_PAREN = re.compile(r"\s*\([^)]*\)\s*")


def names_another_place(reconciler: Reconciler, label: str, match: Match) -> bool:
    """Whether a name in several parts, matched on one of them, names more than the matched
    place, however a reconciler finds it:

    - a name joined by a hyphen (``Évry-Courcouronnes``, ``Rijssen-Holten``,
      ``Mainz-Laubenheim``, ``Hersfeld-Rotenburg``) is a merged municipality, a district or
      a county unless each of its parts is a name of the matched place;
    - of names set side by side (``Dillingen/Saar``, ``Mogente/Moixent``,
      ``San Sebastián - Donostia``), another part must not be a place in reach or a region.

    A qualifier (``Frankfurt (Oder)``, ``Saint-Christophe, Aosta Valley``) is no part.
    """
    from dckg.reconcile.names import MINOR_WORDS

    place = reconciler.place(match.iri) if match.iri is not None else None
    if place is None:
        return False
    own = place.names | {normalise(place.label)}
    text = _PAREN.sub(" ", label.split(",")[0]).strip()
    core = normalise(text)
    if core in own or text.casefold().endswith(" " + place.label.casefold()):
        return False  # the whole name, or it after a word such as "Gmina"

    def other(part: str) -> bool:
        if not part or part in own or set(part.split()) <= MINOR_WORDS:
            return False
        found = reconciler.reconcile(part, country=place.country, lat=place.lat, lon=place.lon)
        return found.status != MATCHED or found.iri != match.iri

    for written in _BESIDE.split(text):
        side = normalise(written)
        joined = [normalise(p) for p in _JOINED.split(written)]
        if len(joined) > 1 and any(other(part) for part in joined):
            return True
        if side in own or len(joined) > 1 or not other(side):
            continue
        if _REGION_WORDS.search(side):
            return True
        found = reconciler.reconcile(side, country=place.country, lat=place.lat, lon=place.lon)
        if not found.note.startswith("found only") and found.status in (MATCHED, AMBIGUOUS):
            return True
    return False


# -- writing ---------------------------------------------------------------------------------


def triples(result: ImportResult) -> Iterator[Triple]:
    """The RDF of an import: data set description and twinnings. The partners are only
    referred to: every GeoNames place is described once, by ``dckg init``
    (``reference/cities`` and ``reference/places``)."""
    yield from _dataset_triples(result)
    for twinning in result.twinnings.values():
        yield from _twinning_triples(twinning)


def _dataset_triples(result: ImportResult) -> Iterator[Triple]:
    counts = result.side_counts()
    description = (
        f"Town twinnings (Wikidata property P190) of cities of the EU member states, from "
        f"Wikidata query results of July 2017: {result.rows_read:,} rows read, "
        f"{result.duplicate_rows:,} duplicate rows dropped, {len(result.twinnings):,} twinnings "
        f"({result.pairs_both_directions:,} of them listed from both sides); "
        f"{result.rows_matched:,} rows matched both cities to GeoNames, "
        f"{result.rows_ambiguous:,} rows ambiguous and {result.rows_unmatched:,} unmatched "
        f"(distinct places: {counts[MATCHED]:,} matched, {counts[AMBIGUOUS]:,} ambiguous, "
        f"{counts['unknown']:,} unmatched); {len(result.new_cities):,} partner cities of fewer "
        f"than 15,000 people, described from GeoNames in the graph of such places."
    )
    yield from dataset_triples(
        DATASET,
        title="Town twinnings (Wikidata, 2017)",
        description=description,
        sources=[P190],
        licence=CC0,
        citation=CITATION,
    )
    yield from retrieval_triples(
        DATASET,
        SOURCE,
        label="Wikidata twinning relations of EU cities, July 2017",
        sources=[P190],
        license=CC0,
        created="2017-07",
    )
    for name in result.files:
        part = file_iri(name)
        yield Triple(part, _A, NamedNode(PROV + "Entity"))
        yield Triple(part, NamedNode(RDFS + "label"), Literal(name))
        yield Triple(part, NamedNode(DCT + "isPartOf"), SOURCE)


def file_iri(name: str) -> NamedNode:
    """The IRI of one source file, e.g. ``france.tsv``.

    >>> file_iri("france.tsv").value
    'https://w3id.org/dckg/id/source/wikidata-twinnings-2017-france'
    """
    stem = re.sub(r"[^a-z0-9]+", "-", name.rsplit(".", 1)[0].lower()).strip("-")
    return thing("source", f"wikidata-twinnings-2017-{stem}")


def _twinning_triples(twinning: Twinning) -> Iterator[Triple]:
    yield from twinning_triples(twinning)
    yield Triple(twinning.iri, NamedNode(DCT + "source"), P190)
    for name in sorted(twinning.sources):
        yield Triple(twinning.iri, NamedNode(PROV + "wasDerivedFrom"), file_iri(name))


def twinning_triples(twinning: Any) -> Iterator[Triple]:
    """A twinning as both importers describe it: type, label, the two partners, distance."""
    iri = twinning.iri
    yield Triple(iri, _A, NamedNode(DCKG + "Twinning"))
    yield Triple(
        iri, NamedNode(RDFS + "label"), Literal(f"{twinning.a.label} – {twinning.b.label}")
    )
    yield Triple(iri, NamedNode(DCKG + "partner"), twinning.a.iri)
    yield Triple(iri, NamedNode(DCKG + "partner"), twinning.b.iri)
    yield Triple(
        iri,
        NamedNode(DCKG + "distanceKm"),
        Literal(f"{twinning.distance_km:.1f}", datatype=NamedNode(XSD + "decimal")),
    )


def ntriples(result: ImportResult) -> bytes:
    """The import as N-Triples, one statement a line, sorted, without repeats."""
    return tables.ntriples(triples(result))


def write_gzip(data: bytes, out: Path) -> None:
    """Write gzip-compressed bytes reproducibly (no time stamp, no file name), atomically."""
    buffer = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buffer, mtime=0, compresslevel=9) as gz:
        gz.write(data)
    partial = out.with_name(out.name + ".partial")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        partial.write_bytes(buffer.getvalue())
        partial.replace(out)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise InputError(f"cannot write: {error.strerror}", source=out) from None


# -- report ----------------------------------------------------------------------------------


def percentile(values: Sequence[float], fraction: float) -> float:
    """The nearest-rank percentile of sorted values.

    >>> percentile([1.0, 2.0, 3.0, 4.0], 0.5), percentile([1.0, 2.0, 3.0, 4.0], 0.95)
    (2.0, 4.0)
    """
    if not values:
        return float("nan")
    rank = max(1, math.ceil(fraction * len(values)))
    return values[rank - 1]


def sample_matches(
    sides: Mapping[tuple[str, str, float, float], Resolved], n: int = 30, *, seed: int = 2017
) -> list[Resolved]:
    """A reproducible random sample of matched places (for checking by hand)."""
    matched = [r for _, r in sorted(sides.items()) if r.status == MATCHED]
    return random.Random(seed).sample(matched, min(n, len(matched)))


def report_markdown(result: ImportResult, *, command: str = "dckg import-twinnings") -> str:
    """The import report, in Markdown."""
    return reports.render(
        "twinnings",
        command=command,
        p190=P190.value,
        files=result.files,
        **_counts(result),
        **_checks(result),
        sample=sample_section(result.sides, seed=2017, name_header="Wikidata label"),
        **_problems(result),
    )


def _counts(result: ImportResult) -> dict[str, object]:
    counts = result.side_counts()
    rows = [
        ("rows read", result.rows_read),
        ("malformed rows (skipped, listed below)", len(result.malformed)),
        ("exact duplicate rows dropped", result.duplicate_rows),
        (
            "duplicate rows: same two labels and countries as an earlier row, "
            "other coordinates or population",
            result.same_labels_rows,
        ),
        ("rows with both cities matched", result.rows_matched),
        ("rows with an ambiguous city (none unmatched)", result.rows_ambiguous),
        ("rows with an unmatched city", result.rows_unmatched),
        ("matched rows with the same city on both sides (dropped)", result.same_city_rows),
        ("matched rows repeating a pair in the same direction (merged)", result.repeated_rows),
        ("matched rows giving a pair in the other direction, B→A (merged)", result.reversed_rows),
        ("twinnings written", len(result.twinnings)),
        ("… of which listed from both sides (A→B and B→A)", result.pairs_both_directions),
        (
            "partner cities of < 15,000 people (GeoNames, in reference/places)",
            len(result.new_cities),
        ),
    ]
    reasons = Counter(r.reason for r in result.sides.values() if r.reason)
    return {
        "counts": [(k, f"{v:,}") for k, v in rows],
        "statuses": [(s, f"{counts[s]:,}") for s in (MATCHED, AMBIGUOUS, "unknown")],
        "reasons": [(k, f"{v:,}") for k, v in reasons.most_common()],
    }


def distribution(
    values: Sequence[float], *, within_km: float | None = None
) -> list[tuple[str, str]]:
    """The rows of a table of sorted distances: n, median, p90, p95, p99, max and, when
    ``within_km`` is given, how many (and which share) are at most that far."""
    if not values:
        return [("n", "0")]
    rows = [
        ("n", f"{len(values):,}"),
        ("median", f"{statistics.median(values):.2f}"),
        ("p90", f"{percentile(values, 0.90):.2f}"),
        ("p95", f"{percentile(values, 0.95):.2f}"),
        ("p99", f"{percentile(values, 0.99):.2f}"),
        ("max", f"{values[-1]:.2f}"),
    ]
    if within_km is not None:
        near = sum(1 for v in values if v <= within_km)
        rows.append((f"within {within_km:g} km", f"{near:,} ({near / len(values):.1%})"))
    return rows


def _checks(result: ImportResult) -> dict[str, object]:
    offsets = result.offsets_km()
    buckets = [(0, 1), (1, 2), (2, 5), (5, 10), (10, 20), (20, 30.0001)]
    return {
        "offsets": distribution(offsets),
        "buckets": [
            (f"{lo:g}–{hi:.0f} km", f"{sum(1 for d in offsets if lo <= d < hi):,}")
            for lo, hi in buckets
        ],
        "gaps": distribution(sorted(result.wikidata_distance_gaps)),
        **_consistency(result),
    }


def _consistency(result: ImportResult) -> dict[str, object]:
    by_label: dict[tuple[str, str], list[Resolved]] = {}
    for (label, country, _, _), resolved in result.sides.items():
        if resolved.status == MATCHED and resolved.match and resolved.match.iri:
            by_label.setdefault((label, country), []).append(resolved)
    several = {k: v for k, v in by_label.items() if len(v) > 1}
    same_place, split = 0, []
    for key, group in sorted(several.items()):
        spread = max(
            great_circle(a.side.lat, a.side.lon, b.side.lat, b.side.lon)
            for a in group
            for b in group
        )
        if spread <= MAX_KM:
            same_place += 1
            if len({r.match.iri.value for r in group if r.match and r.match.iri}) > 1:
                split.append(key)
    outside = Counter(
        (r.side.country, r.match.candidates[0].country or "?")
        for r in result.sides.values()
        if r.reason == "matched outside the given country" and r.match and r.match.candidates
    )
    return {
        "max_km": f"{MAX_KM:g}",
        "same_place": same_place,
        "split": [f"{label} ({country})" for label, country in split],
        "outside_total": sum(outside.values()),
        "outside": [
            (a, b, n) for (a, b), n in sorted(outside.items(), key=lambda kv: (-kv[1], kv[0]))[:12]
        ],
    }


def sample_section(
    sides: Mapping[tuple[str, str, float, float], Resolved], *, seed: int, name_header: str
) -> str:
    """The report's table of 30 random matches, for checking by hand."""
    rows = []
    for resolved in sample_matches(sides, seed=seed):
        side, match = resolved.side, resolved.match
        assert match is not None and match.iri is not None
        best = match.candidates[0]
        rows.append(
            (
                side.label,
                side.country,
                f"{side.lat:.4f}, {side.lon:.4f}",
                best.label,
                best.country or "",
                match.iri.value.rsplit("-", 1)[-1],
                f"{best.distance_km:.2f}" if best.distance_km is not None else "",
            )
        )
    return reports.render("sample", seed=seed, name_header=name_header, rows=rows)


def _far_matches(result: ImportResult, km: float = 10.0) -> dict[str, object]:
    far = sorted(
        (
            (r.match.candidates[0].distance_km or 0.0, r)
            for r in result.sides.values()
            if r.status == MATCHED and r.match and r.match.candidates
            if (r.match.candidates[0].distance_km or 0.0) > km
        ),
        key=lambda dr: (-dr[0], dr[1].side.label),
    )
    rows = [
        (
            r.side.label,
            r.side.country,
            r.match.candidates[0].label,
            r.match.candidates[0].iri.value.rsplit("-", 1)[-1],
            f"{d:.1f}",
        )
        for d, r in far
        if r.match
    ]
    return {"far_km": f"{km:g}", "far": rows}


def _problems(result: ImportResult) -> dict[str, object]:
    ambiguous = sorted(
        (r for r in result.sides.values() if r.status == AMBIGUOUS),
        key=lambda r: (-r.rows, r.side.label),
    )[:25]
    unknown = sorted(
        (r for r in result.sides.values() if r.status == "unknown"),
        key=lambda r: (-r.rows, r.side.label),
    )[:40]
    return {
        **_far_matches(result),
        "ambiguous": [
            (
                r.side.label,
                r.side.country,
                r.rows,
                "; ".join(
                    f"{c.label} ({c.iri.value.rsplit('-', 1)[-1]}, {c.distance_km:.1f} km)"
                    for c in (r.match.candidates if r.match else [])[:3]
                    if c.distance_km is not None
                ),
            )
            for r in ambiguous
        ],
        "unknown": [(r.side.label, r.side.country, r.rows, r.reason) for r in unknown],
        "unknown_countries": sorted(result.unknown_countries.items(), key=lambda kv: kv[0]),
        "malformed": result.malformed,
    }


# -- the importer --------------------------------------------------------------------------


class TwinningsImporter(BaseImporter):
    name = "twinnings"
    dataset = DATASET
    stem = "twinnings"
    many = True
    skip_malformed = True
    help = """Import town twinnings from Wikidata TSV files (or folders of them).

    Both cities of each row are reconciled by name, coordinates and country against
    the shipped GeoNames cities and the smaller GeoNames lists; A→B and B→A are merged
    into one dckg:Twinning. The output is sorted N-Triples: the same input always gives
    the same file. `dckg init` loads data/*.nt.gz into graph/reference/{name}.
    """

    def read(self, source: Source) -> ImportResult:
        return import_twinnings(list(source.paths), skip_malformed=source.skip_malformed)

    def triples(self, result: ImportResult) -> Iterator[Triple]:
        return triples(result)

    def report(self, result: ImportResult, *, command: str, size: int) -> str:
        return report_markdown(result, command=command)

    def summary(self, result: ImportResult) -> list[str]:
        counts = result.side_counts()
        summary = (
            f"{result.rows_read:,} rows: {result.rows_matched:,} matched, "
            f"{result.rows_ambiguous:,} ambiguous, {result.rows_unmatched:,} unmatched, "
            f"{len(result.malformed):,} malformed; {len(result.twinnings):,} twinnings "
            f"({result.pairs_both_directions:,} listed both ways); places: "
            f"{counts['matched']:,} matched, {counts['ambiguous']:,} ambiguous, "
            f"{counts['unknown']:,} unmatched"
        )
        return [summary, *(f"skipped malformed row {m}" for m in result.malformed)]

    def replaces(self, source: Source) -> list[NamedNode]:
        # The Wikipedia twin towns are merged with these twinnings (and rebuilt after
        # them): the reference store holds neither while this graph is checked.
        return [DATASET, graph("reference/twin-towns-wikipedia")]


IMPORTER = register(TwinningsImporter())
