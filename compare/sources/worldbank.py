"""World Bank WDI files: the wide ``API_*`` download and the long ``Country,Code,Year,Value``
CSV."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from compare.catalog import Source
from compare.errors import DataError
from compare.sources.base import (
    RECORD_COLUMNS,
    TextTable,
    bad_row_records,
    read_text_table,
    records,
    require_file,
    year_of_label,
)

_BLOCK_ROWS = 32768


def read_wide(source: Source, folder: Path) -> pd.DataFrame:
    """Wide CSV (one column per year), with or without the 4-line preamble of the official
    download; DataBank exports (year labels such as ``2019 [YR2019]``, series in ``Series Code``)
    are accepted.

    One record per non-blank year cell, ordered by line, then column label."""
    frames = []
    for name in source.files:
        table = read_text_table(require_file(folder, name), ("Country Name", "Country Code"))
        years = {col: year_of_label(col) for col in table.frame.columns}
        year_columns = [col for col, year in years.items() if year is not None]
        if not year_columns:
            raise DataError(
                "no year columns (e.g. 2019 or '2019 [YR2019]') in header",
                file=str(table.path),
                row=table.header_row,
            )
        by_year: dict[int | None, str] = {}
        for col in year_columns:
            if years[col] in by_year:
                raise DataError(
                    f"columns {by_year[years[col]]!r} and {col!r} both hold year {years[col]}",
                    file=str(table.path),
                    row=table.header_row,
                    column=col,
                )
            by_year[years[col]] = col
        frames.append(_wide_records(table, name, sorted(year_columns), years, source))
        if table.bad_rows:
            frames.append(bad_row_records(table, name))
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _wide_records(
    table: TextTable,
    name: str,
    year_columns: list[str],
    years: dict[str, int | None],
    source: Source,
) -> pd.DataFrame:
    """Melt the year columns with pyarrow and numpy: no Python object per cell.

    Texts repeated across records (file, column label, year, entity, series, flag) come back as
    pandas categoricals; values as strings, exactly as written."""
    import pyarrow as pa  # noqa: PLC0415 - heavy, and only needed here
    import pyarrow.compute as pc  # noqa: PLC0415

    arrow = table.arrow
    if arrow is None:
        arrow = pa.Table.from_pandas(table.frame, preserve_index=False)
    rows = arrow.num_rows
    code = pc.utf8_trim_whitespace(arrow.column("Country Code"))
    name_text = pc.utf8_trim_whitespace(arrow.column("Country Name"))
    entity = pc.dictionary_encode(pc.if_else(pc.equal(code, ""), name_text, code)).combine_chunks()
    # The official download names the series "Indicator Code", a DataBank export "Series Code".
    series_column = next(
        (c for c in ("Indicator Code", "Series Code") if c in arrow.column_names), None
    )
    if series_column is not None:
        series_text = pc.utf8_trim_whitespace(arrow.column(series_column))
    else:
        series_text = pa.chunked_array([pa.array([source.series or ""] * rows, pa.large_string())])
    series = pc.dictionary_encode(series_text).combine_chunks()
    per_row = {
        "raw_row": table.frame.index.to_numpy(),
        "entity": _small_codes(np.asarray(entity.indices), len(entity.dictionary)),
        "series": _small_codes(np.asarray(series.indices), len(series.dictionary)),
    }
    cells = arrow.select(year_columns)  # in label order, as the records
    melted = _row_major_cells(cells, per_row)

    def categories(codes: np.ndarray, texts: Any) -> pd.Categorical:
        dtype = pd.CategoricalDtype(pd.Index(texts, dtype="str"))
        return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)

    count = len(melted["column"])
    zeros = np.zeros(count, np.int8)
    return pd.DataFrame(
        {
            "raw_file": categories(zeros, [name]),
            "raw_row": melted["raw_row"],
            "raw_column": categories(melted["column"], year_columns),
            "entity": categories(melted["entity"], entity.dictionary.to_pylist()),
            "series": categories(melted["series"], series.dictionary.to_pylist()),
            "year": categories(melted["column"], [str(years[label]) for label in year_columns]),
            "value": pd.arrays.ArrowStringArray(
                melted["value"], dtype=pd.StringDtype("pyarrow", na_value=np.nan)
            ),
            "flag": categories(zeros, [""]),
            "problem": categories(zeros, [""]),
        },
        columns=list(RECORD_COLUMNS),
        copy=False,
    )


def _small_codes(codes: np.ndarray, categories: int) -> np.ndarray:
    """Category codes in the smallest integer type that holds them (less memory to move)."""
    for kind in (np.int8, np.int16, np.int32):
        if categories <= np.iinfo(kind).max:
            return codes.astype(kind)
    return codes


def _row_major_cells(cells: Any, per_row: dict[str, np.ndarray]) -> dict[str, Any]:
    """The non-blank cells by row, then column: their column index, text, and the ``per_row``
    attributes of their row. Gathered in blocks of rows (the columns being read stay in the CPU
    cache), one block per core at a time."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    kind = cells.schema[0].type
    code_type = np.int8 if cells.num_columns <= 127 else np.int16

    def gather(start: int) -> dict[str, Any]:
        block = cells.slice(start, _BLOCK_ROWS)
        size = block.num_rows
        filled = np.empty((size, block.num_columns), dtype=bool)
        for j, column in enumerate(block.columns):
            filled[:, j] = np.asarray(pc.greater(pc.binary_length(column), 0))
        row, col = np.nonzero(filled)  # row-major
        texts = pa.chunked_array([chunk for c in block.columns for chunk in c.chunks], kind)
        value = pc.take(texts, pa.array(col * size + row))
        blank = np.asarray(pc.utf8_is_space(value))  # whitespace only: no value either
        if blank.any():
            row, col, value = row[~blank], col[~blank], value.filter(pa.array(~blank))
        part = {key: array[start:][row] for key, array in per_row.items()}
        return {"column": col.astype(code_type), "value": value.chunks, **part}

    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        parts = list(pool.map(gather, range(0, cells.num_rows, _BLOCK_ROWS)))
    empty = {"column": np.zeros(0, code_type), "value": []}
    empty |= {key: array[:0] for key, array in per_row.items()}
    parts = [empty, *parts]
    melted: dict[str, Any] = {
        key: np.concatenate([part[key] for part in parts]) for key in empty if key != "value"
    }
    melted["value"] = pa.chunked_array([c for part in parts for c in part["value"]], kind)
    return melted


def read_long(source: Source, folder: Path) -> pd.DataFrame:
    """Long CSV ``Country Name, Country Code, Year, Value``
    (datasets/world-development-indicators)."""
    frames = []
    for name in source.files:
        table = read_text_table(
            require_file(folder, name), ("Country Name", "Country Code", "Year", "Value")
        )
        frame = table.frame
        entity = frame["Country Code"].str.strip()
        entity = entity.where(entity != "", frame["Country Name"].str.strip())
        frames.append(
            records(
                pd.DataFrame(
                    {
                        "raw_file": name,
                        "raw_row": frame.index.to_numpy(),
                        "raw_column": "Value",
                        "entity": entity.to_numpy(),
                        "series": source.series or "",
                        "year": frame["Year"].to_numpy(),
                        "value": frame["Value"].to_numpy(),
                    }
                )
            )
        )
        frames.append(bad_row_records(table, name))
    return pd.concat(frames, ignore_index=True)
