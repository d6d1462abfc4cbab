"""Sentences and display tables of the country-profile and data-coverage notebooks, computed from
the tables of :mod:`compare.stats.profiles` (never typed by hand)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from compare.config import DEFAULT_GROUPS, MIN_COUNTRIES
from compare.geo.countries import country_name
from compare.text.collation import sort_key
from compare.text.comparisons import family_label, group_label, title_label
from compare.text.i18n import N_, _, ngettext, t
from compare.text.numbers import is_missing, value

#: The positions of a value against both means (``compare.stats.profiles``), in words.
POSITIONS = (
    N_("above both means"),
    N_("between the means"),
    N_("below both means"),
    N_("not compared"),
    N_("a regional mean is missing"),
)

if TYPE_CHECKING:
    import pandas as pd


def profile_sentence(table: pd.DataFrame, without: Sequence[str]) -> str:
    """How many indicators place the country above, between or below the two means, in the
    latest year in which both means pass the rule; which indicators are compared in an earlier
    year than the country's latest value, and which not at all."""
    name = country_name(table.attrs.get("iso3", ""))
    a, b = (group_label(g) for g in table.attrs.get("groups", DEFAULT_GROUPS))
    if table.empty:
        return t("{name} has no value on any of the compared indicators.", name=name)
    compared = table[table["compared"].astype(bool)] if "compared" in table else table
    counts = compared["versus_means"].value_counts()
    parts = [f"{counts.get(label, 0)} {_(label)}" for label in POSITIONS[:3]]
    years = f"{int(table['year'].min())}–{int(table['year'].max())}"
    text = t(
        "{name} has a value on {n} of {total} compared indicators ({years}). Against the "
        "unweighted means of {a} and {b} in the latest year in which both pass the rule for "
        "regional means (at least {min} countries with data holding two thirds of each group's "
        "population), it is {positions}.",
        name=name, n=len(table), total=len(table) + len(without), years=years, a=a, b=b,
        min=MIN_COUNTRIES, positions=", ".join(parts),
    )  # fmt: skip
    earlier = compared[compared["year"] != compared.get("latest_year", compared["year"])]
    if len(earlier):
        text += " " + ngettext(
            "For {n} indicator its latest value is in a year whose means do not pass, so an "
            "earlier year is compared: {which}.",
            "For {n} indicators its latest value is in a year whose means do not pass, so an "
            "earlier year is compared: {which}.", len(earlier),
        ).format(
            n=len(earlier),
            which=", ".join(f"{r.indicator} ({r.latest_year} → {r.year})"
                            for r in earlier.itertuples()),
        )  # fmt: skip
    skipped = table[~table["compared"].astype(bool)] if "compared" in table else table.iloc[0:0]
    if len(skipped):
        text += " " + ngettext(
            "{n} indicator is not compared, because no year with a value has regional means "
            "that pass: {which}.",
            "{n} indicators are not compared, because no year with a value has regional means "
            "that pass: {which}.", len(skipped),
        ).format(n=len(skipped), which=", ".join(skipped["indicator"]))  # fmt: skip
    if without:
        text += " " + ngettext(
            "No value for {n} indicator: {which}.", "No value for {n} indicators: {which}.",
            len(without),
        ).format(n=len(without), which=", ".join(without))  # fmt: skip
    return text


def profile_table(table: pd.DataFrame) -> pd.DataFrame:
    """The profile table for reading: formatted values, ranks and both means; a row not
    compared shows no rank or mean, and ``note`` says why."""
    a, b = (group_label(g) for g in table.attrs.get("groups", DEFAULT_GROUPS))

    def cell(x: Any, unit: str, compared: bool) -> str:
        if not compared:
            return _("not compared")
        return _("withheld") if is_missing(x) else value(x, unit)

    def row(r: Any) -> dict[str, Any]:
        compared = bool(r.get("compared", True))
        rank = t("{rank} of {n}", rank=int(r["rank"]), n=r["n_ranked"]) if compared else None
        return {
            _("indicator"): title_label(r["title"]),
            _("year"): int(r["year"]),
            _("value"): value(r["value"], r["unit"]),
            _("rank"): rank or _("not ranked"),
            t("{group} mean", group=a): cell(r["mean_a"], r["unit"], compared),
            t("{group} weighted", group=a): cell(r["weighted_a"], r["unit"], compared),
            t("{group} mean", group=b): cell(r["mean_b"], r["unit"], compared),
            t("{group} weighted", group=b): cell(r["weighted_b"], r["unit"], compared),
            _("position"): _(r["versus_means"]),
            _("source"): r["source_id"],
            _("note"): r.get("note", ""),
        }

    ordered = table.assign(_key=table["title"].map(lambda x: sort_key(title_label(x))))
    ordered = ordered.sort_values(["family", "_key"]).drop(columns="_key")
    out = ordered.apply(row, axis=1, result_type="expand")
    return out.reset_index(drop=True)


def coverage_sentence(table: pd.DataFrame) -> str:
    """How many indicators each group can be compared on, per family."""
    a, b = (group_label(g) for g in table.attrs.get("groups", DEFAULT_GROUPS))
    parts = []
    for family, rows in table.groupby("family", sort=False):
        enough = (rows["with_data_a"] >= MIN_COUNTRIES) & (rows["with_data_b"] >= MIN_COUNTRIES)
        both = int(enough.sum())
        none = int(((rows["with_data_a"] == 0) & (rows["with_data_b"] == 0)).sum())
        parts.append(
            t("{family}: {n} indicators, {both} with at least {min} countries with data in both "
              "{a} and {b}", family=family_label(str(family)), n=len(rows), both=both,
              min=MIN_COUNTRIES, a=a, b=b)
            + (t(", {none} with no data for either", none=none) if none else "")
        )  # fmt: skip
    return _("By family — ") + "; ".join(parts) + "."


def coverage_gaps(table: pd.DataFrame) -> str:
    """The indicators one group has no data on at all."""
    a, b = (group_label(g) for g in table.attrs.get("groups", DEFAULT_GROUPS))
    parts = []
    for label, group, other in (("a", a, "b"), ("b", b, "a")):
        only = table[(table[f"with_data_{label}"] == 0) & (table[f"with_data_{other}"] > 0)]
        if len(only):
            parts.append(
                t("No member of {group} has a value on {n} indicator(s) that the other group "
                  "has: {which}.", group=group, n=len(only), which=", ".join(only["indicator"]))
            )  # fmt: skip
    best = table.assign(total=table["with_data_a"] + table["with_data_b"]).nlargest(3, "total")
    parts.append(
        _("Best covered: ")
        + "; ".join(
            t("{title} ({n_a} of {members_a} in {a}, {n_b} of {members_b} in {b})",
              title=title_label(r.title), n_a=r.with_data_a, members_a=r.members_a, a=a,
              n_b=r.with_data_b, members_b=r.members_b, b=b)
            for r in best.itertuples()
        )
        + "."
    )  # fmt: skip
    return " ".join(parts)
