"""Region comparison statistics on the real built data, each figure against an independent
computation (pandas by hand, direct scipy and statsmodels calls)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from compare.errors import ParameterError
from compare.geo import regions
from compare.stats import compare_regions, convergence, latest_common_year, regional_means
from compare.stats import panel as stats_data

EUR, LAC = "Europe", "Latin America & Caribbean"
N_BOOT = 200  # small: the intervals are checked for reproducibility, not precision


@pytest.fixture(scope="module")
def tidy(built_home: Path) -> pd.DataFrame:
    return pd.read_parquet(built_home / "data" / "processed" / "indicators.parquet")


def by_hand(tidy: pd.DataFrame, indicator: str, year: int, group: str) -> pd.DataFrame:
    """Members of ``group`` in ``year`` with their value and population (plain pandas)."""
    members = pd.DataFrame({"iso3": regions.members(group, "m49", year)})
    pick = tidy[tidy["year"] == year]
    value = pick[pick["indicator"] == indicator].set_index("iso3")["value"]
    pop = pick[pick["indicator"] == "population"].set_index("iso3")["value"]
    members["value"] = members["iso3"].map(value)
    members["pop"] = members["iso3"].map(pop)
    return members


def pop_share(frame: pd.DataFrame) -> float:
    known = frame.dropna(subset=["pop"])
    return known.loc[known["value"].notna(), "pop"].sum() / known["pop"].sum()


@pytest.fixture(scope="module")
def internet_2022(built_home: Path):
    return compare_regions("internet_users_pct", 2022, home=built_home, n_boot=N_BOOT)


def test_means_coverage_and_spread_by_hand(internet_2022, tidy: pd.DataFrame) -> None:
    c = internet_2022
    for group in (EUR, LAC):
        frame = by_hand(tidy, "internet_users_pct", 2022, group)
        data = frame.dropna(subset=["value"])
        both = data.dropna(subset=["pop"])
        s = c.per_group[group]
        assert s.n_with_data == len(data)
        assert s.n_without == len(frame) - len(data)
        assert s.members_without == sorted(frame.loc[frame["value"].isna(), "iso3"])
        assert s.mean == pytest.approx(data["value"].mean(), rel=1e-12)
        weighted = (both["value"] * both["pop"]).sum() / both["pop"].sum()
        assert s.weighted_mean == pytest.approx(weighted, rel=1e-12)
        assert s.coverage_pop == pytest.approx(pop_share(frame), rel=1e-12)
        assert s.median == pytest.approx(data["value"].median())
        assert s.q1 == pytest.approx(data["value"].quantile(0.25))
        assert s.q3 == pytest.approx(data["value"].quantile(0.75))
        low = data.loc[data["value"].idxmin()]
        assert (s.min_value, s.min_iso3) == (low["value"], low["iso3"])
        assert s.max_iso3 == data.loc[data["value"].idxmax(), "iso3"]
    a, b = (c.per_group[g] for g in (EUR, LAC))
    assert c.gap_unweighted.value == pytest.approx(a.mean - b.mean)
    assert c.gap_weighted.value == pytest.approx(a.weighted_mean - b.weighted_mean)
    assert set(c.values["region"]) == {EUR, LAC}
    assert len(c.values) == a.n_with_data + b.n_with_data


def test_tests_and_effect_sizes_match_scipy(internet_2022) -> None:
    from scipy import stats

    v = internet_2022.values
    a = v.loc[v["region"] == EUR, "value"].to_numpy()
    b = v.loc[v["region"] == LAC, "value"].to_numpy()
    welch = stats.ttest_ind(a, b, equal_var=False)
    assert internet_2022.welch.statistic == pytest.approx(welch.statistic, rel=1e-12)
    assert internet_2022.welch.pvalue == pytest.approx(welch.pvalue, rel=1e-9)
    mw = stats.mannwhitneyu(a, b, alternative="two-sided")
    assert internet_2022.mann_whitney.statistic == mw.statistic
    assert internet_2022.mann_whitney.pvalue == pytest.approx(mw.pvalue, rel=1e-9)
    na, nb = len(a), len(b)
    pooled = math.sqrt(((na - 1) * a.var(ddof=1) + (nb - 1) * b.var(ddof=1)) / (na + nb - 2))
    d = (a.mean() - b.mean()) / pooled
    assert internet_2022.cohen_d == pytest.approx(d, rel=1e-12)
    # the usual approximation J = 1 - 3 / (4 df - 1) of the exact correction
    assert internet_2022.hedges_g == pytest.approx(d * (1 - 3 / (4 * (na + nb - 2) - 1)), rel=1e-4)
    assert internet_2022.cliffs_delta == pytest.approx(2 * mw.statistic / (na * nb) - 1)


def hc1_ame(x: np.ndarray, y: np.ndarray, params: np.ndarray, column: int) -> tuple:
    """By hand (numpy): the HC1 sandwich of a logit fit and the average marginal effect of the
    0/1 ``column`` with its delta-method 95% interval, on the 0-1 scale."""
    mu = 1 / (1 + np.exp(-x @ params))
    bread = np.linalg.inv((x * (mu * (1 - mu))[:, None]).T @ x)
    meat = (x * ((y - mu) ** 2)[:, None]).T @ x
    n, k = x.shape
    cov = bread @ meat @ bread * n / (n - k)
    x1, x0 = x.copy(), x.copy()
    x1[:, column], x0[:, column] = 1, 0
    p1, p0 = 1 / (1 + np.exp(-x1 @ params)), 1 / (1 + np.exp(-x0 @ params))
    grad = ((p1 * (1 - p1))[:, None] * x1 - (p0 * (1 - p0))[:, None] * x0).mean(axis=0)
    se = math.sqrt(grad @ cov @ grad)
    ame = (p1 - p0).mean()
    return ame, ame - 1.959963984540054 * se, ame + 1.959963984540054 * se, cov


def _design(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    return np.column_stack([np.ones(len(frame)), *(frame[c].to_numpy(float) for c in columns)])


def test_fractional_logit_prints_the_hc1_intervals_it_computes(internet_2022, tidy) -> None:
    """The same model fitted through statsmodels directly; the HC1 sandwich and the AME's
    interval computed here with numpy; the printed sentence states exactly those intervals."""
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    from compare import text

    frame = internet_2022.values.assign(
        y=lambda f: f["value"] / 100, europe=lambda f: (f["region"] == EUR).astype(int)
    )
    fit = smf.glm("y ~ europe", frame, family=sm.families.Binomial()).fit()
    x, y = _design(frame, ["europe"]), frame["y"].to_numpy(float)
    ame, low, high, cov = hc1_ame(x, y, fit.params.to_numpy(), 1)
    # HC0 is what statsmodels returns; HC1 is HC0 times n / (n - k)
    hc0 = smf.glm("y ~ europe", frame, family=sm.families.Binomial()).fit(cov_type="HC0")
    n, k = x.shape
    np.testing.assert_allclose(hc0.cov_params().to_numpy() * n / (n - k), cov, rtol=1e-6)
    glm = internet_2022.glm
    assert glm["unadjusted"]["n"] == len(frame) and glm["unadjusted"]["cov_type"] == "HC1"
    assert glm["unadjusted"]["effect"] == pytest.approx(ame * 100, rel=1e-9)
    assert glm["unadjusted"]["effect"] == pytest.approx(internet_2022.gap_unweighted.value)
    assert (glm["unadjusted"]["ci_low"], glm["unadjusted"]["ci_high"]) == pytest.approx(
        (low * 100, high * 100), rel=1e-6
    )
    # not the HC0 interval statsmodels' margeff would give
    hc0_low = hc0.get_margeff(dummy=True).conf_int()[0][0] * 100
    assert glm["unadjusted"]["ci_low"] < hc0_low

    gdp = tidy[(tidy["indicator"] == "gdp_per_capita_ppp") & (tidy["year"] == 2022)]
    with_gdp = frame.merge(gdp[["iso3", "value"]].rename(columns={"value": "gdp"}), on="iso3")
    with_gdp["log_gdp"] = np.log(with_gdp["gdp"])
    fit = smf.glm("y ~ europe + log_gdp", with_gdp, family=sm.families.Binomial()).fit()
    x = _design(with_gdp, ["europe", "log_gdp"])
    ame, low, high, _ = hc1_ame(x, with_gdp["y"].to_numpy(float), fit.params.to_numpy(), 1)
    adjusted = glm["adjusted"]
    assert adjusted["n"] == len(with_gdp)
    assert adjusted["effect"] == pytest.approx(ame * 100, rel=1e-6)
    assert (adjusted["ci_low"], adjusted["ci_high"]) == pytest.approx(
        (low * 100, high * 100), rel=1e-6
    )
    assert adjusted["control_years"] == [2022]
    assert adjusted["dropped_no_control"] == sorted(set(frame["iso3"]) - set(gdp["iso3"]))
    summary = internet_2022.summary.set_index("measure")
    assert summary.loc["glm_ame_controlled", "value"] == pytest.approx(adjusted["effect"])
    assert summary.loc["glm_ame_controlled", "unit"] == "percentage_points"
    printed = text.models(internet_2022)
    assert "robust HC1 errors" in printed and "fractional logit" in printed
    expected = f"{ame * 100:.1f} pp (95% CI {low * 100:.1f} to {high * 100:.1f} pp".replace(
        "-", "\N{MINUS SIGN}"
    )
    assert f"with the control: {expected}" in printed


def test_egdi_region_effect_is_printed_in_index_points(built_home: Path, tidy) -> None:
    import statsmodels.api as sm
    import statsmodels.formula.api as smf

    from compare import text

    c = compare_regions("egdi", 2022, home=built_home, n_boot=N_BOOT)
    frame = c.values.assign(europe=lambda f: (f["region"] == EUR).astype(int))
    gdp = tidy[(tidy["indicator"] == "gdp_per_capita_ppp") & (tidy["year"] == 2022)]
    frame = frame.merge(gdp[["iso3", "value"]].rename(columns={"value": "gdp"}), on="iso3")
    frame = frame.assign(y=frame["value"], log_gdp=np.log(frame["gdp"]))
    fit = smf.glm("y ~ europe + log_gdp", frame, family=sm.families.Binomial()).fit()
    x = _design(frame, ["europe", "log_gdp"])
    ame, low, high, _ = hc1_ame(x, frame["y"].to_numpy(float), fit.params.to_numpy(), 1)
    assert c.glm["adjusted"]["effect"] == pytest.approx(ame, rel=1e-6)  # index points: x 1
    printed = text.models(c)
    assert f"with the control: {ame:.3f} index points (95% CI {low:.3f} to {high:.3f} index" in (
        printed
    )
    assert " pp" not in printed
    gap = c.gap_weighted.value
    assert f"gap {gap:.3f} index points" in c.sentence
    summary = c.summary.set_index("measure")
    assert set(summary.loc[["gap_weighted", "glm_ame_controlled"], "unit"]) == {"index_points"}


def test_ols_hc1_is_hc0_with_the_small_sample_factor(built_home: Path) -> None:
    import statsmodels.api as sm

    c = compare_regions("fixed_broadband_per100", 2022, home=built_home, n_boot=N_BOOT)
    x = _design(c.values.assign(d=(c.values["region"] == EUR).astype(float)), ["d"])
    y = c.values["value"].to_numpy(float)
    beta = np.linalg.lstsq(x, y, rcond=None)[0]
    resid = y - x @ beta
    bread = np.linalg.inv(x.T @ x)
    n, k = x.shape
    cov = bread @ (x * (resid**2)[:, None]).T @ x @ bread * n / (n - k)
    se = math.sqrt(cov[1, 1])
    assert c.ols["unadjusted"]["se"] == pytest.approx(se, rel=1e-9)
    assert c.ols["unadjusted"]["cov_type"] == "HC1"
    direct = sm.OLS(y, x).fit(cov_type="HC0").bse[1]
    assert se == pytest.approx(direct * math.sqrt(n / (n - k)), rel=1e-9)


def test_unbounded_indicator_gets_ols_not_glm(built_home: Path, tidy: pd.DataFrame) -> None:
    c = compare_regions("fixed_broadband_per100", 2022, home=built_home, n_boot=N_BOOT)
    assert c.glm is None
    assert any("no fractional logit" in note for note in c.notes)
    # OLS on a dummy alone reproduces the difference of group means exactly
    assert c.ols["unadjusted"]["effect"] == pytest.approx(c.gap_unweighted.value, rel=1e-9)
    import statsmodels.formula.api as smf

    gdp = tidy[(tidy["indicator"] == "gdp_per_capita_ppp") & (tidy["year"] == 2022)]
    frame = c.values.merge(gdp[["iso3", "value"]].rename(columns={"value": "gdp"}), on="iso3")
    frame["europe"] = (frame["region"] == EUR).astype(int)
    fit = smf.ols("value ~ europe + np.log(gdp)", frame).fit(cov_type="HC1")
    adjusted = c.ols["adjusted"]
    assert adjusted["n"] == len(frame)
    assert adjusted["effect"] == pytest.approx(fit.params["europe"], rel=1e-9)
    assert adjusted["pvalue"] == pytest.approx(fit.pvalues["europe"], rel=1e-6)


def test_control_from_an_earlier_year_only_when_asked(built_home: Path, tidy: pd.DataFrame):
    gdp = tidy[tidy["indicator"] == "gdp_per_capita_ppp"]
    strict = compare_regions("egdi_2024", 2024, home=built_home, n_boot=N_BOOT)
    assert strict.glm["adjusted"]["control_years"] == [2024]
    lagged = compare_regions("egdi_2024", 2024, home=built_home, n_boot=N_BOOT, control_max_lag=1)
    borrowed = lagged.glm["adjusted"]["control_earlier_year"]
    assert borrowed  # some countries have 2023 but not 2024 GDP in the mirror
    for iso3, year in borrowed.items():
        assert year == 2023
        assert iso3 in strict.glm["adjusted"]["dropped_no_control"]
        assert not ((gdp["iso3"] == iso3) & (gdp["year"] == 2024)).any()
        assert f"{iso3} 2023" in lagged.glm["adjusted_note"]
    assert lagged.glm["adjusted"]["n"] == strict.glm["adjusted"]["n"] + len(borrowed)


def test_bootstrap_is_reproducible_by_seed(built_home: Path, internet_2022) -> None:
    again = compare_regions("internet_users_pct", 2022, home=built_home, n_boot=N_BOOT)
    other = compare_regions("internet_users_pct", 2022, home=built_home, n_boot=N_BOOT, seed=7)
    for name in ("gap_unweighted", "gap_weighted"):
        first, same, moved = (getattr(c, name) for c in (internet_2022, again, other))
        assert (first.ci_low, first.ci_high) == (same.ci_low, same.ci_high)
        assert (first.ci_low, first.ci_high) != (moved.ci_low, moved.ci_high)
        assert first.value == moved.value
        assert first.ci_low < first.value < first.ci_high


def test_coverage_rule_on_oecd_dgi(built_home: Path, tidy: pd.DataFrame) -> None:
    c = compare_regions("dgi", home=built_home, n_boot=N_BOOT)
    assert c.year == 2023  # the only DGI year
    lac = by_hand(tidy, "dgi", 2023, LAC)
    assert lac["value"].notna().sum() == 7
    for group in (EUR, LAC):
        frame = by_hand(tidy, "dgi", 2023, group)
        share = pop_share(frame)
        s = c.per_group[group]
        assert s.coverage_pop == pytest.approx(share, rel=1e-12)
        if share < 2 / 3:
            assert s.weighted_mean is None
            assert f"{share * 100:.1f}% of the population of {group}" in s.weighted_withheld_reason
            assert "below the 66.7% threshold" in s.weighted_withheld_reason
            assert f"{group}: " in c.verdict and "weighted mean withheld" in s.verdict
        else:
            data = frame.dropna(subset=["value", "pop"])
            expected = np.average(data["value"], weights=data["pop"])
            assert s.weighted_mean == pytest.approx(expected)
            assert s.weighted_withheld_reason == "" and "weighted mean shown" in s.verdict
    shares = [pop_share(by_hand(tidy, "dgi", 2023, g)) for g in (EUR, LAC)]
    assert (c.gap_weighted is None) == (min(shares) < 2 / 3)
    if min(shares) < 2 / 3:
        assert "no population-weighted comparison" in c.sentence
        assert "no year has data covering 66.7%" in c.year_note
    # a lower threshold is a parameter, and the rule follows it
    loose = compare_regions("dgi", home=built_home, n_boot=N_BOOT, threshold=min(shares))
    assert all(loose.per_group[g].weighted_mean is not None for g in (EUR, LAC))


def test_member_with_data_but_no_population(tmp_path: Path, tidy: pd.DataFrame) -> None:
    """A copy of the built table without Brazil's 2022 population (made here, not committed)."""
    drop = (tidy["indicator"] == "population") & (tidy["iso3"] == "BRA") & (tidy["year"] == 2022)
    assert drop.sum() == 1
    processed = tmp_path / "data" / "processed"
    processed.mkdir(parents=True)
    tidy[~drop].to_parquet(processed / "indicators.parquet")
    c = compare_regions("internet_users_pct", 2022, home=tmp_path, n_boot=N_BOOT)
    s = c.per_group[LAC]
    frame = by_hand(tidy[~drop], "internet_users_pct", 2022, LAC)
    assert "BRA" in set(c.values["iso3"]) and np.isnan(
        c.values.set_index("iso3").at["BRA", "weight"]
    )
    assert s.with_data_without_population == ["BRA"]
    assert "BRA" in s.members_without_population
    assert "population unknown for BRA" in s.verdict and "population unknown for BRA" in c.verdict
    data = frame.dropna(subset=["value"])
    assert s.mean == pytest.approx(data["value"].mean())  # Brazil still counts unweighted
    assert s.n_with_data == len(data)
    both = data.dropna(subset=["pop"])
    assert s.coverage_pop == pytest.approx(pop_share(frame))
    assert s.population_total == pytest.approx(frame["pop"].sum())  # Brazil: unknown weight
    if s.coverage_pop >= 2 / 3:
        assert s.weighted_mean == pytest.approx(np.average(both["value"], weights=both["pop"]))
    else:
        assert s.weighted_mean is None
    means = regional_means("internet_users_pct", [2022], home=tmp_path, n_boot=50)
    row = means.set_index("group").loc[LAC]
    assert row["no_population"] == "BRA" and row["n"] == len(data)


