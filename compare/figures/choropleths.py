"""Choropleth: Europe and LAC map panels of one indicator-year (geometry in
:mod:`compare.figures.maps`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from compare.config import DEFAULT_CLASSIFICATION, DEFAULT_GROUPS
from compare.figures._common import WIDTH, _catalog, _finish, _groups, _load, _resolve_year

if TYPE_CHECKING:
    import plotly.graph_objects as go

GEOMETRY_CREDIT = (
    "Geometry: Natural Earth admin-0 1:110m (public domain); French Guiana is cut from France's "
    "polygon and shown as GUF in the LAC panel; members too small for 1:110m are shown as tiles."
)


def choropleth(
    indicator: str,
    year: int | None = None,
    groups: Sequence[str] = DEFAULT_GROUPS,
    home: Any = None,
) -> go.Figure:
    """Europe and LAC maps of one indicator-year with one shared colour scale.

    Members without a value are grey and hatched ("No data"), members too small for 1:110m are
    tiles under their panel, countries outside the groups are light grey and silent.
    """
    from compare.figures import maps  # noqa: PLC0415
    from compare.geo import regions  # noqa: PLC0415

    info = _catalog().indicator(indicator)
    chosen = _groups(groups)
    year, year_note = _resolve_year(indicator, year, chosen, home)
    frame = _load(indicator, home, years=year, groups=list(chosen))
    members = {g: regions.members(g, DEFAULT_CLASSIFICATION, year) for g in chosen}
    fig = maps.map_figure(
        frame,
        groups=chosen,
        members=members,
        unit=info.unit,
        label=info.title,
        year=year,
        home=home,
        width=WIDTH,
        height=640,
    )
    with_data = {g: int(frame.loc[frame["region"] == g, "value"].notna().sum()) for g in chosen}
    extra = (
        GEOMETRY_CREDIT
        + " "
        + "; ".join(f"{g}: {with_data[g]} of {len(members[g])} members with data" for g in chosen)
        + "."
    )
    return _finish(
        fig,
        kind="choropleth",
        indicators=[indicator],
        years=year,
        title=f"{info.title}, {year}",
        extra=extra,
        meta={
            "year_note": year_note,
            "groups": list(chosen),
            "geometry": maps.GEOMETRY_SOURCE,
            "members_with_data": with_data,
            "members": {g: len(m) for g, m in members.items()},
        },
    )
