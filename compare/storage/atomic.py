"""Atomic outputs: a crash never leaves half a file or half a folder.

Files are written to a temporary name in the same folder and renamed over the target
(``os.replace`` is atomic on POSIX). A whole output folder is built beside the target and
swapped in with two renames; if the process dies between them, :func:`recover_directory` (called
by every reader and writer of the folder) puts the previous folder back. Staging folders are named
after the process that writes them (``.NAME.stage-PID-XXXX``): those of dead processes are removed
by the next writer (:func:`clean_stale_stages`), those of running ones are left alone.

Crash tests: with ``COMPARE_TEST_PAUSE=POINT:MARKER`` in the environment, a staged write stops at
``POINT`` (``staged``: every output written, before the swap; ``swapped``: the old folder moved
aside, the new one not yet in place), writes the stage path to the file ``MARKER`` and sleeps, so
that a test can kill the process at exactly that moment. Without the variable nothing happens.
"""

from __future__ import annotations

import contextlib
import functools
import glob
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from compare.errors import EnvironmentProblem
from compare.storage.processes import alive


@functools.cache
def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _ordinary_mode(path: str | os.PathLike[str], directory: bool = False) -> None:
    """Give a temporary file or folder the mode a plain ``open``/``mkdir`` would have given
    (``tempfile`` makes them private: 0600 / 0700), so outputs stay readable as usual."""
    os.chmod(path, (0o777 if directory else 0o666) & ~_umask())


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temp file + fsync + rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        _ordinary_mode(tmp)
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


#: Seconds a reader waits for a live writer to finish its two-rename swap.
SWAP_WAIT = 5.0


def recover_directory(target: Path) -> None:
    """Undo an interrupted swap: restore ``target`` from its ``.old`` copy if it is missing; a
    leftover ``.old`` beside a complete ``target`` is removed (made writable first if needed).

    While another live process is between the two renames of its swap (its stage folder is
    there), nothing is moved: the reader waits up to :data:`SWAP_WAIT` seconds for the new
    folder instead of putting the old one back under the writer."""
    old = _old(target)
    if not old.exists():
        return
    if target.exists():
        remove_tree(old)
        return
    deadline = time.monotonic() + SWAP_WAIT
    while _live_writer(target) and not target.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    if target.exists() or _live_writer(target):
        return
    with contextlib.suppress(FileNotFoundError):  # another reader was quicker
        os.replace(old, target)


def _live_writer(target: Path) -> bool:
    """Another running process is writing a stage for ``target``."""
    for stage in target.parent.glob(f".{glob.escape(target.name)}.stage-*"):
        owner = _STAGE_PID.search(stage.name)
        if owner and int(owner.group(1)) != os.getpid() and alive(int(owner.group(1))):
            return True
    return False


def remove_tree(path: Path) -> None:
    """Remove a folder; read-only entries are made writable first. Raises EnvironmentProblem
    (naming the folder) when it cannot be removed."""

    def writable_again(function: object, name: str, exc: object) -> None:
        os.chmod(os.path.dirname(name) or ".", 0o700)
        with contextlib.suppress(FileNotFoundError):
            if os.path.isdir(name) and not os.path.islink(name):
                os.chmod(name, 0o700)
                shutil.rmtree(name)
            else:
                os.unlink(name)

    try:
        if sys.version_info >= (3, 12):
            shutil.rmtree(path, onexc=writable_again)
        else:
            shutil.rmtree(path, onerror=writable_again)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise EnvironmentProblem(
            f"cannot remove {path} ({exc.strerror}): a leftover of an earlier run; remove it "
            "by hand (check its permissions) and run the command again"
        ) from None


@contextlib.contextmanager
def staged_directory(target: Path, *, keep: tuple[str, ...] = ()) -> Iterator[Path]:
    """Yield an empty staging folder; on success it replaces ``target`` as a whole.

    ``keep`` names entries of the current ``target`` that are carried over (hard-linked or
    copied) into the staging folder first, e.g. a cache that the new output extends. On any
    error the staging folder is removed and ``target`` is untouched.
    """
    recover_directory(target)
    clean_stale_stages(target.parent, target.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f".{target.name}.stage-{os.getpid()}-", dir=target.parent))
    try:
        _ordinary_mode(stage, directory=True)
        for name in keep:
            src = target / name
            if src.is_dir():
                shutil.copytree(src, stage / name, copy_function=_link_or_copy)
            elif src.is_file():
                _link_or_copy(src, stage / name)
        yield stage
        _pause_for_tests("staged", stage)
        old = _old(target)
        if old.exists():  # a leftover that recover_directory could not remove
            remove_tree(old)
        if target.exists():
            os.replace(target, old)
        _pause_for_tests("swapped", stage)
        os.replace(stage, target)
        with contextlib.suppress(EnvironmentProblem):  # the next run removes it
            remove_tree(old)
    except BaseException:
        shutil.rmtree(stage, ignore_errors=True)
        recover_directory(target)  # interrupted between the two renames: put the old one back
        raise


def _link_or_copy(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


_STAGE_PID = re.compile(r"\.stage-(\d+)-")


def clean_stale_stages(parent: Path, name: str) -> None:
    """Remove staging folders left by killed runs (``.NAME.stage-*``); a folder whose writing
    process (the PID in its name) still runs, or is this process, is left alone."""
    if parent.is_dir():
        for stale in parent.glob(f".{glob.escape(name)}.stage-*"):
            owner = _STAGE_PID.search(stale.name)
            if owner is not None:
                pid = int(owner.group(1))
                if pid == os.getpid() or alive(pid):
                    continue
            shutil.rmtree(stale, ignore_errors=True)


def _pause_for_tests(point: str, stage: Path) -> None:
    """The crash-test hook (see the module docstring); a no-op unless asked for."""
    wanted = os.environ.get("COMPARE_TEST_PAUSE", "")
    if not wanted.startswith(f"{point}:"):
        return
    write_text(Path(wanted.split(":", 1)[1]), str(stage))
    time.sleep(600)  # the test kills the process here
