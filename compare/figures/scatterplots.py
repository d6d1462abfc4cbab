"""Scatter of two indicators across families: countries coloured by region, OLS line per
region."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from compare.config import DEFAULT_CLASSIFICATION, DEFAULT_GROUPS
from compare.errors import ParameterError
from compare.figures import theme
from compare.figures._common import _catalog, _colour, _finish, _groups, _load, _new, _rgba

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go


def _pairs(
    x: str, y: str, groups: tuple[str, ...], home: Any, classification: str = DEFAULT_CLASSIFICATION
) -> pd.DataFrame:
    """Country-years with both values: iso3, country, region, year, x, y, x_source, y_source."""
    frame = _load([x, y], home, groups=list(groups), classification=classification)
    wide = frame.pivot_table(
        index=["iso3", "country", "region", "year"],
        columns="indicator",
        values="value",
        aggfunc="first",
    ).reset_index()
    sources = frame.pivot_table(
        index=["iso3", "year"], columns="indicator", values="source_id", aggfunc="first"
    )
    if x not in wide or y not in wide:
        return wide.iloc[0:0]
    wide = wide.dropna(subset=[x, y])
    wide = wide.join(sources.add_suffix("_source"), on=["iso3", "year"])
    return wide.rename(
        columns={x: "x", y: "y", f"{x}_source": "x_source", f"{y}_source": "y_source"}
    )


def _drawn(indicators: list[str], pairs: pd.DataFrame, year: int, home: Any) -> pd.DataFrame:
    """The rows of the tidy table drawn: both values of each point, in its group (the fitted
    lines are described by the caption and ``layout.meta["fits"]``)."""
    from compare.figures.figure_data import paired_rows  # noqa: PLC0415

    rows = _load(indicators, home, countries=list(pairs["iso3"]), years=year)
    return paired_rows(rows, pairs, pairs.set_index("iso3")["region"])


def _scatter_year(pairs: pd.DataFrame, groups: tuple[str, ...], minimum: int = 3) -> int:
    """The latest year in which every group has ``minimum`` countries with both values."""
    counts = pairs.groupby(["year", "region"]).size().unstack(fill_value=0)
    ok = [
        int(year)
        for year, row in counts.iterrows()
        if all(row.get(g, 0) >= minimum for g in groups)
    ]
    if not ok:
        raise ParameterError(
            f"no year in which each of {', '.join(groups)} has {minimum} countries with both values"
        )
    return max(ok)


def scatter(
    x_indicator: str,
    y_indicator: str,
    year: int | None = None,
    groups: Sequence[str] = DEFAULT_GROUPS,
    home: Any = None,
    *,
    classification: str = DEFAULT_CLASSIFICATION,
) -> go.Figure:
    """One point per country (coloured by region) and an OLS line with its 95% band per region.

    ``year=None``: the latest year in which each group has at least 3 countries with both values.
    ``groups`` may be of any classification (``"eu27:EU27"``).
    """
    catalog = _catalog()
    xi, yi = catalog.indicator(x_indicator), catalog.indicator(y_indicator)
    chosen = _groups(groups, classification)
    pairs = _pairs(x_indicator, y_indicator, chosen, home, classification)
    if year is None:
        year = _scatter_year(pairs, chosen)
        note = f"{year}: latest year with at least 3 countries with both values in each group"
    else:
        note = f"{year} as requested"
    pairs = pairs[pairs["year"] == int(year)]
    if pairs.empty:
        raise ParameterError(f"no country has both {x_indicator} and {y_indicator} in {year}")
    fig = _new()
    hovertemplate = (
        f"<b>%{{customdata[0]}}</b> (%{{customdata[1]}})<br>{xi.title}: "
        f"{theme.hover_format(xi.unit, 'x')}<br>{yi.title}: {theme.hover_format(yi.unit, 'y')}"
        f"<br>Year: {year}<extra></extra>"
    )
    fits = {}
    for order, group in enumerate(chosen):
        rows = pairs[pairs["region"] == group]
        colour = _colour(group, order)
        fig.add_trace(_point_trace(rows, group, colour, hovertemplate))
        if len(rows) < 3:
            continue
        fit = _ols(rows)
        fits[group] = fit.summary
        for trace in _fit_traces(fit, group, colour):
            fig.add_trace(trace)
    fig.update_xaxes(title={"text": xi.title}, **theme.axis_format(xi.unit))
    fig.update_yaxes(title={"text": yi.title}, **theme.axis_format(yi.unit))
    return _finish(
        fig,
        kind="scatter",
        indicators=[x_indicator, y_indicator],
        years=int(year),
        title=f"{yi.title} vs {xi.title}, {year}",
        extra="Lines: ordinary least squares per region with 95% confidence band of the mean.",
        meta={"year_note": note, "fits": fits, "groups": list(chosen)},
        data=_drawn([x_indicator, y_indicator], pairs, int(year), home),
    )


def _point_trace(rows: pd.DataFrame, group: str, colour: str, hovertemplate: str) -> go.Scatter:
    """One group's countries."""
    import plotly.graph_objects as go  # noqa: PLC0415

    return go.Scatter(
        x=rows["x"],
        y=rows["y"],
        mode="markers",
        name=f"{group} (n = {len(rows)})",
        marker={
            "color": colour,
            "size": 8,
            "opacity": 0.85,
            "line": {"color": "white", "width": 0.6},
        },
        legendgroup=group,
        customdata=rows[["country", "iso3"]].to_numpy(),
        hovertemplate=hovertemplate,
        meta={"role": "countries", "group": group},
    )


