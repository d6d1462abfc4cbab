"""``compare report`` picks a user's own indicator up like a built-in one: the family generator
of ``notebooks/reports.yml`` lists it, the report runs, and a changed user catalog changes the
reports' fingerprint.

The indicator is a copy of the mirror's fixed-broadband file added with ``compare add file``:
its report must state the numbers of the built-in indicator, with the user's title.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from compare.build.run import build
from compare.cli import main
from compare.ingest.mirror import fetch_from_mirror
from compare.reports import matrix
from tests.paths import REPO

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("notebooks")]

NEEDED = ["wb-fixed-broadband", "wb-sp-pop-totl", "wb-ny-gdp-pcap-pp-cd", "natural-earth-110m"]
TITLE = "Fixed broadband, my copy"


def _sentences(notebook: dict) -> str:
    return " ".join(
        html.unescape("".join(o["data"]["text/markdown"]))
        for c in notebook["cells"]
        if c["cell_type"] == "code"
        for o in c.get("outputs", [])
        if "text/markdown" in o.get("data", {})
    )


def test_a_user_indicator_gets_its_report(
    mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    home = tmp_path / "home"
    monkeypatch.delenv("COMPARE_NO_USER_CATALOG", raising=False)
    monkeypatch.delenv("COMPARE_CATALOG", raising=False)
    monkeypatch.setenv("COMPARE_HOME", str(home))
    fetch_from_mirror(mirror, home=home, only=NEEDED)
    copy = tmp_path / "broadband.csv"
    shutil.copyfile(mirror / "wb-fixed-broadband" / "data.csv", copy)
    assert main(["add", "file", str(copy), "--series", "IT.NET.BBND.P2", "--unit",
                 "per_100_people", "--title", TITLE, "--id", "my_broadband", "--family",
                 "digital_divide"]) == 0  # fmt: skip
    build(home, sources=[*NEEDED[:3], "file-it-net-bbnd-p2"])

    runs = {r.run_id: r for r in matrix.plan(REPO / "notebooks" / "reports.yml", ["en"])}
    mine = runs["indicator_comparison/my_broadband"]
    assert (mine.title, mine.group) == (f"Indicator comparison: {TITLE}", "Digital divide")
    before = matrix.data_checksums(home)
    assert f"catalog/{home / 'catalog.local.yml'}" in before

    out = tmp_path / "reports"
    env = {k: v for k, v in os.environ.items() if k not in ("COMPARE_REPORT",)}
    done = subprocess.run(
        [sys.executable, "-m", "compare.cli", "report", "--matrix",
         str(REPO / "notebooks" / "reports.yml"), "--only", "indicator_comparison/[mf]*_broadband*",
         "--languages", "en",
         "--out", str(out), "--no-progress", "--workers", "1"],
        capture_output=True, text=True, env=env, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    entries = json.loads((out / "manifest.json").read_text())["runs"]
    assert {k: v["status"] for k, v in entries.items()} == {
        "indicator_comparison/my_broadband": "ok",
        "indicator_comparison/fixed_broadband_per100": "ok",
    }
    books = {k: json.loads((out / v["outputs"]["ipynb"]).read_text()) for k, v in entries.items()}
    normalised: list[str] = []
    user_text = _sentences(books["indicator_comparison/my_broadband"])
    built_in = _sentences(books["indicator_comparison/fixed_broadband_per100"])
    assert TITLE.lower() in user_text.lower()
    # the same numbers and words, but for the title, source and id
    for text, words in ((user_text, (TITLE, "file-it-net-bbnd-p2", "my_broadband")),
                        (built_in, ("Fixed broadband subscriptions (per 100 people)",
                                    "wb-fixed-broadband", "fixed_broadband_per100"))):  # fmt: skip
        lowered = text.lower()
        for word, mark in zip(words, ("<title>", "<source>", "<id>"), strict=True):
            lowered = lowered.replace(word.lower(), mark)
        normalised.append(lowered)
    # a file added by hand has no provenance page, so its vintage is honestly unknown
    unknown, dated = "<source>, no date stated,", re.compile(r"<source>, dated [0-9-]+ \([^)]*\),")
    assert unknown in normalised[0] and dated.search(normalised[1])
    normalised[1] = dated.sub(unknown, normalised[1])
    assert normalised[0] == normalised[1]
    assert TITLE in (out / "index.html").read_text()

    # the user edits the entry: the reports' fingerprint changes, so they run again
    own = home / "catalog.local.yml"
    own.write_text(own.read_text().replace(TITLE, "Renamed"))
    assert matrix.data_checksums(home) != before
