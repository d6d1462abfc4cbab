"""Placeholder zeros: the catalog's ``placeholder_zeros`` rule flags the UN survey's Human Capital
Index zeros (and the 1990s internet zeros), the build counts them, and no statistic uses them.
Expected counts come from the raw EGOV files read here with pandas."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from compare.build.run import placeholder_flags
from compare.catalog import CATALOG_PATH, load_catalog, parse_catalog
from compare.errors import CatalogError
from compare.geo import regions

INDICES = [
    "E-Government Index", "E-Participation Index", "Online Service Index",
    "Human Capital Index", "Telecommunication Infrastructure Index",
]  # fmt: skip
FLAG = "zero_placeholder"


def raw_hci_zeros(mirror: Path) -> dict[tuple[str, int], str]:
    """(country name, survey year) -> file of every HCI of exactly 0 in a row the survey
    assessed (not every index 0 with an empty rank), straight from the raw files."""
    found = {}
    for path in sorted((mirror / "un-egdi").glob("EGOV_DATA_*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        numbers = frame[INDICES].apply(lambda c: pd.to_numeric(c.str.strip(), errors="coerce"))
        not_assessed = (numbers == 0).all(axis=1) & (frame["E-Government Rank"].str.strip() == "")
        zero = (numbers["Human Capital Index"] == 0) & ~not_assessed
        picked = frame.loc[zero, ["Country Name", "Survey Year"]]
        for name, year in picked.itertuples(index=False):
            found[(name.strip(), int(year))] = path.name
    return found


@pytest.fixture(scope="module")
def tidy(built_home: Path) -> pd.DataFrame:
    return pd.read_parquet(built_home / "data" / "processed" / "indicators.parquet")


def test_the_62_hci_zeros_are_flagged_and_counted(
    built_home: Path, mirror: Path, tidy: pd.DataFrame
) -> None:
    raw = raw_hci_zeros(mirror)
    assert len(raw) == 62
    hci = tidy[tidy["indicator"] == "hci"]
    flagged = hci["flag"].str.split(";").map(lambda parts: FLAG in parts)
    assert int(flagged.sum()) == 62
    assert (hci.loc[flagged, "value"] == 0).all()  # only zeros are flagged ...
    assert not (hci.loc[~flagged, "value"] == 0).any()  # ... and every zero is
    assert sorted(hci.loc[flagged, "year"].value_counts().sort_index().items()) == sorted(
        pd.Series([y for _, y in raw]).value_counts().sort_index().items()
    )
    # every flagged value still traces to its raw cell
    assert set(hci.loc[flagged, "raw_column"]) == {"Human Capital Index"}
    assert set(hci.loc[flagged, "raw_file"]) == set(raw.values())

    manifest = json.loads((built_home / "data/processed/build_manifest.json").read_text())
    assert manifest["placeholder_zeros"]["hci"] == 62
    account = manifest["sources"]["un-egdi"]
    assert account["placeholder_zeros"] == {"hci": 62}
    assert account["rows_read"] == account["kept"] + account["quarantined"] + account["aggregates"]
    internet = tidy[tidy["indicator"] == "internet_users_pct"]
    early_zeros = internet[(internet["value"] == 0) & (internet["year"] < 2000)]
    assert manifest["placeholder_zeros"]["internet_users_pct"] == len(early_zeros)
    assert manifest["placeholder_zeros"]["hci_2024"] == int(
        ((tidy["indicator"] == "hci_2024") & (tidy["value"] == 0)).sum()
    )


def test_no_statistic_uses_the_hci_zeros(built_home: Path, tidy: pd.DataFrame) -> None:
    from compare.stats import compare_regions, regional_means

    hci = tidy[(tidy["indicator"] == "hci") & (tidy["year"] == 2005)].set_index("iso3")["value"]
    means = regional_means("hci", years=[2005], home=built_home, n_boot=50).set_index("group")
    for group in ("Europe", "Latin America & Caribbean"):
        members = regions.members(group, "m49", 2005)
        values = hci.reindex(members).dropna()
        measured = values[values != 0]
        assert means.loc[group, "n"] == len(measured)
        assert means.loc[group, "mean"] == pytest.approx(measured.mean(), rel=1e-12)
        assert means.loc[group, "left_out"] == ", ".join(sorted(values[values == 0].index))
    assert means.loc["Europe", "left_out"] == "AND, LIE, MCO, SMR, SRB"
    comparison = compare_regions("hci", 2005, home=built_home, n_boot=50, control=None)
    assert not (comparison.values["value"] == 0).any()
    assert comparison.per_group["Europe"].left_out == ["AND", "LIE", "MCO", "SMR", "SRB"]
    assert "flagged zero_placeholder" in " ".join(comparison.notes)


def test_load_keeps_the_zeros_with_their_flag(use_home: Path) -> None:
    import compare

    rows = compare.load("hci", countries=["SOM"], years=range(2005, 2023))
    assert len(rows) == 9 and (rows["value"] == 0).all()  # 2005, 2008, 2010 ... 2022
    assert rows["flag"].str.contains(FLAG).all()


def test_rule_takes_its_years_and_flag_from_the_catalog() -> None:
    catalog = load_catalog()
    assert catalog.indicator("hci").placeholder_zeros.before is None
    internet = catalog.indicator("internet_users_pct").placeholder_zeros
    assert (internet.flag, internet.before) == ("zero_possibly_placeholder", 2000)
    assert catalog.placeholder_flags == ("zero_placeholder", "zero_possibly_placeholder")
    records = pd.DataFrame(
        {
            "indicator": ["internet_users_pct"] * 3 + ["hci"] * 2 + ["egdi"],
            "year_int": [1995, 1999, 2000, 2003, 2022, 2003],
            "number": [0.0, 0.5, 0.0, 0.0, 0.0, 0.0],
        }
    )
    flags = placeholder_flags(records, catalog)
    assert list(flags) == [
        "zero_possibly_placeholder", "", "", FLAG, FLAG, "",
    ]  # fmt: skip


def _catalog_data() -> dict:
    return yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "rule",
    [
        {"flag": "x"},  # no reason given
        {"flag": "two words", "why": "w"},
        {"flag": "a;b", "why": "w"},
        {"flag": "x", "why": "w", "before": "2000"},
        {"flag": "x", "why": "w", "after": 2000},
        "zero",
    ],
)
def test_bad_rules_are_refused(rule) -> None:
    data = _catalog_data()
    data["indicators"]["hci"]["placeholder_zeros"] = rule
    with pytest.raises(CatalogError, match="placeholder_zeros"):
        parse_catalog(data, Path("catalog.yml"))


def test_source_rule_and_older_spelling_apply_to_every_indicator_of_the_source() -> None:
    data = _catalog_data()
    data["sources"]["un-egdi"]["placeholder_zeros"] = {"flag": "z", "why": "test", "before": 2010}
    del data["indicators"]["hci"]["placeholder_zeros"]
    catalog = parse_catalog(data, Path("catalog.yml"))
    assert {i.placeholder_zeros.flag for i in catalog.indicators_of("un-egdi")} == {"z"}
    data = _catalog_data()
    source = data["sources"]["wb-internet-users"]
    del source["placeholder_zeros"]
    source["zero_flag"] = {"before": 1995, "flag": "old_zero"}
    rule = parse_catalog(data, Path("catalog.yml")).indicator("internet_users_pct")
    assert (rule.placeholder_zeros.flag, rule.placeholder_zeros.before) == ("old_zero", 1995)
