"""Derived indicators (gender gaps): computed from the kept values when read, never stored, each
row traced to both raw cells; compared between the regions like any indicator."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

import compare
from compare.catalog import load_catalog
from compare.derived import DERIVED_FLAG, add_derived, derive
from compare.stats import compare_regions

EUR, LAC = "Europe", "Latin America & Caribbean"
SOURCE = "itu-sdg-ict-skills-mobile-own-by-sex"
GAPS = [i.id for i in load_catalog().derived]


@pytest.fixture(scope="module")
def tidy(built_home: Path) -> pd.DataFrame:
    return pd.read_parquet(built_home / "data" / "processed" / "indicators.parquet")


def _line(home: Path, raw_file: str, raw_row: int) -> dict[str, str]:
    """Line ``raw_row`` of a raw file, read with the csv module (not the reader)."""
    with (home / "data" / "raw" / SOURCE / raw_file).open(encoding="utf-8", newline="") as h:
        rows = list(csv.DictReader(h))
    return rows[raw_row - 2]


def test_gaps_are_not_stored(tidy: pd.DataFrame) -> None:
    assert not set(GAPS) & set(tidy["indicator"])
    assert len(GAPS) == 4


@pytest.mark.parametrize("gap", GAPS)
def test_one_row_per_country_year_with_both_values(
    gap: str, tidy: pd.DataFrame, built_home: Path
) -> None:
    spec = load_catalog().indicator(gap)
    women, men = spec.operands
    frame = compare.load(gap, home=built_home)
    a = tidy[tidy.indicator == women].set_index(["iso3", "year"])["value"]
    b = tidy[tidy.indicator == men].set_index(["iso3", "year"])["value"]
    both = (a - b).dropna()
    assert len(frame) == len(both) > 100
    got = frame.set_index(["iso3", "year"])["value"]
    pd.testing.assert_series_equal(got.sort_index(), both.sort_index(), check_names=False)
    assert (frame["unit"] == "percentage_points").all() and (
        frame["family"] == "digital_divide"
    ).all()
    assert (frame["source_id"] == SOURCE).all()
    assert frame["flag"].str.split(";").map(lambda f: DERIVED_FLAG in f).all()


def test_every_gap_traces_to_the_womens_and_the_mens_cell(built_home: Path) -> None:
    frame = compare.load("mobile_phone_owners_gender_gap_pp", home=built_home)
    for row in frame.itertuples():
        files, lines, columns = (
            str(x).split(";") for x in (row.raw_file, row.raw_row, row.raw_column)
        )
        assert len(files) == len(lines) == len(columns) == 2
        cells = [_line(built_home, f, int(n)) for f, n in zip(files, lines, strict=True)]
        assert [c["Sex"] for c in cells] == ["FEMALE", "MALE"]
        assert {c["TimePeriod"] for c in cells} == {str(row.year)}
        assert len({c["GeoAreaCode"] for c in cells}) == 1
        women, men = (float(c[col]) for c, col in zip(cells, columns, strict=True))
        assert row.value == pytest.approx(women - men, abs=1e-12)


def test_gap_is_compared_between_the_regions(built_home: Path) -> None:
    c = compare_regions("mobile_phone_owners_gender_gap_pp", home=built_home, n_boot=200)
    frame = compare.load("mobile_phone_owners_gender_gap_pp", years=c.year, home=built_home)
    for group in (EUR, LAC):
        values = frame.loc[frame.region == group, "value"]
        assert c.per_group[group].n_with_data == len(values) >= 3
        assert c.per_group[group].mean == pytest.approx(values.mean(), rel=1e-12)
    assert c.unit == "percentage_points" and c.glm is None and c.ols is not None
    assert " pp" in c.sentence


def test_operand_flags_carry_over_and_missing_partners_give_no_row() -> None:
    """A hand-made (SYNTHETIC) frame: flags of either value reach the gap; a country with only
    one of the two values gets no gap."""
    spec = load_catalog().indicator("ict_skills_soft_gender_gap_pp")
    women, men = spec.operands
    base = {
        "country": "x", "region": EUR, "family": "digital_divide", "unit": "percent",
        "source_id": SOURCE, "licence": "SYNTHETIC", "raw_file": "f.csv", "raw_column": "Value",
    }  # fmt: skip
    frame = pd.DataFrame(
        [
            {**base, "iso3": "ESP", "indicator": women, "year": 2019, "value": 40.0,
             "flag": "zero_possibly_placeholder", "raw_row": 2},
            {**base, "iso3": "ESP", "indicator": men, "year": 2019, "value": 45.5, "flag": "",
             "raw_row": 3},
            {**base, "iso3": "FRA", "indicator": women, "year": 2019, "value": 50.0, "flag": "",
             "raw_row": 4},
        ]
    )  # fmt: skip
    out = derive(frame, spec)
    assert len(out) == 1
    row = out.iloc[0]
    assert row["value"] == pytest.approx(-5.5)
    assert row["flag"] == "derived;zero_possibly_placeholder"
    assert (row["raw_row"], row["raw_file"]) == ("2;3", "f.csv;f.csv")
    assert list(out.columns) == list(frame.columns)
    assert add_derived(frame, ["internet_users_pct"]) is frame  # nothing derived asked for


def test_parameter_check_knows_the_years_of_a_gap(built_home: Path) -> None:
    from compare.errors import ParameterError
    from compare.reports.params import Vocabulary

    vocabulary = Vocabulary(home=str(built_home))
    frame = compare.load("ict_skills_pcpr_gender_gap_pp", home=built_home)
    vocabulary.year(int(frame["year"].max()), "ict_skills_pcpr_gender_gap_pp")
    with pytest.raises(ParameterError, match="years with data: 2014"):
        vocabulary.year(2022, "ict_skills_pcpr_gender_gap_pp")


def test_dumbbell_of_the_two_values_behind_a_gap(built_home: Path) -> None:
    import compare.figures as cf

    spec = load_catalog().indicator("ict_skills_soft_gender_gap_pp")
    fig = cf.dumbbell(*spec.operands, home=built_home)
    gaps = compare.load(spec.id, groups=[EUR, LAC], home=built_home)
    assert set(fig.layout.meta["countries"]) == set(gaps["iso3"])
    assert SOURCE in fig.layout.meta["caption"]
