"""Offline maps: Natural Earth 1:110m polygons, projected and drawn as filled plotly traces.

Plotly's ``choropleth`` trace fetches its world topology from a CDN at view time (even when given
its own GeoJSON) and ``choropleth_map`` cannot load from ``file://``; both draw blank offline. So
the polygons are projected here (geopandas/pyproj) and drawn as filled ``go.Scatter`` traces on
plain cartesian axes: the HTML carries its own geometry and needs no network, and static export
with kaleido needs no topology either.

Geometry (``data/raw/natural-earth-110m`` of the project home, imported by ``compare fetch``):

- countries are keyed on ``ISO_A3_EH``, falling back to ``ADM0_A3`` (``ISO_A3`` is -99 for
  France and Norway);
- France's multipolygon includes French Guiana: the South-American part is cut out and drawn as
  French Guiana (``GUF``, a member of M49 Latin America & Caribbean) in the LAC panel, with
  French Guiana's own data (usually none), never France's;
- states too small for 1:110m (Malta, Andorra, Barbados, the Eastern Caribbean ...) are drawn as
  tiles under their panel (the tile position is not geographic);
- Europe is drawn in ETRS89-LAEA (EPSG:3035), Latin America & Caribbean in a Lambert azimuthal
  equal-area projection centred on the region; both are clipped to a window (Svalbard, most of
  Russia and the USA fall outside), simplified to 5 km and rounded to 0.1 km (coordinates in km).
- any other group gets a panel of its own (:func:`panel_for`): a group inside one of those two
  (EU27, Southern Europe, South America, the Caribbean ...) keeps that projection with a window
  around its members; any other group a Lambert azimuthal equal-area projection centred on its
  members, with a window around them.
- shapely orients rings counter-clockwise; exteriors are re-oriented clockwise with interiors the
  other way, so SVG's non-zero fill rule keeps holes (Lesotho inside South Africa) empty.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compare.config import paths
from compare.errors import CompareError, ParameterError
from compare.figures import theme
from compare.storage.reads import note as note_reads
from compare.text.comparisons import group_label
from compare.text.i18n import gettext, t
from compare.text.numbers import is_missing

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

GEOMETRY_SOURCE = "natural-earth-110m"
GEOMETRY_FILE = "ne_110m_admin_0_countries.geojson"
SIMPLIFY_M = 5000.0
TILE_COLUMNS = 8


@dataclass(frozen=True)
class MapPanel:
    """One map panel: its projection, a lon/lat pre-clip box and a projected window (metres)."""

    group: str
    crs: str
    lonlat_box: tuple[float, float, float, float]
    window: tuple[float, float, float, float]


PANELS: dict[str, MapPanel] = {
    "Europe": MapPanel(
        group="Europe",
        crs="EPSG:3035",
        lonlat_box=(-40.0, 25.0, 75.0, 75.0),
        window=(2_500_000.0, 1_350_000.0, 7_200_000.0, 5_500_000.0),
    ),
    "Latin America & Caribbean": MapPanel(
        group="Latin America & Caribbean",
        crs="+proj=laea +lat_0=-5 +lon_0=-75 +datum=WGS84 +units=m +no_defs",
        lonlat_box=(-130.0, -62.0, -20.0, 40.0),
        window=(-4_200_000.0, -5_600_000.0, 4_500_000.0, 4_350_000.0),
    ),
}

#: Parts cut out of a Natural Earth feature: (feature code, new code, lon/lat box of the part).
SPLITS: tuple[tuple[str, str, tuple[float, float, float, float]], ...] = (
    ("FRA", "GUF", (-60.0, 0.0, -50.0, 10.0)),  # French Guiana inside France's MultiPolygon
)


@dataclass
class Shape:
    """One drawable country in a panel: code, name, projected geometry in km."""

    code: str
    name: str
    xs: list[float | None]
    ys: list[float | None]
    note: str = ""


@dataclass
class PanelGeometry:
    """The shapes of one panel and the members that have no shape at 1:110m."""

    panel: MapPanel
    shapes: dict[str, Shape] = field(default_factory=dict)


def geometry_path(home: str | Path | None = None) -> Path:
    """The Natural Earth GeoJSON under the project home (a CompareError when not imported)."""
    path = paths(home).raw / GEOMETRY_SOURCE / GEOMETRY_FILE
    note_reads("geometry", [GEOMETRY_SOURCE])
    if not path.is_file():
        raise CompareError(
            f"no map geometry at {path}: run `compare fetch --from DIR` (the mirror's "
            f"{GEOMETRY_SOURCE} folder) before drawing maps"
        )
    return path


def _codes(frame: pd.DataFrame) -> list[str]:
    """ISO_A3_EH, or ADM0_A3 where ISO_A3_EH is -99 (Kosovo, N. Cyprus, Somaliland)."""
    return [
        str(eh) if str(eh) not in ("-99", "", "None") else str(adm)
        for eh, adm in zip(frame["ISO_A3_EH"], frame["ADM0_A3"], strict=True)
    ]


@functools.lru_cache(maxsize=2)
def _read(path: str, mtime_ns: int) -> Any:
    import geopandas as gpd  # noqa: PLC0415

    frame = gpd.read_file(path, columns=["ISO_A3_EH", "ADM0_A3", "NAME"])
    frame["code"] = _codes(frame)
    return frame


def countries_frame(home: str | Path | None = None) -> Any:
    """Natural Earth features (code, NAME, geometry in lon/lat) with the SPLITS applied."""
    return _split(geometry_path(home))


def _split(path: Path) -> Any:
    import geopandas as gpd  # noqa: PLC0415
    import pandas as pd  # noqa: PLC0415
    import shapely  # noqa: PLC0415

    frame = _read(str(path), path.stat().st_mtime_ns).copy()
    extra = []
    for code, new_code, box in SPLITS:
        rows = frame.index[frame["code"] == code]
        if len(rows) == 0:
            continue
        geometry = frame.at[rows[0], "geometry"]
        part = shapely.clip_by_rect(geometry, *box)
        if part.is_empty:
            continue
        frame.at[rows[0], "geometry"] = geometry.difference(shapely.box(*box))
        extra.append(
            {
                "code": new_code,
                "NAME": "",
                "ISO_A3_EH": new_code,
                "ADM0_A3": new_code,
                "geometry": part,
                "split_from": code,
            }
        )
    if extra:
        frame = gpd.GeoDataFrame(
            pd.concat([frame, gpd.GeoDataFrame(extra, crs=frame.crs)], ignore_index=True),
            crs=frame.crs,
        )
    return frame


def _rings_xy(geometry: Any) -> tuple[list[float | None], list[float | None]]:
    """Coordinates (km, 0.1 km) of every ring, rings separated by None."""
    import shapely  # noqa: PLC0415

    xs: list[float | None] = []
    ys: list[float | None] = []
    polygons = getattr(geometry, "geoms", [geometry])
    for polygon in polygons:
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            coords = shapely.get_coordinates(ring)
            if xs:
                xs.append(None)
                ys.append(None)
            xs.extend(round(float(x) / 1000.0, 1) for x in coords[:, 0])
            ys.extend(round(float(y) / 1000.0, 1) for y in coords[:, 1])
    return xs, ys


@functools.lru_cache(maxsize=16)
def _panel_geometry(panel: MapPanel, path: str, mtime_ns: int) -> PanelGeometry:
    import shapely  # noqa: PLC0415

    from compare.geo.countries import country_name  # noqa: PLC0415

    frame = _split(Path(path))
    frame = frame[~frame.geometry.is_empty]
    frame = frame.set_geometry(frame.geometry.clip_by_rect(*panel.lonlat_box))
    frame = frame[~frame.geometry.is_empty].to_crs(panel.crs)
    clipped = frame.geometry.clip_by_rect(*panel.window)
    simplified = clipped.simplify(SIMPLIFY_M, preserve_topology=True)
    oriented = shapely.orient_polygons(shapely.make_valid(simplified.values), exterior_cw=True)
    result = PanelGeometry(panel)
    for code, name, split_from, geometry in zip(
        frame["code"],
        frame["NAME"],
        frame.get("split_from", [None] * len(frame)),
        oriented,
        strict=True,
    ):
        polygons = shapely.get_parts(geometry)
        polygons = [p for p in polygons if p.geom_type == "Polygon" and p.area > 0]
        if not polygons:
            continue
        xs, ys = _rings_xy(shapely.MultiPolygon(polygons))
        label = country_name(code)
        if label == code and name:  # codes outside the reference table keep the NE name
            label = name
        note = ""
        if isinstance(split_from, str):
            note = f"cut from {split_from}'s Natural Earth polygon"
        result.shapes[code] = Shape(code, label or name or code, xs, ys, note)
    return result


def panel_geometry(
    group: str, home: str | Path | None = None, members: Sequence[str] | None = None
) -> PanelGeometry:
    """Projected, clipped, simplified shapes of one panel (cached until the file changes): the
    panel of :data:`PANELS` for ``group``, or with ``members`` the panel of :func:`panel_for`."""
    if members is None and group not in PANELS:
        raise ParameterError(
            f"no map panel for group {group!r}; maps exist for: {', '.join(PANELS)} (other "
            "groups: give their members)"
        )
    path = geometry_path(home)
    panel = PANELS[group] if members is None else panel_for(group, members, home)
    return _panel_geometry(panel, str(path), path.stat().st_mtime_ns)


def panel_for(group: str, members: Sequence[str], home: str | Path | None = None) -> MapPanel:
    """The map panel of a group given by its members: the panel of :data:`PANELS` whose M49
    group has exactly these members; inside one of them (members of its M49 group, or drawn
    inside its box, as Cyprus for EU27), its projection with a window around the members;
    otherwise an equal-area projection centred on the members."""
    from compare.geo import regions  # noqa: PLC0415

    wanted = frozenset(members)
    for preset in PANELS.values():
        own = frozenset(regions.members(preset.group, "m49"))
        if wanted == own:
            return MapPanel(group, preset.crs, preset.lonlat_box, preset.window)
        path = geometry_path(home)
        if wanted and wanted - own <= _inside(
            preset.lonlat_box, str(path), path.stat().st_mtime_ns
        ):
            window = _members_window(wanted, preset.crs, preset.lonlat_box, str(path),
                                     path.stat().st_mtime_ns)  # fmt: skip
            if window is not None:
                return MapPanel(
                    group, preset.crs, preset.lonlat_box, _within(window, preset.window)
                )
    path = geometry_path(home)
    return _centred_panel(group, wanted, str(path), path.stat().st_mtime_ns)


def _within(
    window: tuple[float, float, float, float], outer: tuple[float, float, float, float]
) -> tuple[float, float, float, float]:
    """``window`` cut to ``outer`` (a member such as Russia reaching far beyond Europe)."""
    x0, y0, x1, y1 = window
    return max(x0, outer[0]), max(y0, outer[1]), min(x1, outer[2]), min(y1, outer[3])


@functools.lru_cache(maxsize=8)
def _inside(lonlat_box: tuple[float, float, float, float], path: str, mtime_ns: int) -> frozenset:
    """Codes whose shape's representative point lies inside ``lonlat_box``."""
    import shapely  # noqa: PLC0415

    frame = _split(Path(path))
    frame = frame[~frame.geometry.is_empty]
    points = frame.geometry.representative_point()
    box = shapely.box(*lonlat_box)
    return frozenset(frame.loc[points.within(box).to_numpy(), "code"])


