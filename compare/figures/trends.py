"""Trend: regional means over time with bootstrap bands and a coverage panel."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from compare.config import COVERAGE_THRESHOLD, DEFAULT_CLASSIFICATION, DEFAULT_GROUPS, MIN_COUNTRIES
from compare.errors import ParameterError
from compare.figures import theme
from compare.figures._common import POPULATION, _catalog, _colour, _finish, _groups, _new, _rgba
from compare.text.comparisons import group_label, title_label
from compare.text.i18n import _, t
from compare.text.words import years_text

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go


def trend(
    indicator: str,
    years: Iterable[int] | None = None,
    groups: Sequence[str] = DEFAULT_GROUPS,
    home: Any = None,
    *,
    threshold: float = COVERAGE_THRESHOLD,
    classification: str = DEFAULT_CLASSIFICATION,
) -> go.Figure:
    """Regional means over time with 95% bootstrap bands (:func:`compare.stats.regional_means`),
    population-weighted means where coverage allows, and a lower panel of coverage.

    The rule for regional means (:mod:`compare.stats.rule`) decides what is drawn: the solid
    line and its band join only the years whose unweighted mean passes; a thin year (the
    countries with data hold less than ``threshold`` of the population) is an open marker off
    the line, a withheld year (fewer than the minimum countries) is a gap; the dashed weighted
    line is drawn only where it is shown. ``groups`` may be of any classification
    (``"eu27:EU27"``)."""
    from compare.figures.figure_data import trend_rows  # noqa: PLC0415
    from compare.stats import regional_means  # noqa: PLC0415

    info = _catalog().indicator(indicator)
    chosen = _groups(groups, classification)
    means = regional_means(
        indicator, years, groups=tuple(chosen), classification=classification,
        threshold=threshold, home=home,
    )  # fmt: skip
    if means.empty:
        raise ParameterError(f"no {indicator} values for {', '.join(chosen)} in the years asked")
    fig = _new(rows=2, cols=1, shared_xaxes=True, row_heights=[0.74, 0.26], vertical_spacing=0.06)
    used_years = sorted({int(y) for y in means.loc[means["n"] > 0, "year"]})
    for order, group in enumerate(chosen):
        rows = means[means["group"] == group].sort_values("year")
        colour = _colour(group, order)
        for trace in _mean_traces(rows, group, colour, info.unit):
            fig.add_trace(trace, row=1, col=1)
        fig.add_trace(_coverage_trace(rows, group, colour), row=2, col=1)
    _style_axes(fig, info.unit, threshold, used_years)
    return _finish(
        fig,
        kind="trend",
        indicators=[indicator, POPULATION],
        years=used_years,
        title=t("{title}: regional means", title=title_label(info.title)),
        extra=_reading_note(threshold) + _gaps_note(means, indicator),
        meta={"groups": list(chosen), "thin_years": _thin_years(means)},
        data=trend_rows(means, indicator, info.unit),
    )


def _thin_years(means: pd.DataFrame) -> dict[str, list[int]]:
    """Per group, the years whose unweighted mean is thin (drawn off the line)."""
    thin = means[means["mean_thin"].astype(bool)]
    return {str(g): sorted(int(y) for y in rows["year"]) for g, rows in thin.groupby("group")}


def _mean_traces(rows: pd.DataFrame, group: str, colour: str, unit: str) -> list[go.Scatter]:
    """One group's upper-panel traces: the 95% band and the unweighted mean over the years that
    pass the rule, the thin years as open markers, and, where shown, the weighted mean."""
    shown = rows["mean_status"] == "shown"
    traces = [
        _band_trace(rows, shown, group, colour),
        _mean_markers(rows, shown, group, colour, unit),
    ]
    if rows["mean_thin"].astype(bool).any():
        traces.append(_thin_markers(rows[rows["mean_thin"].astype(bool)], group, colour, unit))
    if (~rows["weighted_withheld"].astype(bool)).any():
        traces.append(_weighted_trace(rows, group, colour, unit))
    return traces


def _runs(flags: list[bool]) -> list[list[int]]:
    """Positions of consecutive True entries of ``flags``, run by run."""
    runs: list[list[int]] = []
    for index, flag in enumerate(flags):
        if not flag:
            continue
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _band_trace(rows: pd.DataFrame, shown: pd.Series, group: str, colour: str) -> go.Scatter:
    """The 95% band, one closed shape per run of consecutive years (of the table) that pass."""
    import plotly.graph_objects as go  # noqa: PLC0415

    years = [int(y) for y in rows["year"]]
    low, high = list(rows["mean_ci_low"]), list(rows["mean_ci_high"])
    x: list[int | None] = []
    y: list[float | None] = []
    for run in _runs(list(shown)):
        if x:
            x.append(None)
            y.append(None)
        x += [years[i] for i in run] + [years[i] for i in run[::-1]]
        y += [high[i] for i in run] + [low[i] for i in run[::-1]]
    return go.Scatter(
        x=x,
        y=y,
        fill="toself",
        fillcolor=_rgba(colour, 0.18),
        line={"width": 0},
        hoverinfo="skip",
        name=t("{group}: 95% CI", group=group_label(group)),
        legendgroup=group,
        showlegend=False,
        meta={"role": "ci", "group": group},
    )


def _mean_markers(
    rows: pd.DataFrame, shown: pd.Series, group: str, colour: str, unit: str
) -> go.Scatter:
    """The unweighted mean, a value only in the years that pass (the line breaks elsewhere)."""
    import plotly.graph_objects as go  # noqa: PLC0415

    return go.Scatter(
        x=[int(y) for y in rows["year"]],
        y=[v if ok else None for v, ok in zip(rows["mean"], shown, strict=True)],
        mode="lines+markers",
        name=t("{group}: mean", group=group_label(group)),
        line={"color": colour, "width": 2.4},
        legendgroup=group,
        marker={"size": 5},
        connectgaps=False,
        customdata=rows[["n", "n_members", "mean_ci_low", "mean_ci_high"]].to_numpy(),
        hovertemplate=t(
            "{group} %{{x}}<br>Unweighted mean: {value}<br>95% CI: {low} to {high}<br>Countries: "
            "%{{customdata[0]}} of %{{customdata[1]}}<extra></extra>",
            group=group_label(group),
            value=theme.hover_format(unit, "y"),
            low=theme.hover_format(unit, "customdata[2]"),
            high=theme.hover_format(unit, "customdata[3]"),
        ),
        meta={"role": "mean", "group": group},
    )


def _thin_markers(rows: pd.DataFrame, group: str, colour: str, unit: str) -> go.Scatter:
    """Thin years: the mean of the countries with data as an open marker off the line."""
    import plotly.graph_objects as go  # noqa: PLC0415

    return go.Scatter(
        x=[int(y) for y in rows["year"]],
        y=rows["mean"],
        mode="markers",
        name=t("{group}: thin (not a regional mean)", group=group_label(group)),
        legendgroup=group,
        marker={"size": 10, "symbol": "circle-open", "color": colour, "line": {"width": 2}},
        customdata=rows[["n", "n_members", "coverage_pop"]].to_numpy(),
        hovertemplate=t(
            "{group} %{{x}}: THIN<br>Mean of the countries with data: {value}<br>"
            "%{{customdata[0]}} of %{{customdata[1]}} members, %{{customdata[2]:.1%}} of the "
            "population<extra></extra>",
            group=group_label(group),
            value=theme.hover_format(unit, "y"),
        ),
        meta={"role": "thin_mean", "group": group},
    )


def _weighted_trace(rows: pd.DataFrame, group: str, colour: str, unit: str) -> go.Scatter:
    import plotly.graph_objects as go  # noqa: PLC0415

    withheld = rows["weighted_withheld"].astype(bool)
    return go.Scatter(
        x=[int(y) for y in rows["year"]],
        y=[v if not w else None for v, w in zip(rows["weighted_mean"], withheld, strict=True)],
        mode="lines",
        name=t("{group}: population-weighted", group=group_label(group)),
        line={"color": colour, "width": 1.6, "dash": "dash"},
        legendgroup=group,
        hovertemplate=t(
            "{group} %{{x}}<br>Population-weighted mean: {value}<extra></extra>",
            group=group_label(group),
            value=theme.hover_format(unit, "y"),
        ),
        meta={"role": "weighted_mean", "group": group},
    )


def _coverage_trace(rows: pd.DataFrame, group: str, colour: str) -> go.Scatter:
    """The lower panel: the share of the group's population covered, per year."""
    import plotly.graph_objects as go  # noqa: PLC0415

    return go.Scatter(
        x=[int(y) for y in rows["year"]],
        y=rows["coverage_pop"],
        mode="lines+markers",
        name=t("{group}: coverage", group=group_label(group)),
        line={"color": colour, "width": 1.4},
        marker={"size": 4},
        showlegend=False,
        legendgroup=group,
        customdata=rows[["n", "n_members", "coverage_pop"]].to_numpy(),
        hovertemplate=t(
            "{group} %{{x}}<br>Population covered: %{{y:.0%}}<br>%{{customdata[0]}} of "
            "%{{customdata[1]}} members with data<extra></extra>",
            group=group_label(group),
        ),
        meta={"role": "coverage", "group": group},
    )


