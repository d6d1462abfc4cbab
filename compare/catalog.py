"""Load and validate the declarative YAML catalog of sources and indicators."""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compare.config import CATALOG_PATH, user_catalog_files
from compare.errors import CatalogError, ParameterError
from compare.storage.yamlfiles import safe_load
from compare.suggest import casefold_match, hint

FAMILIES = ("employer_recognition", "digital_divide", "interoperability", "context")


def resolve_family(family: str) -> str:
    """The family written ``family`` in any case; an unknown one raises a ParameterError with
    the closest family and the valid ones."""
    found = casefold_match(str(family), FAMILIES)
    if found is None:
        raise ParameterError(
            f"unknown family {family!r}{hint(str(family), FAMILIES)}; valid families: "
            + ", ".join(FAMILIES)
        )
    return found


#: How a derived indicator is computed from two catalog indicators (``derive: {OP: [a, b]}``).
DERIVATIONS = ("difference",)


def series_key(series: str, dimensions: Mapping[str, str] | None = None) -> str:
    """The key a reader gives a record and an indicator matches: the source's series code, and
    the dimension values it takes when there are any, sorted by dimension name.

    >>> series_key("SE_ADT_ACTS", {"Type of skill": "SOFT", "Sex": "FEMALE"})
    'SE_ADT_ACTS[Sex=FEMALE; Type of skill=SOFT]'
    """
    if not dimensions:
        return series
    return series + "[" + "; ".join(f"{k}={v}" for k, v in sorted(dimensions.items())) + "]"


#: reader name -> "module:function" inside :mod:`compare.ingest.sources` (the catalog declares
#: which readers exist; the ingest layer imports the module only when it reads)
READERS: dict[str, str] = {
    "worldbank_wide": "worldbank:read_wide",
    "worldbank_long": "worldbank:read_long",
    "un_egdi": "egdi:read_egdi",
    "itu_key_ict_xls": "itu:read_key_ict_table",
    "gtmi_xlsx": "gtmi:read_gtmi",
    "oecd_long": "oecd:read_oecd_long",
    "egov_benchmark_xlsx": "egov_benchmark:read_machine_readable",
    "desi_csv": "desi:read_desi",
    "un_sdg_csv": "sdg:read_sdg",
}