@functools.lru_cache(maxsize=32)
def _members_window(
    members: frozenset[str],
    crs: str,
    lonlat_box: tuple[float, float, float, float],
    path: str,
    mtime_ns: int,
) -> tuple[float, float, float, float] | None:
    """The projected bounds (metres) of the members' shapes inside ``lonlat_box``, padded by
    8% (None when no member has a shape there)."""
    frame = _split(Path(path))
    frame = frame[frame["code"].isin(members) & ~frame.geometry.is_empty]
    frame = frame.set_geometry(frame.geometry.clip_by_rect(*lonlat_box))
    frame = frame[~frame.geometry.is_empty]
    if frame.empty:
        return None
    x0, y0, x1, y1 = (float(v) for v in frame.to_crs(crs).total_bounds)
    pad = 0.08 * max(x1 - x0, y1 - y0, 200_000.0)
    return x0 - pad, y0 - pad, x1 + pad, y1 + pad


@functools.lru_cache(maxsize=32)
def _centred_panel(group: str, members: frozenset[str], path: str, mtime_ns: int) -> MapPanel:
    """A Lambert azimuthal equal-area panel centred on the members' shapes (the whole globe in
    view when no member has a shape)."""
    frame = _split(Path(path))
    frame = frame[frame["code"].isin(members) & ~frame.geometry.is_empty]
    if frame.empty:
        lon0 = lat0 = 0.0
        box = (-180.0, -90.0, 180.0, 90.0)
    else:
        x0, y0, x1, y1 = (float(v) for v in frame.total_bounds)
        lon0, lat0 = (x0 + x1) / 2, (y0 + y1) / 2
        box = (max(x0 - 10, -180.0), max(y0 - 10, -90.0), min(x1 + 10, 180.0), min(y1 + 10, 90.0))
    crs = f"+proj=laea +lat_0={lat0:.2f} +lon_0={lon0:.2f} +datum=WGS84 +units=m +no_defs"
    window = _members_window(members, crs, box, path, mtime_ns) or (
        -6_000_000.0, -6_000_000.0, 6_000_000.0, 6_000_000.0,
    )  # fmt: skip
    return MapPanel(group, crs, box, window)


