"""Region groups declared in the user catalogs (``groups:`` of ``<home>/catalog.local.yml`` and
of the files named by ``$COMPARE_CATALOG``; see docs/OWN_DATA.md)::

    groups:
      andean:                                   # a classification, new or existing
        Andean Community: [BOL, COL, ECU, PER]  # members: ISO3 codes or names
      m49:
        Europe:                                 # a group that exists: replaced only with
          override: true                        # override: true
          members: [ESP, FRA, DEU, ITA, PRT]

Members go through the harmoniser (names work; unknown or ambiguous ones are an error naming the
file and the group). Read again when a file changes (size, time and inode are the cache key).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from compare.config import user_catalog_files
from compare.errors import CatalogError, CompareError


def stamp() -> tuple[tuple[str, int, int, int], ...]:
    """(path, inode, mtime, size) of each user catalog: changes when one of them changes."""
    return _stamps()


def _stamps() -> tuple[tuple[str, int, int, int], ...]:
    found = []
    for path in user_catalog_files():
        info = path.stat()
        found.append((str(path), info.st_ino, info.st_mtime_ns, info.st_size))
    return tuple(found)


def _members(entry: Any, where: str) -> tuple[list[Any], bool]:
    """(members, override) of one group entry: a list, or ``{members: [...], override: ...}``."""
    if isinstance(entry, list):
        return entry, False
    if isinstance(entry, Mapping) and isinstance(entry.get("members"), list):
        unknown = sorted(set(entry) - {"members", "override"})
        if unknown:
            raise CatalogError(
                f"{where}: unknown field(s) {', '.join(unknown)}; known: members, override"
            )
        if not isinstance(entry.get("override", False), bool):
            raise CatalogError(f"{where}: override must be true or false")
        return entry["members"], bool(entry.get("override", False))
    raise CatalogError(
        f"{where}: a group is a list of countries, or {{members: [...], override: true}}"
    )


def _read(path: Path) -> list[tuple[str, str, list[str], bool]]:
    """(classification, group, ISO3 codes, override) of every group in one user catalog."""
    import yaml  # noqa: PLC0415

    from compare.geo.countries import require_iso3  # noqa: PLC0415

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return []  # the catalog reader reports the file's problems, with their lines
    section = data.get("groups") if isinstance(data, Mapping) else None
    if section is None:
        return []
    if not isinstance(section, Mapping):
        raise CatalogError(f"{path}: groups must map classifications to groups")
    found = []
    for classification, groups in section.items():
        if not isinstance(groups, Mapping):
            raise CatalogError(f"{path}: groups.{classification}: expected a mapping of groups")
        for group, entry in groups.items():
            where = f"{path}: groups.{classification}.{group}"
            given, override = _members(entry, where)
            try:
                codes = require_iso3([str(g) for g in given], context=f"group {group!r}")
            except CompareError as exc:
                raise CatalogError(f"{where}: {exc}") from None
            found.append((str(classification), str(group), codes, override))
    return found


@functools.cache
def _declared(
    stamps: tuple[tuple[str, int, int, int], ...],
) -> tuple[tuple[str, str, str, tuple[str, ...], bool], ...]:
    return tuple(
        (stamp[0], cls, group, tuple(codes), override)
        for stamp in stamps
        for cls, group, codes, override in _read(Path(stamp[0]))
    )


def apply(base: Iterable[Any], make: Any) -> list[Any]:
    """``base`` memberships with the user catalogs' groups applied: a new group added, an
    existing one replaced when it says ``override: true`` (else a CatalogError); ``make``
    builds a membership from (classification, group, iso3)."""
    declared = _declared(_stamps())
    result = base if isinstance(base, list) and not declared else list(base)
    for path, cls, group, codes, override in declared:
        exists = any(m.classification == cls and m.group == group for m in result)
        where = f"{path}: groups.{cls}.{group}"
        if exists and not override:
            raise CatalogError(
                f"{where}: group {group!r} of classification {cls!r} is already defined; to "
                "replace it, write {members: [...], override: true}"
            )
        if override and not exists:
            raise CatalogError(f"{where}: override: true, but no such group is defined before")
        if exists:
            result = [m for m in result if not (m.classification == cls and m.group == group)]
        result += [make(cls, group, code) for code in codes]
    return result
