"""Sentences for the notebooks, generated from the computation (never typed by hand).

Each function turns a :class:`compare.stats.Comparison` (or its parts) into one short
paragraph: the numbers come from the object, formatted by the indicator's unit
(:mod:`compare.text.numbers`), and a comparison without enough data says so instead.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from compare.config import POOLED, WEIGHTINGS
from compare.text.i18n import N_, _, ngettext, t
from compare.text.numbers import (
    bare,
    day,
    difference,
    fixed,
    interval,
    is_missing,
    number,
    share,
    value,
    versus,
)
from compare.text.numbers import pvalue as _pvalue
from compare.text.words import lower_first


def _countries(n: int) -> str:
    """``1 country``, ``3 countries`` in the current language."""
    return ngettext("{n} country", "{n} countries", n).format(n=n)


def group_label(group: str) -> str:
    """A group's name in the current language (the default groups and the UN M49 regions have a
    translation; a user's own group is shown as named)."""
    return _(group)


if TYPE_CHECKING:
    import pandas as pd


def _name(iso3: str | None) -> str:
    if not iso3:
        return _("n/a")
    from compare.geo.countries import country_name  # noqa: PLC0415

    return country_name(iso3)  # the code itself when unknown


def means(c: Any, weighting: str = "both") -> str:
    """The regional means the reader asked for: ``both`` (the comparison's own sentence),
    ``unweighted`` (means of countries) or ``population`` (population-weighted means)."""
    from compare.text import numbers as fmt  # noqa: PLC0415

    if weighting not in WEIGHTINGS:
        raise ValueError(f"weighting must be one of {', '.join(WEIGHTINGS)}, got {weighting!r}")
    if weighting == "both":
        return c.sentence
    a, b = c.groups
    sa, sb = c.per_group[a], c.per_group[b]
    if weighting == "unweighted":
        gap = c.gap_unweighted
        if is_missing(gap.value):
            return c.sentence
        text = t(
            "In {year}, the unweighted mean of countries was {mean_a} in {a} ({countries_a} with "
            "data) and {mean_b} in {b} ({countries_b}); gap {gap}, {interval}.",
            year=c.year, mean_a=fmt.value(sa.mean, c.unit), a=group_label(a),
            countries_a=_countries(sa.n_with_data), mean_b=fmt.value(sb.mean, c.unit),
            b=group_label(b), countries_b=_countries(sb.n_with_data),
            gap=fmt.difference(gap.value, c.unit),
            interval=fmt.interval(gap.ci_low, gap.ci_high, c.unit, gap.level),
        )  # fmt: skip
        thin = [s for s in (sa, sb) if getattr(s, "mean_status", "shown") == "thin"]
        return text + "".join(
            " " + t("The mean of {group} is thin ({reason}).", group=group_label(s.group),
                    reason=s.mean_reason)
            for s in thin
        )  # fmt: skip
    if c.gap_weighted is None:
        reasons = "; ".join(
            f"{group_label(s.group)}: {s.weighted_withheld_reason}"
            for s in (sa, sb)
            if s.weighted_withheld_reason
        )
        return t(
            "In {year}, no population-weighted comparison is reported ({reasons}).",
            year=c.year, reasons=reasons or _("too few countries with data"),
        )  # fmt: skip
    gap = c.gap_weighted
    return t(
        "In {year}, the population-weighted mean was {mean_a} in {a} (data for {share_a} of its "
        "population, an effective {n_a} countries) and {mean_b} in {b} ({share_b}, an effective "
        "{n_b}); gap {gap}, {interval}.",
        year=c.year, mean_a=fmt.value(sa.weighted_mean, c.unit), a=group_label(a),
        share_a=fmt.share(sa.coverage_pop), n_a=fmt.number(sa.n_effective, 1),
        mean_b=fmt.value(sb.weighted_mean, c.unit), b=group_label(b),
        share_b=fmt.share(sb.coverage_pop), n_b=fmt.number(sb.n_effective, 1),
        gap=fmt.difference(gap.value, c.unit),
        interval=fmt.interval(gap.ci_low, gap.ci_high, c.unit, gap.level),
    )  # fmt: skip


