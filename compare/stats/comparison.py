"""Region comparisons: every Europe-vs-LAC comparison with weights, uncertainty, coverage and
controls, side by side.

>>> c = compare.compare_regions("internet_users_pct")      # latest year both groups pass
>>> c.sentence, c.summary, c.per_group["Europe"].weighted_mean
>>> compare.regional_means("egdi")                          # one row per (year, group)
>>> compare.convergence("internet_users_pct", years=range(2005, 2023)).beta

Rules (see ``docs`` of each function):

- weights are the ``population`` indicator of the same year; a member with a value but no
  population counts in the unweighted statistics only, and the coverage says so;
- World Bank rule: the population-weighted mean of a group is withheld when the countries with
  data cover less than ``threshold`` (default 2/3) of the group's population;
- tests, effect sizes, intervals and models need ``min_countries`` (3) countries per group, and
  so does an unweighted regional mean in :func:`regional_means`;
- values flagged as not measurements (``compare.stats.panel.NOT_MEASURED_FLAGS``, e.g. the
  internet-use zeros before 2000 that the World Bank/ITU publish as placeholders) are left out
  of every statistic, and the notes and verdicts name the countries and years left out;
- bootstrap intervals are percentile intervals over countries resampled within each group, from
  ``numpy.random.default_rng(seed)``: the same seed gives the same interval.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from compare.config import (
    COVERAGE_THRESHOLD,
    DEFAULT_CLASSIFICATION,
    DEFAULT_GROUPS,
    MIN_COUNTRIES,
)
from compare.data import as_years
from compare.errors import ParameterError
from compare.geo.regions import check_groups
from compare.stats.inference import Estimate, TestResult
from compare.stats.panel import (
    Coverage,
    Panel,
    check_threshold,
    coverage,
    left_out_text,
    read_panel,
)
from compare.text import numbers as fmt
from compare.text.words import lower_first

__all__ = [
    "Comparison",
    "Convergence",
    "Estimate",
    "GroupStats",
    "TestResult",
    "compare_regions",
    "convergence",
    "latest_common_year",
    "regional_means",
]

VALUE_COLUMNS = ["iso3", "country", "region", "value", "weight", "year", "source_id", "flag"]
SUMMARY_COLUMNS = ["measure", "group", "value", "ci_low", "ci_high", "pvalue", "n", "unit", "note"]


@dataclass
class GroupStats:
    """Descriptive statistics and coverage of one group in one year."""

    group: str
    n_with_data: int
    n_without: int
    members_without: list[str]
    coverage_pop: float | None  # share (0-1) of the group's known population covered by data
    mean: float
    weighted_mean: float | None  # None when withheld
    weighted_withheld_reason: str  # "" when the weighted mean is shown
    median: float
    q1: float
    q3: float
    min_value: float
    min_iso3: str | None
    max_value: float
    max_iso3: str | None
    n_members: int = 0
    members_without_population: list[str] = field(default_factory=list)  # unknown weight
    with_data_without_population: list[str] = field(default_factory=list)  # unweighted only
    population_total: float = 0.0  # members with a population value
    population_covered: float = 0.0  # members with a value and a population value
    verdict: str = ""
    left_out: list[str] = field(default_factory=list)  # values flagged as not measurements


@dataclass
class Comparison:
    """Everything :func:`compare_regions` computes (``summary`` and ``sentence`` for notebooks)."""

    indicator: str
    year: int
    year_note: str
    groups: tuple[str, str]
    classification: str
    per_group: dict[str, GroupStats]
    gap_unweighted: Estimate
    gap_weighted: Estimate | None
    welch: TestResult
    mann_whitney: TestResult
    cohen_d: float
    hedges_g: float
    cliffs_delta: float
    glm: dict | None
    verdict: str
    values: pd.DataFrame
    summary: pd.DataFrame
    sentence: str
    unit: str = ""
    title: str = ""
    threshold: float = COVERAGE_THRESHOLD
    notes: list[str] = field(default_factory=list)
    ols: dict | None = None  # linear region model (indicators that are not bounded)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (NaN -> None; tables as lists of records)."""
        out: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, pd.DataFrame):
                value = value.to_dict(orient="records")
            out[item.name] = _plain(value)
        return out


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


