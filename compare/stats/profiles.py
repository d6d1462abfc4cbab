"""Tables and figures of the country-profile and data-coverage notebooks.

* :func:`country_profile`: one country against both regional means on every compared indicator
  with data for it (its latest year; the means of the same year, by the rules of
  :func:`compare.stats.comparison.group_stats`: the population-weighted mean is withheld under 2/3
  population coverage), and its rank among the countries of both groups;
* :func:`coverage_table`: per indicator, which members of each group have data, over which years;
* a figure and a sentence for each, numbers generated from the tables.

Nothing is filled in: an indicator without a value for the country is listed as such.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compare.config import (
    COMPARED_FAMILIES,
    COVERAGE_THRESHOLD,
    DEFAULT_CLASSIFICATION,
    DEFAULT_GROUPS,
    MIN_COUNTRIES,
)
from compare.text.words import shorten

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

PROFILE_COLUMNS = [
    "indicator", "title", "family", "unit", "year", "value", "rank", "n_ranked", "position",
    "mean_a", "weighted_a", "n_a", "mean_b", "weighted_b", "n_b", "versus_means", "source_id",
]  # fmt: skip


def _indicators(families: Sequence[str]) -> list[Any]:
    from compare.catalog import load_catalog  # noqa: PLC0415

    return [i for i in load_catalog().indicators.values() if i.family in families]


def _position(value: float, others: Sequence[float]) -> float:
    """Mid-rank percentile of ``value`` among ``others`` (0 lowest, 100 highest)."""
    if not others:
        return math.nan
    below = sum(v < value for v in others)
    equal = sum(v == value for v in others)
    return 100.0 * (below + 0.5 * equal) / len(others)


def _versus(value: float, a: float, b: float) -> str:
    if math.isnan(a) or math.isnan(b):
        return "a regional mean is missing"
    low, high = min(a, b), max(a, b)
    if value > high:
        return "above both means"
    if value < low:
        return "below both means"
    return "between the means"


def country_profile(
    country: str,
    groups: Sequence[str] = DEFAULT_GROUPS,
    classification: str = DEFAULT_CLASSIFICATION,
    families: Sequence[str] = COMPARED_FAMILIES,
    *,
    threshold: float = COVERAGE_THRESHOLD,
    home: str | Path | None = None,
) -> tuple[pd.DataFrame, list[str]]:
    """``(table, without)``: one row per indicator with a value for ``country`` (see the module
    docstring; ``_a``/``_b`` columns are ``groups[0]``/``groups[1]``), and the indicators
    without any value for it."""
    import pandas as pd  # noqa: PLC0415

    from compare.geo.countries import require_iso3  # noqa: PLC0415
    from compare.geo.regions import check_groups  # noqa: PLC0415
    from compare.stats.comparison import group_stats  # noqa: PLC0415
    from compare.stats.panel import read_panels  # noqa: PLC0415

    (code,) = require_iso3([country])
    pair = check_groups(groups, classification, count=2)
    rows: list[dict[str, Any]] = []
    without: list[str] = []
    metas = _indicators(families)
    panels = read_panels([m.id for m in metas], home)
    for meta in metas:
        panel = panels[meta.id]
        years = [y for y in panel.years if code in panel.values[y].index]
        years = [y for y in years if not math.isnan(float(panel.values[y].loc[code, "value"]))]
        if not years:
            without.append(meta.id)
            continue
        year = years[-1]
        value = float(panel.values[year].loc[code, "value"])
        group_rows = [panel.rows(g, classification, year) for g in pair]
        stats = [group_stats(r, threshold) for r in group_rows]
        members = pd.concat(group_rows)
        others = members["value"].dropna().astype(float).tolist()
        ranked = sorted(others, reverse=True)
        rows.append(
            {
                "indicator": meta.id,
                "title": meta.title,
                "family": meta.family,
                "unit": meta.unit,
                "year": year,
                "value": value,
                "rank": ranked.index(value) + 1 if value in ranked else None,
                "n_ranked": len(ranked),
                "position": _position(value, others),
                "mean_a": stats[0].mean,
                "weighted_a": stats[0].weighted_mean,
                "n_a": stats[0].n_with_data,
                "mean_b": stats[1].mean,
                "weighted_b": stats[1].weighted_mean,
                "n_b": stats[1].n_with_data,
                "versus_means": _versus(value, stats[0].mean, stats[1].mean),
                "source_id": str(panel.values[year].loc[code, "source_id"]),
                "_others": others,
            }
        )
    table = pd.DataFrame(rows, columns=[*PROFILE_COLUMNS, "_others"])
    table.attrs.update({"iso3": code, "groups": pair, "classification": classification})
    return table, without


def profile_sentence(table: pd.DataFrame, without: Sequence[str]) -> str:
    """How many indicators place the country above, between or below the two means."""
    from compare.geo.countries import country_name  # noqa: PLC0415

    name = country_name(table.attrs.get("iso3", ""))
    a, b = table.attrs.get("groups", DEFAULT_GROUPS)
    if table.empty:
        return f"{name} has no value on any of the compared indicators."
    counts = table["versus_means"].value_counts()
    parts = [
        f"{counts.get(label, 0)} {label}"
        for label in ("above both means", "between the means", "below both means")
    ]
    missing = counts.get("a regional mean is missing", 0)
    years = f"{int(table['year'].min())}–{int(table['year'].max())}"
    text = (
        f"{name} has a value on {len(table)} of {len(table) + len(without)} compared indicators "
        f"(its latest year each, {years}). Against the unweighted means of {a} and {b} in the "
        f"same year it is {', '.join(parts)}"
    )
    text += f"; for {missing} a regional mean is missing." if missing else "."
    if without:
        text += f" No value for {len(without)} indicator(s): {', '.join(without)}."
    return text


def profile_figure(table: pd.DataFrame) -> go.Figure:
    """Per indicator, the country's percentile among the countries of both groups with data
    that year, with the two regional means placed on the same scale."""
    import plotly.graph_objects as go  # noqa: PLC0415

    from compare.figures import theme  # noqa: PLC0415
    from compare.geo.countries import country_name  # noqa: PLC0415
    from compare.text import numbers as fmt  # noqa: PLC0415

    name = country_name(table.attrs.get("iso3", ""))
    a, b = table.attrs.get("groups", DEFAULT_GROUPS)
    ordered = table.sort_values(["family", "title"])
    labels = [f"{shorten(t)} ({y})" for t, y in zip(ordered["title"], ordered["year"], strict=True)]
    fig = go.Figure()
    for group, column, symbol in ((a, "mean_a", "line-ns-open"), (b, "mean_b", "line-ns-open")):
        x = [
            _position(m, others) if not math.isnan(m) else None
            for m, others in zip(ordered[column], ordered["_others"], strict=True)
        ]
        text = [fmt.value(m, u) for m, u in zip(ordered[column], ordered["unit"], strict=True)]
        fig.add_trace(
            go.Scatter(
                x=x, y=labels, mode="markers", name=f"{group} mean",
                marker={"symbol": symbol, "size": 16, "line": {"width": 3},
                        "color": theme.region_colour(group, 0 if group == a else 1)},
                text=text, hovertemplate=f"{group} mean: %{{text}}<extra></extra>",
            )
        )  # fmt: skip
    text = [
        f"{fmt.value(v, u)}; rank {r} of {n}"
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
        title=f"{name} among the countries of {a} and {b}",
        xaxis={"title": "percentile among countries with data (0 lowest, 100 highest)",
               "range": [-3, 103]},
        yaxis={"autorange": "reversed", "tickmode": "array", "tickvals": labels,
               "ticktext": labels, "tickfont": {"size": 11}},
        margin={"l": 420, "r": 30, "t": 110, "b": 60},
    )  # fmt: skip
    caption = theme.caption_text(
        list(ordered["indicator"]),
        sorted({int(y) for y in ordered["year"]}),
        extra="Means are unweighted means of the countries of each group in the same year.",
    )
    return theme.add_caption(fig, caption, {"indicators": list(ordered["indicator"])})


def profile_display(table: pd.DataFrame) -> pd.DataFrame:
    """The profile table for reading: formatted values, ranks and both means."""
    from compare.text import numbers as fmt  # noqa: PLC0415

    a, b = table.attrs.get("groups", DEFAULT_GROUPS)

    def cell(x: Any, unit: str) -> str:
        return "withheld" if x is None or (isinstance(x, float) and math.isnan(x)) else (
            fmt.value(x, unit)
        )  # fmt: skip

    out = table.sort_values(["family", "title"]).apply(
        lambda r: {
            "indicator": r["title"],
            "year": int(r["year"]),
            "value": fmt.value(r["value"], r["unit"]),
            "rank": f"{r['rank']} of {r['n_ranked']}",
            f"{a} mean": cell(r["mean_a"], r["unit"]),
            f"{a} weighted": cell(r["weighted_a"], r["unit"]),
            f"{b} mean": cell(r["mean_b"], r["unit"]),
            f"{b} weighted": cell(r["weighted_b"], r["unit"]),
            "position": r["versus_means"],
            "source": r["source_id"],
        },
        axis=1,
        result_type="expand",
    )
    return out.reset_index(drop=True)


# --- one indicator -----------------------------------------------------------------------------


def indicator_comparison(
    indicator: str,
    year: int | None = None,
    groups: Sequence[str] = DEFAULT_GROUPS,
    classification: str = DEFAULT_CLASSIFICATION,
    *,
    home: str | Path | None = None,
) -> Any:
    """:func:`compare.stats.compare_regions`; when ``year`` is None and no year has enough
    countries in both groups (an indicator published for one region only), the comparison of
    the latest year with data, which then says that no comparison is reported and why."""
    from compare.errors import ParameterError  # noqa: PLC0415
    from compare.stats.comparison import compare_regions  # noqa: PLC0415
    from compare.stats.panel import read_panel  # noqa: PLC0415

    pair = tuple(groups)
    try:
        return compare_regions(indicator, year, pair, classification, home=home)
    except ParameterError as exc:
        years = read_panel(indicator, home).years
        if year is not None or not years:
            raise
        comparison = compare_regions(indicator, years[-1], pair, classification, home=home)
        comparison.year_note = f"{years[-1]}: the latest year with data ({exc})"
        comparison.notes[0] = comparison.year_note
        return comparison


# --- coverage ----------------------------------------------------------------------------------


def coverage_table(
    groups: Sequence[str] = DEFAULT_GROUPS,
    classification: str = DEFAULT_CLASSIFICATION,
    families: Sequence[str] | None = None,
    *,
    home: str | Path | None = None,
) -> pd.DataFrame:
    """Per indicator: years with data, and for each group the members with any value, with a
    value in the latest year, and the number of years in which at least ``MIN_COUNTRIES`` members have one.

    Membership is that of each year (as in :mod:`compare.stats.comparison`): a country counts for a
    group in the years it belongs to it, and ``members_*`` is every country that belonged to the group
    in a year with data (current membership when there is none). Values flagged as not
    measurements (:data:`compare.stats.panel.NOT_MEASURED_FLAGS`) are not data here either."""
    import pandas as pd  # noqa: PLC0415

    from compare.geo import regions  # noqa: PLC0415
    from compare.stats.panel import read_panels  # noqa: PLC0415

    pair = regions.check_groups(groups, classification, count=2)
    wanted = families or (*COMPARED_FAMILIES, "context")
    metas = _indicators(wanted)
    panels = read_panels([m.id for m in metas], home)
    known: dict[tuple[str, int | None], frozenset[str]] = {}

    def members(group: str, year: int | None) -> frozenset[str]:
        if (group, year) not in known:
            known[group, year] = frozenset(regions.members(group, classification, year))
        return known[group, year]

    rows = []
    for meta in metas:
        panel = panels[meta.id]
        present = {
            year: set(frame.index[frame["value"].notna()]) for year, frame in panel.values.items()
        }
        present = {year: codes for year, codes in present.items() if codes}
        row: dict[str, Any] = {
            "indicator": meta.id, "title": meta.title, "family": meta.family,
            "source_id": meta.source,
            "first_year": min(present) if present else None,
            "last_year": max(present) if present else None,
        }  # fmt: skip
        for label, group in zip(("a", "b"), pair, strict=True):
            per_year = {year: codes & members(group, year) for year, codes in present.items()}
            per_year = {year: codes for year, codes in per_year.items() if codes}
            ever = (
                frozenset().union(*(members(group, year) for year in present))
                if present
                else members(group, None)
            )
            latest = max(per_year) if per_year else None
            row[f"members_{label}"] = len(ever)
            row[f"with_data_{label}"] = len(set().union(*per_year.values()))
            row[f"latest_{label}"] = latest
            row[f"in_latest_{label}"] = len(per_year[latest]) if latest is not None else 0
            row[f"years_enough_{label}"] = sum(
                len(codes) >= MIN_COUNTRIES for codes in per_year.values()
            )
        rows.append(row)
    out = pd.DataFrame(rows)
    out.attrs.update({"groups": pair, "classification": classification})
    return out


def coverage_sentence(table: pd.DataFrame) -> str:
    """How many indicators each group can be compared on, per family."""
    a, b = table.attrs.get("groups", DEFAULT_GROUPS)
    parts = []
    for family, rows in table.groupby("family", sort=False):
        enough = (rows["with_data_a"] >= MIN_COUNTRIES) & (rows["with_data_b"] >= MIN_COUNTRIES)
        both = int(enough.sum())
        none = int(((rows["with_data_a"] == 0) & (rows["with_data_b"] == 0)).sum())
        parts.append(
            f"{family.replace('_', ' ')}: {len(rows)} indicators, {both} with at least "
            f"{MIN_COUNTRIES} countries with data in both {a} and {b}"
            + (f", {none} with no data for either" if none else "")
        )
    return "By family — " + "; ".join(parts) + "."


def coverage_gaps(table: pd.DataFrame) -> str:
    """The indicators one group has no data on at all."""
    a, b = table.attrs.get("groups", DEFAULT_GROUPS)
    parts = []
    for label, group, other in (("a", a, "b"), ("b", b, "a")):
        only = table[(table[f"with_data_{label}"] == 0) & (table[f"with_data_{other}"] > 0)]
        if len(only):
            parts.append(
                f"No member of {group} has a value on {len(only)} indicator(s) that the other "
                f"group has: {', '.join(only['indicator'])}."
            )
    best = table.assign(total=table["with_data_a"] + table["with_data_b"]).nlargest(3, "total")
    parts.append(
        "Best covered: "
        + "; ".join(
            f"{r.title} ({r.with_data_a} of {r.members_a} in {a}, {r.with_data_b} of "
            f"{r.members_b} in {b})"
            for r in best.itertuples()
        )
        + "."
    )
    return " ".join(parts)


def coverage_figure(table: pd.DataFrame) -> go.Figure:
    """Members with any value, per indicator and group (bars), as a share of the members."""
    import plotly.graph_objects as go  # noqa: PLC0415

    from compare.figures import theme  # noqa: PLC0415

    a, b = table.attrs.get("groups", DEFAULT_GROUPS)
    ordered = table.sort_values(["family", "title"])
    fig = go.Figure()
    for order, (label, group) in enumerate((("a", a), ("b", b))):
        share = 100 * ordered[f"with_data_{label}"] / ordered[f"members_{label}"]
        fig.add_trace(
            go.Bar(
                x=share, y=ordered["title"], orientation="h", name=group,
                marker_color=theme.region_colour(group, order),
                customdata=list(zip(ordered[f"with_data_{label}"], ordered[f"members_{label}"],
                                    strict=True)),
                hovertemplate=f"{group}: %{{customdata[0]}} of %{{customdata[1]}} members"
                "<extra></extra>",
            )
        )  # fmt: skip
    theme.apply_theme(fig, width=1000, height=200 + 26 * len(ordered))
    fig.update_layout(
        barmode="group",
        title=f"Members of {a} and {b} with any value, by indicator",
        xaxis={"title": "% of the group's members", "range": [0, 100]},
        yaxis={"autorange": "reversed"},
        margin={"l": 420, "r": 30, "t": 110, "b": 60},
    )
    names = [shorten(t) for t in ordered["title"]]
    fig.update_traces(y=names)
    fig.update_yaxes(tickmode="array", tickvals=names, ticktext=names, tickfont={"size": 11})
    years = [int(y) for y in (*ordered["first_year"].dropna(), *ordered["last_year"].dropna())]
    caption = theme.caption_text(
        list(ordered["indicator"]), sorted(set(years)) if years else None,
        extra="A country counts if it has a value in any year.",
    )  # fmt: skip
    return theme.add_caption(fig, caption, {"indicators": list(ordered["indicator"])})
