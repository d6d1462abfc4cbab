"""Benchmark: regenerate only what changed, and a faster full matrix, measured in one run.

In a temporary home built from the mirror, with the whole default matrix
(``notebooks/reports.yml``):

1. **baseline, full matrix cold**: ``compare report`` of the runner before per-report
   dependencies (``--baseline REV``, checked out with ``git worktree`` and imported through
   ``PYTHONPATH``; the same virtual environment), into an empty folder;
2. **current, full matrix cold**: ``compare report`` of this checkout, into an empty folder;
3. **no-op**: the current runner again, nothing changed (best and median of 5);
4. **one source changed**: a SYNTHETIC extra year appended to the home's copy of one mirror
   file (``--source``, default the World Bank broadband download), ``compare build --only`` it,
   ``compare report --dry-run`` (its list of runs), then ``compare report``: the number of
   reports re-run, which must equal the number that read that source (from the manifest's
   recorded reads), and the time of that partial run.

Goals (issue 16): current cold at least 20% faster than the baseline; a one-source World Bank
change re-runs at most a quarter of the matrix; no-op under 0.3 s. The baseline runs first and
the current second (the second run has warmer disk caches; run the script twice and compare).

    python bench/bench_incremental.py [--baseline REV] [--rounds 2]

After the cold runs it prints where each runner's time went (``bench/profile_runs.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from profile_runs import print_profile, profile  # bench/ is the script's folder

ROOT = Path(__file__).resolve().parent.parent
#: The runner before per-report dependencies (main with issues 11-14, 17, 18, before 16).
DEFAULT_BASELINE = "f859f6f"
#: Where each source's appended SYNTHETIC row goes, and the row (a year the file lacks).
CHANGES = {
    "wb-fixed-broadband": ("data.csv", "Spain,ESP,2025,41.5\n"),
    "wb-it-net-secr-p6": ("data.csv", "Spain,ESP,2025,99999.0\n"),
}


def _compare(home: Path, *args: str, python_path: str | None = None) -> tuple[float, str]:
    """Run ``compare ARGS`` in ``home``; (seconds, stdout). Fails loudly on a non-zero exit."""
    env = {k: v for k, v in os.environ.items() if k != "COMPARE_REPORT"}
    env["COMPARE_HOME"] = str(home)
    env["COMPARE_CACHE"] = "off"  # no memo carried from one cold run to the next
    if python_path:
        env["PYTHONPATH"] = python_path
    started = time.perf_counter()
    # run from the home: `python -m` puts the working folder first on sys.path, so a run from
    # this checkout would import its code even for the baseline
    done = subprocess.run(
        [sys.executable, "-m", "compare.cli", *args],
        capture_output=True, text=True, env=env, cwd=home, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"compare {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return seconds, done.stdout


def _home(root: Path, mirror: Path) -> Path:
    home = root / "home"
    (home / "data" / "raw").mkdir(parents=True)
    os.symlink(ROOT / "data" / "raw" / "evidence", home / "data" / "raw" / "evidence")
    os.symlink(ROOT / "notebooks", home / "notebooks")
    _compare(home, "fetch", "--from", str(mirror))
    _compare(home, "build")
    return home


def _baseline(root: Path, rev: str) -> Path:
    tree = root / "baseline"
    subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(tree), rev],
        check=True, capture_output=True,
    )  # fmt: skip
    return tree


def _readers(manifest: Path, indicators: set[str]) -> list[str]:
    runs = json.loads(manifest.read_text(encoding="utf-8"))["runs"]
    wanted = {f"indicator:{i}" for i in indicators} | {"indicator:*"}
    return sorted(rid for rid, entry in runs.items() if wanted & set(entry.get("reads", {})))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mirror", default=os.environ.get("COMPARE_MIRROR",
                        str(ROOT.parent / "shared" / "data" / "sources")))  # fmt: skip
    parser.add_argument("--baseline", default=DEFAULT_BASELINE, help="git revision to compare")
    parser.add_argument("--source", default="wb-fixed-broadband", choices=sorted(CHANGES))
    parser.add_argument("--workers", default="2")
    parser.add_argument("--rounds", type=int, default=1, help="cold matrices per runner")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-incremental-"))
    try:
        _run(root, Path(args.mirror), args)
    finally:
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force",
                        str(root / "baseline")], capture_output=True, check=False)  # fmt: skip
        shutil.rmtree(root, ignore_errors=True)


def _run(root: Path, mirror: Path, args: argparse.Namespace) -> None:
    home = _home(root, mirror)
    tree = _baseline(root, args.baseline)
    probe = _compare(home, "report", "--help", python_path=str(tree))[1]
    assert "--dry-run" not in probe, "the baseline runs this checkout's code, not REV's"
    report = ("report", "--no-progress", "--workers", args.workers)
    base_times, new_times = [], []
    for turn in range(args.rounds):  # alternated, so that a load change hits both alike
        for out in ("r-base", "r-new"):
            shutil.rmtree(root / out, ignore_errors=True)
        seconds, base_out = _compare(home, *report, "--out", str(root / "r-base"),
                                     python_path=str(tree))  # fmt: skip
        base_times.append(seconds)
        new_times.append(_compare(home, *report, "--out", str(root / "r-new"))[0])
        print(f"  round {turn + 1}: baseline {base_times[-1]:.1f} s, current {new_times[-1]:.1f} s")
    base_s, new_s = min(base_times), min(new_times)
    total = len(json.loads((root / "r-new" / "manifest.json").read_text())["runs"])
    print(f"full matrix cold ({total} runs, {args.workers} workers; best of {args.rounds})")
    print(f"  baseline {args.baseline:>10}  {base_s:7.1f} s   {base_out.strip().splitlines()[-1]}")
    print(f"  current              {new_s:7.1f} s   ratio {base_s / new_s:.2f}x  "
          f"({100 * (1 - new_s / base_s):.0f}% less time; goal >= 20%)")  # fmt: skip
    for name, out in (("baseline", "r-base"), ("current", "r-new")):
        print(f"{name}:", end=" ")
        print_profile(profile(root / out))
    noop = [_compare(home, *report, "--out", str(root / "r-new"))[0] for _ in range(5)]
    print(f"no-op: best {min(noop):.3f} s, median {statistics.median(noop):.3f} s "
          f"(goal < 0.3 s)")  # fmt: skip
    _one_source(root, home, report, args.source, total)


def _one_source(root: Path, home: Path, report: tuple[str, ...], source: str, total: int) -> None:
    from compare.catalog import load_catalog  # noqa: PLC0415

    name, row = CHANGES[source]
    raw = home / "data" / "raw" / source / name
    raw.write_text(raw.read_text(encoding="utf-8") + row, encoding="utf-8")  # SYNTHETIC row
    _compare(home, "build", "--only", source)
    indicators = {i.id for i in load_catalog().indicators.values() if i.source == source}
    readers = _readers(root / "r-new" / "manifest.json", indicators)
    _, dry = _compare(home, *report, "--out", str(root / "r-new"), "--dry-run")
    would = sorted(line.split(":")[0][len("would run "):] for line in dry.splitlines()
                   if line.startswith("would run "))  # fmt: skip
    seconds, out = _compare(home, *report, "--out", str(root / "r-new"))
    print(f"one source changed ({source}: a SYNTHETIC year appended, rebuilt)")
    print(f"  reports that read it: {len(readers)} of {total} ({', '.join(readers)})")
    print(f"  --dry-run listed {len(would)}; equal to the readers: {would == readers}")
    print(f"  re-run in {seconds:.1f} s: {out.strip().splitlines()[-1]}")
    share = len(readers) / total
    print(f"  share of the matrix re-run: {share:.1%} (goal <= 25%: "
          f"{'met' if share <= 0.25 else 'NOT met'})")  # fmt: skip


if __name__ == "__main__":
    main()
