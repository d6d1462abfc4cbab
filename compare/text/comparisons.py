"""Sentences for the notebooks, generated from the computation (never typed by hand).

Each function turns a :class:`compare.stats.Comparison` (or its parts) into one short
paragraph: the numbers come from the object, formatted by the indicator's unit
(:mod:`compare.text.numbers`), and a comparison without enough data says so instead.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from compare.config import POOLED, WEIGHTINGS
from compare.text.numbers import (
    bare,
    difference,
    interval,
    is_missing,
    number,
    share,
    value,
    versus,
)
from compare.text.words import lower_first, plural

if TYPE_CHECKING:
    import pandas as pd


def _name(iso3: str | None) -> str:
    if not iso3:
        return "n/a"
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
        text = (
            f"In {c.year}, the unweighted mean of countries was {fmt.value(sa.mean, c.unit)} in "
            f"{a} ({plural(sa.n_with_data, 'country')} with data) and "
            f"{fmt.value(sb.mean, c.unit)} in {b} ({plural(sb.n_with_data, 'country')}); gap "
            f"{fmt.difference(gap.value, c.unit)}, "
            f"{fmt.interval(gap.ci_low, gap.ci_high, c.unit, gap.level)}."
        )
        thin = [s for s in (sa, sb) if getattr(s, "mean_status", "shown") == "thin"]
        return text + "".join(f" The mean of {s.group} is thin ({s.mean_reason})." for s in thin)
    if c.gap_weighted is None:
        reasons = "; ".join(
            f"{s.group}: {s.weighted_withheld_reason}"
            for s in (sa, sb)
            if s.weighted_withheld_reason
        )
        return (
            f"In {c.year}, no population-weighted comparison is reported "
            f"({reasons or 'too few countries with data'})."
        )
    gap = c.gap_weighted
    return (
        f"In {c.year}, the population-weighted mean was {fmt.value(sa.weighted_mean, c.unit)} in "
        f"{a} (data for {fmt.share(sa.coverage_pop)} of its population, an effective "
        f"{fmt.number(sa.n_effective, 1)} countries) and "
        f"{fmt.value(sb.weighted_mean, c.unit)} in {b} ({fmt.share(sb.coverage_pop)}, an "
        f"effective {fmt.number(sb.n_effective, 1)}); gap "
        f"{fmt.difference(gap.value, c.unit)}, "
        f"{fmt.interval(gap.ci_low, gap.ci_high, c.unit, gap.level)}."
    )


def extremes(c: Any) -> str:
    """Range of each group on the map, with the members that have no value."""
    from compare.text import numbers as fmt  # noqa: PLC0415

    parts = []
    for group in c.groups:
        s = c.per_group[group]
        if s.n_with_data == 0:
            parts.append(f"{group} has no country with a value in {c.year}.")
            continue
        text = (
            f"In {group}, values in {c.year} range from {fmt.value(s.min_value, c.unit)} "
            f"({_name(s.min_iso3)}) to {fmt.value(s.max_value, c.unit)} ({_name(s.max_iso3)}), "
            f"median {fmt.value(s.median, c.unit)}, over "
            f"{plural(s.n_with_data, 'country')} of {s.n_members or s.n_with_data + s.n_without}"
        )
        if s.members_without:
            shown = ", ".join(_name(code) for code in s.members_without[:12])
            more = f" and {len(s.members_without) - 12} more" if len(s.members_without) > 12 else ""
            text += f"; no value for {shown}{more}"
        parts.append(text + ".")
    return " ".join(parts)


def _size(value: float, cuts: tuple[float, float, float]) -> str:
    size = abs(value)
    if size < cuts[0]:
        return "negligible"
    if size < cuts[1]:
        return "small"
    if size < cuts[2]:
        return "medium"
    return "large"


def tests(c: Any) -> str:
    """The tests and effect sizes in words (Cohen's d and Cliff's delta magnitudes use the
    usual thresholds: 0.2/0.5/0.8 and 0.147/0.33/0.474)."""
    a, b = c.groups
    if any(is_missing(x) for x in (c.welch.pvalue, c.mann_whitney.pvalue, c.cohen_d)):
        note = c.welch.note or c.mann_whitney.note or "too few countries with data"
        return f"No tests or effect sizes are reported for {c.year}: {note}."
    text = (
        f"Across countries, the difference between {a} and {b} in {c.year} has a Welch t-test "
        f"p-value of {c.welch.pvalue:.3g} and a Mann–Whitney p-value of "
        f"{c.mann_whitney.pvalue:.3g}; Cohen's d is {c.cohen_d:.2f} "
        f"({_size(c.cohen_d, (0.2, 0.5, 0.8))}) and Cliff's delta {c.cliffs_delta:.2f} "
        f"({_size(c.cliffs_delta, (0.147, 0.33, 0.474))})."
    )
    return text + " " + models(c)


def models(c: Any) -> str:
    """The region effect of the fractional logit (or OLS) with and without the control, in the
    indicator's own unit, with the model and its covariance estimator named."""
    from compare.text import numbers as fmt  # noqa: PLC0415

    model = c.glm or c.ols
    if not model:
        return ""
    kind = (
        "fractional logit (average marginal effect)" if c.glm else "linear model (OLS coefficient)"
    )
    errors = f"robust {model.get('unadjusted', {}).get('cov_type', 'HC1')} errors"
    parts = []
    for which, label in (("unadjusted", "region only"), ("adjusted", "with the control")):
        m = model.get(which)
        if m is None:
            continue
        parts.append(
            f"{label}: {fmt.difference(m['effect'], c.unit)} "
            f"({fmt.interval(m['ci_low'], m['ci_high'], c.unit)}, p = {m['pvalue']:.3g}, "
            f"n = {m['n']})"
        )
    if not parts:
        return f"The {kind} was not estimated: {model.get('adjusted_note', '')}."
    return f"Region effect in a {kind}, {errors} — " + "; ".join(parts) + "."