@dataclass(frozen=True)
class PlaceholderZeros:
    """A catalog rule: values of exactly 0 (before ``before``, when given) are placeholders that
    the publisher put where it had no measurement. They stay in the tidy table with ``flag`` and
    are left out of every statistic (as missing, like the UN survey's "not assessed" rows)."""

    flag: str
    why: str
    before: int | None = None  # only zeros of years before this one (None: every year)

    def applies(self, year: int) -> bool:
        """True when a zero of ``year`` falls under the rule."""
        return self.before is None or year < self.before


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
    #: False: no download from an API (a user's own file); `compare fetch --live` leaves it alone
    live: bool = True
    #: zeros of every indicator of the source that are placeholders (an indicator may override)
    placeholder_zeros: PlaceholderZeros | None = None


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
    #: dimension values the indicator takes in a multi-dimensional source (e.g. an SDG export)
    dimensions: tuple[tuple[str, str], ...] = ()
    #: derived indicators: (operation, (indicator a, indicator b)), computed from kept values
    derive: tuple[str, tuple[str, str]] | None = None
    #: every source its values come from (a derived indicator: its operands' sources)
    sources: tuple[str, ...] = ()
    #: zeros that are placeholders, not measurements (catalog ``placeholder_zeros``)
    placeholder_zeros: PlaceholderZeros | None = None

    @property
    def key(self) -> str:
        """The series key records of this indicator carry (:func:`series_key`)."""
        return series_key(self.series, dict(self.dimensions))

    @property
    def operands(self) -> tuple[str, ...]:
        """The indicators a derived indicator is computed from (empty for a read one)."""
        return self.derive[1] if self.derive else ()


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
    #: "indicators.<id>" / "sources.<id>" / "units.<id>" -> the user catalog it comes from
    origins: dict[str, str] = field(default_factory=dict)
    #: the user catalogs merged over the package catalog (:mod:`compare.user_catalog`)
    user_files: tuple[Path, ...] = ()
    overrides: frozenset[str] = frozenset()

    def origin(self, section: str, entry_id: str) -> str:
        """Where an entry comes from: "package", or the path of the user catalog."""
        return self.origins.get(f"{section}.{entry_id}", "package")

    def indicator(self, indicator_id: str) -> Indicator:
        """The indicator ``indicator_id``; unknown ids raise a ParameterError that suggests the
        closest ids (the id in another case first) and lists the valid ones."""
        try:
            return self.indicators[indicator_id]
        except (KeyError, TypeError):
            raise ParameterError(
                f"unknown indicator {indicator_id!r}{hint(str(indicator_id), self.indicators)}"
                "; valid indicators: " + ", ".join(sorted(self.indicators))
            ) from None

    def resolve(self, indicator_id: str) -> str:
        """The catalog id written ``indicator_id`` in any case (``"EGDI"`` -> ``"egdi"``), for
        the command line and report parameters; otherwise the error of :meth:`indicator`."""
        found = casefold_match(str(indicator_id), self.indicators)
        return found if found is not None else self.indicator(indicator_id).id

    def source(self, source_id: str) -> Source:
        """The source ``source_id``; unknown ids raise a ParameterError listing valid ones."""
        try:
            return self.sources[source_id]
        except KeyError:
            raise ParameterError(
                f"unknown source {source_id!r}; valid sources: " + ", ".join(sorted(self.sources))
            ) from None

    def indicators_of(self, source_id: str) -> list[Indicator]:
        """Indicators read from one source, in catalog order (derived ones are not read)."""
        return [
            ind
            for ind in self.indicators.values()
            if ind.source == source_id and ind.derive is None
        ]

    @property
    def placeholder_flags(self) -> tuple[str, ...]:
        """Every flag a ``placeholder_zeros`` rule puts on values (sorted): values carrying one
        are not measurements and are left out of the statistics."""
        rules = [i.placeholder_zeros for i in self.indicators.values()]
        return tuple(sorted({rule.flag for rule in rules if rule is not None}))

    @property
    def derived(self) -> list[Indicator]:
        """Indicators computed from other indicators, in catalog order."""
        return [ind for ind in self.indicators.values() if ind.derive is not None]

    def by_family(self, family: str) -> list[Indicator]:
        """Indicators of one family, in catalog order."""
        family = resolve_family(family)
        return [ind for ind in self.indicators.values() if ind.family == family]


def _require(entry: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    missing = [key for key in keys if key not in entry]
    if missing:
        raise CatalogError(f"{where}: missing key(s) {', '.join(missing)}")


def _parse_source(source_id: str, entry: Any, path: Path | str) -> Source:
    where = f"{path}: sources.{source_id}"
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: expected a mapping")
    _require(entry, ("reader", "files", "licence", "citation"), where)
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
    if not isinstance(entry.get("live", True), bool):
        raise CatalogError(f"{where}: live must be true or false")
    if not isinstance(entry.get("options") or {}, dict):
        raise CatalogError(f"{where}: options must be a mapping")
    rule = _placeholder_zeros(entry.get("placeholder_zeros"), where)
    if rule is None and zero:  # the older spelling of the same rule
        rule = PlaceholderZeros(str(zero["flag"]), "zeros flagged by zero_flag", zero["before"])
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
        live=entry.get("live", True),
        placeholder_zeros=rule,
    )


def _placeholder_zeros(value: Any, where: str) -> PlaceholderZeros | None:
    """``placeholder_zeros: {flag: TEXT, why: TEXT, before: YEAR}`` (``before`` optional)."""
    if value is None:
        return None
    spec = "placeholder_zeros must be {flag: TEXT, why: TEXT, before: YEAR (optional)}"
    if not isinstance(value, dict) or set(value) - {"flag", "why", "before"}:
        raise CatalogError(f"{where}: {spec}")
    flag, why, before = value.get("flag"), value.get("why"), value.get("before")
    if not isinstance(flag, str) or not flag.strip() or any(c in flag for c in "; "):
        raise CatalogError(f"{where}: {spec}; the flag is one word without ';'")
    if not isinstance(why, str) or not why.strip():
        raise CatalogError(f"{where}: {spec}; say why the zeros are placeholders")
    if before is not None and (not isinstance(before, int) or isinstance(before, bool)):
        raise CatalogError(f"{where}: {spec}; before is a year")
    return PlaceholderZeros(flag.strip(), " ".join(why.split()), before)


