"""Import the 169 SDG targets and the global indicators, in English, French, Spanish, German.

Input: the folder of the open-sdg translations (``{lang}_global_goals.yml``,
``{lang}_global_targets.yml``, ``{lang}_global_indicators.yml``). Keys are ``1-short`` /
``1-title`` for goals, ``11-3-title`` for targets and ``11-3-1-title`` for indicators.

IRIs are the UN's (the UN SDG linked-data vocabulary): a target is
``http://metadata.un.org/sdg/{goal}.{target}`` (``…/sdg/11.3``, ``…/sdg/1.a``); an indicator
of a numbered target is ``…/sdg/C{goal:02}{target:02}{indicator:02}`` (``…/sdg/C010101``
for 1.1.1), as the UN's own data shows. The UN's pattern for indicators of the lettered
targets (1.a.1, …) could not be confirmed, so those get a dckg IRI
(``https://w3id.org/dckg/id/sdg-indicator/1-a-1``) rather than a guessed UN one.

Every target is a ``dckg:SDGTarget`` and a ``skos:Concept`` narrower than its goal; every
indicator a ``dckg:SDGIndicator`` narrower than its target. The goals get their short
titles in the four languages as ``skos:prefLabel``. Themes of the themes scheme are linked
to the targets they serve (:data:`THEME_TARGETS`, an editorial mapping documented in
``docs/sdg-targets-import.md``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pyoxigraph import Literal, NamedNode, Triple

from dckg.datasets import dataset_triples
from dckg.errors import InputError
from dckg.importers import reports
from dckg.importers.contract import BaseImporter, Source, register
from dckg.namespaces import DCKG, DCT, RDF, RDFS, SKOS, UN_SDG, graph, thing

DATASET = graph("reference/sdg-targets")
LANGUAGES = ("en", "fr", "es", "de")
SCHEME = NamedNode("http://metadata.un.org/sdg")
SOURCE_PAGE = NamedNode("https://github.com/open-sdg/sdg-translations")
UN_LIST = NamedNode("https://unstats.un.org/sdgs/indicators/indicators-list/")
UN_TERMS = NamedNode("https://www.un.org/en/about-us/terms-of-use")
AGENDA = thing("framework", "2030-agenda")
ATTRIBUTION = (
    "United Nations, Global indicator framework for the Sustainable Development Goals and "
    "targets of the 2030 Agenda (A/RES/71/313); translations compiled by open-sdg/sdg-translations"
)
MAX_FILE_BYTES = 5_000_000

#: Theme -> the SDG targets it serves, by the targets' own wording (see the import report).
THEME_TARGETS: dict[str, tuple[str, ...]] = {
    "climate-adaptation": ("13.1", "11.5"),
    "climate-mitigation": ("13.2",),
    "energy": ("7.2", "7.3"),
    "urban-mobility": ("11.2",),
    "water-sanitation": ("6.1", "6.2"),
    "waste": ("11.6", "12.5"),
    "digital": ("9.c",),
    "governance": ("16.6",),
    "local-democracy": ("16.7",),
    "local-finance": ("17.1",),
    "migration": ("10.7",),
    "gender-equality": ("5.5",),
    "social-inclusion": ("10.2",),
    "education": ("4.4",),
    "health": ("3.8",),
    "culture": ("11.4",),
    "economic-development": ("8.3",),
    "employment": ("8.5", "8.6"),
    "housing": ("11.1",),
    "urban-planning": ("11.3", "11.a"),
    "resilience": ("1.5", "11.b"),
    "food-security": ("2.1",),
    "environment": ("15.1",),
    "peace": ("16.1",),
    "human-rights": ("16.3", "16.10"),
}

_TARGET_KEY = re.compile(r"^(\d{1,2})-([0-9]{1,2}|[a-z])-title$")
_INDICATOR_KEY = re.compile(r"^(\d{1,2})-([0-9]{1,2}|[a-z])-(\d{1,2})-title$")
_GOAL_KEY = re.compile(r"^(\d{1,2})-(short|title)$")
_A = NamedNode(RDF + "type")


@dataclass
class ImportResult:
    """Goals, targets and indicators with their texts by language."""

    goals: dict[int, dict[str, str]] = field(default_factory=dict)
    targets: dict[str, dict[str, str]] = field(default_factory=dict)
    indicators: dict[str, dict[str, str]] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)


def target_iri(code: str) -> NamedNode:
    """The UN IRI of a target.

    >>> target_iri("11.3").value, target_iri("1.a").value
    ('http://metadata.un.org/sdg/11.3', 'http://metadata.un.org/sdg/1.a')
    """
    return NamedNode(UN_SDG + code)


def indicator_iri(code: str) -> NamedNode:
    """The UN IRI of an indicator of a numbered target, else a dckg IRI.

    >>> indicator_iri("1.1.1").value, indicator_iri("11.3.2").value
    ('http://metadata.un.org/sdg/C010101', 'http://metadata.un.org/sdg/C110302')
    >>> indicator_iri("1.a.1").value
    'https://w3id.org/dckg/id/sdg-indicator/1-a-1'
    """
    goal, target, number = code.split(".")
    if target.isdigit():
        return NamedNode(f"{UN_SDG}C{int(goal):02d}{int(target):02d}{int(number):02d}")
    return thing("sdg-indicator", code.replace(".", "-"))


def _load(path: Path) -> dict[str, str]:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise InputError(f"larger than {MAX_FILE_BYTES:,} bytes", source=path)
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"cannot read: {error.strerror}", source=path) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError(
            f"malformed YAML: {getattr(error, 'problem', error)}", source=path, line=line
        ) from None
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise InputError("expected a mapping of keys to texts", source=path)
    return {str(k): " ".join(v.split()) for k, v in data.items()}


def import_sdg_targets(folder: Path) -> ImportResult:
    """Read the goal, target and indicator files of every language in ``folder``."""
    if not folder.is_dir():
        raise InputError("not a folder of {lang}_global_*.yml files", source=folder)
    result = ImportResult()
    for language in LANGUAGES:
        for kind in ("goals", "targets", "indicators"):
            path = folder / f"{language}_global_{kind}.yml"
            result.files.append(path.name)
            for key, text in _load(path).items():
                _add(result, path, key, text, language, kind)
    _check(result)
    return result


def _add(result: ImportResult, path: Path, key: str, text: str, language: str, kind: str) -> None:
    if kind == "goals":
        match = _GOAL_KEY.match(key)
        if match and match.group(2) == "short":
            result.goals.setdefault(int(match.group(1)), {})[language] = text
        elif not match:
            raise InputError(f"unexpected key {key!r}", source=path)
        return
    pattern = _TARGET_KEY if kind == "targets" else _INDICATOR_KEY
    match = pattern.match(key)
    if not match:
        raise InputError(f"unexpected key {key!r} for {kind}", source=path)
    code = ".".join(match.groups())
    table = result.targets if kind == "targets" else result.indicators
    table.setdefault(code, {})[language] = text


def _check(result: ImportResult) -> None:
    for kind, table in (
        ("goal", result.goals),
        ("target", result.targets),
        ("indicator", result.indicators),
    ):
        for code, texts in table.items():
            missing = [lang for lang in LANGUAGES if lang not in texts]
            if missing:
                raise InputError(
                    f"{kind} {code} has no text in {', '.join(missing)}", source=kind + "s"
                )
    if sorted(result.goals) != list(range(1, 18)):
        raise InputError(f"expected goals 1 to 17, found {sorted(result.goals)}", source="goals")
    for code in result.targets:
        if int(code.split(".")[0]) not in result.goals:
            raise InputError(f"target {code} of an unknown goal", source="targets")
    for code in result.indicators:
        if code.rsplit(".", 1)[0] not in result.targets:
            raise InputError(f"indicator {code} of an unknown target", source="indicators")
    for theme, codes in THEME_TARGETS.items():
        for code in codes:
            if code not in result.targets:
                raise InputError(
                    f"theme {theme} is mapped to unknown target {code}", source="mapping"
                )


def triples(result: ImportResult) -> Iterator[Triple]:
    """The RDF of the goals' labels, the targets, the indicators and the theme links."""
    yield from _dataset_triples(result)
    yield Triple(SCHEME, _A, NamedNode(SKOS + "ConceptScheme"))
    yield Triple(
        SCHEME,
        NamedNode(SKOS + "prefLabel"),
        Literal("Sustainable Development Goals", language="en"),
    )
    yield Triple(SCHEME, NamedNode(DCT + "source"), UN_LIST)
    for number, texts in result.goals.items():
        goal = NamedNode(f"{UN_SDG}{number}")
        yield Triple(goal, _A, NamedNode(SKOS + "Concept"))
        yield Triple(goal, NamedNode(SKOS + "inScheme"), SCHEME)
        yield Triple(goal, NamedNode(SKOS + "topConceptOf"), SCHEME)
        for language, text in texts.items():
            yield Triple(goal, NamedNode(SKOS + "prefLabel"), Literal(text, language=language))
    for code, texts in result.targets.items():
        yield from _concept(
            target_iri(code), "SDGTarget", code, texts, NamedNode(UN_SDG + code.split(".")[0])
        )
        yield Triple(target_iri(code), NamedNode(DCKG + "framework"), AGENDA)
    for code, texts in result.indicators.items():
        yield from _concept(
            indicator_iri(code), "SDGIndicator", code, texts, target_iri(code.rsplit(".", 1)[0])
        )
    for theme, codes in THEME_TARGETS.items():
        for code in codes:
            yield Triple(thing("theme", theme), NamedNode(DCKG + "servesTarget"), target_iri(code))


