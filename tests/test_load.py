"""`compare.load`: the tidy table for notebooks, filtered, with the region column attached."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import compare
from compare.errors import CompareError, ParameterError


def test_load_filters_and_attaches_regions(use_home: Path) -> None:
    df = compare.load("internet_users_pct", years=2022,
                      groups=["Europe", "Latin America & Caribbean"])  # fmt: skip
    assert set(df["indicator"]) == {"internet_users_pct"} and set(df["year"]) == {2022}
    assert set(df["region"]) == {"Europe", "Latin America & Caribbean"}
    assert {"ESP", "MEX", "BRA"} <= set(df["iso3"]) and "USA" not in set(df["iso3"])
    assert df.loc[df.iso3 == "FRA", "region"].item() == "Europe"


def test_load_by_country_names_and_family(use_home: Path) -> None:
    df = compare.load(countries=["España", "Brasil"], family="interoperability")
    assert set(df["iso3"]) == {"ESP", "BRA"}
    assert set(df["family"]) == {"interoperability"}
    assert {"egdi", "gtmi", "dgi"} <= set(df["indicator"])


def test_other_classifications_and_year_dependent_membership(use_home: Path) -> None:
    eu = compare.load("egdi", years=[2012, 2014], classification="eu27", groups="EU27")
    croatia = eu[eu.iso3 == "HRV"]
    assert list(croatia["year"]) == [2014]  # joined in 2013
    wb = compare.load("egdi", years=2022, classification="wb", groups="Latin America & Caribbean")
    assert "GUF" not in set(wb["iso3"])  # not assessed by the UN survey, not a WB economy


def test_values_are_the_processed_table(use_home: Path) -> None:
    processed = pd.read_parquet(use_home / "data" / "processed" / "indicators.parquet")
    df = compare.load("egdi", countries="URY", years=2022)
    expected = processed[(processed.iso3 == "URY") & (processed.indicator == "egdi")
                         & (processed.year == 2022)]  # fmt: skip
    assert df["value"].tolist() == expected["value"].tolist()
    assert df[["source_id", "raw_file", "raw_row"]].iloc[0].tolist() == [
        "un-egdi", "EGOV_DATA_2022.csv", expected["raw_row"].item()]  # fmt: skip


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"indicators": "internet_user_pct"}, "valid indicators: .*internet_users_pct"),
        ({"countries": ["Narnia"]}, "unknown country 'Narnia'"),
        ({"groups": "LATAM"}, "valid groups: Europe, Latin America & Caribbean"),
        ({"family": "vibes"}, "valid families"),
        ({"classification": "nope"}, "unknown classification 'nope'"),
    ],
)
def test_bad_parameters_list_valid_values(use_home: Path, kwargs: dict, message: str) -> None:
    with pytest.raises(ParameterError, match=message):
        compare.load(**kwargs)


def test_missing_processed_data_says_what_to_run(fresh_home: Path) -> None:
    with pytest.raises(CompareError, match="compare build"):
        compare.load(home=fresh_home)


def test_year_filters(use_home: Path) -> None:
    import numpy as np

    one = compare.load("internet_users_pct", years=2022)
    assert len(one) > 150 and set(one["year"]) == {2022}
    pd.testing.assert_frame_equal(compare.load("internet_users_pct", years=np.int64(2022)), one)
    span = compare.load("internet_users_pct", years=range(2020, 2023))
    assert set(span["year"]) == {2020, 2021, 2022}
    pd.testing.assert_frame_equal(
        compare.load("internet_users_pct", years=np.array([2022, 2021, 2020])), span
    )
    for bad in ("2022", 2022.0, True, ["2022"], [2022, None]):
        with pytest.raises(ParameterError, match=r"years must be a year .*got "):
            compare.load("internet_users_pct", years=bad)


def test_unknown_ambiguous_and_aggregate_countries_are_named(use_home: Path) -> None:
    with pytest.raises(ParameterError, match=r"unknown country 'Narnia'.*'World': an aggregate"):
        compare.load("egdi", countries=["Spain", "Narnia", "World"])
    with pytest.raises(ParameterError, match=r"'San Martin' is ambiguous \(MAF or SXM\)"):
        compare.load("egdi", countries=["San Martin"])


def test_cli_indicators_bad_family_lists_valid_ones(use_home: Path) -> None:
    import subprocess
    import sys

    run = [sys.executable, "-m", "compare.cli", "indicators", "--family"]
    bad = subprocess.run([*run, "bogus"], capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and not bad.stdout
    assert "unknown family 'bogus'; valid families: employer_recognition" in bad.stderr
    good = subprocess.run([*run, "context"], capture_output=True, text=True, check=True)
    listed = [line.split()[0] for line in good.stdout.splitlines()]
    assert listed == [i.id for i in compare.load_catalog().by_family("context")]


def test_years_without_rows_are_an_error_listing_the_years_with_data(use_home: Path) -> None:
    processed = pd.read_parquet(use_home / "data" / "processed" / "indicators.parquet")
    years = sorted(processed.loc[processed["indicator"] == "egdi", "year"].unique())
    assert 2019 not in years and 2022 in years
    with pytest.raises(ParameterError, match=r"no rows in 2019 \(egdi: years with data "
                       r"2003–2005, 2008, 2010, 2012, 2014, 2016, 2018, 2020, 2022\)"):  # fmt: skip
        compare.load("egdi", years=2019)
    assert compare.load("egdi", years=2019, allow_empty=True).empty
    # one indicator of two without rows is named; the other's rows do not hide it
    with pytest.raises(ParameterError, match="dgi: years with data 2023"):
        compare.load(["egdi", "dgi"], years=2022)
    # the filters count: DESI has no Latin American values in any year
    with pytest.raises(ParameterError, match=r"for the countries and groups asked .*none"):
        compare.load("desi_egov_users_pct", years=2022, groups="Latin America & Caribbean")
    assert (
        len(compare.load("egdi", years=[2019, 2022]))
        == ((processed["indicator"] == "egdi") & (processed["year"] == 2022)).sum()
    )


def test_groups_of_two_classifications(use_home: Path, mirror: Path) -> None:
    import csv

    with (mirror / "country-codes" / "country-codes.csv").open(encoding="utf-8-sig") as handle:
        south = {r["ISO3166-1-Alpha-3"] for r in csv.DictReader(handle)
                 if r["Intermediate Region Name"] == "South America"}  # fmt: skip
    pair = ["eu27:EU27", "m49_intermediate:South America"]
    df = compare.load("egdi", years=2022, groups=pair)
    processed = pd.read_parquet(use_home / "data" / "processed" / "indicators.parquet")
    egdi = processed[(processed["indicator"] == "egdi") & (processed["year"] == 2022)]
    eu = set(compare.members("EU27", "eu27", 2022))
    assert set(df.loc[df["region"] == pair[0], "iso3"]) == eu & set(egdi["iso3"])
    assert set(df.loc[df["region"] == pair[1], "iso3"]) == south & set(egdi["iso3"])
    # overlapping groups: a country gets one row per group it belongs to
    both = compare.load("egdi", years=2022, groups=["Europe", "eu27:EU27"])
    assert (both["iso3"] == "ESP").sum() == 2 and (both["iso3"] == "NOR").sum() == 1
