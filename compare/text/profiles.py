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
    """How many indicators place the country above, between or below the two means, in the
    latest year in which both means pass the rule; which indicators are compared in an earlier
    year than the country's latest value, and which not at all."""
    name = country_name(table.attrs.get("iso3", ""))
    a, b = table.attrs.get("groups", DEFAULT_GROUPS)
    if table.empty:
        return f"{name} has no value on any of the compared indicators."
    compared = table[table["compared"].astype(bool)] if "compared" in table else table
    counts = compared["versus_means"].value_counts()
    parts = [
        f"{counts.get(label, 0)} {label}"
        for label in ("above both means", "between the means", "below both means")
    ]
    years = f"{int(table['year'].min())}–{int(table['year'].max())}"
    text = (
        f"{name} has a value on {len(table)} of {len(table) + len(without)} compared indicators "
        f"({years}). Against the unweighted means of {a} and {b} in the latest year in which "
        f"both pass the rule for regional means (at least {MIN_COUNTRIES} countries with data "
        f"holding two thirds of each group's population), it is {', '.join(parts)}."
    )
    earlier = compared[compared["year"] != compared.get("latest_year", compared["year"])]
    if len(earlier):
        text += (
            f" For {len(earlier)} indicator(s) its latest value is in a year whose means do not "
            "pass, so an earlier year is compared: "
            + ", ".join(f"{r.indicator} ({r.latest_year} → {r.year})" for r in earlier.itertuples())
            + "."
        )
    skipped = table[~table["compared"].astype(bool)] if "compared" in table else table.iloc[0:0]
    if len(skipped):
        text += (
            f" {len(skipped)} indicator(s) are not compared, because no year with a value has "
            f"regional means that pass: {', '.join(skipped['indicator'])}."
        )
    if without:
        text += f" No value for {len(without)} indicator(s): {', '.join(without)}."
    return text


def profile_table(table: pd.DataFrame) -> pd.DataFrame:
    """The profile table for reading: formatted values, ranks and both means; a row not
    compared shows no rank or mean, and ``note`` says why."""
    a, b = table.attrs.get("groups", DEFAULT_GROUPS)

    def cell(x: Any, unit: str, compared: bool) -> str:
        if not compared:
            return "not compared"
        return "withheld" if is_missing(x) else value(x, unit)

    def row(r: Any) -> dict[str, Any]:
        compared = bool(r.get("compared", True))
        return {
            "indicator": r["title"],
            "year": int(r["year"]),
            "value": value(r["value"], r["unit"]),
            "rank": f"{int(r['rank'])} of {r['n_ranked']}" if compared else "not ranked",
            f"{a} mean": cell(r["mean_a"], r["unit"], compared),
            f"{a} weighted": cell(r["weighted_a"], r["unit"], compared),
            f"{b} mean": cell(r["mean_b"], r["unit"], compared),
            f"{b} weighted": cell(r["weighted_b"], r["unit"], compared),
            "position": r["versus_means"],
            "source": r["source_id"],
            "note": r.get("note", ""),
        }

    out = table.sort_values(["family", "title"]).apply(row, axis=1, result_type="expand")
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
