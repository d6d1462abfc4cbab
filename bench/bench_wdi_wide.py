"""Benchmark: the World Bank wide reader on a WDI-sized file vs pyarrow's raw CSV read.

Generates (into a temporary folder, deleted afterwards) a wide CSV in the real ``API_*`` layout:
UTF-8 BOM, the 4-line preamble, ``Country Name, Country Code, Indicator Name, Indicator Code,
1960 .. 2023`` and a trailing comma, every field quoted. Economies are the 266 real names and
codes of the mirror's ``wb-internet-users`` download; indicator codes and every value are
SYNTHETIC (random, in the WDI style: a start year, a few gaps, 4 to 12 significant digits).

Then times, in the same process, ``--repeat`` rounds that each run every step once (so that
every step sees the same machine load; the best round of each step is kept):
  baseline   ``pyarrow.csv.read_csv`` of the same file (skipping the preamble, types inferred)
  strings    the same read with every column as a string (what the reader needs)
  table      ``compare.ingest.sources.base.read_text_table`` (header, encoding and bad-row checks)
  read_wide  ``compare.ingest.sources.worldbank.read_wide`` (text table + records, one per value)
  selected   ``read_wide(..., wanted=5 series)``: as ``compare build`` reads the file when the
             catalog asks for 5 of its series (the other rows' values are counted, not melted)
and prints wall and CPU time (all threads) with the ratios to the baseline, and the load average
(other work on the machine). Goal: read_wide within 1.5x of the baseline (wall time).

    python bench/bench_wdi_wide.py            # ~200 MB (1,500 indicators x 266 economies)
    python bench/bench_wdi_wide.py --quick    # ~20 MB (150 indicators)
    git show REV:compare/sources/worldbank.py > /tmp/old_worldbank.py
    python bench/bench_wdi_wide.py --also /tmp/old_worldbank.py   # an earlier reader too
"""

from __future__ import annotations

import argparse
import csv
import gc
import importlib.util
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

YEARS = list(range(1960, 2024))


def economies() -> list[tuple[str, str]]:
    """The 266 (name, code) rows of the real World Bank download in the mirror."""
    from compare.catalog import load_catalog  # noqa: PLC0415
    from compare.config import mirror_dir, paths, shared_dir  # noqa: PLC0415

    source = load_catalog().source("wb-internet-users")
    candidates = [
        paths().raw / source.id,
        (mirror_dir() or shared_dir() / "data" / "sources") / source.id,
    ]
    for folder in candidates:
        if (folder / source.files[0]).is_file():
            with (folder / source.files[0]).open(encoding="utf-8-sig", newline="") as handle:
                rows = list(csv.reader(handle))
            start = next(
                i for i, row in enumerate(rows) if row[:2] == ["Country Name", "Country Code"]
            )
            return [(row[0], row[1]) for row in rows[start + 1 :] if len(row) > 1 and row[1]]
    sys.exit(f"no {source.files[0]} in {', '.join(map(str, candidates))}: fetch the mirror first")


def generate(path: Path, indicators: int, seed: int = 2024) -> tuple[int, int]:
    """Write the synthetic file; returns (data rows, non-empty value cells)."""
    rng = np.random.default_rng(seed)
    places = economies()
    header = ["Country Name", "Country Code", "Indicator Name", "Indicator Code", *map(str, YEARS)]
    cells = 0
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        handle.write('"Data Source","World Development Indicators",\n\n')
        handle.write('"Last Updated Date","2024-12-16",\n\n')
        handle.write(",".join(f'"{h}"' for h in header) + ",\n")
        for k in range(indicators):
            code = f"SYN.{k // 100:02d}.{k % 100:02d}.ZS"
            name = f"Synthetic indicator {k:04d} (benchmark only, % of population)"
            scale = 10.0 ** rng.integers(-2, 10)
            digits = int(rng.integers(4, 13))  # each indicator has its own precision
            n = len(places)
            start = rng.integers(1960, 2021, size=n)
            end = rng.integers(2019, 2024, size=n)
            empty_row = rng.random(n) < 0.15
            years = np.array(YEARS)
            present = (years >= start[:, None]) & (years <= end[:, None]) & ~empty_row[:, None]
            present &= rng.random((n, len(YEARS))) > 0.08
            values = rng.random((n, len(YEARS))) * scale
            cells += int(present.sum())
            for i, (country, iso3) in enumerate(places):
                row = [
                    f'"{v:.{digits}g}"' if p else '""'
                    for v, p in zip(values[i], present[i], strict=True)
                ]
                handle.write(f'"{country}","{iso3}","{name}","{code}",' + ",".join(row) + ",\n")
    return indicators * len(places), cells


