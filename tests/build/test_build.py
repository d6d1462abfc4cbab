"""The build on the real mirror: accounting, quarantine, aggregates, units, traceability."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from compare.build.run import build, build_source
from compare.build.schema import TIDY_COLUMNS
from compare.catalog import load_catalog
from compare.ingest.sources.excel import read_grid
from tests.conftest import FOCUS


@pytest.fixture(scope="module")
def processed(built_home: Path) -> Path:
    return built_home / "data" / "processed"


@pytest.fixture(scope="module")
def tidy(processed: Path) -> pd.DataFrame:
    return pd.read_parquet(processed / "indicators.parquet")


@pytest.fixture(scope="module")
def manifest(processed: Path) -> dict:
    return json.loads((processed / "build_manifest.json").read_text())


def test_outputs_exist_and_match_the_manifest(processed: Path, manifest: dict) -> None:
    from compare.storage.checksums import sha256_file

    for name in (
        "indicators.parquet",
        "indicators.csv",
        "aggregates.parquet",
        "quarantine.csv",
        "datapackage.json",
    ):
        assert (processed / name).is_file(), name
        assert manifest["outputs"][name] == sha256_file(processed / name)


def test_every_catalog_source_is_built_and_accounted_for(manifest: dict) -> None:
    catalog = load_catalog()
    assert set(manifest["sources"]) == set(catalog.sources)
    for source_id, acc in manifest["sources"].items():
        assert acc["rows_read"] == acc["kept"] + acc["quarantined"] + acc["aggregates"], source_id
        assert acc["rows_in_file"] == acc["rows_read"] + acc["rows_not_selected"], source_id
        assert acc["kept"] > 0, source_id
        assert sum(acc["quarantine_reasons"].values()) == acc["quarantined"], source_id


def _csv_rows(folder: Path, name: str) -> list[list[str]]:
    with (folder / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _filled_year_cells(folder: Path) -> int:
    """The wide World Bank download: filled year cells."""
    rows = _csv_rows(folder, "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv")
    years = [i for i, h in enumerate(rows[0]) if h.isdigit()]
    return sum(1 for row in rows[1:] for i in years if row[i].strip())


def _grid_rows(path: Path, sheet: str | None = None) -> int:
    """Non-empty rows of a spreadsheet below its header."""
    grid, _ = read_grid(path, sheet) if sheet else read_grid(path)
    return len([row for row in grid if any(row)]) - 1


def _itu_cells(folder: Path) -> int:
    grid, _ = read_grid(next(folder.glob("*.xls")))
    return sum(1 for row in grid[3:] if row[1] and row[3]) * 9  # economies x 9 columns


def _egdi_cells(folder: Path) -> int:
    """Every survey year's table: rows x 5 index columns."""
    return sum((len(_csv_rows(folder, f.name)) - 1) * 5 for f in folder.glob("EGOV_DATA_*.csv"))


def _lines(name: str, per_line: int = 1) -> Callable[[Path], int]:
    """Counter of a long table's data lines (x ``per_line`` value columns)."""
    return lambda folder: (len(_csv_rows(folder, name)) - 1) * per_line


def _sdg_lines(folder: Path) -> int:
    """The UN SDG CSV exports: one record per line."""
    return sum(
        len(_csv_rows(folder, f.name)) - 1 for f in sorted(folder.glob("sdg_database_*.csv"))
    )


#: Per source with its own layout: its value slots, counted without the readers.
_COUNTS: dict[str, Callable[[Path], int]] = {
    "wb-internet-users": _filled_year_cells,
    "un-egdi": _egdi_cells,
    "un-egdi-2024-secondary": _lines("EGOV_DATA_2024.csv", 5),
    "oecd-dgi-2023": _lines("oecd_dgi_2023.csv"),
    "ec-desi-2017-2022": _lines("DESI.csv"),
    "wb-gtmi-2020-2025": lambda folder: _grid_rows(folder / "groups_data.xlsx") * 5,
    "itu-internet-gender-urban-rural": _itu_cells,
    "itu-sdg-ict-skills-mobile-own-by-sex": _sdg_lines,
}


