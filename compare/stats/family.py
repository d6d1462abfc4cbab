"""Many comparisons at once: the Welch and Mann-Whitney p-values of every indicator of one family,
each in its own comparison year, with Holm's adjustment across the family.

A family (digital divide, interoperability ...) is read as one set of hypotheses "the two groups
differ on this indicator": with 40 indicators, some unadjusted p-values fall under 0.05 by chance.
Holm's step-down adjustment (statsmodels ``multipletests(method="holm")``) controls the
family-wise error rate without assuming independence between the indicators.

>>> compare.stats.family_tests("interoperability")          # one row per indicator
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from compare.catalog import load_catalog
from compare.config import (
    COVERAGE_THRESHOLD,
    DEFAULT_CLASSIFICATION,
    DEFAULT_GROUPS,
    MIN_COUNTRIES,
)
from compare.errors import ParameterError
from compare.geo.regions import check_groups
from compare.stats.panel import Panel, check_threshold, read_panels

FAMILY_COLUMNS = [
    "indicator", "year", "year_note", "n_a", "n_b", "welch_p", "welch_p_holm",
    "mann_whitney_p", "mann_whitney_p_holm", "m", "note",
]  # fmt: skip


def family_tests(
    family: str,
    groups: tuple[str, str] = DEFAULT_GROUPS,
    classification: str = DEFAULT_CLASSIFICATION,
    *,
    years: Mapping[str, int] | None = None,
    threshold: float = COVERAGE_THRESHOLD,
    min_countries: int = MIN_COUNTRIES,
    home: str | Path | None = None,
) -> pd.DataFrame:
    """One row per indicator of ``family``: its comparison year (``years[indicator]`` when
    given, else the year :func:`compare.stats.compare_regions` would choose), the countries
    compared, the Welch t-test and Mann-Whitney p-values, and both Holm-adjusted across the
    ``m`` indicators that could be tested. Indicators without ``min_countries`` countries in
    each group in any year have no p-values; ``note`` says why. Derived indicators (gender gaps)
    are part of their family."""
    from statsmodels.stats.multitest import multipletests  # noqa: PLC0415

    pair = check_groups(groups, classification, count=2)
    threshold = check_threshold(threshold)
    metas = load_catalog().by_family(family)
    panels = read_panels([m.id for m in metas], home)
    rows = []
    for meta in metas:
        asked = None if years is None else years.get(meta.id)
        rows.append(
            _row(panels[meta.id], asked, pair=pair, classification=classification,
                 threshold=threshold, min_countries=min_countries)
        )  # fmt: skip
    table = pd.DataFrame(rows, columns=FAMILY_COLUMNS)
    tested = table["welch_p"].notna()
    m = int(tested.sum())
    table["m"] = m
    for column in ("welch_p", "mann_whitney_p"):
        table[f"{column}_holm"] = float("nan")
        if m:
            adjusted = multipletests(table.loc[tested, column].to_numpy(float), method="holm")[1]
            table.loc[tested, f"{column}_holm"] = adjusted
    table.attrs.update({"family": family, "groups": pair, "classification": classification})
    return table


def _row(
    panel: Panel,
    year: int | None,
    *,
    pair: tuple[str, ...],
    classification: str,
    threshold: float,
    min_countries: int,
) -> dict[str, Any]:
    """One indicator's comparison year and its two tests (no p-value when it cannot be tested)."""
    from compare.stats.comparison import _choose_year  # noqa: PLC0415
    from compare.stats.inference import mann_whitney, welch  # noqa: PLC0415

    row: dict[str, Any] = {"indicator": panel.indicator, "note": ""}
    try:
        if year is None:
            year, row["year_note"] = _choose_year(
                panel, pair, classification, threshold, min_countries
            )
        else:
            row["year_note"] = f"{year}: the year requested"
    except ParameterError as exc:
        return {**row, "year": None, "year_note": "", "n_a": 0, "n_b": 0, "note": str(exc)}
    samples = [np.asarray(panel.measured(g, classification, year), float) for g in pair]
    row.update(year=int(year), n_a=len(samples[0]), n_b=len(samples[1]))
    if min(len(s) for s in samples) < min_countries:
        row["note"] = f"fewer than {min_countries} countries with data in a group in {year}"
        return row
    row["welch_p"] = welch(*samples).pvalue
    row["mann_whitney_p"] = mann_whitney(*samples).pvalue
    return row
