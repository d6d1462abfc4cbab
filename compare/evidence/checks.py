"""Consistency checks of the paper's claims: contradictions, conflicting values and citations,
figures reused for different measures, Table 1 against the case narratives, missing citations,
citations outside the review's own window, values outside their unit's range."""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compare.evidence.claims import (
    CASES_FILE,
    FINDING_COLUMNS,
    INTEGER_UNITS,
    LAC,
    METHODOLOGY_CASES_FILE,
    SECTION_CASES,
    SECTIONS_TABLE,
    SEVERITIES,
    UNITS,
    citation_keys,
    citation_years,
    evidence_dir,
    fmt_value,
    load_cases,
    load_methodology_cases,
    normalise_space,
    with_unit,
)
from compare.language import SOURCE_LANGUAGE, current
from compare.text.comparisons import group_label
from compare.text.escape import foreign, quote
from compare.text.evidence import (
    country_of,
    institution,
    measure,
    named,
    place,
    section,
    stated,
    unit_word,
)
from compare.text.i18n import _, ngettext, t
from compare.text.numbers import is_missing

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class _Finding:
    kind: str
    severity: str
    claim_ids: tuple[str, ...]
    measure_ids: tuple[str, ...]
    description: str


def _interval(row: Any) -> tuple[float, float]:
    """The values a claim allows (bounds inclusive; 'approximately' is +-10%)."""
    value = float(row.value)
    high = float(row.value_high) if not is_missing(row.value_high) else value
    return {
        "exact": (value, high),
        "range": (value, high),
        "more than": (value, math.inf),
        "at least": (value, math.inf),
        "almost": (-math.inf, value),
        "approximately": (value * 0.9, value * 1.1),
    }[row.qualifier]


def _show(row: Any) -> str:
    """A claim as '35% (P009, line 31)'."""
    figure = stated(row.value, row.value_high, row.unit, row.qualifier)
    return t("{figure} ({claim_id}, line {line})", figure=figure, claim_id=row.claim_id,
             line=row.line)  # fmt: skip


def _about(row: Any) -> str:
    """A claim's measure and place: ``'share of employers ...' (Europe)``."""
    return t("{measure} ({place})", measure=named(measure(row.measure)),
             place=place(row.geography))  # fmt: skip


def _number(value: float) -> str:
    """A value as Python writes it (English) or as the reader's language does."""
    return str(value) if current() == SOURCE_LANGUAGE else fmt_value(value)


def _is_own_method(kind: str) -> bool:
    return "own method" in kind


def _out_of_range(claims: pd.DataFrame) -> list[_Finding]:
    found = []
    for row in claims.itertuples(index=False):
        low, high = UNITS[row.unit]
        values = [row.value] + ([] if is_missing(row.value_high) else [row.value_high])
        problems = [
            t("{value} outside [{low}, {high}]", value=fmt_value(v), low=low,
              high=high if high is not None else "∞")
            for v in values
            if (low is not None and v < low) or (high is not None and v > high)
        ]  # fmt: skip
        if row.unit in INTEGER_UNITS:
            problems += [
                t("{value} is not a whole number", value=_number(v)) for v in values if float(v) % 1
            ]
        if not is_missing(row.value_high) and row.value_high < row.value:
            problems.append(_("value_high is below value"))
        if problems:
            found.append(
                _Finding(
                    "out_of_range",
                    "medium",
                    (row.claim_id,),
                    (row.measure_id,),
                    t(
                        "{claim_id} ({unit}): {problems}",
                        claim_id=row.claim_id,
                        unit=unit_word(row.unit),
                        problems="; ".join(problems),
                    ),
                )
            )
    return found


def _as_duration(row: Any) -> tuple[float, float]:
    """A year range as a span in years (for comparing 'last five years' with '2018-2025')."""
    if row.unit == "year" and not is_missing(row.value_high):
        span = float(row.value_high - row.value)
        return span, span
    return _interval(row)


