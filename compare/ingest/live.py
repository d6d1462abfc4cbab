"""``compare fetch`` without a mirror (or ``--live``): download from the official sources.

Sources read by ``worldbank_long`` or ``worldbank_wide`` are downloaded from the World Bank
Indicators API v2 (``$COMPARE_WB_API``, default ``https://api.worldbank.org/v2``), every page of
``/country/all/indicator/<CODE>?format=json``, and written in the layout their reader already
reads: ``Country Name,Country Code,Year,Value`` for long sources, the official wide ``API_*``
layout (4-line preamble, one column per year) for wide ones. Each folder gets the same
``_manifest.json`` as a mirror import.

The UN E-Government Survey tables (source ``un-egdi``) have no documented download URL: the UN
Data Center (https://publicadministration.un.org/egovkb/Data-Center) offers its
``EGOV_DATA_<year>.csv`` exports through an interactive page only. They stay mirror-only unless
``$COMPARE_UN_EGOV_URL`` gives a URL template (``{file}``: the catalog file name, ``{year}``: its
survey year), e.g. an institutional copy you trust; each file is then downloaded and checked to
be a Data Center export of that year (header and ``Survey Year`` column) before anything changes.

Every download finishes before anything under ``data/raw`` is touched; each folder is then
swapped in whole (:func:`compare.storage.atomic.staged_directory`). Without a network the first
request fails at once (short connect timeout, no connect retries) with a :class:`FetchError`, and
nothing changes. Sources without an official download stay mirror-only and are reported so.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from compare.catalog import Catalog, Source, load_catalog
from compare.config import paths
from compare.errors import FetchError
from compare.ingest.mirror import MANIFEST, FetchResult
from compare.storage import atomic
from compare.storage.checksums import sha256_file

WB_API_ENV = "COMPARE_WB_API"
DEFAULT_WB_API = "https://api.worldbank.org/v2"
WB_READERS = ("worldbank_long", "worldbank_wide")
PER_PAGE = 20000
CONNECT_TIMEOUT = 5.0  # seconds: offline must fail at once
READ_TIMEOUT = 120.0
FIRST_YEAR = 1960  # the wide download's first year column

#: The UN E-Government Survey source downloaded from a user-supplied URL template, if any.
UN_EGOV_SOURCE = "un-egdi"
UN_EGOV_URL_ENV = "COMPARE_UN_EGOV_URL"
UN_EGOV_COLUMNS = ("Survey Year", "Country Name", "E-Government Index")

#: Why a source has no live download (by reader); anything else is mirror-only too.
UN_EGOV_REASON = (
    "no stable official download URL could be confirmed for the UN E-Government Data Center "
    "exports (https://publicadministration.un.org/egovkb/Data-Center offers them only "
    "interactively): skipped, import them with `compare fetch --from DIR` (or set "
    f"{UN_EGOV_URL_ENV} to a URL template with {{file}} or {{year}})"
)
NOT_LIVE_BY_READER = {"un_egdi": UN_EGOV_REASON}
MIRROR_ONLY = "no official API: mirror-only (`compare fetch --from DIR`)"
USER_FILE = "a user's own file (live: false in the catalog): not downloaded"


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


def un_egov_template() -> str:
    """``$COMPARE_UN_EGOV_URL`` (checked: http(s), with ``{file}`` or ``{year}``), or ''."""
    template = os.environ.get(UN_EGOV_URL_ENV, "").strip()
    if not template:
        return ""
    if not template.startswith(("http://", "https://")) or not (
        "{file}" in template or "{year}" in template
    ):
        raise FetchError(
            f"{UN_EGOV_URL_ENV}={template!r} is not a URL template: it must start with "
            "http:// or https:// and contain {file} (e.g. EGOV_DATA_2022.csv) or {year}"
        )
    return template


def _downloadable(source: Source, template: str) -> bool:
    if not source.live:  # a user's own file (`compare add file`): no API holds it
        return False
    return source.reader in WB_READERS or (bool(template) and source.id == UN_EGOV_SOURCE)


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
    template = un_egov_template()
    chosen = [s for s in catalog.sources.values() if not only or s.id in only]
    plan = [s for s in chosen if _downloadable(s, template)]
    not_live = {
        s.id: USER_FILE if not s.live else NOT_LIVE_BY_READER.get(s.reader, MIRROR_ONLY)
        for s in chosen
        if not _downloadable(s, template)
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


def api_session() -> requests.Session:
    """A requests session with the API's retry rules (no connect retries: offline fails fast)."""
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


def get_page(session: requests.Session, url: str, page: int, first: bool) -> tuple[dict, list]:
    """(meta, items) of one page of an API v2 answer; FetchError saying what went wrong."""
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
            "`compare fetch --from DIR` (or set COMPARE_MIRROR)."
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
    meta, observations = get_page(session, url, 1, first)
    urls = [f"{url}?format=json&per_page={PER_PAGE}&page=1"]
    for page in range(2, meta["pages"] + 1):
        _, more = get_page(session, url, page, False)
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


def _year_of(name: str) -> str:
    found = re.search(r"(?<!\d)((?:19|20)\d\d)(?!\d)", name)
    return found.group(1) if found else ""


