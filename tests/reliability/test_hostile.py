"""Hostile parameters: quotes, line breaks, ``__import__``, very long values, wrong types and
nested structures are rejected with a ParameterError or passed on as inert data, never executed.

Values reach a notebook through papermill, which writes them into an injected cell. These tests
run that very cell (``PythonTranslator.codify``) in an empty namespace: a hostile string must come
back unchanged as the variable's value, and the canary command it carries must not run.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from compare.errors import CompareError, ParameterError
from compare.reports.params import (
    MAX_STRING,
    Vocabulary,
    check_types,
    check_values,
    injection_is_inert,
    parse_parameters,
    validate,
)
from tests.paths import SYNTHETIC_NOTEBOOKS

CELL = """\
indicator: str = "internet_users_pct"  # catalog indicator id
year: int | None = None  # cross-section year
countries: list[str] = []  # ISO3 codes or names
groups: list[str] = ["Europe", "Latin America & Caribbean"]  # comparison groups
threshold: float = 0.5  # a cut-off
show_table: bool = True  # a switch
mode: Literal["mean", "median"] = "mean"  # a choice
weights: dict[str, float] = {}  # named weights
"""


@pytest.fixture(scope="module")
def declared() -> dict[str, Any]:
    return parse_parameters(CELL, "SYNTHETIC parameters cell")


def hostile_strings(canary: Path) -> list[str]:
    """Strings that would run ``touch CANARY`` if a value were ever pasted in as code."""
    cmd = f"touch {canary}"
    return [
        f'"; __import__("os").system("{cmd}"); "',
        f"'); __import__('os').system('{cmd}'); ('",
        f"__import__('os').system('{cmd}')",
        f"x\nimport os\nos.system('{cmd}')",
        f'"""\nimport os; os.system("{cmd}")\n"""',
        f"'''\nimport os; os.system('{cmd}')\n'''",
        f"\\\"; __import__('os').system('{cmd}') #",
        f"{{__import__('os').system('{cmd}')}}",
        f"{{{{ __import__('os').system('{cmd}') }}}}",
        f"$(touch {canary})",
        f"`touch {canary}`",
        f"\r\n__import__('os').system('{cmd}')\r\n",
        f"\x00\u202e\u2028__import__('os').system('{cmd}')",
        "<script>alert('x')</script>",
        "\\",
    ]


def _injected(given: dict[str, Any]) -> dict[str, Any]:
    """Run the cell papermill would inject, in an empty namespace; the variables it sets."""
    from papermill.translators import PythonTranslator

    namespace: dict[str, Any] = {"__builtins__": __builtins__}
    exec(PythonTranslator.codify(dict(given)), namespace)  # what the notebook would run
    namespace.pop("__builtins__")
    return namespace


def test_hostile_strings_stay_data(declared: dict, tmp_path: Path) -> None:
    canary = tmp_path / "CANARY"
    for text in hostile_strings(canary):
        given = {"indicator": text}
        check_types(declared, given)  # a string is a string: accepted as data ...
        assert injection_is_inert(given)  # ... written as a literal ...
        assert _injected(given) == given  # ... and read back unchanged
        assert not canary.exists(), text
        with pytest.raises(ParameterError, match="unknown indicator"):
            check_values(given, Vocabulary())  # ... and then rejected for what it means
    assert not canary.exists()


def test_hostile_strings_in_lists_and_mappings_stay_data(declared: dict, tmp_path: Path) -> None:
    canary = tmp_path / "CANARY"
    strings = hostile_strings(canary)
    given = {"groups": strings, "weights": dict.fromkeys(strings, 1.0)}
    check_types(declared, given)
    assert injection_is_inert(given)
    assert _injected(given) == given
    assert not canary.exists()
    with pytest.raises(ParameterError, match="unknown group"):
        check_values({"groups": strings}, Vocabulary())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=MAX_STRING))
def test_any_string_is_injected_as_itself(text: str) -> None:
    given = {"indicator": text, "groups": [text]}
    assert injection_is_inert(given)
    assert _injected(given) == given


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("indicator", "x" * (MAX_STRING + 1), "at most 200"),
        ("indicator", "x" * 100_000, "at most 200"),
        ("indicator", 42, "must be str"),
        ("indicator", ["internet_users_pct"], "must be str"),
        ("indicator", None, "must be str"),
        ("year", "2019", "must be int | None"),
        ("year", 2019.0, "must be int | None"),
        ("year", True, "must be int | None"),
        ("year", [2019], "must be int | None"),
        ("countries", "ESP", "must be list[str]"),
        ("countries", [1, 2], "must be list[str]"),
        ("countries", [["ESP"]], "must be list[str]"),
        ("countries", {"ESP": 1}, "must be list[str]"),
        ("countries", ("ESP",), "tuple values are not allowed"),
        ("countries", {"ESP"}, "set values are not allowed"),
        ("threshold", float("nan"), "not a finite number"),
        ("threshold", float("inf"), "not a finite number"),
        ("threshold", "0.5", "must be float"),
        ("threshold", decimal.Decimal("0.5"), "Decimal values are not allowed"),
        ("threshold", 1j, "complex values are not allowed"),
        ("show_table", 1, "must be bool"),
        ("show_table", "True", "must be bool"),
        ("mode", "MEAN", "must be Literal"),
        ("mode", "mean; import os", "must be Literal"),
        ("weights", {1: 1.0}, "mapping keys must be strings"),
        ("weights", {"a": "1"}, "must be dict[str, float]"),
        ("weights", {"a": {"b": 1.0}}, "must be dict[str, float]"),
        ("indicator", b"internet_users_pct", "bytes values are not allowed"),
        ("indicator", dt.date(2020, 1, 1), "date values are not allowed"),
        ("indicator", object(), "object values are not allowed"),
        ("indicator", print, "values are not allowed"),
        ("indicator", type, "values are not allowed"),
        ("__class__", 1, "unknown parameter"),
        ("__import__('os').system('true')", 1, "unknown parameter"),
        ("indicator; import os", 1, "unknown parameter"),
    ],
)
def test_wrong_types_are_rejected(declared: dict, name: str, value: Any, message: str) -> None:
    with pytest.raises(ParameterError, match=message.replace("|", r"\|").replace("[", r"\[")):
        check_types(declared, {name: value})


def test_messages_quote_hostile_values_briefly(declared: dict) -> None:
    value = "__import__('os')" * 1000
    for values in ({"indicator": value}, {"countries": [value]}, {value: 1}):
        with pytest.raises(ParameterError) as caught:
            check_types(declared, values)  # types first: validate() never echoes 16 000 chars
        assert len(str(caught.value)) < 1000


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("x: int = __import__('os').system('touch {canary}')  # c\n", "must be a literal"),
        ("x: __import__('os').system('touch {canary}') = 1  # c\n", "unsupported type annotation"),
        ("import os\nos.system('touch {canary}')\n", "must be a typed assignment"),
        ("x: int = 1; __import__('os').system('touch {canary}')\n", "must be a typed assignment"),
        ("x: str = 'a' * 10**9  # c\n", "must be a literal"),
        ("x: int = 10**10**10  # c\n", "must be a literal"),
        ("x: int = (lambda: 1)()  # c\n", "must be a literal"),
        ('x: str = f\'{{open("{canary}", "w")}}\'  # c\n', "must be a literal"),
        ("x: int = 'one'  # c\n", "is not a int"),
        ("x: int = (  # c\n", "invalid Python"),
        ("x: str = 'a\x00'  # c\n", "invalid Python"),
    ],
)
def test_hostile_parameters_cells_are_rejected_unrun(
    source: str, message: str, tmp_path: Path
) -> None:
    canary = tmp_path / "CANARY"
    with pytest.raises(ParameterError, match=message):
        parse_parameters(source.format(canary=canary))
    assert not canary.exists()


def _notebook(path: Path, cell: str) -> Path:
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {"tags": ["parameters"]},
                "source": cell,
                "outputs": [],
                "execution_count": None,
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


def test_validate_rejects_hostile_values_against_the_built_data(
    use_home: Path, tmp_path: Path
) -> None:
    notebook = _notebook(tmp_path / "SYNTHETIC_report.ipynb", CELL)
    vocabulary = Vocabulary(use_home)
    canary = tmp_path / "CANARY"
    assert validate(notebook, {"countries": ["ESP", "México"]}, vocabulary) == {
        "countries": ["ESP", "México"]
    }
    for text in hostile_strings(canary):
        for values in ({"countries": [text]}, {"indicator": text}, {"groups": [text]}):
            with pytest.raises(ParameterError):
                validate(notebook, values, vocabulary)
    with pytest.raises(ParameterError, match="no data for year"):
        validate(notebook, {"indicator": "internet_users_pct", "year": 10**100}, vocabulary)
    with pytest.raises(ParameterError, match="unknown parameter"):
        validate(notebook, {"injected": "__import__('os')"}, vocabulary)
    assert not canary.exists()


def test_a_notebook_file_that_is_not_json_is_a_parameter_error(tmp_path: Path) -> None:
    from compare.reports.params import notebook_parameters

    bad = tmp_path / "SYNTHETIC_broken.ipynb"
    bad.write_bytes(b"\x00\xff{not json")
    with pytest.raises(ParameterError, match="cannot read notebook"):
        notebook_parameters(bad)
    two = _notebook(tmp_path / "SYNTHETIC_two.ipynb", CELL)
    data = json.loads(two.read_text())
    data["cells"].append(data["cells"][0])
    two.write_text(json.dumps(data))
    with pytest.raises(ParameterError, match="found 2"):
        notebook_parameters(two)


# --- found here, fixed in compare/params.py (the report runner's) ---------------------------------


def _nested(depth: int) -> list:
    root: list = []
    current = root
    for _ in range(depth):
        current.append([])
        current = current[0]
    return root


def test_deeply_nested_values_are_a_parameter_error(declared: dict) -> None:
    with pytest.raises(CompareError):
        check_types(declared, {"countries": _nested(5000)})


def test_huge_integers_are_a_parameter_error(declared: dict) -> None:
    with pytest.raises(ParameterError):
        check_types(declared, {"year": 10**5000})


def test_non_literal_inside_literal_annotation_is_a_parameter_error(tmp_path: Path) -> None:
    canary = tmp_path / "CANARY"
    with pytest.raises(ParameterError):
        parse_parameters(f"x: Literal[__import__('os').system('touch {canary}')] = 1  # c\n")
    assert not canary.exists()


def test_injection_check_of_a_non_identifier_name_says_not_inert() -> None:
    assert injection_is_inert({"1abc": 1}) is False


# --- HTML pages escape every value from data or parameters -------------------------------------

HOSTILE_HTML = "<script>alert(1)</script><img src=x onerror=alert(2)> & \"q\" 'r' </code></td>"


class _Tags:
    """Start tags (name, attribute names) and text of an HTML page, via the stdlib parser."""

    def __init__(self, page: str) -> None:
        from html.parser import HTMLParser

        self.tags: list[tuple[str, tuple[str, ...]]] = []
        self.text: list[str] = []
        outer = self

        class Parser(HTMLParser):
            def handle_starttag(self, tag: str, attrs: list) -> None:
                outer.tags.append((tag, tuple(sorted(name for name, _ in attrs))))

            def handle_data(self, data: str) -> None:
                outer.text.append(data)

        parser = Parser(convert_charrefs=True)
        parser.feed(page)
        parser.close()

    @property
    def all_text(self) -> str:
        return "".join(self.text)


@pytest.mark.slow
def test_report_pages_and_index_escape_hostile_values(use_home: Path, tmp_path: Path) -> None:
    notebook = SYNTHETIC_NOTEBOOKS / "synthetic_figure.ipynb"
    if not notebook.is_file():
        pytest.skip("the report runner's SYNTHETIC notebooks are not there")
    home = tmp_path / "home"
    shutil.copytree(use_home / "data" / "processed", home / "data" / "processed")
    title, group = 'SYNTHETIC <b>title</b> "><svg onload=alert(3)>', "Group <i>&amp;</i>"
    entries = [("benign", "plain label", "SYNTHETIC plain title", "SYNTHETIC group"),
               ("hostile", HOSTILE_HTML, title, group)]  # fmt: skip
    matrix = tmp_path / "SYNTHETIC_matrix.yml"
    matrix.write_text(
        "runs:\n"
        + "".join(
            f"  - notebook: {notebook}\n    name: {name}\n"
            f"    parameters: {{label: {json.dumps(label)}}}\n"
            f"    title: {json.dumps(t)}\n    group: {json.dumps(g)}\n"
            for name, label, t, g in entries
        ),
        encoding="utf-8",
    )
    env = {**os.environ, "COMPARE_HOME": str(home)}
    done = subprocess.run(
        [sys.executable, "-m", "compare.cli", "report", "--matrix", str(matrix), "--workers",
         "1", "--no-progress"],
        env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    reports = home / "reports"
    index = _Tags((reports / "index.html").read_text(encoding="utf-8"))
    assert not {tag for tag, _ in index.tags} & {"script", "img", "svg", "b", "i", "iframe"}
    assert not [a for _, attrs in index.tags for a in attrs if a.startswith("on")]
    for text in (title, group, f"label={HOSTILE_HTML}"):
        assert text in index.all_text  # shown as text, exactly
    pages = {
        name: _Tags((reports / "synthetic_figure" / f"{name}.html").read_text(encoding="utf-8"))
        for name in ("benign", "hostile")
    }
    # no element added (pygments' <span>s in the hidden code differ with the string's escapes)
    counts = {k: Counter(t for t in v.tags if t[0] != "span") for k, v in pages.items()}
    assert counts["hostile"] == counts["benign"]
    spans = {k: {attrs for tag, attrs in v.tags if tag == "span"} for k, v in pages.items()}
    assert spans["hostile"] <= spans["benign"] | {("class",)}
    assert HOSTILE_HTML in pages["hostile"].all_text and title in pages["hostile"].all_text
