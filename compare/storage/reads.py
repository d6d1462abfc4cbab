"""A log of the inputs a process reads, so that a report run can say what it depends on.

The report runner gives each run's kernel a file in ``$COMPARE_READS_LOG``; every reader of
project data appends one line per input it reads (``indicator:egdi``, ``indicator:*`` for the
whole table, ``evidence:*``, ``geometry:natural-earth-110m``, ``texts:shared``). Without the
variable (notebooks in JupyterLab, tests, the CLI) nothing is written.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

#: The environment variable naming the log file of the current report run.
LOG_ENV = "COMPARE_READS_LOG"
#: Everything of a kind (e.g. the whole processed table).
ALL = "*"


_suppressed = [0]


@contextlib.contextmanager
def suppressed() -> Iterator[None]:
    """Inside: reads are not logged one by one (a caller that logs what it derives from them,
    e.g. a family's tests, logs that instead)."""
    _suppressed[0] += 1
    try:
        yield
    finally:
        _suppressed[0] -= 1


def note(kind: str, names: Iterable[str] | None = None) -> None:
    """Record that ``names`` of ``kind`` were read (None: all of that kind)."""
    path = os.environ.get(LOG_ENV)
    if not path or _suppressed[0]:
        return
    items = [ALL] if names is None else sorted(set(names))
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("".join(f"{kind}:{name}\n" for name in items))


def read_log(path: str | os.PathLike[str]) -> list[str]:
    """The distinct inputs logged in ``path`` (sorted; empty when the file is missing)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError:
        return []
    return sorted({line.strip() for line in lines if ":" in line})
