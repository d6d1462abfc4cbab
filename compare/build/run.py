"""``compare build``: raw source folders -> one validated, sourced tidy table.

For every source the build accounts for every record its reader found::

    rows_in_file = rows_not_selected + rows_read
    rows_read    = kept + quarantined + aggregates

``rows_not_selected`` are series the catalog does not ask for (e.g. DESI composite scores);
every quarantined record lands in ``quarantine.csv`` with its file, row, column and reason.
Outputs are staged in a temporary folder and swapped in whole (see :mod:`compare.storage.atomic`).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from compare.build.quarantine import file_lines, read_lines
from compare.build.schema import (
    AGGREGATE_COLUMNS,
    QUARANTINE_COLUMNS,
    TIDY_COLUMNS,
    table_schema,
    validate_tidy,
)
from compare.catalog import Catalog, Source, load_catalog
from compare.config import DEFAULT_CLASSIFICATION, Paths, limits, paths
from compare.errors import CompareError, DataError
from compare.evidence.checks import check_consistency
from compare.evidence.claims import CLAIMS_FILE, evidence_dir, load_claims
from compare.ingest.sources import get_reader
from compare.ingest.sources.base import RECORD_COLUMNS
from compare.ingest.values import parse_values, parse_years
from compare.ingest.vintage import source_dates
from compare.storage import atomic
from compare.storage.checksums import sha256_file
from compare.storage.locks import EXCLUSIVE, home_lock


@dataclass
class SourceResult:
    """What one source gave: kept rows, aggregates, quarantine and the accounting."""

    source_id: str
    tidy: pd.DataFrame
    aggregates: pd.DataFrame
    quarantine: pd.DataFrame
    rows_in_file: int
    rows_not_selected: int
    seconds: float = 0.0
    files: list[dict[str, object]] = field(default_factory=list)
    #: flags of the catalog's placeholder_zeros rules (set by build_source)
    placeholder_flag_names: tuple[str, ...] = ()
    #: quarantined records per reason code (``quarantine`` lists at most
    #: ``Limits.quarantine_rows`` of each; None: it lists them all)
    quarantine_counts: dict[str, int] | None = None

    @property
    def rows_read(self) -> int:
        return self.rows_in_file - self.rows_not_selected

    @property
    def placeholder_counts(self) -> dict[str, int]:
        """Kept values flagged as placeholder zeros, per indicator (part of ``kept``)."""
        wanted = set(self.placeholder_flag_names)
        if not wanted or self.tidy.empty:
            return {}
        flagged = self.tidy["flag"].str.split(";").map(lambda parts: bool(wanted & set(parts)))
        counts = self.tidy.loc[flagged.astype(bool), "indicator"].value_counts().sort_index()
        return {str(k): int(v) for k, v in counts.items()}

    @property
    def reasons(self) -> dict[str, int]:
        """Quarantined records per reason code, listed or not."""
        if self.quarantine_counts is not None:
            return dict(sorted(self.quarantine_counts.items()))
        counts = self.quarantine["reason_code"].value_counts().sort_index()
        return {str(k): int(v) for k, v in counts.items()}

    @property
    def quarantined(self) -> int:
        return sum(self.reasons.values())

    def accounting(self) -> dict[str, object]:
        """The per-source line of the build manifest."""
        return {
            "rows_in_file": self.rows_in_file,
            "rows_not_selected": self.rows_not_selected,
            "rows_read": self.rows_read,
            "kept": len(self.tidy),
            "quarantined": self.quarantined,
            "aggregates": len(self.aggregates),
            "quarantine_reasons": self.reasons,
            "placeholder_zeros": self.placeholder_counts,
            "seconds": round(self.seconds, 3),
            "files": self.files,
        }

    def check_invariant(self) -> None:
        """rows read = kept + quarantined + aggregates, or a CompareError (a bug, not bad data)."""
        total = len(self.tidy) + self.quarantined + len(self.aggregates)
        if total != self.rows_read:
            raise CompareError(
                f"{self.source_id}: rows read {self.rows_read} != kept {len(self.tidy)} + "
                f"quarantined {self.quarantined} + aggregates {len(self.aggregates)}"
            )


def _text(values: pd.Series | str, index: pd.Index) -> np.ndarray:
    """A reason or indicator column as an object array (a str is repeated)."""
    if isinstance(values, str):
        return np.full(len(index), values, dtype=object)
    return np.asarray(values.reindex(index).astype(object), dtype=object)


def _quarantine(
    rows: pd.DataFrame, source_id: str, reason_code: str | pd.Series, reason: str | pd.Series
) -> pd.DataFrame:
    """Quarantine rows for ``rows`` (records), with one code and reason each."""
    return pd.DataFrame(
        {
            "source_id": source_id,
            "raw_file": rows["raw_file"].to_numpy(dtype=object),
            "raw_row": rows["raw_row"].to_numpy(),
            "raw_column": rows["raw_column"].to_numpy(dtype=object),
            "entity": rows["entity"].to_numpy(dtype=object),
            "series": rows["series"].to_numpy(dtype=object),
            "indicator": rows["indicator"].to_numpy(dtype=object),
            "year": rows["year"].astype(str).to_numpy(dtype=object),
            "value": rows["value"].astype(str).to_numpy(dtype=object),
            "reason_code": _text(reason_code, rows.index),
            "reason": _text(reason, rows.index),
        },
        columns=list(QUARANTINE_COLUMNS),
    )


def _per_text(column: pd.Series, change: Callable[[pd.Series], pd.Series]) -> pd.Series:
    """``change`` applied once per distinct text of ``column`` (repeats share the result)."""
    codes, uniques = pd.factorize(column.to_numpy(dtype=object), use_na_sentinel=False)
    changed = change(pd.Series(uniques, dtype=object)).to_numpy(dtype=object)
    return pd.Series(changed[codes], index=column.index, dtype=object)


def _formatted(values: pd.Series, template: str) -> pd.Series:
    """``template.format(v)`` for each value, as text (empty-safe)."""
    return pd.Series([template.format(v) for v in values], index=values.index, dtype=object)


@dataclass
class _Split:
    """Records still in play, and what the stages have set aside so far: every quarantined
    record is counted per reason code; the first ``listed`` of each code are kept as rows (the
    quarantine of a hostile file stays small: memory grows with the input, not with its
    repeats)."""

    records: pd.DataFrame
    source: Source
    quarantined: list[pd.DataFrame] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    listed: int = field(default_factory=lambda: limits().quarantine_rows)

    def drop(self, mask: pd.Series, code: str | pd.Series, reason: str | pd.Series) -> None:
        """Quarantine the records where ``mask`` holds, with their code and reason."""
        if mask.any():
            rows = self.records[mask]
            if not isinstance(code, str):
                code = code[mask]
            if not isinstance(reason, str):
                reason = reason[mask]
            keep = self._room(rows.index, code)
            if keep is not None:
                rows = rows[keep]
                code = code if isinstance(code, str) else code[keep]
                reason = reason if isinstance(reason, str) else reason[keep]
            if len(rows):
                self.quarantined.append(_quarantine(rows, self.source.id, code, reason))
            self.records = self.records[~mask]

    def _room(self, index: pd.Index, code: str | pd.Series) -> np.ndarray | None:
        """Count the records per code; which of them are still listed (None: all)."""
        codes = pd.Series(code, index=index, dtype=object) if isinstance(code, str) else code
        keep = np.ones(len(index), dtype=bool)
        for value, positions in codes.groupby(codes.to_numpy(), sort=False).indices.items():
            before = self.counts.get(value, 0)
            self.counts[value] = before + len(positions)
            keep[positions[max(0, self.listed - before) :]] = False
        return None if keep.all() else keep


def _read_records(source: Source, folder: Path, wanted: list[str]) -> tuple[pd.DataFrame, int]:
    """The reader's records, and how many records it skipped as series the catalog does not ask
    for (readers that take ``wanted`` count them instead of returning them)."""
    atomic.recover_directory(folder)  # a fetch killed mid-swap left the folder aside
    if not folder.is_dir():
        raise DataError(
            f"source folder missing: import it first with `compare fetch --from MIRROR` "
            f"(source {source.id})",
            file=str(folder),
        )
    cap = limits()
    _check_sizes(source, folder, cap.file_bytes)
    reader = get_reader(source.reader)
    if "wanted" in inspect.signature(reader).parameters:
        raw = reader(source, folder, wanted=wanted)
    else:
        raw = reader(source, folder)
    skipped = int(raw.attrs.get("rows_not_selected", 0))
    if list(raw.columns) != list(RECORD_COLUMNS):
        raise CompareError(f"reader {source.reader} returned columns {list(raw.columns)}")
    if len(raw) > cap.records:
        raise DataError(
            f"{len(raw):,} records of the catalog's series, more than the limit of "
            f"{cap.records:,} per source: is this the right file? (raise $COMPARE_MAX_RECORDS "
            "if it is)",
            file=str(folder / source.files[0]) if len(source.files) == 1 else str(folder),
        )
    raw = raw.reset_index(drop=True)
    for column in ("raw_file", "raw_column", "entity", "series", "flag", "problem", "year"):
        raw[column] = _as_text(raw[column])
    _flag_unterminated(raw, source, folder)
    return raw, skipped


def _check_sizes(source: Source, folder: Path, limit: int) -> None:
    """A raw file larger than the limit is refused before it is read."""
    for name in source.files:
        try:
            size = (folder / name).stat().st_size
        except OSError:
            continue  # the reader names a missing file
        if size > limit:
            raise DataError(
                f"{size / 2**20:,.0f} MB, larger than the limit of {limit / 2**20:,.0f} MB for "
                "one raw file (raise $COMPARE_MAX_FILE_MB if it is right)",
                file=str(folder / name),
            )


def _as_text(column: pd.Series) -> pd.Series:
    """A text column as objects, "" for missing; a categorical's texts are shared between its
    rows (one reference per row, not one string per row)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        texts = [str(c) for c in column.cat.categories]
        table = np.asarray([*texts, ""], dtype=object)
        return pd.Series(table[column.cat.codes.to_numpy()], index=column.index, dtype=object)
    return column.astype("string").fillna("").astype(object)


