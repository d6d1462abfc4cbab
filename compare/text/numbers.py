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


def percent(x: float, digits: int = 0) -> str:
    """A 0-1 fraction as a percentage with ``digits`` decimals, ``95%`` (``95 %`` in Spanish):
    a confidence level, not a share of data (see :func:`share`)."""
    return _percent(x, digits)


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


def day(value: dt.date | str) -> str:
    """A calendar date in a sentence (a source's vintage): ISO 8601 in English, the project's
    own format (``2024-11-29``); Babel's long date in Spanish and Portuguese (``29 de noviembre
    de 2024``). Data (CSV, manifests, JSON) keep ISO 8601 in every language."""
    text = value.isoformat()[:10] if isinstance(value, dt.date) else str(value)[:10]
    if current() == SOURCE_LANGUAGE:
        return text
    try:
        return date(text)
    except ValueError:  # not a date after all: as it was written
        return str(value)


def moment(value: dt.datetime | str, *, short: bool = False) -> str:
    """A UTC time stamp (a page generated, findings computed): ``2026-12-06 14:03 UTC`` in
    English; in Spanish and Portuguese Babel's long date (medium when ``short``) and short time
    joined by the locale's pattern: ``6 de diciembre de 2026, 14:03 UTC``, ``6 dic 2026, 14:03
    UTC``. An ISO string is read first; "" for nothing."""
    if not value:
        return ""
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    when = when.replace(tzinfo=dt.UTC) if when.tzinfo is None else when.astimezone(dt.UTC)
    language = current()
    if language == SOURCE_LANGUAGE:
        return f"{when:%Y-%m-%d %H:%M} UTC"
    from babel import Locale  # noqa: PLC0415
    from babel.dates import format_date, format_time  # noqa: PLC0415

    locale = Locale.parse(language)
    length = "medium" if short else "long"
    clock = format_time(when, locale.time_formats["short"].pattern + " z", tzinfo=dt.UTC,
                        locale=locale)  # fmt: skip
    # CLDR's pattern joining a date and a time ("{1}, {0}"), as Babel's format_datetime does
    return locale.datetime_formats[length].format(clock, format_date(when, length, locale=locale))


def duration(seconds: float) -> str:
    """How long a run took: ``12.3 s`` below two minutes, else ``1.5 min`` (Babel's unit
    formats outside English: ``12,3 s``)."""
    value, unit = (seconds, "second") if seconds < 120 else (seconds / 60, "minute")
    if current() == SOURCE_LANGUAGE:
        return f"{value:.1f} {'s' if unit == 'second' else 'min'}"
    from babel.units import format_unit  # noqa: PLC0415

    return format_unit(value, f"duration-{unit}", length="short", format="#,##0.0",
                       locale=current())  # fmt: skip


#: Superscript digits and minus for an exponent written out (``10⁻⁷``).
_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


def scientific(x: float, digits: int = 3) -> str:
    """``x`` in scientific notation written out with ``digits`` significant digits:
    ``2.18 × 10⁻⁷`` (``2,18 × 10⁻⁷`` in Spanish and Portuguese). The mantissa is written by
    Babel in the current language, the sign between is CLDR's superscripting exponent (×), the
    exponent is in superscript digits."""
    from babel import Locale  # noqa: PLC0415
    from babel.numbers import format_decimal  # noqa: PLC0415

    mantissa, exponent = f"{abs(x):.{digits - 1}e}".split("e")  # rounded once, 9.999 -> 1.00e+1
    locale = Locale.parse(current())
    times = locale.number_symbols[locale.default_numbering_system]["superscriptingExponent"]
    text = format_decimal(float(mantissa), format=_pattern(digits - 1, False), locale=locale)
    power = "10" + str(int(exponent)).translate(_SUPERSCRIPT)
    return (MINUS if x < 0 else "") + f"{text}\N{NO-BREAK SPACE}{times}\N{NO-BREAK SPACE}{power}"


#: Below this a p-value is written in scientific notation (:func:`pvalue`).
PVALUE_SCIENTIFIC_BELOW = 1e-4


def pvalue(p: float) -> str:
    """A p-value, the same convention in every language: three significant digits, as a
    decimal from 0.0001 up (``0.0123``, ``0,0123``), in scientific notation written out below
    (``2.18 × 10⁻⁷``, ``2,18 × 10⁻⁷``: :func:`scientific`); never rounded to 0."""
    if is_missing(p):
        return missing()
    if 0 < p < PVALUE_SCIENTIFIC_BELOW:
        return scientific(p)
    text = f"{p:.3g}"
    digits = len(text.split(".")[1]) if "." in text else 0
    return number(p, digits)


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


def percent_figure(x: float, digits: int) -> str:
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
