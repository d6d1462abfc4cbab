"""Evidence: the source paper's numeric claims and tables as data, consistency checks, and the
claims set against the country data.

``compare.evidence.load_claims()``, ``compare.evidence.check_consistency(claims)`` and
``compare.evidence.claims_vs_data()`` are the entry points (imported on first use, so that the
build can read and check the claims table without loading the statistics).

Two layers live here: ``claims`` (the curated tables, their schema and loaders) and ``checks``
(consistency findings) read raw input and are used by the build; ``against_data`` and
``sentences`` set the claims against the statistics and sit above them (``tests/test_layers.py``).
"""

from __future__ import annotations

import importlib
from typing import Any

#: public name -> module that defines it
_EXPORTS = {
    "claims_vs_data": "compare.evidence.against_data",
    "check_consistency": "compare.evidence.checks",
    "claims_by": "compare.evidence.claims",
    "data_gaps": "compare.evidence.claims",
    "evidence_dir": "compare.evidence.claims",
    "findings_at_least": "compare.evidence.claims",
    "load_cases": "compare.evidence.claims",
    "load_challenges": "compare.evidence.claims",
    "load_claims": "compare.evidence.claims",
    "load_methodology_cases": "compare.evidence.claims",
    "select_claims": "compare.evidence.claims",
    "verify_quotes": "compare.evidence.claims",
}

#: submodules reachable as attributes (the notebook's sentences)
_SUBMODULES = {"sentences": "compare.evidence.sentences"}

__all__ = list(_EXPORTS) + list(_SUBMODULES)


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        value = importlib.import_module(_SUBMODULES[name])
        globals()[name] = value
        return value
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'compare.evidence' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS) | set(_SUBMODULES))
