"""Numbers in sentences, formatted by the indicator's unit (percent, index 0-1, score 0-100 ...)."""

from __future__ import annotations

from typing import Any

from compare import units

MINUS = "\N{MINUS SIGN}"


def is_missing(x: Any) -> bool:
    """True for None, NaN and pandas' NA/NaT (a scalar check that never raises)."""
    if x is None:
        return True
    try:
        return bool(x != x)  # noqa: PLR0124 - NaN and NaT are the values unequal to themselves
    except (TypeError, ValueError):  # pd.NA refuses a truth value
        return True


def _num(x: float, digits: int, thousands: bool = False) -> str:
    text = f"{abs(x):,.{digits}f}" if thousands else f"{abs(x):.{digits}f}"
    return (MINUS if x < 0 and float(text.replace(",", "")) != 0 else "") + text


def _catalog_words(unit: str) -> str:
    """ " births per woman": the catalog's title of a unit without a style (a user's unit);
    "" when the catalog does not know it either."""
    from compare.catalog import load_catalog  # noqa: PLC0415
    from compare.errors import CompareError  # noqa: PLC0415

    try:
        title = load_catalog().units.get(unit, "")
    except CompareError:  # a broken user catalog is reported by the command that reads it
        return ""
    return f" {title}" if title else ""


def number(x: float, digits: int) -> str:
    """A plain number with a true minus sign."""
    return _num(x, digits)


def value(x: float | None, unit: str) -> str:
    """A level, e.g. ``89.1%``, ``0.812``, ``72.3``, ``34.5 per 100 people`` (digits and unit
    words from :mod:`compare.units`)."""
    if is_missing(x):
        return "n/a"
    found = units.style(unit)
    if found is None:
        return f"{x:.4g}" + _catalog_words(unit)
    return _num(x, found.digits, found.thousands) + found.words


def difference(x: float | None, unit: str) -> str:
    """A gap in the indicator's unit, e.g. ``11.6 pp``, ``0.123``, ``5.1 points``."""
    if is_missing(x):
        return "n/a"
    found = units.style(unit)
    if found is None:
        return f"{x:.4g}" + _catalog_words(unit)
    return _num(x, found.digits, found.thousands) + found.gap_words


def bare(x: float, unit: str) -> str:
    """A number without its unit word (for the lower end of an interval)."""
    found = units.style(unit)
    return _num(x, found.digits, found.thousands) if found else f"{x:.4g}"


def versus(x: float, y: float, unit: str) -> str:
    """``89.5% vs 77.6%``; ``37.3 vs 18.1 per 100 people`` (the unit word once)."""
    if unit in ("per_100_people", "per_million_people", "int_dollars_ppp"):
        return f"{bare(x, unit)} vs {value(y, unit)}"
    return f"{value(x, unit)} vs {value(y, unit)}"


def interval(low: float | None, high: float | None, unit: str, level: float = 0.95) -> str:
    """``95% CI 8.0 to 15.1 pp`` (or a note that there is none)."""
    if low is None or high is None:
        return "no confidence interval"
    return f"{level:.0%} CI {bare(low, unit)} to {difference(high, unit)}"


def share(x: float | None) -> str:
    """A 0-1 share as a percentage with one decimal, never rounded to 100% when below it nor
    to 0% when above it (``0.9996`` -> ``99.96%``); ``unknown`` for None."""
    if is_missing(x):
        return "unknown"
    digits = 1
    while digits < 4 and 0 < x < 1 and round(x * 100, digits) in (0, 100):
        digits += 1
    return f"{x * 100:.{digits}f}%"


def points(x: float) -> str:
    """Points of the 0-100 scale (percentage points for percentages)."""
    return f"{_num(x, 1)} pp"
