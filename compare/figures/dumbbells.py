"""Dumbbell: two indicators per country (e.g. a gap by sex), grouped by region."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from compare.config import DEFAULT_CLASSIFICATION, DEFAULT_GROUPS
from compare.errors import ParameterError
from compare.figures import theme
from compare.figures._common import (
    _catalog,
    _colour,
    _country_codes,
    _finish,
    _groups,
    _load,
    _new,
    _rgba,
)
from compare.text.comparisons import group_label, title_label
from compare.text.i18n import _, ngettext, t
from compare.text.words import years_text

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go


def dumbbell(
    indicator_a: str,
    indicator_b: str,
    countries: str | Iterable[str] | None = None,
    home: Any = None,
    *,
    groups: Sequence[str] = DEFAULT_GROUPS,
    classification: str = DEFAULT_CLASSIFICATION,
) -> go.Figure:
    """Per country, ``indicator_a`` (filled dot) and ``indicator_b`` (open dot) joined by a bar,
    both from the latest year in which the country has both; grouped by ``groups`` (of any
    classification, ``"eu27:EU27"``; countries in none of them: "Other").

    ``countries=None``: every member of ``groups`` with both values. No regional mean is
    drawn: the countries' years differ (each its latest), so a mean would mix years.
    """
    from compare.geo import regions  # noqa: PLC0415

    catalog = _catalog()
    ia, ib = catalog.indicator(indicator_a), catalog.indicator(indicator_b)
    if ia.unit != ib.unit:
        raise ParameterError(
            f"{indicator_a} ({ia.unit}) and {indicator_b} ({ib.unit}) have different units"
        )
    codes = _country_codes(countries)
    chosen = _groups(groups, classification)
    latest, order_groups = _latest_pairs(
        indicator_a, indicator_b, codes, home, (chosen, classification)
    )
    wanted = codes or sorted({c for g in chosen for c in regions.members(g, classification)})
    missing = sorted(set(wanted) - set(latest["iso3"]))
    fig = _new(height=max(420, 22 * len(latest) + 220))
    pair = ((indicator_a, ia), (indicator_b, ib))
    for order, group in enumerate(order_groups):
        for trace in _group_traces(latest[latest["region"] == group], group, order, pair):
            fig.add_trace(trace)
    for trace in _key_traces(ia, ib):
        fig.add_trace(trace)
    fig.update_yaxes(**_country_axis(latest))
    fig.update_xaxes(title={"text": theme.unit_title(ia.unit)}, **theme.axis_format(ia.unit))
    fig.update_layout(legend={"font": {"size": 11}})
    years = sorted({int(y) for y in latest["year"]})
    return _finish(
        fig,
        kind="dumbbell",
        indicators=[indicator_a, indicator_b],
        years=years,
        title=t(
            "{a} (●) and {b} (○), by country", a=title_label(ia.title), b=title_label(ib.title)
        ),
        extra=_missing_note(years, missing, wanted)
        + " "
        + _("No regional mean is drawn: each country's latest year differs."),
        meta={"countries": list(latest["iso3"]), "missing": missing, "groups": list(chosen)},
        data=_drawn(indicator_a, indicator_b, latest, home),
    )


def _drawn(indicator_a: str, indicator_b: str, latest: pd.DataFrame, home: Any) -> pd.DataFrame:
    """The rows of the tidy table drawn: both values of each country in its year, in its group."""
    from compare.figures.figure_data import paired_rows  # noqa: PLC0415

    rows = _load([indicator_a, indicator_b], home, countries=list(latest["iso3"]))
    return paired_rows(rows, latest, latest.set_index("iso3")["region"])


def _latest_pairs(
    indicator_a: str,
    indicator_b: str,
    codes: list[str] | None,
    home: Any,
    grouping: tuple[tuple[str, ...], str] = (DEFAULT_GROUPS, DEFAULT_CLASSIFICATION),
) -> tuple[pd.DataFrame, list[str]]:
    """Per country, both values from its latest year with both (iso3, country, year, the two
    indicators, region, gap = b - a), ordered by group, then by gap; and the groups drawn.
    ``grouping``: the groups and their classification."""
    from compare.geo import regions  # noqa: PLC0415
    from compare.geo.countries import country_name  # noqa: PLC0415

    groups, classification = list(grouping[0]), grouping[1]
    frame = _load(
        [indicator_a, indicator_b], home, countries=codes,
        groups=None if codes else groups, classification=classification,
    )  # fmt: skip
    wide = frame.pivot_table(
        index=["iso3", "country", "year"], columns="indicator", values="value", aggfunc="first"
    ).reset_index()
    for column in (indicator_a, indicator_b):
        if column not in wide:
            wide[column] = float("nan")
    wide = wide.dropna(subset=[indicator_a, indicator_b])
    latest = wide.sort_values("year").groupby("iso3").tail(1).copy()
    latest["region"] = regions.group_of(list(latest["iso3"]), groups, classification)
    latest["region"] = latest["region"].fillna("Other")
    latest["country"] = latest["iso3"].map(country_name)  # in the reader's language
    latest["gap"] = latest[indicator_b] - latest[indicator_a]
    order_groups = [g for g in [*groups, "Other"] if (latest["region"] == g).any()]
    latest["group_order"] = latest["region"].map({g: i for i, g in enumerate(order_groups)})
    latest = latest.sort_values(["group_order", "gap"], ascending=[True, False])
    if latest.empty:
        raise ParameterError(f"no country has both {indicator_a} and {indicator_b}")
    return latest, order_groups


def _group_traces(
    rows: pd.DataFrame, group: str, order: int, pair: tuple[tuple[str, Any], tuple[str, Any]]
) -> list[go.Scatter]:
    """One group's bars (a to b) and its two sets of dots (a filled, b open)."""
    import plotly.graph_objects as go  # noqa: PLC0415

    (indicator_a, _a), (indicator_b, _b) = pair
    colour = _colour(group, order) if group != "Other" else "#777777"
    labels = list(rows["country"])
    line_x: list[float | None] = []
    line_y: list[str | None] = []
    for label, a, b in zip(labels, rows[indicator_a], rows[indicator_b], strict=True):
        line_x += [a, b, None]
        line_y += [label, label, None]
    bars = go.Scatter(
        x=line_x,
        y=line_y,
        mode="lines",
        hoverinfo="skip",
        line={"color": _rgba(colour, 0.55), "width": 3},
        showlegend=False,
        meta={"role": "bar", "group": group},
    )
    return [
        bars,
        *(
            _dots(
                rows,
                group,
                colour,
                indicator=indicator,
                info=info,
                symbol=symbol,
                first=indicator == indicator_a,
            )
            for (indicator, info), symbol in zip(pair, ("circle", "circle-open"), strict=True)
        ),
    ]


