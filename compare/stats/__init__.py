"""Statistics: panels and coverage, region comparisons (means, gaps, tests, models), regional
means over time, convergence and country profiles.

``compare.stats.compare_regions(...)`` and friends are also reachable as
``compare.compare_regions``.
"""

from compare.stats.comparison import (
    Comparison,
    GroupStats,
    compare_regions,
    convergence,
    latest_common_year,
    regional_means,
)
from compare.stats.profiles import country_profile

__all__ = [
    "Comparison",
    "GroupStats",
    "compare_regions",
    "convergence",
    "country_profile",
    "latest_common_year",
    "regional_means",
]
