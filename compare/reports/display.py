"""Showing figures and data-driven text in notebooks, the same way in JupyterLab and in reports.

``compare.show(fig)`` is what notebooks call instead of ``fig.show()``:

* in a report run (``$COMPARE_REPORT`` set by ``compare report``) it emits one output with
  ``text/html`` (the figure's ``<div>`` without plotly.js, which the report page loads once from
  ``reports/assets/plotly.min.js``, and its caption as a ``<figcaption>``) plus the plotly JSON
  mimetype, so the saved ``.ipynb`` still shows the figure in JupyterLab. It never goes through
  plotly's renderers (whose first use validates with nbformat/jsonschema, ~1 s per kernel), and
  nbconvert can draw it (plotly 6+'s default output is a mimetype nbconvert drops);
* anywhere else (JupyterLab, VS Code, ``papermill`` run from the command line) it emits the
  plotly JSON mimetype (drawn by JupyterLab's plotly renderer) together with ``text/html``: the
  figure's ``<div>``, preceded in the first figure of the kernel session by plotly.js itself, so
  that a notebook converted with plain ``jupyter nbconvert --to html`` draws every figure offline
  with plotly.js included once per page (between ``<!-- compare:plotlyjs -->`` marks, which
  ``compare render`` removes: its page loads plotly.js once itself). A caption the figure does
  not draw is shown under it as Markdown.

In a report run the plotly renderer ``"compare"`` is also the default, so a plain ``fig.show()``
in a notebook is rendered the same way. ``md(text)`` shows text computed from data as Markdown
with HTML special characters escaped (a country name never becomes markup).
"""

from __future__ import annotations

import contextlib
import html
import json
import os
from collections.abc import Sequence
from typing import Any

#: Environment variable set by the report runner in every kernel it starts.
REPORT_ENV = "COMPARE_REPORT"

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"

_PLOT_CONFIG = {"displaylogo": False, "responsive": True}


def report_mode() -> bool:
    """Whether this kernel runs under ``compare report``."""
    return os.environ.get(REPORT_ENV, "") not in ("", "0")


def caption_of(fig: Any) -> str:
    """The caption a figure carries in ``layout.meta["caption"]`` ("" when none)."""
    meta = fig.layout.meta
    if isinstance(meta, dict):
        return str(meta.get("caption") or "")
    return ""


def figure_json(fig: Any) -> dict[str, Any]:
    """The figure as plain JSON data (what the plotly mimetype carries)."""
    import plotly.io as pio  # noqa: PLC0415

    return json.loads(pio.to_json(fig, validate=False, remove_uids=False))