def extremes(c: Any) -> str:
    """Range of each group on the map, with the members that have no value."""
    from compare.text import numbers as fmt  # noqa: PLC0415

    parts = []
    for group in c.groups:
        s = c.per_group[group]
        if s.n_with_data == 0:
            parts.append(
                t("{group} has no country with a value in {year}.", group=group_label(group),
                  year=c.year)
            )  # fmt: skip
            continue
        text = t(
            "In {group}, values in {year} range from {low} ({low_country}) to {high} "
            "({high_country}), median {median}, over {countries} of {members}",
            group=group_label(group), year=c.year, low=fmt.value(s.min_value, c.unit),
            low_country=_name(s.min_iso3), high=fmt.value(s.max_value, c.unit),
            high_country=_name(s.max_iso3), median=fmt.value(s.median, c.unit),
            countries=_countries(s.n_with_data),
            members=s.n_members or s.n_with_data + s.n_without,
        )  # fmt: skip
        if s.members_without:
            shown = ", ".join(_name(code) for code in s.members_without[:12])
            more = (
                t(" and {n} more", n=len(s.members_without) - 12)
                if len(s.members_without) > 12
                else ""
            )
            text += t("; no value for {countries}{more}", countries=shown, more=more)
        parts.append(text + ".")
    return " ".join(parts)


def _size(value: float, cuts: tuple[float, float, float]) -> str:
    size = abs(value)
    if size < cuts[0]:
        return _("negligible")
    if size < cuts[1]:
        return _("small")
    if size < cuts[2]:
        return _("medium")
    return _("large")


def tests(c: Any) -> str:
    """The tests and effect sizes in words (Cohen's d and Cliff's delta magnitudes use the
    usual thresholds: 0.2/0.5/0.8 and 0.147/0.33/0.474)."""
    a, b = c.groups
    if any(is_missing(x) for x in (c.welch.pvalue, c.mann_whitney.pvalue, c.cohen_d)):
        note = c.welch.note or c.mann_whitney.note or _("too few countries with data")
        return t("No tests or effect sizes are reported for {year}: {note}.", year=c.year,
                 note=note)  # fmt: skip
    text = t(
        "Across countries, the difference between {a} and {b} in {year} has a Welch t-test "
        "p-value of {welch} and a Mann–Whitney p-value of {mann_whitney}; Cohen's d is {d} "
        "({d_size}) and Cliff's delta {delta} ({delta_size}).",
        a=group_label(a), b=group_label(b), year=c.year, welch=pvalue(c.welch.pvalue),
        mann_whitney=pvalue(c.mann_whitney.pvalue), d=fixed(c.cohen_d, 2),
        d_size=_size(c.cohen_d, (0.2, 0.5, 0.8)), delta=fixed(c.cliffs_delta, 2),
        delta_size=_size(c.cliffs_delta, (0.147, 0.33, 0.474)),
    )  # fmt: skip
    return text + " " + models(c)


def pvalue(p: float) -> str:
    """A p-value in the current language (:func:`compare.text.numbers.pvalue`: three
    significant digits, ``0.0123``; below 0.0001 ``2.18 × 10⁻⁷``, ``2,18 × 10⁻⁷``)."""
    return _pvalue(p)


def models(c: Any) -> str:
    """The region effect of the fractional logit (or OLS) with and without the control, in the
    indicator's own unit, with the model and its covariance estimator named."""
    from compare.text import numbers as fmt  # noqa: PLC0415

    model = c.glm or c.ols
    if not model:
        return ""
    kind = (
        _("fractional logit (average marginal effect)")
        if c.glm
        else _("linear model (OLS coefficient)")
    )
    errors = t("robust {cov_type} errors",
               cov_type=model.get("unadjusted", {}).get("cov_type", "HC1"))  # fmt: skip
    parts = []
    for which, label in (("unadjusted", _("region only")), ("adjusted", _("with the control"))):
        m = model.get(which)
        if m is None:
            continue
        parts.append(
            t("{label}: {effect} ({interval}, p = {p}, n = {n})", label=label,
              effect=fmt.difference(m["effect"], c.unit),
              interval=fmt.interval(m["ci_low"], m["ci_high"], c.unit), p=pvalue(m["pvalue"]),
              n=m["n"])
        )  # fmt: skip
    if not parts:
        return t("The {kind} was not estimated: {note}.", kind=kind,
                 note=model.get("adjusted_note", ""))  # fmt: skip
    return t("Region effect in a {kind}, {errors} — ", kind=kind, errors=errors) + (
        "; ".join(parts) + "."
    )


