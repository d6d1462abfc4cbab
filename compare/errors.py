"""The project's own error types: every problem with user data or parameters is one of these."""

from __future__ import annotations

import errno
import signal

#: Exit statuses of every ``compare`` command (README, docs/SCHEDULING.md).
EXIT_OK = 0
EXIT_REPORT_FAILED = 1  # `compare report`: a report run failed (the others still ran)
EXIT_BAD_INPUT = 2  # bad input data, parameters or arguments
EXIT_BUSY = 3  # another command holds the project lock
EXIT_ENVIRONMENT = 4  # the machine: permission, disk full, read-only, not a folder, memory


class CompareError(Exception):
    """Base class: a problem the user can fix; the CLI prints it without a traceback."""

    exit_code = EXIT_BAD_INPUT


class DataError(CompareError):
    """A raw file that cannot be read, with the place that is wrong."""

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.file, self.row, self.column = file, row, column
        where = ", ".join(
            part
            for part in (
                f"file {file}" if file else "",
                f"row {row}" if row is not None else "",
                f"column {column!r}" if column else "",
            )
            if part
        )
        super().__init__(f"{where}: {message}" if where else message)
        self.reason = message


class CatalogError(CompareError):
    """The YAML catalog (or a user classification file) is invalid."""


class ParameterError(CompareError):
    """A parameter (indicator, country, group, year ...) that is not valid; lists valid values."""


class FetchError(CompareError):
    """Importing or downloading raw data failed."""


class BusyError(CompareError):
    """Another ``compare`` command holds the project lock (exit status 3)."""

    exit_code = EXIT_BUSY


class EnvironmentProblem(CompareError):
    """The machine refused: permission, disk full, read-only file system ... (exit status 4)."""

    exit_code = EXIT_ENVIRONMENT


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind like Ctrl-C (clean-up runs), exit 128 + signal."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        super().__init__(signal.Signals(signum).name)

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


_WHAT_TO_DO = {
    errno.EACCES: "permission denied: make it writable (and readable) for this user, or point "
    "the command elsewhere ($COMPARE_HOME, --out)",
    errno.EPERM: "operation not permitted: check its owner and permissions",
    errno.EROFS: "the file system is read-only: use a writable folder ($COMPARE_HOME, --out)",
    errno.ENOSPC: "no space left on the device: free some space and run the command again "
    "(the previous outputs are intact)",
    errno.EDQUOT: "disk quota exceeded: free some space and run the command again",
    errno.ENOTDIR: "a file is where a folder is needed: move the file away",
    errno.EISDIR: "a folder is where a file is needed: move the folder away",
    errno.ENOTEMPTY: "a folder that should be empty is not: move it away",
    errno.EEXIST: "it already exists: move it away",
    errno.ENOENT: "it does not exist",
    errno.EMFILE: "too many open files: raise the limit (ulimit -n)",
    errno.ENAMETOOLONG: "the path is too long: use a shorter folder",
}


def os_error_message(exc: OSError) -> str:
    """One line for an OS error: what failed, on which path, and what to do."""
    paths = " -> ".join(str(p) for p in (exc.filename, exc.filename2) if p is not None)
    reason = exc.strerror or type(exc).__name__
    advice = _WHAT_TO_DO.get(exc.errno or 0, "")
    where = f"{paths}: " if paths else ""
    return f"{where}{reason}" + (f" ({advice})" if advice else "")
