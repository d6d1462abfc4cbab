"""Region effect models with and without a control (log GDP per capita PPP), robust HC1 errors:

- bounded indicators: fractional logit (Papke-Wooldridge), statsmodels GLM Binomial with a logit
  link on the value rescaled to 0-1 for the coefficients; the HC1 sandwich and the average
  marginal effect of the dummy with its delta-method interval are computed in
  :mod:`compare.stats.sandwich` (statsmodels' GLM applies no HC1 correction); the effect is
  given in the indicator's own unit (percentage points for a percentage, index points for a 0-1
  index, points for a 0-100 score);
- other indicators: OLS of the value (statsmodels, which applies HC1); the region effect is the
  dummy coefficient, in the indicator's unit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from compare.stats.sandwich import COV_TYPE, coefficient_pvalues, dummy_effect, sandwich
from compare.text.i18n import _, t

#: divide values in these units by this to get a 0-1 share
TO_SHARE = {"percent": 100.0, "score_0_100": 100.0, "index_0_1": 1.0}


def share_divisor(unit: str) -> float | None:
    """What to divide a bounded indicator by to get 0-1 (None: unit not handled)."""
    return TO_SHARE.get(unit)


def fit(frame: pd.DataFrame, regressors: list[str]) -> Any:
    """GLM Binomial(logit) of ``y`` on a constant and ``regressors`` (the point estimates; the
    covariance is :func:`compare.stats.sandwich.sandwich`)."""
    import warnings  # noqa: PLC0415

    import statsmodels.api as sm  # noqa: PLC0415

    exog = sm.add_constant(frame[regressors].astype(float), has_constant="add")
    model = sm.GLM(frame["y"].astype(float), exog, family=sm.families.Binomial())
    with warnings.catch_warnings():
        # fractional outcomes are legitimate in a quasi-likelihood Binomial GLM
        warnings.filterwarnings("ignore", message=".*non-integer.*")
        return model.fit()


def region_effect(
    frame: pd.DataFrame, regressors: list[str], level: float = 0.95, divisor: float = 100.0
) -> dict:
    """Average marginal effect of the ``dummy`` column (0 -> 1, averaged over the sample) with
    its delta-method CI and p-value under HC1 errors, in the indicator's unit (the 0-1 effect
    times ``divisor``, the number values were divided by to make shares)."""
    return _kept(
        ("glm", tuple(regressors), level, divisor),
        frame[["y", *regressors]],
        lambda: _region_effect(frame, regressors, level, divisor),
    )


def _region_effect(
    frame: pd.DataFrame, regressors: list[str], level: float, divisor: float
) -> dict:
    result = fit(frame, regressors)
    exog = np.asarray(result.model.exog, float)
    params = np.asarray(result.params, float)
    cov = sandwich(exog, np.asarray(result.model.endog, float), params, COV_TYPE)
    k = list(result.params.index).index("dummy")
    ame = dummy_effect(exog, params, cov, k, level)
    return {
        "n": int(result.nobs),
        "effect": ame.effect * divisor,
        "ci_low": ame.ci_low * divisor,
        "ci_high": ame.ci_high * divisor,
        "se": ame.se * divisor,
        "pvalue": ame.pvalue,
        "effect_share": ame.effect,
        "cov_type": COV_TYPE,
        "coef_dummy": float(params[k]),
        "pvalue_coef_dummy": float(coefficient_pvalues(params, cov)[k]),
        "coefficients": {name: float(v) for name, v in result.params.items()},
    }


def ols_effect(frame: pd.DataFrame, regressors: list[str], level: float = 0.95) -> dict:
    """OLS of ``value`` on a constant and ``regressors`` (robust errors): the ``dummy``
    coefficient is the region effect in the indicator's unit."""
    return _kept(
        ("ols", tuple(regressors), level),
        frame[["value", *regressors]],
        lambda: _ols_effect(frame, regressors, level),
    )


def _ols_effect(frame: pd.DataFrame, regressors: list[str], level: float) -> dict:
    import statsmodels.api as sm  # noqa: PLC0415

    exog = sm.add_constant(frame[regressors].astype(float), has_constant="add")
    result = sm.OLS(frame["value"].astype(float), exog).fit(cov_type=COV_TYPE)
    low, high = result.conf_int(alpha=1 - level).loc["dummy"]
    return {
        "cov_type": COV_TYPE,
        "n": int(result.nobs),
        "effect": float(result.params["dummy"]),
        "ci_low": float(low),
        "ci_high": float(high),
        "se": float(result.bse["dummy"]),
        "pvalue": float(result.pvalues["dummy"]),
        "coefficients": {name: float(v) for name, v in result.params.items()},
    }


#: Fitted effects kept in this process, by model and the exact data fitted (a report's
#: languages, run one after another in one kernel, fit the same models on the same data).
_FITTED: dict[tuple, dict] = {}
_FITTED_MAX = 256


def _kept(model: tuple, data: pd.DataFrame, compute: Callable[[], dict]) -> dict:
    """``compute()``, or a copy of what it returned for the same ``model`` and ``data``."""
    array = data.to_numpy(float, na_value=np.nan)
    key = (model, array.shape, array.tobytes())
    if key not in _FITTED:
        if len(_FITTED) >= _FITTED_MAX:
            _FITTED.clear()
        _FITTED[key] = compute()
    found = _FITTED[key]
    return {**found, "coefficients": dict(found["coefficients"])}


