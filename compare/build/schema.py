"""The tidy table's schema, checked with pandera before anything is written."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from compare.catalog import FAMILIES, Catalog
from compare.errors import CompareError


def tidy_schema(catalog: Catalog) -> pa.DataFrameSchema:
    """Columns, types and allowed values of ``indicators.parquet``."""
    return pa.DataFrameSchema(
        {
            "iso3": pa.Column(str, pa.Check.str_matches(r"^[A-Z]{3}$")),
            "country": pa.Column(str, pa.Check.str_length(min_value=1)),
            "region": pa.Column(str),
            "indicator": pa.Column(str, pa.Check.isin(sorted(catalog.indicators))),
            "family": pa.Column(str, pa.Check.isin(FAMILIES)),
            "year": pa.Column("int64", pa.Check.in_range(1950, 2100)),
            "value": pa.Column("float64", pa.Check(lambda s: s.notna() & s.abs().lt(1e300))),
            "unit": pa.Column(str, pa.Check.isin(sorted(catalog.units))),
            "source_id": pa.Column(str, pa.Check.isin(sorted(catalog.sources))),
            "licence": pa.Column(str, pa.Check.str_length(min_value=1)),
            "flag": pa.Column(str),
            "raw_file": pa.Column(str, pa.Check.str_length(min_value=1)),
            "raw_row": pa.Column("int64", pa.Check.ge(1)),
            "raw_column": pa.Column(str),
        },
        strict=True,
        ordered=True,
        unique=["iso3", "indicator", "year"],
        coerce=False,
    )


def validate_tidy(frame: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """The frame, or a CompareError that lists the failing checks."""
    try:
        return tidy_schema(catalog).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.head(10).to_string()
        raise CompareError(f"the tidy table fails its schema:\n{cases}") from None
