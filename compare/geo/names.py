"""Normalised keys for country names: the one rule shared by the harmoniser and its generator.

Matching is exact on the key, never fuzzy: two spellings match only when they differ in case,
accents, punctuation, ``&``/``and``, a leading or bracketed "the", or spacing.
"""

from __future__ import annotations

import re
import unicodedata

_THE = re.compile(r"\((?:the|la|le|les|el|los|las)\)|^the\s+|,\s*the$")
_PUNCT = re.compile(r"[^\w]+")


def name_key(name: str) -> str:
    """Lower-case ASCII key of a name: ``"Türkiye"`` -> ``"turkiye"``,
    ``"Bahamas (the)"`` -> ``"bahamas"``, ``"Bosnia & Herzegovina"`` ->
    ``"bosnia and herzegovina"``, ``"Côte d'Ivoire"`` -> ``"cote d ivoire"``."""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("’", "'").replace("&", " and ").strip()
    text = _THE.sub(" ", text).strip()
    return " ".join(_PUNCT.sub(" ", text).replace("_", " ").split())
