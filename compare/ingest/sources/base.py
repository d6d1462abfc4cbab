"""What every reader returns, and the file-level checks they share.

A reader turns the files of one source folder into *records*: one row per value slot found in the
file (a cell of a wide table, a line of a long table), still raw: country as written, series key
as the source names it, year and value as text. Rows the reader cannot even place (a line with the
wrong number of fields) come back as records too, with ``problem`` set, so that nothing read is
ever lost: the build quarantines them with that reason.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import mmap
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
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
    arrow: Any = None  # the same rows as a pyarrow Table (names = header), when read by pyarrow


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


def _parse_header(
    path: Path, line: str, header_index: int, required: tuple[str, ...]
) -> tuple[list[str], str]:
    """(column names, delimiter) of the header line; DataError for duplicated or missing ones."""
    delimiter = _sniff_delimiter(line)
    header = [h.strip().lstrip("\ufeff") for h in next(csv.reader([line], delimiter=delimiter))]
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            raise DataError(
                "duplicated column in header", file=str(path), row=header_index + 1, column=name
            )
        seen.add(name)
    missing = [col for col in required if col not in header]
    if missing:
        raise DataError(
            f"header lacks column(s) {', '.join(map(repr, missing))} (found: {', '.join(header)})",
            file=str(path),
            row=header_index + 1,
        )
    return header, delimiter


def _header_index(path: Path, lines: list[str], required: tuple[str, ...]) -> int:
    index = next(
        (i for i, line in enumerate(lines[:50]) if all(col in line for col in required)), None
    )
    if index is None:
        raise DataError(
            f"no header with column(s) {', '.join(map(repr, required))} in the first 50 lines",
            file=str(path),
            row=1,
        )
    return index


def read_text_table(path: Path, required: tuple[str, ...]) -> TextTable:
    """Read a delimited text file whose header holds the ``required`` column names.

    Lines before the header (the World Bank download's 4-line preamble, title lines) are skipped;
    the encoding (UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252, Latin-1) and the
    delimiter (, ; tab |) are detected. A line with the wrong number of fields is returned in
    ``bad_rows``; a file without any line below its header is a DataError.

    Lines end at CR LF, LF or CR (only there). A UTF-8 file whose every line has the header's
    width is parsed by pyarrow's multithreaded CSV reader (files of 8 MB or more memory-mapped);
    anything else (other encodings, a lone CR, lines of another width) by the csv module, line
    by line. Both give the same table, rows numbered by line; ``arrow`` is set by the first.
    """
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            # Large files are memory-mapped (no copy); pyarrow parses the mapping directly.
            data: bytes | mmap.mmap = (
                mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                if size >= _MMAP_BYTES
                else handle.read()
            )
    except OSError as exc:  # unreadable (permissions, a folder, an I/O error)
        raise DataError(f"cannot read the file ({exc.strerror or exc})", file=str(path)) from None
    mapped = data
    try:
        head = data[:_HEAD_BYTES]
        if not head or (len(head) == size and head.isspace()):
            raise DataError("file is empty", file=str(path))
        if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
            # Excel's "Unicode text" export: UTF-16 with a byte-order mark (and NUL bytes).
            try:
                data = bytes(data).decode("utf-16").encode("utf-8")
            except UnicodeDecodeError as exc:
                raise DataError(f"invalid UTF-16 text ({exc.reason})", file=str(path)) from None
            head = data[:_HEAD_BYTES]
        if b"\x00" in head[:4096]:
            raise DataError("binary content (NUL bytes): not a delimited text file", file=str(path))
        table = _read_plain_utf8(path, data, required) or _read_any(
            path, data if isinstance(data, bytes) else bytes(data), required
        )
        if table.frame.empty and not table.bad_rows:
            raise DataError("no data rows below the header", file=str(path), row=table.header_row)
        return table
    finally:
        if isinstance(mapped, mmap.mmap):
            with contextlib.suppress(BufferError):  # still exported: closed when collected
                mapped.close()


_HEAD_BYTES = 1 << 20
_MMAP_BYTES = 8 << 20
#: Line breaks of a CSV file (both paths split lines there, and only there).
_LINE_BREAK = re.compile("\r\n|\r|\n")


def _read_plain_utf8(
    path: Path, data: bytes | mmap.mmap, required: tuple[str, ...]
) -> TextTable | None:
    """The pyarrow path, or None when the file is not plain enough for it."""
    start = 3 if data[:3] == codecs.BOM_UTF8 else 0
    lines = _plain_head_lines(data, start)
    if lines is None:
        return None
    header_index = (
        _header_index(path, lines, required)
        if len(lines) >= 50
        else next((i for i, line in enumerate(lines) if all(col in line for col in required)), None)
    )
    if header_index is None:
        return None  # the csv-module path finds it further down or reports it
    header, delimiter = _parse_header(path, lines[header_index], header_index, required)
    if len(header) < 2:
        return None
    offset = start
    for _ in range(header_index):
        offset = data.find(b"\n", offset) + 1
    end = len(data)
    while end > offset and data[end - 1] in b"\r\n":
        end -= 1
    table = _arrow_rows(data, offset, end, width=len(header), delimiter=delimiter)
    if table is None:
        return None
    return _arrow_text_table(table, header, header_index, path, delimiter)


def _plain_head_lines(data: bytes | mmap.mmap, start: int) -> list[str] | None:
    """The complete lines of the file's head (after a BOM at ``start``), or None when the head
    is not valid UTF-8, holds a lone CR or fewer than two lines."""
    # A small file is checked whole (its last line too: an invalid byte there would otherwise
    # reach pyarrow's invalid-row handler, which cannot decode it); a large one by its head.
    small = len(data) - start <= _HEAD_BYTES
    head_end = len(data) if small else data.rfind(b"\n", start, start + _HEAD_BYTES) + 1
    if head_end <= 0:
        return None
    try:
        head = data[start:head_end].decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError:
        return None
    lines = head.split("\n")[:-1]
    if "\r" in head or len(lines) < 2:  # a lone CR: rare, leave it to the csv module
        return None
    return lines


def _arrow_rows(
    data: bytes | mmap.mmap, offset: int, end: int, *, width: int, delimiter: str
) -> Any:
    """``data[offset:end]`` (the header line, then the rows) parsed by pyarrow as ``width``
    string columns ``c0``, ``c1`` ...; None unless every line is one row of that width."""
    import pyarrow as pa  # noqa: PLC0415 - heavy, and only needed here
    import pyarrow.csv as pacsv  # noqa: PLC0415

    names = [f"c{i}" for i in range(width)]
    invalid: list[str] = []

    def skip_invalid(row: pacsv.InvalidRow) -> str:
        invalid.append(row.text)
        return "skip"

    # The lines are counted while pyarrow parses (numpy releases the GIL): a check, below.
    with ThreadPoolExecutor(max_workers=1) as pool:
        newlines = pool.submit(_count_newlines, data, offset, end)
        try:
            table = pacsv.read_csv(
                pa.BufferReader(pa.py_buffer(data)[offset:end]),
                read_options=pacsv.ReadOptions(column_names=names, skip_rows=1),
                # Empty lines come to skip_invalid too: then the rows are the lines, in order.
                parse_options=pacsv.ParseOptions(
                    delimiter=delimiter, ignore_empty_lines=False, invalid_row_handler=skip_invalid
                ),
                convert_options=pacsv.ConvertOptions(
                    column_types=dict.fromkeys(names, pa.large_string()),  # as pandas stores it
                    strings_can_be_null=False,
                    quoted_strings_can_be_null=False,
                ),
            )
        except (pa.ArrowInvalid, UnicodeDecodeError):
            return None
        lines = newlines.result()
    if invalid:
        return None  # bad or blank lines, or line breaks inside quotes: read line by line
    if table.num_rows != lines:
        # A quoted field spans lines (or a lone CR ends one): rows are no longer lines, and
        # only the csv-module path numbers them by the line they start on.
        return None
    return table


def _arrow_text_table(
    table: Any, header: list[str], header_index: int, path: Path, delimiter: str
) -> TextTable:
    """The rows pyarrow read, numbered by line, blank rows dropped, named by ``header``."""
    import pyarrow as pa  # noqa: PLC0415

    lines_no = np.arange(header_index + 2, header_index + 2 + table.num_rows, dtype=np.int64)
    blank = _blank_rows(table)
    if blank is not None:
        keep = pa.array(~blank)
        table, lines_no = table.filter(keep), lines_no[~blank]
    table = table.rename_columns(header)
    frame = table.to_pandas()
    frame.index = pd.Index(lines_no, name="line")
    return TextTable(frame, header_index + 1, [], path, "utf-8", delimiter, arrow=table)


def _count_newlines(data: bytes | mmap.mmap, start: int, end: int) -> int:
    """LF bytes in ``data[start:end]``, counted in blocks (no copy, little memory)."""
    body = np.frombuffer(data, dtype=np.uint8, count=end - start, offset=start)
    block = 1 << 24
    return sum(
        int(np.count_nonzero(body[i : i + block] == 0x0A)) for i in range(0, len(body), block)
    )


def _blank_rows(table: Any) -> np.ndarray | None:
    """Rows whose every field is empty or whitespace (None when there are none)."""
    import pyarrow.compute as pc  # noqa: PLC0415

    candidates: np.ndarray | None = None
    for column in table.columns:
        nonblank = np.asarray(
            pc.and_(pc.greater(pc.binary_length(column), 0), pc.invert(pc.utf8_is_space(column)))
        )
        candidates = ~nonblank if candidates is None else candidates & ~nonblank
        if not candidates.any():
            return None
    return candidates


def _read_any(path: Path, data: bytes, required: tuple[str, ...]) -> TextTable:
    """The csv-module path: any encoding, bad and blank lines reported by line number."""
    text, encoding = _decode(path, data)
    lines = _LINE_BREAK.split(text)
    if lines and not lines[-1]:
        lines.pop()
    header_index = _header_index(path, lines, required)
    header, delimiter = _parse_header(path, lines[header_index], header_index, required)
    parsed = csv.reader(io.StringIO("\n".join(lines[header_index + 1 :])), delimiter=delimiter)
    width = len(header)
    good: list[list[str]] = []
    good_lines: list[int] = []
    bad: list[tuple[int, str]] = []
    start = 0  # lines of the body consumed so far: a quoted field may span several lines
    for fields in parsed:
        line_no = header_index + 2 + start
        span = parsed.line_num - start
        start = parsed.line_num
        if not fields or all(not f.strip() for f in fields):
            continue  # blank line: nothing to read
        # Trailing empty fields (a stray delimiter at the end) are harmless.
        if len(fields) > width and all(not f.strip() for f in fields[width:]):
            good.append(fields[:width])
        elif len(fields) != width:
            why = f"expected {width} fields, found {len(fields)}"
            if span > 1:
                why += f" (the row runs over lines {line_no}-{line_no + span - 1}: unclosed quote?)"
            bad.append((line_no, why))
            continue
        else:
            good.append(fields)
        good_lines.append(line_no)
    frame = (
        pd.DataFrame(good, columns=header, dtype=str)
        if good
        else pd.DataFrame(columns=header, dtype=str)
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