def _independent_count(mirror: Path, source_id: str) -> int:
    """Value slots of a source's raw files counted without the readers: lines of long tables,
    filled year cells of the wide one, rows x value columns of the survey tables."""
    folder = mirror / source_id
    if source_id in _COUNTS:
        return _COUNTS[source_id](folder)
    if source_id.startswith("wb-"):
        return len(_csv_rows(folder, "data.csv")) - 1
    return _grid_rows(next(folder.glob("8_*.xlsx")), "Machine Readable Format")


def test_rows_in_file_match_an_independent_count(manifest: dict, mirror: Path) -> None:
    """The accounting starts from what is really in the files, not from what a reader found."""
    for source_id, acc in manifest["sources"].items():
        assert acc["rows_in_file"] == _independent_count(mirror, source_id), source_id


def test_quarantine_file_matches_the_manifest(processed: Path, manifest: dict) -> None:
    quarantine = pd.read_csv(processed / "quarantine.csv", dtype=str, keep_default_na=False)
    counts = quarantine.groupby("source_id").size().to_dict()
    for source_id, acc in manifest["sources"].items():
        assert counts.get(source_id, 0) == acc["quarantined"], source_id
    assert (quarantine["reason"] != "").all()
    assert (quarantine["raw_file"] != "").all() and (quarantine["raw_row"] != "").all()


def test_tidy_table_schema(tidy: pd.DataFrame) -> None:
    assert tuple(tidy.columns) == TIDY_COLUMNS
    assert not tidy.duplicated(["iso3", "indicator", "year"]).any()
    assert tidy["iso3"].str.fullmatch(r"[A-Z]{3}").all()
    assert (tidy["licence"] != "").all() and (tidy["source_id"] != "").all()
    assert tidy["value"].notna().all()
    catalog = load_catalog()
    for indicator, rows in tidy.groupby("indicator"):
        spec = catalog.indicator(indicator)
        assert (rows["unit"] == spec.unit).all()
        assert (rows["source_id"] == spec.source).all()
        if spec.range:
            assert rows["value"].between(*spec.range).all(), indicator


def test_aggregates_are_kept_apart(tidy: pd.DataFrame, processed: Path) -> None:
    aggregates = pd.read_parquet(processed / "aggregates.parquet")
    codes = set(aggregates["code"])
    assert {"WLD", "LCN", "EUU"} <= codes
    assert not set(tidy["iso3"]) & {"WLD", "LCN", "EUU", "ECS", "HIC", "EMU", "OED"}


def _raw_cell(home: Path, source_id: str, raw_file: str, raw_row: int, raw_column: str) -> str:
    """Read one cell of a raw file independently of the readers."""
    path = home / "data" / "raw" / source_id / raw_file
    if path.suffix in (".xlsx", ".xls"):
        grid, _ = read_grid(path)
        column_number = re.search(r"\(column (\d+)\)", raw_column)
        if column_number:
            return grid[raw_row - 1][int(column_number.group(1)) - 1]
        header = next(row for row in grid if raw_column in row)
        return grid[raw_row - 1][header.index(raw_column)]
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    header_line = next(
        i
        for i, line in enumerate(lines)
        if f'"{raw_column}"' in line or f",{raw_column}," in f",{line},"
    )
    header = next(csv.reader(io.StringIO(lines[header_line])))
    row = next(csv.reader(io.StringIO(lines[raw_row - 1])))
    return row[[h.strip() for h in header].index(raw_column)]


def test_every_indicator_traces_back_to_its_raw_cell(tidy: pd.DataFrame, built_home: Path) -> None:
    catalog = load_catalog()
    sample = pd.concat(
        group.sample(min(len(group), 5), random_state=7) for _, group in tidy.groupby("indicator")
    )
    for row in sample.itertuples():
        raw = _raw_cell(built_home, row.source_id, row.raw_file, row.raw_row, row.raw_column)
        scale = catalog.indicator(row.indicator).scale
        assert float(raw) * scale == pytest.approx(row.value, rel=1e-9), row


