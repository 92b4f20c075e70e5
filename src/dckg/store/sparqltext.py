"""Preparing SPARQL text for an endpoint that knows neither dckg's prefixes nor substitutions.

The embedded store declares the default prefixes and binds variables through
pyoxigraph's ``prefixes=`` and ``substitutions=``. A SPARQL 1.1 Protocol endpoint has
neither, so before a query is sent:

* the default prefixes the query does not declare are put in front of it, on its first
  line, so that line numbers in the server's error messages still match the caller's text;
* bound variables become one ``VALUES`` row of terms serialised by pyoxigraph, placed at the
  start of the outermost ``WHERE`` group (where it joins before any grouping, as a
  substitution does) and of every sub-select that projects one of them (a substitution
  reaches those too) — never pasted-in user text.

A small tokenizer finds those places; it knows strings, IRIs and comments, so a brace in a
literal or a ``#`` in an IRI does not mislead it.

>>> from pyoxigraph import NamedNode
>>> prepare("SELECT ?s ?o WHERE { ?s ?p ?o }", {"s": NamedNode("http://a")}, {})
'SELECT ?s ?o WHERE { VALUES (?s) { (<http://a>) } ?s ?p ?o }'
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin

from pyoxigraph import BlankNode, Literal, NamedNode, Triple

from dckg.errors import QueryError

#: The query forms, and the keywords that start an update operation.
QUERY_FORMS = frozenset({"SELECT", "CONSTRUCT", "ASK", "DESCRIBE"})
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}
)

_TOKEN = re.compile(
    r"""
    (?P<ws>\s+)
  | (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7-\uffff]+)
  | (?P<pname>[A-Za-z\u00c0-\uffff][\w\-.\u00b7-\uffff]*:|:)
  | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    """One lexical token: its kind (a group name of ``_TOKEN``), its text and offset."""

    kind: str
    text: str
    start: int

    @property
    def keyword(self) -> str:
        """The upper-cased text of a bare word, else ``""``."""
        return self.text.upper() if self.kind == "word" else ""


def tokens(text: str) -> list[Token]:
    """The significant tokens of a query (no white space, no comments).

    >>> [t.text for t in tokens('SELECT * { ?s <a#b> "}" } # }')]
    ['SELECT', '*', '{', '?s', '<a#b>', '"}"', '}']
    """
    found = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "other"
        if kind not in ("ws", "comment"):
            found.append(Token(kind, match.group(), match.start()))
    return found


def operation(toks: list[Token]) -> str:
    """The query form (``SELECT`` …) or the first update keyword; ``""`` when unknown.

    >>> operation(tokens("PREFIX a: <x> # SELECT\\nINSERT DATA {}"))
    'INSERT'
    """
    skip = 0
    for tok in toks:
        if skip:
            skip -= 1
            continue
        if tok.keyword == "PREFIX":
            skip = 2
        elif tok.keyword == "BASE":
            skip = 1
        elif tok.keyword in QUERY_FORMS or tok.keyword in UPDATE_KEYWORDS:
            return tok.keyword
        else:
            return ""
    return ""


def declared_prefixes(toks: list[Token]) -> set[str]:
    """The prefix names a query declares itself (without the colon)."""
    return {
        toks[i + 1].text[:-1]
        for i, tok in enumerate(toks[:-1])
        if tok.keyword == "PREFIX" and toks[i + 1].kind == "pname"
    }


def with_prefixes(text: str, prefixes: Mapping[str, str], toks: list[Token] | None = None) -> str:
    """The text with declarations for the ``prefixes`` it does not declare, on its first line.

    >>> with_prefixes("PREFIX a: <x> ASK {}", {"a": "http://a#", "b": "http://b#"})
    'PREFIX b: <http://b#> PREFIX a: <x> ASK {}'
    """
    declared = declared_prefixes(toks if toks is not None else tokens(text))
    head = "".join(
        f"PREFIX {name}: {NamedNode(iri)} "
        for name, iri in prefixes.items()
        if name not in declared
    )
    return head + text


