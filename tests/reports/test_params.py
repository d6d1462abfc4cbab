"""Report parameters: the parameters cells of the real notebooks, types, values and hostile
strings (compare/params.py). Nothing here executes a notebook."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from compare.errors import ParameterError
from compare.reports import params
from tests.paths import REPO

ROOT = REPO
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
COMPARISON = ROOT / "notebooks" / "indicator_comparison.ipynb"
PROFILE = ROOT / "notebooks" / "country_profile.ipynb"

HOSTILE = [
    "__import__('os').system('touch /tmp/compare-pwned')",
    'x"; import os; os.remove("/"); "',
    "line one\nline two\r\n\tthird",
    "quote ' and \" and \\ and \\n",
    "'''triple''' \"\"\"quotes\"\"\"",
    "${HOME} $(id) `id` {0} %s",
    "\x00\x1b[31mred\u2028\u202e",
]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_has_a_typed_commented_parameters_cell(notebook: Path) -> None:
    declared = params.notebook_parameters(notebook)
    assert declared, f"{notebook.name}: empty parameters cell"
    for parameter in declared.values():
        assert parameter.annotation, parameter.name
        assert parameter.comment, f"{notebook.name}: {parameter.name} has no comment"
        assert parameter.accepts(parameter.default)


def test_notebooks_are_committed_without_outputs() -> None:
    import json

    for notebook in NOTEBOOKS:
        cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "code":
                assert cell.get("outputs") == [], notebook.name
                assert cell.get("execution_count") is None, notebook.name


def test_types_are_checked_against_the_parameters_cell() -> None:
    declared = params.notebook_parameters(COMPARISON)
    params.check_types(declared, {"indicator": "egdi", "year": 2022, "groups": ["A", "B"]})
    params.check_types(declared, {"year": None})
    bad = [
        {"year": "2022"},  # a string where an int is declared
        {"year": True},  # a bool is not an int
        {"year": 2022.0},
        {"groups": ["Europe"]},  # tuple[str, str] needs two
        {"groups": ["Europe", 3]},
        {"indicator": ["egdi"]},
        {"weighting": None},
    ]
    for given in bad:
        with pytest.raises(ParameterError, match="must be"):
            params.check_types(declared, given)
    with pytest.raises(ParameterError, match=r"unknown parameter 'colour'.*indicator: str"):
        params.check_types(declared, {"colour": "red"})


def test_non_data_values_are_refused() -> None:
    declared = params.notebook_parameters(COMPARISON)
    for value in (float("nan"), float("inf"), object(), b"bytes", "x" * (params.MAX_STRING + 1)):
        with pytest.raises(ParameterError):
            params.check_types(declared, {"indicator": value})


@pytest.mark.usefixtures("use_home")
def test_unknown_values_fail_listing_the_valid_ones() -> None:
    vocabulary = params.Vocabulary()
    cases = [
        ({"indicator": "internet_user_pct"}, "unknown indicator.*internet_users_pct"),
        ({"country": "Atlantis"}, "unknown country 'Atlantis'.*countries with data: .*ARG"),
        ({"groups": ["Europe", "Oceania"]}, "unknown group 'Oceania'.*Latin America & Caribbean"),
        ({"classification": "un"}, "unknown classification 'un'.*m49"),
        ({"indicator": "internet_users_pct", "year": 1066}, "no data for year 1066.*2022"),
        ({"weighting": "median"}, "unknown weighting 'median'; valid: both, unweighted"),
    ]
    for given, message in cases:
        with pytest.raises(ParameterError, match=message):
            params.check_values(given, vocabulary)
    params.check_values(
        {"indicator": "internet_users_pct", "year": 2022, "country": "México",
         "groups": ["Europe", "Latin America & Caribbean"], "weighting": "population"},
        vocabulary,
    )  # fmt: skip


@pytest.mark.usefixtures("use_home")
def test_given_values_are_checked_together_with_the_notebook_defaults() -> None:
    """A classification given alone is checked against the notebook's default groups (which
    the run would use), before anything runs."""
    with pytest.raises(ParameterError, match="unknown group 'Europe' in classification 'wb'"):
        params.validate(COMPARISON, {"indicator": "egdi", "classification": "wb"})
    params.validate(
        COMPARISON,
        {"indicator": "egdi", "classification": "wb",
         "groups": ["Europe & Central Asia", "Latin America & Caribbean"]},
    )  # fmt: skip


@pytest.mark.usefixtures("use_home")
def test_years_offered_are_those_in_the_processed_table(built_home: Path) -> None:
    import pandas as pd

    table = pd.read_parquet(built_home / "data" / "processed" / "indicators.parquet")
    years = sorted(table.loc[table["indicator"] == "egdi", "year"].unique())
    missing = next(y for y in range(years[0], years[-1]) if y not in years)
    with pytest.raises(ParameterError) as info:
        params.check_values({"indicator": "egdi", "year": int(missing)}, params.Vocabulary())
    listed = str(info.value).split("years with data: ")[1]
    assert listed == ", ".join(str(int(y)) for y in years)


@pytest.mark.usefixtures("use_home")
def test_validate_runs_lists_every_bad_run_at_once() -> None:
    runs = [
        ("indicator_comparison/ok", COMPARISON, {"indicator": "egdi"}),
        ("indicator_comparison/bad", COMPARISON, {"indicator": "nope"}),
        ("country_profile/bad", PROFILE, {"country": "Narnia"}),
        ("country_profile/typed", PROFILE, {"country": 7}),
    ]
    with pytest.raises(ParameterError) as info:
        params.validate_runs(runs)
    text = str(info.value)
    assert text.startswith("3 invalid report run(s), nothing was executed")
    for run_id in ("indicator_comparison/bad", "country_profile/bad", "country_profile/typed"):
        assert run_id in text
    assert "indicator_comparison/ok" not in text


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_strings_stay_inert_data(value: str) -> None:
    from papermill.translators import PythonTranslator

    given = {"label": value, "indicator": value}
    assert params.injection_is_inert(given)
    tree = ast.parse(PythonTranslator.codify(given))
    assert all(isinstance(stmt, ast.Assign) for stmt in tree.body)
    assert [ast.literal_eval(stmt.value) for stmt in tree.body] == [value, value]


def test_injection_check_detects_code() -> None:
    """The check itself can fail: a translator that pastes text in would be caught."""
    from unittest import mock

    with mock.patch(
        "papermill.translators.PythonTranslator.codify",
        return_value="label = 'x'\n__import__('os')\n",
    ):
        assert not params.injection_is_inert({"label": "x"})


def test_parameters_cell_rules() -> None:
    with pytest.raises(ParameterError, match="typed assignment"):
        params.parse_parameters("x = 1\n")
    with pytest.raises(ParameterError, match="must be a literal"):
        params.parse_parameters("x: int = len('ab')  # no calls\n")
    with pytest.raises(ParameterError, match="is not a int"):
        params.parse_parameters("x: int = 'one'  # wrong default\n")
    found = params.parse_parameters("x: tuple[str, str] = ('a', 'b')  # two labels\n")
    assert found["x"].comment == "two labels"
    assert found["x"].accepts(["c", "d"]) and not found["x"].accepts(["c"])
