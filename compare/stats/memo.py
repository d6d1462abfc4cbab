"""A disk memo of bootstrap intervals, shared by every process of every report run.

A bootstrap interval is a pure function of its inputs: the values and weights, the number of
resamples, the seed and the level (and the versions of numpy and scipy that draw and sort the
resamples). The key is the sha256 of exactly these, so an entry can never be stale: changed data
make another key. The English and the Spanish report of an indicator compute the same intervals
(only their wording differs), so the second language reads them instead of resampling again; a
report re-run after a code change that leaves the numbers alone does too.

The memo is one SQLite file (the standard library's ``sqlite3``, WAL mode, safe for concurrent
writers) at ``$COMPARE_CACHE/bootstrap.sqlite``, default ``<home>/data/cache/``;
``COMPARE_CACHE=off`` turns it off. Any error of the memo (a read-only disk, a damaged file)
falls back to computing: the memo can make a report faster, never make it fail or differ.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

#: Bumped when the way an interval is computed changes (every entry then has another key).
VERSION = 1
CACHE_ENV = "COMPARE_CACHE"
FILE_NAME = "bootstrap.sqlite"

_CONNECTION: dict[str, object] = {"pid": None, "path": None, "db": None}


def folder() -> Path | None:
    """Where the memo lives (None when ``$COMPARE_CACHE`` is ``off``)."""
    given = os.environ.get(CACHE_ENV, "").strip()
    if given.lower() == "off":
        return None
    if given:
        return Path(given)
    from compare.config import paths  # noqa: PLC0415

    return paths().home / "data" / "cache"


def key(kind: str, arrays: Sequence[np.ndarray], **options: object) -> str:
    """sha256 of everything an interval depends on."""
    import scipy  # noqa: PLC0415

    digest = hashlib.sha256(f"{VERSION}|{np.__version__}|{scipy.__version__}|{kind}".encode())
    for array in arrays:
        data = np.ascontiguousarray(array, dtype=float)
        digest.update(f"|{data.shape}|".encode() + data.tobytes())
    digest.update(repr(sorted(options.items())).encode())
    return digest.hexdigest()


def _db() -> sqlite3.Connection | None:
    """This process's connection (a forked process opens its own)."""
    where = folder()
    if where is None:
        return None
    path = where / FILE_NAME
    if _CONNECTION["pid"] == os.getpid() and _CONNECTION["path"] == path:
        return _CONNECTION["db"]  # type: ignore[return-value]
    where.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("CREATE TABLE IF NOT EXISTS interval (key TEXT PRIMARY KEY, low REAL, high REAL)")
    _CONNECTION.update(pid=os.getpid(), path=path, db=db)
    return db


def interval(name: str, compute: Callable[[], tuple[float, float]]) -> tuple[float, float]:
    """The interval stored under ``name`` (a :func:`key`), else ``compute()`` stored."""
    try:
        db = _db()
        row = (
            db.execute("SELECT low, high FROM interval WHERE key = ?", (name,)).fetchone()
            if (db is not None)
            else None
        )
    except (sqlite3.Error, OSError):
        db, row = None, None
    if row is not None:
        return float(row[0]), float(row[1])
    low, high = compute()
    if db is not None:
        with contextlib.suppress(sqlite3.Error):  # busy or read-only: the interval is still right
            db.execute("INSERT OR IGNORE INTO interval VALUES (?, ?, ?)", (name, low, high))
    return low, high
