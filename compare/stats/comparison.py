"""Region comparisons: every Europe-vs-LAC comparison with weights, uncertainty, coverage and
controls, side by side.

>>> c = compare.compare_regions("internet_users_pct")      # latest year both groups pass
>>> c.sentence, c.summary, c.per_group["Europe"].weighted_mean
>>> compare.regional_means("egdi")                          # one row per (year, group)
>>> compare.convergence("internet_users_pct", years=range(2005, 2023)).beta

Rules (see ``docs`` of each function):

- weights are the ``population`` indicator of the same year; a member with a value but no
  population counts in the unweighted statistics only, and the coverage says so;
- one rule for every regional mean (:mod:`compare.stats.rule`): below ``min_countries`` (3)
  countries both means are withheld; below ``threshold`` (2/3) of the group's population the
  population-weighted mean is withheld (World Bank rule) and the unweighted mean is marked thin;
- tests, effect sizes, intervals and models need ``min_countries`` countries per group;
- beside every weighted mean: the Kish effective number of countries, the largest country's
  share of the weight and, for bounded indicators, the sensitivity bounds
  (:mod:`compare.stats.weights`);
- values flagged as not measurements (``compare.stats.panel.NOT_MEASURED_FLAGS``, e.g. the
  internet-use zeros before 2000 that the World Bank/ITU publish as placeholders) are left out
  of every statistic, and the notes and verdicts name the countries and years left out;
- bootstrap intervals are percentile intervals over countries resampled within each group, from
  ``numpy.random.default_rng(seed)``: the same seed gives the same interval.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from compare.catalog import load_catalog
from compare.config import (
    COVERAGE_THRESHOLD,
    DEFAULT_CLASSIFICATION,
    DEFAULT_GROUPS,
    MIN_COUNTRIES,
)
from compare.errors import ParameterError
from compare.geo.regions import check_groups
from compare.stats.inference import Estimate, TestResult
from compare.stats.models import fractional_logit, linear_model, share_divisor
from compare.stats.panel import (
    Coverage,
    Panel,
    check_threshold,
    coverage,
    left_out_text,
    read_panel,
)
from compare.stats.rule import WITHHELD, judge
from compare.stats.vintage import vintages
from compare.stats.weights import weight_basis
from compare.text import numbers as fmt
from compare.text.comparisons import comparison_sentence, group_label, group_verdict
from compare.text.comparisons import vintage as vintage_text
from compare.text.i18n import _, ngettext, t
from compare.units import difference_unit

__all__ = [
    "Comparison",
    "Estimate",
    "GroupStats",
    "TestResult",
    "compare_regions",
    "latest_common_year",
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
    #: the rule for regional means (compare.stats.rule): "shown", "thin" or "withheld"
    mean_status: str = "shown"
    mean_reason: str = ""  # why the unweighted mean is thin or withheld ("" when shown)
    #: what the weighted mean rests on (None when it is withheld; compare.stats.weights)
    n_effective: float | None = None  # Kish effective number of countries
    largest_weight_iso3: str | None = None
    largest_weight_share: float | None = None  # share (0-1) of the weight
    bound_low: float | None = None  # sensitivity bounds: missing members at the lower bound
    bound_high: float | None = None  # ... at the upper bound (bounded indicators only)

    @property
    def passes(self) -> bool:
        """Both means shown (see :mod:`compare.stats.rule`)."""
        return self.mean_status == "shown" and self.weighted_mean is not None


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
    #: the sources' vintages: values, population weights, control (compare.stats.vintage)
    vintage: list = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data (NaN -> None; tables as lists of records)."""
        out: dict[str, Any] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if isinstance(value, pd.DataFrame):
                value = value.to_dict(orient="records")
            out[item.name] = _plain(value)
        return out


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


