"""The values a figure draws, as a tidy table that travels with the figure.

Every builder of :mod:`compare.figures` attaches the frame of what it drew (:func:`attach`,
through ``_finish(..., data=frame)``); :func:`data_of` reads it back (``None`` for a figure made
elsewhere). ``compare.show`` sends it with the figure in a report run, and the page writer puts
it beside the page as ``<id>.data/figure-N.csv`` (:mod:`compare.reports.downloads`).

The frame is plain data: one row per thing drawn (a country's value, a regional mean, a
coverage count), the values at the precision of the processed table (never the rounded numbers
of a label), missing values missing. Common columns come first in :data:`COLUMNS` order (those
that apply); a figure adds its own after them (``ci_low``, ``status``, ``n_countries`` ...). The
frame is kept on the figure object (``fig._compare_data``), not in its JSON, so a page does not
carry it twice.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

#: Leading columns of every figure's data, in this order (those a figure has).
COLUMNS = (
    "series",
    "iso3",
    "country",
    "group",
    "indicator",
    "year",
    "value",
    "unit",
    "flag",
    "source_id",
)

_ATTRIBUTE = "_compare_data"


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the common columns first, no index, private columns (``_x``) dropped."""
    columns = [c for c in frame.columns if not str(c).startswith("_")]
    first = [c for c in COLUMNS if c in columns]
    rest = [c for c in columns if c not in first]
    return frame[first + rest].reset_index(drop=True)


def attach(fig: go.Figure, frame: pd.DataFrame | None) -> go.Figure:
    """Keep ``frame`` (tidied) with ``fig``; returns ``fig``."""
    if frame is not None:
        setattr(fig, _ATTRIBUTE, tidy(frame))
    return fig


def data_of(fig: Any) -> pd.DataFrame | None:
    """The data attached to ``fig`` (None when it has none)."""
    return getattr(fig, _ATTRIBUTE, None)


def country_rows(frame: pd.DataFrame, unit: str, group_column: str = "region") -> pd.DataFrame:
    """Rows of the tidy table (or a frame of its columns) as one figure's country rows."""
    out = frame.copy()
    out.insert(0, "series", "country")
    if group_column in out and group_column != "group":
        out = out.rename(columns={group_column: "group"})
    if "unit" not in out:
        out["unit"] = unit
    keep = [c for c in (*COLUMNS, "weight") if c in out]
    return out[keep]


def map_rows(
    frame: pd.DataFrame, members: Mapping[str, Sequence[str]], year: int, unit: str
) -> pd.DataFrame:
    """A map's data: every member of every panel, with its value or none (drawn "No data")."""
    import pandas as pd  # noqa: PLC0415

    from compare.geo.countries import country_name  # noqa: PLC0415

    values = country_rows(frame, unit)
    indicator = str(frame["indicator"].iloc[0]) if "indicator" in frame and len(frame) else ""
    parts = [values]
    for group, codes in members.items():
        have = set(values.loc[values["group"] == group, "iso3"])
        absent = [c for c in codes if c not in have]
        if absent:
            parts.append(
                pd.DataFrame(
                    {
                        "series": "country",
                        "iso3": absent,
                        "country": [country_name(c) for c in absent],
                        "group": group,
                        "indicator": indicator,
                        "year": int(year),
                        "value": float("nan"),
                        "unit": unit,
                        "flag": "",
                        "source_id": "",
                    }
                )
            )
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else values
    return out.sort_values(["group", "iso3"], kind="stable").reset_index(drop=True)


def mean_rows(comparison: Any, indicator: str, unit: str) -> pd.DataFrame:
    """The regional means a distribution draws: per group the unweighted mean (or its thin
    mean) unless withheld, and the population-weighted mean unless withheld."""
    import pandas as pd  # noqa: PLC0415

    rows = []
    for group in comparison.groups:
        stats = comparison.per_group[group]
        common = {
            "group": group,
            "indicator": indicator,
            "year": int(comparison.year),
            "unit": unit,
            "n_countries": stats.n_with_data,
            "n_members": stats.n_members,
        }
        if stats.mean_status != "withheld":
            series = "thin mean" if stats.mean_status == "thin" else "unweighted mean"
            rows.append({"series": series, **common, "value": stats.mean,
                         "status": stats.mean_status})  # fmt: skip
        if stats.weighted_mean is not None:
            rows.append({"series": "population-weighted mean", **common,
                         "value": stats.weighted_mean, "status": "shown"})  # fmt: skip
    return pd.DataFrame(rows)


