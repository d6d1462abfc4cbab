"""The source paper's numeric claims, cases and challenges as data: the curated tables, their
vocabularies and schema, and their loaders.

The curation lives in ``data/raw/evidence/`` (committed, described in its README.md):
``paper_claims.csv`` (one row per numeric claim of the paper, plus the region-level survey figures
of the mirror's INDEX.md and the short note), ``cases.csv`` (Table 1), ``challenges.csv`` (Table 2)
and ``methodology_cases.csv`` (the cases the methodology says were selected)::

    from compare import evidence
    claims = evidence.load_claims()
    findings = evidence.check_consistency(claims)      # compare.evidence.checks
    side_by_side = evidence.claims_vs_data()           # compare.evidence.against_data

The files are read from :func:`evidence_dir`: the project home's ``data/raw/evidence`` when it
holds ``paper_claims.csv``, else the checkout's committed curation. The notebook's sentences are
computed by :mod:`compare.evidence.sentences`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compare.config import PACKAGE_DIR, paths, shared_dir
from compare.errors import CompareError, DataError
from compare.storage.reads import note as note_reads
from compare.text.evidence import fmt_value, with_unit  # noqa: F401 - used from here too
from compare.text.numbers import is_missing

if TYPE_CHECKING:
    import pandas as pd

CLAIMS_FILE = "paper_claims.csv"
CASES_FILE = "cases.csv"
CHALLENGES_FILE = "challenges.csv"
METHODOLOGY_CASES_FILE = "methodology_cases.csv"

LAC = "Latin America & Caribbean"

#: Where a row comes from: the paper, the mirror's INDEX.md, or the short note about the event.
DOCUMENTS = ("paper", "index", "note")
#: Claim families: the three indicator families of the catalog plus documented extras.
FAMILIES = (
    "employer_recognition",
    "digital_divide",
    "interoperability",
    "governance",
    "pedagogy",
    "context",
    "method",
)
#: unit -> (lowest, highest) valid value; None means unbounded.
UNITS: dict[str, tuple[float | None, float | None]] = {
    "percent": (0, 100),
    "percent_change": (-100, None),
    "count": (0, None),
    "year": (1900, 2100),
    "years": (0, None),
    "weeks": (0, None),
    "week_number": (1, None),
    "ects_credits": (0, None),
    "credits": (0, None),
    "eur_million": (0, None),
    "ordinal": (1, None),
}
INTEGER_UNITS = ("count", "year", "week_number", "ordinal")
QUALIFIERS = ("exact", "range", "more than", "at least", "almost", "approximately")
ROLES = ("evidence", "sample", "structural")
GEOGRAPHY_TYPES = (
    "region",
    "country",
    "institution",
    "global",
    "multi-country",
    "study",
    "unspecified",
)
REGIONS = ("Europe", LAC, "global", "multi-country", "study", "unspecified")
EVIDENCE_KINDS = (
    "survey",
    "case study",
    "report",
    "commercial report",
    "press release",
    "journal article",
    "blog post",
    "news item",
    "own method",
    "not stated",
    "commercial voluntary sample",
    "secondary report",
    "administrative count",
)
CITATION_SCOPES = ("", "figure", "sentence", "case heading", "quotation", "index entry")
SECTIONS_TABLE = "TABLE 1"
SECTION_CASES = "CASE PRESENTATION"
SEVERITIES = ("high", "medium", "low")
FINDING_COLUMNS = ["finding_id", "kind", "severity", "claim_ids", "measure_ids", "description"]

_TEXT_COLUMNS = (
    "claim_id", "document", "section", "quote", "qualifier", "unit", "measure", "measure_id",
    "exclusive_group", "geography", "geography_type", "iso3", "region", "family", "role",
    "citation", "citation_key", "citation_scope", "nearby_citation", "evidence_kind", "source",
    "sample", "notes",
)  # fmt: skip
_FLOAT_COLUMNS = ("value", "value_high")
_INT_COLUMNS = ("line", "case_id", "year")


# --------------------------------------------------------------------------- loading


#: The curation committed with the checkout (used when the project home has none).
CHECKOUT_EVIDENCE = PACKAGE_DIR.parent / "data" / "raw" / "evidence"


def evidence_dir(home: str | Path | None = None) -> Path:
    """The folder of the evidence curation: ``data/raw/evidence`` of the project home (``home``,
    else ``$COMPARE_HOME``, else the checkout) when it holds ``paper_claims.csv``, else the
    checkout's committed curation when that does, else the home's folder (which then lacks the
    file: callers check ``(evidence_dir(home) / CLAIMS_FILE).is_file()``)."""
    own = paths(home).evidence
    if (own / CLAIMS_FILE).is_file() or not (CHECKOUT_EVIDENCE / CLAIMS_FILE).is_file():
        return own
    return CHECKOUT_EVIDENCE


def _read_csv(path: Path) -> pd.DataFrame:
    import pandas as pd  # noqa: PLC0415

    if not path.is_file():
        raise CompareError(f"evidence file not found: {path}")
    note_reads("evidence", None)  # any file of the curation: the whole folder is fingerprinted
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _numbers(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Parse the numeric columns; an unparsable cell is a DataError naming file, row and column."""
    import pandas as pd  # noqa: PLC0415

    for column in (*_FLOAT_COLUMNS, *_INT_COLUMNS):
        text = frame[column].str.strip()
        parsed = pd.to_numeric(text.where(text != ""), errors="coerce")
        bad = parsed.isna() & (text != "")
        if column in _INT_COLUMNS:
            bad |= parsed.notna() & (parsed % 1 != 0)
        if bad.any():
            row = int(bad.idxmax())
            raise DataError(
                f"not a number: {frame.at[row, column]!r}",
                file=str(path),
                row=row + 2,
                column=column,
            )
        frame[column] = parsed.astype("Int64") if column in _INT_COLUMNS else parsed.astype(float)
    return frame


