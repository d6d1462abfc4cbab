"""The ``compare`` command as the tests run it: a new process on a given project home."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_compare(
    home: Path, *args: str, timeout: float = 600, cwd: Path | None = None
) -> subprocess.CompletedProcess:
    """``python -m compare.cli ARGS`` with ``COMPARE_HOME=home`` (and no ``COMPARE_REPORT``:
    the command is not itself inside a report run); output captured, never raises on failure."""
    env = {k: v for k, v in os.environ.items() if k != "COMPARE_REPORT"}
    env["COMPARE_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "compare.cli", *args],
        capture_output=True, text=True, env=env, timeout=timeout, check=False, cwd=cwd,
    )  # fmt: skip
