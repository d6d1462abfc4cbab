"""User catalogs: the analyst's own units, sources and indicators, kept beside the package.

``<home>/catalog.local.yml`` and the files named by ``$COMPARE_CATALOG``
(:func:`compare.config.user_catalog_files`) are merged over the package catalog, in that order,
and then validated by :func:`compare.catalog.parse_catalog` like the package's own entries. A
user file may add ``units``, ``sources`` and ``indicators`` (and region ``groups``, read by
:mod:`compare.geo.catalog_groups`); an entry whose id is already defined
(by the package or by an earlier file) must say ``override: true``, and then replaces that entry
whole. Errors name the file and line, the entry and the field.

Read and written with ruamel.yaml (round trip) rather than PyYAML: it gives the line of every
key, refuses a key written twice (PyYAML silently keeps the last), and lets ``compare add`` add
entries while keeping the user's comments and order.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from compare.config import CATALOG_ENV, USER_CATALOG_NAME, paths, user_catalog_files
from compare.errors import CatalogError
from compare.storage.checksums import sha256_file

#: What a user catalog may hold, in the order ``compare add`` writes new sections.
SECTIONS = ("units", "sources", "indicators")
SOURCE_FIELDS = frozenset(
    {"reader", "files", "licence", "citation", "publisher", "url", "series", "missing_markers",
     "flag", "options", "zero_flag", "live", "override"}
)  # fmt: skip
INDICATOR_FIELDS = frozenset(
    {"title", "family", "unit", "source", "series", "higher_is_better", "scale", "range",
     "bounded", "dimensions", "derive", "override"}
)  # fmt: skip
UNIT_FIELDS = frozenset({"title", "override"})
_FIELDS = {"units": UNIT_FIELDS, "sources": SOURCE_FIELDS, "indicators": INDICATOR_FIELDS}
#: Ids name folders (sources), report pages (indicators) and table cells: plain text only.
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
#: Read by :mod:`compare.geo.catalog_groups` (region groups), not by the catalog.
OTHER_SECTIONS = ("groups",)
_NOT_HERE = {
    "gaps": "data gaps are declared by the package only",
    "reference_sources": "reference folders are declared by the package only",
}

HEADER = """\
User catalog of this project (docs/OWN_DATA.md): merged over the package catalog by every
`compare` command. Same fields as compare/catalog.yml; an entry that replaces a built-in one
must say `override: true`. `compare add` writes here and keeps your comments.
"""


@dataclass(frozen=True)
class UserFile:
    """One user catalog, as plain data, with the line of every entry and field."""

    path: Path
    data: dict[str, dict[str, Any]]
    lines: dict[str, int] = field(default_factory=dict)  # "section.id[.field]" -> 1-based line

    def at(self, key: str) -> str:
        """``file:line`` of an entry or field (the file alone when the line is unknown)."""
        line = self.lines.get(key)
        return f"{self.path}:{line}" if line else str(self.path)


@dataclass
class Merged:
    """The package catalog's data with the user entries merged in, and where each came from."""

    data: dict[str, Any]
    origins: dict[str, str] = field(default_factory=dict)  # "indicators.X" -> user file
    where: dict[str, str] = field(default_factory=dict)  # "indicators.X" -> "file:line"
    overrides: set[str] = field(default_factory=set)


def _yaml() -> Any:
    from ruamel.yaml import YAML  # noqa: PLC0415 - only when there is a user catalog

    yaml = YAML(typ="rt")
    yaml.indent(mapping=2, sequence=4, offset=2)
    yaml.width = 100
    return yaml


def _yaml_error(path: Path, exc: Exception) -> str:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    where = f"{path}:{mark.line + 1}:{mark.column + 1}" if mark is not None else str(path)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    return f"{where}: invalid YAML: {problem}" + (f" ({context})" if context else "")


def _plain(value: Any) -> Any:
    """ruamel's round-trip types as plain Python (dict, list, bool, int, float, str)."""
    from ruamel.yaml.scalarbool import ScalarBoolean  # noqa: PLC0415

    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bool | ScalarBoolean):
        return bool(value)
    for kind in (int, float, str):  # ScalarInt, ScalarFloat, the quoted string types
        if isinstance(value, kind):
            return kind(value)
    return value


def _line(mapping: Any, key: Any) -> int:
    try:
        return int(mapping.lc.key(key)[0]) + 1
    except (AttributeError, KeyError, TypeError):
        return 0


