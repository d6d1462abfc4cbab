"""What the reports found, for the top of ``reports/index.html`` (``reports/findings.json``).

Per compared family, one row per indicator that the matrix reports on with its default year:
the latest year in which the data of both groups pass the coverage rule (population share at
least :data:`~compare.config.COVERAGE_THRESHOLD` and :data:`~compare.config.MIN_COUNTRIES`
countries, the rule the report applies when it picks its year), both population-weighted means,
their gap with its bootstrap interval, the gap in the earliest such year and the change since,
and the members with data. The numbers are those of :func:`compare.compare_regions` with the
report's defaults, so the index and the report agree. An indicator with no such year says so and
gives no number.

Employer recognition has no per-country data: its section lists the paper's region-level
figures as the curated evidence tables give them (value, measure, where and how often the paper
states them, what it cites), the consistency findings that involve them and the data that do not
exist (the catalog's ``gaps``).

Computing takes seconds (a comparison per comparable indicator), so the rows are stored in
``reports/findings.json``, each under the key of what its indicator report read (recorded in
the manifest) and the code: a row is computed when its report first exists and again only when
its inputs change (a one-source update recomputes the rows of that source's indicators).
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Container, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compare.config import COMPARED_FAMILIES, COVERAGE_THRESHOLD, MIN_COUNTRIES
from compare.storage import atomic
from compare.storage.stamps import utc_now

FINDINGS = "findings.json"
FORMAT = 1


@dataclass(frozen=True)
class Wanted:
    """One indicator row asked for: the report it links to and the groups it compares."""

    indicator: str
    groups: tuple[str, str]
    classification: str
    report: str  # run id of its indicator report


# --- which rows --------------------------------------------------------------------------------


def wanted_rows(
    runs: Iterable[Any], complete: Any, reported: Container[str] | None = None
) -> list[Wanted]:
    """The indicator reports of the matrix that run with the default year (first run per
    indicator; only run ids in ``reported`` when given, e.g. those with a page);
    ``complete(notebook, parameters)`` gives a run's full parameters."""
    found: dict[str, Wanted] = {}
    for run in runs:
        if Path(run.notebook).stem != "indicator_comparison":
            continue
        if reported is not None and run.run_id not in reported:
            continue
        full = complete(run.notebook, run.parameters)
        indicator, groups = full.get("indicator"), full.get("groups")
        if full.get("year") is not None or not isinstance(indicator, str) or indicator in found:
            continue
        if not (isinstance(groups, list | tuple) and len(groups) == 2):
            continue
        found[indicator] = Wanted(
            indicator,
            (str(groups[0]), str(groups[1])),
            str(full.get("classification", "m49")),
            run.run_id,
        )
    return list(found.values())


def evidence_report(runs: Iterable[Any]) -> str | None:
    """Run id of the evidence overview with its defaults (None when the matrix has none)."""
    for run in runs:
        if Path(run.notebook).stem == "evidence_overview" and not run.parameters:
            return str(run.run_id)
    return None


# --- one indicator -----------------------------------------------------------------------------