#: Text files whose last line may have been cut short (a download or copy that stopped).
_TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
UNTERMINATED_FLAG = "unterminated_last_line"


def _flag_unterminated(raw: pd.DataFrame, source: Source, folder: Path) -> None:
    """Flag the records of the last line of a text file that does not end with a line break:
    the line may have been cut inside its last field (a shorter line is quarantined anyway)."""
    for name in source.files:
        path = folder / name
        if path.suffix.lower() not in _TEXT_SUFFIXES or not path.is_file():
            continue
        with path.open("rb") as handle:
            size = handle.seek(0, 2)
            handle.seek(max(0, size - 2))
            tail = handle.read()
        # (UTF-16 little-endian text ends in "\n\x00")
        if not tail or tail[-1:] in (b"\n", b"\r") or tail in (b"\n\x00", b"\r\x00"):
            continue
        in_file = raw["raw_file"] == name
        if in_file.any():
            last = in_file & (raw["raw_row"] == raw.loc[in_file, "raw_row"].max())
            raw.loc[last, "flag"] = [
                f"{f};{UNTERMINATED_FLAG}" if f else UNTERMINATED_FLAG
                for f in raw.loc[last, "flag"]
            ]


def _stage_years(split: _Split) -> None:
    years = parse_years(split.records["year"])
    split.drop(years["reason"] != "", "implausible_year", years["reason"])
    # Aligned on the rows left: assigning a longer Series to an empty frame would bring the
    # dropped rows back (pandas takes the index of the value when the frame is empty).
    split.records = split.records.assign(year_int=years["year"].loc[split.records.index])