def test_year_none_picks_the_latest_year_passing_the_rule(built_home: Path, tidy: pd.DataFrame):
    years = sorted(tidy.loc[tidy["indicator"] == "internet_users_pct", "year"].unique())

    def passes(year: int) -> bool:
        frames = [by_hand(tidy, "internet_users_pct", year, g) for g in (EUR, LAC)]
        return all(pop_share(f) >= 2 / 3 and f["value"].notna().sum() >= 3 for f in frames)

    expected = max(y for y in years if passes(int(y)))
    year, note = latest_common_year("internet_users_pct", home=built_home)
    assert year == expected
    assert note.startswith(f"{expected}: the latest year")
    later = [int(y) for y in years if y > expected]
    for y in later:
        assert f"{y} (" in note  # says why later years were skipped
    c = compare_regions("internet_users_pct", home=built_home, n_boot=N_BOOT)
    assert (c.year, c.year_note) == (year, note)
    assert c.sentence.startswith(f"In {year}, ")


def test_sentence_and_summary_carry_the_computed_numbers(internet_2022) -> None:
    a, b = internet_2022.per_group[EUR], internet_2022.per_group[LAC]
    gap = internet_2022.gap_weighted
    sentence = internet_2022.sentence
    assert f"{a.weighted_mean:.1f}% in Europe vs {b.weighted_mean:.1f}% in Latin" in sentence
    assert f"gap {gap.value:.1f} pp, 95% CI {gap.ci_low:.1f} to {gap.ci_high:.1f} pp" in sentence
    assert f"{a.mean:.1f}% vs {b.mean:.1f}%" in sentence
    summary = internet_2022.summary
    assert list(summary.columns) == [
        "measure", "group", "value", "ci_low", "ci_high", "pvalue", "n", "unit", "note",
    ]  # fmt: skip
    row = summary[(summary["measure"] == "weighted_mean") & (summary["group"] == LAC)].iloc[0]
    assert row["value"] == b.weighted_mean
    json.dumps(internet_2022.to_dict())  # plain data, NaN as null