def group_stats(
    rows: pd.DataFrame,
    threshold: float,
    min_countries: int = MIN_COUNTRIES,
    bounds: tuple[float, float] | None = None,
) -> GroupStats:
    """Statistics of one group-year from :meth:`Panel.rows`, under the rule of
    :mod:`compare.stats.rule`; ``bounds``: the indicator's range when it is bounded (for the
    sensitivity bounds of the weighted mean)."""
    cov = coverage(rows)
    rule = judge(cov, threshold, min_countries)
    data = rows.dropna(subset=["value"])
    values = data["value"].to_numpy(float)
    weighted = None
    basis = None
    if rule.weighted != WITHHELD:
        both = data.dropna(subset=["population"])
        weighted = float(np.average(both["value"], weights=both["population"]))
        basis = weight_basis(rows, bounds)
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
        mean=float(values.mean()) if rule.unweighted != WITHHELD else math.nan,
        weighted_mean=weighted,
        weighted_withheld_reason=rule.weighted_reason,
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
        verdict=group_verdict(cov, rule),
        left_out=cov.left_out,
        mean_status=rule.unweighted,
        mean_reason=rule.reason,
        n_effective=basis.n_effective if basis else None,
        largest_weight_iso3=basis.largest_iso3 if basis else None,
        largest_weight_share=basis.largest_share if basis else None,
        bound_low=basis.bound_low if basis else None,
        bound_high=basis.bound_high if basis else None,
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
        covs = [panel.coverage(g, classification, year) for g in groups]
        if all(judge(c, threshold, min_countries).passes for c in covs):
            note = t(
                "{year}: the latest year in which the data cover at least {threshold} of the "
                "population of both groups ({groups})", year=year,
                threshold=fmt.share(threshold), groups=", ".join(_cover(c) for c in covs),
            )  # fmt: skip
            if skipped:
                note += _("; later years fall short: ") + "; ".join(skipped[:3])
                note += " ..." if len(skipped) > 3 else ""
            return year, note
        short = [c for c in covs if not judge(c, threshold, min_countries).passes]
        skipped.append(f"{year} (" + ", ".join(_cover(c) for c in short) + ")")
        if fallback is None and all(c.n_with_data >= min_countries for c in covs):
            fallback = (year, covs)
    if fallback is not None:
        year, covs = fallback
        note = t(
            "{year}: no year has data covering {threshold} of the population of both groups; "
            "{year} is the latest year with at least {min} countries in each ({groups})",
            year=year, threshold=fmt.share(threshold), min=min_countries,
            groups=", ".join(_cover(c, share_last=True) for c in covs),
        )  # fmt: skip
        return year, note
    raise ParameterError(
        f"{panel.indicator}: no year has at least {min_countries} countries with data in both "
        f"{groups[0]} and {groups[1]}; years with data: "
        + (", ".join(map(str, panel.years)) or "none")
    )


def _cover(c: Any, share_last: bool = False) -> str:
    """``Europe 99.1%, 44 countries`` (``Europe 44 countries, 99.1%``)."""
    countries = ngettext("{n} country", "{n} countries", c.n_with_data).format(n=c.n_with_data)
    if share_last:
        return f"{group_label(c.group)} {countries}, {fmt.share(c.share)}"
    return f"{group_label(c.group)} {fmt.share(c.share)}, {countries}"


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


def check_common(n_boot: int, min_countries: int) -> None:
    """The bootstrap draws and minimum countries every comparison function accepts."""
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
        note = t("fewer than {min} weighted countries in a group: no interval", min=min_countries)
        return unweighted, Estimate(point, None, None, level, note)
    weighted = inf.gap_ci(
        a["value"], b["value"], a["weight"], b["weight"], n_boot=n_boot, seed=seed, level=level
    )
    return unweighted, weighted


def _control_frame(control: str | None, home: str | Path | None) -> pd.DataFrame | None:
    if control is None:
        return None
    from compare.data import table  # noqa: PLC0415

    load_catalog().indicator(control)
    frame = table(home, reads=[control])
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
    pair = check_groups(groups, classification, count=2)
    threshold = check_threshold(threshold)
    check_common(n_boot, min_countries)
    if int(control_max_lag) < 0:
        raise ParameterError(f"control_max_lag must be 0 or more, got {control_max_lag!r}")
    meta = load_catalog().indicator(indicator)
    panel = read_panel(indicator, home)
    year, year_note = _year_of_comparison(
        panel, year, pair, classification=classification, threshold=threshold,
        min_countries=min_countries,
    )  # fmt: skip
    _check_disjoint(pair, classification, year)
    rows = [panel.rows(g, classification, year) for g in pair]
    bounds = meta.range if meta.bounded else None
    stats = {
        g: group_stats(r, threshold, min_countries, bounds) for g, r in zip(pair, rows, strict=True)
    }
    values = _values_frame(rows)
    a = values.loc[values["region"] == pair[0], "value"].to_numpy(float)
    b = values.loc[values["region"] == pair[1], "value"].to_numpy(float)
    enough = min(len(a), len(b)) >= min_countries
    why = "" if enough else t(
        "too few countries with data (at least {min} per group needed: {counts})",
        min=min_countries,
        counts=", ".join(f"{group_label(g)} {stats[g].n_with_data}" for g in pair),
    )  # fmt: skip
    gap_u, gap_w = _gaps(
        values, pair, stats, enough=enough, why=why, n_boot=n_boot, seed=seed, level=level,
        min_countries=min_countries,
    )  # fmt: skip
    notes = [year_note]
    notes += [
        t("{group}: the unweighted mean is thin ({reason}): read it as the mean of the "
          "countries with data, not of the group", group=group_label(g),
          reason=stats[g].mean_reason)
        for g in pair
        if stats[g].mean_status == "thin"
    ]  # fmt: skip
    left_out = left_out_text(
        ((i, year) for r in rows for i in r.loc[r["left_out"], "iso3"]), panel.exclude_flags
    )
    if left_out:
        notes.append(left_out)
    models = _region_models(
        meta, values, pair, year=year, enough=enough, why=why, notes=notes, control=control,
        home=home, control_max_lag=int(control_max_lag), level=level, min_countries=min_countries,
    )  # fmt: skip
    verdict = " ".join(stats[g].verdict for g in pair) + (
        t(" Tests: {why}.", why=why) if why else ""
    )
    result = Comparison(
        indicator=indicator, year=year, year_note=year_note, groups=pair,
        classification=classification, per_group=stats, gap_unweighted=gap_u, gap_weighted=gap_w,
        **_tests(a, b, enough, why), **models, verdict=verdict, values=values,
        summary=pd.DataFrame(columns=SUMMARY_COLUMNS), sentence="", unit=meta.unit,
        title=meta.title, threshold=threshold, notes=notes,
    )  # fmt: skip
    result.vintage = vintages(indicator, home, control)
    stated = vintage_text(result.vintage)
    if stated:
        result.notes.append(stated)
    result.summary = _summary(result)
    result.sentence = comparison_sentence(result, enough, why)
    return result


