"""Normalised keys for country names: the one rule shared by the harmoniser and its generator.

Matching is exact on the key, never fuzzy: two spellings match only when they differ in case,
accents, punctuation, ``&``/``and``, a leading or bracketed article ("the", Spanish and French
"el", "la", "los", "las", "le", "les", "l'"), the Spanish and Portuguese prepositions "de",
"del", "do", "da", "dos", "das" (with an article after "de"), spacing, or in the abbreviations
statistical tables use for a fixed set of words (:data:`WORD_FORMS`: "Rep." for Republic /
República / République, "St." for Saint, "Is." for Islands / Islas / Ilhas, "Fed." for Federal /
Federated / Federation / Federative, "Dem." for Democratic ...). Each of those words and its
abbreviation become one token; nothing else is expanded, and no word is guessed.
"""

from __future__ import annotations

import re
import unicodedata

_THE = re.compile(
    r"\((?:the|la|le|les|el|los|las)\)|^(?:the|el|la|los|las|le|les)\s+|^l'\s*|,\s*the$"
)
_PUNCT = re.compile(r"[^\w]+")

#: Spanish and Portuguese prepositions left out of the key (the formal names differ in them:
#: "República Federativa del Brasil", "República Federativa do Brasil").
PREPOSITIONS = frozenset({"de", "del", "do", "da", "dos", "das"})
#: Spanish articles left out right after "de" ("República de la India", "Reino de los Países").
_ARTICLES = frozenset({"la", "las", "los", "el"})

#: One token for a word, its translations in the catalog's languages and the abbreviation
#: statistical tables use for it (the abbreviation is the token).
WORD_FORMS: dict[str, tuple[str, ...]] = {
    "rep": ("rep", "repub", "republic", "republica", "republique"),
    "st": ("st", "saint"),
    "ste": ("ste", "sainte"),
    "sta": ("sta", "santa"),
    "sto": ("sto", "santo"),
    "is": ("is", "isl", "island", "islands", "isla", "islas", "ilha", "ilhas", "ile", "iles"),
    "fed": (
        "fed", "federal", "federated", "federation", "federative", "federativa", "federacion",
        "federacao", "federale",
    ),
    "dem": ("dem", "democratic", "democratica", "democratique"),
    "sts": ("sts", "states"),
    "terr": ("terr", "territory", "territories"),
}  # fmt: skip
_TOKEN = {form: token for token, forms in WORD_FORMS.items() for form in forms}


def name_key(name: str) -> str:
    """Lower-case ASCII key of a name: ``"Türkiye"`` -> ``"turkiye"``,
    ``"Bahamas (the)"`` -> ``"bahamas"``, ``"Bosnia & Herzegovina"`` ->
    ``"bosnia and herzegovina"``, ``"Côte d'Ivoire"`` -> ``"cote d ivoire"``,
    ``"la República Federativa del Brasil"`` and ``"Rep. Federativa do Brasil"`` ->
    ``"rep fed brasil"``, ``"Dominican Rep."`` -> ``"dominican rep"``."""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.casefold().replace("’", "'").replace("&", " and ").strip()
    text = _THE.sub(" ", text).strip()
    words = _PUNCT.sub(" ", text).replace("_", " ").split()
    kept: list[str] = []
    after_de = False
    for word in words:
        if word in PREPOSITIONS or (after_de and word in _ARTICLES):
            after_de = word == "de"
            continue
        after_de = False
        kept.append(_TOKEN.get(word, word))
    return " ".join(kept) or " ".join(words)
