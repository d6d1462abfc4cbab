"""European Commission eGovernment Benchmark, sheet "Machine Readable Format"."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from compare.catalog import Source
from compare.ingest.sources.base import records, require_file
from compare.ingest.sources.excel import read_sheet


def read_machine_readable(source: Source, folder: Path) -> pd.DataFrame:
    """Series key = ``variable`` for the breakdown named in ``options.breakdown`` (the average
    over life events), ``variable|brkdown`` for single life events. Rows of the selected
    breakdown with an empty ``variable`` (years 2012-2019 in the 2023 file) cannot be identified
    and come back as problems."""
    breakdown = str(source.options.get("breakdown", "EGOV_LIFE_EVENTS"))
    frames = []
    for name in source.files:
        sheet = read_sheet(
            require_file(folder, name),
            ("year", "Country", "variable", "brkdown", "Value"),
            sheet=source.options.get("sheet"),
        )
        frame = sheet.frame
        variable = frame["variable"].str.strip()
        brkdown = frame["brkdown"].str.strip()
        selected = brkdown == breakdown
        series = variable.where(selected, variable + "|" + brkdown)
        problem = pd.Series("", index=frame.index).mask(
            selected & (variable == ""),
            "indicator not labelled in the source (empty 'variable'; the 2023 file labels only "
            "2020-2022)",
        )
        frames.append(
            records(
                pd.DataFrame(
                    {
                        "raw_file": name,
                        "raw_row": frame.index.to_numpy(),
                        "raw_column": "Value",
                        "entity": frame["Country"].str.strip().to_numpy(),
                        "series": series.where(problem == "", "").to_numpy(),
                        "year": frame["year"].to_numpy(),
                        "value": frame["Value"].to_numpy(),
                        "problem": problem.to_numpy(),
                    }
                )
            )
        )
    return pd.concat(frames, ignore_index=True)
