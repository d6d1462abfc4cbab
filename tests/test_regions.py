"""Region classifications are data: M49, World Bank, EU27 by year, and user groups."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from compare import regions
from compare.errors import CatalogError, ParameterError


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