def _concept(
    iri: NamedNode, cls: str, code: str, texts: dict[str, str], broader: NamedNode
) -> Iterator[Triple]:
    yield Triple(iri, _A, NamedNode(DCKG + cls))
    yield Triple(iri, _A, NamedNode(SKOS + "Concept"))
    yield Triple(iri, NamedNode(SKOS + "notation"), Literal(code))
    yield Triple(iri, NamedNode(SKOS + "inScheme"), SCHEME)
    yield Triple(iri, NamedNode(SKOS + "broader"), broader)
    yield Triple(iri, NamedNode(DCT + "source"), UN_LIST)
    for language, text in texts.items():
        yield Triple(iri, NamedNode(SKOS + "prefLabel"), Literal(text, language=language))
        yield Triple(iri, NamedNode(RDFS + "label"), Literal(f"{code} {text}", language=language))


def _dataset_triples(result: ImportResult) -> Iterator[Triple]:
    description = (
        f"The {len(result.targets)} targets and {len(result.indicators)} indicators of the "
        f"Sustainable Development Goals, as SKOS concepts under the 17 goals, identified by "
        f"the UN's IRIs, with their official texts in English, French, Spanish and German; "
        f"the themes of the themes scheme are linked to the targets they serve."
    )
    yield from dataset_triples(
        DATASET,
        title="SDG targets and indicators",
        description=description,
        sources=[SOURCE_PAGE, UN_LIST],
        licence=UN_TERMS,
        citation=ATTRIBUTION,
        publisher="dckg contributors",
    )


