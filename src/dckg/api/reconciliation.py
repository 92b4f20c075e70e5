"""The reconciliation service (W3C Entity Reconciliation API 0.2) and entity search.

``/reconcile`` is what OpenRefine and other reconciliation clients speak: called without
queries it returns the service manifest; with ``queries`` (a JSON object of queries keyed
by id, form-encoded as OpenRefine sends it, in the query string, or as a JSON body) it
returns, per query, candidates with a score, and ``match: true`` on the one candidate the
project's reconciler (:mod:`dckg.reconcile`, the same one validation uses) matches. Types
are the ontology's classes (city, region, country, city network, instrument, actor), and
the properties ``country`` and ``coordinates`` take part in the matching. Preview
(``/reconcile/preview``) and suggest (``/reconcile/suggest/{entity,type,property}``)
services are declared in the manifest. ``/search?q=`` is the entity search the suggest
service and the web page use (:mod:`dckg.reconcile.search`).

Entity identifiers are IRIs relative to ``https://w3id.org/dckg/id/``
(``city/geonames-2996944``); the manifest's view template points at this server's
``/id/…`` pages.
"""

from __future__ import annotations

import html
import json
import math
import re
import time
from collections.abc import Mapping
from functools import cached_property, partial
from typing import Annotated, Any
from urllib.parse import parse_qs

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pyoxigraph import NamedNode
from starlette.concurrency import run_in_threadpool

from dckg import __version__, jsontext
from dckg.api.shared import search_page, wants_page
from dckg.errors import QueryTimeout, UsageError
from dckg.namespaces import DCKG, ID
from dckg.reconcile import Candidate, Reconciler, reconciler_for
from dckg.reconcile.countries import parse_country
from dckg.reconcile.index import fingerprint
from dckg.reconcile.search import (
    MAX_LIMIT,
    TYPES,
    Entity,
    Hit,
    SearchIndex,
    search_index_for,
    type_class,
)
from dckg.sparql import formats
from dckg.store.base import Store

router = APIRouter(tags=["reconciliation and search"])

#: The most queries one batch may hold.
MAX_QUERIES = 1000
DEFAULT_LIMIT = 5
#: The ``kind`` of the reconciler each type is looked up as; types not listed are
#: matched on a name that exactly one entity of that class bears.
KIND_OF = {
    "City": "city",
    "Region": "region",
    "CityNetwork": "network",
    "Actor": "actor",
    "Municipality": "municipality",
    "LocalRegionalGovernment": "lrg",
}
#: A query without a type is looked up as any actor (cities, regions, networks, …).
DEFAULT_KIND = "actor"
#: Types shown to clients: id (the class's local name in the ontology) and name.
TYPE_NAMES = {cls: word for word, cls in TYPES.items()}
PROPERTIES = {
    "country": "ISO 3166 code (FR, FRA), English name, or a country id (country/FRA)",
    "coordinates": 'WGS84 latitude and longitude, "lat,lon" in decimal degrees',
}
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$")
_QUERY_KEYS = frozenset({"query", "type", "limit", "properties", "type_strict"})


class BadRequest(Exception):
    """A reconciliation request that cannot be answered: ``field`` names what is wrong."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def _bad(error: BadRequest) -> JSONResponse:
    return JSONResponse(
        {"error": "bad request", "field": error.field, "message": str(error)}, status_code=400
    )


# -- the manifest -----------------------------------------------------------------------


def base_url(request: Request) -> str:
    """This server's address as the client sees it (with the root path)."""
    root = str(request.scope.get("root_path", "")).rstrip("/")
    return f"{request.url.scheme}://{request.url.netloc}{root}"


def manifest(base: str) -> dict[str, Any]:
    """The service manifest (``manifest.json`` of the 0.2 schemas)."""
    return {
        "versions": ["0.2"],
        "name": "dckg: cities, regions, countries, networks, instruments and actors of "
        "decentralised cooperation",
        "identifierSpace": ID,
        "schemaSpace": DCKG,
        "documentation": f"{base}/docs",
        "serviceVersion": __version__,
        "view": {"url": f"{base}/id/{{{{id}}}}"},
        "defaultTypes": [{"id": cls, "name": word} for word, cls in TYPES.items()],
        "preview": {"url": f"{base}/reconcile/preview?id={{{{id}}}}", "width": 420, "height": 140},
        "suggest": {
            what: {"service_url": base, "service_path": f"/reconcile/suggest/{what}"}
            for what in ("entity", "type", "property")
        },
    }


