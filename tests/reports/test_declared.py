"""Declared parameters and clean templates (compare/reports/declared.py): the committed
notebooks agree with notebooks/parameters.yml, papermill reads every parameter without a
warning, and a template with outputs or other defaults is named and refused. Nothing executes."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from compare.errors import CompareError, ParameterError
from compare.reports import declared, params
from tests.paths import REPO, SYNTHETIC_NOTEBOOKS

NOTEBOOKS = sorted((REPO / "notebooks").glob("*.ipynb"))
DECLARATION = REPO / "notebooks" / "parameters.yml"


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """A copy of notebooks/ (templates, declaration, matrix) to spoil."""
    folder = tmp_path / "notebooks"
    shutil.copytree(REPO / "notebooks", folder)
    return folder


def _edit(notebook: Path, *, default: tuple[str, str] | None = None, outputs: bool = False):
    book = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in book["cells"]:
        if default and "parameters" in cell["metadata"].get("tags", []):
            cell["source"] = [line.replace(*default) for line in cell["source"]]
        if outputs and cell["cell_type"] == "code":
            cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["x\n"]}]
            cell["execution_count"] = 1
    notebook.write_text(json.dumps(book, indent=1), encoding="utf-8")


def test_every_notebook_is_declared_and_nothing_else() -> None:
    data = yaml.safe_load(DECLARATION.read_text(encoding="utf-8"))
    assert sorted(data) == [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_the_parameters_cell_is_the_declaration_written_out(notebook: Path) -> None:
    """Names, types, defaults and help of the cell are the declaration's, line by line."""
    decl = declared.declaration(notebook)
    assert decl.source == DECLARATION
    assert params.parameters_cell(notebook) == declared.cell_source(decl.parameters)
    in_cell = params.notebook_parameters(notebook)
    raw = yaml.safe_load(DECLARATION.read_text(encoding="utf-8"))[notebook.name]
    for name, entry in raw.items():
        default = in_cell[name].default
        assert (list(default) if isinstance(default, tuple) else default) == entry["default"]
        assert in_cell[name].comment == entry["help"]
    assert declared.template_problems(notebook) == []


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_papermill_reads_every_parameter_without_a_warning(
    notebook: Path, caplog: pytest.LogCaptureFixture
) -> None:
    from papermill.translators import PythonTranslator

    raw = yaml.safe_load(DECLARATION.read_text(encoding="utf-8"))[notebook.name]
    book = nbformat.read(notebook, as_version=4)
    (cell,) = [c for c in book.cells if "parameters" in c.metadata.get("tags", [])]
    with caplog.at_level(logging.WARNING, logger="papermill"):
        found = PythonTranslator.inspect(cell)
    assert caplog.records == []
    assert [p.name for p in found] == list(raw)
    assert [p.inferred_type_name for p in found] == [e["type"] for e in raw.values()]
    assert [p.help for p in found] == [e["help"] for e in raw.values()]


def test_a_saved_default_and_outputs_are_named(templates: Path) -> None:
    notebook = templates / "indicator_comparison.ipynb"
    _edit(notebook, default=('year: "Optional[int]" = None', 'year: "Optional[int]" = 2020'))
    assert declared.template_problems(notebook) == [
        "its parameters cell sets year = 2020 (declared None)"
    ]
    _edit(notebook, outputs=True)
    problems = declared.template_problems(notebook)
    code_cells = sum(c.cell_type == "code" for c in nbformat.read(notebook, 4).cells)
    assert problems[0] == f"{code_cells} code cell(s) carry outputs or execution counts"
    with pytest.raises(declared.TemplateError) as caught:
        declared.check_template(notebook, templates.parent)
    message = str(caught.value)
    assert message.startswith("template notebooks/indicator_comparison.ipynb is not clean")
    assert "git checkout -- notebooks/indicator_comparison.ipynb" in message
    assert declared.write_template(notebook) is True  # restored from the declaration
    assert declared.template_problems(notebook) == []
    original = (REPO / "notebooks" / "indicator_comparison.ipynb").read_text(encoding="utf-8")
    assert nbformat.reads(notebook.read_text(encoding="utf-8"), 4) == nbformat.reads(original, 4)


