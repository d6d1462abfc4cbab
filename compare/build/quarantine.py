"""``quarantine.csv``: the quarantined records of every source, grouped and capped.

In memory a source's quarantine has one row per record (:data:`QUARANTINE_COLUMNS`), at most
``Limits.quarantine_rows`` per reason code, and exact counts per reason. The file has one line
per raw line, indicator and reason (the cells of a wide row that fail for the same reason are one
line, their count in ``records`` and their years as a range), and, for a reason whose records
were not all listed, one more line with the count of the rest. So the file grows with the lines
of the input, never with lines times cells (a 106 MB file once gave a 2.36 GB quarantine), and
``sum(records)`` per source and reason equals the counts of ``build_manifest.json``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from compare.build.schema import QUARANTINE_COLUMNS

#: Columns of ``quarantine.csv``: the record's, and how many records the line stands for.
QUARANTINE_FILE_COLUMNS: tuple[str, ...] = (*QUARANTINE_COLUMNS, "records")

_LINE_KEY = ["source_id", "raw_file", "raw_row", "indicator", "reason_code", "reason"]


def file_lines(listed: pd.DataFrame, counts: dict[str, int], source_id: str) -> pd.DataFrame:
    """The lines of ``quarantine.csv`` for one source: ``listed`` records grouped by line,
    indicator and reason, then a line per reason code with records not listed."""
    lines = _grouped(listed)
    shown = lines.groupby("reason_code")["records"].sum().to_dict() if len(lines) else {}
    rest = [
        _summary_line(source_id, code, total - int(shown.get(code, 0)), int(shown.get(code, 0)))
        for code, total in sorted(counts.items())
        if total > shown.get(code, 0)
    ]
    if rest:
        lines = pd.concat([lines, pd.DataFrame(rest)], ignore_index=True)
    return lines[list(QUARANTINE_FILE_COLUMNS)]


def _grouped(listed: pd.DataFrame) -> pd.DataFrame:
    if listed.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in QUARANTINE_FILE_COLUMNS})
    listed = listed.assign(raw_row=listed["raw_row"].astype("Int64"))
    grouped = listed.groupby(_LINE_KEY, sort=False, dropna=False, as_index=False).agg(
        raw_column=("raw_column", "first"),
        entity=("entity", "first"),
        series=("series", "first"),
        year=("year", "first"),
        last_year=("year", "last"),
        value=("value", "first"),
        records=("value", "size"),
    )
    span = (grouped["records"] > 1) & (grouped["year"] != grouped["last_year"])
    grouped.loc[span, "year"] = grouped["year"][span] + "-" + grouped["last_year"][span]
    return grouped.drop(columns="last_year")


def _summary_line(source_id: str, code: str, more: int, shown: int) -> dict[str, object]:
    return {
        "source_id": source_id,
        "raw_file": "",
        "raw_row": pd.NA,
        "raw_column": "",
        "entity": "",
        "series": "",
        "indicator": "",
        "year": "",
        "value": "",
        "reason_code": code,
        "reason": f"{more:,} more records with this reason are not listed (the {shown:,} above "
        "are; $COMPARE_QUARANTINE_ROWS raises the limit): see build_manifest.json",
        "records": more,
    }


def read_lines(path: Path) -> pd.DataFrame:
    """``quarantine.csv`` as written (a file from before ``records`` existed: 1 per line)."""
    lines = pd.read_csv(path, dtype=str, keep_default_na=False)
    lines["raw_row"] = pd.to_numeric(lines["raw_row"], errors="coerce").astype("Int64")
    if "records" not in lines:
        lines["records"] = 1
    lines["records"] = pd.to_numeric(lines["records"]).astype("int64")
    return lines