def _load_document(path: Path, text: str | None) -> Any:
    from ruamel.yaml.error import YAMLError  # noqa: PLC0415

    try:
        text = path.read_text(encoding="utf-8") if text is None else text
    except (OSError, UnicodeDecodeError) as exc:
        raise CatalogError(f"cannot read user catalog {path}: {exc}") from None
    try:
        return _yaml().load(text)
    except YAMLError as exc:
        raise CatalogError(_yaml_error(path, exc)) from None


def read_user_file(path: Path, text: str | None = None) -> UserFile:
    """Read one user catalog (``text``: its content, instead of the file's); YAML syntax, the
    sections and the shape of each entry are checked here, the values by the catalog parser."""
    doc = _load_document(path, text)
    if doc is None:
        return UserFile(path, {})
    if not isinstance(doc, Mapping):
        raise CatalogError(
            f"{path}:1: a user catalog is a mapping with {', '.join(SECTIONS)} (found a "
            f"{type(doc).__name__})"
        )
    for key in doc:
        if key not in SECTIONS and key not in OTHER_SECTIONS:
            why = _NOT_HERE.get(
                str(key), f"a user catalog holds {', '.join(SECTIONS + OTHER_SECTIONS)}"
            )
            raise CatalogError(f"{path}:{_line(doc, key)}: unknown section {key!r}: {why}")
    data: dict[str, dict[str, Any]] = {}
    lines: dict[str, int] = {}
    for section in SECTIONS:
        part = doc.get(section)
        if part is None:
            continue
        if not isinstance(part, Mapping):
            raise CatalogError(f"{path}:{_line(doc, section)}: {section} must map ids to entries")
        data[section] = {}
        for key, entry in part.items():
            lines[f"{section}.{key}"] = _line(part, key)
            if isinstance(entry, Mapping):
                lines.update({f"{section}.{key}.{f}": _line(entry, f) for f in entry})
            data[section][str(key)] = _plain(entry)
    found = UserFile(path, data, lines)
    for section, entries in data.items():
        for key, entry in entries.items():
            _check_entry(found, section, key, entry)
    return found


def _check_entry(found: UserFile, section: str, key: str, entry: Any) -> None:
    """Ids, field names, ``override`` and file names of one user entry."""
    where = f"{found.at(f'{section}.{key}')}: {section}.{key}"
    if not _ID.match(key):
        raise CatalogError(
            f"{where}: the id may hold only letters, digits, '.', '_' and '-' (it names a "
            "folder, a report and table cells)"
        )
    if section == "units" and isinstance(entry, str):
        return
    if not isinstance(entry, Mapping):
        kind = "a text or a mapping {title, override}" if section == "units" else "a mapping"
        raise CatalogError(f"{where}: expected {kind}")
    for name, value in entry.items():
        at = f"{found.at(f'{section}.{key}.{name}')}: {section}.{key}"
        if name not in _FIELDS[section]:
            raise CatalogError(
                f"{at}: unknown field {name!r}; known fields: {', '.join(sorted(_FIELDS[section]))}"
            )
        if name == "override" and not isinstance(value, bool):
            raise CatalogError(f"{at}: override must be true or false, not {value!r}")
    if section == "units" and not isinstance(entry.get("title"), str):
        raise CatalogError(f"{where}: a unit needs a title (text)")
    if section == "sources":
        _check_files(entry.get("files"), f"{found.at(f'{section}.{key}.files')}: {section}.{key}")


def _check_files(files: Any, where: str) -> None:
    """A user source's files are plain names inside its folder under data/raw."""
    for name in files if isinstance(files, list) else []:
        parts = PurePosixPath(str(name)).parts
        if not parts or str(name).startswith("/") or ".." in parts or "\\" in str(name):
            raise CatalogError(
                f"{where}: file {name!r} must be a name inside the source's folder "
                "(data/raw/<source id>/), without '..' or a leading '/'"
            )


def _entry_value(section: str, entry: Any) -> Any:
    """The entry as the package catalog writes it (without ``override``)."""
    if section == "units":
        return entry if isinstance(entry, str) else str(entry["title"])
    return {k: v for k, v in entry.items() if k != "override"}


def merge(base: Mapping[str, Any], files: Iterable[UserFile]) -> Merged:
    """``base`` (the package catalog's data) with every user file's entries merged in, in order.

    A new id adds an entry; an id already defined needs ``override: true`` and replaces the
    entry whole; ``override: true`` on an id defined nowhere is an error too (a typo would
    otherwise add a second entry instead of replacing the first)."""
    merged = Merged({key: value for key, value in base.items()})
    for section in SECTIONS:
        merged.data[section] = dict(base.get(section) or {})
    taken_folders = set(base.get("reference_sources") or {})
    for found in files:
        for section, entries in found.data.items():
            for key, entry in entries.items():
                _merge_one(merged, found, section, key, entry, taken=taken_folders)
    return merged