def _value_conflicts(claims: pd.DataFrame) -> list[_Finding]:
    """The same measure of the same place stated with values that cannot all hold."""
    found = []
    for (measure_id, _geography), group in claims.groupby(["measure_id", "geography"], sort=True):
        if len(group) < 2:
            continue
        units = set(group["unit"])
        rows = list(group.itertuples(index=False))
        if units == {"year", "years"}:
            intervals = [_as_duration(r) for r in rows]
            note = _(" (a year range compared as its span in years)")
        elif len(units) == 1:
            intervals = [_interval(r) for r in rows]
            note = ""
        else:
            found.append(
                _Finding(
                    "value_conflict",
                    "low",
                    tuple(r.claim_id for r in rows),
                    (measure_id,),
                    t(
                        "{about} is stated in different units: {units}",
                        about=_about(rows[0]),
                        units=", ".join(unit_word(u) for u in sorted(units)),
                    ),
                )
            )
            continue
        low = max(i[0] for i in intervals)
        high = min(i[1] for i in intervals)
        if low > high:
            spans = "; ".join(
                t("{quote} = {interval} ({claim_id}, line {line})",
                  quote=quote(normalise_space(r.quote)), interval=_fmt_interval(i),
                  claim_id=r.claim_id, line=r.line)
                for r, i in zip(rows, intervals, strict=True)
            )  # fmt: skip
            found.append(
                _Finding(
                    "value_conflict",
                    "medium",
                    tuple(r.claim_id for r in rows),
                    (measure_id,),
                    t(
                        "{about} is given values that cannot all hold{note}: {spans}",
                        about=_about(rows[0]),
                        note=note,
                        spans=spans,
                    ),
                )
            )
    return found


def _fmt_interval(interval: tuple[float, float]) -> str:
    low, high = interval
    if low == high:
        return fmt_value(low)
    if math.isinf(high):
        return f"≥{fmt_value(low)}"
    if math.isinf(low):
        return f"≤{fmt_value(high)}"
    return f"{fmt_value(low)}–{fmt_value(high)}"


def _exclusive_shares(claims: pd.DataFrame) -> list[_Finding]:
    """Mutually exclusive shares of one base whose smallest stated values sum above 100%."""
    found = []
    grouped = claims[(claims["exclusive_group"] != "") & (claims["unit"] == "percent")]
    for group_id, group in grouped.groupby("exclusive_group", sort=True):
        if group["measure_id"].nunique() < 2:
            continue
        parts, total = [], 0.0
        for _measure_id, rows in group.groupby("measure_id", sort=True):
            lowest = min(_interval(r)[0] for r in rows.itertuples(index=False))
            total += max(lowest, 0.0)
            mentions = ", ".join(
                t("{claim_id} {section} line {line}", claim_id=r.claim_id,
                  section=section(r.section).lower(), line=r.line)
                for r in rows.itertuples(index=False)
            )  # fmt: skip
            parts.append(
                t("{measure} = {value} ({mentions})",
                  measure=named(measure(rows["measure"].iloc[0])),
                  value=with_unit(lowest, "percent"), mentions=mentions)
            )  # fmt: skip
        if total > 100:
            found.append(
                _Finding(
                    "contradiction",
                    "high",
                    tuple(group["claim_id"]),
                    tuple(sorted(group["measure_id"].unique())),
                    t(
                        "Mutually exclusive shares of the same base ({group}) sum to {total} "
                        "(> {whole}): {parts}",
                        group=group_id,
                        total=with_unit(total, "percent"),
                        whole=with_unit(100, "percent"),
                        parts="; ".join(parts),
                    ),
                )
            )
    return found


def _evidence_rows(claims: pd.DataFrame) -> pd.DataFrame:
    """Paper rows that are figures about the world (not the paper's own design)."""
    return claims[
        (claims["document"] == "paper")
        & claims["role"].isin(["evidence", "sample"])
        & ~claims["evidence_kind"].map(_is_own_method)
    ]


def _figure_reuse(claims: pd.DataFrame) -> list[_Finding]:
    """The same figure attached to different measures (within the paper)."""
    found = []
    rows = _evidence_rows(claims).copy()
    rows["high_key"] = rows["value_high"].fillna(-1.0)
    for (value, _high, unit), group in rows.groupby(["value", "high_key", "unit"], sort=True):
        shown = with_unit(value, unit)
        measures = group.drop_duplicates("measure_id")
        if len(measures) < 2:
            continue
        groups = set(measures["exclusive_group"])
        if len(groups) == 1 and "" not in groups:
            continue  # reported as a contradiction between exclusive shares
        described = "; ".join(
            _describe_measure(group[group["measure_id"] == m.measure_id])
            for m in measures.itertuples(index=False)
        )
        found.append(
            _Finding(
                "figure_reuse",
                "medium" if len(measures) >= 3 else "low",
                tuple(group["claim_id"]),
                tuple(measures["measure_id"]),
                t(
                    "The figure {figure} is attached to {n} different measures: {measures}",
                    figure=shown,
                    n=len(measures),
                    measures=described,
                ),
            )
        )
    return found


