"""What a Dask worker keeps for ``compare report --executor dask``: a plugin ending the warm
kernel machinery of :mod:`compare.reports.kernel_run` (fork server, its kernels, runtime folder)
when the worker stops. The fork server itself starts lazily, with the worker's first run.

Imported only by the dask executor (``distributed`` is not a light import).
"""

from __future__ import annotations

from typing import Any, ClassVar

from distributed import WorkerPlugin


class WarmKernels(WorkerPlugin):  # type: ignore[misc]
    """Ends the worker's fork server on teardown (worker close). Idempotent: registering it
    again (the next ``compare report`` on the same cluster) keeps the worker's warm state."""

    name: ClassVar[str] = "compare-warm-kernels"
    idempotent: ClassVar[bool] = True

    def teardown(self, worker: Any) -> None:
        from compare.reports.kernel_run import close_worker  # noqa: PLC0415

        close_worker()
