"""The project's own error types: every problem with user data or parameters is one of these."""

from __future__ import annotations


class CompareError(Exception):
    """Base class: a problem the user can fix; the CLI prints it without a traceback."""


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