def family(c: Any, table: pd.DataFrame) -> str:
    """This comparison's p-values beside their Holm adjustment across the comparisons of its
    family (``table``: :func:`compare.stats.family_tests` of the indicator's family)."""
    fam = str(table.attrs.get("family", "")).replace("_", " ")
    m = int(table["m"].iloc[0]) if len(table) else 0
    row = (
        table.set_index("indicator").loc[c.indicator]
        if c.indicator in set(table["indicator"])
        else None
    )
    if row is None or is_missing(row["welch_p"]):
        return (
            f"No family adjustment for this comparison: it has no tests ({m} of the "
            f"{len(table)} {fam} indicators could be tested)."
        )
    return (
        f"Across the {m} comparisons of the {fam} family that could be tested (each indicator in "
        f"its own comparison year), the Holm-adjusted p-values of this one are "
        f"{row['welch_p_holm']:.3g} (Welch; unadjusted {row['welch_p']:.3g}) and "
        f"{row['mann_whitney_p_holm']:.3g} (Mann–Whitney; unadjusted "
        f"{row['mann_whitney_p']:.3g})."
    )


def vintage(found: Any) -> str:
    """The sources' vintages in one sentence (``found``: the :class:`compare.stats.vintage.Vintage`
    list of a result, or a comparison carrying one), with a warning when the values and their
    weights come from different vintages."""
    found = list(getattr(found, "vintage", found) or [])
    if not found:
        return ""
    role_words = {"values": "values", "weights": "population weights", "control": "control"}
    parts = []
    for v in found:
        dated = f"dated {v.updated} ({v.basis})" if v.updated else "no date stated"
        fetched = f", retrieved {v.retrieved[:10]}" if v.retrieved else ""
        parts.append(f"{role_words.get(v.role, v.role)}: {v.source_id}, {dated}{fetched}")
    text = "Vintage — " + "; ".join(parts) + "."
    mixed = _mixed(found)
    if mixed:
        text += " " + mixed
    return text


