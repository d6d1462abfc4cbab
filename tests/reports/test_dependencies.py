"""Per-report dependencies: each run records what it reads, the fingerprint covers exactly that,
a one-source change re-runs exactly the reports that read the source, a code change re-runs all,
and ``--dry-run`` writes nothing and says what a real run then does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from compare.catalog import load_catalog
from compare.reports.dependencies import declared_reads
from tests.cli import run_compare
from tests.paths import REPO

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("dependencies")]

NOTEBOOKS = REPO / "notebooks"
#: One run of each kind: a read indicator, a derived gap (reads its two operands), a profile,
#: the coverage report and the evidence notebook with and without data-bearing claims.
RUNS = [
    {"notebook": str(NOTEBOOKS / "indicator_comparison.ipynb"),
     "each": {"indicator": ["fixed_broadband_per100", "mobile_phone_owners_gender_gap_pp"]},
     "name": "{indicator}"},
    {"notebook": str(NOTEBOOKS / "country_profile.ipynb"), "parameters": {"country": "ECU"},
     "name": "ECU"},
    {"notebook": str(NOTEBOOKS / "data_coverage.ipynb")},
    {"notebook": str(NOTEBOOKS / "evidence_overview.ipynb")},
    {"notebook": str(NOTEBOOKS / "evidence_overview.ipynb"),
     "parameters": {"claim_family": "employer_recognition"}, "name": "employer"},
]  # fmt: skip


def _report(home: Path, matrix: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "COMPARE_REPORT"}
    env["COMPARE_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "compare.cli", "report", "--matrix", str(matrix),
         "--out", str(out), "--no-progress", "--workers", "2", *args],
        capture_output=True, text=True, env=env, timeout=900, check=False,
    )  # fmt: skip


def _compare(home: Path, *args: str) -> subprocess.CompletedProcess:
    return run_compare(home, *args, timeout=600)


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _tree(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` with its size and modification time."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_size, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def _would_run(dry: subprocess.CompletedProcess) -> set[str]:
    return {
        line.split(":", 1)[0].removeprefix("would run ")
        for line in dry.stdout.splitlines()
        if line.startswith("would run ")
    }


@pytest.fixture(scope="module")
def home(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the built home that these tests may change (raw, processed, evidence link)."""
    home = tmp_path_factory.mktemp("deps-home")
    shutil.copytree(built_home / "data", home / "data", symlinks=True)
    return home


@pytest.fixture(scope="module")
def first(home: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("deps")
    matrix = root / "matrix.yml"
    matrix.write_text(yaml.safe_dump({"runs": RUNS}), encoding="utf-8")
    out = root / "reports"
    done = _report(home, matrix, out)
    assert done.returncode == 0, done.stdout + done.stderr
    return {"matrix": matrix, "out": out, "manifest": _manifest(out), "stdout": done.stdout}


def test_every_run_reads_exactly_what_is_declared(first: dict) -> None:
    runs = first["manifest"]["runs"]
    assert len(runs) == 6
    for run_id, entry in runs.items():
        declared = declared_reads(entry["notebook"], entry["parameters"])
        assert sorted(entry["reads"]) == declared, run_id
    catalog = load_catalog()
    gap = runs["indicator_comparison/mobile_phone_owners_gender_gap_pp"]["reads"]
    operands = catalog.indicator("mobile_phone_owners_gender_gap_pp").operands
    assert {f"indicator:{o}" for o in operands} <= set(gap)  # a gap reads both of its operands
    stored = {f"indicator:{i.id}" for i in catalog.indicators.values() if not i.operands}
    assert set(runs["data_coverage/default"]["reads"]) == stored  # coverage reads every one
    assert not any(r.startswith("indicator:") for r in runs["evidence_overview/employer"]["reads"])


def test_the_first_run_says_why(first: dict) -> None:
    assert "compare report: 6 to run, 0 up to date" in first["stdout"]
    assert "6 because never run" in first["stdout"]


def test_dry_run_after_nothing_changed_writes_nothing(home: Path, first: dict) -> None:
    before = _tree(first["out"])
    dry = _report(home, first["matrix"], first["out"], "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert _would_run(dry) == set()
    assert "0 would run, 6 up to date (nothing was written)" in dry.stdout
    assert _tree(first["out"]) == before


def test_one_source_change_reruns_exactly_its_readers(home: Path, first: dict) -> None:
    """A SYNTHETIC extra year appended to the home's copy of the World Bank broadband file:
    the runs that read fixed_broadband_per100 (or the whole table) run again, nothing else."""
    raw = home / "data" / "raw" / "wb-fixed-broadband" / "data.csv"
    with raw.open("a", encoding="utf-8") as handle:
        handle.write("Spain,ESP,2025,41.5\n")  # SYNTHETIC value, in this temporary home only
    built = _compare(home, "build", "--only", "wb-fixed-broadband")
    assert built.returncode == 0, built.stderr
    readers = {
        run_id
        for run_id, entry in first["manifest"]["runs"].items()
        if "indicator:fixed_broadband_per100" in entry["reads"]
    }
    assert readers == {  # the profile reads every compared indicator
        "indicator_comparison/fixed_broadband_per100",
        "data_coverage/default",
        "country_profile/ECU",
    }
    before = _tree(first["out"])
    dry = _report(home, first["matrix"], first["out"], "--dry-run")
    assert _tree(first["out"]) == before  # --dry-run changes nothing on disk
    assert _would_run(dry) == readers
    assert "data changed: fixed_broadband_per100 (source wb-fixed-broadband)" in dry.stdout
    real = _report(home, first["matrix"], first["out"])
    assert real.returncode == 0, real.stdout + real.stderr
    assert "compare report: 3 to run, 3 up to date" in real.stdout
    after = _manifest(first["out"])["runs"]
    rerun = {
        i
        for i, e in after.items()
        if e["finished_at"] != first["manifest"]["runs"][i]["finished_at"]
    }
    assert rerun == readers  # what the dry run said is what ran


def test_a_code_change_reruns_every_report(home: Path, first: dict) -> None:
    """The package code is part of every fingerprint: a manifest written by other code (its
    code hash changed here, as a new commit would) makes every run due."""
    path = first["out"] / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for entry in manifest["runs"].values():
        entry["code_hash"] = "0" * 64
    path.write_text(json.dumps(manifest), encoding="utf-8")
    dry = _report(home, first["matrix"], first["out"], "--dry-run")
    assert _would_run(dry) == set(manifest["runs"])
    assert dry.stdout.count(": code changed") == len(manifest["runs"])
