"""ITU "Key ICT indicators" tables (old .xls): a two-row header, values stored as text."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from compare.catalog import Source
from compare.errors import DataError
from compare.ingest.sources.base import records, require_file
from compare.ingest.sources.excel import read_grid

#: (group label, sub-label) in the header -> series key of the catalog
_SERIES = {
    ("all", "individuals"): "all",
    ("gender", "male"): "male",
    ("gender", "female"): "female",
    ("urban", "total"): "urban",
    ("urban", "male"): "urban_male",
    ("urban", "female"): "urban_female",
    ("rural", "total"): "rural",
    ("rural", "male"): "rural_male",
    ("rural", "female"): "rural_female",
}


def _header(grid: list[list[str]], path: Path) -> tuple[int, int, int, dict[int, str]]:
    """Row of 'Economy name', its column, the year column and value columns -> series."""
    for r, row in enumerate(grid[:20]):
        if "Economy name" in row:
            name_col = row.index("Economy name")
            group_row = grid[r - 1] if r else []
            year_col = next((c for c, cell in enumerate(row) if cell.lower() == "year"), None)
            if year_col is None:
                raise DataError("no 'year' column under 'Latest'", file=str(path), row=r + 1)
            columns: dict[int, str] = {}
            group = ""
            for c, sub in enumerate(row):
                label = group_row[c].strip().lower() if c < len(group_row) else ""
                group = label or group
                key = _SERIES.get((group, sub.strip().lower()))
                if key:
                    columns[c] = key
            if not columns:
                raise DataError(
                    "no value columns recognised in the header", file=str(path), row=r + 1
                )
            return r, name_col, year_col, columns
    raise DataError("no header row with 'Economy name' in the first 20 rows", file=str(path))


def read_key_ict_table(source: Source, folder: Path) -> pd.DataFrame:
    """One record per economy and value column; the data end at the first row without a name
    (the footnotes below are not data)."""
    rows = []
    for name in source.files:
        path = require_file(folder, name)
        grid, _ = read_grid(path, source.options.get("sheet"))
        header_index, name_col, year_col, columns = _header(grid, path)
        for r in range(header_index + 1, len(grid)):
            row = grid[r] + [""] * 64
            economy = row[name_col].strip()
            if not economy:
                break
            for c, series in columns.items():
                rows.append(
                    {
                        "raw_file": name,
                        "raw_row": r + 1,
                        "raw_column": f"{series} (column {c + 1})",
                        "entity": economy,
                        "series": series,
                        "year": row[year_col],
                        "value": row[c],
                    }
                )
        if not rows or rows[-1]["raw_file"] != name:
            raise DataError("no data rows below the header", file=str(path), row=header_index + 1)
    return records(rows)