def _mixed(found: list[Any]) -> str:
    """The different-vintages warning ("" when the values and weights share a date)."""
    values = [v for v in found if v.role == "values" and v.updated]
    weights = [v for v in found if v.role == "weights" and v.updated]
    pairs = [(a, b) for a in values for b in weights if a.updated != b.updated]
    if not pairs:
        return ""
    return " ".join(
        f"The values ({a.source_id}, {a.updated}) and their population weights ({b.source_id}, "
        f"{b.updated}) come from different vintages: the weights may include later revisions "
        "than the values were published with." for a, b in pairs
    )  # fmt: skip


def notes(c: Any) -> str:
    """The comparison's notes as a Markdown list."""
    return "\n".join(f"- {note}" for note in [c.verdict, *c.notes] if note)


def withheld_reason(cov: Any, threshold: float) -> str:
    """Why a group's population-weighted mean is withheld ("" when it is shown)."""
    if cov.share is None:
        return f"no population figures for the members of {cov.group} in {cov.year}"
    if cov.share < threshold:
        return (
            f"data cover {share(cov.share)} of the population of {cov.group} in {cov.year}, "
            f"below the {share(threshold)} threshold (World Bank rule)"
        )
    return ""


def few_countries_reason(n: int, min_countries: int) -> str:
    """Why a mean is withheld for too few countries ("" when there are enough)."""
    if n == 0:
        return "no data"
    if n < min_countries:
        return f"{plural(n, 'country')} with data (fewer than {min_countries})"
    return ""


def thin_reason(cov: Any, threshold: float) -> str:
    """Why an unweighted mean is thin: the countries with data hold too little of the group's
    population (or its population is unknown)."""
    counted = f"{cov.n_with_data} of {cov.n_members} members"
    if cov.share is None:
        return f"{counted} with data in {cov.year}; no population figures, so coverage is unknown"
    return (
        f"{counted} with data in {cov.year}, covering {share(cov.share)} of the population of "
        f"{cov.group}, below the {share(threshold)} threshold"
    )


def group_verdict(cov: Any, rule: Any) -> str:
    """One group's coverage in words, ending with what the rule for regional means says
    (``rule``: a :class:`compare.stats.rule.MeanRule`)."""
    text = (
        f"{cov.group}: {cov.n_with_data} of {cov.n_members} members with data, covering "
        f"{share(cov.share)} of the population"
    )
    if cov.data_no_population:
        text += (
            f" (population unknown for {', '.join(cov.data_no_population)}: "
            "in the unweighted statistics only)"
        )
    if cov.left_out:
        text += (
            f"; values of {', '.join(cov.left_out)} left out (flagged as not measurements, "
            "counted as members without data)"
        )
    unknown = [i for i in cov.no_population if i not in cov.data_no_population]
    if unknown:
        text += (
            f"; {len(unknown)} members without data have no population figure either (unknown "
            f"weight, outside the population total: {', '.join(unknown)})"
        )
    if rule.unweighted == "withheld":
        return text + f"; both means withheld: {rule.reason}."
    if rule.unweighted == "thin":
        return (
            text + f"; weighted mean withheld ({rule.weighted_reason}); unweighted mean THIN, "
            "shown marked, not as a regional mean."
        )
    if rule.weighted == "withheld":
        return text + f"; weighted mean withheld: {rule.weighted_reason}."
    return text + "; weighted mean shown."


