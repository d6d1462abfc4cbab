"""What every reader returns, and the file-level checks they share.

A reader turns the files of one source folder into *records*: one row per value slot found in the
file (a cell of a wide table, a line of a long table), still raw: country as written, series key
as the source names it, year and value as text. Rows the reader cannot even place (a line with the
wrong number of fields) come back as records too, with ``problem`` set, so that nothing read is
ever lost: the build quarantines them with that reason.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from compare.errors import DataError

#: Columns of the frame every reader returns.
RECORD_COLUMNS = (
    "raw_file",  # file name inside the source folder
    "raw_row",  # 1-based row number as a spreadsheet or text editor shows it
    "raw_column",  # the column the value came from
    "entity",  # country name or code, as written
    "series",  # the source's own series key (matched against catalog `series`)
    "year",  # as written
    "value",  # as written (text) or a number
    "flag",  # flags carried from the source (e.g. "not_assessed")
    "problem",  # non-empty: the record cannot be used, and why (quarantined)
)

_YEAR_LABEL = re.compile(r"^\s*(\d{4})(?:\s*\[YR\d{4}\])?\s*$")


@dataclass(frozen=True)
class TextTable:
    """A delimited text file read as strings, with where its header was."""

    frame: pd.DataFrame  # every cell as str ("" for empty); index = 1-based line number
    header_row: int  # 1-based line of the header
    bad_rows: list[tuple[int, str]]  # (line, reason) for lines that could not be split
    path: Path
    encoding: str
    delimiter: str


def records(rows: list[dict[str, object]] | pd.DataFrame) -> pd.DataFrame:
    """A records frame with exactly :data:`RECORD_COLUMNS` (missing ones filled)."""
    frame = pd.DataFrame(rows) if not isinstance(rows, pd.DataFrame) else rows.copy()
    for column in RECORD_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    return frame.loc[:, list(RECORD_COLUMNS)].reset_index(drop=True)


def require_file(folder: Path, name: str) -> Path:
    """``folder/name``, or a DataError saying the file is missing from the source folder."""
    path = folder / name
    if not path.is_file():
        present = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
        raise DataError(
            f"file missing from source folder {folder} (present: {', '.join(present) or 'none'})",
            file=str(path),
        )
    return path


def year_of_label(label: str) -> int | None:
    """The year in a column label such as ``2019`` or DataBank's ``2019 [YR2019]``."""
    match = _YEAR_LABEL.match(str(label))
    return int(match.group(1)) if match else None


def _decode(path: Path, data: bytes) -> tuple[str, str]:
    if not data.strip():
        raise DataError("file is empty", file=str(path))
    if b"\x00" in data[:4096]:
        raise DataError("binary content (NUL bytes): not a delimited text file", file=str(path))
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        # Hand-saved spreadsheets from European locales: Windows-1252, else Latin-1 (never fails).
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1"


def _sniff_delimiter(line: str) -> str:
    counts = {d: line.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_text_table(path: Path, required: tuple[str, ...]) -> TextTable:
    """Read a delimited text file whose header holds the ``required`` column names.

    Lines before the header (the World Bank download's 4-line preamble, title lines) are skipped;
    the encoding (UTF-8 with or without BOM, Windows-1252, Latin-1) and the delimiter (, ; tab |)
    are detected. A line with the wrong number of fields is returned in ``bad_rows``.
    """
    text, encoding = _decode(path, path.read_bytes())
    lines = text.splitlines()
    header_index = next(
        (i for i, line in enumerate(lines[:50]) if all(col in line for col in required)), None
    )
    if header_index is None:
        raise DataError(
            f"no header with column(s) {', '.join(map(repr, required))} in the first 50 lines",
            file=str(path),
            row=1,
        )
    delimiter = _sniff_delimiter(lines[header_index])
    parsed = list(csv.reader(io.StringIO("\n".join(lines[header_index:])), delimiter=delimiter))
    header = [h.strip().lstrip("\ufeff") for h in parsed[0]]
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise DataError("duplicated column in header", file=str(path), row=header_index + 1,
                            column=name)
        seen.add(name)
    missing = [col for col in required if col not in header]
    if missing:
        raise DataError(
            f"header lacks column(s) {', '.join(map(repr, missing))} (found: {', '.join(header)})",
            file=str(path),
            row=header_index + 1,
        )
    width = len(header)
    good: list[list[str]] = []
    good_lines: list[int] = []
    bad: list[tuple[int, str]] = []
    for offset, fields in enumerate(parsed[1:], start=1):
        line_no = header_index + 1 + offset
        if not fields or all(not f.strip() for f in fields):
            continue  # blank line: nothing to read
        if len(fields) != width:
            # Trailing empty fields (a stray delimiter at the end) are harmless.
            if len(fields) > width and all(not f.strip() for f in fields[width:]):
                fields = fields[:width]
            else:
                bad.append((line_no, f"expected {width} fields, found {len(fields)}"))
                continue
        good.append(fields)
        good_lines.append(line_no)
    frame = pd.DataFrame(good, columns=header, dtype=str) if good else pd.DataFrame(
        columns=header, dtype=str
    )
    frame.index = pd.Index(good_lines, name="line")
    return TextTable(frame, header_index + 1, bad, path, encoding, delimiter)


def bad_row_records(table: TextTable, raw_file: str) -> pd.DataFrame:
    """Records for lines that could not be split into the header's fields."""
    return records(
        [
            {"raw_file": raw_file, "raw_row": line, "raw_column": "", "problem": reason}
            for line, reason in table.bad_rows
        ]
    )