def _citations(rows: pd.DataFrame) -> str:
    """The distinct citations of some rows, ' | '-separated, or 'no citation'."""
    found = [foreign(c) for c in dict.fromkeys(rows["citation"]) if c]
    return " | ".join(found) if found else _("no citation")


def _describe_measure(rows: pd.DataFrame) -> str:
    first = rows.iloc[0]
    words = {
        "measure": named(measure(first["measure"])),
        "place": place(first["geography"]),
        "claim_ids": ", ".join(rows["claim_id"]),
    }
    if not (rows["citation"] != "").any():
        return t("{measure} [{place}] cited as no citation ({claim_ids})", **words)
    return t("{measure} [{place}] cited as {citations} ({claim_ids})", citations=_citations(rows),
             **words)  # fmt: skip


def _table_vs_text(claims: pd.DataFrame) -> list[_Finding]:
    """Table 1 figures against the case narratives: absent there, or attached to another measure."""
    found = []
    table = claims[(claims["document"] == "paper") & (claims["section"] == SECTIONS_TABLE)]
    text = claims[(claims["document"] == "paper") & (claims["section"] == SECTION_CASES)]
    for row in table.itertuples(index=False):
        same_case = text[text["case_id"] == row.case_id]
        same_value = same_case[(same_case["value"] == row.value) & (same_case["unit"] == row.unit)]
        if same_value.empty:
            others = claims[
                (claims["measure_id"] == row.measure_id) & (claims["claim_id"] != row.claim_id)
            ]
            mentions = [  # computed apart: Babel extracts no message nested in another's call
                t("{claim_id} line {line} ({citation})", claim_id=o.claim_id, line=o.line,
                  citation=foreign(o.citation) or _("no citation"))
                for o in others.itertuples(index=False)
            ]  # fmt: skip
            elsewhere = (
                t("; elsewhere in the paper: {mentions}", mentions=", ".join(mentions))
                if mentions
                else ""
            )
            found.append(
                _Finding(
                    "unsupported_figure",
                    "medium",
                    (row.claim_id, *others["claim_id"]),
                    (row.measure_id,),
                    t(
                        "Table 1 case {case} gives {quote} ({claim_id}, line {line}), but the "
                        "case {case} narrative reports no {figure} figure{elsewhere}",
                        case=row.case_id,
                        quote=quote(row.quote),
                        claim_id=row.claim_id,
                        line=row.line,
                        figure=with_unit(row.value, row.unit),
                        elsewhere=elsewhere,
                    ),
                )
            )
            continue
        for other in same_value.itertuples(index=False):
            if other.measure_id == row.measure_id:
                continue
            if row.exclusive_group and row.exclusive_group == other.exclusive_group:
                continue  # a contradiction between exclusive shares, reported as such
            found.append(
                _Finding(
                    "measure_mismatch",
                    "medium",
                    (other.claim_id, row.claim_id),
                    (other.measure_id, row.measure_id),
                    t(
                        "Case {case}: the narrative says {narrative} (line {narrative_line}); "
                        "Table 1 attaches the same {figure} to {table} (line {table_line})",
                        case=row.case_id,
                        narrative=quote(other.quote),
                        narrative_line=other.line,
                        figure=with_unit(row.value, row.unit),
                        table=quote(row.quote),
                        table_line=row.line,
                    ),
                )
            )
    return found


