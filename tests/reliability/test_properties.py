"""Property-based tests (hypothesis) of the readers, the value parsers, the build step and the
country harmoniser.

* Any bytes given to a reader raise nothing but a :class:`CompareError` subclass.
* In a generated table (any delimiter, encoding, line ending, preamble, quoting, blank, short and
  long rows) every data line is either a record at its own line number, with its fields as
  written, or a reported bad row; nothing else comes back.
* Through the whole build step, the accounting invariant holds, a value generated from a number
  comes back as that number, a missing marker never becomes a value, and anything kept was
  written as a number.
* The harmoniser takes any text and never raises; what it maps is a known code.

Example counts are set in ``SETTINGS`` (CI budget); ``docs/RELIABILITY.md`` reports them.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
import string
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compare.build.run import build_source
from compare.catalog import parse_catalog
from compare.errors import CompareError, DataError
from compare.ingest.sources.base import read_text_table
from compare.ingest.sources.worldbank import read_long, read_wide
from compare.ingest.values import parse_values, parse_years

EXAMPLES = int(os.environ.get("COMPARE_FUZZ_EXAMPLES", "200"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
LONG_HEADER = ["Country Name", "Country Code", "Year", "Value"]
MARKERS = ("", "..", "...", ":", ".", "NA", "n/a", "-")
LINE_BREAK = re.compile("\r\n|\r|\n")
#: What the build may read as a number (an oracle written apart from compare.ingest.values).
NUMBER_TEXT = re.compile(
    r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?%?$"  # plain
    r"|^[+-]?(\d{1,3}(\.\d{3})+|\d+),\d+%?$"  # decimal comma
    r"|^[+-]?\d{1,3}(,\d{3})+(\.\d+)?%?$",  # thousands separators
    re.ASCII,
)

# --- cells ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A cell as written, and the number it stands for (None: no number intended)."""

    text: str
    number: float | None = None
    marker: bool = False


def _text(codec: str | None = None) -> st.SearchStrategy[str]:
    return st.text(
        st.characters(codec=codec, exclude_characters="\x00", exclude_categories=("Cs",)),
        max_size=12,
    )


plain_numbers = st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False).map(
    lambda x: Cell(repr(x), x)
)
decimal_commas = st.integers(-99999, 99999).map(
    lambda n: Cell(f"{n / 100:.2f}".replace(".", ","), round(n / 100, 2))
)
integers = st.integers(-(10**6), 10**6).map(lambda n: Cell(str(n), float(n)))
markers = st.sampled_from(MARKERS).map(lambda m: Cell(m, None, marker=True))


def value_cells(codec: str | None) -> st.SearchStrategy[Cell]:
    return st.one_of(plain_numbers, decimal_commas, integers, markers, _text(codec).map(Cell))


def year_cells(codec: str | None) -> st.SearchStrategy[str]:
    return st.one_of(
        st.integers(1900, 2200).map(str),
        st.integers(1950, 2100).map(lambda y: f"{y} [YR{y}]"),
        _text(codec),
    )


ENTITIES = ["Spain", "ESP", "México", "Brasil", "Côte d'Ivoire", "World", "EUU", "Atlantis", ""]


@dataclass(frozen=True)
class Table:
    """A generated delimited file and what each of its rows is."""

    data: bytes
    encoding: str
    rows: list[tuple[int, list[str], list[Cell]]]  # (first line, fields, value cell)
    width: int


