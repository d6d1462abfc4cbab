"""The data files of a page, without a kernel: values written as data, text safe for a
spreadsheet, links under each output, and the folder put in place with the page (replaced,
removed when the new page has none, leftovers of a dead worker removed). Every frame and
notebook here is hand-made SYNTHETIC input (invented values, no country data)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import nbformat
import pandas as pd

from compare.reports import downloads, outputs
from compare.reports.downloads import DATA_MIMETYPE


def _synthetic_frame() -> pd.DataFrame:
    """SYNTHETIC: formula-like text from a user's catalog or a quote, and numbers."""
    return pd.DataFrame(
        {
            "iso3": ["SYA", "SYB", "SYC", "SYD", "SYE", "SYF"],
            "title": ['=HYPERLINK("http://x","y")', "+1 pp", "-2 pp", "@SUM(A1)", "\tx", "plain"],
            "value": [-3.5, 1234567.891234567, float("nan"), 0.1, 1e-12, 2.0],
            "first_year": [2020.0, float("nan"), 2019.0, 2018.0, 2017.0, 2016.0],
            "ids": [["a", "b"], [], ["c"], [], [], []],
        }
    )


def test_values_are_written_as_data_and_text_never_as_a_formula() -> None:
    item = downloads.payload(_synthetic_frame(), "table")
    text = item["csv"]
    back = pd.read_csv(io.StringIO(text), keep_default_na=False, dtype=str)
    assert list(back["title"]) == [
        '\'=HYPERLINK("http://x","y")',
        "'+1 pp",
        "'-2 pp",
        "'@SUM(A1)",
        "'\tx",
        "plain",
    ]
    # numbers stay numbers: sign kept, full precision, `.` decimals, no thousands separator
    assert list(back["value"]) == ["-3.5", "1234567.891234567", "", "0.1", "1e-12", "2.0"]
    assert list(back["first_year"]) == ["2020", "", "2019", "2018", "2017", "2016"]
    assert back["ids"][0] == '["a", "b"]'
    types = {f["name"]: f["type"] for f in item["fields"]}
    assert types == {"iso3": "string", "title": "string", "value": "number",
                     "first_year": "integer", "ids": "string"}  # fmt: skip
    assert item["rows"] == 6


def _synthetic_notebook() -> nbformat.NotebookNode:
    """SYNTHETIC notebook: two figures' and one table's data outputs, one output without."""
    frame = pd.DataFrame({"iso3": ["SYA"], "value": [1.5], "source_id": ["syn-source"]})
    cell = nbformat.v4.new_code_cell("show(...)")
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={
                "text/html": f"<figure>{n}</figure>",
                DATA_MIMETYPE: downloads.payload(frame, kind, drawn_as="synthetic"),
            },
        )
        for n, kind in enumerate(("figure", "table", "figure"))
    ]
    cell.outputs.append(nbformat.v4.new_output("display_data", data={"text/html": "<p>x</p>"}))
    nb = nbformat.v4.new_notebook()
    nb.cells = [cell]
    return nb


def test_each_output_gets_its_file_and_a_relative_link_under_it() -> None:
    nb = _synthetic_notebook()
    found = downloads.collect(nb, "/somewhere/reports/synthetic/run.es.html")
    assert found.folder == "run.es.data"
    assert list(found.files) == ["figure-1.csv", "table-1.csv", "figure-2.csv"]
    pages = [o["data"]["text/html"] for o in nb.cells[0].outputs]
    assert pages[0].startswith("<figure>0</figure>")
    assert 'href="run.es.data/figure-1.csv" download' in pages[0]
    assert 'href="run.es.data/table-1.csv" download' in pages[1]
    assert 'href="run.es.data/figure-2.csv" download' in pages[2]
    assert pages[3] == "<p>x</p>"  # no data, no link
    assert not [o for o in nb.cells[0].outputs if DATA_MIMETYPE in o["data"]]
    assert all("/somewhere" not in page for page in pages)
    assert found.resources[0]["sources"] == ["syn-source"]
    assert found.resources[0]["drawn_as"] == "synthetic"


def _result(pending: dict[str, str]) -> SimpleNamespace:
    return SimpleNamespace(pending=pending)


def test_a_rerun_replaces_the_folder_and_a_page_without_data_removes_it(tmp_path: Path) -> None:
    final = tmp_path / "nb" / "run.data"
    final.mkdir(parents=True)
    (final / "figure-9.csv").write_text("stale\n")
    new = tmp_path / "nb" / f"run.data{outputs.PENDING}{os.getpid()}"
    new.mkdir()
    (new / "figure-1.csv").write_text("fresh\n")
    outputs.commit(_result({str(final): str(new)}))
    assert sorted(p.name for p in final.iterdir()) == ["figure-1.csv"]
    assert not new.exists()
    outputs.commit(_result({str(final): ""}))  # the re-run page has no figure or table
    assert not final.exists()
    assert sorted(p.name for p in (tmp_path / "nb").iterdir()) == []


def test_leftover_folders_of_a_dead_worker_are_removed(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    pid = int(dead.stdout)
    folder = tmp_path / "nb"
    for name in (f"run.data{outputs.PENDING}{pid}", f"run.data.old{outputs.PENDING}{pid}"):
        (folder / name).mkdir(parents=True)
        (folder / name / "figure-1.csv").write_text("x\n")
    mine = folder / f"other.data{outputs.PENDING}{os.getpid()}"
    mine.mkdir()
    outputs.remove_stale_pending(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [mine.name]  # a live worker's is kept
    outputs.remove_stale_pending(tmp_path, include_dead_only=False)
    assert list(folder.iterdir()) == []


def test_the_bundle_lists_a_pages_data_files_sidecar_last(tmp_path: Path) -> None:
    folder = tmp_path / "nb" / "run.data"
    folder.mkdir(parents=True)
    for name in ("table-1.csv", "figure-1.csv", "datapackage.json", "notes.txt"):
        (folder / name).write_text("{}" if name.endswith("json") else "a\n")
    assert downloads.files_of(tmp_path, "nb/run.html") == [
        "nb/run.data/figure-1.csv",
        "nb/run.data/table-1.csv",
        "nb/run.data/datapackage.json",
    ]
    assert downloads.files_of(tmp_path, "nb/other.html") == []
    json.loads((folder / "datapackage.json").read_text())