def _number(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _passes(panel: Any, year: int, groups: Sequence[str], classification: str) -> bool:
    from compare.stats.panel import coverage  # noqa: PLC0415

    return all(
        coverage(panel.rows(g, classification, year)).passes(COVERAGE_THRESHOLD, MIN_COUNTRIES)
        for g in groups
    )


def comparable_span(
    panel: Any, groups: Sequence[str], classification: str
) -> tuple[int, int] | None:
    """(earliest, latest) year in which the data of both groups pass the coverage rule (None
    when no year does); the years between are not looked at."""
    latest = next(
        (y for y in reversed(panel.years) if _passes(panel, y, groups, classification)), None
    )
    if latest is None:
        return None
    earliest = next(y for y in panel.years if _passes(panel, y, groups, classification))
    return earliest, latest


def _side(comparison: Any) -> dict[str, Any]:
    """Means, gap and interval of one comparison (weighted; unweighted where withheld)."""
    a, b = (comparison.per_group[g] for g in comparison.groups)
    weighted = comparison.gap_weighted is not None and a.weighted_mean is not None
    gap = comparison.gap_weighted if weighted else comparison.gap_unweighted
    return {
        "year": int(comparison.year),
        "weighting": "population" if weighted else "unweighted",
        "means": [
            _number(a.weighted_mean if weighted else a.mean),
            _number(b.weighted_mean if weighted else b.mean),
        ],
        "gap": _number(gap.value),
        "ci": [_number(gap.ci_low), _number(gap.ci_high)],
        "n": [int(a.n_with_data), int(b.n_with_data)],
        "members": [
            int(a.n_members or a.n_with_data + a.n_without),
            int(b.n_members or b.n_with_data + b.n_without),
        ],
    }


def indicator_row(want: Wanted, panel: Any, home: Path | None) -> dict[str, Any]:
    """The findings row of one indicator (see the module docstring)."""
    from compare.catalog import load_catalog  # noqa: PLC0415
    from compare.stats import compare_regions  # noqa: PLC0415

    meta = load_catalog().indicator(want.indicator)
    row: dict[str, Any] = {
        "indicator": want.indicator,
        "title": meta.title,
        "family": meta.family,
        "unit": meta.unit,
        "groups": list(want.groups),
        "report": want.report,
        "latest": None,
        "earliest": None,
        "note": "",
    }
    span = comparable_span(panel, want.groups, want.classification)
    if span is None:
        from compare.text.numbers import share  # noqa: PLC0415
        from compare.text.words import years_text  # noqa: PLC0415

        row["years"] = [int(y) for y in panel.years]  # the note's years, for every language
        row["note"] = (
            f"in no year do the data cover {share(COVERAGE_THRESHOLD)} of the population of both "
            f"groups with {MIN_COUNTRIES} countries or more each (data: "
            f"{years_text(panel.years) or 'none'})"
        )
        return row
    earliest, latest = span
    comparison = compare_regions(
        want.indicator, latest, want.groups, want.classification, home=home
    )
    row["latest"] = _side(comparison)
    if earliest != latest:
        row["earliest"] = _earliest(panel, earliest, want, row["latest"]["weighting"])
    return row


def _earliest(panel: Any, year: int, want: Wanted, weighting: str) -> dict[str, Any]:
    """Both means and their gap in the earliest comparable year (point estimates, weighted as
    the latest year's), from the same group statistics the comparison uses."""
    from compare.stats.comparison import group_stats  # noqa: PLC0415

    a, b = (
        group_stats(panel.rows(g, want.classification, year), COVERAGE_THRESHOLD)
        for g in want.groups
    )
    weighted = weighting == "population" and None not in (a.weighted_mean, b.weighted_mean)
    means = [
        _number(a.weighted_mean if weighted else a.mean),
        _number(b.weighted_mean if weighted else b.mean),
    ]
    gap = None if None in means else means[0] - means[1]  # type: ignore[operator]
    return {
        "year": int(year),
        "weighting": "population" if weighted else "unweighted",
        "means": means,
        "gap": gap,
        "n": [a.n_with_data, b.n_with_data],
    }


# --- employer recognition ----------------------------------------------------------------------


def _mentions(rows: Any) -> list[dict[str, Any]]:
    return [
        {
            "claim_id": str(r.claim_id),
            "section": str(r.section).capitalize(),
            "line": int(r.line),
            "citation": str(r.citation or "") if str(r.citation) != "nan" else "",
        }
        for r in rows.itertuples()
    ]


def employer_section(home: Path | None) -> dict[str, Any]:
    """The paper's region-level employer-recognition figures, the consistency findings that
    involve employer-recognition claims, and the data that do not exist."""
    import pandas as pd  # noqa: PLC0415

    from compare.catalog import load_catalog  # noqa: PLC0415
    from compare.config import paths  # noqa: PLC0415
    from compare.evidence import evidence_dir, load_claims  # noqa: PLC0415

    claims = load_claims(evidence_dir(home) / "paper_claims.csv")
    family = claims[claims["family"] == "employer_recognition"]
    regional = family[family["geography_type"] == "region"]
    figures = []
    keys = ["region", "measure", "value", "unit"]
    for key, rows in regional.groupby(keys, sort=False, dropna=False):
        region, measure, value, unit = key
        figures.append(
            {
                "region": str(region),
                "geography": str(rows["geography"].iloc[0]),
                "measure": str(measure),
                "value": _number(value),
                "unit": str(unit),
                "evidence_kinds": sorted(set(rows["evidence_kind"].fillna(""))),
                "mentions": _mentions(rows),
            }
        )
    ids = set(family["claim_id"])
    findings_path = paths(home).processed / "claim_findings.csv"
    found = pd.read_csv(findings_path, dtype=str).fillna("") if findings_path.is_file() else None
    findings = []
    if found is not None:
        involved = found["claim_ids"].str.split(";").map(lambda c: bool(ids & set(c)))
        findings = found[involved][
            ["finding_id", "kind", "severity", "claim_ids", "description"]
        ].to_dict(orient="records")
    gaps = [
        {"title": g.title, "why": g.why}
        for g in load_catalog().gaps.values()
        if g.family == "employer_recognition"
    ]
    return {
        "figures": figures,
        "findings": findings,
        "gaps": gaps,
        "findings_file": findings_path.is_file(),
    }


# --- the stored result -------------------------------------------------------------------------


def fingerprint(data: dict[str, str], code: str) -> str:
    """The key a findings file is valid for: the processed data, the evidence tables (both in
    ``data``) and the code."""
    text = json.dumps({"format": FORMAT, "data": data, "code": code}, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def row_key(want: Wanted) -> str:
    """The key of one row under a fingerprint: what it was asked for."""
    return json.dumps(want.__dict__, sort_keys=True, default=list)


def compute(
    wanted: Sequence[Wanted],
    evidence: str | None,
    home: Path | None = None,
    *,
    known: dict[str, Any] | None = None,
    employer: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Every findings row and the employer section (see the module docstring); rows in
    ``known`` (by :func:`row_key`) and a given ``employer`` section are reused."""
    from compare.stats.panel import read_panels  # noqa: PLC0415

    rows = {key: row for key, row in (known or {}).items()}
    missing = [w for w in wanted if row_key(w) not in rows]
    panels = read_panels([w.indicator for w in missing], home) if missing else {}
    rows.update({row_key(w): indicator_row(w, panels[w.indicator], home) for w in missing})
    ordered = [rows[row_key(w)] for w in wanted]
    families = [
        {"family": family, "rows": [r for r in ordered if r["family"] == family]}
        for family in COMPARED_FAMILIES
    ]
    if evidence and employer is None:
        employer = employer_section(home)
    return {
        "format": FORMAT,
        "computed_at": utc_now(),
        "families": families,
        "rows": {row_key(w): rows[row_key(w)] for w in wanted},
        "evidence_report": evidence,
        "employer": employer if evidence else None,
    }


def read(reports: Path) -> dict[str, Any] | None:
    """The stored findings (None when missing or unreadable)."""
    try:
        data = json.loads((Path(reports) / FINDINGS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("format") == FORMAT else None


def refresh(
    reports: Path,
    wanted: Sequence[Wanted],
    evidence: str | None,
    *,
    data: dict[str, str],
    code: str,
    home: Path | None = None,
    reads: Mapping[str, Mapping[str, str] | None] | None = None,
) -> tuple[dict[str, Any], bool]:
    """The findings for these inputs: stored rows reused while their inputs are those they were
    computed from, the others computed; stored atomically when anything changed. A row's inputs
    are what its indicator report read (``reads``: run id -> the manifest's recorded reads), the
    user catalogs and the code, so that a one-source update recomputes only the rows of the
    indicators it changed; a row whose report recorded no reads depends on all the data. The
    employer section depends on the evidence tables, the build's claim findings and the code.
    Returns (findings, whether anything was computed or dropped)."""
    whole = fingerprint(data, code)
    catalogs = {k: v for k, v in data.items() if k.startswith("catalog/")}
    inputs = {row_key(w): _row_inputs(w, reads, catalogs, code) or whole for w in wanted}
    employer_key = fingerprint(
        {k: v for k, v in data.items() if k.startswith(("raw/evidence/", "processed/claim"))},
        code,
    )
    stored = read(reports) or {}
    stored_inputs = stored.get("inputs") or {}
    known = {
        k: row
        for k, row in (stored.get("rows") or {}).items()
        if k in inputs and stored_inputs.get(k) == inputs[k]
    }
    employer = stored.get("employer") if stored.get("employer_key") == employer_key else None
    if (
        list(known) == list(inputs)
        and list(stored.get("rows") or {}) == list(inputs)
        and stored.get("evidence_report") == evidence
        and (evidence is None or employer is not None)
    ):
        return stored, False
    result = compute(wanted, evidence, home, known=known, employer=employer)
    result.update(key=whole, inputs=inputs, employer_key=employer_key)
    atomic.write_text(Path(reports) / FINDINGS, json.dumps(result, indent=1, ensure_ascii=False))
    return result, True


def _row_inputs(
    want: Wanted,
    reads: Mapping[str, Mapping[str, str] | None] | None,
    catalogs: Mapping[str, str],
    code: str,
) -> str | None:
    """The key of one row's inputs, from its report's recorded reads (None when unknown)."""
    recorded = (reads or {}).get(want.report)
    if not recorded:
        return None
    text = json.dumps(
        {"format": FORMAT, "code": code, "reads": dict(recorded), "catalogs": dict(catalogs)},
        sort_keys=True,
    )
    return hashlib.sha256(text.encode()).hexdigest()