def _dimensions(value: Any, where: str) -> dict[str, str]:
    """``{column: value}`` of text, or a CatalogError."""
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str | int) for k, v in value.items()
    ):
        raise CatalogError(f"{where}: dimensions must map column names to values")
    found = {k.strip(): str(v).strip() for k, v in value.items()}
    for text in (*found, *found.values()):
        if not text or any(ch in text for ch in "[]=;"):
            raise CatalogError(f"{where}: dimension {text!r} is empty or holds one of [ ] = ;")
    return found


def _parse_indicator(
    indicator_id: str,
    entry: Any,
    sources: dict[str, Source],
    units: dict[str, str],
    path: Path | str,
) -> Indicator:
    where = f"{path}: indicators.{indicator_id}"
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: expected a mapping")
    _require(entry, ("title", "family", "unit", "source", "series"), where)
    _check_common(entry, units, where)
    if entry["source"] not in sources:
        raise CatalogError(f"{where}: source {entry['source']!r} is not in sources")
    source = sources[entry["source"]]
    dimensions = {
        **_dimensions(source.options.get("dimensions"), f"{path}: sources.{source.id}.options"),
        **_dimensions(entry.get("dimensions"), where),
    }
    own = _placeholder_zeros(entry.get("placeholder_zeros"), where)
    return Indicator(
        **_common(indicator_id, entry),
        source=entry["source"],
        series=str(entry["series"]),
        scale=float(entry.get("scale", 1.0)),
        dimensions=tuple(sorted(dimensions.items())),
        sources=(entry["source"],),
        placeholder_zeros=own or source.placeholder_zeros,
    )


def _check_common(entry: dict[str, Any], units: dict[str, str], where: str) -> None:
    if entry["family"] not in FAMILIES:
        raise CatalogError(f"{where}: family {entry['family']!r} not one of {', '.join(FAMILIES)}")
    if entry["unit"] not in units:
        raise CatalogError(f"{where}: unit {entry['unit']!r} not one of {', '.join(units)}")
    bounds = entry.get("range")
    if bounds is not None and not (
        isinstance(bounds, list)
        and len(bounds) == 2
        and all(_is_number(b) for b in bounds)
        and float(bounds[0]) <= float(bounds[1])
    ):
        raise CatalogError(f"{where}: range must be [min, max], two numbers, not {bounds!r}")
    if not _is_number(entry.get("scale", 1.0)):
        raise CatalogError(f"{where}: scale must be a number, not {entry['scale']!r}")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _common(indicator_id: str, entry: dict[str, Any]) -> dict[str, Any]:
    bounds = entry.get("range")
    return {
        "id": indicator_id,
        "title": str(entry["title"]),
        "family": entry["family"],
        "unit": entry["unit"],
        "higher_is_better": bool(entry.get("higher_is_better", True)),
        "range": (float(bounds[0]), float(bounds[1])) if bounds is not None else None,
        "bounded": bool(entry.get("bounded", False)),
    }


def _parse_derived(
    indicator_id: str, entry: dict[str, Any], read: dict[str, Indicator], units: dict[str, str],
    path: Path | str,
) -> Indicator:  # fmt: skip
    """An indicator computed from two read indicators (``derive: {difference: [a, b]}``: a - b
    per country and year where both exist); it names no source or series of its own."""
    where = f"{path}: indicators.{indicator_id}"
    _require(entry, ("title", "family", "unit"), where)
    _check_common(entry, units, where)
    extra = sorted({"source", "series", "scale", "dimensions", "placeholder_zeros"} & set(entry))
    if extra:
        raise CatalogError(f"{where}: a derived indicator takes no {', '.join(extra)}")
    spec = entry["derive"]
    if not isinstance(spec, dict) or len(spec) != 1:
        raise CatalogError(f"{where}: derive must be one of {{{', '.join(DERIVATIONS)}: [a, b]}}")
    ((operation, operands),) = spec.items()
    if operation not in DERIVATIONS:
        raise CatalogError(
            f"{where}: unknown derivation {operation!r}; known: {', '.join(DERIVATIONS)}"
        )
    if not isinstance(operands, list) or len(operands) != 2:
        raise CatalogError(f"{where}: {operation} takes a list of two indicator ids")
    unknown = [o for o in operands if o not in read]
    if unknown:
        raise CatalogError(
            f"{where}: {', '.join(map(repr, unknown))} is not a read (non-derived) indicator"
        )
    a, b = (read[o] for o in operands)
    if a.unit != b.unit:
        raise CatalogError(f"{where}: {a.id} ({a.unit}) and {b.id} ({b.unit}) differ in unit")
    sources = tuple(dict.fromkeys((a.source, b.source)))
    return Indicator(
        **_common(indicator_id, entry),
        source=sources[0],
        series=f"{operation}({a.id}, {b.id})",
        derive=(operation, (a.id, b.id)),
        sources=sources,
    )


