"""Sorting names the way a reader of the language expects.

Babel has no collation and PyICU (ICU's collator) is not installed here, so Spanish and
Portuguese names are sorted by a documented fallback key: the name decomposed (NFKD), accents and
other combining marks removed, case folded, then the name itself to break ties (``Ágora`` sorts
with ``agora``, ``Perú`` between ``Paraguay`` and ``Polonia``; ``Ñ`` sorts as ``N``, a
simplification of the Spanish alphabet's own letter, said here). English keeps the order the
project always used (the plain string), so English reports do not change.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from compare.language import SOURCE_LANGUAGE, current


def fold(text: str) -> str:
    """``text`` without accents, case folded: ``Perú`` -> ``peru``."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def sort_key(text: str, language: str | None = None) -> str:
    """The collation key of ``text`` in ``language`` (default: the current one): the folded
    name, a NUL, the name (a string, so pandas sorts by it too)."""
    if (language or current()) == SOURCE_LANGUAGE:
        return str(text)
    return f"{fold(text)}\0{text}"


def sorted_names(names: Iterable[str], language: str | None = None) -> list[str]:
    """``names`` in the language's order."""
    return sorted(names, key=lambda n: sort_key(n, language))
