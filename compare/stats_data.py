"""The country values behind a region comparison: members of a group in a year, their value of
one indicator and their population (the weight), and the population coverage of the data."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from compare import regions
from compare.errors import ParameterError

POPULATION = "population"
ROW_COLUMNS = ("iso3", "country", "group", "year", "value", "population", "source_id", "flag")


@dataclass(frozen=True)
class Panel:
    """One indicator and the population, by year then ISO3 (read once, sliced per group-year)."""

    indicator: str
    #: year -> rows indexed by iso3 (country, value, source_id, flag)
    values: dict[int, pd.DataFrame]
    population: dict[int, pd.Series]  # year -> population by iso3

    @property
    def years(self) -> list[int]:
        """Years with at least one value of the indicator (anywhere), ascending."""
        return sorted(self.values)

    def rows(self, group: str, classification: str, year: int) -> pd.DataFrame:
        """Every member of ``group`` in ``year`` (one row each; value/population NaN if none)."""
        members = regions.members(group, classification, year)
        found = self.values.get(year)
        pop = self.population.get(year, pd.Series(dtype=float))
        frame = pd.DataFrame({"iso3": members})
        if found is None:
            found = pd.DataFrame(columns=["country", "value", "source_id", "flag"])
        frame = frame.join(found[["country", "value", "source_id", "flag"]], on="iso3")
        frame["population"] = frame["iso3"].map(pop).astype(float)
        frame["value"] = frame["value"].astype(float)
        frame["group"] = group
        frame["year"] = int(year)
        return frame[list(ROW_COLUMNS)]


def read_panel(indicator: str, home: str | Path | None = None) -> Panel:
    """The indicator and population rows of the processed table of ``home``."""
    from compare.catalog import load_catalog  # noqa: PLC0415
    from compare.data import table  # noqa: PLC0415

    load_catalog().indicator(indicator)  # unknown ids raise with the list of valid ones
    frame = table(home)
    wanted = frame[frame["indicator"] == indicator]
    values = {
        int(year): rows.set_index("iso3")[["country", "value", "source_id", "flag"]]
        for year, rows in wanted.groupby("year")
    }
    pop = frame[frame["indicator"] == POPULATION]
    population = {
        int(year): rows.set_index("iso3")["value"].astype(float)
        for year, rows in pop.groupby("year")
    }
    return Panel(indicator, values, population)


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
    )


def check_groups(groups: Iterable[str], classification: str) -> tuple[str, str]:
    """Two distinct, valid groups of ``classification`` (else a ParameterError)."""
    pair = tuple(groups)
    if len(pair) != 2 or pair[0] == pair[1]:
        raise ParameterError(f"groups must be two different group names, got {pair!r}")
    valid = regions.groups(classification)
    for group in pair:
        if group not in valid:
            raise ParameterError(
                f"unknown group {group!r} in classification {classification!r}; valid groups: "
                + ", ".join(valid)
            )
    return pair[0], pair[1]


def check_threshold(threshold: float) -> float:
    """A coverage threshold in (0, 1]."""
    if not 0 < float(threshold) <= 1:
        raise ParameterError(f"threshold must be a share in (0, 1], got {threshold!r}")
    return float(threshold)
