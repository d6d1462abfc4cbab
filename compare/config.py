"""Paths and settings in one place.

The project home is ``$COMPARE_HOME`` when set, else the folder that holds the ``compare`` package
(an editable install, as the Makefile sets up). Raw mirrors are never copied into git: the mirror is
given by ``--from DIR`` or ``$COMPARE_MIRROR``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from compare.errors import CatalogError

PACKAGE_DIR = Path(__file__).resolve().parent
REFERENCE_DIR = PACKAGE_DIR / "geo" / "reference"
CATALOG_PATH = PACKAGE_DIR / "catalog.yml"

#: The user catalog of a project home (merged over the package catalog; see docs/OWN_DATA.md).
USER_CATALOG_NAME = "catalog.local.yml"
#: More user catalog files, separated by ``os.pathsep`` (merged after the home's, in order).
CATALOG_ENV = "COMPARE_CATALOG"
#: ``1``: read the package catalog only (the test suite sets it, so that a developer's own
#: catalog does not change what the tests see).
NO_USER_CATALOG_ENV = "COMPARE_NO_USER_CATALOG"

#: The 14 focus countries of the comparison (6 European, 8 Latin American).
FOCUS_COUNTRIES: tuple[str, ...] = (
    "ESP", "FRA", "DEU", "ITA", "PRT", "POL",
    "MEX", "BRA", "ARG", "CHL", "COL", "PER", "ECU", "URY",
)  # fmt: skip

#: The region classification used by default (UN M49; see compare/regions.py).
DEFAULT_CLASSIFICATION = "m49"

#: The two comparison groups used by default (UN M49 classification).
DEFAULT_GROUPS: tuple[str, str] = ("Europe", "Latin America & Caribbean")

# --- the rules of every regional comparison (one place; functions take them as defaults) -------

#: World Bank rule: a population-weighted regional mean is shown only when the countries with
#: data cover at least this share of the group's population.
COVERAGE_THRESHOLD: float = 2 / 3

#: Tests, intervals, models and unweighted regional means need this many countries per group.
MIN_COUNTRIES: int = 3

#: The indicator families compared between the regions (``context`` indicators serve as weights
#: and controls).
COMPARED_FAMILIES: tuple[str, ...] = ("digital_divide", "interoperability", "employer_recognition")

#: The label of "both groups together" in convergence tables.
POOLED: str = "Pooled"

#: Which regional means a summary leads with.
WEIGHTINGS: tuple[str, ...] = ("both", "unweighted", "population")


@dataclass(frozen=True)
class Paths:
    """Where the project reads and writes."""

    home: Path

    @property
    def raw(self) -> Path:
        return self.home / "data" / "raw"

    @property
    def processed(self) -> Path:
        return self.home / "data" / "processed"

    @property
    def reports(self) -> Path:
        return self.home / "reports"

    @property
    def notebooks(self) -> Path:
        return self.home / "notebooks"

    @property
    def evidence(self) -> Path:
        return self.raw / "evidence"

    @property
    def indicators(self) -> Path:
        return self.processed / "indicators.parquet"


def project_home() -> Path:
    """The project folder (``$COMPARE_HOME`` or the checkout holding the package)."""
    env = os.environ.get("COMPARE_HOME")
    return Path(env).resolve() if env else PACKAGE_DIR.parent


def paths(home: str | os.PathLike[str] | None = None) -> Paths:
    """Paths for ``home`` (default: :func:`project_home`)."""
    return Paths(Path(home).resolve() if home else project_home())


def user_catalog_files(home: str | os.PathLike[str] | None = None) -> list[Path]:
    """The user catalog files merged over the package catalog, in merge order:
    ``<home>/catalog.local.yml`` when it exists, then every file named by ``$COMPARE_CATALOG``
    (each must exist). None when ``$COMPARE_NO_USER_CATALOG`` is ``1``."""
    if os.environ.get(NO_USER_CATALOG_ENV, "").strip() == "1":
        return []
    own = paths(home).home / USER_CATALOG_NAME
    found = [own] if own.is_file() else []
    for text in os.environ.get(CATALOG_ENV, "").split(os.pathsep):
        if not text.strip():
            continue
        path = Path(text.strip()).expanduser().resolve()
        if not path.is_file():
            raise CatalogError(f"${CATALOG_ENV} names {path}: no such file")
        if path not in found:
            found.append(path)
    return found


def mirror_dir(explicit: str | os.PathLike[str] | None = None) -> Path | None:
    """The local mirror of raw sources: ``explicit``, else ``$COMPARE_MIRROR``, else None."""
    value = explicit or os.environ.get("COMPARE_MIRROR")
    return Path(value).resolve() if value else None


def shared_dir() -> Path:
    """The ``shared`` folder beside the checkout (seeds, mirror), or ``$COMPARE_SHARED``."""
    env = os.environ.get("COMPARE_SHARED")
    return Path(env).resolve() if env else project_home().parent / "shared"


# --- limits: what a hostile or mistaken input may cost --------------------------------------------


@dataclass(frozen=True)
class Limits:
    """Caps that turn an absurd input into a clear error instead of an exhausted machine; each
    can be raised with its environment variable (:func:`limits`)."""

    file_bytes: int  # one raw file (mirror import and build): $COMPARE_MAX_FILE_MB
    mirror_bytes: int  # all files of one `compare fetch --from`: $COMPARE_MAX_MIRROR_MB
    records: int  # records one source's reader may give: $COMPARE_MAX_RECORDS
    unknown_names: int  # distinct unrecognised country names in one source
    quarantine_rows: int  # quarantined records listed per source and reason (then counted)


#: Defaults of :class:`Limits`: a whole-WDI download (~215 MB, ~1,500 series) passes; the real
#: sources are far below (largest file 4.7 MB, 35,158 records, 0 unknown names, 5,057 records
#: quarantined for one reason).
DEFAULT_LIMITS = Limits(
    file_bytes=512 << 20,
    mirror_bytes=4096 << 20,
    records=5_000_000,
    unknown_names=1_000,
    quarantine_rows=10_000,
)

_LIMIT_VARIABLES: dict[str, tuple[str, int]] = {
    "file_bytes": ("COMPARE_MAX_FILE_MB", 1 << 20),
    "mirror_bytes": ("COMPARE_MAX_MIRROR_MB", 1 << 20),
    "records": ("COMPARE_MAX_RECORDS", 1),
    "unknown_names": ("COMPARE_MAX_UNKNOWN_NAMES", 1),
    "quarantine_rows": ("COMPARE_QUARANTINE_ROWS", 1),
}


def limits() -> Limits:
    """:data:`DEFAULT_LIMITS`, with any limit given by its environment variable (a positive
    whole number; MB for sizes)."""
    from compare.errors import CompareError  # noqa: PLC0415

    values = {}
    for name, (variable, unit) in _LIMIT_VARIABLES.items():
        text = os.environ.get(variable, "").strip()
        if not text:
            values[name] = getattr(DEFAULT_LIMITS, name)
            continue
        if not text.isdigit() or int(text) < 1:
            raise CompareError(f"${variable} must be a positive whole number, not {text!r}")
        values[name] = int(text) * unit
    return Limits(**values)
