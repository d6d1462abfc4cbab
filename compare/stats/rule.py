"""The one rule for every regional mean shown anywhere (comparisons, regional means over time,
country profiles, figures, sentences and tables).

For one group in one year, from its :class:`~compare.stats.panel.Coverage`:

- fewer than ``min_countries`` countries with data: both means are **withheld** (not computed,
  not drawn, nothing ranked against them);
- otherwise, when the countries with data hold less than ``threshold`` (2/3) of the group's
  population (or no member has a population figure): the population-weighted mean is
  **withheld** (World Bank rule) and the unweighted mean is **thin**: it is computed but always
  shown marked as thin, with the reason, never drawn or ranked as if complete;
- otherwise both means are **shown** (the weighted mean still needs ``min_countries`` countries
  with a population figure).

A comparison of a country or of two groups "passes" only where both groups' means are shown.
"""

from __future__ import annotations

from dataclasses import dataclass

from compare.config import COVERAGE_THRESHOLD, MIN_COUNTRIES
from compare.stats.panel import Coverage
from compare.text.comparisons import few_countries_reason, thin_reason, withheld_reason
from compare.text.i18n import N_, t

SHOWN, THIN, WITHHELD = "shown", "thin", "withheld"
#: the statuses in words (translated where they are shown)
STATUS_WORDS = (N_("shown"), N_("thin"), N_("withheld"))


@dataclass(frozen=True)
class MeanRule:
    """What the rule says about one group's means in one year."""

    group: str
    year: int
    unweighted: str  # SHOWN, THIN or WITHHELD
    weighted: str  # SHOWN or WITHHELD
    reason: str  # why the unweighted mean is thin or withheld ("" when shown)
    weighted_reason: str  # why the weighted mean is withheld ("" when shown)

    @property
    def passes(self) -> bool:
        """Both means shown: the group can be compared and ranked against in this year."""
        return self.unweighted == SHOWN and self.weighted == SHOWN

    @property
    def thin(self) -> bool:
        return self.unweighted == THIN


def judge(
    cov: Coverage, threshold: float = COVERAGE_THRESHOLD, min_countries: int = MIN_COUNTRIES
) -> MeanRule:
    """The rule applied to one group-year (see the module docstring)."""
    few = few_countries_reason(cov.n_with_data, min_countries)
    if few:
        return MeanRule(cov.group, cov.year, WITHHELD, WITHHELD, few, few)
    weighted_reason = withheld_reason(cov, threshold)
    n_weighted = cov.n_with_data - len(cov.data_no_population)
    if not weighted_reason and n_weighted < min_countries:
        weighted_reason = t("{reason} and a population figure",
                            reason=few_countries_reason(n_weighted, min_countries))  # fmt: skip
    if cov.share is None or cov.share < threshold:
        return MeanRule(
            cov.group, cov.year, THIN, WITHHELD, thin_reason(cov, threshold), weighted_reason
        )
    return MeanRule(
        cov.group, cov.year, SHOWN, WITHHELD if weighted_reason else SHOWN, "", weighted_reason
    )
