"""Named queries: ``.rq`` files whose metadata sits in a ``#+`` YAML header.

Each file stays valid SPARQL (the header is made of comment lines)::

    #+ summary: Partnerships per theme
    #+ params:
    #+   - name: status
    #+     type: iri
    #+ tags: [partnerships]
    SELECT ?theme (COUNT(?p) AS ?n) ?status WHERE { … } GROUP BY ?theme ?status

Every parameter is a variable of the query, projected by the outer ``SELECT`` (Oxigraph
binds values only to projected variables); a parameter left without a value leaves its
variable unbound, so a query filters with
``COALESCE(!sameTerm(?param, ?param), true) || COALESCE(?x = ?param, true)`` (the idiom
of ``queries/README.md``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pyoxigraph import Literal, NamedNode

from dckg.errors import InputError, NotFound, UsageError
from dckg.queries.params import TYPES, Param
from dckg.resources import resource_dir
from dckg.store.base import QueryResult, Store

_NAME = re.compile(r"[a-z][a-z0-9-]*")
_PARAM_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HEADER_KEYS = {"summary", "description", "params", "tags", "no_source_data"}
_PARAM_KEYS = {"name", "type", "required", "default", "example", "description"}


@dataclass(frozen=True)
class NamedQuery:
    """A query of the library: its metadata, its parameters and its SPARQL text."""

    name: str
    summary: str
    description: str
    tags: list[str]
    params: list[Param]
    text: str
    path: Path | None = None
    #: Why the query answers nothing on the shipped graph with its examples (no shipped
    #: source holds what it asks about), in words; empty when it answers.
    no_source_data: str = ""
    _by_name: dict[str, Param] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_name.update({p.name: p for p in self.params})

    def param(self, name: str) -> Param:
        """The parameter called ``name``; raises :class:`UsageError` if there is none."""
        try:
            return self._by_name[name]
        except KeyError:
            known = ", ".join(self._by_name) or "none"
            raise UsageError(
                f"query {self.name!r} has no parameter {name!r} (its parameters: {known})"
            ) from None

    def bind(self, raw: Mapping[str, str | None]) -> dict[str, NamedNode | Literal]:
        """Type-check raw string values and apply defaults: variable name -> RDF term.

        Unknown, missing required and ill-typed parameters raise :class:`UsageError`;
        an optional parameter with neither value nor default is left out (unbound).
        """
        for name in raw:
            self.param(name)
        bound: dict[str, NamedNode | Literal] = {}
        for param in self.params:
            value = raw.get(param.name)
            if value is None or value == "":
                value = param.default
            if value is None:
                if param.required:
                    raise UsageError(
                        f"query {self.name!r}: parameter {param.name!r} is required "
                        f"({param.type}{', e.g. ' + param.example if param.example else ''})"
                    )
                continue
            bound[param.name] = param.to_term(str(value))
        return bound

    def run(self, store: Store, raw: Mapping[str, str | None] | None = None) -> QueryResult:
        """Bind the parameters and run the query over the union of the store's graphs."""
        return store.query(self.text, substitutions=self.bind(raw or {}))


class Library(Mapping[str, NamedQuery]):
    """The named queries of a folder, by name (iteration is sorted by name)."""

    def __init__(self, queries: Mapping[str, NamedQuery]) -> None:
        self._queries = dict(sorted(queries.items()))

    def __getitem__(self, name: str) -> NamedQuery:
        try:
            return self._queries[name]
        except KeyError:
            import difflib

            close = difflib.get_close_matches(name, self._queries, n=3, cutoff=0.5)
            close += [q for q in self._queries if name and name in q and q not in close][:3]
            guess = f"; did you mean {' or '.join(repr(q) for q in close[:3])}?" if close else ""
            raise NotFound(f"no named query {name!r}{guess} (see 'dckg queries')") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._queries)

    def __len__(self) -> int:
        return len(self._queries)

    def __repr__(self) -> str:
        return f"<Library of {len(self)} queries>"


