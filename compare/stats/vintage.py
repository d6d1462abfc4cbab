"""Vintage on every comparison: for each source behind a result (the indicator's, the population
weights', the control's) the date its data were updated or copied and the date they were
retrieved, as the build recorded them in ``data/processed/datapackage.json`` (from the fetch
manifest and the folder's own statements, :mod:`compare.ingest.vintage`), and a note when the
values and their weights come from different vintages.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compare.config import paths

POPULATION_SOURCE_OF = "population"


@dataclass(frozen=True)
class Vintage:
    """One source's dates, as recorded by the build ("" when it recorded none)."""

    role: str  # "values", "weights" or "control"
    source_id: str
    updated: str  # YYYY-MM-DD: publisher's update, or the date of the copy
    basis: str  # where ``updated`` comes from
    retrieved: str  # when the folder was imported or downloaded (ISO timestamp)


@functools.lru_cache(maxsize=8)
def _recorded(path: str, mtime_ns: int) -> dict[str, dict[str, Any]]:
    try:
        package = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(s.get("id")): s for s in package.get("sources", []) if isinstance(s, dict)}


def recorded_sources(home: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """The ``sources`` entries of the processed ``datapackage.json``, by source id."""
    path = paths(home).processed / "datapackage.json"
    if not path.is_file():
        return {}
    return _recorded(str(path), path.stat().st_mtime_ns)


def vintages(
    indicator: str, home: str | Path | None = None, control: str | None = None
) -> list[Vintage]:
    """The vintages of the sources behind a comparison of ``indicator``: its own source(s), the
    population's (the weights) and, when given, the control's."""
    from compare.catalog import load_catalog  # noqa: PLC0415

    catalog = load_catalog()
    recorded = recorded_sources(home)
    roles = [("values", s) for s in catalog.indicator(indicator).sources]
    roles.append(("weights", catalog.indicator(POPULATION_SOURCE_OF).source))
    if control:
        roles += [("control", s) for s in catalog.indicator(control).sources]
    out = []
    for role, source_id in roles:
        entry = recorded.get(source_id, {})
        out.append(
            Vintage(
                role=role,
                source_id=source_id,
                updated=str(entry.get("updated", "")),
                basis=str(entry.get("updated_basis", "")),
                retrieved=str(entry.get("retrieved", "")),
            )
        )
    return out
