"""The CSV templates: one declared mapping per kind of contribution.

Each :class:`Template` says, column by column, what a cell means: which property it
fills, what kind of value it holds, whether it is required. The engine in
:mod:`dckg.validation.csvmap` applies these declarations to every row; no template has
code of its own. The templates and an example file of each are in ``templates/``, and
``docs/validation.md`` documents them.

Kinds of value (``Column.kind``):

``text``      a plain string literal
``date``      ``2021-03-15`` (xsd:date) or ``2021`` (xsd:gYear)
``decimal``   a number, ``.`` as decimal mark (xsd:decimal)
``integer``   a whole number (xsd:integer)
``iri``       an absolute ``http(s)://`` IRI
``ref``       a thing of the graph: a full IRI, a prefixed name (``network:uclg``) or a bare
              key, which becomes ``https://w3id.org/dckg/id/{Column.ref}/{key}``
``objective`` like ``ref`` for policy objectives; a number 1–17 (or ``sdg:11``) is an SDG
``country``   an ISO 3166 alpha-2 or alpha-3 code or an English country name
``actor``     an actor given by IRI / prefixed name, or by name; a name is reconciled
              against the store with the sibling columns ``{name}_country``,
              ``{name}_lat`` and ``{name}_lon``
``latitude``, ``longitude``  decimal degrees; together they give the subject a point geometry
"""

from __future__ import annotations

from dataclasses import dataclass, field

from dckg.namespaces import DCKG, DCT, FOAF, OWL, RDFS


@dataclass(frozen=True)
class Column:
    """One column of a template."""

    name: str
    kind: str
    #: The property the cell fills (None for the id, the type and helper columns).
    predicate: str | None = None
    required: bool = False
    #: For ``ref``: the kind of thing a bare key names (``network`` → id/network/{key}).
    ref: str | None = None
    #: Several values in one cell, separated by ``;``.
    multiple: bool = False
    #: The triple goes from the value to the row's subject (``partnership`` → dckg:funding).
    inverse: bool = False
    #: The cell describes a node hanging off the subject: (link property, IRI suffix, class).
    node: tuple[str, str, str] | None = None
    #: Further properties that link the same way (e.g. dckg:fundedBy beside dckg:funding).
    also: tuple[str, ...] = ()
    #: For ``actor``: the role column of a qualified participation, if any.
    role_column: str | None = None
    help: str = ""


@dataclass(frozen=True)
class Template:
    """The declared mapping of one CSV template."""

    name: str
    description: str
    columns: tuple[Column, ...]
    #: How the row's subject is made: the id column and the kind of thing it names; or
    #: ``subject_column`` when another column (an actor) is the subject.
    id_column: str | None = None
    id_kind: str | None = None
    subject_column: str | None = None
    #: The ``type`` column's values and the classes they stand for; the first is the default.
    types: dict[str, str] = field(default_factory=dict)
    #: For typed ids: the kind of IRI each type mints (else ``id_kind``).
    type_kinds: dict[str, str] = field(default_factory=dict)

    def column(self, name: str) -> Column | None:
        for column in self.columns:
            if column.name == name:
                return column
        return None

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _p(base: str, local: str) -> str:
    return base + local


def _actor(
    name: str, predicate: str | None, *, required: bool = False, role: bool = False, help: str = ""
) -> tuple[Column, ...]:
    """An actor column and its siblings (country, coordinates, and optionally a role)."""
    columns = [
        Column(
            name,
            "actor",
            predicate,
            required=required,
            role_column=f"{name}_role" if role else None,
            help=help
            or f"the key of the actor (city:geonames-2988507, network:uclg) or its name, "
            f"with its country in {name}_country",
        ),
        Column(f"{name}_country", "helper", help="country of a partner given by name"),
        Column(f"{name}_lat", "helper", help="latitude of a partner given by name"),
        Column(f"{name}_lon", "helper", help="longitude of a partner given by name"),
    ]
    if role:
        columns.append(Column(f"{name}_role", "helper", help="role key: lead, co-applicant, …"))
    return tuple(columns)


LABEL = _p(RDFS, "label")
DESCRIPTION = _p(DCT, "description")
SOURCE = _p(DCT, "source")

PARTNERSHIPS = Template(
    name="partnerships",
    description="One partnership, twinning or project per row, with up to four partners.",
    id_column="id",
    id_kind="partnership",
    types={
        "partnership": _p(DCKG, "Partnership"),
        "twinning": _p(DCKG, "Twinning"),
        "project": _p(DCKG, "Project"),
    },
    columns=(
        Column(
            "id",
            "key",
            required=True,
            help="a key for the partnership (letters a-z, digits and -, e.g. lyon-dakar-2021)",
        ),
        Column("type", "type", help="partnership (default), twinning or project"),
        Column("label", "text", LABEL, required=True, help="the name of the partnership"),
        *_actor("partner_1", _p(DCKG, "partner"), required=True, role=True),
        *_actor("partner_2", _p(DCKG, "partner"), role=True),
        *_actor("partner_3", _p(DCKG, "partner"), role=True),
        *_actor("partner_4", _p(DCKG, "partner"), role=True),
        Column("start_date", "date", _p(DCKG, "startDate"), help="2021-03-15 or 2021"),
        Column("end_date", "date", _p(DCKG, "endDate"), help="2023-12-31 or 2023"),
        Column("status", "ref", _p(DCKG, "status"), ref="status", help="status key"),
        Column(
            "themes",
            "ref",
            _p(DCKG, "theme"),
            ref="theme",
            multiple=True,
            help="theme keys, separated by ;",
        ),
        Column(
            "advances",
            "objective",
            _p(DCKG, "advances"),
            multiple=True,
            help="SDG numbers or objective keys, separated by ;",
        ),
        Column(
            "localises",
            "ref",
            _p(DCKG, "localises"),
            ref="gg-project",
            multiple=True,
            help="Global Gateway projects",
        ),
        Column("budget", "decimal", _p(DCKG, "budget"), help="total budget in EUR"),
        Column("description", "text", DESCRIPTION),
        Column("source", "iri", SOURCE, help="web page the facts come from"),
    ),
)

