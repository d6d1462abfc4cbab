"""SIGTERM and SIGHUP handled like Ctrl-C: the main thread unwinds (``finally`` blocks and
staged writes clean up) and the command exits 128 + the signal (143, 129) with a message.

Schedulers and ``timeout`` send SIGTERM; a closed terminal sends SIGHUP. By default both kill
Python at once, skipping every clean-up. :func:`install` makes them raise
:class:`~compare.errors.Terminated` instead. Inside :func:`deferred` (a step that must finish
once begun, such as moving a finished page into place and recording it in the manifest) a
signal is held until the block ends.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Iterator
from types import FrameType

from compare.errors import Terminated

#: The signals that end a command cleanly (SIGINT keeps Python's KeyboardInterrupt).
TERMINATING: tuple[int, ...] = (signal.SIGTERM, signal.SIGHUP)

_state = {"depth": 0, "pending": 0}


def _raise(signum: int) -> None:
    if signum == signal.SIGINT:
        raise KeyboardInterrupt
    raise Terminated(signum)


def _handler(signum: int, frame: FrameType | None) -> None:
    if _state["depth"]:
        _state["pending"] = _state["pending"] or signum
        return
    _raise(signum)


def install() -> None:
    """Handle SIGTERM, SIGHUP (and SIGINT, for :func:`deferred`) in this process's main
    thread; elsewhere a no-op."""
    if threading.current_thread() is not threading.main_thread():
        return
    for signum in (*TERMINATING, signal.SIGINT):
        if signum == signal.SIGINT and signal.getsignal(signum) is not signal.default_int_handler:
            continue  # SIGINT ignored or handled by the caller: left as it is
        signal.signal(signum, _handler)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGTERM, SIGHUP and SIGINT until the block ends (then raise as they would have)."""
    _state["depth"] += 1
    try:
        yield
    finally:
        _state["depth"] -= 1
        pending = _state["pending"]
        if not _state["depth"] and pending:
            _state["pending"] = 0
            _raise(pending)
