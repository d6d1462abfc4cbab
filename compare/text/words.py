"""Words around numbers: plurals, lists, year ranges, shortened titles (English; the message
catalogs of other languages build on these)."""

from __future__ import annotations

from collections.abc import Iterable

#: First words of catalog titles that are proper nouns (publishers, programmes): kept capitalised.
_PROPER = ("World Bank", "European", "OECD", "UN ", "DESI", "GTMI", "ITU")


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 country``, ``2 countries``, ``3 mentions``; ``many`` gives an irregular plural."""
    if n == 1:
        return f"{n} {word}"
    if many is None:
        many = (
            word[:-1] + "ies" if word.endswith("y") and word[-2:-1] not in "aeiou" else word + "s"
        )
    return f"{n} {many}"


def join(items: Iterable[str], last: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``; in Spanish and Portuguese the locale's list pattern
    (CLDR, by Babel: ``a, b y c``, ``a, b e c``; ``last="or"``: ``a o b``, ``a ou b``)."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    from compare.language import SOURCE_LANGUAGE, current  # noqa: PLC0415

    if current() != SOURCE_LANGUAGE and last in ("and", "or"):
        from babel.lists import format_list  # noqa: PLC0415

        return format_list(items, style="standard" if last == "and" else "or", locale=current())
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def years_text(years: Iterable[int] | int | None) -> str:
    """Years as compact ranges: ``2003–2005, 2008, 2010–2022`` (en dashes)."""
    if years is None:
        return "all available"
    if isinstance(years, int):
        return str(years)
    values = sorted({int(y) for y in years})
    if not values:
        return "none"
    runs: list[tuple[int, int]] = []
    for year in values:
        if runs and year == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], year)
        else:
            runs.append((year, year))
    return ", ".join(str(a) if a == b else f"{a}–{b}" for a, b in runs)


def lower_first(title: str) -> str:
    """``Individuals using ...`` -> ``individuals using ...``; acronyms (``UN E-Gov``) and
    proper names (``World Bank GovTech ...``, ``European ...``) kept."""
    if title.startswith(_PROPER):
        return title
    if len(title) > 1 and title[0].isupper() and title[1].islower():
        return title[0].lower() + title[1:]
    return title


def shorten(text: str, limit: int = 62) -> str:
    """``text`` cut to at most ``limit`` characters with an ellipsis, after a whole word when
    one ends in the second half (no word cut into what reads as another word)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:") + "…"
