"""Over time: regional means per year with bootstrap intervals, sigma convergence (dispersion per
year) and beta convergence (growth on initial level)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from compare.catalog import load_catalog
from compare.config import (
    COVERAGE_THRESHOLD,
    DEFAULT_CLASSIFICATION,
    DEFAULT_GROUPS,
    MIN_COUNTRIES,
    POOLED,
)
from compare.data import as_years
from compare.geo.regions import check_groups
from compare.stats import inference as inf
from compare.stats.comparison import check_common
from compare.stats.panel import Panel, check_threshold, coverage, left_out_text, read_panel
from compare.stats.rule import SHOWN, THIN, WITHHELD, judge
from compare.stats.vintage import vintages
from compare.stats.weights import weight_basis
from compare.text.comparisons import convergence_sentence, title_label
from compare.text.i18n import t
from compare.text.words import years_text

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


def sigma_table(long: pd.DataFrame, groups: tuple[str, str]) -> pd.DataFrame:
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


def _with_status(sigma: pd.DataFrame, status: dict) -> pd.DataFrame:
    """``sigma`` with ``mean_status`` per row (the rule for regional means; the pooled row is
    ``shown`` only when both groups' means are); a withheld group-year (fewer than the minimum
    countries) shows no mean, SD or CV."""

    def row_status(year: int, group: str) -> str:
        if group == POOLED:
            found = [v.unweighted for (y, _), v in status.items() if y == year]
            return "shown" if found and all(f == "shown" for f in found) else "thin"
        rule = status.get((year, group))
        return rule.unweighted if rule is not None else "withheld"

    out = sigma.assign(
        mean_status=[
            row_status(int(y), g) for y, g in zip(sigma["year"], sigma["group"], strict=True)
        ]
    )
    out.loc[out["mean_status"] == "withheld", ["mean", "sd", "cv"]] = math.nan
    return out


def _thin_text(sigma: pd.DataFrame) -> str:
    """The group-years whose mean is thin, e.g. ``Latin America & Caribbean 2023``."""
    thin = sigma[(sigma["mean_status"] == "thin") & (sigma["group"] != POOLED)]
    return "; ".join(f"{g} {years_text(rows['year'])}" for g, rows in thin.groupby("group"))


def beta_window(
    long: pd.DataFrame,
    groups: tuple[str, str],
    min_countries: int,
    passing: set[int] | None = None,
) -> tuple[int, int] | None:
    """First and last year in which every group has ``min_countries`` positive values (and,
    when ``passing`` is given, whose regional means pass the rule in both groups)."""
    positive = long[long["value"] > 0]
    counts = positive.groupby(["year", "group"]).size().unstack("group")
    counts = counts.reindex(columns=list(groups)).fillna(0)
    good = counts[(counts >= min_countries).all(axis=1)].index
    if passing is not None:
        good = [y for y in good if int(y) in passing]
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


def beta_table(
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
                note=t("{n} countries with positive values in both years (< {min})", n=n,
                       min=min_countries),
            )  # fmt: skip
        rows.append(row)
    return pd.DataFrame(rows, columns=BETA_COLUMNS), notes


@dataclass
class Convergence:
    """Sigma and beta convergence of one indicator (see :func:`convergence`)."""

    indicator: str
    groups: tuple[str, str]
    classification: str
    sigma: pd.DataFrame
    beta: pd.DataFrame
    sentence: str
    notes: list[str] = field(default_factory=list)


def _years_of(panel: Panel, years: int | Iterable[int] | None) -> list[int]:
    wanted = as_years(years)
    return panel.years if wanted is None else wanted


def _mean_with_ci(
    values: pd.Series,
    weights: pd.Series | None,
    *,
    n_boot: int,
    seed: list[int],
    level: float,
    min_countries: int,
) -> tuple[float, float | None, float | None]:
    """(Weighted) mean and its bootstrap interval (none below ``min_countries`` countries)."""
    if not len(values):
        return math.nan, None, None
    if len(values) < min_countries:
        w = None if weights is None else weights.to_numpy(float)
        return float(np.average(values.to_numpy(float), weights=w)), None, None
    est = inf.mean_ci(values, weights, n_boot=n_boot, seed=seed, level=level)
    return est.value, est.ci_low, est.ci_high


def regional_means(
    indicator: str,
    years: int | Iterable[int] | None = None,
    groups: tuple[str, str] = DEFAULT_GROUPS,
    classification: str = DEFAULT_CLASSIFICATION,
    *,
    threshold: float = COVERAGE_THRESHOLD,
    n_boot: int = 1000,
    seed: int = 20251225,
    home: str | Path | None = None,
    min_countries: int = MIN_COUNTRIES,
    level: float = 0.95,
) -> pd.DataFrame:
    """One row per (year, group): unweighted and population-weighted means with bootstrap CIs
    over countries (seeded per year and group, so a cell does not depend on the other years),
    coverage, and what the rule for regional means says (:mod:`compare.stats.rule`):

    - ``mean_status``: ``shown``, ``thin`` (the countries with data hold less than
      ``threshold`` of the population: the mean is computed but must be shown marked, never as
      a regional mean) or ``withheld`` (fewer than ``min_countries`` countries: NaN;
      ``mean_withheld`` is True); ``mean_reason`` says why;
    - ``weighted_withheld`` / ``withheld_reason``: the population-weighted mean is withheld
      below ``threshold`` (World Bank rule) or ``min_countries``; beside a shown one,
      ``n_effective`` (Kish), ``largest_weight_iso3`` / ``largest_weight_share`` and, for bounded
      indicators, ``bound_low`` / ``bound_high`` (sensitivity bounds: the members without a value
      at the indicator's bounds; never estimates).

    ``groups`` may be two groups of any classifications (``"eu27:EU27"``, see
    :mod:`compare.geo.regions`). Years without data give rows with ``n == 0``. Values flagged as
    not measurements are left out: ``left_out`` lists the members concerned and
    ``.attrs["left_out"]`` says which, with the flags."""
    pair = check_groups(groups, classification, count=2)
    threshold = check_threshold(threshold)
    check_common(n_boot, min_countries)
    meta = load_catalog().indicator(indicator)
    bounds = meta.range if meta.bounded else None
    panel = read_panel(indicator, home)
    out = []
    dropped: list[tuple[str, int]] = []
    for year in _years_of(panel, years):
        for index, group in enumerate(pair):
            rows = panel.rows(group, classification, year)
            cell = _cell(
                rows, [int(seed), int(year), index], threshold=threshold, bounds=bounds,
                n_boot=n_boot, level=level, min_countries=min_countries,
            )  # fmt: skip
            dropped += [(iso3, year) for iso3 in cell["left_out"].split(", ") if iso3]
            out.append({"year": year, "group": group, **cell})
    frame = pd.DataFrame(out)
    frame.attrs["left_out"] = left_out_text(dropped, panel.exclude_flags)
    frame.attrs["exclude_flags"] = panel.exclude_flags
    frame.attrs["vintage"] = vintages(indicator, home)
    if frame.empty:
        return frame
    for column in NUMBER_COLUMNS:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


#: the float columns of :func:`regional_means`
NUMBER_COLUMNS = (
    "coverage_pop", "mean", "mean_ci_low", "mean_ci_high", "weighted_mean", "weighted_ci_low",
    "weighted_ci_high", "n_effective", "largest_weight_share", "bound_low", "bound_high",
)  # fmt: skip


def _cell(
    rows: pd.DataFrame,
    seed: list[int],
    *,
    threshold: float,
    bounds: tuple[float, float] | None,
    n_boot: int,
    level: float,
    min_countries: int,
) -> dict:
    """One (year, group) row of :func:`regional_means` from :meth:`Panel.rows`."""
    cov = coverage(rows)
    rule = judge(cov, threshold, min_countries)
    data = rows.dropna(subset=["value"])
    options = {"n_boot": n_boot, "seed": seed, "level": level, "min_countries": min_countries}
    mean: tuple[float, float | None, float | None] = (math.nan, None, None)
    if rule.unweighted != WITHHELD:
        mean = _mean_with_ci(data["value"], None, **options)
    weighted: tuple[float, float | None, float | None] = (math.nan, None, None)
    basis = None
    if rule.weighted == SHOWN:
        both = data.dropna(subset=["population"])
        weighted = _mean_with_ci(both["value"], both["population"], **options)
        basis = weight_basis(rows, bounds)
    return {
        "n": cov.n_with_data,
        "n_members": cov.n_members,
        "coverage_pop": cov.share,
        "mean": mean[0],
        "mean_ci_low": mean[1],
        "mean_ci_high": mean[2],
        "weighted_mean": weighted[0],
        "weighted_ci_low": weighted[1],
        "weighted_ci_high": weighted[2],
        "weighted_withheld": rule.weighted != SHOWN,
        "withheld_reason": rule.weighted_reason,
        "no_population": ", ".join(cov.data_no_population),
        "mean_status": rule.unweighted,
        "mean_reason": rule.reason,
        "mean_thin": rule.unweighted == THIN,
        "mean_withheld": rule.unweighted == WITHHELD,
        "mean_withheld_reason": rule.reason if rule.unweighted == WITHHELD else "",
        "n_effective": basis.n_effective if basis else math.nan,
        "largest_weight_iso3": basis.largest_iso3 if basis else "",
        "largest_weight_share": basis.largest_share if basis else math.nan,
        "bound_low": basis.bound_low if basis and basis.bound_low is not None else math.nan,
        "bound_high": basis.bound_high if basis and basis.bound_high is not None else math.nan,
        "left_out": ", ".join(cov.left_out),
    }


def convergence(
    indicator: str,
    years: int | Iterable[int] | None = None,
    groups: tuple[str, str] = DEFAULT_GROUPS,
    classification: str = DEFAULT_CLASSIFICATION,
    home: str | Path | None = None,
    *,
    min_countries: int = MIN_COUNTRIES,
    level: float = 0.95,
) -> Convergence:
    """Sigma convergence (SD and CV per group and pooled, each year, countries with data that
    year) and beta convergence (OLS, robust HC1, of annualised log growth on the log initial
    level, per group and pooled) between the first and last year of ``years`` (default: all)
    in which every group has ``min_countries`` positive values. Values flagged as not
    measurements are left out, and the notes list them (country and years)."""
    pair = check_groups(groups, classification, count=2)
    meta = load_catalog().indicator(indicator)
    panel = read_panel(indicator, home)
    wanted = _years_of(panel, years)
    notes = []
    absent = [y for y in wanted if y not in panel.values]
    if absent:
        notes.append(f"no data for {indicator} in {', '.join(map(str, absent))}")
    every = [(y, panel.rows(g, classification, y)) for y in wanted for g in pair]
    left_out = left_out_text(
        ((i, y) for y, r in every for i in r.loc[r["left_out"], "iso3"]), panel.exclude_flags
    )
    if left_out:
        notes.append(left_out)
    frames = [r.dropna(subset=["value"]) for y, r in every if y in panel.values]
    long = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["iso3", "group", "year", "value"])  # fmt: skip
    status = {
        (y, g): judge(panel.coverage(g, classification, y), min_countries=min_countries)
        for y in wanted
        for g in pair
    }
    sigma = _with_status(sigma_table(long, pair), status)
    passing = {y for y in wanted if all(status[(y, g)].passes for g in pair)}
    window = beta_window(long, pair, min_countries, passing) if len(long) else None
    if window is None and len(long):
        window = beta_window(long, pair, min_countries)
        if window is not None:
            notes.append(
                "no two years in which both groups' means pass the rule for regional means: "
                f"beta window from the years with {min_countries} positive values in each group"
            )
    if window is None:
        beta = pd.DataFrame(columns=BETA_COLUMNS)
        notes.append(
            f"beta convergence not estimated: fewer than two years with {min_countries} "
            "positive values in each group"
        )
        sentence = t(
            "{title}: not enough years with data in both groups for convergence.",
            title=title_label(meta.title),
        )
        return Convergence(indicator, pair, classification, sigma, beta, sentence, notes)
    start, end = window
    beta, beta_notes = beta_table(long, pair, start, end, min_countries=min_countries, level=level)
    notes += beta_notes
    notes.append("sigma: countries with data in each year (the set can change between years)")
    if meta.bounded:
        notes.append(
            f"{indicator} is bounded: a beta coefficient near -1/({end}-{start}) = "
            f"{-1 / (end - start):.3f} means end levels unrelated to start levels, as when "
            "countries approach the upper bound (saturation), not only catching up"
        )
    if start != min(wanted) or end != max(wanted):
        notes.append(
            f"beta window {start}-{end}: first and last year with {min_countries} positive "
            "values in each group whose regional means pass the rule (thin years: "
            + (_thin_text(sigma) or "none")
            + ")"
        )
    sentence = convergence_sentence(meta, sigma, beta, pair, level)
    return Convergence(indicator, pair, classification, sigma, beta, sentence, notes)
