"""Many comparisons at once: the Welch and Mann-Whitney p-values of every indicator of one family,
each in its own comparison year, with Holm's adjustment across the family.

A family (digital divide, interoperability ...) is read as one set of hypotheses "the two groups
differ on this indicator": with 40 indicators, some unadjusted p-values fall under 0.05 by chance.
Holm's step-down adjustment (:func:`holm`, as statsmodels' ``multipletests(method="holm")``)
controls the family-wise error rate without assuming independence between the indicators.

>>> compare.stats.family_tests("interoperability")          # one row per indicator
"""

from __future__ import annotations

import hashlib
import json
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
from compare.storage.reads import note as note_reads
from compare.storage.reads import suppressed

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
    pair = check_groups(groups, classification, count=2)
    threshold = check_threshold(threshold)
    key = family_key(family, pair, classification, threshold, min_countries)
    with suppressed():  # the family's tests are logged as one input, with their digest
        rules = {"threshold": threshold, "min_countries": min_countries, "home": home}
        table = _family_table(family, pair, classification, years, **rules)
        plain = _family_table(family, pair, classification, None, **rules) if years else table
    note_reads("family-members", [key])
    note_reads("family", [f"{key}{DIGEST_MARK}{family_digest(plain)}"])
    return table


#: Separates a logged input from the digest the run computed for it (compare.storage.reads).
DIGEST_MARK = "#"


def family_key(
    family: str, pair: tuple[str, ...], classification: str, threshold: float, min_countries: int
) -> str:
    """The name of one family's tests as an input of a report (``family:<this>``)."""
    return json.dumps([family, list(pair), classification, threshold, min_countries],
                      separators=(",", ":"))  # fmt: skip


def family_digest(table: pd.DataFrame) -> str:
    """sha256 of what a family's tests give a report: each indicator's year and p-values."""
    columns = ["indicator", "year", "welch_p", "mann_whitney_p"]
    return hashlib.sha256(table[columns].to_csv(index=False).encode()).hexdigest()


def _family_table(
    family: str,
    pair: tuple[str, ...],
    classification: str,
    years: Mapping[str, int] | None,
    *,
    threshold: float,
    min_countries: int,
    home: str | Path | None,
) -> pd.DataFrame:
    """The family's table (see :func:`family_tests`)."""
    metas = load_catalog().by_family(family)
    panels = read_panels([m.id for m in metas], home)
    rows = []
    for meta in metas:
        asked = None if years is None else years.get(meta.id)
        rows.append(
            _remembered_row(panels[meta.id], asked, pair=pair, classification=classification,
                            threshold=threshold, min_countries=min_countries)
        )  # fmt: skip
    table = pd.DataFrame(rows, columns=FAMILY_COLUMNS)
    tested = table["welch_p"].notna()
    m = int(tested.sum())
    table["m"] = m
    for column in ("welch_p", "mann_whitney_p"):
        table[f"{column}_holm"] = float("nan")
        if m:
            adjusted = holm(table.loc[tested, column].to_numpy(float))
            table.loc[tested, f"{column}_holm"] = adjusted
    table.attrs.update({"family": family, "groups": pair, "classification": classification})
    return table


def holm(pvalues: np.ndarray) -> np.ndarray:
    """Holm's step-down adjustment, as statsmodels' ``multipletests(method="holm")`` computes it
    (sorted ascending, the i-th multiplied by m - i, running maximum, at most 1). Written here
    because statsmodels 0.15 runs ``gc.collect()`` on every Holm call: 0.1-0.5 s in a report's
    kernel, twice per family table; the test checks both agree on the real families."""
    order = np.argsort(pvalues, kind="stable")
    ranked = pvalues[order] * np.arange(len(pvalues), 0, -1)
    adjusted = np.empty_like(ranked)
    adjusted[order] = np.minimum(np.maximum.accumulate(ranked), 1.0)
    return adjusted


#: rows already computed in this process, by (panel object, year, groups, rules), with the
#: panel kept so that its id is never reused: a report's kernel, forked from a server that
#: computed every family's tests, finds the other indicators' rows here
_ROWS: dict[tuple, tuple[Panel, dict[str, Any]]] = {}
_ROWS_KEPT = 2000


def _remembered_row(panel: Panel, year: int | None, **rules: Any) -> dict[str, Any]:
    key = (id(panel), year, tuple(sorted((k, str(v)) for k, v in rules.items())))
    hit = _ROWS.get(key)
    if hit is not None and hit[0] is panel:
        return dict(hit[1])
    row = _row(panel, year, **rules)
    if len(_ROWS) >= _ROWS_KEPT:
        _ROWS.clear()
    _ROWS[key] = (panel, row)
    return dict(row)


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
