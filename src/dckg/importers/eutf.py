"""Import the EU Emergency Trust Fund for Africa: its projects as funded actions.

Input: the folder of the DW/EDJNet compilation (``projects.csv``, ``activities.csv``,
``organisations.csv``, ``recipients.csv``; see its README). The importer

1. reads the four tables, refusing a file whose header lacks a column it needs, and stops
   at the first bad cell (an amount that is not a number, a date that is not YYYY-MM-DD),
   naming file, line and column;
2. makes each project a ``dckg:FundedAction`` with its title, identifier, adoption, start
   and end dates and one ``dckg:Funding`` (amount in EUR, instrument the EUTF for Africa,
   programme the project's regional window); two rows whose identifiers differ only in
   case are one project (the amount counts once; both titles are kept);
3. takes the recipient countries and their budget shares from the IATI activities of the
   project (its own activity, else its contracts), else from the project's location;
4. takes the implementing organisations from the IATI activities (names matched against
   ``organisations.csv``, which gives their IATI organisation type), else from the
   project's implementer column;
5. maps the project's EUTF strategic objectives (its themes, and the ``TFP.n`` codes of its
   activities) into the themes scheme (:data:`THEMES`).

No SDG link is made: the source states none. The OECD purpose-code column is empty in
every activity of the source, so no theme comes from it (the report says so).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from dckg.datasets import dataset_triples
from dckg.errors import InputError
from dckg.importers import reports
from dckg.importers.contract import BaseImporter, Source, register
from dckg.importers.tables import Row, decimal_literal, read_csv, typed
from dckg.namespaces import DCKG, DCT, RDF, RDFS, SKOS, graph, slug, thing

#: The named graph ``dckg init`` loads ``data/eutf-africa.nt.gz`` into.
DATASET = graph("reference/eutf-africa")
INSTRUMENT = thing("instrument", "eutf-africa")
COMMISSION = thing("institution", "european-commission")
SOURCE_PAGE = NamedNode("https://github.com/dw-data/eutf-africa")
EUTF_SITE = NamedNode("https://trust-fund-for-africa.europa.eu/")
REUSE_DECISION = NamedNode("http://data.europa.eu/eli/dec/2011/833/oj")
ATTRIBUTION = "European Commission, EUTF for Africa; compiled by DW/EDJNet"

PROJECT_COLUMNS = (
    "ProjectID",
    "ProjectTitle",
    "ProjectBudget",
    "ProjectLocation",
    "ProjectImplementor",
    "ProjectTheme",
    "ProjectAdoptionDate",
    "ProjectStartDate",
    "ProjectEndDate",
    "ProjectLinks",
    "Region",
)
ACTIVITY_COLUMNS = ("iati_id", "prefix", "partner_implementing", "topics", "project_parent")
ORGANISATION_COLUMNS = ("name", "type", "implementing")
RECIPIENT_COLUMNS = ("iati_id", "budget", "recipient_country", "recipient_percentage")

#: The EUTF's regional windows, each a programme of the instrument.
WINDOWS = {
    "SAH": ("eutf-africa-sahel-lake-chad", "EUTF for Africa: Sahel and Lake Chad window"),
    "HOA": ("eutf-africa-horn-of-africa", "EUTF for Africa: Horn of Africa window"),
    "NOA": ("eutf-africa-north-of-africa", "EUTF for Africa: North of Africa window"),
}

#: The EUTF's four strategic objectives: code, label and the themes they map to.
OBJECTIVES = {
    "TFP.1": (
        "Greater economic and employment opportunities",
        ("employment", "economic-development"),
    ),
    "TFP.2": ("Strengthening resilience", ("resilience",)),
    "TFP.3": ("Improved migration management", ("migration",)),
    "TFP.4": ("Improved governance and conflict prevention", ("governance", "peace")),
}
_BY_LABEL = {label.lower(): code for code, (label, _) in OBJECTIVES.items()}
THEMES = {code: themes for code, (_, themes) in OBJECTIVES.items()}

#: IATI OrganisationType codes: label and the dckg class they give (None: dckg:Actor only).
ORGANISATION_TYPES: dict[str, tuple[str, str | None]] = {
    "10": ("Government", None),
    "11": ("Local Government", "LocalRegionalGovernment"),
    "15": ("Other Public Sector", None),
    "21": ("International NGO", "CivilSocietyOrganisation"),
    "22": ("National NGO", "CivilSocietyOrganisation"),
    "23": ("Regional NGO", "CivilSocietyOrganisation"),
    "24": ("Partner Country based NGO", "CivilSocietyOrganisation"),
    "30": ("Public Private Partnership", None),
    "40": ("Multilateral", "InternationalOrganisation"),
    "60": ("Foundation", "CivilSocietyOrganisation"),
    "70": ("Private Sector", "PrivateSectorActor"),
    "71": ("Private Sector in Provider Country", "PrivateSectorActor"),
    "72": ("Private Sector in Aid Recipient Country", "PrivateSectorActor"),
    "73": ("Private Sector in Third Country", "PrivateSectorActor"),
    "80": ("Academic, Training and Research", "AcademicInstitution"),
    "90": ("Other", None),
}
IATI_ORGANISATION_TYPES = NamedNode(
    "https://iatistandard.org/en/iati-standard/203/codelists/organisationtype/"
)

#: Country names of the location column that pycountry does not know (French spellings).
COUNTRY_NAMES = {
    "mauritanie": "MRT",
    "tchad": "TCD",
    "cameroun": "CMR",
    "guinée": "GIN",
    "the gambia": "GMB",
    "côte d'ivoire": "CIV",
    "tanzania": "TZA",
    "democratic republic of the congo": "COD",
}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: Day.month.two-digit-year, which one row of the source uses (``28.05.19``).
_DOTTED = re.compile(r"^(\d{2})\.(\d{2})\.(\d{2})$")
_A = NamedNode(RDF + "type")


def _p(local: str) -> NamedNode:
    return NamedNode(DCKG + local)


@dataclass
class Allocation:
    """A recipient country of an action and, when known, its share in per cent."""

    country: str
    share: Decimal | None


@dataclass
class Action:
    """One EUTF project, as the graph will hold it."""

    key: str
    identifier: str
    titles: list[str]
    amount: Decimal
    window: str | None
    adopted: str | None
    start: str | None
    end: str | None
    links: list[str]
    objectives: set[str] = field(default_factory=set)
    allocations: list[Allocation] = field(default_factory=list)
    allocation_source: str = "none"
    implementers: list[str] = field(default_factory=list)
    implementer_source: str = "none"

    @property
    def iri(self) -> NamedNode:
        return thing("action", self.key)


@dataclass
class Organisation:
    name: str
    type_code: str | None

    @property
    def iri(self) -> NamedNode:
        return thing("organisation", slug(self.name))


@dataclass
class ImportResult:
    """The actions, organisations and counts of one import."""

    actions: dict[str, Action] = field(default_factory=dict)
    organisations: dict[str, Organisation] = field(default_factory=dict)
    rows: int = 0
    activities: int = 0
    merged_ids: list[tuple[str, str]] = field(default_factory=list)
    unmapped_topics: Counter[str] = field(default_factory=Counter)
    unknown_locations: Counter[str] = field(default_factory=Counter)
    unmatched_implementers: Counter[str] = field(default_factory=Counter)
    oecd_codes: int = 0

    @property
    def total(self) -> Decimal:
        return sum((a.amount for a in self.actions.values()), Decimal(0))


def import_eutf(folder: Path) -> ImportResult:
    """Read the four tables of ``folder`` and build the funded actions."""
    if not folder.is_dir():
        raise InputError("not a folder with projects.csv, activities.csv, …", source=folder)
    projects = read_csv(folder / "projects.csv", PROJECT_COLUMNS)
    activities = read_csv(folder / "activities.csv", ACTIVITY_COLUMNS)
    organisations = read_csv(folder / "organisations.csv", ORGANISATION_COLUMNS)
    recipients = read_csv(folder / "recipients.csv", RECIPIENT_COLUMNS)
    result = ImportResult(rows=len(projects), activities=len(activities))
    known = _organisations(organisations)
    for row in projects:
        _add_project(result, row)
    by_project = _activities_by_project(activities, result)
    shares = _shares(recipients)
    for action in result.actions.values():
        related = by_project.get(action.identifier.upper(), [])
        result.oecd_codes += sum(1 for a in related if a.text("oecd_purpose"))
        _add_topics(result, action, related)
        _add_recipients(result, action, related, shares)
        _add_implementers(result, action, related, known)
    return result


def _organisations(rows: list[Row]) -> dict[str, str]:
    """Organisation name -> IATI organisation type code."""
    known: dict[str, str] = {}
    for row in rows:
        code = row.text("type")
        if code and code not in ORGANISATION_TYPES:
            raise row.error(f"unknown IATI organisation type {code!r}", "type")
        known[row.text("name")] = code
    return known


def _add_project(result: ImportResult, row: Row) -> None:
    identifier = row.text("ProjectID")
    if not identifier:
        raise row.error("a project needs an identifier", "ProjectID")
    amount = row.decimal("ProjectBudget", required=True)
    assert amount is not None
    if amount < 0:
        raise row.error("a budget cannot be negative", "ProjectBudget")
    title = row.text("ProjectTitle")
    if not title:
        raise row.error("a project needs a title", "ProjectTitle")
    key = "eutf-" + slug(identifier)
    existing = result.actions.get(key)
    if existing is not None:
        result.merged_ids.append((existing.identifier, identifier))
        if title not in existing.titles:
            existing.titles.append(title)
        existing.objectives |= _objectives(row)
        return
    window = row.text("Region") or None
    action = Action(
        key=key,
        identifier=identifier,
        titles=[title],
        amount=amount,
        window=window if window in WINDOWS else None,
        adopted=_date(row, "ProjectAdoptionDate"),
        start=_date(row, "ProjectStartDate"),
        end=_date(row, "ProjectEndDate"),
        links=[
            link
            for link in re.split(r"[\s,;]+", row.text("ProjectLinks"))
            if link.startswith("http")
        ],
        objectives=_objectives(row),
    )
    locations = [part.strip() for part in row.text("ProjectLocation").split(",") if part.strip()]
    action.allocations = [Allocation(c, None) for c in _countries(result, locations)]
    if action.allocations:
        action.allocation_source = "location"
        if len(action.allocations) == 1:
            action.allocations[0].share = Decimal(100)
    action.implementers = [
        part.strip() for part in row.text("ProjectImplementor").split(",") if part.strip()
    ]
    result.actions[key] = action


def _date(row: Row, column: str) -> str | None:
    """A date cell as YYYY-MM-DD; DD.MM.YY (years 2000-2099) is read too.

    >>> _date(Row("p.csv", 2, {"d": "28.05.19"}), "d")
    '2019-05-28'
    """
    value = row.text(column)
    if not value:
        return None
    dotted = _DOTTED.match(value)
    if dotted:
        day, month, year = dotted.groups()
        value = f"20{year}-{month}-{day}"
    if not _DATE.match(value):
        raise row.error(f"not a date (YYYY-MM-DD): {value!r}", column)
    return value


def _objectives(row: Row) -> set[str]:
    codes = set()
    for part in row.text("ProjectTheme").split(","):
        label = part.strip().lower()
        if label:
            if label not in _BY_LABEL:
                raise row.error(
                    f"unknown EUTF strategic objective {part.strip()!r}", "ProjectTheme"
                )
            codes.add(_BY_LABEL[label])
    return codes


def _countries(result: ImportResult, names: list[str]) -> list[str]:
    import pycountry

    codes: list[str] = []
    for name in names:
        code = COUNTRY_NAMES.get(name.lower())
        if code is None:
            try:
                code = pycountry.countries.lookup(name).alpha_3
            except LookupError:
                result.unknown_locations[name] += 1
                continue
        if code not in codes:
            codes.append(code)
    return codes


def _activities_by_project(activities: list[Row], result: ImportResult) -> dict[str, list[Row]]:
    """The activities of each project: its own (same id) and its contracts (parent)."""
    ids = {a.identifier.upper() for a in result.actions.values()}
    by_project: dict[str, list[Row]] = defaultdict(list)
    for row in activities:
        own = row.text("iati_id").upper()
        parent = row.text("project_parent").upper()
        if own in ids:
            by_project[own].append(row)
        elif parent in ids:
            by_project[parent].append(row)
    return by_project


def _shares(rows: list[Row]) -> dict[str, list[tuple[str, Decimal | None]]]:
    """Activity id -> (ISO alpha-2 country, share in per cent or None)."""
    shares: dict[str, list[tuple[str, Decimal | None]]] = defaultdict(list)
    import pycountry

    for row in rows:
        country = row.text("recipient_country")
        if not country:
            continue
        if pycountry.countries.get(alpha_2=country) is None:
            raise row.error(f"unknown ISO 3166 alpha-2 code {country!r}", "recipient_country")
        share = row.decimal("recipient_percentage")
        if share is not None and not 0 <= share <= 100:
            raise row.error(f"a share in per cent is 0 to 100, not {share}", "recipient_percentage")
        shares[row.text("iati_id").upper()].append((country, share))
    return shares


def _add_topics(result: ImportResult, action: Action, related: list[Row]) -> None:
    for activity in related:
        for raw in re.split(r"[,;]", activity.text("topics")):
            code = re.sub(r"^TFP[\s.]*(\d)$", r"TFP.\1", raw.strip())
            if not code:
                continue
            if code in OBJECTIVES:
                action.objectives.add(code)
            else:
                result.unmapped_topics[code] += 1


def _add_recipients(
    result: ImportResult,
    action: Action,
    related: list[Row],
    shares: dict[str, list[tuple[str, Decimal | None]]],
) -> None:
    """Recipient countries from the project's own IATI activity, else from its contracts."""
    own = shares.get(action.identifier.upper())
    if own:
        action.allocations = _allocations(own)
        action.allocation_source = "IATI activity"
        return
    contracts = [a for a in related if a.text("iati_id").upper() != action.identifier.upper()]
    found = [
        shares[c.text("iati_id").upper()]
        for c in contracts
        if shares.get(c.text("iati_id").upper())
    ]
    if not found:
        return
    countries: list[str] = []
    for entries in found:
        for alpha2, _ in entries:
            if alpha2 not in countries:
                countries.append(alpha2)
    action.allocations = [Allocation(_alpha3(c), None) for c in countries]
    if len(action.allocations) == 1:
        action.allocations[0].share = Decimal(100)
    action.allocation_source = "IATI contracts"


