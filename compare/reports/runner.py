"""``compare report``: run the report matrix in parallel, incrementally, as offline HTML.

1. plan: expand ``notebooks/reports.yml`` (:mod:`compare.reports.matrix`), select
   ``--only PATTERN``;
2. fingerprint each run (notebook, parameters, processed data checksums, package code) and skip
   those whose fingerprint equals the last successful run's (unless ``--force``) — this path
   imports no pandas, papermill or nbconvert and takes a fraction of a second;
3. validate every remaining run's parameters (:mod:`compare.reports.params`) before anything
   executes: one error lists every bad run, exit status 2;
4. execute on ``--executor local`` (``--workers`` processes) or ``dask`` (a ``LocalCluster``, or
   the cluster at ``--scheduler``), see :mod:`compare.reports.executors`: the languages of a
   report are :func:`compare.reports.kernel_run.execute_runs` (one kernel forked from the
   worker's warm fork server runs them one after another, each from a clean start,
   :mod:`compare.reports.session`), with a progress bar and a per-run ``--timeout``; a failing
   run is recorded and the others go on; a kernel that does not start is retried;
5. after each run, ``reports/manifest.json`` and ``reports/index.html`` are rewritten atomically,
   so a killed command leaves the previous reports and a consistent manifest.

Exit status: 0 when every selected run succeeded (or was up to date), 1 when any failed,
2 for a bad matrix or parameters (nothing executed), 3 when another command holds the project or
the reports folder (:mod:`compare.storage.locks`, taken before planning), 4 when the machine
refuses (see :mod:`compare.cli`); SIGTERM/SIGHUP stop the workers cleanly (143/129).
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compare.config import paths
from compare.errors import CompareError
from compare.reports import dependencies, executors, matrix, outputs
from compare.reports.index import write_index
from compare.storage import atomic, signals
from compare.storage.checksums import sha256_file
from compare.storage.locks import EXCLUSIVE, SHARED, file_lock, home_lock
from compare.storage.stamps import utc_now

MANIFEST_FORMAT = 1


@dataclass
class Plan:
    """The selected runs, split into to-do (with the reasons each must run) and up to date."""

    runs: list[matrix.RunDef]
    todo: list[matrix.RunSpec]
    fresh: list[str]
    code: str
    data: dict[str, str]
    notebook_sha: dict[str, str]
    state: dependencies.DataState
    why: dict[str, list[str]] = field(default_factory=dict)


# --- manifest ----------------------------------------------------------------------------------


def read_manifest(reports: Path) -> dict[str, Any]:
    """The previous manifest (an empty one when missing or unreadable)."""
    try:
        data = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
        if isinstance(data, dict) and isinstance(data.get("runs"), dict):
            return data
    except (OSError, ValueError):
        pass
    return {"format": MANIFEST_FORMAT, "runs": {}}


def write_manifest(reports: Path, manifest: dict[str, Any]) -> None:
    manifest["format"] = MANIFEST_FORMAT
    manifest["updated_at"] = utc_now()
    atomic.write_text(reports / "manifest.json", json.dumps(manifest, indent=1, default=str))


def git_state(home: Path) -> dict[str, Any]:
    """Commit of the checkout and whether tracked files differ from it (None outside git)."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(home), "rev-parse", "HEAD"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(home), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(dirty)}


def _rel(path: str | Path, base: Path) -> str:
    return os.path.relpath(Path(path), base)


# --- planning ----------------------------------------------------------------------------------


def outputs_of(reports: Path, run_id: str) -> tuple[Path, Path]:
    """Where a run's executed notebook and HTML page go (always inside ``reports``)."""
    matrix.check_run_id(run_id)
    return reports / f"{run_id}.ipynb", reports / f"{run_id}.html"


