"""Sentences for the notebooks, generated from the computation (never typed by hand).

Each function turns a :class:`compare.stats.Comparison` (or a table of
:mod:`compare.stats.profiles`) into one short paragraph: the numbers come from the object, formatted by the indicator's unit
(:mod:`compare.text.numbers`), and a comparison without enough data says so instead.
"""

from __future__ import annotations

from typing import Any

from compare.config import WEIGHTINGS
from compare.text.numbers import is_missing
from compare.text.words import plural


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
        return (
            f"In {c.year}, the unweighted mean of countries was {fmt.value(sa.mean, c.unit)} in "
            f"{a} ({plural(sa.n_with_data, 'country')} with data) and "
            f"{fmt.value(sb.mean, c.unit)} in {b} ({plural(sb.n_with_data, 'country')}); gap "
            f"{fmt.difference(gap.value, c.unit)}, "
            f"{fmt.interval(gap.ci_low, gap.ci_high, c.unit, gap.level)}."
        )
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
        f"{a} (data for {fmt.share(sa.coverage_pop)} of its population) and "
        f"{fmt.value(sb.weighted_mean, c.unit)} in {b} ({fmt.share(sb.coverage_pop)}); gap "
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
    """The region effect of the fractional logit (or OLS) with and without the control."""
    from compare.text import numbers as fmt  # noqa: PLC0415

    model, key, unit = (c.glm, "ame_pp", "percent") if c.glm else (c.ols, "effect", c.unit)
    if not model:
        return ""
    kind = "fractional logit" if c.glm else "linear model (OLS)"
    low, high = ("ci_low_pp", "ci_high_pp") if c.glm else ("ci_low", "ci_high")
    parts = []
    for which, label in (("unadjusted", "region only"), ("adjusted", "with the control")):
        m = model.get(which)
        if m is None:
            continue
        parts.append(
            f"{label}: {fmt.difference(m[key], unit)} "
            f"({fmt.interval(m[low], m[high], unit)}, p = {m['pvalue']:.3g}, n = {m['n']})"
        )
    if not parts:
        return f"The {kind} was not estimated: {model.get('adjusted_note', '')}."
    return f"Region effect in a {kind} — " + "; ".join(parts) + "."


def notes(c: Any) -> str:
    """The comparison's notes as a Markdown list."""
    return "\n".join(f"- {note}" for note in [c.verdict, *c.notes] if note)
