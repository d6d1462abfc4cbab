"""The tidy table's schema, declared once: the column order of the build, the fields of
``datapackage.json`` and the pandera checks run before anything is written all come from
:data:`TIDY_FIELDS`. The aggregates and quarantine tables' columns are declared here too.

pandera is imported only when a table is validated (it is heavy).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from compare.catalog import FAMILIES, Catalog
from compare.errors import CompareError

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa


@dataclass(frozen=True)
class Field:
    """One column: its pandas dtype, its Table Schema type and what it means."""

    name: str
    dtype: str  # "str", "int64" or "float64"
    kind: str  # Table Schema type: string, integer, number
    description: str = ""


#: The tidy table, one row per value, in column order.
TIDY_FIELDS: tuple[Field, ...] = (
    Field("iso3", "str", "string", "ISO 3166-1 alpha-3"),
    Field("country", "str", "string"),
    Field(
        "region",
        "str",
        "string",
        "UN M49 comparison group (Europe, Latin America & Caribbean) or empty; compare.load() "
        "can attach another classification",
    ),
    Field("indicator", "str", "string"),
    Field("family", "str", "string"),
    Field("year", "int64", "integer"),
    Field("value", "float64", "number", "in the catalog's canonical unit"),
    Field("unit", "str", "string"),
    Field("source_id", "str", "string", "folder under data/raw"),
    Field("licence", "str", "string"),
    Field("flag", "str", "string"),
    Field("raw_file", "str", "string"),
    Field("raw_row", "int64", "integer", "1-based row in raw_file"),
    Field("raw_column", "str", "string"),
)
TIDY_COLUMNS: tuple[str, ...] = tuple(f.name for f in TIDY_FIELDS)
PRIMARY_KEY: list[str] = ["iso3", "indicator", "year"]
AGGREGATE_COLUMNS: tuple[str, ...] = (
    "code", "name", "indicator", "year", "value", "unit", "source_id", "raw_file", "raw_row",
)  # fmt: skip
QUARANTINE_COLUMNS: tuple[str, ...] = (
    "source_id", "raw_file", "raw_row", "raw_column", "entity", "series", "indicator",
    "year", "value", "reason_code", "reason",
)  # fmt: skip


def table_schema(catalog: Catalog) -> dict[str, Any]:
    """The Table Schema of ``indicators.csv`` for ``datapackage.json``."""
    fields: list[dict[str, Any]] = []
    for field in TIDY_FIELDS:
        entry: dict[str, Any] = {"name": field.name, "type": field.kind}
        if field.description:
            entry["description"] = field.description
        if field.name == "indicator":
            entry["constraints"] = {"enum": sorted(catalog.indicators)}
        fields.append(entry)
    return {"fields": fields, "primaryKey": PRIMARY_KEY}


def _checks(catalog: Catalog) -> dict[str, Callable[[Any], Any]]:
    """Per column, the pandera check of its values (given the module, imported late)."""
    return {
        "iso3": lambda pa: pa.Check.str_matches(r"^[A-Z]{3}$"),
        "country": lambda pa: pa.Check.str_length(min_value=1),
        "indicator": lambda pa: pa.Check.isin(sorted(catalog.indicators)),
        "family": lambda pa: pa.Check.isin(FAMILIES),
        "year": lambda pa: pa.Check.in_range(1950, 2100),
        "value": lambda pa: pa.Check(lambda s: s.notna() & s.abs().lt(1e300)),
        "unit": lambda pa: pa.Check.isin(sorted(catalog.units)),
        "source_id": lambda pa: pa.Check.isin(sorted(catalog.sources)),
        "licence": lambda pa: pa.Check.str_length(min_value=1),
        "raw_file": lambda pa: pa.Check.str_length(min_value=1),
        "raw_row": lambda pa: pa.Check.ge(1),
    }


def tidy_schema(catalog: Catalog) -> pa.DataFrameSchema:
    """Columns, types and allowed values of ``indicators.parquet`` (pandera)."""
    import pandera.pandas as pa  # noqa: PLC0415 - heavy, needed only to validate

    checks = _checks(catalog)
    columns = {
        f.name: pa.Column(str if f.dtype == "str" else f.dtype, *(
            [checks[f.name](pa)] if f.name in checks else []
        ))
        for f in TIDY_FIELDS
    }  # fmt: skip
    return pa.DataFrameSchema(columns, strict=True, ordered=True, unique=PRIMARY_KEY, coerce=False)


def validate_tidy(frame: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """The frame, or a CompareError that lists the failing checks."""
    import pandera.pandas as pa  # noqa: PLC0415

    try:
        return tidy_schema(catalog).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases.head(10).to_string()
        raise CompareError(f"the tidy table fails its schema:\n{cases}") from None