def family(c: Any, table: pd.DataFrame) -> str:
    """This comparison's p-values beside their Holm adjustment across the comparisons of its
    family (``table``: :func:`compare.stats.family_tests` of the indicator's family)."""
    fam = family_label(str(table.attrs.get("family", "")))
    m = int(table["m"].iloc[0]) if len(table) else 0
    row = (
        table.set_index("indicator").loc[c.indicator]
        if c.indicator in set(table["indicator"])
        else None
    )
    if row is None or is_missing(row["welch_p"]):
        return t(
            "No family adjustment for this comparison: it has no tests ({m} of the {total} "
            "{family} indicators could be tested).", m=m, total=len(table), family=fam,
        )  # fmt: skip
    return t(
        "Across the {m} comparisons of the {family} family that could be tested (each indicator "
        "in its own comparison year), the Holm-adjusted p-values of this one are {welch_holm} "
        "(Welch; unadjusted {welch}) and {mw_holm} (Mann–Whitney; unadjusted {mw}).",
        m=m, family=fam, welch_holm=pvalue(row["welch_p_holm"]), welch=pvalue(row["welch_p"]),
        mw_holm=pvalue(row["mann_whitney_p_holm"]), mw=pvalue(row["mann_whitney_p"]),
    )  # fmt: skip


#: The families' names in sentences (English: the id with spaces).
FAMILY_LABELS = {
    "digital_divide": N_("digital divide"),
    "interoperability": N_("interoperability"),
    "employer_recognition": N_("employer recognition"),
    "context": N_("context"),
}


def family_label(family: str) -> str:
    """``digital_divide`` -> ``digital divide`` / ``brecha digital`` / ``exclusão digital``."""
    label = FAMILY_LABELS.get(family)
    return _(label or family.replace("_", " "))  # the claims' other families: text/evidence.py


def vintage(found: Any) -> str:
    """The sources' vintages in one sentence (``found``: the :class:`compare.stats.vintage.Vintage`
    list of a result, or a comparison carrying one), with a warning when the values and their
    weights come from different vintages."""
    found = list(getattr(found, "vintage", found) or [])
    if not found:
        return ""
    role_words = {"values": _("values"), "weights": _("population weights"),
                  "control": _("control")}  # fmt: skip
    parts = []
    for v in found:
        dated = (
            t("dated {date} ({basis})", date=day(v.updated), basis=_basis(v.basis))
            if v.updated
            else _("no date stated")
        )
        fetched = t(", retrieved {date}", date=day(v.retrieved)) if v.retrieved else ""
        parts.append(f"{role_words.get(v.role, v.role)}: {v.source_id}, {dated}{fetched}")
    text = _("Vintage — ") + "; ".join(parts) + "."
    mixed = _mixed(found)
    if mixed:
        text += " " + mixed
    return text


#: Where a vintage's date comes from (:mod:`compare.ingest.vintage` stores these words).
VINTAGE_BASES = (N_("PROVENANCE.md, commit of the copy"), N_("World Bank API: last updated"))
_LAST_UPDATED = ": Last Updated Date"


def _basis(basis: str) -> str:
    """Where a date comes from, in the current language (a file name stays as it is)."""
    if basis.endswith(_LAST_UPDATED):
        return t("{file}: Last Updated Date", file=basis[: -len(_LAST_UPDATED)])
    return _(basis) if basis in VINTAGE_BASES else basis


def _mixed(found: list[Any]) -> str:
    """The different-vintages warning ("" when the values and weights share a date)."""
    values = [v for v in found if v.role == "values" and v.updated]
    weights = [v for v in found if v.role == "weights" and v.updated]
    pairs = [(a, b) for a in values for b in weights if a.updated != b.updated]
    if not pairs:
        return ""
    return " ".join(
        t("The values ({values}, {values_date}) and their population weights ({weights}, "
          "{weights_date}) come from different vintages: the weights may include later "
          "revisions than the values were published with.", values=a.source_id,
          values_date=day(a.updated), weights=b.source_id, weights_date=day(b.updated))
        for a, b in pairs
    )  # fmt: skip


def notes(c: Any) -> str:
    """The comparison's notes as a Markdown list."""
    return "\n".join(f"- {note}" for note in [c.verdict, *c.notes] if note)


def withheld_reason(cov: Any, threshold: float) -> str:
    """Why a group's population-weighted mean is withheld ("" when it is shown)."""
    if cov.share is None:
        return t("no population figures for the members of {group} in {year}",
                 group=group_label(cov.group), year=cov.year)  # fmt: skip
    if cov.share < threshold:
        return t(
            "data cover {share} of the population of {group} in {year}, below the {threshold} "
            "threshold (World Bank rule)", share=share(cov.share), group=group_label(cov.group),
            year=cov.year, threshold=share(threshold),
        )  # fmt: skip
    return ""


