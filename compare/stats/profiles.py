"""The tables behind the country-profile and data-coverage notebooks.

* :func:`country_profile`: one country against both regional means on every compared indicator
  with data for it, in the latest year in which it has a value **and** both groups' means pass
  the rule for regional means (:mod:`compare.stats.rule`); when its latest value falls in a year
  whose means do not pass, the row says so and compares the latest year that does; when no year
  does, the value is listed without means, rank or position;
* :func:`coverage_table`: per indicator, which members of each group have data, over which years;
* :func:`indicator_comparison`: :func:`compare_regions` with a fallback year for indicators
  published for one region only.

Their sentences are in :mod:`compare.text.profiles`, their figures in
:mod:`compare.figures.profiles`. Nothing is filled in: an indicator without a value for the
country is listed as such.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compare.config import (
    COMPARED_FAMILIES,
    COVERAGE_THRESHOLD,
    DEFAULT_CLASSIFICATION,
    DEFAULT_GROUPS,
    MIN_COUNTRIES,
)
from compare.text.i18n import t

if TYPE_CHECKING:
    import pandas as pd

PROFILE_COLUMNS = [
    "indicator", "title", "family", "unit", "year", "value", "rank", "n_ranked", "position",
    "mean_a", "weighted_a", "n_a", "mean_b", "weighted_b", "n_b", "versus_means", "source_id",
    "compared", "latest_year", "latest_value", "note", "source_updated",
]  # fmt: skip
#: ``versus_means`` of a row whose means do not pass the rule in any year with a value
NOT_COMPARED = "not compared"


def _indicators(families: Sequence[str]) -> list[Any]:
    from compare.catalog import load_catalog  # noqa: PLC0415

    return [i for i in load_catalog().indicators.values() if i.family in families]


def position(value: float, others: Sequence[float]) -> float:
    """Mid-rank percentile of ``value`` among ``others`` (0 lowest, 100 highest; NaN if none)."""
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
    min_countries: int = MIN_COUNTRIES,
) -> tuple[pd.DataFrame, list[str]]:
    """``(table, without)``: one row per indicator with a value for ``country`` (see the module
    docstring; ``_a``/``_b`` columns are ``groups[0]``/``groups[1]``), and the indicators
    without any value for it. ``year``/``value`` are those compared; ``latest_year`` /
    ``latest_value`` the country's latest value; ``compared`` is False (``versus_means`` "not
    compared", no means, rank or position) when no year with a value has means that pass;
    ``note`` says why another year than the latest is compared, or none."""
    import pandas as pd  # noqa: PLC0415

    from compare.geo.countries import require_iso3  # noqa: PLC0415
    from compare.geo.regions import check_groups  # noqa: PLC0415
    from compare.stats.panel import read_panels  # noqa: PLC0415
    from compare.stats.vintage import recorded_sources  # noqa: PLC0415

    (code,) = require_iso3([country])
    pair = check_groups(groups, classification, count=2)
    rows: list[dict[str, Any]] = []
    without: list[str] = []
    metas = _indicators(families)
    panels = read_panels([m.id for m in metas], home)
    ask = _Ask(code, pair, classification, threshold, min_countries)
    for meta in metas:
        row = _profile_row(meta, panels[meta.id], ask)
        if row is None:
            without.append(meta.id)
        else:
            rows.append(row)
    table = pd.DataFrame(rows, columns=[*PROFILE_COLUMNS, "_others"])
    recorded = recorded_sources(home)
    table["source_updated"] = [
        ";".join(str(recorded.get(s, {}).get("updated", "")) for s in str(ids).split(";"))
        for ids in table["source_id"]
    ]
    table.attrs.update({"iso3": code, "groups": pair, "classification": classification})
    return table, without


@dataclass(frozen=True)
class _Ask:
    """What a profile is asked for: the country, the two groups and the rule's settings."""

    code: str
    pair: tuple[str, ...]
    classification: str
    threshold: float
    min_countries: int


@dataclass
class _Years:
    """The years of one profile row: the latest with a value, the years skipped and why."""

    latest: int
    skipped: list[str] = field(default_factory=list)

    def why(self) -> str:
        return "; ".join(self.skipped[:2]) + (" ..." if len(self.skipped) > 2 else "")


def _short(cov: Any, rule: Any) -> str:
    """Why one group's means of a year do not pass, in a few words."""
    from compare.text.comparisons import group_label  # noqa: PLC0415
    from compare.text.i18n import _  # noqa: PLC0415
    from compare.text.numbers import share  # noqa: PLC0415

    return t(
        "{group} {status}, {n} of {members} members with data, {share} of the population",
        group=group_label(cov.group), status=_(rule.unweighted), n=cov.n_with_data,
        members=cov.n_members, share=share(cov.share),
    )  # fmt: skip


