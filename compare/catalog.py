"""Load and validate the declarative YAML catalog of sources and indicators."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compare.config import CATALOG_PATH
from compare.errors import CatalogError, ParameterError

FAMILIES = ("employer_recognition", "digital_divide", "interoperability", "context")


@dataclass(frozen=True)
class Source:
    """One raw source folder and how to read it."""

    id: str
    reader: str
    files: tuple[str, ...]
    licence: str
    citation: str
    publisher: str = ""
    url: str = ""
    series: str | None = None
    missing_markers: tuple[str, ...] = ("",)
    flag: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    zero_flag_before: int | None = None  # zeros before this year are kept but flagged
    zero_flag: str = ""


@dataclass(frozen=True)
class Indicator:
    """One indicator of the tidy table."""

    id: str
    title: str
    family: str
    unit: str
    source: str
    series: str
    higher_is_better: bool = True
    scale: float = 1.0
    range: tuple[float, float] | None = None
    bounded: bool = False


@dataclass(frozen=True)
class Gap:
    """An indicator that no public per-country source provides."""

    id: str
    title: str
    family: str
    why: str


@dataclass(frozen=True)
class ReferenceSource:
    """A mirror folder that is not an indicator source (country tables, geometry)."""

    id: str
    used_by: str
    licence: str
    citation: str


@dataclass(frozen=True)
class Catalog:
    """Sources, indicators, units, reference folders and known data gaps."""

    sources: dict[str, Source]
    indicators: dict[str, Indicator]
    units: dict[str, str]
    gaps: dict[str, Gap]
    path: Path
    reference_sources: dict[str, ReferenceSource] = field(default_factory=dict)

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator ``indicator_id``; unknown ids raise a ParameterError listing valid ones."""
        try:
            return self.indicators[indicator_id]
        except KeyError:
            raise ParameterError(
                f"unknown indicator {indicator_id!r}; valid indicators: "
                + ", ".join(sorted(self.indicators))
            ) from None

    def source(self, source_id: str) -> Source:
        """The source ``source_id``; unknown ids raise a ParameterError listing valid ones."""
        try:
            return self.sources[source_id]
        except KeyError:
            raise ParameterError(
                f"unknown source {source_id!r}; valid sources: " + ", ".join(sorted(self.sources))
            ) from None

    def indicators_of(self, source_id: str) -> list[Indicator]:
        """Indicators read from one source, in catalog order."""
        return [ind for ind in self.indicators.values() if ind.source == source_id]

    def by_family(self, family: str) -> list[Indicator]:
        """Indicators of one family, in catalog order."""
        if family not in FAMILIES:
            raise ParameterError(
                f"unknown family {family!r}; valid families: {', '.join(FAMILIES)}"
            )
        return [ind for ind in self.indicators.values() if ind.family == family]


