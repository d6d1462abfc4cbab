"""Derived indicators (catalog ``derive:``), computed when the table is read, never stored.

A derived indicator such as a gender gap (``derive: {difference: [women, men]}``) gets one row
per country and year where both read indicators have a kept value: value ``a - b``, the derived
indicator's unit, ``source_id`` and ``licence`` of both operands (distinct, joined by ``;``), the
flag ``derived`` plus the operands' flags, and ``raw_file`` / ``raw_row`` / ``raw_column`` naming
both raw cells, ``a;b`` (so ``raw_row`` is text in these rows). Nothing is typed in: the rows
come from the kept values of the processed table each time it is read, so they always agree
with the values they come from.

Importing this module is cheap (pandas and pyarrow are imported inside the functions).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from compare.catalog import Catalog, Indicator, load_catalog

if TYPE_CHECKING:
    import pandas as pd

#: The flag every derived row carries.
DERIVED_FLAG = "derived"


def _joined(a: pd.Series, b: pd.Series, *, distinct: bool = False) -> pd.Series:
    """``a;b`` per row (``a`` alone where both are equal and ``distinct``)."""
    a, b = a.astype(str), b.astype(str)
    both = a + ";" + b
    return both.where(a != b, a) if distinct else both


def _flags(a: pd.Series, b: pd.Series) -> list[str]:
    """``derived`` and the distinct flags of both operands, in order."""
    rows = []
    for first, second in zip(a.astype(str), b.astype(str), strict=True):
        parts = [DERIVED_FLAG, *first.split(";"), *second.split(";")]
        rows.append(";".join(dict.fromkeys(p for p in parts if p)))
    return rows


def derive(frame: pd.DataFrame, indicator: Indicator) -> pd.DataFrame:
    """The rows of one derived ``indicator`` from the read rows in ``frame`` (tidy columns)."""
    import pandas as pd  # noqa: PLC0415

    name_a, name_b = indicator.operands
    keep = ["iso3", "year", "country", "region", "value", "source_id", "licence", "flag"]
    keep += ["raw_file", "raw_row", "raw_column"]
    a = frame.loc[frame["indicator"] == name_a, keep]
    b = frame.loc[frame["indicator"] == name_b, keep]
    both = a.merge(b, on=["iso3", "year"], suffixes=("_a", "_b"), validate="one_to_one")
    columns = list(frame.columns)
    out = pd.DataFrame(
        {
            "iso3": both["iso3"],
            "country": both["country_a"],
            "region": both["region_a"],
            "indicator": indicator.id,
            "family": indicator.family,
            "year": both["year"].astype("int64"),
            "value": (both["value_a"] - both["value_b"]).astype("float64"),
            "unit": indicator.unit,
            "source_id": _joined(both["source_id_a"], both["source_id_b"], distinct=True),
            "licence": _joined(both["licence_a"], both["licence_b"], distinct=True),
            "flag": _flags(both["flag_a"], both["flag_b"]),
            "raw_file": _joined(both["raw_file_a"], both["raw_file_b"]),
            "raw_row": _joined(both["raw_row_a"], both["raw_row_b"]),
            "raw_column": _joined(both["raw_column_a"], both["raw_column_b"]),
        }
    )
    if indicator.range is not None:  # a difference of two kept values cannot leave it
        low, high = indicator.range
        out = out[out["value"].between(low, high)]
    return out.reindex(columns=columns).sort_values(["iso3", "year"], ignore_index=True)


def add_derived(
    frame: pd.DataFrame, indicators: Iterable[str] | None = None, catalog: Catalog | None = None
) -> pd.DataFrame:
    """``frame`` (the processed table) with the rows of the derived indicators among
    ``indicators`` (None: every derived indicator) appended; unchanged when none is asked for."""
    import pandas as pd  # noqa: PLC0415

    catalog = catalog or load_catalog()
    wanted = None if indicators is None else set(indicators)
    chosen = [i for i in catalog.derived if wanted is None or i.id in wanted]
    if not chosen:
        return frame
    parts = [derive(frame, indicator) for indicator in chosen]
    return pd.concat([frame, *parts], ignore_index=True)


def derived_years(data: Any, catalog: Catalog | None = None) -> dict[str, set[int]]:
    """Years with a value of each derived indicator, from a pyarrow table with the columns
    ``indicator``, ``iso3`` and ``year`` of the processed table (no pandas needed)."""
    import pyarrow.compute as pc  # noqa: PLC0415

    catalog = catalog or load_catalog()
    found: dict[str, set[int]] = {}
    for indicator in catalog.derived:
        sides = [
            data.filter(pc.equal(data["indicator"], name)).select(["iso3", "year"])
            for name in indicator.operands
        ]
        both = sides[0].join(sides[1], keys=["iso3", "year"], join_type="inner")
        found[indicator.id] = {int(year) for year in both["year"].to_pylist()}
    return found