def test_too_few_countries_says_so_instead_of_numbers(built_home: Path) -> None:
    c = compare_regions("internet_users_pct", 1990, home=built_home, n_boot=N_BOOT)
    assert c.per_group[EUR].n_with_data < 3 or c.per_group[LAC].n_with_data < 3
    assert c.welch.pvalue is None and "too few countries" in c.welch.note
    assert math.isnan(c.cohen_d) and c.glm is None
    assert c.gap_unweighted.ci_low is None
    assert "too few countries" in c.sentence and "no comparison is reported" in c.sentence
    assert " vs " not in c.sentence and "CI" not in c.sentence


def test_parameter_errors_list_valid_values(built_home: Path) -> None:
    with pytest.raises(ParameterError, match="valid indicators"):
        compare_regions("no_such_indicator", home=built_home)
    with pytest.raises(ParameterError, match="years with data: 2023"):
        compare_regions("dgi", 2019, home=built_home)
    with pytest.raises(ParameterError, match="valid groups"):
        compare_regions("dgi", groups=("Europe", "Atlantis"), home=built_home)
    with pytest.raises(ParameterError, match="threshold"):
        compare_regions("dgi", threshold=1.5, home=built_home)


def test_regional_means_match_compare_regions(
    built_home: Path, internet_2022, tidy: pd.DataFrame
) -> None:
    means = regional_means("internet_users_pct", range(2021, 2024), home=built_home, n_boot=N_BOOT)
    assert list(means.columns[:12]) == [
        "year", "group", "n", "n_members", "coverage_pop", "mean", "mean_ci_low",
        "mean_ci_high", "weighted_mean", "weighted_ci_low", "weighted_ci_high",
        "weighted_withheld",
    ]  # fmt: skip
    row = means.set_index(["year", "group"]).loc[(2022, LAC)]
    s = internet_2022.per_group[LAC]
    assert row["mean"] == pytest.approx(s.mean) and row["weighted_mean"] == s.weighted_mean
    assert row["n"] == s.n_with_data and row["coverage_pop"] == pytest.approx(s.coverage_pop)
    assert row["mean_ci_low"] < row["mean"] < row["mean_ci_high"]
    # 2023: LAC data cover less than two thirds of its population -> withheld
    lac_2023 = means.set_index(["year", "group"]).loc[(2023, LAC)]
    share = pop_share(by_hand(tidy, "internet_users_pct", 2023, LAC))
    assert share < 2 / 3 and lac_2023["coverage_pop"] == pytest.approx(share)
    assert lac_2023["weighted_withheld"] and np.isnan(lac_2023["weighted_mean"])
    again = regional_means("internet_users_pct", [2022], home=built_home, n_boot=N_BOOT)
    pd.testing.assert_frame_equal(
        again.reset_index(drop=True),
        means[means["year"] == 2022].reset_index(drop=True),
    )  # a cell's interval does not depend on the other years asked for


