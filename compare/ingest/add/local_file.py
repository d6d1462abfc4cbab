"""``compare add file PATH``: a file the user already has (a DataBank or data.worldbank.org
download, a UN SDG export ...), read by one of the catalog's readers.

The reader is detected from the header where the layout is unambiguous (:data:`LAYOUTS`), or
given with ``--reader``. The file is read with that reader *before* anything is written: the
series it holds are listed, the one asked for (``--series``, and ``--dimension`` for the
breakdowns of an SDG export) must be there, exactly once, and the values found are counted. The
file is then copied, byte for byte, to ``data/raw/<source id>/`` with a manifest.
"""

from __future__ import annotations

import codecs
import csv
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from compare.catalog import READERS, Catalog, Source, load_catalog, series_key
from compare.errors import CatalogError
from compare.ingest.add.entries import (
    Addition,
    Options,
    check_free,
    choose_unit,
    indicator_entry,
    manifest,
    new_units,
    slug,
)
from compare.ingest.sources import get_reader
from compare.ingest.sources.base import read_text_table, year_of_label

#: Header columns that identify a reader's layout (checked in this order).
LAYOUTS: dict[str, tuple[str, ...]] = {
    "worldbank_long": ("Country Name", "Country Code", "Year", "Value"),
    "un_sdg_csv": ("SeriesCode", "GeoAreaCode", "TimePeriod", "Value"),
    "oecd_long": ("cc_iso3c", "ref_year", "variable", "value"),
    "desi_csv": ("time_period", "ref_area", "indicator", "breakdown", "unit_measure", "value"),
    "un_egdi": ("Survey Year", "Country Name", "E-Government Index"),
    "worldbank_wide": ("Country Name", "Country Code"),  # and year columns, no "Year"
}
#: Readers whose files name no series: the source's ``series`` labels every value.
ONE_SERIES = ("worldbank_long",)
#: Where a file states a series' name (its title): reader -> (series column(s), name column(s)).
NAME_COLUMNS = {
    "worldbank_wide": (("Indicator Code", "Series Code"), ("Indicator Name", "Series Name")),
    "un_sdg_csv": (("SeriesCode",), ("SeriesDescription",)),
}
_WB = ("worldbank_long", "worldbank_wide")
_LISTED = 12


