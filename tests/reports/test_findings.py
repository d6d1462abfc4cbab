"""The findings at the top of the index (compare/reports/findings.py, findings_view.py,
index.py) against plain pandas and csv: the latest and earliest years both groups pass the
coverage rule, the population-weighted means and gaps, the members with data; the employer
section's figures, mentions and consistency findings; the index page that shows them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from compare.geo import regions
from compare.reports import findings
from compare.reports.index import write_index
from compare.reports.matrix import RunDef
from tests.paths import REPO

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("findings")]

EUR, LAC = "Europe", "Latin America & Caribbean"
PLACEHOLDER = "zero_possibly_placeholder"  # values the statistics leave out (panel.py)
WANTED = [
    findings.Wanted(i, (EUR, LAC), "m49", f"indicator_comparison/{i}")
    for i in ("internet_users_pct", "egdi", "ict_skills_soft_pct")
]


@pytest.fixture(scope="module")
def computed(built_home: Path) -> dict:
    return findings.compute(WANTED, "evidence_overview/default", built_home)


@pytest.fixture(scope="module")
def tidy(built_home: Path) -> pd.DataFrame:
    return pd.read_parquet(built_home / "data" / "processed" / "indicators.parquet")


def _group_year(tidy: pd.DataFrame, indicator: str, group: str, year: int) -> pd.DataFrame:
    members = regions.members(group, "m49", year)
    rows = tidy[(tidy["year"] == year) & tidy["iso3"].isin(members)]
    value = rows[(rows["indicator"] == indicator) & ~rows["flag"].fillna("").str.contains(
        PLACEHOLDER)].set_index("iso3")["value"]  # fmt: skip
    pop = rows[rows["indicator"] == "population"].set_index("iso3")["value"]
    return pd.DataFrame({"value": value, "pop": pop}).reindex(members)


def _passes(frame: pd.DataFrame) -> bool:
    with_pop = frame.dropna(subset=["pop"])
    covered = with_pop.dropna(subset=["value"])["pop"].sum()
    return frame["value"].notna().sum() >= 3 and covered / with_pop["pop"].sum() >= 2 / 3


def _by_hand(tidy: pd.DataFrame, indicator: str) -> dict:
    years = sorted(tidy.loc[tidy["indicator"] == indicator, "year"].unique())
    ok = [int(y) for y in years
          if all(_passes(_group_year(tidy, indicator, g, int(y))) for g in (EUR, LAC))]  # fmt: skip
    if not ok:
        return {}
    out = {"latest": ok[-1], "earliest": ok[0]}
    for name in ("latest", "earliest"):
        means, counts = [], []
        for group in (EUR, LAC):
            both = _group_year(tidy, indicator, group, out[name]).dropna()
            means.append(float(np.average(both["value"], weights=both["pop"])))
            counts.append(
                int(_group_year(tidy, indicator, group, out[name])["value"].notna().sum())
            )
        out[f"{name}_means"], out[f"{name}_n"] = means, counts
    return out


@pytest.mark.parametrize("indicator", ["internet_users_pct", "egdi"])
def test_a_comparable_indicator_row_matches_plain_pandas(
    computed: dict, tidy: pd.DataFrame, indicator: str
) -> None:
    row = next(r for f in computed["families"] for r in f["rows"] if r["indicator"] == indicator)
    expected = _by_hand(tidy, indicator)
    latest, earliest = row["latest"], row["earliest"]
    assert latest["year"] == expected["latest"] and earliest["year"] == expected["earliest"]
    assert latest["weighting"] == "population"
    assert latest["means"] == pytest.approx(expected["latest_means"], rel=1e-9)
    assert latest["gap"] == pytest.approx(np.subtract(*expected["latest_means"]), rel=1e-9)
    assert latest["ci"][0] < latest["gap"] < latest["ci"][1]
    assert latest["n"] == expected["latest_n"]
    assert latest["members"] == [len(regions.members(g, "m49", latest["year"])) for g in (EUR, LAC)]
    assert earliest["gap"] == pytest.approx(np.subtract(*expected["earliest_means"]), rel=1e-9)


def test_an_indicator_without_a_comparable_year_shows_no_number(
    computed: dict, tidy: pd.DataFrame
) -> None:
    assert _by_hand(tidy, "ict_skills_soft_pct") == {}
    row = next(r for f in computed["families"] for r in f["rows"]
               if r["indicator"] == "ict_skills_soft_pct")  # fmt: skip
    assert row["latest"] is None and row["earliest"] is None
    assert row["note"].startswith("in no year do the data cover 66.7% of the population of both")


def test_the_employer_section_is_the_curated_evidence(computed: dict) -> None:
    with (REPO / "data" / "raw" / "evidence" / "paper_claims.csv").open(encoding="utf-8") as f:
        claims = [r for r in csv.DictReader(f) if r["family"] == "employer_recognition"]
    regional: dict[tuple, set[str]] = {}
    for r in claims:
        if r["geography_type"] == "region":
            key = (r["region"], r["measure"], float(r["value"]))
            regional.setdefault(key, set()).add(r["claim_id"])
    section = computed["employer"]
    shown = {(f["region"], f["measure"], f["value"]): {m["claim_id"] for m in f["mentions"]}
             for f in section["figures"]}  # fmt: skip
    assert shown == regional
    europe = shown[(EUR, "share of employers who value micro-credentials", 74.0)]
    assert europe == {"P010", "P018", "P066"}
    assert {g["title"] for g in section["gaps"]} == {
        "Employers that value / recognise micro-credentials (%)",
        "European Digital Credentials / Europass adoption by country",
    }


def test_the_employer_findings_are_those_of_the_build(computed: dict, built_home: Path) -> None:
    with (REPO / "data" / "raw" / "evidence" / "paper_claims.csv").open(encoding="utf-8") as f:
        ids = {r["claim_id"] for r in csv.DictReader(f) if r["family"] == "employer_recognition"}
    path = built_home / "data" / "processed" / "claim_findings.csv"
    with path.open(encoding="utf-8") as f:
        expected = [r["finding_id"] for r in csv.DictReader(f)
                    if set(r["claim_ids"].split(";")) & ids]  # fmt: skip
    assert [f["finding_id"] for f in computed["employer"]["findings"]] == expected
    assert "F03" in expected  # the 68% employers / institutions contradiction


def test_rows_are_stored_computed_once_and_dropped_when_the_data_change(
    tmp_path: Path, built_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    original = findings.indicator_row

    def counting(want: findings.Wanted, panel: object, home: Path) -> dict:
        calls.append(want.indicator)
        return original(want, panel, home)

    monkeypatch.setattr(findings, "indicator_row", counting)
    data, code = {"processed/x": "1"}, "c0"

    def refresh(wanted: list, data: dict = data) -> tuple[dict, bool]:
        return findings.refresh(tmp_path, wanted, None, data=data, code=code, home=built_home)

    first, computed_now = refresh(WANTED[1:2])
    assert computed_now and calls == ["egdi"] and first["employer"] is None
    again, computed_now = refresh(WANTED[1:2])
    assert not computed_now and calls == ["egdi"]
    assert again == json.loads((tmp_path / "findings.json").read_text(encoding="utf-8"))
    more, computed_now = refresh(WANTED[:2])  # a report more: only its row is computed
    assert computed_now and calls == ["egdi", "internet_users_pct"]
    assert more["rows"][findings.row_key(WANTED[1])] == first["rows"][findings.row_key(WANTED[1])]
    _, computed_now = refresh(WANTED[:2], {"processed/x": "2"})  # new data: everything again
    assert computed_now and calls[2:] == ["internet_users_pct", "egdi"]


def test_a_row_is_recomputed_only_when_what_its_report_read_changed(
    tmp_path: Path, built_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the reports' recorded reads, a data change that one report did not read keeps its
    row; a change in what it read (or in the code) recomputes that row only."""
    calls: list[str] = []
    original = findings.indicator_row
    monkeypatch.setattr(
        findings, "indicator_row", lambda w, p, h: calls.append(w.indicator) or original(w, p, h)
    )
    internet, egdi = WANTED[0], WANTED[1]
    reads = {
        internet.report: {"indicator:internet_users_pct": "a1", "indicator:population": "p1"},
        egdi.report: {"indicator:egdi": "e1", "indicator:population": "p1"},
    }

    def refresh(data: dict, reads: dict, code: str = "c0") -> bool:
        return findings.refresh(tmp_path, [internet, egdi], None, data=data, code=code,
                                home=built_home, reads=reads)[1]  # fmt: skip

    assert refresh({"processed/x": "1"}, reads) and calls == ["internet_users_pct", "egdi"]
    # the processed table changed, in a part neither report read: nothing is computed
    assert not refresh({"processed/x": "2"}, reads) and len(calls) == 2
    # what the EGDI report read changed: its row only
    changed = {**reads, egdi.report: {**reads[egdi.report], "indicator:egdi": "e2"}}
    assert refresh({"processed/x": "2"}, changed) and calls[2:] == ["egdi"]
    assert refresh({"processed/x": "2"}, changed, code="c1") and calls[3:] == [
        "internet_users_pct",
        "egdi",
    ]


