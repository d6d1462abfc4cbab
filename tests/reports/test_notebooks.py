"""Every notebook of ``notebooks/`` executed by ``compare report`` with its default parameters
(the evidence notebook also runs under papermill in tests/evidence): no error output, its figures
present as plotly outputs, and the sentences under them stating numbers recomputed here by hand
from the processed table (plain pandas, not the functions that wrote them)."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from compare.catalog import load_catalog
from compare.config import COMPARED_FAMILIES
from compare.geo import regions
from tests.paths import REPO

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("notebooks")]

NOTEBOOKS = ("indicator_comparison", "country_profile", "data_coverage", "evidence_overview")
PLOTLY = "application/vnd.plotly.v1+json"
EUR, LAC = "Europe", "Latin America & Caribbean"


@pytest.fixture(scope="module")
def executed(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Each notebook run once with its defaults through the report runner: run id -> notebook."""
    root = tmp_path_factory.mktemp("notebooks")
    matrix = root / "matrix.yml"
    runs = [{"notebook": str(REPO / "notebooks" / f"{name}.ipynb")} for name in NOTEBOOKS]
    matrix.write_text(yaml.safe_dump({"runs": runs}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "COMPARE_REPORT"}
    env["COMPARE_HOME"] = str(built_home)
    done = subprocess.run(
        [sys.executable, "-m", "compare.cli", "report", "--matrix", str(matrix),
         "--out", str(root / "reports"), "--no-progress", "--workers", "2"],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    manifest = json.loads((root / "reports" / "manifest.json").read_text(encoding="utf-8"))
    books = {}
    for name in NOTEBOOKS:
        entry = manifest["runs"][f"{name}/default"]
        assert entry["status"] == "ok", entry
        path = root / "reports" / entry["outputs"]["ipynb"]
        books[name] = json.loads(path.read_text(encoding="utf-8"))
    return books


def _outputs(book: dict) -> list[dict]:
    return [o for c in book["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]


def _markdown(book: dict) -> list[str]:
    """The Markdown the code cells displayed, in order (HTML entities decoded)."""
    return [
        html.unescape("".join(o["data"]["text/markdown"]))
        for o in _outputs(book)
        if "text/markdown" in o.get("data", {})
    ]


def _figures(book: dict) -> list[dict]:
    return [o["data"][PLOTLY] for o in _outputs(book) if PLOTLY in o.get("data", {})]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_runs_clean_with_every_cell_executed(executed: dict, name: str) -> None:
    book = executed[name]
    outputs = _outputs(book)
    assert [o for o in outputs if o.get("output_type") == "error"] == []
    assert not [o for o in outputs if o.get("name") == "stderr" and "Traceback" in str(o)]
    code = [c for c in book["cells"] if c["cell_type"] == "code"]
    assert all(c.get("execution_count") for c in code), name


@pytest.mark.parametrize(
    ("name", "kinds"),
    [
        ("indicator_comparison", ["choropleth", "distribution", "trend"]),
        ("country_profile", [None]),
        ("data_coverage", ["coverage_heatmap", None]),
        ("evidence_overview", ["claims_by_family", "claims_vs_data"]),
    ],
)
def test_figures_are_plotly_outputs_with_data(executed: dict, name: str, kinds: list) -> None:
    figures = _figures(executed[name])
    assert len(figures) == len(kinds), [f["layout"].get("meta", {}).get("kind") for f in figures]
    for figure, kind in zip(figures, kinds, strict=True):
        assert figure["data"], name  # traces drawn
        assert figure["layout"]["meta"]["caption"].startswith("Source"), name
        if kind is not None:
            assert figure["layout"]["meta"]["kind"] == kind


def _by_hand(tidy: pd.DataFrame, indicator: str, year: int, group: str) -> pd.DataFrame:
    members = pd.DataFrame({"iso3": regions.members(group, "m49", year)})
    rows = tidy[tidy["year"] == year]
    value = rows[rows["indicator"] == indicator].set_index("iso3")["value"]
    pop = rows[rows["indicator"] == "population"].set_index("iso3")["value"]
    return members.assign(value=members["iso3"].map(value), pop=members["iso3"].map(pop))


def test_indicator_sentences_state_the_means_computed_by_hand(
    executed: dict, built_home: Path
) -> None:
    """Default indicator (internet use): the summary names the year and both population-weighted
    means, the range sentence the lowest and highest country of each group, as plain pandas
    finds them in the processed table."""
    text = _markdown(executed["indicator_comparison"])
    year = int(re.search(r"Year (\d{4}):", text[0]).group(1))
    summary = next(t for t in text if t.startswith(f"In {year}, "))
    tidy = pd.read_parquet(built_home / "data" / "processed" / "indicators.parquet")
    for group in (EUR, LAC):
        frame = _by_hand(tidy, "internet_users_pct", year, group).dropna(subset=["value"])
        both = frame.dropna(subset=["pop"])
        weighted = (both["value"] * both["pop"]).sum() / both["pop"].sum()
        assert f"{weighted:.1f}% in {group}" in summary, (group, weighted, summary)
        ranges = next(t for t in text if t.startswith(f"In {EUR}, values in {year}"))
        low, high = frame.loc[frame["value"].idxmin()], frame.loc[frame["value"].idxmax()]
        assert f"from {low['value']:.1f}%" in ranges and f"to {high['value']:.1f}%" in ranges


def test_profile_sentence_counts_the_indicators_by_hand(executed: dict, built_home: Path) -> None:
    """Spain (the default): how many compared indicators have a value for it, counted here."""
    text = _markdown(executed["country_profile"])
    catalog = load_catalog()
    compared = [i for i in catalog.indicators.values() if i.family in COMPARED_FAMILIES]
    tidy = pd.read_parquet(built_home / "data" / "processed" / "indicators.parquet")
    stored = set(tidy.loc[tidy["iso3"] == "ESP", "indicator"])
    derived = {
        i.id for i in compared if i.operands and set(i.operands) <= stored  # a gap needs both
        and len(
            tidy[(tidy["iso3"] == "ESP") & tidy["indicator"].isin(i.operands)]
            .groupby("year")["indicator"].nunique().loc[lambda n: n == 2]
        ) > 0
    }  # fmt: skip
    with_value = {i.id for i in compared if i.id in stored} | derived
    sentence = next(t for t in text if t.startswith("Spain has a value on"))
    assert f"Spain has a value on {len(with_value)} of {len(compared)} compared" in sentence


def test_coverage_sentence_counts_indicators_per_family(executed: dict) -> None:
    text = _markdown(executed["data_coverage"])
    sentence = next(t for t in text if t.startswith("By family"))
    catalog = load_catalog()
    for family in (*COMPARED_FAMILIES, "context"):
        n = sum(i.family == family for i in catalog.indicators.values())
        if n:
            assert f"{family.replace('_', ' ')}: {n} indicators" in sentence
