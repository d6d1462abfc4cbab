"""`compare fetch --live`: World Bank API v2 download, served from recorded-format fixtures.

A local ``http.server`` on 127.0.0.1 answers like the World Bank API (files in
``tests/fixtures/live``, a labelled synthetic subset in the real JSON format); ``$COMPARE_WB_API``
points ``compare.ingest.live`` at it, so no test touches the internet.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pandas as pd
import pytest
import requests

from compare.build.run import build
from compare.catalog import load_catalog
from compare.cli import main
from compare.errors import FetchError
from compare.ingest.live import (
    UN_EGOV_REASON,
    WB_READERS,
    download_indicator,
    fetch_live,
    live_plan,
)
from compare.ingest.mirror import MANIFEST, fetch_from_mirror
from tests.paths import LIVE_FIXTURES

FIXTURES = LIVE_FIXTURES
LIVE = ["wb-fixed-broadband", "wb-internet-users"]
PREFIX = "/v2/country/all/indicator/"


class _Api(BaseHTTPRequestHandler):
    """Answers ``/v2/country/all/indicator/<CODE>?format=json&page=N`` from the fixture files."""

    root: Path  # folder of the fixture files served
    requests_seen: list[str]
    missing: set[str]

    def do_GET(self) -> None:
        url = urlparse(self.path)
        query = parse_qs(url.query)
        self.requests_seen.append(self.path)
        code = url.path.removeprefix(PREFIX)
        page = query.get("page", ["1"])[0]
        body_file = self.root / f"{code}_page{page}.json"
        if query.get("format") != ["json"] or not url.path.startswith(PREFIX):
            self._send(400, b"<html>bad request</html>", "text/html")
        elif code in self.missing or not body_file.is_file():
            # The real API answers an unknown indicator with HTTP 200 and an error body.
            self._send(200, (FIXTURES / "error_invalid_value.json").read_bytes())
        else:
            self._send(200, body_file.read_bytes())

    def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Api]]:
    """A fake World Bank API on 127.0.0.1 (``$COMPARE_WB_API`` points at it)."""
    handler = type("Api", (_Api,), {"root": FIXTURES, "requests_seen": [], "missing": set()})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("COMPARE_WB_API", f"http://127.0.0.1:{server.server_port}/v2")
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


def _observations(code: str) -> list[dict]:
    pages = sorted(FIXTURES.glob(f"{code}_page*.json"))
    return [obs for page in pages for obs in json.loads(page.read_text())[1]]


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def test_downloads_every_page_and_writes_the_reader_layouts(api: type[_Api], tmp_path: Path):
    result = fetch_live(only=LIVE, home=tmp_path)
    assert sorted(result.imported) == LIVE and not result.changed
    # Both pages of the paginated indicator were asked for, with the documented parameters.
    bbnd = [r for r in api.requests_seen if "IT.NET.BBND.P2" in r]
    assert len(bbnd) == 2 and all("format=json" in r and "per_page=" in r for r in bbnd)
    assert {parse_qs(urlparse(r).query)["page"][0] for r in bbnd} == {"1", "2"}

    long = pd.read_csv(tmp_path / "data/raw/wb-fixed-broadband/data.csv", dtype=str)
    assert list(long.columns) == ["Country Name", "Country Code", "Year", "Value"]
    expected = {
        (o["countryiso3code"], o["date"], o["value"])
        for o in _observations("IT.NET.BBND.P2")
        if o["value"] is not None
    }
    got = {
        (c, y, float(v))
        for c, y, v in zip(long["Country Code"], long["Year"], long["Value"], strict=True)
    }
    assert got == expected  # nulls are absent rows, values exact

    wide_name = load_catalog().source("wb-internet-users").files[0]
    wide = tmp_path / "data/raw/wb-internet-users" / wide_name
    lines = wide.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith('"Data Source"') and '"2025-07-01"' in lines[2]
    assert lines[4].startswith('"Country Name","Country Code","Indicator Name","Indicator Code"')
    assert '"1960"' in lines[4] and len(lines) == 5 + 3  # header + one row per entity

    manifest = json.loads((tmp_path / "data/raw/wb-fixed-broadband" / MANIFEST).read_text())
    assert manifest["live"] is True and manifest["licence"] == "CC BY 4.0"
    assert "country/all/indicator/IT.NET.BBND.P2" in manifest["origin"]
    assert manifest["imported_at"] and manifest["indicators"][0]["observations"] == 9
    data = (tmp_path / "data/raw/wb-fixed-broadband/data.csv").read_bytes()
    assert manifest["files"] == [
        {"file": "data.csv", "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    ]


def test_build_reads_the_live_files_into_tidy_rows(api: type[_Api], fresh_home: Path):
    fetch_live(only=LIVE, home=fresh_home)
    build(fresh_home, sources=LIVE)
    tidy = pd.read_parquet(fresh_home / "data/processed/indicators.parquet")
    aggregates = pd.read_parquet(fresh_home / "data/processed/aggregates.parquet")
    for code, indicator in (("IT.NET.BBND.P2", "fixed_broadband_per100"),
                            ("IT.NET.USER.ZS", "internet_users_pct")):  # fmt: skip
        obs = [o for o in _observations(code) if o["value"] is not None]
        countries = {(o["countryiso3code"], int(o["date"]), float(o["value"]))
                     for o in obs if o["countryiso3code"] != "LCN"}  # fmt: skip
        rows = tidy[tidy["indicator"] == indicator]
        assert set(zip(rows["iso3"], rows["year"], rows["value"], strict=True)) == countries
        assert set(rows["source_id"]) == {load_catalog().indicator(indicator).source}
        lcn = aggregates[aggregates["indicator"] == indicator]
        assert len(lcn) == sum(o["countryiso3code"] == "LCN" for o in obs)
    # Every value traces back to a line of the written file.
    row = tidy[(tidy["iso3"] == "ESP") & (tidy["indicator"] == "fixed_broadband_per100")].iloc[0]
    lines = (fresh_home / "data/raw/wb-fixed-broadband/data.csv").read_text().splitlines()
    assert lines[row["raw_row"] - 1].split(",")[1:3] == ["ESP", str(row["year"])]


def test_rerun_is_unchanged_and_a_new_value_is_reported(api: type[_Api], tmp_path: Path):
    fetch_live(only=LIVE, home=tmp_path)
    manifest = tmp_path / "data/raw/wb-fixed-broadband" / MANIFEST
    before = manifest.read_text()
    again = fetch_live(only=LIVE, home=tmp_path)
    assert sorted(again.unchanged) == LIVE and manifest.read_text() == before
    # The API publishes a new value: the folder is replaced and the change reported.
    served = tmp_path / "served"
    served.mkdir()
    for page in FIXTURES.glob("*.json"):
        (served / page.name).write_bytes(page.read_bytes())
    body = json.loads((served / "IT.NET.BBND.P2_page2.json").read_text())
    body[1][1]["value"] = 40.5  # Spain 2024 revised (synthetic)
    (served / "IT.NET.BBND.P2_page2.json").write_text(json.dumps(body))
    api.root = served
    changed = fetch_live(only=LIVE, home=tmp_path)
    assert list(changed.changed) == ["wb-fixed-broadband"] and changed.unchanged == [
        "wb-internet-users"
    ]
    assert "Spain,ESP,2024,40.5" in (tmp_path / "data/raw/wb-fixed-broadband/data.csv").read_text()


def test_offline_fails_at_once_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mirror: Path
) -> None:
    fetch_from_mirror(mirror, home=tmp_path, only=["wb-fixed-broadband"])
    raw = tmp_path / "data/raw"
    before = _snapshot(raw)
    monkeypatch.setenv("COMPARE_WB_API", "http://127.0.0.1:9/v2")  # port 9: refused
    with pytest.raises(FetchError) as caught:
        fetch_live(only=LIVE, home=tmp_path)
    message = str(caught.value)
    assert "cannot reach the World Bank API" in message and "connection refused" in message
    assert "Nothing in data/raw was changed" in message and "--from" in message
    assert _snapshot(raw) == before
    assert sorted(p.name for p in raw.iterdir()) == ["wb-fixed-broadband"]  # no stage left


def test_a_failure_midway_changes_nothing(api: type[_Api], tmp_path: Path) -> None:
    fetch_live(only=LIVE, home=tmp_path)
    before = _snapshot(tmp_path / "data/raw")
    api.missing = {"IT.NET.USER.ZS"}  # the second download fails after the first succeeded
    with pytest.raises(FetchError, match=r"rejected .*Invalid value"):
        fetch_live(only=LIVE, home=tmp_path, session=requests.Session())
    assert _snapshot(tmp_path / "data/raw") == before


def test_api_error_body_and_bad_format_are_fetch_errors(api: type[_Api]) -> None:
    base = os.environ["COMPARE_WB_API"]
    with requests.Session() as session:
        with pytest.raises(FetchError, match="Invalid value: The provided parameter"):
            download_indicator(session, base, "NO.SUCH.CODE")
        with pytest.raises(FetchError, match="HTTP 400"):
            download_indicator(session, base.removesuffix("/v2") + "/other", "IT.NET.USER.ZS")


def test_plan_covers_world_bank_sources_and_reports_the_rest() -> None:
    catalog = load_catalog()
    plan, not_live = live_plan(catalog)
    assert {s.id for s in plan} == {
        s.id for s in catalog.sources.values() if s.reader in WB_READERS
    }
    assert set(not_live) == set(catalog.sources) - {s.id for s in plan}
    assert not_live["un-egdi"] == UN_EGOV_REASON and "mirror-only" in not_live["oecd-dgi-2023"]
    with pytest.raises(FetchError, match="nothing to download: un-egdi: no stable official"):
        live_plan(catalog, ["un-egdi"])
    with pytest.raises(FetchError, match="not a catalog source: nope"):
        live_plan(catalog, ["nope"])


def test_cli_live_fetch_and_offline_exit_codes(
    api: type[_Api], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("COMPARE_HOME", str(tmp_path))
    assert main(["fetch", "--live", "--only", "wb-fixed-broadband", "un-egdi"]) == 0
    out = capsys.readouterr().out
    assert "imported 1" in out and "not fetched un-egdi: no stable official download" in out
    monkeypatch.setenv("COMPARE_WB_API", "http://127.0.0.1:9/v2")
    assert main(["fetch", "--live", "--only", "wb-fixed-broadband"]) == 2
    assert "cannot reach the World Bank API" in capsys.readouterr().err


# --- `compare fetch` without a mirror downloads; offline it fails at once and changes nothing ---


def test_fetch_without_mirror_downloads(
    api: type[_Api], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    monkeypatch.setenv("COMPARE_HOME", str(tmp_path))
    monkeypatch.delenv("COMPARE_MIRROR", raising=False)
    assert main(["fetch", "--only", *LIVE]) == 0
    out = capsys.readouterr().out
    assert "no mirror (--from DIR or $COMPARE_MIRROR): downloading" in out
    assert f"World Bank API {os.environ['COMPARE_WB_API']}" in out and "imported 2" in out
    for source in LIVE:
        manifest = json.loads((tmp_path / "data/raw" / source / MANIFEST).read_text())
        assert manifest["live"] is True
    assert any("IT.NET.USER.ZS" in r for r in api.requests_seen)


def test_fetch_with_a_mirror_variable_imports_it_and_live_with_from_is_refused(
    api: type[_Api], tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mirror: Path,
    capsys: pytest.CaptureFixture,
) -> None:  # fmt: skip
    monkeypatch.setenv("COMPARE_HOME", str(tmp_path))
    monkeypatch.setenv("COMPARE_MIRROR", str(mirror))
    assert main(["fetch", "--only", "wb-fixed-broadband"]) == 0
    manifest = json.loads((tmp_path / "data/raw/wb-fixed-broadband" / MANIFEST).read_text())
    assert "live" not in manifest and manifest["mirror"] == str(mirror / "wb-fixed-broadband")
    assert api.requests_seen == []  # the mirror, not the API
    assert main(["fetch", "--live", "--from", str(mirror)]) == 2
    assert "give one of them" in capsys.readouterr().err
    assert main(["fetch", "--live", "--only", "wb-fixed-broadband"]) == 0  # --live wins the env
    assert json.loads((tmp_path / "data/raw/wb-fixed-broadband" / MANIFEST).read_text())["live"]


def test_offline_fetch_without_mirror_fails_at_once_and_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mirror: Path, capsys: pytest.CaptureFixture
) -> None:
    import socket

    fetch_from_mirror(mirror, home=tmp_path, only=["wb-fixed-broadband", "un-egdi"])
    raw = tmp_path / "data/raw"
    before = _snapshot(raw)
    closed = socket.socket()  # a port bound on 127.0.0.1 with nobody listening: refused
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    monkeypatch.setenv("COMPARE_WB_API", f"http://127.0.0.1:{port}/v2")
    monkeypatch.setenv("COMPARE_HOME", str(tmp_path))
    monkeypatch.delenv("COMPARE_MIRROR", raising=False)
    try:
        assert main(["fetch"]) == 2
    finally:
        closed.close()
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0]  # one line, no traceback
    assert err[0].startswith(
        f"compare fetch: error: cannot reach the World Bank API at http://127.0.0.1:{port}/v2/"
    )
    assert "(connection refused): no network? Nothing in data/raw was changed" in err[0]
    assert "`compare fetch --from DIR` (or set COMPARE_MIRROR)" in err[0]
    assert _snapshot(raw) == before
    assert sorted(p.name for p in raw.iterdir()) == ["un-egdi", "wb-fixed-broadband"]


# --- UN E-Government Survey files from a user-supplied URL template ------------------------------


@pytest.fixture
def un_server(mirror: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict]:
    """Serves the mirror's real UN Data Center exports (read where they lie) at /egov/<file>;
    /page/<file> answers an HTML page instead, as a site's landing page would."""
    folder = mirror / "un-egdi"
    seen: list[str] = []

    class Files(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            name = urlparse(self.path).path.rsplit("/", 1)[-1]
            if self.path.startswith("/egov/") and (folder / name).is_file():
                body, kind, status = (folder / name).read_bytes(), "text/csv", 200
            elif self.path.startswith("/page/"):
                body, kind, status = b"<!DOCTYPE html><html>Data Center</html>", "text/html", 200
            else:
                body, kind, status = b"not found", "text/plain", 404
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Files)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"base": f"http://127.0.0.1:{server.server_port}", "seen": seen, "folder": folder}
    finally:
        server.shutdown()
        server.server_close()