ACTORS = Template(
    name="actors",
    description="One actor per row: a city, region, network, institution or other body.",
    id_column="id",
    id_kind="actor",
    types={
        "city": _p(DCKG, "City"),
        "region": _p(DCKG, "Region"),
        "municipality": _p(DCKG, "Municipality"),
        "metropolitan-area": _p(DCKG, "MetropolitanArea"),
        "network": _p(DCKG, "CityNetwork"),
        "eu-institution": _p(DCKG, "EUInstitution"),
        "national-government": _p(DCKG, "NationalGovernment"),
        "development-agency": _p(DCKG, "DevelopmentAgency"),
        "financial-institution": _p(DCKG, "FinancialInstitution"),
        "civil-society": _p(DCKG, "CivilSocietyOrganisation"),
        "private-sector": _p(DCKG, "PrivateSectorActor"),
        "academic": _p(DCKG, "AcademicInstitution"),
    },
    # (id/region/… names world regions, so a regional government is an id/actor/…)
    type_kinds={
        "city": "city",
        "network": "network",
        "eu-institution": "institution",
    },
    columns=(
        Column(
            "id",
            "key",
            required=True,
            help="a key for the actor (letters a-z, digits and -) or its web address",
        ),
        Column(
            "type",
            "type",
            required=True,
            help="the kind of actor: city, region, network, eu-institution, …",
        ),
        Column("label", "text", LABEL, required=True, help="the name of the actor"),
        Column("country", "country", _p(DCKG, "country"), help="FR, FRA or France"),
        Column("lat", "latitude", help="latitude, decimal degrees (WGS84)"),
        Column("lon", "longitude", help="longitude, decimal degrees (WGS84)"),
        Column("population", "integer", _p(DCKG, "population")),
        Column("geonames_id", "integer", _p(DCKG, "geonamesId"), help="GeoNames id"),
        Column(
            "member_of",
            "ref",
            _p(DCKG, "memberOf"),
            ref="network",
            multiple=True,
            help="network keys, separated by ;",
        ),
        Column("homepage", "iri", _p(FOAF, "homepage")),
        Column("same_as", "iri", _p(OWL, "sameAs"), multiple=True, help="e.g. Wikidata IRI"),
        Column("description", "text", DESCRIPTION),
        Column("source", "iri", SOURCE),
    ),
)

MEMBERSHIPS = Template(
    name="memberships",
    description="One membership of an actor in a city network per row.",
    subject_column="member",
    columns=(
        *_actor("member", None, required=True),
        Column(
            "network",
            "ref",
            _p(DCKG, "memberOf"),
            ref="network",
            required=True,
            help="the key of the network (uclg, eurocities, …)",
        ),
    ),
)

FUNDING = Template(
    name="funding",
    description="One funding award to a partnership per row.",
    id_column="id",
    id_kind="funding",
    types={"funding": _p(DCKG, "Funding")},
    columns=(
        Column("id", "key", required=True, help="a key for the funding award"),
        Column(
            "partnership",
            "ref",
            _p(DCKG, "funding"),
            ref="partnership",
            required=True,
            inverse=True,
            also=(_p(DCKG, "fundedBy"),),
            help="the key of the partnership funded",
        ),
        Column("label", "text", LABEL),
        Column(
            "amount",
            "decimal",
            _p(DCKG, "amount"),
            required=True,
            help="the amount, a number (1500000.50)",
        ),
        Column("currency", "text", _p(DCKG, "currency"), help="ISO 4217 code, e.g. EUR"),
        Column("instrument", "ref", _p(DCKG, "instrument"), ref="instrument"),
        Column("programme", "ref", _p(DCKG, "programme"), ref="programme"),
        Column("call", "ref", _p(DCKG, "call"), ref="call"),
        Column("source", "iri", SOURCE),
    ),
)

_INDICATOR = (_p(DCKG, "indicator"), "#indicator", _p(DCKG, "Indicator"))

RESULTS = Template(
    name="results",
    description="One result of a partnership per row, with one optional indicator.",
    id_column="id",
    id_kind="result",
    types={"result": _p(DCKG, "Result")},
    columns=(
        Column("id", "key", required=True, help="a key for the result"),
        Column(
            "partnership",
            "ref",
            _p(DCKG, "result"),
            ref="partnership",
            required=True,
            inverse=True,
            help="the key of the partnership",
        ),
        Column("label", "text", LABEL, required=True, help="the result, in a sentence"),
        Column("description", "text", DESCRIPTION),
        Column("advances", "objective", _p(DCKG, "advances"), multiple=True),
        Column("indicator", "text", LABEL, node=_INDICATOR, help="name of the indicator"),
        Column("indicator_value", "decimal", _p(DCKG, "value"), node=_INDICATOR),
        Column("indicator_unit", "text", _p(DCKG, "unit"), node=_INDICATOR),
        Column("indicator_baseline", "decimal", _p(DCKG, "baselineValue"), node=_INDICATOR),
        Column("indicator_target", "decimal", _p(DCKG, "targetValue"), node=_INDICATOR),
        Column("source", "iri", SOURCE),
    ),
)

#: Every template, by name.
TEMPLATES: dict[str, Template] = {
    t.name: t for t in (PARTNERSHIPS, ACTORS, MEMBERSHIPS, FUNDING, RESULTS)
}

__all__ = ["TEMPLATES", "Column", "Template"]
