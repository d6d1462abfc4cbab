"""Region classifications as data: which ISO3 codes form each comparison group.

Shipped classifications (``compare/geo/reference/regions.csv``, written by
``scripts/make_reference.py``):

- ``m49``: UN M49 ``Europe`` (region) and ``Latin America & Caribbean`` (sub-region "Latin
  America and the Caribbean"), territories included;
- ``wb``: World Bank regions (``Europe & Central Asia``, ``Latin America & Caribbean`` ...);
- ``eu27``: ``EU27`` with accession years (a country counts from the year it joined).

Users add their own groups, in the same columns (``classification, group, iso3, from_year,
to_year``), from a CSV file named by ``$COMPARE_REGIONS`` or with :func:`add_groups`.
"""

from __future__ import annotations

import csv
import functools
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from compare.config import REFERENCE_DIR
from compare.errors import CatalogError, ParameterError

REGIONS_ENV = "COMPARE_REGIONS"
COLUMNS = ("classification", "group", "iso3", "from_year", "to_year")


@dataclass(frozen=True)
class Membership:
    """One country in one group, from ``start`` to ``end`` (inclusive; None = open)."""

    classification: str
    group: str
    iso3: str
    start: int | None
    end: int | None

    def holds(self, year: int | None) -> bool:
        if year is None:
            return self.end is None
        return (self.start is None or year >= self.start) and (self.end is None or year <= self.end)


_added: list[Membership] = []


def _year(text: str, where: str) -> int | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return int(text)
    except ValueError:
        raise CatalogError(f"{where}: year {text!r} is not a whole number") from None


def read_memberships(path: Path) -> list[Membership]:
    """Rows of a classification CSV (errors name the file and row)."""
    try:
        with Path(path).open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS[:3] if c not in (reader.fieldnames or [])]
            if missing:
                raise CatalogError(f"{path}: missing column(s) {', '.join(missing)}")
            rows = []
            for number, row in enumerate(reader, start=2):
                where = f"{path}, row {number}"
                iso3 = (row.get("iso3") or "").strip().upper()
                if len(iso3) != 3 or not iso3.isalpha():
                    raise CatalogError(f"{where}: iso3 {iso3!r} is not a 3-letter code")
                if (
                    not (row.get("classification") or "").strip()
                    or not (row.get("group") or "").strip()
                ):
                    raise CatalogError(f"{where}: empty classification or group")
                rows.append(
                    Membership(
                        row["classification"].strip(),
                        row["group"].strip(),
                        iso3,
                        _year(row.get("from_year", ""), where),
                        _year(row.get("to_year", ""), where),
                    )
                )
            return rows
    except OSError as exc:
        raise CatalogError(f"cannot read classification file {path}: {exc}") from exc


@functools.cache
def _shipped() -> tuple[Membership, ...]:
    return tuple(read_memberships(REFERENCE_DIR / "regions.csv"))


@functools.cache
def _user_file(path: str) -> tuple[Membership, ...]:
    return tuple(read_memberships(Path(path)))


def memberships() -> list[Membership]:
    """Shipped, user-file and session memberships."""
    extra = os.environ.get(REGIONS_ENV)
    return [*_shipped(), *(_user_file(extra) if extra else ()), *_added]


def add_groups(classification: str, groups: Mapping[str, Iterable[str]]) -> None:
    """Add groups for this session, e.g. ``add_groups("mine", {"Andean": ["BOL", "COL",
    "ECU", "PER"]})``. Codes go through the harmoniser, so names work too."""
    from compare.geo.countries import require_iso3  # noqa: PLC0415

    for group, given in groups.items():
        codes = require_iso3(given, context=f"group {group!r}")
        _added.extend(Membership(classification, group, code, None, None) for code in codes)


def classifications() -> list[str]:
    """Names of every classification."""
    return sorted({m.classification for m in memberships()})


def groups(classification: str = "m49") -> list[str]:
    """Groups of one classification (a ParameterError lists valid classifications)."""
    return _group_names(classification)


def _group_names(classification: str) -> list[str]:
    found = sorted({m.group for m in memberships() if m.classification == classification})
    if not found:
        from compare.suggest import hint  # noqa: PLC0415

        valid = classifications()
        raise ParameterError(
            f"unknown classification {classification!r}{hint(str(classification), valid)}; "
            f"valid: {', '.join(valid)}"
        )
    return found


def check_groups(
    groups: str | Iterable[str], classification: str = "m49", *, count: int | None = None
) -> tuple[str, ...]:
    """The groups, checked: at least one, each a group of ``classification`` (else a
    ParameterError listing the valid ones); with ``count``, exactly that many different groups.
    A single string is one group."""
    chosen = (groups,) if isinstance(groups, str) else tuple(groups)
    if count is not None and (len(chosen) != count or len(set(chosen)) != count):
        raise ParameterError(f"groups must be {count} different group names, got {chosen!r}")
    valid = _group_names(classification)
    unknown = [g for g in chosen if g not in valid]
    if not chosen or unknown:
        from compare.suggest import hint  # noqa: PLC0415

        what = f"unknown group {', '.join(map(repr, unknown))}" if unknown else "no group given"
        hints = "".join(hint(str(g), valid) for g in unknown)
        raise ParameterError(
            f"{what} in classification {classification!r}{hints}; valid groups: " + ", ".join(valid)
        )
    return chosen


def members(group: str, classification: str = "m49", year: int | None = None) -> list[str]:
    """ISO3 codes of ``group`` (in ``year``; None = current membership)."""
    check_groups([group], classification)
    return sorted(
        {
            m.iso3
            for m in memberships()
            if m.classification == classification and m.group == group and m.holds(year)
        }
    )


def region_of(
    iso3: Iterable[str], classification: str = "m49", year: int | None = None
) -> list[str | None]:
    """The group of each code in ``classification`` (in ``year``), None when in none."""
    groups(classification)
    lookup: dict[str, str] = {}
    for m in memberships():
        if m.classification == classification and m.holds(year):
            lookup.setdefault(m.iso3, m.group)
    return [lookup.get(code) for code in iso3]
