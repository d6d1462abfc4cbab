"""European Commission DESI export (``observation, time_period, ref_area, indicator, ...``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from compare.catalog import Source
from compare.ingest.sources.base import bad_row_records, read_text_table, records, require_file

_REQUIRED = ("time_period", "ref_area", "indicator", "breakdown", "unit_measure", "value")


def read_desi(source: Source, folder: Path) -> pd.DataFrame:
    """Series key = ``indicator|breakdown|unit_measure``; unlabelled rows are flagged problems."""
    frames = []
    for name in source.files:
        table = read_text_table(require_file(folder, name), _REQUIRED)
        frame = table.frame
        parts = [frame[col].str.strip() for col in ("indicator", "breakdown", "unit_measure")]
        series = parts[0] + "|" + parts[1] + "|" + parts[2]
        unlabelled = (parts[0] == "") | (parts[2] == "")
        problem = pd.Series("", index=frame.index).where(
            ~unlabelled, "unlabelled row: empty indicator/breakdown/unit_measure in the source"
        )
        flag = frame["flag"].str.strip() if "flag" in frame.columns else ""
        frames.append(
            records(
                pd.DataFrame(
                    {
                        "raw_file": name,
                        "raw_row": frame.index.to_numpy(),
                        "raw_column": "value",
                        "entity": frame["ref_area"].str.strip().to_numpy(),
                        "series": series.where(~unlabelled, "").to_numpy(),
                        "year": frame["time_period"].to_numpy(),
                        "value": frame["value"].to_numpy(),
                        "flag": flag if isinstance(flag, str) else flag.to_numpy(),
                        "problem": problem.to_numpy(),
                    }
                )
            )
        )
        frames.append(bad_row_records(table, name))
    return pd.concat(frames, ignore_index=True)
