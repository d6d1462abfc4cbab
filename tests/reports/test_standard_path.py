"""The ecosystem's own path: each notebook run by the papermill CLI and converted by plain
`jupyter nbconvert --to html`, then opened in headless Chromium with the network cut: every
plotly figure of the executed notebook is drawn, plotly.js is in the page once, papermill logs
no warning; `compare render` on the same notebook gives a self-contained page that draws them
too."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from compare.reports.display import PLOTLY_MIMETYPE, PLOTLYJS_START
from tests.browser import rendered_dom
from tests.paths import REPO

pytestmark = [pytest.mark.slow, pytest.mark.browser, pytest.mark.xdist_group("standard_path")]

NOTEBOOKS = ("indicator_comparison", "country_profile", "data_coverage", "evidence_overview")
BIN = Path(sys.executable).parent


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "COMPARE_REPORT"}
    env.update(COMPARE_HOME=str(home), PATH=f"{BIN}{os.pathsep}{env.get('PATH', '')}")
    return env


def _drawn(dom: str) -> int:
    """Plots plotly drew: ``Plotly.newPlot`` adds ``js-plotly-plot`` to a graph's div."""
    return len(re.findall(r'class="[^"]*\bjs-plotly-plot\b', dom))


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_papermill_cli_and_plain_nbconvert_draw_every_figure_offline(
    name: str, built_home: Path, tmp_path: Path
) -> None:
    executed = tmp_path / f"{name}.ipynb"
    papermill = subprocess.run(
        [str(BIN / "papermill"), str(REPO / "notebooks" / f"{name}.ipynb"), str(executed),
         "--log-level", "WARNING", "--no-progress-bar", "--cwd", str(tmp_path)],
        capture_output=True, text=True, env=_env(built_home), timeout=600, check=False,
    )  # fmt: skip
    assert papermill.returncode == 0, papermill.stderr[-3000:]
    log = (papermill.stdout + papermill.stderr).splitlines()
    # with --log-level WARNING papermill prints only its warnings (e.g. "Unable to parse
    # line 3"); the kernel's own start-up notes are prefixed [IPKernelApp]
    assert [line for line in log if line.strip() and not line.startswith("[IPKernelApp]")] == []

    book = json.loads(executed.read_text(encoding="utf-8"))
    figures = sum(
        PLOTLY_MIMETYPE in output.get("data", {})
        for cell in book["cells"]
        for output in cell.get("outputs", [])
    )
    assert figures >= 1, name

    converted = subprocess.run(
        [str(BIN / "jupyter"), "nbconvert", "--to", "html", str(executed)],
        capture_output=True, text=True, env=_env(built_home), timeout=300, check=False,
    )  # fmt: skip
    assert converted.returncode == 0, converted.stderr
    assert "cannot be represented" not in converted.stderr, converted.stderr
    page = executed.with_suffix(".html")
    text = page.read_text(encoding="utf-8")
    assert text.count(PLOTLYJS_START) == 1  # plotly.js once per page, inline
    assert "cdn.plot.ly/plotly" not in text
    assert _drawn(rendered_dom(page)) == figures

    ours = subprocess.run(
        [sys.executable, "-m", "compare.cli", "render", str(executed), "-o",
         str(tmp_path / "page.html")],
        capture_output=True, text=True, env=_env(built_home), timeout=300, check=False,
    )  # fmt: skip
    assert ours.returncode == 0, ours.stderr
    assert "opens offline" in ours.stdout
    rendered = (tmp_path / "page.html").read_text(encoding="utf-8")
    assert PLOTLYJS_START not in rendered and not re.search(r'<script[^>]+src="http', rendered)
    assert 'class="compare-report hide-code"' in rendered.replace("jp-Notebook ", "")
    assert _drawn(rendered_dom(tmp_path / "page.html")) == figures
