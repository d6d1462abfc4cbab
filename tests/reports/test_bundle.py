"""One clean bundle (`compare report --pdf --bundle FILE.zip`): unpacked in another folder it
holds the pages, assets, PDFs and index and no executed notebook; no file names the build's
folders; the index and two reports draw offline in headless Chromium with the network cut; the
index leads with the findings and the employer-recognition section."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml

from compare.reports.bundle import ASSETS
from tests.browser import rendered_dom
from tests.cli import run_compare
from tests.paths import REPO

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("bundle")]

RUNS = ["indicator_comparison/egdi", "country_profile/ECU", "evidence_overview/default"]


def _compare(home: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return run_compare(home, *args, timeout=900, cwd=cwd)


@pytest.fixture(scope="module")
def shared(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("share")
    matrix = root / "matrix.yml"
    matrix.write_text(
        yaml.safe_dump(
            {
                "runs": [
                    {
                        "notebook": str(REPO / "notebooks" / "indicator_comparison.ipynb"),
                        "each": {"indicator": ["egdi"]},
                        "name": "{indicator}",
                    },
                    {
                        "notebook": str(REPO / "notebooks" / "country_profile.ipynb"),
                        "each": {"country": ["Ecuador"]},
                        "name": "ECU",
                    },
                    {"notebook": str(REPO / "notebooks" / "evidence_overview.ipynb")},
                ]
            }
        ),
        encoding="utf-8",
    )
    out, target = root / "reports", root / "sent" / "reports.zip"
    done = _compare(
        built_home,
        "report",
        "--matrix",
        str(matrix),
        "--out",
        str(out),
        "--no-progress",
        "--workers",
        "2",
        "--pdf",
        "--bundle",
        str(target),
    )
    unpacked = root / "elsewhere"
    with zipfile.ZipFile(target) as archive:
        archive.extractall(unpacked)
        names = archive.namelist()
    return {
        "root": root,
        "out": out,
        "zip": target,
        "done": done,
        "names": names,
        "unpacked": unpacked,
        "matrix": matrix,
    }


def test_the_bundle_holds_what_a_reader_needs_and_says_its_size(shared: dict) -> None:
    done = shared["done"]
    assert done.returncode == 0, done.stdout + done.stderr
    size = shared["zip"].stat().st_size
    said = re.search(r"bundle \S+reports\.zip: (\d+) files, ([\d.]+) MB", done.stdout)
    assert said, done.stdout
    assert int(said.group(1)) == len(shared["names"])
    assert float(said.group(2)) == pytest.approx(size / 1e6, abs=0.05)
    expected = {"index.html", "manifest.json", *(f"assets/{a}" for a in ASSETS)}
    expected |= {f"{run}.html" for run in RUNS} | {f"{run}.pdf" for run in RUNS}
    for folder in [*(f"{run}.data" for run in RUNS), "index.data"]:  # the data behind the pages
        expected |= {f"{folder}/{p.name}" for p in (shared["out"] / folder).iterdir()}
        assert f"{folder}/datapackage.json" in expected
    assert set(shared["names"]) == expected
    assert not [n for n in shared["names"] if n.endswith(".ipynb")]
    for run in RUNS:
        assert (shared["unpacked"] / f"{run}.pdf").read_bytes().startswith(b"%PDF-")


def test_no_file_of_the_bundle_names_a_local_folder(shared: dict, built_home: Path) -> None:
    local = [str(built_home), str(shared["out"]), str(shared["root"]), str(REPO), sys.prefix]
    for path in sorted(shared["unpacked"].rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found = [root for root in local if root.encode() in data]
            assert not found, (path.name, found)
    manifest = json.loads((shared["unpacked"] / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["runs"]) == sorted(RUNS)
    for entry in manifest["runs"].values():
        assert set(entry["outputs"]) == {"html", "pdf", "data"}
        assert not Path(entry["notebook"]).is_absolute()


def _drawn(dom: str) -> int:
    return len(re.findall(r'class="[^"]*\bjs-plotly-plot\b', dom))


def test_index_and_reports_open_offline_from_the_unpacked_folder(shared: dict) -> None:
    unpacked = shared["unpacked"]
    index = rendered_dom(unpacked / "index.html")
    assert "What the data show" in index
    assert 'id="employer-recognition"' in index
    assert "share of employers who value micro-credentials" in index
    assert 'href="indicator_comparison/egdi.html"' in index
    assert "compare-ipynb" not in index  # no link to a notebook left out
    egdi = rendered_dom(unpacked / "indicator_comparison" / "egdi.html")
    assert _drawn(egdi) == 3  # map, distribution, regional means over time
    profile = rendered_dom(unpacked / "country_profile" / "ECU.html")
    assert _drawn(profile) == 1 and "Ecuador" in profile
    for page in (egdi, profile):
        assert "compare-ipynb" not in page and 'href="../index.html"' in page


def test_notebooks_only_when_asked_and_still_no_local_path(shared: dict, built_home: Path) -> None:
    target = shared["root"] / "with.zip"
    done = _compare(
        built_home,
        "report",
        "--matrix",
        str(shared["matrix"]),
        "--out",
        str(shared["out"]),
        "--no-progress",
        "--bundle",
        str(target),
        "--with-notebooks",
    )
    assert done.returncode == 0, done.stderr
    assert "3 report(s) up to date" in done.stdout  # nothing ran again
    with zipfile.ZipFile(target) as archive:
        notebooks = [n for n in archive.namelist() if n.endswith(".ipynb")]
        assert sorted(notebooks) == sorted(f"{run}.ipynb" for run in RUNS)
        for name in archive.namelist():
            data = archive.read(name)
            assert str(built_home).encode() not in data and str(REPO).encode() not in data


def test_a_bad_bundle_target_exits_2_with_one_message(shared: dict, built_home: Path) -> None:
    done = _compare(
        built_home,
        "report",
        "--matrix",
        str(shared["matrix"]),
        "--out",
        str(shared["out"]),
        "--no-progress",
        "--bundle",
        str(shared["out"] / "inside.zip"),
    )
    assert done.returncode == 2
    assert "write the bundle outside" in done.stderr and "Traceback" not in done.stderr
