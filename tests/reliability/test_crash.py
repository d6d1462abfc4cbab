"""Crash safety: ``compare build`` and ``compare fetch`` killed midway leave the previous outputs
intact and readable, and the next run recovers.

The kill points are deterministic: with ``COMPARE_TEST_PAUSE=POINT:MARKER`` the staged write of
:mod:`compare.storage.atomic` stops at ``POINT`` and writes ``MARKER``; the test waits for the
marker and kills the process there. ``staged``: every output written in the staging folder, before
the swap; ``swapped``: the old folder moved aside, the new one not yet in place (the worst moment).
A last test kills builds after several fixed delays instead, wherever they happen to be.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from compare.storage.checksums import sha256_file
from tests.paths import SYNTHETIC_NOTEBOOKS

SOURCES = ["oecd-dgi-2023", "wb-sp-pop-totl"]
WAIT_SECONDS = 120  # generous: the marker normally appears within a few seconds


@pytest.fixture
def home(tmp_path: Path, mirror: Path) -> Path:
    """A home with two real sources imported, one of them built: a `build --only` of the other
    (the build the tests kill) then gives outputs that differ from the previous ones."""
    from compare.build.run import build
    from compare.ingest.mirror import fetch_from_mirror

    home = tmp_path / "home"
    fetch_from_mirror(mirror, home=home, only=SOURCES)
    build(home, sources=["wb-sp-pop-totl"])
    return home


def _start(home: Path, args: list[str], pause: str | None, marker: Path) -> subprocess.Popen:
    env = {**os.environ, "COMPARE_HOME": str(home)}
    env.pop("COMPARE_TEST_PAUSE", None)
    if pause:
        env["COMPARE_TEST_PAUSE"] = f"{pause}:{marker}"
    return subprocess.Popen(
        [sys.executable, "-c", CLI_WITH_DEFAULT_SIGNALS, *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


#: ``compare ARGS`` with SIGINT and SIGTERM set explicitly. A suite started as a background job
#: (``make test &``, a scheduler) passes SIGINT on ignored, and Python started with SIGINT ignored
#: keeps ignoring it: the interrupt tests would then test nothing.
CLI_WITH_DEFAULT_SIGNALS = (
    "import signal, sys\n"
    "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
    "signal.signal(signal.SIGTERM, signal.SIG_DFL)\n"
    "from compare.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def _kill_at(
    home: Path, args: list[str], point: str, tmp_path: Path, sig: int = signal.SIGKILL
) -> tuple[int, str, Path]:
    """Run ``compare ARGS`` until it pauses at ``point``, send ``sig``; (status, stderr, stage)."""
    marker = tmp_path / f"paused-{point}-{time.monotonic_ns()}"
    proc = _start(home, args, point, marker)
    deadline = time.monotonic() + WAIT_SECONDS
    while not marker.exists():
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"compare {args} ended before {point}: {proc.returncode}\n{out}\n{err}")
        if time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"compare {args} never reached {point}")
        time.sleep(0.05)
    time.sleep(0.05)  # the marker is written just before the pause
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=WAIT_SECONDS)  # reaped: its PID is no longer alive
    return proc.returncode, err, Path(marker.read_text(encoding="utf-8"))


def _run(home: Path, args: list[str]) -> subprocess.CompletedProcess:
    env = {**os.environ, "COMPARE_HOME": str(home)}
    env.pop("COMPARE_TEST_PAUSE", None)
    return subprocess.run(
        [sys.executable, "-m", "compare.cli", *args],
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=WAIT_SECONDS * 2,
    )


def _outputs(home: Path) -> dict[str, str]:
    """The build manifest's output checksums, after checking every file against them."""
    processed = home / "data" / "processed"
    outputs = json.loads((processed / "build_manifest.json").read_text())["outputs"]
    assert outputs
    for name, sha in outputs.items():
        assert sha256_file(processed / name) == sha, name
    return outputs