def claims_schema() -> Any:
    """The pandera schema of the claims table (columns, vocabularies, unique ids)."""
    import pandera.pandas as pa  # noqa: PLC0415

    def text(*checks: Any) -> Any:
        return pa.Column(str, list(checks))

    def vocabulary(values: Iterable[str]) -> Any:
        return text(pa.Check.isin(list(values)))

    kinds = pa.Check(
        lambda s: s.map(lambda v: all(k.strip() in EVIDENCE_KINDS for k in v.split(";"))),
        error=f"evidence_kind parts must be among {EVIDENCE_KINDS}",
    )
    return pa.DataFrameSchema(
        {
            "claim_id": text(pa.Check.str_matches(r"^[PXN]\d{3}$")),
            "document": vocabulary(DOCUMENTS),
            "line": pa.Column("Int64", pa.Check.ge(1)),
            "section": text(pa.Check.str_length(min_value=1)),
            "case_id": pa.Column("Int64", pa.Check.isin([1, 2, 3, 4]), nullable=True),
            "quote": text(pa.Check.str_length(min_value=3)),
            "value": pa.Column(float),
            "value_high": pa.Column(float, nullable=True),
            "qualifier": vocabulary(QUALIFIERS),
            "unit": vocabulary(UNITS),
            "measure": text(pa.Check.str_length(min_value=3)),
            "measure_id": text(pa.Check.str_matches(r"^[a-z][a-z0-9_]*$")),
            "exclusive_group": text(pa.Check.str_matches(r"^([a-z][a-z0-9_]*)?$")),
            "geography": text(pa.Check.str_length(min_value=1)),
            "geography_type": vocabulary(GEOGRAPHY_TYPES),
            "iso3": text(pa.Check.str_matches(r"^([A-Z]{3})?$")),
            "region": vocabulary(REGIONS),
            "family": vocabulary(FAMILIES),
            "role": vocabulary(ROLES),
            "year": pa.Column("Int64", pa.Check.in_range(1900, 2100), nullable=True),
            "citation": text(),
            "citation_key": text(),
            "citation_scope": vocabulary(CITATION_SCOPES),
            "nearby_citation": text(),
            "evidence_kind": text(kinds),
            "source": text(),
            "sample": text(),
            "notes": text(),
        },
        strict=True,
        ordered=True,
        unique=["claim_id"],
        coerce=False,
    )


