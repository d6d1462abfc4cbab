"""User catalogs (``<home>/catalog.local.yml``, ``$COMPARE_CATALOG``) merged over the package's.

The data file of the build test is SYNTHETIC (written by the test, ``SYNTHETIC_`` name, invented
values); the population that weights the comparison is the real mirror file.
"""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from compare.build.run import build
from compare.catalog import load_catalog
from compare.cli import main
from compare.errors import CatalogError, DataError
from compare.geo import regions
from compare.ingest.mirror import fetch_from_mirror
from compare.reports import matrix
from tests.paths import REPO

SOURCE = """\
sources:
  synthetic-wide:
    reader: worldbank_wide
    files: [SYNTHETIC_wide.csv]
    licence: test data (SYNTHETIC)
    citation: hand-made SYNTHETIC test file
    missing_markers: ["", ".."]
"""
INDICATOR = """\
indicators:
  synthetic_share_pct:
    title: Synthetic share (SYNTHETIC)
    family: digital_divide
    unit: percent
    source: synthetic-wide
    series: SYN.SHARE
    range: [0, 100]
    bounded: true
"""


@pytest.fixture
def user_catalogs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A project home whose user catalogs are read (the suite turns them off elsewhere)."""
    monkeypatch.delenv("COMPARE_NO_USER_CATALOG", raising=False)
    monkeypatch.delenv("COMPARE_CATALOG", raising=False)
    monkeypatch.setenv("COMPARE_HOME", str(tmp_path))
    return tmp_path


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_without_user_catalogs_the_package_catalog_is_read(user_catalogs: Path) -> None:
    catalog = load_catalog()
    assert catalog.user_files == () and catalog.origins == {}
    assert (
        catalog.indicators.keys()
        == load_catalog(REPO / "compare" / "catalog.yml").indicators.keys()
    )


def test_the_home_file_adds_units_sources_and_indicators(user_catalogs: Path) -> None:
    own = _write(
        user_catalogs / "catalog.local.yml",
        'units:\n  births_per_woman: "births per woman"\n' + SOURCE + INDICATOR.replace(
            "unit: percent", "unit: births_per_woman").replace(
            "range: [0, 100]\n    bounded: true\n", ""),
    )  # fmt: skip
    catalog = load_catalog()
    added = catalog.indicator("synthetic_share_pct")
    assert (added.unit, added.source, added.series, added.family) == (
        "births_per_woman", "synthetic-wide", "SYN.SHARE", "digital_divide",
    )  # fmt: skip
    assert catalog.units["births_per_woman"] == "births per woman"
    assert catalog.source("synthetic-wide").files == ("SYNTHETIC_wide.csv",)
    assert catalog.origin("indicators", "synthetic_share_pct") == str(own)
    assert catalog.origin("indicators", "egdi") == "package"
    assert catalog.user_files == (own,)
    # the family generator of the report matrix lists it like a built-in indicator
    assert "synthetic_share_pct" in matrix.expand_values("indicator", "family:digital_divide")
    # sentences write a value of the new unit with the unit's title
    from compare.text import numbers

    assert numbers.value(2.1234, "births_per_woman") == "2.123 births per woman"
    assert numbers.difference(-0.5, "births_per_woman") == "-0.5 births per woman"


def test_compare_catalog_names_several_files_merged_in_order(
    user_catalogs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _write(user_catalogs / "one.yml", SOURCE)
    second = _write(user_catalogs / "two.yml", INDICATOR)
    monkeypatch.setenv("COMPARE_CATALOG", os.pathsep.join([str(first), str(second)]))
    catalog = load_catalog()
    assert catalog.user_files == (first, second)
    assert catalog.origin("sources", "synthetic-wide") == str(first)
    assert catalog.origin("indicators", "synthetic_share_pct") == str(second)
    # the indicator's file alone names a source defined nowhere: the error names file and line
    monkeypatch.setenv("COMPARE_CATALOG", str(second))
    with pytest.raises(CatalogError) as caught:
        load_catalog()
    assert str(caught.value).startswith(f"{second}:2: indicators.synthetic_share_pct: source")
    monkeypatch.setenv("COMPARE_CATALOG", str(user_catalogs / "absent.yml"))
    with pytest.raises(CatalogError, match=r"\$COMPARE_CATALOG names .*absent.yml: no such file"):
        load_catalog()


def test_an_edited_user_catalog_is_read_again(user_catalogs: Path) -> None:
    own = _write(user_catalogs / "catalog.local.yml", SOURCE + INDICATOR)
    assert load_catalog().indicator("synthetic_share_pct").title == "Synthetic share (SYNTHETIC)"
    _write(own, SOURCE + INDICATOR.replace("Synthetic share (SYNTHETIC)", "Renamed (SYNTHETIC) !"))
    assert load_catalog().indicator("synthetic_share_pct").title == "Renamed (SYNTHETIC) !"


def test_a_collision_with_a_built_in_entry_needs_override(user_catalogs: Path) -> None:
    entry = (
        "indicators:\n  egdi:\n    title: My EGDI\n    family: interoperability\n"
        "    unit: index_0_1\n    source: un-egdi\n    series: E-Government Index\n"
    )
    own = _write(user_catalogs / "catalog.local.yml", entry)
    with pytest.raises(CatalogError) as caught:
        load_catalog()
    assert str(caught.value) == (
        f"{own}:2: indicators.egdi: 'egdi' is already defined in the package catalog; to "
        "replace that entry, add `override: true` to this one (or choose another id)"
    )
    _write(own, entry.replace("  egdi:\n", "  egdi:\n    override: true\n"))
    catalog = load_catalog()
    assert catalog.indicator("egdi").title == "My EGDI"
    assert "indicators.egdi" in catalog.overrides
    # an override of nothing is a typo, not a new entry
    _write(own, entry.replace("  egdi:\n", "  egdii:\n    override: true\n"))
    with pytest.raises(CatalogError, match=r":2: indicators.egdii: override: true, but no"):
        load_catalog()
    # a built-in source and a reference folder are taken too
    _write(own, SOURCE.replace("synthetic-wide", "un-egdi"))
    with pytest.raises(CatalogError, match=r":2: sources.un-egdi: 'un-egdi' is already defined"):
        load_catalog()
    _write(own, SOURCE.replace("synthetic-wide", "country-codes"))
    with pytest.raises(CatalogError, match=r"sources.country-codes: .* reference folder"):
        load_catalog()


def test_two_user_files_defining_one_id_collide_too(
    user_catalogs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _write(user_catalogs / "catalog.local.yml", SOURCE)
    other = _write(user_catalogs / "other.yml", SOURCE)
    monkeypatch.setenv("COMPARE_CATALOG", str(other))
    with pytest.raises(CatalogError) as caught:
        load_catalog()
    assert str(caught.value).startswith(
        f"{other}:2: sources.synthetic-wide: 'synthetic-wide' is already defined in "
        f"{user_catalogs / 'catalog.local.yml'}"
    )


@pytest.mark.parametrize(
    ("text", "where", "message"),
    [
        ("indicators:\n  a: [unclosed\n", ":3:1:", "invalid YAML"),
        ("sources:\n  s:\n    reader: x\n  s:\n    reader: y\n", ":4:3:", "duplicate key"),
        ("indicators:\n\tbad: tab\n", ":2:1:", "invalid YAML"),
        ("- a list\n", ":1:", "a user catalog is a mapping"),
        ("gaps:\n  x: {}\n", ":1:", "unknown section 'gaps'"),
        ("reference_sources: {}\n", ":1:", "declared by the package only"),
        (SOURCE + INDICATOR.replace("    range:", "    rnage:"), ":15:", "unknown field 'rnage'"),
        (SOURCE + INDICATOR.replace("unit: percent", "unit: furlongs"), ":9:", "unit 'furlongs'"),
        (SOURCE + INDICATOR.replace("    title: Synthetic share (SYNTHETIC)\n", ""), ":9:",
         "missing key(s) title"),
        (SOURCE.replace("reader: worldbank_wide", "reader: nope"), ":2:", "unknown reader 'nope'"),
        (SOURCE.replace("[SYNTHETIC_wide.csv]", "[../../etc/passwd]"), ":4:", "without '..'"),
        (SOURCE.replace("synthetic-wide:", "bad/id:"), ":2:", "the id may hold only"),
        (INDICATOR.replace("bounded: true", "override: yes"), ":9:", "override must be true"),
        ("units:\n  u: 3\n", ":2:", "expected a text or a mapping"),
        (SOURCE + INDICATOR.replace("[0, 100]", "five"), ":9:", "range must be [min, max]"),
        (SOURCE + INDICATOR.replace("[0, 100]", "[a, 1]"), ":9:", "two numbers"),
        (SOURCE + INDICATOR.replace("bounded: true", "scale: lots"), ":9:",
         "scale must be a number"),
        (SOURCE.replace("    missing", "    options: [1]\n    missing"), ":2:",
         "options must be a mapping"),
    ],
)  # fmt: skip
def test_a_malformed_user_catalog_names_its_file_and_line(
    user_catalogs: Path, text: str, where: str, message: str
) -> None:
    own = _write(user_catalogs / "catalog.local.yml", text)
    with pytest.raises(CatalogError) as caught:
        load_catalog()
    assert str(caught.value).startswith(f"{own}{where}"), str(caught.value)
    assert message in str(caught.value)


def test_region_groups_from_a_user_catalog(user_catalogs: Path) -> None:
    own = _write(
        user_catalogs / "catalog.local.yml",
        "groups:\n  andean:\n    Andean Community: [Bolivia, COL, Ecuador, PER]\n",
    )
    assert regions.members("Andean Community", "andean") == ["BOL", "COL", "ECU", "PER"]
    assert "andean" in regions.classifications()
    assert regions.region_of(["ECU", "ESP"], "andean") == ["Andean Community", None]
    # a built-in group is replaced only with override: true
    europe = "groups:\n  m49:\n    Europe: [ESP, FRA, DEU, ITA, PRT]\n"
    _write(own, europe)
    with pytest.raises(CatalogError, match=rf"{own}: groups.m49.Europe: group 'Europe' of "):
        regions.members("Europe")
    _write(
        own, europe.replace("[ESP, FRA, DEU, ITA, PRT]", "{members: [ESP, FRA], override: true}")
    )
    assert regions.members("Europe") == ["ESP", "FRA"]
    assert "BRA" in regions.members("Latin America & Caribbean")  # the others stay
    _write(own, "groups:\n  mine:\n    Some: [Spain, Narnia]\n")
    with pytest.raises(CatalogError, match=r"groups.mine.Some: group 'Some': .*Narnia"):
        regions.members("Some", "mine")
    assert load_catalog().user_files == (own,)  # the catalog reads the same file


def test_cli_marks_where_each_indicator_comes_from(
    user_catalogs: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    own = _write(user_catalogs / "catalog.local.yml", SOURCE + INDICATOR)
    assert main(["indicators", "--family", "digital_divide"]) == 0
    lines = capsys.readouterr().out.splitlines()
    mine = next(line for line in lines if line.startswith("synthetic_share_pct "))
    assert mine.split()[1:4] == ["digital_divide", "percent", "synthetic-wide"]
    assert mine.endswith("user: catalog.local.yml")
    assert next(line for line in lines if line.startswith("internet_users_pct ")).endswith(
        "package"
    )
    assert lines[-1] == f"user catalog: {own}"
    # a broken user catalog: one message, exit status 2, no traceback
    _write(own, "indicators: [\n")
    run = subprocess.run(
        [sys.executable, "-m", "compare.cli", "indicators"],
        capture_output=True, text=True, check=False, env={**os.environ},
    )  # fmt: skip
    assert run.returncode == 2 and not run.stdout and "Traceback" not in run.stderr
    assert run.stderr.startswith(f"compare indicators: error: {own}:2:1: invalid YAML")


def _synthetic_wide(folder: Path, europe: list[str], lac: list[str]) -> dict[tuple[str, int], str]:
    """SYNTHETIC wide file: invented values for 2020 and 2021, a missing marker, an aggregate
    and an out-of-range value; returns the cells as written, by (code, year)."""
    folder.mkdir(parents=True)
    cells: dict[tuple[str, int], str] = {}
    rows = [["Country Name", "Country Code", "Indicator Name", "Indicator Code", "2020", "2021"]]
    for i, code in enumerate(europe + lac):
        base = (60 if code in europe else 35) + i % 7
        values = [f"{base + 0.25:.2f}", f"{base + 1.5:.2f}"]
        if i == 3:
            values[0] = ".."  # missing marker
        if i == 4:
            values[0] = "150"  # out of range
        rows.append([code, code, "Synthetic share (%)", "SYN.SHARE", *values])
        cells.update({(code, 2020): values[0], (code, 2021): values[1]})
    rows.append(["World", "WLD", "Synthetic share (%)", "SYN.SHARE", "50", "51"])
    with (folder / "SYNTHETIC_wide.csv").open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return cells


def test_a_user_source_on_a_synthetic_wide_file_builds_and_compares(
    user_catalogs: Path, mirror: Path
) -> None:
    home = user_catalogs
    _write(home / "catalog.local.yml", SOURCE + INDICATOR)
    fetch_from_mirror(mirror, home=home, only=["wb-sp-pop-totl"])
    europe = [c for c in regions.members("Europe") if c not in ("VAT", "GIB")][:12]
    lac = regions.members("Latin America & Caribbean")[:12]
    cells = _synthetic_wide(home / "data/raw/synthetic-wide", europe, lac)
    report = build(home, sources=["wb-sp-pop-totl", "synthetic-wide"])

    account = report.sources["synthetic-wide"]
    assert (account["rows_read"], account["kept"], account["aggregates"]) == (50, 46, 2)
    assert account["quarantine_reasons"] == {"missing_marker": 1, "out_of_range": 1}
    tidy = pd.read_parquet(home / "data/processed/indicators.parquet")
    mine = tidy[tidy["indicator"] == "synthetic_share_pct"]
    expected = {
        (code, year, float(text))
        for (code, year), text in cells.items()
        if text not in ("..", "150")
    }
    assert set(zip(mine["iso3"], mine["year"], mine["value"], strict=True)) == expected
    assert set(mine["source_id"]) == {"synthetic-wide"} and set(mine["raw_file"]) == {
        "SYNTHETIC_wide.csv"
    }

    import compare

    result = compare.compare_regions("synthetic_share_pct", year=2021, home=home)
    for group, codes in (("Europe", europe), ("Latin America & Caribbean", lac)):
        by_hand = sum(float(cells[(c, 2021)]) for c in codes) / len(codes)
        assert result.per_group[group].n_with_data == len(codes)
        assert result.per_group[group].mean == pytest.approx(by_hand)
    assert result.title == "Synthetic share (SYNTHETIC)"


def test_a_user_source_without_its_folder_names_its_catalog(user_catalogs: Path) -> None:
    own = _write(user_catalogs / "catalog.local.yml", SOURCE + INDICATOR)
    with pytest.raises(DataError) as caught:
        build(user_catalogs, sources=["synthetic-wide"])
    assert f"synthetic-wide is declared in {own}" in str(caught.value)
    assert str(caught.value).startswith(f"file {user_catalogs / 'data/raw/synthetic-wide'}")


def test_user_text_reaches_a_figure_as_text_not_markup(user_catalogs: Path, mirror: Path) -> None:
    home = user_catalogs
    odd = INDICATOR.replace("Synthetic share (SYNTHETIC)", '"Synthetic <i>share</i> & co"')
    _write(home / "catalog.local.yml", SOURCE.replace("hand-made", "<b>hand</b>-made") + odd)
    fetch_from_mirror(mirror, home=home, only=["wb-sp-pop-totl"])
    europe = [c for c in regions.members("Europe") if c not in ("VAT", "GIB")][:12]
    _synthetic_wide(
        home / "data/raw/synthetic-wide", europe, regions.members("Latin America & Caribbean")[:12]
    )
    build(home, sources=["wb-sp-pop-totl", "synthetic-wide"])
    assert load_catalog().indicator("synthetic_share_pct").title == "Synthetic <i>share</i> & co"

    import compare.figures as cf

    fig = cf.distribution("synthetic_share_pct", 2021, home=home)
    title = fig.layout.title.text
    assert "Synthetic &lt;i&gt;share&lt;/i&gt; &amp; co" in title and "<i>" not in title
    caption = " ".join(a.text for a in fig.layout.annotations if a.text and "Source" in a.text)
    assert "&lt;b&gt;hand&lt;/b&gt;-made" in caption and "<b>hand" not in caption
