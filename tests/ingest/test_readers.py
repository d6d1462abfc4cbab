"""Each reader on its real file: record counts and spot values against an independent read."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest

from compare.catalog import load_catalog
from compare.ingest.sources import get_reader
from compare.ingest.sources.base import RECORD_COLUMNS
from compare.ingest.sources.excel import read_grid

CATALOG = load_catalog()


def _read(source_id: str, folder: Path) -> pd.DataFrame:
    source = CATALOG.source(source_id)
    frame = get_reader(source.reader)(source, folder)
    assert list(frame.columns) == list(RECORD_COLUMNS)
    return frame


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _one(frame: pd.DataFrame, **where: object) -> pd.Series:
    mask = pd.Series(True, index=frame.index)
    for column, value in where.items():
        mask &= frame[column].astype(str) == str(value)
    rows = frame[mask]
    assert len(rows) == 1, where
    return rows.iloc[0]


WIDE = "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"


def test_world_bank_wide_one_record_per_filled_year_cell(mirror: Path) -> None:
    folder = mirror / "wb-internet-users"
    records = _read("wb-internet-users", folder)
    rows = _csv_rows(folder / WIDE)
    filled = sum(1 for r in rows for k, v in r.items() if k and k.isdigit() and v.strip())
    assert len(rows) == 266 and len(records) == filled == 8320
    spain = _one(records, entity="ESP", year=2022)
    raw_spain = next(r for r in rows if r["Country Code"] == "ESP")
    assert float(spain["value"]) == float(raw_spain["2022"])
    assert spain["raw_column"] == "2022" and spain["series"] == "IT.NET.USER.ZS"


def test_world_bank_wide_accepts_the_official_four_line_preamble(
    mirror: Path, tmp_path: Path
) -> None:
    """The official download starts with 'Data Source', 'Last Updated Date' and two blank lines;
    the mirror's copy lost them. Put them back (in a temp copy) and read the same records."""
    original = (mirror / "wb-internet-users" / WIDE).read_bytes()
    preamble = (
        b'"Data Source","World Development Indicators",\n\n"Last Updated Date","2024-10-24",\n\n'
    )
    folder = tmp_path / "wb-internet-users"
    folder.mkdir()
    (folder / WIDE).write_bytes(b"\xef\xbb\xbf" + preamble + original.removeprefix(b"\xef\xbb\xbf"))
    plain = _read("wb-internet-users", mirror / "wb-internet-users")
    with_preamble = _read("wb-internet-users", folder)
    assert len(with_preamble) == len(plain)
    assert (with_preamble["raw_row"].to_numpy() == plain["raw_row"].to_numpy() + 4).all()
    for column in ("entity", "year", "value"):
        assert with_preamble[column].astype(str).tolist() == plain[column].astype(str).tolist()


@pytest.mark.parametrize(
    "source_id",
    ["wb-fixed-broadband", "wb-it-cel-sets-p2", "wb-it-net-secr-p6", "wb-sp-pop-totl",
     "wb-ny-gdp-pcap-pp-cd", "wb-se-ter-enrr"],
)  # fmt: skip
def test_world_bank_long_one_record_per_line(mirror: Path, source_id: str) -> None:
    rows = _csv_rows(mirror / source_id / "data.csv")
    records = _read(source_id, mirror / source_id)
    assert len(records) == len(rows)
    mexico = next(r for r in rows if r["Country Code"] == "MEX" and r["Year"] == "2020")
    found = _one(records, entity="MEX", year=2020)
    assert float(found["value"]) == float(mexico["Value"])


def test_un_egdi_five_indices_per_country_and_year(mirror: Path) -> None:
    records = _read("un-egdi", mirror / "un-egdi")
    assert len(records) == 11 * 193 * 5
    rows = _csv_rows(mirror / "un-egdi" / "EGOV_DATA_2022.csv")
    uruguay = next(r for r in rows if r["Country Name"].strip() == "Uruguay")
    found = _one(records, entity="Uruguay", year=2022, series="E-Government Index")
    assert float(found["value"]) == float(uruguay["E-Government Index"])
    montenegro = records[(records.entity == "Montenegro") & (records.year.astype(str) == "2003")]
    assert set(montenegro["flag"]) == {"not_assessed"}


def test_un_egdi_2024_copy_is_read_through_its_renamed_columns(mirror: Path) -> None:
    records = _read("un-egdi-2024-secondary", mirror / "un-egdi-2024-secondary")
    assert len(records) == 193 * 5
    rows = _csv_rows(mirror / "un-egdi-2024-secondary" / "EGOV_DATA_2024.csv")
    brazil = next(r for r in rows if r["Country"].strip() == "Brazil")
    found = _one(records, entity="Brazil", series="E-Government Index")
    assert float(found["value"]) == float(brazil["E_Index"]) and found["raw_column"] == "E_Index"
    assert "Region" not in set(records["series"])  # the copy's wrong Region column is not read