def test_convergence_on_internet_users(built_home: Path, tidy: pd.DataFrame) -> None:
    import statsmodels.api as sm

    result = convergence("internet_users_pct", years=range(2005, 2023), home=built_home)
    sigma = result.sigma.set_index(["year", "group"])
    for group in (EUR, LAC):
        frame = by_hand(tidy, "internet_users_pct", 2010, group).dropna(subset=["value"])
        assert sigma.at[(2010, group), "sd"] == pytest.approx(frame["value"].std(ddof=1))
        cv = frame["value"].std(ddof=1) / frame["value"].mean()
        assert sigma.at[(2010, group), "cv"] == pytest.approx(cv)
    pooled = pd.concat(
        by_hand(tidy, "internet_users_pct", 2010, g).dropna(subset=["value"]) for g in (EUR, LAC)
    )
    assert sigma.at[(2010, "Pooled"), "n"] == len(pooled)
    assert sigma.at[(2010, "Pooled"), "sd"] == pytest.approx(pooled["value"].std(ddof=1))

    start = pd.concat(by_hand(tidy, "internet_users_pct", 2005, g) for g in (EUR, LAC))
    end = pd.concat(by_hand(tidy, "internet_users_pct", 2022, g) for g in (EUR, LAC))
    both = start.merge(end, on="iso3", suffixes=("_0", "_1")).dropna(subset=["value_0", "value_1"])
    both = both[(both["value_0"] > 0) & (both["value_1"] > 0)]
    growth = (np.log(both["value_1"]) - np.log(both["value_0"])) / 17
    fit = sm.OLS(growth.to_numpy(), sm.add_constant(np.log(both["value_0"].to_numpy())))
    fit = fit.fit(cov_type="HC1")
    beta = result.beta.set_index("group").loc["Pooled"]
    assert (beta["start_year"], beta["end_year"], beta["n"]) == (2005, 2022, len(both))
    assert beta["coef"] == pytest.approx(fit.params[1], rel=1e-9)
    assert (beta["ci_low"], beta["ci_high"]) == pytest.approx(tuple(fit.conf_int()[1]), rel=1e-9)
    assert "From 2005 to 2022" in result.sentence
    assert f"{beta['coef']:.3f}".replace("-", "\N{MINUS SIGN}") in result.sentence


