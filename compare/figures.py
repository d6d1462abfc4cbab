"""Plotly figures of the comparison, each carrying its own caption (sources, licences, years).

``import compare.figures as cf``::

    cf.choropleth("internet_users_pct", 2022)       # Europe and LAC panels, one colour scale
    cf.distribution("egdi", 2022)                   # strip + box per region, both means marked
    cf.trend("internet_users_pct", range(2000, 2024))  # regional means, 95% CI, coverage
    cf.scatter("internet_users_pct", "egdi", 2022)  # coloured by region, OLS line per region
    cf.dumbbell("internet_users_female_pct", "internet_users_male_pct")
    cf.coverage_heatmap()                           # indicator x country: where data exist
    cf.claims_vs_data(compare.evidence.claims_vs_data())
    cf.export({"map": fig}, "docs/img")             # PNG via kaleido and Chromium, in one batch

Every figure has the caption as an annotation under the plot and in ``fig.layout.meta
["caption"]``; ``fig.layout.meta`` also records the indicators, years and source ids. Maps are
drawn from Natural Earth polygons as filled traces (:mod:`compare.maps`): no figure needs the
network to draw, in a browser or in a static export.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compare import theme
from compare.config import DEFAULT_CLASSIFICATION, DEFAULT_GROUPS
from compare.errors import CompareError, ParameterError
from compare.theme import REGION_COLOURS, apply_theme, caption_text

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

__all__ = [
    "REGION_COLOURS",
    "apply_theme",
    "caption_text",
    "choropleth",
    "claims_vs_data",
    "coverage_heatmap",
    "distribution",
    "dumbbell",
    "export",
    "scatter",
    "trend",
]

WIDTH, HEIGHT = 1000, 600
GEOMETRY_CREDIT = (
    "Geometry: Natural Earth admin-0 1:110m (public domain); French Guiana is cut from France's "
    "polygon and shown as GUF in the LAC panel; members too small for 1:110m are shown as tiles."
)
POPULATION = "population"
EXPORT_FORMATS = ("png", "svg", "pdf", "jpeg", "webp")


# --- shared helpers ----------------------------------------------------------------------------


def _catalog() -> Any:
    from compare.catalog import load_catalog  # noqa: PLC0415

    return load_catalog()


def _groups(groups: Sequence[str]) -> tuple[str, ...]:
    from compare import regions  # noqa: PLC0415

    chosen = tuple(groups)
    valid = regions.groups(DEFAULT_CLASSIFICATION)
    unknown = [g for g in chosen if g not in valid]
    if not chosen or unknown:
        raise ParameterError(
            f"unknown group(s) {', '.join(map(repr, unknown)) or '(none given)'}; valid groups: "
            + ", ".join(valid)
        )
    return chosen


def _colour(group: str, order: int) -> str:
    return theme.region_colour(group, order)


def _load(indicators: str | list[str], home: Any, **kwargs: Any) -> pd.DataFrame:
    from compare.data import load  # noqa: PLC0415

    return load(indicators, home=home, **kwargs)


def _resolve_year(
    indicator: str, year: int | None, groups: tuple[str, ...], home: Any
) -> tuple[int, str]:
    """The year asked for (checked: some member of a group has data), else the statistics
    module's latest common year of the two groups (one group: its latest year), with the
    reason."""
    if year is None and len(groups) == 2:
        from compare.stats import latest_common_year  # noqa: PLC0415

        found, note = latest_common_year(indicator, groups=groups, home=home)
        return int(found), note
    frame = _load(indicator, home, groups=list(groups))
    available = sorted({int(y) for y in frame.loc[frame["value"].notna(), "year"]})
    if year is None:  # one group: its latest year with a value
        if not available:
            raise ParameterError(f"no {indicator} values for {', '.join(groups)}")
        return available[-1], f"{available[-1]}: the latest year with a value for {groups[0]}"
    if int(year) not in available:
        raise ParameterError(
            f"no {indicator} values for {', '.join(groups)} in {year}; years with data: "
            + theme.years_text(available)
        )
    return int(year), f"{year} as requested"


def _new(width: int = WIDTH, height: int = HEIGHT, **subplots: Any) -> go.Figure:
    import plotly.graph_objects as go  # noqa: PLC0415
    from plotly.subplots import make_subplots  # noqa: PLC0415

    fig = make_subplots(**subplots) if subplots else go.Figure()
    return apply_theme(fig, width=width, height=height)


def _finish(
    fig: go.Figure,
    *,
    kind: str,
    indicators: list[str],
    years: Iterable[int] | int | None,
    title: str,
    extra: str | None = None,
    caption: str | None = None,
    meta: Mapping[str, Any] | None = None,
) -> go.Figure:
    """Title, caption (annotation + ``layout.meta``) and the provenance record."""
    catalog = _catalog()
    text = caption or caption_text(indicators, years, extra=extra)
    year_list = [years] if isinstance(years, int) else sorted({int(y) for y in years or []})
    sources = sorted({catalog.indicator(i).source for i in indicators})
    width = int(fig.layout.width or WIDTH)
    heading = theme.title_text(title, width - 40)
    top = 30 + 24 * (heading.count("<br>") + 1)
    if fig.layout.legend.y is None or fig.layout.legend.y >= 1:
        top += 22 * theme.legend_rows(fig)
    fig.update_layout(title={"text": heading}, margin={"t": max(top, 60)})
    return theme.add_caption(
        fig,
        text,
        {
            "kind": kind,
            "indicators": list(indicators),
            "years": year_list,
            "sources": sources,
            "licences": {s: catalog.source(s).licence for s in sources},
            **(meta or {}),
        },
    )


def _hover_row(name: str, iso3: str, value: str, year: Any, source: str) -> str:
    return f"<b>{name}</b> ({iso3})<br>{value}<br>Year: {year}<br>Source: {source}"


# --- maps --------------------------------------------------------------------------------------


def choropleth(
    indicator: str,
    year: int | None = None,
    groups: Sequence[str] = DEFAULT_GROUPS,
    home: Any = None,
) -> go.Figure:
    """Europe and LAC maps of one indicator-year with one shared colour scale.

    Members without a value are grey and hatched ("No data"), members too small for 1:110m are
    tiles under their panel, countries outside the groups are light grey and silent.
    """
    from compare import maps, regions  # noqa: PLC0415

    info = _catalog().indicator(indicator)
    chosen = _groups(groups)
    year, year_note = _resolve_year(indicator, year, chosen, home)
    frame = _load(indicator, home, years=year, groups=list(chosen))
    members = {g: regions.members(g, DEFAULT_CLASSIFICATION, year) for g in chosen}
    fig = maps.map_figure(
        frame,
        groups=chosen,
        members=members,
        unit=info.unit,
        label=info.title,
        year=year,
        home=home,
        width=WIDTH,
        height=640,
    )
    with_data = {g: int(frame.loc[frame["region"] == g, "value"].notna().sum()) for g in chosen}
    extra = (
        GEOMETRY_CREDIT
        + " "
        + "; ".join(f"{g}: {with_data[g]} of {len(members[g])} members with data" for g in chosen)
        + "."
    )
    return _finish(
        fig,
        kind="choropleth",
        indicators=[indicator],
        years=year,
        title=f"{info.title}, {year}",
        extra=extra,
        meta={
            "year_note": year_note,
            "groups": list(chosen),
            "geometry": maps.GEOMETRY_SOURCE,
            "members_with_data": with_data,
            "members": {g: len(m) for g, m in members.items()},
        },
    )


# --- distributions -----------------------------------------------------------------------------


def distribution(
    indicator: str,
    year: int | None = None,
    groups: Sequence[str] = DEFAULT_GROUPS,
    home: Any = None,
) -> go.Figure:
    """Strip + box per region with the unweighted and population-weighted means marked
    (from :func:`compare.stats.compare_regions`); a withheld weighted mean is said, not drawn."""
    import plotly.graph_objects as go  # noqa: PLC0415

    from compare.stats import compare_regions  # noqa: PLC0415

    info = _catalog().indicator(indicator)
    chosen = _groups(groups)
    comparison = compare_regions(indicator, year, groups=tuple(chosen), home=home)
    values = comparison.values
    fig = _new()
    fmt = theme.hover_format(info.unit, "x")
    notes = []
    for order, group in enumerate(comparison.groups):
        rows = values[values["region"] == group]
        stats = comparison.per_group[group]
        colour = _colour(group, order)
        label = f"{group}<br><sup>n = {stats.n_with_data} of {stats.n_with_data + stats.n_without}</sup>"  # noqa: E501
        fig.add_trace(
            go.Box(
                x=rows["value"],
                y=[label] * len(rows),
                name=group,
                orientation="h",
                boxpoints="all",
                jitter=0.6,
                pointpos=0,
                marker={"color": colour, "size": 6, "opacity": 0.75},
                line={"color": colour, "width": 1.4},
                fillcolor="rgba(0,0,0,0)",
                boxmean=False,
                legendgroup=group,
                customdata=rows[["country", "iso3", "year", "source_id"]].to_numpy(),
                hovertemplate=f"<b>%{{customdata[0]}}</b> (%{{customdata[1]}})<br>{fmt}"
                "<br>Year: %{customdata[2]}<br>Source: %{customdata[3]}<extra></extra>",
                meta={"role": "countries", "group": group},
                legendrank=order + 1,
            )
        )
        fig.add_trace(
            go.Scatter(
                x=[stats.mean],
                y=[label],
                mode="markers",
                name="Unweighted mean",
                legendrank=10,
                marker={
                    "symbol": "diamond",
                    "size": 14,
                    "color": "white",
                    "line": {"color": "#000000", "width": 2},
                },
                legendgroup="mean",
                showlegend=order == 0,
                hovertemplate=f"Unweighted mean ({group}): {fmt}<extra></extra>",
                meta={"role": "mean", "group": group},
            )
        )
        if stats.weighted_mean is not None:
            fig.add_trace(
                go.Scatter(
                    x=[stats.weighted_mean],
                    y=[label],
                    mode="markers",
                    name="Population-weighted mean",
                    legendrank=11,
                    marker={
                        "symbol": "x-thin",
                        "size": 16,
                        "color": "#000000",
                        "line": {"color": "#000000", "width": 3},
                    },
                    legendgroup="weighted",
                    showlegend=True,
                    hovertemplate=f"Population-weighted mean ({group}): {fmt}<extra></extra>",
                    meta={"role": "weighted_mean", "group": group},
                )
            )
        else:
            notes.append(f"{group}: weighted mean withheld ({stats.weighted_withheld_reason})")
    _dedupe_legend(fig)
    fig.update_xaxes(title={"text": theme.unit_title(info.unit)}, **theme.axis_format(info.unit))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(showlegend=True, boxgap=0.35)
    indicators = [indicator, POPULATION]
    extra = f"Weights: population ({comparison.year}). {comparison.year_note}."
    if notes:
        extra += " " + "; ".join(notes) + "."
    return _finish(
        fig,
        kind="distribution",
        indicators=indicators,
        years=comparison.year,
        title=f"{info.title}, {comparison.year}",
        extra=extra,
        meta={
            "year_note": comparison.year_note,
            "groups": list(comparison.groups),
            "verdict": comparison.verdict,
        },
    )


def _dedupe_legend(fig: go.Figure) -> None:
    """Show each legend name once."""
    seen: set[str] = set()
    for trace in fig.data:
        if trace.showlegend is False:
            continue
        if trace.name in seen:
            trace.showlegend = False
        seen.add(trace.name)


# --- trends ------------------------------------------------------------------------------------


def _rgba(colour: str, alpha: float) -> str:
    colour = colour.lstrip("#")
    r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def trend(
    indicator: str,
    years: Iterable[int] | None = None,
    groups: Sequence[str] = DEFAULT_GROUPS,
    home: Any = None,
    *,
    threshold: float = 2 / 3,
) -> go.Figure:
    """Regional means over time with 95% bootstrap bands (:func:`compare.stats.regional_means`),
    population-weighted means where coverage allows, and a lower panel of coverage."""
    import plotly.graph_objects as go  # noqa: PLC0415

    from compare.stats import regional_means  # noqa: PLC0415

    info = _catalog().indicator(indicator)
    chosen = _groups(groups)
    means = regional_means(indicator, years, groups=tuple(chosen), threshold=threshold, home=home)
    if means.empty:
        raise ParameterError(f"no {indicator} values for {', '.join(chosen)} in the years asked")
    fig = _new(rows=2, cols=1, shared_xaxes=True, row_heights=[0.74, 0.26], vertical_spacing=0.06)
    fmt = theme.hover_format(info.unit, "y")
    used_years = sorted({int(y) for y in means.loc[means["n"] > 0, "year"]})
    for order, group in enumerate(chosen):
        rows = means[means["group"] == group].sort_values("year")
        colour = _colour(group, order)
        x = [int(y) for y in rows["year"]]
        fig.add_trace(
            go.Scatter(
                x=x + x[::-1],
                y=list(rows["mean_ci_high"]) + list(rows["mean_ci_low"])[::-1],
                fill="toself",
                fillcolor=_rgba(colour, 0.18),
                line={"width": 0},
                hoverinfo="skip",
                name=f"{group}: 95% CI",
                legendgroup=group,
                showlegend=False,
                meta={"role": "ci", "group": group},
            ),
            row=1,
            col=1,
        )
        low_cover = [not c >= threshold for c in rows["coverage_pop"].astype(float)]
        fig.add_trace(
            go.Scatter(
                x=x,
                y=rows["mean"],
                mode="lines+markers",
                name=f"{group}: mean",
                line={"color": colour, "width": 2.4},
                legendgroup=group,
                marker={
                    "size": [8 if low else 5 for low in low_cover],
                    "symbol": ["circle-open" if low else "circle" for low in low_cover],
                },
                customdata=rows[["n", "n_members", "mean_ci_low", "mean_ci_high"]].to_numpy(),
                hovertemplate=f"{group} %{{x}}<br>Unweighted mean: {fmt}<br>95% CI: "
                + theme.hover_format(info.unit, "customdata[2]")
                + " to "
                + theme.hover_format(info.unit, "customdata[3]")
                + "<br>Countries: %{customdata[0]} of %{customdata[1]}<extra></extra>",
                meta={"role": "mean", "group": group},
            ),
            row=1,
            col=1,
        )
        weighted = rows[~rows["weighted_withheld"].astype(bool)]
        if len(weighted):
            wx = [int(y) for y in rows["year"]]
            wy = [
                v if not w else None
                for v, w in zip(
                    rows["weighted_mean"], rows["weighted_withheld"].astype(bool), strict=True
                )
            ]
            fig.add_trace(
                go.Scatter(
                    x=wx,
                    y=wy,
                    mode="lines",
                    name=f"{group}: population-weighted",
                    line={"color": colour, "width": 1.6, "dash": "dash"},
                    legendgroup=group,
                    hovertemplate=f"{group} %{{x}}<br>Population-weighted mean: {fmt}"
                    "<extra></extra>",
                    meta={"role": "weighted_mean", "group": group},
                ),
                row=1,
                col=1,
            )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=rows["coverage_pop"],
                mode="lines+markers",
                name=f"{group}: coverage",
                line={"color": colour, "width": 1.4},
                marker={"size": 4},
                showlegend=False,
                legendgroup=group,
                customdata=rows[["n", "n_members", "coverage_pop"]].to_numpy(),
                hovertemplate=f"{group} %{{x}}<br>Population covered: %{{y:.0%}}<br>"
                "%{customdata[0]} of %{customdata[1]} members with data<extra></extra>",
                meta={"role": "coverage", "group": group},
            ),
            row=2,
            col=1,
        )
    fig.update_yaxes(
        title={"text": theme.unit_title(info.unit)},
        **theme.axis_format(info.unit),
        row=1,
        col=1,
    )
    fig.add_hline(y=threshold, line={"color": "#777777", "width": 1, "dash": "dot"}, row=2, col=1)
    fig.update_yaxes(
        title={"text": "population<br>covered"}, tickformat=".0%", range=[0, 1.05], row=2, col=1
    )
    fig.update_xaxes(dtick=2 if len(used_years) > 12 else 1, row=2, col=1)
    fig.update_layout(hovermode="x unified")
    extra = (
        "Bands: 95% bootstrap intervals over countries (unweighted mean); open markers: "
        f"years in which the countries with data hold less than {threshold:.0%} of the "
        "group's population; dashed: population-weighted mean, drawn only where that "
        "coverage is reached; lower panel: share of the population covered (dotted: "
        "threshold)."
    )
    return _finish(
        fig,
        kind="trend",
        indicators=[indicator, POPULATION],
        years=used_years,
        title=f"{info.title}: regional means",
        extra=extra,
        meta={"groups": list(chosen)},
    )


# --- cross-family scatter ----------------------------------------------------------------------


def _pairs(x: str, y: str, groups: tuple[str, ...], home: Any) -> pd.DataFrame:
    """Country-years with both values: iso3, country, region, year, x, y, x_source, y_source."""
    frame = _load([x, y], home, groups=list(groups))
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
) -> go.Figure:
    """One point per country (coloured by region) and an OLS line with its 95% band per region.

    ``year=None``: the latest year in which each group has at least 3 countries with both values.
    """
    import numpy as np  # noqa: PLC0415
    import plotly.graph_objects as go  # noqa: PLC0415
    import statsmodels.api as sm  # noqa: PLC0415

    catalog = _catalog()
    xi, yi = catalog.indicator(x_indicator), catalog.indicator(y_indicator)
    chosen = _groups(groups)
    pairs = _pairs(x_indicator, y_indicator, chosen, home)
    if year is None:
        year = _scatter_year(pairs, chosen)
        note = f"{year}: latest year with at least 3 countries with both values in each group"
    else:
        note = f"{year} as requested"
    pairs = pairs[pairs["year"] == int(year)]
    if pairs.empty:
        raise ParameterError(f"no country has both {x_indicator} and {y_indicator} in {year}")
    fig = _new()
    xf, yf = theme.hover_format(xi.unit, "x"), theme.hover_format(yi.unit, "y")
    fits = {}
    for order, group in enumerate(chosen):
        rows = pairs[pairs["region"] == group]
        colour = _colour(group, order)
        fig.add_trace(
            go.Scatter(
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
                hovertemplate=f"<b>%{{customdata[0]}}</b> (%{{customdata[1]}})<br>{xi.title}: "
                f"{xf}<br>{yi.title}: {yf}<br>Year: {year}<extra></extra>",
                meta={"role": "countries", "group": group},
            )
        )
        if len(rows) < 3:
            continue
        model = sm.OLS(rows["y"].to_numpy(float), sm.add_constant(rows["x"].to_numpy(float))).fit()
        grid = np.linspace(rows["x"].min(), rows["x"].max(), 50)
        band = model.get_prediction(sm.add_constant(grid)).summary_frame(alpha=0.05)
        slope, intercept = float(model.params[1]), float(model.params[0])
        fits[group] = {
            "slope": slope,
            "intercept": intercept,
            "r2": float(model.rsquared),
            "n": len(rows),
        }
        fig.add_trace(
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
            )
        )
        fig.add_trace(
            go.Scatter(
                x=grid,
                y=band["mean"],
                mode="lines",
                line={"color": colour, "width": 2},
                name=f"{group}: OLS, slope {slope:.3g}, R² {model.rsquared:.2f}",
                legendgroup=group,
                hovertemplate=f"{group} OLS fit<br>y = {intercept:.4g} + {slope:.4g}·x<br>"
                f"R² = {model.rsquared:.2f}, n = {len(rows)}<extra></extra>",
                meta={"role": "fit", "group": group},
            )
        )
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
    )


# --- gap dumbbells -----------------------------------------------------------------------------


def _country_codes(countries: str | Iterable[str] | None) -> list[str] | None:
    from compare.countries import to_iso3  # noqa: PLC0415

    if countries is None:
        return None
    names = [countries] if isinstance(countries, str) else list(countries)
    codes = to_iso3(names, warn=False)
    unknown = [n for n, c in zip(names, codes, strict=True) if c is None]
    if unknown:
        raise ParameterError(f"unknown country {', '.join(map(repr, unknown))}; use ISO3 or names")
    return list(codes)


def dumbbell(
    indicator_a: str,
    indicator_b: str,
    countries: str | Iterable[str] | None = None,
    home: Any = None,
) -> go.Figure:
    """Per country, ``indicator_a`` (filled dot) and ``indicator_b`` (open dot) joined by a bar,
    both from the latest year in which the country has both; grouped by region.

    ``countries=None``: every member of the two default groups with both values.
    """
    import plotly.graph_objects as go  # noqa: PLC0415

    from compare import regions  # noqa: PLC0415

    catalog = _catalog()
    ia, ib = catalog.indicator(indicator_a), catalog.indicator(indicator_b)
    if ia.unit != ib.unit:
        raise ParameterError(
            f"{indicator_a} ({ia.unit}) and {indicator_b} ({ib.unit}) have different units"
        )
    codes = _country_codes(countries)
    groups = list(DEFAULT_GROUPS)
    frame = _load(
        [indicator_a, indicator_b], home, countries=codes, groups=None if codes else groups
    )
    wide = frame.pivot_table(
        index=["iso3", "country", "year"], columns="indicator", values="value", aggfunc="first"
    ).reset_index()
    for column in (indicator_a, indicator_b):
        if column not in wide:
            wide[column] = float("nan")
    wide = wide.dropna(subset=[indicator_a, indicator_b])
    latest = wide.sort_values("year").groupby("iso3").tail(1).copy()
    latest["region"] = regions.region_of(list(latest["iso3"]), DEFAULT_CLASSIFICATION)
    latest["region"] = latest["region"].fillna("Other")
    latest["gap"] = latest[indicator_b] - latest[indicator_a]
    order_groups = [g for g in [*groups, "Other"] if (latest["region"] == g).any()]
    latest["group_order"] = latest["region"].map({g: i for i, g in enumerate(order_groups)})
    latest = latest.sort_values(["group_order", "gap"], ascending=[True, False])
    if latest.empty:
        raise ParameterError(f"no country has both {indicator_a} and {indicator_b}")
    wanted = codes or sorted(
        {c for g in groups for c in regions.members(g, DEFAULT_CLASSIFICATION)}
    )
    missing = sorted(set(wanted) - set(latest["iso3"]))
    height = max(420, 22 * len(latest) + 220)
    fig = _new(height=height)
    fa, fb = theme.hover_format(ia.unit, "x"), theme.hover_format(ib.unit, "x")
    for order, group in enumerate(order_groups):
        rows = latest[latest["region"] == group]
        colour = _colour(group, order) if group != "Other" else "#777777"
        labels = list(rows["country"])
        line_x: list[float | None] = []
        line_y: list[str | None] = []
        for label, a, b in zip(labels, rows[indicator_a], rows[indicator_b], strict=True):
            line_x += [a, b, None]
            line_y += [label, label, None]
        fig.add_trace(
            go.Scatter(
                x=line_x,
                y=line_y,
                mode="lines",
                hoverinfo="skip",
                line={"color": _rgba(colour, 0.55), "width": 3},
                showlegend=False,
                meta={"role": "bar", "group": group},
            )
        )
        custom = rows[["iso3", "year", "gap"]].to_numpy()
        for indicator, info, symbol, form in (
            (indicator_a, ia, "circle", fa),
            (indicator_b, ib, "circle-open", fb),
        ):
            fig.add_trace(
                go.Scatter(
                    x=rows[indicator],
                    y=labels,
                    mode="markers",
                    name=group,
                    showlegend=indicator == indicator_a,
                    marker={
                        "symbol": symbol,
                        "size": 10,
                        "color": colour,
                        "line": {"color": colour, "width": 2},
                    },
                    customdata=custom,
                    legendgroup=group,
                    hovertemplate=f"<b>%{{y}}</b> (%{{customdata[0]}}), %{{customdata[1]}}<br>"
                    f"{info.title}: {form}<br>Gap (b - a): %{{customdata[2]:.1f}}<extra></extra>",
                    meta={
                        "role": "a" if indicator == indicator_a else "b",
                        "group": group,
                        "iso3": list(rows["iso3"]),
                    },
                )
            )
    for info, symbol in ((ia, "circle"), (ib, "circle-open")):
        fig.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                name=info.title,
                marker={
                    "symbol": symbol,
                    "size": 10,
                    "color": "#555555",
                    "line": {"color": "#555555", "width": 2},
                },
                hoverinfo="skip",
                meta={"role": "key"},
            )
        )
    fig.update_yaxes(
        categoryorder="array",
        categoryarray=list(latest["country"]),
        range=[len(latest) - 0.5, -0.5],
        tickfont={"size": 11},
        showgrid=True,
    )
    fig.update_xaxes(title={"text": theme.unit_title(ia.unit)}, **theme.axis_format(ia.unit))
    fig.update_layout(legend={"font": {"size": 11}})
    years = sorted({int(y) for y in latest["year"]})
    extra = (
        f"Each country's latest year with both values ({theme.years_text(years)}). "
        f"Without both values: {len(missing)} of {len(wanted)} countries asked"
        + (
            f" ({', '.join(missing[:40])}{' ...' if len(missing) > 40 else ''})."
            if missing
            else "."
        )
    )
    return _finish(
        fig,
        kind="dumbbell",
        indicators=[indicator_a, indicator_b],
        years=years,
        title=f"{ia.title} (●) and {ib.title} (○), by country",
        extra=extra,
        meta={"countries": list(latest["iso3"]), "missing": missing},
    )


# --- coverage ----------------------------------------------------------------------------------


def coverage_heatmap(
    indicators: Iterable[str] | None = None,
    countries: str | Iterable[str] | None = None,
    home: Any = None,
) -> go.Figure:
    """Indicator x country: the number of years with a value (blank = none); first and latest
    year on hover.

    Defaults: every catalog indicator, every member of the two default groups (M49).
    """
    import numpy as np  # noqa: PLC0415
    import plotly.graph_objects as go  # noqa: PLC0415

    from compare import regions  # noqa: PLC0415

    catalog = _catalog()
    chosen = list(indicators) if indicators is not None else list(catalog.indicators)
    for indicator in chosen:
        catalog.indicator(indicator)
    codes = _country_codes(countries)
    if codes is None:
        codes = [c for g in DEFAULT_GROUPS for c in regions.members(g, DEFAULT_CLASSIFICATION)]
    region = dict(zip(codes, regions.region_of(codes, DEFAULT_CLASSIFICATION), strict=True))
    codes = sorted(
        dict.fromkeys(codes),
        key=lambda c: (
            list(DEFAULT_GROUPS).index(region[c]) if region[c] in DEFAULT_GROUPS else 9,
            c,
        ),
    )
    frame = _load(chosen, home, countries=codes)
    stats = frame.groupby(["indicator", "iso3"])["year"].agg(["count", "min", "max"])
    n = np.full((len(chosen), len(codes)), np.nan)
    span = np.full((len(chosen), len(codes), 3), np.nan)  # years, first and latest year
    column = {code: j for j, code in enumerate(codes)}
    row = {indicator: i for i, indicator in enumerate(chosen)}
    for (indicator, code), (count, first, last) in stats.iterrows():
        n[row[indicator], column[code]] = count
        span[row[indicator], column[code]] = (count, first, last)
    binned = np.where(np.isnan(n), np.nan, np.digitize(n, YEAR_BINS) - 1)
    ticktext = [
        f"<span style='color:{theme.region_colour(region[c] or '', 5)}'>{c}</span>" for c in codes
    ]
    height = max(420, 13 * len(chosen) + 260)
    width = max(WIDTH, 9 * len(codes) + 300)
    fig = _new(width=width, height=height)
    fig.add_trace(
        go.Heatmap(
            z=binned,
            x=codes,
            y=chosen,
            customdata=span,
            **_year_bins(),
            xgap=1,
            ygap=1,
            hoverongaps=False,
            hovertemplate="%{y} · %{x}<br>%{customdata[0]} year(s): "
            "%{customdata[1]}–%{customdata[2]}"
            "<extra></extra>",
            meta={"role": "coverage"},
        )
    )
    fig.update_xaxes(
        type="category",
        tickmode="array",
        tickvals=codes,
        ticktext=ticktext,
        tickangle=-90,
        tickfont={"size": 8},
        showgrid=False,
    )
    fig.update_yaxes(autorange="reversed", tickfont={"size": 9}, showgrid=False)
    fig.update_layout(plot_bgcolor=theme.CONTEXT_COLOUR)
    boundary = sum(1 for c in codes if region[c] == DEFAULT_GROUPS[0])
    if 0 < boundary < len(codes):
        fig.add_vline(x=boundary - 0.5, line={"color": "#333333", "width": 1.5})
    for order, group in enumerate(DEFAULT_GROUPS):
        members = [j for j, c in enumerate(codes) if region[c] == group]
        if members:
            fig.add_annotation(
                text=f"<b>{group}</b>",
                x=(members[0] + members[-1]) / 2,
                y=1.0,
                xref="x",
                yref="paper",
                yanchor="bottom",
                showarrow=False,
                font={"color": theme.region_colour(group, order)},
            )
    years = sorted({int(y) for y in frame["year"]})
    with_data = int(np.isfinite(n).sum())
    extra = (
        f"Cells: number of years with a value, in bins (blank = no data); {with_data} of {n.size} "
        "indicator-country cells have data."
    )
    return _finish(
        fig,
        kind="coverage_heatmap",
        indicators=chosen,
        years=years,
        title="Where data exist: indicators by country",
        extra=extra,
        meta={"countries": codes, "cells_with_data": with_data, "cells": int(n.size)},
    )


#: Bins of the number of years with data (lower bounds) in the coverage heatmap.
YEAR_BINS = (1, 2, 6, 11, 21)


def _year_bins() -> dict[str, Any]:
    """A stepped colour scale over bin indices 0..len(YEAR_BINS)-1, with its colour bar."""
    import numpy as np  # noqa: PLC0415
    from plotly.colors import get_colorscale, sample_colorscale  # noqa: PLC0415

    size = len(YEAR_BINS)
    colours = sample_colorscale(
        get_colorscale(theme.SEQUENTIAL_SCALE), list(np.linspace(0, 1, size))
    )
    scale = []
    for index, colour in enumerate(colours):
        scale += [[index / size, colour], [(index + 1) / size, colour]]
    labels = [f"{a}" if b - a == 1 else f"{a}–{b - 1}" for a, b in itertools.pairwise(YEAR_BINS)]
    labels.append(f"{YEAR_BINS[-1]}+")
    return {
        "colorscale": scale,
        "zmin": -0.5,
        "zmax": size - 0.5,
        "colorbar": {
            "title": {"text": "years<br>with data"},
            "thickness": 12,
            "tickvals": list(range(size)),
            "ticktext": labels,
        },
    }


# --- claims vs data ----------------------------------------------------------------------------

CLAIM_COLUMNS = ("claim_id", "claim_value", "data_value", "data_year")


def _short(text: str, limit: int = 64) -> str:
    """``text`` cut in the middle to ``limit`` characters (the end often holds a year)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    tail = limit // 3
    return text[: limit - tail - 1].rstrip() + "…" + text[-tail:].lstrip()


