"""Atomic outputs: a crash never leaves half a file or half a folder.

Files are written to a temporary name in the same folder and renamed over the target
(``os.replace`` is atomic on POSIX). A whole output folder is built beside the target and
swapped in with two renames; if the process dies between them, :func:`recover_directory` (called
by every reader and writer of the folder) puts the previous folder back.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temp file + fsync + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(path: Path, text: str) -> None:
    """Write UTF-8 ``text`` to ``path`` atomically."""
    write_bytes(path, text.encode("utf-8"))


def _old(target: Path) -> Path:
    return target.with_name(f".{target.name}.old")


def recover_directory(target: Path) -> None:
    """Undo an interrupted swap: restore ``target`` from its ``.old`` copy if it is missing."""
    old = _old(target)
    if old.exists():
        if target.exists():
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(old, target)


@contextlib.contextmanager
def staged_directory(target: Path, *, keep: tuple[str, ...] = ()) -> Iterator[Path]:
    """Yield an empty staging folder; on success it replaces ``target`` as a whole.

    ``keep`` names entries of the current ``target`` that are carried over (hard-linked or
    copied) into the staging folder first, e.g. a cache that the new output extends. On any
    error the staging folder is removed and ``target`` is untouched.
    """
    recover_directory(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.stage-", dir=target.parent))
    try:
        for name in keep:
            src = target / name
            if src.is_dir():
                shutil.copytree(src, stage / name, copy_function=_link_or_copy)
            elif src.is_file():
                _link_or_copy(src, stage / name)
        yield stage
        old = _old(target)
        if target.exists():
            os.replace(target, old)
        os.replace(stage, target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        raise


def _link_or_copy(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def clean_stale_stages(parent: Path, name: str) -> None:
    """Remove staging folders left by killed runs (``.NAME.stage-*``)."""
    if parent.is_dir():
        for stale in parent.glob(f".{name}.stage-*"):
            shutil.rmtree(stale, ignore_errors=True)