@pytest.mark.parametrize(
    ("indicator", "iso3", "year"),
    [
        ("internet_users_pct", "ESP", 2022),
        ("internet_users_pct", "MEX", 2022),
        ("internet_users_pct", "BRA", 2022),
    ],
)
def test_internet_users_spot_values_equal_the_raw_file(
    tidy: pd.DataFrame, built_home: Path, indicator: str, iso3: str, year: int
) -> None:
    path = built_home / "data/raw/wb-internet-users/API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
    with path.open(encoding="utf-8-sig") as handle:
        raw = next(r for r in csv.DictReader(handle) if r["Country Code"] == iso3)
    row = tidy[(tidy.indicator == indicator) & (tidy.iso3 == iso3) & (tidy.year == year)]
    assert len(row) == 1
    assert row["value"].iloc[0] == pytest.approx(float(raw[str(year)]))
    assert 50 < row["value"].iloc[0] <= 100


def test_focus_countries_present_where_the_source_covers_them(tidy: pd.DataFrame) -> None:
    expected = {
        "internet_users_pct": FOCUS,
        "fixed_broadband_per100": FOCUS,
        "egdi": FOCUS,
        "gtmi": FOCUS,
        "population": FOCUS,
        "gdp_per_capita_ppp": FOCUS,
        "internet_users_male_pct": FOCUS,
        "egdi_2024": FOCUS,
        # OECD DGI 2023 has no DEU, ECU, URY (PROVENANCE.md)
        "dgi": tuple(c for c in FOCUS if c not in ("DEU", "ECU", "URY")),
        # European sources cover the six European focus countries only
        "egov_overall": FOCUS[:6],
        "desi_egov_users_pct": FOCUS[:6],
    }
    for indicator, countries in expected.items():
        present = set(tidy.loc[tidy.indicator == indicator, "iso3"])
        assert set(countries) <= present, (indicator, set(countries) - present)
    assert not {"DEU", "ECU", "URY"} & set(tidy.loc[tidy.indicator == "dgi", "iso3"])


def test_desi_fractions_become_percent(tidy: pd.DataFrame) -> None:
    es = tidy[
        (tidy.indicator == "desi_egov_users_pct") & (tidy.iso3 == "ESP") & (tidy.year == 2022)
    ]
    assert es["value"].iloc[0] == pytest.approx(72.7, abs=0.05)  # 0.727 in DESI.csv (PROVENANCE)
    assert tidy.loc[tidy.indicator == "desi_egov_users_pct", "value"].max() > 1.0


def test_egdi_not_assessed_is_missing_not_zero(tidy: pd.DataFrame, processed: Path) -> None:
    quarantine = pd.read_csv(processed / "quarantine.csv", dtype=str, keep_default_na=False)
    not_assessed = quarantine[quarantine.reason_code == "not_assessed"]
    assert {"Montenegro", "South Sudan"} <= set(not_assessed["entity"])
    mne = tidy[(tidy.iso3 == "MNE") & (tidy.indicator == "egdi")]
    assert 2003 not in set(mne["year"]) and 2022 in set(mne["year"])


def test_egov_benchmark_unlabelled_years_are_quarantined(
    tidy: pd.DataFrame, processed: Path
) -> None:
    years = set(tidy.loc[tidy.source_id == "eu-egov-benchmark-2023", "year"])
    assert years == {2020, 2021, 2022}
    quarantine = pd.read_csv(processed / "quarantine.csv", dtype=str, keep_default_na=False)
    unlabelled = quarantine[
        (quarantine.source_id == "eu-egov-benchmark-2023")
        & (quarantine.reason_code == "unreadable_row")
    ]
    assert len(unlabelled) > 0 and set(unlabelled["year"]) <= {str(y) for y in range(2012, 2020)}