def _style_axes(fig: go.Figure, unit: str, threshold: float, used_years: list[int]) -> None:
    """The value axis, the coverage axis with its threshold line, year ticks, unified hover."""
    fig.update_yaxes(
        title={"text": theme.unit_title(unit)},
        **theme.axis_format(unit),
        row=1,
        col=1,
    )
    fig.add_hline(y=threshold, line={"color": "#777777", "width": 1, "dash": "dot"}, row=2, col=1)
    fig.update_yaxes(
        title={"text": _("population<br>covered")},
        tickformat=".0%",
        range=[0, 1.05],
        row=2,
        col=1,
    )
    fig.update_xaxes(dtick=2 if len(used_years) > 12 else 1, row=2, col=1)
    fig.update_layout(hovermode="x unified")


def _reading_note(threshold: float) -> str:
    """How to read the bands, markers and lines."""
    from compare.text.numbers import _percent  # noqa: PLC0415

    return t(
        "Solid line and band: unweighted mean with its 95% bootstrap interval, drawn only for "
        "years in which at least {min} countries with data hold {threshold} or more of the "
        "group's population; open markers off the line: thin years (fewer people covered: the "
        "mean of the countries that reported, not of the group); dashed: population-weighted "
        "mean, drawn only where that coverage is reached; lower panel: share of the population "
        "covered (dotted: threshold).", min=MIN_COUNTRIES, threshold=_percent(threshold, 0),
    )  # fmt: skip


