"""The country values behind a region comparison: members of a group in a year, their value of
one indicator and their population (the weight), and the population coverage of the data.

Values whose flag names one of :data:`NOT_MEASURED_FLAGS` are not measurements (e.g. the zeros
that the World Bank and ITU put before 2000 for internet use, see the source's PROVENANCE.md):
they are left out of every statistic, and the panel keeps them apart so that notes can say
which countries and years were left out.

Importing this module is cheap (pandas is imported inside the functions).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compare.errors import ParameterError
from compare.geo import regions
from compare.text.words import years_text

if TYPE_CHECKING:
    import pandas as pd

#: the indicator whose value of the same year weights a country
POPULATION = "population"
#: flags (one of the ``;``-separated parts of ``flag``) that mean "not a measurement"
NOT_MEASURED_FLAGS: tuple[str, ...] = ("zero_possibly_placeholder",)
ROW_COLUMNS = (
    "iso3", "country", "group", "year", "value", "population", "source_id", "flag", "left_out",
)  # fmt: skip
_KEEP = ["country", "value", "source_id", "flag"]


@dataclass(frozen=True)
class Panel:
    """One indicator and the population, by year then ISO3 (read once, sliced per group-year)."""

    indicator: str
    #: year -> rows indexed by iso3 (country, value, source_id, flag), measured values only
    values: dict[int, pd.DataFrame]
    population: dict[int, pd.Series]  # year -> population by iso3
    #: year -> the rows left out (flag in ``exclude_flags``), same columns as ``values``
    left_out: dict[int, pd.DataFrame] = field(default_factory=dict)
    exclude_flags: tuple[str, ...] = NOT_MEASURED_FLAGS

    @property
    def years(self) -> list[int]:
        """Years with at least one (measured) value of the indicator (anywhere), ascending."""
        return sorted(self.values)

    def rows(self, group: str, classification: str, year: int) -> pd.DataFrame:
        """Every member of ``group`` in ``year`` (one row each; value/population NaN if none;
        ``left_out`` True where the member's value was left out as not a measurement)."""
        import pandas as pd  # noqa: PLC0415

        members = regions.members(group, classification, year)
        found = self.values.get(year)
        pop = self.population.get(year, pd.Series(dtype=float))
        frame = pd.DataFrame({"iso3": members})
        if found is None:
            found = pd.DataFrame(columns=_KEEP)
        frame = frame.join(found[_KEEP], on="iso3")
        frame["population"] = frame["iso3"].map(pop).astype(float)
        frame["value"] = frame["value"].astype(float)
        frame["group"] = group
        frame["year"] = int(year)
        dropped = self.left_out.get(year)
        frame["left_out"] = frame["iso3"].isin([] if dropped is None else dropped.index)
        return frame[list(ROW_COLUMNS)]


def not_measured(flags: pd.Series, exclude: Iterable[str] = NOT_MEASURED_FLAGS) -> pd.Series:
    """True where a ``;``-separated flag names one of ``exclude``."""
    wanted = set(exclude)
    return flags.fillna("").astype(str).map(lambda text: bool(wanted & set(text.split(";"))))


#: Panels already read in this process, by (table object, indicators, flags): a report reads the
#: same panels for its comparison, figures and convergence. The table object is kept with them,
#: so that a new table (another file or mtime) is never matched by a reused object id.
_PANELS: dict[tuple[int, tuple[str, ...], tuple[str, ...]], tuple[Any, dict[str, Panel]]] = {}
_PANELS_KEPT = 32


def read_panels(
    indicators: Iterable[str],
    home: str | Path | None = None,
    *,
    exclude_flags: Iterable[str] | None = None,
) -> dict[str, Panel]:
    """Panels of several indicators from the processed table of ``home``, sharing one
    population index. Values flagged with one of ``exclude_flags`` (default
    :data:`NOT_MEASURED_FLAGS`) are set apart in :attr:`Panel.left_out`, population included."""
    from compare.catalog import load_catalog  # noqa: PLC0415
    from compare.data import table  # noqa: PLC0415
    from compare.derived import add_derived  # noqa: PLC0415

    wanted = list(dict.fromkeys(indicators))
    catalog = load_catalog()
    for indicator in wanted:
        catalog.indicator(indicator)  # unknown ids raise with the list of valid ones
    flags = tuple(NOT_MEASURED_FLAGS if exclude_flags is None else exclude_flags)
    stored = {o for i in wanted for o in (catalog.indicator(i).operands or (i,))}
    whole = table(home, reads=[*stored, POPULATION])  # the process's cached table
    key = (id(whole), tuple(wanted), flags)
    hit = _PANELS.get(key)
    if hit is not None and hit[0] is whole:  # the same table object: the same panels
        return dict(hit[1])
    frame = add_derived(whole, wanted, catalog)  # derived indicators: computed, not stored
    frame = frame[frame["indicator"].isin([*wanted, POPULATION])]
    dropped = not_measured(frame["flag"], flags)
    measured, set_apart = frame[~dropped], frame[dropped]
    pop = measured[measured["indicator"] == POPULATION]
    population = {
        int(year): rows.set_index("iso3")["value"].astype(float)
        for year, rows in pop.groupby("year")
    }
    kept = dict(tuple(measured.groupby("indicator")))
    apart = dict(tuple(set_apart.groupby("indicator")))
    panels = {
        indicator: Panel(
            indicator,
            _by_year(kept.get(indicator)),
            population,
            _by_year(apart.get(indicator)),
            flags,
        )
        for indicator in wanted
    }
    if len(_PANELS) >= _PANELS_KEPT:
        _PANELS.clear()
    _PANELS[key] = (whole, panels)
    return dict(panels)


def _by_year(rows: pd.DataFrame | None) -> dict[int, pd.DataFrame]:
    if rows is None:
        return {}
    return {int(year): part.set_index("iso3")[_KEEP] for year, part in rows.groupby("year")}


def read_panel(
    indicator: str, home: str | Path | None = None, *, exclude_flags: Iterable[str] | None = None
) -> Panel:
    """The indicator and population rows of the processed table of ``home`` (see
    :func:`read_panels`)."""
    return read_panels([indicator], home, exclude_flags=exclude_flags)[indicator]


def left_out_text(pairs: Iterable[tuple[str, int]], flags: Iterable[str]) -> str:
    """One sentence on values left out, from ``(iso3, year)`` pairs: how many, whose, which
    years ("" when none)."""
    by_country: dict[str, list[int]] = {}
    for iso3, year in pairs:
        by_country.setdefault(str(iso3), []).append(int(year))
    if not by_country:
        return ""
    n = sum(len(set(v)) for v in by_country.values())
    return (
        f"left out {n} value{'s' if n != 1 else ''} flagged {' or '.join(flags)} (not "
        "measurements): "
        + "; ".join(f"{iso3} {years_text(years)}" for iso3, years in sorted(by_country.items()))
    )


@dataclass(frozen=True)
class Coverage:
    """How much of a group one year's data cover (countries and population)."""

    group: str
    year: int
    n_members: int
    n_with_data: int
    members_without: list[str]  # members with no value
    no_population: list[str]  # members with no population value that year (unknown weight)
    data_no_population: list[str]  # members with a value but no population (not weighted)
    population_total: float  # sum over members with a population value
    population_covered: float  # sum over members with a value and a population value
    share: float | None  # covered / total; None when no member has a population value
    with_data: list[str] = field(default_factory=list)
    left_out: list[str] = field(default_factory=list)  # members whose value is not measured

    @property
    def n_without(self) -> int:
        return len(self.members_without)

    def passes(self, threshold: float, min_countries: int) -> bool:
        """The World Bank rule (share >= threshold) and at least ``min_countries`` values."""
        return (
            self.share is not None and self.share >= threshold and self.n_with_data >= min_countries
        )


def coverage(rows: pd.DataFrame) -> Coverage:
    """Coverage of one group-year from :meth:`Panel.rows`."""
    has_value = rows["value"].notna()
    has_pop = rows["population"].notna()
    total = float(rows.loc[has_pop, "population"].sum())
    covered = float(rows.loc[has_value & has_pop, "population"].sum())
    left_out = rows.loc[rows["left_out"].astype(bool), "iso3"] if "left_out" in rows else []
    return Coverage(
        group=str(rows["group"].iloc[0]) if len(rows) else "",
        year=int(rows["year"].iloc[0]) if len(rows) else 0,
        n_members=len(rows),
        n_with_data=int(has_value.sum()),
        members_without=sorted(rows.loc[~has_value, "iso3"]),
        no_population=sorted(rows.loc[~has_pop, "iso3"]),
        data_no_population=sorted(rows.loc[has_value & ~has_pop, "iso3"]),
        population_total=total,
        population_covered=covered,
        share=covered / total if total > 0 else None,
        with_data=sorted(rows.loc[has_value, "iso3"]),
        left_out=sorted(left_out),
    )


def check_threshold(threshold: float) -> float:
    """A coverage threshold in (0, 1]."""
    if not 0 < float(threshold) <= 1:
        raise ParameterError(f"threshold must be a share in (0, 1], got {threshold!r}")
    return float(threshold)