# -- the importer --------------------------------------------------------------------------


def report(result: ImportResult, *, command: str, size: int) -> str:
    """The report of an SDG-target import, with the theme-to-target mapping."""
    lettered = sum(1 for c in result.indicators if not c.split(".")[1].isdigit())
    rows = []
    for theme, codes in THEME_TARGETS.items():
        for code in codes:
            text = result.targets[code]["en"]
            rows.append((f"`theme/{theme}`", code, text if len(text) < 140 else text[:137] + "…"))
    counts = [
        ("goals (labels added in en, fr, es, de)", len(result.goals)),
        ("targets (`dckg:SDGTarget`)", len(result.targets)),
        ("indicators (`dckg:SDGIndicator`)", len(result.indicators)),
        ("… with a UN IRI", len(result.indicators) - lettered),
        ("… of lettered targets, with a dckg IRI", lettered),
        ("theme-to-target links", sum(len(v) for v in THEME_TARGETS.values())),
    ]
    return reports.render(
        "sdg-targets", command=command, size=size, dataset=DATASET.value, counts=counts, rows=rows
    )


class SdgTargetsImporter(BaseImporter):
    name = "sdg-targets"
    dataset = DATASET
    stem = "sdg-targets"
    help = "Import the SDG targets and indicators in en/fr/es/de (folder of the YAML files)."

    def read(self, source: Source) -> ImportResult:
        return import_sdg_targets(source.path)

    def triples(self, result: ImportResult) -> Iterator[Triple]:
        return triples(result)

    def report(self, result: ImportResult, *, command: str, size: int) -> str:
        return report(result, command=command, size=size)

    def summary(self, result: ImportResult) -> list[str]:
        return [
            f"{len(result.goals)} goals, {len(result.targets)} targets, "
            f"{len(result.indicators)} indicators in {len(LANGUAGES)} languages"
        ]


IMPORTER = register(SdgTargetsImporter())


__all__ = [
    "DATASET",
    "IMPORTER",
    "THEME_TARGETS",
    "ImportResult",
    "import_sdg_targets",
    "indicator_iri",
    "report",
    "target_iri",
    "triples",
]