def _allocations(entries: list[tuple[str, Decimal | None]]) -> list[Allocation]:
    merged: dict[str, Decimal | None] = {}
    for alpha2, share in entries:
        alpha3 = _alpha3(alpha2)
        if alpha3 in merged and merged[alpha3] is not None and share is not None:
            merged[alpha3] = merged[alpha3] + share  # type: ignore[operator]
        else:
            merged.setdefault(alpha3, share)
    if len(merged) == 1:
        return [Allocation(c, Decimal(100)) for c in merged]
    return [Allocation(c, s) for c, s in merged.items()]


def _alpha3(alpha2: str) -> str:
    import pycountry

    country = pycountry.countries.get(alpha_2=alpha2)
    assert country is not None
    return str(country.alpha_3)


def _add_implementers(
    result: ImportResult, action: Action, related: list[Row], known: dict[str, str]
) -> None:
    names: list[str] = []
    for activity in related:
        for name in split_names(activity.text("partner_implementing"), known):
            if name not in names:
                names.append(name)
    if names:
        action.implementers = names
        action.implementer_source = "IATI activities"
    else:
        listed = split_names(", ".join(action.implementers), known)
        action.implementers = [name for name in listed if name in known]
        result.unmatched_implementers.update(name for name in listed if name not in known)
        action.implementer_source = "project table" if action.implementers else "none"
    for name in action.implementers:
        organisation = Organisation(name, known.get(name) or None)
        key = slug(name)
        if key not in result.organisations or (
            result.organisations[key].type_code is None and organisation.type_code
        ):
            result.organisations[key] = organisation