@st.composite
def long_tables(draw: st.DrawFn) -> Table:
    """A long table ``Country Name, Country Code, Year, Value`` with odd rows among good ones."""
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    codec = "cp1252" if encoding == "cp1252" else None
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    preamble = draw(st.lists(st.text(string.ascii_letters + " :-", max_size=20), max_size=3))
    body: list[tuple[list[str], list[Cell]]] = []
    for _ in range(draw(st.integers(1, 12))):
        kind = draw(st.sampled_from(["good", "good", "good", "short", "long", "blank"]))
        name = draw(st.one_of(st.sampled_from(ENTITIES), _text(codec)))
        code = draw(st.sampled_from(["", "ESP", "MEX", "WLD", "XXX"]))
        value = draw(value_cells(codec))
        fields = [name, code, draw(year_cells(codec)), value.text]
        if kind == "short":
            fields = fields[: draw(st.integers(1, 3))]
        elif kind == "long":
            fields = [*fields, *draw(st.lists(_text(codec), min_size=1, max_size=3))]
        elif kind == "blank":
            fields = [""] * draw(st.integers(0, 4))
        body.append((fields, [value]))
    out = io.StringIO()
    for line in preamble:
        out.write(line + newline)
    out.write(_line(LONG_HEADER, delimiter, newline))
    rows = []
    for fields, cells in body:
        start = len(LINE_BREAK.findall(out.getvalue())) + 1
        out.write(_line(fields, delimiter, newline))
        rows.append((start, fields, cells))
    return Table(out.getvalue().encode(encoding), encoding, rows, len(LONG_HEADER))


def _line(fields: list[str], delimiter: str, newline: str) -> str:
    """One CSV line (RFC 4180 quoting: a field holding the delimiter, a quote or a line break is
    quoted), written apart from the csv module the reader uses."""

    def one(field: str) -> str:
        if any(c in field for c in (delimiter, '"', "\r", "\n")):
            return '"' + field.replace('"', '""') + '"'
        return field

    return delimiter.join(one(f) for f in fields) + newline


def _blank(fields: list[str]) -> bool:
    return all(not f.strip() for f in fields)


def _readable(fields: list[str], table: Table) -> bool:
    """A line with the header's width (blank extra fields allowed) that is not blank."""
    width = table.width
    extra_blank = len(fields) > width and _blank(fields[width:])
    return not _blank(fields) and (len(fields) == width or extra_blank)


def _normal(text: str) -> str:
    """Line breaks inside a field as the reader gives them back."""
    return LINE_BREAK.sub("\n", text)


