"""``compare build``: raw source folders -> one validated, sourced tidy table.

For every source the build accounts for every record its reader found::

    rows_in_file = rows_not_selected + rows_read
    rows_read    = kept + quarantined + aggregates

``rows_not_selected`` are series the catalog does not ask for (e.g. DESI composite scores);
every quarantined record lands in ``quarantine.csv`` with its file, row, column and reason.
Outputs are staged in a temporary folder and swapped in whole (see :mod:`compare.atomic`).
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from compare import atomic
from compare.catalog import Catalog, Indicator, Source, load_catalog
from compare.config import Paths, paths
from compare.errors import CompareError, DataError
from compare.sources import get_reader
from compare.sources.base import RECORD_COLUMNS
from compare.values import parse_values, parse_years

TIDY_COLUMNS = (
    "iso3", "country", "indicator", "family", "year", "value", "unit",
    "source_id", "licence", "flag", "raw_file", "raw_row", "raw_column",
)  # fmt: skip
AGGREGATE_COLUMNS = (
    "code", "name", "indicator", "year", "value", "unit", "source_id", "raw_file", "raw_row",
)  # fmt: skip
QUARANTINE_COLUMNS = (
    "source_id", "raw_file", "raw_row", "raw_column", "entity", "series", "indicator",
    "year", "value", "reason_code", "reason",
)  # fmt: skip


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

    @property
    def rows_read(self) -> int:
        return self.rows_in_file - self.rows_not_selected

    def accounting(self) -> dict[str, object]:
        """The per-source line of the build manifest."""
        reasons = self.quarantine["reason_code"].value_counts().sort_index()
        return {
            "rows_in_file": self.rows_in_file,
            "rows_not_selected": self.rows_not_selected,
            "rows_read": self.rows_read,
            "kept": len(self.tidy),
            "quarantined": len(self.quarantine),
            "aggregates": len(self.aggregates),
            "quarantine_reasons": {str(k): int(v) for k, v in reasons.items()},
            "seconds": round(self.seconds, 3),
            "files": self.files,
        }

    def check_invariant(self) -> None:
        """rows read = kept + quarantined + aggregates, or a CompareError (a bug, not bad data)."""
        total = len(self.tidy) + len(self.quarantine) + len(self.aggregates)
        if total != self.rows_read:
            raise CompareError(
                f"{self.source_id}: rows read {self.rows_read} != kept {len(self.tidy)} + "
                f"quarantined {len(self.quarantine)} + aggregates {len(self.aggregates)}"
            )


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _quarantine(frame: pd.DataFrame, source_id: str, reason_code: str | pd.Series,
                reason: str | pd.Series, indicator: pd.Series | str = "") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "source_id": source_id,
            "raw_file": frame["raw_file"].to_numpy(),
            "raw_row": frame["raw_row"].to_numpy(),
            "raw_column": frame["raw_column"].to_numpy(),
            "entity": frame["entity"].to_numpy(),
            "series": frame["series"].to_numpy(),
            "indicator": indicator if isinstance(indicator, str) else indicator.to_numpy(),
            "year": frame["year"].astype("string").to_numpy(),
            "value": frame["value"].astype("string").to_numpy(),
            "reason_code": reason_code if isinstance(reason_code, str) else reason_code.to_numpy(),
            "reason": reason if isinstance(reason, str) else reason.to_numpy(),
        },
        columns=list(QUARANTINE_COLUMNS),
    )


def _indicator_for_series(catalog: Catalog, source: Source) -> dict[str, Indicator]:
    return {ind.series.casefold(): ind for ind in catalog.indicators_of(source.id)}


def _harmonise_entities(entities: pd.Series) -> pd.DataFrame:
    """iso3 / status / aggregate_code per distinct entity text."""
    from compare import countries  # noqa: PLC0415

    unique = pd.Series(entities.unique())
    result = countries.harmonise(list(unique))
    table = pd.DataFrame(
        {
            "entity": unique,
            "iso3": result.iso3,
            "status": result.status,
            "aggregate_code": result.aggregate_code,
        }
    )
    return table


def build_source(source: Source, folder: Path, catalog: Catalog) -> SourceResult:
    """Read one source folder and split its records into kept / aggregates / quarantine."""
    from compare import countries  # noqa: PLC0415

    started = time.perf_counter()
    if not folder.is_dir():
        raise DataError(
            f"source folder missing: import it first with `compare fetch --from MIRROR` "
            f"(source {source.id})",
            file=str(folder),
        )
    raw = get_reader(source.reader)(source, folder)
    if list(raw.columns) != list(RECORD_COLUMNS):
        raise CompareError(f"reader {source.reader} returned columns {list(raw.columns)}")
    raw = raw.reset_index(drop=True)
    for column in ("raw_file", "raw_column", "entity", "series", "flag", "problem"):
        raw[column] = raw[column].astype("string").fillna("").astype(object)
    series_map = _indicator_for_series(catalog, source)
    problem = raw["problem"] != ""
    series_key = raw["series"].str.strip().str.casefold()
    selected = problem | series_key.isin(list(series_map))
    rows_not_selected = int((~selected).sum())
    records = raw[selected].copy()
    records["indicator"] = series_key[selected].map(
        {k: ind.id for k, ind in series_map.items()}
    ).fillna("")
    quarantine_parts = [
        _quarantine(records[records["problem"] != ""], source.id, "unreadable_row",
                    records.loc[records["problem"] != "", "problem"],
                    records.loc[records["problem"] != "", "indicator"])
    ]
    records = records[records["problem"] == ""]

    # Source-level flags that mean "no value": not assessed by the survey.
    not_assessed = records["flag"] == "not_assessed"
    quarantine_parts.append(
        _quarantine(records[not_assessed], source.id, "not_assessed",
                    "not assessed in this survey (empty rank, every index 0): missing, not zero",
                    records.loc[not_assessed, "indicator"])
    )
    records = records[~not_assessed]

    years = parse_years(records["year"])
    bad_year = years["reason"] != ""
    quarantine_parts.append(
        _quarantine(records[bad_year], source.id, "implausible_year", years["reason"][bad_year],
                    records.loc[bad_year, "indicator"])
    )
    records = records[~bad_year].assign(year_int=years["year"][~bad_year])

    values = parse_values(records["value"], source.missing_markers)
    bad_value = values["reason_code"] != ""
    quarantine_parts.append(
        _quarantine(records[bad_value], source.id, values["reason_code"][bad_value],
                    values["reason"][bad_value], records.loc[bad_value, "indicator"])
    )
    records = records[~bad_value].assign(
        number=values["value"][~bad_value],
        value_flag=values["flag"][~bad_value],
    )

    # Countries: aggregates are set aside, unknown or ambiguous names quarantined.
    harmonised = _harmonise_entities(records["entity"])
    records = records.merge(harmonised, on="entity", how="left", validate="many_to_one")
    aggregate_rows = records[records["status"] == "aggregate"]
    for status, code, why in (
        ("unmapped", "unknown_country", "country name/code not recognised: "),
        ("ambiguous", "ambiguous_country", "country name matches several countries: "),
    ):
        rows = records[records["status"] == status]
        quarantine_parts.append(
            _quarantine(rows, source.id, code, why + rows["entity"].map(repr), rows["indicator"])
        )
    records = records[records["status"] == "country"].copy()

    # Canonical units and plausible ranges.
    scale = records["indicator"].map({i.id: i.scale for i in catalog.indicators.values()})
    records["number"] = records["number"] * scale.astype(float)
    low = records["indicator"].map(
        {i.id: (i.range[0] if i.range else float("-inf")) for i in catalog.indicators.values()}
    )
    high = records["indicator"].map(
        {i.id: (i.range[1] if i.range else float("inf")) for i in catalog.indicators.values()}
    )
    out_of_range = (records["number"] < low) | (records["number"] > high)
    rows = records[out_of_range]
    quarantine_parts.append(
        _quarantine(
            rows, source.id, "out_of_range",
            "value " + rows["number"].map(lambda v: f"{v:g}") + " outside plausible range ["
            + low[out_of_range].map(lambda v: f"{v:g}") + ", "
            + high[out_of_range].map(lambda v: f"{v:g}") + "] after scaling",
            rows["indicator"],
        )
    )
    records = records[~out_of_range]

    # Duplicated keys: identical repeats keep the first; conflicting values keep none.
    key = ["iso3", "indicator", "year_int"]
    dup_any = records.duplicated(key, keep=False)
    if dup_any.any():
        groups = records[dup_any].groupby(key, sort=False)["number"]
        conflicting = groups.transform("nunique") > 1
        conflict_rows = records[dup_any][conflicting]
        first_row = records[dup_any].groupby(key, sort=False)["raw_row"].transform("first")
        quarantine_parts.append(
            _quarantine(conflict_rows, source.id, "duplicate_conflict",
                        "same country, indicator and year with different values",
                        conflict_rows["indicator"])
        )
        repeat = records.duplicated(key, keep="first") & ~records.index.isin(conflict_rows.index)
        repeats = records[repeat]
        quarantine_parts.append(
            _quarantine(repeats, source.id, "duplicate_identical",
                        "repeats row " + first_row[repeat].astype(str) + " with the same value",
                        repeats["indicator"])
        )
        records = records[~records.index.isin(conflict_rows.index) & ~repeat]

    indicators = catalog.indicators
    flags = (
        records["flag"].where(records["flag"] != "", "")
        .str.cat(records["value_flag"], sep=";")
        .str.cat(pd.Series(source.flag, index=records.index), sep=";")
        .map(lambda s: ";".join(part for part in s.split(";") if part))
    )
    tidy = pd.DataFrame(
        {
            "iso3": records["iso3"].astype(str),
            "country": records["iso3"].map(countries.country_name),
            "indicator": records["indicator"],
            "family": records["indicator"].map({k: v.family for k, v in indicators.items()}),
            "year": records["year_int"].astype("int64"),
            "value": records["number"].astype("float64"),
            "unit": records["indicator"].map({k: v.unit for k, v in indicators.items()}),
            "source_id": source.id,
            "licence": source.licence,
            "flag": flags,
            "raw_file": records["raw_file"],
            "raw_row": records["raw_row"].astype("int64"),
            "raw_column": records["raw_column"],
        },
        columns=list(TIDY_COLUMNS),
    )
    aggregates = pd.DataFrame(
        {
            "code": aggregate_rows["aggregate_code"].fillna(aggregate_rows["entity"]),
            "name": aggregate_rows["entity"],
            "indicator": aggregate_rows["indicator"],
            "year": aggregate_rows["year_int"].astype("int64"),
            "value": (aggregate_rows["number"] * aggregate_rows["indicator"].map(
                {i.id: i.scale for i in indicators.values()})).astype("float64"),
            "unit": aggregate_rows["indicator"].map({k: v.unit for k, v in indicators.items()}),
            "source_id": source.id,
            "raw_file": aggregate_rows["raw_file"],
            "raw_row": aggregate_rows["raw_row"].astype("int64"),
        },
        columns=list(AGGREGATE_COLUMNS),
    )
    quarantine = pd.concat([q for q in quarantine_parts if len(q)], ignore_index=True) if any(
        len(q) for q in quarantine_parts) else pd.DataFrame(columns=list(QUARANTINE_COLUMNS))
    files = [
        {"file": name, "sha256": sha256_file(folder / name), "bytes": (folder / name).stat().st_size}
        for name in source.files
    ]
    result = SourceResult(
        source.id,
        tidy.sort_values(["indicator", "iso3", "year"], ignore_index=True),
        aggregates.reset_index(drop=True),
        quarantine,
        rows_in_file=len(raw),
        rows_not_selected=rows_not_selected,
        seconds=time.perf_counter() - started,
        files=files,
    )
    result.check_invariant()
    return result


@contextlib.contextmanager
def build_lock(where: Paths) -> Iterator[None]:
    """One build at a time per project (an exclusive lock on data/.build.lock)."""
    where.home.joinpath("data").mkdir(parents=True, exist_ok=True)
    with open(where.home / "data" / ".build.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise CompareError("another `compare build` is running on this project") from None
        yield


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
        return "\n".join(lines)


def _write_frame_outputs(stage: Path, name: str, frame: pd.DataFrame) -> None:
    frame.to_parquet(stage / f"{name}.parquet", index=False)
    frame.to_csv(stage / f"{name}.csv", index=False)


def _datapackage(catalog: Catalog, tidy: pd.DataFrame) -> dict[str, object]:
    used = sorted(tidy["source_id"].unique())
    return {
        "profile": "tabular-data-package",
        "name": "compare-indicators",
        "title": "Europe vs Latin America & Caribbean indicators (tidy, one row per value)",
        "licenses": sorted({catalog.sources[s].licence for s in used}),
        "sources": [
            {"title": catalog.sources[s].citation, "path": catalog.sources[s].url,
             "licence": catalog.sources[s].licence, "id": s}
            for s in used
        ],
        "resources": [
            {
                "name": "indicators",
                "path": "indicators.csv",
                "format": "csv",
                "schema": {
                    "fields": [
                        {"name": "iso3", "type": "string", "description": "ISO 3166-1 alpha-3"},
                        {"name": "country", "type": "string"},
                        {"name": "indicator", "type": "string",
                         "constraints": {"enum": sorted(catalog.indicators)}},
                        {"name": "family", "type": "string"},
                        {"name": "year", "type": "integer"},
                        {"name": "value", "type": "number",
                         "description": "in the catalog's canonical unit"},
                        {"name": "unit", "type": "string"},
                        {"name": "source_id", "type": "string",
                         "description": "folder under data/raw"},
                        {"name": "licence", "type": "string"},
                        {"name": "flag", "type": "string"},
                        {"name": "raw_file", "type": "string"},
                        {"name": "raw_row", "type": "integer",
                         "description": "1-based row in raw_file"},
                        {"name": "raw_column", "type": "string"},
                    ],
                    "primaryKey": ["iso3", "indicator", "year"],
                },
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
) -> BuildReport:
    """Build ``data/processed`` from ``data/raw`` and return what was done."""
    from compare.schema import validate_tidy  # noqa: PLC0415 - pandera is heavy

    where = paths(home)
    catalog = catalog or load_catalog()
    chosen = [catalog.source(s) for s in sources] if sources else list(catalog.sources.values())
    started = time.perf_counter()
    with build_lock(where):
        atomic.clean_stale_stages(where.processed.parent, where.processed.name)
        results = [build_source(src, where.raw / src.id, catalog) for src in chosen]
        tidy = pd.concat([r.tidy for r in results], ignore_index=True)
        aggregates = pd.concat([r.aggregates for r in results], ignore_index=True)
        quarantine = pd.concat([r.quarantine for r in results if len(r.quarantine)],
                               ignore_index=True)
        duplicated = tidy.duplicated(["iso3", "indicator", "year"], keep=False)
        if duplicated.any():
            raise CompareError(
                "two sources give the same indicator: "
                + ", ".join(sorted(tidy.loc[duplicated, "indicator"].unique()))
            )
        validate_tidy(tidy, catalog)
        report = BuildReport(
            sources={r.source_id: r.accounting() for r in results},
            rows=len(tidy),
            aggregates=len(aggregates),
            quarantined=len(quarantine),
            seconds=0.0,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            outputs={},
        )
        with atomic.staged_directory(where.processed) as stage:
            _write_frame_outputs(stage, "indicators", tidy)
            _write_frame_outputs(stage, "aggregates", aggregates)
            quarantine.to_csv(stage / "quarantine.csv", index=False)
            _write_evidence_findings(stage, where)
            (stage / "datapackage.json").write_text(
                json.dumps(_datapackage(catalog, tidy), indent=2), encoding="utf-8"
            )
            report.seconds = round(time.perf_counter() - started, 3)
            report.outputs = {
                p.name: sha256_file(p) for p in sorted(stage.iterdir()) if p.is_file()
            }
            (stage / "build_manifest.json").write_text(
                json.dumps(asdict(report), indent=2, default=str), encoding="utf-8"
            )
    return report


def _write_evidence_findings(stage: Path, where: Paths) -> None:
    """Run the consistency checks of the paper's claims into ``claim_findings.csv``."""
    try:
        from compare import evidence  # noqa: PLC0415
    except ImportError:  # the evidence module is optional for a data-only build
        return
    if not (where.evidence / "paper_claims.csv").is_file():
        return
    claims = evidence.load_claims(where.evidence / "paper_claims.csv")
    findings = evidence.check_consistency(claims)
    findings.to_csv(stage / "claim_findings.csv", index=False)