def _check_disjoint(pair: tuple[str, str], classification: str, year: int) -> None:
    """Two groups compared must not share members (the tests assume independent samples)."""
    from compare.geo.regions import shared_members  # noqa: PLC0415

    shared = shared_members(pair, classification, year)
    if shared:
        raise ParameterError(
            f"{pair[0]} and {pair[1]} share {len(shared)} members in {year} "
            f"({', '.join(shared[:12])}{' ...' if len(shared) > 12 else ''}): compare groups "
            "without common members (add your own with compare.regions.add_groups)"
        )


def _year_of_comparison(
    panel: Panel,
    year: int | None,
    pair: tuple[str, str],
    *,
    classification: str,
    threshold: float,
    min_countries: int,
) -> tuple[int, str]:
    """The year compared and why: the one asked for (which must have data), else the latest
    year both groups pass the coverage rule."""
    if year is None:
        return _choose_year(panel, pair, classification, threshold, min_countries)
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
            f"{panel.indicator} has no data in {year}{apart}; years with data: "
            + (", ".join(map(str, panel.years)) or "none")
        )
    return year, t("{year}: the year requested", year=year)


def _region_models(
    meta: Any,
    values: pd.DataFrame,
    pair: tuple[str, str],
    *,
    year: int,
    enough: bool,
    why: str,
    notes: list[str],
    **options: Any,
) -> dict[str, dict | None]:
    """``{"glm": ..., "ols": ...}``: the fractional logit for bounded shares and scores, OLS for
    the rest, each with and without the control; what was done is appended to ``notes``."""
    model_args = {
        "control": _control_frame(options["control"], options["home"]),
        "control_name": options["control"],
        "year": year,
        "control_max_lag": options["control_max_lag"],
        "level": options["level"],
        "min_countries": options["min_countries"],
    }
    model_values = values.rename(columns={"region": "group"})
    if not enough:
        notes.append(t("region models not fitted: {why}", why=why))
        return {"glm": None, "ols": None}
    if meta.bounded and share_divisor(meta.unit) is not None:
        glm = fractional_logit(model_values, pair[0], meta.unit, **model_args)
        notes.append(t("fractional logit with control: {note}", note=glm["adjusted_note"]))
        return {"glm": glm, "ols": None}
    notes.append(
        t("{id} is not a bounded share or score: no fractional logit; linear model (OLS) "
          "instead", id=meta.id)
    )  # fmt: skip
    ols = linear_model(model_values, pair[0], **model_args)
    notes.append(t("OLS with control: {note}", note=ols["adjusted_note"]))
    return {"glm": None, "ols": ols}


# --------------------------------------------------------------------------- summary, sentence


def _row(
    measure: str, group: str, value: Any, unit: str = "", note: str = "", **extra: Any
) -> dict:
    value = math.nan if value is None else value
    return {"measure": measure, "group": group, "value": value, "unit": unit, "note": note, **extra}


def _mean_note(s: GroupStats) -> str:
    if s.mean_status == "withheld":
        return t("withheld: {reason}", reason=s.mean_reason)
    if s.mean_status == "thin":
        return t("THIN (not a regional mean): {reason}", reason=s.mean_reason)
    return _("unweighted mean of countries")


