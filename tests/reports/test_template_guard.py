"""The autosave trap, closed: a template saved with outputs and another default is refused by
`compare report` (exit 2, naming it); restored, the report runs with the declared default,
whatever a template's cell said. The year is recomputed here with plain pandas."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from compare.geo import regions
from tests.paths import REPO

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("template_guard")]

EUR, LAC = "Europe", "Latin America & Caribbean"


def _report(home: Path, matrix: Path, out: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "COMPARE_REPORT"}
    env["COMPARE_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "compare.cli", "report", "--matrix", str(matrix), "--out",
         str(out), "--no-progress", "--workers", "1"],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip


def _autosave(notebook: Path) -> None:
    """What JupyterLab saved in the issue: year = 2020 as the default, and every output."""
    book = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in book["cells"]:
        if "parameters" in cell["metadata"].get("tags", []):
            cell["source"] = [
                line.replace('year: "Optional[int]" = None', 'year: "Optional[int]" = 2020')
                for line in cell["source"]
            ]
        if cell["cell_type"] == "code":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["2020\n"]}]
            cell["execution_count"] = 7
    notebook.write_text(json.dumps(book, indent=1), encoding="utf-8")


def _latest_year_by_hand(tidy: pd.DataFrame, indicator: str) -> int:
    """Latest year in which both groups have 3+ countries with a value and those countries hold
    at least two thirds of the population of the members with a population figure."""
    values = tidy[tidy["indicator"] == indicator]
    pop = tidy[tidy["indicator"] == "population"]
    for year in sorted(values["year"].unique(), reverse=True):
        ok = True
        for group in (EUR, LAC):
            members = set(regions.members(group, "m49", int(year)))
            have = set(values.loc[values["year"] == year, "iso3"]) & members
            weights = pop[(pop["year"] == year) & pop["iso3"].isin(members)].set_index("iso3")
            total = weights["value"].sum()
            covered = weights.loc[weights.index.isin(have), "value"].sum()
            ok &= len(have) >= 3 and total > 0 and covered / total >= 2 / 3
        if ok:
            return int(year)
    raise AssertionError("no year")


def test_an_autosaved_template_is_refused_and_the_declared_default_is_reported(
    built_home: Path, tmp_path: Path
) -> None:
    templates = tmp_path / "notebooks"
    shutil.copytree(REPO / "notebooks", templates)
    matrix = templates / "one.yml"
    matrix.write_text(yaml.safe_dump({"runs": [{
        "notebook": "indicator_comparison.ipynb", "parameters": {"indicator": "egdi"},
        "name": "{indicator}"}]}), encoding="utf-8")  # fmt: skip
    notebook = templates / "indicator_comparison.ipynb"
    _autosave(notebook)
    out = tmp_path / "reports"

    refused = _report(built_home, matrix, out)
    assert refused.returncode == 2, refused.stdout + refused.stderr
    assert f"template {notebook} is not clean" in refused.stderr
    assert "year = 2020 (declared None)" in refused.stderr
    assert "carry outputs" in refused.stderr and "Traceback" not in refused.stderr
    assert not (out / "indicator_comparison" / "egdi.html").exists()  # nothing ran

    shutil.copy(REPO / "notebooks" / "indicator_comparison.ipynb", notebook)  # restored
    done = _report(built_home, matrix, out)
    assert done.returncode == 0, done.stdout + done.stderr
    entry = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["runs"][
        "indicator_comparison/egdi"
    ]
    assert entry["parameters"] == {
        "indicator": "egdi", "year": None, "groups": [EUR, LAC], "classification": "m49",
        "weighting": "both", "language": "en",
    }  # fmt: skip
    executed = json.loads((out / entry["outputs"]["ipynb"]).read_text(encoding="utf-8"))
    injected = next(
        "".join(c["source"])
        for c in executed["cells"]
        if "injected-parameters" in c["metadata"].get("tags", [])
    )
    assert "year = None" in injected
    tidy = pd.read_parquet(built_home / "data" / "processed" / "indicators.parquet")
    year = _latest_year_by_hand(tidy, "egdi")
    markdown = [
        "".join(o["data"]["text/markdown"])
        for c in executed["cells"]
        for o in c.get("outputs", [])
        if "text/markdown" in o.get("data", {})
    ]
    assert f"Year {year}: the latest year in which the data cover" in markdown[0]
    page = (out / entry["outputs"]["html"]).read_text(encoding="utf-8")
    assert "2020: the year requested" not in page and f"Year {year}:" in page
