"""compare: Europe vs Latin America & Caribbean indicators, from raw files to sourced reports.

The public API is imported lazily so that ``import compare`` stays fast::

    import compare
    df = compare.load("internet_users_pct", years=2022)
    compare.to_iso3(["México", "Brasil"])
"""

from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

#: public name -> module that defines it
_EXPORTS = {
    "load": "compare.data",
    "table": "compare.data",
    "to_iso3": "compare.countries",
    "harmonise": "compare.countries",
    "country_name": "compare.countries",
    "members": "compare.regions",
    "region_of": "compare.regions",
    "load_catalog": "compare.catalog",
    "compare_regions": "compare.stats",
    "convergence": "compare.stats",
    "show": "compare.display",
    "regional_means": "compare.stats",
    "latest_common_year": "compare.stats",
    "CompareError": "compare.errors",
    "DataError": "compare.errors",
    "ParameterError": "compare.errors",
}

__all__ = list(_EXPORTS)  # lazy exports, see __getattr__


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'compare' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