def split_names(text: str, known: dict[str, str]) -> list[str]:
    """Organisation names in a comma-separated list; known names (with commas) kept whole.

    A name that ``known`` holds in another case is given as ``known`` spells it.

    >>> known = {"DAI Global, LLC (DAI)": "70", "CARE": "21"}
    >>> split_names("DAI Global, LLC (DAI), Oxfam, care", known)
    ['DAI Global, LLC (DAI)', 'Oxfam', 'CARE']
    """
    spelled = {name.lower(): name for name in known}
    parts = [p.strip() for p in text.split(",")]
    names: list[str] = []
    i = 0
    while i < len(parts):
        for j in range(len(parts), i, -1):
            candidate = ", ".join(parts[i:j])
            if candidate.lower() in spelled or j == i + 1:
                if candidate:
                    names.append(spelled.get(candidate.lower(), candidate))
                i = j
                break
    return names


# -- RDF -------------------------------------------------------------------------------------


def triples(result: ImportResult) -> Iterator[Triple]:
    """The RDF of an import: data set, instrument, windows, actions, organisations."""
    yield from _dataset_triples(result)
    yield from _instrument_triples()
    yield from _scheme_triples(result)
    for action in result.actions.values():
        yield from _action_triples(action)
    for organisation in result.organisations.values():
        yield from _organisation_triples(organisation)


