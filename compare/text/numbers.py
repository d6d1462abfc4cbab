"""Numbers in sentences, formatted by the indicator's unit (percent, index 0-1, score 0-100 ...).

English keeps the project's own formats (``1,234.5``, ``89.8%``); Spanish and Portuguese are
formatted by Babel from CLDR (``1.234,5``, ``89,8 %`` in Spanish, ``89,8%`` in Portuguese, dates
``6 de diciembre de 2026``): the locale's symbols and patterns, never a string replacement.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from compare import units
from compare.language import SOURCE_LANGUAGE, current
from compare.text.i18n import _, t

MINUS = "\N{MINUS SIGN}"


def is_missing(x: Any) -> bool:
    """True for None, NaN and pandas' NA/NaT (a scalar check that never raises)."""
    if x is None:
        return True
    try:
        return bool(x != x)  # noqa: PLR0124 - NaN and NaT are the values unequal to themselves
    except (TypeError, ValueError):  # pd.NA refuses a truth value
        return True


def _pattern(digits: int, thousands: bool) -> str:
    """A CLDR number pattern: ``#,##0.0`` (grouped, one decimal), ``0.000`` ..."""
    whole = "#,##0" if thousands else "0"
    return whole + ("." + "0" * digits if digits else "")


def _num(x: float, digits: int, thousands: bool = False) -> str:
    language = current()
    if language == SOURCE_LANGUAGE:
        text = f"{abs(x):,.{digits}f}" if thousands else f"{abs(x):.{digits}f}"
        return (MINUS if x < 0 and float(text.replace(",", "")) != 0 else "") + text
    from babel.numbers import format_decimal  # noqa: PLC0415

    text = format_decimal(abs(x), format=_pattern(digits, thousands), locale=language)
    zero = round(abs(x), digits) == 0
    return (MINUS if x < 0 and not zero else "") + text


def _percent(x: float, digits: int) -> str:
    """``x`` (a 0-1 share) as a percentage of the current language with ``digits`` decimals."""
    language = current()
    if language == SOURCE_LANGUAGE:
        return f"{x * 100:.{digits}f}%"
    from babel import Locale  # noqa: PLC0415
    from babel.numbers import format_percent  # noqa: PLC0415

    pattern = Locale.parse(language).percent_formats[None].pattern  # "#,##0 %", "#,##0%"
    if digits:  # the locale's pattern with the decimals asked for: "#,##0.0 %"
        pattern = pattern.replace("0", "0." + "0" * digits, 1)
    return format_percent(x, format=pattern, locale=language)


def date(day: dt.date | str) -> str:
    """A date in words: ``6 December 2026``, ``6 de diciembre de 2026``, ``6 de dezembro de
    2026`` (an ISO string is read first)."""
    if isinstance(day, str):
        day = dt.date.fromisoformat(day[:10])
    language = current()
    if language == SOURCE_LANGUAGE:
        return f"{day.day} {day:%B %Y}"
    from babel.dates import format_date  # noqa: PLC0415

    return format_date(day, format="long", locale=language)


def missing() -> str:
    """What a missing value reads as."""
    return _("n/a")


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


def _words(words: str) -> str:
    """Unit words after a number (`` per 100 people``) in the current language."""
    if not words.strip() or current() == SOURCE_LANGUAGE:
        return words
    return words[: len(words) - len(words.lstrip())] + _(words.strip())


def value(x: float | None, unit: str) -> str:
    """A level, e.g. ``89.1%``, ``0.812``, ``72.3``, ``34.5 per 100 people`` (digits and unit
    words from :mod:`compare.units`)."""
    if is_missing(x):
        return missing()
    found = units.style(unit)
    if found is None:
        return f"{x:.4g}" + _catalog_words(unit)
    if unit == "percent" and current() != SOURCE_LANGUAGE:
        return (MINUS if x < 0 and round(abs(x), found.digits) else "") + _percent(
            abs(x) / 100, found.digits
        )
    return _num(x, found.digits, found.thousands) + _words(found.words)


def difference(x: float | None, unit: str) -> str:
    """A gap in the indicator's unit, e.g. ``11.6 pp``, ``0.123``, ``5.1 points``."""
    if is_missing(x):
        return missing()
    found = units.style(unit)
    if found is None:
        return f"{x:.4g}" + _catalog_words(unit)
    return _num(x, found.digits, found.thousands) + _words(found.gap_words)


def bare(x: float, unit: str) -> str:
    """A number without its unit word (for the lower end of an interval)."""
    found = units.style(unit)
    return _num(x, found.digits, found.thousands) if found else f"{x:.4g}"


def versus(x: float, y: float, unit: str) -> str:
    """``89.5% vs 77.6%``; ``37.3 vs 18.1 per 100 people`` (the unit word once)."""
    if current() != SOURCE_LANGUAGE:
        first = bare(x, unit) if unit in _WORDS_ONCE else value(x, unit)
        return t("{a} vs {b}", a=first, b=value(y, unit))
    if unit in _WORDS_ONCE:
        return f"{bare(x, unit)} vs {value(y, unit)}"
    return f"{value(x, unit)} vs {value(y, unit)}"


_WORDS_ONCE = ("per_100_people", "per_million_people", "int_dollars_ppp")


def interval(low: float | None, high: float | None, unit: str, level: float = 0.95) -> str:
    """``95% CI 8.0 to 15.1 pp`` (or a note that there is none)."""
    if low is None or high is None:
        return _("no confidence interval")
    if current() != SOURCE_LANGUAGE:
        return t(
            "{level} CI {low} to {high}",
            level=_percent(level, 0),
            low=bare(low, unit),
            high=difference(high, unit),
        )
    return f"{level:.0%} CI {bare(low, unit)} to {difference(high, unit)}"


def share(x: float | None) -> str:
    """A 0-1 share as a percentage with one decimal, never rounded to 100% when below it nor
    to 0% when above it (``0.9996`` -> ``99.96%``); ``unknown`` for None."""
    if is_missing(x):
        return _("unknown")
    digits = 1
    while digits < 4 and 0 < x < 1 and round(x * 100, digits) in (0, 100):
        digits += 1
    return _percent(x, digits)


def percent(x: float, digits: int) -> str:
    """A figure stated in percent (0-100) with ``digits`` decimals, in the language's percent
    pattern: ``35%``, ``35 %`` (Spanish), ``35%`` (Portuguese); a true minus sign."""
    return (MINUS if x < 0 and round(abs(x), digits) else "") + _percent(abs(x) / 100, digits)


def points(x: float) -> str:
    """Points of the 0-100 scale (percentage points for percentages)."""
    return f"{_num(x, 1)}{_words(' pp')}"


def decimal(x: float, digits: int, grouped: bool = True) -> str:
    """``x`` with ``digits`` decimals and, by default, grouped thousands (``1,234.5``;
    ``1.234,5`` in Spanish and Portuguese), with a true minus sign."""
    return _num(x, digits, grouped)


def fixed(x: float, digits: int) -> str:
    """``x`` with ``digits`` decimals and an ASCII minus as Python writes it (``-0.42``), in the
    current language's decimal sign (statistics such as Cohen's d)."""
    if current() == SOURCE_LANGUAGE:
        return f"{x:.{digits}f}"
    from babel.numbers import format_decimal  # noqa: PLC0415

    return format_decimal(x, format=_pattern(digits, False), locale=current())
