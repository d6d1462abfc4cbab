"""After ``compare report`` ran the matrix: the findings at the top of the index, then, when
asked, PDFs (``--pdf``) and the bundle to send (``--bundle FILE.zip``).

The findings (:mod:`compare.reports.findings`) are recomputed only when the processed data, the
evidence tables, the code or the indicator reports of the matrix changed; the index is then
rewritten with them. PDFs are printed for the selected runs' pages; the bundle holds every page of
the manifest. The exit status of the run is kept (a failed report still exits 1, after the
bundle is written); problems with ``--pdf`` or ``--bundle`` themselves exit 2.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from compare.config import paths


def _where(args: Any) -> tuple[Path, Path, Path]:
    """(home, reports folder, matrix file) as ``compare report`` resolved them."""
    where = paths()
    reports = Path(args.out).resolve() if getattr(args, "out", None) else where.reports
    matrix = Path(args.matrix) if getattr(args, "matrix", None) else where.notebooks / "reports.yml"
    return where.home, reports, matrix


def refresh_index(
    home: Path, reports: Path, matrix_path: Path, echo: Callable[[str], None]
) -> None:
    """Recompute the findings when their inputs changed, and then rewrite the index."""
    from compare.reports import declared, findings, matrix  # noqa: PLC0415
    from compare.reports.index import write_index  # noqa: PLC0415
    from compare.reports.runner import read_manifest  # noqa: PLC0415

    manifest = read_manifest(reports)
    if not manifest["runs"] and not (reports / "index.html").is_file():
        return  # nothing ran here yet
    shown = matrix.shown_languages(matrix_path, None, manifest)
    runs = matrix.plan(matrix_path, shown)
    reported = {
        run_id
        for run_id, entry in manifest["runs"].items()
        if (entry.get("outputs") or {}).get("html") and entry.get("status") == "ok"
    }
    wanted = findings.wanted_rows(runs, declared.complete, reported)
    evidence = findings.evidence_report(runs)
    if not wanted and evidence is None:
        return
    _, computed = findings.refresh(
        reports,
        wanted,
        evidence,
        data=matrix.data_checksums(home),
        code=matrix.code_hash(),
        home=home,
        reads={run_id: entry.get("reads") for run_id, entry in manifest["runs"].items()},
    )
    if computed or any(not (reports / matrix.index_name(code)).is_file() for code in shown):
        write_index(runs, manifest, reports)
        echo(
            f"compare report: findings of {len(wanted)} indicator report(s) in "
            f"{reports / 'index.html'}"
        )


def selected_pages(
    reports: Path, matrix_path: Path, only: str | None, languages: list[str] | None = None
) -> list[Path]:
    """The HTML pages of the runs ``only`` selects (in ``languages``, default the matrix's)
    that exist."""
    from compare.reports import matrix  # noqa: PLC0415
    from compare.reports.runner import outputs_of  # noqa: PLC0415

    runs = matrix.select(matrix.plan(matrix_path, languages), only)
    return [page for run in runs if (page := outputs_of(reports, run.run_id)[1]).is_file()]


def after_report(args: Any, status: int, echo: Callable[[str], None] = print) -> int:
    """Findings and index, then ``--pdf`` and ``--bundle``, under the same locks as the run
    (the project's data shared, the reports folder exclusive); returns the run's exit status.
    A ``--dry-run`` writes nothing, so nothing follows it."""
    if getattr(args, "dry_run", False):
        return status
    from compare.reports.runner import report_lock  # noqa: PLC0415
    from compare.storage.locks import SHARED, home_lock  # noqa: PLC0415

    home, reports, matrix_path = _where(args)
    wait = getattr(args, "wait", 0.0)
    with home_lock(home, SHARED, wait=wait), report_lock(reports, wait=wait):
        return _publish(args, status, (home, reports, matrix_path), echo)


def _publish(
    args: Any, status: int, where: tuple[Path, Path, Path], echo: Callable[[str], None]
) -> int:
    home, reports, matrix_path = where
    refresh_index(home, reports, matrix_path, echo)
    if getattr(args, "pdf", False):
        from compare.reports.index import write_index  # noqa: PLC0415
        from compare.reports.matrix import parse_languages, plan, shown_languages  # noqa: PLC0415
        from compare.reports.pdf import print_pages  # noqa: PLC0415
        from compare.reports.runner import read_manifest  # noqa: PLC0415

        languages = parse_languages(getattr(args, "languages", None))
        pages = selected_pages(reports, matrix_path, args.only, languages)
        done = print_pages(pages, workers=args.workers or 2, note=echo)
        counts = {
            s: sum(p.status.startswith(s) for p in done) for s in ("written", "up to", "failed")
        }
        echo(
            f"compare report: PDFs: {counts['written']} written, {counts['up to']} up to date, "
            f"{counts['failed']} failed"
        )
        manifest = read_manifest(reports)  # every index links the PDFs of its language
        write_index(plan(matrix_path, shown_languages(matrix_path, None, manifest)), manifest,
                    reports)  # fmt: skip
        status = max(status, 1 if counts["failed"] else 0)
    if getattr(args, "bundle", None):
        from compare.reports.bundle import write_bundle  # noqa: PLC0415

        made = write_bundle(
            reports, Path(args.bundle), home=home, with_notebooks=args.with_notebooks
        )
        echo(f"compare report: {made.summary()}")
    return status
