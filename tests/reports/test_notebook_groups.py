"""The indicator notebook with two groups of two classifications (EU27 against M49 South America):
every figure drawn for those groups, and the sentences' means recomputed here from the processed
table and the mirror's membership tables."""

from __future__ import annotations

import csv
import html
import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.paths import REPO

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("notebooks")]

PAIR = ["eu27:EU27", "m49_intermediate:South America"]
PLOTLY = "application/vnd.plotly.v1+json"


@pytest.fixture(scope="module")
def book(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("groups")
    matrix = root / "matrix.yml"
    run = {
        "notebook": str(REPO / "notebooks" / "indicator_comparison.ipynb"),
        "parameters": {"indicator": "egdi", "year": 2022, "groups": PAIR},
        "name": "eu27-south-america",
    }
    matrix.write_text(yaml.safe_dump({"runs": [run]}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "COMPARE_REPORT"}
    env["COMPARE_HOME"] = str(built_home)
    done = subprocess.run(
        [sys.executable, "-m", "compare.cli", "report", "--matrix", str(matrix),
         "--out", str(root / "reports"), "--no-progress", "--workers", "1"],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((root / "reports" / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["runs"]["indicator_comparison/eu27-south-america"]
    assert entry["status"] == "ok", entry
    return json.loads((root / "reports" / entry["outputs"]["ipynb"]).read_text(encoding="utf-8"))


def _outputs(book: dict) -> list[dict]:
    return [o for c in book["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]


def test_figures_and_means_for_eu27_against_south_america(
    book: dict, built_home: Path, mirror: Path
) -> None:
    outputs = _outputs(book)
    assert not [o for o in outputs if o.get("output_type") == "error"]
    figures = [o["data"][PLOTLY] for o in outputs if PLOTLY in o.get("data", {})]
    kinds = [f["layout"]["meta"]["kind"] for f in figures]
    assert kinds == ["choropleth", "distribution", "trend"]
    for figure in figures:
        assert figure["layout"]["meta"]["groups"] == PAIR
    text = [
        html.unescape("".join(o["data"]["text/markdown"]))
        for o in outputs
        if "text/markdown" in o.get("data", {})
    ]
    assert not any("drawn for UN M49 groups" in t for t in text)
    with (mirror / "country-codes" / "country-codes.csv").open(encoding="utf-8-sig") as handle:
        south = {r["ISO3166-1-Alpha-3"] for r in csv.DictReader(handle)
                 if r["Intermediate Region Name"] == "South America"}  # fmt: skip
    with (mirror / "eu-eea-membership" / "eea_ctries_2021-01-01.csv").open(
        encoding="utf-8-sig"
    ) as handle:
        eu = {r["iso3c"] for r in csv.DictReader(handle) if r["eu27"] == "TRUE"}
    tidy = pd.read_parquet(built_home / "data" / "processed" / "indicators.parquet")
    egdi = tidy[(tidy["indicator"] == "egdi") & (tidy["year"] == 2022)].set_index("iso3")["value"]
    means = [egdi[egdi.index.isin(codes)].mean() for codes in (eu, south)]
    summary = next(t for t in text if t.startswith("In 2022, "))
    assert f"unweighted country means {means[0]:.3f} vs {means[1]:.3f}" in summary
    assert "index points" in summary and "resting on an effective" in summary
    assert any(t.startswith(f"In {PAIR[0]}, values in 2022") for t in text)
    # what the weighted means rest on, recomputed: Kish n from the 2022 populations
    pop = tidy[(tidy["indicator"] == "population") & (tidy["year"] == 2022)].set_index("iso3")
    for group, codes in zip(PAIR, (eu, south), strict=True):
        weights = pop["value"].reindex(sorted(codes & set(egdi.index))).dropna()
        kish = weights.sum() ** 2 / (weights**2).sum()
        assert f"{group}'s population-weighted mean" in summary
        assert f"an effective {kish:.1f} (Kish)" in summary
