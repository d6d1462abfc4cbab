"""The words of the evidence report (``notebooks/evidence_overview.ipynb``) in the reader's
language: the claims' vocabularies (families, regions, levels of geography, documents, sections,
kinds of evidence, units), the consistency findings' severities and kinds, how the claims are
set against the data, a claim's figure as the paper states it (numbers by Babel, CLDR), and the
curated measures and places (their translations are in the catalogs:
:func:`compare.text.messages.from_evidence`).

The vocabularies themselves are declared in :mod:`compare.evidence.claims` (a layer above this
one); ``tests/evidence`` checks that every value has its words here. English shows every value
as curated (the English of the tables and sentences is unchanged by this module).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from compare.language import SOURCE_LANGUAGE, current
from compare.text import numbers
from compare.text.comparisons import family_label, group_label
from compare.text.i18n import N_, _, ngettext, t

if TYPE_CHECKING:
    import pandas as pd

#: Claim families beyond the indicator families (``compare.text.comparisons.FAMILY_LABELS``).
FAMILIES = (N_("governance"), N_("pedagogy"), N_("method"), N_("total"))
#: What a claim is about, beyond the two compared groups (claims' ``region``) and its level
#: (``geography_type``).
PLACES = (
    N_("global"), N_("multi-country"), N_("study"), N_("unspecified"), N_("institution"),
    N_("region"), N_("country"),
)  # fmt: skip
#: Where a claim comes from (``document``); INDEX.md is a file's name.
DOCUMENTS = {"paper": N_("paper"), "index": "INDEX.md", "note": N_("note")}
#: The sections of the paper (and of INDEX.md) as headings: the value ``capitalize``-d.
SECTIONS = (
    N_("Abstract"), N_("Introduction"), N_("Theoretical framework"), N_("Methodology"),
    N_("Case presentation"), N_("Results"), N_("Table 1"), N_("Discussion of results"),
    N_("Conclusions"), N_("Region-level figures"), N_("Note"),
)  # fmt: skip
#: Kinds of evidence (``evidence_kind``; a claim may hold several, ``;``-separated).
EVIDENCE_KINDS = (
    N_("survey"), N_("case study"), N_("report"), N_("commercial report"), N_("press release"),
    N_("journal article"), N_("blog post"), N_("news item"), N_("own method"), N_("not stated"),
    N_("commercial voluntary sample"), N_("secondary report"), N_("administrative count"),
)  # fmt: skip
#: The claims' units (``unit``, ``claim_unit``), named like the indicators' units
#: (``compare.text.tables.UNIT_LABELS``).
UNITS = (
    N_("percent_change"), N_("count"), N_("year"), N_("years"), N_("weeks"), N_("week_number"),
    N_("ects_credits"), N_("credits"), N_("eur_million"), N_("ordinal"),
)  # fmt: skip
#: Severities of a finding; "medium" has another word than an effect size's (a context in
#: the msgid, shown in English as the value itself).
SEVERITIES = {
    "high": N_("high (severity)"),
    "medium": N_("medium (severity)"),
    "low": N_("low (severity)"),
}
#: Kinds of finding (``compare.evidence.checks``), as words.
FINDING_KINDS = {
    "contradiction": N_("contradiction"),
    "value_conflict": N_("value conflict"),
    "citation_conflict": N_("citation conflict"),
    "figure_reuse": N_("figure reuse"),
    "measure_mismatch": N_("measure mismatch"),
    "unsupported_figure": N_("unsupported figure"),
    "missing_citation": N_("missing citation"),
    "citation_outside_window": N_("citation outside window"),
    "out_of_range": N_("out of range"),
}
#: How a claim meets the data (``claims_vs_data``: ``comparability``, ``statistic``) and where a
#: missing dataset is listed (``data_gaps``: ``listed_in``).
COMPARISONS = (
    N_("proxy"), N_("context only"), N_("none"), N_("same measure"),
    N_("100 - population-weighted mean"), N_("unweighted mean of countries"),
    N_("catalog.yml gaps"),
)  # fmt: skip

#: Column headers of the evidence report's tables (claims, findings, Tables 1 and 2 of the
#: paper, claims vs data, data gaps): words in the reader's language.
HEADERS = (
    N_("claim_id"), N_("document"), N_("line"), N_("section"), N_("quote"), N_("value_high"),
    N_("geography"), N_("citation"), N_("evidence_kind"), N_("finding_id"), N_("severity"),
    N_("kind"), N_("claim_ids"), N_("description"), N_("measure_id"), N_("findings"),
    N_("case_id"), N_("country_inst"), N_("focus"), N_("challenges"), N_("dimension"),
    N_("europe"), N_("latin_america"), N_("claim_value"), N_("claim_unit"), N_("data_group"),
    N_("data_value"), N_("data_ci_low"), N_("data_ci_high"), N_("data_year"), N_("coverage"),
    N_("n_countries"), N_("comparability"), N_("year_basis"), N_("label"), N_("gap"),
    N_("why"), N_("listed_in"), N_("institution"),
)  # fmt: skip


def _english() -> bool:
    return current() == SOURCE_LANGUAGE


def document(value: str) -> str:
    """``paper`` -> ``paper``, ``artículo``; ``index`` -> ``INDEX.md``."""
    return _(DOCUMENTS.get(value, value))


def section(value: str) -> str:
    """A section of the paper as a heading: ``CASE PRESENTATION`` -> ``Case presentation``,
    ``Presentación de los casos``."""
    return _(value.capitalize())


def kinds(value: str) -> str:
    """Kinds of evidence (``press release; report``) each in the reader's language."""
    if _english():
        return value
    return "; ".join(_(part.strip()) for part in value.split(";"))


