"""What ``compare add`` writes, and how: options, units read from a series name, ids, the
checks before anything changes, and the atomic writes of the raw folder and the user catalog."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import math
import os
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from compare.catalog import FAMILIES, Catalog, load_catalog, merged_catalog
from compare.config import COMPARED_FAMILIES, paths, user_catalog_files
from compare.errors import CatalogError, CompareError
from compare.ingest.mirror import MANIFEST
from compare.storage import atomic
from compare.user_catalog import read_user_file, render, target_file, with_entries

#: Ids: letters, digits, ".", "_" and "-" (they name a folder, a report page, table cells).
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")


@dataclass(frozen=True)
class Options:
    """What the user says about the new indicator (None: take it from the data, or a default)."""

    indicator_id: str | None = None
    source_id: str | None = None
    family: str = "context"
    title: str | None = None
    unit: str | None = None
    unit_title: str | None = None
    range: tuple[float, float] | None = None
    scale: float = 1.0
    higher_is_better: bool = True
    licence: str | None = None
    citation: str | None = None
    publisher: str | None = None
    url: str | None = None
    missing_markers: tuple[str, ...] | None = None
    catalog: str | None = None  # the user catalog to write (default <home>/catalog.local.yml)

    def check(self) -> None:
        """Family, ids and range, before any work."""
        if self.family not in FAMILIES:
            raise CatalogError(f"unknown family {self.family!r}; valid: {', '.join(FAMILIES)}")
        for name, value in (("--id", self.indicator_id), ("--source-id", self.source_id)):
            if value is not None and not _ID.match(value):
                raise CatalogError(f"{name} {value!r}: use letters, digits, '.', '_' and '-'")
        if self.range is not None and not self.range[0] <= self.range[1]:
            raise CatalogError(f"--range {self.range[0]:g} {self.range[1]:g}: MIN above MAX")
        if not math.isfinite(self.scale) or self.scale == 0:
            raise CatalogError(f"--scale {self.scale!r}: a finite number other than 0")


@dataclass(frozen=True)
class Unit:
    """The unit of a series: an id of the catalog or a new one, with what its name says."""

    id: str
    title: str
    range: tuple[float, float] | None = None
    bounded: bool = False


#: Units the catalog already has, by the words in a World Bank series name's last parentheses.
_KNOWN_UNITS: tuple[tuple[re.Pattern[str], Unit], ...] = (
    # a share of a whole (people, a population, a labour force): 0-100
    (
        re.compile(
            r"^% of (the )?(total |female |male |urban |rural )?(population|people|"
            r"individuals|households|adults|labor force|labour force)\b",
            re.I,
        ),
        Unit("percent", "percent (0-100)", (0.0, 100.0), True),
    ),
    (
        re.compile(r"^per 100 people$", re.I),
        Unit("per_100_people", "per 100 people", (0.0, math.inf)),
    ),
    (
        re.compile(r"^per (1 )?million people$", re.I),
        Unit("per_million_people", "per 1 million people", (0.0, math.inf)),
    ),
)
_PERCENT = Unit("percent", "percent (0-100)")
_LAST_PARENTHESES = re.compile(r"\(([^()]+)\)\s*$")


def unit_from_name(name: str) -> Unit | None:
    """The unit a series name states in its last parentheses: a catalog unit where the words
    are unambiguous ("(% of population)": percent, 0-100; "(per 100 people)"), else a new unit
    named after the words ("(births per woman)": ``births_per_woman``), with no range; None when
    the name states none. "PPP ... (current international $)" is ``int_dollars_ppp``; "(%)" is
    percent, 0-100 when the name begins "Proportion of", "Share of" or "Percentage of"."""
    found = _LAST_PARENTHESES.search(name or "")
    if not found:
        return None
    words = " ".join(found.group(1).split())
    if words == "%":  # a share when the name says so ("Proportion of individuals ... (%)")
        share = name.lower().startswith(("proportion of", "share of", "percentage of"))
        return Unit("percent", "percent (0-100)", (0.0, 100.0), True) if share else _PERCENT
    if "PPP" in name and words.lower() == "current international $":
        return Unit("int_dollars_ppp", "current international $ (PPP)", (0.0, math.inf))
    for pattern, unit in _KNOWN_UNITS:
        if pattern.search(words):
            return unit
    unit_id = slug(words.replace("%", " pct ").replace("$", " usd "), "_")
    return Unit(unit_id, words)


def slug(text: str, sep: str) -> str:
    """``IT.NET.BBND.P2`` -> ``it_net_bbnd_p2`` (``sep`` "_") or ``it-net-bbnd-p2``."""
    return re.sub(r"[^a-z0-9]+", sep, text.lower()).strip(sep)[:80] or "value"


@dataclass
class Addition:
    """Everything one ``compare add`` writes, checked before anything is written."""

    source_id: str
    source: dict[str, Any]
    indicator_id: str
    indicator: dict[str, Any]
    files: dict[str, bytes | Path]  # file name -> content, or a file to copy
    manifest: dict[str, Any]
    command: str  # the command line, written above the entries
    units: dict[str, str] = field(default_factory=dict)  # new units only
    facts: list[str] = field(default_factory=list)  # what was found in the data
    catalog: str | None = None  # the user catalog to write (None: <home>/catalog.local.yml)


def choose_unit(options: Options, catalog: Catalog, name: str, where: str) -> Unit:
    """``--unit`` (a catalog unit, or a new one titled ``--unit-title``), else the unit the
    series name states; a CatalogError asking for ``--unit`` when neither says."""
    if options.unit:
        title = options.unit_title or catalog.units.get(options.unit) or options.unit
        return Unit(options.unit, title)
    found = unit_from_name(name)
    if found is None:
        raise CatalogError(
            f"{where} states no unit (its name {name!r} ends in no parentheses): give --unit "
            f"(one of {', '.join(catalog.units)}, or a new id with --unit-title TEXT)"
        )
    return found


def indicator_entry(
    options: Options, unit: Unit, source_id: str, series: str, title: str
) -> dict[str, Any]:
    """The catalog entry of the new indicator (``--range`` over the range the unit implies)."""
    entry: dict[str, Any] = {
        "title": options.title or title,
        "family": options.family,
        "unit": unit.id,
        "higher_is_better": options.higher_is_better,
        "source": source_id,
        "series": series,
    }
    if options.scale != 1.0:
        entry["scale"] = options.scale
    bounds = options.range or unit.range
    if bounds is not None:
        entry["range"] = [bounds[0], bounds[1]]
    if unit.bounded and options.range is None:
        entry["bounded"] = True
    return entry


def new_units(catalog: Catalog, unit: Unit) -> dict[str, str]:
    """``{id: title}`` when the unit is not in the catalog yet."""
    return {} if unit.id in catalog.units else {unit.id: unit.title}


def check_free(catalog: Catalog, source_id: str, indicator_id: str, home: Path | None) -> None:
    """The ids must be new, and the source's folder under data/raw must not exist yet."""
    if indicator_id in catalog.indicators:
        raise CatalogError(
            f"indicator {indicator_id!r} is already in the catalog (from "
            f"{catalog.origin('indicators', indicator_id)}): choose another --id"
        )
    if source_id in catalog.sources or source_id in catalog.reference_sources:
        raise CatalogError(
            f"source {source_id!r} is already in the catalog (from "
            f"{catalog.origin('sources', source_id)}): choose another --source-id"
        )
    folder = paths(home).raw / source_id
    if folder.exists():
        raise CatalogError(
            f"{folder} already exists, though no catalog source names it: remove it, or choose "
            "another --source-id"
        )


