"""``compare report --only``: which runs a pattern selects, with no dead ends.

A pattern is a glob on the run id, matched ignoring case (``indicator_comparison/EGDI`` selects
``indicator_comparison/egdi``); several patterns are separated by commas. A pattern naming a
country by name or code where the run id has its ISO3 code selects that run
(``country_profile/Ecuador``, ``country_profile/ecu`` -> ``country_profile/ECU``). A pattern
names a report in every language it runs in (``indicator_comparison/egdi`` also selects
``indicator_comparison/egdi.es``). A pattern that selects nothing is an error that says why: the
closest run ids ("did you mean ...?", only shown), or, for a country the matrix does not profile,
the command that makes its profile.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable, Sequence
from typing import Any

from compare.errors import CompareError

_GLOB = frozenset("*?[]")
_ISO3 = re.compile(r"^[A-Z]{3}$")


def patterns(text: str) -> list[str]:
    """The comma-separated patterns of ``--only`` (blank ones dropped)."""
    return [p.strip() for p in str(text).split(",") if p.strip()]


def _glob(run_ids: Sequence[str], pattern: str) -> list[str]:
    folded = pattern.casefold()
    return [r for r in run_ids if fnmatch.fnmatchcase(r.casefold(), folded)]


def _country_code(name: str) -> str | None:
    """ISO3 code of a country name or code (None for anything else)."""
    from compare.geo.countries import to_iso3  # noqa: PLC0415

    return to_iso3(name, warn=False)


def _as_country(run_ids: Sequence[str], pattern: str) -> tuple[list[str], str | None]:
    """Runs selected when the part after the notebook names a country: (runs, its ISO3)."""
    stem, _, rest = pattern.partition("/")
    if not rest or _GLOB & set(rest):
        return [], None
    code = _country_code(rest)
    if code is None:
        return [], None
    return _glob(run_ids, f"{stem}/{code}"), code


def _no_match(run_ids: Sequence[str], pattern: str, code: str | None) -> str:
    """Why ``pattern`` selects nothing, and what might have been meant."""
    from compare.geo.countries import country_name, suggest  # noqa: PLC0415
    from compare.suggest import close, did_you_mean  # noqa: PLC0415

    stem, _, rest = pattern.partition("/")
    same = [r for r in run_ids if r.casefold().startswith(stem.casefold() + "/")]
    names = [r.partition("/")[2] for r in same]
    if code is not None:
        return (
            f"--only {pattern!r}: {country_name(code)} ({code}) has no run in the matrix "
            f"({same[0].partition('/')[0] if same else stem} runs for {_sample(names, 20)}); "
            f"`compare profile {code}` writes a profile of {country_name(code)}"
        )
    plain = bool(rest) and not (_GLOB & set(rest))
    if plain and same and all(_ISO3.match(n) for n in names):  # runs named by country
        named = suggest(rest)
        if named:
            return f"--only {pattern!r}: unknown country {rest!r}; {did_you_mean(named, False)}"
    if same and rest:  # the notebook is known: compare the part after it
        stem = same[0].partition("/")[0]
        guesses = [f"{stem}/{g}" for g in close(rest, names)]
    else:
        guesses = close(pattern, run_ids)
    if guesses:
        return f"--only {pattern!r} matches no run; {did_you_mean(guesses)}"
    stems = sorted({r.partition("/")[0] + "/" for r in run_ids})
    return (
        f"--only {pattern!r} matches no run (a glob on run ids such as {_sample(run_ids, 3)}; "
        f"notebooks: {', '.join(stems)})"
    )


def _sample(items: Sequence[str], limit: int) -> str:
    shown = ", ".join(items[:limit])
    return shown + (", ..." if len(items) > limit else "") if shown else "none"


def select_ids(run_ids: Sequence[str], only: str | None) -> list[str]:
    """The run ids ``only`` selects, in matrix order (all when ``only`` is empty); a pattern
    that selects nothing raises a :class:`CompareError` saying why (every such pattern)."""
    if not only or not patterns(only):
        return list(run_ids)
    chosen: set[str] = set()
    problems = []
    for pattern in patterns(only):
        found = _glob(run_ids, pattern)
        code = None
        if not found:
            found, code = _as_country(run_ids, pattern)
        if not found:
            problems.append(_no_match(run_ids, pattern, code))
        chosen.update(found)
    if problems:
        raise CompareError("\n".join(problems))
    return [r for r in run_ids if r in chosen]


def select(runs: Iterable[Any], only: str | None) -> list[Any]:
    """The runs (objects with a ``run_id``) that ``only`` selects, in matrix order."""
    runs = list(runs)
    ids = list(dict.fromkeys(i for r in runs for i in (getattr(r, "base_id", ""), r.run_id) if i))
    wanted = set(select_ids(ids, only))  # a pattern naming the English id selects each language
    return [r for r in runs if r.run_id in wanted or getattr(r, "base_id", "") in wanted]
