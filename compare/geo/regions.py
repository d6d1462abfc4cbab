"""Region classifications as data: which ISO3 codes form each comparison group.

Shipped classifications (``compare/geo/reference/regions.csv``, written by
``scripts/make_reference.py`` from the mirror's ``country-codes`` table and World Bank metadata):

- ``m49``: UN M49 ``Europe`` (region) and ``Latin America & Caribbean`` (sub-region "Latin
  America and the Caribbean"), territories included: the two comparison groups;
- ``m49_region``: the five UN M49 regions (``Africa``, ``Americas``, ``Asia``, ``Europe``,
  ``Oceania``);
- ``m49_subregion``: the UN M49 sub-regions (``Northern Europe``, ``Southern Europe``,
  ``Eastern Europe``, ``Western Europe``, ``Latin America and the Caribbean`` ...);
- ``m49_intermediate``: the UN M49 intermediate regions (``South America``,
  ``Central America``, ``Caribbean`` ...);
- ``wb``: World Bank regions (``Europe & Central Asia``, ``Latin America & Caribbean`` ...);
- ``eu27``: ``EU27`` with accession years (a country counts from the year it joined).

Users add their own groups, in the same columns (``classification, group, iso3, from_year,
to_year``), from a CSV file named by ``$COMPARE_REGIONS``, in the ``groups:`` of a user catalog
(:mod:`compare.geo.catalog_groups`) or with :func:`add_groups`.

**Naming a group.** Every function that takes groups takes a ``classification`` too: a bare
name (``"South America"``) is a group of that classification; ``"CLASSIFICATION:GROUP"``
names a group of any classification (``"eu27:EU27"``, ``"m49_intermediate:South America"``),
so that groups of two classifications can be compared directly::

    compare.compare_regions("egdi", 2022, groups=("eu27:EU27", "m49_intermediate:South America"))

The group keeps the name it was given (``"eu27:EU27"``) in every table and sentence.
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
#: between the classification and the group in a qualified group name ("eu27:EU27")
SEPARATOR = ":"


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
    """Shipped, user-file, user-catalog (:mod:`compare.geo.catalog_groups`) and session
    memberships."""
    from compare.geo import catalog_groups  # noqa: PLC0415

    extra = os.environ.get(REGIONS_ENV)
    base = [*_shipped(), *(_user_file(extra) if extra else ())]
    return [*catalog_groups.apply(base, _current_member), *_added]


def _current_member(classification: str, group: str, iso3: str) -> Membership:
    return Membership(classification, group, iso3, None, None)


#: (the key of the memberships it was built from, classification -> group -> memberships)
_index_cache: list = [None, {}]


def _index() -> dict[str, dict[str, list[Membership]]]:
    """Memberships by classification and group, rebuilt when the user file or the session's
    groups change (so that lookups stay cheap when statistics loop over years)."""
    from compare.geo import catalog_groups  # noqa: PLC0415

    # a user catalog edited during the session (its groups) rebuilds the index too
    key = (os.environ.get(REGIONS_ENV), id(_added), len(_added), catalog_groups.stamp())
    if _index_cache[0] != key:
        index: dict[str, dict[str, list[Membership]]] = {}
        for m in memberships():
            index.setdefault(m.classification, {}).setdefault(m.group, []).append(m)
        _index_cache[:] = [key, index]
    return _index_cache[1]


def add_groups(classification: str, groups: Mapping[str, Iterable[str]]) -> None:
    """Add groups for this session, e.g. ``add_groups("mine", {"Andean": ["BOL", "COL",
    "ECU", "PER"]})``. Codes go through the harmoniser, so names work too."""
    from compare.geo.countries import require_iso3  # noqa: PLC0415

    for group, given in groups.items():
        codes = require_iso3(given, context=f"group {group!r}")
        _added.extend(Membership(classification, group, code, None, None) for code in codes)


def classifications() -> list[str]:
    """Names of every classification."""
    return sorted(_index())


def groups(classification: str = "m49") -> list[str]:
    """Groups of one classification (a ParameterError lists valid classifications)."""
    return _group_names(classification)


def _group_names(classification: str) -> list[str]:
    found = sorted(_index().get(classification, {}))
    if not found:
        from compare.suggest import hint  # noqa: PLC0415

        valid = classifications()
        raise ParameterError(
            f"unknown classification {classification!r}{hint(str(classification), valid)}; "
            f"valid: {', '.join(valid)}"
        )
    return found


def resolve(group: str, classification: str = "m49") -> tuple[str, str]:
    """``(classification, group)`` of a group name: ``"CLASSIFICATION:GROUP"`` when the part
    before the first ``:`` is a classification, else the bare name in ``classification``."""
    prefix, sep, rest = str(group).partition(SEPARATOR)
    if sep and rest.strip() and prefix.strip() in _index():
        return prefix.strip(), rest.strip()
    return classification, group


def qualified(group: str, classification: str = "m49") -> str:
    """The ``CLASSIFICATION:GROUP`` form of a group name."""
    return SEPARATOR.join(resolve(group, classification))


def _elsewhere(name: str) -> list[str]:
    """Qualified names of the groups called ``name`` in any classification."""
    return sorted(f"{where}{SEPARATOR}{name}" for where, named in _index().items() if name in named)


def _unknown_message(unknown: list[str], classification: str, valid: list[str]) -> str:
    text = (
        f"unknown group {', '.join(map(repr, unknown))} in classification {classification!r}; "
        f"valid groups: {', '.join(valid)}"
    )
    from compare.suggest import hint  # noqa: PLC0415

    text = text.replace(
        "; valid groups:", "".join(hint(n, valid) for n in unknown) + "; valid groups:", 1
    )
    hints = [f"{name!r} is {' or '.join(map(repr, _elsewhere(name)))}" for name in unknown]
    hints = [h for h, name in zip(hints, unknown, strict=True) if _elsewhere(name)]
    if hints:
        text += " (a group of another classification is named CLASSIFICATION:GROUP: " + (
            "; ".join(hints) + ")"
        )
    return text


def check_groups(
    groups: str | Iterable[str], classification: str = "m49", *, count: int | None = None
) -> tuple[str, ...]:
    """The groups, checked: at least one, each a group of ``classification`` or a qualified
    ``CLASSIFICATION:GROUP`` name (else a ParameterError listing the valid ones); with
    ``count``, exactly that many different groups. A single string is one group. The names are
    returned as given."""
    chosen = (groups,) if isinstance(groups, str) else tuple(groups)
    if count is not None and (
        len(chosen) != count or len({qualified(g, classification) for g in chosen}) != count
    ):
        raise ParameterError(f"groups must be {count} different group names, got {chosen!r}")
    valid = _group_names(classification)
    if not chosen:
        raise ParameterError(
            f"no group given in classification {classification!r}; valid groups: "
            + ", ".join(valid)
        )
    for group in chosen:
        where, name = resolve(group, classification)
        names = valid if where == classification else _group_names(where)
        if name not in names:
            raise ParameterError(_unknown_message([name], where, names))
    return chosen


def members(group: str, classification: str = "m49", year: int | None = None) -> list[str]:
    """ISO3 codes of ``group`` (in ``year``; None = current membership); ``group`` may be a
    qualified ``CLASSIFICATION:GROUP`` name."""
    check_groups([group], classification)
    where, name = resolve(group, classification)
    return sorted({m.iso3 for m in _index()[where][name] if m.holds(year)})


def region_of(
    iso3: Iterable[str], classification: str = "m49", year: int | None = None
) -> list[str | None]:
    """The group of each code in ``classification`` (in ``year``), None when in none."""
    lookup: dict[str, str] = {}
    for name in groups(classification):
        for m in _index()[classification][name]:
            if m.holds(year):
                lookup.setdefault(m.iso3, m.group)
    return [lookup.get(code) for code in iso3]


def group_of(
    iso3: Iterable[str],
    chosen: Iterable[str],
    classification: str = "m49",
    year: int | None = None,
) -> list[str | None]:
    """For each code, the first of the ``chosen`` groups (names as given, qualified or not)
    it belongs to in ``year``; None when in none."""
    lookup: dict[str, str] = {}
    for group in chosen:
        for code in members(group, classification, year):
            lookup.setdefault(code, group)
    return [lookup.get(code) for code in iso3]


def shared_members(
    chosen: Iterable[str], classification: str = "m49", year: int | None = None
) -> list[str]:
    """Codes that belong to more than one of the ``chosen`` groups in ``year``."""
    seen: dict[str, int] = {}
    for group in dict.fromkeys(chosen):
        for code in members(group, classification, year):
            seen[code] = seen.get(code, 0) + 1
    return sorted(code for code, n in seen.items() if n > 1)