def _validate(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    import pandera.pandas as pa  # noqa: PLC0415

    try:
        frame = claims_schema().validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        first = exc.failure_cases.iloc[0]
        index = first.get("index")
        row = int(index) + 2 if index is not None and not is_missing(index) else None
        column = first.get("column")
        raise DataError(
            f"{first.get('check')}: {first.get('failure_case')!r}",
            file=str(path),
            row=row,
            column=str(column) if column is not None and not is_missing(column) else None,
        ) from None
    citation_without_key = (frame["citation"] != "") != (frame["citation_key"] != "")
    if citation_without_key.any():
        row = int(citation_without_key.idxmax())
        raise DataError(
            "citation and citation_key must be both filled or both empty",
            file=str(path),
            row=row + 2,
            column="citation_key",
        )
    return frame


def load_claims(path: str | Path | None = None) -> pd.DataFrame:
    """The claims table (``paper_claims.csv``), typed and validated.

    ``value``/``value_high`` are floats, ``line``/``case_id``/``year`` nullable ints; text columns
    are strings ("" when empty). ``frame.attrs["evidence_dir"]`` remembers the folder, so that
    :func:`check_consistency` can read the case tables beside it.
    """
    path = Path(path) if path else evidence_dir() / CLAIMS_FILE
    frame = _read_csv(path)
    expected = set(_TEXT_COLUMNS) | set(_FLOAT_COLUMNS) | set(_INT_COLUMNS)
    missing = sorted(expected - set(frame.columns))
    if missing:
        raise DataError(f"missing column(s): {', '.join(missing)}", file=str(path))
    frame = _numbers(frame, path)
    frame = _validate(frame, path)
    frame.attrs["evidence_dir"] = str(path.parent)
    return frame


def load_cases(path: str | Path | None = None) -> pd.DataFrame:
    """Table 1 of the paper: one row per case (verbatim cells plus country, ISO3, region)."""
    path = Path(path) if path else evidence_dir() / CASES_FILE
    frame = _read_csv(path)
    for column in ("case_id", "table_line", "narrative_line"):
        frame[column] = frame[column].astype(int)
    return frame


def load_challenges(path: str | Path | None = None, *, long: bool = False) -> pd.DataFrame:
    """Table 2 of the paper: challenge dimension x Europe / Latin America (``long=True``: tidy)."""
    path = Path(path) if path else evidence_dir() / CHALLENGES_FILE
    frame = _read_csv(path)
    frame["line"] = frame["line"].astype(int)
    if not long:
        return frame
    tidy = frame.melt(
        id_vars=["dimension", "line"],
        value_vars=["europe", "latin_america"],
        var_name="region",
        value_name="challenge",
    )
    tidy["region"] = tidy["region"].map({"europe": "Europe", "latin_america": "Latin America"})
    return tidy[["dimension", "region", "challenge", "line"]]


def load_methodology_cases(path: str | Path | None = None) -> pd.DataFrame:
    """The four cases the methodology (lines 85-88) says were selected."""
    path = Path(path) if path else evidence_dir() / METHODOLOGY_CASES_FILE
    frame = _read_csv(path)
    frame["line"] = frame["line"].astype(int)
    return frame


# --------------------------------------------------------------------------- source texts


def source_texts(shared: str | Path | None = None) -> dict[str, str]:
    """The texts the quotes come from: ``paper`` (seed 003), ``note`` (seed 000), ``index``
    (the mirror's INDEX.md), read where they lie under the shared folder."""
    root = Path(shared) if shared else shared_dir()
    note_reads("texts", ["shared"])
    seeds = root / "seeds"
    found = {
        "paper": sorted(seeds.glob("003_*.txt")),
        "note": sorted(seeds.glob("000_*.txt")),
        "index": [root / "data" / "sources" / "INDEX.md"],
    }
    texts = {}
    for document, files in found.items():
        if not files or not files[0].is_file():
            raise CompareError(f"source text for {document!r} not found under {root}")
        texts[document] = files[0].read_text(encoding="utf-8")
    return texts


def normalise_space(text: str) -> str:
    """Collapse every run of whitespace to one space."""
    return re.sub(r"\s+", " ", text).strip()


def verify_quotes(claims: pd.DataFrame, texts: dict[str, str] | None = None) -> pd.DataFrame:
    """One row per claim: is its quote in its document, and within lines ``line``..``line+2``?"""
    import pandas as pd  # noqa: PLC0415

    texts = texts or source_texts()
    whole = {doc: normalise_space(text) for doc, text in texts.items()}
    lines = {doc: text.split("\n") for doc, text in texts.items()}
    rows = []
    for claim in claims.itertuples(index=False):
        quote = normalise_space(claim.quote)
        start = int(claim.line) - 1
        window = normalise_space(" ".join(lines[claim.document][start : start + 3]))
        rows.append(
            {
                "claim_id": claim.claim_id,
                "document": claim.document,
                "line": int(claim.line),
                "in_document": quote in whole[claim.document],
                "at_line": quote in window,
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- helpers


def citation_keys(citation_key: str) -> frozenset[str]:
    return frozenset(part.strip() for part in citation_key.split(";") if part.strip())


def citation_years(citation_key: str) -> list[int]:
    return [int(y) for y in re.findall(r"\b(1[89]\d\d|20\d\d)\b", citation_key)]


# --------------------------------------------------------------------------- notebook helpers


def _check_choice(name: str, value: str | None, valid: Iterable[str]) -> None:
    from compare.errors import ParameterError  # noqa: PLC0415

    valid = list(valid)
    if value is not None and value not in valid:
        raise ParameterError(f"unknown {name} {value!r}; valid values: {', '.join(valid)}")


def select_claims(
    claims: pd.DataFrame,
    *,
    family: str | None = None,
    region: str | None = None,
    include_index: bool = True,
) -> pd.DataFrame:
    """The claims of one ``family`` and/or ``region`` (None: all); without the INDEX.md rows when
    ``include_index`` is False. Unknown values raise a ParameterError listing the valid ones."""
    _check_choice("family", family, FAMILIES)
    _check_choice("region", region, REGIONS)
    keep = claims["document"].isin(DOCUMENTS if include_index else ("paper", "note"))
    if family is not None:
        keep &= claims["family"] == family
    if region is not None:
        keep &= claims["region"] == region
    return claims[keep]


def claims_by(claims: pd.DataFrame, rows: str = "family", columns: str = "region") -> pd.DataFrame:
    """Counts of claims, ``rows`` x ``columns`` (with totals), in the vocabularies' order."""
    import pandas as pd  # noqa: PLC0415

    order = {"family": FAMILIES, "region": REGIONS, "document": DOCUMENTS, "role": ROLES}
    table = pd.crosstab(claims[rows], claims[columns], margins=True, margins_name="total")
    for axis, name in ((0, rows), (1, columns)):
        if name in order:
            present = [v for v in order[name] if v in table.axes[axis]] + ["total"]
            table = table.reindex(present, axis=axis)
    return table


def findings_at_least(findings: pd.DataFrame, severity: str = "low") -> pd.DataFrame:
    """The findings of ``severity`` or worse (high > medium > low)."""
    _check_choice("severity", severity, SEVERITIES)
    worst = SEVERITIES[: SEVERITIES.index(severity) + 1]
    return findings[findings["severity"].isin(worst)]


def data_gaps(shared: str | Path | None = None) -> pd.DataFrame:
    """What per-country evidence does not exist: the catalog's ``gaps`` and the "Not found" list
    of the mirror's INDEX.md (columns: gap, family, why, listed_in). In another language than
    English the catalog's words are translated and INDEX.md's, quoted as written, are marked
    (:func:`compare.text.escape.foreign`: show the table with ``compare.show_quotes``)."""
    import pandas as pd  # noqa: PLC0415

    from compare.catalog import load_catalog  # noqa: PLC0415
    from compare.text.escape import foreign  # noqa: PLC0415
    from compare.text.i18n import _  # noqa: PLC0415

    rows = [  # the catalog's words, translated; INDEX.md's quoted, marked in another language
        {"gap": _(gap.title), "family": gap.family, "why": _(gap.why),
         "listed_in": "catalog.yml gaps"}
        for gap in load_catalog().gaps.values()
    ]  # fmt: skip
    try:
        index = source_texts(shared)["index"]
    except CompareError:
        index = ""
    section = re.search(r"^## Not found[^\n]*\n(.*?)(?=^## )", index, re.S | re.M)
    for line in section.group(1).splitlines() if section else []:
        if line.startswith("- "):
            gap, _, why = line[2:].partition(":")
            rows.append(
                {"gap": foreign(gap.strip()), "family": "", "why": foreign(why.strip()),
                 "listed_in": "INDEX.md"}
            )  # fmt: skip
    return pd.DataFrame(rows, columns=["gap", "family", "why", "listed_in"])
