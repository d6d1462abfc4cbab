"""SIGTERM and SIGHUP to ``compare report`` (what schedulers, ``timeout`` and a closed terminal
send) end it like Ctrl-C: a message, exit 143 / 129, no process of its tree left (workers, kernel
fork servers, kernels, the resource tracker), no temporary folder, and a manifest that lists
exactly the pages on disk. The notebooks are the runner's SYNTHETIC test notebooks."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.paths import SYNTHETIC_NOTEBOOKS

pytestmark = pytest.mark.slow

CLI = (
    "import signal, sys\n"
    "signal.signal(signal.SIGINT, signal.default_int_handler)\n"
    "signal.signal(signal.SIGTERM, signal.SIG_DFL)\n"
    "signal.signal(signal.SIGHUP, signal.SIG_DFL)\n"
    "from compare.cli import main\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


@pytest.fixture
def home(tmp_path: Path, mirror: Path) -> Path:
    from compare.build.run import build
    from compare.ingest.mirror import fetch_from_mirror

    home = tmp_path / "home"
    fetch_from_mirror(mirror, home=home, only=["oecd-dgi-2023"])
    build(home, sources=["oecd-dgi-2023"])
    return home


def matrix(path: Path) -> Path:
    """A quick SYNTHETIC figure run and two that sleep for minutes."""
    path.write_text(
        "runs:\n"
        f"  - notebook: {SYNTHETIC_NOTEBOOKS / 'synthetic_figure.ipynb'}\n"
        "    parameters: {label: quick}\n"
        f"  - notebook: {SYNTHETIC_NOTEBOOKS / 'synthetic_slow.ipynb'}\n"
        "    each: {seconds: [600, 601]}\n"
        "    name: 'slow-{seconds}'\n",
        encoding="utf-8",
    )
    return path


def _parents() -> dict[int, int]:
    found = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            fields = stat[stat.rindex(")") + 2 :].split()
            if fields[0] != "Z":
                found[int(entry.name)] = int(fields[1])
    return found


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (by parent links, across sessions)."""
    parents = _parents()
    tree, grew = {pid}, True
    while grew:
        more = {child for child, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    return tree - {pid}


def _cmdline(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")
    except OSError:
        return []


def _is_fork_server(args: list[str]) -> bool:
    return len(args) > 5 and args[1:3] == ["-m", "compare.reports.kernels"]


def live(pids: set[int]) -> set[int]:
    return pids & set(_parents())


def wait_for(condition, seconds: float = 400.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


def pages_on_disk(reports: Path) -> set[str]:
    return {
        str(p.relative_to(reports))
        for p in reports.rglob("*")
        if p.is_file() and p.suffix in (".html", ".ipynb") and p.name != "index.html"
    }


@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGHUP, 129)])
def test_signal_ends_the_report_cleanly(
    home: Path, tmp_path: Path, signum: int, status: int
) -> None:
    reports = home / "reports"
    env = {**os.environ, "COMPARE_HOME": str(home)}
    proc = subprocess.Popen(
        [sys.executable, "-c", CLI, "report", "--matrix", str(matrix(tmp_path / "m.yml")),
         "--workers", "2", "--no-progress"],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:

        def quick_done_and_two_kernels() -> bool:
            try:
                runs = json.loads((reports / "manifest.json").read_text())["runs"]
            except (OSError, ValueError, KeyError):
                return False
            # 2 fork servers and the 2 kernels they forked (a fork keeps its parent's command)
            forked = [p for p in descendants(proc.pid) if _is_fork_server(_cmdline(p))]
            return "synthetic_figure/default" in runs and len(forked) >= 4

        wait_for(quick_done_and_two_kernels)
        tree = descendants(proc.pid)
        folders = {Path(args[5]) for args in map(_cmdline, tree) if _is_fork_server(args)}
        assert len(folders) == 2 and all(f.is_dir() for f in folders)  # one per worker
        proc.send_signal(signum)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:  # the test failed: stop the command as it now should be
            proc.terminate()
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
    assert proc.returncode == status, stderr
    assert f"compare report: terminated by {signal.Signals(signum).name}" in stderr
    assert "Traceback" not in stderr
    wait_for(lambda: not live(tree), seconds=5)  # (the resource tracker exits on EOF)
    assert not [f for f in folders if f.exists()]
    manifest = json.loads((reports / "manifest.json").read_text())
    listed = {path for entry in manifest["runs"].values() for path in entry["outputs"].values()}
    assert listed == pages_on_disk(reports) == {
        "synthetic_figure/default.html", "synthetic_figure/default.ipynb"
    }  # fmt: skip
    assert not [p.name for p in reports.rglob("*") if ".pending-" in p.name or p.suffix == ".tmp"]