def _claims_frame(table: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The table checked, with ``label``, ``unit``, ``data_unit`` and ``comparable`` columns."""
    import pandas as pd  # noqa: PLC0415

    unit_column = "claim_unit" if "claim_unit" in table.columns else "unit"
    missing = [c for c in CLAIM_COLUMNS if c not in table.columns]
    if unit_column not in table.columns:
        missing.append("unit (or claim_unit)")
    if missing:
        raise ParameterError(
            f"claims table lacks column(s) {', '.join(missing)}; expected "
            f"{', '.join(CLAIM_COLUMNS)} and unit (or claim_unit)"
        )
    frame = table.reset_index(drop=True).copy()
    frame["unit"] = frame[unit_column].astype("object").where(frame[unit_column].notna(), "unknown")
    if "label" not in frame:
        frame["label"] = frame["claim_id"]
    if "data_unit" not in frame:
        frame["data_unit"] = frame["unit"]
    frame["data_unit"] = (
        frame["data_unit"].astype("object").where(frame["data_unit"].notna(), frame["unit"])
    )
    for column in ("claim_value", "data_value", "data_ci_low", "data_ci_high"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    has_data = frame["data_value"].notna()
    frame["comparable"] = has_data & (frame["data_unit"] == frame["unit"])
    # the same label twice (one claim, two data years) stays two rows
    frame["row_label"] = [
        f"{_short(label)}" + ("\u200b" * sum(1 for prior in frame["label"][:i] if prior == label))
        for i, label in enumerate(frame["label"])
    ]
    return frame, unit_column


def claims_vs_data(
    table: pd.DataFrame, *, title: str = "Claims in the paper vs the data"
) -> go.Figure:
    """Each claim's quoted value (open diamond) beside the value found in the data (dot, with its
    95% interval when the table has ``data_ci_low``/``data_ci_high``), one panel per unit.

    A data value in another unit than the claim (context only, e.g. an index beside a percent) is
    written next to the claim, not drawn on its axis; a claim without data says "no data".
    ``table``: :func:`compare.evidence.claims_vs_data` (claim_id, claim_value, data_value,
    data_year, ``claim_unit`` or ``unit``; optional label, data_unit, indicator, verdict, note).
    """
    import plotly.graph_objects as go  # noqa: PLC0415

    frame, _ = _claims_frame(table)
    units = list(dict.fromkeys(frame["unit"]))
    counts = [int((frame["unit"] == u).sum()) for u in units]
    height = max(360, 26 * len(frame) + 70 * len(units) + 220)
    fig = _new(
        height=height,
        rows=len(units),
        cols=1,
        row_heights=[c / sum(counts) for c in counts],
        vertical_spacing=min(0.14, 90 / height) if len(units) > 1 else 0.0,
    )
    note = frame["verdict"] if "verdict" in frame else frame["claim_id"]
    longest = max(len(label) for label in frame["row_label"])
    fig.update_layout(margin={"l": min(460, int(longest * 6.3) + 30)})
    for row_number, unit in enumerate(units, start=1):
        rows = frame[frame["unit"] == unit]
        shown = rows[rows["comparable"]]
        vf = theme.hover_format(unit, "x")
        fig.add_trace(
            go.Scatter(
                x=[
                    v
                    for c, d in zip(shown["claim_value"], shown["data_value"], strict=True)
                    for v in (c, d, None)
                ],
                y=[v for label in shown["row_label"] for v in (label, label, None)],
                mode="lines",
                line={"color": "#BBBBBB", "width": 2},
                hoverinfo="skip",
                showlegend=False,
                meta={"role": "bar"},
            ),
            row=row_number,
            col=1,
        )
        fig.add_trace(
            go.Scatter(
                x=rows["claim_value"],
                y=rows["row_label"],
                mode="markers",
                name="Claimed in the paper",
                legendgroup="claim",
                showlegend=row_number == 1,
                marker={
                    "symbol": "diamond-open",
                    "size": 12,
                    "color": "#000000",
                    "line": {"width": 2},
                },
                customdata=list(zip(rows["label"], note[rows.index], strict=True)),
                hovertemplate=f"%{{customdata[0]}}<br>Claimed: {vf}<br>%{{customdata[1]}}"
                "<extra></extra>",
                meta={"role": "claim", "claim_ids": list(rows["claim_id"])},
            ),
            row=row_number,
            col=1,
        )
        if len(shown):
            error: dict[str, Any] = {"visible": False}
            if {"data_ci_low", "data_ci_high"} <= set(shown.columns):
                error = {
                    "type": "data",
                    "symmetric": False,
                    "color": "#0072B2",
                    "width": 4,
                    "array": (shown["data_ci_high"] - shown["data_value"]).tolist(),
                    "arrayminus": (shown["data_value"] - shown["data_ci_low"]).tolist(),
                }
            fig.add_trace(
                go.Scatter(
                    x=shown["data_value"],
                    y=shown["row_label"],
                    mode="markers",
                    name="Found in the data (95% CI)",
                    legendgroup="data",
                    showlegend=True,
                    error_x=error,
                    marker={"size": 11, "color": "#0072B2"},
                    customdata=shown[["label", "data_year"]].astype(str).to_numpy(),
                    hovertemplate=f"%{{customdata[0]}}<br>Data: {vf} (%{{customdata[1]}})"
                    "<extra></extra>",
                    meta={"role": "data", "claim_ids": list(shown["claim_id"])},
                ),
                row=row_number,
                col=1,
            )
        aside = rows[~rows["comparable"]]
        if len(aside):
            texts = [
                "      no data"
                if math.isnan(value)
                else f"      context: {theme.format_value(value, data_unit)} "
                f"({theme.unit_title(data_unit)}), not comparable"
                for value, data_unit in zip(aside["data_value"], aside["data_unit"], strict=True)
            ]
            fig.add_trace(
                go.Scatter(
                    x=aside["claim_value"],
                    y=aside["row_label"],
                    mode="text",
                    text=texts,
                    textposition="middle right",
                    textfont={"color": "#777777", "size": 11},
                    showlegend=False,
                    hoverinfo="skip",
                    meta={"role": "aside", "claim_ids": list(aside["claim_id"])},
                ),
                row=row_number,
                col=1,
            )
        fig.update_yaxes(
            categoryorder="array",
            categoryarray=list(rows["row_label"]),
            range=[len(rows) - 0.5, -0.5],
            tickfont={"size": 11},
            row=row_number,
            col=1,
        )
        values = [*rows["claim_value"], *shown["data_value"]]
        for column in ("data_ci_low", "data_ci_high"):
            if column in shown:
                values += list(shown[column])
        values = [v for v in values if not math.isnan(v)]
        low, high = min(values), max(values)
        span = (high - low) or abs(high) or 1.0
        right = 0.35 if len(aside) else 0.05
        fig.update_xaxes(
            **theme.axis_format(unit),
            title={"text": f"claimed and found ({theme.unit_title(unit)})", "font": {"size": 12}},
            range=[low - 0.05 * span, high + right * span],
            row=row_number,
            col=1,
        )
    _dedupe_legend(fig)
    indicators = list(
        dict.fromkeys(i for i in frame.get("indicator", []) if isinstance(i, str) and i)
    )
    if indicators and any("weighted" in str(s) for s in frame.get("statistic", [])):
        indicators.append(POPULATION)
    years = sorted({int(y) for y in frame["data_year"].dropna()})
    without = int(frame["data_value"].isna().sum())
    claims_note = (
        "Claims: as quoted in the source paper (compare.evidence). "
        f"{without} of {len(frame)} rows have no data value; values in another unit than the "
        "claim are written beside it, not drawn."
    )
    if indicators:
        caption = caption_text(indicators, years, extra=claims_note)
    else:
        caption = f"{claims_note} Data years: {theme.years_text(years)}."
    if table.attrs.get("synthetic"):
        caption = "SYNTHETIC TEST DATA. " + caption
    return _finish(
        fig,
        kind="claims_vs_data",
        indicators=indicators,
        years=years,
        title=title,
        caption=caption,
        meta={
            "claims": list(frame["claim_id"]),
            "without_data": list(frame.loc[frame["data_value"].isna(), "claim_id"]),
            "not_comparable": list(
                frame.loc[frame["data_value"].notna() & ~frame["comparable"], "claim_id"]
            ),
        },
    )


# --- static export -----------------------------------------------------------------------------


def browser_path() -> str:
    """The Chrome/Chromium kaleido will use: ``$BROWSER_PATH`` (kaleido's own setting), else
    chromium, chromium-browser, google-chrome on PATH; a CompareError says how to get one."""
    import os  # noqa: PLC0415
    import shutil  # noqa: PLC0415

    explicit = os.environ.get("BROWSER_PATH")
    if explicit:
        if os.path.isfile(explicit) and os.access(explicit, os.X_OK):
            return explicit
        raise CompareError(
            f"BROWSER_PATH={explicit!r} is not an executable browser; point it at Chrome or "
            "Chromium (e.g. /usr/bin/chromium) or unset it"
        )
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    raise CompareError(
        "static export needs Chrome or Chromium and none was found: install one (Debian/Ubuntu: "
        "`apt-get install chromium`; or `kaleido_get_chrome`) or set BROWSER_PATH to its path; "
        "figures still work as HTML without it"
    )


def _export_bytes(
    specs: list[tuple[dict[str, Any], dict[str, Any]]],
    browser: str,
    timings: list[float] | None = None,
) -> list[bytes]:
    """Render every (figure dict, options) with one Chromium (kaleido), in a worker thread so it
    also works inside a running event loop (Jupyter)."""
    import asyncio  # noqa: PLC0415
    import threading  # noqa: PLC0415
    import time  # noqa: PLC0415

    import kaleido  # noqa: PLC0415

    results: list[Any] = []
    started = time.perf_counter()

    async def render() -> None:
        async with kaleido.Kaleido(n=1, path=browser, mathjax=False) as k:
            for fig, opts in specs:
                results.append(await k.calc_fig(fig, opts=opts))
                if timings is not None:
                    now = time.perf_counter()
                    timings.append(now - (started if not timings else started + sum(timings)))

    failure: list[BaseException] = []

    def run() -> None:
        try:
            asyncio.run(render())
        except BaseException as exc:  # re-raised in the caller's thread
            failure.append(exc)

    worker = threading.Thread(target=run, name="compare-export")
    worker.start()
    worker.join()
    if failure:
        from kaleido.errors import ChromeNotFoundError  # noqa: PLC0415

        if isinstance(failure[0], ChromeNotFoundError):
            raise CompareError(f"static export: no usable browser at {browser}: {failure[0]}")
        raise CompareError(f"static export failed: {failure[0]}") from failure[0]
    return results


def export(
    figures: Mapping[str, go.Figure],
    directory: str | Path,
    formats: Sequence[str] = ("png",),
    *,
    scale: float = 1.0,
    timings: list[float] | None = None,
) -> list[Path]:
    """Write each figure as ``directory/<name>.<format>`` (atomically), all in one Chromium
    session (starting Chromium costs seconds; each further image a fraction of one).

    Size: the figure's ``layout.width``/``height`` (default 1000 x 600). Returns the paths.
    ``timings``, when given, receives the seconds each image took (the first includes starting
    Chromium).
    """
    from compare import atomic  # noqa: PLC0415

    bad = [f for f in formats if f not in EXPORT_FORMATS]
    if bad:
        raise ParameterError(
            f"unknown format(s) {', '.join(bad)}; valid: {', '.join(EXPORT_FORMATS)}"
        )
    for name in figures:
        if not name or "/" in name or name.startswith("."):
            raise ParameterError(f"figure name {name!r} is not a plain file name")
    browser = browser_path()
    target = Path(directory)
    specs, paths = [], []
    for name, fig in figures.items():
        width = int(fig.layout.width or WIDTH)
        height = int(fig.layout.height or HEIGHT)
        for form in formats:
            specs.append(
                (fig.to_dict(), {"format": form, "width": width, "height": height, "scale": scale})
            )
            paths.append(target / f"{name}.{form}")
    if not specs:
        return []
    for path, data in zip(paths, _export_bytes(specs, browser, timings), strict=True):
        if not data:
            raise CompareError(f"static export of {path.name} produced no bytes")
        atomic.write_bytes(path, data)
    return paths
