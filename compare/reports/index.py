"""The index page ``reports/index.html``: what the reports found first (per family, one row per
indicator, and the employer-recognition evidence: :mod:`compare.reports.findings`), then every
run of the matrix, grouped, with its status and pages, folded (escaped by Jinja)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from compare.reports import matrix
from compare.reports.render import template_environment
from compare.storage import atomic
from compare.storage.stamps import utc_now
from compare.text.downloads import FINDINGS_LABEL


def index_page(
    groups: Iterable[tuple[str, list[dict[str, Any]]]],
    summary: dict[str, Any],
    findings: dict[str, Any] | None = None,
    reports: Path | None = None,
    findings_csv: str = "",
) -> str:
    """The index HTML: the findings (when given; links to the pages under ``reports`` that
    exist, and to ``findings_csv``), then one table per group of runs (all values escaped by
    Jinja)."""
    from compare.reports.findings_view import employer_view, families_view  # noqa: PLC0415

    reports = Path(reports) if reports is not None else Path(".")
    groups = list(groups)
    return (
        template_environment()
        .get_template("reports_index.html.j2")
        .render(
            groups=groups,
            languages=languages_of(groups),
            summary=summary,
            families=families_view(findings, reports),
            employer=employer_view(findings, reports),
            computed=(findings or {}).get("computed_at", "").replace("T", " ")[:16],
            findings_csv=findings_csv,
            findings_label=FINDINGS_LABEL,
        )
    )


def _duration(seconds: Any) -> str:
    try:
        value = float(seconds)
    except (TypeError, ValueError):
        return ""
    return f"{value:.1f} s" if value < 120 else f"{value / 60:.1f} min"


def _pdf(reports: Path, html_path: str | None) -> str:
    """The page's PDF (``compare report --pdf``) when it is newer than the page, else ""."""
    if not html_path:
        return ""
    page, pdf = reports / html_path, (reports / html_path).with_suffix(".pdf")
    try:
        fresh = pdf.stat().st_mtime >= page.stat().st_mtime
    except OSError:
        return ""
    return Path(html_path).with_suffix(".pdf").as_posix() if fresh else ""


def index_groups(
    runs: Iterable[matrix.RunDef], manifest: dict[str, Any], reports: Path
) -> list[tuple[str, list[dict[str, Any]]]]:
    """Rows of the index, grouped (family of the indicator, or notebook), in matrix order; the
    same report in other languages is one row, its pages under ``languages``."""
    groups: dict[str, list[dict[str, Any]]] = {}
    by_base: dict[str, dict[str, Any]] = {}
    for run in runs:
        base = getattr(run, "base_id", "") or run.run_id
        if base in by_base and getattr(run, "language", "en") != "en":
            by_base[base]["languages"].append(_language_row(run, manifest, reports))
            continue
        entry = manifest["runs"].get(run.run_id, {})
        outputs = entry.get("outputs", {})
        html_path = outputs.get("html")
        ipynb_path = outputs.get("ipynb")
        status = entry.get("status", "not-run")
        message = ""
        if status not in ("ok", "not-run"):
            message = (entry.get("message") or "").splitlines()[0][:300] if entry else ""
        groups.setdefault(run.group, []).append(
            {
                "run_id": run.run_id,
                "title": run.title,
                "status": status,
                "message": message,
                "parameters": [
                    (k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
                    for k, v in run.parameters.items()
                ],
                "duration": _duration(entry.get("duration")),
                "finished": (entry.get("finished_at") or "").replace("T", " ")[:16],
                "html": html_path if html_path and (reports / html_path).is_file() else "",
                "ipynb": ipynb_path if ipynb_path and (reports / ipynb_path).is_file() else "",
                "pdf": _pdf(reports, html_path),
                "languages": [_language_row(run, manifest, reports)],
            }
        )
        by_base[base] = groups[run.group][-1]
    return list(groups.items())


def _language_row(run: Any, manifest: dict[str, Any], reports: Path) -> dict[str, Any]:
    """One language's page of a report: code, name, title, status and page (when it exists)."""
    from compare.language import AUTONYMS  # noqa: PLC0415

    entry = manifest["runs"].get(run.run_id, {})
    html_path = entry.get("outputs", {}).get("html")
    code = getattr(run, "language", "en")
    return {
        "code": code,
        "name": AUTONYMS.get(code, code),
        "title": run.title,
        "run_id": run.run_id,
        "status": entry.get("status", "not-run"),
        "html": html_path if html_path and (reports / html_path).is_file() else "",
    }


def languages_of(groups: list[tuple[str, list[dict[str, Any]]]]) -> list[tuple[str, str]]:
    """The languages the index offers, (code, name), English first."""
    from compare.language import AUTONYMS, LANGUAGES  # noqa: PLC0415

    found = {
        lang["code"] for _, rows in groups for row in rows for lang in row.get("languages", ())
    }
    return [(code, AUTONYMS[code]) for code in LANGUAGES if code in found]


def write_index(runs: list[matrix.RunDef], manifest: dict[str, Any], reports: Path) -> Path:
    """Write ``reports/index.html`` atomically: every run of ``runs`` with its status and pages."""
    groups = index_groups(runs, manifest, reports)
    rows = [page for _, rows in groups for row in rows for page in row.get("languages") or [row]]
    git = manifest.get("git") or {}
    commit = (git.get("commit") or "unknown")[:10] + (" (modified)" if git.get("dirty") else "")
    summary = {
        "total": len(rows),
        "ok": sum(r["status"] == "ok" for r in rows),
        "failed": sum(r["status"] in ("failed", "timeout") for r in rows),
        "not_run": sum(r["status"] == "not-run" for r in rows),
        "updated": (manifest.get("updated_at") or utc_now()).replace("T", " ")[:16],
        "commit": commit,
    }
    from compare.reports import findings_data  # noqa: PLC0415
    from compare.reports.findings import read  # noqa: PLC0415

    target = reports / "index.html"
    findings = read(reports)
    csv = findings_data.write(reports, findings)  # index.data/findings.csv
    atomic.write_text(target, index_page(groups, summary, findings, reports, csv))
    return target
