"""`compare report --only` on the real matrix: any case, country names, several patterns, and an
error that says what was meant (compare/reports/selection.py). Nothing runs here."""

from __future__ import annotations

import pytest

from compare.config import FOCUS_COUNTRIES
from compare.errors import CompareError
from compare.reports import matrix, selection
from tests.paths import REPO


@pytest.fixture(scope="module")
def run_ids() -> list[str]:
    return [run.run_id for run in matrix.plan(REPO / "notebooks" / "reports.yml", ["en"])]


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("indicator_comparison/EGDI", ["indicator_comparison/egdi"]),
        ("Indicator_Comparison/egdi", ["indicator_comparison/egdi"]),
        ("country_profile/Ecuador", ["country_profile/ECU"]),
        ("country_profile/ecu", ["country_profile/ECU"]),
        ("country_profile/Brasil", ["country_profile/BRA"]),
        ("country_profile/076", ["country_profile/BRA"]),  # ISO numeric
        ("indicator_comparison/egdi, country_profile/México", [
            "indicator_comparison/egdi", "country_profile/MEX"]),
    ],
)  # fmt: skip
def test_patterns_select_what_they_name(run_ids: list[str], pattern: str, expected: list) -> None:
    assert selection.select_ids(run_ids, pattern) == expected


def test_glob_keeps_matrix_order_and_all_without_pattern(run_ids: list[str]) -> None:
    chosen = selection.select_ids(run_ids, "COUNTRY_PROFILE/*")
    assert chosen == [f"country_profile/{code}" for code in FOCUS_COUNTRIES]
    assert selection.select_ids(run_ids, None) == run_ids
    assert selection.select_ids(run_ids, " , ") == run_ids


def test_a_country_outside_the_matrix_names_compare_profile(run_ids: list[str]) -> None:
    with pytest.raises(CompareError) as caught:
        selection.select_ids(run_ids, "country_profile/Norway")
    message = str(caught.value)
    assert "Norway (NOR) has no run in the matrix" in message
    assert "`compare profile NOR`" in message
    assert "ESP, FRA" in message  # the countries it does profile


def test_a_misspelt_country_is_suggested_not_run(run_ids: list[str]) -> None:
    with pytest.raises(CompareError, match=r"unknown country 'Ecudor'; did you mean Ecuador"):
        selection.select_ids(run_ids, "country_profile/Ecudor")


def test_a_misspelt_indicator_report_suggests_the_closest(run_ids: list[str]) -> None:
    with pytest.raises(CompareError, match=r"did you mean 'indicator_comparison/egdi'\?"):
        selection.select_ids(run_ids, "indicator_comparison/egdx")
    with pytest.raises(CompareError, match=r"did you mean 'indicator_comparison/internet_users"):
        selection.select_ids(run_ids, "indicator_comparision/internet_users_pct")


def test_every_failing_pattern_is_reported(run_ids: list[str]) -> None:
    with pytest.raises(CompareError) as caught:
        selection.select_ids(run_ids, "nothing/*,country_profile/Norway,data_coverage/*")
    lines = str(caught.value).splitlines()
    assert len(lines) == 2
    assert "'nothing/*' matches no run" in lines[0] and "notebooks: country_profile/" in lines[0]