def _leftovers(parent: Path, name: str) -> list[str]:
    return sorted(p.name for p in parent.iterdir() if p.name.startswith(f".{name}."))


def _load(home: Path) -> pd.DataFrame:
    import compare

    return compare.load(home=home)


@pytest.mark.slow
def test_build_killed_before_the_swap_keeps_the_previous_outputs(
    home: Path, tmp_path: Path
) -> None:
    before, table = _outputs(home), _load(home)
    status, _, stage = _kill_at(home, ["build", "--only", "oecd-dgi-2023"], "staged", tmp_path)
    assert status == -signal.SIGKILL
    assert stage.is_dir() and (stage / "indicators.parquet").is_file()  # killed mid-run
    assert _outputs(home) == before
    pd.testing.assert_frame_equal(_load(home), table)
    rerun = _run(home, ["build", "--only", "oecd-dgi-2023"])
    assert rerun.returncode == 0, rerun.stderr
    assert _leftovers(home / "data", "processed") == []  # the stale stage is gone
    assert set(_load(home)["source_id"]) == set(SOURCES)  # added to the previous build
    _outputs(home)


@pytest.mark.slow
def test_build_killed_between_the_two_renames_is_recovered_on_read(
    home: Path, tmp_path: Path
) -> None:
    before, table = _outputs(home), _load(home)
    status, _, _ = _kill_at(home, ["build", "--only", "oecd-dgi-2023"], "swapped", tmp_path)
    assert status == -signal.SIGKILL
    processed = home / "data" / "processed"
    assert not processed.exists() and (home / "data" / ".processed.old").is_dir()
    pd.testing.assert_frame_equal(_load(home), table)  # compare.load puts it back
    assert processed.is_dir() and _outputs(home) == before
    rerun = _run(home, ["build", "--only", "oecd-dgi-2023"])
    assert rerun.returncode == 0, rerun.stderr
    assert _leftovers(home / "data", "processed") == []


@pytest.mark.parametrize("point", ["staged", "swapped"])
@pytest.mark.slow
def test_build_interrupted_cleans_up_at_once(home: Path, tmp_path: Path, point: str) -> None:
    before = _outputs(home)
    status, err, _ = _kill_at(
        home, ["build", "--only", "oecd-dgi-2023"], point, tmp_path, signal.SIGINT
    )
    assert status == 130 and "compare build: interrupted" in err and "Traceback" not in err
    assert _outputs(home) == before
    assert _leftovers(home / "data", "processed") == []


@pytest.mark.parametrize("delay", [0.5, 1.5, 3.0])
@pytest.mark.slow
def test_build_killed_after_a_delay_leaves_one_complete_build(
    home: Path, tmp_path: Path, delay: float
) -> None:
    """Wherever the kill lands, data/processed is the previous build or the new one, whole."""
    before = _outputs(home)
    proc = _start(home, ["build", "--only", "oecd-dgi-2023"], None, tmp_path / "unused")
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.kill()
    proc.communicate()
    table = _load(home)  # recovers a half-done swap
    after = _outputs(home)
    assert (after == before and set(table["source_id"]) == {"wb-sp-pop-totl"}) or (
        after != before and set(table["source_id"]) == set(SOURCES)
    )
    rerun = _run(home, ["build", "--only", "oecd-dgi-2023"])
    assert rerun.returncode == 0, rerun.stderr
    assert _leftovers(home / "data", "processed") == []


# --- fetch ------------------------------------------------------------------------------------


@pytest.fixture
def changed_mirror(tmp_path: Path, mirror: Path) -> Path:
    """A copy of one mirror folder with one SYNTHETIC line added (so a fetch must re-import)."""
    copy = tmp_path / "mirror"
    shutil.copytree(mirror / "oecd-dgi-2023", copy / "oecd-dgi-2023")
    data = copy / "oecd-dgi-2023" / "oecd_dgi_2023.csv"
    data.chmod(0o644)
    data.write_text(data.read_text(encoding="utf-8-sig") + '"ESP",2023,"synthetic",0.5\n')
    return copy


