"""``compare add file`` on copies of real mirror files, ``compare add wb`` against recorded-format
API answers (``tests/fixtures/live``, served on 127.0.0.1) and offline.

Expected values are recomputed from the files with the csv module or plain pandas, never with
the code under test.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import shutil
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pandas as pd
import pytest

from compare.build.run import build
from compare.catalog import load_catalog
from compare.cli import main
from compare.errors import CatalogError
from compare.ingest.add.entries import unit_from_name
from compare.ingest.add.local_file import detect_reader
from compare.ingest.live import live_plan
from compare.ingest.mirror import MANIFEST, fetch_from_mirror
from tests.paths import CORPUS, LIVE_FIXTURES

BROADBAND = "wb-fixed-broadband"
SDG = "itu-sdg-ict-skills-mobile-own-by-sex"


@pytest.fixture
def home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """An empty project home whose user catalog is read."""
    monkeypatch.delenv("COMPARE_NO_USER_CATALOG", raising=False)
    monkeypatch.delenv("COMPARE_CATALOG", raising=False)
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("COMPARE_HOME", str(home))
    return home


def _snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def _copy(src: Path, dest: Path) -> Path:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    return dest


def _values(tidy: pd.DataFrame, indicator: str) -> pd.DataFrame:
    rows = tidy[tidy["indicator"] == indicator]
    return rows[["iso3", "year", "value"]].sort_values(["iso3", "year"], ignore_index=True)


# --- compare add file --------------------------------------------------------------------------


def test_add_file_of_the_broadband_csv_builds_to_the_built_in_values(
    home: Path, mirror: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = _copy(mirror / BROADBAND / "data.csv", tmp_path / "downloads" / "broadband.csv")
    code = main(["add", "file", str(copy), "--series", "IT.NET.BBND.P2", "--unit",
                 "per_100_people", "--title", "Fixed broadband, my copy", "--id", "my_broadband",
                 "--source-id", "my-broadband", "--family", "digital_divide"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0
    # what was written, what the file holds, and the next commands
    with copy.open(newline="", encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    filled = [r for r in lines if r["Value"].strip() not in ("", "..")]
    entities = {r["Country Code"] for r in filled}
    assert f"{len(filled)} values of IT.NET.BBND.P2, {len(entities)} countries" in out
    assert "also read by fixed_broadband_per100 (source wb-fixed-broadband)" in out
    assert (
        "compare build" in out
        and "compare report --only 'indicator_comparison/my_broadband'" in out
    )
    catalog = load_catalog()
    assert catalog.origin("indicators", "my_broadband") == str(home / "catalog.local.yml")
    source = catalog.source("my-broadband")
    assert (source.reader, source.files, source.series, source.live) == (
        "worldbank_long", ("broadband.csv",), "IT.NET.BBND.P2", False,
    )  # fmt: skip
    raw = home / "data/raw/my-broadband"
    assert (raw / "broadband.csv").read_bytes() == copy.read_bytes()
    manifest = json.loads((raw / MANIFEST).read_text())
    sha = hashlib.sha256(copy.read_bytes()).hexdigest()
    assert manifest["files"] == [
        {"file": "broadband.csv", "bytes": copy.stat().st_size, "sha256": sha}
    ]
    assert manifest["origin"] == f"local file {copy}" and manifest["live"] is False
    # `compare fetch --live` leaves the user's file alone
    plan, not_live = live_plan(catalog, [BROADBAND, "my-broadband"])
    assert [s.id for s in plan] == [BROADBAND] and "user's own file" in not_live["my-broadband"]

    fetch_from_mirror(mirror, home=home, only=[BROADBAND])
    report = build(home, sources=[BROADBAND, "my-broadband"])
    assert report.sources["my-broadband"] == {**report.sources[BROADBAND],
        "seconds": report.sources["my-broadband"]["seconds"],
        "files": report.sources["my-broadband"]["files"]}  # fmt: skip
    tidy = pd.read_parquet(home / "data/processed/indicators.parquet")
    mine, built_in = _values(tidy, "my_broadband"), _values(tidy, "fixed_broadband_per100")
    assert len(mine) > 4000
    pd.testing.assert_frame_equal(mine, built_in)
    # and every value is its raw cell
    cells = {(r["Country Code"], int(r["Year"])): float(r["Value"]) for r in filled}
    assert all(cells[(i, y)] == v for i, y, v in mine.itertuples(index=False))


def test_add_file_detects_a_wide_download_with_its_title_and_unit(
    home: Path, mirror: Path, tmp_path: Path
) -> None:
    name = "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
    copy = _copy(mirror / "wb-internet-users" / name, tmp_path / "dl" / name)
    assert detect_reader(copy) == "worldbank_wide"
    assert main(["add", "file", str(copy), "--id", "my_internet"]) == 0
    mine = load_catalog().indicator("my_internet")
    assert mine.title == "Individuals using the Internet (% of population)"
    assert (mine.unit, mine.range, mine.bounded, mine.family) == (
        "percent",
        (0.0, 100.0),
        True,
        "context",
    )
    assert (mine.series, mine.source) == ("IT.NET.USER.ZS", "file-it-net-user-zs")
    fetch_from_mirror(mirror, home=home, only=["wb-internet-users"])
    build(home, sources=["wb-internet-users", "file-it-net-user-zs"])
    tidy = pd.read_parquet(home / "data/processed/indicators.parquet")
    pd.testing.assert_frame_equal(_values(tidy, "my_internet"), _values(tidy, "internet_users_pct"))


def test_add_file_takes_an_sdg_breakdown_chosen_by_dimension(
    home: Path, mirror: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name = "sdg_database_ind_own_mobile.csv"
    copy = _copy(mirror / SDG / name, tmp_path / "dl" / name)
    before = _snapshot(home)
    # three breakdowns of the series: the command lists them and changes nothing
    assert main(["add", "file", str(copy)]) == 2
    err = capsys.readouterr().err
    assert "the file holds 3 series: give --series CODE (and --dimension NAME=VALUE)" in err
    assert "IT_MOB_OWN[Reporting Type=G; Sex=FEMALE]" in err
    assert _snapshot(home) == before
    assert main(["add", "file", str(copy), "--dimension", "Sex=FEMALE", "--family",
                 "digital_divide"]) == 0  # fmt: skip
    mine = load_catalog().indicator("it_mob_own_female")
    assert dict(mine.dimensions) == {"Reporting Type": "G", "Sex": "FEMALE"}
    assert (mine.unit, mine.range) == ("percent", (0.0, 100.0))  # "Proportion of ... (%)"
    fetch_from_mirror(mirror, home=home, only=[SDG])
    build(home, sources=[SDG, "file-it-mob-own"])
    tidy = pd.read_parquet(home / "data/processed/indicators.parquet")
    mine_values = _values(tidy, "it_mob_own_female")
    pd.testing.assert_frame_equal(mine_values, _values(tidy, "mobile_phone_owners_female_pct"))
    frame = pd.read_csv(copy, dtype=str, keep_default_na=False)
    female = frame[(frame["SeriesCode"] == "IT_MOB_OWN") & (frame["Sex"] == "FEMALE")]
    assert len(mine_values) <= len(female) and len(mine_values) > 50


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--id", "egdi", "--series", "IT.NET.BBND.P2", "--unit", "per_100_people", "--title", "t"],
         "indicator 'egdi' is already in the catalog (from package)"),
        (["--source-id", "un-egdi", "--series", "S", "--unit", "percent", "--title", "t"],
         "source 'un-egdi' is already in the catalog"),
        (["--unit", "percent", "--title", "t"], "names no series: give --series"),
        (["--series", "IT.NET.BBND.P2", "--title", "t"], "states no unit"),
        (["--series", "IT.NET.BBND.P2", "--unit", "percent"], "gives no name for IT.NET.BBND.P2"),
        (["--reader", "un_sdg_csv"], "no header with column(s) 'SeriesCode'"),
        (["--series", "X", "--unit", "percent", "--title", "t", "--range", "5", "1"],
         "MIN above MAX"),
        (["--series", "X", "--unit", "percent", "--title", "t", "--catalog", "/tmp/elsewhere.yml"],
         "is not read by compare"),
    ],
)  # fmt: skip
def test_add_file_refusals_change_nothing(
    home: Path, mirror: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], *,
    args: list[str], message: str,
) -> None:  # fmt: skip
    copy = _copy(mirror / BROADBAND / "data.csv", tmp_path / "dl" / "broadband.csv")
    before = _snapshot(home)
    assert main(["add", "file", str(copy), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert _snapshot(home) == before


def test_add_file_of_an_unknown_layout_lists_the_readers(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = CORPUS / "SYNTHETIC_wrong_columns.csv"
    with pytest.raises(CatalogError, match="no known layout in its first 50 lines"):
        detect_reader(odd)
    assert main(["add", "file", str(odd)]) == 2
    assert "give --reader (one of" in capsys.readouterr().err
    assert not (home / "catalog.local.yml").exists()


def test_an_existing_raw_folder_is_never_overwritten(
    home: Path, mirror: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = _copy(mirror / BROADBAND / "data.csv", tmp_path / "dl" / "broadband.csv")
    (home / "data/raw/my-bb").mkdir(parents=True)
    (home / "data/raw/my-bb/keep.txt").write_text("mine")
    args = ["--series", "S", "--unit", "percent", "--title", "t", "--source-id", "my-bb"]
    assert main(["add", "file", str(copy), *args]) == 2
    assert "already exists, though no catalog source names it" in capsys.readouterr().err
    assert (home / "data/raw/my-bb/keep.txt").read_text() == "mine"


def test_add_keeps_the_comments_and_entries_of_the_user_catalog(
    home: Path, mirror: Path, tmp_path: Path
) -> None:
    own = home / "catalog.local.yml"
    own.write_text("# my notes, kept\nunits:\n  widgets: widgets per person  # mine\n")
    copy = _copy(mirror / BROADBAND / "data.csv", tmp_path / "dl" / "broadband.csv")
    args = ["--series", "IT.NET.BBND.P2", "--unit", "widgets", "--title", "Widgets", "--id", "w"]
    assert main(["add", "file", str(copy), *args]) == 0
    text = own.read_text()
    assert text.startswith("# my notes, kept\nunits:\n  widgets: widgets per person  # mine\n")
    assert "# added by `compare add file broadband.csv` on " in text
    assert load_catalog().indicator("w").unit == "widgets"


# --- compare add wb ----------------------------------------------------------------------------


class _Api(BaseHTTPRequestHandler):
    """The World Bank API v2 from the fixture files: ``/v2/indicator/<CODE>`` (metadata,
    ``<CODE>_meta.json``) and ``/v2/country/all/indicator/<CODE>`` (``<CODE>_page<N>.json``)."""

    seen: list[str]

    def do_GET(self) -> None:
        url = urlparse(self.path)
        self.seen.append(self.path)
        page = dict(p.split("=", 1) for p in url.query.split("&") if "=" in p).get("page", "1")
        if url.path.startswith("/v2/indicator/"):
            body = LIVE_FIXTURES / f"{url.path.removeprefix('/v2/indicator/')}_meta.json"
        else:
            code = url.path.removeprefix("/v2/country/all/indicator/")
            body = LIVE_FIXTURES / f"{code}_page{page}.json"
        if not body.is_file():  # the real API answers HTTP 200 with an error body
            body = LIVE_FIXTURES / "error_invalid_value.json"
        data = body.read_bytes()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def api(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[_Api]]:
    handler = type("Api", (_Api,), {"seen": []})
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
    pages = sorted(LIVE_FIXTURES.glob(f"{code}_page*.json"))
    return [obs for page in pages for obs in json.loads(page.read_text())[1]]


def test_add_wb_writes_the_series_and_entries_from_the_api(
    home: Path, api: type[_Api], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["add", "wb", "IT.NET.BBND.P2", "--family", "digital_divide"]) == 0
    out = capsys.readouterr().out
    assert api.seen[0].startswith("/v2/indicator/IT.NET.BBND.P2?")  # metadata first
    catalog = load_catalog()
    mine = catalog.indicator("it_net_bbnd_p2")
    assert mine.title == "Fixed broadband subscriptions (per 100 people)"
    assert (mine.unit, mine.range, mine.family) == (
        "per_100_people",
        (0.0, math.inf),
        "digital_divide",
    )
    source = catalog.source("wb-it-net-bbnd-p2")
    assert (source.reader, source.series, source.licence, source.live) == (
        "worldbank_long", "IT.NET.BBND.P2", "CC BY 4.0", True,
    )  # fmt: skip
    assert "World Development Indicators" in source.citation
    values = [o for o in _observations("IT.NET.BBND.P2") if o["value"] is not None]
    assert f"{len(values)} values of IT.NET.BBND.P2" in out
    assert "compare report --only 'indicator_comparison/it_net_bbnd_p2'" in out
    manifest = json.loads((home / "data/raw/wb-it-net-bbnd-p2" / MANIFEST).read_text())
    assert manifest["live"] is True and manifest["indicators"][0]["values"] == len(values)
    assert manifest["indicators"][0]["source_organization"].startswith("International")

    build(home, sources=["wb-it-net-bbnd-p2"])
    tidy = pd.read_parquet(home / "data/processed/indicators.parquet")
    expected = {(o["countryiso3code"], int(o["date"]), float(o["value"]))
                for o in values if o["countryiso3code"] != "LCN"}  # fmt: skip
    got = tidy[tidy["indicator"] == "it_net_bbnd_p2"]
    assert set(zip(got["iso3"], got["year"], got["value"], strict=True)) == expected
    # a later `compare fetch --live` refreshes it like a built-in World Bank source
    assert [s.id for s in live_plan(catalog, ["wb-it-net-bbnd-p2"])[0]] == ["wb-it-net-bbnd-p2"]


def test_add_wb_offline_fails_at_once_and_changes_nothing(
    home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (home / "catalog.local.yml").write_text("units:\n  widgets: widgets per person\n")
    before = _snapshot(home)
    monkeypatch.setenv("COMPARE_WB_API", "http://127.0.0.1:9/v2")  # port 9: refused
    assert main(["add", "wb", "SP.DYN.TFRT.IN"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("compare add: error: compare add wb needs the World Bank API")
    assert "connection refused" in err and "Nothing was changed" in err
    assert "compare add file PATH --series SP.DYN.TFRT.IN" in err
    assert _snapshot(home) == before


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("SP.DYN.TFRT.IN", "holds no value of SP.DYN.TFRT.IN (4 observations, all empty)"),
        ("NO.SUCH.CODE", "no World Bank indicator 'NO.SUCH.CODE'? the World Bank API rejected"),
        ("bad code;", "is not a World Bank indicator code"),
    ],
)
def test_add_wb_refusals_change_nothing(
    home: Path, api: type[_Api], capsys: pytest.CaptureFixture[str], code: str, message: str
) -> None:
    before = _snapshot(home)
    assert main(["add", "wb", code]) == 2
    assert message in capsys.readouterr().err
    assert _snapshot(home) == before


def test_units_from_series_names() -> None:
    def unit(name: str) -> tuple:
        found = unit_from_name(name)
        return (found.id, found.range, found.bounded) if found else ()

    assert unit("Individuals using the Internet (% of population)") == (
        "percent",
        (0.0, 100.0),
        True,
    )
    assert unit("Unemployment, total (% of total labor force)") == ("percent", (0.0, 100.0), True)
    assert unit("Fixed broadband subscriptions (per 100 people)")[0] == "per_100_people"
    assert unit("Secure Internet servers (per 1 million people)")[0] == "per_million_people"
    assert unit("GDP per capita, PPP (current international $)")[0] == "int_dollars_ppp"
    # words the catalog has no unit for make a new unit, with no range
    assert unit("Fertility rate, total (births per woman)") == ("births_per_woman", None, False)
    assert unit("Central government debt, total (% of GDP)") == ("pct_of_gdp", None, False)
    assert unit("School enrollment, tertiary (% gross)") == ("pct_gross", None, False)
    assert unit("Proportion of individuals who own a mobile telephone (%)")[1] == (0.0, 100.0)
    assert unit("Population, total") == ()


def test_a_second_add_at_the_same_time_is_refused(
    home: Path, mirror: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import fcntl
    import os

    copy = _copy(mirror / BROADBAND / "data.csv", tmp_path / "dl" / "broadband.csv")
    args = ["--series", "IT.NET.BBND.P2", "--unit", "per_100_people", "--title", "t"]
    held = os.open(home, os.O_RDONLY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)  # as a running `compare add` holds it
        assert main(["add", "file", str(copy), *args]) == 2
        assert "another `compare add` is running" in capsys.readouterr().err
    finally:
        os.close(held)
    assert not (home / "catalog.local.yml").exists()
    assert main(["add", "file", str(copy), *args]) == 0