def distribution_rows(comparison: Any, indicator: str, unit: str) -> pd.DataFrame:
    """A distribution's data: each country's value, then the means drawn."""
    import pandas as pd  # noqa: PLC0415

    countries = country_rows(comparison.values.assign(indicator=indicator), unit)
    return pd.concat([countries, mean_rows(comparison, indicator, unit)], ignore_index=True)


def trend_rows(means: pd.DataFrame, indicator: str, unit: str) -> pd.DataFrame:
    """A trend's data: per group and year the unweighted mean (status shown / thin / withheld,
    with its 95% band), and the population-weighted mean where it is drawn; with coverage."""
    import pandas as pd  # noqa: PLC0415

    base = means.assign(indicator=indicator, unit=unit)
    common = ["group", "indicator", "year", "unit", "n", "n_members", "coverage_pop"]
    unweighted = base[[*common, "mean", "mean_ci_low", "mean_ci_high", "mean_status"]].rename(
        columns={
            "mean": "value",
            "mean_ci_low": "ci_low",
            "mean_ci_high": "ci_high",
            "mean_status": "status",
        }
    )
    unweighted.insert(0, "series", "unweighted mean")
    unweighted.loc[unweighted["status"] == "withheld", ["value", "ci_low", "ci_high"]] = None
    shown = base[~base["weighted_withheld"].astype(bool)]
    weighted = shown[[*common, "weighted_mean", "weighted_ci_low", "weighted_ci_high"]].rename(
        columns={
            "weighted_mean": "value",
            "weighted_ci_low": "ci_low",
            "weighted_ci_high": "ci_high",
        }
    )
    weighted.insert(0, "series", "population-weighted mean")
    weighted["status"] = "shown"
    out = pd.concat([unweighted, weighted], ignore_index=True)
    out = out.rename(columns={"n": "n_countries", "coverage_pop": "population_share"})
    return out.sort_values(["group", "series", "year"], kind="stable")


def paired_rows(
    frame: pd.DataFrame, keys: pd.DataFrame, groups: pd.Series | None = None
) -> pd.DataFrame:
    """Rows of the tidy table ``frame`` at the (iso3, year) pairs of ``keys`` (a dumbbell's or
    a scatter's points), both indicators one under the other; ``groups`` (by iso3) names the
    group each country is drawn in."""
    picked = frame.merge(keys[["iso3", "year"]].drop_duplicates(), on=["iso3", "year"])
    out = country_rows(picked, "")
    if groups is not None:
        out["group"] = out["iso3"].map(groups)
    return out.sort_values(["group", "iso3", "indicator"], kind="stable")


def coverage_rows(
    stats: pd.DataFrame,
    codes: Sequence[str],
    chosen: Sequence[str],
    region: Mapping[str, str | None],
) -> pd.DataFrame:
    """A coverage heatmap's data: per indicator and country (in its group) the number of years
    with a value and the first and last of them (zero years: the blank cells)."""
    import pandas as pd  # noqa: PLC0415

    from compare.geo.countries import country_name  # noqa: PLC0415

    index = pd.MultiIndex.from_product([list(chosen), list(codes)], names=["indicator", "iso3"])
    out = stats.reindex(index).reset_index()
    out["count"] = out["count"].fillna(0).astype(int)
    out.insert(0, "series", "years with a value")
    out.insert(2, "country", [country_name(c) for c in out["iso3"]])
    out.insert(3, "group", [region.get(c) or "" for c in out["iso3"]])
    out["unit"] = "years"
    return out.rename(columns={"count": "value", "min": "first_year", "max": "last_year"})
