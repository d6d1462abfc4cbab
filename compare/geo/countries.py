"""Country names and codes -> ISO 3166-1 alpha-3, without guessing.

Names in English, Spanish and Portuguese (UN, World Bank, ITU, CLDR, Natural Earth spellings; the
UN formal names in the six UN languages) and ISO alpha-2 / alpha-3 / numeric codes (plus the EU's
``EL``/``UK`` and Kosovo's ``XK``/``XKX``) are looked up in the reference tables under
``compare/geo/reference/`` (written by ``scripts/make_reference.py``). Matching is exact on
:func:`compare.geo.names.name_key` (case, accents, punctuation, articles, "&", Spanish/Portuguese
prepositions and the abbreviations Rep., St., Is., Fed., Dem. ... ignored), never fuzzy: a name
that matches nothing is *unmapped*, one that matches several countries is *ambiguous*, and both
are reported, never silently dropped. Aggregates (World, World Bank regions and income groups,
EU, euro area, UN M49 region codes such as ``419``) are recognised and kept apart from countries.

    >>> import compare
    >>> compare.to_iso3(["México", "Brasil", "Venezuela, RB", "Türkiye"])
    ['MEX', 'BRA', 'VEN', 'TUR']
"""

from __future__ import annotations

import csv
import functools
import re
import warnings
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from compare.config import REFERENCE_DIR
from compare.errors import ParameterError
from compare.geo.names import name_key
from compare.language import SOURCE_LANGUAGE, current

#: Two-letter codes used by European Commission / Eurostat files instead of ISO alpha-2.
EU_CODE_EXCEPTIONS = {"EL": "GRC", "UK": "GBR"}

_CODE = re.compile(r"^[A-Za-z]{2,3}$")
_NUMERIC = re.compile(r"^\d{1,3}$")


class UnmappedCountryWarning(UserWarning):
    """Some names could not be mapped to ISO3 (listed in the message)."""


@dataclass(frozen=True)
class Reference:
    """The lookup tables, loaded once."""

    iso3: dict[str, dict[str, str]]  # iso3 -> countries.csv row
    by_iso2: dict[str, str]
    by_numeric: dict[str, str]
    by_key: dict[str, frozenset[str]]  # name key -> iso3 codes
    aggregates: dict[str, str]  # aggregate code -> name
    aggregate_by_key: dict[str, str]  # name key -> aggregate code


