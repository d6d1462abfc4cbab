"""Region classifications are data: M49, World Bank, EU27 by year, and user groups."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from compare.errors import CatalogError, ParameterError
from compare.geo import regions


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_m49_groups_match_the_un_table(mirror: Path) -> None:
    table = _rows(mirror / "country-codes" / "country-codes.csv")
    europe = {r["ISO3166-1-Alpha-3"] for r in table if r["Region Name"] == "Europe"}
    lac = {
        r["ISO3166-1-Alpha-3"]
        for r in table
        if r["Sub-region Name"] == "Latin America and the Caribbean"
    }
    assert set(regions.members("Europe")) == europe and len(europe) == 51
    assert set(regions.members("Latin America & Caribbean")) == lac and len(lac) == 52
    assert regions.region_of(["ESP", "MEX", "USA", "GUF"]) == [
        "Europe", "Latin America & Caribbean", None, "Latin America & Caribbean"]  # fmt: skip


def test_world_bank_regions_match_the_wb_metadata(mirror: Path) -> None:
    meta = _rows(next((mirror / "wb-internet-users").glob("Metadata_Country_*.csv")))
    lcn = {r["Country Code"] for r in meta if r["Region"] == "Latin America & Caribbean"}
    assert set(regions.members("Latin America & Caribbean", "wb")) == lcn
    assert "XKX" in regions.members("Europe & Central Asia", "wb")
    # The two LAC definitions differ (M49 counts territories the WB does not list, and v.v.).
    assert set(regions.members("Latin America & Caribbean", "m49")) != lcn


def test_eu27_membership_depends_on_the_year(mirror: Path) -> None:
    flagged = {
        r["iso3c"]
        for r in _rows(mirror / "eu-eea-membership" / "eea_ctries_2021-01-01.csv")
        if r["eu27"] == "TRUE"
    }
    assert set(regions.members("EU27", "eu27", 2021)) == flagged
    assert "HRV" not in regions.members("EU27", "eu27", 2012)
    assert "HRV" in regions.members("EU27", "eu27", 2013)
    assert len(regions.members("EU27", "eu27", 2003)) == 14  # the EU15 without the UK
    assert "GBR" not in regions.members("EU27", "eu27", 2010)  # EU27 excludes the UK


def test_user_groups_from_a_file_and_in_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "mine.csv"
    path.write_text("classification,group,iso3,from_year,to_year\nandes,Andean,BOL,,\n"
                    "andes,Andean,PER,,\nandes,Andean,COL,1990,\n", encoding="utf-8")  # fmt: skip
    monkeypatch.setenv(regions.REGIONS_ENV, str(path))
    assert regions.members("Andean", "andes") == ["BOL", "COL", "PER"]
    assert regions.members("Andean", "andes", 1980) == ["BOL", "PER"]
    monkeypatch.setattr(regions, "_added", [])
    regions.add_groups("mine", {"Southern Cone": ["Argentina", "Chile", "Uruguay"]})
    assert regions.members("Southern Cone", "mine") == ["ARG", "CHL", "URY"]
    with pytest.raises(ParameterError, match="Atlantis"):
        regions.add_groups("mine", {"Lost": ["Atlantis"]})


def test_bad_classification_file_names_file_and_row(tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("classification,group,iso3\nx,G,ESP\nx,G,SPAIN\n", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"bad\.csv, row 3: iso3 'SPAIN'"):
        regions.read_memberships(path)


def test_unknown_group_or_classification_lists_valid_ones() -> None:
    with pytest.raises(ParameterError, match="Latin America & Caribbean"):
        regions.members("LATAM")
    with pytest.raises(ParameterError, match="m49"):
        regions.groups("nope")


def test_check_groups_one_check_for_every_caller() -> None:
    assert regions.check_groups(["Europe"], "m49") == ("Europe",)
    assert regions.check_groups("Europe", "m49") == ("Europe",)  # one name, not its letters
    pair = ("Europe", "Latin America & Caribbean")
    assert regions.check_groups(list(pair), "m49", count=2) == pair
    with pytest.raises(ParameterError, match="unknown group 'LATAM' in classification 'm49'; "
                       "valid groups: Europe, Latin America & Caribbean"):  # fmt: skip
        regions.check_groups(["Europe", "LATAM"], "m49")
    with pytest.raises(ParameterError, match=r"no group given.*valid groups: Europe"):
        regions.check_groups([], "m49")
    with pytest.raises(ParameterError, match="2 different group names"):
        regions.check_groups(["Europe", "Europe"], "m49", count=2)
    with pytest.raises(ParameterError, match="unknown classification 'nope'"):
        regions.check_groups(["Europe"], "nope")


def test_add_groups_names_the_group_and_the_unknown_names(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(regions, "_added", [])
    expected = r"group 'Lost': unknown country 'Atlantis', 'Lemuria'"
    with pytest.raises(ParameterError, match=expected):
        regions.add_groups("mine", {"Lost": ["Chile", "Atlantis", "Lemuria"]})
    assert regions._added == []


def test_coverage_table_uses_the_membership_of_each_year(
    built_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A SYNTHETIC classification (written here): GBR a member until 2019, HRV from 2030."""
    import pandas as pd

    from compare.stats import coverage_table

    path = tmp_path / "SYNTHETIC_regions.csv"
    path.write_text("classification,group,iso3,from_year,to_year\nsynth,A,DEU,,\n"
                    "synth,A,GBR,,2019\nsynth,A,HRV,2030,\nsynth,B,MEX,,\nsynth,B,BRA,,\n"
                    "synth,B,ARG,,\n", encoding="utf-8")  # fmt: skip
    monkeypatch.setenv(regions.REGIONS_ENV, str(path))
    table = coverage_table(("A", "B"), "synth", ["interoperability"], home=built_home)
    row = table.set_index("indicator").loc["egdi"]
    tidy = pd.read_parquet(built_home / "data" / "processed" / "indicators.parquet")
    egdi = tidy[(tidy["indicator"] == "egdi") & tidy["value"].notna()]

    def member(iso3: str, year: int) -> bool:
        return iso3 == "DEU" or (iso3 == "GBR" and year <= 2019) or (iso3 == "HRV" and year >= 2030)

    counted = egdi[[member(i, y) for i, y in zip(egdi["iso3"], egdi["year"], strict=True)]]
    assert {"GBR", "HRV"} <= set(egdi["iso3"])  # both have values: membership decides
    assert row["members_a"] == 2  # DEU and GBR; HRV is a member in no year with data
    assert row["with_data_a"] == counted["iso3"].nunique() == 2
    assert row["latest_a"] == counted["year"].max()
    assert row["in_latest_a"] == (counted["year"] == counted["year"].max()).sum() == 1
    assert row["members_b"] == 3 and row["years_enough_b"] == egdi.loc[
        egdi["iso3"].isin(["MEX", "BRA", "ARG"])].groupby("year").size().ge(3).sum()  # fmt: skip


