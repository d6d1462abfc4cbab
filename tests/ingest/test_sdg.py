"""The UN SDG Global Database reader and build on the real exports (ICT skills, mobile ownership),
checked against an independent read of the files with the csv module."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest

from compare.build.run import build_source
from compare.catalog import load_catalog
from compare.ingest.sources import get_reader
from compare.ingest.sources.base import RECORD_COLUMNS

SOURCE = "itu-sdg-ict-skills-mobile-own-by-sex"
SKILLS, MOBILE = "sdg_database_ict_literacy.csv", "sdg_database_ind_own_mobile.csv"
CATALOG = load_catalog()


def _rows(mirror: Path, name: str) -> list[dict[str, str]]:
    with (mirror / SOURCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _dimensions(key: str) -> dict[str, str]:
    """``{"Sex": "FEMALE", ...}`` from a series key ``CODE[Sex=FEMALE; ...]``."""
    inside = key.partition("[")[2].rstrip("]")
    return dict(part.split("=", 1) for part in inside.split("; ") if part)


@pytest.fixture(scope="module")
def records(mirror: Path) -> pd.DataFrame:
    source = CATALOG.source(SOURCE)
    wanted = [i.key for i in CATALOG.indicators_of(SOURCE)]
    frame = get_reader(source.reader)(source, mirror / SOURCE, wanted=wanted)
    assert list(frame.columns) == list(RECORD_COLUMNS)
    return frame


@pytest.fixture(scope="module")
def result(mirror: Path):
    return build_source(CATALOG.source(SOURCE), mirror / SOURCE, CATALOG)


@pytest.mark.parametrize(
    ("name", "lines", "columns"),
    [(SKILLS, 4795, ("Sex", "Type of skill")), (MOBILE, 589, ("Sex",))],
)
def test_one_record_per_line_and_counts_per_dimension_value(
    records: pd.DataFrame, mirror: Path, name: str, lines: int, columns: tuple[str, ...]
) -> None:
    rows = _rows(mirror, name)
    mine = records[records["raw_file"] == name]
    assert len(rows) == len(mine) == lines
    assert (mine["problem"] == "").all()
    keys = [_dimensions(k) for k in mine["series"]]
    for column in columns:
        assert Counter(k.get(column, "") for k in keys) == Counter(r[column] for r in rows), column
    # every line carries the global reporting type and percent (the source's declared values)
    assert {(k["Reporting Type"], k["Units"]) for k in keys} == {("G", "PERCENT")}
    # line by line: the code, year and value as written, on the line the file has them
    by_line = mine.set_index("raw_row")
    for line, row in enumerate(rows, start=2):
        record = by_line.loc[line]
        assert (record["entity"], record["year"], record["value"]) == (
            row["GeoAreaCode"],
            row["TimePeriod"],
            row["Value"],
        )
        assert record["series"].startswith(row["SeriesCode"] + "[")


def test_skills_file_counts_by_sex_and_skill(mirror: Path, records: pd.DataFrame) -> None:
    """The numbers quoted in PROVENANCE.md / the issue, from the csv module and from the reader."""
    rows = _rows(mirror, SKILLS)
    assert Counter(r["Sex"] for r in rows) == {"BOTHSEX": 1914, "MALE": 1441, "FEMALE": 1440}
    assert len({r["Type of skill"] for r in rows}) == 9
    mine = Counter(
        _dimensions(k)["Type of skill"] for k in records.loc[records.raw_file == SKILLS, "series"]
    )
    assert mine == Counter(r["Type of skill"] for r in rows)
    assert mine["COPA"] == 486 and mine["PCPR"] == 635


def test_build_accounts_for_every_line(result, mirror: Path) -> None:
    """rows read = kept + quarantined + aggregates; the lines no indicator takes (women and men
    for the six skills taken for both sexes only) are counted as not selected."""
    rows = _rows(mirror, SKILLS) + _rows(mirror, MOBILE)
    by_sex = {"COPA", "SOFT", "PCPR"}
    not_taken = [
        r
        for r in rows
        if r["Sex"] != "BOTHSEX" and r["Type of skill"] and r["Type of skill"] not in by_sex
    ]
    acc = result.accounting()
    assert acc["rows_in_file"] == len(rows) == 5384
    assert acc["rows_not_selected"] == len(not_taken) == 1908
    assert acc["rows_read"] == acc["kept"] + acc["quarantined"] + acc["aggregates"] == 3476
    assert acc["aggregates"] == 0  # country rows only (PROVENANCE.md)
    # kept + quarantined per indicator = the file's lines of that sex and skill
    taken = pd.concat(
        [result.tidy[["indicator"]], result.quarantine[["indicator"]]], ignore_index=True
    )["indicator"].value_counts()
    for indicator in CATALOG.indicators_of(SOURCE):
        dims = dict(indicator.dimensions)
        expected = sum(
            1
            for r in rows
            if r["SeriesCode"] == indicator.series
            and r["Sex"] == dims["Sex"]
            and r["Type of skill"] == dims.get("Type of skill", "")
        )
        assert taken.get(indicator.id, 0) == expected, indicator.id


def test_out_of_range_ownership_is_quarantined_not_clipped(result) -> None:
    q = result.quarantine
    out = q[q["reason_code"] == "out_of_range"]
    assert "132.8175" in set(out["value"])  # as published: South Africa (710), men, 2015
    row = out[out["value"] == "132.8175"].iloc[0]
    assert (row["entity"], row["raw_file"], row["indicator"]) == (
        "710",
        MOBILE,
        "mobile_phone_owners_male_pct",
    )
    assert "outside plausible range [0, 100]" in row["reason"]
    assert result.tidy["value"].between(0, 100).all()


def test_coverage_matches_provenance(result) -> None:
    """Europe / Latin America & Caribbean countries with a value (PROVENANCE.md: skills 37 / 10,
    mobile ownership 15 / 17)."""
    tidy = result.tidy
    skills = tidy[tidy["indicator"].str.startswith("ict_skills_")]
    mobile = tidy[tidy["indicator"].str.startswith("mobile_phone_owners")]
    count = {
        name: frame.groupby("region")["iso3"].nunique().to_dict()
        for name, frame in (("skills", skills), ("mobile", mobile))
    }
    assert count["skills"]["Europe"] == 37 and count["skills"]["Latin America & Caribbean"] == 10
    assert count["mobile"]["Europe"] == 15 and count["mobile"]["Latin America & Caribbean"] == 17
    lac = set(skills.loc[skills.region == "Latin America & Caribbean", "iso3"])
    assert lac == {"BRA", "CHL", "COL", "CRI", "CUB", "CUW", "DOM", "JAM", "MEX", "PER"}


def test_build_manifest_and_quarantine_of_the_real_build(built_home: Path, mirror: Path) -> None:
    processed = built_home / "data" / "processed"
    manifest = json.loads((processed / "build_manifest.json").read_text())
    acc = manifest["sources"][SOURCE]
    lines = len(_rows(mirror, SKILLS)) + len(_rows(mirror, MOBILE))
    assert acc["rows_in_file"] == lines
    assert acc["rows_in_file"] == acc["rows_not_selected"] + acc["kept"] + acc["quarantined"]
    quarantine = pd.read_csv(processed / "quarantine.csv", dtype=str, keep_default_na=False)
    mine = quarantine[quarantine["source_id"] == SOURCE]
    assert len(mine) == acc["quarantined"]
    big = mine[mine["value"] == "132.8175"]
    assert big["reason_code"].tolist() == ["out_of_range"]