def few_countries_reason(n: int, min_countries: int) -> str:
    """Why a mean is withheld for too few countries ("" when there are enough)."""
    if n == 0:
        return _("no data")
    if n < min_countries:
        return t("{countries} with data (fewer than {min})", countries=_countries(n),
                 min=min_countries)  # fmt: skip
    return ""


def thin_reason(cov: Any, threshold: float) -> str:
    """Why an unweighted mean is thin: the countries with data hold too little of the group's
    population (or its population is unknown)."""
    if cov.share is None:
        return t("{n} of {members} members with data in {year}; no population figures, so "
                 "coverage is unknown", n=cov.n_with_data, members=cov.n_members,
                 year=cov.year)  # fmt: skip
    return t(
        "{n} of {members} members with data in {year}, covering {share} of the population of "
        "{group}, below the {threshold} threshold", n=cov.n_with_data, members=cov.n_members,
        year=cov.year, share=share(cov.share), group=group_label(cov.group),
        threshold=share(threshold),
    )  # fmt: skip


def group_verdict(cov: Any, rule: Any) -> str:
    """One group's coverage in words, ending with what the rule for regional means says
    (``rule``: a :class:`compare.stats.rule.MeanRule`)."""
    text = t(
        "{group}: {n} of {members} members with data, covering {share} of the population",
        group=group_label(cov.group), n=cov.n_with_data, members=cov.n_members,
        share=share(cov.share),
    )  # fmt: skip
    if cov.data_no_population:
        text += t(" (population unknown for {codes}: in the unweighted statistics only)",
                  codes=", ".join(cov.data_no_population))  # fmt: skip
    if cov.left_out:
        text += t("; values of {codes} left out (flagged as not measurements, counted as "
                  "members without data)", codes=", ".join(cov.left_out))  # fmt: skip
    unknown = [i for i in cov.no_population if i not in cov.data_no_population]
    if unknown:
        text += t(
            "; {n} members without data have no population figure either (unknown weight, "
            "outside the population total: {codes})", n=len(unknown), codes=", ".join(unknown),
        )  # fmt: skip
    if rule.unweighted == "withheld":
        return text + t("; both means withheld: {reason}.", reason=rule.reason)
    if rule.unweighted == "thin":
        return text + t(
            "; weighted mean withheld ({reason}); unweighted mean THIN, shown marked, not as a "
            "regional mean.", reason=rule.weighted_reason,
        )  # fmt: skip
    if rule.weighted == "withheld":
        return text + t("; weighted mean withheld: {reason}.", reason=rule.weighted_reason)
    return text + _("; weighted mean shown.")


def comparison_sentence(c: Any, enough: bool, why: str) -> str:
    """The comparison in one sentence: weighted means first when both are shown (with the
    effective number of countries behind them); a thin unweighted mean is said to be thin."""
    a, b = c.groups
    sa, sb = c.per_group[a], c.per_group[b]
    what = lower_first(title_label(c.title))
    if not enough:
        return t("In {year}, {what}: {why}, so no comparison is reported.", year=c.year,
                 what=what, why=why)  # fmt: skip
    u, gu = c.unit, c.gap_unweighted
    unweighted = t(
        "{versus}, gap {gap}, {interval}", versus=versus(sa.mean, sb.mean, u),
        gap=difference(c.gap_unweighted.value, u),
        interval=interval(gu.ci_low, gu.ci_high, u, gu.level),
    )  # fmt: skip
    if c.gap_weighted is not None:
        gw = c.gap_weighted
        return t(
            "In {year}, {what} averaged {mean_a} in {a} vs {mean_b} in {b} (population-weighted, "
            "resting on an effective {n_a} and {n_b} countries; gap {gap}, {interval}; "
            "unweighted country means {unweighted}).",
            year=c.year, what=what, mean_a=value(sa.weighted_mean, u), a=group_label(a),
            mean_b=value(sb.weighted_mean, u), b=group_label(b),
            n_a=number(sa.n_effective, 1), n_b=number(sb.n_effective, 1),
            gap=difference(gw.value, u), interval=interval(gw.ci_low, gw.ci_high, u, gw.level),
            unweighted=unweighted,
        )  # fmt: skip
    withheld = "; ".join(s.weighted_withheld_reason for s in (sa, sb) if s.weighted_withheld_reason)
    thin = [s for s in (sa, sb) if getattr(s, "mean_status", "shown") == "thin"]
    text = t(
        "In {year}, {what} averaged {mean_a} in {a} vs {mean_b} in {b} (unweighted country "
        "means; gap {gap}, {interval}); no population-weighted comparison: {withheld}.",
        year=c.year, what=what, mean_a=value(sa.mean, u), a=group_label(a),
        mean_b=value(sb.mean, u), b=group_label(b), gap=difference(gu.value, u),
        interval=interval(gu.ci_low, gu.ci_high, u, gu.level), withheld=withheld,
    )  # fmt: skip
    if thin:
        text += " " + " ".join(
            t("The mean of {group} is thin: it averages the countries with data, not the group "
              "({reason}).", group=group_label(s.group), reason=s.mean_reason)
            for s in thin
        )  # fmt: skip
    return text


