"""Countries named by code or by English name, as ISO 3166-1 alpha-2 codes.

>>> parse_country("Czech Republic"), parse_country("FRA"), parse_country("de")
('CZ', 'FR', 'DE')
"""

from __future__ import annotations

from functools import lru_cache

from dckg.errors import UsageError
from dckg.reconcile.names import normalise

#: English country names that ISO 3166 (as pycountry ships it) spells otherwise.
COUNTRY_ALIASES = {
    "russia": "RU",
    "turkey": "TR",
    "republic of macedonia": "MK",
    "macedonia": "MK",
    "cape verde": "CV",
    "palestine": "PS",
    "state of palestine": "PS",
    "palestinian national authority": "PS",
    "palestinian territories": "PS",
    "ivory coast": "CI",
    "sao tome and principe": "ST",
    "democratic republic of the congo": "CD",
    "republic of the congo": "CG",
    "kosovo": "XK",
    "east timor": "TL",
    "swaziland": "SZ",
    "south korea": "KR",
    "north korea": "KP",
    "vietnam": "VN",
    "laos": "LA",
    "syria": "SY",
    "iran": "IR",
    "moldova": "MD",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "taiwan": "TW",
    "people's republic of china": "CN",
    "kingdom of the netherlands": "NL",
    "united states of america": "US",
    "the gambia": "GM",
    "the bahamas": "BS",
    "federated states of micronesia": "FM",
    "vatican city": "VA",
    "brunei": "BN",
}


@lru_cache(maxsize=4096)
def parse_country(text: str) -> str:
    """The ISO 3166-1 alpha-2 code of a country given by code or English name.

    Raises :class:`~dckg.errors.UsageError` for a country it does not know.

    >>> parse_country("Russia"), parse_country("Palestinian territories")
    ('RU', 'PS')
    """
    import pycountry

    key = text.strip()
    alias = COUNTRY_ALIASES.get(normalise(key).replace(" s ", "'s "))
    alias = alias or COUNTRY_ALIASES.get(normalise(key))
    if alias:
        return alias
    if key.upper() in ("XK", "XKX"):
        return "XK"
    try:
        return str(pycountry.countries.lookup(key).alpha_2)
    except LookupError:
        pass
    plain = normalise(key)
    for country in pycountry.countries:
        names = [
            country.name,
            getattr(country, "common_name", ""),
            getattr(country, "official_name", ""),
        ]
        if any(n and normalise(n) == plain for n in names):
            return str(country.alpha_2)
    raise UsageError(f"unknown country {text!r}: give an ISO 3166 code or an English name")


@lru_cache(maxsize=1)
def _subdivisions() -> dict[str, list[tuple[str, str, str]]]:
    """Folded ISO 3166-2 subdivision names -> (country, code, type), as pycountry ships them."""
    import pycountry

    found: dict[str, list[tuple[str, str, str]]] = {}
    for sub in pycountry.subdivisions:
        key = normalise(sub.name)
        found.setdefault(key, []).append((sub.country_code, sub.code, sub.type))
    return found


def subdivision(key: str, country: str | None) -> tuple[str, str] | None:
    """The ISO 3166-2 (code, type) of a folded name that names a region, province or district
    (of ``country`` when given), or None.

    >>> subdivision("bavaria", "DE") or subdivision("bayern", "DE")
    ('DE-BY', 'Land')
    >>> subdivision("paris", "DE") is None
    True
    """
    for code, sub, kind in _subdivisions().get(key, ()):
        if country is None or code == country:
            return sub, kind
    return None


__all__ = ["COUNTRY_ALIASES", "parse_country", "subdivision"]
