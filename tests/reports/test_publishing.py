"""The pieces of the standard path and of sharing, without a kernel: the figure output outside a
report run (compare.show), `compare render`'s preparation of outputs, the bundle's path scrub,
contents and reader's manifest, and Chromium for --pdf (compare/reports/display.py,
standalone.py, bundle.py, pdf.py)."""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import nbformat
import plotly.graph_objects as go
import pytest

from compare.errors import CompareError
from compare.reports import bundle, display, pdf, standalone


@pytest.fixture
def fresh_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(display._KERNEL, "plotlyjs_sent", False)


def _figure(caption: str = "Source: SYNTHETIC") -> go.Figure:
    return go.Figure(go.Bar(x=[1, 2], y=[3, 4]), layout={"meta": {"caption": caption}})


@pytest.mark.usefixtures("fresh_kernel")
def test_outside_a_report_plotlyjs_comes_with_the_first_figure_only() -> None:
    first, second = display.notebook_bundle(_figure()), display.notebook_bundle(_figure())
    assert display.PLOTLY_MIMETYPE in first and display.PLOTLY_MIMETYPE in second
    assert first["text/html"].count(display.PLOTLYJS_START) == 1
    assert display.PLOTLYJS_START not in second["text/html"]
    from plotly.offline import get_plotlyjs

    assert get_plotlyjs() in first["text/html"]  # inline: nothing fetched from a CDN
    assert 'src="http' not in first["text/html"] + second["text/html"]
    for output in (first, second):
        assert "Plotly.newPlot" in output["text/html"]


def _notebook_with(outputs: list[dict]) -> nbformat.NotebookNode:
    book = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("show(fig)")
    cell.outputs = [nbformat.from_dict(o) for o in outputs]
    book.cells = [nbformat.v4.new_markdown_cell("# A title"), cell]
    return book


@pytest.mark.usefixtures("fresh_kernel")
def test_render_draws_plotly_json_and_drops_the_embedded_plotlyjs() -> None:
    figure = display.figure_json(_figure())
    embedded = display.notebook_bundle(_figure())
    book = _notebook_with([
        {"output_type": "display_data", "metadata": {}, "data": {display.PLOTLY_MIMETYPE: figure}},
        {"output_type": "display_data", "metadata": {}, "data": embedded},
    ])  # fmt: skip
    assert standalone.prepare(book) == (1, 1)
    first, second = (o["data"]["text/html"] for o in book.cells[1].outputs)
    # drawn from JSON: a data block that assets/report.js draws (the pages' CSP runs no inline
    # script), no Plotly.newPlot of its own
    assert 'class="compare-plot-data"' in first and "compare-figure" in first
    assert "Plotly.newPlot" not in first
    assert display.PLOTLYJS_START not in second and "Plotly.newPlot" in second


def test_render_refuses_what_is_not_a_notebook(tmp_path: Path) -> None:
    with pytest.raises(CompareError, match="no notebook at"):
        standalone.render_file(tmp_path / "missing.ipynb")
    garbage = tmp_path / "garbage.ipynb"
    garbage.write_text("{not json", encoding="utf-8")
    with pytest.raises(CompareError, match="not a readable notebook"):
        standalone.render_file(garbage)
    book = tmp_path / "book.ipynb"
    nbformat.write(_notebook_with([]), book)
    with pytest.raises(CompareError, match="that is the notebook itself"):
        standalone.render_file(book, book)


def test_render_writes_one_self_contained_page(tmp_path: Path) -> None:
    book = _notebook_with([{
        "output_type": "error", "ename": "ValueError", "evalue": "<b>bad</b>", "traceback": [],
    }])  # fmt: skip
    book.metadata["papermill"] = {"parameters": {"label": "<script>alert(1)</script>"}}
    nbformat.write(book, tmp_path / "run.ipynb")
    page = standalone.render_file(tmp_path / "run.ipynb").read_text(encoding="utf-8")
    assert "<title>A title</title>" in page
    assert "This run failed." in page and "ValueError: &lt;b&gt;bad&lt;/b&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # a parameter stays text
    assert 'src="http' not in page and '<link rel="stylesheet" href' not in page
    assert "All reports" not in page  # no index to go back to
    assert 'href="run.ipynb"' in page


# --- bundle ------------------------------------------------------------------------------------


def test_scrub_replaces_whole_local_roots_only() -> None:
    roots = [("/srv/home/me/project/reports", "reports"), ("/srv/home/me/project", "project")]
    text = (
        "file:///srv/home/me/project/reports/index.html /srv/home/me/project/compare/a.py "
        '"/srv/home/me/project" /srv/home/me/projects/other'
    )
    assert bundle.scrub(text, roots) == (
        'reports/index.html project/compare/a.py "project" /srv/home/me/projects/other'
    )
    assert bundle.leaks(b"x /srv/home/me/projects/other", roots) == []
    assert roots[0][0] in bundle.leaks(b"%PDF /srv/home/me/project/reports/a.html", roots)