# -- reading queries ----------------------------------------------------------------------


def parse_batch(text: str, field: str = "queries") -> dict[str, dict[str, Any]]:
    """The queries of a batch, checked; :class:`BadRequest` names the first fault."""
    try:
        batch = jsontext.loads(text)
    except json.JSONDecodeError as error:
        raise BadRequest(
            field, f"not JSON (line {error.lineno}, column {error.colno}: {error.msg})"
        ) from None
    except jsontext.TooDeep as error:
        raise BadRequest(field, str(error)) from None
    return check_batch(batch, field)


def check_batch(batch: object, field: str = "queries") -> dict[str, dict[str, Any]]:
    if not isinstance(batch, dict):
        raise BadRequest(field, "must be a JSON object of queries keyed by id")
    if len(batch) > MAX_QUERIES:
        raise BadRequest(field, f"{len(batch)} queries: at most {MAX_QUERIES} in one batch")
    for key, query in batch.items():
        where = f"{field}.{key}"
        if not isinstance(query, dict):
            raise BadRequest(where, "a query must be a JSON object")
        extra = sorted(set(query) - _QUERY_KEYS)
        if extra:
            known = ", ".join(sorted(_QUERY_KEYS))
            raise BadRequest(f"{where}.{extra[0]}", f"unknown member (one of {known})")
        if "query" in query and not isinstance(query["query"], str):
            raise BadRequest(f"{where}.query", "must be a string")
        if not str(query.get("query", "")).strip() and not query.get("properties"):
            raise BadRequest(f"{where}.query", "give a name to look for")
    return batch


def _limit(query: Mapping[str, Any], where: str) -> int:
    value = query.get("limit", DEFAULT_LIMIT)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != int(value):
        raise BadRequest(f"{where}.limit", f"must be a whole number, not {value!r}")
    if not 1 <= value <= MAX_LIMIT:
        raise BadRequest(f"{where}.limit", f"must be between 1 and {MAX_LIMIT}, not {value}")
    return int(value)


def _types(query: Mapping[str, Any], where: str, known: frozenset[str]) -> list[str]:
    value = query.get("type")
    if value is None:
        return []
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise BadRequest(f"{where}.type", "must be a type id or a list of type ids")
    try:
        return [type_class(v, known) for v in values]
    except UsageError as error:
        raise BadRequest(f"{where}.type", str(error)) from None


def _properties(
    query: Mapping[str, Any], where: str, index: SearchIndex
) -> tuple[str | None, tuple[float, float] | None]:
    """The country (ISO alpha-2) and coordinates a query gives."""
    value = query.get("properties", [])
    if not isinstance(value, list):
        raise BadRequest(f"{where}.properties", "must be a list of {pid, v} objects")
    country = point = None
    for i, prop in enumerate(value):
        at = f"{where}.properties[{i}]"
        if not isinstance(prop, dict) or "pid" not in prop or "v" not in prop:
            raise BadRequest(at, "must be an object with pid and v")
        pid, v = prop["pid"], prop["v"]
        if isinstance(v, list):
            v = v[0] if len(v) == 1 else v
        if pid == "country":
            country = _country(v, f"{at}.v", index)
        elif pid == "coordinates":
            point = _point(v, f"{at}.v")
        else:
            known = ", ".join(PROPERTIES)
            raise BadRequest(f"{at}.pid", f"unknown property {pid!r} (one of {known})")
    return country, point


def _country(value: object, where: str, index: SearchIndex) -> str | None:
    if isinstance(value, dict):
        value = value.get("id")
        entity = index.get(_iri(value)) if isinstance(value, str) else None
        if entity is None or "Country" not in entity.classes or entity.country is None:
            raise BadRequest(where, f"{value!r} is not the id of a country of the graph")
        return entity.country
    if not isinstance(value, str):
        raise BadRequest(where, "a country is a code, an English name or a country id")
    if not value.strip():
        return None
    entity = index.get(_iri(value.strip()))
    if entity is not None and "Country" in entity.classes and entity.country:
        return entity.country
    try:
        return parse_country(value)
    except UsageError as error:
        raise BadRequest(where, str(error)) from None


