"""Where report runs execute: ``local`` (a process pool here) or ``dask`` (Dask distributed).

Both map :func:`compare.reports.kernel_run.execute_runs` over the same
:class:`~compare.reports.matrix.RunSpec`\\ s, grouped by report (:func:`by_report`: the languages
of one report run one after another in one kernel, sharing what it loaded and computed), and hand
each
:class:`~compare.reports.kernel_run.RunResult` to ``on_result`` in this process as it arrives, so
the manifest, index, progress bar and exit status are the same whichever executor ran them. Each
worker process keeps its own warm machinery (the kernel fork server of
:mod:`compare.reports.kernel_run`, started lazily by its first run); the per-run time limit is
enforced inside :func:`~compare.reports.kernel_run.execute_runs`.

A run whose kernel did not start (no cell ran: ``RunResult.start_failed``) is submitted again, up
to :data:`KERNEL_START_ATTEMPTS` attempts in all; any other failure (a notebook that raises, a
time-out, a kernel that dies mid-run) is the run's result and is never retried.

- ``local``: ``--workers`` processes (``spawn``), or the runs one after the other in this process
  with one worker;
- ``dask``: a ``LocalCluster`` of ``--workers`` process workers with one thread each, or the
  cluster of ``--scheduler ADDRESS``. Its workers must import this same ``compare`` and see the
  project folder at the same path (the specs carry absolute paths). A worker plugin
  (:mod:`compare.reports.dask_worker`) ends the worker's fork server when the worker stops.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator, Sequence
from functools import partial
from typing import Any

from compare.errors import CompareError
from compare.reports.matrix import RunSpec
from compare.storage.stamps import utc_now

#: Executors known to ``compare report --executor``.
EXECUTORS = ("local", "dask")

#: Attempts of a run whose kernel does not start (the first one included).
KERNEL_START_ATTEMPTS = 3

#: Seconds to wait for a worker of an existing Dask cluster (``--scheduler``).
DASK_CONNECT_TIMEOUT = 20.0

Note = Callable[[str], None]
OnResult = Callable[[Any], None]


def broken(spec: RunSpec, exc: BaseException) -> Any:
    """The result of a run whose worker failed (crashed, lost) rather than the notebook."""
    from compare.reports.kernel_run import FAILED, RunResult  # noqa: PLC0415

    now = utc_now()
    remote = str(exc.__cause__ or "").strip()  # the worker's traceback, when it sent one
    return RunResult(
        run_id=spec.run_id, key=spec.key, status=FAILED, duration=0.0, started_at=now,
        finished_at=now, message=f"the worker process failed: {type(exc).__name__}: {exc}"
        + (f"\n{remote[-3000:]}" if remote else ""),
        kernel=spec.kernel,
    )  # fmt: skip


class Retries:
    """Decides, for each result, whether it is final or the run goes again (kernel start
    failures only); passes final results on."""

    def __init__(self, on_result: OnResult, note: Note, attempts: int = KERNEL_START_ATTEMPTS):
        self.on_result = on_result
        self.note = note
        self.attempts = attempts
        self.tries: dict[str, int] = {}

    def final(self, spec: RunSpec, result: Any) -> bool:
        """True when ``result`` is the run's result (then handed on); False: submit again."""
        tried = self.tries.get(spec.run_id, 0) + 1
        self.tries[spec.run_id] = tried
        if getattr(result, "start_failed", False):
            first_line = result.message.splitlines()[0] if result.message else ""
            if tried < self.attempts:
                self.note(f"retry {spec.run_id} ({tried + 1}/{self.attempts}): {first_line}")
                return False
            result.message = (
                f"{first_line} (after {tried} attempts)" + result.message[len(first_line) :]
            )
        self.on_result(result)
        return True


def by_report(specs: Sequence[RunSpec]) -> list[list[RunSpec]]:
    """``specs`` grouped by report: the runs that differ only in their ``language`` parameter
    (same notebook, parameters, kernel and environment), the source language first; groups in
    the order of their first run."""
    from compare.language import SOURCE_LANGUAGE  # noqa: PLC0415
    from compare.reports.params import canonical  # noqa: PLC0415

    groups: dict[str, list[RunSpec]] = {}
    for spec in specs:
        others = {k: v for k, v in spec.parameters.items() if k != "language"}
        key = repr((spec.notebook, spec.home, spec.kernel, spec.warm_key, spec.timeout,
                    sorted(spec.env.items()), canonical(others)))  # fmt: skip
        groups.setdefault(key, []).append(spec)
    return [sorted(group, key=lambda s: s.language != SOURCE_LANGUAGE) for group in groups.values()]


def _results(group: Sequence[RunSpec], results: Callable[[], list[Any]]) -> list[Any]:
    """``results()`` (the results of ``group``), or one broken result per run when the call
    itself failed (a worker crashed, a task was lost)."""
    try:
        return results()
    except Exception as exc:
        return [broken(spec, exc) for spec in group]


def _finals(retries: Retries, group: Sequence[RunSpec], results: Sequence[Any]) -> list[RunSpec]:
    """Hand on the final results of ``group``; returns the runs to submit again."""
    return [spec for spec, result in zip(group, results, strict=True)
            if not retries.final(spec, result)]  # fmt: skip


# --- local -------------------------------------------------------------------------------------