# --- drawing ---------------------------------------------------------------------------------


def fill_colour(value: float, cmin: float, cmax: float, colorscale: str | list = "Viridis") -> str:
    """The colour of ``value`` on ``colorscale`` between ``cmin`` and ``cmax`` (plotly's rule)."""
    share = 0.5 if cmax == cmin else min(1.0, max(0.0, (value - cmin) / (cmax - cmin)))
    scale = colorscale if isinstance(colorscale, str) else tuple(map(tuple, colorscale))
    return _sampled(scale, float(share))


@functools.lru_cache(maxsize=4096)
def _sampled(scale: str | tuple, share: float) -> str:
    """plotly's colour at ``share`` of ``scale`` (kept: maps of every language of a report and
    both panels of a map ask for the same ones)."""
    from plotly.colors import get_colorscale, sample_colorscale  # noqa: PLC0415

    colours = get_colorscale(scale) if isinstance(scale, str) else [list(s) for s in scale]
    return sample_colorscale(colours, [share])[0]


def _has_value(row: Mapping[str, Any] | None) -> bool:
    return row is not None and not is_missing(row["value"])


def _country_hover(
    row: Mapping[str, Any] | None,
    shape_name: str,
    code: str,
    *,
    label: str,
    unit: str,
    year: int,
    note: str,
) -> str:
    lines = [f"<b>{shape_name}</b> ({code})"]
    if row is None:
        lines.append(t("{label}: no data for {year}", label=label, year=year))
    else:
        lines.append(f"{label}: {theme.format_value(row['value'], unit)}")
        lines.append(t("Year: {year}", year=int(row["year"])))
        lines.append(t("Source: {source}", source=row["source_id"]))
        if row.get("flag"):
            lines.append(t("Flag: {flag}", flag=row["flag"]))
    if note:
        lines.append(t("Geometry: {note}", note=gettext(note)))
    return "<br>".join(lines)


