"""Between two runs of one report in the same kernel (its languages, one after another).

The report runner executes the languages of one report in one kernel
(:func:`compare.reports.kernel_run.execute_runs`): what the first run loaded and computed
in-process (the processed table, the panels, geometries, fitted models, memoised intervals)
serves the others, while each run's notebook starts as in a new kernel: an empty namespace
(history and execution count too), the working directory and environment variables the kernel
started with, and the source language. What a notebook changes inside an imported module
(an attribute, an option) is not undone: the report notebooks change none.

The runner sends :data:`START_CODE` to a new kernel before its first run and :data:`NEXT_CODE`
before each later run (silently, outside the notebook).
"""

from __future__ import annotations

import gc
import os
from typing import Any

START_CODE = "__import__('compare.reports.session', fromlist=['start']).start()"
NEXT_CODE = "__import__('compare.reports.session', fromlist=['next_run']).next_run()"

#: What the kernel started with: working directory and environment.
_STARTED: dict[str, Any] = {}


def start() -> None:
    """Remember the kernel's working directory and environment (before its first run)."""
    _STARTED["cwd"] = os.getcwd()
    _STARTED["environ"] = dict(os.environ)


def next_run() -> None:
    """Empty the namespace (a new session), go back to the working directory and environment
    the kernel started with, and to the source language; modules and their caches stay."""
    from IPython import get_ipython  # noqa: PLC0415

    from compare.language import SOURCE_LANGUAGE, set_language  # noqa: PLC0415

    shell = get_ipython()
    if shell is not None:
        _reset_without_collecting(shell)
    gc.freeze()  # what the earlier runs left in modules' caches: not scanned again
    if "environ" in _STARTED:
        os.environ.clear()
        os.environ.update(_STARTED["environ"])
        os.chdir(_STARTED["cwd"])
    set_language(SOURCE_LANGUAGE)


def _reset_without_collecting(shell: Any) -> None:
    """IPython's ``reset(new_session=True)`` without the full garbage collection its output cache
    flush ends with (0.2 s once pandas and plotly are loaded; nothing between two runs needs
    the memory back at once)."""
    collect = gc.collect
    gc.collect = lambda generation=2: 0  # type: ignore[assignment]
    try:
        shell.reset(new_session=True)
    finally:
        gc.collect = collect