def _stage_values(split: _Split) -> None:
    values = parse_values(split.records["value"], split.source.missing_markers)
    split.drop(values["reason_code"] != "", values["reason_code"], values["reason"])
    kept = values.loc[split.records.index]
    split.records = split.records.assign(number=kept["value"], value_flag=kept["flag"])


def _stage_countries(split: _Split) -> pd.DataFrame:
    """Attach ISO3; set aggregates aside (returned); quarantine unknown or ambiguous names.

    Names are harmonised and reasons written once per distinct name; more distinct unknown
    names than ``Limits.unknown_names`` stop the build (a file of made-up codes, not a
    source)."""
    from compare.geo import countries  # noqa: PLC0415

    codes, entities = pd.factorize(split.records["entity"].to_numpy(dtype=object))
    result = countries.harmonise(list(entities))
    status = np.asarray(result.status, dtype=object)
    _check_unknown_names(split, entities, status)
    named = [repr(str(e)) for e in entities]
    reasons = np.asarray(
        [
            f"country name/code not recognised: {name}"
            if state == "unmapped"
            else f"country name matches several countries: {name} ({' or '.join(m.candidates)})"
            for name, state, m in zip(named, status, result.matches, strict=True)
        ],
        dtype=object,
    )
    lookup = {
        "iso3": np.asarray(result.iso3, dtype=object),
        "status": status,
        "aggregate_code": np.asarray(result.aggregate_code, dtype=object),
        "reason": reasons,
    }
    index = split.records.index
    split.records = split.records.assign(
        **{key: pd.Series(values[codes], index=index) for key, values in lookup.items()}
    )
    records = split.records
    split.drop(records["status"] == "unmapped", "unknown_country", records["reason"])
    records = split.records
    split.drop(records["status"] == "ambiguous", "ambiguous_country", records["reason"])
    is_aggregate = split.records["status"] == "aggregate"
    aggregates = split.records[is_aggregate]
    split.records = split.records[~is_aggregate].drop(columns="reason")
    return aggregates


