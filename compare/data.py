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
) -> pd.DataFrame:
    """The tidy table filtered by indicator(s), years, countries (ISO3 or names) and region
    group(s), with a ``region`` column from ``classification`` (default UN M49). Rows of derived
    indicators (catalog ``derive:``) are computed on the way (:mod:`compare.derived`); their
    ``raw_file`` / ``raw_row`` / ``raw_column`` name both raw cells, ``a;b``.

    >>> df = compare.load("internet_users_pct", years=2022,
    ...                   groups=["Europe", "Latin America & Caribbean"])
    """
    from compare.geo import countries as country_names  # noqa: PLC0415
    from compare.geo import regions  # noqa: PLC0415

    catalog = load_catalog()
    year_list = as_years(years)
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
    frame["region"] = _regions(frame, classification)
    wanted_groups = _as_list(groups)
    if wanted_groups:
        regions.check_groups(wanted_groups, classification)
        frame = frame[frame["region"].isin(wanted_groups)]
    return frame.reset_index(drop=True)


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