def parse_catalog(data: Any, path: Path, where: Mapping[str, str] | None = None) -> Catalog:
    """Validate a parsed YAML document and build a :class:`Catalog`. ``where`` names the place
    of entries that come from elsewhere ("sources.<id>" -> "file:line"; user catalogs), so that
    an error names the file the entry is in."""
    if not isinstance(data, dict):
        raise CatalogError(f"{path}: the catalog must be a mapping")
    _require(data, ("units", "sources", "indicators"), str(path))
    at = dict(where or {})

    def place(section: str, entry_id: str) -> str:
        return at.get(f"{section}.{entry_id}", str(path))

    units = {str(k): str(v) for k, v in data["units"].items()}
    sources = {
        sid: _parse_source(sid, entry, place("sources", sid))
        for sid, entry in data["sources"].items()
    }
    entries = data["indicators"]
    derived_ids = {i for i, e in entries.items() if isinstance(e, dict) and "derive" in e}
    read = {
        iid: _parse_indicator(iid, entry, sources, units, place("indicators", iid))
        for iid, entry in entries.items()
        if iid not in derived_ids
    }
    derived = {
        iid: _parse_derived(iid, entries[iid], read, units, place("indicators", iid))
        for iid in sorted(derived_ids)
    }
    indicators = {iid: read.get(iid) or derived[iid] for iid in entries}  # catalog order
    series_seen: dict[tuple[str, str], str] = {}
    for ind in read.values():
        key = (ind.source, ind.key.casefold())
        if key in series_seen:
            raise CatalogError(
                f"{place('indicators', ind.id)}: indicators {series_seen[key]} and {ind.id} read "
                f"the same series {(ind.source, ind.key)}"
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


def load_catalog(path: str | Path | None = None, *, home: str | Path | None = None) -> Catalog:
    """The catalog: the package's, with the user catalogs of ``home`` (default: the project
    home) merged over it (:mod:`compare.user_catalog`); ``path``: that one file alone.

    Read once per content: a user catalog edited since is read again (its inode, size and
    modification time are part of the cache key)."""
    if path is not None:
        return _load_file(str(path))
    files = user_catalog_files(home)
    if not files:
        return _load_file(str(CATALOG_PATH))
    stamps = []
    for file in files:
        try:
            info = file.stat()
        except OSError as exc:
            raise CatalogError(f"cannot read user catalog {file}: {exc}") from exc
        stamps.append((str(file), info.st_ino, info.st_mtime_ns, info.st_size))
    return _load_merged(tuple(stamps))


def _read_yaml(catalog_path: Path) -> Any:
    import yaml  # noqa: PLC0415 - keep `import compare` light

    try:
        return safe_load(catalog_path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogError(f"cannot read catalog {catalog_path}: {exc}") from exc
    except yaml.YAMLError as exc:
        raise CatalogError(f"{catalog_path}: invalid YAML: {exc}") from exc


@functools.cache
def _load_file(path: str) -> Catalog:
    catalog_path = Path(path)
    return parse_catalog(_read_yaml(catalog_path), catalog_path)


@functools.cache
def _load_merged(stamps: tuple[tuple[str, int, int, int], ...]) -> Catalog:
    from compare import user_catalog  # noqa: PLC0415

    return merged_catalog([user_catalog.read_user_file(Path(stamp[0])) for stamp in stamps])


def merged_catalog(files: list[Any]) -> Catalog:
    """The package catalog with the user catalogs ``files`` (:class:`~compare.user_catalog.
    UserFile`, in merge order) merged over it and the result validated."""
    from compare import user_catalog  # noqa: PLC0415

    package = _read_yaml(CATALOG_PATH)
    merged = user_catalog.merge(package, files)
    catalog = parse_catalog(merged.data, CATALOG_PATH, where=merged.where)
    return dataclasses.replace(
        catalog,
        origins=merged.origins,
        user_files=tuple(f.path for f in files),
        overrides=frozenset(merged.overrides),
    )