def _check_unknown_names(split: _Split, entities: np.ndarray, status: np.ndarray) -> None:
    unknown = entities[status == "unmapped"]
    limit = limits().unknown_names
    if len(unknown) > limit:
        sample = ", ".join(repr(str(name)) for name in unknown[:5])
        raise DataError(
            f"{len(unknown):,} distinct country names or codes are not recognised ({sample}, "
            f"...), more than the limit of {limit:,}: is this the right file? (raise "
            "$COMPARE_MAX_UNKNOWN_NAMES if it is)",
            file=", ".join(split.source.files),
        )


def _stage_units(split: _Split, catalog: Catalog) -> None:
    """Canonical units (catalog ``scale``), then plausible ranges."""
    indicators = catalog.indicators
    records = split.records
    scale = records["indicator"].map({k: i.scale for k, i in indicators.items()}).astype(float)
    records = records.assign(number=records["number"] * scale)
    low = (
        records["indicator"]
        .map({k: i.range[0] if i.range else -np.inf for k, i in indicators.items()})
        .astype(float)
    )
    high = (
        records["indicator"]
        .map({k: i.range[1] if i.range else np.inf for k, i in indicators.items()})
        .astype(float)
    )
    split.records = records
    outside = (records["number"] < low) | (records["number"] > high)
    if not outside.any():
        return
    reason = (
        _formatted(records["number"][outside], "value {:g}")
        + " outside plausible range ["
        + _formatted(low[outside], "{:g}")
        + ", "
        + _formatted(high[outside], "{:g}")
        + "] after scaling"
    ).reindex(records.index)
    split.drop(outside, "out_of_range", reason)


#: A value in (0, 1] of a percent indicator is a suspected fraction when the same country has a
#: value of at least FRACTION_NEIGHBOUR within FRACTION_YEARS years (none in the real sources).
FRACTION_NEIGHBOUR, FRACTION_YEARS = 10.0, 2


def _stage_fractions(split: _Split, catalog: Catalog) -> None:
    """Shares written as fractions in a percent column are quarantined, never rescaled.

    Two signs: every value of a percent indicator lies in [0, 1] (at least 3 values: a missing
    ``scale: 100``), or a value in (0, 1] sits within two years of a value of 10 or more for the
    same country (a row typed as 0.91 among 86, 93). A small percent on its own (0.4 % of
    people online in 1995) is kept: it cannot be told apart from a fraction.
    """
    percent = {k for k, i in catalog.indicators.items() if i.unit == "percent"}
    records = split.records
    in_percent = records["indicator"].isin(percent)
    if not in_percent.any():
        return
    number = records["number"]
    suspect = pd.Series(False, index=records.index)
    reason = pd.Series("", index=records.index, dtype=object)
    for _, group in records[in_percent].groupby("indicator", sort=False):
        values = group["number"]
        if len(values) >= 3 and values.between(0, 1).all() and values.max() > 0:
            suspect[group.index] = True
            reason[group.index] = (
                "every value of this percent indicator lies between 0 and 1: shares written "
                "as fractions? (not rescaled; set `scale: 100` in the catalog if so)"
            )
    small = records[in_percent & (number > 0) & (number <= 1) & ~suspect]
    if not small.empty:
        for index, near in _near_large_values(records, in_percent, small).iterrows():
            suspect[index] = True
            reason[index] = (
                f"value {near['number']:g} between 0 and 1 in a percent column while the same "
                f"country has {near['near_value']:g} in {near['near_year']}: a share written "
                "as a fraction? (not rescaled)"
            )
    split.drop(suspect, "possible_fraction", reason)


def _near_large_values(
    records: pd.DataFrame, in_percent: pd.Series, small: pd.DataFrame
) -> pd.DataFrame:
    """For each small value (index of ``small``), the first record of the same country and
    indicator within FRACTION_YEARS years (not the same year) holding FRACTION_NEIGHBOUR or
    more: ``number``, ``near_value``, ``near_year``.

    Linear in the records: the large values are looked up by (country, indicator, year), one
    per year (the first in file order), at the 2 x FRACTION_YEARS years around each small
    value; no pairing of every row with every other row of the same country (a file with
    one line repeated 600 times once took 11 GB here)."""
    key = ["iso3", "indicator", "near_year"]
    large = records.loc[
        in_percent & (records["number"] >= FRACTION_NEIGHBOUR),
        ["iso3", "indicator", "year_int", "number"],
    ].rename(columns={"year_int": "near_year", "number": "near_value"})
    large = large.assign(order=np.arange(len(large))).drop_duplicates(key, keep="first")
    offsets = [d for d in range(-FRACTION_YEARS, FRACTION_YEARS + 1) if d != 0]
    candidates = pd.concat(
        [
            small[["iso3", "indicator", "number"]].assign(
                near_year=small["year_int"] + offset, small_index=small.index
            )
            for offset in offsets
        ],
        ignore_index=True,
    )
    pairs = candidates.merge(large, on=key, how="inner", validate="many_to_one")
    first = pairs.sort_values(["small_index", "order"], kind="stable").drop_duplicates(
        "small_index", keep="first"
    )
    return first.set_index("small_index")[["number", "near_value", "near_year"]]