def _text(value: str, language: str = "en") -> Literal:
    return Literal(value, language=language)


def _dataset_triples(result: ImportResult) -> Iterator[Triple]:
    with_countries = sum(1 for a in result.actions.values() if a.allocations)
    description = (
        f"The projects of the EU Emergency Trust Fund for Africa (2015-2021) as funded "
        f"actions: {len(result.actions):,} projects with their amounts (EUR "
        f"{result.total:,.0f} in total), adoption, start and end dates, {with_countries:,} "
        f"with recipient countries and budget shares, {len(result.organisations):,} "
        f"implementing organisations typed by their IATI organisation type, and themes "
        f"mapped from the Trust Fund's four strategic objectives. Funded actions, not "
        f"partnerships between local governments."
    )
    yield from dataset_triples(
        DATASET,
        title="EU Emergency Trust Fund for Africa: projects",
        description=description,
        sources=[SOURCE_PAGE, EUTF_SITE],
        licence=REUSE_DECISION,
        citation=ATTRIBUTION,
        publisher="dckg contributors",
    )


def _instrument_triples() -> Iterator[Triple]:
    i = INSTRUMENT
    yield Triple(i, _A, _p("FundingInstrument"))
    yield Triple(i, NamedNode(RDFS + "label"), _text("EU Emergency Trust Fund for Africa"))
    yield Triple(
        i,
        NamedNode(RDFS + "label"),
        _text("Fonds fiduciaire d'urgence de l'UE pour l'Afrique", "fr"),
    )
    yield Triple(i, NamedNode(SKOS + "altLabel"), _text("EUTF for Africa"))
    yield Triple(
        i,
        NamedNode(RDFS + "comment"),
        _text(
            "The European Union Emergency Trust Fund for stability and addressing root causes of "
            "irregular migration and displaced persons in Africa, launched at the Valletta Summit "
            "on 12 November 2015 and managed by the European Commission; it adopted projects "
            "until 2021 in three regional windows: Sahel and Lake Chad, Horn of Africa, North of "
            "Africa."
        ),
    )
    yield Triple(i, _p("startDate"), typed("2015-11-12", "date"))
    yield Triple(i, _p("endDate"), typed("2021", "gYear"))
    yield Triple(i, _p("currency"), Literal("EUR"))
    yield Triple(i, _p("managedBy"), COMMISSION)
    yield Triple(i, NamedNode("http://xmlns.com/foaf/0.1/homepage"), EUTF_SITE)
    yield Triple(i, NamedNode(DCT + "source"), EUTF_SITE)
    for key, label in WINDOWS.values():
        w = thing("programme", key)
        yield Triple(w, _A, _p("Programme"))
        yield Triple(w, NamedNode(RDFS + "label"), _text(label))
        yield Triple(w, _p("instrument"), INSTRUMENT)
        yield Triple(w, _p("managedBy"), COMMISSION)
        yield Triple(w, NamedNode(DCT + "source"), EUTF_SITE)