def _dots(
    rows: pd.DataFrame,
    group: str,
    colour: str,
    *,
    indicator: str,
    info: Any,
    symbol: str,
    first: bool,
) -> go.Scatter:
    """One indicator's dots of one group (``first``: indicator a, shown in the legend)."""
    import plotly.graph_objects as go  # noqa: PLC0415

    form = theme.hover_format(info.unit, "x")
    gap = _("Gap (b - a)")
    return go.Scatter(
        x=rows[indicator],
        y=list(rows["country"]),
        mode="markers",
        name=group_label(group) if group != "Other" else _("Other"),
        showlegend=first,
        marker={
            "symbol": symbol,
            "size": 10,
            "color": colour,
            "line": {"color": colour, "width": 2},
        },
        customdata=rows[["iso3", "year", "gap"]].to_numpy(),
        legendgroup=group,
        hovertemplate=f"<b>%{{y}}</b> (%{{customdata[0]}}), %{{customdata[1]}}<br>"
        f"{title_label(info.title)}: {form}<br>{gap}: %{{customdata[2]:.1f}}"
        "<extra></extra>",
        meta={"role": "a" if first else "b", "group": group, "iso3": list(rows["iso3"])},
    )


def _key_traces(ia: Any, ib: Any) -> list[go.Scatter]:
    """Legend entries for the two symbols (filled: a, open: b)."""
    import plotly.graph_objects as go  # noqa: PLC0415

    return [
        go.Scatter(
            x=[None],
            y=[None],
            mode="markers",
            name=title_label(info.title),
            marker={
                "symbol": symbol,
                "size": 10,
                "color": "#555555",
                "line": {"color": "#555555", "width": 2},
            },
            hoverinfo="skip",
            meta={"role": "key"},
        )
        for info, symbol in ((ia, "circle"), (ib, "circle-open"))
    ]


def _country_axis(latest: pd.DataFrame) -> dict[str, Any]:
    """One category per country, in the order drawn, from the top."""
    return {
        "categoryorder": "array",
        "categoryarray": list(latest["country"]),
        "range": [len(latest) - 0.5, -0.5],
        "tickfont": {"size": 11},
        "showgrid": True,
    }


def _missing_note(years: list[int], missing: list[str], wanted: list[str]) -> str:
    """The caption's note: the years drawn and the countries asked for without both values."""
    listed = f" ({', '.join(missing[:40])}{' ...' if len(missing) > 40 else ''})" if missing else ""
    return (
        t("Each country's latest year with both values ({years}).", years=years_text(years))
        + " "
        + ngettext(
            "Without both values: {n} of {total} country asked",
            "Without both values: {n} of {total} countries asked",
            len(wanted),
        ).format(n=len(missing), total=len(wanted))
        + listed
        + "."
    )
