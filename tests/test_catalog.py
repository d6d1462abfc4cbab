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
        (lambda d: d["indicators"]["ict_skills_soft_pct"].update(dimensions=["Sex"]), "dimensions"),
        (
            lambda d: d["indicators"]["ict_skills_soft_pct"].update(dimensions={"Sex": "A=B"}),
            "holds one of",
        ),
        (
            lambda d: d["indicators"]["ict_skills_copa_pct"]["dimensions"].update(
                {"Type of skill": "SOFT"}
            ),
            "same series",
        ),
        (
            lambda d: d["indicators"]["ict_skills_soft_gender_gap_pp"].update(
                derive={"ratio": ["ict_skills_soft_female_pct", "ict_skills_soft_male_pct"]}
            ),
            "unknown derivation 'ratio'",
        ),
        (
            lambda d: d["indicators"]["ict_skills_soft_gender_gap_pp"].update(
                derive={"difference": ["ict_skills_soft_female_pct", "egdi"]}
            ),
            "differ in unit",
        ),
        (
            lambda d: d["indicators"]["ict_skills_soft_gender_gap_pp"].update(
                derive={
                    "difference": [
                        "ict_skills_soft_female_pct",
                        "mobile_phone_owners_gender_gap_pp",
                    ]
                }
            ),
            "not a read",
        ),
        (
            lambda d: d["indicators"]["ict_skills_soft_gender_gap_pp"].update(source="un-egdi"),
            "takes no source",
        ),
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


def test_sdg_indicators_take_their_dimensions_and_gaps_are_derived() -> None:
    catalog = load_catalog()
    skills = [i for i in catalog.indicators.values() if i.series == "SE_ADT_ACTS"]
    both = {
        dict(i.dimensions)["Type of skill"] for i in skills if ("Sex", "BOTHSEX") in i.dimensions
    }
    assert both == {"COPA", "CMFL", "EMAIL", "ARSP", "INST", "SOFT", "EPRS", "TRAF", "PCPR"}
    by_sex = {
        (dict(i.dimensions)["Type of skill"], dict(i.dimensions)["Sex"])
        for i in skills
        if ("Sex", "BOTHSEX") not in i.dimensions
    }
    assert by_sex == {
        (skill, sex) for skill in ("COPA", "SOFT", "PCPR") for sex in ("FEMALE", "MALE")
    }
    soft = catalog.indicator("ict_skills_soft_female_pct")
    # the source's options.dimensions apply to every indicator of the source
    assert (
        soft.key == "SE_ADT_ACTS[Reporting Type=G; Sex=FEMALE; Type of skill=SOFT; Units=PERCENT]"
    )
    mobile = {i.id for i in catalog.indicators.values() if i.series == "IT_MOB_OWN"}
    assert mobile == {f"mobile_phone_owners{s}_pct" for s in ("", "_female", "_male")}
    assert {i.family for i in skills} == {"digital_divide"}
    gaps = {i.id: i for i in catalog.derived}
    assert set(gaps) == {
        "ict_skills_copa_gender_gap_pp", "ict_skills_soft_gender_gap_pp",
        "ict_skills_pcpr_gender_gap_pp", "mobile_phone_owners_gender_gap_pp",
    }  # fmt: skip
    gap = gaps["ict_skills_soft_gender_gap_pp"]
    assert gap.derive == ("difference", ("ict_skills_soft_female_pct", "ict_skills_soft_male_pct"))
    assert gap.unit == "percentage_points" and gap.sources == (
        "itu-sdg-ict-skills-mobile-own-by-sex",
    )
    # a derived indicator is never read from a file
    assert gap not in catalog.indicators_of("itu-sdg-ict-skills-mobile-own-by-sex")


def test_series_key_sorts_dimensions() -> None:
    from compare.catalog import series_key

    assert series_key("IT.NET.USER.ZS") == "IT.NET.USER.ZS"
    assert (
        series_key("S", {"b": "2", "a": "1"})
        == series_key("S", {"a": "1", "b": "2"})
        == "S[a=1; b=2]"
    )