def _stage_duplicates(split: _Split) -> None:
    """Identical repeats of a key keep the first; conflicting values keep none."""
    records = split.records
    key = ["iso3", "indicator", "year_int"]
    repeated = records.duplicated(key, keep=False)
    if not repeated.any():
        return
    distinct = records.groupby(key, sort=False)["number"].transform("nunique")
    conflict = repeated & (distinct > 1)
    first_row = records.groupby(key, sort=False)["raw_row"].transform("first")
    split.drop(
        conflict, "duplicate_conflict", "same country, indicator and year with different values"
    )
    records = split.records
    again = records.duplicated(key, keep="first")
    reason = _formatted(first_row[again[again].index], "repeats row {} with the same value")
    split.drop(again, "duplicate_identical", reason.reindex(records.index))


def _default_regions(iso3: pd.Series) -> pd.Series:
    """The UN M49 comparison group of each code ("" outside Europe and LAC)."""
    from compare.geo import regions  # noqa: PLC0415

    found = regions.region_of(list(iso3), DEFAULT_CLASSIFICATION)
    return pd.Series([g or "" for g in found], index=iso3.index, dtype=object)


def _flags(records: pd.DataFrame, source: Source, catalog: Catalog) -> pd.Series:
    """Source flags, value-parsing flags, the source-wide flag and the flag of the catalog's
    ``placeholder_zeros`` rule (values of exactly 0 that are not measurements)."""
    zero = placeholder_flags(records, catalog)
    parts = zip(records["flag"], records["value_flag"], zero, strict=True)
    return pd.Series(
        [";".join(p for p in (*triple, source.flag) if p) for triple in parts],
        index=records.index,
        dtype=object,
    )


def placeholder_flags(records: pd.DataFrame, catalog: Catalog) -> pd.Series:
    """Per record, the flag of its indicator's ``placeholder_zeros`` rule where the value is
    exactly 0 in a year the rule covers ("" elsewhere)."""
    zero = pd.Series("", index=records.index, dtype=object)
    is_zero = records["number"] == 0
    for indicator_id, rows in records[is_zero].groupby("indicator", sort=False):
        rule = catalog.indicators[indicator_id].placeholder_zeros
        if rule is None:
            continue
        covered = rows["year_int"].map(rule.applies).astype(bool)
        zero[rows.index[covered.to_numpy()]] = rule.flag
    return zero


def build_source(source: Source, folder: Path, catalog: Catalog) -> SourceResult:
    """Read one source folder and split its records into kept / aggregates / quarantine."""
    started = time.perf_counter()
    raw, skipped = _read_records(
        source, folder, [ind.key for ind in catalog.indicators_of(source.id)]
    )
    selected, split = _select(raw, source, catalog)
    _stage_years(split)
    _stage_values(split)
    aggregate_rows = _stage_countries(split)
    _stage_units(split, catalog)
    _stage_fractions(split, catalog)
    _stage_duplicates(split)
    result = SourceResult(
        source.id,
        _tidy(split.records, source, catalog).sort_values(
            ["indicator", "iso3", "year"], ignore_index=True
        ),
        _aggregates(aggregate_rows, source, catalog).reset_index(drop=True),
        _quarantine_table(split),
        rows_in_file=len(raw) + skipped,
        rows_not_selected=int((~selected).sum()) + skipped,
        seconds=time.perf_counter() - started,
        files=_file_records(source, folder),
        placeholder_flag_names=catalog.placeholder_flags,
        quarantine_counts=dict(split.counts),
    )
    result.check_invariant()
    return result


def _select(raw: pd.DataFrame, source: Source, catalog: Catalog) -> tuple[pd.Series, _Split]:
    """The rows of the catalog's series (and the unreadable rows), each with its indicator id;
    unreadable and not-assessed rows already quarantined."""
    series_map = {ind.key.casefold(): ind.id for ind in catalog.indicators_of(source.id)}
    series_key = _per_text(raw["series"], lambda texts: texts.str.strip().str.casefold())
    problem = raw["problem"] != ""
    selected = problem | series_key.isin(list(series_map))
    records = raw[selected].assign(indicator=series_key[selected].map(series_map).fillna(""))
    split = _Split(records, source)
    split.drop(problem[selected], "unreadable_row", split.records["problem"])
    split.drop(
        split.records["flag"] == "not_assessed",
        "not_assessed",
        "not assessed in this survey (empty rank, every index 0): missing, not zero",
    )
    return selected, split


