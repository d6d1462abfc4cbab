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
    with_unit,
)
from compare.language import SOURCE_LANGUAGE, current
from compare.text.comparisons import family_label, group_label
from compare.text.escape import foreign, md_code, md_quote, md_text
from compare.text.evidence import (
    country_of,
    document,
    finding_kind,
    institution,
    kinds,
    measure,
    named,
    place,
    section,
    severity,
    stated,
)
from compare.text.i18n import N_, _, ngettext, t
from compare.text.numbers import decimal, fixed, is_missing, percent_figure, share
from compare.text.numbers import value as unit_value
from compare.text.words import join

if TYPE_CHECKING:
    import pandas as pd

#: What each kind of finding means (an explanation of the checks, not a result).
KIND_GLOSS = {
    "contradiction": N_("statements that cannot all be true"),
    "value_conflict": N_("one measure given values that cannot all hold"),
    "citation_conflict": N_("one figure attributed to different sources"),
    "figure_reuse": N_("one figure attached to different measures"),
    "measure_mismatch": N_("Table 1 attaches a narrative figure to another measure"),
    "unsupported_figure": N_("a Table 1 figure the case narrative does not contain"),
    "missing_citation": N_("a figure stated without a citation"),
    "citation_outside_window": N_("a source published outside the review's own window"),
    "out_of_range": N_("a value outside its unit's range"),
}
#: How each count of findings by severity reads (``2 high``; ``2 de gravedad alta``).
_SEVERITY_COUNTS = {"high": N_("{n} high"), "medium": N_("{n} medium"), "low": N_("{n} low")}


def _gloss(kind: str) -> str:
    return _(KIND_GLOSS[kind]) if kind in KIND_GLOSS else kind


def figure(row: Any) -> str:
    """A claim's figure as stated: ``35%``, ``more than 15,000 count``, ``2024–2026``."""
    return stated(row["value"], row["value_high"], row["unit"], row["qualifier"])


def _counts(values: pd.Series, order: Iterable[str] = (), label: Callable[[str], str] = str) -> str:
    """``region 8, institution 3`` in ``order`` (then by count), each value as ``label`` words
    it."""
    counts = values.value_counts()
    keys = [k for k in order if k in counts.index]
    keys += [k for k in counts.index if k not in keys]
    return ", ".join(f"{label(k)} {int(counts[k])}" for k in keys)


def _family(family: str, *, with_id: bool = False) -> str:
    """A claim family in a sentence: its id (English), its name in italics in another language
    (``with_id``: followed by its id, the value of the notebook's ``claim_family``)."""
    if current() == SOURCE_LANGUAGE:
        return md_code(family)
    name = f"*{md_text(family_label(family))}*"
    return f"{name} ({md_code(family)})" if with_id else name


def _family_name(family: str) -> str:
    """A claim family as a word: its id (English), its name in another language."""
    return family if current() == SOURCE_LANGUAGE else family_label(family)


def _group(group: str) -> str:
    """``LAC`` or ``Europe`` in the reader's language."""
    return _("LAC") if group == LAC else group_label(group)


def _interval(low: str, high: str) -> str:
    """`` [22.1, 27.0]`` (``[22,1; 27,0]`` where the comma is the decimal sign)."""
    return t(" [{low}, {high}]", low=low, high=high)


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
    n, total, found = len(selected), len(claims), len(findings)
    return t(
        "Selection: {claims} (family: {family}; region: {region}; {index}); {findings}",
        claims=ngettext("{n} of {total} numeric claim", "{n} of {total} numeric claims",
                        total).format(n=n, total=total),
        family=family_label(family) if family else _("all"),
        region=group_label(region) if region else _("all"),
        index=_("INDEX.md figures included") if include_index else _("INDEX.md figures excluded"),
        findings=ngettext(
            "{n} consistency finding of severity {severity} or worse involves them.",
            "{n} consistency findings of severity {severity} or worse involve them.", found,
        ).format(n=found, severity=severity(min_severity)),
    )  # fmt: skip