def test_coverage_table_leaves_placeholders_out(built_home: Path) -> None:
    import pandas as pd

    from compare.stats import coverage_table

    table = coverage_table(families=["digital_divide"], home=built_home)
    row = table.set_index("indicator").loc["internet_users_pct"]
    tidy = pd.read_parquet(built_home / "data" / "processed" / "indicators.parquet")
    values = tidy[tidy["indicator"] == "internet_users_pct"]
    measured = values[~values["flag"].str.contains("zero_possibly_placeholder")]
    assert int(values["year"].min()) == 1960 and row["first_year"] == measured["year"].min() == 1990


@pytest.mark.parametrize(
    ("classification", "column"),
    [
        ("m49_region", "Region Name"),
        ("m49_subregion", "Sub-region Name"),
        ("m49_intermediate", "Intermediate Region Name"),
    ],
)
def test_every_m49_level_is_a_classification(mirror: Path, classification: str, column: str):
    table = _rows(mirror / "country-codes" / "country-codes.csv")
    expected: dict[str, set[str]] = {}
    for row in table:
        if row[column].strip():
            expected.setdefault(row[column].strip(), set()).add(row["ISO3166-1-Alpha-3"])
    assert regions.groups(classification) == sorted(expected)
    for group, codes in expected.items():
        assert set(regions.members(group, classification)) == codes, group


def test_the_sub_regions_the_issue_names(mirror: Path) -> None:
    table = _rows(mirror / "country-codes" / "country-codes.csv")
    south = {
        r["ISO3166-1-Alpha-3"] for r in table if r["Intermediate Region Name"] == "South America"
    }
    assert set(regions.members("South America", "m49_intermediate")) == south
    assert {"ARG", "BRA", "GUF", "FLK"} <= south and "MEX" not in south
    for name in ("Central America", "Caribbean"):
        assert regions.members(name, "m49_intermediate")
    for name in ("Northern", "Southern", "Eastern", "Western"):
        assert regions.members(f"{name} Europe", "m49_subregion")
    # the four European sub-regions partition M49 Europe
    parts = [set(regions.members(f"{n} Europe", "m49_subregion")) for n in
             ("Northern", "Southern", "Eastern", "Western")]  # fmt: skip
    assert set().union(*parts) == set(regions.members("Europe")) and sum(map(len, parts)) == 51


def test_groups_of_two_classifications_by_qualified_name() -> None:
    pair = ("eu27:EU27", "m49_intermediate:South America")
    assert regions.check_groups(pair, "m49", count=2) == pair  # names kept as given
    assert regions.members("eu27:EU27", "m49", 2022) == regions.members("EU27", "eu27", 2022)
    assert regions.resolve("m49_intermediate:South America") == (
        "m49_intermediate",
        "South America",
    )
    assert regions.resolve("Europe", "wb") == ("wb", "Europe")  # no classification prefix
    assert regions.qualified("Europe") == "m49:Europe"
    # the same group written twice is one group
    with pytest.raises(ParameterError, match="2 different group names"):
        regions.check_groups(("Europe", "m49:Europe"), "m49", count=2)
    with pytest.raises(ParameterError, match="'EU27' is 'eu27:EU27'"):
        regions.check_groups(("EU27", "Europe"), "m49")
    with pytest.raises(ParameterError, match="unknown group 'Narnia' in classification 'eu27'"):
        regions.check_groups(("eu27:Narnia",), "m49")
    codes = ["ESP", "ARG", "GBR", "MEX"]
    assert regions.group_of(codes, pair, "m49", 2022) == ["eu27:EU27", pair[1], None, None]
    assert regions.shared_members(pair, "m49", 2022) == []
    assert "ESP" in regions.shared_members(("Europe", "eu27:EU27"), "m49", 2022)