def _require(entry: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    missing = [key for key in keys if key not in entry]
    if missing:
        raise CatalogError(f"{where}: missing key(s) {', '.join(missing)}")


def _parse_source(source_id: str, entry: Any, path: Path) -> Source:
    where = f"{path}: sources.{source_id}"
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: expected a mapping")
    _require(entry, ("reader", "files", "licence", "citation"), where)
    from compare.ingest.sources import READERS  # noqa: PLC0415 - the registry imports pandas lazily

    if entry["reader"] not in READERS:
        raise CatalogError(
            f"{where}: unknown reader {entry['reader']!r}; known: {', '.join(sorted(READERS))}"
        )
    files = entry["files"]
    if not isinstance(files, list) or not files or not all(isinstance(f, str) for f in files):
        raise CatalogError(f"{where}: files must be a non-empty list of file names")
    zero = entry.get("zero_flag") or {}
    if zero and not (
        isinstance(zero, dict) and isinstance(zero.get("before"), int) and zero.get("flag")
    ):
        raise CatalogError(f"{where}: zero_flag must be {{before: YEAR, flag: TEXT}}")
    return Source(
        id=source_id,
        reader=entry["reader"],
        files=tuple(files),
        licence=str(entry["licence"]),
        citation=str(entry["citation"]),
        publisher=str(entry.get("publisher", "")),
        url=str(entry.get("url", "")),
        series=entry.get("series"),
        missing_markers=tuple(str(m) for m in entry.get("missing_markers", [""])),
        flag=str(entry.get("flag", "")),
        options=dict(entry.get("options") or {}),
        zero_flag_before=zero.get("before"),
        zero_flag=str(zero.get("flag", "")),
    )


def _parse_indicator(
    indicator_id: str, entry: Any, sources: dict[str, Source], units: dict[str, str], path: Path
) -> Indicator:
    where = f"{path}: indicators.{indicator_id}"
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: expected a mapping")
    _require(entry, ("title", "family", "unit", "source", "series"), where)
    if entry["family"] not in FAMILIES:
        raise CatalogError(f"{where}: family {entry['family']!r} not one of {', '.join(FAMILIES)}")
    if entry["unit"] not in units:
        raise CatalogError(f"{where}: unit {entry['unit']!r} not one of {', '.join(units)}")
    if entry["source"] not in sources:
        raise CatalogError(f"{where}: source {entry['source']!r} is not in sources")
    bounds = entry.get("range")
    if bounds is not None and (len(bounds) != 2 or float(bounds[0]) > float(bounds[1])):
        raise CatalogError(f"{where}: range must be [min, max]")
    return Indicator(
        id=indicator_id,
        title=str(entry["title"]),
        family=entry["family"],
        unit=entry["unit"],
        source=entry["source"],
        series=str(entry["series"]),
        higher_is_better=bool(entry.get("higher_is_better", True)),
        scale=float(entry.get("scale", 1.0)),
        range=(float(bounds[0]), float(bounds[1])) if bounds is not None else None,
        bounded=bool(entry.get("bounded", False)),
    )


def parse_catalog(data: Any, path: Path) -> Catalog:
    """Validate a parsed YAML document and build a :class:`Catalog`."""
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: the catalog must be a mapping")
    _require(data, ("units", "sources", "indicators"), str(path))
    units = {str(k): str(v) for k, v in data["units"].items()}
    sources = {sid: _parse_source(sid, entry, path) for sid, entry in data["sources"].items()}
    indicators = {
        iid: _parse_indicator(iid, entry, sources, units, path)
        for iid, entry in data["indicators"].items()
    }
    series_seen: dict[tuple[str, str], str] = {}
    for ind in indicators.values():
        key = (ind.source, ind.series)
        if key in series_seen:
            raise CatalogError(
                f"{path}: indicators {series_seen[key]} and {ind.id} read the same series {key}"
            )
        series_seen[key] = ind.id
    gaps = {
        gid: Gap(id=gid, title=str(g["title"]), family=str(g["family"]), why=str(g["why"]))
        for gid, g in (data.get("gaps") or {}).items()
    }
    references = {
        rid: ReferenceSource(
            id=rid,
            used_by=str(r["used_by"]),
            licence=str(r["licence"]),
            citation=str(r["citation"]),
        )
        for rid, r in (data.get("reference_sources") or {}).items()
    }
    return Catalog(
        sources=sources,
        indicators=indicators,
        units=units,
        gaps=gaps,
        path=path,
        reference_sources=references,
    )


@functools.cache
def load_catalog(path: str | Path | None = None) -> Catalog:
    """Read and validate the catalog (default: the one shipped with the package)."""
    import yaml  # noqa: PLC0415 - keep `import compare` light

    catalog_path = Path(path) if path else CATALOG_PATH
    try:
        data = yaml.safe_load(catalog_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(f"cannot read catalog {catalog_path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise CatalogError(f"{catalog_path}: invalid YAML: {exc}") from exc
    return parse_catalog(data, catalog_path)