def _point(value: object, where: str) -> tuple[float, float] | None:
    if isinstance(value, str):
        if not value.strip():
            return None
        parts = [p.strip() for p in value.split(",")]
    elif isinstance(value, list):
        parts = value
    else:
        parts = []
    try:
        lat, lon = (float(p) for p in parts)
    except (TypeError, ValueError):
        message = f'coordinates are "lat,lon" in decimal degrees, not {value!r}'
        raise BadRequest(where, message) from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise BadRequest(where, f"coordinates out of range: {lat}, {lon}")
    return lat, lon


def _iri(value: str) -> str:
    """An entity id (``city/geonames-2996944``) or IRI as a full IRI."""
    return value if value.startswith(("http://", "https://")) else ID + value.lstrip("/")


# -- answering ----------------------------------------------------------------------------


#: How long (seconds) the indexes of a state of the store are used without checking the
#: store's fingerprint again; a contribution through this server is seen at once.
RECHECK_SECONDS = 10.0


def service_of(request: Request) -> Service:
    """The reconciler and search index of the app's store, checked against the store's
    fingerprint after a contribution and at most every :data:`RECHECK_SECONDS`."""
    state = request.app.state
    version = getattr(state, "data_version", 0)
    now = time.monotonic()
    cached = getattr(state, "reconciliation", None)
    if cached is not None and cached[0] == version and now - cached[1] < RECHECK_SECONDS:
        return cached[2]
    service = Service(state.store)
    state.reconciliation = (version, now, service)
    return service