def manifest(source_id: str, licence: str, origin: str, files: dict[str, bytes | Path]) -> dict:
    """The raw folder's ``_manifest.json`` (the format of a mirror import)."""
    return {
        "source_id": source_id,
        "origin": origin,
        "licence": licence,
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "files": [
            {
                "file": name,
                "bytes": len(_bytes(data)),
                "sha256": hashlib.sha256(_bytes(data)).hexdigest(),
            }
            for name, data in files.items()
        ],
    }


def _bytes(data: bytes | Path) -> bytes:
    return data if isinstance(data, bytes) else Path(data).read_bytes()


def _candidate(target: Path, text: str, home: Path | None) -> Catalog:
    """The whole catalog as it will be once ``text`` is the content of ``target``."""
    files = user_catalog_files(home)
    if target not in files:
        files = [target, *files]  # the home's own file comes first
    return merged_catalog([read_user_file(p, text if p == target else None) for p in files])


@contextlib.contextmanager
def _one_at_a_time(home: Path | None) -> Iterator[None]:
    """One ``compare add`` at a time per project: two would each write the catalog they read,
    and the second would drop the first one's entries. The lock is held on the project folder
    itself, so that a refused command leaves no lock file behind."""
    folder = paths(home).home
    folder.mkdir(parents=True, exist_ok=True)
    handle = os.open(folder, os.O_RDONLY)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CompareError("another `compare add` is running on this project") from None
        yield
    finally:
        os.close(handle)


