"""UN SDG Global Database CSV exports (the 67-column layout of unstats.un.org/sdgs/dataportal).

One record per line: entity = ``GeoAreaCode`` (UN M49 numeric; the harmoniser maps country codes
to ISO3 through the reference tables and region codes to aggregates), year = ``TimePeriod``,
value = ``Value``. The series key is ``SeriesCode`` with the line's dimension values
(:func:`compare.catalog.series_key`), e.g. ``SE_ADT_ACTS[Sex=FEMALE; Type of skill=SOFT]``:
a catalog indicator declares the dimension values it takes, and lines of any other combination
match no indicator, so the build counts them as not selected.

The key holds every dimension the catalog declares for the source's indicators (those columns
must be in the header: a missing one is a DataError naming it) and every other dimension column
that is filled on the line (so that an undeclared breakdown, e.g. an age group, is never taken
for the total). Columns that describe a value rather than classify it (:data:`NOT_DIMENSIONS`)
are not part of the key; a filled ``Nature`` is carried as a flag (``nature_E``: estimated).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

import pandas as pd

from compare.catalog import Source
from compare.errors import DataError
from compare.ingest.sources.base import bad_row_records, read_text_table, records, require_file

#: Columns every export has (the header is found by them).
REQUIRED = ("SeriesCode", "GeoAreaCode", "TimePeriod", "Value")

#: Identification, metadata and attribute columns of the export: never part of a series key.
NOT_DIMENSIONS = frozenset(
    {
        "ID", "Goal", "Target", "Indicator", "ReleaseStatus", "ReleaseName", "SeriesID",
        "SeriesCode", "isDSDSeries", "SeriesDescription", "SeriesObservationCount",
        "GeoAreaCode", "GeoAreaName", "TimePeriod", "Value", "ValueType", "Time_Detail",
        "TimeCoverage", "UpperBound", "LowerBound", "BasePeriod", "Source", "GeoInfoUrl",
        "FootNote", "ObservationID", "Nature", "UnitMultiplier", "Units", "Observation Status",
    }
)  # fmt: skip


def declared_dimensions(wanted: Collection[str]) -> list[str]:
    """Dimension names in series keys such as ``SE_ADT_ACTS[Sex=FEMALE; Type of skill=SOFT]``."""
    names: set[str] = set()
    for key in wanted:
        inside = key.partition("[")[2].rstrip("]")
        names.update(part.split("=", 1)[0].strip() for part in inside.split(";") if "=" in part)
    return sorted(names)


def read_sdg(source: Source, folder: Path, wanted: Collection[str] | None = None) -> pd.DataFrame:
    """Records of every line of every file; ``wanted``: the series keys the catalog asks for
    (their dimension columns must be present)."""
    declared = declared_dimensions(wanted or ())
    frames = []
    for name in source.files:
        table = read_text_table(require_file(folder, name), REQUIRED)
        frame = table.frame
        missing = [column for column in declared if column not in frame.columns]
        if missing:
            raise DataError(
                f"header lacks dimension column(s) {', '.join(map(repr, missing))} that the "
                "catalog's indicators take",
                file=str(table.path),
                row=table.header_row,
                column=missing[0],
            )
        nature = frame["Nature"].str.strip() if "Nature" in frame.columns else None
        frames.append(
            records(
                pd.DataFrame(
                    {
                        "raw_file": name,
                        "raw_row": frame.index.to_numpy(),
                        "raw_column": "Value",
                        "entity": frame["GeoAreaCode"].str.strip().to_numpy(),
                        "series": _keys(frame, declared).to_numpy(),
                        "year": frame["TimePeriod"].to_numpy(),
                        "value": frame["Value"].to_numpy(),
                        "flag": "" if nature is None else ("nature_" + nature).where(nature != ""),
                    }
                ).fillna({"flag": ""})
            )
        )
        frames.append(bad_row_records(table, name))
    return pd.concat(frames, ignore_index=True)


def _keys(frame: pd.DataFrame, declared: list[str]) -> pd.Series:
    """The series key of every line (dimension names sorted, as :func:`series_key` does)."""
    dimensions = sorted({c for c in frame.columns if c and c not in NOT_DIMENSIONS} | set(declared))
    parts = pd.Series("", index=frame.index, dtype=object)
    for column in dimensions:
        value = frame[column].str.strip()
        filled = value != ""
        if filled.any():
            parts = parts.where(~filled, parts + "; " + column + "=" + value)
    parts = parts.str.removeprefix("; ")
    series = frame["SeriesCode"].str.strip()
    return series.where(parts == "", series + "[" + parts + "]")
