"""Heteroskedasticity-robust (sandwich) covariance of a fractional logit, and the average marginal
effect of a dummy with its delta-method standard error, computed here with numpy.

Why by hand: statsmodels' GLM accepts ``cov_type="HC1"`` (or HC2, HC3) but returns the HC0
sandwich for every one of them (checked on statsmodels 0.14 and 0.15), so a label taken from the
``cov_type`` argument would be wrong. Here::

    V_HC0 = H^-1 (sum_i s_i s_i') H^-1,  s_i = x_i (y_i - mu_i),  H = sum_i mu_i (1 - mu_i) x_i x_i'
    V_HC1 = n / (n - k) * V_HC0           (k: coefficients, constant included)

and the average marginal effect of the dummy ``d`` (0 -> 1), over the sample::

    AME = mean_i [L(x_i1 b) - L(x_i0 b)],   g = mean_i [l(x_i1 b) x_i1 - l(x_i0 b) x_i0]
    SE  = sqrt(g' V g),   z-test and normal interval (as statsmodels' get_margeff)

with ``L`` the logistic function, ``l = L (1 - L)``, and ``x_i1``/``x_i0`` the row with ``d`` set
to 1/0. The test suite checks HC0 against statsmodels and HC1 against its own sandwich.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

#: the covariance estimator of every region model (OLS: statsmodels' HC1, which it does apply)
COV_TYPE = "HC1"


def logistic(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-z))


def sandwich(
    exog: np.ndarray, endog: np.ndarray, params: np.ndarray, kind: str = COV_TYPE
) -> np.ndarray:
    """The HC0 or HC1 covariance of a (fractional) logit's ``params``."""
    if kind not in ("HC0", "HC1"):
        raise ValueError(f"kind must be HC0 or HC1, got {kind!r}")
    x = np.asarray(exog, float)
    mu = logistic(x @ params)
    bread = np.linalg.inv(x.T @ (x * (mu * (1 - mu))[:, None]))
    scores = x * (np.asarray(endog, float) - mu)[:, None]
    cov = bread @ (scores.T @ scores) @ bread
    n, k = x.shape
    return cov * n / (n - k) if kind == "HC1" else cov


@dataclass(frozen=True)
class MarginalEffect:
    """An average marginal effect on the 0-1 scale with its delta-method inference."""

    effect: float
    se: float
    ci_low: float
    ci_high: float
    pvalue: float


def dummy_effect(
    exog: np.ndarray, params: np.ndarray, cov: np.ndarray, column: int, level: float = 0.95
) -> MarginalEffect:
    """The average marginal effect of the 0/1 column ``column`` of ``exog`` (see the module
    docstring), with a normal interval at ``level`` and a two-sided z-test p-value."""
    from scipy import stats  # noqa: PLC0415

    x = np.asarray(exog, float)
    x1, x0 = x.copy(), x.copy()
    x1[:, column], x0[:, column] = 1.0, 0.0
    p1, p0 = logistic(x1 @ params), logistic(x0 @ params)
    effect = float(np.mean(p1 - p0))
    gradient = ((p1 * (1 - p1))[:, None] * x1 - (p0 * (1 - p0))[:, None] * x0).mean(axis=0)
    se = float(math.sqrt(gradient @ cov @ gradient))
    z = stats.norm.ppf(0.5 + level / 2)
    pvalue = float(2 * stats.norm.sf(abs(effect / se))) if se > 0 else math.nan
    return MarginalEffect(effect, se, effect - z * se, effect + z * se, pvalue)


def coefficient_pvalues(params: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """Two-sided z-test p-values of ``params`` under ``cov``."""
    from scipy import stats  # noqa: PLC0415

    se = np.sqrt(np.diag(cov))
    return 2 * stats.norm.sf(np.abs(params / se))