def _shown_name(shape: Shape) -> str:
    """A shape's country name in the reader's language (the cached geometry keeps the name of
    the language it was first drawn in; Natural Earth's name for codes outside the reference)."""
    from compare.geo.countries import country_name  # noqa: PLC0415

    name = country_name(shape.code)
    return shape.name if name == shape.code else name


def _axis_names(column: int) -> tuple[str, str]:
    suffix = "" if column == 1 else str(column)
    return f"x{suffix}", f"y{suffix}"


@dataclass(frozen=True)
class _Hover:
    """What every hover box of a map names: the indicator's label, unit and the map's year."""

    label: str
    unit: str
    year: int

    def text(self, row: Mapping[str, Any] | None, name: str, code: str, note: str) -> str:
        return _country_hover(
            row, name, code, label=self.label, unit=self.unit, year=self.year, note=note
        )


def _window_km(geometry: PanelGeometry) -> tuple[float, float, float, float]:
    xmin, ymin, xmax, ymax = (v / 1000.0 for v in geometry.panel.window)
    return xmin, ymin, xmax, ymax


def _colour_range(
    values: pd.DataFrame, cmin: float | None, cmax: float | None
) -> tuple[float, float]:
    """The colour scale's ends: ``cmin``/``cmax`` when given, else the values' range."""
    present = [float(v) for v in values["value"] if not is_missing(v)]
    low = float(min(present)) if cmin is None and present else (cmin or 0.0)
    high = float(max(present)) if cmax is None and present else (cmax or 1.0)
    return low, high


