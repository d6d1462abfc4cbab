"""OECD long table ``cc_iso3c, ref_year, variable, value`` (DGI 2023 as extracted from the PDF)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from compare.catalog import Source
from compare.ingest.sources.base import bad_row_records, read_text_table, records, require_file


def read_oecd_long(source: Source, folder: Path) -> pd.DataFrame:
    """One record per line; ``variable`` is the series key."""
    frames = []
    for name in source.files:
        table = read_text_table(
            require_file(folder, name), ("cc_iso3c", "ref_year", "variable", "value")
        )
        frame = table.frame
        frames.append(
            records(
                pd.DataFrame(
                    {
                        "raw_file": name,
                        "raw_row": frame.index.to_numpy(),
                        "raw_column": "value",
                        "entity": frame["cc_iso3c"].str.strip().to_numpy(),
                        "series": frame["variable"].str.strip().to_numpy(),
                        "year": frame["ref_year"].to_numpy(),
                        "value": frame["value"].to_numpy(),
                    }
                )
            )
        )
        frames.append(bad_row_records(table, name))
    return pd.concat(frames, ignore_index=True)
