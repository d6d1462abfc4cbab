"""World Bank GovTech Maturity Index workbook (gtmiR ``groups_data.xlsx``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from compare.catalog import Source
from compare.ingest.sources.base import records, require_file
from compare.ingest.sources.excel import read_sheet

INDEX_COLUMNS = ("gtmi", "cgsi", "psdi", "dcei", "gtei")


def read_gtmi(source: Source, folder: Path) -> pd.DataFrame:
    """One record per economy, wave and index (columns ``year, country_code, ..., gtei``).

    Below the economies the sheet holds a few calculation rows whose ``country_code`` cell is a
    fraction (e.g. ``0.75``): they come back as problems, not as unknown countries."""
    frames = []
    for name in source.files:
        sheet = read_sheet(
            require_file(folder, name),
            ("year", "country_code", *INDEX_COLUMNS),
            sheet=source.options.get("sheet"),
        )
        frame = sheet.frame
        entity = frame["country_code"].where(
            frame["country_code"] != "", frame.get("country_name", frame["country_code"])
        )
        code = frame["country_code"].str.strip()
        # A fraction, never an ISO numeric code (those are whole numbers such as 076).
        calculation = code.str.fullmatch(r"\d*\.\d+").fillna(False).astype(bool)
        problem = pd.Series("", index=frame.index).mask(
            calculation,
            "calculation row below the table, not an economy (its country_code cell is the "
            "number " + code + ")",
        )
        for column in INDEX_COLUMNS:
            frames.append(
                records(
                    pd.DataFrame(
                        {
                            "raw_file": name,
                            "raw_row": frame.index.to_numpy(),
                            "raw_column": column,
                            "entity": entity.to_numpy(),
                            "series": column,
                            "year": frame["year"].to_numpy(),
                            "value": frame[column].to_numpy(),
                            "problem": problem.to_numpy(),
                        }
                    )
                )
            )
    return pd.concat(frames, ignore_index=True).sort_values(
        ["raw_file", "raw_row"], kind="stable", ignore_index=True
    )
