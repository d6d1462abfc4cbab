"""Helpers shared by the figure modules: loading, year choice, a themed empty figure, the
caption and provenance record every figure ends with, colours and legend tidying."""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from compare.config import DEFAULT_CLASSIFICATION
from compare.errors import ParameterError
from compare.figures import theme
from compare.figures.theme import apply_theme, caption_text
from compare.stats.panel import POPULATION  # noqa: F401 - re-exported for the figure modules
from compare.text.words import years_text

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

WIDTH, HEIGHT = 1000, 600


def _catalog() -> Any:
    """The catalog with its titles escaped for plotly's HTML-like labels (titles, axes, hover
    text): a title from a user catalog such as ``"A <b>new</b> & odd one"`` shows as written,
    never as markup."""
    from compare.catalog import load_catalog  # noqa: PLC0415

    catalog = load_catalog()
    if _SAFE.get("for") is not catalog:
        _SAFE.update(
            {
                "for": catalog,
                "safe": dataclasses.replace(
                    catalog,
                    indicators={
                        k: dataclasses.replace(i, title=html.escape(i.title, quote=False))
                        for k, i in catalog.indicators.items()
                    },
                ),
            }
        )
    return _SAFE["safe"]


_SAFE: dict[str, Any] = {}


def _groups(groups: Sequence[str], classification: str = DEFAULT_CLASSIFICATION) -> tuple[str, ...]:
    """The groups of a figure, checked against ``classification`` (a group of another
    classification is named ``CLASSIFICATION:GROUP``)."""
    from compare.geo.regions import check_groups  # noqa: PLC0415

    return check_groups(groups, classification)


def _colour(group: str, order: int) -> str:
    return theme.region_colour(group, order)


def _load(indicators: str | list[str], home: Any, **kwargs: Any) -> pd.DataFrame:
    from compare.data import load  # noqa: PLC0415

    return load(indicators, home=home, **kwargs)


def _resolve_year(
    indicator: str,
    year: int | None,
    groups: tuple[str, ...],
    home: Any,
    classification: str = DEFAULT_CLASSIFICATION,
) -> tuple[int, str]:
    """The year asked for (checked: some member of a group has data), else the statistics
    module's latest common year of the two groups (one group: its latest year), with the
    reason."""
    if year is None and len(groups) == 2:
        from compare.stats.comparison import latest_common_year  # noqa: PLC0415

        found, note = latest_common_year(
            indicator, groups=groups, classification=classification, home=home
        )
        return int(found), note
    frame = _load(indicator, home, groups=list(groups), classification=classification)
    available = sorted({int(y) for y in frame.loc[frame["value"].notna(), "year"]})
    if year is None:  # one group: its latest year with a value
        if not available:
            raise ParameterError(f"no {indicator} values for {', '.join(groups)}")
        return available[-1], f"{available[-1]}: the latest year with a value for {groups[0]}"
    if int(year) not in available:
        raise ParameterError(
            f"no {indicator} values for {', '.join(groups)} in {year}; years with data: "
            + years_text(available)
        )
    return int(year), f"{year} as requested"


def _new(width: int = WIDTH, height: int = HEIGHT, **subplots: Any) -> go.Figure:
    import plotly.graph_objects as go  # noqa: PLC0415
    from plotly.subplots import make_subplots  # noqa: PLC0415

    fig = make_subplots(**subplots) if subplots else go.Figure()
    return apply_theme(fig, width=width, height=height)


def _finish(
    fig: go.Figure,
    *,
    kind: str,
    indicators: list[str],
    years: Iterable[int] | int | None,
    title: str,
    extra: str | None = None,
    caption: str | None = None,
    meta: Mapping[str, Any] | None = None,
    data: pd.DataFrame | None = None,
) -> go.Figure:
    """Title, caption (annotation + ``layout.meta``), the provenance record, and the values
    drawn (``data``, kept with the figure: :mod:`compare.figures.figure_data`)."""
    from compare.figures.figure_data import attach  # noqa: PLC0415

    catalog = _catalog()
    text = caption or caption_text(indicators, years, extra=extra)
    year_list = [years] if isinstance(years, int) else sorted({int(y) for y in years or []})
    sources = sorted({s for i in indicators for s in catalog.indicator(i).sources})
    width = int(fig.layout.width or WIDTH)
    heading = theme.title_text(title, width - 40)
    top = 30 + 24 * (heading.count("<br>") + 1)
    if fig.layout.legend.y is None or fig.layout.legend.y >= 1:
        top += 22 * theme.legend_rows(fig)
    fig.update_layout(title={"text": heading}, margin={"t": max(top, 60)})
    attach(fig, data)
    return theme.add_caption(
        fig,
        text,
        {
            "kind": kind,
            "indicators": list(indicators),
            "years": year_list,
            "sources": sources,
            "licences": {s: catalog.source(s).licence for s in sources},
            **(meta or {}),
        },
    )


def _hover_row(name: str, iso3: str, value: str, year: Any, source: str) -> str:
    return f"<b>{name}</b> ({iso3})<br>{value}<br>Year: {year}<br>Source: {source}"


def _dedupe_legend(fig: go.Figure) -> None:
    """Show each legend name once."""
    seen: set[str] = set()
    for trace in fig.data:
        if trace.showlegend is False:
            continue
        if trace.name in seen:
            trace.showlegend = False
        seen.add(trace.name)


def _rgba(colour: str, alpha: float) -> str:
    colour = colour.lstrip("#")
    r, g, b = (int(colour[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgba({r},{g},{b},{alpha})"


def _country_codes(countries: str | Iterable[str] | None) -> list[str] | None:
    """ISO3 codes of ``countries`` (None: no filter)."""
    from compare.geo.countries import require_iso3  # noqa: PLC0415

    return None if countries is None else require_iso3(countries)
