"""Plotly figures of the comparison, each carrying its own caption (sources, licences, years).

``import compare.figures as cf``::

    cf.choropleth("internet_users_pct", 2022)       # Europe and LAC panels, one colour scale
    cf.distribution("egdi", 2022)                   # strip + box per region, both means marked
    cf.trend("internet_users_pct", range(2000, 2024))  # regional means, 95% CI, coverage
    cf.scatter("internet_users_pct", "egdi", 2022)  # coloured by region, OLS line per region
    cf.dumbbell("internet_users_female_pct", "internet_users_male_pct")
    cf.coverage_heatmap()                           # indicator x country: where data exist
    cf.profile_chart(compare.country_profile("ECU")[0])  # a country among both regions
    cf.claims_vs_data_chart(compare.evidence.claims_vs_data())
    cf.claims_by_family(compare.evidence.load_claims())
    cf.export({"map": fig}, "docs/img")             # PNG via kaleido and Chromium, in one batch

Every figure has the caption as an annotation under the plot and in ``fig.layout.meta
["caption"]``; ``fig.layout.meta`` also records the indicators, years and source ids. Maps are
drawn from Natural Earth polygons as filled traces (:mod:`compare.figures.maps`): no figure needs
the network to draw, in a browser or in a static export.

One module per figure type; the shared helpers (loading, year choice, caption and provenance)
are in ``_common``. Module names differ from the function names so that a function never
shadows its module (``compare.figures.scatter`` is the function)::

    _common.py        WIDTH, HEIGHT, POPULATION; _load, _resolve_year, _new, _finish, hover helpers
    choropleths.py    choropleth (geometry and drawing in compare.figures.maps)
    distributions.py  distribution
    trends.py         trend
    scatterplots.py   scatter
    dumbbells.py      dumbbell
    coverage.py       coverage_heatmap
    profiles.py       profile_chart, coverage_bars (country profile, members with data)
    claims.py         claims_vs_data_chart, claims_by_family
    static_export.py  export, browser_path (kaleido)

Importing this package is cheap: plotly, pandas and numpy are imported inside the functions.
"""

from __future__ import annotations

from compare.config import DEFAULT_CLASSIFICATION as DEFAULT_CLASSIFICATION
from compare.config import DEFAULT_GROUPS as DEFAULT_GROUPS
from compare.errors import CompareError as CompareError
from compare.errors import ParameterError as ParameterError
from compare.figures import theme
from compare.figures._common import HEIGHT as HEIGHT
from compare.figures._common import POPULATION as POPULATION
from compare.figures._common import WIDTH as WIDTH
from compare.figures.choropleths import GEOMETRY_CREDIT as GEOMETRY_CREDIT
from compare.figures.choropleths import choropleth
from compare.figures.claims import CLAIM_COLUMNS as CLAIM_COLUMNS
from compare.figures.claims import claims_by_family, claims_vs_data_chart
from compare.figures.coverage import YEAR_BINS as YEAR_BINS
from compare.figures.coverage import coverage_heatmap
from compare.figures.distributions import distribution
from compare.figures.dumbbells import dumbbell
from compare.figures.profiles import coverage_bars, profile_chart
from compare.figures.scatterplots import scatter
from compare.figures.static_export import EXPORT_FORMATS as EXPORT_FORMATS
from compare.figures.static_export import browser_path as browser_path
from compare.figures.static_export import export
from compare.figures.theme import REGION_COLOURS, apply_theme, caption_text
from compare.figures.trends import trend

__all__ = [
    "REGION_COLOURS",
    "apply_theme",
    "caption_text",
    "choropleth",
    "claims_by_family",
    "claims_vs_data_chart",
    "coverage_bars",
    "coverage_heatmap",
    "distribution",
    "dumbbell",
    "export",
    "profile_chart",
    "scatter",
    "theme",
    "trend",
]
