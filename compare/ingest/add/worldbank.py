"""``compare add wb CODE``: a World Bank series, downloaded through the API path of
``compare fetch --live`` (:mod:`compare.ingest.live`), stored in the long layout its reader
reads, and declared with the title, unit and range its metadata give.

The metadata (``/indicator/<CODE>``: name, source, organisation) are asked for first: offline,
that request fails at once (no connect retries) and nothing changes.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests

from compare.catalog import load_catalog
from compare.errors import FetchError
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
from compare.ingest.live import Download, api_session, download_indicator, get_page, long_csv
from compare.ingest.live import wb_api_base as api_base

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._]{0,79}$")
#: World Development Indicators, the API's source 2: CC BY 4.0 (the other databases differ).
WDI_SOURCE_ID = "2"
WDI_LICENCE = "CC BY 4.0"
FILE = "data.csv"


def metadata(session: requests.Session, base: str, code: str) -> dict[str, Any]:
    """The API's description of ``code`` (``/indicator/<code>``): name, source, notes."""
    url = f"{base}/indicator/{code}"
    try:
        _, items = get_page(session, url, 1, True)
    except FetchError as exc:
        text = str(exc)
        unreachable = re.search(r"cannot reach the World Bank API at \S+ \(([^)]*)\)", text)
        if unreachable:
            raise FetchError(
                f"compare add wb needs the World Bank API ({base}), which cannot be reached "
                f"({unreachable.group(1)}). Nothing was changed. Offline, add a file you "
                f"already have instead: `compare add file PATH --series {code}` (a DataBank or "
                "data.worldbank.org download)"
            ) from None
        raise FetchError(f"no World Bank indicator {code!r}? {text}; nothing was changed") from None
    found = [
        i for i in items if isinstance(i, dict) and str(i.get("id", "")).upper() == code.upper()
    ]
    if not found:
        raise FetchError(f"the World Bank API describes no indicator {code!r}; nothing was changed")
    return found[0]


def _download(code: str, session: requests.Session | None) -> tuple[dict[str, Any], Download, str]:
    base = api_base()
    http = session or api_session()
    try:
        about = metadata(http, base, code)
        download = download_indicator(http, base, code)
    finally:
        if session is None:
            http.close()
    return about, download, base


def _source_entry(code: str, about: dict[str, Any], options: Options) -> dict[str, Any]:
    database = str((about.get("source") or {}).get("value") or "World Bank").strip()
    licence = (
        WDI_LICENCE
        if str((about.get("source") or {}).get("id")) == WDI_SOURCE_ID
        else f"not stated by the API: see the terms of {database}"
    )
    today = f"{datetime.now(UTC):%Y-%m-%d}"
    return {
        "publisher": options.publisher or f"World Bank, {database}",
        "reader": "worldbank_long",
        "files": [FILE],
        "series": code,
        "licence": options.licence or licence,
        "citation": options.citation
        or f"World Bank, {database}: {code} ({about.get('name', code)}), World Bank API v2, "
        f"retrieved {today}",
        "url": options.url or f"https://data.worldbank.org/indicator/{code}",
        "missing_markers": list(options.missing_markers or ("", "..")),
    }


def add_wb(
    code: str,
    options: Options,
    home: Path | None = None,
    session: requests.Session | None = None,
) -> Addition:
    """Download ``code`` and make the catalog entries; nothing is written here (see
    :func:`compare.ingest.add.entries.commit`)."""
    if not _CODE.match(code):
        raise FetchError(f"{code!r} is not a World Bank indicator code (e.g. SP.DYN.TFRT.IN)")
    options.check()
    catalog = load_catalog(home=home)
    source_id = options.source_id or f"wb-{slug(code, '-')}"
    indicator_id = options.indicator_id or slug(code, "_")
    check_free(catalog, source_id, indicator_id, home)
    about, download, base = _download(code, session)
    values = [o for o in download.observations if o.get("value") is not None]
    if not values:
        raise FetchError(
            f"the World Bank API holds no value of {code} ({len(download.observations)} "
            "observations, all empty); nothing was changed"
        )
    name = str(about.get("name") or download.name)
    unit = choose_unit(options, catalog, name, f"the World Bank's name of {code}")
    source = _source_entry(code, about, options)
    files: dict[str, bytes | Path] = {FILE: long_csv(download).encode("utf-8")}
    record = manifest(
        source_id,
        source["licence"],
        f"World Bank Indicators API v2: {base}/country/all/indicator/{code}",
        files,
    )
    record.update(live=True, indicators=[_indicator_record(download, values, about)])
    years = sorted({str(o["date"]) for o in values})
    entities = {
        str(o.get("countryiso3code") or (o.get("country") or {}).get("value")) for o in values
    }
    return Addition(
        source_id=source_id,
        source=source,
        indicator_id=indicator_id,
        indicator=indicator_entry(options, unit, source_id, code, name),
        files=files,
        manifest=record,
        command=f"compare add wb {code}",
        units=new_units(catalog, unit),
        facts=[
            f"{len(values)} values of {code} ({name}), {len(entities)} countries and aggregates, "
            f"{years[0]}-{years[-1]}; last updated by the World Bank "
            f"{download.last_updated or '(not given)'}"
        ],
        catalog=options.catalog,
    )


def _indicator_record(download: Download, values: list[dict], about: dict[str, Any]) -> dict:
    """The manifest's account of the download (as ``compare fetch --live`` writes it)."""
    return {
        "code": download.code,
        "name": download.name,
        "last_updated": download.last_updated,
        "observations": len(download.observations),
        "values": len(values),
        "requests": download.urls,
        "source_note": str(about.get("sourceNote") or ""),
        "source_organization": str(about.get("sourceOrganization") or ""),
    }