def values_block(bindings: Mapping[str, object]) -> str:
    """One ``VALUES`` row binding each variable to a term serialised by pyoxigraph.

    >>> from pyoxigraph import Literal
    >>> values_block({"name": Literal('Lyon "FR"', language="fr")})
    'VALUES (?name) { ("Lyon \\\\"FR\\\\""@fr) }'
    """
    names = []
    terms = []
    for name, term in bindings.items():
        if not re.fullmatch(r"[A-Za-z0-9_\u00b7-\uffff]+", name):
            raise QueryError(f"not a variable name: {name!r}")
        if isinstance(term, BlankNode):
            raise QueryError(f"?{name}: a blank node cannot be bound on a remote endpoint")
        if not isinstance(term, NamedNode | Literal | Triple):
            raise QueryError(f"?{name}: not an RDF term: {term!r}")
        names.append(f"?{name}")
        terms.append(str(term))
    return f"VALUES ({' '.join(names)}) {{ ({' '.join(terms)}) }}"


def _matching(toks: list[Token], open_index: int) -> int:
    """The index of the ``}`` closing the ``{`` at ``open_index``."""
    depth = 0
    for i in range(open_index, len(toks)):
        if toks[i].text == "{":
            depth += 1
        elif toks[i].text == "}":
            depth -= 1
            if depth == 0:
                return i
    raise QueryError("malformed query: unbalanced braces")


def _top_level_braces(toks: list[Token], start: int) -> list[int]:
    """Indexes of ``{`` outside any group or parentheses, from ``start`` on."""
    found = []
    braces = parens = 0
    for i in range(start, len(toks)):
        text = toks[i].text
        if text == "(":
            parens += 1
        elif text == ")":
            parens -= 1
        elif text == "{":
            if braces == 0 and parens == 0:
                found.append(i)
            braces += 1
        elif text == "}":
            braces -= 1
    return found


def where_group(toks: list[Token]) -> int | None:
    """The index of the ``{`` opening the outermost WHERE group, or None if it has none.

    ``CONSTRUCT WHERE { … }`` (a template, not a group) and ``DESCRIBE <x>`` have none.

    >>> toks = tokens("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    >>> toks[where_group(toks) + 1].text, toks[where_group(toks) - 1].text
    ('?s', 'WHERE')
    """
    form_at = next((i for i, t in enumerate(toks) if t.keyword in QUERY_FORMS), None)
    if form_at is None:
        return None
    braces = _top_level_braces(toks, form_at + 1)
    if toks[form_at].keyword == "CONSTRUCT":
        nxt = toks[form_at + 1] if form_at + 1 < len(toks) else None
        if nxt is None or nxt.text != "{":
            return None  # the short form: its braces hold a template
        braces = braces[1:]
    return braces[0] if braces else None


def projection(toks: list[Token], form_at: int | None = None) -> set[str] | None:
    """The variables a SELECT projects (``None`` for ``SELECT *`` or another form).

    ``form_at`` is the index of the query form's keyword (default: the first one).
    """
    if form_at is None:
        form_at = next((i for i, t in enumerate(toks) if t.keyword in QUERY_FORMS), None)
    if form_at is None or toks[form_at].keyword != "SELECT":
        return None
    names: set[str] = set()
    parens = 0
    for i in range(form_at + 1, len(toks)):
        tok = toks[i]
        if parens == 0 and (tok.text == "{" or tok.keyword in ("WHERE", "FROM")):
            break
        if tok.text == "(":
            parens += 1
        elif tok.text == ")":
            parens -= 1
        elif tok.text == "*" and parens == 0:
            return None
        elif tok.kind == "var" and (parens == 0 or toks[i - 1].keyword == "AS"):
            names.add(tok.text[1:])
    return names


