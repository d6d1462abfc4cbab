"""Spanish reports of the real matrix, run by ``compare report --languages es``: the indicator
comparison of internet use, the profile of Ecuador, the evidence from the source paper and the
data coverage. Nothing on the page is still English (proper names, ids and units allowed:
tests/reports/english_allowlist.py; the paper's quotes are marked ``lang="en"`` and skipped),
the numbers are Spanish-formatted values recomputed here with pandas (and the evidence counts
with the csv module), country names are the mirror's Spanish names, each page links to its
English version and the index switches languages. A Portuguese sentence of the evidence report
is checked against counts recomputed here too.

Only these four runs execute (in one ``compare report`` call): the other notebook tests run
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
    "evidence_overview/default.es": "evidence_overview/default.es.html",
    "data_coverage/default.es": "data_coverage/default.es.html",
}
EVIDENCE_PAGE = PAGES["evidence_overview/default.es"]
PLOTLY = "application/vnd.plotly.v1+json"


@pytest.fixture(scope="module")
def spanish(built_home: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reports folder after the four Spanish runs."""
    out = tmp_path_factory.mktemp("spanish") / "reports"
    env = {k: v for k, v in os.environ.items() if k != "COMPARE_REPORT"}
    env["COMPARE_HOME"] = str(built_home)
    done = subprocess.run(
        [sys.executable, "-m", "compare.cli", "report", "--matrix", str(MATRIX), "--only",
         "indicator_comparison/internet_users_pct,country_profile/Ecuador,evidence_overview/*,"
         "data_coverage/*", "--languages", "es",
         "--out", str(out), "--no-progress", "--workers", "2"],
        capture_output=True, text=True, env=env, timeout=900, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return out


class _Visible(HTMLParser):
    """The text a reader sees: no script, style, code cell, <code>, prompt or parameter table;
    nor any element marked with another language than the page's (``lang="en"`` on a Spanish
    page: the paper's quotes, the link to the English version)."""

    SKIP_CLASSES = ("jp-InputArea", "jp-InputPrompt", "jp-OutputPrompt", "compare-params")

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0
        self.stack: list[str] = []
        self.text: list[str] = []
        self.language = ""  # the page's (<html lang>)

    def _other_language(self, tag: str, attrs: dict) -> bool:
        lang = (attrs.get("lang") or "").lower()
        if tag == "html":
            self.language = lang
            return False
        return bool(lang) and bool(self.language) and lang != self.language

    def handle_starttag(self, tag: str, attrs: list) -> None:
        named = dict(attrs)
        classes = named.get("class") or ""
        if self.depth:
            if tag not in ("br", "img", "meta", "link", "input", "hr", "col"):
                self.stack.append(tag)
            return
        if (
            tag in ("script", "style", "code")
            or any(c in classes for c in self.SKIP_CLASSES)
            or self._other_language(tag, named)
        ):
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
    assert "Mostrar el código" in text  # the page is the Spanish one
    assert '<html lang="es"' in (spanish / page).read_text(encoding="utf-8")
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
    # an indicator id alone in a table cell is an id; the same word in a sentence is English
    assert english_left("egdi\npopulation\n0,831") == []
    assert len(english_left("la population de Europa")) == 1


def test_visible_text_skips_what_is_marked_in_another_language(tmp_path: Path) -> None:
    """A SYNTHETIC page: the quote marked ``lang="en"`` is not read, the sentence around it is,
    and so is an English sentence left unmarked."""
    page = tmp_path / "SYNTHETIC.html"
    page.write_text(
        '<html lang="es"><body><p>La cifra «<span lang="en">of the paper</span>» no consta.</p>'
        '<table><tr><td lang="en">the figure is in the text</td><td>sin cita</td></tr></table>'
        "<p>left in English</p></body></html>",
        encoding="utf-8",
    )
    text = visible_text(page)
    assert "La cifra «" in text and "» no consta." in text and "sin cita" in text
    assert "of the paper" not in text and "the figure is in the text" not in text
    assert english_left(text) != [] and "left in English" in text


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


# --------------------------------------------------------------------------- the evidence report


def _claims_rows(home: Path) -> list[dict[str, str]]:
    """The claims file the build read (the home's curation, else the checkout's), by csv."""
    path = home / "data" / "raw" / "evidence" / "paper_claims.csv"
    if not path.is_file():
        path = REPO / "data" / "raw" / "evidence" / "paper_claims.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _finding_rows(home: Path) -> list[dict[str, str]]:
    path = home / "data" / "processed" / "claim_findings.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_evidence_sentences_are_spanish_with_counts_recomputed(
    spanish: Path, built_home: Path
) -> None:
    """The selection, citation and findings sentences of the Spanish evidence page state the
    counts the csv module finds in the claims file and in the build's findings."""
    rows = _claims_rows(built_home)
    findings = _finding_rows(built_home)
    text = " ".join(visible_text(spanish / EVIDENCE_PAGE).split())
    n = len(rows)  # the default parameters select every claim; every finding involves one
    assert (
        f"Selección: {n} de {n} afirmaciones numéricas (familia: todas; región: todas; cifras de "
        f"INDEX.md incluidas); {len(findings)} hallazgos de coherencia de gravedad baja o mayor "
        "las afectan."
    ) in text
    paper = [r for r in rows if r["document"] == "paper" and r["role"] == "evidence"]
    uncited = [r for r in paper if not r["citation"] and r["section"] != "TABLE 1"]
    assert (
        f"De {len(paper)} menciones de cifras sobre el mundo en la parte seleccionada del "
        f"artículo, {len(uncited)} no llevan referencia propia en la oración que las enuncia"
    ) in text
    by = {s: sum(f["severity"] == s for f in findings) for s in ("high", "medium", "low")}
    assert (
        f"{len(findings)} hallazgos afectan a las afirmaciones seleccionadas (de {len(findings)} "
        f"en toda la tabla): {by['high']} de gravedad alta, {by['medium']} de gravedad media, "
        f"{by['low']} de gravedad baja."
    ) in text
    employer = [r for r in rows if r["family"] == "employer_recognition"]
    docs = {d: sum(r["document"] == d for r in employer) for d in ("paper", "index", "note")}
    shown = ", ".join(
        f"{word} {docs[d]}"
        for d, word in (("paper", "artículo"), ("index", "INDEX.md"), ("note", "nota"))
        if docs[d]
    )
    assert f": {len(employer)} menciones ({shown}); por nivel: " in text
    assert "Selection:" not in text and "mentions" not in text  # not the English sentences