def _citation_checks(claims: pd.DataFrame) -> list[_Finding]:
    """Per measure and place: figures without a citation; mentions citing different sources."""
    found = []
    rows = claims[
        (claims["document"] == "paper")
        & (claims["role"] == "evidence")
        & ~claims["evidence_kind"].map(_is_own_method)
    ]
    for (measure_id, _geography), group in rows.groupby(["measure_id", "geography"], sort=True):
        cited = group[group["citation_key"] != ""]
        uncited = group[(group["citation_key"] == "") & (group["section"] != SECTIONS_TABLE)]
        first = group.iloc[0]
        if not uncited.empty:
            where = ", ".join(
                t("{claim_id} line {line}", claim_id=r.claim_id, line=r.line)
                for r in uncited.itertuples()
            )
            if cited.empty:
                severity = "medium"
                tail = _("no mention of this figure in the paper cites a source")
            else:
                severity = "low"
                tail = t("cited elsewhere as {citations}", citations=_citations(cited))
            found.append(
                _Finding(
                    "missing_citation",
                    severity,
                    tuple(uncited["claim_id"]),
                    (measure_id,),
                    t(
                        "{about} = {figure} is given without a citation at {where}; {tail}",
                        about=_about(first),
                        figure=_show(next(uncited.itertuples())),
                        where=where,
                        tail=tail,
                    ),
                )
            )
        key_sets = {citation_keys(k) for k in cited["citation_key"]}
        if len(key_sets) > 1:
            disjoint = any(not (a & b) for a, b in combinations(key_sets, 2))
            mentions = "; ".join(
                t("{claim_id} line {line}: {citation}", claim_id=r.claim_id, line=r.line,
                  citation=foreign(r.citation))
                for r in cited.itertuples()
            )  # fmt: skip
            found.append(
                _Finding(
                    "citation_conflict",
                    "medium" if disjoint else "low",
                    tuple(cited["claim_id"]),
                    (measure_id,),
                    (
                        t(
                            "{measure} ({place}, {figure}) is attributed to different sources: "
                            "{mentions}",
                            **_attributed(first, mentions),
                        )
                        if disjoint
                        else t(
                            "{measure} ({place}, {figure}) is attributed to varying "
                            "sources: {mentions}",
                            **_attributed(first, mentions),
                        )
                    ),
                )
            )
    return found


def _attributed(first: Any, mentions: str) -> dict[str, str]:
    return {
        "measure": named(measure(first["measure"])),
        "place": place(first["geography"]),
        "figure": with_unit(first["value"], first["unit"]),
        "mentions": mentions,
    }


def review_window(claims: pd.DataFrame) -> tuple[int, int, str] | None:
    """The review's own inclusion years as the paper states them (first, last, claim id)."""
    window = claims[
        (claims["document"] == "paper")
        & (claims["measure_id"] == "review_window")
        & (claims["unit"] == "year")
        & claims["value_high"].notna()
    ]
    if window.empty:
        return None
    row = window.iloc[0]
    return int(row["value"]), int(row["value_high"]), str(row["claim_id"])


def _citations_outside_window(claims: pd.DataFrame) -> list[_Finding]:
    """Figures backed by sources published outside the review's own inclusion window."""
    window = review_window(claims)
    if window is None:
        return []
    start, end, window_id = window
    rows = claims[
        (claims["document"] == "paper")
        & (claims["role"] == "evidence")
        & (claims["citation_key"] != "")
    ]
    by_key: dict[str, list[Any]] = {}
    for row in rows.itertuples(index=False):
        for key in sorted(citation_keys(row.citation_key)):
            years = citation_years(key)
            if years and not all(start <= y <= end for y in years):
                by_key.setdefault(key, []).append(row)
    found = []
    for key, hits in sorted(by_key.items()):
        figures = "; ".join(f"{_show(r)} {named(measure(r.measure))}" for r in hits)
        found.append(
            _Finding(
                "citation_outside_window",
                "medium",
                (*(r.claim_id for r in hits), window_id),
                tuple(dict.fromkeys(r.measure_id for r in hits)),
                t(
                    "{key} backs {figures}, but the review admits only studies published "
                    "{start}–{end} ({claim_id})",
                    key=key,
                    figures=figures,
                    start=start,
                    end=end,
                    claim_id=window_id,
                ),
            )
        )
    return found


