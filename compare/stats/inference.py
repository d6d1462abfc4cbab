"""Two-sample tests, effect sizes and seeded percentile bootstraps over countries (numpy/scipy)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from compare.stats import memo
from compare.text.i18n import _, t


@dataclass(frozen=True)
class TestResult:
    """A two-sample test: statistic and p-value (None when not run, with the reason in ``note``)."""

    __test__ = False  # not a pytest test class

    name: str
    statistic: float | None
    pvalue: float | None
    df: float | None = None
    note: str = ""


@dataclass(frozen=True)
class Estimate:
    """A point estimate with a percentile-bootstrap confidence interval (None when not computed)."""

    value: float
    ci_low: float | None
    ci_high: float | None
    level: float = 0.95
    note: str = ""


def welch(a: np.ndarray, b: np.ndarray) -> TestResult:
    """Welch's t-test (unequal variances), two-sided."""
    from scipy import stats  # noqa: PLC0415

    res = stats.ttest_ind(a, b, equal_var=False)
    return TestResult("Welch t-test", float(res.statistic), float(res.pvalue), float(res.df))


def mann_whitney(a: np.ndarray, b: np.ndarray) -> TestResult:
    """Mann-Whitney U test, two-sided; the statistic is U of the first sample."""
    from scipy import stats  # noqa: PLC0415

    res = stats.mannwhitneyu(a, b, alternative="two-sided")
    return TestResult("Mann-Whitney U", float(res.statistic), float(res.pvalue))


def cohen_d(a: np.ndarray, b: np.ndarray) -> float:
    """Standardised mean difference with the pooled standard deviation (ddof 1)."""
    na, nb = len(a), len(b)
    pooled = ((na - 1) * np.var(a, ddof=1) + (nb - 1) * np.var(b, ddof=1)) / (na + nb - 2)
    if pooled <= 0:
        return math.nan
    return float((np.mean(a) - np.mean(b)) / math.sqrt(pooled))


def hedges_g(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's d times the exact small-sample correction J(df), df = na + nb - 2."""
    df = len(a) + len(b) - 2
    correction = math.exp(math.lgamma(df / 2) - math.lgamma((df - 1) / 2)) / math.sqrt(df / 2)
    return cohen_d(a, b) * correction


def cliffs_delta(a: np.ndarray, b: np.ndarray) -> float:
    """P(a > b) - P(a < b) over all pairs (-1 to 1)."""
    diff = np.subtract.outer(np.asarray(a, float), np.asarray(b, float))
    return float((np.sum(diff > 0) - np.sum(diff < 0)) / diff.size)


def weighted_mean(values: np.ndarray, weights: np.ndarray, axis: int = -1) -> np.ndarray:
    """sum(w * v) / sum(w) along ``axis``."""
    return np.sum(values * weights, axis=axis) / np.sum(weights, axis=axis)


def _interval(
    samples: tuple[np.ndarray, ...],
    statistic,
    n_boot: int,
    seed: int | list[int],
    level: float,
) -> tuple[float, float]:
    """Percentile bootstrap CI of ``statistic`` (takes index arrays), resampling each sample
    independently with ``numpy.random.default_rng(seed)``."""
    from scipy import stats  # noqa: PLC0415

    res = stats.bootstrap(
        samples,
        statistic,
        n_resamples=n_boot,
        method="percentile",
        vectorized=True,
        confidence_level=level,
        rng=np.random.default_rng(seed),
    )
    return float(res.confidence_interval.low), float(res.confidence_interval.high)


def mean_ci(
    values: np.ndarray,
    weights: np.ndarray | None = None,
    *,
    n_boot: int,
    seed: int | list[int],
    level: float = 0.95,
) -> Estimate:
    """(Weighted) mean of one group with a bootstrap CI over its countries."""
    values = np.asarray(values, float)
    w = np.ones_like(values) if weights is None else np.asarray(weights, float)
    point = float(weighted_mean(values, w))
    if len(values) < 2:
        return Estimate(point, None, None, level, _("fewer than 2 countries: no interval"))

    def stat(i: np.ndarray, axis: int = -1) -> np.ndarray:
        return weighted_mean(values[i], w[i], axis)

    name = memo.key("mean", (values, w), n_boot=n_boot, seed=_seed(seed), level=level)
    low, high = memo.interval(
        name, lambda: _interval((np.arange(len(values)),), stat, n_boot, seed, level)
    )
    return Estimate(point, low, high, level)


def gap_ci(
    a: np.ndarray,
    b: np.ndarray,
    wa: np.ndarray | None = None,
    wb: np.ndarray | None = None,
    *,
    n_boot: int,
    seed: int | list[int],
    level: float = 0.95,
) -> Estimate:
    """(Weighted) mean of ``a`` minus that of ``b``, with a percentile bootstrap CI that
    resamples countries within each group."""
    a, b = np.asarray(a, float), np.asarray(b, float)
    wa = np.ones_like(a) if wa is None else np.asarray(wa, float)
    wb = np.ones_like(b) if wb is None else np.asarray(wb, float)
    point = float(weighted_mean(a, wa) - weighted_mean(b, wb))

    def stat(i: np.ndarray, j: np.ndarray, axis: int = -1) -> np.ndarray:
        return weighted_mean(a[i], wa[i], axis) - weighted_mean(b[j], wb[j], axis)

    name = memo.key("gap", (a, wa, b, wb), n_boot=n_boot, seed=_seed(seed), level=level)
    low, high = memo.interval(
        name,
        lambda: _interval((np.arange(len(a)), np.arange(len(b))), stat, n_boot, seed, level),
    )
    return Estimate(point, low, high, level, t("percentile bootstrap, {n} resamples", n=n_boot))


def _seed(seed: int | list[int]) -> tuple[int, ...]:
    """A seed as a hashable value (a list of ints is a numpy SeedSequence entropy)."""
    return tuple(seed) if isinstance(seed, list | tuple) else (int(seed),)
