"""Distribution: strip + box per region with the unweighted and weighted means marked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from compare.config import DEFAULT_GROUPS
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

if TYPE_CHECKING:
    import plotly.graph_objects as go


def distribution(
    indicator: str,
    year: int | None = None,
    groups: Sequence[str] = DEFAULT_GROUPS,
    home: Any = None,
) -> go.Figure:
    """Strip + box per region with the unweighted and population-weighted means marked
    (from :func:`compare.stats.compare_regions`); a withheld weighted mean is said, not drawn."""
    import plotly.graph_objects as go  # noqa: PLC0415

    from compare.stats.comparison import compare_regions  # noqa: PLC0415

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
    left_out = [
        f"{g} {', '.join(s.left_out)}" for g, s in comparison.per_group.items() if s.left_out
    ]
    if left_out:
        extra += " Left out, flagged as not measurements: " + "; ".join(left_out) + "."
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