def _rows(name: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@functools.cache
def reference() -> Reference:
    """The reference tables shipped with the package."""
    countries = {row["iso3"]: row for row in _rows("countries.csv")}
    by_key: dict[str, set[str]] = defaultdict(set)
    for row in _rows("aliases.csv"):
        by_key[name_key(row["alias"])].add(row["iso3"])
    for row in countries.values():
        by_key[name_key(row["name"])].add(row["iso3"])
    aggregates: dict[str, str] = {}
    aggregate_by_key: dict[str, str] = {}
    for row in _rows("aggregates.csv"):
        aggregates[row["code"]] = row["name"]
        for name in [row["name"], *filter(None, row["also_named"].split("|"))]:
            aggregate_by_key.setdefault(name_key(name), row["code"])
    by_iso2 = {row["iso2"]: iso3 for iso3, row in countries.items() if row["iso2"]}
    by_iso2.update(EU_CODE_EXCEPTIONS)
    return Reference(
        iso3=countries,
        by_iso2=by_iso2,
        by_numeric={row["numeric"]: iso3 for iso3, row in countries.items() if row["numeric"]},
        by_key={key: frozenset(codes) for key, codes in by_key.items()},
        aggregates=aggregates,
        aggregate_by_key=aggregate_by_key,
    )


@dataclass(frozen=True)
class Match:
    """How one name or code was understood."""

    text: str
    status: str  # "country" | "aggregate" | "ambiguous" | "unmapped"
    iso3: str | None = None
    aggregate_code: str | None = None
    candidates: tuple[str, ...] = ()


def match(text: Any) -> Match:
    """Understand one name or code (see the module docstring for the rules)."""
    raw = "" if text is None else str(text)
    cleaned = raw.strip()
    if not cleaned or cleaned.lower() in ("nan", "none", "<na>"):
        return Match(raw, "unmapped")
    ref = reference()
    key = name_key(cleaned)
    return (
        _by_name(raw, key, ref)
        or _by_code(raw, cleaned, ref)
        or _by_aggregate_name(raw, key, ref)
        or Match(raw, "unmapped")
    )


def _by_name(raw: str, key: str, ref: Reference) -> Match | None:
    """A country name (one country, or several: ambiguous)."""
    found = ref.by_key.get(key, frozenset())
    if len(found) == 1:
        return Match(raw, "country", iso3=next(iter(found)))
    if len(found) > 1:
        return Match(raw, "ambiguous", candidates=tuple(sorted(found)))
    return None


def _by_code(raw: str, cleaned: str, ref: Reference) -> Match | None:
    """An aggregate's code as written; an ISO alpha-3 or alpha-2 code (or an aggregate's code)
    in any case; an ISO numeric code; a UN M49 region code."""
    if cleaned in ref.aggregates:
        return Match(raw, "aggregate", aggregate_code=cleaned)
    if _CODE.match(cleaned):
        return _by_letters(raw, cleaned.upper(), ref)
    if _NUMERIC.match(cleaned):
        code = cleaned.zfill(3)
        if code in ref.by_numeric:
            return Match(raw, "country", iso3=ref.by_numeric[code])
        if code in ref.aggregates:  # UN M49 region codes
            return Match(raw, "aggregate", aggregate_code=code)
    return None


def _by_letters(raw: str, code: str, ref: Reference) -> Match | None:
    """An upper-case ISO alpha-3 or alpha-2 code, or an aggregate's code."""
    if len(code) == 3 and code in ref.iso3:
        return Match(raw, "country", iso3=code)
    if len(code) == 2 and code in ref.by_iso2:
        return Match(raw, "country", iso3=ref.by_iso2[code])
    if code in ref.aggregates:
        return Match(raw, "aggregate", aggregate_code=code)
    return None


def _by_aggregate_name(raw: str, key: str, ref: Reference) -> Match | None:
    """An aggregate's name (World, a World Bank region or income group, EU, euro area)."""
    if key in ref.aggregate_by_key:
        return Match(raw, "aggregate", aggregate_code=ref.aggregate_by_key[key])
    return None


@dataclass
class Harmonised:
    """The result of :func:`harmonise`: one entry per input name, plus a report."""

    matches: list[Match] = field(default_factory=list)

    @property
    def iso3(self) -> list[str | None]:
        return [m.iso3 for m in self.matches]

    @property
    def status(self) -> list[str]:
        return [m.status for m in self.matches]

    @property
    def aggregate_code(self) -> list[str | None]:
        return [m.aggregate_code for m in self.matches]

    @property
    def unmapped(self) -> list[str]:
        """Distinct names that matched nothing."""
        return list(dict.fromkeys(m.text for m in self.matches if m.status == "unmapped"))

    @property
    def ambiguous(self) -> dict[str, tuple[str, ...]]:
        """Distinct names that matched several countries, with the candidates."""
        return {m.text: m.candidates for m in self.matches if m.status == "ambiguous"}

    @property
    def suggestions(self) -> dict[str, list[str]]:
        """Close country names for each unmapped name (the first :data:`SUGGESTED` names;
        shown in :meth:`report`, never applied)."""
        return {name: suggest(name) for name in self.unmapped[:SUGGESTED]}

    def report(self) -> str:
        """One paragraph on what could not be mapped, with close country names for unknown
        ones (empty when everything was mapped)."""
        parts = []
        if self.unmapped:
            hints = self.suggestions
            parts.append(
                f"{len(self.unmapped)} name(s) not recognised: "
                + ", ".join(_with_hint(name, hints.get(name, [])) for name in self.unmapped)
            )
        if self.ambiguous:
            parts.append(
                "ambiguous: "
                + ", ".join(
                    f"{name!r} ({' or '.join(codes)})" for name, codes in self.ambiguous.items()
                )
            )
        return "; ".join(parts)


def harmonise(names: Iterable[Any]) -> Harmonised:
    """Match every name or code (aggregates recognised, nothing guessed)."""
    cache: dict[str, Match] = {}
    matches = []
    for name in names:
        key = "" if name is None else str(name)
        if key not in cache:
            cache[key] = match(name)
        matches.append(cache[key])
    return Harmonised(matches)


class MappedNames(list):
    """A list of ISO3 codes (None where unmapped) carrying the ``unmapped`` and ``ambiguous``
    names and a ``report()``."""

    def __init__(self, codes: list[str | None], result: Harmonised) -> None:
        super().__init__(codes)
        self.unmapped = result.unmapped
        self.ambiguous = result.ambiguous
        self.report = result.report


def to_iso3(names: Any, *, warn: bool = True) -> Any:
    """ISO3 code per name or code; None for anything that is not one country.

    A pandas Series gives a Series on the same index; a single string gives one code; any other
    iterable gives a list (with ``.unmapped``, ``.ambiguous`` and ``.report()``). Aggregates
    ("World", "EUU") give None. With ``warn`` (the default) names that could not be mapped are
    reported in an :class:`UnmappedCountryWarning`.
    """
    single = isinstance(names, str) or names is None
    items = [names] if single else list(names)
    result = harmonise(items)
    if warn and (result.unmapped or result.ambiguous):
        warnings.warn(result.report(), UnmappedCountryWarning, stacklevel=2)
    codes = result.iso3
    if single:
        return codes[0]
    if type(names).__name__ == "Series" and hasattr(names, "index"):
        import pandas as pd  # noqa: PLC0415 - only when given a Series

        return pd.Series(codes, index=names.index, name="iso3", dtype="object")
    return MappedNames(codes, result)


def require_iso3(names: str | Iterable[Any], *, context: str = "") -> list[str]:
    """ISO3 code of every name or code (a single string counts as one name), or a
    :class:`~compare.errors.ParameterError` listing every name that is not one country
    (unknown, ambiguous or an aggregate); ``context`` prefixes the message, e.g. ``"group 'X'"``.

    >>> require_iso3(["España", "BRA"])
    ['ESP', 'BRA']
    """
    given = [names] if isinstance(names, str) else list(names)
    result = harmonise(given)
    bad = {m.text: m for m in result.matches if m.iso3 is None}
    if bad:
        parts = []
        unmapped = [text for text, m in bad.items() if m.status == "unmapped"]
        if unmapped:
            parts.append(
                "unknown country "
                + ", ".join(_with_hint(text, suggest(text)) for text in unmapped[:SUGGESTED])
                + (f" and {len(unmapped) - SUGGESTED} more" if len(unmapped) > SUGGESTED else "")
            )
        parts += [
            f"{text!r} is ambiguous ({' or '.join(m.candidates)})"
            for text, m in bad.items()
            if m.status == "ambiguous"
        ]
        aggregates = [text for text, m in bad.items() if m.status == "aggregate"]
        if aggregates:
            parts.append(f"{', '.join(map(repr, aggregates))}: an aggregate, not a country")
        text = "; ".join(parts) + "; use ISO3 codes or country names, e.g. ESP, 'Brazil', 'México'"
        raise ParameterError(f"{context}: {text}" if context else text)
    return [str(code) for code in result.iso3]


#: Unmapped names given close matches in one message (each costs a scan of the name table).
SUGGESTED = 10

#: Similarity a country name needs to be suggested: stricter than for ids, since thousands of
#: names are compared ("Ecudor" -> Ecuador 0.92, "Untied Kingdom" -> United Kingdom 0.86, but
#: "Atlantis" suggests nothing).
NAME_CUTOFF = 0.8


def suggest(text: Any, limit: int = 3) -> list[str]:
    """Close country names for a name that matched nothing, as ``"Ecuador (ECU)"`` (best
    first): the names and spellings of the reference tables compared on their
    :func:`~compare.geo.names.name_key`. Only a hint: :func:`to_iso3` never applies it.

    >>> suggest("Ecudor")
    ['Ecuador (ECU)']
    """
    from compare.suggest import close  # noqa: PLC0415

    ref = reference()
    single = {key: next(iter(codes)) for key, codes in ref.by_key.items() if len(codes) == 1}
    found = close(name_key(str(text)), single, limit=limit * 3, cutoff=NAME_CUTOFF, key=str)
    codes = list(dict.fromkeys(single[key] for key in found))[:limit]
    return [f"{country_name(code)} ({code})" for code in codes]


def _with_hint(text: str, candidates: list[str]) -> str:
    from compare.suggest import did_you_mean  # noqa: PLC0415

    return f"{text!r} ({did_you_mean(candidates, quote=False)})" if candidates else repr(text)


def country_name(iso3: str, language: str | None = None) -> str:
    """Short name of an ISO3 code in ``language`` (default: the current language of
    :mod:`compare.language`; Spanish and Portuguese from the mirror's name tables, columns
    ``name_es``/``name_pt`` of ``countries.csv``, English when a table has none); the code itself
    when unknown."""
    row = reference().iso3.get(str(iso3))
    if not row:
        return str(iso3)
    code = language or current()
    return (row.get(f"name_{code}") if code != SOURCE_LANGUAGE else None) or row["name"]


def countries() -> list[str]:
    """Every ISO3 code the harmoniser knows."""
    return sorted(reference().iso3)
