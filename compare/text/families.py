"""What the command line says about a family of indicators that has none per country."""

from __future__ import annotations

from typing import Any


def empty_family(catalog: Any, family: str) -> str:
    """Why ``family`` lists no indicator (the catalog's gaps of that family) and where its
    evidence is; ``catalog`` is a :class:`compare.catalog.Catalog`."""
    from compare.catalog import resolve_family  # noqa: PLC0415

    family = resolve_family(family)
    gaps = [g for g in catalog.gaps.values() if g.family == family]
    lines = [f"No per-country indicator exists for {family}."]
    lines += [f"  - {gap.title}: {gap.why}" for gap in gaps]
    if family == "employer_recognition":
        lines += [
            "The evidence is region-level: the source paper's figures, with quotes and "
            "citations, in data/raw/evidence/paper_claims.csv (compare.evidence.load_claims()),",
            "set against the country data in the evidence report "
            "(reports/evidence_overview/default.html) and summed up in the employer-recognition "
            "section of reports/index.html.",
        ]
    return "\n".join(lines)
