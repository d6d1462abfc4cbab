"""The findings of :mod:`compare.reports.findings` as the index shows them, in the current
language (:func:`compare.text.i18n.use_language`): numbers written by the indicator's unit
(:mod:`compare.text.numbers`), titles and group names from the catalogs, links to the reports
that exist in that language. The findings are computed once (``findings.json``); only the
wording here differs between languages. Every string here is data; the index template escapes
it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from compare.config import COVERAGE_THRESHOLD, MIN_COUNTRIES
from compare.reports.matrix import _GROUP_LABELS
from compare.text import numbers as fmt
from compare.text.comparisons import group_label, title_label
from compare.text.i18n import N_, _, ngettext, t
from compare.text.words import years_text

#: A report's page in the index's language (from the run id the findings name), or "".
PageOf = Callable[[str], str]

#: The kinds of evidence the curated tables name (compare.evidence.claims.EVIDENCE_KINDS).
EVIDENCE_KINDS = {
    "survey": N_("survey"),
    "case study": N_("case study"),
    "report": N_("report"),
    "commercial report": N_("commercial report"),
    "press release": N_("press release"),
    "journal article": N_("journal article"),
    "blog post": N_("blog post"),
    "news item": N_("news item"),
    "own method": N_("own method"),
    "not stated": N_("not stated"),
    "commercial voluntary sample": N_("commercial voluntary sample"),
    "secondary report": N_("secondary report"),
    "administrative count": N_("administrative count"),
}

#: The severities and kinds of the build's consistency findings (compare.evidence.checks).
SEVERITIES = {"high": N_("High"), "medium": N_("Medium"), "low": N_("Low")}
FINDING_KINDS = {
    "contradiction": N_("contradiction"),
    "citation_conflict": N_("citation conflict"),
    "citation_outside_window": N_("citation outside the review window"),
    "figure_reuse": N_("figure reuse"),
    "measure_mismatch": N_("measure mismatch"),
    "missing_citation": N_("missing citation"),
    "unsupported_figure": N_("unsupported figure"),
    "value_conflict": N_("value conflict"),
}


def _label(labels: dict[str, str], key: str) -> str:
    """A vocabulary word in the current language (an unknown one as written)."""
    return _(labels[key]) if key in labels else key.replace("_", " ")


def _change(latest: dict[str, Any], earliest: dict[str, Any] | None, unit: str) -> str:
    """How the gap moved since the earliest comparable year (point estimates)."""
    if earliest is None:
        return _("one comparable year only")
    now, then = latest.get("gap"), earliest.get("gap")
    if now is None or then is None:
        return t("{year}: no gap (a mean is missing)", year=earliest["year"])
    year, before = earliest["year"], fmt.difference(then, unit)
    if now * then < 0:
        return t("reversed since {year} (then {gap})", year=year, gap=before)
    move = abs(now) - abs(then)
    if fmt.bare(abs(move), unit) == fmt.bare(0.0, unit):
        return t("unchanged since {year} (then {gap})", year=year, gap=before)
    message = _WIDER if move > 0 else _NARROWER
    return t(message, change=fmt.bare(abs(move), unit), year=year, gap=before)


_WIDER = N_("wider by {change} since {year} (then {gap})")
_NARROWER = N_("narrower by {change} since {year} (then {gap})")


def _note(row: dict[str, Any]) -> str:
    """Why an indicator has no comparable year (its English note when no years were stored)."""
    if "years" not in row:
        return str(row.get("note", ""))
    return t(
        "in no year do the data cover {share} of the population of both groups with {n} "
        "countries or more each (data: {years})",
        share=fmt.share(COVERAGE_THRESHOLD),
        n=MIN_COUNTRIES,
        years=years_text(row["years"]) if row["years"] else _("none"),
    )


def _members(latest: dict[str, Any]) -> str:
    """``42 of 51 / 32 of 52``: the members with data of each group."""
    return " / ".join(
        t("{n} of {members}", n=n, members=m)
        for n, m in zip(latest["n"], latest["members"], strict=True)
    )


def indicator_view(row: dict[str, Any], page_of: PageOf) -> dict[str, Any]:
    """One row of a findings table, as text."""
    view = {
        "title": title_label(row["title"]),
        "indicator": row["indicator"],
        "href": page_of(row["report"]),
        "note": _note(row),
        "year": "",
        "mean_a": "",
        "mean_b": "",
        "gap": "",
        "ci": "",
        "change": "",
        "n": "",
        "weighting": "",
    }
    latest, unit = row.get("latest"), row["unit"]
    if not latest:
        return view
    view.update(
        year=str(latest["year"]),
        mean_a=fmt.value(latest["means"][0], unit),
        mean_b=fmt.value(latest["means"][1], unit),
        gap=fmt.difference(latest["gap"], unit),
        ci=fmt.interval(*latest["ci"], unit) if None not in latest["ci"] else _("no interval"),
        change=_change(latest, row.get("earliest"), unit),
        n=_members(latest),
        weighting="" if latest["weighting"] == "population" else _("unweighted means"),
    )
    return view


def families_view(findings: dict[str, Any] | None, page_of: PageOf) -> list[dict[str, Any]]:
    """One table per compared family (a family with no indicator row says so)."""
    if not findings:
        return []
    out = []
    for family in findings.get("families", []):
        rows = [indicator_view(r, page_of) for r in family["rows"]]
        rows.sort(key=lambda r: not r["year"])  # compared first, in catalog order
        groups = family["rows"][0]["groups"] if family["rows"] else []
        comparable = sum(1 for r in rows if r["year"])
        summary = ngettext(
            "{n} indicator, {m} with a year in which both groups pass the coverage rule",
            "{n} indicators, {m} with a year in which both groups pass the coverage rule",
            len(rows),
        ).format(n=len(rows), m=comparable)
        label = _GROUP_LABELS.get(family["family"])
        out.append(
            {
                "family": family["family"],
                "label": _(label) if label else family["family"],
                "groups": [group_label(g) for g in groups],
                "rows": rows,
                "summary": summary if rows else "",
            }
        )
    return out


def _figure_value(value: float, unit: str) -> str:
    """A figure of the paper: a percentage by the locale, else the number and its unit id."""
    if unit == "percent":
        return fmt.value(value, "percent")
    digits = 0 if float(value).is_integer() else 1
    return f"{fmt.decimal(value, digits)} {unit}"


def _mention(m: dict[str, Any]) -> dict[str, str]:
    """Where the paper states a figure (its section as the paper names it) and what it cites."""
    return {
        "section": m["section"],
        "where": t("line {line} ({claim_id})", line=m["line"], claim_id=m["claim_id"]),
        "citation": m["citation"],
    }


def employer_view(findings: dict[str, Any] | None, page_of: PageOf) -> dict[str, Any] | None:
    """The employer-recognition section as text (None when the findings have none). The curated
    tables' own wording (the paper's geography, what a figure measures, sections, citations) and
    the build's descriptions of its findings stay as written, in English (the template marks
    them ``lang="en"``)."""
    section = (findings or {}).get("employer")
    if not section:
        return None
    figures = [
        {
            "region": group_label(f["region"]),
            "geography": f["geography"] if f["geography"] != f["region"] else "",
            "measure": f["measure"],
            "value": _figure_value(f["value"], f["unit"]),
            "kinds": ", ".join(_label(EVIDENCE_KINDS, k) for k in f["evidence_kinds"] if k),
            "mentions": [_mention(m) for m in f["mentions"]],
        }
        for f in section["figures"]
    ]
    found = [
        {
            **f,
            "severity_label": _label(SEVERITIES, f["severity"]),
            "kind_label": _label(FINDING_KINDS, f["kind"]),
        }
        for f in section["findings"]
    ]
    evidence = findings.get("evidence_report") if findings else None
    gaps = [{"title": _(g["title"]), "why": _(g["why"])} for g in section["gaps"]]
    return {
        "figures": figures,
        "findings": found,
        "gaps": gaps,
        "href": page_of(evidence) if evidence else "",
        "findings_file": section.get("findings_file", False),
    }