def _plain(value: Any) -> Any:
    if hasattr(value, "__dataclass_fields__"):
        return {f.name: _plain(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    if value is pd.NA or value is pd.NaT:
        return None
    return value


# --------------------------------------------------------------------------- groups, coverage


def _withheld_reason(cov: Coverage, threshold: float) -> str:
    if cov.share is None:
        return f"no population figures for the members of {cov.group} in {cov.year}"
    if cov.share < threshold:
        return (
            f"data cover {fmt.share(cov.share)} of the population of {cov.group} in {cov.year}, "
            f"below the {fmt.share(threshold)} threshold (World Bank rule)"
        )
    return ""


def _group_verdict(cov: Coverage, reason: str) -> str:
    text = (
        f"{cov.group}: {cov.n_with_data} of {cov.n_members} members with data, covering "
        f"{fmt.share(cov.share)} of the population"
    )
    if cov.data_no_population:
        text += (
            f" (population unknown for {', '.join(cov.data_no_population)}: "
            "in the unweighted statistics only)"
        )
    if cov.left_out:
        text += (
            f"; values of {', '.join(cov.left_out)} left out (flagged as not measurements, "
            "counted as members without data)"
        )
    unknown = [i for i in cov.no_population if i not in cov.data_no_population]
    if unknown:
        text += (
            f"; {len(unknown)} members without data have no population figure either (unknown "
            f"weight, outside the population total: {', '.join(unknown)})"
        )
    return text + (f"; weighted mean withheld: {reason}." if reason else "; weighted mean shown.")


def group_stats(rows: pd.DataFrame, threshold: float) -> GroupStats:
    """Statistics of one group-year from :meth:`Panel.rows`."""
    cov = coverage(rows)
    data = rows.dropna(subset=["value"])
    values = data["value"].to_numpy(float)
    reason = _withheld_reason(cov, threshold)
    weighted = None
    if not reason:
        both = data.dropna(subset=["population"])
        weighted = float(np.average(both["value"], weights=both["population"]))
    if len(values):
        q1, median, q3 = (float(v) for v in np.percentile(values, [25, 50, 75]))
        low, high = data.loc[data["value"].idxmin()], data.loc[data["value"].idxmax()]
        extremes = (float(low["value"]), str(low["iso3"]), float(high["value"]), str(high["iso3"]))
    else:
        q1 = median = q3 = math.nan
        extremes = (math.nan, None, math.nan, None)
    return GroupStats(
        group=cov.group,
        n_with_data=cov.n_with_data,
        n_without=cov.n_without,
        members_without=cov.members_without,
        coverage_pop=cov.share,
        mean=float(values.mean()) if len(values) else math.nan,
        weighted_mean=weighted,
        weighted_withheld_reason=reason,
        median=median,
        q1=q1,
        q3=q3,
        min_value=extremes[0],
        min_iso3=extremes[1],
        max_value=extremes[2],
        max_iso3=extremes[3],
        n_members=cov.n_members,
        members_without_population=cov.no_population,
        with_data_without_population=cov.data_no_population,
        population_total=cov.population_total,
        population_covered=cov.population_covered,
        verdict=_group_verdict(cov, reason),
        left_out=cov.left_out,
    )


# --------------------------------------------------------------------------- year choice


def _choose_year(
    panel: Panel,
    groups: tuple[str, str],
    classification: str,
    threshold: float,
    min_countries: int,
) -> tuple[int, str]:
    skipped: list[str] = []
    fallback: tuple[int, list[Coverage]] | None = None
    for year in reversed(panel.years):
        covs = [coverage(panel.rows(g, classification, year)) for g in groups]
        if all(c.passes(threshold, min_countries) for c in covs):
            note = (
                f"{year}: the latest year in which the data cover at least "
                f"{fmt.share(threshold)} of the population of both groups ("
                + ", ".join(
                    f"{c.group} {fmt.share(c.share)}, {c.n_with_data} countries" for c in covs
                )
                + ")"
            )
            if skipped:
                note += "; later years fall short: " + "; ".join(skipped[:3])
                note += " ..." if len(skipped) > 3 else ""
            return year, note
        short = [c for c in covs if not c.passes(threshold, min_countries)]
        skipped.append(
            f"{year} ("
            + ", ".join(f"{c.group} {fmt.share(c.share)}, {c.n_with_data} countries" for c in short)
            + ")"
        )
        if fallback is None and all(c.n_with_data >= min_countries for c in covs):
            fallback = (year, covs)
    if fallback is not None:
        year, covs = fallback
        note = (
            f"{year}: no year has data covering {fmt.share(threshold)} of the population of both "
            f"groups; {year} is the latest year with at least {min_countries} countries in each ("
            + ", ".join(f"{c.group} {c.n_with_data} countries, {fmt.share(c.share)}" for c in covs)
            + ")"
        )
        return year, note
    raise ParameterError(
        f"{panel.indicator}: no year has at least {min_countries} countries with data in both "
        f"{groups[0]} and {groups[1]}; years with data: "
        + (", ".join(map(str, panel.years)) or "none")
    )


def latest_common_year(
    indicator: str,
    groups: tuple[str, str] = DEFAULT_GROUPS,
    classification: str = DEFAULT_CLASSIFICATION,
    threshold: float = COVERAGE_THRESHOLD,
    home: str | Path | None = None,
    *,
    min_countries: int = MIN_COUNTRIES,
) -> tuple[int, str]:
    """The latest year in which the data of both groups pass the coverage rule (share of
    population >= ``threshold`` and at least ``min_countries`` countries); failing that, the
    latest year with ``min_countries`` countries in each. Returns ``(year, why)``."""
    pair = check_groups(groups, classification, count=2)
    return _choose_year(
        read_panel(indicator, home), pair, classification, check_threshold(threshold), min_countries
    )


# --------------------------------------------------------------------------- compare_regions


def _check_common(n_boot: int, min_countries: int) -> None:
    if int(n_boot) < 10:
        raise ParameterError(f"n_boot must be at least 10, got {n_boot!r}")
    if int(min_countries) < 2:
        raise ParameterError(f"min_countries must be at least 2, got {min_countries!r}")


def _values_frame(rows: list[pd.DataFrame]) -> pd.DataFrame:
    frame = pd.concat(rows, ignore_index=True).dropna(subset=["value"])
    frame = frame.rename(columns={"group": "region", "population": "weight"})
    return frame[VALUE_COLUMNS].reset_index(drop=True)


def _tests(a: np.ndarray, b: np.ndarray, enough: bool, why: str) -> dict[str, Any]:
    from compare.stats import inference as inf  # noqa: PLC0415

    if not enough:
        return {
            "welch": TestResult("Welch t-test", None, None, None, why),
            "mann_whitney": TestResult("Mann-Whitney U", None, None, None, why),
            "cohen_d": math.nan,
            "hedges_g": math.nan,
            "cliffs_delta": math.nan,
        }
    return {
        "welch": inf.welch(a, b),
        "mann_whitney": inf.mann_whitney(a, b),
        "cohen_d": inf.cohen_d(a, b),
        "hedges_g": inf.hedges_g(a, b),
        "cliffs_delta": inf.cliffs_delta(a, b),
    }


def _gaps(
    values: pd.DataFrame,
    groups: tuple[str, str],
    stats: dict[str, GroupStats],
    *,
    enough: bool,
    why: str,
    n_boot: int,
    seed: int,
    level: float,
    min_countries: int,
) -> tuple[Estimate, Estimate | None]:
    from compare.stats import inference as inf  # noqa: PLC0415

    a = values[values["region"] == groups[0]]
    b = values[values["region"] == groups[1]]
    if enough:
        unweighted = inf.gap_ci(a["value"], b["value"], n_boot=n_boot, seed=seed, level=level)
    else:
        unweighted = Estimate(math.nan, None, None, level, why)
    withheld = [g for g in groups if stats[g].weighted_mean is None]
    if withheld:
        return unweighted, None
    a, b = a.dropna(subset=["weight"]), b.dropna(subset=["weight"])
    point = float(stats[groups[0]].weighted_mean - stats[groups[1]].weighted_mean)
    if min(len(a), len(b)) < min_countries:
        note = f"fewer than {min_countries} weighted countries in a group: no interval"
        return unweighted, Estimate(point, None, None, level, note)
    weighted = inf.gap_ci(
        a["value"], b["value"], a["weight"], b["weight"], n_boot=n_boot, seed=seed, level=level
    )
    return unweighted, weighted


def _control_frame(control: str | None, home: str | Path | None) -> pd.DataFrame | None:
    if control is None:
        return None
    from compare.catalog import load_catalog  # noqa: PLC0415
    from compare.data import table  # noqa: PLC0415

    load_catalog().indicator(control)
    frame = table(home)
    return frame.loc[frame["indicator"] == control, ["iso3", "year", "value"]]


def compare_regions(
    indicator: str,
    year: int | None = None,
    groups: tuple[str, str] = DEFAULT_GROUPS,
    classification: str = DEFAULT_CLASSIFICATION,
    *,
    threshold: float = COVERAGE_THRESHOLD,
    n_boot: int = 2000,
    seed: int = 20251225,
    control: str | None = "gdp_per_capita_ppp",
    home: str | Path | None = None,
    control_max_lag: int = 0,
    min_countries: int = MIN_COUNTRIES,
    level: float = 0.95,
) -> Comparison:
    """Compare ``groups[0]`` with ``groups[1]`` on ``indicator`` in ``year`` (None: the latest
    year both groups pass the coverage rule, see :func:`latest_common_year`).

    ``control``: the indicator whose log enters the fractional logit (bounded indicators only),
    taken from the same year; ``control_max_lag=N`` allows the latest of the N earlier years
    instead (the years used are reported). Gaps are ``groups[0] - groups[1]``.
    """
    from compare.catalog import load_catalog  # noqa: PLC0415
    from compare.stats.models import fractional_logit, linear_model, share_divisor  # noqa: PLC0415

    pair = check_groups(groups, classification, count=2)
    threshold = check_threshold(threshold)
    _check_common(n_boot, min_countries)
    if int(control_max_lag) < 0:
        raise ParameterError(f"control_max_lag must be 0 or more, got {control_max_lag!r}")
    meta = load_catalog().indicator(indicator)
    panel = read_panel(indicator, home)
    if year is None:
        year, year_note = _choose_year(panel, pair, classification, threshold, min_countries)
    else:
        year = int(year)
        if year not in panel.values:
            flagged = panel.left_out.get(year)
            apart = (
                f" (its {len(flagged)} values that year are flagged "
                f"{' or '.join(panel.exclude_flags)}: not measurements, left out)"
                if flagged is not None
                else ""
            )
            raise ParameterError(
                f"{indicator} has no data in {year}{apart}; years with data: "
                + (", ".join(map(str, panel.years)) or "none")
            )
        year_note = f"{year}: the year requested"
    rows = [panel.rows(g, classification, year) for g in pair]
    stats = {g: group_stats(r, threshold) for g, r in zip(pair, rows, strict=True)}
    values = _values_frame(rows)
    a = values.loc[values["region"] == pair[0], "value"].to_numpy(float)
    b = values.loc[values["region"] == pair[1], "value"].to_numpy(float)
    enough = min(len(a), len(b)) >= min_countries
    why = "" if enough else (
        f"too few countries with data (at least {min_countries} per group needed: "
        + ", ".join(f"{g} {stats[g].n_with_data}" for g in pair) + ")"
    )  # fmt: skip
    tests = _tests(a, b, enough, why)
    gap_u, gap_w = _gaps(
        values, pair, stats, enough=enough, why=why, n_boot=n_boot, seed=seed, level=level,
        min_countries=min_countries,
    )  # fmt: skip
    notes = [year_note]
    left_out = left_out_text(
        ((i, year) for r in rows for i in r.loc[r["left_out"], "iso3"]), panel.exclude_flags
    )
    if left_out:
        notes.append(left_out)
    glm = ols = None
    model_args = {
        "control": _control_frame(control, home),
        "control_name": control,
        "year": year,
        "control_max_lag": int(control_max_lag),
        "level": level,
        "min_countries": min_countries,
    }
    model_values = values.rename(columns={"region": "group"})
    if not enough:
        notes.append(f"region models not fitted: {why}")
    elif meta.bounded and share_divisor(meta.unit) is not None:
        glm = fractional_logit(model_values, pair[0], meta.unit, **model_args)
        notes.append(f"fractional logit with control: {glm['adjusted_note']}")
    else:
        notes.append(
            f"{indicator} is not a bounded share or score: no fractional logit; "
            "linear model (OLS) instead"
        )
        ols = linear_model(model_values, pair[0], **model_args)
        notes.append(f"OLS with control: {ols['adjusted_note']}")
    verdict = " ".join(stats[g].verdict for g in pair) + (f" Tests: {why}." if why else "")
    result = Comparison(
        indicator=indicator,
        year=year,
        year_note=year_note,
        groups=pair,
        classification=classification,
        per_group=stats,
        gap_unweighted=gap_u,
        gap_weighted=gap_w,
        **tests,
        glm=glm,
        verdict=verdict,
        values=values,
        summary=pd.DataFrame(columns=SUMMARY_COLUMNS),
        sentence="",
        unit=meta.unit,
        title=meta.title,
        threshold=threshold,
        notes=notes,
        ols=ols,
    )
    result.summary = _summary(result)
    result.sentence = _sentence(result, enough, why)
    return result


# --------------------------------------------------------------------------- summary, sentence


def _row(
    measure: str, group: str, value: Any, unit: str = "", note: str = "", **extra: Any
) -> dict:
    value = math.nan if value is None else value
    return {"measure": measure, "group": group, "value": value, "unit": unit, "note": note, **extra}


def _summary(c: Comparison) -> pd.DataFrame:
    rows = []
    for g in c.groups:
        s = c.per_group[g]
        n = s.n_with_data
        rows += [
            _row("n_with_data", g, s.n_with_data, "countries", n=n),
            _row("n_without", g, s.n_without, "countries", ", ".join(s.members_without), n=n),
            _row("coverage_pop", g, s.coverage_pop, "share_0_1", s.verdict, n=n),
            _row("mean", g, s.mean, c.unit, "unweighted mean of countries", n=n),
            _row("weighted_mean", g, s.weighted_mean, c.unit,
                 s.weighted_withheld_reason or "population-weighted", n=n),
            _row("median", g, s.median, c.unit, n=n),
            _row("q1", g, s.q1, c.unit, n=n),
            _row("q3", g, s.q3, c.unit, n=n),
            _row("min", g, s.min_value, c.unit, s.min_iso3 or "", n=n),
            _row("max", g, s.max_value, c.unit, s.max_iso3 or "", n=n),
        ]  # fmt: skip
    pair = f"{c.groups[0]} − {c.groups[1]}"
    n = sum(c.per_group[g].n_with_data for g in c.groups)
    for measure, est, absent in (
        ("gap_unweighted", c.gap_unweighted, ""),
        ("gap_weighted", c.gap_weighted, "withheld: a group's weighted mean is withheld"),
    ):
        if est is None:
            rows.append(_row(measure, pair, None, c.unit, absent, n=n))
        else:
            rows.append(
                _row(measure, pair, est.value, c.unit, est.note, ci_low=est.ci_low,
                     ci_high=est.ci_high, n=n)
            )  # fmt: skip
    for test, measure in ((c.welch, "welch_t"), (c.mann_whitney, "mann_whitney_u")):
        note = test.note or (f"df {test.df:.1f}" if test.df is not None else "two-sided")
        rows.append(_row(measure, pair, test.statistic, "statistic", note, pvalue=test.pvalue, n=n))
    for measure in ("cohen_d", "hedges_g", "cliffs_delta"):
        rows.append(_row(measure, pair, getattr(c, measure), "effect_size", n=n))
    glm_keys = ("ame_pp", "ci_low_pp", "ci_high_pp")
    ols_keys = ("effect", "ci_low", "ci_high")
    for model, names, unit, keys in (
        (c.glm, ("glm_ame_pp", "glm_ame_pp_controlled"), "pp_0_100", glm_keys),
        (c.ols, ("ols_effect", "ols_effect_controlled"), c.unit, ols_keys),
    ):
        if model is None:
            continue
        for key, measure in zip(("unadjusted", "adjusted"), names, strict=True):
            m = model.get(key)
            if m is None:
                rows.append(_row(measure, pair, None, unit, model["adjusted_note"]))
                continue
            note = "region only" if key == "unadjusted" else model["adjusted_note"]
            rows.append(
                _row(measure, pair, m[keys[0]], unit, note, ci_low=m[keys[1]], ci_high=m[keys[2]],
                     pvalue=m["pvalue"], n=m["n"])
            )  # fmt: skip
    frame = pd.DataFrame(rows).reindex(columns=SUMMARY_COLUMNS)
    for column in ("value", "ci_low", "ci_high", "pvalue"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["n"] = frame["n"].astype("Int64")
    frame["note"] = frame["note"].fillna("")
    return frame


def _sentence(c: Comparison, enough: bool, why: str) -> str:
    a, b = c.groups
    sa, sb = c.per_group[a], c.per_group[b]
    what = lower_first(c.title)
    if not enough:
        return f"In {c.year}, {what}: {why}, so no comparison is reported."
    u, gu = c.unit, c.gap_unweighted
    unweighted = (
        f"{fmt.versus(sa.mean, sb.mean, u)}, gap "
        f"{fmt.difference(c.gap_unweighted.value, u)}, "
        + fmt.interval(gu.ci_low, gu.ci_high, u, gu.level)
    )
    if c.gap_weighted is not None:
        gw = c.gap_weighted
        return (
            f"In {c.year}, {what} averaged {fmt.value(sa.weighted_mean, u)} in {a} vs "
            f"{fmt.value(sb.weighted_mean, u)} in {b} (population-weighted; gap "
            f"{fmt.difference(gw.value, u)}, {fmt.interval(gw.ci_low, gw.ci_high, u, gw.level)}; "
            f"unweighted country means {unweighted})."
        )
    withheld = "; ".join(s.weighted_withheld_reason for s in (sa, sb) if s.weighted_withheld_reason)
    return (
        f"In {c.year}, {what} averaged {fmt.value(sa.mean, u)} in {a} vs "
        f"{fmt.value(sb.mean, u)} in {b} (unweighted country means; gap "
        f"{fmt.difference(gu.value, u)}, {fmt.interval(gu.ci_low, gu.ci_high, u, gu.level)}); "
        f"no population-weighted comparison: {withheld}."
    )


# --------------------------------------------------------------------------- trends


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
    from compare.stats import inference as inf  # noqa: PLC0415

    if not len(values):
        return math.nan, None, None
    if len(values) < min_countries:
        w = None if weights is None else weights.to_numpy(float)
        return float(np.average(values.to_numpy(float), weights=w)), None, None
    est = inf.mean_ci(values, weights, n_boot=n_boot, seed=seed, level=level)
    return est.value, est.ci_low, est.ci_high


def _mean_withheld_reason(n: int, min_countries: int) -> str:
    if n == 0:
        return "no data"
    if n < min_countries:
        return f"{n} {'country' if n == 1 else 'countries'} with data (fewer than {min_countries})"
    return ""


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
    coverage, and whether the weighted mean is withheld (World Bank rule). The unweighted mean
    and intervals need ``min_countries`` countries (below that the mean is NaN, ``mean_withheld``
    is True and ``mean_withheld_reason`` says why); years without data give rows with
    ``n == 0``. Values flagged as not measurements are left out: ``left_out`` lists the members
    concerned and ``.attrs["left_out"]`` says which, with the flags."""
    pair = check_groups(groups, classification, count=2)
    threshold = check_threshold(threshold)
    _check_common(n_boot, min_countries)
    panel = read_panel(indicator, home)
    out = []
    dropped: list[tuple[str, int]] = []
    for year in _years_of(panel, years):
        for index, group in enumerate(pair):
            rows = panel.rows(group, classification, year)
            cov = coverage(rows)
            dropped += [(iso3, year) for iso3 in cov.left_out]
            data = rows.dropna(subset=["value"])
            weighted = data.dropna(subset=["population"])
            reason = _withheld_reason(cov, threshold) if len(data) else "no data"
            cell_seed = [int(seed), int(year), index]
            mean: tuple[float, float | None, float | None] = (math.nan, None, None)
            mean_reason = _mean_withheld_reason(cov.n_with_data, min_countries)
            if not mean_reason:
                mean = _mean_with_ci(
                    data["value"], None, n_boot=n_boot, seed=cell_seed, level=level,
                    min_countries=min_countries,
                )  # fmt: skip
            wtd = (math.nan, None, None)
            if not reason:
                wtd = _mean_with_ci(
                    weighted["value"], weighted["population"], n_boot=n_boot, seed=cell_seed,
                    level=level, min_countries=min_countries,
                )  # fmt: skip
            out.append(
                {
                    "year": year,
                    "group": group,
                    "n": cov.n_with_data,
                    "n_members": cov.n_members,
                    "coverage_pop": cov.share,
                    "mean": mean[0],
                    "mean_ci_low": mean[1],
                    "mean_ci_high": mean[2],
                    "weighted_mean": wtd[0],
                    "weighted_ci_low": wtd[1],
                    "weighted_ci_high": wtd[2],
                    "weighted_withheld": bool(reason),
                    "withheld_reason": reason,
                    "no_population": ", ".join(cov.data_no_population),
                    "mean_withheld": bool(mean_reason),
                    "mean_withheld_reason": mean_reason,
                    "left_out": ", ".join(cov.left_out),
                }
            )
    frame = pd.DataFrame(out)
    frame.attrs["left_out"] = left_out_text(dropped, panel.exclude_flags)
    if frame.empty:
        return frame
    for column in ("coverage_pop", "mean", "mean_ci_low", "mean_ci_high", "weighted_mean",
                   "weighted_ci_low", "weighted_ci_high"):  # fmt: skip
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    return frame


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
    from compare.catalog import load_catalog  # noqa: PLC0415
    from compare.stats import over_time as conv  # noqa: PLC0415

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
    sigma = conv.sigma(long, pair)
    window = conv.beta_window(long, pair, min_countries) if len(long) else None
    if window is None:
        beta = pd.DataFrame(columns=conv.BETA_COLUMNS)
        notes.append(
            f"beta convergence not estimated: fewer than two years with {min_countries} "
            "positive values in each group"
        )
        sentence = f"{meta.title}: not enough years with data in both groups for convergence."
        return Convergence(indicator, pair, classification, sigma, beta, sentence, notes)
    start, end = window
    beta, beta_notes = conv.beta(long, pair, start, end, min_countries=min_countries, level=level)
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
            "values in each group"
        )
    sentence = _convergence_sentence(meta, sigma, beta, pair, level)
    return Convergence(indicator, pair, classification, sigma, beta, sentence, notes)


def _convergence_sentence(
    meta: Any, sigma: pd.DataFrame, beta: pd.DataFrame, groups: tuple[str, str], level: float
) -> str:
    from compare.stats.over_time import POOLED, reading  # noqa: PLC0415

    title, unit = meta.title, meta.unit
    start, end = int(beta["start_year"].iloc[0]), int(beta["end_year"].iloc[0])
    sd = sigma.set_index(["year", "group"])["sd"]
    spread = ", ".join(
        f"{g} {fmt.bare(sd[(start, g)], unit)} to {fmt.bare(sd[(end, g)], unit)}"
        for g in (*groups, POOLED)
    )
    pooled = beta.set_index("group").loc[POOLED]
    if math.isnan(pooled["coef"]):
        beta_text = f"the pooled beta coefficient is not estimated ({pooled['note']})"
    else:
        beta_text = (
            f"pooled beta coefficient {fmt.number(pooled['coef'], 3)} ({level:.0%} CI "
            f"{fmt.number(pooled['ci_low'], 3)} to {fmt.number(pooled['ci_high'], 3)}, "
            f"n = {pooled['n']}): " + reading(pooled["coef"], pooled["ci_low"], pooled["ci_high"])
        )
    return (
        f"From {start} to {end}, the standard deviation across countries of "
        f"{lower_first(title)} went from {spread}; {beta_text}."
    )
