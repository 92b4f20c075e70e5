"""Import the members of Eurocities (the network's member list, matched to Wikidata).

``members.json`` holds ``members`` (each with the name on Eurocities' website, the
Wikidata item it was matched to, its label, coordinates, population and country) and
``not_found`` (names that were not matched to Wikidata). Every name is a member. Each is
reconciled against GeoNames with its name (the website's and Wikidata's), its country and
its Wikidata point; a name that says it is a metropolitan body or a region
(``Lyon Metropole``, ``Brussels Capital Region``) becomes an actor of its own rather than
its main city, whatever Wikidata matched it to. The names of ``not_found`` carry no
country: they are reconciled only when one place in Europe has that name near nothing
else of it (the GeoNames list of the country given by the name's other members is not
available), and are otherwise kept as actors of their own.
"""

from __future__ import annotations

import json
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
    CC0,
    REGION,
    UNKNOWN,
    Member,
    Offsets,
    actor_class,
    actor_triples,
    country_code,
    listed_membership_triples,
    looks_like_region,
    resolve,
    share,
    slug,
)
from dckg.importers.tables import file_in, ntriples
from dckg.importers.twinnings import reference_reconciler
from dckg.namespaces import DCT, OWL, WIKIDATA, graph, thing
from dckg.reconcile import AMBIGUOUS, MATCHED, Reconciler

STEM = "eurocities"
DATASET = graph(f"reference/{STEM}")
NETWORK = thing("network", STEM)
WEBSITE = NamedNode("https://eurocities.eu/")
COPY = NamedNode(
    "https://github.com/c-riq/city-vote/blob/016eb56/public-data/city-networks/eurocities/"
    "members-wikidata-enriched.json"
)
CITATION = (
    "Eurocities, member list on eurocities.eu (about May 2025); Wikidata (CC0) for the "
    "matched items, coordinates, populations and countries, as compiled in the city-vote "
    "repository (commit 016eb56)."
)
MAX_FILE_BYTES = 10_000_000
#: Metropolitan bodies that Wikidata matched to their main city.
_METRO = ("metropole", "métropole", "metropolitan", "metropolis")


@dataclass
class ImportResult:
    file: str
    members: list[Member] = field(default_factory=list)
    wikidata: dict[str, str] = field(default_factory=dict)
    not_found: int = 0

    def counts(self) -> Counter[str]:
        return Counter(m.status for m in self.members)


def read_json(path: Path, *, max_bytes: int = MAX_FILE_BYTES) -> dict:
    """The parsed file; :class:`~dckg.errors.InputError` if it cannot be read or has no
    ``members`` list."""
    try:
        size = path.stat().st_size
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", source=path) from None
    if size > max_bytes:
        raise InputError(f"file too large ({size:,} bytes; limit {max_bytes:,})", source=path)
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 (byte {error.start})", source=path) from None
    except json.JSONDecodeError as error:
        raise InputError(error.msg, source=path, line=error.lineno, column=error.colno) from None
    if not isinstance(data, dict) or not isinstance(data.get("members"), list):
        raise InputError("expected an object with a 'members' list", source=path)
    return data


def import_eurocities(path: Path, *, reconciler: Reconciler) -> ImportResult:
    data = read_json(path)
    result = ImportResult(file=path.name)
    for index, entry in enumerate(data["members"], start=1):
        result.members.append(_member(result, reconciler, entry, index, path))
    for index, name in enumerate(data.get("not_found") or [], start=1):
        if not isinstance(name, str) or not name.strip():
            raise InputError(f"not_found[{index}]: expected a name", source=path)
        result.not_found += 1
        member = Member(f"nf-{slug(name)}", name.strip(), None, line=-index)
        member.point = "none"
        if looks_like_region(name) or any(word in name.casefold() for word in _METRO):
            member.status, member.reason = REGION, "a region or metropolitan body (not a place)"
        else:
            _by_countries(reconciler, member, {m.country for m in result.members if m.country})
        if member.iri is None:
            member.iri = thing("lrg", f"{STEM}-{slug(name)}")
        result.members.append(member)
    return result


