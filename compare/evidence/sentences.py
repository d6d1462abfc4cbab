"""Sentences for the evidence notebook, computed from the claims, the consistency findings and
the claims-vs-data table, so that no count or conclusion is typed by hand (each function returns
Markdown text for :func:`compare.reports.display.md`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from compare.evidence.checks import review_window
from compare.evidence.claims import (
    DOCUMENTS,
    FAMILIES,
    GEOGRAPHY_TYPES,
    LAC,
    SECTION_CASES,
    SEVERITIES,
    citation_keys,
    citation_years,
    fmt_value,
    with_unit,
)
from compare.text.escape import md_code, md_text
from compare.text.numbers import is_missing, share
from compare.text.words import join, plural

if TYPE_CHECKING:
    import pandas as pd

#: What each kind of finding means (an explanation of the checks, not a result).
KIND_GLOSS = {
    "contradiction": "statements that cannot all be true",
    "value_conflict": "one measure given values that cannot all hold",
    "citation_conflict": "one figure attributed to different sources",
    "figure_reuse": "one figure attached to different measures",
    "measure_mismatch": "Table 1 attaches a narrative figure to another measure",
    "unsupported_figure": "a Table 1 figure the case narrative does not contain",
    "missing_citation": "a figure stated without a citation",
    "citation_outside_window": "a source published outside the review's own window",
    "out_of_range": "a value outside its unit's range",
}
_DOCUMENT_NAMES = {"paper": "paper", "index": "INDEX.md", "note": "note"}


def figure(row: Any) -> str:
    """A claim's figure as stated: ``35%``, ``more than 15,000 count``, ``2024–2026``."""
    value = with_unit(row["value"], row["unit"])
    if not is_missing(row["value_high"]):
        value = (
            f"{fmt_value(row['value'], row['unit'])}–{with_unit(row['value_high'], row['unit'])}"
        )
    prefix = {"more than": "more than ", "at least": "at least ", "almost": "almost "}
    return prefix.get(row["qualifier"], "") + value


def _counts(values: pd.Series, order: Iterable[str] = ()) -> str:
    """``region 8, institution 3`` in ``order`` (then by count)."""
    counts = values.value_counts()
    keys = [k for k in order if k in counts.index]
    keys += [k for k in counts.index if k not in keys]
    return ", ".join(f"{k} {int(counts[k])}" for k in keys)


# --------------------------------------------------------------------------- the selection


def selection_summary(
    selected: pd.DataFrame,
    claims: pd.DataFrame,
    findings: pd.DataFrame,
    *,
    family: str | None,
    region: str | None,
    include_index: bool,
    min_severity: str,
) -> str:
    """What the notebook's parameters select."""
    return (
        f"Selection: {len(selected)} of {len(claims)} numeric claims (family: {family or 'all'}; "
        f"region: {region or 'all'}; INDEX.md figures "
        f"{'included' if include_index else 'excluded'}); "
        f"{plural(len(findings), 'consistency finding')} of severity {min_severity} or worse "
        "involve them."
    )


def citation_summary(selected: pd.DataFrame) -> str:
    """How many of the paper's figures in the selection carry no citation, and their kinds."""
    paper = selected[(selected["document"] == "paper") & (selected["role"] == "evidence")]
    if paper.empty:
        return "The selection holds no figure of the paper about the world."
    uncited = paper[(paper["citation"] == "") & (paper["section"] != "TABLE 1")]
    kinds = paper["evidence_kind"].value_counts().head(4)
    return (
        f"Of the {plural(len(paper), 'mention')} of figures about the world in the selected part "
        f"of the paper, {len(uncited)} carry no citation of their own in the sentence that "
        "states them (Table 1 cells, which cite no source by design, are not counted); the most "
        "common kinds of evidence are: "
        + ", ".join(f"{kind} ({n})" for kind, n in kinds.items())
        + "."
    )


def _case_level(frame: pd.DataFrame) -> pd.Series:
    return frame["case_id"].notna() | (frame["geography_type"] == "institution")


def chart_reading(selected: pd.DataFrame, cases: pd.DataFrame) -> str:
    """Where each family's figures come from (documents, level of geography, regions of the
    case- and institution-level figures), the figures of each Table 1 case, and the
    institution-level figures outside the cases (Markdown bullets)."""
    shown = selected[selected["family"] != "method"]
    if shown.empty:
        return "No claim of the selection is a figure about the world (only `method` rows)."
    lines = ["Where the figures of each family come from (mentions):", ""]
    for family in [f for f in FAMILIES if f in set(shown["family"])]:
        rows = shown[shown["family"] == family]
        docs = _counts(
            rows["document"].map(_DOCUMENT_NAMES), [_DOCUMENT_NAMES[d] for d in DOCUMENTS]
        )
        local = rows[_case_level(rows)]
        regions = (
            f"; the {len(local)} case- or institution-level ones are about "
            + _counts(local["region"], ["Europe", LAC])
            if len(local)
            else "; none is about a case or an institution"
        )
        lines.append(
            f"* `{family}`: {plural(len(rows), 'mention')} ({docs}); by level: "
            f"{_counts(rows['geography_type'], GEOGRAPHY_TYPES)}{regions}."
        )
    lines += ["", *_case_lines(selected, cases), *_institution_lines(selected)]
    return "\n".join(lines).strip()


