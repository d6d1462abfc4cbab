"""One lock per project home for fetch, build and report (``data/.compare.lock``).

``compare fetch`` and ``compare build`` write ``data/raw`` and ``data/processed`` and hold the
lock exclusively; ``compare report`` reads them for as long as its runs execute and holds it
shared (two reports may read together; the reports folder has its own exclusive lock). The lock
is taken before any planning. A command that finds it taken waits up to ``--wait SECONDS``, then
stops with :class:`~compare.errors.BusyError` (exit status 3) naming the holders' PIDs and
commands (each holder writes ``data/.compare.lock.d/<pid>.json``, removed on release; files of
dead processes are ignored). The lock is an ``flock``: the kernel drops it when its holder dies,
however it dies.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from compare.errors import BusyError
from compare.storage.processes import alive
from compare.storage.stamps import utc_now

SHARED, EXCLUSIVE = "shared", "exclusive"

#: Seconds between two attempts while waiting.
POLL = 0.1


def lock_path(home: Path) -> Path:
    return Path(home) / "data" / ".compare.lock"


def command_line() -> str:
    """How this process was started, as a user would type it (``compare build --only X``)."""
    argv = list(sys.argv)
    if argv and Path(argv[0]).name in ("compare", "cli.py", "__main__.py"):
        argv[0] = "compare"
    return " ".join(argv)[:300] or "python"


def holders(path: Path) -> list[dict[str, object]]:
    """The live processes that said they hold the lock at ``path``."""
    found = []
    folder = path.with_name(path.name + ".d")
    for entry in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        try:
            info = json.loads(entry.read_text(encoding="utf-8"))
            pid = int(info["pid"])
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if pid != os.getpid() and alive(pid):
            found.append(info)
    return found


def _busy_message(path: Path, what: str, waited: float) -> str:
    held = holders(path)
    if held:
        who = "; ".join(
            f"`{h.get('command', '?')}` (PID {h['pid']}, {h.get('mode', '?')}, since "
            f"{h.get('since', '?')})"
            for h in held
        )
    else:
        who = "another process"
    wait = f" after waiting {waited:g} s" if waited else ""
    return (
        f"busy{wait}: {who} holds the lock on {what} ({path}); try again when it has finished, "
        "or pass --wait SECONDS"
    )


@contextlib.contextmanager
def file_lock(
    path: Path, mode: str, *, wait: float = 0.0, what: str = "this project"
) -> Iterator[None]:
    """Hold an ``flock`` on ``path`` (``shared`` or ``exclusive``) for the block; wait up to
    ``wait`` seconds for it, then raise :class:`BusyError`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    flag = fcntl.LOCK_SH if mode == SHARED else fcntl.LOCK_EX
    deadline = time.monotonic() + max(0.0, wait)
    with open(path, "a+b") as handle:
        while True:
            try:
                fcntl.flock(handle, flag | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise BusyError(_busy_message(path, what, wait)) from None
                time.sleep(POLL)
        note = _announce(path, mode)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                note.unlink()


def _announce(path: Path, mode: str) -> Path:
    folder = path.with_name(path.name + ".d")
    folder.mkdir(exist_ok=True)
    note = folder / f"{os.getpid()}.json"
    info = {"pid": os.getpid(), "command": command_line(), "mode": mode, "since": utc_now()}
    note.write_text(json.dumps(info), encoding="utf-8")
    return note


def home_lock(home: Path, mode: str, *, wait: float = 0.0) -> contextlib.AbstractContextManager:
    """The project lock of ``home`` (see the module docstring)."""
    return file_lock(lock_path(home), mode, wait=wait, what=f"the project {home}")