def make_plan(
    matrix_path: Path,
    home: Path,
    reports: Path,
    manifest: dict[str, Any],
    *,
    only: str | None = None,
    force: bool = False,
    timeout: float = 600.0,
    kernel: str = "warm",
    languages: Sequence[str] | None = None,
) -> Plan:
    """Expand, select and fingerprint the matrix; decide what must run. Templates must be
    clean; every run gets all its declared parameters (:mod:`compare.reports.declared`)."""
    from compare.reports import declared  # noqa: PLC0415
    from compare.reports.params import canonical  # noqa: PLC0415

    runs = matrix.select(matrix.plan(matrix_path, languages), only)
    shown = matrix.shown_languages(matrix_path, languages, manifest)
    declared.check_templates((run.notebook for run in runs), home)
    code = matrix.code_hash()
    data = matrix.data_checksums(home)
    state = dependencies.data_state(home)
    warm = matrix.warm_key(data, code)
    shas: dict[str, str] = {}
    todo: list[matrix.RunSpec] = []
    fresh: list[str] = []
    why: dict[str, list[str]] = {}
    previous = manifest.get("runs", {})
    for run in runs:
        nb = str(run.notebook)
        if nb not in shas:
            shas[nb] = sha256_file(run.notebook)
        parameters = canonical(declared.complete(run.notebook, run.parameters))
        ipynb, page = outputs_of(reports, run.run_id)
        reasons = dependencies.reasons(
            previous.get(run.run_id), notebook_sha=shas[nb], parameters=parameters,
            code=code, state=state, outputs_present=ipynb.is_file() and page.is_file(),
        )  # fmt: skip
        if force and not reasons:
            reasons = ["forced (--force)"]
        if not reasons:
            fresh.append(run.run_id)
            continue
        why[run.run_id] = reasons
        todo.append(
            matrix.RunSpec(
                run_id=run.run_id,
                notebook=nb,
                parameters=parameters,
                home=str(home),
                output_ipynb=str(ipynb),
                output_html=str(page),
                assets_href=Path(_rel(reports / "assets", page.parent)).as_posix(),
                index_href=Path(
                    _rel(reports / matrix.index_name(run.language), page.parent)
                ).as_posix(),
                title=run.title,
                group=run.group,
                language=run.language,
                alternates=matrix.alternates(run, shown, page),
                key=matrix.run_key(shas[nb], parameters, {}, code),
                warm_key=warm,
                timeout=timeout,
                kernel=kernel,
            )
        )
    # longest first (durations of the last runs), so that no worker is left with a long tail;
    # the executors run a report's languages together, English first (executors.by_report)
    todo.sort(key=lambda s: (s.language != "en", -_duration(previous, s.run_id)))
    return Plan(runs, todo, fresh, code, data, shas, state, why)


def _duration(previous: dict[str, Any], run_id: str) -> float:
    return float(previous.get(run_id, {}).get("duration") or 0.0)


def validate(plan: Plan, home: Path) -> None:
    """Check the parameters of every run to execute (raises ParameterError listing them)."""
    from compare.reports.declared import declared_parameters  # noqa: PLC0415
    from compare.reports.params import Vocabulary, validate_runs  # noqa: PLC0415

    by_id = {r.run_id: r for r in plan.runs}
    validate_runs(
        ((s.run_id, by_id[s.run_id].notebook, s.parameters) for s in plan.todo),
        Vocabulary(home),
        declared_of=declared_parameters,
    )


# --- the command -------------------------------------------------------------------------------


def _entry(
    result: Any, spec: matrix.RunSpec, plan: Plan, git: dict[str, Any], reports: Path
) -> dict[str, Any]:
    data = result.to_dict()
    reads = _read_digests(plan, spec, data.get("reads") or [])
    return {
        "notebook": _rel(spec.notebook, Path(spec.home)),
        "parameters": spec.parameters,
        "title": spec.title,
        "group": spec.group,
        "status": data["status"],
        "message": data["message"],
        "failing_cell": data["failing_cell"],
        "duration": data["duration"],
        "started_at": data["started_at"],
        "finished_at": data["finished_at"],
        "git_commit": git.get("commit"),
        "git_dirty": git.get("dirty"),
        "code_hash": plan.code,
        "data_checksums": plan.data,
        "notebook_sha256": plan.notebook_sha[spec.notebook],
        "key": matrix.run_key(plan.notebook_sha[spec.notebook], spec.parameters, reads, plan.code),
        "reads": reads,
        "kernel": data["kernel"],
        "timings": data["timings"],
        "outputs": {name: _rel(path, reports) for name, path in data["outputs"].items()},
    }


