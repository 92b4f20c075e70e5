"""Linked data: the IRIs the graph mints, and the ontology's terms, dereference here.

``GET /id/{kind}/{key}`` serves ``https://w3id.org/dckg/id/{kind}/{key}``: an HTML page
for browsers, RDF for RDF clients, chosen by ``Accept`` or by an extension (``.ttl``,
``.nt``, ``.jsonld``, ``.rdf``). ``GET /ontology`` documents every class and property,
``GET /ontology/{Term}`` one of them; both give RDF the same way.

A path that is not made of plain segments (``..``, empty or dot segments, anything
outside letters, digits and ``-._~``) is refused with 404 before the store is read.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pyoxigraph import NamedNode, RdfFormat, Triple, serialize

from dckg.api import errors
from dckg.api.deps import get_store
from dckg.api.negotiation import BY_EXTENSION, HTML, RDF_TYPES, RdfType, negotiate
from dckg.api.pages import Linker, Row, allow_head, local_path, map_view, render
from dckg.catalog import describe as facts
from dckg.catalog.vocabulary import ONTOLOGY_GRAPH, Vocabulary
from dckg.namespaces import DCKG, GRAPH, ID, PREFIXES, RDFS
from dckg.store.base import Store

router = APIRouter(tags=["linked data"])
StoreDep = Annotated[Store, Depends(get_store)]


_SEGMENT = re.compile(r"^[A-Za-z0-9_~-][A-Za-z0-9._~-]*$")
_TERM = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


def _not_acceptable() -> Response:
    return errors.not_acceptable([HTML, *(t.media_type for t in RDF_TYPES)])


def _rdf_response(triples: list[Triple], rdf_type: RdfType, *, location: str) -> Response:
    options = {"prefixes": PREFIXES} if rdf_type.rdf_format != RdfFormat.N_TRIPLES else {}
    if rdf_type.rdf_format == RdfFormat.JSON_LD:
        options = {}
    body = serialize(triples, format=rdf_type.rdf_format, **options) or b""
    return Response(
        body,
        media_type=rdf_type.media_type,
        headers={"Vary": "Accept", "Content-Location": location},
    )


def _alternates(path: str) -> str:
    return ", ".join(
        f'<{path}.{t.extension}>; rel="alternate"; type="{t.media_type}"' for t in RDF_TYPES
    )


def _html(body: str, *, status: int = 200, path: str | None = None) -> HTMLResponse:
    headers = dict(errors.PAGE_HEADERS)
    if path is not None:
        headers["Link"] = _alternates(path)
    return HTMLResponse(body, status_code=status, headers=headers)


def _root(request: Request) -> str:
    return str(request.scope.get("root_path", "")).rstrip("/")


# -- entities ------------------------------------------------------------------------


def entity_iri(path: str, namespace: str = ID) -> tuple[NamedNode, RdfType | None] | None:
    """The IRI a request path under ``/id/`` names, and the format its extension asks for.

    >>> entity_iri("city/geonames-2996944")[0].value
    'https://w3id.org/dckg/id/city/geonames-2996944'
    >>> entity_iri("country/FRA.ttl")[1].media_type
    'text/turtle'
    >>> entity_iri("city/../../etc/passwd") is None
    True
    """
    segments = path.split("/")
    if len(segments) < (2 if namespace == ID else 1) or not all(
        _SEGMENT.match(s) and ".." not in s for s in segments
    ):
        return None
    rdf_type = None
    stem, dot, extension = segments[-1].rpartition(".")
    if dot and stem and extension in BY_EXTENSION:
        segments[-1] = stem
        rdf_type = BY_EXTENSION[extension]
    return NamedNode(namespace + "/".join(segments)), rdf_type


@router.get(
    "/id/{path:path}",
    summary="Dereference a dckg IRI",
    description=(
        "The description of https://w3id.org/dckg/id/{path}: HTML for browsers, or RDF "
        "(Turtle, N-Triples, JSON-LD, RDF/XML) by Accept header or by extension "
        "(.ttl, .nt, .jsonld, .rdf). 404 for IRIs the graph does not hold."
    ),
    response_class=HTMLResponse,
    responses={
        200: {
            "content": {t.media_type: {} for t in RDF_TYPES},
            "description": "The entity, as HTML or RDF",
        },
        404: {"description": "Not an IRI of the graph"},
        406: {"description": "None of the accepted media types is offered"},
    },
)
def entity(path: str, request: Request, store: StoreDep) -> Response:
    """One entity of the graph, or of the dataset's description (its catalogue, datasets,
    distributions, linksets, …)."""
    return _dereference(request, store, path, ID, "/id/")


@router.get(
    "/graph/{path:path}",
    summary="Dereference a named graph's IRI",
    description=(
        "The description of the named graph https://w3id.org/dckg/graph/{path} (its size, "
        "source, licence and attribution, from the dataset's description): HTML for "
        "browsers, or RDF by Accept header or extension. 404 for graphs the store lacks."
    ),
    response_class=HTMLResponse,
    responses={
        200: {"content": {t.media_type: {} for t in RDF_TYPES}, "description": "The graph"},
        404: {"description": "Not a graph of the store"},
        406: {"description": "None of the accepted media types is offered"},
    },
)
def named_graph(path: str, request: Request, store: StoreDep) -> Response:
    """One named graph, as the dataset's description states it."""
    return _dereference(request, store, path, GRAPH, "/graph/")