def _gaps_note(means: Any, indicator: str) -> str:
    """What the figure leaves out: unweighted means from too few countries, and values that
    are not measurements (see :func:`compare.stats.regional_means`)."""
    from compare.stats.panel import not_measured_flags  # noqa: PLC0415

    text = ""
    few = means[means["mean_withheld"] & (means["n"] > 0)]
    if len(few):
        text += t(
            " No unweighted mean where fewer than {min} countries have data ({which}).",
            min=MIN_COUNTRIES,
            which="; ".join(
                f"{group_label(group)} {years_text(rows['year'])}"
                for group, rows in few.groupby("group", sort=False)
            ),
        )
    thin = means[means["mean_thin"].astype(bool)]
    if len(thin):
        text += (
            _(" Thin, off the line: ")
            + "; ".join(
                f"{group_label(group)} {years_text(rows['year'])}"
                for group, rows in thin.groupby("group", sort=False)
            )
            + "."
        )
    left = means.loc[means["left_out"] != "", ["year", "left_out"]]
    if len(left):
        n = sum(len(codes.split(", ")) for codes in left["left_out"])
        text += t(
            " Left out: {n} values flagged {flags} (not measurements) in {years}.", n=n,
            flags=" or ".join(not_measured_flags([indicator])), years=years_text(left["year"]),
        )  # fmt: skip
    return text
