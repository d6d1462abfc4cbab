"""``compare fetch --from DIR``: import source folders from a local mirror into ``data/raw``.

Each imported folder gets ``_manifest.json`` (file, size, sha256, origin and licence taken from
the folder's PROVENANCE.md / datapackage.json, import time). Re-running is idempotent: unchanged
folders are left alone; a changed checksum is reported and the folder replaced atomically. An
imported folder whose files no longer match its manifest (edited or damaged in ``data/raw``), or
whose manifest is unreadable, is re-imported and reported as changed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from compare.config import limits, mirror_dir, paths
from compare.errors import FetchError
from compare.ingest.mirror_check import (
    MANIFEST,
    MirrorFile,
    check_folder_names,
    check_total,
    copy_bounded,
    scan,
)
from compare.storage import atomic
from compare.storage.checksums import sha256_file
from compare.storage.locks import EXCLUSIVE, home_lock

_LICENCE = re.compile(r"licen[cs]e[^:]*:\s*(.+)", re.IGNORECASE)
_REPOSITORY = re.compile(r"Repository:\s*(.+)")


@dataclass
class FetchResult:
    """What happened to each source folder."""

    imported: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [
            f"imported {len(self.imported)}, unchanged {len(self.unchanged)}, "
            f"changed {len(self.changed)}"
        ]
        for source_id, notes in self.changed.items():
            lines += [f"  changed {source_id}: {note}" for note in notes]
        return "\n".join(lines)


def _clean(text: str) -> str:
    return re.sub(r"[*`]", "", text).strip().rstrip(".")


def provenance(folder: Path) -> dict[str, str]:
    """Origin and licence as stated in the folder's PROVENANCE.md or datapackage.json."""
    info = {"origin": "", "licence": ""}
    prov = folder / "PROVENANCE.md"
    if prov.is_file():
        text = prov.read_text(encoding="utf-8", errors="replace")
        repo = _REPOSITORY.search(text)
        if repo:
            info["origin"] = _clean(repo.group(1))
        for line in text.splitlines():
            match = _LICENCE.search(line)
            if match and not line.lstrip().startswith("|"):
                info["licence"] = _clean(match.group(1))
                break
    package = folder / "datapackage.json"
    if package.is_file() and not info["licence"]:
        try:
            licences = json.loads(package.read_text(encoding="utf-8")).get("licenses") or []
            info["licence"] = ", ".join(str(lic.get("name", "")) for lic in licences)
        except (json.JSONDecodeError, AttributeError):
            pass
    return info


def _file_entries(files: list[MirrorFile]) -> list[dict[str, object]]:
    return [{"file": f.name, "bytes": f.size, "sha256": sha256_file(f.path)} for f in files]


def _damaged(dest: Path, expected: dict[str, str]) -> list[str]:
    """Files of an imported folder that are missing or differ from their manifest checksum."""
    return [
        name
        for name, sha in expected.items()
        if not (dest / name).is_file() or sha256_file(dest / name) != sha
    ]


def import_folder(
    src: Path, dest: Path, files: list[MirrorFile] | None = None
) -> tuple[str, list[str]]:
    """Import one folder (``files``: its checked files, see :mod:`.mirror_check`); returns
    ("imported" | "unchanged" | "changed", notes)."""
    if files is None:
        files = scan(src, src.parent, follow_symlinks=False, limits=limits())
    entries = _file_entries(files)
    if not entries:
        raise FetchError(f"mirror folder {src} holds no files")
    old_manifest = dest / MANIFEST
    status, notes = "imported", []
    atomic.recover_directory(dest)  # a fetch killed mid-swap left the folder aside
    atomic.clean_stale_stages(dest.parent, dest.name)  # and the staging folders of killed runs
    if old_manifest.is_file():
        try:
            old = {
                str(e["file"]): str(e["sha256"])
                for e in json.loads(old_manifest.read_text(encoding="utf-8"))["files"]
            }
        except (ValueError, KeyError, TypeError) as exc:
            # A hand-edited or damaged manifest: the folder is re-imported whole.
            old = {}
            notes.append(f"{MANIFEST} unreadable ({type(exc).__name__}), folder re-imported")
        new = {e["file"]: e["sha256"] for e in entries}
        if old == new:
            damaged = _damaged(dest, new)
            if not damaged:
                return "unchanged", []
            notes += [f"{name}: damaged or edited in {dest}, re-imported" for name in damaged]
        status = "changed"
        for name in sorted(set(old) | set(new)):
            if old.get(name) != new.get(name):
                notes.append(
                    f"{name}: sha256 {str(old.get(name, 'absent'))[:12]} -> "
                    f"{str(new.get(name, 'absent'))[:12]}"
                )
    manifest = {
        "source_id": src.name,
        "mirror": str(src),
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        **provenance(src),
        "files": entries,
    }
    with atomic.staged_directory(dest) as stage:
        for item, entry in zip(files, entries, strict=True):
            target = stage / item.name
            target.parent.mkdir(parents=True, exist_ok=True)
            copy_bounded(item, target)
            if sha256_file(target) != entry["sha256"]:
                raise FetchError(f"copy of {item.path} does not match its checksum")
        (stage / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return status, notes


def fetch_from_mirror(
    mirror: str | Path | None = None,
    home: str | Path | None = None,
    only: list[str] | None = None,
    wait: float = 0.0,
    follow_symlinks: bool = False,
) -> FetchResult:
    """Import every source folder of the mirror (or ``only`` those) into ``data/raw``, holding
    the project lock exclusively (waits up to ``wait`` seconds for another command)."""
    root = mirror_dir(mirror)
    if root is None:
        raise FetchError(
            "no mirror given: use `compare fetch --from DIR` or set COMPARE_MIRROR "
            "(live download from official APIs: `compare fetch --live`)"
        )
    if not root.is_dir():
        raise FetchError(f"mirror directory not found: {root}")
    raw = paths(home).raw
    with home_lock(paths(home).home, EXCLUSIVE, wait=wait):
        folders = _selected(root, only)
        check_folder_names(folders, raw)
        cap = limits()
        files = {
            f.name: scan(f, root, follow_symlinks=follow_symlinks, limits=cap) for f in folders
        }
        check_total(files, cap)
        result = FetchResult()
        for folder in folders:
            status, notes = import_folder(folder, raw / folder.name, files[folder.name])
            if status == "changed":
                result.changed[folder.name] = notes
            else:
                getattr(result, status).append(folder.name)
    return result


def _selected(root: Path, only: list[str] | None) -> list[Path]:
    """The source folders of the mirror (links to folders included, checked later), or
    ``only`` those."""
    folders = sorted(
        p
        for p in root.iterdir()
        if not p.name.startswith(".") and (p.is_dir() or (p.is_symlink() and not p.is_file()))
    )
    if only:
        unknown = sorted(set(only) - {p.name for p in folders})
        if unknown:
            raise FetchError(
                f"not in the mirror: {', '.join(unknown)}; available: "
                + ", ".join(p.name for p in folders)
            )
        folders = [p for p in folders if p.name in only]
    return folders