def _case_structure(
    claims: pd.DataFrame, cases: pd.DataFrame | None, selected: pd.DataFrame | None
) -> list[_Finding]:
    """Statements about the case studies against the paper's own Table 1 and methodology list."""
    found: list[_Finding] = []
    if cases is None:
        return found
    paper = claims[claims["document"] == "paper"]
    counts = cases["region"].value_counts()
    listing = "; ".join(
        group_label(region)
        + ": "
        + ", ".join(map(institution, cases.loc[cases["region"] == region, "institution"]))
        for region in counts.index
    )
    for row in paper[paper["measure_id"] == "case_studies_per_region"].itertuples(index=False):
        per_region = {region: int(counts.get(region, 0)) for region in ("Europe", LAC)}
        if any(n != row.value for n in per_region.values()):
            shown = ", ".join(
                t("{n} in {group}", n=n, group=group_label(region))
                for region, n in per_region.items()
            )
            found.append(
                _Finding(
                    "contradiction",
                    "high",
                    (row.claim_id,),
                    (row.measure_id,),
                    t(
                        "{quote} (line {line}) but the cases of Table 1 are {shown} ({listing}; "
                        "UN M49 regions)",
                        quote=quote(row.quote),
                        line=row.line,
                        shown=shown,
                        listing=listing,
                    ),
                )
            )
    for row in paper[paper["measure_id"] == "n_case_studies"].itertuples(index=False):
        if int(row.value) != len(cases):
            found.append(
                _Finding(
                    "contradiction",
                    "high",
                    (row.claim_id,),
                    (row.measure_id,),
                    ngettext(
                        "{quote} (line {line}) but Table 1 lists {n} case",
                        "{quote} (line {line}) but Table 1 lists {n} cases",
                        len(cases),
                    ).format(quote=quote(row.quote), line=row.line, n=len(cases)),
                )
            )
    if selected is not None:
        chosen = {code for codes in selected["iso3"] for code in codes.split(";")}
        shown = {code for codes in cases["iso3"] for code in codes.split(";")}
        if chosen != shown:
            said = paper[
                (paper["measure_id"] == "n_case_studies") & (paper["section"] == "METHODOLOGY")
            ]
            listed = "; ".join(
                f"{foreign(r.case)} ({country_of(r.country, r.iso3)})"
                for r in selected.itertuples(index=False)
            )
            presented = "; ".join(
                f"{institution(r.institution)} ({country_of(r.country, r.iso3)})"
                for r in cases.itertuples(index=False)
            )
            found.append(
                _Finding(
                    "contradiction",
                    "high",
                    tuple(said["claim_id"]),
                    ("n_case_studies",),
                    t(
                        "The methodology (lines {first}–{last}) lists the selected cases as "
                        "{listed}; the cases presented and summarised in Table 1 are {presented} "
                        "(countries only in the methodology: {only_listed}; only in Table 1: "
                        "{only_presented})",
                        first=selected["line"].min(),
                        last=selected["line"].max(),
                        listed=listed,
                        presented=presented,
                        only_listed=", ".join(sorted(chosen - shown)),
                        only_presented=", ".join(sorted(shown - chosen)),
                    ),
                )
            )
    return found


def _sibling(claims: pd.DataFrame, name: str) -> Path | None:
    folder = claims.attrs.get("evidence_dir")
    path = Path(folder) / name if folder else evidence_dir() / name
    return path if path.is_file() else None


def check_consistency(
    claims: pd.DataFrame,
    cases: pd.DataFrame | None = None,
    methodology_cases: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Consistency findings on the claims table, one row per finding.

    Kinds: ``contradiction`` (exclusive shares summing above 100%, case statements against
    Table 1 and the methodology), ``value_conflict``, ``citation_conflict``, ``figure_reuse``,
    ``measure_mismatch`` and ``unsupported_figure`` (Table 1 against the case narratives),
    ``missing_citation``, ``citation_outside_window``, ``out_of_range``. Columns: finding_id,
    kind, severity (high/medium/low), claim_ids and measure_ids (";"-joined), description.
    The case tables are read beside the claims file when not given.
    """
    import pandas as pd  # noqa: PLC0415

    if cases is None and (found := _sibling(claims, CASES_FILE)):
        cases = load_cases(found)
    if methodology_cases is None and (found := _sibling(claims, METHODOLOGY_CASES_FILE)):
        methodology_cases = load_methodology_cases(found)
    findings = [
        *_exclusive_shares(claims),
        *_case_structure(claims, cases, methodology_cases),
        *_value_conflicts(claims),
        *_table_vs_text(claims),
        *_citation_checks(claims),
        *_citations_outside_window(claims),
        *_figure_reuse(claims),
        *_out_of_range(claims),
    ]
    order = {severity: i for i, severity in enumerate(SEVERITIES)}
    findings.sort(key=lambda f: (order[f.severity], f.kind, f.claim_ids))
    frame = pd.DataFrame(
        [
            {
                "finding_id": f"F{i:02d}",
                "kind": f.kind,
                "severity": f.severity,
                "claim_ids": ";".join(dict.fromkeys(f.claim_ids)),
                "measure_ids": ";".join(dict.fromkeys(f.measure_ids)),
                "description": f.description,
            }
            for i, f in enumerate(findings, start=1)
        ],
        columns=FINDING_COLUMNS,
    )
    return frame
