"""World Bank WDI files: the wide ``API_*`` download and the long ``Country,Code,Year,Value`` CSV."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from compare.catalog import Source
from compare.errors import DataError
from compare.sources.base import (
    bad_row_records,
    read_text_table,
    records,
    require_file,
    year_of_label,
)


def read_wide(source: Source, folder: Path) -> pd.DataFrame:
    """Wide CSV (one column per year), with or without the 4-line preamble of the official
    download; DataBank year labels such as ``2019 [YR2019]`` are accepted."""
    frames = []
    for name in source.files:
        table = read_text_table(require_file(folder, name), ("Country Name", "Country Code"))
        years = {col: year_of_label(col) for col in table.frame.columns}
        year_columns = [col for col, year in years.items() if year is not None]
        if not year_columns:
            raise DataError("no year columns (e.g. 2019 or '2019 [YR2019]') in header",
                            file=str(table.path), row=table.header_row)
        frame = table.frame
        entity = frame["Country Code"].str.strip()
        entity = entity.where(entity != "", frame["Country Name"].str.strip())
        series = (
            frame["Indicator Code"].str.strip()
            if "Indicator Code" in frame.columns
            else pd.Series(source.series or "", index=frame.index)
        )
        long = frame[year_columns].assign(_entity=entity, _series=series, _line=frame.index)
        long = long.melt(id_vars=["_entity", "_series", "_line"], var_name="raw_column",
                         value_name="value")
        long = long[long["value"].str.strip() != ""]  # an empty cell holds no value
        long = long.sort_values(["_line", "raw_column"], kind="stable")
        frames.append(
            records(
                pd.DataFrame(
                    {
                        "raw_file": name,
                        "raw_row": long["_line"].to_numpy(),
                        "raw_column": long["raw_column"].to_numpy(),
                        "entity": long["_entity"].to_numpy(),
                        "series": long["_series"].to_numpy(),
                        "year": long["raw_column"].map(lambda c: str(years[c])).to_numpy(),
                        "value": long["value"].to_numpy(),
                    }
                )
            )
        )
        frames.append(bad_row_records(table, name))
    return pd.concat(frames, ignore_index=True)


def read_long(source: Source, folder: Path) -> pd.DataFrame:
    """Long CSV ``Country Name, Country Code, Year, Value`` (datasets/world-development-indicators)."""
    frames = []
    for name in source.files:
        table = read_text_table(
            require_file(folder, name), ("Country Name", "Country Code", "Year", "Value")
        )
        frame = table.frame
        entity = frame["Country Code"].str.strip()
        entity = entity.where(entity != "", frame["Country Name"].str.strip())
        frames.append(
            records(
                pd.DataFrame(
                    {
                        "raw_file": name,
                        "raw_row": frame.index.to_numpy(),
                        "raw_column": "Value",
                        "entity": entity.to_numpy(),
                        "series": source.series or "",
                        "year": frame["Year"].to_numpy(),
                        "value": frame["Value"].to_numpy(),
                    }
                )
            )
        )
        frames.append(bad_row_records(table, name))
    return pd.concat(frames, ignore_index=True)
