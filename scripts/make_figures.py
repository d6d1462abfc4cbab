"""Write the PNGs of each figure type (from the built data) into docs/img/ and docs/FIGURES.md.

    .venv/bin/python scripts/make_figures.py [--home DIR] [--out docs/img] [--html DIR]

Needs the processed data (``compare fetch --from DIR && compare build``) and Chrome/Chromium for
kaleido (``$BROWSER_PATH`` or ``chromium`` on PATH). All PNGs are exported in one Chromium
session. ``--html DIR`` also writes each figure as stand-alone HTML (plotly.js embedded) and
prints the sizes. The claims-vs-data chart is drawn only when ``compare.evidence`` provides
``claims_vs_data`` (no synthetic data in the docs).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import compare.figures as cf  # noqa: E402
from compare.storage import atomic  # noqa: E402

#: name -> (what it shows, how it is built)
FIGURES = {
    "map_internet_users": (
        "Choropleth: internet users (% of population), Europe and LAC panels on one colour "
        "scale; hatched = no data, tiles = states too small for 1:110m.",
        lambda home: cf.choropleth("internet_users_pct", home=home),
    ),
    "distribution_egdi": (
        "Distribution: UN EGDI per country by region (strip + box), unweighted (diamond) and "
        "population-weighted (cross) means.",
        lambda home: cf.distribution("egdi", home=home),
    ),
    "map_egdi_eu27_south_america": (
        "Choropleth of two groups of two classifications: EGDI 2022, EU27 against UN M49 South "
        "America (groups named eu27:EU27 and m49_intermediate:South America).",
        lambda home: cf.choropleth(
            "egdi", 2022, ("eu27:EU27", "m49_intermediate:South America"), home=home
        ),
    ),
    "trend_internet_users": (
        "Trend: regional mean internet use 2000-2023 with 95% bootstrap bands, weighted means "
        "(dashed) and population coverage (lower panel); the line stops where a mean fails the "
        "rule: LAC 2023 (7 countries, 66% of the population) is an open marker off the line.",
        lambda home: cf.trend("internet_users_pct", range(2000, 2024), home=home),
    ),
    "scatter_internet_egdi": (
        "Cross-family scatter: EGDI against internet use, coloured by region, OLS line with "
        "95% band per region.",
        lambda home: cf.scatter("internet_users_pct", "egdi", home=home),
    ),
    "dumbbell_internet_by_sex": (
        "Gap dumbbells: internet use of women (filled) and men (open) per country, ITU latest "
        "year.",
        lambda home: cf.dumbbell("internet_users_female_pct", "internet_users_male_pct", home=home),
    ),
    "coverage_heatmap": (
        "Coverage: number of years with data (binned) for every indicator (rows) and every "
        "M49 member of the two groups (columns); blank = no data.",
        lambda home: cf.coverage_heatmap(home=home),
    ),
}


def _claims_figure(home: str | None) -> tuple[str, object] | None:
    """The claims chart from compare.evidence (the public facade; the table moved out of
    compare.evidence.claims in the restructure), when it provides the table."""
    try:
        from compare import evidence  # noqa: PLC0415
    except ImportError:
        return None
    build = getattr(evidence, "claims_vs_data", None)
    if build is None:
        return None
    table = build(home=home)
    with_data = table[table["data_value"].notna()]
    line = (
        f"Claims vs data: the {len(with_data)} rows of `compare.evidence.claims_vs_data()` with a "
        f"data value (the other {len(table) - len(with_data)} claims have no data that can speak "
        "to them); diamond = the paper's figure, dot = the data with its 95% interval."
    )
    title = "Claims in the paper vs the data (claims with a data value)"
    return line, cf.claims_vs_data_chart(with_data, title=title)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", default=None, help="project home (default: $COMPARE_HOME)")
    parser.add_argument("--out", default=str(ROOT / "docs" / "img"), help="PNG folder")
    parser.add_argument("--html", default=None, help="also write stand-alone HTML here")
    args = parser.parse_args(argv)
    out = Path(args.out)

    figures, lines = {}, {}
    for name, (line, build) in FIGURES.items():
        started = time.perf_counter()
        figures[name] = build(args.home)
        lines[name] = line
        print(f"built {name} in {time.perf_counter() - started:.2f} s")
    claims = _claims_figure(args.home)
    if claims is None:
        print("claims_vs_data: compare.evidence.claims_vs_data is not available; skipped")
    else:
        lines["claims_vs_data"], figures["claims_vs_data"] = claims

    timings: list[float] = []
    started = time.perf_counter()
    paths = cf.export(figures, out, timings=timings)
    total = time.perf_counter() - started
    for path, seconds in zip(paths, timings, strict=True):
        path.chmod(0o644)  # committed files (atomic writes create them 0600)
        shown = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        print(f"{shown}: {path.stat().st_size / 1024:.0f} KB, {seconds:.2f} s")
    later = timings[1:]
    print(
        f"export: {len(paths)} images in {total:.2f} s; first (with Chromium start) "
        f"{timings[0]:.2f} s; later {sum(later) / max(1, len(later)):.2f} s each"
    )
    if args.html:
        for name, fig in figures.items():
            target = Path(args.html) / f"{name}.html"
            atomic.write_text(target, fig.to_html(include_plotlyjs=True, full_html=True))
            print(f"{target}: {target.stat().st_size / 1e6:.2f} MB (plotly.js embedded)")

    doc = [
        "# Figures",
        "",
        "Generated by `scripts/make_figures.py` from the built data (`compare.figures`; every "
        "figure names its sources, licences and years in its caption). Maps are drawn from "
        "Natural Earth polygons as filled traces, so figures draw offline.",
        "",
    ]
    for name in figures:
        doc += [f"**{name}** — {lines[name]}", "", f"![{name}](img/{name}.png)", ""]
    if claims is None:
        doc += [
            "*Claims vs data*: not generated (needs `compare.evidence.claims_vs_data`).",
            "",
        ]
    atomic.write_text(out.parent / "FIGURES.md", "\n".join(doc))
    (out.parent / "FIGURES.md").chmod(0o644)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