def _case_lines(selected: pd.DataFrame, cases: pd.DataFrame) -> list[str]:
    """One bullet per Table 1 case: its distinct figures in the selection, with mentions and
    the sections that state them; whether its narrative states them."""
    evidence = selected[(selected["document"] == "paper") & (selected["role"] == "evidence")]
    lines = [f"Figures of the {plural(len(cases), 'case')} of Table 1 in the selection:", ""]
    for case in cases.itertuples(index=False):
        rows = evidence[evidence["case_id"] == case.case_id]
        where = (
            f"Case {md_text(case.case_id)}, {md_text(case.institution)} "
            f"({md_text(case.country)}; {md_text(case.region)})"
        )
        if rows.empty:
            lines.append(f"* {where}: no figure in the selection.")
            continue
        figures = []
        for _, mentions in rows.groupby("measure_id", sort=False):
            first = mentions.iloc[0]
            sections = join(dict.fromkeys(s.capitalize() for s in mentions["section"]))
            in_text = (mentions["section"] == SECTION_CASES).any()
            figures.append(
                f"{figure(first)} '{md_text(first['measure'])}' ({md_code(first['family'])}), "
                f"{plural(len(mentions), 'mention')} ({sections})"
                + ("" if in_text else ", not in the case narrative")
            )
        lines.append(
            f"* {where}: {plural(len(figures), 'distinct figure')} in "
            f"{plural(len(rows), 'mention')}: " + "; ".join(figures) + "."
        )
    return [*lines, ""]


def _institution_lines(selected: pd.DataFrame) -> list[str]:
    """Institution-level figures that belong to no Table 1 case (with their citation)."""
    rows = selected[(selected["geography_type"] == "institution") & selected["case_id"].isna()]
    if rows.empty:
        return ["Institution-level figures outside the Table 1 cases: none in the selection."]
    shown = [
        f"{md_text(r['geography'])} ({md_text(r['region'])}, "
        f"{_DOCUMENT_NAMES[r['document']]} line {r['line']}): "
        f"{figure(r)} '{md_text(r['measure'])}' ({md_code(r['family'])}; "
        + (f"cited as {md_text(r['citation'])}" if r["citation"] else "no citation")
        + ")"
        for _, r in rows.iterrows()
    ]
    return ["Institution-level figures outside the Table 1 cases: " + "; ".join(shown) + "."]


# --------------------------------------------------------------------------- findings


def _phrase_figure_reuse(finding: Any, claims: pd.DataFrame) -> str:
    first = claims.loc[finding.claim_ids.split(";")[0]]
    measures = finding.measure_ids.split(";")
    return f"{with_unit(first['value'], first['unit'])} attached to {len(measures)} measures"


def _phrase_citation_conflict(finding: Any, claims: pd.DataFrame) -> str:
    rows = claims.loc[finding.claim_ids.split(";")]
    first = rows.iloc[0]
    cited = list(dict.fromkeys(c for c in rows["citation"] if c))
    return (
        f"{with_unit(first['value'], first['unit'])} '{md_text(first['measure'])}' "
        f"({md_text(first['geography'])}) cited as " + " | ".join(map(md_text, cited))
    )


def _phrase_outside_window(finding: Any, claims: pd.DataFrame) -> str:

    window = review_window(claims.reset_index())
    ids = finding.claim_ids.split(";")
    rows = claims.loc[[i for i in ids if window is None or i != window[2]]]
    if window is None:
        return finding.description
    start, end, _ = window
    keys = sorted(
        {
            key
            for row in rows.itertuples()
            for key in citation_keys(row.citation_key)
            if any(not start <= y <= end for y in citation_years(key))
        }
    )
    figures = ", ".join(with_unit(r.value, r.unit) for r in rows.itertuples())
    return f"{join(keys)} (outside the review's own window {start}–{end}) backs {figures}"


def _phrase_unsupported(finding: Any, claims: pd.DataFrame) -> str:
    first = claims.loc[finding.claim_ids.split(";")[0]]
    return (
        f"Table 1 gives case {first['case_id']} {with_unit(first['value'], first['unit'])} "
        f"('{md_text(first['quote'])}'), which its narrative does not contain"
    )


