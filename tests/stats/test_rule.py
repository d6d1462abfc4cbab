"""The one rule for regional means, where they are read: profiles, comparisons, regional means
over time; and what a weighted mean rests on (Kish n, largest weight, sensitivity bounds).
Expected numbers are recomputed here from the processed table with plain pandas."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from compare.config import FOCUS_COUNTRIES
from compare.errors import ParameterError
from compare.geo import regions
from compare.stats import compare_regions, country_profile, regional_means
from compare.stats.panel import Coverage, read_panel
from compare.stats.rule import SHOWN, THIN, WITHHELD, judge

EUR, LAC = "Europe", "Latin America & Caribbean"
N_BOOT = 200


@pytest.fixture(scope="module")
def tidy(built_home: Path) -> pd.DataFrame:
    return pd.read_parquet(built_home / "data" / "processed" / "indicators.parquet")


def members_frame(tidy: pd.DataFrame, indicator: str, year: int, group: str) -> pd.DataFrame:
    """Members of ``group`` in ``year`` with their value and population (flagged placeholder
    values dropped, as the rule wants)."""
    pick = tidy[tidy["year"] == year]
    rows = pick[pick["indicator"] == indicator]
    rows = rows[~rows["flag"].str.contains("placeholder")]
    frame = pd.DataFrame({"iso3": regions.members(group, "m49", year)})
    frame["value"] = frame["iso3"].map(rows.set_index("iso3")["value"])
    pop = pick[pick["indicator"] == "population"].set_index("iso3")["value"]
    frame["pop"] = frame["iso3"].map(pop)
    return frame


def passes_by_hand(frame: pd.DataFrame) -> bool:
    known = frame.dropna(subset=["pop"])
    share = known.loc[known["value"].notna(), "pop"].sum() / known["pop"].sum()
    return frame["value"].notna().sum() >= 3 and share >= 2 / 3


# --------------------------------------------------------------------------- profiles


def test_ecuador_internet_is_set_against_the_2022_means(built_home: Path, tidy) -> None:
    table, _ = country_profile("ECU", home=built_home)
    row = table.set_index("indicator").loc["internet_users_pct"]
    lac_2023 = members_frame(tidy, "internet_users_pct", 2023, LAC)
    assert lac_2023["value"].notna().sum() == 7 and not passes_by_hand(lac_2023)
    assert (row["latest_year"], row["year"]) == (2023, 2022)
    assert "latest value 2023 not compared" in row["note"] and "thin" in row["note"]
    frames = {g: members_frame(tidy, "internet_users_pct", 2022, g) for g in (EUR, LAC)}
    assert row["mean_a"] == pytest.approx(frames[EUR]["value"].mean(), rel=1e-12)
    assert row["mean_b"] == pytest.approx(frames[LAC]["value"].mean(), rel=1e-12)
    everyone = pd.concat(frames.values())["value"].dropna()
    ecu = frames[LAC].set_index("iso3").loc["ECU", "value"]
    assert row["value"] == ecu
    assert (row["rank"], row["n_ranked"]) == (int((everyone > ecu).sum()) + 1, len(everyone))
    assert row["n_ranked"] == 74  # not "39 of 39" against a 7-country LAC


def test_ecuador_itu_rows_are_not_compared_with_one_country(built_home: Path, tidy) -> None:
    table, _ = country_profile("ECU", home=built_home)
    itu = table[table["source_id"] == "itu-internet-gender-urban-rural"]
    assert len(itu) == 3
    for row in itu.itertuples():
        frame = members_frame(tidy, row.indicator, row.year, LAC)
        assert frame["value"].notna().sum() == 1  # Ecuador alone
        assert not row.compared and row.versus_means == "not compared"
        assert pd.isna(row.rank) and math.isnan(row.position) and math.isnan(row.mean_b)
    from compare import text

    sentence = text.profile_sentence(table, [])
    assert "between the means" in sentence
    between = int((table["versus_means"] == "between the means").sum())
    assert f"{between} between the means" in sentence  # the ITU rows are not counted there


def test_no_profile_row_compares_with_a_mean_that_fails(built_home: Path, tidy) -> None:
    """Every focus country: a compared row's year has, by hand, at least 3 countries holding two
    thirds of each group's population; a row's latest year that fails is not compared."""
    cache: dict[tuple[str, int, str], bool] = {}

    def passes(indicator: str, year: int, group: str) -> bool:
        if (indicator, year, group) not in cache:
            cache[indicator, year, group] = passes_by_hand(
                members_frame(tidy, indicator, year, group)
            )
        return cache[indicator, year, group]

    stored = {i for i in tidy["indicator"].unique()}
    checked = 0
    for country in FOCUS_COUNTRIES:
        table, _ = country_profile(country, home=built_home)
        for row in table.itertuples():
            if row.indicator not in stored:  # derived gaps: checked through their n below
                assert not row.compared or min(row.n_a, row.n_b) >= 3
                continue
            if row.compared:
                assert passes(row.indicator, row.year, EUR), (country, row.indicator, row.year)
                assert passes(row.indicator, row.year, LAC), (country, row.indicator, row.year)
                assert min(row.n_a, row.n_b) >= 3
                checked += 1
            if row.latest_year != row.year or not row.compared:
                assert not (
                    passes(row.indicator, row.latest_year, EUR)
                    and passes(row.indicator, row.latest_year, LAC)
                ), (country, row.indicator)
    assert checked > 14 * 10


# --------------------------------------------------------------------------- the rule itself


def _coverage(n: int, share: float | None, no_population: int = 0) -> Coverage:
    codes = [f"C{i:02d}" for i in range(n)]
    return Coverage(
        group="G", year=2020, n_members=10, n_with_data=n, members_without=[],
        no_population=codes[:no_population], data_no_population=codes[:no_population],
        population_total=100.0, population_covered=(share or 0) * 100, share=share,
    )  # fmt: skip


@pytest.mark.parametrize(
    ("n", "share", "no_pop", "unweighted", "weighted"),
    [
        (0, None, 0, WITHHELD, WITHHELD),
        (2, 0.99, 0, WITHHELD, WITHHELD),
        (3, 0.99, 0, SHOWN, SHOWN),
        (3, 0.66, 0, THIN, WITHHELD),
        (30, None, 0, THIN, WITHHELD),
        (4, 0.90, 2, SHOWN, WITHHELD),  # only 2 countries can be weighted
    ],
)
def test_the_rule(n: int, share, no_pop: int, unweighted: str, weighted: str) -> None:
    rule = judge(_coverage(n, share, no_pop), 2 / 3, 3)
    assert (rule.unweighted, rule.weighted) == (unweighted, weighted)
    assert rule.passes == (unweighted == weighted == SHOWN)
    assert bool(rule.reason) == (unweighted != SHOWN)


def test_fast_coverage_equals_the_frame_one(built_home: Path) -> None:
    from compare.stats.panel import coverage

    for indicator in ("internet_users_pct", "egdi", "ict_skills_soft_gender_gap_pp"):
        panel = read_panel(indicator, built_home)
        for year in panel.years[-6:]:
            for group in (EUR, LAC, "eu27:EU27"):
                assert panel.coverage(group, "m49", year) == coverage(
                    panel.rows(group, "m49", year)
                )


def test_comparison_and_regional_means_mark_the_thin_2023_lac_mean(built_home: Path, tidy):
    frame = members_frame(tidy, "internet_users_pct", 2023, LAC)
    c = compare_regions("internet_users_pct", 2023, home=built_home, n_boot=N_BOOT)
    lac = c.per_group[LAC]
    assert lac.mean_status == THIN and lac.weighted_mean is None
    assert lac.mean == pytest.approx(frame["value"].mean())
    summary = c.summary.set_index(["measure", "group"])
    assert summary.loc[("mean", LAC), "note"].startswith("THIN")
    assert "thin" in c.sentence and "THIN" in lac.verdict
    means = regional_means("internet_users_pct", [2022, 2023], home=built_home, n_boot=N_BOOT)
    cell = means.set_index(["group", "year"])
    assert cell.loc[(LAC, 2023), "mean_status"] == THIN and cell.loc[(LAC, 2023), "mean_thin"]
    assert cell.loc[(LAC, 2022), "mean_status"] == SHOWN
    assert "7 of 52 members" in cell.loc[(LAC, 2023), "mean_reason"]


def test_derived_gender_gaps_follow_the_rule(built_home: Path) -> None:
    means = regional_means("ict_skills_soft_gender_gap_pp", home=built_home, n_boot=N_BOOT)
    lac = means[means["group"] == LAC]
    assert (lac["n"] < 3).any() or lac["mean_thin"].any()
    few = lac[lac["n"] < 3]
    assert few["mean"].isna().all() and few["mean_withheld"].all()
    thin = lac[lac["mean_thin"]]
    assert (thin["coverage_pop"] < 2 / 3).all() and thin["weighted_mean"].isna().all()


# --------------------------------------------------------------------------- weights


def test_kish_n_largest_weight_and_bounds_by_hand_internet_2022(built_home: Path, tidy) -> None:
    c = compare_regions("internet_users_pct", 2022, home=built_home, n_boot=N_BOOT)
    means = regional_means("internet_users_pct", [2022], home=built_home, n_boot=N_BOOT)
    means = means.set_index("group")
    summary = c.summary.set_index(["measure", "group"])
    expected_kish = {EUR: 10.6, LAC: 5.5}
    for group in (EUR, LAC):
        frame = members_frame(tidy, "internet_users_pct", 2022, group)
        used = frame.dropna(subset=["value", "pop"])
        w = used["pop"].to_numpy()
        kish = w.sum() ** 2 / (w**2).sum()
        missing = frame.loc[frame["value"].isna() & frame["pop"].notna(), "pop"].sum()
        low = ((used["value"] * used["pop"]).sum() + missing * 0) / (w.sum() + missing)
        high = ((used["value"] * used["pop"]).sum() + missing * 100) / (w.sum() + missing)
        top = used.loc[used["pop"].idxmax()]
        s = c.per_group[group]
        assert s.n_effective == pytest.approx(kish, rel=1e-12)
        assert round(kish, 1) == expected_kish[group]  # the figures
        assert s.largest_weight_iso3 == top["iso3"]
        assert s.largest_weight_share == pytest.approx(top["pop"] / w.sum(), rel=1e-12)
        assert (s.bound_low, s.bound_high) == pytest.approx((low, high), rel=1e-12)
        assert s.bound_low <= s.weighted_mean <= s.bound_high
        assert summary.loc[("n_effective", group), "value"] == pytest.approx(kish)
        assert summary.loc[("weighted_mean_bound_low", group), "value"] == pytest.approx(low)
        assert summary.loc[("weighted_mean_bound_high", group), "value"] == pytest.approx(high)
        assert summary.loc[("largest_weight_share", group), "note"].startswith(top["iso3"])
        assert means.loc[group, "n_effective"] == pytest.approx(kish)
        assert (means.loc[group, "bound_low"], means.loc[group, "bound_high"]) == pytest.approx(
            (low, high)
        )
    assert (c.per_group[LAC].largest_weight_iso3, c.per_group[EUR].largest_weight_iso3) == (
        "BRA", "RUS",
    )  # fmt: skip
    from compare import text

    words = text.weights(c)
    assert "an effective 5.5 (Kish)" in words and "sensitivity bounds, not estimates" in words


def test_unbounded_indicators_get_no_bounds(built_home: Path) -> None:
    c = compare_regions("fixed_broadband_per100", 2022, home=built_home, n_boot=N_BOOT)
    for s in c.per_group.values():
        assert s.n_effective is not None and s.bound_low is None and s.bound_high is None
    assert "weighted_mean_bound_low" not in set(c.summary["measure"])


# --------------------------------------------------------------------------- two classifications


def test_eu27_against_south_america_counted_from_the_mirror(
    built_home: Path, mirror: Path, tidy
) -> None:
    with (mirror / "country-codes" / "country-codes.csv").open(encoding="utf-8-sig") as handle:
        south = {r["ISO3166-1-Alpha-3"] for r in csv.DictReader(handle)
                 if r["Intermediate Region Name"] == "South America"}  # fmt: skip
    with (mirror / "eu-eea-membership" / "eea_ctries_2021-01-01.csv").open(
        encoding="utf-8-sig"
    ) as handle:
        eu = {r["iso3c"] for r in csv.DictReader(handle) if r["eu27"] == "TRUE"}
    pair = ("eu27:EU27", "m49_intermediate:South America")
    c = compare_regions("egdi", 2022, groups=pair, home=built_home, n_boot=N_BOOT)
    egdi = tidy[(tidy["indicator"] == "egdi") & (tidy["year"] == 2022)]
    for group, codes in zip(pair, (eu, south), strict=True):
        s = c.per_group[group]
        assert s.n_members == len(codes)
        assert s.n_with_data == len(codes & set(egdi["iso3"]))
        values = egdi[egdi["iso3"].isin(codes)]["value"]
        assert s.mean == pytest.approx(values.mean(), rel=1e-12)
    assert (len(eu), len(south)) == (27, 16)
    assert set(c.values["region"]) == set(pair)
    assert c.sentence.startswith("In 2022,") and "eu27:EU27" in c.sentence
    means = regional_means("egdi", [2022], groups=pair, home=built_home, n_boot=N_BOOT)
    assert list(means["n"]) == [len(eu & set(egdi["iso3"])), len(south & set(egdi["iso3"]))]
    np.testing.assert_allclose(means["mean"], [c.per_group[g].mean for g in pair], rtol=1e-12)


def test_overlapping_groups_are_refused(built_home: Path) -> None:
    # Cyprus is in M49 Asia: the other 26 members of EU27 are in both groups
    with pytest.raises(ParameterError, match="share 26 members in 2022"):
        compare_regions("egdi", 2022, groups=("Europe", "eu27:EU27"), home=built_home)
