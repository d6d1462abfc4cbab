"""The paper's figures set against the country data (compare.stats), or a note saying why no data
can speak to them."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from compare.catalog import load_catalog
from compare.config import COVERAGE_THRESHOLD, MIN_COUNTRIES
from compare.evidence.claims import (
    CLAIMS_FILE,
    LAC,
    citation_keys,
    citation_years,
    evidence_dir,
    load_claims,
)
from compare.geo.countries import reference
from compare.geo.regions import members
from compare.stats.comparison import compare_regions
from compare.stats.over_time import regional_means
from compare.stats.panel import coverage, read_panel
from compare.text.comparisons import group_label, title_label
from compare.text.escape import quote
from compare.text.evidence import measure, place, with_unit
from compare.text.i18n import N_, _, ngettext, t
from compare.text.numbers import decimal, fixed, is_missing, share
from compare.text.numbers import value as unit_value

if TYPE_CHECKING:
    import pandas as pd


#: Paper measures that the internet-use data speak to (as a proxy): the share NOT using it.
INTERNET_PROXY_MEASURES = ("lac_pop_digital_divide", "lac_beneficiaries_no_stable_access")
#: Paper measures set against the digital-government indices (context only, not the same measure).
GOVERNMENT_CONTEXT_MEASURES = ("lac_univ_integrated_exchange",)
GOVERNMENT_INDICES = ("egdi", "osi", "gtmi", "dgi")
INTERNET_INDICATOR = "internet_users_pct"

CVD_COLUMNS = [
    "claim_id", "claim_ids", "measure_id", "label", "quote", "claim_value", "claim_unit",
    "claim_year", "claim_geography", "claim_region", "citation", "indicator", "data_group",
    "statistic", "data_value", "data_ci_low", "data_ci_high", "data_unit", "data_year",
    "year_rule", "year_basis",
    "coverage", "n_countries", "n_members", "comparability", "difference", "method", "verdict",
    "note", "weighted_mean", "weighted_withheld", "gap", "gap_ci_low", "gap_ci_high",
]  # fmt: skip

_NO_DATA_NOTES = {
    "employers_value_mc": N_(
        "INDEX.md: Cedefop (2023) is qualitative, with no country percentages found; the "
        "region-level employer figures listed in INDEX.md (rows X...) are commercial voluntary "
        "samples, not comparable statistics."
    ),
    "graduates_employed_short_term": N_("The catalog has no graduate-employment indicator."),
    "lac_unharmonised_systems": N_("No dataset on the harmonisation of education systems."),
    "jobs_partially_automatable": N_("No automation-risk indicator in the catalog."),
}


def _no_data_note(row: Any, gaps: dict[str, Any]) -> str:
    """Why no country data can speak to a claim."""
    specific = _(_NO_DATA_NOTES.get(row.measure_id, ""))
    if row.geography_type == "institution" or not is_missing(row.case_id):
        base = _("A figure about one institution or case study: no country dataset measures it.")
    elif row.family == "employer_recognition" and "employer_recognition_pct" in gaps:
        base = t("No per-country data: {why}", why=_(gaps["employer_recognition_pct"].why))
    elif row.geography_type == "country":
        base = _("No indicator in the catalog measures this for the country.")
    else:
        base = t(
            "No indicator in the catalog measures this, and no per-country public data were "
            "found (INDEX.md, {section}).",
            section=quote("Not found"),
        )
    return f"{base} {specific}".strip()


def _cited_years(rows: pd.DataFrame) -> dict[int, tuple[str, list[str]]]:
    """Publication year -> (first mention citing a source of that year, the sources' keys)."""
    years: dict[int, tuple[str, list[str]]] = {}
    for row in rows.itertuples(index=False):
        for key in sorted(citation_keys(row.citation_key)):
            for year in citation_years(key):
                keys = years.setdefault(year, (row.claim_id, []))[1]
                if key not in keys:
                    keys.append(key)
    return years


@dataclass(frozen=True)
class _YearChoice:
    year: int | None
    basis: str


def _eligible_years(indicator: str, group: str, threshold: float, home: Any) -> dict[int, Any]:
    """year -> coverage of ``group`` (via compare.stats), for every year with any data."""

    panel = read_panel(indicator, home)
    out = {}
    for year in panel.years:
        cov = coverage(panel.rows(group, "m49", year))
        out[year] = (cov, cov.passes(threshold, MIN_COUNTRIES))
    return out


def group_composition(group: str, classification: str = "m49", year: int | None = None) -> str:
    """``group``'s members in ``year`` as e.g. "52 members: 33 countries and 19 territories"
    (from :func:`compare.geo.regions.members`; a member is a country when ``status`` in
    ``compare/geo/reference/countries.csv`` is "Yes", otherwise a territory)."""

    codes = members(group, classification, year)
    table = reference().iso3
    countries = sum(table.get(code, {}).get("status") == "Yes" for code in codes)
    territories = len(codes) - countries
    return t(
        "{members}: {countries} and {territories}",
        members=ngettext("{n} member", "{n} members", len(codes)).format(n=len(codes)),
        countries=ngettext("{n} country", "{n} countries", countries).format(n=countries),
        territories=ngettext("{n} territory", "{n} territories", territories).format(n=territories),
    )


def _why_not(cov: Any, threshold: float) -> str:
    covered = (
        _("no population figures")
        if cov.share is None
        else t("{share} of the population", share=share(cov.share))
    )
    return t(
        "{year}: {n} of {members} countries, {covered} (below {threshold} or fewer than "
        "{minimum})", year=cov.year, n=cov.n_with_data, members=cov.n_members, covered=covered,
        threshold=share(threshold),
        minimum=ngettext("{n} country", "{n} countries", MIN_COUNTRIES).format(n=MIN_COUNTRIES),
    )  # fmt: skip


def _choose(covs: dict[int, Any], threshold: float, target: int | None, label: str) -> _YearChoice:
    """The latest year with enough coverage (``target`` None), else the closest one not after
    ``target`` (or the earliest after it when none is before)."""
    ok = sorted(y for y, (_, passes) in covs.items() if passes)
    if not ok:
        return _YearChoice(None, t("{label}: no year has enough coverage", label=label))
    if target is None:
        chosen = ok[-1]
        later = [y for y in covs if y > chosen]
        basis = t("latest year with enough coverage: {year}", year=chosen)
    else:
        before = [y for y in ok if y <= target]
        chosen = before[-1] if before else ok[0]
        later = [y for y in covs if chosen < y <= target]
        basis = t("year of the cited source ({label}): {target}; data year used: {year}",
                  label=label, target=target, year=chosen)  # fmt: skip
        if chosen == target:
            basis += _(" (same year)")
        elif target not in covs:
            basis += t(" (no data for {year})", year=target)
    skipped = [_why_not(covs[y][0], threshold) for y in sorted(later, reverse=True)]
    if skipped:
        basis += t("; later years fall short: {years}", years="; ".join(skipped))
    return _YearChoice(chosen, basis)


def _base_row(first: Any, mentions: pd.DataFrame) -> dict[str, Any]:
    return {
        "claim_id": first.claim_id,
        "claim_ids": ";".join(mentions["claim_id"]),
        "measure_id": first.measure_id,
        "quote": first.quote,
        "claim_value": float(first.value),
        "claim_unit": first.unit,
        "claim_year": None if is_missing(first.year) else int(first.year),
        "claim_geography": first.geography,
        "claim_region": first.region,
        "citation": first.citation,
    }


def _internet_rows(
    mentions: pd.DataFrame, covs: dict[int, Any], threshold: float, home: Any
) -> list[dict[str, Any]]:
    """The claim against 100 - population-weighted internet use of LAC (latest + cited years)."""

    first = mentions.iloc[0]
    choices = [(first, _choose(covs, threshold, None, _("latest")), _("latest year"))]
    rules = [_("latest year with enough coverage")]
    for year, (claim_id, keys) in sorted(_cited_years(mentions).items(), reverse=True):
        cited = mentions[mentions["claim_id"] == claim_id].iloc[0]
        label = "; ".join(keys)
        choices.append(
            (cited, _choose(covs, threshold, year, label), t("year of {label}", label=label))
        )
        rules.append(t("year of the cited source: {year} ({label})", year=year, label=label))
    years = sorted({c.year for _, c, _ in choices if c.year is not None})
    means = regional_means(INTERNET_INDICATOR, years=years, home=home, threshold=threshold)
    means = means[means["group"] == LAC].set_index("year")
    rows = []
    for (claim, choice, why), rule in zip(choices, rules, strict=True):
        row = _base_row(claim, mentions)
        row.update(
            year_rule=rule,
            indicator=INTERNET_INDICATOR,
            data_group=LAC,
            statistic="100 - population-weighted mean",
            data_unit="percent",
            year_basis=choice.basis,
            comparability="proxy",
            method=t(
                "Share of the population of UN M49 Latin America & Caribbean NOT using the "
                "internet: 100 minus the population-weighted mean of internet_users_pct "
                "(compare.stats.regional_means; weights: population of the same year; the "
                "weighted mean needs data covering at least {threshold} of the population)",
                threshold=share(threshold),
            ),
            note=t(
                "Not the same measure: 'digital divide' / 'stable access to technology' is "
                "broader than not using the internet; the paper says 'Latin America', the data "
                "group is M49 Latin America & Caribbean ({composition}).",
                composition=group_composition(LAC, "m49", choice.year),
            ),
        )
        if choice.year is None:
            row.update(data_value=None, verdict="no year has enough coverage")
            rows.append(row)
            continue
        cell = means.loc[choice.year]
        value = 100.0 - float(cell["weighted_mean"])
        row.update(
            label=t(
                "{claim_id} ({claim}) vs LAC offline {year} ({why})",
                claim_id=claim.claim_id,
                claim=with_unit(claim.value, "percent"),
                year=choice.year,
                why=why,
            ),
            data_value=value,
            data_ci_low=100.0 - float(cell["weighted_ci_high"]),
            data_ci_high=100.0 - float(cell["weighted_ci_low"]),
            data_year=int(choice.year),
            coverage=float(cell["coverage_pop"]),
            n_countries=int(cell["n"]),
            n_members=int(cell["n_members"]),
            difference=float(claim.value) - value,
            verdict=_verdict(claim.value, value, choice.year, cell),
        )
        rows.append(row)
    return rows


def _verdict(claimed: float, value: float, year: int, cell: Any) -> str:
    """``claim 47% vs data 24.6% in 2023 (...): the claim is 22.4 points higher``."""
    words = {
        "claim": with_unit(claimed, "percent"),
        "data": unit_value(value, "percent"),
        "year": year,
        "n": int(cell["n"]),
        "members": int(cell["n_members"]),
        "share": share(float(cell["coverage_pop"])),
        "points": decimal(abs(float(claimed) - value), 1),
    }
    if claimed > value:
        return t("claim {claim} vs data {data} in {year} ({n} of {members} members, {share} of "
                 "the population): the claim is {points} points higher", **words)  # fmt: skip
    return t("claim {claim} vs data {data} in {year} ({n} of {members} members, {share} of the "
             "population): the claim is {points} points lower", **words)  # fmt: skip


def _government_rows(mentions: pd.DataFrame, threshold: float, home: Any) -> list[dict[str, Any]]:
    """Europe and LAC means of the digital-government indices, as context for the claim (the
    year and the withheld weighted means follow the coverage ``threshold``)."""

    first = mentions.iloc[0]
    rows = []
    for indicator in GOVERNMENT_INDICES:
        comparison = compare_regions(indicator, control=None, home=home, threshold=threshold)
        gap = comparison.gap_unweighted
        for group, stats in comparison.per_group.items():
            row = _base_row(first, mentions)
            row.update(
                label=t(
                    "{claim_id} ({claim}) context: {indicator} {group} {year}",
                    claim_id=first.claim_id,
                    claim=with_unit(first.value, "percent"),
                    indicator=indicator,
                    group=_("LAC") if group == LAC else group_label(group),
                    year=comparison.year,
                ),
                indicator=indicator,
                data_group=group,
                statistic="unweighted mean of countries",
                data_value=float(stats.mean),
                data_unit=comparison.unit,
                data_year=int(comparison.year),
                year_basis=comparison.year_note,
                year_rule=t(
                    "compare_regions: latest year both groups pass the coverage rule "
                    "(data covering at least {threshold} of the population)",
                    threshold=share(threshold),
                ),
                coverage=stats.coverage_pop,
                n_countries=int(stats.n_with_data),
                n_members=int(stats.n_members),
                weighted_mean=stats.weighted_mean,
                weighted_withheld=stats.weighted_withheld_reason,
                gap=gap.value,
                gap_ci_low=gap.ci_low,
                gap_ci_high=gap.ci_high,
                comparability="context only",
                method=t(
                    "compare.stats.compare_regions('{indicator}'): unweighted mean of the "
                    "countries of the group (population-weighted mean {weighted})",
                    indicator=indicator,
                    weighted=(
                        fixed(stats.weighted_mean, 3)
                        if stats.weighted_mean is not None
                        else t("withheld: {reason}", reason=stats.weighted_withheld_reason)
                    ),
                ),
                verdict=t(
                    "not the same measure: {title} ({unit}) {group} {mean}; Europe - LAC gap "
                    "{gap} [{low}, {high}] in {year}",
                    title=title_label(comparison.title) if comparison.title else indicator,
                    unit=_(comparison.unit),
                    group=group_label(group),
                    mean=fixed(stats.mean, 3),
                    gap=fixed(gap.value, 3),
                    low=fixed(gap.ci_low, 3),
                    high=fixed(gap.ci_high, 3),
                    year=comparison.year,
                ),
                note=t(
                    "No per-country data on universities' micro-credential exchange systems "
                    "exist; national digital-government indices describe governments, not "
                    "universities. {verdict}",
                    verdict=comparison.verdict,
                ),
            )
            rows.append(row)
    return rows


def _evidence_rows(claims: pd.DataFrame) -> pd.DataFrame:
    """The paper's evidence claims (the rows :func:`claims_vs_data` sets against data)."""
    return claims[(claims["document"] == "paper") & (claims["role"] == "evidence")]


def indicators_read(claims: pd.DataFrame) -> list[str]:
    """The indicators :func:`claims_vs_data` reads for ``claims`` (with the population that
    weights them; its comparisons fit no region model, so no control)."""
    measures = set(_evidence_rows(claims)["measure_id"])
    found: list[str] = []
    if measures & set(INTERNET_PROXY_MEASURES):
        found += [INTERNET_INDICATOR, "population"]
    if measures & set(GOVERNMENT_CONTEXT_MEASURES):
        found += [*GOVERNMENT_INDICES, "population"]
    return sorted(set(found))


def claims_vs_data(
    home: str | Path | None = None,
    claims: pd.DataFrame | None = None,
    *,
    threshold: float = COVERAGE_THRESHOLD,
) -> pd.DataFrame:
    """Each paper figure (one row per measure and place; more rows where the data speak) beside
    what the country data say, with data year, coverage and method; ``data_value`` is empty and
    ``note`` says why where no data can speak to the claim.

    The 47% digital-divide claims are set against the share of the LAC population not using the
    internet (population-weighted, latest year with data covering ``threshold`` of the
    population, and the year of each cited source); the interoperability claim (23% of
    universities with integrated exchange systems) against Europe and LAC means of the
    digital-government indices in the latest year both groups pass ``threshold``, labelled as
    context (not the same measure; ``weighted_mean``/``weighted_withheld`` say whether the
    population-weighted mean was shown under ``threshold``, ``gap``/``gap_ci_*`` give the
    Europe - LAC gap of the unweighted means).
    """
    import pandas as pd  # noqa: PLC0415

    if claims is None:
        claims = load_claims(evidence_dir(home) / CLAIMS_FILE)
    gaps = load_catalog().gaps
    evidence = _evidence_rows(claims)
    rows: list[dict[str, Any]] = []
    covs = None
    for (measure_id, _place), mentions in evidence.groupby(["measure_id", "geography"], sort=False):
        first = mentions.iloc[0]
        if measure_id in INTERNET_PROXY_MEASURES:
            covs = covs or _eligible_years(INTERNET_INDICATOR, LAC, threshold, home)
            rows += _internet_rows(mentions, covs, threshold, home)
        elif measure_id in GOVERNMENT_CONTEXT_MEASURES:
            rows += _government_rows(mentions, threshold, home)
        else:
            row = _base_row(first, mentions)
            row.update(
                label=f"{first.claim_id} {measure(first.measure)} [{place(first.geography)}]",
                comparability="none",
                verdict=_("no data can speak to this claim"),
                note=_no_data_note(first, gaps),
            )
            rows.append(row)
    frame = pd.DataFrame(rows).reindex(columns=CVD_COLUMNS)
    for column in ("claim_value", "data_value", "data_ci_low", "data_ci_high", "coverage",
                   "difference", "weighted_mean", "gap", "gap_ci_low", "gap_ci_high"):  # fmt: skip
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    for column in ("claim_year", "data_year", "n_countries", "n_members"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
    order = {"proxy": 0, "same measure": 0, "context only": 1, "none": 2}
    frame = frame.sort_values(
        "comparability", key=lambda s: s.map(order), kind="stable"
    ).reset_index(drop=True)
    return frame