def _by_countries(reconciler: Reconciler, member: Member, countries: set[str]) -> None:
    """A name without a country: matched only when exactly one city of 15,000 people or
    more has that name in the countries of the network's other members."""
    found = []
    for country in sorted(countries):
        match = reconciler.reconcile(member.name, country=country)
        if match.status == MATCHED and match.iri is not None:
            place = reconciler.place(match.iri)
            if place is not None and place.in_store:
                found.append((country, match.iri, place.label))
    if len(found) == 1:
        member.country, member.iri, member.matched_label = found[0]
        member.status = MATCHED
        member.reason = (
            "no country in the source: the only city of >= 15,000 people of that name in "
            "the countries of Eurocities' members"
        )
    elif found:
        member.status = AMBIGUOUS
        member.reason = "no country in the source; several cities of that name"
        member.candidates = [f"{label} ({country})" for country, _, label in found]
    else:
        member.reason = "no country in the source, and no city of >= 15,000 people of that name"


def _member(
    result: ImportResult, reconciler: Reconciler, entry: object, index: int, path: Path
) -> Member:
    if not isinstance(entry, dict):
        raise InputError(f"members[{index}]: expected an object", source=path)
    name = entry.get("name_on_website")
    if not isinstance(name, str) or not name.strip():
        raise InputError(
            f"members[{index}]: no name_on_website", source=path, field="name_on_website"
        )
    lat, lon = entry.get("latitude"), entry.get("longitude")
    if not all(isinstance(v, int | float) for v in (lat, lon)) or abs(lat) > 90 or abs(lon) > 180:
        raise InputError(
            f"members[{index}] ({name}): latitude/longitude missing or out of range",
            source=path,
            field="latitude",
        )
    country = country_code(entry.get("country_name"))
    member = Member(slug(name), name.strip(), country, float(lat), float(lon), "given", line=index)
    wikidata = entry.get("wikidata_id")
    if isinstance(wikidata, str) and wikidata.startswith("Q"):
        result.wikidata[member.key] = wikidata
    if any(word in name.casefold() for word in _METRO) or looks_like_region(name):
        member.status, member.reason = REGION, "a metropolitan body or region (not its main city)"
    else:
        found = resolve(reconciler, name, country=country, lat=lat, lon=lon)
        wikidata_name = entry.get("wikidata_name")
        if found.status != MATCHED and isinstance(wikidata_name, str) and wikidata_name != name:
            other = resolve(reconciler, wikidata_name, country=country, lat=lat, lon=lon)
            found = other if other.status == MATCHED else found
        member.status, member.reason, member.candidates = (
            found.status,
            found.reason,
            found.candidates,
        )
        if found.status == MATCHED:
            member.iri, member.offset_km, member.matched_label = (
                found.iri,
                found.offset_km,
                found.label,
            )
    if member.iri is None:
        member.iri = thing("lrg", f"{STEM}-{member.key}")
    return member


def triples(result: ImportResult, reconciler: Reconciler) -> Iterator[Triple]:
    counts = result.counts()
    description = (
        f"The members of Eurocities as its website lists them (about May 2025): "
        f"{len(result.members):,} members, {len(result.members) - result.not_found:,} of them "
        f"matched to Wikidata by the source; {counts[MATCHED]:,} matched to a GeoNames place, "
        f"{counts[REGION]:,} metropolitan bodies or regions and "
        f"{counts[UNKNOWN] + counts[AMBIGUOUS]:,} unmatched, kept as actors of their own. "
        "The membership facts are Eurocities'; the Wikidata fields are CC0."
    )
    yield from dataset_triples(
        DATASET,
        title="Eurocities members (2025)",
        description=description,
        sources=[WEBSITE, COPY],
        licence=CC0,
        citation=CITATION,
    )
    yield Triple(
        DATASET,
        NamedNode(DCT + "rights"),
        Literal(
            "Membership facts published by Eurocities on eurocities.eu (cite Eurocities' website); "
            "Wikidata fields CC0.",
            language="en",
        ),
    )
    for member in result.members:
        assert member.iri is not None
        if not member.matched:
            cls = actor_class(member.name) if member.status == REGION else "LocalRegionalGovernment"
            yield from actor_triples(member.iri, member.name, cls, member.country)
            wikidata = result.wikidata.get(member.key)
            if wikidata and member.status != REGION:
                yield Triple(member.iri, NamedNode(OWL + "sameAs"), NamedNode(WIKIDATA + wikidata))
        yield from listed_membership_triples(STEM, member, NETWORK, WEBSITE, CC0)


