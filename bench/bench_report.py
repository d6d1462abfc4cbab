"""Benchmark: `compare report` (local, Dask) against a naive sequential papermill loop, in one run.

Every variant executes the same runs of the default matrix (``notebooks/reports.yml``) on the
processed data of the project home, into its own temporary folder:

1. **naive**: for each run, the ``papermill`` CLI (``-p NAME VALUE``) then ``jupyter nbconvert
   --to html`` on the result, one after the other (what a shell loop over the matrix does);
2. **pool, cold kernels**: ``compare report --kernels cold`` -- the runner with a process pool
   of ``--workers`` and a new kernel process per run (a plain process pool);
3. **compare report, cold**: ``compare report`` as shipped (warm kernels forked from a
   pre-imported server), into an empty folder: nothing is skipped;
4. **compare report, dask**: ``compare report --executor dask`` into an empty folder: the same
   runs on a Dask ``LocalCluster`` of ``--workers`` process workers (started by the command);
5. **no-op**: ``compare report`` again on the local folder: every run is up to date (best of 3).

By default a documented subset of the matrix (``--runs subset``: every 5th indicator comparison,
four country profiles, the evidence overview and the data coverage notebook, 17 runs) keeps the
naive loop to a few minutes; ``--runs all`` uses all of it. Goals: cold >= 3x faster than naive
on 2 cores, no-op < 1 s; dask close to local (same work, plus a cluster's start-up).

    python bench/bench_report.py                 # subset, 2 workers
    python bench/bench_report.py --runs all      # the whole default matrix
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from compare.config import paths  # noqa: E402
from compare.reports import matrix  # noqa: E402

SUBSET_PROFILES = ("ESP", "DEU", "MEX", "BRA")


def _bin(name: str) -> str:
    found = Path(sys.executable).parent / name
    return str(found) if found.exists() else (shutil.which(name) or name)


def choose(which: str) -> list[matrix.RunDef]:
    """The runs of the default matrix used by every variant."""
    runs = matrix.plan(ROOT / "notebooks" / "reports.yml")
    if which == "all":
        return runs
    comparisons = [r for r in runs if r.run_id.startswith("indicator_comparison/")][::5]
    profiles = [r for r in runs if r.parameters.get("country") in SUBSET_PROFILES]
    others = [r for r in runs if not r.run_id.startswith(("indicator_", "country_"))]
    return comparisons + profiles + others


def write_matrix(runs: list[matrix.RunDef], path: Path) -> Path:
    """The chosen runs as an explicit matrix file (one entry per run)."""
    import yaml  # noqa: PLC0415

    entries = [
        {"notebook": str(r.notebook), "parameters": r.parameters, "name": r.run_id.split("/")[1]}
        for r in runs
    ]
    path.write_text(yaml.safe_dump({"runs": entries}, allow_unicode=True), encoding="utf-8")
    return path


def naive(runs: list[matrix.RunDef], out: Path, env: dict[str, str]) -> tuple[float, float]:
    """(papermill seconds, papermill + nbconvert seconds) of the sequential CLI loop."""
    executing = 0.0
    started = time.perf_counter()
    for run in runs:
        target = out / f"{run.run_id.replace('/', '__')}.ipynb"
        command = [_bin("papermill"), str(run.notebook), str(target), "--no-progress-bar"]
        for name, value in run.parameters.items():
            command += ["-p", name, str(value)]
        t0 = time.perf_counter()
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
        executing += time.perf_counter() - t0
        if done.returncode != 0:
            print(f"  naive: {run.run_id} failed: {done.stderr.strip().splitlines()[-1:]}")
        subprocess.run(
            [_bin("jupyter"), "nbconvert", "--to", "html", str(target)],
            env=env, capture_output=True, check=False,
        )  # fmt: skip
    return executing, time.perf_counter() - started


def compare_report(matrix_file: Path, out: Path, env: dict[str, str], *args: str) -> float:
    command = [_bin("compare"), "report", "--matrix", str(matrix_file), "--out", str(out),
               "--no-progress", *args]  # fmt: skip
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    summary = [line for line in done.stdout.splitlines() if line.startswith("compare report:")]
    print(f"  {' '.join(args) or 'default'}: {(summary or ['(no summary)'])[-1]}")
    if done.returncode not in (0, 1):
        raise SystemExit(f"compare report failed: {done.stdout}{done.stderr}")
    return elapsed


def _statuses(reports: Path) -> dict[str, str]:
    runs = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))["runs"]
    return {run_id: entry["status"] for run_id, entry in runs.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", choices=("subset", "all"), default="subset")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--skip-naive", action="store_true", help="only the compare variants")
    parser.add_argument("--skip-pool", action="store_true", help="no cold-kernel pool variant")
    args = parser.parse_args(argv)

    home = paths()
    if not (home.processed / "build_manifest.json").is_file():
        raise SystemExit("no processed data: run `make build` first")
    runs = choose(args.runs)
    env = {k: v for k, v in os.environ.items() if k != "COMPARE_REPORT"}
    env["COMPARE_HOME"] = str(home.home)
    workers = str(args.workers)
    print(f"{len(runs)} runs ({args.runs}), {workers} workers, {os.cpu_count()} CPUs")
    with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
        base = Path(tmp)
        matrix_file = write_matrix(runs, base / "matrix.yml")
        figures: dict[str, float] = {}
        if not args.skip_naive:
            (base / "naive").mkdir()
            executing, total = naive(runs, base / "naive", env)
            figures["naive: papermill CLI only"] = executing
            figures["naive: papermill + nbconvert CLI"] = total
        if not args.skip_pool:
            figures["pool, cold kernels"] = compare_report(
                matrix_file, base / "pool", env, "--workers", workers, "--kernels", "cold"
            )
        figures["compare report, cold"] = compare_report(
            matrix_file, base / "warm", env, "--workers", workers
        )
        figures["compare report --executor dask"] = compare_report(
            matrix_file, base / "dask", env, "--workers", workers, "--executor", "dask"
        )
        statuses = [_statuses(base / name) for name in ("warm", "dask")]
        same = "same" if statuses[0] == statuses[1] else "DIFFERENT"
        ok = sum(v == "ok" for v in statuses[1].values())
        print(f"  run statuses, local vs dask: {same} ({ok} ok of {len(statuses[1])})")
        figures["compare report, no-op"] = min(
            compare_report(matrix_file, base / "warm", env, "--workers", workers) for _ in range(3)
        )
    reference = figures.get("naive: papermill + nbconvert CLI")
    print(f"\n{'variant':36} {'seconds':>8} {'per run':>8} {'naive / this':>13}")
    for name, seconds in figures.items():
        ratio = f"{reference / seconds:13.1f}" if reference else f"{'-':>13}"
        print(f"{name:36} {seconds:8.2f} {seconds / len(runs):8.2f} {ratio}")
    cold = figures["compare report, cold"]
    dask = figures["compare report --executor dask"]
    if reference:
        print(f"\ncold vs naive: {reference / cold:.1f}x faster (goal >= 3x)")
        print(f"dask vs naive: {reference / dask:.1f}x faster")
    if "pool, cold kernels" in figures:
        print(f"cold vs pool of cold kernels: {figures['pool, cold kernels'] / cold:.1f}x faster")
    print(f"dask / local (cold): {dask / cold:.2f}")
    print(f"no-op: {figures['compare report, no-op']:.2f} s (goal < 1 s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
