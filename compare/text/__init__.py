"""Text: every word a reader sees. Number formats by unit, shares, plurals and lists
(:mod:`~compare.text.numbers`, :mod:`~compare.text.words`), and the sentences computed from
comparisons, profiles and coverage tables (never typed by hand)::

    c = compare.stats.indicator_comparison("egdi")
    compare.text.means(c)            # the regional means, weighted or not
    compare.text.tests(c)            # tests, effect sizes and the region models in words
    compare.text.set_language("es")  # everything after this in Spanish (en, es, pt)

Names are imported on first use.
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name -> module that defines it
_EXPORTS = {
    "means": "compare.text.comparisons",
    "extremes": "compare.text.comparisons",
    "tests": "compare.text.comparisons",
    "models": "compare.text.comparisons",
    "weights": "compare.text.comparisons",
    "family": "compare.text.comparisons",
    "vintage": "compare.text.comparisons",
    "notes": "compare.text.comparisons",
    "profile_sentence": "compare.text.profiles",
    "profile_table": "compare.text.profiles",
    "coverage_sentence": "compare.text.profiles",
    "coverage_gaps": "compare.text.profiles",
    "indicator_heading": "compare.text.headings",
    "gap_operands": "compare.text.headings",
    "profile_heading": "compare.text.headings",
    "set_language": "compare.text.i18n",
    "use_language": "compare.text.i18n",
    "current": "compare.text.i18n",
    "t": "compare.text.i18n",
    "ngettext": "compare.text.i18n",
    "LANGUAGES": "compare.text.i18n",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'compare.text' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