def load_library(folder: Path | None = None) -> Library:
    """Read every ``*.rq`` file of ``folder`` (default: the shipped ``queries/``).

    >>> library = load_library()
    >>> library["partnerships"].param("country").type
    'iri'
    """
    folder = folder if folder is not None else resource_dir("queries")
    if not folder.is_dir():
        raise InputError("not a folder of queries", source=folder)
    return Library({q.name: q for q in map(read_query, sorted(folder.glob("*.rq")))})


def read_query(path: Path) -> NamedQuery:
    """One named query from its file; the name is the file name without ``.rq``."""
    name = path.stem
    if not _NAME.fullmatch(name):
        raise InputError("a query name is lowercase letters, digits and '-'", source=path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read: {error}", source=path) from None
    return parse_query(text, name=name, path=path)


def parse_query(text: str, *, name: str, path: Path | None = None) -> NamedQuery:
    """A named query from its text (header and SPARQL).

    >>> q = parse_query("#+ summary: All\\nSELECT * WHERE { ?s ?p ?o }", name="all")
    >>> q.summary, q.params
    ('All', [])
    """
    source = path or f"<{name}>"
    header = _header(text, source)
    unknown = set(header) - _HEADER_KEYS
    if unknown:
        raise InputError(f"unknown header keys: {', '.join(sorted(unknown))}", source=source)
    summary = header.get("summary")
    if not isinstance(summary, str) or not summary.strip():
        raise InputError("the header needs a one-line summary", source=source, field="summary")
    tags = header.get("tags") or []
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise InputError("tags must be a list of strings", source=source, field="tags")
    raw_params = header.get("params") or []
    if not isinstance(raw_params, list):
        raise InputError("params must be a list", source=source, field="params")
    params = [_param(entry, i, source, text) for i, entry in enumerate(raw_params)]
    no_source_data = header.get("no_source_data") or ""
    if not isinstance(no_source_data, str):
        raise InputError("no_source_data must be text", source=source, field="no_source_data")
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise InputError("a parameter is declared twice", source=source, field="params")
    return NamedQuery(
        name=name,
        summary=summary.strip(),
        description=str(header.get("description") or "").strip(),
        tags=tags,
        params=params,
        text=text,
        path=path,
        no_source_data=no_source_data.strip(),
    )


def _header(text: str, source: str | Path) -> dict[str, object]:
    lines = []
    for line in text.splitlines():
        if not line.startswith("#+"):
            break
        lines.append(line[3:] if line.startswith("#+ ") else line[2:])
    if not lines:
        raise InputError("no '#+' header: the file must start with '#+ summary: …'", source=source)
    try:
        header = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError(
            f"the '#+' header is not valid YAML: {error}", source=source, line=line
        ) from None
    if not isinstance(header, dict):
        raise InputError("the '#+' header must be a YAML mapping", source=source, line=1)
    return header


def _param(entry: object, index: int, source: str | Path, text: str) -> Param:
    where = f"params[{index}]"
    if not isinstance(entry, dict):
        raise InputError("a parameter is a mapping", source=source, field=where)
    unknown = set(entry) - _PARAM_KEYS
    if unknown:
        raise InputError(f"unknown keys {sorted(unknown)}", source=source, field=where)
    name = entry.get("name")
    if not isinstance(name, str) or not _PARAM_NAME.fullmatch(name):
        raise InputError("a parameter needs a name fit for a variable", source=source, field=where)
    kind = entry.get("type")
    if kind not in TYPES:
        raise InputError(
            f"type must be one of {', '.join(TYPES)}", source=source, field=f"{where}.type"
        )
    if not re.search(rf"[?$]{name}\b", _body(text)):
        raise InputError(
            f"parameter {name!r} is not a variable of the query", source=source, field=where
        )
    param = Param(
        name=name,
        type=str(kind),
        required=bool(entry.get("required", False)),
        default=None if entry.get("default") is None else _text(entry["default"]),
        example=None if entry.get("example") is None else _text(entry["example"]),
        description=str(entry.get("description") or "").strip(),
    )
    for key in ("default", "example"):
        value = getattr(param, key)
        if value is not None:
            try:
                param.to_term(value)
            except UsageError as error:
                raise InputError(str(error), source=source, field=f"{where}.{key}") from None
    return param


def _text(value: object) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _body(text: str) -> str:
    return "\n".join(line for line in text.splitlines() if not line.startswith("#"))
