"""The languages of one report run one after another in one kernel
(:func:`compare.reports.kernel_run.execute_runs`), each from a clean start: a SYNTHETIC probe
notebook (tests/notebooks/synthetic_languages.ipynb) run in English, Spanish and Portuguese by
``compare report`` records what each run finds when it starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from compare.reports.executors import by_report
from compare.reports.matrix import RunSpec
from tests.paths import SYNTHETIC_NOTEBOOKS

pytestmark = pytest.mark.xdist_group("notebooks")

PROBE = SYNTHETIC_NOTEBOOKS / "synthetic_languages.ipynb"


def _report(home: Path, root: Path, *args: str, sleep_in: str = "") -> dict[str, Any]:
    """``compare report`` of the probe in three languages; the manifest's runs."""
    matrix = root / "matrix.yml"
    matrix.write_text(
        yaml.safe_dump({"languages": ["en", "es", "pt"],
                        "runs": [{"notebook": str(PROBE), "parameters": {"sleep_in": sleep_in}}]}),
        encoding="utf-8",
    )  # fmt: skip
    env = {k: v for k, v in os.environ.items() if k != "COMPARE_REPORT"}
    env["COMPARE_HOME"] = str(home)
    done = subprocess.run(
        [sys.executable, "-m", "compare.cli", "report", "--matrix", str(matrix),
         "--out", str(root / "reports"), "--no-progress", "--workers", "2", *args],
        capture_output=True, text=True, env=env, timeout=300, check=False,
    )  # fmt: skip
    manifest = json.loads((root / "reports" / "manifest.json").read_text(encoding="utf-8"))
    return {"done": done, "runs": manifest["runs"], "reports": root / "reports"}


def _found(reports: Path, run_id: str) -> dict[str, Any]:
    """What the run's first probe cell printed, and the execution count of that cell."""
    book = json.loads((reports / f"{run_id}.ipynb").read_text(encoding="utf-8"))
    cell = next(c for c in book["cells"] if "found = {" in "".join(c["source"]))
    text = "".join("".join(o["text"]) for o in cell["outputs"] if o.get("name") == "stdout")
    return {**json.loads(text), "execution_count": cell["execution_count"]}


def test_each_language_starts_clean_in_the_kernel_the_report_shares(
    built_home: Path, tmp_path: Path
) -> None:
    out = _report(built_home, tmp_path)
    assert out["done"].returncode == 0, out["done"].stdout + out["done"].stderr
    ids = ["synthetic_languages/default", "synthetic_languages/default.es",
           "synthetic_languages/default.pt"]  # fmt: skip
    assert sorted(out["runs"]) == sorted(ids)
    found = {run_id: _found(out["reports"], run_id) for run_id in ids}
    english, spanish, portuguese = (found[i] for i in ids)
    # one kernel for the three runs ...
    assert english["pid"] == spanish["pid"] == portuguese["pid"]
    # ... and each finds it as a new one: no variable, variable of the environment, working
    # directory or language left by the run before, its cells counted from 1
    for later in (spanish, portuguese):
        assert later["leftover"] is False
        assert later["probe_env"] == ""
        assert later["cwd"] == english["cwd"] != "/"
        assert later["language_at_start"] == "en"
        assert later["execution_count"] == english["execution_count"]
    # each run has its own page and its own status
    for run_id in ids:
        assert out["runs"][run_id]["status"] == "ok"
        assert (out["reports"] / f"{run_id}.html").is_file()


def test_a_run_that_kills_the_kernel_leaves_the_next_language_a_new_one(
    built_home: Path, tmp_path: Path
) -> None:
    out = _report(built_home, tmp_path, "--timeout", "8", sleep_in="es")
    assert out["done"].returncode == 1  # one run failed
    runs = out["runs"]
    assert runs["synthetic_languages/default"]["status"] == "ok"
    assert runs["synthetic_languages/default.es"]["status"] == "timeout"
    assert runs["synthetic_languages/default.pt"]["status"] == "ok"
    english = _found(out["reports"], "synthetic_languages/default")
    portuguese = _found(out["reports"], "synthetic_languages/default.pt")
    assert portuguese["pid"] != english["pid"]  # the Spanish run's kernel was killed
    assert portuguese["leftover"] is False and portuguese["language_at_start"] == "en"


def _spec(run_id: str, language: str, **parameters: Any) -> RunSpec:
    return RunSpec(
        run_id=run_id, notebook="nb.ipynb", parameters={**parameters, "language": language},
        home="/h", output_ipynb=f"{run_id}.ipynb", output_html=f"{run_id}.html",
        assets_href="a", index_href="i", title=run_id, group="g", key=run_id, warm_key="w",
        language=language,
    )  # fmt: skip


def test_runs_are_grouped_by_report_source_language_first() -> None:
    specs = [
        _spec("nb/a.es", "es", indicator="egdi"),
        _spec("nb/b", "en", indicator="osi"),
        _spec("nb/a", "en", indicator="egdi"),
        _spec("nb/a.pt", "pt", indicator="egdi"),
        _spec("nb/b.es", "es", indicator="osi"),
    ]
    groups = [[s.run_id for s in group] for group in by_report(specs)]
    assert groups == [["nb/a", "nb/a.es", "nb/a.pt"], ["nb/b", "nb/b.es"]]
    other_home = [_spec("nb/a", "en", indicator="egdi"), _spec("nb/a.es", "es", indicator="egdi")]
    other_home[1] = RunSpec(**{**other_home[1].__dict__, "home": "/elsewhere"})
    assert len(by_report(other_home)) == 2  # not the same report: not the same kernel
