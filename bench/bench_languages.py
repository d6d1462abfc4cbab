"""Regenerating reports in two languages against English only, each in a fresh output folder
and in the same run (so the machine's load is shared by both sides).

    .venv/bin/python bench/bench_languages.py [--only PATTERN] [--workers N] [--repeat R]

Baseline: ``compare report --only PATTERN --languages en`` into an empty folder.
Candidate: ``compare report --only PATTERN --languages en,es`` into another empty folder.
One English run first warms the caches (not counted); then the two alternate ``--repeat`` times.
Prints both wall times (best of ``--repeat``) and the ratio candidate / baseline; the target is
1.6x or less (data, statistics and figures are shared between languages; only wording differs).
Also prints the CPU seconds of each command and everything it started (``RUSAGE_CHILDREN``:
workers, fork servers, kernels), whose ratio moves less than wall time when other work shares
the machine.
Needs the processed data (``make build``). Results are recorded in docs/BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MATRIX = ROOT / "notebooks" / "reports.yml"


def report(only: str, languages: str, workers: int) -> tuple[float, float]:
    """Wall and CPU seconds of one ``compare report`` into a new empty folder, with a new empty
    memo of bootstrap intervals (``$COMPARE_CACHE``): no run reads what an earlier one
    computed."""
    with tempfile.TemporaryDirectory(prefix="bench-languages-") as folder:
        command = [
            sys.executable, "-m", "compare.cli", "report", "--matrix", str(MATRIX),
            "--only", only, "--languages", languages, "--out", str(Path(folder) / "reports"),
            "--workers", str(workers), "--no-progress",
        ]  # fmt: skip
        env = {k: v for k, v in os.environ.items() if k != "COMPARE_REPORT"}
        env["COMPARE_CACHE"] = str(Path(folder) / "cache")
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        seconds = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"compare report failed:\n{done.stdout}\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only",
        default="indicator_comparison/internet_users_pct,"
        "indicator_comparison/egdi,indicator_comparison/gtmi,country_profile/ECU",
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)
    report(args.only, "en", args.workers)  # warm-up (file caches, bytecode), not counted
    english: list[tuple[float, float]] = []
    both: list[tuple[float, float]] = []
    for _ in range(args.repeat):  # alternate, so that a change of load hits both sides
        english.append(report(args.only, "en", args.workers))
        both.append(report(args.only, "en,es", args.workers))
    (english_wall, english_cpu), (both_wall, both_cpu) = min(english), min(both)
    print(
        f"selection: {args.only} ({args.workers} workers, best of {args.repeat} after a "
        "warm-up run)"
    )
    print(f"English only:        {english_wall:7.1f} s wall {english_cpu:8.1f} s CPU")
    print(f"English + Spanish:   {both_wall:7.1f} s wall {both_cpu:8.1f} s CPU")
    print(
        f"ratio: {both_wall / english_wall:.2f}x wall (target <= 1.6x), "
        f"{both_cpu / english_cpu:.2f}x CPU"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