def _reports(root: Path) -> Path:
    reports = root / "reports"
    (reports / "assets").mkdir(parents=True)
    for name in bundle.ASSETS:
        (reports / "assets" / name).write_text("/* asset */", encoding="utf-8")
    (reports / "nb").mkdir()
    page = f'<span class="compare-ipynb"><a href="a.ipynb">nb</a></span> {root}/compare/x.py'
    (reports / "nb" / "a.html").write_text(page, encoding="utf-8")
    (reports / "nb" / "a.ipynb").write_text(json.dumps({"path": str(root)}), encoding="utf-8")
    (reports / "index.html").write_text(f"index of {reports}", encoding="utf-8")
    manifest = {"format": 1, "matrix": str(root / "m.yml"), "runs": {"nb/a": {
        "status": "ok", "parameters": {}, "notebook": str(root / "nb.ipynb"),
        "outputs": {"html": "nb/a.html", "ipynb": "nb/a.ipynb"}, "timings": {"x": 1},
    }}}  # fmt: skip
    (reports / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return reports


def test_bundle_holds_pages_and_assets_without_notebooks_or_local_paths(tmp_path: Path) -> None:
    reports = _reports(tmp_path)
    made = bundle.write_bundle(reports, tmp_path / "out.zip", home=tmp_path)
    assert made.size == os.path.getsize(tmp_path / "out.zip")
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        names = sorted(archive.namelist())
        data = {name: archive.read(name).decode("utf-8") for name in names}
    assert names == sorted(
        ["index.html", "manifest.json", "nb/a.html", *(f"assets/{n}" for n in bundle.ASSETS)]
    )
    assert all(str(tmp_path) not in text for text in data.values())
    assert "compare-ipynb" not in data["nb/a.html"]
    assert data["nb/a.html"].endswith(" project/compare/x.py")
    manifest = json.loads(data["manifest.json"])
    assert manifest["runs"]["nb/a"]["outputs"] == {"html": "nb/a.html"}
    assert "timings" not in manifest["runs"]["nb/a"] and "matrix" not in manifest
    with_nb = bundle.write_bundle(reports, tmp_path / "nb.zip", home=tmp_path,
                                  with_notebooks=True)  # fmt: skip
    assert "nb/a.ipynb" in with_nb.files
    with zipfile.ZipFile(tmp_path / "nb.zip") as archive:
        assert "compare-ipynb" in archive.read("nb/a.html").decode("utf-8")
        assert str(tmp_path) not in archive.read("nb/a.ipynb").decode("utf-8")


def test_bundle_refuses_bad_targets_and_missing_reports(tmp_path: Path) -> None:
    reports = _reports(tmp_path)
    with pytest.raises(CompareError, match=r"give a \.zip file name"):
        bundle.write_bundle(reports, tmp_path / "out.tar", home=tmp_path)
    with pytest.raises(CompareError, match="write the bundle outside"):
        bundle.write_bundle(reports, reports / "x.zip", home=tmp_path)
    with pytest.raises(CompareError, match="run `compare report` first"):
        bundle.write_bundle(tmp_path / "none", tmp_path / "x.zip", home=tmp_path)
    (reports / "assets" / "plotly.min.js").unlink()
    with pytest.raises(CompareError, match=r"missing assets/plotly\.min\.js"):
        bundle.write_bundle(reports, tmp_path / "x.zip", home=tmp_path)
    assert not (tmp_path / "x.zip").exists()


def test_a_binary_file_with_a_local_path_is_left_out_or_refused(tmp_path: Path) -> None:
    reports = _reports(tmp_path)
    pdf_file = reports / "nb" / "a.pdf"
    pdf_file.write_bytes(b"%PDF-1.4 /URI (file://" + str(tmp_path).encode() + b"/x.html)")
    made = bundle.write_bundle(reports, tmp_path / "out.zip", home=tmp_path)
    assert made.left_out == ["nb/a.pdf"] and "nb/a.pdf" not in made.files
    assert "left out nb/a.pdf" in made.summary()


# --- pdf ---------------------------------------------------------------------------------------


def test_pdf_needs_chromium_and_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPARE_CHROMIUM", "/nonexistent/chromium")
    with pytest.raises(CompareError, match=r"\$COMPARE_CHROMIUM=/nonexistent/chromium"):
        pdf.browser()
    monkeypatch.delenv("COMPARE_CHROMIUM")
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(CompareError, match="apt-get install chromium"):
        pdf.browser()


def test_pdf_command_prints_offline_without_header_and_footer(tmp_path: Path) -> None:
    line = pdf.command("chromium", tmp_path / "a.html", tmp_path / "a.pdf", "/tmp/profile")
    assert "--no-pdf-header-footer" in line
    assert "--proxy-server=http://127.0.0.1:9" in line
    assert "--host-resolver-rules=MAP * ~NOTFOUND" in line
    assert line[-1] == (tmp_path / "a.html").as_uri()
