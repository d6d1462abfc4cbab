"""Warm kernels: a fork server ("zygote") that pre-imports the libraries and forks a fresh kernel.

Starting a Python kernel and importing pandas, statsmodels, geopandas and plotly takes seconds;
doing it once per report run dominates a small notebook. A :class:`Zygote` is a separate Python
process that imports those modules once (and warms their first-use caches), then waits for
requests. For each run it ``fork()``\\ s: the child is a brand-new kernel process (its own
``IPKernelApp``, empty namespace, copy-on-write copy of the imported modules) and nothing it does
can reach the zygote or the next run. Isolation is the process boundary, as with a cold kernel.

:func:`kernel_manager` returns a :class:`jupyter_client.AsyncKernelManager` whose provisioner
asks the zygote for a process instead of ``Popen`` (falling back to ``Popen`` if the zygote is
gone); nbclient and papermill drive it unchanged. Kernels talk over IPC sockets in a private
folder (no TCP ports to collide, no shutdown stalls) and are killed outright after a run (a
disposable process needs no graceful shutdown).

The zygote is started by the worker process (never forked from it: a worker has zmq contexts and
threads), lives as long as the worker, and exits when the worker's end of its socket closes,
killing any kernel it still has.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from compare.storage.processes import alive

#: Modules imported by the zygote before it forks kernels (missing ones are skipped).
PRELOAD: tuple[str, ...] = (
    "numpy",
    "pandas",
    "pyarrow",
    "pyarrow.parquet",
    "scipy.stats",
    "statsmodels.api",
    "geopandas",
    "plotly.graph_objects",
    "plotly.io",
    "plotly.express",
    "IPython.display",
    "ipykernel.kernelapp",  # and what a kernel imports while it starts:
    "ipykernel.ipkernel",
    "ipykernel.zmqshell",
    "ipykernel.debugger",  # debugpy/pydevd: ~0.3 s of every kernel start otherwise
    "IPython.core.interactiveshell",
    "IPython.extensions",
    "sqlite3",
    "pdb",
    "tornado.queues",
    "tornado.locks",
    "compare",
    "compare.catalog",
    "compare.geo.countries",
    "compare.geo.regions",
    "compare.data",
    "compare.reports.display",
    "compare.stats.comparison",
    "compare.figures",
    "compare.figures.maps",
    "compare.evidence.claims",
    "compare.text.comparisons",
    "compare.stats.profiles",
)

#: The indicator whose comparison warms the zygote's caches (any indicator with data would do).
WARM_INDICATOR = "internet_users_pct"

#: Environment variables a report kernel gets (the display module reads the first).
REPORT_ENV = {"COMPARE_REPORT": "1"}

#: Test hook: the path of a file holding a number N; the next N kernel starts, in any process,
#: fail (each start, failed or not, appends a line to ``<path>.starts``). Unset: no effect.
FAIL_STARTS_ENV = "COMPARE_TEST_FAIL_KERNEL_STARTS"


# --- the zygote process ------------------------------------------------------------------------


def skip_iri_grammar() -> None:
    """Keep jsonschema from importing the optional ``rfc3987-syntax`` package, whose grammar
    build costs about a second on import (reached through ``import nbformat``, which plotly.io,
    papermill and nbconvert all do). Reports never validate IRIs; everything else in jsonschema
    and nbformat is unchanged."""
    sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]


def _preload(modules: Sequence[str]) -> dict[str, Any]:
    """Import ``modules`` and warm first-use caches; never raises (a failure is reported)."""
    import importlib  # noqa: PLC0415

    started = time.perf_counter()
    failed: dict[str, str] = {}
    for name in modules:
        try:
            importlib.import_module(name)
        except Exception as exc:  # a module being written, an optional dependency
            failed[name] = f"{type(exc).__name__}: {exc}"
    steps = (("display", _warm_display), ("comparison", _warm_comparison),
             ("families", _warm_families))  # fmt: skip
    for name, step in steps:
        try:
            step()
        except Exception as exc:  # e.g. no processed data yet: kernels just start less warm
            failed[f"warm:{name}"] = f"{type(exc).__name__}: {exc}"
    return {"failed": failed, "seconds": round(time.perf_counter() - started, 3)}


def _warm_display() -> None:
    from compare.reports.display import warm  # noqa: PLC0415

    warm()


def _warm_comparison() -> None:
    """Run one comparison and its figures: lazy imports, plotly validators, the processed table
    and the map geometry (caches keyed by file and mtime) are then loaded once, in the zygote.
    Forked kernels get copies: what one run changes never reaches another."""
    import compare.figures as cf  # noqa: PLC0415
    from compare.stats import convergence  # noqa: PLC0415
    from compare.stats import profiles as overview  # noqa: PLC0415

    comparison = overview.indicator_comparison(WARM_INDICATOR)
    cf.choropleth(WARM_INDICATOR, comparison.year)
    cf.distribution(WARM_INDICATOR, comparison.year)
    cf.trend(WARM_INDICATOR)
    convergence(WARM_INDICATOR)


def _warm_families() -> None:
    """Every compared family's tests for the default groups (their rows stay in memory): an
    indicator report's Holm adjustment then computes only its own row."""
    from compare.config import COMPARED_FAMILIES  # noqa: PLC0415
    from compare.stats.family import family_tests  # noqa: PLC0415

    for family in COMPARED_FAMILIES:
        family_tests(family)


