"""``compare.load``: the tidy table for notebooks, filtered, with regions attached."""

from __future__ import annotations

import functools
import numbers
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from compare.catalog import load_catalog
from compare.config import paths
from compare.derived import add_derived
from compare.errors import CompareError, ParameterError
from compare.storage import atomic
from compare.storage.reads import note as note_reads


@functools.lru_cache(maxsize=4)
def _read_table(path: str, mtime_ns: int) -> pd.DataFrame:
    return pd.read_parquet(path)


def table(home: str | Path | None = None, *, reads: Iterable[str] | None = None) -> pd.DataFrame:
    """The whole processed table (cached until the file changes). ``reads``: the indicators the
    caller will use (logged for the report runner, :mod:`compare.storage.reads`; None: all)."""
    note_reads("indicator", None if reads is None else list(reads))
    where = paths(home)
    atomic.recover_directory(where.processed)
    path = where.indicators
    if not path.is_file():
        raise CompareError(
            f"no processed data at {path}: run `compare build` (after `compare fetch --from DIR`)"
        )
    return _read_table(str(path), path.stat().st_mtime_ns)


def _as_list(value: str | Iterable[str] | None) -> list[str] | None:
    if value is None:
        return None
    return [value] if isinstance(value, str) else list(value)


def as_years(years: Any) -> list[int] | None:
    """A year filter as a sorted list of distinct years (None stays None: no filter).

    Accepts one year (an ``int`` or any :class:`numbers.Integral`, e.g. ``numpy.int64``) or an
    iterable of them (list, tuple, set, range, numpy array, pandas Series). Text, booleans and
    floats are refused with a :class:`ParameterError`: ``"2022"`` is not read as a year.
    """
    if years is None:
        return None
    if _is_year(years):
        return [int(years)]
    if isinstance(years, str | bytes) or not isinstance(years, Iterable):
        raise ParameterError(_year_message(years))
    found = list(years)
    bad = [y for y in found if not _is_year(y)]
    if bad:
        raise ParameterError(_year_message(bad[0]))
    return sorted({int(y) for y in found})