def _dereference(request: Request, store: Store, path: str, namespace: str, at: str) -> Response:
    parsed = entity_iri(path, namespace)
    if parsed is None:
        return errors.not_found(request, f"{at}{path} is not the path of a dckg IRI")
    iri, by_extension = parsed
    media_type = (
        by_extension.media_type if by_extension else negotiate(request.headers.get("accept"))
    )
    if media_type is None:
        return _not_acceptable()
    found = _holder(request, store, iri, namespace)
    if found is None and by_extension is not None:
        # An IRI that ends like an extension (``distribution/dckg.ttl``) names itself.
        iri = NamedNode(namespace + path)
        media_type = negotiate(request.headers.get("accept"))
        if media_type is None:
            return _not_acceptable()
        found = _holder(request, store, iri, namespace)
    if found is None:
        return errors.not_found(request, f"the graph holds nothing about <{iri.value}>")
    holder, description = found
    page_path = _root(request) + local_path(iri.value)  # type: ignore[operator]
    if media_type != HTML:
        rdf_type = next(t for t in RDF_TYPES if t.media_type == media_type)
        return _rdf_response(
            description.all_rdf(), rdf_type, location=f"{page_path}.{rdf_type.extension}"
        )
    return _html(_entity_page(holder, description, _root(request)), path=page_path)


def _holder(
    request: Request, store: Store, iri: NamedNode, namespace: str
) -> tuple[Store, facts.Description] | None:
    """The store that describes ``iri`` (the graph's, else the dataset description's)
    and what it says."""
    from dckg.api.dataset import description_store
    from dckg.catalog.terms import MINTED_KINDS

    if namespace == ID:
        description = facts.describe(store, iri)
        if description.exists:
            return store, description
        if iri.value[len(ID) :].split("/", 1)[0] not in MINTED_KINDS:
            return None

    described = description_store(request)
    description = facts.describe(described, iri)
    if description.triples:
        return described, description
    return None