def test_un_egov_is_downloaded_from_a_url_template(
    un_server: dict, fresh_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COMPARE_UN_EGOV_URL", un_server["base"] + "/egov/{file}")
    plan, not_live = live_plan(load_catalog(), ["un-egdi", "un-egdi-2024-secondary"])
    assert [s.id for s in plan] == ["un-egdi"] and "un-egdi-2024-secondary" in not_live
    result = fetch_live(only=["un-egdi"], home=fresh_home)
    assert result.imported == ["un-egdi"]
    files = load_catalog().source("un-egdi").files
    assert un_server["seen"] == [f"/egov/{name}" for name in files]
    dest = fresh_home / "data/raw/un-egdi"
    for name in files:  # byte for byte what was served
        assert (dest / name).read_bytes() == (un_server["folder"] / name).read_bytes()
    manifest = json.loads((dest / MANIFEST).read_text())
    assert manifest["live"] is True and "COMPARE_UN_EGOV_URL=" in manifest["origin"]
    assert [e["file"] for e in manifest["files"]] == list(files)
    assert manifest["requests"][0] == un_server["base"] + f"/egov/{files[0]}"
    assert fetch_live(only=["un-egdi"], home=fresh_home).unchanged == ["un-egdi"]
    # the build reads them as it reads the mirror import
    build(fresh_home, sources=["un-egdi"])
    tidy = pd.read_parquet(fresh_home / "data/processed/indicators.parquet")
    esp = tidy[(tidy["iso3"] == "ESP") & (tidy["source_id"] == "un-egdi")]
    assert sorted(set(esp["year"])) == [int(n[10:14]) for n in files]


def test_un_egov_template_errors_change_nothing(
    un_server: dict, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mirror: Path
) -> None:
    fetch_from_mirror(mirror, home=tmp_path, only=["un-egdi"])
    before = _snapshot(tmp_path / "data/raw")
    monkeypatch.setenv("COMPARE_UN_EGOV_URL", un_server["base"] + "/page/{file}")
    with pytest.raises(FetchError, match="is not a UN E-Government Data Center export"):
        fetch_live(only=["un-egdi"], home=tmp_path)
    monkeypatch.setenv("COMPARE_UN_EGOV_URL", un_server["base"] + "/missing/{year}.csv")
    with pytest.raises(FetchError, match=r"HTTP 404 for http://127\.0\.0\.1:\d+/missing/2003\."):
        fetch_live(only=["un-egdi"], home=tmp_path)
    # a file of another survey year under this year's name
    other_year = un_server["base"] + "/egov/EGOV_DATA_2022.csv?{year}"
    monkeypatch.setenv("COMPARE_UN_EGOV_URL", other_year)
    with pytest.raises(FetchError, match=r"holds survey year\(s\) \['2022'\], expected 2003"):
        fetch_live(only=["un-egdi"], home=tmp_path)
    monkeypatch.setenv("COMPARE_UN_EGOV_URL", "ftp://example/{file}")
    with pytest.raises(FetchError, match="is not a URL template"):
        fetch_live(only=["un-egdi"], home=tmp_path)
    assert _snapshot(tmp_path / "data/raw") == before