def citation_summary(selected: pd.DataFrame) -> str:
    """How many of the paper's figures in the selection carry no citation, and their kinds."""
    paper = selected[(selected["document"] == "paper") & (selected["role"] == "evidence")]
    if paper.empty:
        return _("The selection holds no figure of the paper about the world.")
    uncited = len(paper[(paper["citation"] == "") & (paper["section"] != "TABLE 1")])
    common = paper["evidence_kind"].value_counts().head(4)
    return t(
        "Of the {mentions} of figures about the world in the selected part of the paper, "
        "{uncited} (Table 1 cells, which cite no source by design, are not counted); the most "
        "common kinds of evidence are: {kinds}.",
        mentions=ngettext("{n} mention", "{n} mentions", len(paper)).format(n=len(paper)),
        uncited=ngettext(
            "{n} carries no citation of its own in the sentence that states it",
            "{n} carry no citation of their own in the sentence that states them", uncited,
        ).format(n=uncited),
        kinds=", ".join(f"{kinds(kind)} ({n})" for kind, n in common.items()),
    )  # fmt: skip


def _case_level(frame: pd.DataFrame) -> pd.Series:
    return frame["case_id"].notna() | (frame["geography_type"] == "institution")


def chart_reading(selected: pd.DataFrame, cases: pd.DataFrame) -> str:
    """Where each family's figures come from (documents, level of geography, regions of the
    case- and institution-level figures), the figures of each Table 1 case, and the
    institution-level figures outside the cases (Markdown bullets)."""
    shown = selected[selected["family"] != "method"]
    if shown.empty:
        return _("No claim of the selection is a figure about the world (only `method` rows).")
    lines = [_("Where the figures of each family come from (mentions):"), ""]
    for family in [f for f in FAMILIES if f in set(shown["family"])]:
        rows = shown[shown["family"] == family]
        local = rows[_case_level(rows)]
        regions = (
            ngettext(
                "; the {n} case- or institution-level one is about {regions}",
                "; the {n} case- or institution-level ones are about {regions}",
                len(local),
            ).format(n=len(local), regions=_counts(local["region"], ["Europe", LAC], group_label))
            if len(local)
            else _("; none is about a case or an institution")
        )
        lines.append(
            t("* {family}: {mentions} ({documents}); by level: {levels}{regions}.",
              family=_family(family, with_id=True),
              mentions=ngettext("{n} mention", "{n} mentions", len(rows)).format(n=len(rows)),
              documents=_counts(rows["document"], DOCUMENTS, document),
              levels=_counts(rows["geography_type"], GEOGRAPHY_TYPES, _), regions=regions)
        )  # fmt: skip
    lines += ["", *_case_lines(selected, cases), *_institution_lines(selected)]
    return "\n".join(lines).strip()


def _case_lines(selected: pd.DataFrame, cases: pd.DataFrame) -> list[str]:
    """One bullet per Table 1 case: its distinct figures in the selection, with mentions and
    the sections that state them; whether its narrative states them."""
    evidence = selected[(selected["document"] == "paper") & (selected["role"] == "evidence")]
    lines = [
        ngettext("Figures of the {n} case of Table 1 in the selection:",
                 "Figures of the {n} cases of Table 1 in the selection:", len(cases)
                 ).format(n=len(cases)),
        "",
    ]  # fmt: skip
    for case in cases.itertuples(index=False):
        rows = evidence[evidence["case_id"] == case.case_id]
        where = t(
            "Case {case}, {institution} ({country}; {region})", case=md_text(case.case_id),
            institution=md_text(institution(case.institution)),
            country=md_text(country_of(case.country, case.iso3)),
            region=md_text(group_label(case.region)),
        )  # fmt: skip
        if rows.empty:
            lines.append(t("* {case}: no figure in the selection.", case=where))
            continue
        figures = [
            _case_figure(mentions) for _id, mentions in rows.groupby("measure_id", sort=False)
        ]
        lines.append(
            t("* {case}: {figures} in {mentions}: {list}.", case=where,
              figures=ngettext("{n} distinct figure", "{n} distinct figures", len(figures)
                               ).format(n=len(figures)),
              mentions=ngettext("{n} mention", "{n} mentions", len(rows)).format(n=len(rows)),
              list="; ".join(figures))
        )  # fmt: skip
    return [*lines, ""]


def _case_figure(mentions: pd.DataFrame) -> str:
    """One distinct figure of a case: value, measure, family, mentions and their sections."""
    first = mentions.iloc[0]
    sections = join(dict.fromkeys(section(s) for s in mentions["section"]))
    in_text = (mentions["section"] == SECTION_CASES).any()
    return t(
        "{figure} {measure} ({family}), {mentions} ({sections})", figure=figure(first),
        measure=named(md_text(measure(first["measure"]))), family=_family(first["family"]),
        mentions=ngettext("{n} mention", "{n} mentions", len(mentions)).format(n=len(mentions)),
        sections=sections,
    ) + ("" if in_text else _(", not in the case narrative"))  # fmt: skip


