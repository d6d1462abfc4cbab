"""The country values behind a region comparison: members of a group in a year, their value of
one indicator and their population (the weight), and the population coverage of the data.

Values whose flag is one that a catalog ``placeholder_zeros`` rule puts on values (e.g. the zeros
that the World Bank and ITU put before 2000 for internet use, see the source's PROVENANCE.md, or
the UN survey's Human Capital Index of 0 where it had no education data), or one of
:data:`NOT_MEASURED_FLAGS`, are not measurements: they are left out of every statistic, and the
panel keeps them apart so that notes can say which countries and years were left out.

Importing this module is cheap (pandas is imported inside the functions).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from compare.errors import ParameterError
from compare.geo import regions
from compare.text.words import years_text

if TYPE_CHECKING:
    import pandas as pd

#: the indicator whose value of the same year weights a country
POPULATION = "population"
#: flags (one of the ``;``-separated parts of ``flag``) that mean "not a measurement", beyond the
#: flags of the catalog's ``placeholder_zeros`` rules (:func:`not_measured_flags`)
NOT_MEASURED_FLAGS: tuple[str, ...] = ()
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
    exclude_flags: tuple[str, ...] = ()
    _cache: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def years(self) -> list[int]:
        """Years with at least one (measured) value of the indicator (anywhere), ascending."""
        return sorted(self.values)

    def rows(self, group: str, classification: str, year: int) -> pd.DataFrame:
        """Every member of ``group`` in ``year`` (one row each; value/population NaN if none;
        ``left_out`` True where the member's value was left out as not a measurement). Built
        once per group-year and membership (the comparison, the trend, the convergence and, in a
        report run, each language of the report ask for the same ones); each call gets its own
        shallow copy (copy-on-write: changing it never changes the panel's)."""
        members = regions.members(group, classification, year)
        key = ("rows", group, classification, int(year), tuple(members))
        if key not in self._cache:
            self._cache[key] = self._rows(group, members, int(year))
        return self._cache[key].copy(deep=False)

    def _rows(self, group: str, members: list[str], year: int) -> pd.DataFrame:
        import pandas as pd  # noqa: PLC0415

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

    def coverage(self, group: str, classification: str, year: int) -> Coverage:
        """:func:`coverage` of :meth:`rows` without building the frame (plain dicts, cached per
        year): the year loops of the rule and of the profiles call it for every year."""
        values, population, left_out = self._lookups(int(year))
        members = regions.members(group, classification, year)
        with_data = [m for m in members if m in values]
        no_pop = [m for m in members if m not in population]
        total = sum(population[m] for m in members if m in population)
        covered = sum(population[m] for m in with_data if m in population)
        return Coverage(
            group=group,
            year=int(year),
            n_members=len(members),
            n_with_data=len(with_data),
            members_without=sorted(m for m in members if m not in values),
            no_population=sorted(no_pop),
            data_no_population=sorted(m for m in with_data if m not in population),
            population_total=float(total),
            population_covered=float(covered),
            share=covered / total if total > 0 else None,
            with_data=sorted(with_data),
            left_out=sorted(m for m in members if m in left_out),
        )

    def measured(self, group: str, classification: str, year: int) -> list[float]:
        """The measured values of the members of ``group`` in ``year`` (members in code order)."""
        values = self._lookups(int(year))[0]
        return [values[m] for m in regions.members(group, classification, year) if m in values]

    def _lookups(self, year: int) -> tuple[dict[str, float], dict[str, float], set[str]]:
        """Values (measured, not NaN), population and the codes left out in ``year``."""
        if year not in self._cache:
            found = self.values.get(year)
            values = {} if found is None else found["value"].dropna().astype(float).to_dict()
            pop = self.population.get(year)
            population = {} if pop is None else pop.dropna().astype(float).to_dict()
            dropped = self.left_out.get(year)
            self._cache[year] = (
                values,
                population,
                set() if dropped is None else set(dropped.index),
            )
        return self._cache[year]


def not_measured_flags(indicators: Iterable[str] | None = None) -> tuple[str, ...]:
    """The flags that mark values of ``indicators`` (None: of any indicator) as not
    measurements: those of their catalog ``placeholder_zeros`` rules (a derived indicator: its
    operands' rules) and :data:`NOT_MEASURED_FLAGS`."""
    from compare.catalog import load_catalog  # noqa: PLC0415

    catalog = load_catalog()
    if indicators is None:
        found = list(catalog.placeholder_flags)
    else:
        metas = [catalog.indicator(i) for i in indicators]
        metas += [catalog.indicator(o) for m in metas for o in m.operands]
        found = [m.placeholder_zeros.flag for m in metas if m.placeholder_zeros is not None]
    return tuple(dict.fromkeys([*sorted(found), *NOT_MEASURED_FLAGS]))


def not_measured(flags: pd.Series, exclude: Iterable[str] | None = None) -> pd.Series:
    """True where a ``;``-separated flag names one of ``exclude`` (None: every flag of
    :func:`not_measured_flags`)."""
    exclude = not_measured_flags() if exclude is None else exclude
    wanted = set(exclude)
    return flags.fillna("").astype(str).map(lambda text: bool(wanted & set(text.split(";"))))


def read_panels(
    indicators: Iterable[str],
    home: str | Path | None = None,
    *,
    exclude_flags: Iterable[str] | None = None,
) -> dict[str, Panel]:
    """Panels of several indicators from the processed table of ``home``, sharing one
    population index. Values flagged with one of ``exclude_flags`` (default: the flags of
    :func:`not_measured_flags`) are set apart in :attr:`Panel.left_out`, population included."""
    from compare.catalog import load_catalog  # noqa: PLC0415
    from compare.data import table  # noqa: PLC0415

    wanted = list(dict.fromkeys(indicators))
    catalog = load_catalog()
    for indicator in wanted:
        catalog.indicator(indicator)  # unknown ids raise with the list of valid ones
    flags = tuple(not_measured_flags() if exclude_flags is None else exclude_flags)
    stored = {o for i in wanted for o in (catalog.indicator(i).operands or (i,))}
    source = table(home, reads=[*stored, POPULATION])  # logged for the report runner
    version = _version(home)
    found: dict[str, Panel] = {}
    for indicator in wanted:
        key = (version, indicator, flags, exclude_flags is None, NOT_MEASURED_FLAGS)
        if key not in _PANELS:
            missing = [i for i in wanted if (version, i, *key[2:]) not in _PANELS]
            _remember(source, version, missing, flags, exclude_flags is None)
        found[indicator] = _PANELS[key]
    return found


def _version(home: str | Path | None) -> tuple[str, int, int]:
    """The processed table's file, modification time and size: one version of the table."""
    from compare.config import paths  # noqa: PLC0415

    path = paths(home).indicators
    stat = path.stat()
    return str(path), stat.st_mtime_ns, stat.st_size


#: panels already read, by (version of the processed table, indicator, flags ...)
_PANELS: dict[tuple, Panel] = {}
_PANELS_KEPT = 400


def _remember(
    source: pd.DataFrame,
    version: tuple[str, int, int],
    wanted: list[str],
    flags: tuple[str, ...],
    default_flags: bool,
) -> None:
    """Read the panels of ``wanted`` from ``source`` into :data:`_PANELS`."""
    from compare.catalog import load_catalog  # noqa: PLC0415
    from compare.derived import add_derived  # noqa: PLC0415

    frame = add_derived(source, wanted, load_catalog())  # derived indicators: computed, not stored
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
    if len(_PANELS) > _PANELS_KEPT:
        _PANELS.clear()
    for indicator in wanted:
        key = (version, indicator, flags, default_flags, NOT_MEASURED_FLAGS)
        _PANELS[key] = Panel(
            indicator,
            _by_year(kept.get(indicator)),
            population,
            _by_year(apart.get(indicator)),
            not_measured_flags([indicator]) if default_flags else flags,
        )


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
    """Coverage of one group-year from :meth:`Panel.rows` (on the columns' arrays: the year
    loops of comparisons, trends and profiles call it for every group-year)."""
    import numpy as np  # noqa: PLC0415

    iso3 = rows["iso3"].to_numpy(object)
    value = rows["value"].to_numpy(float, na_value=np.nan)
    population = rows["population"].to_numpy(float, na_value=np.nan)
    has_value, has_pop = ~np.isnan(value), ~np.isnan(population)
    total = float(population[has_pop].sum())
    covered = float(population[has_value & has_pop].sum())
    left_out = iso3[rows["left_out"].astype(bool).to_numpy()] if "left_out" in rows else []
    return Coverage(
        group=str(rows["group"].iloc[0]) if len(rows) else "",
        year=int(rows["year"].iloc[0]) if len(rows) else 0,
        n_members=len(rows),
        n_with_data=int(has_value.sum()),
        members_without=sorted(iso3[~has_value]),
        no_population=sorted(iso3[~has_pop]),
        data_no_population=sorted(iso3[has_value & ~has_pop]),
        population_total=total,
        population_covered=covered,
        share=covered / total if total > 0 else None,
        with_data=sorted(iso3[has_value]),
        left_out=sorted(left_out),
    )


def check_threshold(threshold: float) -> float:
    """A coverage threshold in (0, 1]."""
    if not 0 < float(threshold) <= 1:
        raise ParameterError(f"threshold must be a share in (0, 1], got {threshold!r}")
    return float(threshold)
