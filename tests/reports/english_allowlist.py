"""What may stay English on a Spanish or Portuguese page, in one place
(tests/reports/test_languages.py): proper names, ids, units and quotes.

Code (``<code>``, commands, ids, units as the catalog names them), the run's parameter table
(parameter names are identifiers) and the notebook prompts are not prose and are not checked.
The sources' publishers, citations and licences are proper names (taken from the catalog).
"""

from __future__ import annotations

import re

#: Proper names and terms that are the same in every language of the reports.
PROPER_NAMES = (
    "Natural Earth",
    "Welch", "Mann–Whitney", "Cohen", "Cliff", "Hedges", "Kish", "Holm",
    "GLM", "HC1", "logit", "bootstrap",
    "PROVENANCE.md", "INDEX.md", "commit",
    "DESI", "GTMI", "OECD", "ITU", "UN DESA", "ODS",
    "eGovernment Benchmark", "GovTech", "Open University",
    "English", "Español", "Português",  # each language named in itself (language links)
)  # fmt: skip

#: Identifiers: indicator and source ids, flags, file names (letters joined by ``_``, ``-``,
#: ``.`` or ``/``), ISO3 codes (``AND`` is Andorra) and nbconvert's prompts.
IDENTIFIER = re.compile(
    r"\b[\w]+(?:[-_./][\w]+)+\b|\bOut\[\d+\]:|\bIn\[\d+\]:|\b[A-Z]{3}\b"  # ISO3 codes too
)

#: Words that are English and neither Spanish nor Portuguese ("regional", "total", "control"
#: are all three, so they are not here): one of them left in a page's prose means a sentence,
#: title, axis or header was not translated.
ENGLISH_WORDS = (
    "the", "of", "and", "with", "for", "from", "to", "in", "is", "are", "was", "not", "no data",
    "mean", "means", "weighted", "unweighted", "countries", "country", "population", "year",
    "years", "gap", "data", "values", "members", "member", "sources", "report", "reports",
    "show", "code", "notes", "summary", "statistics", "map", "over time", "how", "read", "each",
    "both", "between", "above", "below", "rank", "withheld", "thin", "share", "people", "group",
    "groups", "latest", "indicator", "indicators", "generated", "parameters", "contents",
    "coverage", "distribution", "covered", "threshold", "interval", "effect",
    "which", "where", "when", "without", "only", "this", "that", "its", "their", "has", "have",
)  # fmt: skip

ENGLISH = re.compile(r"\b(" + "|".join(map(re.escape, ENGLISH_WORDS)) + r")\b", re.IGNORECASE)


def catalog_names() -> list[str]:
    """The sources' publishers, citations and licences (proper names of the catalog)."""
    from compare.catalog import load_catalog

    catalog = load_catalog()
    names = []
    for source in catalog.sources.values():
        names += [str(x) for x in (source.publisher, source.citation, source.licence) if x]
    return sorted(set(names), key=len, reverse=True)


def indicator_ids() -> set[str]:
    """The catalog's indicator ids (``population``, ``egdi``): identifiers, even when one looks
    like an English word."""
    from compare.catalog import load_catalog

    return set(load_catalog().indicators)


#: Words of :data:`ENGLISH_WORDS` that are also words of a page's language ("data" is
#: Portuguese for "date": "com data de 29 de novembro de 2024").
ALSO_IN = {"pt": ("data",)}


def english_left(text: str, language: str = "es") -> list[str]:
    """The English words left in ``text`` (a page in ``language``) once proper names and
    identifiers are removed, each with some context. A line that is an indicator id and nothing
    else (a table cell) is an identifier; the same word inside a sentence is checked."""
    ids = indicator_ids()
    text = "\n".join(line for line in text.split("\n") if line.strip() not in ids)
    for name in (*catalog_names(), *PROPER_NAMES):
        text = text.replace(name, " ")
    text = IDENTIFIER.sub(" ", text)
    own = ALSO_IN.get(language, ())
    return [
        text[max(0, m.start() - 40) : m.end() + 40].replace("\n", " ")
        for m in ENGLISH.finditer(text)
        if m.group(0).lower() not in own
    ]
