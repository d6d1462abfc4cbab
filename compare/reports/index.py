"""The index pages: ``reports/index.html`` in English and one page per other language the
reports are shown in (``index.es.html``, ``index.pt.html``: :func:`compare.reports.matrix.
index_name`). Each leads with what the reports found (per family, one row per indicator, and the
employer-recognition evidence: :mod:`compare.reports.findings`), then lists every run of the
matrix, grouped, with its status and pages, folded. Each page is wholly in its language (words
from the message catalogs, numbers and dates by Babel) and links its language's report pages; a
switcher links the index pages to each other. The findings are read once and shared: only their
wording differs. Every value is escaped by Jinja."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from compare.reports import matrix
from compare.reports.render import template_environment
from compare.storage import atomic
from compare.storage.stamps import utc_now
from compare.text.downloads import FINDINGS_LABEL
from compare.text.i18n import N_

TEMPLATE = "reports_index.html.j2"

#: A run's status in words (the page's CSS classes keep the codes).
STATUSES = {
    "ok": N_("ok"),
    "failed": N_("failed"),
    "timeout": N_("timed out"),
    "not-run": N_("not run"),
}


# --- the page ----------------------------------------------------------------------------------


def environment() -> Any:
    """The page templates' environment with the index's words: ``_`` (gettext), ``t`` (a message
    formatted with values) and ``nt`` (its plural form for ``n``), all in the current language.
    ``t`` and ``nt`` escape the message and each value that is not already markup (a link the
    template built), so that a translation can never add markup."""
    from markupsafe import Markup, escape  # noqa: PLC0415

    from compare.text.i18n import gettext, ngettext  # noqa: PLC0415

    def t(message: str, /, **values: Any) -> Markup:
        return Markup(escape(gettext(message))).format(**values)

    def nt(singular: str, plural: str, n: int, /, **values: Any) -> Markup:
        return Markup(escape(ngettext(singular, plural, n))).format(n=n, **values)

    env = template_environment()
    env.globals.update(_=gettext, t=t, nt=nt)
    return env


def index_page(
    groups: Iterable[tuple[str, list[dict[str, Any]]]],
    summary: dict[str, Any],
    findings: dict[str, Any] | None = None,
    reports: Path | None = None,
    findings_csv: str = "",
    *,
    language: str = "en",
    languages: Iterable[str] | None = None,
) -> str:
    """The index HTML in ``language``: the findings (when given; links to the pages under
    ``reports`` that exist, in that language where it has one, and to ``findings_csv``), then
    one table per group of runs; a switcher to the index of each of ``languages`` (default: the
    languages of the runs)."""
    from compare.reports.findings_view import employer_view, families_view  # noqa: PLC0415
    from compare.text.i18n import _, use_language  # noqa: PLC0415
    from compare.text.numbers import percent  # noqa: PLC0415

    reports = Path(reports) if reports is not None else Path(".")
    groups = list(groups)
    offered = list(languages) if languages is not None else [c for c, _n in languages_of(groups)]
    with use_language(language) as code:
        page_of = _page_finder(groups, code, reports)
        return (
            environment()
            .get_template(TEMPLATE)
            .render(
                language=code,
                switcher=switcher(offered, code),
                groups=[(_(name), [row_in(row, code) for row in rows]) for name, rows in groups],
                summary=_summary_in(summary),
                families=families_view(findings, page_of),
                employer=employer_view(findings, page_of),
                computed=_moment((findings or {}).get("computed_at")),
                level=percent(0.95),
                findings_csv=findings_csv,
                findings_label=_(FINDINGS_LABEL),
            )
        )


def switcher(languages: Iterable[str], current: str) -> list[dict[str, Any]]:
    """The language switcher: each index page (code, name in itself, file, whether current)."""
    from compare.language import AUTONYMS, SOURCE_LANGUAGE  # noqa: PLC0415

    codes = list(dict.fromkeys([SOURCE_LANGUAGE, *languages]))
    return [
        {
            "code": c,
            "name": AUTONYMS.get(c, c),
            "href": matrix.index_name(c),
            "current": c == current,
        }
        for c in codes
    ]


def _moment(value: Any, *, short: bool = False) -> str:
    """A recorded time stamp in the current language (as recorded when it is not one)."""
    from compare.text.numbers import moment  # noqa: PLC0415

    try:
        return moment(value, short=short) if value else ""
    except (TypeError, ValueError):
        return str(value)


def _summary_in(summary: dict[str, Any]) -> dict[str, Any]:
    """The counts, the update time and the code's commit, in the current language."""
    from compare.text.i18n import _  # noqa: PLC0415

    commit = str(summary.get("commit") or _("unknown"))
    return {
        **summary,
        "updated": _moment(summary.get("updated")),
        "commit": commit + (" " + _("(modified)") if summary.get("dirty") else ""),
    }


def _status(code: str) -> str:
    from compare.text.i18n import _  # noqa: PLC0415

    return _(STATUSES[code]) if code in STATUSES else code


def row_in(row: dict[str, Any], language: str) -> dict[str, Any]:
    """A row of the run log as the index of ``language`` shows it: that language's run (its
    title, status, duration, time and files; the first when there is none), with the other
    languages' pages beside it."""
    from compare.text.numbers import duration  # noqa: PLC0415

    pages = row.get("languages") or [row]
    own = next((p for p in pages if p.get("code", "en") == language), pages[0])
    shown = {**row, **own}
    seconds = own.get("seconds")
    return {
        **shown,
        "code": own.get("code", "en"),
        "status_label": _status(own.get("status", "")),
        "duration": duration(float(seconds))
        if isinstance(seconds, int | float)
        else own.get("duration", ""),
        "finished": _moment(own["finished_at"], short=True)
        if own.get("finished_at")
        else own.get("finished", ""),
        "others": [
            {**p, "status_label": _status(p.get("status", ""))} for p in pages if p is not own
        ],
    }