def _raw_matches_manifest(folder: Path) -> dict[str, str]:
    manifest = json.loads((folder / "_manifest.json").read_text())
    files = {e["file"]: e["sha256"] for e in manifest["files"]}
    for name, sha in files.items():
        assert sha256_file(folder / name) == sha, name
    return files


@pytest.mark.slow
def test_fetch_killed_before_the_swap_keeps_the_previous_raw_folder(
    home: Path, tmp_path: Path, changed_mirror: Path
) -> None:
    folder = home / "data" / "raw" / "oecd-dgi-2023"
    before = _raw_matches_manifest(folder)
    args = ["fetch", "--from", str(changed_mirror), "--only", "oecd-dgi-2023"]
    status, _, stage = _kill_at(home, args, "staged", tmp_path)
    assert status == -signal.SIGKILL and stage.is_dir()
    assert _raw_matches_manifest(folder) == before
    build = _run(home, ["build", "--only", "oecd-dgi-2023"])  # the old folder still builds
    assert build.returncode == 0, build.stderr
    again = _run(home, args)
    assert again.returncode == 0 and "changed 1" in again.stdout, again.stderr
    assert _raw_matches_manifest(folder) != before
    assert _leftovers(home / "data" / "raw", "oecd-dgi-2023") == []


@pytest.mark.slow
def test_fetch_killed_between_the_two_renames_is_recovered_by_build(
    home: Path, tmp_path: Path, changed_mirror: Path
) -> None:
    folder = home / "data" / "raw" / "oecd-dgi-2023"
    before = _raw_matches_manifest(folder)
    args = ["fetch", "--from", str(changed_mirror), "--only", "oecd-dgi-2023"]
    status, _, _ = _kill_at(home, args, "swapped", tmp_path)
    assert status == -signal.SIGKILL and not folder.exists()
    build = _run(home, ["build", "--only", "oecd-dgi-2023"])
    assert build.returncode == 0, build.stderr  # the folder was put back first
    assert _raw_matches_manifest(folder) == before
    again = _run(home, args)
    assert again.returncode == 0 and "changed 1" in again.stdout, again.stderr
    assert _leftovers(home / "data" / "raw", "oecd-dgi-2023") == []


@pytest.mark.slow
def test_fetch_killed_then_rerun_unchanged_still_removes_the_stale_stage(
    home: Path, tmp_path: Path, mirror: Path, changed_mirror: Path
) -> None:
    args = ["fetch", "--from", str(changed_mirror), "--only", "oecd-dgi-2023"]
    _kill_at(home, args, "staged", tmp_path)
    assert _leftovers(home / "data" / "raw", "oecd-dgi-2023") != []
    again = _run(home, ["fetch", "--from", str(mirror), "--only", "oecd-dgi-2023"])
    assert again.returncode == 0 and "unchanged 1" in again.stdout, again.stderr
    assert _leftovers(home / "data" / "raw", "oecd-dgi-2023") == []


@pytest.mark.slow
def test_a_running_writers_stage_is_not_removed(home: Path, tmp_path: Path) -> None:
    """Stale-stage cleanup only touches stages of dead processes."""
    marker = tmp_path / "paused"
    proc = _start(home, ["build", "--only", "oecd-dgi-2023"], "staged", marker)
    try:
        deadline = time.monotonic() + WAIT_SECONDS
        while not marker.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists()
        stage = Path(marker.read_text(encoding="utf-8"))
        from compare.storage import atomic

        atomic.clean_stale_stages(home / "data", "processed")
        assert stage.is_dir()
    finally:
        proc.kill()
        proc.communicate()
    from compare.storage import atomic

    atomic.clean_stale_stages(home / "data", "processed")
    assert not stage.exists()


# --- outputs stay readable -------------------------------------------------------------------


