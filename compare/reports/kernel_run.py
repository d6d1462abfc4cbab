"""Execute and render report runs: ``execute_runs(specs) -> [RunResult]`` for the languages of
one report (one kernel, run after run, :mod:`compare.reports.session`), ``execute_run(spec)``
for one.

A pure function of a picklable :class:`~compare.reports.matrix.RunSpec`, so any executor can map it
over the matrix (the local process pool of ``compare report`` now, Dask later). What it keeps
between calls in one worker process is only warm machinery, never notebook state: the kernel fork
server (:mod:`compare.reports.kernels`, one per code+data fingerprint), the nbconvert exporter and
the imports.

Each run: papermill injects the parameters (after checking the injected code is inert), the
report's kernel executes the notebook from a clean start (papermill's client: per-cell status and
timing in the metadata, a failing cell stops the run and is marked), the run has a deadline (a
run past it has its kernel killed; the next language gets a new one), and the executed notebook
and its HTML are written atomically. The kernel is stopped after the report's last language:
what its runs computed in-process (panels, fitted models, colours) never outlives the report.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import logging
import os
import shutil
import threading
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from compare.reports.matrix import RunSpec
from compare.reports.outputs import pending_path
from compare.storage import atomic
from compare.storage.reads import LOG_ENV, read_log
from compare.storage.stamps import utc_now

OK, FAILED, TIMEOUT = "ok", "failed", "timeout"

#: How a run's message starts when its kernel could not be started (no cell ran): the only
#: failure an executor retries (:mod:`compare.reports.executors`).
KERNEL_START_FAILED = "the kernel did not start"

#: Thread pools of numeric libraries: one thread per kernel (runs are already parallel, and a
#: fork server must not hold BLAS threads when it forks).
_THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")

_LOG = logging.getLogger("compare.reports.runner.kernel")
_LOG.addHandler(logging.NullHandler())  # nbclient's notes ("Kernel died ...") are in the result
_LOG.propagate = False


@dataclass
class RunResult:
    """What happened to one run (plain, picklable data; the manifest stores it)."""

    run_id: str
    key: str
    status: str
    duration: float
    started_at: str
    finished_at: str
    message: str = ""
    failing_cell: dict[str, Any] | None = None
    kernel: str = "warm"
    outputs: dict[str, str] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    worker: int = 0
    start_failed: bool = False  # the kernel did not start: no cell ran (retryable)
    #: the inputs the run read (``indicator:egdi``, ``evidence:*`` ...: compare.storage.reads)
    reads: list[str] = field(default_factory=list)
    pending: dict[str, str] = field(default_factory=dict)  # final path -> written, not in place

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


# --- per-process warm state --------------------------------------------------------------------


class _Worker:
    """Warm machinery of this process: fork server, runtime folder, exporter."""

    def __init__(self) -> None:
        self.zygote: Any = None
        self.warm_key: str | None = None
        self.zygote_error: str = ""
        self.runtime: Path | None = None

    def runtime_dir(self) -> Path:
        if self.runtime is None or not self.runtime.is_dir():
            from compare.reports.kernels import runtime_dir  # noqa: PLC0415

            self.runtime = runtime_dir()
            _at_exit(shutil.rmtree, self.runtime, True)
        return self.runtime

    def fork_server(self, spec: RunSpec) -> Any:
        """The fork server for ``spec.warm_key`` (started now if needed; maybe not ready yet)."""
        from compare.reports.kernels import PRELOAD, Zygote  # noqa: PLC0415

        if self.zygote is not None and (self.warm_key != spec.warm_key or not self.zygote.alive()):
            self.zygote.close()
            self.zygote = None
        if self.zygote is None:
            self.zygote_error = ""
            env = {**os.environ, **_kernel_env(spec)}
            runtime = self.runtime_dir()
            self.zygote = Zygote(
                PRELOAD, env=env, log=runtime / "zygote.log", owned=runtime
            ).start()
            self.warm_key = spec.warm_key
            _at_exit(self.close)
        return self.zygote

    def close(self) -> None:
        if self.zygote is not None:
            self.zygote.close()
            self.zygote = None


def close_worker() -> None:
    """End this process's warm machinery now (fork server, its kernels, the runtime folder):
    for executors whose worker processes outlive a run (a Dask worker's teardown)."""
    _WORKER.close()
    if _WORKER.runtime is not None:
        shutil.rmtree(_WORKER.runtime, ignore_errors=True)
        _WORKER.runtime = None


def _at_exit(function: Any, *args: Any) -> None:
    """Run ``function`` when this process ends: interpreter exit, or the end of a
    multiprocessing worker (which skips ``atexit``)."""
    from multiprocessing import util  # noqa: PLC0415

    atexit.register(function, *args)
    util.Finalize(None, function, args=args, exitpriority=10)


_WORKER = _Worker()

#: The kernel session of the runs in progress (for a worker told to stop), and the files a run
#: has written but the runner has not yet put in place.
_CURRENT: dict[str, Any] = {"session": None}
_PENDING: dict[str, dict[str, str]] = {}


def worker_signals() -> None:
    """In a worker process: SIGTERM, SIGHUP and SIGINT end the run at once, cleanly (its kernel
    killed, the fork server and its kernels ended, the runtime folder removed), then the worker
    exits 128 + the signal. The runner never records a run cut short this way."""
    import signal  # noqa: PLC0415

    for signum in (signal.SIGTERM, signal.SIGHUP, signal.SIGINT):
        signal.signal(signum, _stop_worker)


def _stop_worker(signum: int, frame: Any) -> None:
    session = _CURRENT["session"]
    if session is not None and session.km is not None:
        with contextlib.suppress(Exception):
            _kill_now(session.km)
    if _WORKER.zygote is not None:
        with contextlib.suppress(Exception):
            _WORKER.zygote.terminate()
    for written in _PENDING.values():
        for path in written.values():
            with contextlib.suppress(OSError):
                os.unlink(path)
    if _WORKER.runtime is not None:
        shutil.rmtree(_WORKER.runtime, ignore_errors=True)
    os._exit(128 + signum)


def _kernel_env(spec: RunSpec) -> dict[str, str]:
    from compare.reports.kernels import REPORT_ENV  # noqa: PLC0415

    env = {name: "1" for name in _THREAD_VARS if name not in os.environ}
    env.update(REPORT_ENV)
    env["COMPARE_HOME"] = spec.home
    env["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"
    env.update(spec.env)
    return env


# --- failures ----------------------------------------------------------------------------------


def _error_output(ename: str, evalue: str) -> Any:
    import nbformat  # noqa: PLC0415

    return nbformat.v4.new_output(
        "error", ename=ename, evalue=evalue, traceback=[f"{ename}: {evalue}"]
    )


def _interrupted(nb: Any, ename: str, evalue: str) -> None:
    """The run stopped outside a cell error (deadline, dead kernel): mark the cell that was
    executing as failed, with the reason as its error output; later cells stay pending."""
    started = [
        i
        for i, cell in enumerate(nb.cells)
        if cell.get("metadata", {}).get("papermill", {}).get("start_time")
    ]
    if not started:
        return
    index = started[-1]
    cell = nb.cells[index]
    cell.metadata.papermill["status"] = "failed"
    cell.metadata.papermill["exception"] = True
    nb.metadata.setdefault("papermill", {})["exception"] = True
    if cell.cell_type == "code":
        cell.outputs.append(_error_output(ename, evalue))
    for later in nb.cells[index + 1 :]:
        later.metadata.setdefault("papermill", {})["status"] = "pending"


def _mark_failure(nb: Any) -> dict[str, Any] | None:
    """Find the failing cell and mark it as papermill does (a red note at the top linking to an
    anchor above the cell); returns where and what failed, or None."""
    import nbformat  # noqa: PLC0415
    from papermill.execute import (  # noqa: PLC0415
        ERROR_ANCHOR_MSG,
        ERROR_MARKER_TAG,
        ERROR_MESSAGE_TEMPLATE,
    )

    for index, cell in enumerate(nb.cells):
        errors = [
            out
            for out in cell.get("outputs", [])
            if out.get("output_type") == "error"
            and not (out.get("ename") == "SystemExit" and out.get("evalue") in ("", "0"))
        ]
        flagged = cell.get("metadata", {}).get("papermill", {}).get("exception") is True
        if not errors and not flagged:
            continue
        ename = errors[0].get("ename", "") if errors else "CellExecutionError"
        evalue = errors[0].get("evalue", "") if errors else ""
        failing = {
            "index": index,
            "execution_count": cell.get("execution_count"),
            "ename": ename,
            "evalue": evalue,
            "source": "".join(cell.get("source", ""))[:2000],
        }
        anchor = nbformat.v4.new_markdown_cell(ERROR_ANCHOR_MSG)
        anchor.metadata["tags"] = [ERROR_MARKER_TAG]
        note = nbformat.v4.new_markdown_cell(
            ERROR_MESSAGE_TEMPLATE % str(cell.get("execution_count"))
        )
        note.metadata["tags"] = [ERROR_MARKER_TAG]
        nb.cells.insert(index, anchor)
        nb.cells.insert(0, note)
        return failing
    return None


def _log_tail(path: Path, lines: int = 15) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip().splitlines()
    except OSError:
        return ""
    return "\n".join(text[-lines:])


# --- the run -----------------------------------------------------------------------------------


def _load(path: str) -> Any:
    """The source notebook as a v4 NotebookNode with papermill's metadata slots, read without
    schema validation (as ``papermill.iorw.load_notebook_node`` prepares it)."""
    import nbformat  # noqa: PLC0415
    from papermill import __version__ as papermill_version  # noqa: PLC0415

    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if data.get("nbformat") == 4:
        nb = nbformat.v4.nbjson.JSONReader().to_notebook(data)  # joins source lines
    else:
        nb = nbformat.reads(json.dumps(data), as_version=4)
    nb = nbformat.v4.upgrade(nb) or nb
    nb.metadata.setdefault(
        "papermill",
        {"default_parameters": {}, "parameters": {}, "environment_variables": {},
         "version": papermill_version},
    )  # fmt: skip
    for cell in nb.cells:
        cell.metadata.setdefault("tags", [])
        cell.metadata.setdefault("papermill", {})
    return nb


def _kill_now(km: Any) -> None:
    provisioner = getattr(km, "provisioner", None)
    process = getattr(provisioner, "process", None)
    if process is None:
        return
    import signal  # noqa: PLC0415

    try:
        os.killpg(getattr(provisioner, "pgid", None) or process.pid, signal.SIGKILL)
    except OSError:
        with contextlib.suppress(OSError):
            process.kill()


class _Session:
    """The kernel the runs of one report share (its languages, one after another): started by
    the first run, reused by the next after :data:`~compare.reports.session.NEXT_RUN_CODE` has
    emptied its namespace, started again when a run killed it (time limit, crash). One reads log
    for all of them: a later run's reads include the earlier runs' (what it could have used from
    the kernel's caches)."""

    def __init__(self, spec: RunSpec, zygote: Any) -> None:
        runtime = _WORKER.runtime_dir()
        stem = runtime / f"kernel-{os.getpid()}-{time.monotonic_ns()}"
        self.zygote = zygote
        self.log = stem.with_suffix(".log")
        self.reads = stem.with_suffix(".reads")
        self.env = {**_kernel_env(spec), LOG_ENV: str(self.reads)}
        self.km: Any = None
        self.kc: Any = None  # the kernel client of a kernel that can run the next notebook
        self.stale = False  # the kernel manager's kernel cannot run another notebook

    def manager(self) -> Any:
        """The kernel manager for the next run (a new one when the last kernel was lost)."""
        from compare.reports.kernels import kernel_manager, stop_kernel  # noqa: PLC0415

        if self.km is None or self.stale:
            if self.km is not None:
                with contextlib.suppress(Exception):
                    stop_kernel(self.km)
            self.km = kernel_manager(self.zygote, _WORKER.runtime_dir(), self.env, self.log)
            self.stale = False
        return self.km

    def lost(self) -> None:
        """The kernel cannot run another notebook (killed, dead, never started)."""
        if self.kc is not None:
            with contextlib.suppress(Exception):
                self.kc.stop_channels()
        self.kc = None
        self.stale = True

    def close(self) -> float:
        """Stop the kernel and remove the logs; returns the seconds stopping took."""
        from compare.reports.kernels import stop_kernel  # noqa: PLC0415

        start = time.perf_counter()
        self.lost()
        _CURRENT["session"] = None
        if self.km is not None:
            stop_kernel(self.km)
            self.km = None
        for path in (self.log, self.reads):
            with contextlib.suppress(OSError):
                path.unlink()
        return time.perf_counter() - start


def _ready_kernel(client: Any, session: _Session) -> tuple[str, str]:
    """Give ``client`` a kernel: the session's, emptied for the next notebook, or a new one
    (:mod:`compare.reports.session`). Returns (OK, "") or the failure of a kernel that did not
    start."""
    from compare.reports.session import NEXT_CODE, START_CODE  # noqa: PLC0415

    if session.kc is not None:
        client.kc = session.kc
        if _silently(client, NEXT_CODE):
            return OK, ""
        session.lost()  # the kernel is gone: start another
        client.kc = None
        client.km = session.manager()
    try:  # started here so that a start failure is told apart from a notebook's failure
        client.start_new_kernel()
        client.start_new_kernel_client()
    except Exception as exc:
        return FAILED, f"{KERNEL_START_FAILED}: {type(exc).__name__}: {exc}"
    session.kc = client.kc
    if not _silently(client, START_CODE):
        return FAILED, f"{KERNEL_START_FAILED}: the new kernel did not run its start-up code"
    return OK, ""


def _silently(client: Any, code: str) -> bool:
    """Run ``code`` in the client's kernel outside the notebook; True when it ran without error."""
    try:
        reply = client.wait_for_reply(client.kc.execute(code, silent=True, store_history=False))
    except Exception:
        return False
    return reply is not None and reply["content"].get("status") == "ok"


def _execute(
    nb: Any, spec: RunSpec, session: _Session, timings: dict[str, float]
) -> tuple[str, str]:
    """Run the cells of ``nb`` in place in the session's kernel; returns (status, message). The
    kernel stays up for the next run unless this one killed it."""
    from nbclient.exceptions import CellTimeoutError, DeadKernelError  # noqa: PLC0415
    from papermill.clientwrap import PapermillNotebookClient  # noqa: PLC0415
    from papermill.engines import NotebookExecutionManager  # noqa: PLC0415

    km = session.manager()
    expired = threading.Event()

    def deadline() -> None:
        expired.set()
        _kill_now(session.km)

    timer = threading.Timer(spec.timeout, deadline)
    timer.daemon = True
    manager = NotebookExecutionManager(nb, output_path=None, progress_bar=False,
                                       autosave_cell_every=0)  # fmt: skip
    manager.notebook_start()
    client = PapermillNotebookClient(
        manager,
        km=km,
        kernel_name="python3",
        timeout=spec.timeout,
        startup_timeout=120,
        log=_LOG,
        resources={"metadata": {"path": str(Path(spec.notebook).parent)}},
    )
    status, message = OK, ""
    start = time.perf_counter()
    timer.start()
    try:
        try:
            status, message = _ready_kernel(client, session)
        except Exception as exc:
            if expired.is_set():
                raise TimeoutError from exc
            raise
        if status != OK:
            session.lost()
            return status, message
        client.execute()  # reuses the kernel and client made ready above
    except (CellTimeoutError, DeadKernelError, TimeoutError, RuntimeError) as exc:
        session.lost()
        if expired.is_set() or isinstance(exc, CellTimeoutError):
            status, message = TIMEOUT, f"the run exceeded its time limit of {spec.timeout:g} s"
            _interrupted(nb, "Timeout", message)
        else:
            status, message = FAILED, f"the kernel died: {type(exc).__name__}: {exc}"
            _interrupted(nb, type(exc).__name__, str(exc))
    except Exception as exc:  # kernel start-up, transport: the run fails, the others go on
        session.lost()
        status, message = FAILED, f"execution failed: {type(exc).__name__}: {exc}"
        _interrupted(nb, type(exc).__name__, str(exc))
    finally:
        timer.cancel()
        if expired.is_set():
            session.lost()
        manager.cleanup_pbar()
        manager.notebook_complete()
        timings["execute"] = round(time.perf_counter() - start, 3)
    return status, message


def execute_run(spec: RunSpec) -> RunResult:
    """Execute ``spec``'s notebook with its parameters in a fresh kernel, mark a failure, render
    HTML, write both outputs atomically; never raises for a notebook's own failure."""
    return execute_runs([spec])[0]


def execute_runs(specs: Sequence[RunSpec]) -> list[RunResult]:
    """Execute the runs of one report (its languages: the same notebook and parameters but
    ``language``) one after another in one kernel, each from an empty namespace
    (:mod:`compare.reports.session`): the data, statistics and geometries the first run loaded
    and computed serve the others from the kernel's caches. Each run is rendered and written as
    :func:`execute_run` does; a run that kills the kernel (time limit, crash) leaves the next
    one a new kernel. Returns one result per spec, in order."""
    t0 = time.perf_counter()
    zygote = None
    kernel = specs[0].kernel
    if kernel == "warm":
        zygote = _WORKER.fork_server(specs[0])  # imports in its own process while we import

    _import_run_modules()
    imports = round(time.perf_counter() - t0, 3)
    session: _Session | None = None
    results: list[RunResult] = []
    try:
        for index, spec in enumerate(specs):
            timings: dict[str, float] = {"imports": imports} if index == 0 else {}
            if zygote is not None and session is None:
                zygote, kernel = _await_fork_server(zygote, kernel, timings)
            if session is None:
                session = _CURRENT["session"] = _Session(spec, zygote)
            results.append(_one_run(spec, session, kernel, timings, t0 if index == 0 else None))
    finally:
        if session is not None:
            stopping = round(session.close(), 3)
            if results:
                results[-1].timings["stop_kernel"] = stopping
    return results


def _one_run(
    spec: RunSpec, session: _Session, kernel: str, timings: dict[str, float], t0: float | None
) -> RunResult:
    """Execute, mark, render and write one run in the session's kernel (``t0``: when the run's
    time started, None: now)."""
    from compare.reports.params import injection_is_inert  # noqa: PLC0415

    started_at = utc_now()
    t0 = time.perf_counter() if t0 is None else t0

    def result(status: str, message: str = "", **extra: Any) -> RunResult:
        return RunResult(
            run_id=spec.run_id, key=spec.key, status=status,
            duration=round(time.perf_counter() - t0, 3), started_at=started_at,
            finished_at=utc_now(), message=message, kernel=kernel, timings=timings,
            worker=os.getpid(), **extra,
        )  # fmt: skip

    if not injection_is_inert(spec.parameters):
        return result(FAILED, "refused: papermill would inject code that is not plain data")

    nb = _parameterized(spec)
    status, message, failing, reads = _run_in_kernel(nb, spec, session, timings)
    nb.metadata["compare"] = {
        "run_id": spec.run_id,
        "parameters": spec.parameters,
        "status": status,
        "key": spec.key,
    }
    status, message, outputs = _write_outputs(
        nb, spec, status=status, message=message, failing=failing, timings=timings
    )
    return result(
        status,
        message,
        failing_cell=failing,
        outputs=outputs,
        start_failed=message.startswith(KERNEL_START_FAILED),
        reads=reads,
        pending=_PENDING.pop(spec.run_id, {}),
    )


#: What a run imports before it starts, in this order (timed as "imports", while a warm
#: kernel's fork server imports in its own process); the helpers import their names again.
_RUN_MODULES = (
    "nbformat",
    "papermill.execute",
    "papermill.parameterize",
    "compare.reports.render",
    "compare.reports.kernels",
    "compare.reports.params",
)


def _import_run_modules() -> None:
    import importlib  # noqa: PLC0415

    from compare.reports.kernels import skip_iri_grammar  # noqa: PLC0415

    skip_iri_grammar()
    for name in _RUN_MODULES:
        importlib.import_module(name)


def translate_markdown(nb: Any, language: Any) -> Any:
    """``nb`` with each Markdown cell in ``language`` (the whole cell is one message of the
    catalogs, :mod:`compare.text.messages`); the cells stay as written in English or when a
    cell has no translation. The page's language is recorded in the notebook's metadata."""
    from compare.language import SOURCE_LANGUAGE, check  # noqa: PLC0415

    code = check(language) if language is not None else SOURCE_LANGUAGE
    if code == SOURCE_LANGUAGE:
        return nb
    from compare.text.i18n import translations  # noqa: PLC0415

    catalog = translations(code)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and cell.source.strip():
            cell.source = catalog.gettext(cell.source)
    nb.metadata["compare_language"] = code
    return nb


def _parameterized(spec: RunSpec) -> Any:
    """``spec``'s notebook with its parameters injected and papermill's metadata."""
    from papermill.execute import prepare_notebook_metadata  # noqa: PLC0415
    from papermill.parameterize import parameterize_notebook  # noqa: PLC0415

    nb = translate_markdown(_load(spec.notebook), spec.parameters.get("language"))
    nb = parameterize_notebook(nb, dict(spec.parameters), kernel_name="python3",
                               language="python")  # fmt: skip
    # paths relative to the project home: an executed notebook names no folder of this machine
    source, output = (os.path.relpath(p, spec.home) for p in (spec.notebook, spec.output_ipynb))
    return prepare_notebook_metadata(nb, source, output)


def _await_fork_server(zygote: Any, kernel: str, timings: dict[str, float]) -> tuple[Any, str]:
    """Wait for the fork server to have imported; when it failed, fall back to a cold kernel
    rather than fail the run (returns the zygote, or None, and the kernel's description)."""
    from compare.reports.kernels import ZygoteError  # noqa: PLC0415

    wait = time.perf_counter()
    try:
        zygote.ready()
    except ZygoteError as exc:
        _WORKER.zygote_error = str(exc)
        _WORKER.close()
        zygote, kernel = None, f"cold ({exc})"
    timings["fork_server_wait"] = round(time.perf_counter() - wait, 3)
    return zygote, kernel


def _run_in_kernel(
    nb: Any, spec: RunSpec, session: _Session, timings: dict[str, float]
) -> tuple[str, str, dict[str, Any] | None, list[str]]:
    """Execute ``nb`` in the session's kernel: (status, message, the failing cell or None, the
    inputs read so far in the session); a dead or unstartable kernel's log tail is added to the
    message."""
    status, message = _execute(nb, spec, session, timings)
    spec_reads = read_log(session.reads)
    failing = _mark_failure(nb)
    if failing is not None and status == OK:
        status = FAILED
        message = (
            f"cell {failing['index']} (In [{failing['execution_count']}]) raised "
            f"{failing['ename']}: {failing['evalue']}"
        )
    if status != OK and ("kernel died" in message or message.startswith(KERNEL_START_FAILED)):
        tail = _log_tail(session.log)
        message += f"\nkernel log:\n{tail}" if tail else ""
    return status, message, failing, spec_reads


def _write_outputs(
    nb: Any,
    spec: RunSpec,
    *,
    status: str,
    message: str,
    failing: dict[str, Any] | None,
    timings: dict[str, float],
) -> tuple[str, str, dict[str, str]]:
    """Write the executed notebook, then its HTML page (atomically); a rendering failure fails
    the run but keeps the notebook. Returns (status, message, outputs written)."""
    import nbformat  # noqa: PLC0415

    from compare.reports import downloads, render  # noqa: PLC0415

    outputs = {"ipynb": spec.output_ipynb}
    written = _PENDING.setdefault(spec.run_id, {})  # the runner puts them in place
    written[spec.output_ipynb] = pending_path(spec.output_ipynb)
    atomic.write_text(Path(written[spec.output_ipynb]), nbformat.v4.writes_json(nb) + "\n")
    render_start = time.perf_counter()
    try:
        from compare.text.i18n import use_language  # noqa: PLC0415

        with use_language(getattr(spec, "language", "en") or "en"):  # the links' words
            data = downloads.collect(nb, spec.output_html)  # a link under each figure and table
        page = render.render_notebook(nb, spec, status=status, failing=failing, message=message)
        folder = str(downloads.folder_of(spec.output_html))  # replaced, or removed when empty
        if data:
            downloads.write_pending(data, spec, Path(pending_path(folder)))
        written[spec.output_html] = pending_path(spec.output_html)
        atomic.write_text(Path(written[spec.output_html]), page)
        outputs["html"] = spec.output_html
        written[folder] = pending_path(folder) if data else ""
        outputs.update({"data": folder} if data else {})
    except Exception as exc:  # a rendering bug must not lose the executed notebook
        status = FAILED
        message = (message + "\n" if message else "") + f"rendering failed: {exc!r}"
    timings["render"] = round(time.perf_counter() - render_start, 3)
    return status, message, outputs
