"""The country harmoniser on every name list of the mirror, and on tricky names and codes."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

import compare
from compare.geo import countries
from compare.geo.countries import UnmappedCountryWarning, harmonise, match, to_iso3
from compare.geo.names import name_key
from compare.ingest.sources.excel import read_grid
from tests.paths import REPO

ROOT = REPO

#: Names that are genuinely ambiguous in the mirror's lists: Spanish and Portuguese use one name
#: for the French and the Dutch part of Saint Martin.
AMBIGUOUS = {"San Martín": {"MAF", "SXM"}, "São Martinho": {"MAF", "SXM"}}
#: Names in the mirror's lists that no table spells (they stay unmapped, never guessed): the UN
#: SDG database's name for the area with ISO numeric code 158.
UNKNOWN = {"Other non-specified areas in Eastern Asia"}


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _named_lists(mirror: Path) -> list[tuple[str, str, str]]:
    """(origin, name, true ISO3) for every name in the mirror that comes with its code."""
    return [
        *_world_country_names(mirror),
        *_country_code_names(mirror),
        *_sdg_names(mirror),
        *_natural_earth_names(mirror),
        *_world_bank_names(mirror),
    ]


def _world_country_names(mirror: Path) -> Iterator[tuple[str, str, str]]:
    for lang in ("en", "es", "pt"):
        for row in _rows(mirror / "country-names-en-es-pt" / lang / "world.csv"):
            yield f"world_countries:{lang}", row["name"], row["alpha3"].upper()


def _country_code_names(mirror: Path) -> Iterator[tuple[str, str, str]]:
    columns = (
        "CLDR display name", "official_name_en", "official_name_es", "UNTERM English Short",
        "UNTERM English Formal", "UNTERM Spanish Short", "UNTERM Spanish Formal",
        "UNTERM French Formal", "UNTERM Russian Formal", "UNTERM Chinese Formal",
        "UNTERM Arabic Formal",
    )  # fmt: skip
    for row in _rows(mirror / "country-codes" / "country-codes.csv"):
        for column in columns:
            if row[column].strip():
                yield column, row[column], row["ISO3166-1-Alpha-3"]


def _sdg_names(mirror: Path) -> Iterator[tuple[str, str, str]]:
    """The UN SDG exports name each GeoAreaCode (UN M49 = ISO numeric for countries)."""
    codes = _rows(mirror / "country-codes" / "country-codes.csv")
    by_numeric = {row["ISO3166-1-numeric"].zfill(3): row["ISO3166-1-Alpha-3"] for row in codes}
    for path in sorted(mirror.glob("itu-sdg-*/*.csv")):
        for row in _rows(path):
            yield path.name, row["GeoAreaName"], by_numeric[row["GeoAreaCode"].zfill(3)]


def _natural_earth_names(mirror: Path) -> Iterator[tuple[str, str, str]]:
    geo = json.loads((mirror / "natural-earth-110m/ne_110m_admin_0_countries.geojson").read_text())
    for feature in geo["features"]:
        props = feature["properties"]
        if props["ISO_A3_EH"] != "-99":
            for column in ("NAME", "NAME_LONG", "ADMIN", "NAME_EN", "NAME_ES", "NAME_PT"):
                yield f"natural-earth:{column}", props[column], props["ISO_A3_EH"]


def _world_bank_names(mirror: Path) -> Iterator[tuple[str, str, str]]:
    """The economies (not the aggregates) of every World Bank long download."""
    iso = {row["ISO3166-1-Alpha-3"] for row in _rows(mirror / "country-codes/country-codes.csv")}
    for path in sorted(mirror.glob("wb-*/data.csv")):
        for row in _rows(path):
            if row["Country Code"] in iso:
                yield path.parent.name, row["Country Name"], row["Country Code"]


def test_every_english_spanish_portuguese_name_in_the_mirror_is_right(mirror: Path) -> None:
    pairs = _named_lists(mirror)
    assert len(pairs) > 3000
    wrong, unmapped = [], []
    for origin, name, truth in pairs:
        found = match(name)
        if found.status == "country" and found.iso3 != truth:
            wrong.append((origin, name, truth, found.iso3))
        elif found.status != "country" and not (name in AMBIGUOUS and truth in AMBIGUOUS[name]):
            unmapped.append((origin, name, truth, found.status))
    assert wrong == []
    assert {name for _, name, _, _ in unmapped} == UNKNOWN
    for name, codes in AMBIGUOUS.items():
        assert match(name).status == "ambiguous" and set(match(name).candidates) == codes


def test_un_and_itu_names_map_one_to_one(mirror: Path) -> None:
    """The UN survey and ITU files carry names only: each must map, and no two to one code."""
    for year in (2003, 2012, 2022):
        names = [r["Country Name"] for r in _rows(mirror / f"un-egdi/EGOV_DATA_{year}.csv")]
        codes = to_iso3(names)
        assert None not in codes and len(set(codes)) == len(names) == 193
    names_2024 = [r["Country"] for r in _rows(mirror / "un-egdi-2024-secondary/EGOV_DATA_2024.csv")]
    assert None not in to_iso3(names_2024) and len(set(to_iso3(names_2024))) == 193
    path = next((mirror / "itu-internet-gender-urban-rural").glob("*.xls"))
    grid, _ = read_grid(path)
    itu = [row[1] for row in grid[3:] if row[1] and row[3]]
    codes = to_iso3(itu)
    assert len(itu) == 112 and None not in codes and len(set(codes)) == 112
    assert dict(zip(itu, codes, strict=True))["Dominican Rep."] == "DOM"
    assert dict(zip(itu, codes, strict=True))["Korea (Rep. of)"] == "KOR"


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        ("Venezuela, RB", "VEN"), ("Bolivia (Plurinational State of)", "BOL"),
        ("Türkiye", "TUR"), ("Turkey", "TUR"), ("México", "MEX"), ("Brasil", "BRA"),
        ("Perú", "PER"), ("Iraq ", "IRQ"), ("Georgia (Country)", "GEO"), ("Georgia", "GEO"),
        ("Bahamas, The", "BHS"), ("Bahamas (the)", "BHS"), ("Côte d'Ivoire", "CIV"),
        ("Cote d’Ivoire", "CIV"), ("Korea, Rep.", "KOR"), ("Korea (Rep. of)", "KOR"),
        ("República Dominicana", "DOM"), ("Polónia", "POL"), ("Polônia", "POL"),
        ("Alemanha", "DEU"), ("Espanha", "ESP"), ("BOSNIA & HERZEGOVINA", "BIH"),
        ("esp", "ESP"), ("ES", "ESP"), ("EL", "GRC"), ("UK", "GBR"), ("GR", "GRC"),
        ("724", "ESP"), ("076", "BRA"), ("76", "BRA"), ("XKX", "XKX"), ("Kosovo", "XKX"),
        ("ROM", "ROU"), ("ZAR", "COD"), ("West Bank and Gaza", "PSE"),
    ],
)  # fmt: skip
def test_tricky_names_and_codes(name: str, iso3: str) -> None:
    assert to_iso3(name) == iso3


@pytest.mark.parametrize(
    ("text", "code"),
    [("World", "WLD"), ("WLD", "WLD"), ("Latin America & Caribbean", "LCN"), ("LCN", "LCN"),
     ("Euro area", "EMU"), ("European Union", "EUU"), ("EU", "EU"), ("EUplus", "EUplus"),
     ("High income", "HIC"), ("Channel Islands", "CHI")],
)  # fmt: skip
def test_aggregates_are_recognised_and_not_countries(text: str, code: str) -> None:
    found = match(text)
    assert found.status == "aggregate" and found.aggregate_code == code and found.iso3 is None
    assert to_iso3(text, warn=False) is None


def test_unmapped_names_are_reported_loudly_never_guessed() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        codes = to_iso3(["Spain", "Narnia", "Spian", "Korea", "San Martín"])
    assert codes[:2] == ["ESP", None] and codes[2:] == [None, None, None]
    assert codes.unmapped == ["Narnia", "Spian", "Korea"]
    assert codes.ambiguous == {"San Martín": ("MAF", "SXM")}
    message = str(caught[0].message)
    assert caught[0].category is UnmappedCountryWarning
    assert "'Narnia'" in message and "'Spian'" in message and "MAF or SXM" in message


def test_series_in_series_out_for_spreadsheets() -> None:
    sheet = pd.DataFrame({"país": ["España", "Brasil", "??"]}, index=[10, 11, 12])
    with pytest.warns(UnmappedCountryWarning):
        codes = compare.to_iso3(sheet["país"])
    assert isinstance(codes, pd.Series) and list(codes.index) == [10, 11, 12]
    assert codes.tolist() == ["ESP", "BRA", None]


def test_harmonise_statuses_for_the_build() -> None:
    result = harmonise(["Spain", "World", "Narnia", "San Martín", None, ""])
    assert result.status == [
        "country",
        "aggregate",
        "unmapped",
        "ambiguous",
        "unmapped",
        "unmapped",
    ]
    assert result.iso3[0] == "ESP" and result.aggregate_code[1] == "WLD"
    assert "Narnia" in result.report()


def test_name_key_rules() -> None:
    assert name_key("Bahamas (the)") == name_key("The Bahamas") == name_key("Bahamas, The")
    assert name_key("Türkiye") == "turkiye" and name_key("São Tomé & Príncipe") == (
        "sao tome and principe"
    )
    assert name_key("Niger") != name_key("Nigeria")


def test_country_name_and_reference_tables_are_consistent() -> None:
    assert countries.country_name("GBR") == "United Kingdom"
    assert countries.country_name("XKX") == "Kosovo"
    assert countries.country_name("ZZZ") == "ZZZ"
    assert len(countries.countries()) == 250


def test_committed_reference_tables_are_what_the_generator_writes(mirror: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_reference.py"), "--mirror", str(mirror),
         "--check"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_require_iso3_codes_or_one_error_naming_every_bad_name() -> None:
    from compare.errors import ParameterError

    assert countries.require_iso3(["España", "BRA", "Türkiye"]) == ["ESP", "BRA", "TUR"]
    assert countries.require_iso3("México") == ["MEX"]  # one name, not its letters
    with pytest.raises(ParameterError) as caught:
        countries.require_iso3(["Spain", "Narnia", "San Martín", "World", "Narnia"])
    message = str(caught.value)
    assert message.startswith("unknown country 'Narnia';")  # listed once
    assert "'San Martín' is ambiguous (MAF or SXM)" in message
    assert "'World': an aggregate, not a country" in message
    with pytest.raises(ParameterError, match=r"^group 'G': unknown country 'Narnia'"):
        countries.require_iso3(["Narnia"], context="group 'G'")


def test_unknown_codes_keep_their_code_in_sentences_and_titles() -> None:
    from compare.reports import matrix
    from compare.text import comparisons as narrative

    assert countries.country_name("ZZZ") == "ZZZ"
    assert narrative._name("ZZZ") == "ZZZ" and narrative._name("URY") == "Uruguay"
    assert narrative._name(None) == "n/a"
    title = matrix._title(Path("country_profile.ipynb"), {"country": "ZZZ"}, None)
    assert title == "Country profile: ZZZ"


def test_every_un_formal_name_maps_to_its_own_country(mirror: Path) -> None:
    """Every UNTERM formal name of the country-codes table, in the six UN languages, as written
    and without its leading article ("los Estados Unidos Mexicanos", "Estados Unidos
    Mexicanos")."""
    rows = _rows(mirror / "country-codes" / "country-codes.csv")
    columns = [column for column in rows[0] if "Formal" in column]
    assert len(columns) == 6
    checked, wrong = 0, []
    for row in rows:
        for column in columns:
            name = row[column].strip()
            if not name:
                continue
            bare = name.split(" ", 1)[1] if name.split(" ", 1)[0] in ARTICLES else name
            for text in {name, bare}:
                checked += 1
                if match(text).iso3 != row["ISO3166-1-Alpha-3"]:
                    wrong.append((column, text, row["ISO3166-1-Alpha-3"], match(text)))
    assert checked > 1300 and wrong == []


ARTICLES = {"the", "la", "el", "los", "las", "le", "les"}


@pytest.mark.parametrize(
    ("name", "iso3"),
    [
        # formal long names in Spanish, as ministries write them (no article)
        ("Estados Unidos Mexicanos", "MEX"), ("República Argentina", "ARG"),
        ("República Oriental del Uruguay", "URY"), ("República Federativa del Brasil", "BRA"),
        ("Reino de España", "ESP"), ("República del Ecuador", "ECU"),
        ("República Federal de Alemania", "DEU"), ("República de la India", "IND"),
        # formal long names in Portuguese
        ("República Federativa do Brasil", "BRA"), ("República Oriental do Uruguai", "URY"),
        ("República Federal da Alemanha", "DEU"), ("Reino de Espanha", "ESP"),
        ("República do Equador", "ECU"), ("República da Colômbia", "COL"),
        ("Estado Plurinacional da Bolívia", "BOL"), ("República Bolivariana da Venezuela", "VEN"),
        ("República Portuguesa", "PRT"), ("Reino dos Países Baixos", "NLD"),
        ("Confederação Suíça", "CHE"), ("Federação Russa", "RUS"),
        # abbreviations of statistical tables
        ("Czech Rep.", "CZE"), ("Rep. of Korea", "KOR"), ("Rep. of Moldova", "MDA"),
        ("Rep. Dominicana", "DOM"), ("Rep. Checa", "CZE"), ("Rep. Bolivariana de Venezuela", "VEN"),
        ("Dem. Rep. of the Congo", "COD"), ("Rep. of the Congo", "COG"),
        ("Dem. People's Rep. of Korea", "PRK"), ("St. Vincent & the Grenadines", "VCT"),
        ("Sta. Lucía", "LCA"), ("Marshall Is.", "MHL"), ("Cayman Is.", "CYM"),
        ("U.S. Virgin Is.", "VIR"), ("Is. Salomón", "SLB"), ("Russian Fed.", "RUS"),
        ("Fed. Rep. of Germany", "DEU"), ("Fed. States of Micronesia", "FSM"),
    ],
)  # fmt: skip
def test_formal_names_and_abbreviations_from_ministry_and_un_pages(name: str, iso3: str) -> None:
    assert to_iso3(name) == iso3


def test_abbreviations_are_one_token_and_nothing_is_guessed() -> None:
    assert name_key("Dominican Rep.") == name_key("Dominican Republic") == "dominican rep"
    assert name_key("la República Federativa del Brasil") == "rep fed brasil"
    assert name_key("República Federativa do Brasil") == "rep fed brasil"
    assert name_key("St Lucia") == name_key("Saint Lucia")
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        codes = to_iso3(["Rep. of Narnia", "Rep.", "Dem. Rep.", "Is.", "Congo, Rep. of Narnia"])
    assert codes == [None] * 5 and len(codes.unmapped) == 5
    for name in ("San Martín", "São Martinho"):  # the two genuinely ambiguous names stay so
        assert match(name).status == "ambiguous"


@pytest.mark.parametrize(
    ("code", "aggregate"), [("1", "001"), ("419", "419"), ("150", "150"), ("019", "019")]
)
def test_un_m49_region_codes_are_aggregates(code: str, aggregate: str) -> None:
    found = match(code)
    assert found.status == "aggregate" and found.aggregate_code == aggregate
    assert to_iso3(code, warn=False) is None