def test_itu_missing_markers_are_quarantined(processed: Path, tidy: pd.DataFrame) -> None:
    quarantine = pd.read_csv(processed / "quarantine.csv", dtype=str, keep_default_na=False)
    itu = quarantine[quarantine.source_id == "itu-internet-gender-urban-rural"]
    assert set(itu["reason_code"]) == {"missing_marker"}
    assert set(itu["value"]) <= {"...", ""}
    peru = tidy[
        (tidy.iso3 == "PER")
        & tidy.indicator.isin(["internet_users_urban_pct", "internet_users_rural_pct"])
    ]
    assert dict(zip(peru.indicator, peru.value, strict=True)) == {
        "internet_users_urban_pct": pytest.approx(62.2),  # PROVENANCE.md example
        "internet_users_rural_pct": pytest.approx(17.7),
    }


def test_secondary_egdi_copy_is_flagged(tidy: pd.DataFrame) -> None:
    flags = tidy.loc[tidy.source_id == "un-egdi-2024-secondary", "flag"]
    assert flags.str.contains("secondary_copy").all()


def test_missing_source_folder_is_a_clear_error(fresh_home: Path) -> None:
    from compare.errors import DataError

    catalog = load_catalog()
    with pytest.raises(DataError, match="compare fetch"):
        build_source(catalog.source("oecd-dgi-2023"), fresh_home / "nope", catalog)


def test_partial_rebuild_keeps_the_other_sources(fresh_home: Path, mirror: Path) -> None:
    """`compare build --only X` rebuilds X; the other sources keep their previous rows, and the
    outputs are swapped in whole (no staging folder left behind)."""
    from compare.ingest.mirror import fetch_from_mirror
    from compare.storage.checksums import sha256_file

    both = ["oecd-dgi-2023", "wb-sp-pop-totl"]
    fetch_from_mirror(mirror, home=fresh_home, only=both)
    first = build(fresh_home, sources=both)
    processed = fresh_home / "data" / "processed"
    before = pd.read_parquet(processed / "indicators.parquet")
    quarantine_before = (processed / "quarantine.csv").read_bytes()
    second = build(fresh_home, sources=["oecd-dgi-2023"])
    after = pd.read_parquet(processed / "indicators.parquet")
    assert second.rows == first.rows and set(second.sources) == set(both)
    assert second.sources["wb-sp-pop-totl"] == first.sources["wb-sp-pop-totl"]
    pd.testing.assert_frame_equal(after, before)
    assert (processed / "quarantine.csv").read_bytes() == quarantine_before
    manifest = json.loads((processed / "build_manifest.json").read_text())
    assert manifest["outputs"]["indicators.parquet"] == sha256_file(
        processed / "indicators.parquet"
    )
    leftovers = [p.name for p in processed.parent.iterdir() if p.name.startswith(".processed")]
    assert leftovers == []


def test_datapackage_names_each_source_and_how_it_was_obtained(processed: Path) -> None:
    package = json.loads((processed / "datapackage.json").read_text())
    sources = {s["id"]: s for s in package["sources"]}
    assert set(sources) == set(load_catalog().sources)
    egdi = sources["un-egdi"]
    assert "sevenChrisK/text-mining-week1" in egdi["origin"]
    assert egdi["retrieved"] and egdi["live_download"] is False
    assert egdi["licence"] == load_catalog().sources["un-egdi"].licence


def test_claim_findings_come_from_the_checkout_when_the_home_has_no_curation(
    tmp_path: Path, mirror: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from compare.evidence import claims as evidence
    from compare.ingest.mirror import fetch_from_mirror

    fetch_from_mirror(mirror, home=tmp_path, only=["oecd-dgi-2023"])
    assert not (tmp_path / "data" / "raw" / "evidence").exists()
    report = build(tmp_path, sources=["oecd-dgi-2023"])
    findings = pd.read_csv(tmp_path / "data" / "processed" / "claim_findings.csv")
    assert len(findings) > 0 and report.notes == []
    monkeypatch.setattr(evidence, "CHECKOUT_EVIDENCE", tmp_path / "nowhere")
    report = build(tmp_path, sources=["oecd-dgi-2023"])
    assert not (tmp_path / "data" / "processed" / "claim_findings.csv").exists()
    assert "claim_findings.csv not written" in report.summary()