class Service:
    """The reconciler and the search index of one state of a store."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.digest = fingerprint(store)

    @cached_property
    def reconciler(self) -> Reconciler:
        return reconciler_for(self.store, self.digest)

    @cached_property
    def index(self) -> SearchIndex:
        return search_index_for(self.store, self.digest)

    def answer(
        self, batch: Mapping[str, Mapping[str, Any]], *, timeout: float | None = None
    ) -> dict[str, Any]:
        """The result batch of a query batch (checked by :func:`check_batch`).

        With a ``timeout`` (seconds), a batch still running then is stopped between two of
        its queries: :class:`~dckg.errors.QueryTimeout`. The indexes, built once for each
        state of the store, are built before the time starts.
        """
        self.index, self.reconciler  # noqa: B018 - built now, outside the time limit
        deadline = None if timeout is None else time.monotonic() + timeout
        planned = {}
        for key, query in batch.items():
            where = f"queries.{key}"
            planned[key] = (
                str(query.get("query", "")).strip(),
                _types(query, where, self.index.classes),
                _limit(query, where),
                *_properties(query, where, self.index),
            )
        answers = {}
        for key, plan in planned.items():
            if deadline is not None and time.monotonic() > deadline:
                raise QueryTimeout(
                    f"the reconciliation batch ran past the time limit of {timeout:g} s "
                    f"(DCKG_RECONCILE_TIMEOUT) after {len(answers)} of its {len(planned)} "
                    "queries and was stopped; send fewer queries per batch"
                )
            answers[key] = {"result": self.one(*plan)}
        return answers

    def one(
        self,
        name: str,
        types: list[str],
        limit: int,
        country: str | None,
        point: tuple[float, float] | None,
    ) -> list[dict[str, Any]]:
        """The candidates of one query, the match (if any) first."""
        cls = types[0] if types else None
        kind = KIND_OF.get(cls) if cls else DEFAULT_KIND
        results: list[dict[str, Any]] = []
        if kind is not None and name:
            lat, lon = point if point else (None, None)
            try:
                m = self.reconciler.reconcile(name, country=country, lat=lat, lon=lon, kind=kind)
            except UsageError:
                m = None
            if m is not None:
                for c in m.candidates:
                    results.append(
                        self._candidate(c, m.matched and c.iri == m.iri, country, m.note)
                    )
        elif cls == "Country" and name:
            results.extend(self._country_match(name))
        elif cls is not None and name:
            named = self.index.named(name, {cls})
            if len(named) == 1:
                results.append(self._hit(Hit(named[0], name, "", 1.0, "exact"), True, country))
        # Without a match, candidates the reconciler did not name: what the search finds.
        if len(results) < limit and name and not any(r["match"] for r in results):
            seen = {r["id"] for r in results}
            classes = set(types) if types else set()
            for hit in self.index.search(name, limit=limit, classes=classes, country=country):
                if hit.entity.path not in seen:
                    results.append(self._hit(hit, False, country))
        results.sort(key=lambda r: (not r["match"], -r["score"]))
        return results[:limit]

    def _country_match(self, name: str) -> list[dict[str, Any]]:
        try:
            alpha2 = parse_country(name)
        except UsageError:
            return []
        for entity in self.index.named(name, {"Country"}) or self._countries(alpha2):
            if entity.country == alpha2:
                return [self._hit(Hit(entity, name, "", 1.0, "exact"), True, alpha2)]
        return []

    def _countries(self, alpha2: str) -> list[Entity]:
        return [
            e
            for e in self.index.entities.values()
            if e.country == alpha2 and "Country" in e.classes
        ]

    def _candidate(
        self, c: Candidate, match: bool, country: str | None, note: str
    ) -> dict[str, Any]:
        entity = self.index.get(c.iri.value)
        classes = entity.classes if entity else frozenset({"City"})
        population = c.population if c.population is not None else (entity and entity.population)
        words = [_type_word(classes), c.country or ""]
        if population:
            words.append(f"pop. {population:,}")
        if c.distance_km is not None:
            words.append(f"{c.distance_km:.1f} km away")
        if entity is None:
            words.append("GeoNames place not yet in the graph")
        if match and note:
            words.append(note)
        features: list[dict[str, Any]] = [{"id": "name", "value": c.score}]
        if c.distance_km is not None:
            features.append({"id": "distance_km", "value": c.distance_km})
        if country is not None:
            features.append({"id": "same_country", "value": c.country == country})
        return {
            "id": _path(c.iri.value),
            "name": c.label,
            "description": ", ".join(w for w in words if w),
            "score": round(c.score * 100, 1),
            "match": match,
            "type": _type_list(classes),
            "features": features,
        }

    def _hit(self, hit: Hit, match: bool, country: str | None) -> dict[str, Any]:
        e = hit.entity
        words = [_type_word(e.classes), e.country or ""]
        if e.population:
            words.append(f"pop. {e.population:,}")
        if hit.name != e.label:
            words.append(f"named {hit.name}")
        features: list[dict[str, Any]] = [{"id": "name", "value": hit.score}]
        if country is not None:
            features.append({"id": "same_country", "value": e.country == country})
        return {
            "id": e.path,
            "name": e.label,
            "description": ", ".join(w for w in words if w),
            # Found by search, not by the reconciler: never above a reconciled candidate.
            "score": round(hit.score * (100 if match else 50), 1),
            "match": match,
            "type": _type_list(e.classes),
            "features": features,
        }


def _path(iri: str) -> str:
    return iri[len(ID) :] if iri.startswith(ID) else iri


#: The most specific first: the type a candidate is shown as.
_SHOWN = (
    "Country",
    "CityNetwork",
    "FundingInstrument",
    "Region",
    "City",
    "Municipality",
    "LocalRegionalGovernment",
    "Actor",
)


def _type_list(classes: frozenset[str]) -> list[dict[str, str]]:
    shown = [c for c in _SHOWN if c in classes] or sorted(classes)
    return [{"id": c, "name": TYPE_NAMES.get(c, _words(c))} for c in shown]


def _type_word(classes: frozenset[str]) -> str:
    listed = _type_list(classes)
    return listed[0]["name"] if listed else ""


def _words(local: str) -> str:
    """``LocalRegionalGovernment`` → ``local regional government``."""
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower()


# -- the routes -----------------------------------------------------------------------------


def _jsonp(request: Request, payload: object) -> Response:
    """JSON, or JSONP when the request names a ``callback`` (GET requests)."""
    callback = request.query_params.get("callback")
    if callback is None:
        return JSONResponse(payload)
    if not _CALLBACK.match(callback) or len(callback) > 100:
        return _bad(BadRequest("callback", "must be a JavaScript identifier (a.b_c)"))
    body = f"/**/{callback}({json.dumps(payload)});"
    return Response(body, media_type="text/javascript; charset=utf-8")


async def _batch_of(request: Request) -> dict[str, dict[str, Any]] | None:
    """The query batch of a GET or POST (form, query string or JSON body); None if none."""
    text = request.query_params.get("queries")
    if request.method == "POST":
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/json":
            try:
                body = jsontext.loads(await request.body() or b"null")
            except (json.JSONDecodeError, UnicodeDecodeError) as error:
                raise BadRequest("body", f"not JSON ({error})") from None
            except jsontext.TooDeep as error:
                raise BadRequest("body", str(error)) from None
            if body is None:
                return None
            if isinstance(body, dict) and set(body) == {"queries"}:
                body = body["queries"]
                if isinstance(body, str):
                    return parse_batch(body)
            return check_batch(body, "body")
        if kind == "application/x-www-form-urlencoded":
            try:
                form = parse_qs((await request.body()).decode("utf-8"), strict_parsing=False)
            except UnicodeDecodeError:
                raise BadRequest("body", "the form is not UTF-8") from None
            if "queries" in form:
                text = form["queries"][-1]
        elif kind:
            raise BadRequest(
                "Content-Type",
                f"{kind} is not taken: send application/x-www-form-urlencoded or JSON",
            )
    if text is None:
        return None
    return parse_batch(text)


_RECONCILE = {
    "summary": "Reconciliation service (W3C Entity Reconciliation API 0.2)",
    "description": (
        "Without `queries`: the service manifest. With `queries` (a JSON object of queries "
        "keyed by id, form-encoded, in the query string or as a JSON body): candidates per "
        "query, `match: true` on the one the reconciler matches. JSONP with `callback`."
    ),
}


@router.get("/reconcile", **_RECONCILE)
async def reconcile_get(request: Request) -> Response:
    return await reconcile_service(request)


@router.post("/reconcile", **_RECONCILE)
async def reconcile_post(request: Request) -> Response:
    return await reconcile_service(request)


async def reconcile_service(request: Request) -> Response:
    """The manifest, or the answer to a batch of queries."""
    try:
        batch = await _batch_of(request)
        if batch is None:
            return _jsonp(request, manifest(base_url(request)))
        service = await run_in_threadpool(service_of, request)
        timeout = request.app.state.settings.reconcile_timeout
        answer = await run_in_threadpool(partial(service.answer, batch, timeout=timeout))
    except BadRequest as error:
        return _bad(error)
    return _jsonp(request, answer)


@router.get("/reconcile/preview", summary="A small HTML card of an entity (preview service)")
def preview(request: Request, id: Annotated[str, Query(min_length=1)]) -> Response:
    iri = _iri(id)
    try:
        node = NamedNode(iri)
    except ValueError as error:
        return _bad(BadRequest("id", f"{id!r} is not an entity id or IRI ({error})"))
    service = service_of(request)
    entity = service.index.get(iri)
    place = service.reconciler.place(node) if iri.startswith(ID) else None
    if entity is None and place is None:
        return _bad(BadRequest("id", f"{id!r} is not the id of an entity of the graph"))
    label = entity.label if entity else place.label  # type: ignore[union-attr]
    classes = entity.classes if entity else frozenset({"City"})
    country = (entity.country if entity else None) or (place.country if place else None)
    population = (entity.population if entity else None) or (place.population if place else None)
    facts = [_type_word(classes), country or ""]
    if population:
        facts.append(f"pop. {population:,}")
    if place is not None and place.lat is not None and place.lon is not None:
        facts.append(f"{place.lat:.4f}, {place.lon:.4f}")
    if entity is not None and entity.degree:
        facts.append(f"{entity.degree} partnerships and memberships")
    if entity is None:
        facts.append("GeoNames place not yet in the graph")
    href = f"{base_url(request)}/id/{_path(iri)}"
    names = sorted(n for n in (entity.names if entity else {}) if n != label)[:6]
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(label)}</title>"
        "<style>body{font:14px/1.4 system-ui,sans-serif;margin:8px}"
        "h1{font-size:16px;margin:0 0 4px}p{margin:2px 0;color:#333}</style></head><body>"
        f'<h1><a href="{html.escape(href)}" target="_blank">{html.escape(label)}</a></h1>'
        f"<p>{html.escape(', '.join(f for f in facts if f))}</p>"
        + (f"<p>Also: {html.escape('; '.join(names))}</p>" if names else "")
        + f"<p><small>{html.escape(iri)}</small></p></body></html>"
    )
    return HTMLResponse(
        page, headers={"Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"}
    )


@router.get("/reconcile/suggest/entity", summary="Entities whose name starts with a prefix")
def suggest_entity(
    request: Request,
    prefix: Annotated[str, Query(min_length=1)],
    type: str | None = None,
    cursor: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10,
) -> Response:
    index = service_of(request).index
    try:
        classes = [type_class(type, index.classes)] if type else []
    except UsageError as error:
        return _bad(BadRequest("type", str(error)))
    hits = index.search(prefix, limit=min(cursor + limit, MAX_LIMIT), classes=classes)
    result = [
        {
            "id": h.entity.path,
            "name": h.entity.label,
            "description": _summary(h),
            "notable": _type_list(h.entity.classes)[:1],
        }
        for h in hits[cursor:]
    ]
    return _jsonp(request, {"result": result})


@router.get("/reconcile/suggest/type", summary="Types whose name starts with a prefix")
def suggest_type(request: Request, prefix: str = "") -> Response:
    key = prefix.strip().casefold()
    result = [
        {"id": cls, "name": word}
        for word, cls in TYPES.items()
        if word.startswith(key) or cls.casefold().startswith(key) or key in word
    ]
    return _jsonp(request, {"result": result})


@router.get("/reconcile/suggest/property", summary="Properties whose name starts with a prefix")
def suggest_property(request: Request, prefix: str = "") -> Response:
    key = prefix.strip().casefold()
    result = [
        {"id": pid, "name": pid, "description": text}
        for pid, text in PROPERTIES.items()
        if pid.startswith(key)
    ]
    return _jsonp(request, {"result": result})


def _summary(hit: Hit) -> str:
    e = hit.entity
    words = [_type_word(e.classes), e.country or ""]
    if e.population:
        words.append(f"pop. {e.population:,}")
    if hit.name != e.label:
        words.append(f"named {hit.name}" + (f" ({hit.language})" if hit.language else ""))
    return ", ".join(w for w in words if w)


@router.get(
    "/search",
    summary="Entity search",
    description=(
        "Entities of the graph by name, in every language the graph has, accents and case "
        "ignored: exact names, then names that start with `q`, then words that do, then "
        "alike names; within each, the most populous and most connected first."
    ),
)
def search(
    request: Request,
    q: Annotated[str, Query(min_length=1, max_length=200)],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 10,
    type: str | None = None,
    country: str | None = None,
) -> Response:
    index = service_of(request).index
    try:
        classes = [type_class(type, index.classes)] if type else []
    except UsageError as error:
        return _bad(BadRequest("type", str(error)))
    try:
        alpha2 = parse_country(country) if country else None
    except UsageError as error:
        return _bad(BadRequest("country", str(error)))
    hits = index.search(q, limit=limit, classes=classes, country=alpha2)
    base = base_url(request)
    results = [
        {
            "id": h.entity.iri,
            "path": h.entity.path,
            "url": f"{base}/id/{h.entity.path}",
            "label": h.entity.label,
            "matched": h.name,
            "language": h.language or None,
            "how": h.how,
            "score": round(h.score, 3),
            "types": [t["id"] for t in _type_list(h.entity.classes)],
            "country": h.entity.country,
            "population": h.entity.population,
            "degree": h.entity.degree,
        }
        for h in hits
    ]
    if wants_page(request, (formats.JSON,)):
        found = [
            {"label": h.entity.label, "path": h.entity.path, "facts": _summary(h)} for h in hits
        ]
        return search_page(request, q, found)
    return JSONResponse({"query": q, "results": results}, headers={"Vary": "Accept"})
