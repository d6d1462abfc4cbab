"""UN E-Government Survey Data Center exports ``EGOV_DATA_<year>.csv`` (and re-labelled copies)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from compare.catalog import Source
from compare.errors import DataError
from compare.ingest.sources.base import bad_row_records, read_text_table, records, require_file

INDEX_COLUMNS = (
    "E-Government Index",
    "E-Participation Index",
    "Online Service Index",
    "Human Capital Index",
    "Telecommunication Infrastructure Index",
)
_RANK = "E-Government Rank"


def _is_zero(text: pd.Series) -> pd.Series:
    return pd.to_numeric(text.str.strip(), errors="coerce").fillna(-1.0) == 0.0


def read_egdi(source: Source, folder: Path) -> pd.DataFrame:
    """One record per country and index. A row with an empty rank and every index 0 is a state
    the survey did not assess: its records carry the flag ``not_assessed`` (missing, not zero).
    ``options.columns`` renames a copy's columns to the UN originals."""
    renames: dict[str, str] = dict(source.options.get("columns", {}))
    frames = []
    for name in source.files:
        original = {v: k for k, v in renames.items()}
        required = tuple(original.get(col, col) for col in ("Survey Year", "Country Name"))
        table = read_text_table(require_file(folder, name), required)
        frame = table.frame.rename(columns=renames)
        missing = [col for col in INDEX_COLUMNS if col not in frame.columns]
        if missing:
            raise DataError(
                f"header lacks index column(s) {', '.join(missing)}",
                file=str(table.path),
                row=table.header_row,
            )
        rank = frame[_RANK].str.strip() if _RANK in frame.columns else pd.Series("", frame.index)
        all_zero = pd.concat([_is_zero(frame[c]) for c in INDEX_COLUMNS], axis=1).all(axis=1)
        not_assessed = all_zero & (rank == "")
        egdi_zero = _is_zero(frame["E-Government Index"]) & ~not_assessed
        for column in INDEX_COLUMNS:
            flag = pd.Series("", index=frame.index).mask(not_assessed, "not_assessed")
            if column in ("E-Government Index", "Online Service Index"):
                flag = flag.mask(egdi_zero, "zero_as_published_no_online_presence")
            frames.append(
                records(
                    pd.DataFrame(
                        {
                            "raw_file": name,
                            "raw_row": frame.index.to_numpy(),
                            "raw_column": original.get(column, column),
                            "entity": frame["Country Name"].str.strip().to_numpy(),
                            "series": column,
                            "year": frame["Survey Year"].to_numpy(),
                            "value": frame[column].to_numpy(),
                            "flag": flag.to_numpy(),
                        }
                    )
                )
            )
        frames.append(bad_row_records(table, name))
    return pd.concat(frames, ignore_index=True).sort_values(
        ["raw_file", "raw_row"], kind="stable", ignore_index=True
    )