def _entity_page(store: Store, description: facts.Description, root: str) -> str:
    iri = description.iri
    types = [t for t in description.objects(facts.TYPE) if isinstance(t, NamedNode)]
    is_country = NamedNode(DCKG + "Country") in types
    related = facts.partnerships(store, iri, is_country=is_country)
    own, near = facts.points(store, iri)
    mentioned = [iri, *types]
    for t in description.all_rdf():
        mentioned += [t.subject, t.predicate, t.object]
    for p in related:
        mentioned += [p.iri, *p.others]
    mentioned += [p.feature for p in near if p.feature is not None]
    labels = facts.labels(store, mentioned)
    linker = Linker(root, labels)
    hidden = {facts.TYPE, *facts.LABELS}
    rows = [
        r for r in linker.rows(iri, description.triples) if r.property.iri not in _names(hidden)
    ]
    comment = next(
        (v for p in facts.COMMENTS if (v := facts.best_literal(description.objects(p)))), None
    )
    rows = _without_value(rows, {c.value for c in facts.COMMENTS}, comment)
    title = labels.get(iri.value) or iri.value.rsplit("/", 1)[-1]
    alt_labels = sorted(
        {
            t.object.value
            for t in description.outgoing()
            if t.predicate in facts.LABELS and t.object.value != title
        }
    )
    incoming = sorted(
        (
            (linker.value(t.subject), linker.iri(t.predicate))
            for t in description.incoming
            if isinstance(t.subject, NamedNode)
        ),
        key=lambda pair: (pair[1].text, pair[0].text.lower()),
    )
    return render(
        "entity.html",
        root=root,
        title=title,
        iri=iri.value,
        alt_labels=alt_labels,
        types=[linker.iri(t) for t in types],
        comment=comment,
        rows=rows,
        incoming=incoming,
        incoming_truncated=description.incoming_truncated,
        partnerships=[(linker.iri(p.iri), [linker.iri(o) for o in p.others]) for p in related],
        map=map_view(own, near, linker),
        graphs=[g.value for g in description.graphs],
        formats=[(t.extension, t.media_type) for t in RDF_TYPES],
        page_path=root + (local_path(iri.value) or ""),
    )


def _without_value(rows: list[Row], properties: set[str], text: str | None) -> list[Row]:
    """The rows, less the value ``text`` of ``properties`` (shown elsewhere on the page)."""
    kept = []
    for row in rows:
        if row.property.iri in properties:
            values = [v for v in row.values if v.text != text or v.href or v.nested]
            if not values:
                continue
            row = Row(row.property, values)
        kept.append(row)
    return kept


def _names(terms: set[NamedNode]) -> set[str]:
    return {t.value for t in terms}


# -- the ontology ------------------------------------------------------------------------


@router.get(
    "/ontology",
    summary="The ontology: documentation or RDF",
    description=(
        "HTML documentation of every class and property, grouped by module, with an anchor "
        "per term (/ontology#City); or the whole ontology as RDF by Accept header."
    ),
    response_class=HTMLResponse,
    responses={200: {"content": {t.media_type: {} for t in RDF_TYPES}}},
)
def ontology(request: Request, store: StoreDep) -> Response:
    """The whole ontology."""
    return _ontology(request, store, negotiate(request.headers.get("accept")))


@router.get(
    "/ontology.{extension}",
    summary="The ontology as RDF",
    responses={200: {"content": {t.media_type: {} for t in RDF_TYPES}}, 404: {}},
)
def ontology_file(extension: str, request: Request, store: StoreDep) -> Response:
    """The whole ontology in the format an extension names (ttl, nt, jsonld, rdf)."""
    if extension not in BY_EXTENSION:
        return errors.not_found(
            request, f"no ontology serialisation with the extension {extension!r}"
        )
    return _ontology(request, store, BY_EXTENSION[extension].media_type)


def _ontology(request: Request, store: Store, media_type: str | None) -> Response:
    if media_type is None:
        return _not_acceptable()
    vocabulary = Vocabulary.load(store)
    if not vocabulary.triples:
        return errors.not_found(
            request, f"the store holds no ontology (graph <{ONTOLOGY_GRAPH.value}>)"
        )
    root = _root(request)
    if media_type != HTML:
        rdf_type = next(t for t in RDF_TYPES if t.media_type == media_type)
        return _rdf_response(
            vocabulary.triples, rdf_type, location=f"{root}/ontology.{rdf_type.extension}"
        )
    modules = vocabulary.modules()
    mentioned: list[object] = []
    for t in vocabulary.triples:
        mentioned += [t.predicate, t.object]
    linker = Linker(root, facts.labels(store, mentioned))
    terms = {}
    for module in modules:
        for term in module.classes + module.properties:
            terms[term.name] = _term_rows(vocabulary, term.iri, linker)
    page = render("ontology.html", root=root, modules=modules, term_rows=terms, namespace=DCKG)
    return _html(page, path=f"{root}/ontology")


