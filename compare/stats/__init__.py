"""Statistics: panels and coverage, region comparisons (means, gaps, tests, models), regional
means over time, convergence and country profiles.

``compare.stats.compare_regions(...)`` and friends are also reachable as
``compare.compare_regions``. Names are imported on first use, so that importing a light module of
this package (``compare.stats.panel``) does not load the models.
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name -> module that defines it
_EXPORTS = {
    "Comparison": "compare.stats.comparison",
    "GroupStats": "compare.stats.comparison",
    "compare_regions": "compare.stats.comparison",
    "latest_common_year": "compare.stats.comparison",
    "family_tests": "compare.stats.family",
    "Convergence": "compare.stats.over_time",
    "convergence": "compare.stats.over_time",
    "regional_means": "compare.stats.over_time",
    "country_profile": "compare.stats.profiles",
    "coverage_table": "compare.stats.profiles",
    "indicator_comparison": "compare.stats.profiles",
}

__all__ = list(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'compare.stats' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