def _panels(
    groups: Sequence[str],
    extents: Sequence[tuple[float, float, float, float]],
    width: int,
    height: int,
) -> go.Figure:
    """One themed subplot per group, of equal height: widths in proportion to each panel's
    aspect ratio."""
    from plotly.subplots import make_subplots  # noqa: PLC0415

    widths = [(x1 - x0) / (y1 - y0) for x0, y0, x1, y1 in extents]
    fig = make_subplots(
        rows=1,
        cols=len(groups),
        column_widths=[w / sum(widths) for w in widths],
        subplot_titles=[group_label(g) for g in groups],
        horizontal_spacing=0.02,
    )
    theme.apply_theme(fig, width=width, height=height)
    return fig


def map_figure(
    values: pd.DataFrame,
    *,
    groups: Sequence[str],
    members: Mapping[str, Sequence[str]],
    unit: str,
    label: str,
    year: int,
    home: str | Path | None = None,
    colorscale: str = theme.SEQUENTIAL_SCALE,
    cmin: float | None = None,
    cmax: float | None = None,
    width: int = 1000,
    height: int = 640,
) -> go.Figure:
    """Panels (one per group) of ``values`` (iso3, value, year, source_id, flag) with ONE colour
    scale; members without a value are drawn grey and hatched, members without a 1:110m shape
    are drawn as tiles under their panel, other countries in light grey for orientation."""
    by_code = {row["iso3"]: row for row in values.to_dict("records")}
    low, high = _colour_range(values, cmin, cmax)
    geometries = [panel_geometry(group, home, members[group]) for group in groups]
    extents = [_extent(g, members[g.panel.group]) for g in geometries]
    fig = _panels(groups, extents, width, height)
    hover = _Hover(label=label, unit=unit, year=year)
    legend_shown: set[str] = set()
    for column, (group, geometry) in enumerate(zip(groups, geometries, strict=True), start=1):
        group_members = set(members[group])
        tile_codes = sorted(group_members - set(geometry.shapes))
        traces = [
            _context_trace(geometry, group, group_members, legend_shown),
            *_map_traces(
                geometry,
                group,
                group_members,
                by_code,
                colour=(low, high, colorscale),
                hover=hover,
                legend_shown=legend_shown,
            ),
            *_tile_traces(
                group,
                tile_codes,
                by_code=by_code,
                window=_window_km(geometry),
                hover=hover,
            ),
        ]
        for trace in traces:
            fig.add_trace(trace, row=1, col=column)
        if tile_codes:
            fig.add_annotation(**_tile_note(column, _window_km(geometry)))
        _set_axes(fig, column, extents[column - 1])
    fig.add_trace(_scale_trace(low, high))
    fig.update_layout(**_layout(colorscale, low, high, unit))
    return fig


def _context_trace(
    geometry: PanelGeometry, group: str, group_members: set[str], legend_shown: set[str]
) -> go.Scatter:
    """Every shape of the panel outside the group, in one light-grey trace (legend once)."""
    import plotly.graph_objects as go  # noqa: PLC0415

    context_x: list[float | None] = []
    context_y: list[float | None] = []
    for code, shape in geometry.shapes.items():
        if code in group_members:
            continue
        context_x.extend([*shape.xs, None])
        context_y.extend([*shape.ys, None])
    trace = go.Scatter(
        x=context_x,
        y=context_y,
        mode="lines",
        fill="toself",
        fillcolor=theme.CONTEXT_COLOUR,
        line={"color": "#FFFFFF", "width": 0.5},
        hoverinfo="skip",
        name=gettext("Outside the compared groups"),
        legendgroup="context",
        showlegend="context" not in legend_shown,
        meta={"role": "context", "group": group},
    )
    legend_shown.add("context")
    return trace


