"""Executed notebooks to offline HTML, and the shared assets (the index is :mod:`.index`).

Pages open from disk with no network: nbconvert's ``lab`` template is extended
(``compare/reports/templates/report.html.j2``) without require.js, MathJax or mermaid; plotly.js is
shipped once as ``reports/assets/plotly.min.js`` (copied from the installed plotly) and the
JupyterLab CSS once as ``reports/assets/lab.css``, both referenced relatively. Code is hidden
until the reader presses "Show code"; a table of contents is built from the markdown headings;
figures carry their captions (see :mod:`compare.reports.display`). One exporter is built per process
and reused. Every value that comes from data or parameters is HTML-escaped.
"""

from __future__ import annotations

import datetime as dt
import functools
import html
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from compare.config import PACKAGE_DIR
from compare.storage import atomic

TEMPLATES = PACKAGE_DIR / "reports" / "templates"
ASSETS = PACKAGE_DIR / "reports" / "assets"

_HEADING = re.compile(r'<h([1-3]) id="([^"]+)">(.*?)<a class="anchor-link"', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
TOC_MARK = "<!-- compare:toc -->"


# --- one notebook ------------------------------------------------------------------------------


@functools.cache
def exporter() -> Any:
    """The HTML exporter (built once per process)."""
    from nbconvert import HTMLExporter  # noqa: PLC0415

    return HTMLExporter(
        template_name="lab",
        extra_template_paths=[str(TEMPLATES)],
        template_file="report.html.j2",
    )


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    import json  # noqa: PLC0415

    return json.dumps(value, ensure_ascii=False)


def toc(page: str) -> str:
    """A nested list of links to the markdown headings (h1-h3) of a rendered page."""
    items = []
    for level, anchor, inner in _HEADING.findall(page):
        text = html.unescape(_TAG.sub("", inner)).strip()
        if text:
            items.append(
                f'<li class="toc-h{level}"><a href="#{html.escape(html.unescape(anchor))}">'
                f"{html.escape(text)}</a></li>"
            )
    if not items:
        return ""
    return '<h2 class="toc-title">Contents</h2><ul>' + "".join(items) + "</ul>"


def render_notebook(
    nb: Any,
    spec: Any,
    *,
    status: str = "ok",
    failing: Mapping[str, Any] | None = None,
    message: str = "",
) -> str:
    """The HTML page of one executed notebook (``spec`` is its
    :class:`~compare.reports.matrix.RunSpec`)."""
    out = Path(spec.output_html)
    context = {
        "title": spec.title,
        "run_id": spec.run_id,
        "group": spec.group,
        "parameters": [(name, _value(v)) for name, v in spec.parameters.items()],
        "status": status,
        "message": message,
        "failing": dict(failing) if failing else None,
        "assets": spec.assets_href,
        "index": spec.index_href,
        "ipynb": Path(spec.output_ipynb).name
        if Path(spec.output_ipynb).parent == out.parent
        else Path(spec.output_ipynb).as_uri(),
        "generated": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }
    resources = {"metadata": {"name": spec.title, "path": str(out.parent)}, "compare": context}
    page, _ = exporter().from_notebook_node(nb, resources=resources)
    return page.replace(TOC_MARK, toc(page), 1)


# --- shared assets -----------------------------------------------------------------------------


def _lab_css() -> bytes:
    """JupyterLab's stylesheet as shipped with nbconvert (index + light theme)."""
    from jupyter_core.paths import jupyter_path  # noqa: PLC0415

    for base in jupyter_path("nbconvert", "templates"):
        static = Path(base) / "lab" / "static"
        if (static / "index.css").is_file():
            parts = [static / "index.css", static / "theme-light.css"]
            return b"\n".join(p.read_bytes() for p in parts if p.is_file())
    return b""


def _plotly_js() -> bytes:
    import importlib.resources  # noqa: PLC0415

    return importlib.resources.files("plotly").joinpath("package_data/plotly.min.js").read_bytes()


def _write_if_changed(path: Path, data: bytes) -> None:
    if not (path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data):
        atomic.write_bytes(path, data)


def write_assets(reports: Path) -> Path:
    """``reports/assets``: plotly.min.js, lab.css, report.css, report.js (rewritten only when
    their content changed)."""
    assets = reports / "assets"
    _write_if_changed(assets / "plotly.min.js", _plotly_js())
    _write_if_changed(assets / "lab.css", _lab_css())
    for name in ("report.css", "report.js"):
        _write_if_changed(assets / name, (ASSETS / name).read_bytes())
    return assets


# --- the index ---------------------------------------------------------------------------------


def template_environment() -> Any:
    """The Jinja environment of the project's page templates (autoescaping on)."""
    import jinja2  # noqa: PLC0415

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(TEMPLATES)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