def _tidy(records: pd.DataFrame, source: Source, catalog: Catalog) -> pd.DataFrame:
    """The kept records as rows of the tidy table (TIDY_COLUMNS)."""
    from compare.geo import countries  # noqa: PLC0415

    indicators = catalog.indicators
    unit = {k: v.unit for k, v in indicators.items()}
    return pd.DataFrame(
        {
            "iso3": records["iso3"].astype(str),
            "country": records["iso3"].map(countries.country_name).astype(str),
            "region": _default_regions(records["iso3"]),
            "indicator": records["indicator"].astype(str),
            "family": records["indicator"].map({k: v.family for k, v in indicators.items()}),
            "year": records["year_int"].astype("int64"),
            "value": records["number"].astype("float64"),
            "unit": records["indicator"].map(unit),
            "source_id": source.id,
            "licence": source.licence,
            "flag": _flags(records, source, catalog),
            "raw_file": records["raw_file"].astype(str),
            "raw_row": records["raw_row"].astype("int64"),
            "raw_column": records["raw_column"].astype(str),
        },
        columns=list(TIDY_COLUMNS),
    )


def _aggregates(aggregate_rows: pd.DataFrame, source: Source, catalog: Catalog) -> pd.DataFrame:
    """The rows of regional and income aggregates (AGGREGATE_COLUMNS), scaled to the catalog's
    unit."""
    indicators = catalog.indicators
    scale = aggregate_rows["indicator"].map({k: i.scale for k, i in indicators.items()})
    return pd.DataFrame(
        {
            "code": aggregate_rows["aggregate_code"].astype(str),
            "name": aggregate_rows["entity"].astype(str),
            "indicator": aggregate_rows["indicator"].astype(str),
            "year": aggregate_rows["year_int"].astype("int64"),
            "value": (aggregate_rows["number"] * scale.astype(float)).astype("float64"),
            "unit": aggregate_rows["indicator"].map({k: v.unit for k, v in indicators.items()}),
            "source_id": source.id,
            "raw_file": aggregate_rows["raw_file"].astype(str),
            "raw_row": aggregate_rows["raw_row"].astype("int64"),
        },
        columns=list(AGGREGATE_COLUMNS),
    )


def _quarantine_table(split: _Split) -> pd.DataFrame:
    """Every quarantined row of the source (QUARANTINE_COLUMNS; empty when none)."""
    if split.quarantined:
        return pd.concat(split.quarantined, ignore_index=True)
    return pd.DataFrame({c: pd.Series(dtype=object) for c in QUARANTINE_COLUMNS})


def _file_records(source: Source, folder: Path) -> list[dict[str, object]]:
    """Name, SHA-256 and size of each raw file of the source."""
    return [
        {
            "file": name,
            "sha256": sha256_file(folder / name),
            "bytes": (folder / name).stat().st_size,
        }
        for name in source.files
    ]


@dataclass
class BuildReport:
    """What a build produced (also written as ``build_manifest.json``)."""

    sources: dict[str, dict[str, object]]
    rows: int
    aggregates: int
    quarantined: int
    seconds: float
    built_at: str
    outputs: dict[str, str]
    notes: list[str] = field(default_factory=list)
    #: indicator -> sha256 of its rows in the tidy table (what a report reading it depends on)
    slices: dict[str, str] = field(default_factory=dict)
    #: kept values flagged by a catalog ``placeholder_zeros`` rule, per indicator (all sources)
    placeholder_zeros: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """A short table for the terminal."""
        lines = [f"{'source':34} {'read':>7} {'kept':>7} {'aggr':>6} {'quar':>6}  main reasons"]
        for sid, acc in self.sources.items():
            reasons = sorted(acc["quarantine_reasons"].items(), key=lambda kv: -kv[1])[:2]
            why = ", ".join(f"{k} {v}" for k, v in reasons)
            lines.append(
                f"{sid:34} {acc['rows_read']:>7} {acc['kept']:>7} {acc['aggregates']:>6} "
                f"{acc['quarantined']:>6}  {why}"
            )
        lines.append(
            f"{len(self.sources)} sources: {self.rows} values kept, {self.aggregates} aggregate "
            f"values set aside, {self.quarantined} quarantined, {self.seconds:.1f} s"
        )
        zeros = self.placeholder_zeros
        if zeros:
            lines.append(
                f"placeholder zeros (kept, flagged, left out of statistics): {sum(zeros.values())}"
                " = " + ", ".join(f"{k} {v}" for k, v in sorted(zeros.items()))
            )
        lines += [f"note: {note}" for note in self.notes]
        return "\n".join(lines)


