"""Turn raw value and year text into numbers, saying why a cell is not usable."""

from __future__ import annotations

import re

import pandas as pd

from compare.ingest.sources.base import year_of_label

MIN_YEAR, MAX_YEAR = 1950, 2100

_DECIMAL_COMMA = re.compile(r"^[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+$")
_THOUSANDS_COMMA = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
#: A plain decimal number in ASCII digits (what ``float`` accepts beyond this, such as ``nan``,
#: ``inf``, ``1_000`` or non-ASCII digits, is not a value in a data file).
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$", re.ASCII)


def _one_value(text: str) -> tuple[float | None, str, str]:
    """(number, flag, reason) for one text that plain float parsing rejected."""
    cleaned = text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    if cleaned.endswith("%"):
        cleaned = cleaned[:-1]
    if _DECIMAL_COMMA.match(cleaned):
        return float(cleaned.replace(".", "").replace(",", ".")), "decimal_comma", ""
    if _THOUSANDS_COMMA.match(cleaned):
        return float(cleaned.replace(",", "")), "thousands_separator", ""
    if _PLAIN_NUMBER.match(cleaned):
        return float(cleaned), "", ""
    shown = text if len(text) <= 40 else text[:37] + "..."
    return None, "", f"not a number: {shown!r}"


def parse_values(raw: pd.Series, missing_markers: tuple[str, ...]) -> pd.DataFrame:
    """Columns ``value`` (float), ``flag`` and ``reason_code``/``reason`` for each raw value.

    A missing marker (e.g. ``..``, ``...``, ``:``, ``.``, empty) gives reason_code
    ``missing_marker``; text that is not a number gives ``unparseable_value``. Decimal commas
    (``45,3``) and thousands separators are read and flagged.
    """
    text = raw.astype("string").fillna("").str.strip()
    value = pd.to_numeric(text, errors="coerce").astype("float64")
    flag = pd.Series("", index=raw.index, dtype="object")
    reason_code = pd.Series("", index=raw.index, dtype="object")
    reason = pd.Series("", index=raw.index, dtype="object")
    is_missing = text.isin(list(missing_markers)) | (text == "")
    reason_code[is_missing] = "missing_marker"
    reason[is_missing] = "missing marker " + text[is_missing].map(repr) + " (no data)"
    for index in text.index[value.isna() & ~is_missing]:
        number, note, why = _one_value(str(text[index]))
        if number is None:
            reason_code[index], reason[index] = "unparseable_value", why
        else:
            value[index], flag[index] = number, note
    nonfinite = value.notna() & ~value.between(-1e300, 1e300)
    reason_code[nonfinite] = "unparseable_value"
    reason[nonfinite] = "not a finite number"
    value[reason_code != ""] = float("nan")
    return pd.DataFrame(
        {"value": value, "flag": flag, "reason_code": reason_code, "reason": reason}
    )


def parse_years(raw: pd.Series) -> pd.DataFrame:
    """Columns ``year`` (Int64) and ``reason`` for each raw year text."""
    text = raw.astype("string").fillna("").str.strip()
    number = pd.to_numeric(text, errors="coerce")
    labelled = number.isna() & (text != "")
    if labelled.any():
        number[labelled] = text[labelled].map(year_of_label).astype("Float64")
    whole = number.notna() & (number == number.round())
    plausible = whole & number.between(MIN_YEAR, MAX_YEAR)
    reason = pd.Series("", index=raw.index, dtype="object")
    bad = ~plausible
    reason[bad] = (
        "year " + text[bad].map(repr) + f" is not a plausible year ({MIN_YEAR}-{MAX_YEAR})"
    )
    year = number.where(plausible).astype("Int64")
    return pd.DataFrame({"year": year, "reason": reason})
