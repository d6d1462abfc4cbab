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


def toc(page: str, title: str = "Contents") -> str:
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
    return f'<h2 class="toc-title">{html.escape(title)}</h2><ul>' + "".join(items) + "</ul>"


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
        "group": translated(spec.group, getattr(spec, "language", "en")),
        "parameters": [(name, _value(v)) for name, v in spec.parameters.items()],
        "status": status,
        "message": message,
        "failing": dict(failing) if failing else None,
        "assets": spec.assets_href,
        "index": spec.index_href,
        "ipynb": Path(spec.output_ipynb).name
        if Path(spec.output_ipynb).parent == out.parent
        else Path(spec.output_ipynb).as_uri(),
        "generated": generated_now(getattr(spec, "language", "en")),
        **page_words(getattr(spec, "language", "en"), getattr(spec, "alternates", ())),
    }
    resources = {"metadata": {"name": spec.title, "path": str(out.parent)}, "compare": context}
    html_exporter = exporter()
    html_exporter.language_code = context["language"]  # <html lang="..">
    page, _ = html_exporter.from_notebook_node(nb, resources=resources)
    return page.replace(TOC_MARK, toc(page, context["words"]["contents"]), 1)


def translated(message: str, language: str) -> str:
    """``message`` (a group label of the matrix) in ``language``."""
    from compare.text.i18n import _, use_language  # noqa: PLC0415

    with use_language(language or "en"):
        return _(message)


def generated_now(language: str) -> str:
    """The time a page is generated, as its reader reads it (``2026-12-06 14:03 UTC``; ``6 de
    diciembre de 2026, 14:03 UTC``: :func:`compare.text.numbers.moment`)."""
    from compare.text.i18n import use_language  # noqa: PLC0415
    from compare.text.numbers import moment  # noqa: PLC0415

    with use_language(language or "en"):
        return moment(dt.datetime.now(dt.UTC))


def page_words(language: str, alternates: Any) -> dict[str, Any]:
    """The page's language, its links to the other languages and the words of the page's
    frame (navigation, parameters, failure notice) in that language."""
    from compare.text.i18n import _, use_language  # noqa: PLC0415

    with use_language(language or "en") as code:
        words = {
            "all_reports": _("All reports"),
            "notebook": _("Notebook (.ipynb)"),
            "show_code": _("Show code"),
            "hide_code": _("Hide code"),
            "run": _("Run"),
            "generated": _("generated"),
            "parameters_caption": _("Parameters"),
            "failed": _("This run failed."),
            "go_failing": _("Go to the failing cell"),
            "contents": _("Contents"),
            "languages_label": _("This report in:"),
        }
    others = [(c, name, href) for c, name, href in alternates or () if c != code]
    return {"language": code, "words": words, "alternates": others if len(alternates) > 1 else []}


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
