"""World Bank WDI files: the wide ``API_*`` download and the long ``Country,Code,Year,Value``
CSV."""

from __future__ import annotations

from collections.abc import Callable, Collection
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from compare.catalog import Source
from compare.errors import DataError
from compare.ingest.sources.base import (
    RECORD_COLUMNS,
    TextTable,
    bad_row_records,
    read_text_table,
    records,
    require_file,
    year_of_label,
)

#: Cells per block of the melt (4,096 rows of a 64-year file: a block stays in the CPU cache).
_BLOCK_CELLS = 1 << 18


def read_wide(source: Source, folder: Path, wanted: Collection[str] | None = None) -> pd.DataFrame:
    """Wide CSV (one column per year), with or without the 4-line preamble of the official
    download; DataBank exports (year labels such as ``2019 [YR2019]``, series in ``Series Code``)
    are accepted.

    One record per non-blank year cell, ordered by line, then column label. With ``wanted``
    (series codes, any case), rows of other series are not melted: their non-empty cells are
    only counted, in ``frame.attrs["rows_not_selected"]`` (the build's accounting), which is what
    makes a whole-WDI download cheap to read for the few series a catalog asks for."""
    frames = []
    not_selected = 0
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
        if wanted is not None:
            table, skipped = _select_series(table, sorted(year_columns), wanted)
            not_selected += skipped
        frames.append(_wide_records(table, name, sorted(year_columns), years, source))
        if table.bad_rows:
            frames.append(bad_row_records(table, name))
    frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
    frame.attrs["rows_not_selected"] = not_selected
    return frame


def _series_column(names: list[str]) -> str | None:
    """The official download names the series "Indicator Code", a DataBank export
    "Series Code"."""
    return next((c for c in ("Indicator Code", "Series Code") if c in names), None)


def _select_series(
    table: TextTable, year_columns: list[str], wanted: Collection[str]
) -> tuple[TextTable, int]:
    """The table's rows of the ``wanted`` series, and the number of non-empty year cells in the
    other rows (the records they would have given, but for cells of spaces only)."""
    import dataclasses  # noqa: PLC0415

    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    arrow = table.arrow
    if arrow is None:
        arrow = pa.Table.from_pandas(table.frame, preserve_index=False)
    column = _series_column(arrow.column_names)
    if column is None:  # one series per file: nothing to select
        return table, 0
    series = pc.utf8_lower(pc.utf8_trim_whitespace(arrow.column(column)))
    keep = np.asarray(pc.is_in(series, value_set=pa.array([w.lower() for w in wanted])))
    if keep.all():
        return table, 0
    skipped = int(_filled_per_row(arrow.select(year_columns))[~keep].sum())
    kept = arrow.filter(pa.array(keep))
    frame = pd.DataFrame(index=table.frame.index[keep])  # the melt needs only the line numbers
    return dataclasses.replace(table, frame=frame, arrow=kept), int(skipped)


