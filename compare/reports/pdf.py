"""``compare report --pdf``: each report page printed to ``<id>.pdf`` beside it, by headless
Chromium with the network cut (the pages need none).

The page's print style sheet (``assets/report.css``, ``@media print``) hides code and navigation,
keeps figures and tables whole on a page and writes external links out. Chromium waits (virtual
time) until the page's scripts have drawn the figures, then prints without its own header and
footer (which would carry the page's local path). A PDF newer than its page is kept.

Chromium is ``$COMPARE_CHROMIUM``, else ``chromium`` / ``chromium-browser`` / ``google-chrome``
on the PATH; without one the command stops with a clear message (exit status 2).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from compare.errors import CompareError

#: Chromium's flags: headless, no first-run work, and every request that leaves the machine
#: fails (names resolve to nothing, HTTP goes to a closed port).
OFFLINE_FLAGS = (
    "--headless",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--proxy-server=http://127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)

#: Virtual milliseconds the page's scripts get before printing (plotly draws well within it).
BUDGET_MS = 20000

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@dataclass(frozen=True)
class Printed:
    """One page and what became of its PDF."""

    page: Path
    pdf: Path
    status: str  # "written", "up to date" or "failed: <reason>"


def browser() -> str:
    """The Chromium executable (a :class:`CompareError` when there is none)."""
    given = os.environ.get("COMPARE_CHROMIUM")
    if given:
        if not Path(given).is_file():
            raise CompareError(f"$COMPARE_CHROMIUM={given}: no such file")
        return given
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    raise CompareError(
        "--pdf prints with headless Chromium, which is not installed (Debian: `apt-get install "
        "chromium`; or set $COMPARE_CHROMIUM to its path)"
    )


def command(executable: str, page: Path, pdf: Path, profile: str) -> list[str]:
    """The Chromium command line that prints ``page`` to ``pdf``."""
    root = hasattr(os, "geteuid") and os.geteuid() == 0
    return [
        executable,
        *OFFLINE_FLAGS,
        *(["--no-sandbox"] if root else []),
        f"--user-data-dir={profile}",
        f"--virtual-time-budget={BUDGET_MS}",
        "--no-pdf-header-footer",
        "--run-all-compositor-stages-before-draw",
        f"--print-to-pdf={pdf}",
        page.resolve().as_uri(),
    ]


def print_page(
    executable: str, page: Path, *, force: bool = False, timeout: float = 180.0
) -> Printed:
    """Print one page to the PDF beside it (kept when newer than the page, unless ``force``)."""
    pdf = page.with_suffix(".pdf")
    if not force and pdf.is_file() and pdf.stat().st_mtime >= page.stat().st_mtime:
        return Printed(page, pdf, "up to date")
    partial = pdf.with_name(f".{pdf.name}.partial")
    with tempfile.TemporaryDirectory(prefix="compare-pdf-") as profile:
        try:
            done = subprocess.run(
                command(executable, page, partial, profile),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            partial.unlink(missing_ok=True)
            return Printed(page, pdf, f"failed: Chromium took more than {timeout:g} s")
    if done.returncode != 0 or not partial.is_file() or partial.stat().st_size == 0:
        partial.unlink(missing_ok=True)
        tail = (done.stderr or "").strip().splitlines()[-1:] or [f"exit {done.returncode}"]
        return Printed(page, pdf, f"failed: {tail[0][:200]}")
    os.replace(partial, pdf)  # whole or not at all
    return Printed(page, pdf, "written")


def print_pages(
    pages: Iterable[Path],
    *,
    workers: int = 2,
    force: bool = False,
    note: Callable[[str], None] = print,
) -> list[Printed]:
    """Print every page (``workers`` Chromium processes at a time); failures are reported,
    not raised."""
    executable = browser()
    pages = [Path(p) for p in pages if Path(p).is_file()]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        done = list(pool.map(lambda p: print_page(executable, p, force=force), pages))
    for item in done:
        if item.status.startswith("failed"):
            note(f"pdf {item.page.name}: {item.status}")
    return done
