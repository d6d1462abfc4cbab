"""Claims vs data: the paper's quoted values beside the values found in the data."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from compare.errors import ParameterError
from compare.evidence.claims import FAMILIES, REGIONS
from compare.figures import theme
from compare.figures._common import POPULATION, _dedupe_legend, _finish, _new
from compare.figures.figure_data import attach
from compare.figures.theme import REGION_COLOURS, apply_theme, caption_text, wrap_caption
from compare.language import SOURCE_LANGUAGE, current
from compare.text.comparisons import family_label, group_label
from compare.text.i18n import N_, _, ngettext, t
from compare.text.numbers import percent_figure
from compare.text.words import years_text

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

CLAIM_COLUMNS = ("claim_id", "claim_value", "data_value", "data_year")


def _short(text: str, limit: int = 64) -> str:
    """``text`` cut in the middle to ``limit`` characters (the end often holds a year)."""
    text = " ".join(str(text).split())
    if len(text) <= limit:
        return text
    tail = limit // 3
    return text[: limit - tail - 1].rstrip() + "…" + text[-tail:].lstrip()


def _claims_frame(table: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The table checked, with ``label``, ``unit``, ``data_unit`` and ``comparable`` columns."""
    import pandas as pd  # noqa: PLC0415

    unit_column = "claim_unit" if "claim_unit" in table.columns else "unit"
    missing = [c for c in CLAIM_COLUMNS if c not in table.columns]
    if unit_column not in table.columns:
        missing.append("unit (or claim_unit)")
    if missing:
        raise ParameterError(
            f"claims table lacks column(s) {', '.join(missing)}; expected "
            f"{', '.join(CLAIM_COLUMNS)} and unit (or claim_unit)"
        )
    frame = table.reset_index(drop=True).copy()
    frame["unit"] = frame[unit_column].astype("object").where(frame[unit_column].notna(), "unknown")
    if "label" not in frame:
        frame["label"] = frame["claim_id"]
    if "data_unit" not in frame:
        frame["data_unit"] = frame["unit"]
    frame["data_unit"] = (
        frame["data_unit"].astype("object").where(frame["data_unit"].notna(), frame["unit"])
    )
    for column in ("claim_value", "data_value", "data_ci_low", "data_ci_high"):
        if column in frame:
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    has_data = frame["data_value"].notna()
    frame["comparable"] = has_data & (frame["data_unit"] == frame["unit"])
    # the same label twice (one claim, two data years) stays two rows
    frame["row_label"] = [
        f"{_short(label)}" + ("\u200b" * sum(1 for prior in frame["label"][:i] if prior == label))
        for i, label in enumerate(frame["label"])
    ]
    return frame, unit_column


def claims_vs_data_chart(table: pd.DataFrame, *, title: str | None = None) -> go.Figure:
    """Each claim's quoted value (open diamond) beside the value found in the data (dot, with its
    95% interval when the table has ``data_ci_low``/``data_ci_high``), one panel per unit.

    A data value in another unit than the claim (context only, e.g. an index beside a percent) is
    written next to the claim, not drawn on its axis; a claim without data says "no data".
    ``table``: :func:`compare.evidence.claims.claims_vs_data` (claim_id, claim_value, data_value,
    data_year, ``claim_unit`` or ``unit``; optional label, data_unit, indicator, verdict, note).
    ``title``: by default "Claims in the paper vs the data" in the reader's language.
    """
    frame, _unit_column = _claims_frame(table)
    units = list(dict.fromkeys(frame["unit"]))
    fig = _unit_panels(frame, units)
    note = frame["verdict"] if "verdict" in frame else frame["claim_id"]
    for row_number, unit in enumerate(units, start=1):
        rows = frame[frame["unit"] == unit]
        for trace in _claim_traces(rows, unit, note, first=row_number == 1):
            fig.add_trace(trace, row=row_number, col=1)
        fig.update_yaxes(**_claim_yaxis(rows), row=row_number, col=1)
        fig.update_xaxes(**_claim_xaxis(rows, unit), row=row_number, col=1)
    _dedupe_legend(fig)
    indicators, years, caption = _claims_caption(frame, synthetic=table.attrs.get("synthetic"))
    return _finish(
        fig,
        kind="claims_vs_data",
        indicators=indicators,
        years=years,
        title=_("Claims in the paper vs the data") if title is None else title,
        caption=caption,
        meta={
            "claims": list(frame["claim_id"]),
            "without_data": list(frame.loc[frame["data_value"].isna(), "claim_id"]),
            "not_comparable": list(
                frame.loc[frame["data_value"].notna() & ~frame["comparable"], "claim_id"]
            ),
        },
        data=frame.drop(columns=["row_label"]).rename(columns={"data_group": "group"}),
    )


def _unit_panels(frame: pd.DataFrame, units: list[str]) -> go.Figure:
    """One panel per unit, each as tall as its number of rows; left margin for the labels."""
    counts = [int((frame["unit"] == u).sum()) for u in units]
    height = max(360, 26 * len(frame) + 70 * len(units) + 220)
    fig = _new(
        height=height,
        rows=len(units),
        cols=1,
        row_heights=[c / sum(counts) for c in counts],
        vertical_spacing=min(0.14, 90 / height) if len(units) > 1 else 0.0,
    )
    longest = max(len(label) for label in frame["row_label"])
    fig.update_layout(margin={"l": min(460, int(longest * 6.3) + 30)})
    return fig


