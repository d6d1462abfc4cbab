"""Memory and output bounded by the input (issue 17, case 1), measured on SYNTHETIC copies of a
mirror file: the World Bank internet-users CSV with Spain's line repeated, or with lines of
made-up country codes appended (each copy lives in a temporary home whose folder name starts
with SYNTHETIC_, beside a SYNTHETIC.md that says what was changed).

Memory is the peak resident set of the ``compare build`` child, read with
``resource.getrusage(RUSAGE_CHILDREN)`` in a fresh wrapper process (whose only child is the
build), so that no other test's subprocess counts.
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

SOURCE = "wb-internet-users"
FILE = "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"

_MEASURE = (
    "import resource, subprocess, sys\n"
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss\n"
    "print(done.returncode, peak, repr(done.stderr))\n"
)

pytestmark = pytest.mark.slow


def synthetic_home(tmp_path: Path, mirror: Path, name: str, extra_lines: list[str]) -> Path:
    """A home holding only the internet-users source, with ``extra_lines`` appended to the
    mirror's CSV (the mirror itself is never written)."""
    from compare.ingest.mirror import fetch_from_mirror

    home = tmp_path / f"SYNTHETIC_{name}"
    (home / "data" / "raw").mkdir(parents=True)
    fetch_from_mirror(mirror, home=home, only=[SOURCE])
    path = home / "data" / "raw" / SOURCE / FILE
    text = path.read_text(encoding="utf-8-sig")
    path.write_text(text + "".join(extra_lines), encoding="utf-8")
    (home / "SYNTHETIC.md").write_text(
        f"SYNTHETIC: {path.name} is the mirror's file with {len(extra_lines)} lines appended "
        f"({name}); made by tests/reliability/test_bounds.py\n",
        encoding="utf-8",
    )
    return home


def spain_line(mirror: Path) -> str:
    lines = (mirror / SOURCE / FILE).read_text(encoding="utf-8-sig").splitlines(keepends=True)
    return next(line for line in lines if line.startswith("Spain,"))


def measured_build(home: Path, **env: str) -> tuple[int, int, str]:
    """(exit status, peak RSS in bytes, stderr) of ``compare build --only wb-internet-users``."""
    command = [sys.executable, "-m", "compare.cli", "build", "--only", SOURCE]
    environ = {**os.environ, "COMPARE_HOME": str(home), **env}
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *command],
        capture_output=True, text=True, env=environ, check=True, timeout=600,
    )  # fmt: skip
    code, peak, stderr = done.stdout.strip().split(" ", 2)
    return int(code), int(peak) * 1024, ast.literal_eval(stderr)


def input_bytes(home: Path) -> int:
    return (home / "data" / "raw" / SOURCE / FILE).stat().st_size


def quarantine_lines(home: Path) -> pd.DataFrame:
    return pd.read_csv(home / "data/processed/quarantine.csv", dtype=str, keep_default_na=False)


def test_a_repeated_line_costs_memory_in_proportion(tmp_path: Path, mirror: Path) -> None:
    """Spain's line repeated 600 and 6,000 times: 10 x the copies cost less than 15 x the extra
    memory of 600 (it once took 11.4 GB at 600 copies: every row paired with every row of the
    same country before repeats were removed), and the quarantine stays smaller than the file."""
    line = spain_line(mirror)
    peaks = {}
    for copies in (0, 600, 6000):
        home = synthetic_home(tmp_path, mirror, f"spain_x{copies}", [line] * copies)
        code, peaks[copies], stderr = measured_build(home)
        assert code == 0, stderr
        manifest = json.loads((home / "data/processed/build_manifest.json").read_text())
        account = manifest["sources"][SOURCE]
        assert (
            account["rows_read"] == account["kept"] + account["quarantined"] + account["aggregates"]
        )
        repeats = account["quarantine_reasons"].get("duplicate_identical", 0)
        cells = int(pd.Series(line.rstrip("\n").split(",")[4:]).ne("").sum())
        assert repeats == copies * cells  # every repeated cell is counted, listed or not
        lines = quarantine_lines(home)
        assert lines["records"].astype(int).sum() == account["quarantined"]
        if copies:
            assert (home / "data/processed/quarantine.csv").stat().st_size < input_bytes(home)
    extra_600 = max(peaks[600] - peaks[0], 5 << 20)
    extra_6000 = peaks[6000] - peaks[0]
    assert extra_6000 < 15 * extra_600, peaks
    assert peaks[600] < 1 << 30, peaks


def test_made_up_codes_stop_with_a_clear_error(tmp_path: Path, mirror: Path) -> None:
    """20,000 lines of made-up codes (the issue's 200,000 took 170 s, 20 GB and wrote a 2.36 GB
    quarantine): refused, naming the file and the limit, previous outputs untouched."""
    rest = spain_line(mirror).split(",", 2)[2]
    fake = [f"Nowhere {i},Q{i:06d},{rest}" for i in range(20_000)]
    home = synthetic_home(tmp_path, mirror, "made_up_codes", fake)
    code, peak, stderr = measured_build(home)
    assert code == 2, stderr
    assert "20,000 distinct country names or codes are not recognised" in stderr
    assert FILE in stderr and "COMPARE_MAX_UNKNOWN_NAMES" in stderr
    assert "Traceback" not in stderr
    assert not (home / "data" / "processed").exists()
    assert peak < 1 << 30
    # under the limit, they are quarantined: a line per raw line (its cells counted), the first
    # 10,000 records listed, then one line with the count of the rest
    home = synthetic_home(tmp_path, mirror, "made_up_codes_few", fake[:900])
    code, _, stderr = measured_build(home)
    assert code == 0, stderr
    cells = int(pd.Series(rest.rstrip("\n").split(",")[2:]).ne("").sum())
    lines = quarantine_lines(home)
    unknown = lines[lines.reason_code == "unknown_country"]
    listed = unknown[unknown.raw_file != ""]
    assert set(listed["records"].astype(int).iloc[:-1]) == {cells}
    assert listed["records"].astype(int).sum() == 10_000  # the listing stops mid-line
    assert unknown["records"].astype(int).sum() == 900 * cells
    assert (home / "data/processed/quarantine.csv").stat().st_size < input_bytes(home)


def test_size_record_and_listing_limits(tmp_path: Path, mirror: Path) -> None:
    line = spain_line(mirror)
    home = synthetic_home(tmp_path, mirror, "spain_x3000", [line] * 3000)
    code, _, stderr = measured_build(home, COMPARE_MAX_FILE_MB="1")
    assert code == 2 and "larger than the limit of 1 MB" in stderr and FILE in stderr
    code, _, stderr = measured_build(home, COMPARE_MAX_RECORDS="50000")
    assert code == 2 and "more than the limit of 50,000 per source" in stderr
    code, _, stderr = measured_build(home, COMPARE_MAX_RECORDS="x")
    assert code == 2 and "$COMPARE_MAX_RECORDS must be a positive whole number" in stderr
    code, _, stderr = measured_build(home, COMPARE_QUARANTINE_ROWS="100")
    assert code == 0, stderr
    lines = quarantine_lines(home)
    listed = lines[lines.raw_file != ""]
    rest = lines[lines.raw_file == ""]
    assert listed["records"].astype(int).sum() == 100
    assert list(rest["reason_code"]) == ["duplicate_identical"]
    manifest = json.loads((home / "data/processed/build_manifest.json").read_text())
    total = manifest["sources"][SOURCE]["quarantine_reasons"]["duplicate_identical"]
    assert int(rest["records"].iloc[0]) == total - 100
    assert f"{total - 100:,} more records with this reason are not listed" in rest.reason.iloc[0]