def _filled_per_row(cells: Any) -> np.ndarray:
    """Non-empty cells per row, from the cells' lengths (one pyarrow kernel per column). Only
    used to count the values of series the catalog does not ask for: a cell holding nothing but
    spaces, which the melt would skip, counts as filled here."""
    import pyarrow.compute as pc  # noqa: PLC0415

    def one(column: Any) -> np.ndarray:
        return np.asarray(pc.greater(pc.binary_length(column), 0))

    filled = np.zeros(cells.num_rows, dtype=np.int64)
    with ThreadPoolExecutor(max_workers=2) as pool:  # the kernels release the GIL
        for part in pool.map(one, cells.columns):
            filled += part
    return filled


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
    series_column = _series_column(arrow.column_names)
    codes: dict[str, Any] = {}  # entity and series, dictionary-encoded

    def per_row() -> dict[str, np.ndarray]:
        """Line, entity and series of each row (while the cells' texts are being copied)."""
        code = pc.utf8_trim_whitespace(arrow.column("Country Code"))
        name_text = pc.utf8_trim_whitespace(arrow.column("Country Name"))
        entity = pc.if_else(pc.equal(code, ""), name_text, code)
        if series_column is not None:
            series = pc.utf8_trim_whitespace(arrow.column(series_column))
        else:
            series = pa.chunked_array([pa.array([source.series or ""] * rows, pa.large_string())])
        codes["entity"] = pc.dictionary_encode(entity).combine_chunks()
        codes["series"] = pc.dictionary_encode(series).combine_chunks()
        return {
            "raw_row": table.frame.index.to_numpy(),
            **{
                key: _small_codes(np.asarray(codes[key].indices), len(codes[key].dictionary))
                for key in ("entity", "series")
            },
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
            "entity": categories(melted["entity"], codes["entity"].dictionary.to_pylist()),
            "series": categories(melted["series"], codes["series"].dictionary.to_pylist()),
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


def _row_major_cells(cells: Any, per_row: Callable[[], dict[str, np.ndarray]]) -> dict[str, Any]:
    """The non-blank cells by row, then column: their column index, text, and the attributes of
    their row (``per_row()``: one array per attribute, one item per row).

    Block by block as parsed (the columns' chunks line up, and a block stays in the CPU cache):
    numpy finds the filled cells from the columns' offsets and lists them by row, then one
    pyarrow ``take`` copies their texts in that order, on a second thread (it releases the GIL)
    while the next block is listed."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    text_type = pa.large_string()
    if any(field.type != text_type for field in cells.schema):
        cells = cells.cast(pa.schema([(name, text_type) for name in cells.column_names]))
    width = cells.num_columns
    code_type = np.int8 if width <= 127 else np.int16
    block_rows = max(1, _BLOCK_CELLS // width)
    labels = np.tile(np.arange(width, dtype=code_type), block_rows)
    blocks = [
        batch.slice(offset, block_rows)
        for batch in cells.to_batches()
        for offset in range(0, batch.num_rows, block_rows)
    ]

    def order(block: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        size = block.num_rows
        filled = np.empty((width, size), dtype=bool)  # filled: length > 0
        for j, column in enumerate(block.columns):
            ends = np.frombuffer(column.buffers()[1], np.int64, size + 1, column.offset * 8)
            np.not_equal(ends[1:], ends[:-1], out=filled[j])
        filled = np.ascontiguousarray(filled.T)  # rows x columns: row-major
        count = np.count_nonzero(filled, axis=1)
        column_of = labels[: size * width][filled.ravel()]
        # Where each filled cell is in the block's columns laid end to end.
        where = column_of.astype(np.int32) * size + np.repeat(
            np.arange(size, dtype=np.int32), count
        )
        return count, column_of, where

    def take(block: Any, where: np.ndarray) -> Any:
        text = pc.take(pa.chunked_array(block.columns, text_type), where)
        text = text.chunk(0) if text.num_chunks == 1 else text.combine_chunks()
        return text, _whitespace_only(text)

    orders, texts = [], []
    with ThreadPoolExecutor(max_workers=1) as pool:
        for block in blocks:
            count, column_of, where = order(block)
            orders.append((count, column_of))
            texts.append(pool.submit(take, block, where))
        # While the last texts are copied: the attributes of each record's row.
        count = np.concatenate([np.zeros(0, np.int64)] + [part[0] for part in orders])
        melted: dict[str, Any] = {key: np.repeat(array, count) for key, array in per_row().items()}
        melted["column"] = np.concatenate([np.zeros(0, code_type)] + [part[1] for part in orders])
        taken = [future.result() for future in texts]
    melted["value"] = pa.chunked_array([text for text, _ in taken], text_type)
    if any(blank is not None for _, blank in taken):  # whitespace only: no value either
        keep = ~np.concatenate([np.zeros(len(t), bool) if b is None else b for t, b in taken])
        melted = {key: array[keep] for key, array in melted.items() if key != "value"} | {
            "value": melted["value"].filter(pa.array(keep))
        }
    return melted


def _whitespace_only(text: Any) -> np.ndarray | None:
    """Which texts (all non-empty) hold only whitespace; None when none does. Only those whose
    first byte could begin whitespace go through pyarrow's Unicode test."""
    import pyarrow as pa  # noqa: PLC0415
    import pyarrow.compute as pc  # noqa: PLC0415

    if not len(text):
        return None
    starts = np.frombuffer(text.buffers()[1], np.int64, len(text), text.offset * 8)
    first = np.frombuffer(text.buffers()[2], np.uint8)[starts]
    # ASCII controls and space (below "!"), or a non-ASCII lead byte (above "~").
    maybe = np.subtract(first, 0x21, dtype=np.uint8) > 0x7E - 0x21
    if not maybe.any():
        return None
    suspect = np.flatnonzero(maybe)
    spaces = np.asarray(pc.utf8_is_space(text.take(pa.array(suspect))))
    if not spaces.any():
        return None
    blank = np.zeros(len(text), dtype=bool)
    blank[suspect[spaces]] = True
    return blank


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
