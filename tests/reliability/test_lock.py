"""One lock for the whole flow, safe run ids, a custom matrix, exit codes and recovery (issue 17,
cases 6-8). Reports run the runner's SYNTHETIC notebooks on a home with one real source built."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from compare.storage import atomic
from tests.paths import SYNTHETIC_NOTEBOOKS

SOURCE = "oecd-dgi-2023"


@pytest.fixture
def home(tmp_path: Path, mirror: Path) -> Path:
    from compare.build.run import build
    from compare.ingest.mirror import fetch_from_mirror

    home = tmp_path / "home"
    fetch_from_mirror(mirror, home=home, only=[SOURCE])
    build(home, sources=[SOURCE])
    return home


def cli(home: Path, *args: str, background: bool = False) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "compare.cli", *args]
    env = {**os.environ, "COMPARE_HOME": str(home)}
    if background:
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                text=True)  # type: ignore[return-value]  # fmt: skip
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=600,
                          check=False)  # fmt: skip


def slow_matrix(path: Path, seconds: float, notebook: str = "synthetic_slow.ipynb") -> Path:
    path.write_text(
        f"runs:\n  - notebook: {SYNTHETIC_NOTEBOOKS / notebook}\n"
        f"    parameters: {{seconds: {seconds}}}\n",
        encoding="utf-8",
    )
    return path


def wait_for_holder(home: Path, pid: int, seconds: float = 120.0) -> None:
    note = home / "data" / ".compare.lock.d" / f"{pid}.json"
    deadline = time.monotonic() + seconds
    while not note.is_file():
        assert time.monotonic() < deadline, "the report never took the lock"
        time.sleep(0.1)


def processed_sums(home: Path) -> dict[str, str]:
    return json.loads((home / "data/processed/build_manifest.json").read_text())["outputs"]


@pytest.mark.slow
def test_build_during_a_report_is_refused_or_waits(home: Path, tmp_path: Path) -> None:
    before = processed_sums(home)
    built_at = json.loads((home / "data/processed/build_manifest.json").read_text())["built_at"]
    report = cli(home, "report", "--matrix", str(slow_matrix(tmp_path / "m.yml", 15)),
                 "--workers", "1", "--no-progress", background=True)  # fmt: skip
    try:
        wait_for_holder(home, report.pid)
        refused = cli(home, "build", "--only", SOURCE)
        assert refused.returncode == 3, refused.stderr
        assert f"PID {report.pid}" in refused.stderr and "compare" in refused.stderr
        assert "report" in refused.stderr and "--wait SECONDS" in refused.stderr
        assert "Traceback" not in refused.stderr
        waited = cli(home, "build", "--only", SOURCE, "--wait", "0.5")
        assert waited.returncode == 3 and "after waiting 0.5 s" in waited.stderr
        second = cli(home, "report", "--matrix", str(slow_matrix(tmp_path / "n.yml", 1)),
                     "--no-progress")  # fmt: skip
        assert second.returncode == 3 and "holds the lock on the reports" in second.stderr
        patient = cli(home, "build", "--only", SOURCE, "--wait", "300", background=True)
        _, stderr = report.communicate(timeout=600)
        assert report.returncode == 0, stderr
        _, err = patient.communicate(timeout=600)
        assert patient.returncode == 0, err
    finally:
        for proc in (report,):
            if proc.poll() is None:
                proc.terminate()
    runs = json.loads((home / "reports/manifest.json").read_text())["runs"]
    recorded = runs["synthetic_slow/default"]["data_checksums"]
    assert {k.split("/", 1)[1]: v for k, v in recorded.items() if k.startswith("processed/")} == (
        before
    )  # the report ran on one build: the one before the waiting build
    after = json.loads((home / "data/processed/build_manifest.json").read_text())["built_at"]
    assert after > built_at  # the waiting build ran, after the report


def test_concurrent_fetches_never_end_in_a_traceback(home: Path, mirror: Path) -> None:
    procs = [cli(home, "fetch", "--from", str(mirror), "--only", SOURCE, background=True)
             for _ in range(3)]  # fmt: skip
    results = [(p.wait(timeout=300), p.communicate()[1]) for p in procs]
    assert all(code in (0, 3) for code, _ in results), results
    assert any(code == 0 for code, _ in results)
    assert not any("Traceback" in err for _, err in results)


def test_unsafe_run_ids_are_refused(home: Path, tmp_path: Path) -> None:
    dots = tmp_path / "...ipynb"
    shutil.copy(SYNTHETIC_NOTEBOOKS / "synthetic_figure.ipynb", dots)
    matrix = tmp_path / "dots.yml"
    matrix.write_text(f"runs:\n  - notebook: {dots}\n", encoding="utf-8")
    done = cli(home, "report", "--matrix", str(matrix), "--no-progress")
    assert done.returncode == 2 and "cannot name its reports" in done.stderr
    assert not (home / "index.html").exists() and not (tmp_path / "index.html").exists()
    from compare.reports.matrix import valid_run_id

    assert valid_run_id("indicator_comparison/egdi-2018")
    for bad in ("../index", "a/../b", "/etc/x", "a/b/c", "a", ".a/b", "a/.b", "a\\b/c", "a/"):
        assert not valid_run_id(bad), bad


def test_out_naming_a_file_is_bad_input(home: Path, tmp_path: Path) -> None:
    target = tmp_path / "a-file"
    target.write_text("x")
    done = cli(home, "report", "--out", str(target), "--no-progress")
    assert done.returncode == 2 and "is a file, not a folder" in done.stderr


@pytest.mark.slow
def test_a_custom_matrix_keeps_the_other_runs(home: Path, tmp_path: Path) -> None:
    first = tmp_path / "first.yml"
    first.write_text(f"runs:\n  - notebook: {SYNTHETIC_NOTEBOOKS / 'synthetic_figure.ipynb'}\n"
                     "    parameters: {label: one}\n", encoding="utf-8")  # fmt: skip
    done = cli(home, "report", "--matrix", str(first), "--workers", "1", "--no-progress")
    assert done.returncode == 0, done.stderr
    other = slow_matrix(tmp_path / "other.yml", 0.1)
    done = cli(home, "report", "--matrix", str(other), "--workers", "1", "--no-progress")
    assert done.returncode == 0, done.stderr
    reports = home / "reports"
    runs = json.loads((reports / "manifest.json").read_text())["runs"]
    assert set(runs) == {"synthetic_figure/default", "synthetic_slow/default"}
    index = (reports / "index.html").read_text()
    assert "synthetic_figure/default" in index and "synthetic_slow/default" in index


@pytest.mark.parametrize(
    ("error", "fragment"),
    [
        (OSError(errno.ENOSPC, "No space left on device", "/x/indicators.csv"), "free some space"),
        (PermissionError(errno.EACCES, "Permission denied", "/x/processed"), "make it writable"),
        (OSError(errno.EROFS, "Read-only file system", "/x"), "read-only"),
        (NotADirectoryError(errno.ENOTDIR, "Not a directory", "/x/f"), "a file is where"),
    ],
)
def test_os_errors_are_one_message_and_exit_4(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], error: OSError,
    fragment: str, home: Path,
) -> None:  # fmt: skip
    from compare import cli as command
    from compare.build import run

    def fail(*args: object) -> None:
        raise error

    monkeypatch.setenv("COMPARE_HOME", str(home))
    monkeypatch.setattr(run, "_write_frame_outputs", fail)
    before = processed_sums(home)
    assert command.main(["build", "--only", SOURCE]) == 4
    err = capsys.readouterr().err
    assert err.startswith("compare build: error: ") and fragment in err and error.filename in err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert processed_sums(home) == before  # the previous build is intact
    assert not list((home / "data").glob(".processed.*"))


def test_a_leftover_old_folder_is_removed_even_read_only(home: Path) -> None:
    old = home / "data" / ".processed.old"
    shutil.copytree(home / "data" / "processed", old)
    (old / "sub").mkdir()
    (old / "sub" / "f").write_text("x")
    for path in (old / "sub", old):
        path.chmod(0o500)
    done = cli(home, "build", "--only", SOURCE)
    assert done.returncode == 0, done.stderr
    assert not old.exists()


def test_a_reader_does_not_undo_a_live_writers_swap(tmp_path: Path) -> None:
    target = tmp_path / "processed"
    old = tmp_path / ".processed.old"
    old.mkdir()
    (old / "f").write_text("previous")
    writer = subprocess.Popen(["sleep", "30"])
    stage = tmp_path / f".processed.stage-{writer.pid}-abcd"
    stage.mkdir()
    try:
        atomic.SWAP_WAIT, saved = 0.3, atomic.SWAP_WAIT
        try:
            atomic.recover_directory(target)  # the writer is between its two renames
        finally:
            atomic.SWAP_WAIT = saved
        assert not target.exists() and old.is_dir()  # left for the writer to finish
    finally:
        writer.kill()
        writer.wait()
    atomic.recover_directory(target)  # the writer died there: now the old folder comes back
    assert (target / "f").read_text() == "previous"


def test_disk_full_during_a_report_is_exit_4(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path,
    tmp_path: Path,
) -> None:  # fmt: skip
    from compare import cli as command
    from compare.reports import render

    def full(reports: Path) -> Path:
        raise OSError(errno.ENOSPC, "No space left on device", str(reports / "assets"))

    monkeypatch.setenv("COMPARE_HOME", str(home))
    monkeypatch.setattr(render, "write_assets", full)
    matrix = slow_matrix(tmp_path / "m.yml", 0.1)
    assert command.main(["report", "--matrix", str(matrix), "--no-progress"]) == 4
    err = capsys.readouterr().err
    assert err.startswith("compare report: error: ") and "assets: No space left" in err
    assert "free some space" in err and "Traceback" not in err
    monkeypatch.undo()  # the locks were released: a build may run at once
    done = cli(home, "build", "--only", SOURCE)
    assert done.returncode == 0, done.stderr
