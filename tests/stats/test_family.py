"""Holm-adjusted p-values across the comparisons of one family, recomputed by hand (scipy tests on
the processed table, Holm's step-down rule written out here)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from compare.geo import regions
from compare.stats import compare_regions, family_tests

EUR, LAC = "Europe", "Latin America & Caribbean"


def holm_by_hand(pvalues: list[float]) -> list[float]:
    """Holm's step-down adjustment: sort ascending, multiply the i-th (0-based) by m - i, carry
    the running maximum, cap at 1, put back in the original order."""
    m = len(pvalues)
    order = np.argsort(pvalues)
    adjusted = np.empty(m)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (m - rank) * pvalues[index]))
        adjusted[index] = running
    return list(adjusted)


@pytest.fixture(scope="module")
def tidy(built_home: Path) -> pd.DataFrame:
    return pd.read_parquet(built_home / "data" / "processed" / "indicators.parquet")


def _sample(tidy: pd.DataFrame, indicator: str, year: int, group: str) -> np.ndarray:
    rows = tidy[(tidy["indicator"] == indicator) & (tidy["year"] == year)]
    rows = rows[~rows["flag"].str.contains("placeholder")]
    return rows[rows["iso3"].isin(regions.members(group, "m49", year))]["value"].to_numpy()


def test_interoperability_family_holm_by_hand(built_home: Path, tidy) -> None:
    table = family_tests("interoperability", home=built_home)
    tested = table[table["welch_p"].notna()]
    assert (tested["m"] == len(tested)).all() and len(tested) == 18
    welch, mw = [], []
    for row in tested.itertuples():
        a = _sample(tidy, row.indicator, int(row.year), EUR)
        b = _sample(tidy, row.indicator, int(row.year), LAC)
        assert (row.n_a, row.n_b) == (len(a), len(b))
        welch.append(stats.ttest_ind(a, b, equal_var=False).pvalue)
        mw.append(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)
    np.testing.assert_allclose(tested["welch_p"], welch, rtol=1e-9)
    np.testing.assert_allclose(tested["welch_p_holm"], holm_by_hand(welch), rtol=1e-9)
    np.testing.assert_allclose(tested["mann_whitney_p_holm"], holm_by_hand(mw), rtol=1e-9)
    # indicators published for Europe only cannot be tested and do not count in m
    untested = table[table["welch_p"].isna()]
    assert set(untested["indicator"]) >= {"egov_overall", "desi_egov_users_pct"}
    assert untested["note"].str.contains("no year has at least 3 countries").all()


def _written(p: float) -> str:
    """A p-value as the reports write it in English: three significant digits, below 0.0001 as
    a mantissa times 10 to a superscript power (``8.07 × 10⁻¹⁰``)."""
    if p >= 1e-4:
        return f"{p:.3g}"
    mantissa, exponent = f"{p:.2e}".split("e")
    power = str(int(exponent)).translate(str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻"))
    return f"{mantissa}\N{NO-BREAK SPACE}×\N{NO-BREAK SPACE}10{power}"


def test_the_year_asked_for_one_indicator_and_the_sentence(built_home: Path, tidy) -> None:
    from compare import text

    c = compare_regions("egdi", 2018, home=built_home, n_boot=100)
    table = family_tests("interoperability", home=built_home, years={"egdi": 2018})
    row = table.set_index("indicator").loc["egdi"]
    assert row["year"] == 2018 and row["welch_p"] == pytest.approx(c.welch.pvalue, rel=1e-12)
    sentence = text.family(c, table)
    assert f"Across the {int(row['m'])} comparisons of the interoperability family" in sentence
    holm_p, welch_p = _written(row["welch_p_holm"]), _written(row["welch_p"])
    assert f"{holm_p} (Welch; unadjusted {welch_p})" in sentence
    default = family_tests("interoperability", home=built_home).set_index("indicator")
    assert default.loc["egdi", "year"] == 2022  # others keep their own comparison year
    assert (default.drop(index="egdi")["year"].fillna(0) == table.set_index("indicator").drop(
        index="egdi")["year"].fillna(0)).all()  # fmt: skip


def test_holm_agrees_with_statsmodels_on_the_real_families(built_home: Path) -> None:
    """compare's Holm (written out: statsmodels' runs gc.collect() on every call) gives what
    statsmodels' ``multipletests(method="holm")`` gives, on every compared family's p-values,
    ties and values near 1 included."""
    from statsmodels.stats.multitest import multipletests

    from compare.config import COMPARED_FAMILIES
    from compare.stats.family import holm

    checked = 0
    for family in COMPARED_FAMILIES:
        table = family_tests(family, home=built_home)
        for column in ("welch_p", "mann_whitney_p"):
            pvalues = table[column].dropna().to_numpy(float)
            np.testing.assert_allclose(
                holm(pvalues), multipletests(pvalues, method="holm")[1], rtol=1e-12
            )
            checked += len(pvalues)
    ties = np.array([0.01, 0.04, 0.04, 0.9, 0.3, 0.04])
    np.testing.assert_allclose(holm(ties), multipletests(ties, method="holm")[1], rtol=1e-12)
    assert checked > 40
