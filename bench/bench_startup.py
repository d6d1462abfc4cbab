"""Benchmark: start-up of ``import compare`` and ``compare --help`` vs an empty interpreter.

Each command runs in a fresh process, ``--repeat`` times, alternating with the baseline
``python -c pass`` (same interpreter, same run); the best and median wall times are printed with
the ratio to the baseline. Goals: ``import compare`` <= 0.3 s, ``compare --help`` <= 0.5 s.
The slowest imports of ``import compare`` (``python -X importtime``) are listed too.

    python bench/bench_startup.py            # 20 runs each
    python bench/bench_startup.py --quick    # 5 runs each
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOALS = {"import compare": 0.3, "compare --help": 0.5}


def _commands() -> dict[str, list[str]]:
    script = shutil.which("compare", path=str(Path(sys.executable).parent)) or shutil.which(
        "compare"
    )
    help_command = [script, "--help"] if script else [sys.executable, "-m", "compare.cli", "--help"]
    return {
        "python -c pass (baseline)": [sys.executable, "-c", "pass"],
        "import compare": [sys.executable, "-c", "import compare"],
        "compare --help": help_command,
    }


def _time(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - started


def slowest_imports(count: int = 8) -> list[tuple[int, str]]:
    """(cumulative microseconds, module) of the slowest imports under ``import compare``."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import compare"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    rows = []
    for line in result.stderr.splitlines():
        parts = line.split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            rows.append((int(parts[1]), parts[2].rstrip()))
    return sorted(rows, reverse=True)[:count]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 runs per command")
    parser.add_argument("--repeat", type=int, default=None, help="runs per command (default 20)")
    args = parser.parse_args(argv)
    repeat = args.repeat or (5 if args.quick else 20)
    os.environ.pop("PYTHONPROFILEIMPORTTIME", None)
    commands = _commands()
    for command in commands.values():  # warm the file cache
        _time(command)
    times: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(repeat):  # interleaved: every command sees the same machine state
        for name, command in commands.items():
            times[name].append(_time(command))
    base = min(times["python -c pass (baseline)"])
    load = os.getloadavg()[0]
    print(f"{sys.executable} ({repeat} runs each, best / median wall time; load average "
          f"{load:.2f} on {os.cpu_count()} cores)")  # fmt: skip
    for name, values in times.items():
        best, median = min(values), statistics.median(values)
        line = f"{name:28} best {best:6.3f} s  median {median:6.3f} s  ratio {best / base:5.2f}"
        if name in GOALS:
            ok = best <= GOALS[name]
            line += f"  above baseline {best - base:6.3f} s  goal <= {GOALS[name]} s: "
            line += "met" if ok else "NOT met"
        print(line)
    print("slowest imports under `import compare` (python -X importtime, cumulative):")
    for micros, module in slowest_imports():
        print(f"  {micros / 1e6:6.3f} s  {module}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
