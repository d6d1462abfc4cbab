"""The findings of :mod:`compare.reports.findings` as the index shows them: numbers written by
the indicator's unit (:mod:`compare.text.numbers`), links to the reports that exist. Every string
here is data; the index template escapes it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from compare.reports.matrix import _GROUP_LABELS
from compare.text import numbers as fmt
from compare.text.words import plural


def _change(latest: dict[str, Any], earliest: dict[str, Any] | None, unit: str) -> str:
    """How the gap moved since the earliest comparable year (point estimates)."""
    if earliest is None:
        return "one comparable year only"
    now, then = latest.get("gap"), earliest.get("gap")
    if now is None or then is None:
        return f"{earliest['year']}: no gap (a mean is missing)"
    since = f"since {earliest['year']} (then {fmt.difference(then, unit)})"
    if now * then < 0:
        return f"reversed {since}"
    move = abs(now) - abs(then)
    if fmt.bare(abs(move), unit) == fmt.bare(0.0, unit):
        return f"unchanged {since}"
    word = "wider" if move > 0 else "narrower"
    return f"{word} by {fmt.bare(abs(move), unit)} {since}"


def indicator_view(row: dict[str, Any], reports: Path) -> dict[str, Any]:
    """One row of a findings table, as text."""
    page = f"{row['report']}.html"
    view = {
        "title": row["title"],
        "indicator": row["indicator"],
        "href": page if (reports / page).is_file() else "",
        "note": row.get("note", ""),
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
        ci=fmt.interval(*latest["ci"], unit) if None not in latest["ci"] else "no interval",
        change=_change(latest, row.get("earliest"), unit),
        n=f"{latest['n'][0]} of {latest['members'][0]} / {latest['n'][1]} of "
        f"{latest['members'][1]}",
        weighting="" if latest["weighting"] == "population" else "unweighted means",
    )
    return view


def families_view(findings: dict[str, Any] | None, reports: Path) -> list[dict[str, Any]]:
    """One table per compared family (a family with no indicator row says so)."""
    if not findings:
        return []
    out = []
    for family in findings.get("families", []):
        rows = [indicator_view(r, reports) for r in family["rows"]]
        rows.sort(key=lambda r: not r["year"])  # compared first, in catalog order
        groups = family["rows"][0]["groups"] if family["rows"] else []
        comparable = sum(1 for r in rows if r["year"])
        out.append(
            {
                "family": family["family"],
                "label": _GROUP_LABELS.get(family["family"], family["family"]),
                "groups": groups,
                "rows": rows,
                "summary": f"{plural(len(rows), 'indicator')}, {comparable} with a year in which "
                "both groups pass the coverage rule"
                if rows
                else "",
            }
        )
    return out


def employer_view(findings: dict[str, Any] | None, reports: Path) -> dict[str, Any] | None:
    """The employer-recognition section as text (None when the findings have none)."""
    section = (findings or {}).get("employer")
    if not section:
        return None
    figures = [
        {
            "region": f["region"],
            "geography": f["geography"],
            "measure": f["measure"],
            "value": fmt.value(f["value"], f["unit"])
            if f["unit"] == "percent"
            else f"{f['value']:g} {f['unit']}",
            "kinds": ", ".join(k for k in f["evidence_kinds"] if k),
            "mentions": [
                f"{m['section']}, line {m['line']} ({m['claim_id']}): "
                + (f"cites {m['citation']}" if m["citation"] else "no citation")
                for m in f["mentions"]
            ],
        }
        for f in section["figures"]
    ]
    evidence = findings.get("evidence_report") if findings else None
    page = f"{evidence}.html" if evidence else ""
    return {
        "figures": figures,
        "findings": section["findings"],
        "gaps": section["gaps"],
        "href": page if page and (reports / page).is_file() else "",
        "findings_file": section.get("findings_file", False),
    }