def _objective_iri(code: str) -> NamedNode:
    return thing("eutf-objective", code.lower().replace(".", "-"))


def _scheme_triples(result: ImportResult) -> Iterator[Triple]:
    scheme = thing("scheme", "eutf-strategic-objectives")
    yield Triple(scheme, _A, NamedNode(SKOS + "ConceptScheme"))
    yield Triple(
        scheme, NamedNode(SKOS + "prefLabel"), _text("EUTF for Africa strategic objectives")
    )
    for code, (label, themes) in OBJECTIVES.items():
        c = _objective_iri(code)
        yield Triple(c, _A, NamedNode(SKOS + "Concept"))
        yield Triple(c, NamedNode(SKOS + "prefLabel"), _text(label))
        yield Triple(c, NamedNode(SKOS + "notation"), Literal(code))
        yield Triple(c, NamedNode(SKOS + "inScheme"), scheme)
        yield Triple(c, NamedNode(SKOS + "topConceptOf"), scheme)
        for theme in themes:
            yield Triple(c, NamedNode(SKOS + "narrowMatch"), thing("theme", theme))
    types = thing("scheme", "iati-organisation-types")
    yield Triple(types, _A, NamedNode(SKOS + "ConceptScheme"))
    yield Triple(types, NamedNode(SKOS + "prefLabel"), _text("IATI organisation types"))
    yield Triple(types, NamedNode(DCT + "source"), IATI_ORGANISATION_TYPES)
    used = {o.type_code for o in result.organisations.values() if o.type_code}
    for code in sorted(used):
        c = organisation_type_iri(code)
        yield Triple(c, _A, NamedNode(SKOS + "Concept"))
        yield Triple(c, NamedNode(SKOS + "prefLabel"), _text(ORGANISATION_TYPES[code][0]))
        yield Triple(c, NamedNode(SKOS + "notation"), Literal(code))
        yield Triple(c, NamedNode(SKOS + "inScheme"), types)
        yield Triple(c, NamedNode(SKOS + "topConceptOf"), types)