def _value(panel: Any, code: str, year: int) -> float:
    return float(panel.values[year].loc[code, "value"])


def _years_with_value(panel: Any, code: str) -> list[int]:
    return [
        y
        for y in panel.years
        if code in panel.values[y].index and not math.isnan(_value(panel, code, y))
    ]


def _profile_row(meta: Any, panel: Any, ask: _Ask) -> dict[str, Any] | None:
    """The profile row of one indicator (None when the country has no value)."""
    from compare.stats.comparison import group_stats  # noqa: PLC0415
    from compare.stats.rule import judge  # noqa: PLC0415

    years = _years_with_value(panel, ask.code)
    if not years:
        return None
    found = _Years(years[-1])
    for year in reversed(years):
        covs = [panel.coverage(g, ask.classification, year) for g in ask.pair]
        rules = [judge(c, ask.threshold, ask.min_countries) for c in covs]
        if all(r.passes for r in rules):
            group_rows = [panel.rows(g, ask.classification, year) for g in ask.pair]
            stats = [group_stats(r, ask.threshold, ask.min_countries) for r in group_rows]
            row = _identity(meta, panel, ask.code, year, found.latest)
            return row | _compared(row["value"], group_rows, stats, found)
        found.skipped.append(
            f"{year}: "
            + "; ".join(_short(c, r) for c, r in zip(covs, rules, strict=True) if not r.passes)
        )
    return _identity(meta, panel, ask.code, found.latest, found.latest) | {
        "rank": None, "n_ranked": 0, "position": math.nan, "mean_a": math.nan,
        "weighted_a": None, "n_a": 0, "mean_b": math.nan, "weighted_b": None, "n_b": 0,
        "versus_means": NOT_COMPARED, "compared": False, "_others": [],
        "note": t("no year with a value has regional means that pass the rule ({why})",
                   why=found.why()),
    }  # fmt: skip


def _compared(
    value: float, group_rows: list[pd.DataFrame], stats: list[Any], found: _Years
) -> dict[str, Any]:
    """Rank, position and both groups' means of a year whose means pass."""
    import pandas as pd  # noqa: PLC0415

    others = pd.concat(group_rows)["value"].dropna().astype(float).tolist()
    ranked = sorted(others, reverse=True)
    year = int(group_rows[0]["year"].iloc[0])
    note = ""
    if year != found.latest:
        note = t(
            "latest value {latest} not compared: the regional means of {why}; compared in "
            "{year}, the latest year whose means pass", latest=found.latest, why=found.why(),
            year=year,
        )  # fmt: skip
    return {
        "rank": ranked.index(value) + 1 if value in ranked else None,
        "n_ranked": len(ranked),
        "position": position(value, others),
        "mean_a": stats[0].mean,
        "weighted_a": stats[0].weighted_mean,
        "n_a": stats[0].n_with_data,
        "mean_b": stats[1].mean,
        "weighted_b": stats[1].weighted_mean,
        "n_b": stats[1].n_with_data,
        "versus_means": _versus(value, stats[0].mean, stats[1].mean),
        "compared": True,
        "note": note,
        "_others": others,
    }


def _identity(meta: Any, panel: Any, code: str, year: int, latest: int) -> dict[str, Any]:
    return {
        "indicator": meta.id,
        "title": meta.title,
        "family": meta.family,
        "unit": meta.unit,
        "year": year,
        "value": _value(panel, code, year),
        "source_id": str(panel.values[year].loc[code, "source_id"]),
        "latest_year": latest,
        "latest_value": _value(panel, code, latest),
    }


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
    from compare.text.comparisons import group_label  # noqa: PLC0415

    pair = tuple(groups)
    try:
        return compare_regions(indicator, year, pair, classification, home=home)
    except ParameterError:  # its message is for the console (English): the note says it here
        years = read_panel(indicator, home).years
        if year is not None or not years:
            raise
        comparison = compare_regions(indicator, years[-1], pair, classification, home=home)
        comparison.year_note = t(
            "{year}: the latest year with data (no year has at least {n} countries with data "
            "in both {a} and {b})", year=years[-1], n=MIN_COUNTRIES, a=group_label(pair[0]),
            b=group_label(pair[1]),
        )  # fmt: skip
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
    value in the latest year, and the number of years in which at least ``MIN_COUNTRIES`` members
    have one.

    Membership is that of each year (as in :mod:`compare.stats.comparison`): a country counts for
    a group in the years it belongs to it, and ``members_*`` is every country that belonged to the
    group in a year with data (current membership when there is none). Values flagged as not
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
