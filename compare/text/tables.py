"""Tables as a reader of another language sees them: headers, labels, country and group names
and numbers in the current language (English tables are shown as computed, p-values written out
as sentences write them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from compare.language import SOURCE_LANGUAGE, current
from compare.text.comparisons import family_label, group_label, title_label
from compare.text.evidence import UNITS as CLAIM_UNITS
from compare.text.evidence import labelled
from compare.text.i18n import N_, _

if TYPE_CHECKING:
    import pandas as pd

#: Column headers of the tables the reports show (statistics, values, coverage).
HEADERS = (
    N_("measure"), N_("group"), N_("value"), N_("ci_low"), N_("ci_high"), N_("pvalue"), N_("n"),
    N_("unit"), N_("note"), N_("iso3"), N_("country"), N_("region"), N_("weight"), N_("year"),
    N_("source_id"), N_("flag"), N_("indicator"), N_("title"), N_("family"),
    # the coverage table (compare.stats.coverage_table; a: the first group, b: the second)
    N_("first_year"), N_("last_year"), N_("members_a"), N_("with_data_a"), N_("latest_a"),
    N_("in_latest_a"), N_("years_enough_a"), N_("members_b"), N_("with_data_b"), N_("latest_b"),
    N_("in_latest_b"), N_("years_enough_b"),
)  # fmt: skip

#: The measures of a comparison's summary table (``compare.stats.comparison``).
MEASURES = (
    N_("n_with_data"), N_("n_without"), N_("coverage_pop"), N_("mean"), N_("weighted_mean"),
    N_("n_effective"), N_("largest_weight_share"), N_("weighted_mean_bound_low"),
    N_("weighted_mean_bound_high"), N_("median"), N_("q1"), N_("q3"), N_("min"), N_("max"),
    N_("gap_unweighted"), N_("gap_weighted"), N_("welch_t"), N_("mann_whitney_u"),
    N_("cohen_d"), N_("hedges_g"), N_("cliffs_delta"), N_("glm_ame"), N_("glm_ame_controlled"),
    N_("ols_effect"), N_("ols_effect_controlled"),
)  # fmt: skip

#: Units as the summary table names them.
UNIT_LABELS = (
    N_("countries"), N_("share_0_1"), N_("statistic"), N_("effect_size"), N_("percent"),
    N_("percentage_points"), N_("index_0_1"), N_("index_points"), N_("score_0_100"),
    N_("score_points"), N_("per_100_people"), N_("per_million_people"), N_("int_dollars_ppp"),
    N_("people"),
)  # fmt: skip

_LABELLED = {"measure": MEASURES, "unit": (*UNIT_LABELS, *CLAIM_UNITS)}

#: Columns that hold years: written as years (``2022``), never as grouped numbers (``2.022``),
#: also when a missing value made them floats.
YEAR_COLUMNS = (
    "year", "first_year", "last_year", "latest_a", "latest_b", "data_year", "claim_year",
)  # fmt: skip


def _number(x: Any) -> Any:
    """A float cell in the current language: up to six decimals as pandas shows them, the
    locale's signs and grouping (CLDR, by Babel), tiny values in scientific notation."""
    from babel.numbers import format_decimal  # noqa: PLC0415

    from compare.text.numbers import is_missing  # noqa: PLC0415

    if isinstance(x, bool) or not isinstance(x, float) or is_missing(x):
        return x
    if x and abs(x) < 1e-4:  # tiny: never rounded to 0
        from compare.text.numbers import scientific  # noqa: PLC0415

        return scientific(x)
    return format_decimal(round(x, 6), locale=current(), decimal_quantization=False)


#: Columns of p-values: written as sentences write them in every language
#: (:func:`compare.text.numbers.pvalue`), English included.
PVALUE_COLUMNS = ("pvalue", "welch_p", "welch_p_holm", "mann_whitney_p", "mann_whitney_p_holm")


def _pvalues(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with its p-value columns written out (the same frame when it has none)."""
    from compare.text.numbers import is_missing, pvalue  # noqa: PLC0415

    columns = [c for c in PVALUE_COLUMNS if c in frame and frame[c].dtype.kind == "f"]
    if not columns:
        return frame
    out = frame.copy()
    for column in columns:
        out[column] = out[column].astype(object).map(lambda p: None if is_missing(p) else pvalue(p))
    return out


def localise(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` for the reader: in English as computed; otherwise country names (from ``iso3``),
    group names, measure and unit labels, numbers and headers in the current language; p-values
    as sentences write them, in every language."""
    if current() == SOURCE_LANGUAGE:
        return _pvalues(frame)
    from compare.geo.countries import country_name  # noqa: PLC0415

    out = _pvalues(frame).copy()
    if "country" in out and "iso3" in out:
        out["country"] = out["iso3"].map(lambda code: country_name(str(code)))
    for column in ("region", "group"):
        if column in out:
            out[column] = out[column].map(lambda g: group_label(g) if isinstance(g, str) else g)
    if "title" in out:
        out["title"] = out["title"].map(lambda v: title_label(v) if isinstance(v, str) else v)
    if "family" in out:
        out["family"] = out["family"].map(lambda v: family_label(v) if isinstance(v, str) else v)
    for column, known in _LABELLED.items():
        if column in out:
            out[column] = out[column].map(lambda v, k=known: _(v) if v in k else v)
    out = labelled(out)  # the evidence report's vocabularies (claims, findings)
    for column in out.columns:
        if column in YEAR_COLUMNS and out[column].dtype.kind == "f":
            out[column] = out[column].astype(object).map(_year)
        elif out[column].dtype.kind == "f":
            out[column] = out[column].astype(object).map(_number)
    return out.rename(columns={c: header(c) for c in out.columns if isinstance(c, str)})


def _year(x: Any) -> Any:
    """A year held in a float column (``2022.0``) as ``2022``; missing as is."""
    from compare.text.numbers import is_missing  # noqa: PLC0415

    return x if is_missing(x) or not float(x).is_integer() else str(int(x))


def header(column: str) -> str:
    """A column header in the current language; a header made of ``;``-separated values (a
    count table's columns: ``press release; report``) part by part."""
    return "; ".join(_(part.strip()) for part in column.split(";")) if ";" in column else _(column)
