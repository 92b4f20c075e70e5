"""Import reports (Markdown) of the funding, SDG-target and programme-fact importers."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence

from dckg.importers import eutf, sdg_targets
from dckg.importers.programme_facts import Figure


def _table(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def eutf_report(result: eutf.ImportResult, *, command: str, size: int) -> str:
    """The report of an EUTF import: counts, sums, mappings and what was left out."""
    actions = list(result.actions.values())
    windows = Counter(a.window or "none (cross-window)" for a in actions)
    by_window = {
        w: sum((a.amount for a in actions if (a.window or "none (cross-window)") == w), start=0)
        for w in windows
    }
    shares = sum(1 for a in actions for c in a.allocations if c.share is not None)
    allocations = sum(len(a.allocations) for a in actions)
    types = Counter(o.type_code or "unknown" for o in result.organisations.values())
    themes = Counter(t for a in actions for code in a.objectives for t in eutf.THEMES[code])
    parts = [
        "# EU Emergency Trust Fund for Africa: import report\n",
        f"Made by `{command}` ({size:,} bytes of N-Triples, graph "
        f"`{eutf.DATASET.value}`). Source: DW/EDJNet compilation `dw-data/eutf-africa` "
        f"(commit 18b189c, April 2022) of the European Commission's EUTF website and its "
        f'IATI/Akvo publications; attribution "{eutf.ATTRIBUTION}", reuse under '
        f"Commission Decision 2011/833/EU.\n",
        "## Counts\n",
        _table(
            ["what", "count"],
            [
                ("project rows read", result.rows),
                ("funded actions (`dckg:FundedAction`) with an amount", len(actions)),
                ("rows merged (identifiers equal but for case)", len(result.merged_ids)),
                ("IATI activities read", result.activities),
                ("total amount (EUR)", f"{result.total:,.2f}"),
                ("actions with an adoption date", sum(1 for a in actions if a.adopted)),
                ("actions with a start date", sum(1 for a in actions if a.start)),
                ("actions with an end date", sum(1 for a in actions if a.end)),
                ("country allocations", allocations),
                ("… of them with a budget share", shares),
                ("implementing organisations", len(result.organisations)),
                ("actions with at least one theme", sum(1 for a in actions if a.objectives)),
            ],
        ),
        "## Per window (programme)\n",
        _table(
            ["window", "actions", "EUR"],
            [(w, n, f"{by_window[w]:,.2f}") for w, n in sorted(windows.items())],
        ),
        "## Where the recipient countries come from\n",
        "From the project's own IATI activity (`recipients.csv`, with the percentage where "
        "IATI gives one; a single country is 100 %), else from its contracts' activities, "
        "else from the project table's location column (country names, French spellings "
        "included). A country's share is left out when the source gives none.\n\n",
        _table(
            ["source", "actions"], sorted(Counter(a.allocation_source for a in actions).items())
        ),
        "## Implementing organisations\n",
        "Names from the `partner_implementing` column of the project's IATI activities, matched "
        "whole against `organisations.csv` (names with commas kept whole); a project without "
        "activities takes the names of its implementer column that `organisations.csv` knows. "
        "Each organisation is a `dckg:Actor` with `dckg:organisationType` its IATI "
        "OrganisationType code, and the dckg class that code gives: 21-24 and 60 "
        "`dckg:CivilSocietyOrganisation`, 40 `dckg:InternationalOrganisation`, 70-73 "
        "`dckg:PrivateSectorActor`, 80 `dckg:AcademicInstitution`; 10 (government), 15 "
        "(other public sector) and 30 stay `dckg:Actor` (the source types development "
        "agencies and EU delegations as 10 or 15). Accountable and funding organisations "
        "are not imported.\n\n",
        _table(["IATI type", "organisations"], sorted(types.items())),
        "\n",
        _table(
            ["implementers from", "actions"],
            sorted(Counter(a.implementer_source for a in actions).items()),
        ),
        "\nImplementer texts of the project table not taken (not an organisation of "
        "`organisations.csv`, or a remark): "
        + (", ".join(f"`{n}`" for n in sorted(result.unmatched_implementers)) or "none")
        + ".\n",
        "## Themes\n",
        "Each project states one or more of the Trust Fund's four strategic objectives (the "
        "`ProjectTheme` column, and the `TFP.n` codes of its IATI activities). Each objective "
        "is a concept of the scheme `scheme/eutf-strategic-objectives` (the action's "
        "`dct:subject`) mapped into the themes scheme (`dckg:theme`):\n\n",
        _table(
            ["objective", "label", "themes"],
            [
                (c, label, ", ".join(f"`theme/{t}`" for t in ts))
                for c, (label, ts) in eutf.OBJECTIVES.items()
            ],
        ),
        "\n",
        _table(["theme", "actions"], sorted(themes.items())),
        "\nActivity codes not mapped (not strategic objectives): "
        + ", ".join(f"`{c}` ({n})" for c, n in sorted(result.unmapped_topics.items()))
        + f". OECD purpose codes: the `oecd_purpose` column is empty in all "
        f"{result.activities} activities ({result.oecd_codes} codes), so no theme comes "
        f"from them. No SDG link is made: the source states none.\n",
        "## Left out\n",
        "- Merged rows: "
        + (", ".join(f"`{a}` / `{b}`" for a, b in result.merged_ids) or "none")
        + " (same amount; both titles kept as labels, the amount counted once).\n"
        "- The IATI activities (contracts) are not actions of their own: their amounts are "
        "part of their project's.\n"
        "- No status: the source gives none.\n"
        "- Country names not recognised: "
        + (", ".join(sorted(result.unknown_locations)) or "none")
        + ".\n",
    ]
    return "\n".join(parts)


def sdg_report(result: sdg_targets.ImportResult, *, command: str, size: int) -> str:
    """The report of an SDG-target import, with the theme-to-target mapping."""
    lettered = sum(1 for c in result.indicators if not c.split(".")[1].isdigit())
    rows = []
    for theme, codes in sdg_targets.THEME_TARGETS.items():
        for code in codes:
            text = result.targets[code]["en"]
            rows.append((f"`theme/{theme}`", code, text if len(text) < 140 else text[:137] + "…"))
    parts = [
        "# SDG targets and indicators: import report\n",
        f"Made by `{command}` ({size:,} bytes of N-Triples, graph "
        f"`{sdg_targets.DATASET.value}`). Source: `open-sdg/sdg-translations` (commit "
        f"0cda585, August 2025, MIT), the United Nations' texts (UN terms of use).\n",
        _table(
            ["what", "count"],
            [
                ("goals (labels added in en, fr, es, de)", len(result.goals)),
                ("targets (`dckg:SDGTarget`)", len(result.targets)),
                ("indicators (`dckg:SDGIndicator`)", len(result.indicators)),
                ("… with a UN IRI", len(result.indicators) - lettered),
                ("… of lettered targets, with a dckg IRI", lettered),
                ("theme-to-target links", sum(len(v) for v in sdg_targets.THEME_TARGETS.values())),
            ],
        ),
        "## IRIs\n",
        "Targets: `http://metadata.un.org/sdg/{goal}.{target}` (e.g. `…/sdg/11.3`), the UN SDG "
        "vocabulary's pattern (its target 1.1 is `http://metadata.un.org/sdg/1.1`, narrower "
        "than goal `…/sdg/1`). Indicators of numbered targets: `…/sdg/C{goal:02}{target:02}"
        "{indicator:02}` (indicator 1.1.1 is `…/sdg/C010101` in the UN's data). The UN "
        "pattern for indicators of the lettered targets (1.a.1, …) could not be confirmed "
        "from a published example, so those have dckg IRIs "
        "(`https://w3id.org/dckg/id/sdg-indicator/1-a-1`) rather than guessed UN ones.\n",
        "## Themes and the targets they serve\n",
        "A theme is linked (`dckg:servesTarget`) to a target when the target's own wording "
        "names the theme's subject; this is an editorial mapping, stated here, and no claim "
        "about any partnership. `sdg-coverage` and `objective-coverage` count partnerships and "
        "funded actions that reach a goal only through their themes in a column of their "
        "own, apart from direct claims.\n\n",
        _table(["theme", "target", "target text (en)"], rows),
    ]
    return "\n".join(parts)


def facts_report(figures: list[Figure], *, command: str, size: int) -> str:
    """The report of a programme-facts import: every figure with its source."""
    rows = [
        (
            f"`{f.about.value.removeprefix('https://w3id.org/dckg/id/')}`",
            f.attribute,
            f.text.replace("|", "/"),
            f.unit,
            f.as_of,
            f"<{f.source}>",
        )
        for f in figures
    ]
    return "\n".join(
        [
            "# Programme facts: import report\n",
            f"Made by `{command}` ({size:,} bytes of N-Triples, graph "
            f"`https://w3id.org/dckg/graph/reference/programme-facts`). {len(figures)} "
            f"reported figures (`dckg:ReportedFigure`), each with its source page. Where "
            f"one row states two values from two sources (the 2020 call's budget, 111.55 or "
            f"115.55 EUR million; 35 or 34 partner countries) both are kept, each with its "
            f"source; the Global Gateway target is two figures, 300 (2021) and 400 (October "
            f"2025) EUR billion. The 2020 call's six lots are also `dckg:Lot` nodes of "
            f"`call/psc-2020` (budgets, regions); the calls' deadlines are `dckg:deadline`. "
            f"The list of the 57 partnerships is not public as data: none is listed.\n",
            _table(["about", "attribute", "value", "unit", "as of", "source"], rows),
        ]
    )


__all__ = ["eutf_report", "facts_report", "sdg_report"]