# --------------------------------------------------------------------------- not measurements

PLACEHOLDER = "zero_possibly_placeholder"


def measured_by_hand(tidy: pd.DataFrame, indicator: str, year: int, group: str) -> pd.DataFrame:
    """:func:`by_hand` with the values flagged as placeholders removed (``flagged`` marks them)."""
    pick = tidy[(tidy["indicator"] == indicator) & (tidy["year"] == year)].set_index("iso3")
    flagged = pick["flag"].str.split(";").map(lambda parts: PLACEHOLDER in parts)
    frame = by_hand(tidy, indicator, year, group)
    frame["flagged"] = frame["iso3"].map(flagged).fillna(False).astype(bool)
    frame.loc[frame["flagged"], "value"] = np.nan
    return frame


def test_placeholder_zeros_are_not_data_in_1990(built_home: Path, tidy: pd.DataFrame) -> None:
    raw = {g: by_hand(tidy, "internet_users_pct", 1990, g) for g in (EUR, LAC)}
    # what the statistics used before: 39 LAC zeros, a regional mean of exactly 0
    assert raw[LAC]["value"].notna().sum() == 39 and raw[LAC]["value"].max() == 0
    means = regional_means("internet_users_pct", years=[1990], home=built_home, n_boot=N_BOOT)
    means = means.set_index("group")
    for group in (EUR, LAC):
        frame = measured_by_hand(tidy, "internet_users_pct", 1990, group)
        data = frame.dropna(subset=["value"])
        row = means.loc[group]
        assert row["n"] == len(data)
        assert row["left_out"] == ", ".join(sorted(frame.loc[frame["flagged"], "iso3"]))
        assert row["coverage_pop"] == pytest.approx(pop_share(frame))
        if len(data) >= 3:
            assert row["mean"] == pytest.approx(data["value"].mean(), rel=1e-12)
    lac = means.loc[LAC]
    assert lac["n"] == 0 and math.isnan(lac["mean"])  # every LAC value of 1990 is a placeholder
    assert lac["mean_withheld"] and lac["mean_withheld_reason"] == "no data"
    assert means.loc[EUR, "mean"] > 0
    assert f"flagged {PLACEHOLDER} (not measurements)" in means.attrs["left_out"]
    assert "ARG 1990" in means.attrs["left_out"]


