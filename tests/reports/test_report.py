"""`compare report` on SYNTHETIC notebooks (tests/notebooks/synthetic_*.ipynb): failure isolation,
timeouts, skip-if-unchanged and --force, no state leaking between runs, hostile parameters staying
data. The real notebooks are not needed here; every run is a real kernel."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from compare.storage.checksums import sha256_file
from tests.paths import SYNTHETIC_NOTEBOOKS

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("report")]  # one worker: shared runs

SYNTHETIC = SYNTHETIC_NOTEBOOKS
HOSTILE = "x\"); __import__('os').system('touch PWNED') #\n'''second line <b>&"


def _matrix(path: Path, runs: list[dict]) -> Path:
    path.write_text(yaml.safe_dump({"runs": runs}, allow_unicode=True), encoding="utf-8")
    return path


def _report(home: Path, matrix: Path, out: Path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "COMPARE_REPORT"}
    env["COMPARE_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "compare.cli", "report", "--matrix", str(matrix),
         "--out", str(out), "--no-progress", *args],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip


def _manifest(out: Path) -> dict:
    return json.loads((out / "manifest.json").read_text(encoding="utf-8"))


def _notebook(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def mixed(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    """One `compare report` over figures (one with a hostile label), a failing notebook and a
    notebook that outlives its time limit, on 2 workers."""
    root = tmp_path_factory.mktemp("mixed")
    matrix = _matrix(root / "matrix.yml", [
        {"notebook": str(SYNTHETIC / "synthetic_figure.ipynb"),
         "each": {"label": ["first", HOSTILE]}, "name": "{label}"},
        {"notebook": str(SYNTHETIC / "synthetic_fail.ipynb")},
        {"notebook": str(SYNTHETIC / "synthetic_slow.ipynb"), "parameters": {"seconds": 120.0}},
    ])  # fmt: skip
    out = root / "reports"
    cwd = os.getcwd()
    os.chdir(root)  # where a successful injection would create PWNED
    try:
        done = _report(built_home, matrix, out, "--workers", "2", "--timeout", "8")
    finally:
        os.chdir(cwd)
    return {"root": root, "out": out, "done": done, "manifest": _manifest(out), "matrix": matrix}


def test_a_failing_run_is_kept_marked_and_does_not_stop_the_others(mixed: dict) -> None:
    done, runs = mixed["done"], mixed["manifest"]["runs"]
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr
    assert runs["synthetic_figure/first"]["status"] == "ok"
    failed = runs["synthetic_fail/default"]
    assert failed["status"] == "failed"
    assert failed["failing_cell"]["ename"] == "ValueError"
    assert failed["failing_cell"]["evalue"] == "synthetic failure for x"
    assert "failed synthetic_fail/default" in done.stdout
    # the executed notebook is kept, with papermill's markers and the failing cell flagged
    nb = _notebook(mixed["out"] / failed["outputs"]["ipynb"])
    cells = nb["cells"]
    assert "papermill-error-cell-tag" in cells[0]["metadata"].get("tags", [])
    index = failed["failing_cell"]["index"] + 1  # the note inserted at the top shifts cells
    failing = cells[index + 1]  # the anchor cell sits just above the failing cell
    assert "raise ValueError" in "".join(failing["source"])
    assert failing["metadata"]["papermill"]["exception"] is True
    assert any(o["output_type"] == "error" for o in failing["outputs"])
    assert "papermill-error-cell-tag" in cells[index]["metadata"]["tags"]
    before = next(c for c in cells if "this cell runs" in "".join(c.get("source", "")))
    assert "".join(before["outputs"][0]["text"]) == "this cell runs\n"
    after = next(c for c in cells if "never reached" in "".join(c.get("source", "")))
    assert after["execution_count"] is None and after["outputs"] == []
    page = (mixed["out"] / failed["outputs"]["html"]).read_text(encoding="utf-8")
    assert "This run failed." in page and 'id="papermill-error-cell"' in page


def test_a_run_past_its_time_limit_is_stopped_and_recorded(mixed: dict) -> None:
    slow = mixed["manifest"]["runs"]["synthetic_slow/default"]
    assert slow["status"] == "timeout"
    assert "time limit of 8 s" in slow["message"]
    nb = _notebook(mixed["out"] / slow["outputs"]["ipynb"])
    sleeping = next(c for c in nb["cells"] if "time.sleep" in "".join(c.get("source", "")))
    assert sleeping["metadata"]["papermill"]["status"] == "failed"
    assert sleeping["outputs"][-1]["ename"] == "Timeout"


def test_hostile_parameter_stays_data(mixed: dict) -> None:
    runs = mixed["manifest"]["runs"]
    entry = next(v for k, v in runs.items() if k.startswith("synthetic_figure/x-"))
    assert entry["status"] == "ok"
    assert entry["parameters"]["label"] == HOSTILE
    assert not (mixed["root"] / "PWNED").exists()
    nb = _notebook(mixed["out"] / entry["outputs"]["ipynb"])
    injected = next(
        c for c in nb["cells"] if "injected-parameters" in c["metadata"].get("tags", [])
    )
    import ast

    body = ast.parse("".join(injected["source"])).body
    assigns = {s.targets[0].id: s for s in body if isinstance(s, ast.Assign)}
    assert list(assigns) == ["indicator", "label", "points"]  # every declared one, injected
    assert ast.literal_eval(assigns["label"].value) == HOSTILE
    import html

    shown = [
        "".join(o["data"]["text/markdown"])
        for c in nb["cells"]
        for o in c.get("outputs", [])
        if "text/markdown" in o.get("data", {})
    ]
    assert shown == [html.escape(f"The label is {HOSTILE} and there are 3 points.", quote=False)]
    page = (mixed["out"] / entry["outputs"]["html"]).read_text(encoding="utf-8")
    assert "<b>&" not in page


def test_manifest_records_inputs_and_outputs(mixed: dict, built_home: Path) -> None:
    from compare.reports import matrix

    manifest = mixed["manifest"]
    entry = manifest["runs"]["synthetic_figure/first"]
    # every declared parameter is recorded (and injected): the given one over the defaults
    assert entry["parameters"] == {"indicator": "internet_users_pct", "label": "first", "points": 3}
    assert entry["data_checksums"] == matrix.data_checksums(built_home)
    assert entry["code_hash"] == matrix.code_hash()
    assert entry["notebook_sha256"] == sha256_file(SYNTHETIC / "synthetic_figure.ipynb")
    assert entry["kernel"] == "warm"
    assert entry["duration"] > 0 and entry["failing_cell"] is None
    assert set(entry["outputs"]) == {"ipynb", "html"}
    assert "git_commit" in entry and "finished_at" in entry
    index = (mixed["out"] / "index.html").read_text(encoding="utf-8")
    for run_id, run in manifest["runs"].items():
        assert run["outputs"]["html"] in index, run_id


def test_unchanged_runs_are_skipped_and_force_reruns(built_home: Path, tmp_path: Path) -> None:
    notebook = tmp_path / "synthetic_figure.ipynb"
    shutil.copy(SYNTHETIC / "synthetic_figure.ipynb", notebook)
    matrix = _matrix(tmp_path / "m.yml", [
        {"notebook": str(notebook), "each": {"label": ["a", "b"]}, "name": "{label}"},
        {"notebook": str(SYNTHETIC / "synthetic_state.ipynb"), "parameters": {"mode": "check"}},
    ])  # fmt: skip
    out = tmp_path / "reports"
    first = _report(built_home, matrix, out, "--workers", "1")
    assert first.returncode == 0, first.stdout + first.stderr
    before = _manifest(out)
    stamps = {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()}

    # nothing changed: nothing runs, nothing is rewritten, and nothing heavy is imported
    probe = (
        "import json, sys\nfrom compare.cli import main\n"
        f"rc = main(['report', '--matrix', {str(matrix)!r}, '--out', {str(out)!r}])\n"
        "heavy = [m for m in ('pandas', 'papermill', 'nbconvert', 'nbclient', 'plotly') "
        "if m in sys.modules]\nprint(json.dumps({'rc': rc, 'heavy': heavy}))\n"
    )
    env = {**os.environ, "COMPARE_HOME": str(built_home)}
    again = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           env=env, timeout=60, check=True)  # fmt: skip
    result = json.loads(again.stdout.strip().splitlines()[-1])
    assert result == {"rc": 0, "heavy": []}
    assert "3 report(s) up to date, nothing to run" in again.stdout
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*") if p.is_file()} == stamps

    # one notebook changes: only its runs execute
    nb = _notebook(notebook)
    nb["cells"][0]["source"] = ["# Synthetic figure, edited\n"]
    notebook.write_text(json.dumps(nb), encoding="utf-8")
    edited = _report(built_home, matrix, out, "--workers", "1")
    assert edited.returncode == 0
    assert "ran 2 (2 ok, 0 failed), 1 up to date" in edited.stdout
    after = _manifest(out)["runs"]
    assert after["synthetic_state/default"] == before["runs"]["synthetic_state/default"]
    assert after["synthetic_figure/a"]["key"] != before["runs"]["synthetic_figure/a"]["key"]

    # --force reruns everything, --only selects
    forced = _report(built_home, matrix, out, "--force", "--only", "synthetic_state/*")
    assert "ran 1 (1 ok, 0 failed), 0 up to date" in forced.stdout
    rerun = _manifest(out)["runs"]["synthetic_state/default"]
    assert rerun["key"] == before["runs"]["synthetic_state/default"]["key"]
    assert rerun["started_at"] > before["runs"]["synthetic_state/default"]["started_at"]
    assert set(_manifest(out)["runs"]) == set(before["runs"])


def test_no_state_leaks_between_runs_of_one_worker(built_home: Path, tmp_path: Path) -> None:
    """Run 1 sets a global, a module attribute, a package constant, an environment variable, a
    sys.modules entry and the working directory; run 2, on the same worker and fork server,
    asserts that it sees none of them."""
    state = str(SYNTHETIC / "synthetic_state.ipynb")
    matrix = _matrix(tmp_path / "m.yml", [
        {"notebook": state, "each": {"mode": ["set", "check"]}},
    ])  # fmt: skip
    out = tmp_path / "reports"
    done = _report(built_home, matrix, out, "--workers", "1")
    runs = _manifest(out)["runs"]
    assert done.returncode == 0, json.dumps(runs, indent=1)[:3000]
    assert runs["synthetic_state/set"]["status"] == "ok"
    assert runs["synthetic_state/check"]["status"] == "ok"
    assert runs["synthetic_state/set"]["kernel"] == runs["synthetic_state/check"]["kernel"]
    outputs = [
        _notebook(out / runs[f"synthetic_state/{m}"]["outputs"]["ipynb"]) for m in ("set", "check")
    ]
    pids = [
        "".join(
            next(o["text"] for c in nb["cells"] for o in c.get("outputs", []) if "text" in o)
        ).split()[1]
        for nb in outputs
    ]
    assert pids[0] != pids[1]  # two kernels


def test_the_leak_probe_detects_a_leak_within_one_kernel(built_home: Path, tmp_path: Path) -> None:
    """Negative control: the same two steps in ONE kernel fail, so the probe can see a leak."""
    nb = _notebook(SYNTHETIC / "synthetic_state.ipynb")
    probe = next(c for c in nb["cells"] if "leaked_global" in "".join(c["source"]))
    again = json.loads(json.dumps(probe))
    again["id"] = "second-probe"
    again["metadata"] = {}
    nb["cells"] += [
        {"cell_type": "code", "id": "switch", "metadata": {}, "outputs": [],
         "execution_count": None, "source": ['mode = "check"']},
        again,
    ]  # fmt: skip
    notebook = tmp_path / "synthetic_state_twice.ipynb"
    notebook.write_text(json.dumps(nb), encoding="utf-8")
    matrix = _matrix(tmp_path / "m.yml", [
        {"notebook": str(notebook), "parameters": {"mode": "set"}, "name": "one-kernel"},
    ])  # fmt: skip
    out = tmp_path / "reports"
    done = _report(built_home, matrix, out, "--workers", "1")
    entry = _manifest(out)["runs"]["synthetic_state_twice/one-kernel"]
    assert done.returncode == 1
    assert entry["failing_cell"]["ename"] == "AssertionError"
    assert (
        "leaked" in entry["failing_cell"]["evalue"] or "visible" in entry["failing_cell"]["evalue"]
    )


def test_no_page_loads_anything_from_the_network(mixed: dict) -> None:
    import re

    pages = sorted(mixed["out"].rglob("*.html"))
    assert len(pages) >= 5  # the index and every run's page
    remote = re.compile(r"<(script|link|img|iframe)\b[^>]*\b(src|href)\s*=\s*[\"']?\s*(https?:)?//",
                        re.IGNORECASE)  # fmt: skip
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert '<script src="http' not in text and '<link href="http' not in text, page
        assert not remote.search(text), (page, remote.search(text))
    assets = mixed["out"] / "assets"
    assert (assets / "plotly.min.js").stat().st_size > 1_000_000
    figure = (mixed["out"] / "synthetic_figure" / "first.html").read_text(encoding="utf-8")
    assert '<script src="../assets/plotly.min.js"></script>' in figure
    assert figure.count("plotly.min.js") == 1  # plotly.js is shared, not inlined


@pytest.mark.browser
def test_rendered_report_draws_its_plot_offline(mixed: dict) -> None:
    from tests.browser import rendered_dom

    page = mixed["out"] / "synthetic_figure" / "first.html"
    dom = rendered_dom(page)
    assert 'class="main-svg"' in dom  # plotly.js ran (loaded from ../assets, no network)
    assert dom.count('class="trace scatter') == 1
    assert "Synthetic squares" in dom  # the title plotly drew
    assert 'class="toc-h2"' in dom and "A synthetic plot" in dom  # table of contents
    assert 'class="jp-Notebook compare-report hide-code"' in dom  # code hidden by default
    index = rendered_dom(mixed["out"] / "index.html")
    assert "synthetic_fail/default" in index and "status-failed" in index


def test_a_killed_command_leaves_the_previous_reports_usable(
    built_home: Path, tmp_path: Path
) -> None:
    import signal
    import time

    figure = {"notebook": str(SYNTHETIC / "synthetic_figure.ipynb"), "name": "fig"}
    slow = {"notebook": str(SYNTHETIC / "synthetic_slow.ipynb"), "parameters": {"seconds": 120.0}}
    first = _matrix(tmp_path / "first.yml", [figure])
    out = tmp_path / "reports"
    assert _report(built_home, first, out, "--workers", "1").returncode == 0
    before = _manifest(out)["runs"]["synthetic_figure/fig"]

    second = _matrix(tmp_path / "second.yml", [figure, slow])
    env = {k: v for k, v in os.environ.items() if k != "COMPARE_REPORT"}
    env["COMPARE_HOME"] = str(built_home)
    process = subprocess.Popen(
        [sys.executable, "-m", "compare.cli", "report", "--matrix", str(second), "--out",
         str(out), "--force", "--workers", "2", "--no-progress"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # until the figure has been re-run: the slow one is busy
        time.sleep(0.5)
        entry = _manifest(out)["runs"].get("synthetic_figure/fig", {})
        if entry.get("started_at", "") > before["started_at"]:
            break
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)

    manifest = _manifest(out)  # still valid JSON
    for run_id, entry in manifest["runs"].items():
        for name in ("ipynb", "html"):
            path = out / entry["outputs"][name]
            assert path.is_file(), run_id
        _notebook(out / entry["outputs"]["ipynb"])  # complete, parseable notebooks
    assert "synthetic_slow/default" not in manifest["runs"]
    assert "</html>" in (out / "index.html").read_text(encoding="utf-8")
    # and the next command finishes the job
    again = _report(built_home, first, out, "--workers", "1")
    assert again.returncode == 0
    assert "1 report(s) up to date" in again.stdout