def _map_traces(
    geometry: PanelGeometry,
    group: str,
    group_members: set[str],
    by_code: Mapping[str, Mapping[str, Any]],
    *,
    colour: tuple[float, float, str],
    hover: _Hover,
    legend_shown: set[str],
) -> list[go.Scatter]:
    """One filled trace per member with a shape: coloured by its value, else grey and hatched
    ("No data", in the legend once)."""
    return [
        _country_trace(
            geometry.shapes[code],
            group,
            by_code.get(code),
            colour=colour,
            hover=hover,
            legend_shown=legend_shown,
        )
        for code in sorted(group_members & set(geometry.shapes))
    ]


def _no_data_style() -> dict[str, Any]:
    return {
        "fillcolor": theme.NO_DATA_COLOUR,
        "fillpattern": {
            "shape": "/",
            "fgcolor": "#9A9A9A",
            "size": 6,
            "solidity": 0.15,
            "bgcolor": theme.NO_DATA_COLOUR,
        },
    }


def _country_trace(
    shape: Shape,
    group: str,
    row: Mapping[str, Any] | None,
    *,
    colour: tuple[float, float, str],
    hover: _Hover,
    legend_shown: set[str],
) -> go.Scatter:
    import plotly.graph_objects as go  # noqa: PLC0415

    code = shape.code
    has_value = _has_value(row)
    shown = _shown_name(shape)
    text = hover.text(row if has_value else None, shown, code, shape.note)
    if has_value:
        low, high, colorscale = colour
        style = {"fillcolor": fill_colour(float(row["value"]), low, high, colorscale)}
        name, legend = shown, False
    else:
        style = _no_data_style()
        name, legend = gettext("No data"), "nodata" not in legend_shown
        legend_shown.add("nodata")
    return go.Scatter(
        x=shape.xs,
        y=shape.ys,
        mode="lines",
        fill="toself",
        line={"color": theme.BORDER_COLOUR, "width": 0.6},
        hoveron="fills",
        hoverinfo="text",
        text=text,
        name=name,
        legendgroup="nodata" if not has_value else code,
        showlegend=legend,
        meta={
            "role": "country" if has_value else "nodata",
            "iso3": code,
            "group": group,
            "value": float(row["value"]) if has_value else None,
        },
        **style,
    )


def _set_axes(fig: go.Figure, column: int, extent: tuple[float, float, float, float]) -> None:
    """Hidden axes over the panel's extent, one km on x as long as one km on y."""
    x0, y0, x1, y1 = extent
    fig.update_xaxes(range=[x0, x1], visible=False, row=1, col=column)
    fig.update_yaxes(
        range=[y0, y1],
        visible=False,
        scaleanchor=_axis_names(column)[0],
        scaleratio=1,
        row=1,
        col=column,
    )


def _scale_trace(low: float, high: float) -> go.Scatter:
    """An invisible trace that keeps the colour bar when no tile carries a value."""
    import plotly.graph_objects as go  # noqa: PLC0415

    first_x, first_y = _axis_names(1)
    return go.Scatter(
        x=[None, None],
        y=[None, None],
        mode="markers",
        hoverinfo="skip",
        showlegend=False,
        marker={"color": [low, high], "coloraxis": "coloraxis", "size": 0},
        xaxis=first_x,
        yaxis=first_y,
        meta={"role": "scale"},
    )


