"""Where a report run's time goes, from what a ``compare report`` already recorded.

Reads a reports folder (default ``reports/``): each run's phases from ``manifest.json``
(``fork_server_wait``, ``imports``, ``execute``, ``stop_kernel``, ``render``) and, inside
``execute``, each cell's duration as papermill records it in the executed notebook
(``metadata.papermill.duration``). Cells are put in one kind by what they call first:
data load, statistics, figures, sentences/tables, imports and parameters. Prints totals and
means per phase and per kind, and the slowest cells across the matrix.

    python bench/profile_runs.py [REPORTS]
"""

from __future__ import annotations

import json
import re
import sys
from collections import defaultdict
from pathlib import Path

PHASES = ("fork_server_wait", "imports", "execute", "stop_kernel", "render")
#: The first pattern a cell's source matches names its kind (order matters).
KINDS = (
    ("figures", re.compile(r"compare\.figures|\bfigures\.|choropleth|distribution\(|trend\(")),
    ("statistics", re.compile(r"compare_regions|family_tests|convergence|regional_means|stats\.")),
    ("data load", re.compile(r"compare\.load\(|\bload\(|panel\(|read_panels")),
    ("sentences and tables", re.compile(r"\bmd\(|show_table|compare\.text|sentence")),
    ("imports and parameters", re.compile(r"^\s*(import|from|#|[a-z_]+\s*=)", re.M)),
)


def kind_of(source: str) -> str:
    """The kind of a cell's work, by the first pattern its source matches."""
    for name, pattern in KINDS:
        if pattern.search(source):
            return name
    return "other"


def profile(reports: Path) -> dict[str, object]:
    """Phase totals, cell-kind totals and the slowest cells of the runs in ``reports``."""
    runs = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))["runs"]
    phases: dict[str, float] = defaultdict(float)
    kinds: dict[str, float] = defaultdict(float)
    cells: list[tuple[float, str, str]] = []
    counted = 0
    for run_id, entry in runs.items():
        if entry.get("status") != "ok":
            continue
        counted += 1
        for phase in PHASES:
            phases[phase] += float((entry.get("timings") or {}).get(phase) or 0.0)
        ipynb = reports / entry["outputs"]["ipynb"]
        for cell in json.loads(ipynb.read_text(encoding="utf-8"))["cells"]:
            duration = (cell.get("metadata", {}).get("papermill") or {}).get("duration")
            if cell["cell_type"] != "code" or duration is None:
                continue
            source = "".join(cell["source"])
            kinds[kind_of(source)] += float(duration)
            first = next((line for line in source.splitlines() if line.strip()), "")
            cells.append((float(duration), run_id, first[:70]))
    return {"runs": counted, "phases": dict(phases), "kinds": dict(kinds), "cells": cells}


def print_profile(found: dict[str, object], slowest: int = 8) -> None:
    """The profile as text (seconds summed over runs, and per run)."""
    runs = max(int(found["runs"]), 1)  # type: ignore[call-overload]
    phases: dict[str, float] = found["phases"]  # type: ignore[assignment]
    kinds: dict[str, float] = found["kinds"]  # type: ignore[assignment]
    print(f"profile of {runs} ok runs (seconds: total over runs / mean per run)")
    for phase in PHASES:
        print(f"  {phase:24} {phases.get(phase, 0.0):8.1f} / {phases.get(phase, 0.0) / runs:6.3f}")
    print("  inside execute, by cell kind:")
    for name, seconds in sorted(kinds.items(), key=lambda kv: -kv[1]):
        print(f"    {name:22} {seconds:8.1f} / {seconds / runs:6.3f}")
    print(f"  slowest {slowest} cells:")
    for seconds, run_id, first in sorted(found["cells"], reverse=True)[:slowest]:  # type: ignore[call-overload]
        print(f"    {seconds:6.2f} s  {run_id:48} {first}")


if __name__ == "__main__":
    print_profile(profile(Path(sys.argv[1] if len(sys.argv) > 1 else "reports")))