def _head_lines(path: Path) -> list[str]:
    """The first 50 lines, decoded as the readers decode them."""
    with path.open("rb") as handle:
        head = handle.read(1 << 18)
    if head[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        text = head.decode("utf-16", errors="replace")
    else:
        try:
            text = head.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            cut = exc.start >= len(head) - 3  # a character cut by the read
            text = (
                head[: exc.start].decode("utf-8-sig")
                if cut
                else head.decode("cp1252", errors="replace")
            )
    return text.splitlines()[:50]


def _cells(line: str) -> set[str]:
    delimiter = max((",", ";", "\t", "|"), key=line.count)
    return {c.strip().lstrip("\ufeff") for c in next(csv.reader([line], delimiter=delimiter), [])}


def _fits(reader: str, cells: set[str]) -> bool:
    if not set(LAYOUTS[reader]) <= cells:
        return False
    if reader == "worldbank_wide":
        return "Year" not in cells and any(year_of_label(c) is not None for c in cells)
    return True


def detect_reader(path: Path) -> str:
    """The reader whose layout the file's header has; a CatalogError when none or several do."""
    if path.suffix.lower() in (".xls", ".xlsx", ".xlsm"):
        raise CatalogError(
            f"{path}: the layout of a spreadsheet is not detected: give --reader (one of "
            f"{', '.join(sorted(READERS))})"
        )
    headers = [_cells(line) for line in _head_lines(path) if line.strip()]
    found = [r for r in LAYOUTS if any(_fits(r, cells) for cells in headers)]
    if len(found) == 1:
        return found[0]
    if found:
        raise CatalogError(f"{path}: the header fits {' and '.join(found)}: give --reader")
    layouts = "; ".join(f"{r}: {', '.join(cols)}" for r, cols in LAYOUTS.items())
    raise CatalogError(
        f"{path}: no known layout in its first 50 lines (headers with {layouts} + year columns): "
        f"give --reader (one of {', '.join(sorted(READERS))})"
    )


@dataclass(frozen=True)
class Choice:
    """The series key chosen in the file, and what the file holds of it."""

    series: str
    dimensions: dict[str, str]
    values: int
    entities: int
    years: tuple[str, str]


def _split_key(key: str) -> tuple[str, dict[str, str]]:
    """``S[a=1; b=2]`` -> ("S", {"a": "1", "b": "2"}) (the inverse of :func:`series_key`)."""
    series, _, inside = key.partition("[")
    parts = [p.split("=", 1) for p in inside.rstrip("]").split("; ") if "=" in p]
    return series, {k: v for k, v in parts}


def _listing(counts: pd.Series) -> str:
    shown = [f"{key} ({n} records)" for key, n in counts.head(_LISTED).items()]
    more = len(counts) - _LISTED
    return "; ".join(shown) + (f"; and {more} more" if more > 0 else "")


def choose_series(
    records: pd.DataFrame,
    series: str | None,
    dimensions: dict[str, str],
    path: Path,
    markers: tuple[str, ...] = ("",),
) -> Choice:
    """The one series key of the file that ``series`` (and the ``dimensions`` given) select;
    its values are the records whose text is not a missing marker."""
    usable = records[records["problem"].astype(str) == ""]
    keys = usable["series"].astype(str).str.strip()
    counts = keys.value_counts()
    if counts.empty:
        raise CatalogError(f"{path}: the reader found no values in the file")

    def fits(key: str) -> bool:
        code, dims = _split_key(key)
        return (series is None or code.casefold() == series.casefold()) and all(
            dims.get(k, "").casefold() == v.casefold() for k, v in dimensions.items()
        )

    matching = counts[[fits(k) for k in counts.index]]
    if len(matching) != 1:
        raise _no_single_key(path, series, dimensions, matching, counts)
    key = str(matching.index[0])
    rows = usable[keys == key]
    rows = rows[~rows["value"].astype(str).str.strip().isin(markers)]
    if rows.empty:
        raise CatalogError(f"{path}: {key} holds no value (only missing markers)")
    years = sorted(rows["year"].astype(str).str.strip())
    code, dims = _split_key(key)
    return Choice(code, dims, len(rows), rows["entity"].nunique(), (years[0], years[-1]))


def _no_single_key(
    path: Path, series: str | None, dimensions: dict[str, str], matching: pd.Series,
    counts: pd.Series,
) -> CatalogError:  # fmt: skip
    """Why ``--series`` / ``--dimension`` select no key, or several, listing what there is."""
    breakdowns = any("[" in key for key in counts.index)
    dims = " with " + ", ".join(f"{k}={v}" for k, v in dimensions.items()) if dimensions else ""
    if matching.empty:
        what = f"series {series!r}{dims} is not in the file" if series or dims else "no series"
        return CatalogError(f"{path}: {what}; it holds {_listing(counts)}")
    if series is None and not dimensions:
        hint = "give --series CODE" + (" (and --dimension NAME=VALUE)" if breakdowns else "")
        return CatalogError(
            f"{path}: the file holds {len(counts)} series: {hint}: {_listing(counts)}"
        )
    return CatalogError(
        f"{path}: {series or 'the series'}{dims} fits {len(matching)} breakdowns: give "
        f"--dimension NAME=VALUE for each one that differs: {_listing(matching)}"
    )


def _title_in_file(path: Path, reader: str, series: str) -> str:
    """The series' name as the file states it ('' when the layout has no name column)."""
    if reader not in NAME_COLUMNS:
        return ""
    codes, names = NAME_COLUMNS[reader]
    headers = [_cells(line) for line in _head_lines(path) if line.strip()]
    pairs = [(c, n) for cells in headers for c in codes for n in names if {c, n} <= cells]
    if not pairs:
        return ""
    code, name = pairs[0]
    table = read_text_table(path, (code, name))
    found = table.frame.loc[table.frame[code].str.strip().str.casefold() == series.casefold(), name]
    return str(found.iloc[0]).strip() if len(found) else ""


def _read(
    path: Path, reader: str, source_id: str, options: Options, series: str | None
) -> pd.DataFrame:
    if reader in ONE_SERIES and not series:
        raise CatalogError(
            f"{path}: the {reader} layout names no series: give --series CODE (e.g. the World "
            "Bank code, IT.NET.BBND.P2); it labels the values' provenance"
        )
    source = Source(
        id=source_id,
        reader=reader,
        files=(path.name,),
        licence="",
        citation="",
        series=series if reader in ONE_SERIES else None,
        missing_markers=tuple(_markers(options, reader)),
    )
    return get_reader(reader)(source, path.parent)


def add_file(
    path: str | Path,
    options: Options,
    *,
    reader: str | None = None,
    series: str | None = None,
    dimensions: dict[str, str] | None = None,
    home: Path | None = None,
) -> Addition:
    """Read ``path`` with its reader, choose the series and make the catalog entries; nothing
    is written here (see :func:`compare.ingest.add.entries.commit`)."""
    file = Path(path).expanduser().resolve()
    if not file.is_file():
        raise CatalogError(f"{file}: no such file")
    options.check()
    if reader is not None and reader not in READERS:
        raise CatalogError(f"unknown reader {reader!r}; known: {', '.join(sorted(READERS))}")
    reader = reader or detect_reader(file)
    catalog = load_catalog(home=home)
    records = _read(file, reader, options.source_id or "new-source", options, series)
    markers = tuple(_markers(options, reader))
    choice = choose_series(records, series, dict(dimensions or {}), file, markers)
    named = " ".join([choice.series, *(dimensions or {}).values()])
    indicator_id = options.indicator_id or slug(named, "_")
    source_id = options.source_id or f"file-{slug(choice.series, '-')}"
    check_free(catalog, source_id, indicator_id, home)
    title = options.title or _title_in_file(file, reader, choice.series)
    if not title:
        raise CatalogError(f"{file}: the file gives no name for {choice.series}: give --title TEXT")
    unit = choose_unit(options, catalog, title, f"the name of {choice.series} in {file.name}")
    source = _source_entry(file, reader, choice, title, options)
    entry = indicator_entry(options, unit, source_id, choice.series, title)
    if choice.dimensions:
        entry["dimensions"] = choice.dimensions
    files: dict[str, bytes | Path] = {file.name: file}
    record = manifest(source_id, source["licence"], f"local file {file}", files)
    record["live"] = False
    return Addition(
        source_id=source_id,
        source=source,
        indicator_id=indicator_id,
        indicator=entry,
        files=files,
        manifest=record,
        command=f"compare add file {file.name}",
        units=new_units(catalog, unit),
        facts=[
            f"read as {reader}: {choice.values} values of "
            f"{series_key(choice.series, choice.dimensions)}, {choice.entities} countries and "
            f"aggregates, {choice.years[0]}-{choice.years[1]}",
            *_other_series(catalog, choice.series),
        ],
        catalog=options.catalog,
    )


def _markers(options: Options, reader: str) -> tuple[str, ...]:
    """``--missing-marker``s, else "" and ".." for World Bank layouts, "" for the others."""
    return options.missing_markers or (("", "..") if reader in _WB else ("",))


def _source_entry(file: Path, reader: str, choice: Choice, title: str, options: Options) -> dict:
    today = f"{datetime.now(UTC):%Y-%m-%d}"
    entry: dict = {
        "publisher": options.publisher or "",
        "reader": reader,
        "files": [file.name],
        "licence": options.licence or "not stated: check the publisher's terms",
        "citation": options.citation or f"{title}: file {file.name}, added {today}",
        "url": options.url or "",
        "missing_markers": list(_markers(options, reader)),
    }
    if reader in ONE_SERIES:
        entry["series"] = choice.series
    if reader in _WB:
        entry["live"] = False  # `compare fetch --live` must not replace the user's file
    return {k: v for k, v in entry.items() if v != ""}


def _other_series(catalog: Catalog, series: str) -> list[str]:
    """A note when another catalog indicator reads the same series code."""
    same = [
        f"{i.id} (source {i.source})"
        for i in catalog.indicators.values()
        if i.derive is None and i.series.casefold() == series.casefold()
    ]
    return [f"note: {series} is also read by {', '.join(same)}"] if same else []


def parse_dimensions(items: list[str] | None) -> dict[str, str]:
    """``["Sex=FEMALE", "Type of skill=SOFT"]`` -> a mapping (CatalogError on a bad item)."""
    found: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip() or not value.strip():
            raise CatalogError(f"--dimension {item!r}: write NAME=VALUE (e.g. Sex=FEMALE)")
        found[name.strip()] = value.strip()
    return found