def organisation_type_iri(code: str) -> NamedNode:
    """The concept of an IATI organisation type code."""
    return thing("organisation-type", f"iati-{code}")


def _action_triples(action: Action) -> Iterator[Triple]:
    a = action.iri
    yield Triple(a, _A, _p("FundedAction"))
    for title in action.titles:
        yield Triple(a, NamedNode(RDFS + "label"), Literal(title))
    yield Triple(a, NamedNode(DCT + "identifier"), Literal(action.identifier))
    if action.adopted:
        yield Triple(a, _p("adoptionDate"), typed(action.adopted, "date"))
    if action.start:
        yield Triple(a, _p("startDate"), typed(action.start, "date"))
    if action.end:
        yield Triple(a, _p("endDate"), typed(action.end, "date"))
    for link in action.links:
        yield Triple(a, NamedNode(RDFS + "seeAlso"), NamedNode(link))
    yield Triple(a, NamedNode(DCT + "source"), EUTF_SITE)
    funding = thing("funding", action.key)
    yield Triple(a, _p("funding"), funding)
    yield Triple(funding, _A, _p("Funding"))
    yield Triple(funding, _p("amount"), decimal_literal(action.amount))
    yield Triple(funding, _p("currency"), Literal("EUR"))
    yield Triple(funding, _p("instrument"), INSTRUMENT)
    if action.window:
        yield Triple(funding, _p("programme"), thing("programme", WINDOWS[action.window][0]))
    for code in sorted(action.objectives):
        yield Triple(a, NamedNode(DCT + "subject"), _objective_iri(code))
        for theme in THEMES[code]:
            yield Triple(a, _p("theme"), thing("theme", theme))
    for allocation in action.allocations:
        country = thing("country", allocation.country)
        yield Triple(a, _p("country"), country)
        node = thing("allocation", f"{action.key}-{allocation.country.lower()}")
        yield Triple(a, _p("allocation"), node)
        yield Triple(node, _A, _p("CountryAllocation"))
        yield Triple(node, _p("country"), country)
        if allocation.share is not None:
            yield Triple(node, _p("share"), decimal_literal(allocation.share))
    for name in action.implementers:
        yield Triple(a, _p("implementedBy"), thing("organisation", slug(name)))