def test_comparison_names_the_values_left_out(built_home: Path, tidy: pd.DataFrame) -> None:
    c = compare_regions("internet_users_pct", 1990, home=built_home, n_boot=N_BOOT)
    for group in (EUR, LAC):
        frame = measured_by_hand(tidy, "internet_users_pct", 1990, group)
        s = c.per_group[group]
        assert s.left_out == sorted(frame.loc[frame["flagged"], "iso3"])
        assert s.n_with_data == frame["value"].notna().sum()
        assert set(s.left_out) <= set(s.members_without)
        assert f"values of {', '.join(s.left_out)} left out" in s.verdict
    assert not set(c.values["iso3"]) & set(c.per_group[LAC].left_out)
    n_left = sum(len(c.per_group[g].left_out) for g in (EUR, LAC))
    assert f"left out {n_left} values flagged {PLACEHOLDER}" in " ".join(c.notes)
    assert "too few countries" in c.sentence
    # a year whose every value is a placeholder has no data, and the error says why
    with pytest.raises(ParameterError, match=f"no data in 1960 .*flagged {PLACEHOLDER}"):
        compare_regions("internet_users_pct", 1960, home=built_home, n_boot=N_BOOT)


def test_convergence_leaves_placeholders_out(built_home: Path, tidy: pd.DataFrame) -> None:
    result = convergence("internet_users_pct", home=built_home)
    assert int(result.sigma["year"].min()) == 1990  # 1960-1989: placeholders only
    sigma = result.sigma.set_index(["year", "group"])
    for group in (EUR, LAC):
        data = measured_by_hand(tidy, "internet_users_pct", 1992, group).dropna(subset=["value"])
        assert sigma.at[(1992, group), "n"] == len(data)
        assert sigma.at[(1992, group), "sd"] == pytest.approx(data["value"].std(ddof=1))
    beta = result.beta.set_index("group")
    # 2023 has 7 LAC countries with values, but they hold less than two thirds of LAC's
    # population (a thin year): the window ends in 2022, and the note says why
    assert (beta.at["Pooled", "start_year"], beta.at["Pooled", "end_year"]) == (1992, 2022)
    window = next(n for n in result.notes if n.startswith("beta window"))
    assert "Latin America & Caribbean 2023" in window
    assert sigma.at[(2023, LAC), "mean_status"] == "thin"
    assert sigma.at[(1991, LAC), "mean_status"] == "withheld"
    assert math.isnan(sigma.at[(1991, LAC), "sd"])  # 2 countries: no dispersion shown
    left = next(n for n in result.notes if n.startswith("left out"))
    assert "ALB 1990–1994" in left and "ARG 1990–1991" in left
    assert not any("value <= 0 in 1992" in n for n in result.notes)