def severity(value: str) -> str:
    """``medium`` -> ``media`` (English: the value)."""
    return value if _english() or value not in SEVERITIES else _(SEVERITIES[value])


def finding_kind(value: str) -> str:
    """``figure_reuse`` -> ``figure reuse``, ``cifra reutilizada``."""
    return _(FINDING_KINDS.get(value, value.replace("_", " ")))


def unit_word(value: str) -> str:
    """A claim's unit as a word (``percent_change`` -> ``variación porcentual``; English: the
    unit's id)."""
    return value if _english() else _(value)


def named(text: str) -> str:
    """``text`` (a measure, a title) between the reader's quotation marks: ``'…'``, ``«…»``,
    ``“…”`` (a quote of the paper is :func:`compare.text.escape.quote`: also marked)."""
    return t("'{quote}'", quote=text)


def measure(value: str) -> str:
    """A curated measure (``share of employers who value micro-credentials``) in the reader's
    language (the catalogs'; as curated when it has no translation)."""
    return _(value)


def place(value: str) -> str:
    """A claim's ``geography``: a country by its name in the reader's language (the mirror's
    name tables), anything else (regions, institutions, samples) from the catalogs."""
    if _english() or not value:
        return value
    translated = _(value)
    if translated != value:
        return translated
    from compare.geo.countries import country_name, to_iso3  # noqa: PLC0415

    code = to_iso3(value, warn=False)
    return country_name(code) if code else value


def country_of(name: str, codes: str) -> str:
    """A case's country as its table names it (English), else by its ISO3 codes' names in the
    reader's language (the mirror's name tables; ``Argentina-Chile`` for ``ARG;CHL``)."""
    if _english() or not codes:
        return name
    from compare.geo.countries import country_name  # noqa: PLC0415

    return "-".join(country_name(code) for code in codes.split(";"))


def institution(value: str) -> str:
    """A case's institution (``Peoples' Friendship University of Russia``) in the reader's
    language where it has a name there."""
    return _(value) if value else value


# --------------------------------------------------------------------------- figures


def _digits(value: float) -> int:
    return 0 if float(value).is_integer() else 2


def fmt_value(value: float, unit: str = "") -> str:
    """A claim's number as stated: ``15,000``, ``12.50``, ``2025`` (a year never grouped);
    Spanish and Portuguese by Babel (``15.000``, ``12,50``)."""
    if unit == "year":
        return str(int(value))
    if _english():
        return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"
    return numbers.decimal(float(value), _digits(value))


