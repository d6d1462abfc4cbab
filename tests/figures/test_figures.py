"""Figures built from the real data: traces, countries, no-data handling, captions, colour scale.

Each figure is built once per module (they take a second or two each) from the session's
``built_home``. The claims chart is also built from a small SYNTHETIC table (labelled so).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import compare
import compare.figures as cf
from compare.catalog import load_catalog
from compare.config import DEFAULT_GROUPS
from compare.errors import CompareError, ParameterError
from compare.figures import maps, theme
from compare.geo import regions

EUROPE, LAC = DEFAULT_GROUPS
YEAR = 2022


def _roles(fig, role: str, group: str | None = None) -> list:
    return [
        t
        for t in fig.data
        if (t.meta or {}).get("role") == role
        and (group is None or (t.meta or {}).get("group") == group)
    ]


def _caption_annotation(fig) -> str:
    found = [a.text for a in fig.layout.annotations if a.name == "caption"]
    assert len(found) == 1
    return found[0]


@pytest.fixture(scope="module")
def processed(built_home: Path) -> pd.DataFrame:
    return pd.read_parquet(built_home / "data" / "processed" / "indicators.parquet")


@pytest.fixture(scope="module")
def choropleth(built_home: Path):
    return cf.choropleth("internet_users_pct", YEAR, home=built_home)


@pytest.fixture(scope="module")
def distribution(built_home: Path):
    return cf.distribution("egdi", YEAR, home=built_home)


@pytest.fixture(scope="module")
def trend(built_home: Path):
    return cf.trend("internet_users_pct", range(2010, 2024), home=built_home)


@pytest.fixture(scope="module")
def scatter(built_home: Path):
    return cf.scatter("internet_users_pct", "egdi", YEAR, home=built_home)


@pytest.fixture(scope="module")
def dumbbell(built_home: Path):
    return cf.dumbbell("internet_users_female_pct", "internet_users_male_pct", home=built_home)


@pytest.fixture(scope="module")
def heatmap(built_home: Path):
    return cf.coverage_heatmap(
        ["internet_users_pct", "egdi", "dgi", "desi_basic_digital_skills_pct"], home=built_home
    )


def synthetic_claims() -> pd.DataFrame:
    """SYNTHETIC claims table (made up for this test; not data)."""
    table = pd.DataFrame(
        {
            "claim_id": ["SYN1", "SYN2", "SYN3", "SYN4"],
            "label": ["synthetic A", "synthetic B", "synthetic C", "synthetic D"],
            "claim_value": [75.0, 60.0, 23.0, 0.8],
            "claim_unit": ["percent", "percent", "percent", "index_0_1"],
            "data_value": [70.0, np.nan, 0.5, 0.7],
            "data_unit": ["percent", None, "index_0_1", "index_0_1"],
            "data_ci_low": [65.0, np.nan, np.nan, np.nan],
            "data_ci_high": [72.0, np.nan, np.nan, np.nan],
            "data_year": [2022, np.nan, 2022, 2020],
            "indicator": ["internet_users_pct", None, "egdi", "egdi"],
        }
    )
    table.attrs["synthetic"] = True
    return table


# --- theme ------------------------------------------------------------------------------------


def test_region_colours_and_unit_formats() -> None:
    assert set(cf.REGION_COLOURS) == set(DEFAULT_GROUPS)
    assert len(set(cf.REGION_COLOURS.values())) == 2
    assert theme.format_value(62.345, "percent") == "62.3%"
    assert theme.format_value(0.81234, "index_0_1") == "0.812"
    assert theme.format_value(71.25, "score_0_100") == "71.2"
    assert theme.format_value(123.45, "per_100_people") == "123.5 per 100"
    assert theme.format_value(45678912, "people") == "45,678,912"
    assert theme.format_value(12345.6, "int_dollars_ppp") == "$12,346 (PPP)"
    assert theme.format_value(float("nan"), "percent") == "no data"
    assert theme.hover_format("percent", "x") == "%{x:.1f}%"
    assert theme.years_text([2003, 2004, 2005, 2008, 2010, 2011]) == "2003–2005, 2008, 2010–2011"


def test_caption_text_names_publishers_licences_and_years() -> None:
    catalog = load_catalog()
    text = cf.caption_text(["internet_users_pct", "egdi"], [2020, 2021, 2022])
    for source_id in ("wb-internet-users", "un-egdi"):
        source = catalog.sources[source_id]
        assert source.publisher in text and source.licence in text and source_id in text
    assert text.endswith("Years: 2020–2022.")


# --- maps -------------------------------------------------------------------------------------


def test_choropleth_draws_every_member_with_one_colour_scale(choropleth, processed) -> None:
    rows = processed[(processed.indicator == "internet_users_pct") & (processed.year == YEAR)]
    values = dict(zip(rows.iso3, rows.value, strict=True))
    in_groups = [v for c, v in values.items() if c in set(regions.members(EUROPE, year=YEAR))
                 | set(regions.members(LAC, year=YEAR))]  # fmt: skip
    axis = choropleth.layout.coloraxis
    assert (axis.cmin, axis.cmax) == (min(in_groups), max(in_groups))  # one scale, both panels
    for group, xaxis in ((EUROPE, "x"), (LAC, "x2")):
        members = set(regions.members(group, year=YEAR))
        countries = {t.meta["iso3"]: t for t in _roles(choropleth, "country", group)}
        no_data = {t.meta["iso3"] for t in _roles(choropleth, "nodata", group)}
        tiles = {c for t in _roles(choropleth, "tiles", group) for c in t.meta["iso3"]}
        tiles_empty = {c for t in _roles(choropleth, "tiles_nodata", group) for c in t.meta["iso3"]}
        # every member appears exactly once: a shape with a value, a hatched shape, or a tile
        drawn = [*countries, *no_data, *tiles, *tiles_empty]
        assert sorted(drawn) == sorted(members)
        assert set(countries) | tiles == {c for c in members if c in values}
        assert all(t.xaxis == xaxis for t in countries.values())
        for code, trace in countries.items():
            assert trace.type == "scatter" and trace.fill == "toself"
            assert trace.fillcolor == maps.fill_colour(values[code], axis.cmin, axis.cmax)
            assert f"Year: {YEAR}" in trace.text and "wb-internet-users" in trace.text
        for trace in _roles(choropleth, "tiles", group):
            assert trace.marker.coloraxis == "coloraxis"  # tiles on the same colour axis
            assert list(trace.marker.color) == [values[c] for c in trace.meta["iso3"]]
        for trace in _roles(choropleth, "nodata", group):
            assert trace.fillcolor == theme.NO_DATA_COLOUR and trace.fillpattern.shape == "/"
            assert "no data" in trace.text
    malta = next(t for t in _roles(choropleth, "tiles", EUROPE) if "MLT" in t.meta["iso3"])
    assert malta.marker.color[malta.meta["iso3"].index("MLT")] == values["MLT"]


def test_choropleth_needs_no_topology_and_stays_small(choropleth) -> None:
    assert {t.type for t in choropleth.data} == {"scatter"}  # no choropleth/geo trace, no CDN
    assert "geo" not in choropleth.layout.to_plotly_json()
    assert len(choropleth.to_json()) < 200_000


def test_choropleth_caption_and_meta(choropleth) -> None:
    meta = choropleth.layout.meta
    caption = meta["caption"]
    assert "World Bank, World Development Indicators (ITU)" in caption and "CC BY 4.0" in caption
    assert f"Years: {YEAR}." in caption and "Natural Earth" in caption and "GUF" in caption
    assert _caption_annotation(choropleth).replace("<br>", " ") == caption
    assert meta["years"] == [YEAR] and meta["sources"] == ["wb-internet-users"]
    assert meta["members"] == {g: len(regions.members(g, year=YEAR)) for g in DEFAULT_GROUPS}


def test_choropleth_default_year_and_bad_year(built_home: Path) -> None:
    from compare.stats.comparison import latest_common_year

    fig = cf.choropleth("egdi", home=built_home)
    year, note = latest_common_year("egdi", home=built_home)
    assert fig.layout.meta["years"] == [year] and fig.layout.meta["year_note"] == note
    with pytest.raises(ParameterError, match="years with data: 2003–2005, 2008"):
        cf.choropleth("egdi", 2021, home=built_home)


# --- distribution, trend, scatter ---------------------------------------------------------------


def test_distribution_marks_both_means(distribution, built_home: Path) -> None:
    boxes = _roles(distribution, "countries")
    assert [b.type for b in boxes] == ["box", "box"] and [b.name for b in boxes] == list(
        DEFAULT_GROUPS
    )
    data = compare.load("egdi", years=YEAR, groups=list(DEFAULT_GROUPS), home=built_home)
    population = compare.load("population", years=YEAR, home=built_home).set_index("iso3")["value"]
    for box in boxes:
        rows = data[data.region == box.name]
        assert sorted(box.x) == sorted(rows["value"])
        assert box.marker.color == cf.REGION_COLOURS[box.name]
        mean = _roles(distribution, "mean", box.name)[0].x[0]
        assert mean == pytest.approx(
            rows["value"].mean()
        )  # independent of compare.stats.comparison
        weighted = _roles(distribution, "weighted_mean", box.name)[0].x[0]
        w = rows.set_index("iso3")["value"]
        pop = population.reindex(w.index)
        assert weighted == pytest.approx(float((w * pop).sum() / pop[w.index].sum()))
    caption = distribution.layout.meta["caption"]
    assert "un-egdi" in caption and "wb-sp-pop-tot" in caption and f"Years: {YEAR}" in caption


def test_trend_uses_regional_means_with_bands_and_coverage(trend, built_home: Path) -> None:
    from compare.stats import regional_means

    means = regional_means("internet_users_pct", range(2010, 2024), home=built_home)
    for group in DEFAULT_GROUPS:
        rows = means[means.group == group].sort_values("year")
        # the rule, by hand: 3 countries and two thirds of the population, else thin
        passes = (rows["n"] >= 3) & (rows["coverage_pop"] >= 2 / 3)
        line = _roles(trend, "mean", group)[0]
        assert list(line.x) == list(rows.year)
        drawn = [y for y, ok in zip(line.y, passes, strict=True) if ok]
        assert np.allclose(drawn, rows.loc[passes, "mean"])
        assert all(y is None for y, ok in zip(line.y, passes, strict=True) if not ok)
        band = _roles(trend, "ci", group)[0]
        assert band.fill == "toself" and len(band.x) == 2 * int(passes.sum())
        assert np.allclose(band.y[: int(passes.sum())], rows.loc[passes, "mean_ci_high"])
        coverage = _roles(trend, "coverage", group)[0]
        assert coverage.yaxis == "y2" and np.allclose(coverage.y, rows.coverage_pop)
        thin = _roles(trend, "thin_mean", group)
        assert [int(x) for t in thin for x in t.x] == list(rows.loc[~passes, "year"])
    assert "95% bootstrap" in trend.layout.meta["caption"]
    assert trend.layout.meta["years"] == list(range(2010, 2024))


def test_lac_internet_trend_marks_2023_as_thin(trend, processed) -> None:
    """2023: 7 LAC countries report, holding less than two thirds of the population (counted
    here from the processed table): off the line, an open marker, named in the caption."""
    members = regions.members(LAC, year=2023)
    rows = processed[(processed.year == 2023) & processed.iso3.isin(members)]
    internet = rows[rows.indicator == "internet_users_pct"].set_index("iso3")["value"]
    pop = rows[rows.indicator == "population"].set_index("iso3")["value"]
    assert len(internet) == 7
    assert pop.reindex(internet.index).sum() / pop.sum() < 2 / 3
    line = _roles(trend, "mean", LAC)[0]
    assert dict(zip(line.x, line.y, strict=True))[2023] is None  # the line stops in 2022
    (thin,) = _roles(trend, "thin_mean", LAC)
    assert list(thin.x) == [2023] and thin.marker.symbol == "circle-open"
    assert thin.y[0] == pytest.approx(internet.mean())
    assert thin.name.endswith("thin (not a regional mean)")
    assert f"Thin, off the line: {LAC} 2023." in trend.layout.meta["caption"]
    assert trend.layout.meta["thin_years"] == {LAC: [2023]}
    weighted = _roles(trend, "weighted_mean", LAC)[0]
    assert dict(zip(weighted.x, weighted.y, strict=True))[2023] is None


def test_scatter_fits_ols_per_region(scatter, processed) -> None:
    wide = (
        processed[processed.year == YEAR]
        .pivot_table(index="iso3", columns="indicator", values="value")[
            ["internet_users_pct", "egdi"]
        ]
        .dropna()
    )
    for group in DEFAULT_GROUPS:
        members = set(regions.members(group, year=YEAR))
        rows = wide[wide.index.isin(members)]
        points = _roles(scatter, "countries", group)[0]
        assert sorted(points.customdata[:, 1]) == sorted(rows.index)
        slope, intercept = np.polyfit(rows.internet_users_pct, rows.egdi, 1)
        fit = scatter.layout.meta["fits"][group]
        assert fit["slope"] == pytest.approx(slope) and fit["intercept"] == pytest.approx(intercept)
        line = _roles(scatter, "fit", group)[0]
        assert line.y[0] == pytest.approx(intercept + slope * line.x[0])
        assert points.marker.color == cf.REGION_COLOURS[group]
    assert "un-egdi" in scatter.layout.meta["caption"]


# --- dumbbell, heatmap, claims ----------------------------------------------------------------


def test_dumbbell_pairs_each_countrys_latest_common_year(dumbbell, processed) -> None:
    wide = processed[processed.indicator.isin(["internet_users_female_pct",
                                               "internet_users_male_pct"])].pivot_table(
        index=["iso3", "year"], columns="indicator", values="value").dropna()  # fmt: skip
    members = set(regions.members(EUROPE)) | set(regions.members(LAC))
    expected = {iso3 for iso3, _ in wide.index if iso3 in members}
    assert set(dumbbell.layout.meta["countries"]) == expected
    assert set(dumbbell.layout.meta["missing"]) == members - expected
    for group in DEFAULT_GROUPS:
        women = _roles(dumbbell, "a", group)[0]
        men = _roles(dumbbell, "b", group)[0]
        for iso3, x_women, x_men in zip(women.meta["iso3"], women.x, men.x, strict=True):
            year = max(y for c, y in wide.index if c == iso3)
            assert x_women == wide.loc[(iso3, year), "internet_users_female_pct"]
            assert x_men == wide.loc[(iso3, year), "internet_users_male_pct"]
    assert "itu-internet-gender-urban-rural" in dumbbell.layout.meta["caption"]
    with pytest.raises(ParameterError, match="different units"):
        cf.dumbbell("egdi", "internet_users_pct")


def test_coverage_heatmap_counts_years(heatmap, processed) -> None:
    (trace,) = heatmap.data
    assert trace.type == "heatmap"
    codes = heatmap.layout.meta["countries"]
    members = regions.members(EUROPE) + regions.members(LAC)
    assert sorted(codes) == sorted(members)
    z = np.array(trace.z, dtype=float)
    years = np.array(trace.customdata, dtype=float)[:, :, 0]
    for i, indicator in enumerate(trace.y):
        counts = processed[processed.indicator == indicator].groupby("iso3")["year"].nunique()
        for j, code in enumerate(codes):
            expected = counts.get(code)
            if expected is None:
                assert math.isnan(z[i, j]) and math.isnan(years[i, j])
            else:
                assert years[i, j] == expected
                # colour bin: 1, 2-5, 6-10, 11-20, 21+ years
                assert z[i, j] == sum(expected >= edge for edge in (2, 6, 11, 21))
    # DESI covers the EU27 only: no LAC country has it
    desi = list(trace.y).index("desi_basic_digital_skills_pct")
    lac = [j for j, c in enumerate(codes) if c in set(regions.members(LAC))]
    assert np.isnan(z[desi, lac]).all()
    assert heatmap.layout.meta["cells_with_data"] == int(np.isfinite(z).sum())


def test_claims_vs_data_synthetic_table() -> None:
    fig = cf.claims_vs_data_chart(synthetic_claims())
    claim_traces = _roles(fig, "claim")
    assert sum(len(t.x) for t in claim_traces) == 4
    (found,) = [t for t in _roles(fig, "data") if "SYN1" in t.meta["claim_ids"]]
    assert list(found.x) == [70.0] and list(found.error_x.array) == [2.0]
    aside = {c: text for t in _roles(fig, "aside") for c, text in
             zip(t.meta["claim_ids"], t.text, strict=True)}  # fmt: skip
    assert "no data" in aside["SYN2"] and "not comparable" in aside["SYN3"]  # index vs percent
    assert fig.layout.meta["without_data"] == ["SYN2"]
    assert fig.layout.meta["not_comparable"] == ["SYN3"]
    assert fig.layout.meta["caption"].startswith("SYNTHETIC TEST DATA.")
    with pytest.raises(ParameterError, match="claim_value"):
        cf.claims_vs_data_chart(synthetic_claims().drop(columns=["claim_value"]))


@pytest.mark.parametrize(
    "name", ["choropleth", "distribution", "trend", "scatter", "dumbbell", "heatmap"]
)
def test_every_figure_carries_its_caption(name: str, request: pytest.FixtureRequest) -> None:
    fig = request.getfixturevalue(name)
    caption = fig.layout.meta["caption"]
    assert caption.startswith(("Source: ", "Sources: ")) and "licence" in caption
    assert "Years: " in caption
    assert _caption_annotation(fig).replace("<br>", " ") == caption
    assert fig.layout.margin.b > 60


def test_export_without_a_browser_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, distribution
) -> None:
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chrome"))
    with pytest.raises(CompareError, match=r"BROWSER_PATH=.*not an executable"):
        cf.export({"d": distribution}, tmp_path)
    monkeypatch.delenv("BROWSER_PATH")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(CompareError, match="apt-get install chromium"):
        cf.export({"d": distribution}, tmp_path)
    with pytest.raises(ParameterError, match="unknown format"):
        cf.export({"d": distribution}, tmp_path, formats=("gif",))
    assert not list(tmp_path.iterdir())


def test_one_panel_map_and_chosen_countries(built_home: Path) -> None:
    fig = cf.choropleth("egdi", groups=[LAC], home=built_home)
    assert {t.xaxis for t in fig.data} == {"x"}  # one panel
    assert {(t.meta or {}).get("group") for t in fig.data} - {None} == {LAC}
    assert fig.layout.meta["years"] == [2022]  # the latest year with a value for LAC
    focus = ["Spain", "México", "BRA", "Narnia"]
    with pytest.raises(ParameterError, match="Narnia"):
        cf.dumbbell("internet_users_urban_pct", "internet_users_rural_pct", focus, home=built_home)
    fig = cf.dumbbell(
        "internet_users_rural_pct", "internet_users_urban_pct", focus[:3], home=built_home
    )
    assert set(fig.layout.meta["countries"]) | set(fig.layout.meta["missing"]) == {
        "ESP",
        "MEX",
        "BRA",
    }


def test_early_trend_draws_no_mean_from_too_few_or_placeholder_values(built_home: Path) -> None:
    from compare.stats import regional_means

    years = range(1988, 1996)
    fig = cf.trend("internet_users_pct", years, home=built_home)
    means = regional_means("internet_users_pct", years, home=built_home).set_index(
        ["group", "year"]
    )
    lac = _roles(fig, "mean", LAC)[0]
    drawn = dict(zip(lac.x, lac.y, strict=True))
    assert means.loc[(LAC, 1991), "n"] == 2 and drawn[1991] is None  # 2 countries: no mean
    assert drawn[1990] is None and means.loc[(LAC, 1990), "n"] == 0  # placeholders only
    assert drawn[1992] == pytest.approx(means.loc[(LAC, 1992), "mean"])
    caption = fig.layout.meta["caption"]
    assert f"fewer than 3 countries have data ({LAC} 1991)" in caption
    n_left = sum(len(c.split(", ")) for c in means["left_out"] if c)
    assert f"Left out: {n_left} values flagged zero_possibly_placeholder" in caption
    assert fig.layout.meta["years"] == [1990, 1991, 1992, 1993, 1994, 1995]
    dist = cf.distribution("internet_users_pct", 1992, home=built_home)
    lac_values = _roles(dist, "countries", LAC)[0]
    assert 0 not in list(lac_values.x)  # the 1992 placeholders are not drawn as zeros
    assert "Left out, flagged as not measurements: Europe " in dist.layout.meta["caption"]
    with pytest.raises(ParameterError, match=r"unknown group 'Oceania'.*valid groups: Europe"):
        cf.trend("internet_users_pct", years, groups=[EUROPE, "Oceania"], home=built_home)


def test_distribution_draws_a_thin_mean_as_thin(built_home: Path, processed) -> None:
    """OECD DGI 2023: 24 European countries hold less than two thirds of Europe's population
    (by hand here), so Europe's mean is a grey open diamond, never the plain mean marker."""
    members = regions.members(EUROPE, year=2023)
    rows = processed[(processed.year == 2023) & processed.iso3.isin(members)]
    dgi = rows[rows.indicator == "dgi"].set_index("iso3")["value"]
    pop = rows[rows.indicator == "population"].set_index("iso3")["value"]
    assert pop.reindex(dgi.index).sum() / pop.sum() < 2 / 3 and len(dgi) >= 3
    fig = cf.distribution("dgi", 2023, home=built_home)
    assert not _roles(fig, "mean", EUROPE) and not _roles(fig, "weighted_mean", EUROPE)
    (thin,) = _roles(fig, "thin_mean", EUROPE)
    assert thin.x[0] == pytest.approx(dgi.mean()) and thin.marker.symbol == "diamond-open"
    assert _roles(fig, "mean", LAC)  # LAC's 7 countries hold more than two thirds
    assert {t.name for t in fig.data if t.showlegend} >= {
        "Unweighted mean",
        "Thin mean (not a regional mean)",
    }
    assert f"{EUROPE}: unweighted mean thin" in fig.layout.meta["caption"]