def test_not_measured_flags_are_a_setting(built_home: Path, monkeypatch) -> None:
    everything = stats_data.read_panel("internet_users_pct", built_home, exclude_flags=())
    lac = everything.rows(LAC, "m49", 1990)
    assert lac["value"].notna().sum() == 39 and not lac["left_out"].any()
    assert stats_data.read_panel("egdi_2024", built_home).years == [2024]
    monkeypatch.setattr(stats_data, "NOT_MEASURED_FLAGS", (PLACEHOLDER, "secondary_copy"))
    panel = stats_data.read_panel("egdi_2024", built_home)  # every value is a secondary copy
    assert panel.years == [] and len(panel.left_out[2024]) > 100


def test_unweighted_mean_needs_min_countries(built_home: Path, tidy: pd.DataFrame) -> None:
    means = regional_means("internet_users_pct", [1991], home=built_home, n_boot=N_BOOT)
    lac = means.set_index("group").loc[LAC]
    data = measured_by_hand(tidy, "internet_users_pct", 1991, LAC).dropna(subset=["value"])
    assert lac["n"] == len(data) == 2
    assert math.isnan(lac["mean"]) and math.isnan(lac["mean_ci_low"]) and lac["mean_withheld"]
    assert lac["mean_withheld_reason"] == "2 countries with data (fewer than 3)"
    loose = regional_means(
        "internet_users_pct", [1991], home=built_home, n_boot=N_BOOT, min_countries=2
    ).set_index("group")
    assert loose.loc[LAC, "mean"] == pytest.approx(data["value"].mean())
    assert not loose.loc[LAC, "mean_withheld"] and loose.loc[LAC, "mean_withheld_reason"] == ""