def title_label(title: str) -> str:
    """A catalog title in the current language (the package catalog's titles are translated;
    a user's own title is shown as written)."""
    return _(title)


def weights(c: Any) -> str:
    """What each shown population-weighted mean rests on: countries, Kish effective number,
    the largest country's share of the weight and, for bounded indicators, the sensitivity
    bounds (the missing members at the indicator's bounds)."""
    parts = []
    for group in c.groups:
        s = c.per_group[group]
        if s.weighted_mean is None:
            parts.append(
                t("{group}: no population-weighted mean ({reason}).", group=group_label(group),
                  reason=s.weighted_withheld_reason)
            )  # fmt: skip
            continue
        text = t(
            "{group}'s population-weighted mean ({mean}) rests on {countries}, an effective {n} "
            "(Kish); the largest, {largest}, holds {share} of the weight.",
            group=group_label(group), mean=value(s.weighted_mean, c.unit),
            countries=_countries(s.n_with_data - len(s.with_data_without_population)),
            n=number(s.n_effective, 1), largest=_name(s.largest_weight_iso3),
            share=share(s.largest_weight_share),
        )  # fmt: skip
        missing = [m for m in s.members_without if m not in s.members_without_population]
        if s.bound_low is not None and missing:
            text += " " + ngettext(
                "Were its {n} member without a value ({share} of its population) all at the "
                "indicator's lower or upper bound, it would lie between {low} and {high} "
                "(sensitivity bounds, not estimates).",
                "Were its {n} members without a value ({share} of its population) all at the "
                "indicator's lower or upper bound, it would lie between {low} and {high} "
                "(sensitivity bounds, not estimates).",
                len(missing),
            ).format(
                n=len(missing), share=share(1 - (s.coverage_pop or 0)),
                low=value(s.bound_low, c.unit), high=value(s.bound_high, c.unit),
            )  # fmt: skip
        parts.append(text)
    return " ".join(parts)


def convergence_sentence(
    meta: Any, sigma: pd.DataFrame, beta: pd.DataFrame, groups: tuple[str, str], level: float
) -> str:
    """Sigma (standard deviation from start to end) and pooled beta convergence in words."""
    title, unit = meta.title, meta.unit
    start, end = int(beta["start_year"].iloc[0]), int(beta["end_year"].iloc[0])
    sd = sigma.set_index(["year", "group"])["sd"]
    spread = ", ".join(
        t("{group} {start} to {end}", group=group_label(g), start=bare(sd[(start, g)], unit),
          end=bare(sd[(end, g)], unit))
        for g in (*groups, POOLED)
    )  # fmt: skip
    pooled = beta.set_index("group").loc[POOLED]
    if math.isnan(pooled["coef"]):
        beta_text = t("the pooled beta coefficient is not estimated ({note})",
                      note=pooled["note"])  # fmt: skip
    else:
        from compare.text.numbers import _percent  # noqa: PLC0415

        beta_text = t(
            "pooled beta coefficient {coef} ({level} CI {low} to {high}, n = {n}): {reading}",
            coef=number(pooled["coef"], 3), level=_percent(level, 0),
            low=number(pooled["ci_low"], 3), high=number(pooled["ci_high"], 3), n=pooled["n"],
            reading=beta_reading(pooled["coef"], pooled["ci_low"], pooled["ci_high"]),
        )  # fmt: skip
    return t(
        "From {start} to {end}, the standard deviation across countries of {what} went from "
        "{spread}; {beta}.", start=start, end=end, what=lower_first(title_label(title)),
        spread=spread, beta=beta_text,
    )  # fmt: skip


def beta_reading(coef: float, low: float, high: float) -> str:
    """What a beta coefficient says, in words."""
    if math.isnan(coef):
        return _("not estimated")
    if high < 0:
        return _("countries starting lower grew faster (beta convergence)")
    if low > 0:
        return _("countries starting higher grew faster (divergence)")
    return _("no clear link between starting level and growth (the interval includes 0)")