def _layout(colorscale: str, low: float, high: float, unit: str) -> dict[str, Any]:
    """The shared colour axis (one scale for every panel), legend, hover and margins."""
    return {
        "coloraxis": {
            "colorscale": colorscale,
            "cmin": low,
            "cmax": high,
            "colorbar": {
                "title": {"text": theme.unit_title(unit), "side": "right"},
                **theme.axis_format(unit),
                "thickness": 14,
                "len": 0.75,
            },
        },
        "legend": {"orientation": "h", "yanchor": "top", "y": -0.01, "x": 0.0},
        "hovermode": "closest",
        "dragmode": "pan",
        "margin": {"l": 10, "r": 10, "t": 80, "b": 40},
    }


def _extent(geometry: PanelGeometry, members: Sequence[str]) -> tuple[float, float, float, float]:
    """Axis ranges (km) of a panel: its window plus the rows of tiles under it."""
    xmin, ymin, xmax, ymax = (v / 1000.0 for v in geometry.panel.window)
    tiles = len(set(members) - set(geometry.shapes))
    rows = math.ceil(tiles / TILE_COLUMNS)
    cell = (xmax - xmin) / TILE_COLUMNS
    return xmin, ymin - (cell * (rows + 0.4) if rows else 0.0), xmax, ymax


def _tile_traces(
    group: str,
    codes: list[str],
    *,
    by_code: Mapping[str, Mapping[str, Any]],
    window: tuple[float, float, float, float],
    hover: _Hover,
) -> list[go.Scatter]:
    """Members without a 1:110m shape: square tiles in rows under the panel, one trace for the
    tiles with a value (on the colour axis) and one for those without."""
    from compare.geo.countries import country_name  # noqa: PLC0415

    xmin, ymin, xmax, _ = window
    cell = (xmax - xmin) / TILE_COLUMNS
    tiles = [
        _Tile(
            code,
            country_name(code),
            xmin + cell * (index % TILE_COLUMNS + 0.5),
            ymin - cell * (index // TILE_COLUMNS + 0.75),
            row if _has_value(row := by_code.get(code)) else None,
        )
        for index, code in enumerate(codes)
    ]
    with_value = [t for t in tiles if t.row is not None]
    without = [t for t in tiles if t.row is None]
    return [_tile_trace(group, subset, hover) for subset in (with_value, without) if subset]


@dataclass(frozen=True)
class _Tile:
    code: str
    name: str
    x: float
    y: float
    row: Mapping[str, Any] | None


def _tile_trace(group: str, tiles: list[_Tile], hover: _Hover) -> go.Scatter:
    """One trace of tiles, all with a value or all without."""
    import plotly.graph_objects as go  # noqa: PLC0415

    has_value = tiles[0].row is not None
    note = "too small for 1:110m; tile position not geographic"
    marker: dict[str, Any] = {
        "symbol": "square",
        "size": 13,
        "line": {"color": "#FFFFFF", "width": 0.8},
    }
    if has_value:
        marker.update(color=[float(t.row["value"]) for t in tiles], coloraxis="coloraxis")
    else:
        marker.update(color=theme.NO_DATA_COLOUR, line={"color": "#9A9A9A", "width": 0.8})
    return go.Scatter(
        x=[t.x for t in tiles],
        y=[t.y for t in tiles],
        mode="markers+text",
        text=[t.code for t in tiles],
        textposition="bottom center",
        textfont={"size": 9, "color": "#444444"},
        hovertext=[hover.text(t.row, t.name, t.code, note) for t in tiles],
        hoverinfo="text",
        marker=marker,
        showlegend=False,
        name=t("{group}: not drawn at 1:110m", group=group_label(group)),
        meta={
            "role": "tiles" if has_value else "tiles_nodata",
            "group": group,
            "iso3": [t.code for t in tiles],
        },
    )


def _tile_note(column: int, window: tuple[float, float, float, float]) -> dict[str, Any]:
    """The annotation over a panel's tiles."""
    xmin, ymin, xmax, _ = window
    cell = (xmax - xmin) / TILE_COLUMNS
    return {
        "text": gettext("Too small for 1:110m (tiles, not placed geographically):"),
        "x": xmin,
        "y": ymin - cell * 0.15,
        "xanchor": "left",
        "yanchor": "top",
        "showarrow": False,
        "font": {"size": 10, "color": "#555555"},
        "xref": _axis_names(column)[0],
        "yref": _axis_names(column)[1],
    }
