"""Benchmark: the year loops of the rule for regional means, and country profiles.

Two comparisons, each against a baseline measured in the same run (interleaved, ``--repeat``
times, best and median wall time and their ratio):

1. coverage of every (indicator, group, year) of a few indicators: ``coverage(panel.rows(...))``
   (a frame per group-year, the baseline) against ``panel.coverage(...)`` (plain dicts);
2. country profiles of the focus countries with the panel cache cleared before each profile
   (the baseline: every profile reads its panels) against the cache kept between profiles.

Needs the processed data (``compare build``) of the project home (``$COMPARE_HOME``).

    python bench/bench_profiles.py              # 4 countries, 3 runs
    python bench/bench_profiles.py --all        # the 14 focus countries
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compare.config import DEFAULT_GROUPS, FOCUS_COUNTRIES
from compare.stats import country_profile
from compare.stats import panel as panels

INDICATORS = ("internet_users_pct", "egdi", "fixed_broadband_per100", "mobile_phone_owners_pct")


def _coverage_by_frame() -> int:
    n = 0
    for indicator in INDICATORS:
        panel = panels.read_panel(indicator)
        for year in panel.years:
            for group in DEFAULT_GROUPS:
                panels.coverage(panel.rows(group, "m49", year))
                n += 1
    return n


def _coverage_by_dicts() -> int:
    n = 0
    for indicator in INDICATORS:
        panel = panels.read_panel(indicator)
        panel._cache.clear()
        for year in panel.years:
            for group in DEFAULT_GROUPS:
                panel.coverage(group, "m49", year)
                n += 1
    return n


def _profiles(countries: list[str], *, keep_cache: bool) -> None:
    panels._PANELS.clear()
    for country in countries:
        if not keep_cache:
            panels._PANELS.clear()
        country_profile(country)


def _timed(step: Callable[[], object]) -> float:
    started = time.perf_counter()
    step()
    return time.perf_counter() - started


def _report(label: str, base: list[float], new: list[float]) -> None:
    print(
        f"{label}\n  baseline best {min(base):7.3f} s  median {statistics.median(base):7.3f} s\n"
        f"  new      best {min(new):7.3f} s  median {statistics.median(new):7.3f} s"
        f"  ratio (baseline / new, best) {min(base) / min(new):5.1f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--all", action="store_true", help="the 14 focus countries")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args(argv)
    countries = list(FOCUS_COUNTRIES if args.all else FOCUS_COUNTRIES[::4])
    n = _coverage_by_frame()  # warm: table, catalog, panels
    _coverage_by_dicts()
    times: dict[str, list[float]] = {k: [] for k in ("frame", "dicts", "cold", "cached")}
    for _ in range(args.repeat):
        times["frame"].append(_timed(_coverage_by_frame))
        times["dicts"].append(_timed(_coverage_by_dicts))
        times["cold"].append(_timed(lambda: _profiles(countries, keep_cache=False)))
        times["cached"].append(_timed(lambda: _profiles(countries, keep_cache=True)))
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores; {args.repeat} runs")
    _report(f"coverage of {n} group-years ({', '.join(INDICATORS)})", times["frame"],
            times["dicts"])  # fmt: skip
    _report(f"profiles of {len(countries)} countries ({', '.join(countries)})", times["cold"],
            times["cached"])  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
