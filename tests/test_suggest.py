"""Suggestions are shown, never applied (compare/suggest.py and its users): indicator ids,
families, groups, classifications and country names."""

from __future__ import annotations

import warnings

import pytest

from compare import suggest
from compare.catalog import load_catalog, resolve_family
from compare.errors import ParameterError
from compare.geo import countries, regions


def test_close_puts_the_other_case_first_then_near_misses_then_prefixes() -> None:
    choices = ["egdi", "egdi_2024", "osi", "epi", "employer_recognition"]
    assert suggest.close("EGDI", choices) == ["egdi", "egdi_2024"]
    assert suggest.close("egdx", choices)[0] == "egdi"
    assert suggest.close("employer", choices) == ["employer_recognition"]
    assert suggest.close("zzzz", choices) == []
    assert suggest.close("e", choices) == []  # too short for a prefix, too far for difflib


def test_casefold_match_needs_exactly_one_choice() -> None:
    assert suggest.casefold_match("EGDI", ["egdi", "osi"]) == "egdi"
    assert suggest.casefold_match("x", ["X", "x"]) is None  # ambiguous: no match
    assert suggest.casefold_match("nothing", ["egdi"]) is None


def test_did_you_mean_wording() -> None:
    assert suggest.did_you_mean([]) == ""
    assert suggest.did_you_mean(["egdi"]) == "did you mean 'egdi'?"
    assert suggest.did_you_mean(["a", "b", "c"]) == "did you mean 'a', 'b' or 'c'?"
    assert suggest.hint("EGDI", ["egdi"]) == "; did you mean 'egdi'?"


def test_an_indicator_id_in_another_case_is_suggested_in_python_and_resolved_for_the_cli() -> None:
    catalog = load_catalog()
    with pytest.raises(ParameterError, match=r"unknown indicator 'EGDI'; did you mean 'egdi'"):
        catalog.indicator("EGDI")
    assert catalog.resolve("EGDI") == "egdi"
    assert catalog.resolve("Internet_Users_PCT") == "internet_users_pct"
    with pytest.raises(ParameterError, match="did you mean 'internet_users_pct'"):
        catalog.resolve("internet_user_pct")


def test_families_any_case_and_suggested() -> None:
    assert resolve_family("Employer_Recognition") == "employer_recognition"
    with pytest.raises(ParameterError, match="did you mean 'employer_recognition'"):
        load_catalog().by_family("employer")


def test_unknown_country_name_suggests_without_mapping() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert countries.to_iso3("Ecudor") is None  # shown, never applied
    (warning,) = caught
    assert "'Ecudor' (did you mean Ecuador (ECU)?)" in str(warning.message)
    mapped = countries.to_iso3(["Ecudor", "Spain"], warn=False)
    assert list(mapped) == [None, "ESP"]
    assert mapped.unmapped == ["Ecudor"]


@pytest.mark.parametrize(
    ("typed", "meant"),
    [("Untied Kingdom", "GBR"), ("Mexcio", "MEX"), ("Columbia", "COL"), ("Brasill", "BRA")],
)
def test_country_suggestions_find_the_country_meant(typed: str, meant: str) -> None:
    assert countries.to_iso3(typed, warn=False) is None
    assert countries.suggest(typed)[0].endswith(f"({meant})")


def test_a_made_up_name_gets_no_suggestion() -> None:
    assert countries.suggest("Atlantis") == []
    assert countries.suggest("Lemuria") == []


def test_require_iso3_error_carries_the_suggestion() -> None:
    with pytest.raises(ParameterError, match=r"unknown country 'Ecudor' \(did you mean Ecuador"):
        countries.require_iso3(["Ecudor", "Brazil"])


def test_groups_and_classifications_are_suggested() -> None:
    with pytest.raises(ParameterError, match=r"unknown group 'europe'.*did you mean 'Europe'"):
        regions.members("europe")
    with pytest.raises(ParameterError, match=r"did you mean 'Latin America & Caribbean'"):
        regions.check_groups(["Latin America and Caribbean"])
    with pytest.raises(ParameterError, match=r"unknown classification 'M49'; did you mean 'm49'"):
        regions.groups("M49")
