"""The malformed-input corpus (``tests/corpus/``, every file SYNTHETIC): one expected outcome each.

Each case builds a one-source catalog around one corpus file and runs the real build step
(:func:`compare.build.run.build_source`). The outcome is either a :class:`DataError` naming the file
(and row / column where there is one) or an exact count of kept rows, aggregates and quarantine
reason codes. Every case also checks the accounting invariant ``rows read = kept + quarantined +
aggregates`` and that every quarantined row carries a file, a row, a reason code and a reason.
Excel cases are written with openpyxl at test time (see ``tests/corpus/README.md``).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from compare.build.run import SourceResult, build_source
from compare.catalog import Catalog, parse_catalog
from compare.errors import DataError
from compare.ingest.sources import get_reader
from compare.ingest.sources.base import read_text_table
from tests.paths import CORPUS, REPO

#: Every reason code the build gives (a new one must be documented in docs/RELIABILITY.md).
REASON_CODES = {
    "unreadable_row",
    "not_assessed",
    "implausible_year",
    "missing_marker",
    "unparseable_value",
    "unknown_country",
    "ambiguous_country",
    "out_of_range",
    "possible_fraction",
    "duplicate_conflict",
    "duplicate_identical",
}
ALL_MARKERS = ("", "..", "...", ":", ".", "NA", "n/a", "-")
GTMI_HEADER = ["year", "country_code", "country_name", "gtmi", "cgsi", "psdi", "dcei", "gtei"]
#: A UN SDG export case: the indicator takes women's software skills, global data in percent.
SDG: dict[str, Any] = {
    "reader": "un_sdg_csv",
    "series": "SE_ADT_ACTS",
    "dimensions": {"Sex": "FEMALE", "Type of skill": "SOFT"},
    "options": {"dimensions": {"Reporting Type": "G", "Units": "PERCENT"}},
}


@dataclass(frozen=True)
class Case:
    """One kind of bad input and what must come of it."""

    id: str
    file: str  # in tests/corpus, or a name in GENERATED
    reader: str = "worldbank_long"
    series: str = "SYN.PCT"
    unit: str = "percent"
    range: tuple[float, float] = (0.0, 100.0)
    scale: float = 1.0
    markers: tuple[str, ...] = ("", "..")
    options: dict[str, Any] = field(default_factory=dict)
    # a DataError (message fragment, and the row / column it must name), or ...
    error: str | None = None
    error_row: int | None = None
    error_column: str | None = None
    # ... what the build keeps, sets aside and quarantines (reason code -> rows)
    kept: int = 0
    aggregates: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    values: dict[tuple[str, int], float] = field(default_factory=dict)  # (iso3, year) -> value
    flags: dict[str, int] = field(default_factory=dict)  # flag -> kept rows carrying it
    quarantined_rows: dict[str, list[int]] = field(default_factory=dict)  # reason -> raw rows
    reason_text: str | None = None  # a fragment every quarantine reason of the case holds
    dimensions: dict[str, str] = field(default_factory=dict)  # the indicator's (SDG exports)
    not_selected: int | None = None  # records of series no indicator asks for


# --- Excel files written at test time --------------------------------------------------------


def _workbook(
    rows: list[list[Any]],
    *,
    sheet: str = "Sheet1",
    merges: tuple[str, ...] = (),
) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    for cells in merges:
        ws.merge_cells(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


GENERATED: dict[str, Callable[[], bytes]] = {
    "SYNTHETIC_xlsx_title_rows_merged.xlsx": lambda: _workbook(
        [
            ["GovTech Maturity Index (SYNTHETIC test workbook)"],
            [],
            GTMI_HEADER,
            [2022, "ESP", "Spain", 0.9, 0.8, 0.7, 0.6, 0.5],
            [2022, "MEX", "Mexico", 0.8, 0.7, 0.6, 0.5, 0.4],
        ],
        merges=("A1:H1",),
    ),
    "SYNTHETIC_xlsx_merged_data_cells.xlsx": lambda: _workbook(
        [
            GTMI_HEADER,
            [2022, "ESP", "Spain", 0.9, 0.8, 0.7, 0.6, 0.5],
            [None, "FRA", "France", 0.85, 0.8, 0.7, 0.6, 0.5],
            [None, "ITA", "Italy", 0.8, 0.8, 0.7, 0.6, 0.5],
        ],
        merges=("A2:A4",),  # the year written once for three rows: never filled down
    ),
    "SYNTHETIC_xlsx_sheet_missing.xlsx": lambda: _workbook(
        [GTMI_HEADER, [2022, "ESP", "Spain", 0.9, 0.8, 0.7, 0.6, 0.5]], sheet="Summary"
    ),
    "SYNTHETIC_xlsx_header_only.xlsx": lambda: _workbook([GTMI_HEADER]),
    "SYNTHETIC_xlsx_duplicated_header.xlsx": lambda: _workbook(
        [[*GTMI_HEADER, "gtmi"], [2022, "ESP", "Spain", 0.9, 0.8, 0.7, 0.6, 0.5, 0.9]]
    ),
    "SYNTHETIC_xlsx_odd_cells.xlsx": lambda: _workbook(
        [
            GTMI_HEADER,
            [2022, "ESP", "Spain", "high", 0.8, 0.7, 0.6, 0.5],
            [2022, "FRA", "France", dt.date(2022, 1, 1), 0.8, 0.7, 0.6, 0.5],
            [2022, "ITA", "Italy", True, 0.8, 0.7, 0.6, 0.5],
            [2022, "PRT", "Portugal", "#N/A", 0.8, 0.7, 0.6, 0.5],
            [2022, "DEU", "Germany", "0,85", 0.8, 0.7, 0.6, 0.5],
            [2022, "POL", "Poland", 0.75, 0.8, 0.7, 0.6, 0.5],
        ]
    ),
    "SYNTHETIC_xlsx_no_header.xlsx": lambda: _workbook([["Country", "Score"], ["Spain", 0.9]]),
    "SYNTHETIC_egov_sheet_missing.xlsx": lambda: _workbook(
        [["year", "Country", "variable", "brkdown", "Value"]], sheet="Machine-readable"
    ),
    "SYNTHETIC_itu_two_row_header.xlsx": lambda: _workbook(
        [
            ["Key ICT indicators (SYNTHETIC test workbook)"],
            ["", "", "All", "Gender", "", "Urban", "", "", "Rural"],
            ["Economy name", "Year", "Individuals", "Male", "Female", "Total", "Male", "Female"],
            ["Spain", "2019", "90.7", "91.0", "90.3", "...", "", "", ".."],
            ["Mexico", "2019", "..", "71.0", "70.1", "76.6", "", "", "47.7"],
            ["Note: synthetic footnote below the table", "", "", "", "", "", "", "", ""],
        ]
    ),
}

# --- the cases -----------------------------------------------------------------------------------

WIDE = {"reader": "worldbank_wide"}
GTMI = {"reader": "gtmi_xlsx", "series": "gtmi", "unit": "index_0_1", "range": (0.0, 1.0)}

CASES: list[Case] = [
    # files that are not tables at all
    Case("empty file", "SYNTHETIC_empty_file.csv", error="file is empty"),
    Case("whitespace only", "SYNTHETIC_whitespace_only.csv", error="file is empty"),
    Case("binary garbage", "SYNTHETIC_binary_garbage.csv", error="binary content"),
    Case(
        "header only",
        "SYNTHETIC_header_only.csv",
        error="no data rows below the header",
        error_row=1,
    ),
    Case(
        "wrong column names",
        "SYNTHETIC_wrong_columns.csv",
        error="no header with column(s) 'Country Name'",
    ),
    Case(
        "file missing from the source folder",
        "SYNTHETIC_not_in_the_folder.csv",
        error="file missing from source folder",
    ),
    # line structure
    Case(
        "truncated last line",
        "SYNTHETIC_truncated_last_line.csv",
        kept=2,
        reasons={"unreadable_row": 1},
        quarantined_rows={"unreadable_row": [4]},
    ),
    Case(
        "last line without line break (kept, flagged)",
        "SYNTHETIC_unterminated_last_line.csv",
        kept=2,
        flags={"unterminated_last_line": 1},
        values={("FRA", 2019): 8.0},
    ),
    Case(
        "ragged rows",
        "SYNTHETIC_ragged_rows.csv",
        kept=2,
        reasons={"unreadable_row": 2},
        quarantined_rows={"unreadable_row": [2, 3]},
    ),
    Case(
        "quoted line break in a name (rows keep their line numbers)",
        "SYNTHETIC_quoted_newline.csv",
        kept=4,
        values={("ESP", 2019): 90.7, ("FRA", 2019): 83.3, ("ITA", 2019): 76.0},
    ),
    Case(
        "unclosed quote swallows the next line",
        "SYNTHETIC_unterminated_quote.csv",
        reasons={"unreadable_row": 1},
        quarantined_rows={"unreadable_row": [2]},
        reason_text="lines 2-3: unclosed quote",
    ),
    Case("old Mac line endings (CR only)", "SYNTHETIC_cr_line_endings.csv", kept=2),
    Case("blank lines between rows", "SYNTHETIC_blank_lines.csv", kept=2),
    Case(
        "header line repeated mid-file",
        "SYNTHETIC_repeated_header_line.csv",
        kept=2,
        reasons={"implausible_year": 1},
        quarantined_rows={"implausible_year": [3]},
    ),
    Case(
        "duplicated column in header",
        "SYNTHETIC_duplicated_header_column.csv",
        error="duplicated column in header",
        error_row=1,
        error_column="Value",
    ),
    # delimiters, decimal marks, encodings
    Case(
        "semicolons and decimal commas (European export)",
        "SYNTHETIC_semicolon_decimal_comma.csv",
        kept=3,
        flags={"decimal_comma": 3},
        values={("ESP", 2019): 45.3, ("FRA", 2019): 80.1, ("DEU", 2019): 1234.5},
        range=(0.0, 2000.0),
    ),
    Case(
        "unquoted decimal comma in a comma-separated file",
        "SYNTHETIC_decimal_comma_unquoted.csv",
        kept=1,
        reasons={"unreadable_row": 1},
        quarantined_rows={"unreadable_row": [2]},
    ),
    Case(
        "quoted decimal comma",
        "SYNTHETIC_decimal_comma_quoted.csv",
        kept=2,
        flags={"decimal_comma": 2},
        values={("ESP", 2019): 45.3},
    ),
    Case(
        "thousands separators",
        "SYNTHETIC_thousands_separator.csv",
        kept=2,
        flags={"thousands_separator": 2},
        values={("ESP", 2019): 47133521.0},
        range=(0.0, 2e9),
    ),
    Case(
        "Latin-1 encoded Spanish names",
        "SYNTHETIC_latin1.csv",
        kept=4,
        values={("ESP", 2019): 45.3, ("MEX", 2019): 70.1, ("PER", 2019): 60.0, ("CIV", 2019): 36.3},
    ),
    Case(
        "Windows-1252 curly apostrophe",
        "SYNTHETIC_cp1252_quotes.csv",
        kept=2,
        values={("CIV", 2019): 36.3, ("STP", 2019): 33.0},
    ),
    Case(
        "UTF-8 with byte-order mark",
        "SYNTHETIC_utf8_bom.csv",
        kept=2,
        values={("ESP", 2019): 45.3, ("BRA", 2019): 70.1},
    ),
    Case(
        "UTF-16 tab-separated (Excel 'Unicode text')",
        "SYNTHETIC_utf16_tab_export.csv",
        kept=2,
        flags={"decimal_comma": 2},
        values={("ESP", 2019): 45.3, ("MEX", 2019): 70.1},
    ),
    # values
    Case(
        "duplicate keys with conflicting values",
        "SYNTHETIC_duplicate_keys_conflicting.csv",
        kept=1,
        reasons={"duplicate_conflict": 2, "duplicate_identical": 1},
        values={("FRA", 2019): 80.1},
        quarantined_rows={"duplicate_conflict": [2, 3], "duplicate_identical": [5]},
    ),
    Case(
        "values out of range (120 %, -3 %)",
        "SYNTHETIC_out_of_range.csv",
        kept=2,
        reasons={"out_of_range": 2},
        quarantined_rows={"out_of_range": [2, 3]},
        values={("ITA", 2019): 100.0, ("PRT", 2019): 0.0},
    ),
    Case(
        "a fraction among percents",
        "SYNTHETIC_fraction_among_percents.csv",
        kept=4,
        reasons={"possible_fraction": 1},
        quarantined_rows={"possible_fraction": [3]},
        values={("ERI", 2019): 0.6, ("ESP", 2018): 86.1},
    ),
    Case(
        "a percent column written as fractions",
        "SYNTHETIC_all_fractions.csv",
        reasons={"possible_fraction": 3},
        reason_text="scale: 100",
    ),
    Case(
        "text in a numeric column",
        "SYNTHETIC_text_in_numeric.csv",
        kept=1,
        reasons={"unparseable_value": 3},
        reason_text="not a number",
    ),
    Case(
        "nan, inf, 1_000, 1e400, hex in a numeric column",
        "SYNTHETIC_nan_inf_words.csv",
        reasons={"unparseable_value": 7},
        range=(-1e308, 1e308),
    ),
    Case(
        "every missing marker, declared",
        "SYNTHETIC_missing_markers.csv",
        markers=ALL_MARKERS,
        kept=1,
        reasons={"missing_marker": 8},
    ),
    Case(
        "missing markers the source does not declare",
        "SYNTHETIC_missing_markers.csv",
        markers=("", ".."),
        kept=1,
        reasons={"missing_marker": 2, "unparseable_value": 6},
    ),
    # countries
    Case(
        "unknown country names",
        "SYNTHETIC_unknown_country.csv",
        kept=1,
        reasons={"unknown_country": 2},
        reason_text="not recognised",
    ),
    Case(
        "ambiguous country name",
        "SYNTHETIC_ambiguous_country.csv",
        kept=1,
        reasons={"ambiguous_country": 1},
        reason_text="MAF or SXM",
    ),
    Case(
        "unknown and ambiguous names in one file",
        "SYNTHETIC_unknown_and_ambiguous_country.csv",
        kept=1,
        reasons={"unknown_country": 1, "ambiguous_country": 2},
    ),
    Case(
        "aggregates written as countries",
        "SYNTHETIC_aggregates_as_countries.csv",
        kept=1,
        aggregates=5,
    ),
    # years
    Case(
        "years outside the plausible range",
        "SYNTHETIC_implausible_years.csv",
        kept=1,
        reasons={"implausible_year": 6},
        reason_text="not a plausible year",
    ),
    Case(
        "DataBank year labels in a long file",
        "SYNTHETIC_databank_year_labels_long.csv",
        kept=2,
        values={("ESP", 2018): 86.1, ("ESP", 2019): 90.7},
    ),
    # World Bank wide files
    Case(
        "World Bank wide CSV with the official 4-line preamble",
        "SYNTHETIC_wb_wide_official_preamble.csv",
        **WIDE,
        kept=3,
        aggregates=2,
        values={("ESP", 2018): 86.1, ("ESP", 2020): 93.2},
    ),
    Case(
        "World Bank DataBank export ('..', two series, footer)",
        "SYNTHETIC_wb_databank_export.csv",
        **WIDE,
        kept=3,
        reasons={"missing_marker": 3, "unreadable_row": 2},
        values={("ESP", 2018): 86.1, ("MEX", 2019): 70.1},
        quarantined_rows={"unreadable_row": [7, 8]},
    ),
    Case(
        "wide file with one year in two columns",
        "SYNTHETIC_wb_wide_same_year_twice.csv",
        **WIDE,
        error="both hold year 2019",
        error_row=1,
        error_column="2019 [YR2019]",
    ),
    Case(
        "wide file without year columns",
        "SYNTHETIC_wb_wide_no_year_columns.csv",
        **WIDE,
        error="no year columns",
        error_row=1,
    ),
    # other text readers
    Case(
        "UN survey: a state not assessed (all zeros) is missing, not zero",
        "SYNTHETIC_egdi_not_assessed.csv",
        reader="un_egdi",
        series="E-Government Index",
        unit="index_0_1",
        range=(0.0, 1.0),
        kept=1,
        reasons={"not_assessed": 1},
        values={("ESP", 2022): 0.8842},
    ),
    Case(
        "UN survey without its index columns",
        "SYNTHETIC_egdi_missing_index_column.csv",
        reader="un_egdi",
        series="E-Government Index",
        unit="index_0_1",
        error="header lacks index column(s)",
        error_row=1,
    ),
    Case(
        "DESI: unlabelled rows, EL/UK codes, fractions scaled",
        "SYNTHETIC_desi_unlabelled_rows.csv",
        reader="desi_csv",
        series="desi_hc_bds|ind_total|pc_ind",
        scale=100.0,
        kept=3,
        reasons={"unreadable_row": 1},
        values={("ESP", 2021): 64.1, ("GRC", 2021): 52.0, ("GBR", 2021): 70.0},
        flags={"b": 1},
    ),
    Case(
        "OECD long: NA, unknown code, aggregate code, out of range",
        "SYNTHETIC_oecd_long_values.csv",
        reader="oecd_long",
        series="composite_index",
        unit="index_0_1",
        range=(0.0, 1.0),
        markers=("", "NA"),
        kept=1,
        reasons={"missing_marker": 1, "unknown_country": 2, "out_of_range": 1},
    ),
    # Excel
    Case(
        "xlsx with title rows and a merged title cell",
        "SYNTHETIC_xlsx_title_rows_merged.xlsx",
        **GTMI,
        kept=2,
        values={("ESP", 2022): 0.9, ("MEX", 2022): 0.8},
    ),
    Case(
        "xlsx with merged cells in the data (never filled down)",
        "SYNTHETIC_xlsx_merged_data_cells.xlsx",
        **GTMI,
        kept=1,
        reasons={"implausible_year": 2},
        quarantined_rows={"implausible_year": [3, 4]},
    ),
    Case(
        "xlsx: the sheet named in the catalog is missing",
        "SYNTHETIC_xlsx_sheet_missing.xlsx",
        **GTMI,
        options={"sheet": "Data"},
        error="sheet 'Data' missing (sheets: Summary)",
    ),
    Case(
        "xlsx with a header and no rows",
        "SYNTHETIC_xlsx_header_only.xlsx",
        **GTMI,
        error="no data rows below the header",
        error_row=1,
    ),
    Case(
        "xlsx with a duplicated header",
        "SYNTHETIC_xlsx_duplicated_header.xlsx",
        **GTMI,
        error="duplicated column in header",
        error_row=1,
        error_column="gtmi",
    ),
    Case(
        "xlsx without the expected header",
        "SYNTHETIC_xlsx_no_header.xlsx",
        **GTMI,
        error="no header row with 'year'",
    ),
    Case(
        "xlsx cells holding text, a date, a boolean, #N/A, a decimal comma",
        "SYNTHETIC_xlsx_odd_cells.xlsx",
        **GTMI,
        kept=2,
        # openpyxl stores "#N/A" as an error cell, which python-calamine reads as empty
        reasons={"unparseable_value": 3, "missing_marker": 1},
        quarantined_rows={"unparseable_value": [2, 3, 4], "missing_marker": [5]},
        values={("DEU", 2022): 0.85, ("POL", 2022): 0.75},
    ),
    Case(
        "a CSV file renamed .xlsx",
        "SYNTHETIC_csv_renamed.xlsx",
        **GTMI,
        error="not a readable Excel workbook",
    ),
    Case(
        "eGovernment Benchmark: machine-readable sheet missing",
        "SYNTHETIC_egov_sheet_missing.xlsx",
        reader="egov_benchmark_xlsx",
        series="e_gov_0_score",
        unit="index_0_1",
        options={"sheet": "Machine Readable Format"},
        error="sheet 'Machine Readable Format' missing",
    ),
    Case(
        "UN SDG export: duplicated row, unknown GeoAreaCode, text value, region code, 132.8, "
        "other sex / age group / reporting type / unit",
        "SYNTHETIC_sdg_export_bad_rows.csv",
        **SDG,
        kept=1,
        aggregates=1,  # GeoAreaCode 419: the UN M49 region Latin America and the Caribbean
        reasons={
            "duplicate_identical": 1,
            "unknown_country": 1,
            "unparseable_value": 1,
            "out_of_range": 1,
        },
        quarantined_rows={
            "duplicate_identical": [3],
            "unknown_country": [4],
            "unparseable_value": [5],
            "out_of_range": [8],
        },
        values={("ESP", 2019): 41.5},
        not_selected=4,  # MALE; Age 15-24; Reporting Type N; Units NUMBER
    ),
    Case(
        "UN SDG export without a dimension column the indicator takes",
        "SYNTHETIC_sdg_missing_dimension_column.csv",
        **SDG,
        error="header lacks dimension column(s) 'Type of skill'",
        error_row=1,
        error_column="Type of skill",
    ),
    Case(
        "ITU two-row header, '...' markers, a footnote under the table",
        "SYNTHETIC_itu_two_row_header.xlsx",
        reader="itu_key_ict_xls",
        series="all",
        markers=("", "...", ".."),
        kept=1,
        reasons={"missing_marker": 1, "implausible_year": 1},
        values={("ESP", 2019): 90.7},
        quarantined_rows={"implausible_year": [6]},
    ),
]


def corpus_catalog(case: Case) -> Catalog:
    """A catalog with one source (the case's file) and one indicator."""
    data = {
        "units": {"percent": "percent (0-100)", "index_0_1": "index (0-1)"},
        "sources": {
            "corpus": {
                "reader": case.reader,
                "files": [case.file],
                "licence": "SYNTHETIC test data",
                "citation": "tests/corpus (SYNTHETIC)",
                "series": case.series,
                "missing_markers": list(case.markers),
                "options": case.options,
            }
        },
        "indicators": {
            "synthetic": {
                "title": "SYNTHETIC indicator",
                "family": "context",
                "unit": case.unit,
                "source": "corpus",
                "series": case.series,
                "range": list(case.range),
                "scale": case.scale,
                **({"dimensions": case.dimensions} if case.dimensions else {}),
            }
        },
    }
    return parse_catalog(data, CORPUS / "SYNTHETIC_catalog.yml")


def source_folder(case: Case, tmp_path: Path) -> Path:
    """A source folder holding the case's file (copied from the corpus, or written)."""
    folder = tmp_path / "corpus"
    folder.mkdir(exist_ok=True)
    if case.file in GENERATED:
        (folder / case.file).write_bytes(GENERATED[case.file]())
    elif (CORPUS / case.file).is_file():
        shutil.copyfile(CORPUS / case.file, folder / case.file)
    return folder


def assert_accounted(result: SourceResult) -> None:
    """The invariant, and a reason with a place for every quarantined row."""
    result.check_invariant()
    assert len(result.tidy) + len(result.quarantine) + len(result.aggregates) == result.rows_read
    q = result.quarantine
    assert set(q["reason_code"]) <= REASON_CODES
    assert (q["reason"].astype(str).str.len() > 0).all()
    assert (q["raw_file"].astype(str).str.len() > 0).all()
    assert all(int(row) >= 1 for row in q["raw_row"])
    assert (result.tidy["raw_row"] >= 1).all() and result.tidy["value"].notna().all()


def run_case(case: Case, tmp_path: Path) -> SourceResult:
    catalog = corpus_catalog(case)
    return build_source(catalog.sources["corpus"], source_folder(case, tmp_path), catalog)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_corpus_case(case: Case, tmp_path: Path) -> None:
    if case.error is not None:
        with pytest.raises(DataError) as caught:
            run_case(case, tmp_path)
        error = caught.value
        assert case.error in str(error)
        assert error.file is not None and Path(error.file).name == case.file
        assert case.file in str(error)
        if case.error_row is not None:
            assert error.row == case.error_row and f"row {case.error_row}" in str(error)
        if case.error_column is not None:
            assert error.column == case.error_column and repr(case.error_column) in str(error)
        return
    result = run_case(case, tmp_path)
    assert_accounted(result)
    q = result.quarantine
    assert q["reason_code"].value_counts().to_dict() == case.reasons
    assert len(result.tidy) == case.kept
    assert len(result.aggregates) == case.aggregates
    kept = {(r.iso3, int(r.year)): r.value for r in result.tidy.itertuples()}
    for key, value in case.values.items():
        assert kept[key] == pytest.approx(value, rel=1e-12), key
    for flag, count in case.flags.items():
        assert int(result.tidy["flag"].str.split(";").map(lambda f, x=flag: x in f).sum()) == count
    for code, rows in case.quarantined_rows.items():
        assert sorted(int(r) for r in q.loc[q["reason_code"] == code, "raw_row"]) == rows
    if case.reason_text is not None:
        assert q["reason"].str.contains(case.reason_text, regex=False).all()
    if case.not_selected is not None:
        assert result.rows_not_selected == case.not_selected


def test_corpus_has_at_least_30_kinds_and_every_file_is_used_and_synthetic() -> None:
    assert len(CASES) >= 30
    files = {p.name for p in CORPUS.iterdir() if p.is_file() and not p.name.startswith(".")}
    files.discard("README.md")
    assert all("SYNTHETIC" in name for name in files | set(GENERATED))
    used = {case.file for case in CASES}
    assert files - used == set(), "corpus files no case uses"
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    for name in sorted(files | set(GENERATED)):
        assert name in readme, f"{name} is not described in tests/corpus/README.md"


def test_reason_codes_are_documented() -> None:
    doc = (REPO / "docs" / "RELIABILITY.md").read_text()
    for code in sorted(REASON_CODES):
        assert f"`{code}`" in doc, code


# --- no line is lost: every data line of a long file is a record or a reported bad row ---------

LONG_TEXT_CASES = [
    c for c in CASES if c.reader == "worldbank_long" and c.error is None and c.file.endswith(".csv")
]


def _lines(path: Path) -> list[str]:
    """The file's lines, decoded independently of the reader."""
    data = path.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        text = data.decode("utf-16")
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = data.decode("cp1252")
    return re.split("\r\n|\r|\n", text)


@pytest.mark.parametrize("case", LONG_TEXT_CASES, ids=[c.id for c in LONG_TEXT_CASES])
def test_every_data_line_is_read_or_reported(case: Case, tmp_path: Path) -> None:
    folder = source_folder(case, tmp_path)
    catalog = corpus_catalog(case)
    records = get_reader(case.reader)(catalog.sources["corpus"], folder)
    table = read_text_table(folder / case.file, ("Country Name", "Country Code", "Year", "Value"))
    found = set(records["raw_row"].astype(int))
    # lines inside a quoted field belong to the row that starts above them
    continued = {
        n + k
        for n, span in ((int(r), 1 + str(t).count("\n")) for r, t in _starts(table))
        for k in range(1, span)
    }
    for _, why in table.bad_rows:  # "... runs over lines A-B ..."
        span = re.search(r"lines (\d+)-(\d+)", why)
        if span:
            continued |= set(range(int(span.group(1)) + 1, int(span.group(2)) + 1))
    lines = _lines(folder / case.file)
    for number, line in enumerate(lines, start=1):
        if number <= table.header_row or number in continued:
            continue
        if line.strip(" ,;\t"):
            assert number in found, f"line {number} ({line!r}) neither read nor reported"
    assert len(records) == len(found)  # one record per line in a long file


def _starts(table: Any) -> list[tuple[int, str]]:
    frame: pd.DataFrame = table.frame
    return [
        (int(i), "".join(map(str, row))) for i, row in zip(frame.index, frame.values, strict=True)
    ]


# --- the command line: bad data is a message and a non-zero exit, never a traceback --------------

CLI_SOURCES = ["oecd-dgi-2023", "wb-gtmi-2020-2025"]


def _replace(path: Path, data: bytes) -> None:
    path.unlink()  # imported files keep the mirror's read-only mode
    path.write_bytes(data)


def _first_line_only(path: Path) -> None:
    _replace(path, path.read_bytes().splitlines(keepends=True)[0])


def _duplicate_header(path: Path) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    _replace(path, lines[0].rstrip(b"\r\n") + b',"value"\n' + b"".join(lines[1:]))


def _half(path: Path) -> None:
    data = path.read_bytes()
    _replace(path, data[: len(data) // 2])


CORRUPTIONS: dict[str, tuple[str, str, Callable[[Path], None], str]] = {
    # id: (source, file, corruption, fragment of the message)
    "binary garbage": (
        "oecd-dgi-2023",
        "oecd_dgi_2023.csv",
        lambda p: _replace(p, (CORPUS / "SYNTHETIC_binary_garbage.csv").read_bytes()),
        "binary content",
    ),
    "emptied": ("oecd-dgi-2023", "oecd_dgi_2023.csv", lambda p: _replace(p, b""), "file is empty"),
    "header only": ("oecd-dgi-2023", "oecd_dgi_2023.csv", _first_line_only, "no data rows"),
    "duplicated header": (
        "oecd-dgi-2023",
        "oecd_dgi_2023.csv",
        _duplicate_header,
        "duplicated column in header",
    ),
    "deleted": ("oecd-dgi-2023", "oecd_dgi_2023.csv", Path.unlink, "file missing from source"),
    "truncated workbook": (
        "wb-gtmi-2020-2025",
        "groups_data.xlsx",
        _half,
        "not a readable Excel workbook",
    ),
}


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Path:
    """A home with two real sources imported and built once."""
    from compare.build.run import build
    from compare.ingest.mirror import fetch_from_mirror

    home = tmp_path_factory.mktemp("cli-home")
    fetch_from_mirror(mirror, home=home, only=CLI_SOURCES)
    build(home, sources=CLI_SOURCES)
    return home


def _processed_matches_manifest(home: Path) -> dict[str, str]:
    """Every output file's sha256 equals the one in build_manifest.json (returned)."""
    import json

    from compare.storage.checksums import sha256_file

    processed = home / "data" / "processed"
    outputs = json.loads((processed / "build_manifest.json").read_text())["outputs"]
    assert outputs and all(sha256_file(processed / name) == sha for name, sha in outputs.items())
    return outputs


@pytest.mark.parametrize("what", list(CORRUPTIONS))
def test_cli_build_reports_bad_data_without_traceback(
    what: str,
    cli_home: Path,
    mirror: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from compare.cli import main

    source, name, corrupt, fragment = CORRUPTIONS[what]
    before = _processed_matches_manifest(cli_home)
    path = cli_home / "data" / "raw" / source / name
    corrupt(path)
    monkeypatch.setenv("COMPARE_HOME", str(cli_home))
    try:
        status = main(["build", "--only", *CLI_SOURCES])
        out, err = capsys.readouterr()
    finally:
        path.unlink(missing_ok=True)
        shutil.copyfile(mirror / source / name, path)
    assert status == 2
    assert err.startswith("compare build: error: ") and fragment in err and name in err
    assert "Traceback" not in out + err
    assert _processed_matches_manifest(cli_home) == before  # the previous build is untouched


def test_cli_build_unknown_source_lists_valid_ones(
    cli_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from compare.cli import main

    monkeypatch.setenv("COMPARE_HOME", str(cli_home))
    assert main(["build", "--only", "no-such-source"]) == 2
    err = capsys.readouterr().err
    assert "unknown source 'no-such-source'" in err and "oecd-dgi-2023" in err


def test_cli_build_without_imported_folder_says_what_to_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from compare.cli import main

    monkeypatch.setenv("COMPARE_HOME", str(tmp_path))
    assert main(["build", "--only", "oecd-dgi-2023"]) == 2
    assert "compare fetch --from MIRROR" in capsys.readouterr().err


@pytest.mark.parametrize("what", ["missing mirror", "empty folder", "unknown source"])
def test_cli_fetch_reports_bad_mirrors_without_traceback(
    what: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from compare.cli import main

    mirror = tmp_path / "mirror"
    (mirror / "SYNTHETIC-empty").mkdir(parents=True)
    home = tmp_path / "home"
    monkeypatch.setenv("COMPARE_HOME", str(home))
    argv, fragment = {
        "missing mirror": (["--from", str(tmp_path / "nowhere")], "mirror directory not found"),
        "empty folder": (["--from", str(mirror)], "holds no files"),
        "unknown source": (["--from", str(mirror), "--only", "nope"], "not in the mirror: nope"),
    }[what]
    assert main(["fetch", *argv]) == 2
    out, err = capsys.readouterr()
    assert err.startswith("compare fetch: error: ") and fragment in err
    assert "Traceback" not in out + err


def test_cli_fetch_recovers_from_a_damaged_manifest(
    tmp_path: Path,
    mirror: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from compare.cli import main
    from compare.ingest.mirror import MANIFEST

    monkeypatch.setenv("COMPARE_HOME", str(tmp_path))
    assert main(["fetch", "--from", str(mirror), "--only", "oecd-dgi-2023"]) == 0
    manifest = tmp_path / "data" / "raw" / "oecd-dgi-2023" / MANIFEST
    manifest.write_text('{"files": [{"file": "oecd_dgi_2023.csv"', encoding="utf-8")  # cut short
    capsys.readouterr()
    assert main(["fetch", "--from", str(mirror), "--only", "oecd-dgi-2023"]) == 0
    out = capsys.readouterr().out
    assert "changed oecd-dgi-2023" in out and "unreadable" in out
    import json

    files = {e["file"] for e in json.loads(manifest.read_text())["files"]}
    assert "oecd_dgi_2023.csv" in files


def test_cli_fetch_repairs_a_raw_file_damaged_after_import(
    tmp_path: Path,
    mirror: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from compare.cli import main
    from compare.storage.checksums import sha256_file

    monkeypatch.setenv("COMPARE_HOME", str(tmp_path))
    assert main(["fetch", "--from", str(mirror), "--only", "oecd-dgi-2023"]) == 0
    raw = tmp_path / "data" / "raw" / "oecd-dgi-2023" / "oecd_dgi_2023.csv"
    _half(raw)
    capsys.readouterr()
    assert main(["fetch", "--from", str(mirror), "--only", "oecd-dgi-2023"]) == 0
    assert "oecd_dgi_2023.csv: damaged or edited" in capsys.readouterr().out
    assert sha256_file(raw) == sha256_file(mirror / "oecd-dgi-2023" / "oecd_dgi_2023.csv")
    assert main(["build", "--only", "oecd-dgi-2023"]) == 0
