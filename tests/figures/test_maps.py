"""Map geometry (compare.figures.maps): Natural Earth codes, French Guiana, small states,
winding."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from compare.config import DEFAULT_GROUPS
from compare.errors import CompareError, ParameterError
from compare.figures import maps
from compare.geo import regions

EUROPE, LAC = DEFAULT_GROUPS


def _geojson(home: Path) -> dict:
    path = home / "data" / "raw" / "natural-earth-110m" / "ne_110m_admin_0_countries.geojson"
    return json.loads(path.read_text(encoding="utf-8"))


def _json_codes(home: Path) -> set[str]:
    """Codes read with the json module: ISO_A3_EH, else ADM0_A3 (not compare.figures.maps)."""
    codes = set()
    for feature in _geojson(home)["features"]:
        props = feature["properties"]
        codes.add(props["ISO_A3_EH"] if props["ISO_A3_EH"] != "-99" else props["ADM0_A3"])
    return codes


def _rings(xs: list, ys: list) -> list[list[tuple[float, float]]]:
    rings, ring = [], []
    for x, y in zip(xs, ys, strict=True):
        if x is None:
            rings.append(ring)
            ring = []
        else:
            ring.append((x, y))
    return [*rings, ring]


def _signed_area(ring: list[tuple[float, float]]) -> float:
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring)) / 2


@pytest.fixture(scope="module")
def panels(built_home: Path) -> dict[str, maps.PanelGeometry]:
    return {group: maps.panel_geometry(group, built_home) for group in DEFAULT_GROUPS}


def test_no_geometry_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CompareError, match="compare fetch"):
        maps.panel_geometry(EUROPE, tmp_path)
    with pytest.raises(ParameterError, match="maps exist for: Europe"):
        maps.panel_geometry("Asia", tmp_path)


def test_codes_use_iso_a3_eh_then_adm0(built_home: Path) -> None:
    raw = {f["properties"]["ADM0_A3"]: f["properties"] for f in _geojson(built_home)["features"]}
    assert raw["FRA"]["ISO_A3"] == "-99" and raw["NOR"]["ISO_A3"] == "-99"  # why not ISO_A3
    frame = maps.countries_frame(built_home)
    codes = set(frame["code"])
    assert {"FRA", "NOR", "KOS"} <= codes and "-99" not in codes
    assert codes == _json_codes(built_home) | {"GUF"}


def test_french_guiana_is_cut_out_of_france(built_home: Path, panels: dict) -> None:
    france = next(
        f for f in _geojson(built_home)["features"] if f["properties"]["ADM0_A3"] == "FRA"
    )
    lons = [pt[0] for poly in france["geometry"]["coordinates"] for pt in poly[0]]
    assert min(lons) < -50  # the source polygon reaches South America
    frame = maps.countries_frame(built_home).set_index("code")
    assert frame.loc["FRA"].geometry.bounds[0] > -10  # metropolitan France and Corsica only
    west, south, east, north = frame.loc["GUF"].geometry.bounds
    assert -55 < west < east < -51 and 1 < south < north < 6
    assert "GUF" in panels[LAC].shapes and "GUF" not in panels[EUROPE].shapes
    assert "FRA" in panels[EUROPE].shapes and "FRA" not in panels[LAC].shapes
    assert "cut from FRA" in panels[LAC].shapes["GUF"].note


def test_members_without_a_shape_are_the_small_states(built_home: Path, panels: dict) -> None:
    known = _json_codes(built_home) | {"GUF"}
    for group, expected in ((EUROPE, {"MLT", "AND", "LIE", "MCO", "SMR"}),
                            (LAC, {"BRB", "LCA", "GRD", "ATG", "DMA", "KNA", "VCT"})):  # fmt: skip
        members = set(regions.members(group))
        without = members - set(panels[group].shapes)
        assert without == members - known  # all others are drawn
        assert expected <= without


def test_shapes_stay_in_their_window_and_are_simplified(panels: dict) -> None:
    for group, geometry in panels.items():
        xmin, ymin, xmax, ymax = (v / 1000 for v in maps.PANELS[group].window)
        points = 0
        for shape in geometry.shapes.values():
            xs = [x for x in shape.xs if x is not None]
            ys = [y for y in shape.ys if y is not None]
            points += len(xs)
            assert xmin - 0.1 <= min(xs) and max(xs) <= xmax + 0.1, shape.code
            assert ymin - 0.1 <= min(ys) and max(ys) <= ymax + 0.1, shape.code
        assert points < 3000, (group, points)  # small HTML: 5 km tolerance, 0.1 km rounding
    # Svalbard (inside Norway's polygon, north of the window) is not drawn
    assert max(y for y in panels[EUROPE].shapes["NOR"].ys if y is not None) <= 5500


def test_exteriors_clockwise_holes_counter_clockwise(panels: dict) -> None:
    import shapely

    for shape in panels[LAC].shapes.values():
        assert _signed_area(_rings(shape.xs, shape.ys)[0]) < 0, shape.code  # clockwise
    # a square with a hole, through the same orientation step
    square = shapely.Polygon(
        [(0, 0), (0, 10_000), (10_000, 10_000), (10_000, 0)],
        [[(2_000, 2_000), (2_000, 4_000), (4_000, 4_000), (4_000, 2_000)]],
    )
    oriented = shapely.orient_polygons(square, exterior_cw=True)
    outer, hole = _rings(*maps._rings_xy(oriented))
    assert _signed_area(outer) < 0 < _signed_area(hole)


def test_fill_colour_follows_the_colour_scale() -> None:
    from plotly.colors import sequential

    viridis = sequential.Viridis  # hex stops, evenly spaced
    assert maps.fill_colour(10, 10, 20) == _rgb(viridis[0])
    assert maps.fill_colour(20, 10, 20) == _rgb(viridis[-1])
    assert maps.fill_colour(99, 10, 20) == _rgb(viridis[-1])  # clipped, not extrapolated
    # halfway between two stops: the mean of their RGB values
    step = 10 / (len(viridis) - 1)
    a, b = _channels(viridis[1]), _channels(viridis[2])
    got = _channels(maps.fill_colour(10 + 1.5 * step, 10, 20))
    assert all(abs(g - (x + y) / 2) <= 1 for g, x, y in zip(got, a, b, strict=True))


def _channels(colour: str) -> tuple[float, ...]:
    if colour.startswith("#"):
        return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return tuple(float(v) for v in colour[colour.index("(") + 1 : -1].split(","))


def _rgb(hex_colour: str) -> str:
    r, g, b = _channels(hex_colour)
    return f"rgb({int(r)}, {int(g)}, {int(b)})"


@pytest.mark.parametrize(
    ("groups", "inside"),
    [
        (("eu27:EU27", "m49_intermediate:South America"), (EUROPE, LAC)),
        (("m49_subregion:Eastern Europe", "m49_intermediate:Caribbean"), (EUROPE, LAC)),
        (("m49_region:Africa", "m49_region:Asia"), (None, None)),
    ],
)
def test_any_group_gets_a_panel_with_every_member(built_home: Path, groups, inside) -> None:
    """Every member is drawn once in its panel: a shape inside the window (json-read codes) or a
    tile; groups inside Europe or LAC keep that panel's projection, others get their own."""
    import compare.figures as cf

    fig = cf.choropleth("egdi", 2022, groups, home=built_home)
    ne_codes = _json_codes(built_home) | {new for _, new, _ in maps.SPLITS}  # GUF: cut from FRA
    for group, preset in zip(groups, inside, strict=True):
        members = set(regions.members(group, "m49", 2022))
        drawn = {t.meta["iso3"] for t in fig.data if t.meta.get("group") == group
                 and t.meta.get("role") in ("country", "nodata")}  # fmt: skip
        tile_traces = [t for t in fig.data if t.meta.get("group") == group
                       and str(t.meta.get("role", "")).startswith("tiles")]  # fmt: skip
        tiles = {c for t in tile_traces for c in t.meta["iso3"]}
        assert drawn | tiles == members and not drawn & tiles, group
        assert tiles >= members - ne_codes  # no shape at 1:110m: a tile
        panel = maps.panel_for(group, sorted(members), built_home)
        if preset is None:
            assert panel.crs.startswith("+proj=laea") and panel.crs not in {
                p.crs for p in maps.PANELS.values()
            }
        else:
            assert panel.crs == maps.PANELS[preset].crs
            outer = maps.PANELS[preset].window
            assert outer[0] <= panel.window[0] and panel.window[2] <= outer[2]
    assert fig.layout.meta["groups"] == list(groups)