def _read_digests(plan: Plan, spec: matrix.RunSpec, logged: list[str]) -> dict[str, str]:
    """Each input the run read with its digest: the one the run computed where it logged one
    (``family:KEY#DIGEST``), else the plan's."""
    given = dict(line.split("#", 1) for line in logged if "#" in line)
    recorded = sorted({line.split("#", 1)[0] for line in logged})
    return {read: given.get(read) or plan.state.digest(read)
            for read in _fingerprinted(spec, recorded)}  # fmt: skip


def _fingerprinted(spec: matrix.RunSpec, recorded: list[str]) -> list[str]:
    """The inputs a run's fingerprint covers: what it read; for a notebook the project has no
    rule for (its reads may bypass the logged readers), also the whole table and evidence."""
    if dependencies.declared_reads_known(spec.notebook):
        return recorded
    return sorted({*recorded, dependencies.WHOLE_TABLE, dependencies.EVIDENCE})


def _progress(total: int, disabled: bool) -> Any:
    from tqdm import tqdm  # noqa: PLC0415

    return tqdm(total=total, unit="run", desc="reports", disable=disabled, file=sys.stderr)


def run(
    matrix_path: Path | None = None,
    *,
    home: Path | None = None,
    reports: Path | None = None,
    only: str | None = None,
    force: bool = False,
    workers: int | None = None,
    timeout: float = 600.0,
    executor: str = "local",
    scheduler: str | None = None,
    kernel: str = "warm",
    progress: bool = True,
    dry_run: bool = False,
    echo: Callable[[str], None] = print,
    wait: float = 0.0,
    languages: Sequence[str] | None = None,
) -> int:
    """Run the matrix; returns the exit status (see the module docstring). ``dry_run``: say
    which runs would execute and why, and which are up to date; nothing is written."""
    executors.check(executor, scheduler)  # before any work
    where = paths(home)
    home = where.home
    matrix_path = Path(matrix_path) if matrix_path else where.notebooks / "reports.yml"
    reports = Path(reports).resolve() if reports else where.reports
    if reports.exists() and not reports.is_dir():
        raise CompareError(f"--out {reports} is a file, not a folder: name a folder")
    # the project's data shared (no build swaps them mid-report), the reports folder exclusive,
    # both before anything is planned
    if dry_run:  # reads only: no lock on the reports folder, nothing created or removed
        with home_lock(home, SHARED, wait=wait):
            plan = make_plan(matrix_path, home, reports, read_manifest(reports), only=only,
                             force=force, timeout=timeout, kernel=kernel,
                             languages=languages)  # fmt: skip
            if plan.todo:
                validate(plan, home)
        for line in dry_run_lines(plan):
            echo(line)
        return 0
    with home_lock(home, SHARED, wait=wait), report_lock(reports, wait=wait):
        outputs.remove_stale_pending(reports)
        manifest = read_manifest(reports)
        plan = make_plan(matrix_path, home, reports, manifest, only=only, force=force,
                         timeout=timeout, kernel=kernel, languages=languages)  # fmt: skip
        if not plan.todo:
            shown = matrix.shown_languages(matrix_path, languages, manifest)
            if any(not (reports / matrix.index_name(code)).is_file() for code in shown):
                write_index(matrix.plan(matrix_path, shown), manifest, reports)
            echo(f"compare report: {len(plan.fresh)} report(s) up to date, nothing to run "
                 f"({reports / 'index.html'})")  # fmt: skip
            return 0
        validate(plan, home)
        for line in why_lines(plan):
            echo(line)
        return _execute(plan, matrix_path, home, reports, manifest, only=only, workers=workers,
                        executor=executor, scheduler=scheduler, progress=progress,
                        echo=echo, languages=languages)  # fmt: skip


def dry_run_lines(plan: Plan) -> list[str]:
    """What ``--dry-run`` prints: each run that would execute with its reasons, then the runs
    that are up to date."""
    lines = [f"would run {s.run_id}: {'; '.join(plan.why[s.run_id])}" for s in plan.todo]
    lines += [f"up to date {run_id}" for run_id in plan.fresh]
    lines.append(
        f"compare report --dry-run: {len(plan.todo)} would run, {len(plan.fresh)} up to date "
        "(nothing was written)"
    )
    return lines


