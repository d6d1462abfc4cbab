"""How each canonical unit of the catalog is written: digits, thousands separators, unit words.

One table serves the figures (plotly d3 formats, axis titles, hover text;
:mod:`compare.figures.theme`) and the sentences of the notebooks (:mod:`compare.text.numbers`),
so that a value reads the same in a hover box and in the text under the figure.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class UnitStyle:
    """How values of one unit are written."""

    digits: int  # decimals
    thousands: bool  # group thousands with ","
    prefix: str  # before the number in figures ("$")
    suffix: str  # after the number in figures ("%", " per 100")
    words: str  # after the number in sentences ("%", " per 100 people")
    gap_words: str  # after a difference in sentences (" pp", " points")
    title: str  # axis and colour-bar title


UNITS: dict[str, UnitStyle] = {
    "percent": UnitStyle(1, False, "", "%", "%", " pp", "%"),
    "index_0_1": UnitStyle(3, False, "", "", "", " index points", "index (0-1)"),
    "score_0_100": UnitStyle(1, False, "", "", "", " points", "score (0-100)"),
    "per_100_people": UnitStyle(
        digits=1,
        thousands=False,
        prefix="",
        suffix=" per 100",
        words=" per 100 people",
        gap_words=" per 100 people",
        title="per 100 people",
    ),
    "per_million_people": UnitStyle(
        digits=0,
        thousands=True,
        prefix="",
        suffix=" per million",
        words=" per million people",
        gap_words=" per million people",
        title="per million people",
    ),
    "people": UnitStyle(0, True, "", "", "", "", "people"),
    "percentage_points": UnitStyle(1, False, "", " pp", " pp", " pp", "percentage points"),
    "int_dollars_ppp": UnitStyle(
        digits=0,
        thousands=True,
        prefix="$",
        suffix=" (PPP)",
        words=" international $ (PPP)",
        gap_words=" international $ (PPP)",
        title="int. $ (PPP)",
    ),
}


#: the unit of a difference (a gap, a region effect) of two values of a level unit
DIFFERENCE_UNITS: dict[str, str] = {
    "percent": "percentage_points",
    "index_0_1": "index_points",
    "score_0_100": "score_points",
}


def difference_unit(unit: str) -> str:
    """The unit of a difference of two values in ``unit`` (``percent`` ->
    ``percentage_points``, ``index_0_1`` -> ``index_points``; other units are their own)."""
    return DIFFERENCE_UNITS.get(unit, unit)


def style(unit: str) -> UnitStyle | None:
    """The style of ``unit`` (None for a unit the catalog does not define)."""
    return UNITS.get(unit)


def d3_format(unit: str) -> str:
    """The d3/Python format spec of ``unit`` (``".1f"``, ``",.0f"``; ``"~g"`` when unknown)."""
    found = UNITS.get(unit)
    if found is None:
        return "~g"
    return f"{',' if found.thousands else ''}.{found.digits}f"


def title(unit: str) -> str:
    """A short readable name of ``unit`` ("%", "index (0-1)"; unknown units without "_")."""
    found = UNITS.get(unit)
    return found.title if found else str(unit).replace("_", " ")
