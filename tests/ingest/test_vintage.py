"""Vintage: the date a raw source folder states for its data, recorded by the build and printed
with every comparison (with a note when the values and their weights differ in vintage)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from compare.catalog import load_catalog
from compare.ingest.vintage import source_dates


def test_the_build_records_each_sources_vintage(built_home: Path, mirror: Path) -> None:
    package = json.loads((built_home / "data/processed/datapackage.json").read_text())
    recorded = {s["id"]: s for s in package["sources"]}
    catalog = load_catalog()
    assert set(recorded) == set(catalog.sources)
    for source_id, entry in recorded.items():
        text = (mirror / source_id / "PROVENANCE.md").read_text(encoding="utf-8")
        commit_lines = [line for line in text.splitlines() if "commit" in line.lower()]
        dates = [d for line in commit_lines for d in re.findall(r"\d{4}-\d{2}-\d{2}", line)]
        assert entry["updated"] == dates[0], source_id
        assert entry["updated_basis"] == "PROVENANCE.md, commit of the copy"
        assert entry["retrieved"]  # the import time of the fetch manifest
    # the catalog's citations agree: "download of Nov 2024", "update of 2026-07"
    assert recorded["wb-internet-users"]["updated"].startswith("2024-11")
    for source in catalog.sources.values():
        match = re.search(r"update of (\d{4}-\d{2})", source.citation)
        if match:
            assert recorded[source.id]["updated"].startswith(match.group(1)), source.id


def test_a_folder_states_its_date_in_order_of_trust(tmp_path: Path) -> None:
    folder = tmp_path / "SYNTHETIC_source"
    folder.mkdir()
    assert source_dates(folder) == {}
    (folder / "PROVENANCE.md").write_text(
        "# x\n- Updated 2020-01-01 by hand\n- Repository: a/b, commit `abc` (2021-02-03)\n"
    )
    assert source_dates(folder) == {
        "updated": "2021-02-03", "updated_basis": "PROVENANCE.md, commit of the copy",
    }  # fmt: skip
    (folder / "datapackage.json").write_text(json.dumps({"last_modified": "2022-03-04"}))
    assert source_dates(folder)["updated"] == "2022-03-04"
    (folder / "SYNTHETIC_wide.csv").write_text(
        '"Data Source","WDI"\n\n"Last Updated Date","2023-05-06"\n\n"Country Name"\n'
    )
    assert source_dates(folder) == {
        "updated": "2023-05-06", "updated_basis": "SYNTHETIC_wide.csv: Last Updated Date",
    }  # fmt: skip
    dates = [{"last_updated": "2024-07-08"}, {"last_updated": "2024-06-30"}]
    (folder / "_manifest.json").write_text(json.dumps({"live": True, "indicators": dates}))
    assert source_dates(folder) == {
        "updated": "2024-07-08", "updated_basis": "World Bank API: last updated",
    }  # fmt: skip
    (folder / "_manifest.json").write_text("{not json")
    (folder / "datapackage.json").write_text("{not json either")
    assert source_dates(folder)["updated"] == "2023-05-06"  # unreadable files state nothing


def test_comparisons_print_the_vintage_and_warn_on_mixed_vintages(built_home: Path) -> None:
    from compare import text
    from compare.stats import compare_regions, regional_means

    internet = compare_regions("internet_users_pct", 2022, home=built_home, n_boot=50)
    roles = {v.role: v for v in internet.vintage}
    assert (roles["values"].source_id, roles["values"].updated) == (
        "wb-internet-users",
        "2024-11-29",
    )
    assert (roles["weights"].source_id, roles["weights"].updated) == (
        "wb-sp-pop-totl",
        "2026-07-01",
    )
    assert roles["control"].source_id == "wb-ny-gdp-pcap-pp-cd"
    stated = text.vintage(internet)
    assert stated in internet.notes
    assert "come from different vintages" in stated and "2024-11-29" in stated
    broadband = compare_regions("fixed_broadband_per100", 2022, home=built_home, n_boot=50)
    assert "different vintages" not in text.vintage(broadband)  # both 2026-07-01
    assert "dated 2026-07-01" in text.vintage(broadband)
    means = regional_means("egdi", [2022], home=built_home, n_boot=50)
    assert [v.source_id for v in means.attrs["vintage"]] == ["un-egdi", "wb-sp-pop-totl"]


@pytest.mark.parametrize("indicator", ["ict_skills_soft_gender_gap_pp"])
def test_derived_indicators_name_their_operands_source(built_home: Path, indicator: str) -> None:
    from compare.stats.vintage import vintages

    found = vintages(indicator, built_home)
    assert [v.role for v in found] == ["values", "weights"]
    assert found[0].source_id == "itu-sdg-ict-skills-mobile-own-by-sex" and found[0].updated