def _write(tmp_path: Path, data: bytes, name: str = "SYNTHETIC_generated.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --- readers -------------------------------------------------------------------------------------


@SETTINGS
@given(
    st.one_of(
        st.binary(max_size=400),
        st.binary(max_size=300).map(lambda b: b"Country Name,Country Code,Year,Value\n" + b),
        st.binary(max_size=300).map(lambda b: b"\xff\xfe" + b),
        st.binary(max_size=300).map(lambda b: b"\xef\xbb\xbfCountry Name;Country Code\n" + b),
    )
)
def test_any_bytes_raise_only_compare_errors(tmp_path: Path, data: bytes) -> None:
    path = _write(tmp_path, data)
    for required in (("Country Name", "Country Code", "Year", "Value"), ("Country Name",)):
        try:
            table = read_text_table(path, required)
        except CompareError:
            continue
        assert table.frame.index.is_unique and (table.frame.index > table.header_row).all()


@SETTINGS
@given(long_tables())
def test_every_line_is_a_record_or_a_bad_row(tmp_path: Path, table: Table) -> None:
    path = _write(tmp_path, table.data)
    source = _catalog("worldbank_long", path.name).sources["gen"]
    if all(_blank(fields) for _, fields, _ in table.rows):
        with pytest.raises(DataError, match="no data rows below the header"):
            read_long(source, tmp_path)
        return
    records = read_long(source, tmp_path)
    good = records[records["problem"] == ""].set_index("raw_row")
    bad = records[records["problem"] != ""].set_index("raw_row")
    assert good.index.is_unique and bad.index.is_unique
    expected_good, expected_bad = set(), set()
    for line, fields, _ in table.rows:
        if _blank(fields):
            continue  # a blank line: nothing to read (it may come back as a bad row)
        if _readable(fields, table):
            expected_good.add(line)
            assert line in good.index, f"line {line} {fields!r} lost"
            record = good.loc[line]
            if table.encoding != "cp1252":  # cp1252 bytes can be valid UTF-8 too
                assert record["year"] == _normal(fields[2])
                assert record["value"] == _normal(fields[3])
                code = fields[1].strip()
                assert record["entity"] == (_normal(code) or _normal(fields[0]).strip())
        else:
            expected_bad.add(line)
            assert line in bad.index, f"line {line} {fields!r} neither read nor reported"
    assert set(good.index) == expected_good  # nothing invented
    assert set(bad.index) - expected_bad <= {line for line, f, _ in table.rows if _blank(f)}


@st.composite
def wide_tables(draw: st.DrawFn) -> tuple[bytes, list[str], list[tuple[int, list[str]]]]:
    """A wide World Bank table (official or DataBank year labels), UTF-8."""
    years = draw(st.lists(st.integers(1960, 2030), min_size=1, max_size=6, unique=True))
    databank = draw(st.booleans())
    labels = [f"{y} [YR{y}]" if databank else str(y) for y in years]
    header = ["Country Name", "Country Code", "Indicator Name", "Indicator Code", *labels]
    rows = []
    for _ in range(draw(st.integers(1, 8))):
        cells = [draw(st.one_of(value_cells(None), markers)).text for _ in labels]
        rows.append([draw(st.sampled_from(ENTITIES[:-1])), "", "name", "SYN.PCT", *cells])
    out = io.StringIO()
    if draw(st.booleans()):
        out.write('"Data Source","World Development Indicators",\n\n"Last Updated Date","x",\n\n')
    out.write(_line(header, ",", "\n"))
    starts = []
    for row in rows:
        starts.append(len(LINE_BREAK.findall(out.getvalue())) + 1)
        out.write(_line(row, ",", "\n"))
    return out.getvalue().encode("utf-8"), header, list(zip(starts, rows, strict=True))


@SETTINGS
@given(wide_tables())
def test_wide_reader_one_record_per_filled_cell(tmp_path: Path, generated: tuple) -> None:
    data, header, rows = generated
    path = _write(tmp_path, data)
    source = _catalog("worldbank_wide", path.name).sources["gen"]
    try:
        records = read_wide(source, tmp_path)
    except DataError as exc:
        assert "no data rows" in str(exc) or "file is empty" in str(exc)
        return
    expected = {
        (start, header[j]): _normal(cell)
        for start, row in rows
        for j, cell in enumerate(row)
        if j >= 4 and cell.strip()
    }
    found = {
        (int(r.raw_row), str(r.raw_column)): str(r.value)
        for r in records.itertuples()
        if not r.problem
    }
    assert found == expected


# --- values and years ----------------------------------------------------------------------------


@SETTINGS
@given(
    st.lists(st.one_of(_text(), value_cells(None).map(lambda c: c.text)), max_size=30),
    st.lists(st.sampled_from(MARKERS), max_size=4),
)
def test_parse_values_never_raises_and_explains_every_gap(texts: list, declared: list) -> None:
    parsed = parse_values(pd.Series(texts, dtype=object), tuple(declared))
    assert len(parsed) == len(texts)
    for text, row in zip(texts, parsed.itertuples(), strict=True):
        if row.reason_code:
            assert math.isnan(row.value) and row.reason
        else:
            assert math.isfinite(row.value)
            assert NUMBER_TEXT.match(text.strip().replace(" ", "").replace("\u00a0", "")), text
        if text.strip() in declared or not text.strip():
            assert row.reason_code == "missing_marker"


@SETTINGS
@given(st.lists(st.one_of(_text(), year_cells(None)), max_size=30))
def test_parse_years_gives_plausible_years_or_reasons(texts: list) -> None:
    parsed = parse_years(pd.Series(texts, dtype=object))
    for row in parsed.itertuples():
        if row.reason:
            assert pd.isna(row.year)
        else:
            assert 1950 <= int(row.year) <= 2100


# --- the build step ------------------------------------------------------------------------------


def _catalog(reader: str, file: str, markers: tuple[str, ...] = MARKERS):
    data = {
        "units": {"score": "score"},
        "sources": {
            "gen": {
                "reader": reader,
                "files": [file],
                "licence": "SYNTHETIC",
                "citation": "SYNTHETIC generated table",
                "series": "SYN.PCT",
                "missing_markers": list(markers),
            }
        },
        "indicators": {
            "synthetic": {
                "title": "SYNTHETIC",
                "family": "context",
                "unit": "score",
                "source": "gen",
                "series": "SYN.PCT",
                "range": [-1e7, 1e7],
            }
        },
    }
    return parse_catalog(data, Path("SYNTHETIC_catalog.yml"))


@SETTINGS
@given(long_tables())
def test_build_accounts_for_every_row_and_keeps_only_numbers(tmp_path: Path, table: Table) -> None:
    path = _write(tmp_path, table.data)
    catalog = _catalog("worldbank_long", path.name)
    try:
        result = build_source(catalog.sources["gen"], tmp_path, catalog)
    except DataError:
        return  # e.g. every data line blank: "no data rows below the header"
    result.check_invariant()
    assert len(result.tidy) + len(result.quarantine) + len(result.aggregates) == result.rows_read
    cells = {line: cells[0] for line, fields, cells in table.rows if _readable(fields, table)}
    for row in result.tidy.itertuples():
        cell = cells[row.raw_row]  # a KeyError: a value kept from a line that was not a row
        assert cell is not None and not cell.marker
        if cell.number is not None:
            assert row.value == pytest.approx(cell.number, rel=1e-9, abs=1e-9)
        else:
            assert NUMBER_TEXT.match(cell.text.strip().replace(" ", "")), cell.text
    quarantined = result.quarantine
    for row in quarantined.itertuples():
        assert row.reason_code and row.reason


# --- the harmoniser ------------------------------------------------------------------------------

names = st.one_of(
    _text(),
    st.none(),
    st.integers(),
    st.floats(),
    st.sampled_from(["Spain", "ESP", "es", "724", "World", "EUU", "San Martín", "nan", " "]),
)


@SETTINGS
@given(st.lists(names, max_size=20))
def test_harmonise_takes_any_text(values: list) -> None:
    from compare.geo import countries

    known = set(countries.countries())
    result = countries.harmonise(values)
    assert len(result.matches) == len(values)
    for match in result.matches:
        assert match.status in {"country", "aggregate", "ambiguous", "unmapped"}
        if match.status == "country":
            assert match.iso3 in known and match.aggregate_code is None
        else:
            assert match.iso3 is None
        if match.status == "ambiguous":
            assert len(match.candidates) > 1 and set(match.candidates) <= known
    assert countries.harmonise(values).status == result.status  # deterministic
    codes = countries.to_iso3(values, warn=False)
    assert list(codes) == result.iso3
    series = countries.to_iso3(pd.Series(values, dtype=object), warn=False)
    assert list(series) == result.iso3


def _aliases() -> list[tuple[str, str]]:
    from compare.config import REFERENCE_DIR

    with (REFERENCE_DIR / "aliases.csv").open(encoding="utf-8", newline="") as handle:
        return [(row["alias"], row["iso3"]) for row in csv.DictReader(handle)]


@SETTINGS
@given(
    st.sampled_from(_aliases()),
    st.sampled_from([str.upper, str.lower, str.title, str.casefold]),
    st.sampled_from(["", " ", "  ", "\t"]),
)
def test_harmonise_ignores_case_and_spacing(alias: tuple, change, pad: str) -> None:
    from compare.geo import countries

    name, _ = alias
    plain = countries.match(name)
    varied = countries.match(pad + change(name) + pad)
    assert (varied.status, varied.iso3, varied.candidates) == (
        plain.status,
        plain.iso3,
        plain.candidates,
    )