def _page_finder(
    groups: list[tuple[str, list[dict[str, Any]]]], language: str, reports: Path
) -> Callable[[str], str]:
    """Run id -> the address of its report's page in ``language`` when that page exists, else
    of the page in another language that exists ("" when none does)."""
    pages: dict[str, str] = {}
    for _name, rows in groups:
        for row in rows:
            entries = row.get("languages") or [row]
            found = [e for e in entries if e.get("html")]
            own = [e for e in found if e.get("code", "en") == language]
            chosen = (own or found or [{"html": ""}])[0]["html"]
            for entry in entries:
                pages[entry["run_id"]] = chosen

    def page_of(run_id: str) -> str:
        if run_id in pages:
            return pages[run_id]
        page = f"{run_id}.html"
        return page if (reports / page).is_file() else ""

    return page_of


# --- the runs ----------------------------------------------------------------------------------


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
    same report in other languages is one row, each language's run under ``languages``."""
    groups: dict[str, list[dict[str, Any]]] = {}
    by_base: dict[str, dict[str, Any]] = {}
    for run in runs:
        base = getattr(run, "base_id", "") or run.run_id
        page = run_row(run, manifest, reports)
        if base in by_base:
            by_base[base]["languages"].append(page)
            continue
        groups.setdefault(run.group, []).append({**page, "languages": [page]})
        by_base[base] = groups[run.group][-1]
    return list(groups.items())


def run_row(run: Any, manifest: dict[str, Any], reports: Path) -> dict[str, Any]:
    """One run as the index lists it: language, title, status, parameters, duration (seconds),
    finish time (as recorded) and the files that exist."""
    from compare.language import AUTONYMS  # noqa: PLC0415

    entry = manifest["runs"].get(run.run_id, {})
    outputs = entry.get("outputs", {})
    html_path, ipynb_path = outputs.get("html"), outputs.get("ipynb")
    status = entry.get("status", "not-run")
    message = ""
    if status not in ("ok", "not-run"):
        message = (entry.get("message") or "").splitlines()[0][:300] if entry else ""
    code = getattr(run, "language", "en")
    return {
        "code": code,
        "name": AUTONYMS.get(code, code),
        "run_id": run.run_id,
        "title": run.title,
        "status": status,
        "message": message,
        "parameters": [
            (k, v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
            for k, v in run.parameters.items()
        ],
        "seconds": entry.get("duration"),
        "finished_at": entry.get("finished_at") or "",
        "html": html_path if html_path and (reports / html_path).is_file() else "",
        "ipynb": ipynb_path if ipynb_path and (reports / ipynb_path).is_file() else "",
        "pdf": _pdf(reports, html_path),
    }


def languages_of(groups: list[tuple[str, list[dict[str, Any]]]]) -> list[tuple[str, str]]:
    """The languages the index offers, (code, name), English first."""
    from compare.language import AUTONYMS, LANGUAGES, SOURCE_LANGUAGE  # noqa: PLC0415

    found = {SOURCE_LANGUAGE} | {
        lang["code"] for _, rows in groups for row in rows for lang in row.get("languages", ())
    }
    return [(code, AUTONYMS[code]) for code in LANGUAGES if code in found]


def index_files(reports: Path) -> list[str]:
    """The index pages in ``reports`` (``index.html`` first), as written by :func:`write_index`."""
    from compare.language import LANGUAGES  # noqa: PLC0415

    return [name for code in LANGUAGES if (reports / (name := matrix.index_name(code))).is_file()]


def write_index(runs: list[matrix.RunDef], manifest: dict[str, Any], reports: Path) -> Path:
    """Write ``reports/index.html`` and the index of every other language of ``runs``
    atomically (an index of a language no longer shown is removed): every run with its status
    and pages. Returns the English index."""
    from compare.language import LANGUAGES  # noqa: PLC0415

    groups = index_groups(runs, manifest, reports)
    rows = [page for _, rows in groups for row in rows for page in row.get("languages") or [row]]
    git = manifest.get("git") or {}
    summary = {
        "total": len(rows),
        "ok": sum(r["status"] == "ok" for r in rows),
        "failed": sum(r["status"] in ("failed", "timeout") for r in rows),
        "not_run": sum(r["status"] == "not-run" for r in rows),
        "updated": manifest.get("updated_at") or utc_now(),
        "commit": (git.get("commit") or "")[:10],
        "dirty": bool(git.get("dirty")),
    }
    from compare.reports import findings_data  # noqa: PLC0415
    from compare.reports.findings import read  # noqa: PLC0415

    findings = read(reports)
    csv = findings_data.write(reports, findings)  # index.data/findings.csv
    shown = [code for code, _name in languages_of(groups)]
    for code in shown:
        page = index_page(groups, summary, findings, reports, csv, language=code, languages=shown)
        atomic.write_text(reports / matrix.index_name(code), page)
    for code in (c for c in LANGUAGES if c not in shown):
        (reports / matrix.index_name(code)).unlink(missing_ok=True)
    return reports / matrix.index_name("en")
