"""One look for every figure: fonts, the two region colours, number formats by unit, captions.

Plotly is imported inside functions, so importing this module is cheap. The region colours are
the Okabe-Ito blue and vermillion (distinguishable with the common colour-vision deficiencies);
the sequential scale of the maps is Viridis (perceptually uniform, colour-blind safe) and "no
data" is a neutral grey that is not part of that scale.
"""

from __future__ import annotations

import html
import math
import textwrap
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from compare import units
from compare.language import SOURCE_LANGUAGE, current
from compare.text.i18n import _, t
from compare.text.words import years_text

if TYPE_CHECKING:
    import plotly.graph_objects as go

#: The two comparison groups, in the same colour in every figure (Okabe-Ito palette).
REGION_COLOURS: dict[str, str] = {
    "Europe": "#0072B2",
    "Latin America & Caribbean": "#D55E00",
}
#: Colours for other groups a user may compare (Okabe-Ito, in order).
EXTRA_COLOURS = ("#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")

FONT_FAMILY = "Source Sans Pro, Helvetica Neue, Arial, sans-serif"
FONT_SIZE = 13
FONT_COLOUR = "#222222"
CAPTION_SIZE = 10
CAPTION_COLOUR = "#555555"
GRID_COLOUR = "#E5E5E5"

#: Sequential scale of the maps and the heatmap.
SEQUENTIAL_SCALE = "Viridis"
#: Countries of a group without a value: neutral grey, hatched on maps.
NO_DATA_COLOUR = "#C8C8C8"
#: Countries outside both groups, drawn on maps for orientation only.
CONTEXT_COLOUR = "#F3F3F3"
BORDER_COLOUR = "#FFFFFF"


def unit_title(unit: str) -> str:
    """A short readable name of ``unit`` ("%", "index (0-1)"; unknown units without "_")."""
    return _(units.title(unit))


def region_colour(group: str, order: int = 0) -> str:
    """The colour of ``group``: the fixed one for Europe and LAC, else the next spare colour."""
    return REGION_COLOURS.get(group, EXTRA_COLOURS[order % len(EXTRA_COLOURS)])


def unit_format(unit: str) -> tuple[str, str, str]:
    """(d3 format, prefix, suffix) of ``unit`` for plotly tick and hover formats
    (:mod:`compare.units`)."""
    found = units.style(unit)
    suffix = found.suffix if found else ""
    if suffix.strip() and current() != SOURCE_LANGUAGE:  # " per 100" -> " por 100"
        suffix = suffix[: len(suffix) - len(suffix.lstrip())] + _(suffix.strip())
    return units.d3_format(unit), found.prefix if found else "", suffix


def hover_format(unit: str, field: str = "x") -> str:
    """A hovertemplate fragment that formats ``%{field}`` in ``unit``, e.g. ``%{x:.1f}%``."""
    spec, prefix, suffix = unit_format(unit)
    return f"{prefix}%{{{field}:{spec}}}{suffix}"


def format_value(value: float | None, unit: str) -> str:
    """``value`` as text in ``unit`` ("62.3%", "0.812", "$12,345 (PPP)"); "no data" when missing."""
    if value is None or math.isnan(float(value)):
        return _("no data")
    spec, prefix, suffix = unit_format(unit)
    python_spec = spec.replace("~", "")
    if current() != SOURCE_LANGUAGE and units.style(unit) is not None:
        from compare.text.numbers import bare  # noqa: PLC0415

        return f"{prefix}{bare(float(value), unit).replace(chr(0x2212), '-')}{suffix}"
    return f"{prefix}{format(float(value), python_spec)}{suffix}"


def axis_format(unit: str) -> dict[str, str]:
    """Axis properties (tickformat, ticksuffix, tickprefix) for values in ``unit``."""
    spec, prefix, _ = unit_format(unit)
    tick_suffix = "%" if unit == "percent" else ""
    return {
        "tickformat": spec.replace(".1f", ".0f").replace(".3f", ".2f"),
        "tickprefix": prefix,
        "ticksuffix": tick_suffix,
    }


def caption_text(
    indicators: Iterable[str], years: Iterable[int] | int | None, *, extra: str | None = None
) -> str:
    """Sources (publisher, citation id and licence) of ``indicators`` and the years used.

    >>> caption_text(["internet_users_pct"], [2022])  # doctest: +ELLIPSIS
    'Source: World Bank, World Development Indicators (ITU) [wb-internet-users], licence CC BY 4.0. Years: 2022.'
    """  # noqa: E501
    from compare.catalog import load_catalog  # noqa: PLC0415

    catalog = load_catalog()
    source_ids: list[str] = []
    for indicator in indicators:
        for source_id in catalog.indicator(indicator).sources:  # a derived one: its operands'
            if source_id not in source_ids:
                source_ids.append(source_id)
    parts = []
    for source_id in source_ids:
        source = catalog.source(source_id)
        parts.append(  # escaped: plotly reads "<...>" in a caption as markup
            html.escape(
                t("{publisher} [{id}], licence {licence}",
                  publisher=source.publisher or source.citation, id=source_id,
                  licence=source.licence),
                quote=False,
            )
        )  # fmt: skip
    label = _("Source") if len(parts) == 1 else _("Sources")
    text = t("{label}: {sources}. Years: {years}.", label=label, sources="; ".join(parts),
             years=years_text(years))  # fmt: skip
    return f"{text} {extra}" if extra else text


