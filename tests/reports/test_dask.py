"""`compare report --executor dask` on SYNTHETIC notebooks (tests/notebooks/synthetic_*.ipynb):
the same matrix on the local executor and on a Dask LocalCluster gives the same manifest and
notebooks; a kernel that does not start (the COMPARE_TEST_FAIL_KERNEL_STARTS hook of
compare/kernels.py) is retried, a failing notebook is not; the workers' fork servers end with the
workers; an existing cluster (`--scheduler`) keeps its warm state between commands."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from compare.errors import CompareError
from compare.reports import executors
from compare.reports.kernel_run import FAILED, KERNEL_START_FAILED, OK, RunResult
from compare.reports.matrix import RunSpec
from tests.paths import SYNTHETIC_NOTEBOOKS

SYNTHETIC = SYNTHETIC_NOTEBOOKS
RUNS = ["synthetic_fail/default", "synthetic_figure/first", "synthetic_figure/second"]
#: Fields that differ between any two executions (times, and where the outputs were written).
VOLATILE = {"duration", "started_at", "finished_at", "timings"}
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _matrix(path: Path) -> Path:
    runs = [
        {"notebook": str(SYNTHETIC / "synthetic_figure.ipynb"),
         "each": {"label": ["first", "second"]}, "name": "{label}"},
        {"notebook": str(SYNTHETIC / "synthetic_fail.ipynb")},
    ]  # fmt: skip
    path.write_text(yaml.safe_dump({"runs": runs}), encoding="utf-8")
    return path


def _report(
    home: Path, matrix: Path, out: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if k != "COMPARE_REPORT"}
    environ.update(env or {}, COMPARE_HOME=str(home))
    return subprocess.run(
        [sys.executable, "-m", "compare.cli", "report", "--matrix", str(matrix),
         "--out", str(out), "--no-progress", *args],
        capture_output=True, text=True, env=environ, timeout=300, check=False,
    )  # fmt: skip


def _tagged(tag: str) -> list[int]:
    """Processes whose environment holds ``COMPARE_TEST_TAG=tag`` (fork servers, kernels,
    workers started by one command inherit it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
        except OSError:
            continue
        if f"COMPARE_TEST_TAG={tag}".encode() in environ.split(b"\0"):
            found.append(int(entry.name))
    return found


def _gone(tag: str, within: float = 30.0) -> list[int]:
    """Wait (boundedly) until no tagged process is left; returns those still there."""
    deadline = time.monotonic() + within
    while (left := _tagged(tag)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


def _normalised_notebook(path: Path, out: Path) -> dict[str, Any]:
    """An executed notebook without what differs between any two executions: cell timings,
    cell ids (random for the cells papermill inserts), plotly's random div ids, the output
    folder (absolute in outputs, relative to the home in papermill's ``output_path``)."""
    text = _UUID.sub("UUID", path.read_text(encoding="utf-8")).replace(str(out), "OUT")
    nb = json.loads(text)
    nb["metadata"].get("papermill", {}).pop("output_path", None)  # relative to the home
    for holder in [nb["metadata"], *(c["metadata"] for c in nb["cells"])]:
        for key in ("start_time", "end_time", "duration"):
            holder.get("papermill", {}).pop(key, None)
    papermill = nb["metadata"].get("papermill", {})
    if "output_path" in papermill:  # relative to the project home: names the output folder
        papermill["output_path"] = papermill["output_path"].replace(f"/{out.name}/", "/OUT/")
    for cell in nb["cells"]:
        cell.pop("id", None)
        cell["metadata"].pop("execution", None)  # iopub message times
    return nb


@pytest.fixture(scope="module")
def both(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """The matrix on `--executor local` and on `--executor dask` (a LocalCluster of 2 workers)
    whose first kernel start, in any worker, fails."""
    root = tmp_path_factory.mktemp("executors")
    matrix = _matrix(root / "matrix.yml")
    tag = uuid.uuid4().hex
    local = _report(built_home, matrix, root / "local", "--workers", "2",
                    env={"COMPARE_TEST_TAG": tag})  # fmt: skip
    counter = root / "fail-starts"
    counter.write_text("1", encoding="utf-8")
    dask = _report(
        built_home, matrix, root / "dask", "--executor", "dask", "--workers", "2",
        env={"COMPARE_TEST_TAG": tag, "COMPARE_TEST_FAIL_KERNEL_STARTS": str(counter)},
    )  # fmt: skip
    return {"root": root, "local": local, "dask": dask, "counter": counter, "tag": tag}


def _manifest(out: Path) -> dict[str, Any]:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


@pytest.mark.slow
@pytest.mark.xdist_group("report")  # one xdist worker for the notebook-running tests
def test_dask_and_local_give_the_same_manifest_and_notebooks(both: dict) -> None:
    local, dask = both["local"], both["dask"]
    assert local.returncode == dask.returncode == 1, dask.stdout + dask.stderr  # one run failed
    assert "Traceback" not in dask.stderr + dask.stdout
    summary = "ran 3 (2 ok, 1 failed), 0 up to date"
    assert summary in local.stdout and summary in dask.stdout
    assert "dask: LocalCluster tcp://127.0.0.1:" in dask.stdout

    runs = {name: _manifest(both["root"] / name)["runs"] for name in ("local", "dask")}
    assert sorted(runs["local"]) == sorted(runs["dask"]) == RUNS
    assert runs["dask"]["synthetic_fail/default"]["status"] == FAILED
    assert runs["dask"]["synthetic_fail/default"]["failing_cell"]["ename"] == "ValueError"
    assert {runs["dask"][r]["status"] for r in RUNS[1:]} == {OK}
    assert {runs["dask"][r]["kernel"] for r in RUNS} == {"warm"}  # forked from a fork server
    for run_id in RUNS:
        stable = {k: v for k, v in runs["local"][run_id].items() if k not in VOLATILE}
        assert {k: v for k, v in runs["dask"][run_id].items() if k not in VOLATILE} == stable
        executed = [
            _normalised_notebook(both["root"] / name / runs[name][run_id]["outputs"]["ipynb"],
                                 both["root"] / name)
            for name in ("local", "dask")
        ]  # fmt: skip
        assert executed[0] == executed[1], run_id
        assert (both["root"] / "dask" / runs["dask"][run_id]["outputs"]["html"]).is_file()


@pytest.mark.slow
@pytest.mark.xdist_group("report")  # one xdist worker for the notebook-running tests
def test_a_kernel_start_failure_is_retried_and_a_failing_notebook_is_not(
    both: dict,
) -> None:
    counter: Path = both["counter"]
    assert counter.read_text(encoding="utf-8") == "0"  # the one simulated failure happened
    starts = Path(f"{counter}.starts").read_text(encoding="utf-8").split("\n")[:-1]
    # 3 runs + 1 retry: the failing notebook ran once, the run whose start failed twice
    assert [line.split()[1] for line in starts].count("fail") == 1 and len(starts) == 4
    retried = re.findall(r"^retry (\S+) \(2/3\): (.*)$", both["dask"].stdout, re.MULTILINE)
    assert len(retried) == 1 and retried[0][0] in RUNS[1:]
    assert retried[0][1].startswith(f"{KERNEL_START_FAILED}: RuntimeError: simulated")
    entry = _manifest(both["root"] / "dask")["runs"][retried[0][0]]
    assert entry["status"] == OK and entry["message"] == ""


@pytest.mark.slow
@pytest.mark.xdist_group("report")  # one xdist worker for the notebook-running tests
def test_fork_servers_and_kernels_end_with_the_workers(both: dict) -> None:
    assert both["dask"].returncode == 1  # the command has returned ...
    assert _gone(both["tag"]) == []  # ... and no worker, fork server or kernel of it is left


@pytest.mark.slow
@pytest.mark.xdist_group("report")  # one xdist worker for the notebook-running tests
def test_an_existing_cluster_keeps_its_warm_state_until_it_closes(
    built_home: Path, tmp_path: Path
) -> None:
    from distributed import Client, LocalCluster

    def fork_server() -> int | None:
        from compare.reports.kernel_run import _WORKER

        zygote = _WORKER.zygote
        return zygote.process.pid if zygote is not None and zygote.alive() else None

    matrix = tmp_path / "one.yml"
    matrix.write_text(yaml.safe_dump({"runs": [
        {"notebook": str(SYNTHETIC / "synthetic_figure.ipynb"), "name": "one"}]}))  # fmt: skip
    out = tmp_path / "reports"
    with (
        LocalCluster(n_workers=1, threads_per_worker=1, dashboard_address=None) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        pids = []
        for extra in ((), ("--force",)):
            done = _report(built_home, matrix, out, "--executor", "dask",
                           "--scheduler", cluster.scheduler_address, *extra)  # fmt: skip
            assert done.returncode == 0, done.stdout + done.stderr
            assert f"dask: scheduler {cluster.scheduler_address}, 1 worker(s)" in done.stdout
            assert "ran 1 (1 ok, 0 failed)" in done.stdout
            pids += list(client.run(fork_server).values())
        assert pids[0] is not None and pids[0] == pids[1]  # the same fork server served both
    deadline = time.monotonic() + 30
    while Path(f"/proc/{pids[0]}").exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not Path(f"/proc/{pids[0]}").exists()  # the worker's teardown ended it


# --- the retry policy and executor selection, without kernels ----------------------------------


def _spec(run_id: str) -> RunSpec:
    return RunSpec(run_id=run_id, notebook="nb.ipynb", parameters={}, home="/h",
                   output_ipynb="o.ipynb", output_html="o.html", assets_href="a",
                   index_href="i", title=run_id, group="g", key=run_id, warm_key="w")  # fmt: skip


def _result(spec: RunSpec, status: str, message: str = "", start_failed: bool = False) -> Any:
    return RunResult(run_id=spec.run_id, key=spec.key, status=status, duration=0.0,
                     started_at="", finished_at="", message=message,
                     start_failed=start_failed)  # fmt: skip


def test_only_kernel_start_failures_are_retried(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    start_failures = {"flaky": 2, "dead": 99}

    def fake_execute_run(spec: RunSpec) -> Any:
        calls.append(spec.run_id)
        if start_failures.get(spec.run_id, 0) > 0:
            start_failures[spec.run_id] -= 1
            return _result(spec, FAILED, f"{KERNEL_START_FAILED}: boom\nlog", start_failed=True)
        if spec.run_id == "broken":
            return _result(spec, FAILED, "cell 2 raised ValueError: x")
        return _result(spec, OK)

    def fake_execute_runs(specs: list[RunSpec]) -> list[Any]:
        return [fake_execute_run(spec) for spec in specs]

    monkeypatch.setattr("compare.reports.kernel_run.execute_runs", fake_execute_runs)
    results: dict[str, Any] = {}
    notes: list[str] = []
    specs = [_spec(name) for name in ("flaky", "dead", "broken", "fine")]
    executors.run_local(specs, lambda r: results.setdefault(r.run_id, r), workers=1,
                        note=notes.append)  # fmt: skip
    assert sorted(calls) == sorted(["flaky"] * 3 + ["dead"] * 3 + ["broken", "fine"])
    assert results["flaky"].status == OK
    assert results["broken"].status == FAILED and calls.count("broken") == 1
    assert results["dead"].status == FAILED
    assert results["dead"].message == f"{KERNEL_START_FAILED}: boom (after 3 attempts)\nlog"
    assert notes == [
        f"retry flaky (2/3): {KERNEL_START_FAILED}: boom",
        f"retry dead (2/3): {KERNEL_START_FAILED}: boom",
        f"retry flaky (3/3): {KERNEL_START_FAILED}: boom",
        f"retry dead (3/3): {KERNEL_START_FAILED}: boom",
    ]


def test_executor_selection_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(CompareError, match="unknown executor 'ray'; valid: local, dask"):
        executors.check("ray", None)
    with pytest.raises(CompareError, match="--scheduler needs --executor dask"):
        executors.check("local", "tcp://127.0.0.1:8786")
    monkeypatch.setattr(executors, "DASK_CONNECT_TIMEOUT", 1.0)
    with pytest.raises(CompareError, match=r"cannot reach the Dask scheduler at tcp://127\.0\.0"):
        executors.execute("dask", [_spec("x")], print, workers=1, scheduler="tcp://127.0.0.1:9")