def _send(sock: socket.socket, message: Mapping[str, Any]) -> None:
    sock.sendall(json.dumps(message).encode() + b"\n")


def _become_kernel(request: Mapping[str, Any], sock: socket.socket, ready_w: int) -> None:
    """In the forked child: detach, take the run's environment and become an IPython kernel."""
    code = 1
    try:
        os.close(sock.detach())  # kernels must not hold the zygote's socket open
        os.setsid()  # own process group: the runner kills the kernel and its children together
        os.write(ready_w, b"x")
        os.close(ready_w)
        for signum in (signal.SIGCHLD, signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_DFL)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(null)
        os.close(log)
        if "numpy" in sys.modules:  # a fresh process would not share the zygote's seed
            sys.modules["numpy"].random.seed()
        from ipykernel.kernelapp import IPKernelApp  # noqa: PLC0415

        argv = [*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"]
        sys.argv = ["ipykernel_launcher", *argv]
        IPKernelApp.launch_instance(argv=argv)
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except BaseException:
        traceback.print_exc()
    finally:
        with contextlib.suppress(Exception):
            sys.stdout.flush()
            sys.stderr.flush()
        os._exit(code)


def _exit_now(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # unwinds into _serve's clean-up


def _serve(fd: int, modules: Sequence[str], owned: str = "") -> None:
    """The zygote's main loop: preload, say ready, fork a kernel per request until EOF; then
    kill the kernels left and remove the worker's runtime folder ``owned`` (the worker may have
    been killed before it could)."""
    skip_iri_grammar()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the worker decides; EOF ends us
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    for signum in (signal.SIGTERM, signal.SIGHUP):  # told to stop: kernels killed, folder removed
        signal.signal(signum, _exit_now)
    sock = socket.socket(fileno=fd)
    children: set[int] = set()
    try:
        status = _preload(modules)
        # what was preloaded lives as long as every kernel: the kernels' garbage collections
        # need not scan it (and pages shared after fork stay shared)
        gc.collect()
        gc.freeze()
        _send(sock, {"ready": True, "pid": os.getpid(), **status})
        for line in sock.makefile("rb"):
            request = json.loads(line)
            ready_r, ready_w = os.pipe()
            pid = os.fork()
            if pid == 0:
                os.close(ready_r)
                _become_kernel(request, sock, ready_w)
            os.close(ready_w)
            os.read(ready_r, 1)  # the child has its own session (pgid == pid)
            os.close(ready_r)
            children.add(pid)
            children = {child for child in children if alive(child)}
            _send(sock, {"pid": pid})
    except (BrokenPipeError, ConnectionResetError):  # the worker is gone
        pass
    finally:
        for child in children:
            with contextlib.suppress(OSError):
                os.killpg(child, signal.SIGKILL)
        if owned:
            import shutil  # noqa: PLC0415

            shutil.rmtree(owned, ignore_errors=True)


class ZygoteError(RuntimeError):
    """The fork server could not start or answer."""


class Zygote:
    """A fork server owned by this process (start with :meth:`start`, wait with :meth:`ready`)."""

    def __init__(
        self,
        modules: Sequence[str] = PRELOAD,
        env: Mapping[str, str] | None = None,
        log: Path | None = None,
        owned: Path | None = None,
    ) -> None:
        self.owned = owned  # a folder the zygote removes when it ends
        self.modules = tuple(modules)
        self.env = dict(env if env is not None else os.environ)
        self.log = log
        self.process: subprocess.Popen[bytes] | None = None
        self.sock: socket.socket | None = None
        self.status: dict[str, Any] = {}
        self._buffer = b""

    def start(self) -> Zygote:
        """Launch the zygote process (returns at once; it imports in the background)."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        out = open(self.log, "ab") if self.log else subprocess.DEVNULL  # noqa: SIM115
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "compare.reports.kernels", str(theirs.fileno()),
                 json.dumps(self.modules), str(self.owned or "")],
                pass_fds=[theirs.fileno()], stdin=subprocess.DEVNULL, stdout=out, stderr=out,
                env=self.env, start_new_session=True,
            )  # fmt: skip
        finally:
            theirs.close()
            if out is not subprocess.DEVNULL:
                out.close()
        self.sock = ours
        return self

    def _receive(self, timeout: float) -> dict[str, Any]:
        """The next JSON line from the zygote (``timeout`` seconds at most)."""
        assert self.sock is not None
        deadline = time.monotonic() + timeout
        while b"\n" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self.sock], [], [], left)[0]:
                raise ZygoteError(f"the kernel fork server did not answer within {timeout:.0f} s")
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise ZygoteError("the kernel fork server exited: " + self._log_tail())
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return json.loads(line)

    def _log_tail(self, lines: int = 8) -> str:
        try:
            text = self.log.read_text(encoding="utf-8", errors="replace") if self.log else ""
        except OSError:
            text = ""
        return " | ".join(text.strip().splitlines()[-lines:]) or "no log"

    def ready(self, timeout: float = 300.0) -> dict[str, Any]:
        """Wait until the modules are imported; returns the zygote's status (pid, failures)."""
        if self.process is None:
            self.start()
        if not self.status:
            self.status = self._receive(timeout)
        return self.status

    def spawn(self, argv: Sequence[str], env: Mapping[str, str], cwd: str, log: str) -> int:
        """Fork a kernel running ``ipykernel`` with ``argv``; returns its pid (= its pgid)."""
        self.ready()
        if self.sock is None or not self.alive():
            raise ZygoteError("the kernel fork server is not running")
        _send(self.sock, {"argv": list(argv), "env": dict(env), "cwd": cwd, "log": log})
        return int(self._receive(60.0)["pid"])

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def close(self) -> None:
        """End the zygote (it kills any kernel it still has); one still importing is told to
        stop (SIGTERM: it cleans up too), and killed if it does not."""
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.close()
            self.sock = None
        if self.process is not None:
            try:
                self.process.wait(timeout=2)
            except subprocess.TimeoutExpired:
                self.terminate()
            self.process = None

    def terminate(self) -> None:
        """Stop the zygote now: SIGTERM (it kills its kernels and removes its folder), then
        SIGKILL after 5 s."""
        if self.process is None:
            return
        with contextlib.suppress(OSError):
            self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- a process handle for a kernel that is not our child ---------------------------------------


class ForkedKernel:
    """The subset of ``subprocess.Popen`` that jupyter_client's provisioner uses, for a process
    forked by the zygote (a pidfd tells when it ends; its process group is its pid)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None
        try:
            self._pidfd: int | None = os.pidfd_open(pid)
        except (AttributeError, OSError):
            self._pidfd = None

    def poll(self) -> int | None:
        if self.returncode is not None:
            return self.returncode
        if self._pidfd is not None:
            ended = bool(select.select([self._pidfd], [], [], 0)[0])
        else:
            ended = not alive(self.pid)
        if ended:
            self.returncode = -1  # the zygote reaps it; the code is not ours to read
            self._close()
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            if self._pidfd is not None:
                select.select([self._pidfd], [], [], 0.1)
            else:
                time.sleep(0.02)
        assert self.returncode is not None
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, signum)

    def kill(self) -> None:
        """SIGKILL the kernel's whole process group."""
        if self.poll() is None:
            try:
                os.killpg(self.pid, signal.SIGKILL)
            except OSError:
                with contextlib.suppress(OSError):
                    os.kill(self.pid, signal.SIGKILL)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def _close(self) -> None:
        if self._pidfd is not None:
            with contextlib.suppress(OSError):
                os.close(self._pidfd)
            self._pidfd = None


# --- jupyter_client integration ----------------------------------------------------------------


def simulated_start_failure() -> None:
    """The :data:`FAIL_STARTS_ENV` test hook: raise if the counter file still has starts to
    fail (decremented under a lock, so that concurrent workers fail exactly N starts)."""
    path = os.environ.get(FAIL_STARTS_ENV)
    if not path:
        return
    import fcntl  # noqa: PLC0415

    with open(path, "r+", encoding="utf-8") as counter:
        fcntl.flock(counter, fcntl.LOCK_EX)
        left = int(counter.read().strip() or 0)
        with open(f"{path}.starts", "a", encoding="utf-8") as starts:
            starts.write(f"{os.getpid()} {'fail' if left > 0 else 'ok'}\n")
        if left > 0:
            counter.seek(0)
            counter.truncate()
            counter.write(str(left - 1))
            raise RuntimeError(f"simulated kernel start failure ({FAIL_STARTS_ENV})")


def runtime_dir() -> Path:
    """A short private folder for connection files and IPC sockets (socket paths must stay
    under ~100 characters)."""
    base = "/tmp" if os.path.isdir("/tmp") else None
    return Path(tempfile.mkdtemp(prefix="cmpk-", dir=base))


def kernel_manager(
    zygote: Zygote | None,
    runtime: Path,
    env: Mapping[str, str],
    log: Path,
    kernel_name: str = "python3",
) -> Any:
    """A kernel manager for one run: forked from ``zygote`` (or a cold ``ipykernel`` process
    when it is None), IPC transport in ``runtime``, ``env`` added to the kernel's environment."""
    extra_env = dict(env)
    if zygote is not None:
        provisioner = _fork_provisioner(zygote, extra_env, log)
    else:
        provisioner = _cold_provisioner(extra_env)
    manager = _run_kernel_manager(provisioner)
    kernel_id = uuid.uuid4().hex[:12]
    return manager(
        kernel_name=kernel_name,
        kernel_id=kernel_id,
        transport="ipc",
        connection_file=str(runtime / f"k-{kernel_id}.json"),
        ip=str(runtime / f"k-{kernel_id}"),
        shutdown_wait_time=1.0,
        client_factory=_ready_client(),
    )


def _fork_provisioner(zygote: Zygote, extra_env: dict[str, str], log: Path) -> type:
    """A provisioner class that launches the kernel through ``zygote`` instead of ``Popen``
    (cold when the fork server is gone)."""
    from jupyter_client.provisioning import LocalProvisioner  # noqa: PLC0415

    class ForkProvisioner(LocalProvisioner):  # type: ignore[misc]
        """Launches the kernel through the zygote instead of ``Popen``."""

        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            simulated_start_failure()
            start = cmd.index("-f") if "-f" in cmd else len(cmd)
            environ = {**(kwargs.get("env") or os.environ), **extra_env}
            cwd = str(kwargs.get("cwd") or Path.cwd())
            try:
                pid = zygote.spawn(cmd[start:], environ, cwd, str(log))
            except (ZygoteError, OSError):  # the fork server is gone: start this one cold
                kwargs["env"] = environ
                return await super().launch_kernel(cmd, **kwargs)
            self.process = ForkedKernel(pid)
            self.pid = pid
            self.pgid = pid
            self.cwd = cwd
            return self.connection_info

    return ForkProvisioner


def _cold_provisioner(extra_env: dict[str, str]) -> type:
    """A provisioner class that starts a plain ``Popen`` kernel with ``extra_env`` added."""
    from jupyter_client.provisioning import LocalProvisioner  # noqa: PLC0415

    class ColdProvisioner(LocalProvisioner):  # type: ignore[misc]
        """A plain ``Popen`` kernel with the report environment."""

        async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
            simulated_start_failure()
            kwargs["env"] = {**(kwargs.get("env") or os.environ), **extra_env}
            return await super().launch_kernel(cmd, **kwargs)

    return ColdProvisioner


def _ready_client() -> type:
    """A kernel client class whose readiness check skips jupyter_client's final quiet-IOPub
    wait."""
    from queue import Empty  # noqa: PLC0415

    from jupyter_client.asynchronous import AsyncKernelClient  # noqa: PLC0415

    class ReadyClient(AsyncKernelClient):  # type: ignore[misc]
        """jupyter_client's readiness check without its final 0.2 s wait for a quiet IOPub
        channel: nbclient ignores IOPub messages that answer other requests anyway."""

        async def _async_wait_for_ready(self, timeout: float | None = None) -> None:
            deadline = time.monotonic() + (timeout if timeout is not None else 1e9)
            while True:
                self.kernel_info()
                try:
                    reply = await self.shell_channel.get_msg(timeout=1)
                except Empty:
                    reply = None
                if reply is not None and reply["msg_type"] == "kernel_info_reply":
                    try:  # some IOPub message arrives: the subscription is in place
                        await self.iopub_channel.get_msg(timeout=0.2)
                    except Empty:
                        pass
                    else:
                        self._handle_kernel_info_reply(reply)
                        return
                if not await self._async_is_alive():
                    raise RuntimeError("Kernel died before replying to kernel_info")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

        wait_for_ready = _async_wait_for_ready

    return ReadyClient


def _run_kernel_manager(provisioner: type) -> type:
    """An async kernel manager class that starts its kernel with ``provisioner``."""
    from jupyter_client.manager import AsyncKernelManager  # noqa: PLC0415

    class RunKernelManager(AsyncKernelManager):  # type: ignore[misc]
        async def _async_pre_start_kernel(self, **kw: Any) -> Any:
            if self.provisioner is None:
                self.provisioner = provisioner(
                    kernel_id=self.kernel_id, kernel_spec=self.kernel_spec, parent=self
                )
            return await super()._async_pre_start_kernel(**kw)

    return RunKernelManager


async def _stop(km: Any) -> None:
    """Kill the run's kernel (its whole process group) at once; remove its connection file and
    sockets. A report kernel is disposable: no graceful shutdown to wait for."""
    provisioner = km.provisioner
    process = getattr(provisioner, "process", None)
    try:
        if process is not None:
            pgid = getattr(provisioner, "pgid", None) or process.pid
            try:
                os.killpg(pgid, signal.SIGKILL)
            except OSError:
                with contextlib.suppress(OSError):
                    process.kill()
            with contextlib.suppress(Exception):
                process.wait(timeout=10)
            provisioner.process = None
    finally:
        from jupyter_core.utils import ensure_async  # noqa: PLC0415

        with contextlib.suppress(Exception):
            await ensure_async(km.cleanup_resources())
        with contextlib.suppress(Exception):
            if provisioner is not None:
                await provisioner.cleanup()


def stop_kernel(km: Any) -> None:
    """Synchronous :func:`_stop` (used after nbclient is done with the kernel)."""
    from jupyter_core.utils import run_sync  # noqa: PLC0415

    run_sync(_stop)(km)


if __name__ == "__main__":  # the zygote process: python -m compare.reports.kernels FD MODULES_JSON
    _serve(int(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3] if len(sys.argv) > 3 else "")