def _phrase_mismatch(finding: Any, claims: pd.DataFrame) -> str:
    text, table = (claims.loc[i] for i in finding.claim_ids.split(";")[:2])
    return (
        f"case {table['case_id']}: {with_unit(table['value'], table['unit'])} is "
        f"'{md_text(text['measure'])}' in the narrative and '{md_text(table['measure'])}' in "
        "Table 1"
    )


def _phrase_missing_citation(finding: Any, claims: pd.DataFrame) -> str:
    first = claims.loc[finding.claim_ids.split(";")[0]]
    return f"{figure(first)} '{md_text(first['measure'])}' ({md_text(first['geography'])})"


def _phrase_value_conflict(finding: Any, claims: pd.DataFrame) -> str:
    rows = claims.loc[finding.claim_ids.split(";")]
    quotes = " vs ".join(
        f"'{md_text(r.quote)}' ({md_text(r.Index)}, line {r.line})" for r in rows.itertuples()
    )
    return f"'{md_text(rows.iloc[0]['measure'])}': {quotes}"


_PHRASES: dict[str, Callable[[Any, pd.DataFrame], str]] = {
    "figure_reuse": _phrase_figure_reuse,
    "citation_conflict": _phrase_citation_conflict,
    "citation_outside_window": _phrase_outside_window,
    "unsupported_figure": _phrase_unsupported,
    "measure_mismatch": _phrase_mismatch,
    "missing_citation": _phrase_missing_citation,
    "value_conflict": _phrase_value_conflict,
}


def finding_phrase(finding: Any, claims: pd.DataFrame) -> str:
    """A short statement of one finding (a row of ``check_consistency``), from the claims it
    names; its full description when the kind has no short form or a claim is not found."""
    phrase = _PHRASES.get(finding.kind)
    indexed = claims if claims.index.name == "claim_id" else claims.set_index("claim_id")
    if phrase is None or not set(finding.claim_ids.split(";")) <= set(indexed.index):
        return str(finding.description)
    return phrase(finding, indexed)


def findings_summary(
    shown: pd.DataFrame, claims: pd.DataFrame, all_findings: pd.DataFrame | None = None
) -> str:
    """The findings of the selection by severity: every high one in full, the medium ones by
    kind in short, the low ones counted by kind (Markdown)."""
    counts = shown["severity"].value_counts()
    total = "" if all_findings is None else f" (of {len(all_findings)} on the whole table)"
    lines = [
        f"{plural(len(shown), 'finding')} {'involves' if len(shown) == 1 else 'involve'} "
        f"the selected claims{total}: "
        + ", ".join(f"{int(counts.get(s, 0))} {s}" for s in SEVERITIES)
        + ".",
        "",
    ]
    high = shown[shown["severity"] == "high"]
    if len(high):
        lines += ["**High** (contradictions inside the paper):", ""]
        lines += [f"* {f.finding_id}: {f.description}" for f in high.itertuples(index=False)]
        lines.append("")
    medium = shown[shown["severity"] == "medium"]
    if len(medium):
        lines += ["**Medium** (figures weakened, not contradicted):", ""]
        for kind, group in medium.groupby("kind", sort=False):
            phrases = [finding_phrase(f, claims) for f in group.itertuples(index=False)]
            lines.append(
                f"* {kind.replace('_', ' ')} ({KIND_GLOSS.get(kind, kind)}; {len(group)}): "
                + "; ".join(phrases)
                + "."
            )
        lines.append("")
    low = shown[shown["severity"] == "low"]
    if len(low):
        by_kind = low["kind"].value_counts()
        lines.append(
            "**Low**: "
            + ", ".join(
                f"{n} {kind.replace('_', ' ')} ({KIND_GLOSS.get(kind, kind)})"
                for kind, n in by_kind.items()
            )
            + "."
        )
    return "\n".join(lines).strip()


# --------------------------------------------------------------------------- claims vs data


def _year_rules(rows: pd.DataFrame) -> str:
    return "; ".join(dict.fromkeys(rows["year_rule"]))