@dataclass(frozen=True)
class _Fit:
    """An OLS fit of y on x: its predicted mean and 95% band over a grid of x."""

    grid: Any
    band: pd.DataFrame
    slope: float
    intercept: float
    r2: float
    n: int

    @property
    def summary(self) -> dict[str, float | int]:
        return {"slope": self.slope, "intercept": self.intercept, "r2": self.r2, "n": self.n}


def _ols(rows: pd.DataFrame) -> _Fit:
    import numpy as np  # noqa: PLC0415
    import statsmodels.api as sm  # noqa: PLC0415

    model = sm.OLS(rows["y"].to_numpy(float), sm.add_constant(rows["x"].to_numpy(float))).fit()
    grid = np.linspace(rows["x"].min(), rows["x"].max(), 50)
    band = model.get_prediction(sm.add_constant(grid)).summary_frame(alpha=0.05)
    return _Fit(
        grid=grid,
        band=band,
        slope=float(model.params[1]),
        intercept=float(model.params[0]),
        r2=float(model.rsquared),
        n=len(rows),
    )


def _fit_traces(fit: _Fit, group: str, colour: str) -> list[go.Scatter]:
    """The 95% band of the fitted mean and the fitted line of one group."""
    import plotly.graph_objects as go  # noqa: PLC0415

    grid, band = fit.grid, fit.band
    return [
        go.Scatter(
            x=list(grid) + list(grid[::-1]),
            y=list(band["mean_ci_upper"]) + list(band["mean_ci_lower"][::-1]),
            fill="toself",
            fillcolor=_rgba(colour, 0.15),
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
            legendgroup=group,
            meta={"role": "fit_band", "group": group},
        ),
        go.Scatter(
            x=grid,
            y=band["mean"],
            mode="lines",
            line={"color": colour, "width": 2},
            name=f"{group}: OLS, slope {fit.slope:.3g}, R² {fit.r2:.2f}",
            legendgroup=group,
            hovertemplate=f"{group} OLS fit<br>y = {fit.intercept:.4g} + {fit.slope:.4g}·x<br>"
            f"R² = {fit.r2:.2f}, n = {fit.n}<extra></extra>",
            meta={"role": "fit", "group": group},
        ),
    ]
