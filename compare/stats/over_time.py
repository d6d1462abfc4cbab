"""Sigma convergence (dispersion per year) and beta convergence (growth on initial level)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

POOLED = "Pooled"
COV_TYPE = "HC1"
BETA_COLUMNS = [
    "group",
    "start_year",
    "end_year",
    "n",
    "coef",
    "ci_low",
    "ci_high",
    "pvalue",
    "note",
]


def sigma(long: pd.DataFrame, groups: tuple[str, str]) -> pd.DataFrame:
    """Per year and group (and pooled): n, mean, SD (ddof 1) and CV = SD / mean (NaN when the
    mean is not positive). Countries with data that year (an unbalanced panel)."""
    rows = []
    for year, frame in long.groupby("year"):
        for group in (*groups, POOLED):
            values = (
                frame["value"] if group == POOLED else frame.loc[frame["group"] == group, "value"]
            )
            n = len(values)
            mean = float(values.mean()) if n else math.nan
            sd = float(values.std(ddof=1)) if n >= 2 else math.nan
            cv = sd / mean if n >= 2 and mean > 0 else math.nan
            rows.append(
                {"year": int(year), "group": group, "n": n, "mean": mean, "sd": sd, "cv": cv}
            )
    return pd.DataFrame(rows, columns=["year", "group", "n", "mean", "sd", "cv"])


def beta_window(
    long: pd.DataFrame, groups: tuple[str, str], min_countries: int
) -> tuple[int, int] | None:
    """First and last year in which every group has ``min_countries`` positive values."""
    positive = long[long["value"] > 0]
    counts = positive.groupby(["year", "group"]).size().unstack("group")
    counts = counts.reindex(columns=list(groups)).fillna(0)
    good = counts[(counts >= min_countries).all(axis=1)].index
    if len(good) < 2:
        return None
    return int(min(good)), int(max(good))


def _ols(growth: pd.Series, log_start: pd.Series, level: float) -> dict:
    import statsmodels.api as sm  # noqa: PLC0415

    exog = sm.add_constant(log_start.to_numpy(float), has_constant="add")
    result = sm.OLS(growth.to_numpy(float), exog).fit(cov_type=COV_TYPE)
    low, high = result.conf_int(alpha=1 - level)[1]
    return {
        "coef": float(result.params[1]),
        "ci_low": float(low),
        "ci_high": float(high),
        "pvalue": float(result.pvalues[1]),
    }


def beta(
    long: pd.DataFrame,
    groups: tuple[str, str],
    start: int,
    end: int,
    *,
    min_countries: int,
    level: float = 0.95,
) -> tuple[pd.DataFrame, list[str]]:
    """OLS (robust HC1) of annualised log growth ``(ln y_end - ln y_start) / (end - start)`` on
    ``ln y_start`` for countries with values in both years, per group and pooled. Non-positive
    values cannot be logged: those countries are dropped, and the notes say which."""
    wide = long[long["year"].isin([start, end])].pivot_table(
        index=["iso3", "group"], columns="year", values="value"
    )
    wide = wide.reindex(columns=[start, end]).dropna().reset_index()
    notes = []
    bad = wide[(wide[start] <= 0) | (wide[end] <= 0)]
    if len(bad):
        notes.append(
            f"beta convergence needs positive values: dropped {', '.join(sorted(bad['iso3']))} "
            f"(value <= 0 in {start} or {end})"
        )
    wide = wide[(wide[start] > 0) & (wide[end] > 0)]
    growth = (np.log(wide[end]) - np.log(wide[start])) / (end - start)
    log_start = np.log(wide[start])
    rows = []
    for group in (*groups, POOLED):
        mask = pd.Series(True, index=wide.index) if group == POOLED else wide["group"] == group
        n = int(mask.sum())
        row = {"group": group, "start_year": start, "end_year": end, "n": n}
        if n >= min_countries:
            row.update(_ols(growth[mask], log_start[mask], level), note="")
        else:
            row.update(
                coef=math.nan, ci_low=math.nan, ci_high=math.nan, pvalue=math.nan,
                note=f"{n} countries with positive values in both years (< {min_countries})",
            )  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows, columns=BETA_COLUMNS), notes


def reading(coef: float, low: float, high: float) -> str:
    """What a beta coefficient says, in words."""
    if math.isnan(coef):
        return "not estimated"
    if high < 0:
        return "countries starting lower grew faster (beta convergence)"
    if low > 0:
        return "countries starting higher grew faster (divergence)"
    return "no clear link between starting level and growth (the interval includes 0)"
