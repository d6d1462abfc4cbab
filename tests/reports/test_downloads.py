"""The data behind every figure and table, downloadable from the page (issue 19).

One report run (internet use and the evidence overview, with ``--bundle``): the CSV behind the
map holds one row per member, the values equal to the processed table for that year (read here
with plain pandas, and through ``compare.load``); the CSV behind the distribution holds the same
values and the two groups' means, recomputed here and read back from the page's sentences; every
"Download data" link of every page, opened offline in Chromium from the unpacked bundle, points
at a file inside it, one per figure and table; every CSV opens in pandas with the columns its
``datapackage.json`` declares, matches its size and sha256, and names no local folder.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import subprocess
import sys
import urllib.parse
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml

from tests.browser import rendered_dom
from tests.paths import REPO

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("notebooks")]

EUR, LAC = "Europe", "Latin America & Caribbean"
INTERNET = "indicator_comparison/internet_users_pct"
EVIDENCE = "evidence_overview/default"
LINK = "Download data (CSV)"


@pytest.fixture(scope="module")
def published(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("downloads")
    matrix = root / "matrix.yml"
    runs = [
        {
            "notebook": str(REPO / "notebooks" / "indicator_comparison.ipynb"),
            "each": {"indicator": ["internet_users_pct"]},
            "name": "{indicator}",
        },
        {"notebook": str(REPO / "notebooks" / "evidence_overview.ipynb")},
    ]
    matrix.write_text(yaml.safe_dump({"runs": runs}), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "COMPARE_REPORT"}
    env["COMPARE_HOME"] = str(built_home)
    out, target = root / "reports", root / "sent" / "reports.zip"
    done = subprocess.run(
        [sys.executable, "-m", "compare.cli", "report", "--matrix", str(matrix), "--out",
         str(out), "--no-progress", "--workers", "2", "--bundle", str(target)],
        capture_output=True, text=True, env=env, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    unpacked = root / "elsewhere"
    with zipfile.ZipFile(target) as archive:
        archive.extractall(unpacked)
        names = archive.namelist()
    return {"root": root, "out": out, "unpacked": unpacked, "names": names, "home": built_home}


def _package(folder: Path) -> dict:
    return json.loads((folder / "datapackage.json").read_text(encoding="utf-8"))


def _resource(folder: Path, drawn_as: str) -> tuple[dict, pd.DataFrame]:
    """The one resource of ``folder`` drawn as ``drawn_as``, and its CSV read as text."""
    found = [r for r in _package(folder)["resources"] if r["drawn_as"] == drawn_as]
    assert len(found) == 1, [r["drawn_as"] for r in _package(folder)["resources"]]
    frame = pd.read_csv(folder / found[0]["path"], dtype=str, keep_default_na=False)
    return found[0], frame


def _processed(home: Path, indicator: str, year: int) -> pd.DataFrame:
    table = pd.read_parquet(home / "data" / "processed" / "indicators.parquet")
    rows = table[(table["indicator"] == indicator) & (table["year"] == year)]
    return rows[rows["region"].isin([EUR, LAC]) & rows["value"].notna()]


def _values(frame: pd.DataFrame) -> dict[str, float]:
    return {iso3: float(v) for iso3, v in zip(frame["iso3"], frame["value"], strict=True)}


def test_the_map_csv_holds_every_country_with_its_value_that_year(published: dict) -> None:
    import compare

    folder = published["out"] / f"{INTERNET}.data"
    _, drawn = _resource(folder, "choropleth")
    years = set(drawn["year"])
    assert len(years) == 1
    year = int(years.pop())
    page = (published["out"] / f"{INTERNET}.html").read_text(encoding="utf-8")
    assert f"Individuals using the Internet (% of population), {year}" in page
    assert drawn["iso3"].is_unique  # one row per member drawn
    with_value = drawn[drawn["value"] != ""]
    expected = _processed(published["home"], "internet_users_pct", year)
    assert _values(with_value) == _values(expected)  # full precision, not the labels' rounding
    loaded = compare.load("internet_users_pct", years=year, groups=[EUR, LAC],
                          home=published["home"])  # fmt: skip
    assert _values(with_value) == _values(loaded[loaded["value"].notna()])
    by_code = expected.set_index("iso3")
    for row in with_value.itertuples():
        assert row.country == by_code.loc[row.iso3, "country"]  # the name beside the code
        assert row.group == by_code.loc[row.iso3, "region"]
        assert row.source_id == by_code.loc[row.iso3, "source_id"]
        assert row.unit == "percent"
    # the members without a value are drawn "No data": in the file, with an empty value
    assert set(drawn.loc[drawn["value"] == "", "iso3"]).isdisjoint(expected["iso3"])
    assert not (drawn["value"] == "").all()


def test_the_distribution_csv_holds_the_same_values_and_both_means(published: dict) -> None:
    folder = published["out"] / f"{INTERNET}.data"
    _, drawn = _resource(folder, "distribution")
    _, mapped = _resource(folder, "choropleth")
    countries = drawn[drawn["series"] == "country"]
    assert _values(countries) == _values(mapped[mapped["value"] != ""])
    year = int(countries["year"].iloc[0])
    table = pd.read_parquet(published["home"] / "data" / "processed" / "indicators.parquet")
    expected = _processed(published["home"], "internet_users_pct", year)
    page = html.unescape(
        re.sub(r"<[^>]+>", "", (published["out"] / f"{INTERNET}.html").read_text("utf-8"))
    )
    stated = re.search(r"unweighted country means ([\d.]+)% vs ([\d.]+)%", page)
    assert stated, "the page states both unweighted means"
    population = table[(table["indicator"] == "population") & (table["year"] == year)]
    weights = population.set_index("iso3")["value"]
    for index, group in enumerate((EUR, LAC)):
        means = drawn[(drawn["group"] == group) & (drawn["series"] != "country")]
        assert set(means["series"]) == {"unweighted mean", "population-weighted mean"}
        plain = expected.loc[expected["region"] == group, "value"]
        unweighted = float(means.loc[means["series"] == "unweighted mean", "value"].iloc[0])
        assert unweighted == pytest.approx(plain.mean(), rel=1e-12)
        assert f"{unweighted:.1f}" == stated.group(index + 1)  # the number on the page
        rows = expected[(expected["region"] == group) & expected["iso3"].isin(weights.index)]
        w = rows["iso3"].map(weights)
        weighted = float(means.loc[means["series"] == "population-weighted mean", "value"].iloc[0])
        assert weighted == pytest.approx(float((rows["value"] * w).sum() / w.sum()), rel=1e-9)
        assert int(means["n_countries"].iloc[0]) == len(plain)


class _Anchors(HTMLParser):
    """Every link of a page: (its attributes, its text)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[dict, str]] = []
        self._open: dict | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "a":
            self._open = dict(attrs)
            self.found.append((self._open, ""))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            attrs, text = self.found[-1]
            self.found[-1] = (attrs, text + data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "a":
            self._open = None


def _links(dom: str) -> list[str]:
    """The addresses of the "Download ..." links (each also marked ``download``)."""
    parser = _Anchors()
    parser.feed(dom)
    links = [(a, text) for a, text in parser.found if text.startswith("Download")]
    assert all("download" in a for a, _ in links)
    return [a["href"] for a, _ in links]


@pytest.mark.browser
@pytest.mark.parametrize("page", [f"{INTERNET}.html", f"{EVIDENCE}.html", "index.html"])
def test_every_download_link_opens_a_file_of_the_bundle_offline(published: dict, page: str) -> None:
    unpacked = published["unpacked"].resolve()
    path = unpacked / page
    dom = rendered_dom(path)
    links = _links(dom)
    if page == "index.html":
        assert links == ["index.data/findings.csv"]
    else:
        figures = len(re.findall(r'<figure class="compare-figure', dom))
        tables = len(re.findall(r'<table[^>]*class="[^"]*\bdataframe\b', dom))
        assert figures and tables
        assert len(links) == figures + tables  # one under each figure and each table
        assert dom.count(f">{LINK}</a>") == len(links)
        assert "FormatterWarning" not in dom
    for href in links:
        assert not urllib.parse.urlsplit(href).scheme  # relative: works from file://
        target = (path.parent / urllib.parse.unquote(href)).resolve()
        assert target.is_file(), href
        assert target.is_relative_to(unpacked), href
        assert f"{target.relative_to(unpacked).as_posix()}" in published["names"]


def test_every_csv_opens_with_its_declared_columns_and_no_local_path(published: dict) -> None:
    unpacked = published["unpacked"]
    local = [str(published["home"]), str(published["root"]), str(REPO), sys.prefix, "file:"]
    packages = sorted(unpacked.rglob("datapackage.json"))
    folders = {p.parent.relative_to(unpacked).as_posix() for p in packages}
    assert folders == {f"{INTERNET}.data", f"{EVIDENCE}.data", "index.data"}
    csvs = 0
    for sidecar in packages:
        package = json.loads(sidecar.read_text(encoding="utf-8"))
        assert {r["path"] for r in package["resources"]} == {
            p.name for p in sidecar.parent.glob("*.csv")
        }
        for resource in package["resources"]:
            body = (sidecar.parent / resource["path"]).read_bytes()
            assert not [root for root in local if root.encode() in body], resource["path"]
            assert resource["bytes"] == len(body)
            assert resource["hash"] == "sha256:" + hashlib.sha256(body).hexdigest()
            frame = pd.read_csv(sidecar.parent / resource["path"])
            fields = resource["schema"]["fields"]
            assert list(frame.columns) == [f["name"] for f in fields]
            assert len(frame) == resource.get("rows", len(frame))
            for spec in fields:
                column = frame[spec["name"]]
                if spec["type"] in ("number", "integer") and column.notna().any():
                    assert pd.api.types.is_numeric_dtype(column), (resource["path"], spec)
            csvs += 1
    assert csvs >= 10


def test_the_sidecar_names_sources_licences_vintages_and_the_run(published: dict) -> None:
    package = _package(published["out"] / f"{INTERNET}.data")
    built = json.loads(
        (published["home"] / "data/processed/datapackage.json").read_text(encoding="utf-8")
    )
    by_id = {s["id"]: s for s in built["sources"]}
    sources = {s["id"]: s for s in package["sources"]}
    assert {"wb-internet-users", "wb-sp-pop-totl"} <= set(sources)
    for source_id, source in sources.items():
        if source_id in by_id:
            assert source["licence"] == by_id[source_id]["licence"]
            assert source["updated"] == by_id[source_id]["updated"]
            assert source["retrieved"] == by_id[source_id]["retrieved"]
    manifest = json.loads((published["out"] / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["runs"][INTERNET]
    assert package["compare"]["run_id"] == INTERNET
    assert package["compare"]["parameters"] == entry["parameters"]
    assert "key" not in package["compare"]  # the manifest's key is known after the run only
    assert package["compare"]["data_checksums"] == entry["data_checksums"]
    assert entry["outputs"]["data"] == f"{INTERNET}.data"
    assert {lic["title"] for lic in package["licenses"]} == {
        s["licence"] for s in package["sources"] if s.get("licence")
    }


def test_the_bundle_holds_every_data_folder(published: dict) -> None:
    names = set(published["names"])
    for folder in (f"{INTERNET}.data", f"{EVIDENCE}.data", "index.data"):
        on_disk = {
            f"{folder}/{p.name}" for p in (published["out"] / folder).iterdir() if p.is_file()
        }
        assert on_disk and on_disk <= names
    reader = json.loads((published["unpacked"] / "manifest.json").read_text(encoding="utf-8"))
    assert reader["runs"][INTERNET]["outputs"]["data"] == f"{INTERNET}.data"


def test_the_findings_csv_holds_the_index_numbers(published: dict) -> None:
    findings = json.loads((published["out"] / "findings.json").read_text(encoding="utf-8"))
    rows = {r["indicator"]: r for f in findings["families"] for r in f["rows"]}
    frame = pd.read_csv(published["out"] / "index.data" / "findings.csv")
    assert set(frame["indicator"]) == set(rows)
    mine = frame.set_index("indicator").loc["internet_users_pct"]
    latest = rows["internet_users_pct"]["latest"]
    assert int(mine["year"]) == latest["year"]
    assert (mine["mean_a"], mine["mean_b"]) == tuple(latest["means"])  # full precision
    assert (mine["gap_ci_low"], mine["gap_ci_high"]) == tuple(latest["ci"])
    assert (mine["group_a"], mine["group_b"]) == (EUR, LAC)
    assert mine["report"] == f"{INTERNET}.html"
