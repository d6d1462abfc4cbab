"""Benchmark: ``compare build`` on the real mirror, per source, vs just reading the same files.

Imports every catalog source from the mirror into a temporary project home, then times (best of
``--repeat``, in the same process):
  per source   ``compare.build.run.build_source`` (read, parse values, harmonise countries, check
               ranges and duplicates) against a baseline that only reads the source's files with
               pandas (``read_csv`` with every column as text; ``read_excel`` with calamine, every
               sheet), printing the ratio;
  all sources  the whole ``compare.build.run.build`` (outputs written, schema validated) against the
               sum of the baselines.

    python bench/bench_build.py            # best of 3
    python bench/bench_build.py --quick    # best of 1
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from pathlib import Path


def best_of(repeat: int, run: Callable[[], object]) -> float:
    """Best wall time of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        run()
        times.append(time.perf_counter() - started)
    return min(times)


def pandas_read(path: Path) -> object:
    """The baseline: the file read by pandas alone, as text."""
    import pandas as pd  # noqa: PLC0415

    if path.suffix.lower() in (".xls", ".xlsx"):
        return pd.read_excel(path, sheet_name=None, header=None, dtype=str, engine="calamine")
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False)
    except (UnicodeDecodeError, pd.errors.ParserError):
        return pd.read_csv(path, dtype=str, keep_default_na=False, sep=None, engine="python",
                           encoding_errors="replace")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run per timing")
    parser.add_argument("--repeat", type=int, default=None, help="runs per timing (default 3)")
    parser.add_argument("--mirror", default=None, help="mirror folder (default: $COMPARE_MIRROR "
                        "or ../shared/data/sources)")  # fmt: skip
    args = parser.parse_args(argv)
    repeat = args.repeat or (1 if args.quick else 3)

    from compare.build.run import build, build_source  # noqa: PLC0415
    from compare.catalog import load_catalog  # noqa: PLC0415
    from compare.config import mirror_dir, shared_dir  # noqa: PLC0415
    from compare.ingest.mirror import fetch_from_mirror  # noqa: PLC0415

    mirror = mirror_dir(args.mirror) or shared_dir() / "data" / "sources"
    if not mirror.is_dir():
        sys.exit(f"no mirror at {mirror}: give --mirror DIR or set COMPARE_MIRROR")
    catalog = load_catalog()
    with tempfile.TemporaryDirectory(prefix="bench-build-") as tmp:
        home = Path(tmp)
        evidence = Path(__file__).resolve().parent.parent / "data" / "raw" / "evidence"
        if evidence.is_dir():  # the committed evidence tables are part of data/raw
            (home / "data" / "raw").mkdir(parents=True)
            (home / "data" / "raw" / "evidence").symlink_to(evidence)
        fetch_from_mirror(mirror, home=home, only=[s for s in catalog.sources
                                                   if (mirror / s).is_dir()])  # fmt: skip
        raw = home / "data" / "raw"
        print(f"mirror {mirror}; best of {repeat} run(s); load average "
              f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")  # fmt: skip
        print(f"{'source':32} {'files':>5} {'MB':>6} {'build s':>8} {'pandas s':>9} {'ratio':>6}")
        total_build = total_read = 0.0
        for source in catalog.sources.values():
            folder = raw / source.id
            files = [folder / name for name in source.files]
            megabytes = sum(p.stat().st_size for p in files) / 1e6
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                built = best_of(repeat, lambda s=source, f=folder: build_source(s, f, catalog))
                read = best_of(repeat, lambda fs=files: [pandas_read(p) for p in fs])
            total_build += built
            total_read += read
            print(f"{source.id:32} {len(files):>5} {megabytes:>6.2f} {built:>8.3f} {read:>9.3f} "
                  f"{built / read:>6.1f}")  # fmt: skip
        print(f"{'sum over sources':32} {'':>5} {'':>6} {total_build:>8.3f} {total_read:>9.3f} "
              f"{total_build / total_read:>6.1f}")  # fmt: skip
        whole = best_of(repeat, lambda: build(home))
        print(
            f"whole `compare build` (all {len(catalog.sources)} sources, outputs written): "
            f"{whole:.3f} s = {whole / total_read:.1f} x the pandas read of the same files"
        )
        print(f"load average {os.getloadavg()[0]:.2f} at the end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