def _institution_lines(selected: pd.DataFrame) -> list[str]:
    """Institution-level figures that belong to no Table 1 case (with their citation)."""
    rows = selected[(selected["geography_type"] == "institution") & selected["case_id"].isna()]
    if rows.empty:
        return [_("Institution-level figures outside the Table 1 cases: none in the selection.")]
    shown = [
        t("{place} ({region}, {document} line {line}): {figure} {measure} ({family}; {cited})",
          place=md_text(place(r["geography"])), region=md_text(group_label(r["region"])),
          document=document(r["document"]),
          line=r["line"], figure=figure(r), measure=named(md_text(measure(r["measure"]))),
          family=_family(r["family"]),
          cited=t("cited as {citation}", citation=foreign(md_text(r["citation"])))
          if r["citation"] else _("no citation"))
        for _index, r in rows.iterrows()
    ]  # fmt: skip
    return [t("Institution-level figures outside the Table 1 cases: {figures}.",
              figures="; ".join(shown))]  # fmt: skip


# --------------------------------------------------------------------------- findings


def _phrase_figure_reuse(finding: Any, claims: pd.DataFrame) -> str:
    first = claims.loc[finding.claim_ids.split(";")[0]]
    measures = finding.measure_ids.split(";")
    return t("{figure} attached to {n} measures", figure=with_unit(first["value"], first["unit"]),
             n=len(measures))  # fmt: skip