def bind(
    text: str,
    bindings: Mapping[str, object],
    toks: list[Token] | None = None,
    *,
    strict: bool = True,
) -> str:
    """The query with ``bindings`` joined in as a ``VALUES`` row (see the module docs).

    When ``strict``, a SELECT must project every bound variable, as with the embedded store.

    >>> from pyoxigraph import NamedNode
    >>> bound = bind("SELECT * { SELECT ?s { ?s ?p ?o } }", {"s": NamedNode("http://a")})
    >>> bound.count("VALUES"), bound.startswith("SELECT * { VALUES (?s) { (<http://a>) } {")
    (2, True)
    """
    if not bindings:
        return text
    toks = toks if toks is not None else tokens(text)
    projected = projection(toks) if strict else None
    if projected is not None:
        for name in bindings:
            if name not in projected:
                raise QueryError(
                    f"The SPARQL query does not contains variable ?{name} in its SELECT projection"
                )
    block = values_block(bindings)
    opening = where_group(toks)
    if opening is None:
        return f"{text}\n{block}"
    # As with a substitution, a sub-select that projects a bound variable sees its value.
    inserts = _insertions(toks, opening, block)
    for select_at, group_at in _subselect_groups(toks, opening):
        projected = projection(toks, select_at)
        inner = {k: v for k, v in bindings.items() if projected is None or k in projected}
        if inner:
            inserts += _insertions(toks, group_at, values_block(inner))
    for position, piece in sorted(inserts, key=lambda item: item[0], reverse=True):
        text = text[:position] + piece + text[position:]
    return text


def _insertions(toks: list[Token], opening: int, block: str) -> list[tuple[int, str]]:
    """What to insert where so that the group opened at ``opening`` starts with ``block``."""
    cut = toks[opening].start + 1
    after = toks[opening + 1] if opening + 1 < len(toks) else None
    if after is not None and after.keyword == "SELECT":  # a group holding only a sub-select
        closing = toks[_matching(toks, opening)].start
        return [(cut, f" {block} {{"), (closing, "} ")]
    return [(cut, f" {block}")]


def _subselect_groups(toks: list[Token], outer: int) -> list[tuple[int, int]]:
    """Every sub-select inside the outer group: its SELECT and the ``{`` of its group."""
    found = []
    end = _matching(toks, outer)
    for i in range(outer + 1, end):
        if toks[i].keyword != "SELECT":
            continue
        parens = 0
        for j in range(i + 1, end):
            if toks[j].text == "(":
                parens += 1
            elif toks[j].text == ")":
                parens -= 1
            elif toks[j].text == "{" and parens == 0:
                found.append((i, j))
                break
    return found


@dataclass(frozen=True)
class Dataset:
    """The RDF dataset a query names with ``FROM`` (``default``) and ``FROM NAMED`` (``named``)."""

    default: list[NamedNode] = field(default_factory=list)
    named: list[NamedNode] = field(default_factory=list)


#: The rest of a prefixed name after its colon (SPARQL 1.1 ``PN_LOCAL``, escapes included).
_LOCAL = re.compile(r"(?:[\w\-.:\u00b7-\uffff]|%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])*")


def dataset_clauses(toks: list[Token]) -> list[tuple[bool, int]]:
    """The ``FROM`` / ``FROM NAMED`` clauses of a query: (named, index of the graph's token).

    Only the query's own dataset clauses count (a sub-select has none); a ``from`` that is
    part of a prefixed name or a variable is no keyword.

    >>> dataset_clauses(tokens("SELECT * FROM <a> FROM NAMED ex:b { ?s ex:from ?o }"))
    [(False, 3), (True, 6)]
    >>> dataset_clauses(tokens("SELECT ?from { ?s ?p ?from }"))
    []
    """
    form_at = next((i for i, t in enumerate(toks) if t.keyword in QUERY_FORMS), None)
    if form_at is None:
        return []
    found = []
    depth = 0
    for i in range(form_at + 1, len(toks)):
        tok = toks[i]
        if tok.text in ("{", "("):
            depth += 1
        elif tok.text in ("}", ")"):
            depth -= 1
        elif depth == 0 and tok.keyword == "FROM" and _starts_word(toks, i):
            named = i + 1 < len(toks) and toks[i + 1].keyword == "NAMED"
            at = i + 2 if named else i + 1
            if at < len(toks):
                found.append((named, at))
    return found