def _organisation_triples(organisation: Organisation) -> Iterator[Triple]:
    o = organisation.iri
    yield Triple(o, _A, _p("Actor"))
    yield Triple(o, NamedNode(RDFS + "label"), Literal(organisation.name))
    if organisation.type_code:
        cls = ORGANISATION_TYPES[organisation.type_code][1]
        if cls:
            yield Triple(o, _A, _p(cls))
        yield Triple(o, _p("organisationType"), organisation_type_iri(organisation.type_code))


# -- the importer --------------------------------------------------------------------------


def report(result: ImportResult, *, command: str, size: int) -> str:
    """The report of an EUTF import: counts, sums, mappings and what was left out."""
    actions = list(result.actions.values())
    windows = Counter(a.window or "none (cross-window)" for a in actions)
    by_window = {
        w: sum((a.amount for a in actions if (a.window or "none (cross-window)") == w), start=0)
        for w in windows
    }
    shares = sum(1 for a in actions for c in a.allocations if c.share is not None)
    allocations = sum(len(a.allocations) for a in actions)
    counts = [
        ("project rows read", result.rows),
        ("funded actions (`dckg:FundedAction`) with an amount", len(actions)),
        ("rows merged (identifiers equal but for case)", len(result.merged_ids)),
        ("IATI activities read", result.activities),
        ("total amount (EUR)", f"{result.total:,.2f}"),
        ("actions with an adoption date", sum(1 for a in actions if a.adopted)),
        ("actions with a start date", sum(1 for a in actions if a.start)),
        ("actions with an end date", sum(1 for a in actions if a.end)),
        ("country allocations", allocations),
        ("… of them with a budget share", shares),
        ("implementing organisations", len(result.organisations)),
        ("actions with at least one theme", sum(1 for a in actions if a.objectives)),
    ]
    return reports.render(
        "eutf",
        command=command,
        size=size,
        dataset=DATASET.value,
        attribution=ATTRIBUTION,
        counts=counts,
        windows=[(w, n, f"{by_window[w]:,.2f}") for w, n in sorted(windows.items())],
        allocation_sources=sorted(Counter(a.allocation_source for a in actions).items()),
        types=sorted(
            Counter(o.type_code or "unknown" for o in result.organisations.values()).items()
        ),
        implementer_sources=sorted(Counter(a.implementer_source for a in actions).items()),
        unmatched_implementers=[f"`{n}`" for n in sorted(result.unmatched_implementers)],
        objectives=[
            (c, label, ", ".join(f"`theme/{t}`" for t in ts))
            for c, (label, ts) in OBJECTIVES.items()
        ],
        themes=sorted(
            Counter(t for a in actions for code in a.objectives for t in THEMES[code]).items()
        ),
        unmapped_topics=[f"`{c}` ({n})" for c, n in sorted(result.unmapped_topics.items())],
        activities=result.activities,
        oecd_codes=result.oecd_codes,
        merged=[f"`{a}` / `{b}`" for a, b in result.merged_ids],
        unknown_locations=sorted(result.unknown_locations),
    )


class EutfImporter(BaseImporter):
    name = "eutf"
    dataset = DATASET
    stem = "eutf-africa"
    help = """Import the EU Emergency Trust Fund for Africa projects (folder of the four CSV files).

    Each project becomes a dckg:FundedAction with its amount in EUR, dates, recipient
    countries and budget shares, implementing organisations (typed by their IATI
    organisation type) and themes mapped from the Trust Fund's strategic objectives.
    """

    @property
    def report_name(self) -> str:
        return "eutf"

    def read(self, source: Source) -> ImportResult:
        return import_eutf(source.path)

    def triples(self, result: ImportResult) -> Iterator[Triple]:
        return triples(result)

    def report(self, result: ImportResult, *, command: str, size: int) -> str:
        return report(result, command=command, size=size)

    def summary(self, result: ImportResult) -> list[str]:
        return [
            f"{result.rows:,} project rows: {len(result.actions):,} funded actions, EUR "
            f"{result.total:,.2f}; {len(result.organisations):,} implementing organisations"
        ]


IMPORTER = register(EutfImporter())


__all__ = [
    "DATASET",
    "IMPORTER",
    "INSTRUMENT",
    "OBJECTIVES",
    "ORGANISATION_TYPES",
    "THEMES",
    "ImportResult",
    "import_eutf",
    "report",
    "slug",
    "split_names",
    "triples",
]
