"""What a population-weighted mean rests on: how many countries it effectively averages, how much
the largest one weighs, and, for bounded indicators, how far the missing members could move it.

- **Kish effective number of countries**: ``(sum w)^2 / sum w^2`` over the countries in the
  weighted mean (``w`` = population): equal weights give the number of countries, one dominant
  country gives about 1;
- **largest weight**: the country with the most population among them and its share of the
  weight;
- **sensitivity bounds** (bounded indicators only): the weighted mean recomputed as if every
  member without a value (but with a population figure) were at the indicator's lower bound,
  then at its upper bound. A labelled sensitivity range, never an estimate: no missing value is
  filled in anywhere else.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class WeightBasis:
    """The weights behind one group's population-weighted mean in one year."""

    n_countries: int  # countries in the weighted mean (value and population)
    n_effective: float  # Kish effective number of countries
    largest_iso3: str
    largest_share: float  # share (0-1) of the weight held by the largest country
    population_weighted: float  # population of the countries in the weighted mean
    population_missing: float  # population of the members without a value
    bound_low: float | None = None  # weighted mean with every missing member at the lower bound
    bound_high: float | None = None  # ... at the upper bound (None: not a bounded indicator)


def kish(weights: pd.Series | np.ndarray) -> float:
    """Kish's effective sample size of ``weights``: ``(sum w)^2 / sum w^2``."""
    total = float(weights.sum())
    squares = float((weights.astype(float) ** 2).sum())
    return total * total / squares if squares > 0 else math.nan


def weight_basis(
    rows: pd.DataFrame, bounds: tuple[float, float] | None = None
) -> WeightBasis | None:
    """The :class:`WeightBasis` of one group-year from :meth:`Panel.rows` (None when no member
    has both a value and a population figure). ``bounds``: the indicator's (low, high) when it is
    bounded; members without a value but with a population figure count as "missing"."""
    value = rows["value"].to_numpy(float, na_value=np.nan)
    population = rows["population"].to_numpy(float, na_value=np.nan)
    has_value, has_pop = ~np.isnan(value), ~np.isnan(population)
    used = has_value & has_pop
    weights, values = population[used], value[used]
    if not len(weights) or float(weights.sum()) <= 0:
        return None
    total = float(weights.sum())
    at = int(np.argmax(weights))  # the first of the largest, as pandas' idxmax
    largest_iso3, largest_pop = rows["iso3"].to_numpy(object)[used][at], weights[at]
    missing = float(population[~has_value & has_pop].sum())
    low = high = None
    if bounds is not None:
        weighted_sum = float((values * weights).sum())
        low = (weighted_sum + missing * bounds[0]) / (total + missing)
        high = (weighted_sum + missing * bounds[1]) / (total + missing)
    return WeightBasis(
        n_countries=len(weights),
        n_effective=kish(weights),
        largest_iso3=str(largest_iso3),
        largest_share=float(largest_pop) / total,
        population_weighted=total,
        population_missing=missing,
        bound_low=low,
        bound_high=high,
    )
