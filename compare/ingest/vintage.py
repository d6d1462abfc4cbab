"""The vintage of a raw source folder: the date its data were last updated by the publisher, or
failing that the date of the copy the files were taken from, as the folder itself states it.

Looked for in this order (the first found wins), in ``data/raw/<source-id>/``:

1. ``_manifest.json`` of a live download: the World Bank API's ``lastupdated`` of each series;
2. a World Bank wide CSV's preamble line ``"Last Updated Date","YYYY-MM-DD"``;
3. ``datapackage.json`` / ``datapackage.yml``: a top-level ``last_updated``, ``lastUpdated``,
   ``last_modified``, ``updated`` or ``modified`` date;
4. ``PROVENANCE.md``: the first date on a line that names the commit the files were copied from
   (the date of that copy, not of the publisher's update).

Nothing is guessed: a folder that states no date has none (``{}``).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
_PREAMBLE = re.compile(r'^"?Last Updated Date"?\s*,\s*"?(\d{4}-\d{2}-\d{2})', re.MULTILINE)
PACKAGE_KEYS = ("last_updated", "lastUpdated", "last_modified", "updated", "modified")


def source_dates(folder: Path) -> dict[str, str]:
    """``{"updated": "YYYY-MM-DD", "updated_basis": "where the date comes from"}`` of a raw
    source folder (empty when it states none); see the module docstring for the order."""
    for finder in (_live, _preamble, _package, _provenance):
        found = finder(Path(folder))
        if found:
            return {"updated": found[0], "updated_basis": found[1]}
    return {}


def _live(folder: Path) -> tuple[str, str] | None:
    try:
        manifest = json.loads((folder / "_manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    dates = sorted(
        DATE.search(str(i.get("last_updated"))).group(1)
        for i in (manifest.get("indicators") or [])
        if isinstance(i, dict) and DATE.search(str(i.get("last_updated")))
    )
    return (dates[-1], "World Bank API: last updated") if dates else None


def _preamble(folder: Path) -> tuple[str, str] | None:
    for path in sorted(folder.glob("*.csv")):
        with path.open(encoding="utf-8-sig", errors="replace") as handle:
            head = "".join(handle.readline() for _ in range(6))
        match = _PREAMBLE.search(head)
        if match:
            return match.group(1), f"{path.name}: Last Updated Date"
    return None


def _package(folder: Path) -> tuple[str, str] | None:
    for name in ("datapackage.json", "datapackage.yml", "datapackage.yaml"):
        data = _read_package(folder / name)
        if not isinstance(data, dict):
            continue
        for key in PACKAGE_KEYS:
            match = DATE.search(str(data.get(key, "")))
            if match:
                return match.group(1), f"{name}: {key}"
    return None


def _read_package(path: Path) -> object:
    """A data package descriptor (JSON or YAML), or None when absent or unreadable."""
    import yaml  # noqa: PLC0415

    if not path.is_file():
        return None
    try:
        text = path.read_text(encoding="utf-8")
        return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
    except (OSError, ValueError, yaml.YAMLError):
        return None


def _provenance(folder: Path) -> tuple[str, str] | None:
    path = folder / "PROVENANCE.md"
    if not path.is_file():
        return None
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        match = DATE.search(line)
        if match and "commit" in line.lower():
            return match.group(1), "PROVENANCE.md, commit of the copy"
    return None