def rounds(repeat: int, steps: dict[str, Callable[[], object]]) -> dict[str, tuple[float, float]]:
    """(best wall time, best CPU time) of each step over ``repeat`` rounds; a round runs every
    step once, in order."""
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in steps}
    for _ in range(repeat):
        for name, run in steps.items():
            gc.collect()
            wall, cpu = time.perf_counter(), time.process_time()
            result = run()
            times[name].append((time.perf_counter() - wall, time.process_time() - cpu))
            del result
    return {name: (min(w for w, _ in got), min(c for _, c in got)) for name, got in times.items()}


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="150 indicators (~20 MB)")
    parser.add_argument("--indicators", type=int, default=None, help="default 1500")
    parser.add_argument("--repeat", type=int, default=3, help="rounds (best kept)")
    parser.add_argument("--also", type=Path, default=None, help="another worldbank.py (e.g. an "
                        "earlier version) whose read_wide is timed in the same rounds")  # fmt: skip
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    indicators = args.indicators or (150 if args.quick else 1500)

    from compare.catalog import Source  # noqa: PLC0415

    with tempfile.TemporaryDirectory(prefix="bench-wdi-") as tmp:
        folder = Path(tmp)
        name = "API_SYNTHETIC_DS2_en_csv_v2_bench.csv"
        started = time.perf_counter()
        rows, cells = generate(folder / name, indicators)
        size = (folder / name).stat().st_size
        print(
            f"generated {name}: {size / 1e6:.0f} MB, {rows:,} rows x {len(YEARS)} years, "
            f"{cells:,} values, in {time.perf_counter() - started:.0f} s (synthetic values)"
        )
        source = Source(id="bench-wdi", reader="worldbank_wide", files=(name,),
                        licence="synthetic", citation="synthetic benchmark file")  # fmt: skip
        count, wanted, selected = _check_reader(source, folder, cells)
        steps = _steps(source, folder, wanted, also=args.also)
        load = os.getloadavg()
        best = rounds(args.repeat, steps)
        after = os.getloadavg()
        labels = {
            "baseline": "pyarrow.csv.read_csv (baseline)",
            "strings": "pyarrow.csv.read_csv, all strings",
            "table": "compare read_text_table (table)",
            "read_wide": f"compare read_wide ({count:,} records)",
            "selected": f"read_wide, 5 series wanted ({selected:,} records)",
            "also": f"read_wide of {args.also.name if args.also else ''}",
        }
        print(f"best of {args.repeat} rounds; load average {load[0]:.2f} before, "
              f"{after[0]:.2f} after ({os.cpu_count()} cores)")  # fmt: skip
        _print_table(best, labels)
        _print_verdicts(best, max(load[0], after[0]))
    return 0


def _check_reader(source: Any, folder: Path, cells: int) -> tuple[int, list[str], int]:
    """Read the file once, outside the timings, and check the record counts: (records, the 5
    series wanted by the "selected" step, records read with them)."""
    from compare.ingest.sources.worldbank import read_wide  # noqa: PLC0415

    full = read_wide(source, folder)  # once, outside the timings
    count = len(full)
    assert count == cells, f"read_wide returned {count:,} records, {cells:,} expected"
    wanted = list(full["series"].cat.categories[:5])
    part = read_wide(source, folder, wanted=wanted)
    assert len(part) + part.attrs["rows_not_selected"] == cells
    return count, wanted, len(part)


def _steps(
    source: Any, folder: Path, wanted: list[str], *, also: Path | None
) -> dict[str, Callable[[], object]]:
    """The timed steps (see the module docstring), with ``also``'s read_wide when given."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.csv as pacsv  # noqa: PLC0415

    from compare.ingest.sources.base import read_text_table  # noqa: PLC0415
    from compare.ingest.sources.worldbank import read_wide  # noqa: PLC0415

    path = folder / source.files[0]
    skip = pacsv.ReadOptions(skip_rows=4)
    header = pacsv.open_csv(path, skip).schema.names
    strings_options = pacsv.ConvertOptions(
        column_types=dict.fromkeys(header, pa.string()), strings_can_be_null=False
    )
    steps: dict[str, Callable[[], object]] = {
        "baseline": lambda: pacsv.read_csv(path, skip),
        "strings": lambda: pacsv.read_csv(path, skip, convert_options=strings_options),
        "table": lambda: read_text_table(path, ("Country Name", "Country Code")),
        "read_wide": lambda: read_wide(source, folder),
        "selected": lambda: read_wide(source, folder, wanted=wanted),
    }
    if also:
        spec = importlib.util.spec_from_file_location("bench_other_reader", also)
        other = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(other)
        steps["also"] = lambda: other.read_wide(source, folder)
    return steps


def _print_table(best: dict[str, tuple[float, float]], labels: dict[str, str]) -> None:
    """Wall and CPU time of each step, with the ratios to the baseline."""
    wall, cpu = best["baseline"]
    print(f"{'':42} {'wall s':>7} {'ratio':>6} {'CPU s':>7} {'ratio':>6}")
    for key, label in labels.items():
        if key not in best:
            continue
        w, c = best[key]
        print(f"{label:42} {w:7.3f} {w / wall:6.2f} {c:7.3f} {c / cpu:6.2f}")


def _print_verdicts(best: dict[str, tuple[float, float]], load: float) -> None:
    """A note when the machine was busy, and whether read_wide meets its goal."""
    wall = best["baseline"][0]
    if load > 0.5:
        print(f"note: other work was running (load average above 0.5): the steps did not "
              f"always get the {os.cpu_count()} cores; wall ratios vary from run to run, "
              f"CPU ratios much less")  # fmt: skip
    for key, what in (("read_wide", "every value melted"),
                      ("selected", "as the build reads it, 5 series wanted")):  # fmt: skip
        ratio = best[key][0] / wall
        print(f"goal: read_wide within 1.50x of the baseline (wall), {what}: {ratio:.2f}x, "
              f"{'met' if ratio <= 1.5 else 'NOT met'}")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
