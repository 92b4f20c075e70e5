"""Import the C40 member cities (C40's GHG-inventory dashboard, version of 30 May 2023).

``cities.csv`` lists City, Country and C40 Region; ``cities-locode.csv`` gives most of them
an ISO country code and a UN/LOCODE. The list is a subset of C40's members (those that
publish an inventory), and the source gives no coordinates: each city is reconciled on its
name and country against GeoNames. C40 members are large cities, so when several places of
a country share the name, the one with ten times the population of any other is taken
(``Washington, DC`` is the capital, not one of the small Washingtons); otherwise the city
is reported ambiguous. The C40 Region column is not used: it has evident errors (Bengaluru
and Miami filed under Europe).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pyoxigraph import Literal, NamedNode, Triple

from dckg.datasets import dataset_triples
from dckg.errors import InputError
from dckg.importers import reports
from dckg.importers.contract import BaseImporter, Source, register
from dckg.importers.memberships import (
    UNKNOWN,
    Member,
    actor_triples,
    country_code,
    listed_membership_triples,
    name_forms,
    share,
    slug,
)
from dckg.importers.tables import ntriples
from dckg.importers.twinnings import reference_reconciler
from dckg.namespaces import DCT, RDF, RDFS, graph, thing
from dckg.reconcile import AMBIGUOUS, MATCHED, Reconciler

STEM = "c40"
DATASET = graph(f"reference/{STEM}")
NETWORK = thing("network", STEM)
WEBSITE = NamedNode("https://www.c40.org/")
COPY = NamedNode("https://github.com/Open-Earth-Foundation/ClimateTRACE_C40/tree/e3f63c8/data")
#: C40's terms: reuse with attribution to C40 Cities (no standard licence IRI exists).
LICENCE = thing("licence", "c40-attribution")
CITATION = (
    "C40 Cities Climate Leadership Group: member cities publishing a greenhouse-gas "
    "inventory on C40's dashboard (version of 30 May 2023), as compiled in the "
    "ClimateTRACE_C40 repository of the Open Earth Foundation (commit e3f63c8). "
    "Attribution to C40 Cities required."
)
COLUMNS = ("City", "Country", "Region")
LOCODE_COLUMNS = ("City", "Country", "iso_code", "locode")
#: A same-name place this many times larger than every other is the member meant.
DOMINANT = 10


@dataclass
class ImportResult:
    file: str
    members: list[Member] = field(default_factory=list)
    locodes: dict[str, str] = field(default_factory=dict)

    def counts(self) -> Counter[str]:
        return Counter(m.status for m in self.members)


def _read(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", source=path) from None
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 (byte {error.start})", source=path) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != columns:
        raise InputError(f"unexpected header; expected {', '.join(columns)}", source=path, line=1)
    rows = []
    for cells in reader:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(columns):
            raise InputError(
                f"{len(cells)} columns instead of {len(columns)}", source=path, line=reader.line_num
            )
        rows.append((reader.line_num, {k: v.strip() for k, v in zip(columns, cells, strict=True)}))
    return rows


def import_c40(folder: Path, *, reconciler: Reconciler) -> ImportResult:
    cities = folder / "cities.csv"
    if not cities.is_file():
        raise InputError("no cities.csv here", source=folder)
    result = ImportResult(file=cities.name)
    codes: dict[str, str] = {}
    locodes = folder / "cities-locode.csv"
    if locodes.is_file():
        for line, row in _read(locodes, LOCODE_COLUMNS):
            if len(row["iso_code"]) != 2:
                raise InputError(
                    f"not an ISO code: {row['iso_code']!r}",
                    source=locodes,
                    line=line,
                    field="iso_code",
                )
            codes[row["City"]] = row["iso_code"].upper()
            result.locodes[row["City"]] = row["locode"]
    for line, row in _read(cities, COLUMNS):
        if not row["City"]:
            raise InputError("empty City", source=cities, line=line, field="City")
        country = codes.get(row["City"]) or country_code(row["Country"])
        if country is None:
            raise InputError(
                f"unknown country {row['Country']!r}", source=cities, line=line, field="Country"
            )
        member = Member(slug(row["City"]), row["City"], country, line=line)
        _reconcile(reconciler, member)
        if member.iri is None:
            member.iri = thing("lrg", f"{STEM}-{member.key}")
        result.members.append(member)
    return result


def _reconcile(reconciler: Reconciler, member: Member) -> None:
    ambiguous: list[NamedNode] = []
    for form in name_forms(member.name):
        match = reconciler.reconcile(form, country=member.country)
        if match.status == MATCHED and match.iri is not None:
            place = reconciler.place(match.iri)
            member.status, member.iri = MATCHED, match.iri
            member.matched_label = place.label if place else ""
            member.reason = "" if form == member.name else f"matched as {form!r}"
            return
        if match.status == AMBIGUOUS and not ambiguous:
            ambiguous = [c.iri for c in match.candidates]
    if ambiguous:
        places = sorted(
            (p for p in (reconciler.place(i) for i in ambiguous) if p is not None),
            key=lambda p: -(p.population or 0),
        )
        member.candidates = [f"{p.label} ({p.population or 0:,} people)" for p in places[:3]]
        if len(places) >= 2 and (places[0].population or 0) >= DOMINANT * (
            places[1].population or 1
        ):
            member.status, member.iri, member.matched_label = (
                MATCHED,
                places[0].iri,
                places[0].label,
            )
            member.reason = (
                f"the largest of {len(places)} places of that name, by {DOMINANT}× or more"
            )
            return
        member.status, member.reason = AMBIGUOUS, "several places of that name in the country"
        return
    member.status, member.reason = UNKNOWN, "no place of that name in the country"


def triples(result: ImportResult, reconciler: Reconciler) -> Iterator[Triple]:
    counts = result.counts()
    description = (
        f"The {len(result.members)} C40 member cities that publish a greenhouse-gas inventory "
        f"on C40's dashboard (version of 30 May 2023; C40 has about 97 members, so this is a "
        f"subset); {counts[MATCHED]} matched to a GeoNames city on name and country."
    )
    yield from dataset_triples(
        DATASET,
        title="C40 Cities members (2023 inventory dashboard)",
        description=description,
        sources=[WEBSITE, COPY],
        licence=LICENCE,
        citation=CITATION,
    )
    yield Triple(LICENCE, NamedNode(RDF + "type"), NamedNode(DCT + "LicenseDocument"))
    yield Triple(
        LICENCE,
        NamedNode(RDFS + "label"),
        Literal(
            "C40 Cities: reuse with attribution to C40 Cities (CDP Open Data Portal licence and "
            "C40's terms of use)",
            language="en",
        ),
    )
    for member in result.members:
        assert member.iri is not None
        if not member.matched:
            yield from actor_triples(member.iri, member.name, "City", member.country)
        yield from listed_membership_triples(STEM, member, NETWORK, WEBSITE, LICENCE)


def ntriples_of(result: ImportResult, reconciler: Reconciler) -> bytes:
    return ntriples(triples(result, reconciler))


def summary(result: ImportResult) -> str:
    counts = result.counts()
    return (
        f"{len(result.members)} members: {counts[MATCHED]} matched, {counts[AMBIGUOUS]} "
        f"ambiguous, {counts[UNKNOWN]} unmatched (no coordinates in the source: name and country)"
    )


def report_markdown(result: ImportResult, *, command: str) -> str:
    counts = result.counts()
    total = len(result.members)
    return reports.render(
        "c40",
        title="C40 import report",
        command=command,
        citation=CITATION,
        file=result.file,
        counts=[
            (s, f"{counts[s]}", share(counts[s], total)) for s in (MATCHED, AMBIGUOUS, UNKNOWN)
        ],
        members=[
            (
                m.line,
                m.name,
                m.country or "",
                m.status,
                m.matched_label,
                m.reason or "; ".join(m.candidates),
            )
            for m in result.members
        ],
    )


# -- the importer --------------------------------------------------------------------------


class C40Importer(BaseImporter):
    name = "c40"
    dataset = DATASET
    stem = STEM
    timed = True
    help = """Import the C40 member cities (cities.csv and cities-locode.csv).

    PATH is the folder holding cities.csv (and cities-locode.csv, for ISO country codes).
    """

    def locate(self, paths: tuple[Path, ...]) -> tuple[Path, ...]:
        return tuple(p if p.is_dir() else p.parent for p in paths)

    def read(self, source: Source) -> tuple[ImportResult, Reconciler]:
        reconciler = reference_reconciler()
        return import_c40(source.path, reconciler=reconciler), reconciler

    def triples(self, result: tuple[ImportResult, Reconciler]) -> Iterator[Triple]:
        return triples(*result)

    def report(self, result: tuple[ImportResult, Reconciler], *, command: str, size: int) -> str:
        return report_markdown(result[0], command=command)

    def summary(self, result: tuple[ImportResult, Reconciler]) -> list[str]:
        return [summary(result[0])]


IMPORTER = register(C40Importer())