def run_local(
    specs: Sequence[RunSpec], on_result: OnResult, *, workers: int, note: Note = print
) -> None:
    """Execute ``specs`` on ``workers`` local processes (or here, one after the other), the
    languages of a report together (:func:`by_report`)."""
    from compare.reports import kernel_run  # noqa: PLC0415

    retries = Retries(on_result, note)
    queue = by_report(specs)
    if workers <= 1 or len(queue) == 1:
        while queue:
            group = queue.pop(0)
            results = _results(group, partial(kernel_run.execute_runs, group))
            again = _finals(retries, group, results)
            if again:
                queue.append(again)
        return

    import multiprocessing  # noqa: PLC0415
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait  # noqa: PLC0415

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        max_workers=min(workers, len(queue)),
        mp_context=context,
        initializer=kernel_run.worker_signals,
    ) as pool:
        running = {pool.submit(kernel_run.execute_runs, group): group for group in queue}
        try:
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    group = running.pop(future)
                    again = _finals(retries, group, _results(group, future.result))
                    if again:
                        running[pool.submit(kernel_run.execute_runs, again)] = again
        except BaseException:
            stop_workers(pool)
            raise


#: Seconds a worker has to clean up (kill its kernel, end its fork server) before SIGKILL.
WORKER_GRACE = 10.0


def stop_workers(pool: Any) -> None:
    """Cancel what has not started, tell every worker to stop (SIGTERM: each kills its kernel
    and fork server and removes its folder) and wait until they have ended (SIGKILL after
    :data:`WORKER_GRACE` seconds)."""
    import time  # noqa: PLC0415

    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    deadline = time.monotonic() + WORKER_GRACE
    for process in processes:
        process.join(max(0.0, deadline - time.monotonic()))
        if process.is_alive():
            process.kill()
            process.join(5)


# --- dask --------------------------------------------------------------------------------------


@contextlib.contextmanager
def dask_client(scheduler: str | None, workers: int, note: Note) -> Iterator[Any]:
    """A Dask client: on the cluster at ``scheduler``, or on a new ``LocalCluster`` of
    ``workers`` process workers with one thread each (closed on exit)."""
    import logging  # noqa: PLC0415

    try:
        from distributed import Client, LocalCluster  # noqa: PLC0415
    except ImportError as exc:  # pragma: no cover - a declared dependency
        raise CompareError(f"the dask executor needs `distributed`: {exc}") from None

    if scheduler:
        try:
            client = Client(scheduler, timeout=DASK_CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, ValueError) as exc:
            raise CompareError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
        with client:
            try:
                client.wait_for_workers(1, timeout=DASK_CONNECT_TIMEOUT)
            except TimeoutError:
                raise CompareError(
                    f"the Dask scheduler at {scheduler} has no worker "
                    f"(waited {DASK_CONNECT_TIMEOUT:g} s)"
                ) from None
            count = len(client.nthreads())
            note(f"dask: scheduler {scheduler}, {count} worker(s)")
            yield client
        return
    with (
        LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster, set_as_default=False) as client,
    ):
        note(f"dask: LocalCluster {cluster.scheduler_address}, {workers} worker(s)")
        yield client


def run_dask(
    specs: Sequence[RunSpec],
    on_result: OnResult,
    *,
    workers: int,
    scheduler: str | None = None,
    note: Note = print,
) -> None:
    """Execute ``specs`` as Dask tasks, one task per report (its languages, :func:`by_report`),
    in the order given."""
    from distributed import as_completed  # noqa: PLC0415

    from compare.reports.dask_worker import WarmKernels  # noqa: PLC0415
    from compare.reports.kernel_run import execute_runs  # noqa: PLC0415

    retries = Retries(on_result, note)
    groups = by_report(specs)
    with dask_client(scheduler, min(workers, len(groups)) or 1, note) as client:
        client.register_plugin(WarmKernels(), name=WarmKernels.name)
        running: dict[Any, list[RunSpec]] = {}

        def submit(group: list[RunSpec]) -> Any:
            future = client.submit(execute_runs, group, pure=False, key=_task_key(group[0]))
            running[future] = group
            return future

        pending = as_completed([submit(group) for group in groups], loop=client.loop)
        try:
            for future in pending:
                group = running.pop(future)
                try:
                    again = _finals(retries, group, _results(group, future.result))
                finally:
                    future.release()
                if again:
                    pending.add(submit(again))
        except BaseException:
            client.cancel(list(running))
            raise


def _task_key(spec: RunSpec) -> str:
    import uuid  # noqa: PLC0415

    return f"compare-report-{spec.run_id}-{uuid.uuid4().hex[:8]}"


# --- selection ---------------------------------------------------------------------------------


def check(executor: str, scheduler: str | None) -> None:
    """Reject an unknown executor, or a scheduler address without ``dask``, before any work."""
    if executor not in EXECUTORS:
        raise CompareError(f"unknown executor {executor!r}; valid: {', '.join(EXECUTORS)}")
    if scheduler and executor != "dask":
        raise CompareError("--scheduler needs --executor dask")


def execute(
    executor: str,
    specs: Sequence[RunSpec],
    on_result: OnResult,
    *,
    workers: int,
    scheduler: str | None = None,
    note: Note = print,
) -> None:
    """Run ``specs`` on ``executor``; ``on_result`` sees every final result in this process."""
    check(executor, scheduler)
    if executor == "dask":
        run_dask(specs, on_result, workers=workers, scheduler=scheduler, note=note)
    else:
        run_local(specs, on_result, workers=workers, note=note)