def figure_html(fig: Any, caption: str | None = None, plot: dict[str, Any] | None = None) -> str:
    """``<figure>`` with the plot ``<div>`` (plotly.js not included) and an escaped caption
    (a ``<figcaption>``; kept for screen readers and search but not shown twice when the figure
    draws the caption itself, as every figure of :mod:`compare.figures` does). ``plot``: the
    figure's :func:`figure_json` when the caller has it already."""
    import uuid  # noqa: PLC0415

    text = caption_of(fig) if caption is None else caption
    plot = {**(figure_json(fig) if plot is None else plot), "config": _PLOT_CONFIG}
    # The page's Content-Security-Policy runs no inline script: the figure is data (a JSON
    # block the browser never executes, with <, > and & escaped) that reports/assets/report.js
    # draws with Plotly.newPlot.
    data = (
        json.dumps(plot, ensure_ascii=False, separators=(",", ":"))
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    body = (
        f'<div class="compare-plot" id="{uuid.uuid4()}"></div>'
        f'<script type="application/json" class="compare-plot-data">{data}</script>'
    )
    drawn = caption_drawn(fig)
    caption_html = f"<figcaption>{html.escape(text)}</figcaption>" if text else ""
    kind = "compare-figure caption-drawn" if drawn else "compare-figure"
    return f'<figure class="{kind}">{body}{caption_html}</figure>'


def bundle(fig: Any, caption: str | None = None) -> dict[str, Any]:
    """The output of one figure in a report: HTML for the page, JSON for JupyterLab, and the
    values drawn for the page's "Download data" link (:mod:`compare.reports.downloads`)."""
    from compare.reports.downloads import DATA_MIMETYPE, figure_payload  # noqa: PLC0415

    text = caption_of(fig) if caption is None else caption
    title = fig.layout.title.text if fig.layout.title and fig.layout.title.text else "Figure"
    data = figure_payload(fig)
    plot = figure_json(fig)  # once: the page's HTML and the notebook's JSON carry the same
    return {
        "text/html": figure_html(fig, text, plot),
        PLOTLY_MIMETYPE: plot,
        "text/plain": f"{title}. {text}".strip(),
        **({DATA_MIMETYPE: data} if data is not None else {}),
    }


#: Marks around plotly.js in a figure's HTML outside a report run.
PLOTLYJS_START, PLOTLYJS_END = "<!-- compare:plotlyjs -->", "<!-- /compare:plotlyjs -->"

#: Whether this kernel already sent plotly.js in a figure's HTML (once per kernel session).
_KERNEL = {"plotlyjs_sent": False}


def plotlyjs_html() -> str:
    """plotly.js in a ``<script>``, between :data:`PLOTLYJS_START` and :data:`PLOTLYJS_END`."""
    from plotly.offline import get_plotlyjs  # noqa: PLC0415

    return (
        f"{PLOTLYJS_START}<script>window.PlotlyConfig = {{MathJaxConfig: 'local'}};</script>"
        f'<script type="text/javascript">{get_plotlyjs()}</script>{PLOTLYJS_END}'
    )


def caption_drawn(fig: Any) -> bool:
    """Whether the figure draws its caption itself (an annotation named ``caption``)."""
    return any(getattr(a, "name", None) == "caption" for a in fig.layout.annotations or ())


def notebook_bundle(fig: Any, caption: str | None = None) -> dict[str, Any]:
    """The output of one figure outside a report run: the plotly JSON for JupyterLab, and HTML
    that draws it in a page converted by plain nbconvert (plotly.js in the kernel's first)."""
    import plotly.io as pio  # noqa: PLC0415

    text = caption_of(fig) if caption is None else caption
    title = fig.layout.title.text if fig.layout.title and fig.layout.title.text else "Figure"
    div = pio.to_html(
        fig, full_html=False, include_plotlyjs=False, config=_PLOT_CONFIG, validate=False
    )
    first = "" if _KERNEL["plotlyjs_sent"] else plotlyjs_html()
    _KERNEL["plotlyjs_sent"] = True
    return {
        "text/html": f'{first}<div class="compare-figure">{div}</div>',
        PLOTLY_MIMETYPE: figure_json(fig),
        "text/plain": f"{title}. {text}".strip(),
    }


def show(fig: Any, caption: str | None = None) -> None:
    """Display a plotly figure with its caption (see the module docstring)."""
    from IPython.display import Markdown, display  # noqa: PLC0415

    if report_mode():
        _register_table_data()
        display(bundle(fig, caption), raw=True)
        return
    display(notebook_bundle(fig, caption), raw=True)
    text = caption_of(fig) if caption is None else caption
    if text and (caption is not None or not caption_drawn(fig)):
        display(Markdown(f"*{html.escape(text)}*"))


def md(text: str) -> Any:
    """Markdown for text computed from data: ``<``, ``>`` and ``&`` escaped (no HTML), and no
    link or image that could run code or fetch anything (:func:`compare.text.escape.safe_markdown`:
    ``javascript:``/``data:`` links and remote images become their text). Data inserted into
    the text should be escaped first with :func:`compare.text.escape.md_text`. A quote marked
    with :func:`compare.text.escape.foreign` shows as ``<span lang="en">``."""
    from IPython.display import Markdown  # noqa: PLC0415

    from compare.text.escape import marked_html, safe_markdown  # noqa: PLC0415

    if report_mode():
        _register_table_data()
    return Markdown(marked_html(safe_markdown(html.escape(str(text), quote=False))))


def show_table(frame: Any, max_rows: int = 500, data: Any = None) -> None:
    """Display a DataFrame whole (up to ``max_rows`` rows) without its index, in the reader's
    language (:func:`compare.text.tables.localise`); cells are HTML-escaped by pandas. In a
    report run the page links a CSV of ``data`` (default: the frame given, every row, with its
    own column names: data stay English in every language): pass the unformatted frame when
    ``frame`` holds formatted text."""
    from IPython.display import display  # noqa: PLC0415

    from compare.reports.downloads import DATA_MIMETYPE, table_payload  # noqa: PLC0415
    from compare.text.escape import marked_html, unmarked  # noqa: PLC0415
    from compare.text.tables import localise  # noqa: PLC0415

    source = frame if data is None else data
    frame = localise(frame)  # the reader's language (English: unchanged)
    html_table = marked_html(
        frame.to_html(
            index=False, escape=True, na_rep="", max_rows=max_rows, border=0,
            classes="dataframe compare-table",
        )
    )  # fmt: skip
    text = unmarked(frame.to_string(index=False, max_rows=max_rows))
    output = {"text/html": html_table, "text/plain": text}
    if report_mode():
        _register_table_data()
        output[DATA_MIMETYPE] = table_payload(source.reset_index(drop=True))
    display(output, raw=True)


#: The language the source paper and the mirror's INDEX.md are written in (their quotes).
QUOTE_LANGUAGE = "en"  # the same as compare.text.escape.QUOTE_LANGUAGE


def quotes_html(
    frame: Any, quote_columns: Sequence[str] = ("quote",), language: str = QUOTE_LANGUAGE
) -> str:
    """``frame`` as an HTML table for a page in another language: headers and labels
    translated (:func:`compare.text.tables.localise`), the cells of ``quote_columns`` verbatim and
    marked with the language they were written in (``<td lang="en">``), and so are the quotes
    marked inside other cells (:func:`compare.text.escape.foreign`); every cell escaped."""
    from compare.text.escape import marked_html  # noqa: PLC0415
    from compare.text.tables import header, localise  # noqa: PLC0415

    shown = localise(frame.drop(columns=list(quote_columns), errors="ignore"))
    names = dict(zip(frame.drop(columns=list(quote_columns), errors="ignore").columns,
                     shown.columns, strict=True))  # fmt: skip
    names.update({c: header(c) for c in quote_columns if isinstance(c, str)})  # ours, not quoted
    head = "".join(f"<th>{html.escape(str(names.get(c, c)))}</th>" for c in frame.columns)
    rows = []
    for position in range(len(frame)):
        cells = []
        for column in frame.columns:
            if column in quote_columns:
                value = frame[column].iloc[position]
                attrs = f' lang="{html.escape(language)}"'
            else:
                value = shown[names[column]].iloc[position]
                attrs = ""
            text = "" if value is None or value != value else str(value)  # noqa: PLR0124
            cells.append(f"<td{attrs}>{marked_html(html.escape(text))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return (
        '<table class="dataframe compare-table compare-quotes" border="0"><thead><tr>'
        + head + "</tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
    )  # fmt: skip


def show_quotes(frame: Any, quote_columns: Sequence[str] = ("quote",)) -> None:
    """Display a table that holds quotes: in English as pandas shows it; in another language
    with its labels translated and the quotes verbatim, marked with their language
    (:func:`quotes_html`)."""
    from IPython.display import display  # noqa: PLC0415

    from compare.language import SOURCE_LANGUAGE, current  # noqa: PLC0415
    from compare.text.escape import unmarked  # noqa: PLC0415

    if current() == SOURCE_LANGUAGE:
        display(frame)
        return
    text = unmarked(frame.to_string(index=False, max_rows=500))
    display({"text/html": quotes_html(frame, quote_columns), "text/plain": text}, raw=True)


def register() -> None:
    """Register the plotly renderer ``"compare"``; in a report run make it the default."""
    import plotly.io as pio  # noqa: PLC0415
    from plotly.io._base_renderers import MimetypeRenderer  # noqa: PLC0415

    class CompareRenderer(MimetypeRenderer):  # type: ignore[misc]
        """``fig.show()`` in a report run: the same output as :func:`show`."""

        def to_mimebundle(self, fig_dict: dict[str, Any]) -> dict[str, Any]:
            import plotly.graph_objects as go  # noqa: PLC0415

            return bundle(go.Figure(fig_dict, skip_invalid=True))

    pio.renderers["compare"] = CompareRenderer()
    if report_mode():
        pio.renderers.default = "compare"
        _register_table_data()


def _register_table_data() -> None:
    """In a report run, a DataFrame a notebook displays also carries its data (the page links a
    CSV of it): one more IPython formatter, for DataFrames only. Registered in the kernel's
    shell when the display module is imported there and again (once) on the first ``show``,
    ``md`` or ``show_table``: a warm kernel is forked with the module already imported, before
    its shell exists."""
    from IPython import get_ipython  # noqa: PLC0415

    shell = get_ipython()
    if shell is None:
        return
    import pandas as pd  # noqa: PLC0415
    from IPython.core.formatters import BaseFormatter  # noqa: PLC0415
    from traitlets import ObjectName, Unicode  # noqa: PLC0415

    from compare.reports.downloads import DATA_MIMETYPE, table_payload  # noqa: PLC0415

    formatters = shell.display_formatter.formatters
    if DATA_MIMETYPE in formatters:
        return

    class DataFormatter(BaseFormatter):  # type: ignore[misc]
        """The data of a displayed DataFrame (:mod:`compare.reports.downloads`)."""

        format_type = Unicode(DATA_MIMETYPE)
        print_method = ObjectName("_repr_compare_data_")  # no object has it: DataFrames only
        _return_type = dict

    formatter = DataFormatter(parent=shell.display_formatter)
    formatter.for_type(pd.DataFrame, table_payload)
    formatters[DATA_MIMETYPE] = formatter


def warm() -> None:
    """First-use work done once in the kernel fork server (plotly's validators and JSON
    encoder, the catalog and reference tables), so that forked kernels start warm."""
    import plotly.graph_objects as go  # noqa: PLC0415

    from compare.catalog import load_catalog  # noqa: PLC0415
    from compare.geo import countries, regions  # noqa: PLC0415

    load_catalog()
    countries.to_iso3(["Spain"], warn=False)
    regions.members("Europe", "m49", 2020)
    _warm_languages()
    fig = go.Figure(go.Scatter(x=[0, 1], y=[0, 1]))
    fig.add_trace(go.Box(y=[0, 1]))
    fig.add_trace(go.Choropleth(locations=["ESP"], z=[1]))
    fig.add_trace(go.Heatmap(z=[[0, 1]]))
    fig.add_trace(go.Bar(x=[0], y=[1]))
    bundle(fig)
    if report_mode():
        register()


def _warm_languages() -> None:
    """Each language's message catalog and Babel's locale data (numbers, dates, plural rules),
    read once in the fork server rather than in every kernel."""
    from compare.language import LANGUAGES, use_language  # noqa: PLC0415
    from compare.text import numbers  # noqa: PLC0415
    from compare.text.i18n import ngettext, translations  # noqa: PLC0415

    for code in LANGUAGES:
        translations(code)
        with use_language(code):
            numbers.share(0.5)
            numbers.value(1234.5, "index (0-1)")
            numbers.date("2026-12-06")
            ngettext("{n} country", "{n} countries", 2)


if report_mode():  # a notebook importing compare.reports.display in a report run
    with contextlib.suppress(ImportError):  # plotly missing: nothing to register
        register()