def _is_year(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _year_message(value: Any) -> str:
    return (
        "years must be a year (a whole number such as 2022) or a list or range of years "
        f"(e.g. [2015, 2022] or range(2010, 2023)); got {value!r} ({type(value).__name__})"
    )


def load(
    indicators: str | Iterable[str] | None = None,
    *,
    years: int | Iterable[int] | range | None = None,
    countries: str | Iterable[str] | None = None,
    groups: str | Iterable[str] | None = None,
    classification: str = "m49",
    family: str | None = None,
    home: str | Path | None = None,
    allow_empty: bool = False,
) -> pd.DataFrame:
    """The tidy table filtered by indicator(s), years, countries (ISO3 or names) and region
    group(s), with a ``region`` column from ``classification`` (default UN M49). Rows of derived
    indicators (catalog ``derive:``) are computed on the way (:mod:`compare.derived`); their
    ``raw_file`` / ``raw_row`` / ``raw_column`` name both raw cells, ``a;b``.

    ``groups`` may name groups of other classifications as ``"CLASSIFICATION:GROUP"``
    (``["eu27:EU27", "m49_intermediate:South America"]``); ``region`` is then the group, as
    named, that the country belongs to that year (a country in two of the groups gets one row
    per group).

    An indicator asked for that has no row in the ``years`` asked (under the other filters) is
    a ParameterError listing the years that have rows; ``allow_empty=True`` returns the empty
    frame instead.

    >>> df = compare.load("internet_users_pct", years=2022,
    ...                   groups=["Europe", "Latin America & Caribbean"])
    """
    year_list = as_years(years)
    filters = {"countries": countries, "groups": groups, "classification": classification,
               "family": family, "home": home}  # fmt: skip
    frame = _filtered(indicators, year_list, **filters)
    if year_list is not None and not allow_empty:
        _check_not_empty(frame, indicators, year_list, **filters)
    return frame


def _filtered(
    indicators: str | Iterable[str] | None,
    year_list: list[int] | None,
    *,
    countries: str | Iterable[str] | None,
    groups: str | Iterable[str] | None,
    classification: str,
    family: str | None,
    home: str | Path | None,
) -> pd.DataFrame:
    """The rows of :func:`load` (no check that the years asked have rows)."""
    from compare.geo import countries as country_names  # noqa: PLC0415
    from compare.geo import regions  # noqa: PLC0415

    catalog = load_catalog()
    wanted = _as_list(indicators)
    for indicator in wanted or ():
        catalog.indicator(indicator)  # raises with the list of valid ids
    # derived indicators (e.g. gender gaps) are computed from the kept values, never stored
    frame = add_derived(table(home, reads=_reads_of(wanted, family, catalog)), wanted, catalog)
    if wanted:
        frame = frame[frame["indicator"].isin(wanted)]
    if family:
        catalog.by_family(family)
        frame = frame[frame["family"] == family]
    if year_list is not None:
        frame = frame[frame["year"].isin(year_list)]
    wanted_countries = _as_list(countries)
    if wanted_countries:
        frame = frame[frame["iso3"].isin(country_names.require_iso3(wanted_countries))]
    frame = frame.copy()
    wanted_groups = _as_list(groups)
    if not wanted_groups:
        frame["region"] = _regions(frame, classification)
        return frame.reset_index(drop=True)
    chosen = regions.check_groups(wanted_groups, classification)
    return _in_groups(frame, chosen, classification)


def _in_groups(frame: pd.DataFrame, chosen: tuple[str, ...], classification: str) -> pd.DataFrame:
    """The rows of members of the ``chosen`` groups, ``region`` = the group as named (one row per
    group a country belongs to in that year)."""
    from compare.geo import regions  # noqa: PLC0415

    years = [int(y) for y in frame["year"].unique()]
    pairs = list(zip(frame["year"].astype(int), frame["iso3"], strict=True))
    parts = []
    for group in chosen:
        members = {year: set(regions.members(group, classification, year)) for year in years}
        inside = [iso3 in members[year] for year, iso3 in pairs]
        parts.append(frame[inside].assign(region=group))
    if not parts:
        return frame.iloc[0:0].assign(region=None).reset_index(drop=True)
    out = pd.concat(parts) if len(parts) > 1 else parts[0]
    return out.sort_index(kind="stable").reset_index(drop=True)


def _check_not_empty(
    frame: pd.DataFrame,
    indicators: str | Iterable[str] | None,
    year_list: list[int],
    *,
    countries: str | Iterable[str] | None,
    groups: str | Iterable[str] | None,
    classification: str,
    family: str | None,
    home: str | Path | None,
) -> None:
    """A ParameterError naming each indicator asked for that has no row in ``year_list``, with
    the years that have rows under the same filters."""
    from compare.text.words import years_text  # noqa: PLC0415

    wanted = _as_list(indicators) or [None]
    present = set(frame["indicator"])
    empty = [i for i in wanted if (i is None and frame.empty) or (i and i not in present)]
    if not empty:
        return
    every = _filtered(
        indicators, None, countries=countries, groups=groups, classification=classification,
        family=family, home=home,
    )  # fmt: skip
    parts = []
    for indicator in empty:
        rows = every if indicator is None else every[every["indicator"] == indicator]
        found = sorted({int(y) for y in rows["year"]})
        name = indicator or "the selection"
        parts.append(f"{name}: years with data {years_text(found) if found else 'none'}")
    where = " for the countries and groups asked" if countries or groups else ""
    raise ParameterError(
        f"no rows in {years_text(year_list)}{where} ({'; '.join(parts)}); pass "
        "allow_empty=True to get an empty table instead"
    )


def _reads_of(wanted: list[str] | None, family: str | None, catalog: Any) -> list[str] | None:
    """The stored indicators a load uses: the ones asked for (a derived one: its operands), or
    a family's; None for the whole table."""
    if wanted is None and family is None:
        return None
    chosen = wanted if wanted is not None else [i.id for i in catalog.by_family(family)]
    return sorted({o for i in chosen for o in (catalog.indicator(i).operands or (i,))})


def _regions(frame: pd.DataFrame, classification: str) -> pd.Series:
    """Group of each row; membership can depend on the year (e.g. EU27 accession)."""
    from compare.geo import regions  # noqa: PLC0415

    region = pd.Series(None, index=frame.index, dtype="object")
    for year, rows in frame.groupby("year", sort=False):
        region[rows.index] = regions.region_of(list(rows["iso3"]), classification, int(year))
    return region
