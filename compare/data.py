"""``compare.load``: the tidy table for notebooks, filtered, with regions attached."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from compare import atomic
from compare.catalog import load_catalog
from compare.config import paths
from compare.errors import CompareError, ParameterError


@functools.lru_cache(maxsize=4)
def _read_table(path: str, mtime_ns: int) -> pd.DataFrame:
    return pd.read_parquet(path)


def table(home: str | Path | None = None) -> pd.DataFrame:
    """The whole processed table (cached until the file changes)."""
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


def _years(value: int | Iterable[int] | range | None) -> list[int] | None:
    if value is None:
        return None
    if isinstance(value, int):
        return [value]
    return [int(v) for v in value]


def load(
    indicators: str | Iterable[str] | None = None,
    *,
    years: int | Iterable[int] | None = None,
    countries: str | Iterable[str] | None = None,
    groups: str | Iterable[str] | None = None,
    classification: str = "m49",
    family: str | None = None,
    home: str | Path | None = None,
) -> pd.DataFrame:
    """The tidy table filtered by indicator(s), years, countries (ISO3 or names) and region
    group(s), with a ``region`` column from ``classification`` (default UN M49).

    >>> df = compare.load("internet_users_pct", years=2022,
    ...                   groups=["Europe", "Latin America & Caribbean"])
    """
    from compare import countries as country_names  # noqa: PLC0415
    from compare import regions  # noqa: PLC0415

    catalog = load_catalog()
    frame = table(home)
    wanted = _as_list(indicators)
    if wanted:
        for indicator in wanted:
            catalog.indicator(indicator)  # raises with the list of valid ids
        frame = frame[frame["indicator"].isin(wanted)]
    if family:
        catalog.by_family(family)
        frame = frame[frame["family"] == family]
    year_list = _years(years)
    if year_list is not None:
        frame = frame[frame["year"].isin(year_list)]
    wanted_countries = _as_list(countries)
    if wanted_countries:
        codes = country_names.to_iso3(wanted_countries, warn=False)
        unknown = [c for c, code in zip(wanted_countries, codes, strict=True) if code is None]
        if unknown:
            raise ParameterError(
                f"unknown country {', '.join(map(repr, unknown))}; use ISO3 codes or names, "
                "e.g. ESP, 'Brazil', 'México'"
            )
        frame = frame[frame["iso3"].isin(codes)]
    frame = frame.copy()
    frame["region"] = _regions(frame, classification)
    wanted_groups = _as_list(groups)
    if wanted_groups:
        valid = regions.groups(classification)
        unknown = [g for g in wanted_groups if g not in valid]
        if unknown:
            raise ParameterError(
                f"unknown group {', '.join(map(repr, unknown))} in classification "
                f"{classification!r}; valid groups: {', '.join(valid)}"
            )
        frame = frame[frame["region"].isin(wanted_groups)]
    return frame.reset_index(drop=True)


def _regions(frame: pd.DataFrame, classification: str) -> pd.Series:
    """Group of each row; membership can depend on the year (e.g. EU27 accession)."""
    from compare import regions  # noqa: PLC0415

    region = pd.Series(None, index=frame.index, dtype="object")
    for year, rows in frame.groupby("year", sort=False):
        region[rows.index] = regions.region_of(list(rows["iso3"]), classification, int(year))
    return region