def proxy_reading(versus: pd.DataFrame, threshold: float) -> str:
    """The internet-use comparisons of ``claims_vs_data``: the rule, each (claim, data year)
    pair with its interval, and whether any interval contains the claimed value."""
    rows = versus[(versus["comparability"] == "proxy") & versus["data_value"].notna()]
    if rows.empty:
        return "No claim of this selection can be set against the internet-use data."
    lines = [
        "Share of the Latin America & Caribbean population not using the internet (data years "
        f"with data covering at least {threshold:.1%} of the population):",
        "",
    ]
    inside, above, below = [], [], []
    for (claim, year), group in rows.groupby(["claim_value", "data_year"], sort=True):
        first = group.iloc[0]
        low, high = first["data_ci_low"], first["data_ci_high"]
        contains = not (is_missing(low) or is_missing(high)) and low <= claim <= high
        (inside if contains else above if first["data_value"] > claim else below).append(int(year))
        interval = "" if is_missing(low) else f" [{low:.1f}, {high:.1f}]"
        lines.append(
            f"* claim {fmt_value(claim)}% ({', '.join(dict.fromkeys(group['claim_id']))}) vs "
            f"{first['data_value']:.1f}%{interval} in {int(year)} "
            f"({first['n_countries']} of {first['n_members']} members, "
            f"{share(first['coverage'])} of the population; {_year_rules(group)})"
        )
    pairs = rows.groupby(["claim_value", "data_year"]).ngroups
    lines.append("")
    summary = (
        f"The claimed value lies inside the data's 95% interval in {len(inside)} of the "
        f"{plural(pairs, 'comparison')}"
    )
    if above:
        summary += f"; the data are above it in {join(map(str, sorted(set(above))))}"
    if below:
        summary += f"; below it in {join(map(str, sorted(set(below))))}"
    lines.append(summary + ".")
    if not inside:
        lines.append(
            "So the figure matches the offline share in none of the years compared: either it "
            "measures something broader than being offline (the paper does not define "
            "'digital divide' or 'stable access'), or it does not come from the sources cited."
        )
    return "\n".join(lines)


def context_reading(versus: pd.DataFrame) -> str:
    """The digital-government indices of ``claims_vs_data``: the Europe - LAC gap of each, how
    many put Europe ahead, and which index rests on the fewest countries."""
    rows = versus[versus["comparability"] == "context only"]
    if rows.empty:
        return "No claim of this selection is set against the digital-government indices."
    lines, ahead, certain, n_min = [], 0, 0, {}
    for indicator, group in rows.groupby("indicator", sort=False):
        first = group.iloc[0]
        gap, low, high = first["gap"], first["gap_ci_low"], first["gap_ci_high"]
        ahead += gap > 0
        certain += not is_missing(low) and (low > 0 or high < 0)
        n_min[indicator] = (int(group["n_countries"].min()), group)
        coverage = ", ".join(
            f"{'LAC' if r.data_group == LAC else r.data_group} {r.data_value:.3f} "
            f"({r.n_countries} of {r.n_members} countries)"
            for r in group.itertuples()
        )
        interval = "" if is_missing(low) else f" [{low:.3f}, {high:.3f}]"
        lines.append(
            f"* {indicator} ({int(first['data_year'])}): {coverage}; Europe - LAC gap "
            f"{gap:.3f}{interval}"
            + (", interval includes 0" if interval and low <= 0 <= high else "")
        )
    n = rows["indicator"].nunique()
    weakest = min(n_min, key=lambda k: n_min[k][0])
    lines += [
        "",
        f"Europe is ahead in {ahead} of the {plural(n, 'index', 'indices')} (interval excluding "
        f"0 in {certain}). The index with the fewest countries with data in one group is "
        f"{weakest} ({n_min[weakest][0]} countries), so its gap is the least certain.",
    ]
    return "\n".join(lines)


def gaps_reading(versus: pd.DataFrame, claims: pd.DataFrame, gaps: pd.DataFrame) -> str:
    """How many distinct figures no data can speak to, by family; the families none of whose
    figures the data can speak to; where the searched-for data are listed as missing."""
    if versus.empty:
        return "The selection holds no figure of the paper about the world."
    family = claims.set_index("claim_id")["family"]
    figures = versus.drop_duplicates(["measure_id", "claim_geography"]).copy()
    figures["family"] = figures["claim_id"].map(family)
    figures["checked"] = figures["measure_id"].isin(
        versus.loc[versus["comparability"] != "none", "measure_id"]
    )
    unchecked = figures[~figures["checked"]]
    order = [f for f in FAMILIES if f in set(figures["family"])]
    if unchecked.empty:
        text = (
            f"Each of the {plural(len(figures), 'distinct figure')} of the selection (measure "
            "and place) can be set against country data (as a proxy or as context)."
        )
    else:
        text = (
            f"{len(unchecked)} of the {plural(len(figures), 'distinct figure')} of the "
            "selection (measure and place) cannot be checked against any per-country data; the "
            "table above says why for each (by family: "
            + _counts(unchecked["family"], order)
            + ")."
        )
    never = [f for f in order if not figures.loc[figures["family"] == f, "checked"].any()]
    if never:
        text += (
            f" No figure of the {join(f'`{f}`' for f in never)} "
            f"{'family' if len(never) == 1 else 'families'} can be set against country data: "
            "these stay claims, checkable for internal consistency (above) but not against data."
        )
    listed = gaps["listed_in"].value_counts()
    if len(listed):
        text += (
            " What was searched for and not found: "
            + ", ".join(f"{plural(int(n), 'item')} in {where}" for where, n in listed.items())
            + " (table below)."
        )
    return text