def commit(addition: Addition, home: Path | None) -> Path:
    """Check the new entries with the whole catalog, then write the raw folder and the user
    catalog (each atomically); returns the catalog file written."""
    with _one_at_a_time(home):
        return _commit(addition, home)


def _commit(addition: Addition, home: Path | None) -> Path:
    target = target_file(addition.catalog, home)
    note = f"added by `{addition.command}` on {datetime.now(UTC):%Y-%m-%d}"
    text = with_entries(
        target,
        {
            "units": addition.units,
            "sources": {addition.source_id: addition.source},
            "indicators": {addition.indicator_id: addition.indicator},
        },
        note,
    )
    _candidate(target, text, home)  # raises, naming the entry, before anything is written
    folder = paths(home).raw / addition.source_id
    if folder.exists():  # made since the first check: never replace a folder
        raise CatalogError(f"{folder} already exists: choose another --source-id")
    with atomic.staged_directory(folder) as stage:
        for name, data in addition.files.items():
            if isinstance(data, Path):
                shutil.copyfile(data, stage / name)
            else:
                (stage / name).write_bytes(data)
        (stage / MANIFEST).write_text(json.dumps(addition.manifest, indent=2), encoding="utf-8")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        atomic.write_text(target, text)
    except (OSError, CompareError):
        shutil.rmtree(folder, ignore_errors=True)  # no folder without its catalog entry
        raise
    load_catalog(home=home)  # read back: the catalog every command will see
    return target


def summary(addition: Addition, written: Path, home: Path | None) -> str:
    """The entries written, what the data hold, and the next commands."""
    block = render(
        {
            "units": addition.units,
            "sources": {addition.source_id: addition.source},
            "indicators": {addition.indicator_id: addition.indicator},
        }
    )
    raw = paths(home).raw / addition.source_id
    lines = [
        f"compare add: wrote {raw}/ ({', '.join(addition.files)} + {MANIFEST})",
        *(f"  {fact}" for fact in addition.facts),
        f"and these entries to {written}:",
        *("  " + line for line in block.rstrip().splitlines()),
        "next:",
        "  compare build      # reads it with the catalog's rules (units, ranges, missing "
        "markers, aggregates, quarantine)",
    ]
    return "\n".join(lines + _report_hint(addition, written))


def _report_hint(addition: Addition, written: Path) -> list[str]:
    family = addition.indicator["family"]
    if family in COMPARED_FAMILIES:
        return [f"  compare report --only 'indicator_comparison/{addition.indicator_id}'"]
    return [
        f"  (family {family}: a control, not compared in the report matrix; for a report, set "
        f"its family in {written} to one of {', '.join(COMPARED_FAMILIES)}; in Python: "
        f"compare.compare_regions({addition.indicator_id!r}))"
    ]