def test_itu_xls_values_stored_as_text(mirror: Path) -> None:
    folder = mirror / "itu-internet-gender-urban-rural"
    records = _read("itu-internet-gender-urban-rural", folder)
    assert len(records) == 112 * 9
    grid, _ = read_grid(next(folder.glob("*.xls")))
    spain = next(row for row in grid if row[1] == "Spain")
    assert _one(records, entity="Spain", series="urban")["value"] == spain[11] == "93.2"
    assert _one(records, entity="Spain", series="rural")["value"] == "87.9"
    assert (records["value"] == "...").sum() > 300


def test_gtmi_xlsx_five_indices_per_row(mirror: Path) -> None:
    records = _read("wb-gtmi-2020-2025", mirror / "wb-gtmi-2020-2025")
    grid, _ = read_grid(mirror / "wb-gtmi-2020-2025" / "groups_data.xlsx")
    assert len(records) == (len(grid) - 1) * 5
    chile = next(row for row in grid if row[1] == "CHL" and row[0] == "2022")
    assert float(_one(records, entity="CHL", year=2022, series="gtmi")["value"]) == float(chile[4])
    # The calculation rows under the table (a fraction where the country code belongs) are
    # problems with a reason, every index of them; no economy row is.
    numeric_codes = {
        row[1] for row in grid[1:] if "." in row[1] and row[1].replace(".", "", 1).isdigit()
    }
    problems = records[records["problem"] != ""]
    assert numeric_codes and set(problems["entity"]) == numeric_codes
    assert len(problems) == len(numeric_codes) * 5
    assert problems["problem"].str.startswith("calculation row below the table").all()


def test_oecd_long_one_record_per_line(mirror: Path) -> None:
    rows = _csv_rows(mirror / "oecd-dgi-2023" / "oecd_dgi_2023.csv")
    records = _read("oecd-dgi-2023", mirror / "oecd-dgi-2023")
    assert len(records) == len(rows) == 299  # 38 countries x 7 values + 33 ranks
    colombia = next(
        r for r in rows if r["cc_iso3c"] == "COL" and r["variable"] == "composite_index"
    )
    assert _one(records, entity="COL", series="composite_index")["value"] == colombia["value"]


def test_egov_benchmark_labels_only_2020_to_2022(mirror: Path) -> None:
    source = CATALOG.source("eu-egov-benchmark-2023")
    records = _read(source.id, mirror / source.id)
    labelled = records[records["problem"] == ""]
    assert set(labelled["year"].astype(str)) >= {"2020", "2021", "2022"}
    unlabelled = records[records["problem"] != ""]
    assert set(unlabelled["year"].astype(str)) <= {str(y) for y in range(2012, 2020)}
    spain = _one(records, entity="ES", year=2022, series="e_gov_0_score")
    assert 0 < float(spain["value"]) <= 100


def test_desi_series_and_unlabelled_rows(mirror: Path) -> None:
    rows = _csv_rows(mirror / "ec-desi-2017-2022" / "DESI.csv")
    records = _read("ec-desi-2017-2022", mirror / "ec-desi-2017-2022")
    assert len(records) == len(rows)
    assert (records["problem"] != "").sum() == 1680  # PROVENANCE.md: unlabelled rows
    spain = _one(records, entity="ES", year=2022, series="desi_dps_egovuser|ind_total|pc_ind_ilt12")
    assert float(spain["value"]) == pytest.approx(0.727, abs=5e-4)


def test_world_bank_wide_reads_only_the_wanted_series(mirror: Path, tmp_path: Path) -> None:
    """A multi-series download (like the whole WDI): rows of series the catalog does not ask
    for are counted, not melted. The second series here is SYNTHETIC: the real rows repeated
    under another indicator code, written at test time."""
    lines = (mirror / "wb-internet-users" / WIDE).read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Country Name") and lines[1].count("IT.NET.USER.ZS") == 1
    other = [line.replace("IT.NET.USER.ZS", "SYNTHETIC.OTHER") for line in lines[1:]]
    folder = tmp_path / "wb-internet-users"
    folder.mkdir()
    (folder / WIDE).write_text("\n".join([*lines, *other]) + "\n", encoding="utf-8")
    source = CATALOG.source("wb-internet-users")
    everything = get_reader(source.reader)(source, folder)
    wanted = get_reader(source.reader)(source, folder, wanted=["it.net.user.zs"])
    plain = _read("wb-internet-users", mirror / "wb-internet-users")
    assert len(everything) == 2 * len(plain)
    assert set(wanted["series"].astype(str)) == {"IT.NET.USER.ZS"}
    assert len(wanted) == len(plain) and wanted.attrs["rows_not_selected"] == len(plain)
    for column in ("raw_row", "entity", "year", "value"):
        assert wanted[column].astype(str).tolist() == plain[column].astype(str).tolist()