def _check_egov_export(data: bytes, url: str, year: str) -> None:
    """``data`` must be a UN Data Center ``EGOV_DATA`` export of survey ``year``."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FetchError(f"{url} is not UTF-8 text; nothing in data/raw was changed") from None
    rows = list(csv.reader(io.StringIO(text)))
    header = [cell.strip() for cell in rows[0]] if rows else []
    missing = [col for col in UN_EGOV_COLUMNS if col not in header]
    if missing:
        raise FetchError(
            f"{url} is not a UN E-Government Data Center export (header lacks "
            f"{', '.join(missing)}; starts {text[:80]!r}); nothing in data/raw was changed"
        )
    at = header.index("Survey Year")
    years = {row[at].strip() for row in rows[1:] if len(row) > at and any(row)}
    if not years or (year and years != {year}):
        raise FetchError(
            f"{url} holds survey year(s) {sorted(years) or 'none'}, expected {year}; "
            "nothing in data/raw was changed"
        )


def download_un_egov(
    session: requests.Session, source: Source, template: str, *, first: bool = False
) -> dict[str, tuple[bytes, str]]:
    """Every file of ``source`` from the URL template: {file name: (bytes, url)}."""
    files: dict[str, tuple[bytes, str]] = {}
    for name in source.files:
        year = _year_of(name)
        url = template.format(file=name, year=year)
        try:
            response = session.get(url, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise FetchError(
                f"cannot reach {url} ({_why_unreachable(exc)}; {UN_EGOV_URL_ENV}): "
                f"{'no network? ' if first else ''}Nothing in data/raw was changed."
            ) from None
        if response.status_code != 200:
            raise FetchError(
                f"HTTP {response.status_code} for {url} ({UN_EGOV_URL_ENV}); "
                "nothing in data/raw was changed"
            )
        _check_egov_export(response.content, url, year)
        files[name] = (response.content, url)
        first = False
    return files


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


def _swap_in(
    source: Source, files: dict[str, bytes], dest: Path, about: dict[str, Any]
) -> tuple[str, list[str]]:
    """Swap the downloaded ``files`` in as ``dest`` with a manifest (``about``: origin and
    what was requested); ("imported" | "unchanged" | "changed", notes)."""
    new = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
    status, notes = "imported", []
    old_manifest = dest / MANIFEST
    if old_manifest.is_file():
        try:
            old = {e["file"]: e["sha256"] for e in json.loads(old_manifest.read_text())["files"]}
        except (ValueError, KeyError, TypeError):
            old = {}
        intact = all(
            (dest / name).is_file() and sha256_file(dest / name) == sha for name, sha in new.items()
        )
        if old == new and intact:
            return "unchanged", []
        status = "changed"
        notes = [
            f"{f}: sha256 {str(old.get(f, 'absent'))[:12]} -> {str(new.get(f, 'absent'))[:12]}"
            for f in sorted(set(old) | set(new))
            if old.get(f) != new.get(f)
        ] or [f"files damaged or edited in {dest}, downloaded again"]
    manifest = {
        "source_id": source.id,
        "origin": about.get("origin", ""),
        "licence": source.licence,
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "live": True,
        **{key: value for key, value in about.items() if key != "origin"},
        "files": [
            {"file": name, "bytes": len(data), "sha256": new[name]} for name, data in files.items()
        ],
    }
    with atomic.staged_directory(dest) as stage:
        for name, data in files.items():
            (stage / name).write_bytes(data)
        (stage / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return status, notes


def _write_source(
    source: Source, downloads: list[Download], dest: Path, base: str
) -> tuple[str, list[str]]:
    """Write a World Bank source in its reader's layout and swap it in."""
    name = source.files[0]
    text = wide_csv(downloads) if source.reader == "worldbank_wide" else long_csv(downloads[0])
    encoding = "utf-8-sig" if source.reader == "worldbank_wide" else "utf-8"
    manifest = {
        "origin": "World Bank Indicators API v2: "
        + ", ".join(f"{base}/country/all/indicator/{d.code}" for d in downloads),
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
    }
    return _swap_in(source, {name: text.encode(encoding)}, dest, manifest)


def _write_un_egov(
    source: Source, files: dict[str, tuple[bytes, str]], dest: Path, template: str
) -> tuple[str, list[str]]:
    manifest = {
        "origin": f"user-supplied URL template {UN_EGOV_URL_ENV}={template}",
        "requests": [url for _, url in files.values()],
    }
    return _swap_in(source, {name: data for name, (data, _) in files.items()}, dest, manifest)


def fetch_live(
    only: list[str] | None = None,
    home: str | Path | None = None,
    session: requests.Session | None = None,
) -> LiveFetchResult:
    """Download the World Bank sources of the catalog (or ``only`` those) into ``data/raw``."""
    catalog = load_catalog(home=home)
    plan, not_live = live_plan(catalog, only)
    base = wb_api_base()
    own = session is None
    http = session or api_session()
    template = un_egov_template()
    downloads: dict[str, list[Download]] = {}
    un_files: dict[str, dict[str, tuple[bytes, str]]] = {}
    try:
        first = True
        for source in plan:  # every download completes before data/raw is touched
            if source.reader not in WB_READERS:
                un_files[source.id] = download_un_egov(http, source, template, first=first)
                first = False
                continue
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
        if source.id in un_files:
            status, notes = _write_un_egov(source, un_files[source.id], raw / source.id, template)
        else:
            status, notes = _write_source(source, downloads[source.id], raw / source.id, base)
        if status == "changed":
            result.changed[source.id] = notes
        else:
            getattr(result, status).append(source.id)
    return result
