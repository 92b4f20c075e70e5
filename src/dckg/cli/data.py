"""Commands that fill and empty the store: init, load, export, stats."""

from __future__ import annotations

import gzip
import sys
from pathlib import Path

import click
from pyoxigraph import NamedNode

from dckg import rdfio
from dckg.bootstrap import META_GRAPH, record_modified
from dckg.cli.context import Session, end_progress, pass_session, progress_printer
from dckg.errors import InputError, UsageError
from dckg.namespaces import GRAPH
from dckg.results import table
from dckg.store import EmbeddedStore
from dckg.store.base import Store


@click.command()
@click.option("--force", is_flag=True, help="Reload every graph even if its source is unchanged.")
@pass_session
def init(session: Session, force: bool) -> None:
    """Create the store and load the ontology and the reference data (idempotent)."""
    from dckg.bootstrap import initialise

    def report(graph: str, state: str, count: int) -> None:
        end_progress()
        click.echo(f"{state:9} {count:>9,}  {graph}", err=True)

    counts = initialise(
        session.store, force=force, report=report, progress=lambda g: progress_printer(g)
    )
    click.echo(f"{len(counts)} graphs, {sum(counts.values()):,} quads in {session.spec}", err=True)
    if isinstance(session.store, EmbeddedStore) and session.store.path is not None:
        index_places(session.store)


def index_places(store: Store) -> None:
    """Build the name-reconciliation index now (kept beside the store and, for GeoNames,
    once per machine), so that the first ``dckg validate`` does not wait for it."""
    import time

    from dckg.reconcile.matcher import reconciler_for

    start = time.perf_counter()
    index = reconciler_for(store)
    click.echo(
        f"reconciliation index: {len(index.store_places.places):,} places of the store "
        f"in {time.perf_counter() - start:.1f} s",
        err=True,
    )


@click.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--graph", "graph_iri", metavar="IRI", help="The named graph to load into.")
@click.option(
    "--format",
    "fmt",
    metavar="FORMAT",
    help="The RDF format (default: from each file's extension).",
)
@pass_session
def load(session: Session, files: tuple[Path, ...], graph_iri: str | None, fmt: str | None) -> None:
    """Load RDF files (Turtle, N-Triples, N-Quads, TriG, JSON-LD, RDF/XML).

    Every file is checked whole before anything is written; a file of triples goes to
    --graph, or to a graph named after the file.
    """
    rdf_format = rdfio.format_from_name(fmt) if fmt else None
    target = _graph(graph_iri) if graph_iri else None
    plans = []
    for path in files:  # check everything first: one bad file writes nothing
        path_format = rdf_format or rdfio.guess_format(path)
        data = rdfio.read_bytes(path)
        rdfio.check_syntax(data, path_format, source=path)
        graph = target
        if graph is None and path_format not in rdfio.DATASET_FORMATS:
            graph = NamedNode(GRAPH + "file/" + path.name.split(".")[0])
        plans.append((path, data, path_format, graph))
    # A store made by ``dckg init`` keeps its loads in the meta graph; others stay as loaded.
    bookkeeping = any(True for _ in session.store.quads(None, None, None, META_GRAPH))
    for path, data, path_format, graph in plans:
        n = session.store.load(
            data,
            rdf_format=path_format,
            graph=graph,
            source_name=str(path),
            progress=progress_printer(path.name),
        )
        end_progress()
        if bookkeeping:
            record_modified(session.store, graph)
        click.echo(
            f"loaded {n:,} quads from {path} into {graph.value if graph else 'its graphs'}",
            err=True,
        )


@click.command()
@click.argument("out", type=click.Path(path_type=Path, allow_dash=True))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["nq", "trig", "nt", "ttl"]),
    help="Default: from OUT's extension. nt/ttl export one graph (--graph).",
)
@click.option("--graph", "graph_iri", metavar="IRI", help="Export only this named graph.")
@pass_session
def export(session: Session, out: Path, fmt: str | None, graph_iri: str | None) -> None:
    """Write the store (or one graph) to OUT ('-' for standard output; .gz compresses)."""
    if fmt:
        rdf_format = rdfio.format_from_name(fmt)
    elif str(out) == "-":
        rdf_format = rdfio.format_from_name("nq")
    else:
        rdf_format = rdfio.guess_format(out)
    graph = _graph(graph_iri) if graph_iri else None
    if graph is None and rdf_format not in rdfio.DATASET_FORMATS:
        raise UsageError(
            f"{rdf_format.name} holds one graph: pass --graph, or export as nq or trig"
        )
    if str(out) == "-":
        session.reader.dump(sys.stdout.buffer, rdf_format, graph=graph)
        return
    partial = out.with_name(out.name + ".partial")
    try:
        opener = gzip.open if out.suffix == ".gz" else open
        with opener(partial, "wb") as output:
            session.reader.dump(output, rdf_format, graph=graph)
        partial.replace(out)
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise InputError(f"cannot write: {error.strerror}", source=out) from None
    click.echo(f"wrote {out}", err=True)


@click.command()
@pass_session
def stats(session: Session) -> None:
    """Triples per named graph and instances per class."""
    store = session.reader
    graphs = store.query(
        "SELECT ?graph (COUNT(*) AS ?triples) WHERE { GRAPH ?graph { ?s ?p ?o } } "
        "GROUP BY ?graph ORDER BY ?graph"
    )
    rows = [[s["graph"], s["triples"]] for s in graphs]
    click.echo(table(["graph", "triples"], rows, max_width=80))
    click.echo(f"total: {store.count():,} quads\n")
    classes = store.query(
        "SELECT ?class (COUNT(DISTINCT ?s) AS ?instances) WHERE { ?s a ?class } "
        "GROUP BY ?class ORDER BY DESC(?instances) ?class"
    )
    click.echo(table(["class", "instances"], [[s["class"], s["instances"]] for s in classes]))


def _graph(iri: str) -> NamedNode:
    try:
        node = NamedNode(iri)
    except ValueError:
        raise UsageError(f"not an absolute IRI: {iri!r}") from None
    if ":" not in iri:
        raise UsageError(f"not an absolute IRI: {iri!r}")
    return node


COMMANDS = [init, load, export, stats]