def _basis_rows(s: GroupStats, group: str, unit: str, n: int) -> list[dict]:
    """What the weighted mean rests on (rows only when it is shown)."""
    if s.weighted_mean is None:
        return []
    rows = [
        _row("n_effective", group, s.n_effective, "countries",
             t("Kish effective number of countries behind the weighted mean ({n} with data)",
               n=n), n=n),
        _row("largest_weight_share", group, s.largest_weight_share, "share_0_1",
             t("{code}: the largest country's share of the weight", code=s.largest_weight_iso3),
             n=n),
    ]  # fmt: skip
    if s.bound_low is not None:
        missing = [m for m in s.members_without if m not in s.members_without_population]
        note = (
            t("sensitivity bounds, not estimates: the weighted mean if every member without a "
              "value were at the indicator's lower / upper bound ({codes})",
              codes=", ".join(missing))
            if missing
            else _("every member with a population figure has a value: nothing to bound")
        )  # fmt: skip
        rows += [
            _row("weighted_mean_bound_low", group, s.bound_low, unit, note, n=n),
            _row("weighted_mean_bound_high", group, s.bound_high, unit, note, n=n),
        ]
    return rows


def _summary(c: Comparison) -> pd.DataFrame:
    rows = []
    for g in c.groups:
        s = c.per_group[g]
        n = s.n_with_data
        rows += [
            _row("n_with_data", g, s.n_with_data, "countries", n=n),
            _row("n_without", g, s.n_without, "countries", ", ".join(s.members_without), n=n),
            _row("coverage_pop", g, s.coverage_pop, "share_0_1", s.verdict, n=n),
            _row("mean", g, s.mean, c.unit, _mean_note(s), n=n),
            _row("weighted_mean", g, s.weighted_mean, c.unit,
                 s.weighted_withheld_reason or _("population-weighted"), n=n),
            *_basis_rows(s, g, c.unit, n),
            _row("median", g, s.median, c.unit, n=n),
            _row("q1", g, s.q1, c.unit, n=n),
            _row("q3", g, s.q3, c.unit, n=n),
            _row("min", g, s.min_value, c.unit, s.min_iso3 or "", n=n),
            _row("max", g, s.max_value, c.unit, s.max_iso3 or "", n=n),
        ]  # fmt: skip
    pair = f"{group_label(c.groups[0])} − {group_label(c.groups[1])}"
    n = sum(c.per_group[g].n_with_data for g in c.groups)
    gap_unit = difference_unit(c.unit)
    for measure, est, absent in (
        ("gap_unweighted", c.gap_unweighted, ""),
        ("gap_weighted", c.gap_weighted, _("withheld: a group's weighted mean is withheld")),
    ):
        if est is None:
            rows.append(_row(measure, pair, None, gap_unit, absent, n=n))
        else:
            rows.append(
                _row(measure, pair, est.value, gap_unit, est.note, ci_low=est.ci_low,
                     ci_high=est.ci_high, n=n)
            )  # fmt: skip
    for test, measure in ((c.welch, "welch_t"), (c.mann_whitney, "mann_whitney_u")):
        note = test.note or (
            t("df {df}", df=fmt.fixed(test.df, 1)) if test.df is not None else _("two-sided")
        )
        rows.append(_row(measure, pair, test.statistic, "statistic", note, pvalue=test.pvalue, n=n))
    for measure in ("cohen_d", "hedges_g", "cliffs_delta"):
        rows.append(_row(measure, pair, getattr(c, measure), "effect_size", n=n))
    unit = difference_unit(c.unit)
    for model, names in (
        (c.glm, ("glm_ame", "glm_ame_controlled")),
        (c.ols, ("ols_effect", "ols_effect_controlled")),
    ):
        if model is None:
            continue
        for key, measure in zip(("unadjusted", "adjusted"), names, strict=True):
            m = model.get(key)
            if m is None:
                rows.append(_row(measure, pair, None, unit, model["adjusted_note"]))
                continue
            note = model["model"] + (
                _("; region only") if key == "unadjusted" else f"; {model['adjusted_note']}"
            )
            rows.append(
                _row(measure, pair, m["effect"], unit, note, ci_low=m["ci_low"],
                     ci_high=m["ci_high"], pvalue=m["pvalue"], n=m["n"])
            )  # fmt: skip
    frame = pd.DataFrame(rows).reindex(columns=SUMMARY_COLUMNS)
    for column in ("value", "ci_low", "ci_high", "pvalue"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame["n"] = frame["n"].astype("Int64")
    frame["note"] = frame["note"].fillna("")
    return frame
