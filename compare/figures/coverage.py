"""Coverage heatmap: indicator x country, the number of years with a value."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from compare.config import DEFAULT_CLASSIFICATION, DEFAULT_GROUPS
from compare.figures import theme
from compare.figures._common import (
    WIDTH,
    _catalog,
    _country_codes,
    _finish,
    _groups,
    _load,
    _new,
)
from compare.text.comparisons import group_label
from compare.text.i18n import _, t

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

#: Bins of the number of years with data (lower bounds) in the coverage heatmap.
YEAR_BINS = (1, 2, 6, 11, 21)


def coverage_heatmap(
    indicators: Iterable[str] | None = None,
    countries: str | Iterable[str] | None = None,
    home: Any = None,
    *,
    groups: Sequence[str] = DEFAULT_GROUPS,
    classification: str = DEFAULT_CLASSIFICATION,
) -> go.Figure:
    """Indicator x country: the number of years with a value (blank = none); first and latest
    year on hover. Columns are ordered and labelled by ``groups`` (of any classification,
    ``"eu27:EU27"``).

    Defaults: every catalog indicator, every member of the two default groups (M49).
    """
    import numpy as np  # noqa: PLC0415

    from compare.figures.figure_data import coverage_rows  # noqa: PLC0415

    catalog = _catalog()
    chosen = list(indicators) if indicators is not None else list(catalog.indicators)
    for indicator in chosen:
        catalog.indicator(indicator)
    chosen_groups = _groups(groups, classification)
    codes, region = _ordered_countries(countries, chosen_groups, classification)
    frame = _load(chosen, home, countries=codes)
    n, span = _year_counts(frame, chosen, codes)
    height = max(420, 13 * len(chosen) + 260)
    width = max(WIDTH, 9 * len(codes) + 300)
    fig = _new(width=width, height=height)
    fig.add_trace(_heatmap_trace(n, span, codes, chosen))
    fig.update_xaxes(**_country_axis(codes, region))
    fig.update_yaxes(autorange="reversed", tickfont={"size": 9}, showgrid=False)
    fig.update_layout(plot_bgcolor=theme.CONTEXT_COLOUR)
    _mark_regions(fig, codes, region, chosen_groups)
    years = sorted({int(y) for y in frame["year"]})
    with_data = int(np.isfinite(n).sum())
    extra = t(
        "Cells: number of years with a value, in bins (blank = no data); {n} of {total} "
        "indicator-country cells have data.", n=with_data, total=n.size,
    )  # fmt: skip
    return _finish(
        fig,
        kind="coverage_heatmap",
        indicators=chosen,
        years=years,
        title=_("Where data exist: indicators by country"),
        extra=extra,
        meta={"countries": codes, "cells_with_data": with_data, "cells": int(n.size)},
        data=coverage_rows(
            frame.groupby(["indicator", "iso3"])["year"].agg(["count", "min", "max"]),
            codes,
            chosen,
            region,
        ),
    )


def _ordered_countries(
    countries: str | Iterable[str] | None,
    groups: Sequence[str] = DEFAULT_GROUPS,
    classification: str = DEFAULT_CLASSIFICATION,
) -> tuple[list[str], dict[str, str | None]]:
    """The ISO3 codes (default: the members of ``groups``), once each, ordered by group (others
    last), then code; and each code's group (the first of ``groups`` it belongs to)."""
    from compare.geo import regions  # noqa: PLC0415

    codes = _country_codes(countries)
    if codes is None:
        codes = [c for g in groups for c in regions.members(g, classification)]
    codes = list(dict.fromkeys(codes))
    region = dict(zip(codes, regions.group_of(codes, groups, classification), strict=True))
    order = list(groups)
    codes = sorted(codes, key=lambda c: (order.index(region[c]) if region[c] in order else 9, c))
    return codes, region


def _year_counts(frame: pd.DataFrame, chosen: list[str], codes: list[str]) -> tuple[Any, Any]:
    """Per indicator x country: the number of years with a value (NaN: none), and (years,
    first year, latest year) for the hover."""
    import numpy as np  # noqa: PLC0415

    stats = frame.groupby(["indicator", "iso3"])["year"].agg(["count", "min", "max"])
    n = np.full((len(chosen), len(codes)), np.nan)
    span = np.full((len(chosen), len(codes), 3), np.nan)  # years, first and latest year
    column = {code: j for j, code in enumerate(codes)}
    row = {indicator: i for i, indicator in enumerate(chosen)}
    for (indicator, code), (count, first, last) in stats.iterrows():
        n[row[indicator], column[code]] = count
        span[row[indicator], column[code]] = (count, first, last)
    return n, span


def _heatmap_trace(n: Any, span: Any, codes: list[str], chosen: list[str]) -> go.Heatmap:
    """The cells, coloured by the bin of their number of years."""
    import numpy as np  # noqa: PLC0415
    import plotly.graph_objects as go  # noqa: PLC0415

    binned = np.where(np.isnan(n), np.nan, np.digitize(n, YEAR_BINS) - 1)
    return go.Heatmap(
        z=binned,
        x=codes,
        y=chosen,
        customdata=span,
        **_year_bins(),
        xgap=1,
        ygap=1,
        hoverongaps=False,
        hovertemplate=_(
            "%{y} · %{x}<br>%{customdata[0]} year(s): %{customdata[1]}–%{customdata[2]}"
            "<extra></extra>"
        ),
        meta={"role": "coverage"},
    )


def _country_axis(codes: list[str], region: dict[str, str | None]) -> dict[str, Any]:
    """Every code as a tick, coloured by its region."""
    ticktext = [
        f"<span style='color:{theme.region_colour(region[c] or '', 5)}'>{c}</span>" for c in codes
    ]
    return {
        "type": "category",
        "tickmode": "array",
        "tickvals": codes,
        "ticktext": ticktext,
        "tickangle": -90,
        "tickfont": {"size": 8},
        "showgrid": False,
    }


def _mark_regions(
    fig: go.Figure,
    codes: list[str],
    region: dict[str, str | None],
    groups: Sequence[str] = DEFAULT_GROUPS,
) -> None:
    """A line between the groups and each group's name over its columns."""
    boundary = 0
    for group in groups[:-1]:
        boundary += sum(1 for c in codes if region[c] == group)
        if 0 < boundary < len(codes):
            fig.add_vline(x=boundary - 0.5, line={"color": "#333333", "width": 1.5})
    for order, group in enumerate(groups):
        members = [j for j, c in enumerate(codes) if region[c] == group]
        if members:
            fig.add_annotation(
                text=f"<b>{group_label(group)}</b>",
                x=(members[0] + members[-1]) / 2,
                y=1.0,
                xref="x",
                yref="paper",
                yanchor="bottom",
                showarrow=False,
                font={"color": theme.region_colour(group, order)},
            )


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
            "title": {"text": _("years<br>with data")},
            "thickness": 12,
            "tickvals": list(range(size)),
            "ticktext": labels,
        },
    }