def comparison_sentence(c: Any, enough: bool, why: str) -> str:
    """The comparison in one sentence: weighted means first when both are shown (with the
    effective number of countries behind them); a thin unweighted mean is said to be thin."""
    a, b = c.groups
    sa, sb = c.per_group[a], c.per_group[b]
    what = lower_first(c.title)
    if not enough:
        return f"In {c.year}, {what}: {why}, so no comparison is reported."
    u, gu = c.unit, c.gap_unweighted
    unweighted = (
        f"{versus(sa.mean, sb.mean, u)}, gap "
        f"{difference(c.gap_unweighted.value, u)}, " + interval(gu.ci_low, gu.ci_high, u, gu.level)
    )
    if c.gap_weighted is not None:
        gw = c.gap_weighted
        return (
            f"In {c.year}, {what} averaged {value(sa.weighted_mean, u)} in {a} vs "
            f"{value(sb.weighted_mean, u)} in {b} (population-weighted, resting on an "
            f"effective {number(sa.n_effective, 1)} and {number(sb.n_effective, 1)} countries; "
            f"gap {difference(gw.value, u)}, {interval(gw.ci_low, gw.ci_high, u, gw.level)}; "
            f"unweighted country means {unweighted})."
        )
    withheld = "; ".join(s.weighted_withheld_reason for s in (sa, sb) if s.weighted_withheld_reason)
    thin = [s for s in (sa, sb) if getattr(s, "mean_status", "shown") == "thin"]
    text = (
        f"In {c.year}, {what} averaged {value(sa.mean, u)} in {a} vs "
        f"{value(sb.mean, u)} in {b} (unweighted country means; gap "
        f"{difference(gu.value, u)}, {interval(gu.ci_low, gu.ci_high, u, gu.level)}); "
        f"no population-weighted comparison: {withheld}."
    )
    if thin:
        text += " " + " ".join(
            f"The mean of {s.group} is thin: it averages the countries with data, not the "
            f"group ({s.mean_reason})." for s in thin
        )  # fmt: skip
    return text


def weights(c: Any) -> str:
    """What each shown population-weighted mean rests on: countries, Kish effective number,
    the largest country's share of the weight and, for bounded indicators, the sensitivity
    bounds (the missing members at the indicator's bounds)."""
    parts = []
    for group in c.groups:
        s = c.per_group[group]
        if s.weighted_mean is None:
            parts.append(f"{group}: no population-weighted mean ({s.weighted_withheld_reason}).")
            continue
        text = (
            f"{group}'s population-weighted mean ({value(s.weighted_mean, c.unit)}) rests on "
            f"{plural(s.n_with_data - len(s.with_data_without_population), 'country')}, an "
            f"effective {number(s.n_effective, 1)} (Kish); the largest, "
            f"{_name(s.largest_weight_iso3)}, holds {share(s.largest_weight_share)} of the weight."
        )
        missing = [m for m in s.members_without if m not in s.members_without_population]
        if s.bound_low is not None and missing:
            text += (
                f" Were its {plural(len(missing), 'member')} without a value "
                f"({share(1 - (s.coverage_pop or 0))} of its population) all at the indicator's "
                "lower or upper "
                f"bound, it would lie between {value(s.bound_low, c.unit)} and "
                f"{value(s.bound_high, c.unit)} (sensitivity bounds, not estimates)."
            )
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
        f"{g} {bare(sd[(start, g)], unit)} to {bare(sd[(end, g)], unit)}" for g in (*groups, POOLED)
    )
    pooled = beta.set_index("group").loc[POOLED]
    if math.isnan(pooled["coef"]):
        beta_text = f"the pooled beta coefficient is not estimated ({pooled['note']})"
    else:
        beta_text = (
            f"pooled beta coefficient {number(pooled['coef'], 3)} ({level:.0%} CI "
            f"{number(pooled['ci_low'], 3)} to {number(pooled['ci_high'], 3)}, "
            f"n = {pooled['n']}): "
            + beta_reading(pooled["coef"], pooled["ci_low"], pooled["ci_high"])
        )
    return (
        f"From {start} to {end}, the standard deviation across countries of "
        f"{lower_first(title)} went from {spread}; {beta_text}."
    )


def beta_reading(coef: float, low: float, high: float) -> str:
    """What a beta coefficient says, in words."""
    if math.isnan(coef):
        return "not estimated"
    if high < 0:
        return "countries starting lower grew faster (beta convergence)"
    if low > 0:
        return "countries starting higher grew faster (divergence)"
    return "no clear link between starting level and growth (the interval includes 0)"