def wrap_caption(text: str, width_px: int) -> list[str]:
    """Lines of ``text`` that fit ``width_px`` at the caption font size."""
    chars = max(40, int(width_px / (CAPTION_SIZE * 0.52)))
    return textwrap.wrap(text, width=chars, break_on_hyphens=False)


def _white_template(fig: go.Figure) -> None:
    """plotly's registered ``plotly_white`` template, set as plotly sets its default template:
    without validating it again (validation copies the whole template, ~20-40 ms a figure)."""
    import plotly.io as pio  # noqa: PLC0415

    layout = fig.layout
    layout._validate = False  # plotly's own way (BaseFigure._initialize_layout_template)
    try:
        layout.template = pio.templates["plotly_white"]
    finally:
        layout._validate = fig._validate


def apply_theme(
    fig: go.Figure, *, width: int | None = None, height: int | None = None
) -> go.Figure:
    """Fonts, white background, light grids and a horizontal legend on top; returns ``fig``."""
    _white_template(fig)
    fig.update_layout(
        font={"family": FONT_FAMILY, "size": FONT_SIZE, "color": FONT_COLOUR},
        title={
            "x": 0.0,
            "xref": "paper",
            "xanchor": "left",
            "y": 1.0,
            "yref": "container",
            "yanchor": "top",
            "pad": {"t": 14},
            "font": {"size": FONT_SIZE + 4},
        },
        legend={
            "orientation": "h",
            "yanchor": "bottom",
            "y": 1.01,
            "xanchor": "left",
            "x": 0.0,
            "title": {"text": ""},
        },
        hoverlabel={"font": {"family": FONT_FAMILY, "size": FONT_SIZE - 1}},
        paper_bgcolor="white",
        plot_bgcolor="white",
    )
    if width:
        fig.update_layout(width=width)
    if height:
        fig.update_layout(height=height)
    if current() != SOURCE_LANGUAGE:  # plotly's decimal and group signs, from the locale (CLDR)
        from babel.numbers import get_decimal_symbol, get_group_symbol  # noqa: PLC0415

        fig.update_layout(separators=get_decimal_symbol(current()) + get_group_symbol(current()))
    fig.update_xaxes(gridcolor=GRID_COLOUR, zerolinecolor=GRID_COLOUR)
    fig.update_yaxes(gridcolor=GRID_COLOUR, zerolinecolor=GRID_COLOUR)
    return fig


def title_text(text: str, width_px: int) -> str:
    """``text`` wrapped (``<br>``) to fit ``width_px`` at the title font size."""
    chars = max(30, int(width_px / ((FONT_SIZE + 4) * 0.5)))
    return "<br>".join(textwrap.wrap(text, width=chars, break_on_hyphens=False))


def legend_rows(fig: go.Figure) -> int:
    """Rough number of rows a horizontal legend takes (entries shown / plot width)."""
    width = (fig.layout.width or 1000) - 120
    names = [str(t.name or "") for t in fig.data if t.showlegend is not False and t.name]
    if fig.layout.showlegend is False or not names:
        return 0
    rows, used = 1, 0
    for name in names:
        size = 44 + int(len(name) * FONT_SIZE * 0.5)
        if used and used + size > width:
            rows, used = rows + 1, 0
        used += size
    return rows


def add_caption(fig: go.Figure, caption: str, meta: dict[str, Any] | None = None) -> go.Figure:
    """Put ``caption`` under the plot (an annotation) and in ``fig.layout.meta["caption"]``.

    The bottom margin grows with the number of caption lines; ``meta`` adds other entries
    (indicators, years, sources ...) to ``layout.meta``.
    """
    width = fig.layout.width or 1000
    # the annotation starts at the plot area's left edge: wrap to the plot area's width
    margin = fig.layout.margin
    left = margin.l if margin and margin.l is not None else 80
    right = margin.r if margin and margin.r is not None else 80
    lines = wrap_caption(caption, int(width - left - right))
    bottom = (margin.b if margin and margin.b is not None else 60) + 14 * len(lines) + 6
    fig.add_annotation(
        text="<br>".join(lines),
        xref="paper",
        yref="paper",
        x=0.0,
        y=0.0,
        xanchor="left",
        yanchor="top",
        yshift=-(bottom - 14 * len(lines) - 10),
        align="left",
        showarrow=False,
        font={"size": CAPTION_SIZE, "color": CAPTION_COLOUR},
        name="caption",
    )
    fig.update_layout(margin={"b": bottom}, meta={**(meta or {}), "caption": caption})
    return fig
