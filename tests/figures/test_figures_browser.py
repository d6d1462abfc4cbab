"""Figures in headless Chromium with the network blocked: what is actually drawn, and PNG export.

The HTML embeds plotly.js (no ``<script src>``), so a figure that needed a CDN or a map topology
would draw nothing here (tests/browser.py cuts the network).
"""

from __future__ import annotations

import re
import struct
from pathlib import Path

import pytest

import compare.figures as cf
from compare.config import DEFAULT_GROUPS
from compare.figures import maps
from tests.browser import chromium, rendered_dom

pytestmark = pytest.mark.browser
YEAR = 2022


def _between(text: str, start: str, end: str) -> str:
    head = text.index(start)
    return text[head : text.index(end, head)]


def _plot_layer(dom: str) -> str:
    """The SVG of the plot area (legend and hover layers excluded)."""
    svg = dom[dom.index("<svg") :]
    return _between(svg, 'class="cartesianlayer"', 'class="polarlayer"')


def _hover_point(shape: maps.Shape) -> tuple[float, float]:
    """A point inside the largest drawn ring of ``shape`` (km)."""
    import shapely

    rings, ring = [], []
    for x, y in zip(shape.xs, shape.ys, strict=True):
        if x is None:
            rings.append(ring)
            ring = []
        else:
            ring.append((x, y))
    rings.append(ring)
    largest = max((shapely.Polygon(r) for r in rings if len(r) > 3), key=lambda p: p.area)
    point = largest.representative_point()
    return point.x, point.y


@pytest.fixture(scope="module")
def map_page(built_home: Path, tmp_path_factory: pytest.TempPathFactory):
    chromium()
    fig = cf.choropleth("internet_users_pct", YEAR, home=built_home)
    x, y = _hover_point(maps.panel_geometry("Europe", built_home).shapes["FRA"])
    hover = (
        "var gd = document.getElementById('{plot_id}');"
        f"Plotly.Fx.hover(gd, {{xpx: gd._fullLayout.xaxis.c2p({x}), "
        f"ypx: gd._fullLayout.yaxis.c2p({y})}}, 'xy');"
    )
    page = tmp_path_factory.mktemp("map") / "map.html"
    fig.write_html(page, include_plotlyjs=True, post_script=hover)
    return fig, page, rendered_dom(page)


def test_map_html_is_self_contained(map_page) -> None:
    _, page, _ = map_page
    html = page.read_text(encoding="utf-8")
    assert not re.search(r"<script[^>]+src=", html)  # plotly.js embedded, nothing fetched
    assert "topojson" not in html.split("Plotly.newPlot", 1)[1]  # the figure asks for no topology


def test_map_draws_every_polygon_offline(map_page) -> None:
    fig, _, dom = map_page
    layer = _plot_layer(dom)
    fills = re.findall(r'<path class="js-fill([^"]*)" d="([^"]*)"', layer)
    drawn = [cls for cls, d in fills if len(d) > 20]
    filled_traces = [t for t in fig.data if t.fill == "toself"]
    no_data = [t for t in fig.data if (t.meta or {}).get("role") == "nodata"]
    assert len(drawn) == len(filled_traces) > 60
    assert sum("pattern_filled" in cls for cls in drawn) == len(no_data) > 0
    tiles = sum(
        len(t.x) for t in fig.data if (t.meta or {}).get("role") in ("tiles", "tiles_nodata")
    )
    assert len(re.findall(r'<path class="point"', layer)) == tiles > 20
    assert "Source: World Bank, World Development Indicators (ITU)" in dom  # the caption
    assert len(re.findall(r'class="[^"]*\bcolorbar"', dom)) == 1  # one colour scale, both panels


def test_map_hover_names_country_value_year_source(map_page, built_home: Path) -> None:
    import compare

    _, _, dom = map_page
    label = _between(dom, 'class="hovertext"', "</g>")
    value = compare.load("internet_users_pct", years=YEAR, countries="FRA", home=built_home)
    text = re.sub(r"<[^>]+>", " ", label)
    assert "France" in text and "(FRA)" in text
    assert f"{value['value'].item():.1f}%" in text
    assert f"Year: {YEAR}" in text and "Source: wb-internet-users" in text


def test_distribution_draws_boxes_and_points_offline(built_home: Path, tmp_path: Path) -> None:
    chromium()
    fig = cf.distribution("egdi", YEAR, home=built_home)
    page = tmp_path / "distribution.html"
    fig.write_html(page, include_plotlyjs=True)
    layer = _plot_layer(rendered_dom(page))
    assert len(re.findall(r'<path class="box"', layer)) == 2
    points = sum(len(t.x) for t in fig.data)  # country points + mean markers
    assert len(re.findall(r'<path class="point"', layer)) == points
    assert points > 60


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_static_export_in_one_batch(built_home: Path, tmp_path: Path) -> None:
    chromium()
    figures = {
        "map": cf.choropleth("internet_users_pct", YEAR, home=built_home),
        "scatter": cf.scatter("internet_users_pct", "egdi", YEAR, home=built_home),
    }
    timings: list[float] = []
    paths = cf.export(figures, tmp_path / "img", formats=("png", "svg"), timings=timings)
    assert [p.name for p in paths] == ["map.png", "map.svg", "scatter.png", "scatter.svg"]
    assert len(timings) == 4
    for name, fig in figures.items():
        png = tmp_path / "img" / f"{name}.png"
        assert _png_size(png) == (fig.layout.width, fig.layout.height)
        assert png.stat().st_size > 20_000  # drawn, not blank
        svg = (tmp_path / "img" / f"{name}.svg").read_text(encoding="utf-8")
        assert "Source" in svg and svg.count("<path") > 50
    # maps exported with no topology: every country is an SVG path of its own
    svg = (tmp_path / "img" / "map.svg").read_text(encoding="utf-8")
    countries = [t for t in figures["map"].data if (t.meta or {}).get("role") == "country"]
    assert len(re.findall(r'class="js-fill', svg)) >= len(countries)
    assert set(DEFAULT_GROUPS) <= {a.text for a in figures["map"].layout.annotations}
