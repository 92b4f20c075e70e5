"""Place names folded for comparison, and the forms a name is also tried in.

Folding transliterates any script to ASCII with anyascii (``Łódź`` → ``lodz``,
``Київ`` → ``kiiv``, ``Bayt Sāḩūr`` → ``bayt sahur``), drops case, and keeps words
separated by one space.

>>> normalise("  Saint-Étienne ")
'saint etienne'
>>> name_variants("Porcia, Friuli-Venezia Giulia")
['porcia']
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

#: Words that join a name to the place that locates it (``Hattersheim am Main``).
LINK_WORDS = frozenset(
    "am an auf bei d de del della dell der di en im in nad nahe ob on pod pri sous sur upon".split()
)
#: Words that mark a district or region rather than a town.
ADMIN_WORDS = frozenset(
    "district borough county province provincia region parish oblast voivodeship "
    "department prefecture canton arrondissement subregion municipality township".split()
)
#: Words that do not make two names alike on their own.
MINOR_WORDS = frozenset(
    "a al am an and bad bei d de del der des di die do du el en et i im in l la le les "
    "nad ob of on pod s saint san sankt santa sao st ste the und upon y".split()
)
#: Abbreviated and full forms of "saint" tried for one another (``St. Georgen`` /
#: ``Sankt Georgen``, ``St Ives`` / ``Saint Ives``).
SAINT_FORMS = {
    "st": ("sankt", "saint", "sint", "san", "santo", "sao"),
    "ste": ("sainte", "santa"),
    "sankt": ("st",),
    "saint": ("st",),
    "sainte": ("ste",),
    "sint": ("st",),
}

_NON_WORD = re.compile(r"[\W_]+")
_PAREN = re.compile(r"\s*\([^)]*\)\s*")
_BILINGUAL = re.compile(r"\s+[-–/]\s+|\s*<>\s*|\s*/\s*|(?<=[^\W\d_]{4})-(?=[^\W\d_]{4})")
_TRAILING_DIGITS = re.compile(r"\d+$")
_AFFIXES = re.compile(
    r"^(?:city of|town of|municipality of|commune of|gmina|comune di|stadt|dimos|dhimos|"
    r"municipio de|municipio|ayuntamiento de|ajuntament de|ajuntament d|concello de|"
    r"administration communale de|commune de|ville de|gemeente|gemeinde|markt|"
    r"city council of|mairie de|obshtina|opstina|opcina|grad)\s+"
    r"|\s+(?:metropolitan municipality|municipality|municipal|kommune|kommun|city council|"
    r"borough council|district council|county council|council|city|town|commune|"
    r"urban municipality|territorial community|community|hromada|kozseg|varos|onkormanyzat|"
    r"otg|ac|spa)$"
)


@lru_cache(maxsize=65536)
def normalise(name: str) -> str:
    """A name folded for comparison: transliterated to ASCII, no case, one space between words.

    >>> normalise("Łódź"), normalise("Bad Homburg v. d. Höhe"), normalise("'s-Hertogenbosch")
    ('lodz', 'bad homburg v d hohe', 's hertogenbosch')
    >>> normalise("Gießen"), normalise("Żebbuġ"), normalise("Київ")
    ('giessen', 'zebbug', 'kiiv')
    """
    folded = name if name.isascii() else anyascii(name)
    return _NON_WORD.sub(" ", folded.casefold()).strip()


def squeeze(key: str) -> str:
    """A folded name without spaces, for comparing ``Santa Fe`` with ``Santafé``.

    >>> squeeze(normalise("Santa Fe")) == squeeze(normalise("Santafé"))
    True
    """
    return key.replace(" ", "")


def name_variants(name: str) -> list[str]:
    """Folded forms of a name without its qualifiers, or with "saint" spelt otherwise.

    Tried when the name itself fails; a match on one of them scores lower.

    >>> name_variants("Malmö Municipality"), name_variants("Frankfurt (Oder)")
    (['malmo'], ['frankfurt'])
    >>> name_variants("Droitwich Spa"), name_variants("St. Georgen im Schwarzwald")[:2]
    (['droitwich'], ['sankt georgen im schwarzwald', 'saint georgen im schwarzwald'])
    >>> name_variants("Paris")
    []
    """
    whole = normalise(name)
    found: list[str] = []

    def add(key: str) -> None:
        if key and key != whole and key not in found:
            found.append(key)

    for key in _saint_forms(whole):
        add(key)
    stems = [name.split(",")[0], _PAREN.sub(" ", name), name.split("/")[0]]
    stems.append(_TRAILING_DIGITS.sub("", name))  # ``Cravanzana2050``
    for stem in stems:
        folded = normalise(stem)
        for key in (folded, _AFFIXES.sub("", folded).strip()):
            add(key)
            for other in _saint_forms(key):
                add(other)
    return found


def name_parts(name: str) -> list[str]:
    """The parts of a name in two languages or of two merged places, folded, each of which
    may stand for the whole (``San Sebastián - Donostia``, ``Sgonico-Zgonik``,
    ``Belascoain <> Beraskoain``); [] for a name in one part.

    >>> name_parts("Sgonico-Zgonik"), name_parts("Saint-Étienne"), name_parts("Paris")
    (['sgonico', 'zgonik'], ['etienne'], [])
    """
    parts = _BILINGUAL.split(_PAREN.sub(" ", name.split(",")[0]))
    if len(parts) < 2:
        return []
    whole = normalise(name)
    found = []
    for part in parts:
        for key in (normalise(part), _AFFIXES.sub("", normalise(part)).strip()):
            if _distinctive(key) and key != whole and key not in found:
                found.append(key)
    return found


def _distinctive(key: str) -> bool:
    """Whether a part of a name can stand alone: 5 letters or more, not only minor words."""
    words = key.split()
    return len("".join(words)) >= 5 and not all(w in MINOR_WORDS for w in words)


def _saint_forms(key: str) -> list[str]:
    words = key.split()
    forms = []
    for i, word in enumerate(words):
        for other in SAINT_FORMS.get(word, ()):
            forms.append(" ".join([*words[:i], other, *words[i + 1 :]]))
    return forms


def tokens(key: str) -> tuple[str, ...]:
    return tuple(key.split())


def contains(wanted: tuple[str, ...], other: tuple[str, ...]) -> bool:
    """Whether one name is the other plus a locating phrase (``Weiden in der Oberpfalz`` /
    ``Weiden``, ``Remseck`` / ``Remseck am Neckar``) or a spa title (``Bad Kötzting``).

    >>> contains(("weiden", "in", "der", "oberpfalz"), ("weiden",))
    True
    >>> contains(("san", "marco"), ("san",))
    False
    """
    if ADMIN_WORDS & set(wanted):
        return False
    if wanted[:1] == ("bad",) and wanted[1:] == other:
        return True
    short, long = (other, wanted) if len(other) < len(wanted) else (wanted, other)
    return (
        len(short) < len(long)
        and long[: len(short)] == short
        and long[len(short)] in LINK_WORDS
        and sum(len(w) for w in short if w not in MINOR_WORDS) >= 4
    )


def looks_administrative(key: str) -> bool:
    """Whether a folded name names a district, county, region and the like.

    >>> looks_administrative("18th district of budapest"), looks_administrative("bochum")
    (True, False)
    """
    return bool(ADMIN_WORDS & set(key.split()) or _ADMIN_EXTRA & set(key.split()))


_ADMIN_EXTRA = frozenset(
    "kraj okres powiat raion rayon governorate state land regional metropolitan area "
    "comarca landkreis kreis departement provincie provincia".split()
)


__all__ = [
    "contains",
    "looks_administrative",
    "name_parts",
    "name_variants",
    "normalise",
    "squeeze",
    "tokens",
]
