"""The lines at the top of a report and around its figures, computed from the catalog entry and
the results (the notebooks stay thin: one call each)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from compare.geo.countries import country_name
from compare.text.comparisons import family_label, group_label, title_label
from compare.text.i18n import _, t


def indicator_heading(meta: Any, comparison: Any) -> str:
    """``**Title** — family, unit U, source `S`. Year 2023: why.`` (``meta``: the catalog's
    :class:`~compare.catalog.Indicator`, ``comparison``: its comparison)."""
    return t(
        "**{title}** — {family}, unit {unit}, source `{source}`. Year {year_note}.",
        title=title_label(meta.title), family=family_label(meta.family), unit=_(meta.unit),
        source=meta.source, year_note=comparison.year_note,
    )  # fmt: skip


def gap_operands(a: Any, b: Any) -> str:
    """What the two dots of a gap's dumbbell are (``a``, ``b``: catalog indicators)."""
    return t(
        "**The two values behind the gap.** Filled dot: {a}; open dot: {b}; each country in the "
        "latest year it has both.", a=title_label(a.title), b=title_label(b.title),
    )  # fmt: skip


def profile_heading(profile: Any, groups: Sequence[str], classification: str) -> str:
    """``**Ecuador** (ECU), set against Europe and Latin America & Caribbean (m49).``"""
    iso3 = profile.attrs["iso3"]
    return t(
        "**{name}** ({iso3}), set against {a} and {b} ({classification}).",
        name=country_name(iso3), iso3=iso3, a=group_label(groups[0]), b=group_label(groups[1]),
        classification=classification,
    )  # fmt: skip
