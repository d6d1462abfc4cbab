"""Choropleth: Europe and LAC map panels of one indicator-year (geometry in
:mod:`compare.figures.maps`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from compare.config import DEFAULT_CLASSIFICATION, DEFAULT_GROUPS
from compare.figures._common import WIDTH, _catalog, _finish, _groups, _load, _resolve_year
from compare.text.comparisons import group_label, title_label
from compare.text.i18n import N_, _, t

if TYPE_CHECKING:
    import plotly.graph_objects as go

GEOMETRY_CREDIT = N_(
    "Geometry: Natural Earth admin-0 1:110m (public domain); French Guiana is cut from France's "
    "polygon and shown as GUF in the LAC panel; members too small for 1:110m are shown as tiles."
)


def choropleth(
    indicator: str,
    year: int | None = None,
    groups: Sequence[str] = DEFAULT_GROUPS,
    home: Any = None,
    *,
    classification: str = DEFAULT_CLASSIFICATION,
) -> go.Figure:
    """Maps of one indicator-year, one panel per group, with one shared colour scale (Europe and
    LAC by default; any groups of any classification, ``"eu27:EU27"``).

    Members without a value are grey and hatched ("No data"), members too small for 1:110m are
    tiles under their panel, countries outside the groups are light grey and silent. The
    caption says, per group, how much of its population the data cover and whether a regional
    mean of that year would pass the rule (:mod:`compare.stats.rule`).
    """
    from compare.figures import maps  # noqa: PLC0415
    from compare.figures.figure_data import map_rows  # noqa: PLC0415
    from compare.geo import regions  # noqa: PLC0415

    info = _catalog().indicator(indicator)
    chosen = _groups(groups, classification)
    year, year_note = _resolve_year(indicator, year, chosen, home, classification)
    frame = _load(indicator, home, years=year, groups=list(chosen), classification=classification)
    members = {g: regions.members(g, classification, year) for g in chosen}
    fig = maps.map_figure(
        frame,
        groups=chosen,
        members=members,
        unit=info.unit,
        label=title_label(info.title),
        year=year,
        home=home,
        width=WIDTH,
        height=640,
    )
    with_data = {g: int(frame.loc[frame["region"] == g, "value"].notna().sum()) for g in chosen}
    extra = _(GEOMETRY_CREDIT) + " " + _coverage_note(indicator, year, chosen, classification, home)
    return _finish(
        fig,
        kind="choropleth",
        indicators=[indicator],
        years=year,
        title=f"{title_label(info.title)}, {year}",
        extra=extra,
        meta={
            "year_note": year_note,
            "groups": list(chosen),
            "geometry": maps.GEOMETRY_SOURCE,
            "members_with_data": with_data,
            "members": {g: len(m) for g, m in members.items()},
        },
        data=map_rows(frame, members, year, info.unit),
    )


def _coverage_note(
    indicator: str, year: int, chosen: Sequence[str], classification: str, home: Any
) -> str:
    """Per group: members with data, population covered, and what the rule for regional means
    says of that year (thin: the map shows the countries that reported, not the group)."""
    from compare.stats.panel import coverage, read_panel  # noqa: PLC0415
    from compare.stats.rule import judge  # noqa: PLC0415
    from compare.text.numbers import share  # noqa: PLC0415

    panel = read_panel(indicator, home)
    parts = []
    for group in chosen:
        cov = coverage(panel.rows(group, classification, year))
        rule = judge(cov)
        text = t(
            "{group}: {n} of {members} members with data, {share} of the population",
            group=group_label(group), n=cov.n_with_data, members=cov.n_members,
            share=share(cov.share),
        )  # fmt: skip
        if rule.unweighted == "thin":
            text += _(
                " (thin: a regional mean of this year would be marked, not shown as the group's)"
            )
        elif rule.unweighted == "withheld":
            text += t(" (no regional mean: {reason})", reason=rule.reason)
        parts.append(text)
    return "; ".join(parts) + "."
