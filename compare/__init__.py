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
    "to_iso3": "compare.geo.countries",
    "harmonise": "compare.geo.countries",
    "country_name": "compare.geo.countries",
    "members": "compare.geo.regions",
    "region_of": "compare.geo.regions",
    "load_catalog": "compare.catalog",
    "compare_regions": "compare.stats",
    "regional_means": "compare.stats",
    "convergence": "compare.stats",
    "latest_common_year": "compare.stats",
    "country_profile": "compare.stats",
    "show": "compare.reports.display",
    "md": "compare.reports.display",
    "show_table": "compare.reports.display",
    "show_quotes": "compare.reports.display",
    "CompareError": "compare.errors",
    "DataError": "compare.errors",
    "ParameterError": "compare.errors",
}

#: submodules reachable as attributes after a bare ``import compare`` (imported on first use)
_SUBMODULES = {
    "regions": "compare.geo.regions",
    "countries": "compare.geo.countries",
    "evidence": "compare.evidence",
    "stats": "compare.stats",
    "figures": "compare.figures",
    "text": "compare.text",
    "config": "compare.config",
}

__all__ = list(_EXPORTS) + list(_SUBMODULES)  # lazy exports, see __getattr__


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        value = importlib.import_module(_SUBMODULES[name])
    elif name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
    else:
        raise AttributeError(f"module 'compare' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS) | set(_SUBMODULES))
