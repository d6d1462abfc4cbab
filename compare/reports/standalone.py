"""``compare render EXECUTED.ipynb [-o PAGE.html]``: any executed notebook as the project's page.

The page is the report page of ``compare report`` (code hidden until "Show code", a table of
contents, captions, status and parameters) with everything inline: plotly.js once, the style
sheets and the page's script, so one file opens offline on its own. It takes notebooks executed
anywhere: by ``compare report``, by the papermill CLI, in JupyterLab. Figures are drawn from
their plotly JSON when an output carries no HTML (``fig.show()`` with plotly's default renderer),
and the plotly.js that ``compare.show`` puts into a notebook's first figure outside a report run
is taken out (the page has its own copy).
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path
from typing import Any

from compare.errors import CompareError
from compare.reports.display import PLOTLY_MIMETYPE, PLOTLYJS_END, PLOTLYJS_START
from compare.storage import atomic

_EMBEDDED_PLOTLYJS = re.compile(re.escape(PLOTLYJS_START) + ".*?" + re.escape(PLOTLYJS_END), re.S)


@functools.cache
def exporter() -> Any:
    """The HTML exporter of the self-contained page (built once per process)."""
    from nbconvert import HTMLExporter  # noqa: PLC0415

    from compare.reports.render import TEMPLATES  # noqa: PLC0415

    return HTMLExporter(
        template_name="lab",
        extra_template_paths=[str(TEMPLATES)],
        template_file="standalone.html.j2",
    )


def read_notebook(path: Path) -> Any:
    """The notebook at ``path`` (a clear error for a missing or invalid file)."""
    import nbformat  # noqa: PLC0415

    try:
        return nbformat.read(str(path), as_version=4)
    except FileNotFoundError:
        raise CompareError(f"no notebook at {path}") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:  # nbformat's JSON/shape errors
        raise CompareError(f"{path}: not a readable notebook: {exc}") from None


def _figure_html(data: dict[str, Any]) -> str:
    import plotly.graph_objects as go  # noqa: PLC0415

    from compare.reports.display import figure_html  # noqa: PLC0415

    return figure_html(go.Figure(data, skip_invalid=True))


def prepare(nb: Any) -> tuple[int, int]:
    """Outputs made drawable in place: HTML from the plotly JSON where an output has none, the
    embedded plotly.js removed. Returns (figures drawn from JSON, copies of plotly.js removed)."""
    drawn = removed = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data")
            if not data:
                continue
            page = data.get("text/html")
            if isinstance(page, list):
                page = "".join(page)
            if isinstance(page, str) and PLOTLYJS_START in page:
                page, count = _EMBEDDED_PLOTLYJS.subn("", page)
                data["text/html"], removed = page, removed + count
            elif page is None and isinstance(data.get(PLOTLY_MIMETYPE), dict):
                data["text/html"] = _figure_html(data[PLOTLY_MIMETYPE])
                drawn += 1
    return drawn, removed


def _failure(nb: Any) -> tuple[str, str, dict[str, Any] | None]:
    """(status, message, failing cell) read from the outputs."""
    for index, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                ename, evalue = output.get("ename", ""), output.get("evalue", "")
                failing = {
                    "index": index,
                    "execution_count": cell.get("execution_count"),
                    "ename": ename,
                    "evalue": evalue,
                }
                return "failed", f"cell {index} raised {ename}: {evalue}", failing
    return "ok", "", None


def _title(nb: Any, path: Path) -> str:
    meta = nb.metadata.get("compare", {})
    if isinstance(meta, dict) and meta.get("title"):
        return str(meta["title"])
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return path.stem.replace("_", " ")


def _parameters(nb: Any) -> list[tuple[str, str]]:
    found = nb.metadata.get("compare", {}).get("parameters") or nb.metadata.get(
        "papermill", {}
    ).get("parameters")
    if not isinstance(found, dict):
        return []
    return [
        (str(k), v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))
        for k, v in found.items()
    ]


def _language(nb: Any) -> str:
    """The language the notebook ran in (its ``language`` parameter; English by default)."""
    from compare.language import LANGUAGES, SOURCE_LANGUAGE  # noqa: PLC0415

    found = dict(_parameters(nb)).get("language") or nb.metadata.get("compare_language")
    return found if found in LANGUAGES else SOURCE_LANGUAGE


def _inline() -> dict[str, str]:
    from compare.reports.render import ASSETS, _lab_css, _plotly_js  # noqa: PLC0415

    css = _lab_css().decode("utf-8") + "\n" + (ASSETS / "report.css").read_text("utf-8")
    return {
        "plotly_js": _plotly_js().decode("utf-8"),
        "css": css,
        "js": (ASSETS / "report.js").read_text("utf-8"),
    }


def render_file(source: Path, out: Path | None = None) -> Path:
    """Write the self-contained page of the executed notebook ``source`` (default: beside it,
    ``.html``); returns its path."""
    from compare.reports.render import (  # noqa: PLC0415
        TOC_MARK,
        generated_now,
        page_words,
        toc,
    )

    source = Path(source)
    out = Path(out) if out else source.with_suffix(".html")
    if out.resolve() == source.resolve():
        raise CompareError(f"-o {out}: that is the notebook itself; give an .html path")
    nb = read_notebook(source)
    prepare(nb)
    status, message, failing = _failure(nb)
    context = {
        "title": _title(nb, source),
        "run_id": source.stem,
        "group": "rendered with compare render",
        "parameters": _parameters(nb),
        "status": status,
        "message": message,
        "failing": failing,
        "assets": "",
        "index": "",
        "ipynb": Path(os.path.relpath(source.resolve(), out.resolve().parent)).as_posix(),
        "generated": generated_now(_language(nb)),
        **page_words(_language(nb), ()),
    }
    resources = {
        "metadata": {"name": context["title"], "path": str(source.parent)},
        "compare": context,
        "compare_inline": _inline(),
    }
    html_exporter = exporter()
    html_exporter.language_code = context["language"]  # <html lang="..">
    page, _ = html_exporter.from_notebook_node(nb, resources=resources)
    page = page.replace(TOC_MARK, toc(page, context["words"]["contents"]), 1)
    atomic.write_text(out, page)
    return out