def _merge_one(
    merged: Merged, found: UserFile, section: str, key: str, entry: Any, *, taken: set[str]
) -> None:
    name = f"{section}.{key}"
    where = f"{found.at(name)}: {name}"
    override = isinstance(entry, Mapping) and entry.get("override") is True
    exists = key in merged.data[section]
    if section == "sources" and key in taken:
        raise CatalogError(
            f"{where}: {key!r} is a reference folder of the package; choose another id"
        )
    if exists and not override:
        defined = merged.origins.get(name, "the package catalog")
        raise CatalogError(
            f"{where}: {key!r} is already defined in {defined}; to replace that entry, add "
            "`override: true` to this one (or choose another id)"
        )
    if override and not exists:
        raise CatalogError(
            f"{where}: override: true, but no {section[:-1]} {key!r} is defined before"
        )
    merged.data[section][key] = _entry_value(section, entry)
    merged.origins[name] = str(found.path)
    merged.where[name] = found.at(name)
    if override:
        merged.overrides.add(name)


def read_user_files(home: str | Path | None = None) -> list[UserFile]:
    """Every user catalog of ``home`` (and ``$COMPARE_CATALOG``), read and shape-checked."""
    return [read_user_file(path) for path in user_catalog_files(home)]


def checksums(home: str | Path | None = None) -> dict[str, str]:
    """``{"catalog/<file>": sha256}`` of every user catalog (reports depend on them)."""
    return {f"catalog/{path}": sha256_file(path) for path in user_catalog_files(home)}


def target_file(explicit: str | Path | None, home: str | Path | None = None) -> Path:
    """Where ``compare add`` writes: ``explicit`` (the home's catalog.local.yml or a file named
    by ``$COMPARE_CATALOG``: any other file would never be read), else the home's file."""
    own = paths(home).home / USER_CATALOG_NAME
    if explicit is None:
        return own
    path = Path(explicit).expanduser().resolve()
    if path != own.resolve() and path not in user_catalog_files(home):
        raise CatalogError(
            f"{path} is not read by compare: write to {own}, or name the file in "
            f"${CATALOG_ENV} first"
        )
    return path


def with_entries(path: Path, additions: Mapping[str, Mapping[str, Any]], note: str) -> str:
    """The text of the user catalog at ``path`` (a new one if absent) with ``additions``
    (section -> id -> entry) added, comments and order kept; ``note`` is written above each new
    entry. Nothing is written here."""
    from ruamel.yaml.comments import CommentedMap  # noqa: PLC0415

    doc = _load_document(path, None) if path.is_file() else None
    if doc is None:
        doc = CommentedMap()
        doc.yaml_set_start_comment(HEADER)
    for section in SECTIONS:
        entries = additions.get(section) or {}
        if not entries:
            continue
        if doc.get(section) is None:
            doc[section] = CommentedMap()
        for key, entry in entries.items():
            doc[section][key] = _commented(entry, top=True)
            doc[section].yaml_set_comment_before_after_key(key, before=note, indent=2)
    out = io.StringIO()
    _yaml().dump(doc, out)
    return out.getvalue()


def render(sections: Mapping[str, Mapping[str, Any]]) -> str:
    """``sections`` (section -> id -> entry) as YAML, in the style :func:`with_entries` writes."""
    from ruamel.yaml.comments import CommentedMap  # noqa: PLC0415

    doc = CommentedMap(
        (section, CommentedMap((k, _commented(v, top=True)) for k, v in entries.items()))
        for section, entries in sections.items()
        if entries
    )
    out = io.StringIO()
    _yaml().dump(doc, out)
    return out.getvalue()


def _commented(value: Any, top: bool = False) -> Any:
    """Entries in block style, their lists and mappings in flow style (``files: [data.csv]``)."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq  # noqa: PLC0415

    if isinstance(value, Mapping):
        mapping = CommentedMap((k, _commented(v)) for k, v in value.items())
        if not top:
            mapping.fa.set_flow_style()
        return mapping
    if isinstance(value, list | tuple):
        seq = CommentedSeq(_commented(v) for v in value)
        seq.fa.set_flow_style()
        return seq
    return value