def _term_rows(vocabulary: Vocabulary, iri: NamedNode, linker: Linker) -> list[object]:
    hidden = {facts.TYPE.value, *(p.value for p in facts.LABELS + facts.COMMENTS)}
    hidden.add(RDFS + "isDefinedBy")
    rows = linker.rows(iri, vocabulary.description(iri))
    return [r for r in rows if r.property.iri not in hidden]


@router.get(
    "/ontology/{name}",
    summary="One term (or module) of the ontology",
    description=(
        "https://w3id.org/dckg/ontology#{name}: a page for browsers, RDF by Accept header or "
        "extension. A module name (core, partnership, …) gives that module."
    ),
    response_class=HTMLResponse,
    responses={200: {"content": {t.media_type: {} for t in RDF_TYPES}}, 404: {}, 406: {}},
)
def ontology_term(name: str, request: Request, store: StoreDep) -> Response:
    """One class, property or module of the ontology."""
    stem, dot, extension = name.rpartition(".")
    rdf_type = BY_EXTENSION.get(extension) if dot else None
    if rdf_type is not None:
        name = stem
    if not _TERM.match(name):
        return errors.not_found(request, f"{name!r} is not the name of an ontology term")
    media_type = rdf_type.media_type if rdf_type else negotiate(request.headers.get("accept"))
    if media_type is None:
        return _not_acceptable()
    vocabulary = Vocabulary.load(store)
    term = vocabulary.term(name)
    root = _root(request)
    if term is None:
        module = vocabulary.module(name)
        if module is None:
            return errors.not_found(request, f"the ontology defines no term {name!r}")
        if media_type == HTML:
            return RedirectResponse(f"{root}/ontology#module-{name}", status_code=303)
        triples = vocabulary.description(module)
        triples += [
            t
            for s in vocabulary.subjects_with(NamedNode(RDFS + "isDefinedBy"), module)
            for t in vocabulary.description(s)
        ]
        chosen = next(t for t in RDF_TYPES if t.media_type == media_type)
        return _rdf_response(triples, chosen, location=f"{root}/ontology/{name}.{chosen.extension}")
    if media_type != HTML:
        chosen = next(t for t in RDF_TYPES if t.media_type == media_type)
        return _rdf_response(
            vocabulary.description(term.iri),
            chosen,
            location=f"{root}/ontology/{name}.{chosen.extension}",
        )
    mentioned: list[object] = [term.iri]
    for t in vocabulary.description(term.iri):
        mentioned += [t.predicate, t.object]
    subclasses = vocabulary.subjects_with(NamedNode(RDFS + "subClassOf"), term.iri)
    in_domain = vocabulary.subjects_with(NamedNode(RDFS + "domain"), term.iri)
    in_range = vocabulary.subjects_with(NamedNode(RDFS + "range"), term.iri)
    mentioned += subclasses + in_domain + in_range
    linker = Linker(root, facts.labels(store, mentioned))
    page = render(
        "term.html",
        root=root,
        term=term,
        rows=_term_rows(vocabulary, term.iri, linker),
        subclasses=[linker.iri(s) for s in subclasses],
        in_domain=[linker.iri(s) for s in in_domain],
        in_range=[linker.iri(s) for s in in_range],
        formats=[(t.extension, t.media_type) for t in RDF_TYPES],
    )
    return _html(page, path=f"{root}/ontology/{name}")


allow_head(router)