def _run(run_id: str, notebook: str, parameters: dict, group: str) -> RunDef:
    return RunDef(run_id, REPO / "notebooks" / notebook, parameters, group, run_id, 0)


def test_the_index_leads_with_findings_and_folds_the_run_log(
    computed: dict, tmp_path: Path
) -> None:
    (tmp_path / "findings.json").write_text(json.dumps(computed), encoding="utf-8")
    (tmp_path / "indicator_comparison").mkdir()
    (tmp_path / "indicator_comparison" / "egdi.html").write_text("page", encoding="utf-8")
    runs = [
        _run("indicator_comparison/egdi", "indicator_comparison.ipynb", {"indicator": "egdi"},
             "Interoperability and digital government"),
        _run("evidence_overview/default", "evidence_overview.ipynb", {},
             "Evidence from the source paper"),
    ]  # fmt: skip
    manifest = {"runs": {"indicator_comparison/egdi": {
        "status": "ok", "outputs": {"html": "indicator_comparison/egdi.html"}}}}  # fmt: skip
    page = write_index(runs, manifest, tmp_path).read_text(encoding="utf-8")
    findings_at, employer_at = page.index("What the data show"), page.index(
        'id="employer-recognition"')  # fmt: skip
    log_at = page.index('<details class="run-log"')
    assert findings_at < employer_at < log_at
    row = next(r for f in computed["families"] for r in f["rows"] if r["indicator"] == "egdi")
    latest = row["latest"]
    cells = [f"{latest['means'][0]:.3f}", f"{latest['means'][1]:.3f}", f"{latest['gap']:.3f}"]
    egdi_row = page[page.index('href="indicator_comparison/egdi.html"') :][:1500]
    assert all(cell in egdi_row for cell in cells), (cells, egdi_row)
    assert f"<td>{latest['year']}</td>" in egdi_row
    assert "Not compared: in no year do the data cover" in page  # ict_skills_soft_pct
    assert "share of employers who value micro-credentials" in page
    assert "74.0%" in page and "35.0%" in page
