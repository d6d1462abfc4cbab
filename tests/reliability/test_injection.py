"""Text from files reaches pages as text (issue 17, case 2): Markdown links to ``javascript:``,
remote images and raw HTML in a SYNTHETIC copy of the evidence curation (a case's institution in
``cases.csv``, a claim's measure in ``paper_claims.csv``) run nothing and fetch nothing, in a real
``compare report`` page opened by headless Chromium while a local HTTP server listens; every page
carries the Content-Security-Policy."""

from __future__ import annotations

import csv
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

from compare.text.escape import md_code, md_text, safe_markdown
from tests.browser import OFFLINE_FLAGS, chromium
from tests.paths import REPO

#: The policy's meta tag (nbconvert may reorder its attributes).
CSP = re.compile(
    r"<meta (?=[^>]*http-equiv=\"Content-Security-Policy\")(?=[^>]*content=\"default-src 'none'; "
    r"script-src 'self'; [^\"]*img-src 'self' data:; [^\"]*connect-src 'none')[^>]*>"
)

HOSTILE = [
    "[x](javascript:alert(1))",
    "[x]( JaVaScRiPt:alert(1) )",
    "[x](<javascript:alert(1)>)",
    "[x](JAVASCRIPT:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](file:///etc/passwd)",
    "[x](//evil.example/p)",
    "![x](http://127.0.0.1:9/beacon.png)",
    "![x](https://evil.example/p.png)",
    "![x](data:image/svg+xml,%3Csvg%20onload=alert(1)%3E)",
    '[x](javascript:alert(1) "title")',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_unsafe_links_and_remote_images_become_text(text: str) -> None:
    cleaned = safe_markdown(text)
    assert cleaned == "x", cleaned


def test_safe_links_stay_and_definitions_are_shown_as_text() -> None:
    kept = (
        "[a](https://example.org/p) [b](#section) [c](../index.html) ![d](data:image/png;base64,AA)"
    )
    assert safe_markdown(kept) == kept
    assert safe_markdown("[1]: javascript:alert(1)") == "\\[1]: javascript:alert(1)"


def test_data_in_a_sentence_is_literal_markdown() -> None:
    assert (
        md_text("Tec [M](javascript:x) *b* `c`\nd") == "Tec \\[M\\](javascript:x) \\*b\\* \\`c\\` d"
    )
    assert md_code("a`b") == "``a`b``" and md_code("plain") == "`plain`"


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[str] = []  # noqa: RUF012 - shared by the handler instances of one server

    def do_GET(self) -> None:
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def listening() -> tuple[int, list[str]]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    _Recorder.requests = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], _Recorder.requests
    server.shutdown()
    server.server_close()


def _inject(evidence: Path, port: int) -> tuple[str, str]:
    """Hostile Markdown in case 1's institution and in the measures of its claims."""
    institution = (
        f"Tec [Monterrey](javascript:document.title='PWNED') "
        f"![l](http://127.0.0.1:{port}/beacon-case.png) <img src=x onerror=alert(1)>"
    )
    measure = f"[share](javascript:alert(2)) ![m](http://127.0.0.1:{port}/beacon-claim.png)"
    for name, column, value, match in (
        ("cases.csv", "institution", institution, ("case_id", "1")),
        ("paper_claims.csv", "measure", measure, ("case_id", "1")),
    ):
        path = evidence / name
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
        changed = 0
        for row in rows:
            if row[match[0]] == match[1]:
                row[column] = value
                changed += 1
        assert changed
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
    return institution, measure


def _dom(url: str) -> str:
    flags = [f for f in OFFLINE_FLAGS if not f.startswith("--proxy-server")]  # loopback reachable
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        done = subprocess.run(
            [chromium(), *flags, f"--user-data-dir={profile}", "--virtual-time-budget=15000",
             "--dump-dom", url],
            capture_output=True, text=True, timeout=180, check=False,
        )  # fmt: skip
    assert done.returncode == 0 and done.stdout.strip(), done.stderr[-2000:]
    return done.stdout