def _phrase_citation_conflict(finding: Any, claims: pd.DataFrame) -> str:
    rows = claims.loc[finding.claim_ids.split(";")]
    first = rows.iloc[0]
    cited = list(dict.fromkeys(c for c in rows["citation"] if c))
    return t(
        "{figure} {measure} ({place}) cited as {citations}",
        figure=with_unit(first["value"], first["unit"]),
        measure=named(md_text(measure(first["measure"]))),
        place=md_text(place(first["geography"])),
        citations=" | ".join(foreign(md_text(c)) for c in cited),
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
    return t("{keys} (outside the review's own window {start}–{end}) backs {figures}",
             keys=join(keys), start=start, end=end, figures=figures)  # fmt: skip


def _phrase_unsupported(finding: Any, claims: pd.DataFrame) -> str:
    first = claims.loc[finding.claim_ids.split(";")[0]]
    return t(
        "Table 1 gives case {case} {figure} ({quote}), which its narrative does not contain",
        case=first["case_id"], figure=with_unit(first["value"], first["unit"]),
        quote=md_quote(first["quote"]),
    )  # fmt: skip


def _phrase_mismatch(finding: Any, claims: pd.DataFrame) -> str:
    text, table = (claims.loc[i] for i in finding.claim_ids.split(";")[:2])
    return t(
        "case {case}: {figure} is {narrative} in the narrative and {table} in Table 1",
        case=table["case_id"], figure=with_unit(table["value"], table["unit"]),
        narrative=named(md_text(measure(text["measure"]))),
        table=named(md_text(measure(table["measure"]))),
    )  # fmt: skip


def _phrase_missing_citation(finding: Any, claims: pd.DataFrame) -> str:
    first = claims.loc[finding.claim_ids.split(";")[0]]
    return t("{figure} {measure} ({place})", figure=figure(first),
             measure=named(md_text(measure(first["measure"]))),
             place=md_text(place(first["geography"])))  # fmt: skip


def _phrase_value_conflict(finding: Any, claims: pd.DataFrame) -> str:
    rows = claims.loc[finding.claim_ids.split(";")]
    quotes = [
        t("{quote} ({claim_id}, line {line})", quote=md_quote(r.quote), claim_id=md_text(r.Index),
          line=r.line)
        for r in rows.itertuples()
    ]  # fmt: skip
    joined = (" " + _("vs") + " ").join(quotes)
    return t("{measure}: {quotes}", measure=named(md_text(measure(rows.iloc[0]["measure"]))),
             quotes=joined)  # fmt: skip


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
    total = "" if all_findings is None else t(" (of {n} on the whole table)", n=len(all_findings))
    lines = [
        ngettext("{n} finding involves the selected claims{total}: {counts}.",
                 "{n} findings involve the selected claims{total}: {counts}.", len(shown)
                 ).format(n=len(shown), total=total, counts=", ".join(
                     t(_SEVERITY_COUNTS[s], n=int(counts.get(s, 0))) for s in SEVERITIES)),
        "",
    ]  # fmt: skip
    high = shown[shown["severity"] == "high"]
    if len(high):
        lines += [_("**High** (contradictions inside the paper):"), ""]
        lines += [f"* {f.finding_id}: {f.description}" for f in high.itertuples(index=False)]
        lines.append("")
    medium = shown[shown["severity"] == "medium"]
    if len(medium):
        lines += [_("**Medium** (figures weakened, not contradicted):"), ""]
        for kind, group in medium.groupby("kind", sort=False):
            phrases = [finding_phrase(f, claims) for f in group.itertuples(index=False)]
            lines.append(
                f"* {finding_kind(kind)} ({_gloss(kind)}; {len(group)}): {'; '.join(phrases)}."
            )
        lines.append("")
    low = shown[shown["severity"] == "low"]
    if len(low):
        by_kind = low["kind"].value_counts()
        listed = ", ".join(f"{n} {finding_kind(k)} ({_gloss(k)})" for k, n in by_kind.items())
        lines.append(t("**Low**: {kinds}.", kinds=listed))
    return "\n".join(lines).strip()


# --------------------------------------------------------------------------- claims vs data


def _year_rules(rows: pd.DataFrame) -> str:
    return "; ".join(dict.fromkeys(rows["year_rule"]))


def proxy_reading(versus: pd.DataFrame, threshold: float) -> str:
    """The internet-use comparisons of ``claims_vs_data``: the rule, each (claim, data year)
    pair with its interval, and whether any interval contains the claimed value."""
    rows = versus[(versus["comparability"] == "proxy") & versus["data_value"].notna()]
    if rows.empty:
        return _("No claim of this selection can be set against the internet-use data.")
    lines = [
        t("Share of the Latin America & Caribbean population not using the internet (data "
          "years with data covering at least {threshold} of the population):",
          threshold=share(threshold)),
        "",
    ]  # fmt: skip
    inside, above, below = [], [], []
    for (claim, year), group in rows.groupby(["claim_value", "data_year"], sort=True):
        first = group.iloc[0]
        low, high = first["data_ci_low"], first["data_ci_high"]
        contains = not (is_missing(low) or is_missing(high)) and low <= claim <= high
        (inside if contains else above if first["data_value"] > claim else below).append(int(year))
        interval = "" if is_missing(low) else _interval(decimal(low, 1), decimal(high, 1))
        lines.append(
            t("* claim {claim} ({claim_ids}) vs {data}{interval} in {year} ({n} of {members} "
              "members, {share} of the population; {rules})",
              claim=with_unit(claim, "percent"),
              claim_ids=", ".join(dict.fromkeys(group["claim_id"])),
              data=unit_value(first["data_value"], "percent"), interval=interval,
              year=int(year), n=first["n_countries"], members=first["n_members"],
              share=share(first["coverage"]), rules=_year_rules(group))
        )  # fmt: skip
    pairs = rows.groupby(["claim_value", "data_year"]).ngroups
    lines.append("")
    summary = ngettext(
        "The claimed value lies inside the data's {level} interval in {inside} of the {n} "
        "comparison",
        "The claimed value lies inside the data's {level} interval in {inside} of the {n} "
        "comparisons", pairs,
    ).format(level=percent_figure(95, 0), inside=len(inside), n=pairs)  # fmt: skip
    if above:
        summary += t("; the data are above it in {years}", years=join(map(str, sorted(set(above)))))
    if below:
        summary += t("; below it in {years}", years=join(map(str, sorted(set(below)))))
    lines.append(summary + ".")
    if not inside:
        lines.append(
            _("So the figure matches the offline share in none of the years compared: either it "
              "measures something broader than being offline (the paper does not define "
              "'digital divide' or 'stable access'), or it does not come from the sources cited.")
        )  # fmt: skip
    return "\n".join(lines)


def context_reading(versus: pd.DataFrame) -> str:
    """The digital-government indices of ``claims_vs_data``: the Europe - LAC gap of each, how
    many put Europe ahead, and which index rests on the fewest countries."""
    rows = versus[versus["comparability"] == "context only"]
    if rows.empty:
        return _("No claim of this selection is set against the digital-government indices.")
    lines, ahead, certain, n_min = [], 0, 0, {}
    for indicator, group in rows.groupby("indicator", sort=False):
        first = group.iloc[0]
        gap, low, high = first["gap"], first["gap_ci_low"], first["gap_ci_high"]
        ahead += gap > 0
        certain += not is_missing(low) and (low > 0 or high < 0)
        n_min[indicator] = (int(group["n_countries"].min()), group)
        coverage = ", ".join(
            t("{group} {value} ({n} of {members} countries)", group=_group(r.data_group),
              value=fixed(r.data_value, 3), n=r.n_countries, members=r.n_members)
            for r in group.itertuples()
        )  # fmt: skip
        interval = "" if is_missing(low) else _interval(fixed(low, 3), fixed(high, 3))
        lines.append(
            t("* {indicator} ({year}): {coverage}; Europe - LAC gap {gap}{interval}",
              indicator=indicator, year=int(first["data_year"]), coverage=coverage,
              gap=fixed(gap, 3), interval=interval)
            + (_(", interval includes 0") if interval and low <= 0 <= high else "")
        )  # fmt: skip
    n = rows["indicator"].nunique()
    weakest = min(n_min, key=lambda k: n_min[k][0])
    fewest = n_min[weakest][0]
    lines += [
        "",
        ngettext("Europe is ahead in {ahead} of the {n} index (interval excluding 0 in "
                 "{certain}).", "Europe is ahead in {ahead} of the {n} indices (interval "
                 "excluding 0 in {certain}).", n).format(ahead=ahead, n=n, certain=certain)
        + ngettext(" The index with the fewest countries with data in one group is {index} ({n} "
                   "country), so its gap is the least certain.", " The index with the fewest "
                   "countries with data in one group is {index} ({n} countries), so its gap is "
                   "the least certain.", fewest).format(index=weakest, n=fewest),
    ]  # fmt: skip
    return "\n".join(lines)


def gaps_reading(versus: pd.DataFrame, claims: pd.DataFrame, gaps: pd.DataFrame) -> str:
    """How many distinct figures no data can speak to, by family; the families none of whose
    figures the data can speak to; where the searched-for data are listed as missing."""
    if versus.empty:
        return _("The selection holds no figure of the paper about the world.")
    family = claims.set_index("claim_id")["family"]
    figures = versus.drop_duplicates(["measure_id", "claim_geography"]).copy()
    figures["family"] = figures["claim_id"].map(family)
    figures["checked"] = figures["measure_id"].isin(
        versus.loc[versus["comparability"] != "none", "measure_id"]
    )
    unchecked = figures[~figures["checked"]]
    order = [f for f in FAMILIES if f in set(figures["family"])]
    n = len(figures)
    if unchecked.empty:
        text = ngettext(
            "Each of the {n} distinct figure of the selection (measure and place) can be set "
            "against country data (as a proxy or as context).",
            "Each of the {n} distinct figures of the selection (measure and place) can be set "
            "against country data (as a proxy or as context).", n,
        ).format(n=n)  # fmt: skip
    else:
        text = ngettext(
            "{k} of the {n} distinct figure of the selection (measure and place) cannot be "
            "checked against any per-country data; the table above says why for each (by "
            "family: {families}).",
            "{k} of the {n} distinct figures of the selection (measure and place) cannot be "
            "checked against any per-country data; the table above says why for each (by "
            "family: {families}).", n,
        ).format(k=len(unchecked), n=n,
                 families=_counts(unchecked["family"], order, _family_name))  # fmt: skip
    never = [f for f in order if not figures.loc[figures["family"] == f, "checked"].any()]
    if never:
        text += ngettext(
            " No figure of the {families} family can be set against country data: these stay "
            "claims, checkable for internal consistency (above) but not against data.",
            " No figure of the {families} families can be set against country data: these stay "
            "claims, checkable for internal consistency (above) but not against data.", len(never),
        ).format(families=join(_family(f) for f in never))  # fmt: skip
    listed = gaps["listed_in"].value_counts()
    if len(listed):
        lists = [  # computed apart: Babel extracts no message nested in another's call
            ngettext("{n} item in {where}", "{n} items in {where}", int(k)).format(
                n=int(k), where=_(where)
            )
            for where, k in listed.items()
        ]
        text += t(" What was searched for and not found: {lists} (table below).",
                  lists=", ".join(lists))  # fmt: skip
    return text
