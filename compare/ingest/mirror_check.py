"""What a mirror may bring into ``data/raw``, checked before anything is copied.

* Folder names: letters, digits, ``.``, ``_``, ``-`` (valid UTF-8); ``evidence`` and any folder of
  ``data/raw`` that ``compare fetch`` did not create (no ``_manifest.json``) belong to the project
  and are never replaced.
* Symbolic links are refused; with ``--follow-symlinks`` a link is followed only when its target
  lies inside the mirror. Only regular files are copied (a FIFO would block the copy, a device
  would be read forever).
* Sizes: one file at most ``Limits.file_bytes``, all selected folders together at most
  ``Limits.mirror_bytes`` (``$COMPARE_MAX_FILE_MB``, ``$COMPARE_MAX_MIRROR_MB``).

Every problem is a :class:`~compare.errors.FetchError` (exit status 2) naming the path.
"""

from __future__ import annotations

import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

from compare.config import Limits
from compare.errors import FetchError

#: Folders of ``data/raw`` that the project owns (committed curation), never imported over.
RESERVED = ("evidence",)

#: The file each imported folder gets; a folder of data/raw without it was not made by fetch.
MANIFEST = "_manifest.json"

_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class MirrorFile:
    """One file to import: its name inside the source folder, where to read it, its size."""

    name: str
    path: Path
    size: int


def _decodable(name: str, where: Path) -> None:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raise FetchError(
            f"{where / name!r}: the name is not valid UTF-8: rename it in the mirror"
        ) from None


def check_folder_names(folders: list[Path], raw: Path) -> None:
    """Refuse unsafe names and folders the project owns under ``raw``, before any import."""
    for folder in folders:
        _decodable(folder.name, folder.parent)
        if not _SAFE_NAME.match(folder.name):
            raise FetchError(
                f"mirror folder {folder.name!r} ({folder}): a source folder name may hold only "
                "letters, digits, '.', '_' and '-': rename it"
            )
        target = raw / folder.name
        owned = target.exists() and not (target / MANIFEST).is_file()
        if folder.name in RESERVED or owned or target.is_symlink():
            raise FetchError(
                f"mirror folder {folder} would replace {target}, which belongs to the project "
                "(not imported by `compare fetch`): nothing was imported; rename that mirror "
                "folder, or leave it out with --only"
            )


def scan(folder: Path, root: Path, *, follow_symlinks: bool, limits: Limits) -> list[MirrorFile]:
    """The regular files of a source folder (hidden names and ``_manifest.json`` skipped),
    sorted by name; refuses links (or, when following, links leaving ``root``), special files
    and files over the size limit."""
    found: list[MirrorFile] = []
    if folder.is_symlink() and not follow_symlinks:
        raise _link_error(folder)
    start = _followed(folder, root) if folder.is_symlink() else folder
    _walk(start, "", root, follow=follow_symlinks, found=found, seen={start.resolve()})
    for item in found:
        if item.size > limits.file_bytes:
            raise FetchError(
                f"{item.path}: {item.size / 2**20:,.0f} MB, larger than the limit of "
                f"{limits.file_bytes / 2**20:,.0f} MB for one file (raise $COMPARE_MAX_FILE_MB "
                "if it is right); nothing was imported"
            )
    return sorted(found, key=lambda f: f.name)


def _walk(
    folder: Path, prefix: str, root: Path, *, follow: bool, found: list[MirrorFile], seen: set[Path]
) -> None:
    with os.scandir(folder) as entries:
        for entry in entries:
            _decodable(entry.name, folder)
            if entry.name.startswith(".") or (not prefix and entry.name == MANIFEST):
                continue
            path = Path(entry.path)
            if entry.is_symlink():
                if not follow:
                    raise _link_error(path)
                path = _followed(path, root)
            info = path.stat()
            name = f"{prefix}{entry.name}"
            if stat.S_ISDIR(info.st_mode):
                if path.resolve() in seen:  # a link back up the tree
                    raise FetchError(f"{entry.path}: links to a folder that contains it")
                _walk(
                    path, f"{name}/", root, follow=follow, found=found, seen=seen | {path.resolve()}
                )
            elif stat.S_ISREG(info.st_mode):
                found.append(MirrorFile(name, path, info.st_size))
            else:
                raise FetchError(
                    f"{entry.path}: not a regular file (a pipe, socket or device): remove it "
                    "from the mirror"
                )


def _link_error(path: Path) -> FetchError:
    return FetchError(
        f"{path} is a symbolic link (to {os.readlink(path)}): links are not followed; replace it "
        "with the file, or pass --follow-symlinks (links inside the mirror only)"
    )


def _followed(path: Path, root: Path) -> Path:
    """Where a link leads, if that stays inside the mirror ``root``."""
    target = path.resolve()
    if not target.exists():
        raise FetchError(f"{path}: a symbolic link to {os.readlink(path)}, which does not exist")
    if not target.is_relative_to(root.resolve()):
        raise FetchError(
            f"{path} links to {target}, outside the mirror {root}: refused (only links inside "
            "the mirror are followed)"
        )
    return target


def check_total(files: dict[str, list[MirrorFile]], limits: Limits) -> None:
    """All selected folders together within ``limits.mirror_bytes``."""
    total = sum(f.size for items in files.values() for f in items)
    if total > limits.mirror_bytes:
        raise FetchError(
            f"the selected mirror folders hold {total / 2**20:,.0f} MB, more than the limit of "
            f"{limits.mirror_bytes / 2**20:,.0f} MB (raise $COMPARE_MAX_MIRROR_MB if it is "
            "right, or import fewer with --only); nothing was imported"
        )


def copy_bounded(item: MirrorFile, target: Path) -> None:
    """Copy ``item`` to ``target``, refusing a file that grew past its size while read."""
    with open(item.path, "rb") as src, open(target, "wb") as dst:
        left = item.size
        while left > 0:
            chunk = src.read(min(1 << 20, left))
            if not chunk:
                break
            dst.write(chunk)
            left -= len(chunk)
        if src.read(1):
            raise FetchError(f"{item.path} grew while it was copied: run the fetch again")
    os.utime(target, (item.path.stat().st_atime, item.path.stat().st_mtime))