def slice_digests(tidy: pd.DataFrame) -> dict[str, str]:
    """sha256 of each indicator's rows (every column, rows by iso3 and year): equal digests
    mean equal data for a report that reads the indicator."""
    ordered = tidy.sort_values(["indicator", "iso3", "year"], kind="stable", ignore_index=True)
    hashes = pd.util.hash_pandas_object(ordered, index=False).to_numpy()
    starts = ordered["indicator"].ne(ordered["indicator"].shift()).to_numpy().nonzero()[0]
    ends = [*starts[1:], len(ordered)]
    return {
        str(ordered.at[start, "indicator"]): hashlib.sha256(hashes[start:end].tobytes()).hexdigest()
        for start, end in zip(starts, ends, strict=True)
    }


def _write_frame_outputs(stage: Path, name: str, frame: pd.DataFrame) -> None:
    frame.to_parquet(stage / f"{name}.parquet", index=False)
    frame.to_csv(stage / f"{name}.csv", index=False)


def _retrieval(raw: Path, source_id: str) -> dict[str, object]:
    """Where and when the raw folder was obtained (its ``_manifest.json``): a mirror import or a
    live download, with the publisher's last-update date when the download gave one, and the
    vintage the folder states (``updated``, ``updated_basis``; :mod:`compare.ingest.vintage`)."""
    try:
        manifest = json.loads((raw / source_id / "_manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return source_dates(raw / source_id)
    found: dict[str, object] = {
        "origin": manifest.get("origin", ""),
        "retrieved": manifest.get("imported_at", ""),
        "live_download": bool(manifest.get("live", False)),
    }
    updated = sorted(
        {
            str(i.get("last_updated"))
            for i in manifest.get("indicators", [])
            if i.get("last_updated")
        }
    )
    if updated:
        found["publisher_last_updated"] = ", ".join(updated)
    return {**found, **source_dates(raw / source_id)}


def _datapackage(catalog: Catalog, tidy: pd.DataFrame, raw: Path) -> dict[str, object]:
    used = sorted(tidy["source_id"].unique())
    return {
        "profile": "tabular-data-package",
        "name": "compare-indicators",
        "title": "Europe vs Latin America & Caribbean indicators (tidy, one row per value)",
        "licenses": sorted({catalog.sources[s].licence for s in used}),
        "sources": [
            {
                "title": catalog.sources[s].citation,
                "path": catalog.sources[s].url,
                "licence": catalog.sources[s].licence,
                "id": s,
                **_retrieval(raw, s),
            }
            for s in used
        ],
        "resources": [
            {
                "name": "indicators",
                "path": "indicators.csv",
                "format": "csv",
                "schema": table_schema(catalog),
            },
            {"name": "aggregates", "path": "aggregates.csv", "format": "csv"},
            {"name": "quarantine", "path": "quarantine.csv", "format": "csv"},
        ],
    }


def build(
    home: str | Path | None = None,
    *,
    catalog: Catalog | None = None,
    sources: list[str] | None = None,
    wait: float = 0.0,
) -> BuildReport:
    """Build ``data/processed`` from ``data/raw`` and return what was done (holding the project
    lock exclusively: waits up to ``wait`` seconds for another command, then BusyError)."""
    where = paths(home)
    catalog = catalog or load_catalog(home=home)
    wanted = {catalog.source(s).id for s in sources} if sources else set(catalog.sources)
    chosen = [src for src in catalog.sources.values() if src.id in wanted]  # catalog order
    _check_user_folders(catalog, chosen, where)
    started = time.perf_counter()
    with home_lock(where.home, EXCLUSIVE, wait=wait):
        atomic.clean_stale_stages(where.processed.parent, where.processed.name)
        results = [build_source(src, where.raw / src.id, catalog) for src in chosen]
        kept = _previous_outputs(where, catalog, {src.id for src in chosen}) if sources else None
        tidy = pd.concat(
            [*([kept.tidy] if kept else []), *(r.tidy for r in results)], ignore_index=True
        )
        aggregates = pd.concat(
            [*([kept.aggregates] if kept else []), *(r.aggregates for r in results)],
            ignore_index=True,
        )
        quarantine = pd.concat(
            [
                *([kept.quarantine] if kept else []),
                *(file_lines(r.quarantine, r.reasons, r.source_id) for r in results),
            ],
            ignore_index=True,
        )
        if kept:  # the order of a full build: sources in catalog order
            tidy, aggregates, quarantine = (
                _catalog_order(frame, catalog) for frame in (tidy, aggregates, quarantine)
            )
        duplicated = tidy.duplicated(["iso3", "indicator", "year"], keep=False)
        if duplicated.any():
            raise CompareError(
                "two sources give the same indicator: "
                + ", ".join(sorted(tidy.loc[duplicated, "indicator"].unique()))
            )
        validate_tidy(tidy, catalog)
        accounts = dict(kept.accounts) if kept else {}
        accounts.update({r.source_id: r.accounting() for r in results})
        report = BuildReport(
            sources={sid: accounts[sid] for sid in catalog.sources if sid in accounts},
            rows=len(tidy),
            aggregates=len(aggregates),
            quarantined=sum(int(acc["quarantined"]) for acc in accounts.values()),
            seconds=0.0,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            outputs={},
            slices=slice_digests(tidy),
            placeholder_zeros=dict(
                sorted(
                    (indicator, int(n))
                    for acc in accounts.values()
                    for indicator, n in dict(acc.get("placeholder_zeros") or {}).items()
                )
            ),
        )
        with atomic.staged_directory(where.processed) as stage:
            _write_frame_outputs(stage, "indicators", tidy)
            _write_frame_outputs(stage, "aggregates", aggregates)
            quarantine.to_csv(stage / "quarantine.csv", index=False)
            report.notes = [note for note in [_write_evidence_findings(stage, where)] if note]
            (stage / "datapackage.json").write_text(
                json.dumps(_datapackage(catalog, tidy, where.raw), indent=2), encoding="utf-8"
            )
            report.seconds = round(time.perf_counter() - started, 3)
            report.outputs = {
                p.name: sha256_file(p) for p in sorted(stage.iterdir()) if p.is_file()
            }
            (stage / "build_manifest.json").write_text(
                json.dumps(asdict(report), indent=2, default=str), encoding="utf-8"
            )
    return report


def _check_user_folders(catalog: Catalog, chosen: list[Source], where: Paths) -> None:
    """A source of a user catalog whose folder is absent: say where it is declared (a mirror
    import would not bring it)."""
    for source in chosen:
        origin = catalog.origin("sources", source.id)
        if origin == "package":
            continue
        folder = where.raw / source.id
        atomic.recover_directory(folder)  # a swap killed midway left the folder aside
        if not folder.is_dir():
            raise DataError(
                f"source folder missing: {source.id} is declared in {origin}; add its files "
                f"with `compare add file PATH --source-id {source.id}` after removing the "
                "entry, copy them there, or remove the entry",
                file=str(folder),
            )


def _catalog_order(frame: pd.DataFrame, catalog: Catalog) -> pd.DataFrame:
    """Rows grouped by source in catalog order (stable within a source)."""
    rank = {sid: i for i, sid in enumerate(catalog.sources)}
    return frame.sort_values(
        "source_id", key=lambda ids: ids.map(rank), kind="stable", ignore_index=True
    )


@dataclass
class _Previous:
    """Outputs of the previous build for the sources a partial build does not rebuild."""

    tidy: pd.DataFrame
    aggregates: pd.DataFrame
    quarantine: pd.DataFrame
    accounts: dict[str, dict[str, object]]


def _previous_outputs(where: Paths, catalog: Catalog, rebuilt: set[str]) -> _Previous | None:
    """What ``build --only`` keeps: the previous build's rows of every other catalog source
    (None when there is no previous build)."""
    atomic.recover_directory(where.processed)
    folder = where.processed
    names = ("indicators.parquet", "aggregates.parquet", "quarantine.csv", "build_manifest.json")
    if not all((folder / name).is_file() for name in names):
        return None
    others = [sid for sid in catalog.sources if sid not in rebuilt]
    manifest = json.loads((folder / "build_manifest.json").read_text(encoding="utf-8"))
    accounts = {sid: acc for sid, acc in manifest.get("sources", {}).items() if sid in others}
    tidy = pd.read_parquet(folder / "indicators.parquet")
    aggregates = pd.read_parquet(folder / "aggregates.parquet")
    quarantine = read_lines(folder / "quarantine.csv")
    return _Previous(
        tidy[tidy["source_id"].isin(accounts)].reset_index(drop=True),
        aggregates[aggregates["source_id"].isin(accounts)].reset_index(drop=True),
        quarantine[quarantine["source_id"].isin(accounts)].reset_index(drop=True),
        accounts,
    )


def _write_evidence_findings(stage: Path, where: Paths) -> str:
    """Run the consistency checks of the paper's claims into ``claim_findings.csv``; returns a
    note when the committed curation cannot be found (then no findings are written)."""
    folder = evidence_dir(where.home)
    path = folder / CLAIMS_FILE
    if not path.is_file():
        return f"no claims table at {path} (nor in the checkout): claim_findings.csv not written"
    findings = check_consistency(load_claims(path))
    findings.to_csv(stage / "claim_findings.csv", index=False)
    return ""
