"""Excel workbooks (.xlsx and old .xls) read with python-calamine, every cell as text."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from compare.errors import DataError


@dataclass(frozen=True)
class SheetTable:
    """A sheet below its header row, cells as text; index = 1-based spreadsheet row."""

    frame: pd.DataFrame
    header_row: int
    path: Path
    sheet: str


def cell_text(value: object) -> str:
    """A cell as text: empty for blanks, integral floats without '.0', others as written."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return str(value).strip()


def read_grid(path: Path, sheet: str | None = None) -> tuple[list[list[str]], str]:
    """All cells of one sheet (default: the first) as text rows."""
    from python_calamine import CalamineWorkbook  # noqa: PLC0415 - heavy, only when needed

    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for corrupt files
        raise DataError(f"not a readable Excel workbook ({exc})", file=str(path)) from exc
    names = workbook.sheet_names
    if not names:
        raise DataError("workbook has no sheets", file=str(path))
    name = sheet or names[0]
    if name not in names:
        raise DataError(f"sheet {name!r} missing (sheets: {', '.join(names)})", file=str(path))
    try:
        rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:
        raise DataError(f"sheet {name!r} cannot be read ({exc})", file=str(path)) from exc
    return [[cell_text(v) for v in row] for row in rows], name


def read_sheet(path: Path, required: tuple[str, ...], sheet: str | None = None) -> SheetTable:
    """The table under the first row (of the first 30) holding every ``required`` header;
    title rows above it are skipped, fully empty rows below it are dropped."""
    grid, name = read_grid(path, sheet)
    header_index = next(
        (i for i, row in enumerate(grid[:30]) if all(col in row for col in required)), None
    )
    if header_index is None:
        raise DataError(
            f"sheet {name!r}: no header row with {', '.join(map(repr, required))} in the first "
            "30 rows",
            file=str(path),
        )
    header = grid[header_index]
    seen: set[str] = set()
    for column in header:
        if column and column in seen:
            raise DataError(
                f"sheet {name!r}: duplicated column in header",
                file=str(path),
                row=header_index + 1,
                column=column,
            )
        seen.add(column)
    body = [
        (i + 1, row + [""] * (len(header) - len(row)))
        for i, row in enumerate(grid[header_index + 1 :], start=header_index + 1)
        if any(cell for cell in row)
    ]
    if not body:
        raise DataError(
            f"sheet {name!r}: no data rows below the header", file=str(path), row=header_index + 1
        )
    frame = pd.DataFrame([row[: len(header)] for _, row in body], columns=header, dtype=str)
    frame.index = pd.Index([line for line, _ in body], name="row")
    return SheetTable(frame, header_index + 1, path, name)
