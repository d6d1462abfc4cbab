"""Distribution: strip + box per region with the unweighted and weighted means marked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from compare.config import DEFAULT_CLASSIFICATION, DEFAULT_GROUPS
from compare.figures import theme
from compare.figures._common import (
    POPULATION,
    _catalog,
    _colour,
    _dedupe_legend,
    _finish,
    _groups,
    _new,
)
from compare.text.comparisons import group_label, title_label
from compare.text.i18n import _, t

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go


def distribution(
    indicator: str,
    year: int | None = None,
    groups: Sequence[str] = DEFAULT_GROUPS,
    home: Any = None,
    *,
    classification: str = DEFAULT_CLASSIFICATION,
) -> go.Figure:
    """Strip + box per region with the unweighted and population-weighted means marked
    (from :func:`compare.stats.compare_regions`), under the rule for regional means: a
    withheld mean is said, not drawn; a thin unweighted mean is drawn as a grey open diamond
    labelled thin. ``groups`` may be of any classification (``"eu27:EU27"``)."""
    from compare.figures.figure_data import distribution_rows  # noqa: PLC0415
    from compare.stats.comparison import compare_regions  # noqa: PLC0415

    info = _catalog().indicator(indicator)
    chosen = _groups(groups, classification)
    comparison = compare_regions(
        indicator, year, groups=tuple(chosen), classification=classification, home=home
    )
    values = comparison.values
    fig = _new()
    fmt = theme.hover_format(info.unit, "x")
    for order, group in enumerate(comparison.groups):
        rows = values[values["region"] == group]
        stats = comparison.per_group[group]
        label = t(
            "{group}<br><sup>n = {n} of {members}</sup>", group=group_label(group),
            n=stats.n_with_data, members=stats.n_with_data + stats.n_without,
        )  # fmt: skip
        traces = [
            _strip_box(rows, group, order, label, fmt),
            *_mean_markers(stats, group, label, fmt),
        ]
        for trace in traces:
            fig.add_trace(trace)
    _dedupe_legend(fig)
    fig.update_xaxes(title={"text": theme.unit_title(info.unit)}, **theme.axis_format(info.unit))
    fig.update_yaxes(autorange="reversed")
    fig.update_layout(showlegend=True, boxgap=0.35)
    return _finish(
        fig,
        kind="distribution",
        indicators=[indicator, POPULATION],
        years=comparison.year,
        title=f"{title_label(info.title)}, {comparison.year}",
        extra=_weights_note(comparison),
        meta={
            "year_note": comparison.year_note,
            "groups": list(comparison.groups),
            "verdict": comparison.verdict,
        },
        data=distribution_rows(comparison, indicator, info.unit),
    )


def _localised(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with the country names of the reader's language (English: as stored)."""
    from compare.geo.countries import country_name  # noqa: PLC0415
    from compare.language import SOURCE_LANGUAGE, current  # noqa: PLC0415

    if current() == SOURCE_LANGUAGE:
        return rows
    return rows.assign(country=rows["iso3"].map(country_name))


def _strip_box(rows: pd.DataFrame, group: str, order: int, label: str, fmt: str) -> go.Box:
    """One group's countries: every point over a transparent box."""
    import plotly.graph_objects as go  # noqa: PLC0415

    colour = _colour(group, order)
    return go.Box(
        x=rows["value"],
        y=[label] * len(rows),
        name=group_label(group),
        orientation="h",
        boxpoints="all",
        jitter=0.6,
        pointpos=0,
        marker={"color": colour, "size": 6, "opacity": 0.75},
        line={"color": colour, "width": 1.4},
        fillcolor="rgba(0,0,0,0)",
        boxmean=False,
        legendgroup=group,
        customdata=_localised(rows)[["country", "iso3", "year", "source_id"]].to_numpy(),
        hovertemplate=f"<b>%{{customdata[0]}}</b> (%{{customdata[1]}})<br>{fmt}"
        + _("<br>Year: %{customdata[2]}<br>Source: %{customdata[3]}<extra></extra>"),
        meta={"role": "countries", "group": group},
        legendrank=order + 1,
    )


def _mean_markers(stats: Any, group: str, label: str, fmt: str) -> list[Any]:
    """The unweighted mean (white diamond) and, unless withheld, the population-weighted mean
    (black cross) of one group."""
    import plotly.graph_objects as go  # noqa: PLC0415

    thin = stats.mean_status == "thin"
    traces = []
    if stats.mean_status != "withheld":
        traces.append(
            go.Scatter(
                x=[stats.mean],
                y=[label],
                mode="markers",
                name=_("Thin mean (not a regional mean)") if thin else _("Unweighted mean"),
                legendrank=12 if thin else 10,
                marker={
                    "symbol": "diamond-open" if thin else "diamond",
                    "size": 14,
                    "color": "#888888" if thin else "white",
                    "line": {"color": "#888888" if thin else "#000000", "width": 2},
                },
                legendgroup="thin" if thin else "mean",
                showlegend=True,  # once per name: _dedupe_legend
                hovertemplate=(
                    t(
                        "THIN: mean of the countries with data ({group}): {value}<br>{n} of "
                        "{members} members<extra></extra>",
                        group=group_label(group),
                        value=fmt,
                        n=stats.n_with_data,
                        members=stats.n_members,
                    )
                    if thin
                    else t(
                        "Unweighted mean ({group}): {value}<extra></extra>",
                        group=group_label(group),
                        value=fmt,
                    )
                ),
                meta={"role": "thin_mean" if thin else "mean", "group": group},
            )
        )
    if stats.weighted_mean is not None:
        traces.append(
            go.Scatter(
                x=[stats.weighted_mean],
                y=[label],
                mode="markers",
                name=_("Population-weighted mean"),
                legendrank=11,
                marker={
                    "symbol": "x-thin",
                    "size": 16,
                    "color": "#000000",
                    "line": {"color": "#000000", "width": 3},
                },
                legendgroup="weighted",
                showlegend=True,
                hovertemplate=t(
                    "Population-weighted mean ({group}): {value}<extra></extra>",
                    group=group_label(group),
                    value=fmt,
                ),
                meta={"role": "weighted_mean", "group": group},
            )
        )
    return traces


def _weights_note(comparison: Any) -> str:
    """The caption's note: weights and year, withheld weighted means, values left out."""
    extra = t("Weights: population ({year}). {note}.", year=comparison.year,
              note=comparison.year_note)  # fmt: skip
    withheld = {
        group: comparison.per_group[group]
        for group in comparison.groups
        if comparison.per_group[group].weighted_mean is None
    }
    notes = [
        t("{group}: weighted mean withheld ({reason})", group=group_label(group),
          reason=stats.weighted_withheld_reason)
        for group, stats in withheld.items()
    ]  # fmt: skip
    notes += [
        t("{group}: unweighted mean {status} ({reason})", group=group_label(group),
          status=_(s.mean_status), reason=s.mean_reason)
        for group, s in comparison.per_group.items()
        if s.mean_status != "shown"
    ]  # fmt: skip
    if notes:
        extra += " " + "; ".join(notes) + "."
    left_out = [
        f"{group_label(g)} {', '.join(s.left_out)}"
        for g, s in comparison.per_group.items()
        if s.left_out
    ]
    if left_out:
        extra += _(" Left out, flagged as not measurements: ") + "; ".join(left_out) + "."
    return extra