def test_atomic_outputs_have_ordinary_permissions(tmp_path: Path) -> None:
    """Temporary files and folders are private (0600/0700); the outputs they become are not."""
    from compare.storage import atomic

    mask = os.umask(0o022)
    try:
        atomic.write_text(tmp_path / "index.html", "<p>SYNTHETIC</p>")
        with atomic.staged_directory(tmp_path / "processed") as stage:
            (stage / "indicators.csv").write_text("SYNTHETIC\n")
    finally:
        os.umask(mask)
    assert (tmp_path / "index.html").stat().st_mode & 0o777 == 0o644
    assert (tmp_path / "processed").stat().st_mode & 0o777 == 0o755


# --- compare report ----------------------------------------------------------------------------

NOTEBOOKS = SYNTHETIC_NOTEBOOKS


def _matrix(path: Path, label: str, seconds: float) -> Path:
    """A report matrix of two SYNTHETIC notebooks (a figure, and one that sleeps)."""
    path.write_text(
        "runs:\n"
        f"  - notebook: {NOTEBOOKS / 'synthetic_figure.ipynb'}\n"
        f"    parameters: {{label: {json.dumps(label)}}}\n"
        f"  - notebook: {NOTEBOOKS / 'synthetic_slow.ipynb'}\n"
        f"    parameters: {{seconds: {seconds}}}\n",
        encoding="utf-8",
    )
    return path


def _reports_state(reports: Path) -> dict[str, str]:
    """sha256 of every file under reports/ (assets aside), after checking the manifest: every
    run it calls ok has its page and notebook."""
    manifest = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    for run_id, entry in manifest["runs"].items():
        if entry["status"] == "ok":
            for name in ("html", "ipynb"):
                assert (reports / entry["outputs"][name]).is_file(), (run_id, name)
    from html.parser import HTMLParser

    HTMLParser().feed((reports / "index.html").read_text(encoding="utf-8"))
    return {
        str(p.relative_to(reports)): sha256_file(p)
        for p in sorted(reports.rglob("*"))
        if p.is_file() and "assets" not in p.parts
    }


@pytest.mark.slow
@pytest.mark.parametrize("delay", [2.0, 6.0])
def test_report_killed_midway_keeps_the_previous_reports(
    home: Path, tmp_path: Path, delay: float
) -> None:
    if not (NOTEBOOKS / "synthetic_slow.ipynb").is_file():
        pytest.skip("the report runner's SYNTHETIC notebooks are not there")
    reports = home / "reports"
    first = _run(home, ["report", "--matrix", str(_matrix(tmp_path / "a.yml", "first", 0.1)),
                        "--workers", "1", "--no-progress"])  # fmt: skip
    assert first.returncode == 0, first.stderr
    before = _reports_state(reports)
    # the figure is up to date; the other run now sleeps for minutes: the kill lands in it
    slow = _matrix(tmp_path / "b.yml", "first", 600.0)
    proc = _start(home, ["report", "--matrix", str(slow), "--workers", "1", "--no-progress"],
                  None, tmp_path / "unused")  # fmt: skip
    try:
        proc.wait(timeout=delay)
    except subprocess.TimeoutExpired:
        proc.send_signal(signal.SIGKILL)  # the kernel fork server ends with its parent
    proc.communicate()
    assert proc.returncode == -signal.SIGKILL
    assert _reports_state(reports) == before  # nothing half-written, nothing lost
    again = _run(home, ["report", "--matrix", str(_matrix(tmp_path / "c.yml", "first", 0.2)),
                        "--workers", "1", "--no-progress"])  # fmt: skip
    assert again.returncode == 0, again.stderr
    assert "1 up to date" in again.stdout
    after = _reports_state(reports)
    assert after["synthetic_figure/default.html"] == before["synthetic_figure/default.html"]
    assert after["synthetic_slow/default.html"] != before["synthetic_slow/default.html"]
    assert not [p.name for p in reports.rglob("*.tmp")]
