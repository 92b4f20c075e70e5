"""Merging a validated contribution into the store, with its provenance; withdrawing it.

Each contribution becomes one named graph, ``https://w3id.org/dckg/graph/contribution/{id}``,
written in one atomic ``add_quads`` together with its description in the graph
``https://w3id.org/dckg/graph/contributions``:

.. code-block:: turtle

    <graph/contribution/{id}> a dckg:Contribution , prov:Entity ;
        dct:identifier "{id}" ;
        prov:wasAttributedTo <id/contributor/{slug}> ;   # also dckg:contributor
        prov:generatedAtTime "…"^^xsd:dateTime ;
        dct:source <URL> ;                               # --source, if given
        rdfs:comment "…" ;                               # --note, if given
        dckg:checksum "sha256:…" ;                       # one per input file
        dckg:sourceFormat "text/csv" ;
        dct:title "partnerships.csv" ;
        dckg:shapesVersion "0.1.0+sha256.…" ;
        void:triples 42 .
    <id/contributor/{slug}> a prov:Agent ; rdfs:label "{name}" .

A contribution that does not conform raises :class:`~dckg.errors.ValidationFailed`
(carrying the report) and writes nothing.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pyoxigraph import Literal, NamedNode, Quad

from dckg.errors import NotFound, UsageError, ValidationFailed
from dckg.namespaces import DCKG, DCT, GRAPH, PROV, RDF, RDFS, VOID, XSD, graph, slug, thing
from dckg.store.base import Store
from dckg.validation.pipeline import Source, read_all, validate_parsed
from dckg.validation.report import Report
from dckg.validation.shapes import shapes_version

#: The graph that describes every contribution.
CONTRIBUTIONS_GRAPH = graph("contributions")
CONTRIBUTION_PREFIX = GRAPH + "contribution/"
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


@dataclass(frozen=True)
class Contribution:
    """One merged contribution, as ``dckg contributions`` lists it."""

    id: str
    graph: NamedNode
    by: str
    when: str
    triples: int
    source: str | None = None
    note: str | None = None
    files: tuple[str, ...] = ()
    checksums: tuple[str, ...] = ()
    shapes_version: str | None = None
    report: Report | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, object]:
        """As ``dckg contributions --format json`` and ``GET /contributions`` list it."""
        return {
            "id": self.id,
            "graph": self.graph.value,
            "by": self.by,
            "when": self.when,
            "triples": self.triples,
            "source": self.source,
            "note": self.note,
            "files": list(self.files),
            "checksums": list(self.checksums),
            "shapes_version": self.shapes_version,
        }


def contribution_graph(contribution_id: str) -> NamedNode:
    """The named graph of a contribution."""
    if not _ID.match(contribution_id):
        raise UsageError(f"not a contribution id: {contribution_id!r}")
    return NamedNode(CONTRIBUTION_PREFIX + contribution_id)


def new_id(now: datetime) -> str:
    """A fresh id: the UTC date and time, and 8 random hex digits.

    >>> len(new_id(datetime(2026, 1, 2, tzinfo=UTC)))
    24
    """
    return now.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


def _check_source_url(url: str) -> None:
    """The source must be one http(s) IRI: no space, no line break, nothing an IRI forbids."""
    valid = re.fullmatch(r"https?://\S+", url) is not None
    if valid:
        try:
            NamedNode(url)
        except ValueError:
            valid = False
    if not valid:
        raise UsageError(
            f"the source (--source, source_url) must be an http(s) URL with no spaces or "
            f"line breaks, not {url!r}"
        )


def contribute(
    store: Store,
    sources: Sequence[Source],
    *,
    by: str,
    source_url: str | None = None,
    note: str | None = None,
    template: str | None = None,
) -> Contribution:
    """Validate ``sources`` and, if they conform, merge them as one new contribution."""
    if not by.strip():
        raise UsageError("say who contributes (--by NAME)")
    if source_url is not None:
        _check_source_url(source_url)
    parsed = read_all(sources, store=store, template=template)
    report = validate_parsed(store, parsed)
    if not report.conforms:
        raise ValidationFailed(
            f"the contribution does not conform ({report.count('Violation')} violation(s)); "
            "nothing was written",
            report,
        )
    now = datetime.now(UTC)  # microseconds keep contributions of one second in order
    contribution_id = new_id(now)
    target = contribution_graph(contribution_id)
    data = {(t.subject, t.predicate, t.object) for item in parsed for t in item.triples}
    quads = [Quad(s, p, o, target) for s, p, o in sorted(data, key=str)]
    record = Contribution(
        id=contribution_id,
        graph=target,
        by=by.strip(),
        when=now.isoformat().replace("+00:00", "Z"),
        triples=len(quads),
        source=source_url,
        note=note,
        files=tuple(item.name for item in parsed),
        checksums=tuple(item.source.checksum for item in parsed),
        shapes_version=shapes_version(),
        report=report,
    )
    media_types = sorted({item.source.media_type for item in parsed})
    store.add_quads(quads + _provenance(record, media_types))
    return record


def _provenance(record: Contribution, media_types: list[str]) -> list[Quad]:
    g, s = CONTRIBUTIONS_GRAPH, record.graph
    agent = thing("contributor", slug(record.by, empty="anonymous"))

    def q(subject: NamedNode, predicate: str, obj: NamedNode | Literal) -> Quad:
        return Quad(subject, NamedNode(predicate), obj, g)

    quads = [
        q(s, RDF + "type", NamedNode(DCKG + "Contribution")),
        q(s, RDF + "type", NamedNode(PROV + "Entity")),
        q(s, DCT + "identifier", Literal(record.id)),
        q(s, PROV + "wasAttributedTo", agent),
        q(s, DCKG + "contributor", agent),
        q(s, PROV + "generatedAtTime", Literal(record.when, datatype=NamedNode(XSD + "dateTime"))),
        q(s, DCKG + "shapesVersion", Literal(record.shapes_version or "")),
        q(s, VOID + "triples", Literal(str(record.triples), datatype=NamedNode(XSD + "integer"))),
        q(agent, RDF + "type", NamedNode(PROV + "Agent")),
        q(agent, RDFS + "label", Literal(record.by)),
    ]
    quads += [q(s, DCKG + "checksum", Literal(c)) for c in record.checksums]
    quads += [q(s, DCT + "title", Literal(f)) for f in record.files]
    quads += [q(s, DCKG + "sourceFormat", Literal(m)) for m in media_types]
    if record.source:
        quads.append(q(s, DCT + "source", NamedNode(record.source)))
    if record.note:
        quads.append(q(s, RDFS + "comment", Literal(record.note)))
    return quads


_LIST = """
PREFIX dckg: <https://w3id.org/dckg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX void: <http://rdfs.org/ns/void#>
SELECT ?meta ?c ?id ?by ?when ?triples ?source ?note ?version
       (GROUP_CONCAT(DISTINCT ?file; SEPARATOR="\\n") AS ?files)
       (GROUP_CONCAT(DISTINCT ?sum; SEPARATOR="\\n") AS ?sums)
