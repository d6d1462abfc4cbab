"""The YAML catalog: complete for the issue's indicator list, and validated."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from compare.catalog import CATALOG_PATH, load_catalog, parse_catalog
from compare.errors import CatalogError, ParameterError


def test_catalog_lists_the_required_indicators() -> None:
    catalog = load_catalog()
    required = {
        "internet_users_pct",
        "fixed_broadband_per100",
        "mobile_subscriptions_per100",
        "secure_servers_per_million",
        "internet_users_male_pct",
        "internet_users_female_pct",
        "internet_users_urban_pct",
        "internet_users_rural_pct",
        "egdi",
        "osi",
        "tii",
        "hci",
        "epi",
        "gtmi",
        "gtmi_cgsi",
        "gtmi_psdi",
        "gtmi_dcei",
        "gtmi_gtei",
        "dgi",
        "dgi_digital_design",
        "egov_overall",
        "egov_cross_border",
        "egov_cross_border_eid",
        "desi_public_services_citizens",
        "population",
        "gdp_per_capita_ppp",
        "tertiary_enrolment_pct",
    }
    assert required <= set(catalog.indicators)
    assert {i.family for i in catalog.indicators.values()} == {
        "digital_divide",
        "interoperability",
        "context",
    }
    assert catalog.gaps["employer_recognition_pct"].family == "employer_recognition"


def test_every_mirror_data_folder_has_a_reader(mirror: Path) -> None:
    catalog = load_catalog()
    reference_only = {
        "natural-earth-110m",
        "country-codes",
        "country-names-en-es-pt",
        "eu-eea-membership",
    }
    folders = {p.name for p in mirror.iterdir() if p.is_dir()}
    assert folders - reference_only == set(catalog.sources)
    for source in catalog.sources.values():
        for name in source.files:
            assert (mirror / source.id / name).is_file(), (source.id, name)


def _catalog_data() -> dict:
    return yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["sources"]["oecd-dgi-2023"].pop("licence"), "missing key"),
        (lambda d: d["sources"]["oecd-dgi-2023"].update(reader="nope"), "unknown reader"),
        (lambda d: d["indicators"]["egdi"].update(unit="furlongs"), "unit 'furlongs'"),
        (lambda d: d["indicators"]["egdi"].update(family="vibes"), "family 'vibes'"),
        (lambda d: d["indicators"]["egdi"].update(source="ghost"), "source 'ghost'"),
        (lambda d: d["indicators"]["egdi"].update(range=[1, 0]), "range"),
        (lambda d: d["indicators"]["osi"].update(series="E-Government Index"), "same series"),
    ],
)
def test_invalid_catalog_entries_are_rejected(mutate, message: str) -> None:
    data = _catalog_data()
    mutate(data)
    with pytest.raises(CatalogError, match=message):
        parse_catalog(data, Path("catalog.yml"))


def test_unknown_indicator_lists_valid_ids() -> None:
    with pytest.raises(ParameterError, match="internet_users_pct"):
        load_catalog().indicator("internet_user_pct")