def _claim_traces(rows: pd.DataFrame, unit: str, note: pd.Series, *, first: bool) -> list[Any]:
    """The traces of one unit's panel: bars from claim to data, the claims, the data values
    (comparable rows) and the text beside the other claims."""
    shown = rows[rows["comparable"]]
    aside = rows[~rows["comparable"]]
    vf = theme.hover_format(unit, "x")
    traces = [_bar_trace(shown), _claim_markers(rows, note, vf, first=first)]
    if len(shown):
        traces.append(_data_markers(shown, vf))
    if len(aside):
        traces.append(_aside_text(aside))
    return traces


def _bar_trace(shown: pd.DataFrame) -> go.Scatter:
    """Grey bars joining each comparable claim to its data value."""
    import plotly.graph_objects as go  # noqa: PLC0415

    return go.Scatter(
        x=[
            v
            for c, d in zip(shown["claim_value"], shown["data_value"], strict=True)
            for v in (c, d, None)
        ],
        y=[v for label in shown["row_label"] for v in (label, label, None)],
        mode="lines",
        line={"color": "#BBBBBB", "width": 2},
        hoverinfo="skip",
        showlegend=False,
        meta={"role": "bar"},
    )


def _claim_markers(rows: pd.DataFrame, note: pd.Series, vf: str, *, first: bool) -> go.Scatter:
    """The quoted values (open diamonds)."""
    import plotly.graph_objects as go  # noqa: PLC0415

    return go.Scatter(
        x=rows["claim_value"],
        y=rows["row_label"],
        mode="markers",
        name=_("Claimed in the paper"),
        legendgroup="claim",
        showlegend=first,
        marker={
            "symbol": "diamond-open",
            "size": 12,
            "color": "#000000",
            "line": {"width": 2},
        },
        customdata=list(zip(rows["label"], note[rows.index], strict=True)),
        hovertemplate="%{customdata[0]}<br>"
        + t("Claimed: {value}", value=vf)
        + "<br>%{customdata[1]}<extra></extra>",
        meta={"role": "claim", "claim_ids": list(rows["claim_id"])},
    )


def _data_markers(shown: pd.DataFrame, vf: str) -> go.Scatter:
    """The values found in the data (dots), with their 95% interval when the table has one."""
    import plotly.graph_objects as go  # noqa: PLC0415

    error: dict[str, Any] = {"visible": False}
    if {"data_ci_low", "data_ci_high"} <= set(shown.columns):
        error = {
            "type": "data",
            "symmetric": False,
            "color": "#0072B2",
            "width": 4,
            "array": (shown["data_ci_high"] - shown["data_value"]).tolist(),
            "arrayminus": (shown["data_value"] - shown["data_ci_low"]).tolist(),
        }
    return go.Scatter(
        x=shown["data_value"],
        y=shown["row_label"],
        mode="markers",
        name=t("Found in the data ({level} CI)", level=percent_figure(95, 0)),
        legendgroup="data",
        showlegend=True,
        error_x=error,
        marker={"size": 11, "color": "#0072B2"},
        customdata=shown[["label", "data_year"]].astype(str).to_numpy(),
        hovertemplate="%{customdata[0]}<br>"
        + t("Data: {value} ({year})", value=vf, year="%{customdata[1]}")
        + "<extra></extra>",
        meta={"role": "data", "claim_ids": list(shown["claim_id"])},
    )


def _aside_text(aside: pd.DataFrame) -> go.Scatter:
    """Beside each claim without a comparable data value: "no data", or the value in its own
    unit as context."""
    import plotly.graph_objects as go  # noqa: PLC0415

    texts = [
        "      "
        + (
            _("no data")
            if math.isnan(value)
            else t(
                "context: {value} ({unit}), not comparable",
                value=theme.format_value(value, data_unit),
                unit=theme.unit_title(data_unit),
            )
        )
        for value, data_unit in zip(aside["data_value"], aside["data_unit"], strict=True)
    ]
    return go.Scatter(
        x=aside["claim_value"],
        y=aside["row_label"],
        mode="text",
        text=texts,
        textposition="middle right",
        textfont={"color": "#777777", "size": 11},
        showlegend=False,
        hoverinfo="skip",
        meta={"role": "aside", "claim_ids": list(aside["claim_id"])},
    )


def _claim_yaxis(rows: pd.DataFrame) -> dict[str, Any]:
    """One category per row, in table order from the top."""
    return {
        "categoryorder": "array",
        "categoryarray": list(rows["row_label"]),
        "range": [len(rows) - 0.5, -0.5],
        "tickfont": {"size": 11},
    }