@pytest.mark.slow
@pytest.mark.browser
def test_injected_markdown_runs_nothing_and_fetches_nothing(
    built_home: Path, tmp_path: Path, listening: tuple[int, list[str]]
) -> None:
    port, requests = listening
    home = tmp_path / "SYNTHETIC_injection_home"
    shutil.copytree(built_home / "data" / "processed", home / "data" / "processed")
    evidence = home / "data" / "raw" / "evidence"
    shutil.copytree(REPO / "data" / "raw" / "evidence", evidence)
    (evidence / "SYNTHETIC.md").write_text(
        "SYNTHETIC: case 1's institution and its claims' measures hold hostile Markdown "
        "(tests/reliability/test_injection.py)\n",
        encoding="utf-8",
    )
    _inject(evidence, port)
    reports = tmp_path / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "compare.cli", "report", "--only", "evidence_overview/*",
         "--matrix", str(REPO / "notebooks" / "reports.yml"),
         "--out", str(reports), "--workers", "1", "--no-progress"],
        env={**os.environ, "COMPARE_HOME": str(home)},
        capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    page = reports / "evidence_overview" / "default.html"
    html = page.read_text(encoding="utf-8")
    assert "Monterrey" in html and "beacon" in html  # the text is there ...
    assert not re.search(r"href=[\"']?\s*javascript:", html, re.I)  # ... as text
    assert not re.search(r"<img[^>]+src=[\"']?https?://", html, re.I)
    assert "<img src=x" not in html
    for path in [*reports.rglob("*.html")]:
        text = path.read_text(encoding="utf-8")
        head = text[: text.index("</head>")]
        policy = CSP.search(head)
        assert policy, path
        assert "<script" not in head[: policy.start()], path  # before any script
        assert not re.search(r"<script(?![^>]*\b(src|type=\"application/json\"))[^>]*>", text), path
    dom = _dom(page.resolve().as_uri())
    assert "PWNED" not in dom.split("</title>")[0]  # no script ran
    assert "javascript:" not in re.sub(r">[^<]*<", "><", dom)  # in no attribute
    assert dom.count('class="main-svg"') >= 2  # figures drawn by assets/report.js under the CSP
    index = _dom((reports / "index.html").resolve().as_uri())
    assert "evidence_overview/default" in index
    assert requests == []  # nothing reached the listening server


@pytest.mark.slow
@pytest.mark.browser
def test_a_hostile_group_name_from_compare_regions_stays_text(
    built_home: Path, tmp_path: Path, listening: tuple[int, list[str]]
) -> None:
    """A group named with Markdown links and a remote image in a SYNTHETIC `$COMPARE_REGIONS`
    file (classification `synthetic`: the members of M49 Europe, and LAC), compared in
    `indicator_comparison`: shown as text."""
    port, requests = listening
    group = f"Tec [Europa](javascript:alert(3)) ![g](http://127.0.0.1:{port}/beacon-group.png)"
    with (REPO / "compare/geo/reference/regions.csv").open(encoding="utf-8") as handle:
        m49 = [r for r in csv.DictReader(handle) if r["classification"] == "m49"]
    names = {"Europe": group, "Latin America & Caribbean": "Latin America & Caribbean"}
    regions = tmp_path / "SYNTHETIC_regions.csv"
    with regions.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(m49[0]))
        writer.writeheader()
        writer.writerows(
            {**row, "classification": "synthetic", "group": names[row["group"]]}
            for row in m49
            if row["group"] in names
        )
    home = tmp_path / "SYNTHETIC_group_home"
    shutil.copytree(built_home / "data" / "processed", home / "data" / "processed")
    geometry = Path("data") / "raw" / "natural-earth-110m"  # the map draws the groups' shapes
    shutil.copytree(built_home / geometry, home / geometry)
    matrix = tmp_path / "matrix.yml"
    matrix.write_text(
        f"runs:\n  - notebook: {REPO / 'notebooks' / 'indicator_comparison.ipynb'}\n"
        "    parameters: {indicator: egdi, classification: synthetic, "
        f"groups: [{json.dumps(group)}, "
        '"Latin America & Caribbean"]}\n    name: hostile-group\n',
        encoding="utf-8",
    )
    reports = tmp_path / "reports"
    environ = {**os.environ, "COMPARE_HOME": str(home), "COMPARE_REGIONS": str(regions)}
    done = subprocess.run(
        [sys.executable, "-m", "compare.cli", "report", "--matrix", str(matrix),
         "--out", str(reports), "--workers", "1", "--no-progress"],
        env=environ, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    page = reports / "indicator_comparison" / "hostile-group.html"
    html = page.read_text(encoding="utf-8")
    assert "Europa" in html and CSP.search(html)
    assert not re.search(r"href=[\"']?\s*javascript:", html, re.I)
    assert not re.search(r"<img[^>]+src=[\"']?https?://", html, re.I)
    dom = _dom(page.resolve().as_uri())
    # plotly keeps each label's source text in a `data-unformatted` attribute (never a link or a
    # source of anything): the name is drawn as text; no other attribute may hold the link
    markup = re.sub(r' data-unformatted="[^"]*"', "", re.sub(r">[^<]*<", "><", dom))
    assert "javascript:" not in markup
    assert "Tec Europa g" in dom  # the name, as text, in the sentences
    assert requests == []
