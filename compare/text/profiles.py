"""Sentences and display tables of the country-profile and data-coverage notebooks, computed from
the tables of :mod:`compare.stats.profiles` (never typed by hand)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from compare.config import DEFAULT_GROUPS, MIN_COUNTRIES
from compare.geo.countries import country_name
from compare.text.numbers import is_missing, value

if TYPE_CHECKING:
    import pandas as pd


def profile_sentence(table: pd.DataFrame, without: Sequence[str]) -> str:
    """How many indicators place the country above, between or below the two means."""
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


def profile_table(table: pd.DataFrame) -> pd.DataFrame:
    """The profile table for reading: formatted values, ranks and both means."""
    a, b = table.attrs.get("groups", DEFAULT_GROUPS)

    def cell(x: Any, unit: str) -> str:
        return "withheld" if is_missing(x) else value(x, unit)

    out = table.sort_values(["family", "title"]).apply(
        lambda r: {
            "indicator": r["title"],
            "year": int(r["year"]),
            "value": value(r["value"], r["unit"]),
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