# --- the values each figure draws (the page's "Download data" CSV) ---------------------------


def _tidy(frame: pd.DataFrame, indicators: set[str]) -> dict[tuple, float]:
    rows = frame[frame["indicator"].isin(indicators) & frame["value"].notna()]
    return {
        (i, y, ind): float(v)
        for i, y, ind, v in zip(rows.iso3, rows.year, rows.indicator, rows.value, strict=True)
    }


def test_each_figure_keeps_the_values_it_draws(
    processed, choropleth, scatter, dumbbell, heatmap
) -> None:
    from compare.figures.figure_data import COLUMNS, data_of

    assert data_of(choropleth) is not None
    drawn = data_of(choropleth)
    members = set(regions.members(EUROPE, year=YEAR)) | set(regions.members(LAC, year=YEAR))
    assert set(drawn["iso3"]) == members and drawn["iso3"].is_unique
    year_rows = processed[(processed.year == YEAR) & processed.iso3.isin(members)]
    assert _tidy(drawn, {"internet_users_pct"}) == _tidy(year_rows, {"internet_users_pct"})
    # a scatter's points and a dumbbell's dots: the processed table's cells, both indicators
    points = data_of(scatter)
    pairs = {(i, y) for i, y in zip(points.iso3, points.year, strict=True)}
    cells = processed[
        [(i, y) in pairs for i, y in zip(processed.iso3, processed.year, strict=True)]
    ]
    assert _tidy(points, {"internet_users_pct", "egdi"}) == _tidy(
        cells, {"internet_users_pct", "egdi"}
    )
    assert len(points) == 2 * len(pairs)
    dots = data_of(dumbbell)
    assert set(dots["iso3"]) == set(dumbbell.layout.meta["countries"])
    assert (dots.groupby("iso3")["year"].nunique() == 1).all()  # both values from one year
    # the heatmap: years with a value per indicator and country, counted here by hand
    counts = data_of(heatmap).set_index(["indicator", "iso3"])["value"]
    by_hand = processed[processed.indicator == "egdi"].groupby("iso3")["year"].count()
    for code in ("ESP", "ECU", "VAT"):
        assert counts[("egdi", code)] == by_hand.get(code, 0)
    for fig in (choropleth, scatter, dumbbell):
        assert list(data_of(fig).columns)[: len(COLUMNS)] == list(COLUMNS)


def test_distribution_and_trend_data_hold_the_means_drawn(distribution, trend) -> None:
    from compare.figures.figure_data import data_of

    drawn = data_of(distribution)
    for group in (EUROPE, LAC):
        (box,) = [t for t in distribution.data if t.type == "box" and t.name == group]
        countries = drawn[(drawn.series == "country") & (drawn.group == group)]
        assert sorted(countries["value"]) == sorted(box.x)
        pairs = (("mean", "unweighted mean"), ("weighted_mean", "population-weighted mean"))
        for role, series in pairs:
            for trace in _roles(distribution, role, group):
                value = drawn.loc[(drawn.series == series) & (drawn.group == group), "value"]
                assert list(value) == [trace.x[0]]
    means = data_of(trend)
    for group in (EUROPE, LAC):
        (line,) = _roles(trend, "mean", group)
        rows = means[(means.series == "unweighted mean") & (means.group == group)]
        on_line = {int(x): y for x, y in zip(line.x, line.y, strict=True) if y is not None}
        shown = rows[rows.status == "shown"]
        assert {int(y): v for y, v in zip(shown.year, shown.value, strict=True)} == on_line
