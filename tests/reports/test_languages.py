"""Spanish reports of the real matrix, run by ``compare report --languages es``: the indicator
comparison of internet use and the profile of Ecuador. Nothing on the page is still English
(proper names, ids, units and quotes allowed: tests/reports/english_allowlist.py), the numbers
are Spanish-formatted values recomputed here with pandas, country names are the mirror's
Spanish names, each page links to its English version and the index switches languages.

Only these two runs execute (in one ``compare report`` call): the other notebook tests run
English; every message's translation is checked without running anything (tests/text)."""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from babel.numbers import format_percent

from compare.reports import matrix
from tests.paths import REPO
from tests.reports.english_allowlist import english_left

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("notebooks")]

MATRIX = REPO / "notebooks" / "reports.yml"
PAGES = {
    "indicator_comparison/internet_users_pct.es": "indicator_comparison/internet_users_pct.es.html",
    "country_profile/ECU.es": "country_profile/ECU.es.html",
}
PLOTLY = "application/vnd.plotly.v1+json"


@pytest.fixture(scope="module")
def spanish(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reports folder after the two Spanish runs."""
    out = tmp_path_factory.mktemp("spanish") / "reports"
    env = {k: v for k, v in os.environ.items() if k != "COMPARE_REPORT"}
    env["COMPARE_HOME"] = str(built_home)
    done = subprocess.run(
        [sys.executable, "-m", "compare.cli", "report", "--matrix", str(MATRIX), "--only",
         "indicator_comparison/internet_users_pct,country_profile/Ecuador", "--languages", "es",
         "--out", str(out), "--no-progress", "--workers", "2"],
        capture_output=True, text=True, env=env, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return out


class _Visible(HTMLParser):
    """The text a reader sees: no script, style, code cell, <code>, prompt or parameter table."""

    SKIP_CLASSES = ("jp-InputArea", "jp-InputPrompt", "jp-OutputPrompt", "compare-params")

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        classes = dict(attrs).get("class") or ""
        if self.depth:
            if tag not in ("br", "img", "meta", "link", "input", "hr", "col"):
                self.stack.append(tag)
            return
        if tag in ("script", "style", "code") or any(c in classes for c in self.SKIP_CLASSES):
            self.depth, self.stack = 1, [tag]

    def handle_endtag(self, tag: str) -> None:
        if self.depth and self.stack:
            self.stack.pop()
            if not self.stack:
                self.depth = 0

    def handle_data(self, data: str) -> None:
        if not self.depth and data.strip():
            self.text.append(data.strip())


def visible_text(page: Path) -> str:
    parser = _Visible()
    parser.feed(page.read_text(encoding="utf-8"))
    return "\n".join(parser.text)


def figure_texts(book: dict) -> list[str]:
    """Titles, axis titles, tick labels, legend names, annotations and hover templates of every
    figure of an executed notebook."""
    found: list[str] = []

    def title(value: object) -> str:
        return str(value.get("text") or "") if isinstance(value, dict) else str(value or "")

    for cell in book["cells"]:
        for output in cell.get("outputs", []):
            fig = output.get("data", {}).get(PLOTLY)
            if not fig:
                continue
            layout = fig.get("layout", {})
            found.append(title(layout.get("title")))
            for key, axis in layout.items():
                if key.startswith(("xaxis", "yaxis")) and isinstance(axis, dict):
                    found += [title(axis.get("title")), *map(str, axis.get("ticktext") or [])]
            found += [str(a.get("text") or "") for a in layout.get("annotations") or []]
            for trace in fig.get("data", []):
                found += [str(trace.get("name") or ""), str(trace.get("hovertemplate") or "")]
                if isinstance(trace.get("y"), list) and trace.get("type") == "box":
                    found += [str(y) for y in trace["y"][:1]]
    # plotly's placeholders and markup are not words
    return [re.sub(r"%\{[^}]*\}|<[^>]+>", " ", t) for t in found if t]


def test_the_spanish_runs_are_in_the_manifest_with_their_language(spanish: Path) -> None:
    runs = json.loads((spanish / "manifest.json").read_text(encoding="utf-8"))["runs"]
    for run_id, page in PAGES.items():
        assert runs[run_id]["status"] == "ok", runs[run_id]
        assert runs[run_id]["parameters"]["language"] == "es"
        assert runs[run_id]["outputs"]["html"] == page
    assert set(runs) == set(PAGES)  # --languages es: only Spanish pages ran


@pytest.mark.parametrize("page", PAGES.values())
def test_no_english_sentence_title_axis_or_header_is_left(spanish: Path, page: str) -> None:
    text = visible_text(spanish / page)
    assert "Resumen" in text and "Mostrar el código" in text  # the page is the Spanish one
    book = json.loads((spanish / page).with_suffix(".ipynb").read_text(encoding="utf-8"))
    figures = figure_texts(book)
    assert figures, "no figure on the page"
    left = english_left(text) + [hit for t in figures for hit in english_left(t)]
    assert not left, f"{len(left)} English words left on {page}:\n" + "\n".join(left[:30])


def test_the_check_finds_english_and_passes_spanish() -> None:
    """The check can fail: an English sentence of the reports is caught, its Spanish is not."""
    english = "In 2022, the population-weighted mean was 89.8% in Europe (data for 94.4%)."
    assert len(english_left(english)) >= 5
    spanish = "En 2022, la media ponderada por población fue 89,8 % en Europa (datos del 94,4 %)."
    assert english_left(spanish) == []
    assert english_left("Fuente: World Bank, World Development Indicators [wb-it-net-bbnd]") == []


def _tidy(home: Path) -> pd.DataFrame:
    return pd.read_parquet(home / "data" / "processed" / "indicators.parquet")


def test_numbers_are_spanish_formats_of_values_recomputed_with_pandas(
    spanish: Path, built_home: Path
) -> None:
    """The unweighted means of 2022 (the year the English report compares too), computed from
    the processed table, written by Babel's Spanish percent pattern, are in the summary."""
    tidy = _tidy(built_home)
    rows = tidy[(tidy["indicator"] == "internet_users_pct") & (tidy["year"] == 2022)]
    page = spanish / PAGES["indicator_comparison/internet_users_pct.es"]
    text = visible_text(page)
    assert "En 2022, personas que usan Internet (% de la población)" in text
    book = json.loads(page.with_suffix(".ipynb").read_text(encoding="utf-8"))
    layouts = [o["data"][PLOTLY]["layout"] for c in book["cells"] for o in c.get("outputs", [])
               if PLOTLY in o.get("data", {})]  # fmt: skip
    assert layouts and all(lay.get("separators") == ",." for lay in layouts)  # plotly: 1.234,5
    for region in ("Europe", "Latin America & Caribbean"):
        mean = rows.loc[rows["region"] == region, "value"].mean()
        written = format_percent(mean / 100, format="#,##0.0\xa0%", locale="es")
        assert written in text, (region, written)
        assert f"{mean:.1f}%" not in text  # not the English format


def _mirror_names(mirror: Path) -> dict[str, str]:
    path = mirror / "country-names-en-es-pt" / "es" / "world.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["alpha3"].upper(): row["name"] for row in csv.DictReader(handle)}


def test_country_names_are_the_mirrors_spanish_names(spanish: Path, mirror: Path) -> None:
    names = _mirror_names(mirror)
    text = visible_text(spanish / PAGES["indicator_comparison/internet_users_pct.es"])
    for code, english in (("BEL", "Belgium"), ("DEU", "Germany"), ("DOM", "Dominican Republic")):
        assert names[code] in text and english not in text, code
    profile = visible_text(spanish / PAGES["country_profile/ECU.es"])
    assert profile.startswith("Perfil de país: Ecuador")  # the page's title in Spanish


def test_each_page_links_its_other_languages_and_declares_its_own(spanish: Path) -> None:
    html = (spanish / PAGES["indicator_comparison/internet_users_pct.es"]).read_text("utf-8")
    assert re.search(r'<html lang="es"', html)
    assert 'href="internet_users_pct.html" hreflang="en" lang="en">English</a>' in html
    assert "internet_users_pct.pt.html" not in html  # Portuguese was not asked for
    index = (spanish / "index.html").read_text(encoding="utf-8")
    assert 'href="indicator_comparison/internet_users_pct.es.html" hreflang="es"' in index


# --- the index in Spanish (index.es.html) -----------------------------------------------------


class _InItsLanguage(_Visible):
    """The visible text in the page's language: also without what is marked as written in
    another (``lang="en"``: the curated tables' wording, error messages, a language's name)."""

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def handle_starttag(self, tag: str, attrs: list) -> None:
        lang = dict(attrs).get("lang")
        if not self.depth and tag != "html" and lang and lang != self.language:
            self.depth, self.stack = 1, [tag]
            return
        super().handle_starttag(tag, attrs)


def _in_language(page: Path, language: str) -> str:
    parser = _InItsLanguage(language)
    parser.feed(page.read_text(encoding="utf-8"))
    return "\n".join(parser.text)


def test_the_spanish_index_has_no_english_left(spanish: Path) -> None:
    text = _in_language(spanish / "index.es.html", "es")
    assert "Lo que muestran los datos" in text and "Registro de ejecuciones" in text
    assert "Reconocimiento de las microcredenciales por los empleadores" in text
    left = english_left(text)
    assert not left, f"{len(left)} English words left on index.es.html:\n" + "\n".join(left[:30])
    assert "What the data show" in visible_text(spanish / "index.html")  # English stays English


def test_the_index_pages_switch_to_each_other(spanish: Path) -> None:
    english = (spanish / "index.html").read_text(encoding="utf-8")
    es = (spanish / "index.es.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in english and '<html lang="es">' in es
    assert '<a href="index.es.html" hreflang="es" lang="es">Español</a>' in english
    assert '<a href="index.html" hreflang="en" lang="en">English</a>' in es
    assert '<link rel="alternate" hreflang="es" href="index.es.html">' in english
    assert '<link rel="alternate" hreflang="en" href="index.html">' in es
    assert not (spanish / "index.pt.html").exists()  # Portuguese is not shown
    # each index leads to its own language's pages: the findings row links the Spanish page
    row = es[es.index("<code>internet_users_pct</code>") - 400 :]
    assert 'href="indicator_comparison/internet_users_pct.es.html"' in row[:400]


def test_a_spanish_page_leads_back_to_the_spanish_index(spanish: Path) -> None:
    for page in PAGES.values():
        html = (spanish / page).read_text(encoding="utf-8")
        assert re.search(r'<a href="\.\./index\.es\.html">\S+ Todos los informes</a>', html), page
        assert 'href="../index.html"' not in html, page


def _comparable(tidy: pd.DataFrame, indicator: str, year: int) -> dict | None:
    """Both groups' population-weighted means, members with data and members in ``year`` when
    both pass the coverage rule (3 countries with data holding two thirds of the population)."""
    from compare.geo import regions

    found = {}
    for group in ("Europe", "Latin America & Caribbean"):
        members = regions.members(group, "m49", year)
        rows = tidy[(tidy["year"] == year) & tidy["iso3"].isin(members)]
        flag = rows["flag"].fillna("").str.contains("zero_possibly_placeholder")
        value = rows[(rows["indicator"] == indicator) & ~flag].set_index("iso3")["value"]
        pop = rows[rows["indicator"] == "population"].set_index("iso3")["value"]
        frame = pd.DataFrame({"value": value, "pop": pop}).reindex(members)
        both = frame.dropna()
        share = both["pop"].sum() / frame["pop"].sum()
        if frame["value"].notna().sum() < 3 or share < 2 / 3:
            return None
        mean = (both["value"] * both["pop"]).sum() / both["pop"].sum()
        found[group] = (mean, int(frame["value"].notna().sum()), len(members))
    return found


def test_the_spanish_findings_are_spanish_formats_of_values_recomputed_with_pandas(
    spanish: Path, built_home: Path
) -> None:
    from babel.numbers import format_decimal

    tidy = _tidy(built_home)
    years = sorted(tidy.loc[tidy["indicator"] == "internet_users_pct", "year"].unique())
    latest = next(int(y) for y in reversed(years) if _comparable(tidy, "internet_users_pct", y))
    (eur, n_eur, m_eur), (lac, n_lac, m_lac) = _comparable(
        tidy, "internet_users_pct", latest
    ).values()
    es = (spanish / "index.es.html").read_text(encoding="utf-8")
    row = es[es.index("<code>internet_users_pct</code>") :]
    row = row[: row.index("</tr>")]
    percent = "#,##0.0\xa0%"
    cells = [
        f"<td>{latest}</td>",
        format_percent(eur / 100, format=percent, locale="es"),
        format_percent(lac / 100, format=percent, locale="es"),
        format_decimal(eur - lac, format="#,##0.0", locale="es") + " p. p.",
        f"{n_eur} de {m_eur} / {n_lac} de {m_lac}",
    ]
    for cell in cells:
        assert cell in row, (cell, row)
    assert f"{eur:.1f}%" not in row and "IC del 95\xa0%" in row


def test_dates_on_spanish_pages_and_index_are_babel_dates(spanish: Path, built_home: Path) -> None:
    """The page's "generated" time, the findings' "computed" time, the index's update time and
    the sources' vintage dates are Babel's long Spanish dates; no ISO date is left in words."""
    import datetime as dt

    from babel.dates import format_date

    def long(stamp: str) -> str:
        return format_date(dt.date.fromisoformat(stamp[:10]), format="long", locale="es")

    manifest = json.loads((spanish / "manifest.json").read_text(encoding="utf-8"))
    iso = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
    for run_id, page in PAGES.items():
        entry = manifest["runs"][run_id]
        text = visible_text(spanish / page)
        said = {f"generado el {long(entry[k])}" for k in ("started_at", "finished_at")}
        assert any(s in text for s in said), (said, text[:400])
        assert not iso.search(text), iso.search(text)
    sources = json.loads((built_home / "data" / "processed" / "datapackage.json").read_text())
    updated = next(s["updated"] for s in sources["sources"] if s["id"] == "wb-internet-users")
    page = visible_text(spanish / PAGES["indicator_comparison/internet_users_pct.es"])
    assert f"wb-internet-users, con fecha {long(updated)}" in page
    findings = json.loads((spanish / "findings.json").read_text(encoding="utf-8"))
    index = _in_language(spanish / "index.es.html", "es")
    assert f"Calculado el {long(findings['computed_at'])}" in index
    assert f"Actualizado el {long(manifest['updated_at'])}" in index
    assert not iso.search(index), iso.search(index)


@pytest.mark.browser
def test_pdf_and_bundle_take_the_spanish_index_along(
    spanish: Path, built_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``compare report --languages es --pdf --bundle`` after the run (on a copy of it): the
    Spanish index links the Spanish page's PDF, and the bundle holds both index pages."""
    import argparse
    import shutil
    import zipfile

    from compare.reports.publish import after_report

    reports = tmp_path / "reports"
    shutil.copytree(spanish, reports)
    monkeypatch.setenv("COMPARE_HOME", str(built_home))
    args = argparse.Namespace(
        out=str(reports), matrix=str(MATRIX), only="indicator_comparison/internet_users_pct",
        languages="es", pdf=True, workers=1, bundle=str(tmp_path / "sent.zip"),
        with_notebooks=False, dry_run=False, wait=0.0,
    )  # fmt: skip
    said: list[str] = []
    assert after_report(args, 0, echo=said.append) == 0, said
    pdf = "indicator_comparison/internet_users_pct.es.pdf"
    assert (reports / pdf).read_bytes().startswith(b"%PDF-")
    assert f'href="{pdf}"' in (reports / "index.es.html").read_text(encoding="utf-8")
    with zipfile.ZipFile(tmp_path / "sent.zip") as archive:
        names = set(archive.namelist())
        es = archive.read("index.es.html").decode("utf-8")
    assert {"index.html", "index.es.html", pdf, PAGES["country_profile/ECU.es"]} <= names
    assert "compare-ipynb" not in es and 'href="index.html" hreflang="en"' in es


def test_the_matrix_runs_english_and_spanish_and_portuguese_on_request() -> None:
    runs = matrix.plan(MATRIX)
    english = [r for r in runs if r.language == "en"]
    assert {r.language for r in runs} == {"en", "es"}
    assert len(runs) == 2 * len(english)
    assert {r.run_id for r in runs if r.language == "es"} == {f"{r.run_id}.es" for r in english}
    portuguese = matrix.plan(MATRIX, matrix.parse_languages("pt"))
    assert [r.run_id for r in portuguese] == [f"{r.run_id}.pt" for r in english]
    assert all(r.parameters["language"] == "pt" for r in portuguese)
    chosen = matrix.select(portuguese, "country_profile/Ecuador")
    assert [r.run_id for r in chosen] == ["country_profile/ECU.pt"]


@pytest.mark.browser
def test_chromium_draws_the_spanish_figures_with_spanish_words(spanish: Path) -> None:
    """Offline headless Chromium: plotly draws every figure of the Spanish page, and the words
    it draws (titles, axes, legends) are the Spanish ones."""
    from tests.browser import rendered_dom

    dom = rendered_dom(spanish / PAGES["indicator_comparison/internet_users_pct.es"])
    assert dom.count('class="main-svg"') >= 6  # map, distribution, trend (two layers each)
    drawn = " ".join(re.findall(r"<text[^>]*>([^<]*)</text>", dom))
    for spanish_words in ("medias regionales", "Media no ponderada", "población", "Europa"):
        assert spanish_words in drawn, spanish_words
    for english in ("regional means", "Unweighted mean", "population<", "No data"):
        assert english not in drawn, english