def _starts_word(toks: list[Token], i: int) -> bool:
    """Whether token ``i`` stands on its own (not the tail of a prefixed name)."""
    prev = toks[i - 1]
    if prev.start + len(prev.text) < toks[i].start:
        return True
    return prev.kind in ("iri", "var", "string") or prev.text in ("*", ")", "}")


def dataset(
    text: str, prefixes: Mapping[str, str], base: str, toks: list[Token] | None = None
) -> Dataset | None:
    """The dataset a query names itself, or ``None`` when it names none (no ``FROM``).

    IRIs are resolved as the query's parser would: prefixed names through the query's
    ``PREFIX`` declarations, then ``prefixes``; relative IRIs against its ``BASE``, then
    ``base``.

    >>> dataset("PREFIX g: <http://g/> SELECT * FROM g:a FROM NAMED <b> {}", {}, "http://x/")
    Dataset(default=[<NamedNode value=http://g/a>], named=[<NamedNode value=http://x/b>])
    >>> dataset("ASK { ?s ?p ?o }", {}, "http://x/") is None
    True
    """
    toks = toks if toks is not None else tokens(text)
    clauses = dataset_clauses(toks)
    if not clauses:
        return None
    base, declared = _prologue(toks, base)
    known = {**prefixes, **declared}
    found = Dataset()
    for named, at in clauses:
        graph = _graph_iri(text, toks[at], known, base)
        (found.named if named else found.default).append(graph)
    return found


def _prologue(toks: list[Token], base: str) -> tuple[str, dict[str, str]]:
    """The base IRI and the prefixes a query's prologue declares."""
    declared: dict[str, str] = {}
    for i, tok in enumerate(toks):
        if tok.keyword in QUERY_FORMS:
            break
        if tok.keyword == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            base = urljoin(base, toks[i + 1].text[1:-1])
        elif (
            tok.keyword == "PREFIX"
            and i + 2 < len(toks)
            and (toks[i + 1].kind, toks[i + 2].kind) == ("pname", "iri")
        ):
            declared[toks[i + 1].text[:-1]] = urljoin(base, toks[i + 2].text[1:-1])
    return base, declared


def _graph_iri(text: str, tok: Token, prefixes: Mapping[str, str], base: str) -> NamedNode:
    if tok.kind == "iri":
        iri = urljoin(base, tok.text[1:-1])
    elif tok.kind == "pname":
        name = tok.text[:-1]
        if name not in prefixes:
            raise QueryError(f"malformed query: FROM {tok.text}…: undeclared prefix {name!r}")
        local = _LOCAL.match(text, tok.start + len(tok.text))
        tail = local.group().rstrip(".") if local else ""
        iri = prefixes[name] + re.sub(r"\\(.)", r"\1", tail)
    else:
        raise QueryError(f"malformed query: FROM must name a graph by its IRI, not {tok.text!r}")
    try:
        return NamedNode(iri)
    except ValueError:
        raise QueryError(f"malformed query: FROM {tok.text}: not an IRI: {iri!r}") from None


def prepare(
    text: str,
    bindings: Mapping[str, object] | None,
    prefixes: Mapping[str, str],
    *,
    strict: bool = True,
) -> str:
    """A query ready for a remote endpoint: bindings joined in, default prefixes declared."""
    toks = tokens(text)
    bound = bind(text, bindings or {}, toks, strict=strict)
    return with_prefixes(bound, prefixes, toks)


__all__ = [
    "QUERY_FORMS",
    "UPDATE_KEYWORDS",
    "Dataset",
    "Token",
    "bind",
    "dataset",
    "dataset_clauses",
    "declared_prefixes",
    "operation",
    "prepare",
    "projection",
    "tokens",
    "values_block",
    "where_group",
    "with_prefixes",
]
