"""Near matches for a mistyped name: "did you mean ...?" (shown, never applied).

One rule for every vocabulary the user types (indicator ids, families, groups, report ids,
country names): an exact match in another case is the match itself (:func:`casefold_match`,
for the command line and report parameters); anything else gets at most a few close candidates
(:func:`close`): the standard library's :mod:`difflib` matches (Ratcliff/Obershelp similarity
on case-folded text), then the choices a word of four letters or more begins. Nothing here
picks a value for the user: callers put the candidates in their error or warning message.

This module sits in the base layer (it imports nothing from the package) so that the geo and
catalog layers can use it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable

#: Similarity (0-1, difflib's ratio) a candidate needs to be suggested.
CUTOFF = 0.6

#: Most candidates shown.
LIMIT = 3

#: A word this long that starts a choice suggests it ("employer" -> "employer_recognition").
MIN_PREFIX = 4


def casefold_match(word: str, choices: Iterable[str]) -> str | None:
    """The one choice equal to ``word`` ignoring case (None when none or several)."""
    folded = str(word).casefold()
    found = [c for c in dict.fromkeys(choices) if str(c).casefold() == folded]
    return found[0] if len(found) == 1 else None


def close(
    word: str,
    choices: Iterable[str],
    *,
    limit: int = LIMIT,
    cutoff: float = CUTOFF,
    key: Callable[[str], str] = str.casefold,
) -> list[str]:
    """Up to ``limit`` choices closest to ``word`` (best first), compared through ``key``
    (case-folded by default): a choice equal to ``word`` under ``key``, then difflib's close
    matches, then the choices that begin with ``word``."""
    target = key(str(word))
    by_key: dict[str, str] = {}
    for choice in choices:
        by_key.setdefault(key(str(choice)), str(choice))
    found = [target] if target in by_key else []
    found += difflib.get_close_matches(target, list(by_key), n=limit, cutoff=cutoff)
    if len(target) >= MIN_PREFIX:  # "employer" -> "employer_recognition"
        found += sorted(k for k in by_key if k.startswith(target))
    return [by_key[k] for k in dict.fromkeys(found)][:limit]


def did_you_mean(candidates: Iterable[str], quote: bool = True) -> str:
    """``"did you mean 'egdi'?"`` / ``"did you mean 'a' or 'b'?"`` ("" when no candidate)."""
    items = [repr(c) if quote else str(c) for c in candidates]
    if not items:
        return ""
    joined = items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]
    return f"did you mean {joined}?"


def hint(word: str, choices: Iterable[str], **options: object) -> str:
    """``"; did you mean 'egdi'?"`` for an error message ("" when nothing is close)."""
    text = did_you_mean(close(word, choices, **options))  # type: ignore[arg-type]
    return f"; {text}" if text else ""