def _plural_count(value: float) -> int:
    """The count a plural form agrees with (a fraction reads as many: ``1,5 años``)."""
    return int(value) if float(value).is_integer() else 2


#: Units whose word follows the number, in the plural form the number asks for.
_COUNTED: dict[str, Callable[[int], str]] = {
    "years": lambda n: ngettext("{n} year", "{n} years", n),
    "weeks": lambda n: ngettext("{n} week", "{n} weeks", n),
    "ects_credits": lambda n: ngettext("{n} ECTS credit", "{n} ECTS credits", n),
    "credits": lambda n: ngettext("{n} credit", "{n} credits", n),
    "eur_million": lambda n: ngettext("{n} million euro", "{n} million euros", n),
}


def with_unit(value: float, unit: str) -> str:
    """A claim's value in its unit: ``35%``, ``42% change``, ``15,000 count`` (English as the
    tables write it); ``35 %``, ``variación del 42 %``, ``15.000``, ``5 años`` (Spanish)."""
    if _english():
        suffix = {"percent": "%", "percent_change": "% change", "year": ""}.get(unit, f" {unit}")
        return f"{fmt_value(value, unit)}{suffix}"
    if unit in ("percent", "percent_change"):
        shown = numbers.percent_figure(float(value), _digits(value))
        return shown if unit == "percent" else t("{percent} change", percent=shown)
    number = fmt_value(value, unit)
    if unit in _COUNTED:
        return _COUNTED[unit](_plural_count(value)).format(n=number)
    words = {"week_number": N_("week {n}"), "ordinal": N_("no. {n}")}.get(unit)
    if words:
        return t(words, n=number)
    return number if unit in ("year", "count") else f"{number} {unit}"


#: What a qualifier adds to a figure (``more than 15,000``).
QUALIFIED = {
    "more than": N_("more than {figure}"),
    "at least": N_("at least {figure}"),
    "almost": N_("almost {figure}"),
}


def stated(value: float, value_high: Any, unit: str, qualifier: str) -> str:
    """A claim's figure as stated: ``35%``, ``more than 15,000 count``, ``2024–2026``."""
    shown = with_unit(value, unit)
    if not numbers.is_missing(value_high):
        shown = f"{fmt_value(value, unit)}–{with_unit(value_high, unit)}"
    return t(QUALIFIED[qualifier], figure=shown) if qualifier in QUALIFIED else shown


# --------------------------------------------------------------------------- tables


def _known(words: Callable[[str], str], values: Any = None) -> Callable[[Any], Any]:
    """``words`` for the strings of a column (``values``: only these), anything else as is."""

    def apply(v: Any) -> Any:
        if not isinstance(v, str) or (values is not None and v not in values):
            return v
        return words(v)

    return apply


#: column -> how its values read (tables of the evidence report; applied by
#: :func:`compare.text.tables.localise` in another language than English).
COLUMNS: dict[str, Callable[[Any], Any]] = {
    "document": _known(document, DOCUMENTS),
    "section": _known(section),
    "evidence_kind": _known(kinds),
    "geography_type": _known(_, PLACES),
    "severity": _known(severity, SEVERITIES),
    "kind": _known(finding_kind, FINDING_KINDS),
    "comparability": _known(_, COMPARISONS),
    "statistic": _known(_, COMPARISONS),
    "listed_in": _known(_, COMPARISONS),
    "measure": _known(measure),
    "geography": _known(place),
    "claim_geography": _known(place),
    "claim_region": _known(group_label),
    "data_group": _known(group_label),
    "claim_unit": _known(unit_word),
    "institution": _known(institution),
}


def labelled(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the values of the evidence vocabularies' columns (:data:`COLUMNS`) in the
    reader's language (a copy; English: ``frame`` itself)."""
    if _english():
        return frame
    out = frame.copy()
    for column, words in COLUMNS.items():
        if column in out:
            out[column] = out[column].map(words)
    if "family" in out:
        out["family"] = out["family"].map(_known(family_label))
    return out