def why_lines(plan: Plan, shown: int = 6) -> list[str]:
    """Before a run: how many reports run and why, grouped by reason (for logs and schedules)."""
    by_reason: dict[str, list[str]] = {}
    for spec in plan.todo:
        by_reason.setdefault("; ".join(plan.why[spec.run_id]), []).append(spec.run_id)
    lines = [f"compare report: {len(plan.todo)} to run, {len(plan.fresh)} up to date"]
    for reason, ids in sorted(by_reason.items(), key=lambda kv: -len(kv[1])):
        listed = ", ".join(ids[:shown]) + (
            f" and {len(ids) - shown} more" if len(ids) > shown else ""
        )
        lines.append(f"  {len(ids)} because {reason}: {listed}")
    return lines


def report_lock(reports: Path, wait: float = 0.0) -> contextlib.AbstractContextManager:
    """One ``compare report`` at a time per reports folder (an exclusive lock on
    ``.reports.lock`` beside it, so that nothing of the lock is inside the folder that is
    published): two would overwrite each other's manifest."""
    reports.mkdir(parents=True, exist_ok=True)
    lock = reports.parent / f".{reports.name}.lock"
    return file_lock(lock, EXCLUSIVE, wait=wait, what=f"the reports {reports}")


def _execute(
    plan: Plan,
    matrix_path: Path,
    home: Path,
    reports: Path,
    manifest: dict[str, Any],
    *,
    only: str | None,
    workers: int | None,
    executor: str,
    scheduler: str | None,
    progress: bool,
    echo: Callable[[str], None],
    languages: Sequence[str] | None = None,
) -> int:
    """Execute ``plan.todo`` and keep the manifest and index current after each run."""
    from compare.reports import render  # noqa: PLC0415

    render.write_assets(reports)
    git = git_state(home)
    manifest["git"] = git
    manifest["matrix"] = _rel(matrix_path, home)  # relative: no local path in the manifest
    shown = matrix.shown_languages(matrix_path, languages, manifest)
    this_matrix = matrix.plan(matrix_path, shown)
    all_runs = this_matrix + outputs.other_matrices(
        manifest, matrix_path, {r.run_id for r in this_matrix}, paths(home)
    )
    specs = {s.run_id: s for s in plan.todo}
    failed: list[Any] = []
    bar = _progress(len(plan.todo), disabled=not progress or not sys.stderr.isatty())

    def on_result(result: Any) -> None:
        spec = specs[result.run_id]
        with signals.deferred():  # the page in place and in the manifest, or neither
            outputs.commit(result)
            entry = _entry(result, spec, plan, git, reports)
            manifest["runs"][result.run_id] = {
                **entry,
                "matrix": outputs.matrix_key(matrix_path, home),
            }
            write_manifest(reports, manifest)
            write_index(all_runs, manifest, reports)
        if result.status != "ok":
            failed.append(result)
            bar.write(f"FAILED {result.run_id}: {result.message.splitlines()[0][:200]}")
        bar.update(1)

    count = workers or os.cpu_count() or 1
    try:
        executors.execute(executor, plan.todo, on_result, workers=count, scheduler=scheduler,
                          note=bar.write)  # fmt: skip
    finally:
        bar.close()
        outputs.remove_stale_pending(reports, include_dead_only=False)
    done = len(plan.todo)
    echo(
        f"compare report: ran {done} ({done - len(failed)} ok, {len(failed)} failed), "
        f"{len(plan.fresh)} up to date; {reports / 'index.html'}"
    )
    for result in failed:
        where_failed = result.failing_cell
        cell = f" (cell {where_failed['index']})" if where_failed else ""
        echo(f"  failed {result.run_id}{cell}: {result.message.splitlines()[0][:300]}")
    return 1 if failed else 0


def main(args: Any) -> int:
    """Entry point of ``compare report`` (arguments from :mod:`compare.cli`)."""
    if args.workers is not None and args.workers < 1:
        raise CompareError("--workers must be at least 1")
    if args.timeout is not None and args.timeout <= 0:
        raise CompareError("--timeout must be positive")
    return run(
        args.matrix,
        reports=getattr(args, "out", None),
        only=args.only,
        force=args.force,
        workers=args.workers,
        timeout=args.timeout,
        executor=args.executor,
        scheduler=getattr(args, "scheduler", None),
        kernel=getattr(args, "kernels", "warm") or "warm",
        progress=not args.no_progress,
        dry_run=getattr(args, "dry_run", False),
        wait=getattr(args, "wait", 0.0),
        languages=matrix.parse_languages(getattr(args, "languages", None)),
    )
