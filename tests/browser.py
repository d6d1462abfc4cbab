"""Headless Chromium with the network blocked: what a page really draws offline.

Every request that leaves the machine fails: names resolve to nothing and HTTP goes to a dead
proxy, so a page that needs a CDN (plotly.js, a map topology, require.js) draws nothing here.
``rendered_dom`` returns the DOM after the page's scripts ran (``--dump-dom``), so tests can count
the SVG elements plotly drew.

CI installs Debian's ``chromium`` (``.ci/run``); where it is missing the tests are skipped, except
under ``CI=true`` where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from compare.reports.pdf import OFFLINE_FLAGS as PACKAGE_OFFLINE_FLAGS

#: The package's offline flags (compare.reports.pdf: every request that leaves the machine
#: fails), plus --no-sandbox: the tests run as root.
OFFLINE_FLAGS = ("--no-sandbox", *PACKAGE_OFFLINE_FLAGS)


def chromium() -> str:
    """Path of the browser, or skip (fail under CI) when there is none."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed (.ci/run installs Debian's chromium)")
        pytest.skip("chromium is not installed")
    return found


def rendered_dom(page: Path | str, budget_ms: int = 20000, timeout: float = 120.0) -> str:
    """The DOM of ``page`` (a file path or URL) after its scripts ran, offline."""
    url = page if isinstance(page, str) and "://" in page else Path(page).resolve().as_uri()
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        done = subprocess.run(
            [chromium(), *OFFLINE_FLAGS, f"--user-data-dir={profile}",
             f"--virtual-time-budget={budget_ms}", "--dump-dom", url],
            capture_output=True, text=True, timeout=timeout, check=False,
        )  # fmt: skip
    if done.returncode != 0 or not done.stdout.strip():
        raise AssertionError(f"chromium failed on {url}: {done.stderr[-2000:]}")
    return done.stdout


def screenshot(page: Path | str, out: Path, size: str = "1200,900", timeout: float = 120.0) -> Path:
    """A PNG of ``page`` rendered offline (for looking at, not for asserting pixels)."""
    url = page if isinstance(page, str) and "://" in page else Path(page).resolve().as_uri()
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        subprocess.run(
            [chromium(), *OFFLINE_FLAGS, f"--user-data-dir={profile}",
             "--virtual-time-budget=20000", f"--window-size={size}", f"--screenshot={out}", url],
            capture_output=True, timeout=timeout, check=True,
        )  # fmt: skip
    return out