def _claim_xaxis(rows: pd.DataFrame, unit: str) -> dict[str, Any]:
    """The unit's axis over every claim, data value and interval end, with room on the right
    for the text beside non-comparable claims."""
    shown = rows[rows["comparable"]]
    values = [*rows["claim_value"], *shown["data_value"]]
    for column in ("data_ci_low", "data_ci_high"):
        if column in shown:
            values += list(shown[column])
    values = [v for v in values if not math.isnan(v)]
    low, high = min(values), max(values)
    span = (high - low) or abs(high) or 1.0
    right = 0.35 if (~rows["comparable"]).any() else 0.05
    return {
        **theme.axis_format(unit),
        "title": {
            "text": t("claimed and found ({unit})", unit=theme.unit_title(unit)),
            "font": {"size": 12},
        },
        "range": [low - 0.05 * span, high + right * span],
    }


def _claims_caption(frame: pd.DataFrame, *, synthetic: Any) -> tuple[list[str], list[int], str]:
    """The indicators and data years behind the chart, and its caption."""
    indicators = list(
        dict.fromkeys(i for i in frame.get("indicator", []) if isinstance(i, str) and i)
    )
    if indicators and any("weighted" in str(s) for s in frame.get("statistic", [])):
        indicators.append(POPULATION)
    years = sorted({int(y) for y in frame["data_year"].dropna()})
    without = int(frame["data_value"].isna().sum())
    claims_note = ngettext(
        "Claims: as quoted in the source paper (compare.evidence.claims). {n} of {total} row "
        "has no data value; values in another unit than the claim are written beside it, not "
        "drawn.",
        "Claims: as quoted in the source paper (compare.evidence.claims). {n} of {total} rows "
        "have no data value; values in another unit than the claim are written beside it, not "
        "drawn.",
        len(frame),
    ).format(n=without, total=len(frame))
    if indicators:
        caption = caption_text(indicators, years, extra=claims_note)
    else:
        caption = t("{note} Data years: {years}.", note=claims_note, years=years_text(years))
    if synthetic:
        caption = _("SYNTHETIC TEST DATA. ") + caption
    return indicators, years, caption


#: Colours of the non-comparison regions in :func:`claims_by_family` (neutral greys).
_OTHER_REGION_COLOURS = {
    "global": "#777777",
    "multi-country": "#999999",
    "study": "#BBBBBB",
    "unspecified": "#DDDDDD",
}


#: How many claims each document gives (the caption of :func:`claims_by_family`).
_FROM_DOCUMENT = {
    "paper": N_("{n} from the paper"),
    "index": N_("{n} from the index"),
    "note": N_("{n} from the note"),
}


def claims_by_family(claims: pd.DataFrame, *, title: str | None = None) -> Any:
    """Bar chart: number of claims per family, stacked by region (plotly; caption in
    ``layout.meta["caption"]`` and under the plot). Families, regions, axes, hover and caption
    in the reader's language (English: the vocabularies' ids, as the tables name them)."""
    import plotly.express as px  # noqa: PLC0415

    counts = claims.groupby(["family", "region"]).size().reset_index(name="claims")
    english = current() == SOURCE_LANGUAGE
    families = (lambda v: v) if english else family_label
    regions = (lambda v: v) if english else group_label
    shown = counts.assign(
        family=counts["family"].map(families), region=counts["region"].map(regions)
    )
    documents = ", ".join(
        t(_FROM_DOCUMENT[doc], n=n) if doc in _FROM_DOCUMENT else f"{n} {doc}"
        for doc, n in claims["document"].value_counts().items()
    )
    fig = px.bar(
        shown,
        x="claims",
        y="family",
        color="region",
        orientation="h",
        category_orders={
            "family": [families(f) for f in FAMILIES if f in set(counts["family"])],
            "region": [regions(r) for r in REGIONS if r in set(counts["region"])],
        },
        color_discrete_map={
            regions(r): c for r, c in {**REGION_COLOURS, **_OTHER_REGION_COLOURS}.items()
        },
        labels={"claims": _("claims"), "family": _("family"), "region": _("region")},
    )
    caption = t(
        "Source: the project's curation of the source paper (Diaz, 2025) and of the survey "
        "figures listed in the data mirror's INDEX.md (data/raw/evidence/paper_claims.csv): "
        "{claims}, {documents}. Every mention of a figure counts once; INDEX.md figures are "
        "commercial voluntary samples.",
        claims=ngettext("{n} claim", "{n} claims", len(claims)).format(n=len(claims)),
        documents=documents,
    )
    apply_theme(fig, width=900, height=520)
    fig.update_layout(
        title=_("Numeric claims by family and region") if title is None else title,
        xaxis_title=_("number of claims (mentions)"),
        yaxis_title="",
        margin={"t": 120, "b": 150, "r": 40},
        legend={"y": 1.04},
        meta={"caption": caption, "kind": "claims_by_family"},
    )
    fig.add_annotation(
        text="<br>".join(wrap_caption(caption, 760)),
        xref="paper",
        yref="paper",
        x=0,
        y=-0.22,
        xanchor="left",
        yanchor="top",
        showarrow=False,
        align="left",
        font={"size": 10, "color": "#555555"},
    )
    return attach(fig, counts.rename(columns={"region": "group"}))