def control_values(
    control: pd.DataFrame, iso3: list[str], year: int, max_lag: int
) -> tuple[pd.Series, pd.Series]:
    """Control value and the year it comes from for each country: ``year`` itself, or with
    ``max_lag > 0`` the latest year in ``[year - max_lag, year]``; missing stays missing."""
    rows = control[
        control["iso3"].isin(iso3) & control["year"].between(year - max_lag, year)
    ].sort_values("year")
    latest = rows.dropna(subset=["value"]).groupby("iso3").tail(1).set_index("iso3")
    return latest["value"].reindex(iso3), latest["year"].reindex(iso3)


def fractional_logit(
    values: pd.DataFrame,
    group_a: str,
    unit: str,
    *,
    control: pd.DataFrame | None,
    control_name: str | None,
    year: int,
    control_max_lag: int = 0,
    level: float = 0.95,
    min_countries: int = 3,
) -> dict:
    """Fractional logit of the value (rescaled to 0-1) on a dummy (1 = ``group_a``), without and
    with ``log(control)``. ``values`` has iso3, group, value; ``control`` has iso3, year, value."""
    divisor = share_divisor(unit)
    if divisor is None:
        raise ValueError(f"no 0-1 rescaling for unit {unit!r}")
    frame = _frame(values, group_a)
    frame["y"] = frame["value"] / divisor
    header = {
        "model": t(
            "fractional logit (GLM Binomial, logit link), robust {cov_type} errors",
            cov_type=COV_TYPE,
        ),
        "outcome": "value / 100" if divisor == 100 else "value (already 0-1)",
        "dummy": f"1 = {group_a}",
        "effect": "average marginal effect of the dummy (0 -> 1), in the indicator's unit",
        "unit": unit,
    }

    def effect(sample: pd.DataFrame, regressors: list[str], level: float) -> dict:
        return region_effect(sample, regressors, level, divisor)

    return _both(
        frame, effect, header, control, control_name, year, control_max_lag, level,
        min_countries,
    )  # fmt: skip


def linear_model(
    values: pd.DataFrame,
    group_a: str,
    *,
    control: pd.DataFrame | None,
    control_name: str | None,
    year: int,
    control_max_lag: int = 0,
    level: float = 0.95,
    min_countries: int = 3,
) -> dict:
    """OLS of the value on a dummy (1 = ``group_a``), without and with ``log(control)``."""
    header = {
        "model": t("linear model (OLS), robust {cov_type} errors", cov_type=COV_TYPE),
        "outcome": "value (the indicator's unit)",
        "dummy": f"1 = {group_a}",
        "effect": "coefficient of the dummy, in the indicator's unit",
    }
    frame = _frame(values, group_a)
    return _both(
        frame, ols_effect, header, control, control_name, year, control_max_lag, level,
        min_countries,
    )  # fmt: skip


def _frame(values: pd.DataFrame, group_a: str) -> pd.DataFrame:
    frame = values[["iso3", "group", "value"]].copy()
    frame["dummy"] = (frame["group"] == group_a).astype(float)
    return frame


def _both(  # noqa: PLR0917
    frame: pd.DataFrame,
    effect: Callable[[pd.DataFrame, list[str], float], dict],
    header: dict[str, Any],
    control: pd.DataFrame | None,
    control_name: str | None,
    year: int,
    max_lag: int,
    level: float,
    min_countries: int = 3,
) -> dict:
    """The region-only model, then the model with log(control) on countries that have it
    (when each group keeps at least ``min_countries`` of them)."""
    out: dict[str, Any] = {
        **header,
        "level": level,
        "unadjusted": effect(frame, ["dummy"], level),
        "adjusted": None,
        "control": control_name,
        "adjusted_note": "",
    }
    if control_name is None or control is None:
        out["adjusted_note"] = _("no control requested")
        return out
    value, used_year = control_values(control, list(frame["iso3"]), year, max_lag)
    frame = frame.assign(control=value.to_numpy(), control_year=used_year.to_numpy())
    positive = frame["control"] > 0
    dropped = sorted(frame.loc[~positive, "iso3"])
    sample = frame[positive].copy()
    window = f"{year}" if max_lag == 0 else f"{year - max_lag}-{year}"
    per_group = sample.groupby("dummy").size()
    if len(per_group) < 2 or per_group.min() < min_countries:
        out["adjusted_note"] = t(
            "{control} ({window}) available for {n} of {total} countries: too few in a group "
            "for the controlled model (at least {min} needed; no other year borrowed)",
            control=control_name, window=window, n=len(sample), total=len(frame),
            min=min_countries,
        )  # fmt: skip
        out["dropped_no_control"] = dropped
        return out
    sample["log_control"] = np.log(sample["control"])
    adjusted = effect(sample, ["dummy", "log_control"], level)
    years_used = sorted({int(y) for y in sample["control_year"]})
    earlier = sample[sample["control_year"] != year]
    borrowed = {
        str(i): int(y) for i, y in zip(earlier["iso3"], earlier["control_year"], strict=True)
    }
    adjusted.update(
        control=f"log {control_name}",
        control_years=years_used,
        control_earlier_year=borrowed,
        dropped_no_control=dropped,
    )
    if dropped:  # the region-only model on the same countries, to separate sample from control
        adjusted["unadjusted_same_sample"] = effect(sample, ["dummy"], level)
    out["adjusted"] = adjusted
    out["adjusted_note"] = (
        t("log {control} of {years}", control=control_name, years=", ".join(map(str, years_used)))
        + (
            _("; from an earlier year: ") + ", ".join(f"{i} {y}" for i, y in borrowed.items())
            if borrowed
            else ""
        )
        + (
            t("; without a value in {window}: {codes} (dropped)", window=window,
              codes=", ".join(dropped))
            if dropped
            else ""
        )
    )  # fmt: skip
    return out