def ntriples_of(result: ImportResult, reconciler: Reconciler) -> bytes:
    return ntriples(triples(result, reconciler))


def summary(result: ImportResult) -> str:
    counts = result.counts()
    offsets = Offsets.of(result.members)
    return (
        f"{len(result.members):,} members: {counts[MATCHED]:,} matched, {counts[REGION]:,} "
        f"metropolitan bodies or regions, {counts[AMBIGUOUS]:,} ambiguous, {counts[UNKNOWN]:,} "
        f"unmatched; offsets median {offsets.median:.2f} km, p95 {offsets.p95:.2f} km"
    )


def report_markdown(result: ImportResult, *, command: str) -> str:
    counts = result.counts()
    total = len(result.members)
    rows = [
        ("members (matched to Wikidata by the source + not_found)", f"{total:,}", "100 %"),
        (
            "… of them not_found (no Wikidata item, no country)",
            f"{result.not_found:,}",
            share(result.not_found, total),
        ),
        ("matched to a GeoNames place", f"{counts[MATCHED]:,}", share(counts[MATCHED], total)),
        (
            "metropolitan bodies and regions (kept as such)",
            f"{counts[REGION]:,}",
            share(counts[REGION], total),
        ),
        ("ambiguous", f"{counts[AMBIGUOUS]:,}", share(counts[AMBIGUOUS], total)),
        ("unmatched", f"{counts[UNKNOWN]:,}", share(counts[UNKNOWN], total)),
    ]
    groups = [
        (
            title,
            [
                (m.name, m.country or "", m.reason, "; ".join(m.candidates[:3]))
                for m in result.members
                if m.status == status
            ],
        )
        for status, title in (
            (REGION, "Metropolitan bodies and regions"),
            (AMBIGUOUS, "Ambiguous"),
            (UNKNOWN, "Unmatched"),
        )
    ]
    far = [
        (m.name, m.country or "", m.matched_label, f"{m.offset_km:.1f}")
        for m in result.members
        if m.matched and (m.offset_km or 0) > 5
    ]
    return reports.render(
        "eurocities",
        title="Eurocities import report",
        command=command,
        citation=CITATION,
        file=result.file,
        counts=rows,
        offsets=Offsets.of(result.members).rows(),
        groups=groups,
        far=far,
    )


# -- the importer --------------------------------------------------------------------------


class EurocitiesImporter(BaseImporter):
    name = "eurocities"
    dataset = DATASET
    stem = STEM
    timed = True
    help = """Import the members of Eurocities (members.json: website list matched to Wikidata).

    PATH is the JSON file or the folder holding members.json.
    """

    def locate(self, paths: tuple[Path, ...]) -> tuple[Path, ...]:
        return tuple(file_in(p, "members.json") for p in paths)

    def read(self, source: Source) -> tuple[ImportResult, Reconciler]:
        reconciler = reference_reconciler()
        return import_eurocities(source.path, reconciler=reconciler), reconciler

    def triples(self, result: tuple[ImportResult, Reconciler]) -> Iterator[Triple]:
        return triples(*result)

    def report(self, result: tuple[ImportResult, Reconciler], *, command: str, size: int) -> str:
        return report_markdown(result[0], command=command)

    def summary(self, result: tuple[ImportResult, Reconciler]) -> list[str]:
        return [summary(result[0])]


IMPORTER = register(EurocitiesImporter())