WHERE {
  GRAPH ?meta {
    ?c a dckg:Contribution ; dct:identifier ?id ; prov:generatedAtTime ?when ;
       prov:wasAttributedTo ?agent ; void:triples ?triples .
    ?agent rdfs:label ?by .
    OPTIONAL { ?c dct:source ?source }
    OPTIONAL { ?c rdfs:comment ?note }
    OPTIONAL { ?c dckg:shapesVersion ?version }
    OPTIONAL { ?c dct:title ?file }
    OPTIONAL { ?c dckg:checksum ?sum }
  }
}
GROUP BY ?meta ?c ?id ?by ?when ?triples ?source ?note ?version
ORDER BY ?when ?id
"""


def contributions(store: Store) -> list[Contribution]:
    """Every contribution merged into the store, oldest first."""
    found = []
    for row in store.query(_LIST, substitutions={"meta": CONTRIBUTIONS_GRAPH}):
        found.append(
            Contribution(
                id=row["id"].value,
                graph=row["c"],
                by=row["by"].value,
                when=row["when"].value,
                triples=int(row["triples"].value),
                source=row["source"].value if row["source"] is not None else None,
                note=row["note"].value if row["note"] is not None else None,
                files=tuple(x for x in row["files"].value.split("\n") if x),
                checksums=tuple(x for x in row["sums"].value.split("\n") if x),
                shapes_version=row["version"].value if row["version"] is not None else None,
            )
        )
    return found


def withdraw(store: Store, contribution_id: str) -> int:
    """Remove a contribution whole: its graph, its description, and its contributor's
    description unless another contribution names the same contributor. Returns the
    number of quads removed."""
    target = contribution_graph(contribution_id)
    described = list(store.quads(target, None, None, CONTRIBUTIONS_GRAPH))
    if not described:
        raise NotFound(f"no contribution {contribution_id!r} in this store")
    quads = list(store.quads(None, None, None, target)) + described
    attributed = NamedNode(PROV + "wasAttributedTo")
    for agent in {q.object for q in described if q.predicate == attributed}:
        others = {q.subject for q in store.quads(None, attributed, agent, CONTRIBUTIONS_GRAPH)}
        if others <= {target}:  # nobody else's contribution: the agent goes too
            quads += list(store.quads(agent, None, None, CONTRIBUTIONS_GRAPH))  # type: ignore[arg-type]
    store.remove_quads(quads)
    return len(quads)


__all__ = [
    "CONTRIBUTIONS_GRAPH",
    "Contribution",
    "contribute",
    "contribution_graph",
    "contributions",
    "withdraw",
]
