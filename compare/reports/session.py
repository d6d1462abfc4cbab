"""Between two runs of one report in the same kernel (its languages, one after another).

The report runner executes the languages of one report in one kernel
(:func:`compare.reports.kernel_run.execute_runs`): what was loaded and computed in-process
(the processed table, the panels, geometries, memoised intervals) serves every language, while
each language's notebook starts from an empty namespace. :func:`next_run` is what the runner sends
the kernel before each run after the first.
"""

from __future__ import annotations

#: The code the runner executes (silently, outside the notebook) before the next run.
NEXT_RUN_CODE = "__import__('compare.reports.session', fromlist=['next_run']).next_run()"


def next_run() -> None:
    """Empty the kernel's namespace (as a new session: history and execution count too) and set
    the language back to the source language; modules and their caches stay loaded."""
    from IPython import get_ipython  # noqa: PLC0415

    from compare.language import SOURCE_LANGUAGE, set_language  # noqa: PLC0415

    shell = get_ipython()
    if shell is not None:
        shell.reset(new_session=True)
    set_language(SOURCE_LANGUAGE)
