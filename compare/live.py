"""``compare fetch --live``: download the catalog's World Bank indicators from the official API.

Sources read by ``worldbank_long`` or ``worldbank_wide`` are downloaded from the World Bank
Indicators API v2 (``$COMPARE_WB_API``, default ``https://api.worldbank.org/v2``), every page of
``/country/all/indicator/<CODE>?format=json``, and written in the layout their reader already
reads: ``Country Name,Country Code,Year,Value`` for long sources, the official wide ``API_*``
layout (4-line preamble, one column per year) for wide ones. Each folder gets the same
``_manifest.json`` as a mirror import.

Every download finishes before anything under ``data/raw`` is touched; each folder is then
swapped in whole (:func:`compare.atomic.staged_directory`). Without a network the first request
fails at once (short connect timeout, no connect retries) with a :class:`FetchError`, and
nothing changes. Sources without an official download stay mirror-only and are reported so.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from compare import atomic
from compare.catalog import Catalog, Source, load_catalog
from compare.config import paths
from compare.errors import FetchError
from compare.fetch import MANIFEST, FetchResult

WB_API_ENV = "COMPARE_WB_API"
DEFAULT_WB_API = "https://api.worldbank.org/v2"
WB_READERS = ("worldbank_long", "worldbank_wide")
PER_PAGE = 20000
CONNECT_TIMEOUT = 5.0  # seconds: offline must fail at once
READ_TIMEOUT = 120.0
FIRST_YEAR = 1960  # the wide download's first year column

#: Why a source has no live download (by reader); anything else is mirror-only too.
UN_EGOV_REASON = (
    "no stable official download URL could be confirmed for the UN E-Government Data Center "
    "exports (https://publicadministration.un.org/egovkb/Data-Center offers them only "
    "interactively): skipped, import them with `compare fetch --from DIR`"
)
NOT_LIVE_BY_READER = {"un_egdi": UN_EGOV_REASON}
MIRROR_ONLY = "no official API: mirror-only (`compare fetch --from DIR`)"


@dataclass
class LiveFetchResult(FetchResult):
    """A :class:`FetchResult` that also says which sources stayed mirror-only, and why."""

    not_live: dict[str, str] = field(default_factory=dict)

    def summary(self) -> str:
        lines = [super().summary()]
        lines += [f"  not fetched {sid}: {why}" for sid, why in self.not_live.items()]
        return "\n".join(lines)


@dataclass
class Download:
    """Every observation of one indicator, as the API returned it."""

    code: str
    name: str
    last_updated: str
    observations: list[dict[str, Any]]
    urls: list[str]


def wb_api_base() -> str:
    """The World Bank API root: ``$COMPARE_WB_API`` or the official one."""
    return os.environ.get(WB_API_ENV, "").strip().rstrip("/") or DEFAULT_WB_API


def live_plan(
    catalog: Catalog, only: list[str] | None = None
) -> tuple[list[Source], dict[str, str]]:
    """(sources to download, {source id: why it is not downloaded}) for ``only`` or all."""
    if only:
        unknown = sorted(set(only) - set(catalog.sources))
        if unknown:
            raise FetchError(
                f"not a catalog source: {', '.join(unknown)}; sources: "
                + ", ".join(sorted(catalog.sources))
            )
    chosen = [s for s in catalog.sources.values() if not only or s.id in only]
    plan = [s for s in chosen if s.reader in WB_READERS]
    not_live = {
        s.id: NOT_LIVE_BY_READER.get(s.reader, MIRROR_ONLY)
        for s in chosen
        if s.reader not in WB_READERS
    }
    if not plan:
        raise FetchError(
            "nothing to download: " + "; ".join(f"{sid}: {why}" for sid, why in not_live.items())
        )
    return plan, not_live


def series_codes(catalog: Catalog, source: Source) -> list[str]:
    """The World Bank indicator codes one source holds (its ``series``, or its indicators')."""
    if source.series:
        return [source.series]
    return list(dict.fromkeys(ind.series for ind in catalog.indicators_of(source.id)))


def _session() -> requests.Session:
    session = requests.Session()
    retry = Retry(
        total=3,
        connect=0,
        read=2,
        status=3,
        backoff_factor=1.0,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,
    )
    session.mount("https://", HTTPAdapter(max_retries=retry))
    session.mount("http://", HTTPAdapter(max_retries=retry))
    session.headers["User-Agent"] = "compare-live-fetch (python-requests)"
    return session


def _why_unreachable(exc: requests.RequestException) -> str:
    text = str(exc)
    if isinstance(exc, requests.Timeout):
        return f"no answer within {CONNECT_TIMEOUT:g} s"
    if "resolve" in text or "Name or service" in text or "getaddrinfo" in text:
        return "host name could not be resolved"
    if "refused" in text.lower():
        return "connection refused"
    return text.splitlines()[0][:200] if text else type(exc).__name__


def _get_page(session: requests.Session, url: str, page: int, first: bool) -> tuple[dict, list]:
    params = {"format": "json", "per_page": PER_PAGE, "page": page}
    try:
        response = session.get(url, params=params, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
    except (requests.ConnectionError, requests.Timeout) as exc:
        what = (
            f"cannot reach the World Bank API at {url} ({_why_unreachable(exc)}): no network?"
            if first
            else f"connection lost while downloading {url} page {page} ({_why_unreachable(exc)})"
        )
        raise FetchError(
            f"{what} Nothing in data/raw was changed. Offline, import a mirror instead: "
            "`compare fetch --from DIR`."
        ) from None
    if response.status_code != 200:
        raise FetchError(
            f"the World Bank API answered HTTP {response.status_code} for {response.url}; "
            "nothing in data/raw was changed"
        )
    try:
        body = response.json()
    except ValueError:
        raise FetchError(
            f"not the World Bank API JSON format from {response.url}: "
            f"{response.text[:120]!r}; nothing in data/raw was changed"
        ) from None
    return _parse_page(body, response.url, page)


def _parse_page(body: Any, url: str, page: int) -> tuple[dict, list]:
    """(meta, observations) of one API v2 page ``[{meta}, [obs, ...] | null]``."""
    if isinstance(body, list) and body and isinstance(body[0], dict) and "message" in body[0]:
        messages = body[0]["message"] or []
        text = "; ".join(
            f"{m.get('key', '')}: {m.get('value', '')}".strip(": ")
            for m in messages
            if isinstance(m, dict)
        )
        raise FetchError(f"the World Bank API rejected {url}: {text or body!r}")
    if not (isinstance(body, list) and len(body) == 2 and isinstance(body[0], dict)):
        raise FetchError(f"not the World Bank API v2 page format ([meta, data]) from {url}")
    meta, data = body
    if data is None:
        data = []
    if not isinstance(data, list):
        raise FetchError(f"the World Bank API page from {url} holds no list of observations")
    try:
        meta["page"], meta["pages"] = int(meta.get("page") or 0), int(meta.get("pages") or 0)
        meta["total"] = int(meta.get("total") or 0)
    except (TypeError, ValueError):
        raise FetchError(f"unreadable page counts {meta!r} from {url}") from None
    if data and meta["page"] != page:
        raise FetchError(f"asked for page {page}, the World Bank API sent page {meta['page']}")
    return meta, data


def download_indicator(
    session: requests.Session, base: str, code: str, *, first: bool = False
) -> Download:
    """Every page of ``/country/all/indicator/<code>``; checks the count against ``total``."""
    url = f"{base}/country/all/indicator/{code}"
    meta, observations = _get_page(session, url, 1, first)
    urls = [f"{url}?format=json&per_page={PER_PAGE}&page=1"]
    for page in range(2, meta["pages"] + 1):
        _, more = _get_page(session, url, page, False)
        observations += more
        urls.append(f"{url}?format=json&per_page={PER_PAGE}&page={page}")
    if len(observations) != meta["total"]:
        raise FetchError(
            f"incomplete download of {code}: {len(observations)} observations in "
            f"{meta['pages']} page(s), the API announced {meta['total']}; nothing was changed"
        )
    for obs in observations:
        if not isinstance(obs, dict) or "date" not in obs or "country" not in obs:
            raise FetchError(f"an observation of {code} lacks country or date: {obs!r}")
    names = {str((o.get("indicator") or {}).get("value", "")) for o in observations} - {""}
    return Download(
        code,
        sorted(names)[0] if names else code,
        str(meta.get("lastupdated", "")),
        observations,
        urls,
    )


def _cell(value: Any) -> str:
    """A JSON number as text, exactly as parsed (``repr`` round-trips floats)."""
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _entity(obs: dict[str, Any]) -> tuple[str, str]:
    country = obs.get("country") or {}
    return str(country.get("value", "")).strip(), str(obs.get("countryiso3code") or "").strip()


def long_csv(download: Download) -> str:
    """``Country Name,Country Code,Year,Value``, one line per non-null value (sorted)."""
    rows = sorted(
        (*_entity(obs), str(obs["date"]), _cell(obs.get("value")))
        for obs in download.observations
        if obs.get("value") is not None
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Country Name", "Country Code", "Year", "Value"])
    writer.writerows(rows)
    return out.getvalue()


def wide_csv(downloads: list[Download]) -> str:
    """The official wide ``API_*`` layout: preamble, then one row per economy and indicator."""
    years = sorted(
        {int(o["date"]) for d in downloads for o in d.observations if str(o["date"]).isdigit()}
    )
    columns = [str(y) for y in range(min([FIRST_YEAR, *years]), max([FIRST_YEAR, *years]) + 1)]
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    updated = max((d.last_updated for d in downloads), default="")
    out.write(
        f'"Data Source","World Development Indicators (World Bank API v2)"\n\n'
        f'"Last Updated Date","{updated}"\n\n'
    )
    writer.writerow(["Country Name", "Country Code", "Indicator Name", "Indicator Code", *columns])
    for download in downloads:
        table: dict[tuple[str, str], dict[str, str]] = {}
        for obs in download.observations:
            cells = table.setdefault(_entity(obs), {})
            if obs.get("value") is not None:
                cells[str(obs["date"])] = _cell(obs["value"])
        for (name, code), cells in sorted(table.items()):
            writer.writerow(
                [name, code, download.name, download.code, *(cells.get(col, "") for col in columns)]
            )
    return out.getvalue()


def _write_source(
    source: Source, downloads: list[Download], dest: Path, base: str
) -> tuple[str, list[str]]:
    """Swap the downloaded folder in; ("imported" | "unchanged" | "changed", notes)."""
    name = source.files[0]
    text = wide_csv(downloads) if source.reader == "worldbank_wide" else long_csv(downloads[0])
    encoding = "utf-8-sig" if source.reader == "worldbank_wide" else "utf-8"
    data = text.encode(encoding)
    new = {name: hashlib.sha256(data).hexdigest()}
    status, notes = "imported", []
    old_manifest = dest / MANIFEST
    if old_manifest.is_file():
        old = {e["file"]: e["sha256"] for e in json.loads(old_manifest.read_text())["files"]}
        if old == new:
            return "unchanged", []
        status = "changed"
        notes = [
            f"{f}: sha256 {str(old.get(f, 'absent'))[:12]} -> {str(new.get(f, 'absent'))[:12]}"
            for f in sorted(set(old) | set(new))
            if old.get(f) != new.get(f)
        ]
    with atomic.staged_directory(dest) as stage:
        (stage / name).write_bytes(data)
        manifest = {
            "source_id": source.id,
            "origin": "World Bank Indicators API v2: "
            + ", ".join(f"{base}/country/all/indicator/{d.code}" for d in downloads),
            "licence": source.licence,
            "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "live": True,
            "indicators": [
                {
                    "code": d.code,
                    "name": d.name,
                    "last_updated": d.last_updated,
                    "observations": len(d.observations),
                    "values": sum(o.get("value") is not None for o in d.observations),
                    "requests": d.urls,
                }
                for d in downloads
            ],
            "files": [{"file": name, "bytes": len(data), "sha256": new[name]}],
        }
        (stage / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return status, notes


def fetch_live(
    only: list[str] | None = None,
    home: str | Path | None = None,
    session: requests.Session | None = None,
) -> LiveFetchResult:
    """Download the World Bank sources of the catalog (or ``only`` those) into ``data/raw``."""
    catalog = load_catalog()
    plan, not_live = live_plan(catalog, only)
    base = wb_api_base()
    own = session is None
    http = session or _session()
    downloads: dict[str, list[Download]] = {}
    try:
        first = True
        for source in plan:  # every download completes before data/raw is touched
            downloads[source.id] = []
            for code in series_codes(catalog, source):
                downloads[source.id].append(download_indicator(http, base, code, first=first))
                first = False
    finally:
        if own:
            http.close()
    raw = paths(home).raw
    result = LiveFetchResult(not_live=not_live)
    for source in plan:
        status, notes = _write_source(source, downloads[source.id], raw / source.id, base)
        if status == "changed":
            result.changed[source.id] = notes
        else:
            getattr(result, status).append(source.id)
    return result