def test_controlled_model_follows_min_countries(built_home: Path, internet_2022) -> None:
    dropped = set(internet_2022.glm["adjusted"]["dropped_no_control"])
    lac = set(internet_2022.values.loc[internet_2022.values["region"] == LAC, "iso3"])
    assert lac & dropped  # some LAC countries have no GDP figure in 2022
    strict = compare_regions(
        "internet_users_pct", 2022, home=built_home, n_boot=N_BOOT, min_countries=len(lac)
    )
    assert strict.glm["unadjusted"] is not None  # enough countries for the tests and model...
    assert strict.glm["adjusted"] is None  # ... but not once those without GDP are dropped
    assert f"at least {len(lac)} needed" in strict.glm["adjusted_note"]


@pytest.mark.parametrize("years", ["2022", 2022.0, True, ["2022"], [2021, 2022.5]])
def test_year_filters_refuse_text_and_floats(built_home: Path, years) -> None:
    with pytest.raises(ParameterError, match="years must be a year"):
        regional_means("internet_users_pct", years, home=built_home, n_boot=N_BOOT)
    with pytest.raises(ParameterError, match="years must be a year"):
        convergence("internet_users_pct", years, home=built_home)


def test_year_filters_take_numpy_integers(built_home: Path) -> None:
    one = regional_means("internet_users_pct", np.int64(2022), home=built_home, n_boot=N_BOOT)
    listed = regional_means("internet_users_pct", [2022], home=built_home, n_boot=N_BOOT)
    pd.testing.assert_frame_equal(one, listed)
    spans = [np.arange(2005, 2023), range(2005, 2023)]
    first, second = (convergence("internet_users_pct", y, home=built_home) for y in spans)
    pd.testing.assert_frame_equal(first.beta, second.beta)


def test_ict_skills_withhold_the_thin_lac_weighted_mean(built_home: Path, tidy: pd.DataFrame):
    """SDG 4.4.1 (UN SDG export): few LAC countries per survey year, so the population-weighted
    mean is withheld and the share of the population covered is said instead."""
    c = compare_regions("ict_skills_soft_pct", home=built_home, n_boot=N_BOOT)
    frame = by_hand(tidy, "ict_skills_soft_pct", c.year, LAC)
    s = c.per_group[LAC]
    assert s.n_with_data == frame["value"].notna().sum() >= 3
    assert s.coverage_pop == pytest.approx(pop_share(frame), rel=1e-12) and s.coverage_pop < 2 / 3
    assert s.weighted_mean is None and c.gap_weighted is None
    covered = f"data cover {100 * s.coverage_pop:.1f}% of the population of {LAC} in {c.year}"
    assert covered in s.weighted_withheld_reason and covered in c.sentence
    assert s.members_without == sorted(frame.loc[frame["value"].isna(), "iso3"])
    assert {"ARG", "ECU", "URY"} <= set(s.members_without)  # focus countries not in the file
    assert s.mean == pytest.approx(frame["value"].mean(), rel=1e-12)
