"""The report matrix, fingerprints, bad entries, escaping of the index and pages: everything of
`compare report` that runs before (or without) a kernel. No notebook is executed here."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from compare.config import COMPARED_FAMILIES, FOCUS_COUNTRIES
from compare.errors import CompareError
from compare.reports import matrix
from tests.paths import REPO, SYNTHETIC_NOTEBOOKS

ROOT = REPO
SYNTHETIC = SYNTHETIC_NOTEBOOKS


def _catalog_families() -> dict[str, list[str]]:
    """Independent reading of catalog.yml: indicator ids by family, in file order."""
    data = yaml.safe_load((ROOT / "compare" / "catalog.yml").read_text(encoding="utf-8"))
    found: dict[str, list[str]] = {}
    for indicator_id, entry in data["indicators"].items():
        found.setdefault(entry["family"], []).append(indicator_id)
    return found


def _write(path: Path, runs: list[dict]) -> Path:
    path.write_text(yaml.safe_dump({"runs": runs}), encoding="utf-8")
    return path


def test_default_matrix_covers_three_families_focus_countries_evidence_and_coverage() -> None:
    runs = matrix.plan(ROOT / "notebooks" / "reports.yml", ["en"])
    ids = [r.run_id for r in runs]
    assert len(ids) == len(set(ids))
    families = _catalog_families()
    expected = [
        f"indicator_comparison/{i}"
        for family in ("digital_divide", "interoperability", "employer_recognition")
        for i in families.get(family, [])
    ]
    assert [i for i in ids if i.startswith("indicator_comparison/")] == expected
    assert [i for i in ids if i.startswith("country_profile/")] == [
        f"country_profile/{c}" for c in FOCUS_COUNTRIES
    ]
    assert "evidence_overview/default" in ids
    assert "data_coverage/default" in ids
    groups = {r.run_id: r.group for r in runs}
    assert groups["indicator_comparison/internet_users_pct"] == "Digital divide"
    assert groups["indicator_comparison/egdi"].startswith("Interoperability")


def test_generators(tmp_path: Path) -> None:
    nb = str(SYNTHETIC / "synthetic_figure.ipynb")
    path = _write(tmp_path / "m.yml", [
        {"notebook": nb, "each": {"indicator": "all", "points": [2, 3]},
         "parameters": {"label": "L"}, "name": "{indicator}-{points}"},
    ])  # fmt: skip
    runs = matrix.plan(path)
    families = _catalog_families()
    compared = [i for f in COMPARED_FAMILIES for i in families.get(f, [])]
    assert len(runs) == 2 * len(set(compared))
    assert runs[0].parameters == {"label": "L", "indicator": compared[0], "points": 2}
    assert runs[0].run_id == f"synthetic_figure/{compared[0]}-2"
    assert matrix.expand_values("country", "focus") == list(FOCUS_COUNTRIES)
    lac = matrix.expand_values("country", ["group:Latin America & Caribbean", "MEX"])
    assert "MEX" in lac and lac.count("MEX") == 1 and "ESP" not in lac
    assert matrix.expand_values("label", "family:digital_divide") == ["family:digital_divide"]


@pytest.mark.parametrize(
    ("runs", "message"),
    [
        ([{"notebook": "missing.ipynb"}], "not found"),
        ([{"notebook": "{nb}", "each": {"indicator": "family:nope"}}], "unknown family 'nope'"),
        ([{"notebook": "{nb}", "colour": "red"}], "unknown key"),
        ([{"notebook": "{nb}", "each": ["indicator"]}], "`each` must be a mapping"),
        ([{"notebook": "{nb}"}, {"notebook": "{nb}"}], "repeats runs\\[0\\]"),
        ([{"notebook": "{nb}", "each": {"label": ["a"]}, "name": "{lable}"}], "bad name"),
    ],
)
def test_bad_matrix_entries(tmp_path: Path, runs: list[dict], message: str) -> None:
    nb = str(SYNTHETIC / "synthetic_figure.ipynb")
    text = json.dumps(runs).replace("{nb}", nb)
    path = _write(tmp_path / "bad.yml", json.loads(text))
    with pytest.raises(CompareError, match=message):
        matrix.plan(path)


def test_run_ids_are_safe_file_names(tmp_path: Path) -> None:
    nb = str(SYNTHETIC / "synthetic_figure.ipynb")
    path = _write(tmp_path / "m.yml", [
        {"notebook": nb, "each": {"label": ["../../etc/passwd", "a b<c>", "..", "ok-1.2"]},
         "name": "{label}"},
    ])  # fmt: skip
    ids = [r.run_id.split("/", 1)[1] for r in matrix.plan(path)]
    assert ids == ["etc-passwd", "a-b-c", "run", "ok-1.2"]


def test_select_by_glob() -> None:
    runs = matrix.plan(ROOT / "notebooks" / "reports.yml", ["en"])
    chosen = matrix.select(runs, "country_profile/*")
    assert [r.parameters["country"] for r in chosen] == list(FOCUS_COUNTRIES)
    with pytest.raises(CompareError, match=r"matches no run \(a glob on run ids.*notebooks: "):
        matrix.select(runs, "nothing/*")


def test_fingerprints_follow_every_input(tmp_path: Path, built_home: Path) -> None:
    data = matrix.data_checksums(built_home)
    manifest = json.loads((built_home / "data/processed/build_manifest.json").read_text())
    assert data["processed/indicators.parquet"] == manifest["outputs"]["indicators.parquet"]
    package = tmp_path / "pkg"
    shutil.copytree(ROOT / "compare", package, ignore=shutil.ignore_patterns("__pycache__"))
    code = matrix.code_hash(package)
    assert code == matrix.code_hash(ROOT / "compare")
    base = matrix.run_key("nb", {"a": 1}, data, code)
    assert base == matrix.run_key("nb", {"a": 1}, dict(data), code)
    (package / "stats.py").write_text("# changed\n", encoding="utf-8")
    changed_code = matrix.code_hash(package)
    other_data = {**data, "processed/indicators.parquet": "0" * 64}
    variants = {
        matrix.run_key("nb2", {"a": 1}, data, code),
        matrix.run_key("nb", {"a": 2}, data, code),
        matrix.run_key("nb", {"a": 1}, other_data, code),
        matrix.run_key("nb", {"a": 1}, data, changed_code),
    }
    assert base not in variants and len(variants) == 4


def test_bad_parameters_fail_up_front_with_status_2(tmp_path: Path, built_home: Path) -> None:
    nb = str(SYNTHETIC / "synthetic_figure.ipynb")
    path = _write(tmp_path / "m.yml", [
        {"notebook": nb, "each": {"indicator": ["internet_users_pct", "no_such_indicator"]}},
        {"notebook": nb, "parameters": {"points": "three"}, "name": "typed"},
    ])  # fmt: skip
    out = tmp_path / "reports"
    done = subprocess.run(
        [sys.executable, "-m", "compare.cli", "report", "--matrix", str(path), "--out", str(out)],
        capture_output=True, text=True, env={**_env(), "COMPARE_HOME": str(built_home)},
        timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "2 invalid report run(s), nothing was executed" in done.stderr
    assert "unknown indicator 'no_such_indicator'" in done.stderr
    assert "parameter 'points' must be int" in done.stderr
    assert not (out / "manifest.json").exists()


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "COMPARE_REPORT"}


def test_index_escapes_data_and_parameters(tmp_path: Path) -> None:
    from compare.reports.index import index_page

    hostile = '<script>alert("x")</script>'
    groups = [(f"Group {hostile}", [{
        "run_id": f"nb/{hostile}", "title": f"T {hostile}", "status": "failed",
        "message": hostile, "parameters": [("label", hostile)], "duration": "1 s",
        "finished": "now", "html": 'x.html" onclick="evil()', "ipynb": "",
    }])]  # fmt: skip
    summary = {"total": 1, "ok": 0, "failed": 1, "not_run": 0, "updated": hostile,
               "commit": hostile}  # fmt: skip
    page = index_page(groups, summary)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert 'onclick="evil()"' not in page


def test_toc_and_figure_captions_are_escaped() -> None:
    import plotly.graph_objects as go

    from compare.reports import display, render

    page = (
        '<h1 id="A-%3Cb%3E">A &lt;b&gt;<a class="anchor-link" href="#A">¶</a></h1>'
        '<h2 id="Two">Two<a class="anchor-link" href="#Two">¶</a></h2>'
    )
    toc = render.toc(page)
    assert '<li class="toc-h1"><a href="#A-%3Cb%3E">A &lt;b&gt;</a></li>' in toc
    assert '<li class="toc-h2"><a href="#Two">Two</a></li>' in toc
    fig = go.Figure(go.Scatter(x=[1], y=[2]))
    fig.update_layout(meta={"caption": "Source: <img src=x onerror=alert(1)> & co"})
    html = display.figure_html(fig)
    assert "<img" not in html
    assert "<figcaption>Source: &lt;img src=x onerror=alert(1)&gt; &amp; co</figcaption>" in html
    assert "plotly.min.js" not in html and "cdn" not in html.lower()