def test_evidence_quotes_stay_verbatim_marked_english(spanish: Path, built_home: Path) -> None:
    """The paper's quotes are in the Spanish page as written, in cells marked ``lang="en"``;
    quotes inside the findings' sentences are marked too; no marker character is left."""
    html = (spanish / EVIDENCE_PAGE).read_text(encoding="utf-8")
    from html import escape

    for row in _claims_rows(built_home)[:20]:
        assert f'<td lang="en">{escape(row["quote"], quote=False)}</td>' in html, row["claim_id"]
    assert html.count('<span lang="en">') >= 10
    assert "\ue000" not in html and "\ue001" not in html
    assert "«" in visible_text(spanish / EVIDENCE_PAGE)  # Spanish quotation marks around them


def test_portuguese_evidence_selection_with_counts_recomputed(built_home: Path) -> None:
    """The selection sentence in Portuguese (use_language), for every claim and for one family,
    with the counts the csv module finds in the claims file and the build's findings."""
    from compare import evidence
    from compare.evidence import sentences as et
    from compare.language import use_language

    rows = _claims_rows(built_home)
    findings_csv = _finding_rows(built_home)
    claims = evidence.load_claims(evidence.evidence_dir(built_home) / "paper_claims.csv")
    findings = evidence.check_consistency(claims)
    family, region = "digital_divide", "Latin America & Caribbean"
    chosen = {
        r["claim_id"]
        for r in rows
        if r["family"] == family and r["region"] == region and r["document"] != "index"
    }
    involved = [
        f
        for f in findings_csv
        if chosen & set(f["claim_ids"].split(";")) and f["severity"] in ("high", "medium")
    ]
    selected = evidence.select_claims(claims, family=family, region=region, include_index=False)
    assert set(selected["claim_id"]) == chosen
    mine = evidence.findings_at_least(
        findings[findings["claim_ids"].str.split(";").map(lambda c: bool(chosen & set(c)))],
        "medium",
    )
    with use_language("pt"):
        everything = et.selection_summary(
            claims, claims, findings, family=None, region=None, include_index=True,
            min_severity="low",
        )  # fmt: skip
        one = et.selection_summary(
            selected, claims, mine, family=family, region=region, include_index=False,
            min_severity="medium",
        )  # fmt: skip
    n = len(rows)
    assert everything == (
        f"Seleção: {n} de {n} afirmações numéricas (família: todas; região: todas; números do "
        f"INDEX.md incluídos); {len(findings_csv)} constatações de coerência de gravidade baixa "
        "ou maior as envolvem."
    )
    found = (
        "1 constatação de coerência de gravidade média ou maior as envolve."
        if len(involved) == 1
        else f"{len(involved)} constatações de coerência de gravidade média ou maior as envolvem."
    )
    assert one == (
        f"Seleção: {len(chosen)} de {n} afirmações numéricas (família: exclusão digital; região: "
        f"América Latina e Caribe; números do INDEX.md excluídos); {found}"
    )


def test_coverage_years_read_as_years(spanish: Path) -> None:
    """The data-coverage tables' years (floats where a group has none) are years, ``2022``, not
    Spanish grouped numbers (``2.022``)."""
    text = visible_text(spanish / PAGES["data_coverage/default.es"])
    assert not re.findall(r"(?m)^[12]\.\d{3}$", text)
    assert len(re.findall(r"(?m)^20[0-2]\d$", text)) > 50
