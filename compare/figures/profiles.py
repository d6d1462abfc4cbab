"""Figures of the country-profile and data-coverage notebooks: a country's percentile on each
indicator with both regional means on the same scale, and the members with data per indicator."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from compare.config import DEFAULT_GROUPS
from compare.figures import theme
from compare.figures.figure_data import attach
from compare.geo.countries import country_name
from compare.stats.profiles import position
from compare.text import numbers as fmt
from compare.text.collation import sort_key
from compare.text.comparisons import group_label, title_label
from compare.text.i18n import _, t
from compare.text.words import shorten

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go


def profile_chart(table: pd.DataFrame) -> go.Figure:
    """Per indicator, the country's percentile among the countries of both groups with data
    that year, with the two regional means placed on the same scale."""
    import plotly.graph_objects as go  # noqa: PLC0415

    name = country_name(table.attrs.get("iso3", ""))
    a, b = table.attrs.get("groups", DEFAULT_GROUPS)
    compared = table["compared"].astype(bool) if "compared" in table else table["year"].notna()
    skipped = list(table.loc[~compared, "indicator"])
    ordered = _ordered(table[compared])
    labels = [
        f"{shorten(title_label(title))} ({y})"
        for title, y in zip(ordered["title"], ordered["year"], strict=True)
    ]
    fig = go.Figure()
    for group, column, symbol in ((a, "mean_a", "line-ns-open"), (b, "mean_b", "line-ns-open")):
        x = [
            position(m, others) if not math.isnan(m) else None
            for m, others in zip(ordered[column], ordered["_others"], strict=True)
        ]
        text = [fmt.value(m, u) for m, u in zip(ordered[column], ordered["unit"], strict=True)]
        fig.add_trace(
            go.Scatter(
                x=x, y=labels, mode="markers", name=t("{group} mean", group=group_label(group)),
                marker={"symbol": symbol, "size": 16, "line": {"width": 3},
                        "color": theme.region_colour(group, 0 if group == a else 1)},
                text=text, hovertemplate=t("{group} mean: %{{text}}<extra></extra>",
                                           group=group_label(group)),
            )
        )  # fmt: skip
    text = [
        t("{value}; rank {rank} of {n}", value=fmt.value(v, u), rank=r, n=n)
        for v, u, r, n in zip(
            ordered["value"], ordered["unit"], ordered["rank"], ordered["n_ranked"], strict=True
        )
    ]
    fig.add_trace(
        go.Scatter(
            x=ordered["position"], y=labels, mode="markers", name=name,
            marker={"size": 10, "color": "#000000"}, text=text,
            hovertemplate=f"{name}: %{{text}}<extra></extra>",
        )
    )  # fmt: skip
    theme.apply_theme(fig, width=1000, height=220 + 24 * len(ordered))
    fig.update_layout(
        title=t("{name} among the countries of {a} and {b}", name=name, a=group_label(a),
                b=group_label(b)),
        xaxis={"title": _("percentile among countries with data (0 lowest, 100 highest)"),
               "range": [-3, 103]},
        yaxis={"autorange": "reversed", "tickmode": "array", "tickvals": labels,
               "ticktext": labels, "tickfont": {"size": 11}},
        margin={"l": 420, "r": 30, "t": 110, "b": 60},
    )  # fmt: skip
    extra = _(
        "Means are unweighted means of the countries of each group in the same year, drawn only "
        "for years in which both groups' means pass the rule (at least 3 countries with data "
        "holding two thirds of the population)."
    )
    if skipped:
        extra += t(" Not compared (no year whose means pass): {which}.", which=", ".join(skipped))
    caption = theme.caption_text(
        list(ordered["indicator"]), sorted({int(y) for y in ordered["year"]}), extra=extra
    )
    meta = {"indicators": list(ordered["indicator"]), "kind": "profile_chart"}
    fig = theme.add_caption(fig, caption, meta)
    return attach(fig, _profile_rows(ordered, name, (a, b)))


def _profile_rows(ordered: pd.DataFrame, name: str, groups: tuple[str, str]) -> pd.DataFrame:
    """A profile chart's data: per indicator the country's value, rank and percentile, and the
    two means with the percentile at which they are drawn."""
    out = ordered.assign(iso3=ordered.attrs.get("iso3", ""), country=name,
                         group_a=groups[0], group_b=groups[1])  # fmt: skip
    for label in ("a", "b"):
        out[f"position_{label}"] = [
            position(m, others) if not math.isnan(m) else None
            for m, others in zip(ordered[f"mean_{label}"], ordered["_others"], strict=True)
        ]
    return out


def _ordered(table: pd.DataFrame) -> pd.DataFrame:
    """Rows by family, then by title in the reader's language and its collation."""
    keys = table["title"].map(lambda title: sort_key(title_label(title)))
    return table.assign(_key=keys).sort_values(["family", "_key"]).drop(columns="_key")


def coverage_bars(table: pd.DataFrame) -> go.Figure:
    """Members with any value, per indicator and group (bars), as a share of the members."""
    import plotly.graph_objects as go  # noqa: PLC0415

    a, b = table.attrs.get("groups", DEFAULT_GROUPS)
    ordered = _ordered(table)
    fig = go.Figure()
    for order, (label, group) in enumerate((("a", a), ("b", b))):
        share = 100 * ordered[f"with_data_{label}"] / ordered[f"members_{label}"]
        fig.add_trace(
            go.Bar(
                x=share, y=ordered["title"], orientation="h", name=group_label(group),
                marker_color=theme.region_colour(group, order),
                customdata=list(zip(ordered[f"with_data_{label}"], ordered[f"members_{label}"],
                                    strict=True)),
                hovertemplate=t("{group}: %{{customdata[0]}} of %{{customdata[1]}} members"
                                "<extra></extra>", group=group_label(group)),
            )
        )  # fmt: skip
    theme.apply_theme(fig, width=1000, height=200 + 26 * len(ordered))
    fig.update_layout(
        barmode="group",
        title=t(
            "Members of {a} and {b} with any value, by indicator",
            a=group_label(a),
            b=group_label(b),
        ),
        xaxis={"title": _("% of the group's members"), "range": [0, 100]},
        yaxis={"autorange": "reversed"},
        margin={"l": 420, "r": 30, "t": 110, "b": 60},
    )
    names = [shorten(title_label(title)) for title in ordered["title"]]
    fig.update_traces(y=names)
    fig.update_yaxes(tickmode="array", tickvals=names, ticktext=names, tickfont={"size": 11})
    years = [int(y) for y in (*ordered["first_year"].dropna(), *ordered["last_year"].dropna())]
    caption = theme.caption_text(
        list(ordered["indicator"]), sorted(set(years)) if years else None,
        extra=_("A country counts if it has a value in any year."),
    )  # fmt: skip
    meta = {"indicators": list(ordered["indicator"]), "kind": "coverage_bars"}
    fig = theme.add_caption(fig, caption, meta)
    shares = {f"share_{k}": 100 * ordered[f"with_data_{k}"] / ordered[f"members_{k}"] for k in "ab"}
    return attach(fig, ordered.assign(group_a=a, group_b=b, **shares))