def test_a_renamed_or_missing_parameter_is_named(templates: Path) -> None:
    notebook = templates / "country_profile.ipynb"
    _edit(notebook, default=("country: str", "nation: str"))
    (problem,) = declared.template_problems(notebook)
    assert problem == (
        "its parameters cell names nation, groups, classification, language; declared: country, "
        "groups, classification, language"
    )


def test_complete_gives_every_declared_parameter(templates: Path) -> None:
    notebook = templates / "indicator_comparison.ipynb"
    full = declared.complete(notebook, {"indicator": "egdi"})
    assert full == {
        "indicator": "egdi", "year": None, "groups": ["Europe", "Latin America & Caribbean"],
        "classification": "m49", "weighting": "both", "language": "en",
    }  # fmt: skip
    assert list(full) == ["indicator", "year", "groups", "classification", "weighting",
                          "language"]  # fmt: skip


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"type": "int", "default": "x", "help": "h"}, "default 'x' is not a int"),
        ({"type": "int", "default": 1, "help": "a = b"}, "help must be one line without '='"),
        ({"type": "int(", "default": 1, "help": "h"}, "invalid type"),
        ({"type": "Callable", "default": 1, "help": "h"}, "unsupported type annotation"),
        ({"default": 1, "help": "h"}, "give `type`, `default` and `help`"),
    ],
)
def test_a_bad_declaration_is_refused_naming_the_file(
    templates: Path, entry: dict, message: str
) -> None:
    data = yaml.safe_load((templates / "parameters.yml").read_text(encoding="utf-8"))
    data["data_coverage.ipynb"]["extra"] = entry
    (templates / "parameters.yml").write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises((CompareError, ParameterError), match=message) as caught:
        declared.declaration(templates / "data_coverage.ipynb")
    assert "parameters.yml" in str(caught.value)


def test_an_undeclared_notebook_beside_a_declaration_is_refused(templates: Path) -> None:
    shutil.copy(templates / "data_coverage.ipynb", templates / "mine.ipynb")
    with pytest.raises(declared.TemplateError, match=r"mine\.ipynb: not declared in"):
        declared.declaration(templates / "mine.ipynb")


def test_a_notebook_without_declaration_declares_its_own_but_must_be_clean(tmp_path: Path) -> None:
    notebook = tmp_path / "synthetic_figure.ipynb"
    shutil.copy(SYNTHETIC_NOTEBOOKS / "synthetic_figure.ipynb", notebook)
    decl = declared.declaration(notebook)
    assert decl.source == notebook and list(decl.parameters) == ["indicator", "label", "points"]
    assert declared.complete(notebook, {"points": 5})["label"] == "first"
    _edit(notebook, outputs=True)
    with pytest.raises(declared.TemplateError, match="carry outputs"):
        declared.check_template(notebook)


def test_cell_annotations_are_ones_papermill_reads() -> None:
    assert declared.cell_annotation("tuple[str, str]") == "tuple[str, str]"
    assert declared.cell_annotation("Optional[int]") == '"Optional[int]"'
    with pytest.raises(CompareError, match="cannot be written"):
        declared.cell_annotation("int | None")


def test_values_in_another_case_are_the_same_run() -> None:
    given = {"indicator": "EGDI", "groups": ["europe", "LATIN AMERICA & CARIBBEAN"],
             "classification": "M49", "year": None}  # fmt: skip
    assert params.canonical(given) == {
        "indicator": "egdi", "groups": ["Europe", "Latin America & Caribbean"],
        "classification": "m49", "year": None,
    }  # fmt: skip
    unknown = {"indicator": "EGDIx", "groups": ["Europe", "Nowhere"]}
    assert params.canonical(unknown) == unknown  # left for the checks to refuse
