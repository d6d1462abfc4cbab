"""The index's findings as data: ``reports/index.data/findings.csv`` (one row per indicator of
the findings tables: year, both means, the gap and its 95% interval, the members with data, the
earliest comparable year) and ``employer.csv`` (the employer-recognition figures), with a
``datapackage.json`` naming their sources and licences. Written with the index, as one folder
swapped in whole (:func:`compare.storage.atomic.staged_directory`); the numbers are those of
``findings.json`` at full precision, written as data (:mod:`compare.reports.downloads`)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from compare.reports import downloads
from compare.storage import atomic

FOLDER = "index.data"
FINDINGS_CSV = "findings.csv"


def _pair(values: Any, index: int) -> Any:
    return values[index] if isinstance(values, list) and len(values) > index else None


def indicator_rows(findings: dict[str, Any], reports: Path) -> list[dict[str, Any]]:
    """One row per indicator of the findings tables (empty cells where it has no year)."""
    rows = []
    for family in findings.get("families", []):
        for row in family.get("rows", []):
            latest, earliest = row.get("latest") or {}, row.get("earliest") or {}
            groups = row.get("groups") or []
            page = f"{row.get('report')}.html"
            ci = latest.get("ci") or []
            rows.append(
                {
                    "family": family.get("family"),
                    "indicator": row.get("indicator"),
                    "title": row.get("title"),
                    "unit": row.get("unit"),
                    "group_a": _pair(groups, 0),
                    "group_b": _pair(groups, 1),
                    "year": latest.get("year"),
                    "weighting": latest.get("weighting"),
                    "mean_a": _pair(latest.get("means"), 0),
                    "mean_b": _pair(latest.get("means"), 1),
                    "gap": latest.get("gap"),
                    "gap_ci_low": _pair(ci, 0),
                    "gap_ci_high": _pair(ci, 1),
                    "n_a": _pair(latest.get("n"), 0),
                    "members_a": _pair(latest.get("members"), 0),
                    "n_b": _pair(latest.get("n"), 1),
                    "members_b": _pair(latest.get("members"), 1),
                    "earliest_year": earliest.get("year"),
                    "earliest_mean_a": _pair(earliest.get("means"), 0),
                    "earliest_mean_b": _pair(earliest.get("means"), 1),
                    "earliest_gap": earliest.get("gap"),
                    "report": page if (reports / page).is_file() else "",
                    "note": row.get("note", ""),
                }
            )
    return rows


def employer_rows(findings: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per employer-recognition figure of the index."""
    section = findings.get("employer") or {}
    return [
        {
            "region": f.get("region"),
            "geography": f.get("geography"),
            "measure": f.get("measure"),
            "value": f.get("value"),
            "unit": f.get("unit"),
            "evidence_kinds": ";".join(k for k in f.get("evidence_kinds", []) if k),
            "claim_ids": ";".join(m.get("claim_id", "") for m in f.get("mentions", [])),
        }
        for f in section.get("figures", [])
    ]


def _sources(findings: dict[str, Any]) -> list[dict[str, Any]]:
    from compare.catalog import load_catalog  # noqa: PLC0415

    catalog = load_catalog()
    ids = set()
    for family in findings.get("families", []):
        for row in family.get("rows", []):
            if row.get("indicator") in catalog.indicators:
                ids |= set(catalog.indicator(row["indicator"]).sources)
    records = []
    for source_id in sorted(ids):
        source = catalog.sources.get(source_id)
        records.append({"id": source_id, "title": source.citation, "path": source.url,
                        "licence": source.licence} if source else {"id": source_id})  # fmt: skip
    return records


def write(reports: Path, findings: dict[str, Any] | None) -> str:
    """Write ``reports/index.data`` (removed when there are no findings); returns the CSV's
    address relative to the index ("" when none)."""
    import pandas as pd  # noqa: PLC0415

    target = reports / FOLDER
    rows = indicator_rows(findings or {}, reports)
    if not rows:
        downloads.put_in_place(target, None)
        return ""
    tables = {FINDINGS_CSV: pd.DataFrame(rows)}
    employer = employer_rows(findings or {})
    if employer:
        tables["employer.csv"] = pd.DataFrame(employer)
    resources = []
    with atomic.staged_directory(target) as stage:
        for name, frame in tables.items():
            item = downloads.payload(frame, "table", title=name.removesuffix(".csv"))
            body = item["csv"].encode("utf-8")
            (stage / name).write_bytes(body)
            resources.append(downloads.resource(name, item, body))
        package = {
            "profile": "tabular-data-package",
            "name": "compare-findings",
            "title": "The findings of the reports' index",
            "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "sources": _sources(findings or {}),
            "compare": {
                "computed_at": (findings or {}).get("computed_at"),
                "key": (findings or {}).get("key"),
            },
            "resources": resources,
        }
        text = json.dumps(package, indent=1, ensure_ascii=False) + "\n"
        (stage / downloads.SIDECAR).write_text(text, encoding="utf-8")
    return f"{FOLDER}/{FINDINGS_CSV}"
