"""Tiny p-values and dates as a reader of each language reads them, on the real comparison of
internet use in 2022 (Europe vs Latin America & Caribbean): the Welch p-value, recomputed with
scipy, is written ``2.18 × 10⁻⁷`` in English and ``2,18 × 10⁻⁷`` in Spanish and Portuguese (the
mantissa by Babel, never ``2.18e-07`` nor ``2,18E-7``) in sentences and tables alike; the sources'
vintage dates are Babel's long dates outside English and ISO 8601 in English."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd
import pytest
from babel.dates import format_date
from babel.numbers import format_decimal

from compare.geo import regions
from compare.stats import compare_regions
from compare.text import comparisons, numbers
from compare.text.i18n import LANGUAGES, use_language
from compare.text.tables import localise

EUR, LAC = "Europe", "Latin America & Caribbean"
SUPERSCRIPT = dict(zip("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻", strict=True))


@pytest.fixture(scope="module")
def internet_2022(built_home: Path):
    return compare_regions("internet_users_pct", 2022, home=built_home, n_boot=200)


def _welch_by_hand(home: Path) -> float:
    """The Welch p-value of internet use in 2022 between the two groups, from the processed table
    with pandas and scipy (values flagged as placeholder zeros left out, as the statistics do)."""
    from scipy import stats

    tidy = pd.read_parquet(home / "data" / "processed" / "indicators.parquet")
    rows = tidy[(tidy["indicator"] == "internet_users_pct") & (tidy["year"] == 2022)]
    rows = rows[~rows["flag"].fillna("").str.contains("zero_possibly_placeholder")]
    a, b = (
        rows.loc[rows["iso3"].isin(regions.members(g, "m49", 2022)), "value"] for g in (EUR, LAC)
    )
    return float(stats.ttest_ind(a, b, equal_var=False).pvalue)


def _written(p: float, language: str) -> str:
    """``p`` with three significant digits as mantissa × 10 to a superscript power."""
    exponent = math.floor(math.log10(p))
    mantissa = round(p / 10**exponent, 2)
    if mantissa >= 10:
        mantissa, exponent = mantissa / 10, exponent + 1
    power = "".join(SUPERSCRIPT[c] for c in str(exponent))
    text = format_decimal(mantissa, format="0.00", locale=language)
    return f"{text}\N{NO-BREAK SPACE}×\N{NO-BREAK SPACE}10{power}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_tiny_p_value_reads_the_same_way_in_every_language(
    internet_2022, built_home: Path, language: str
) -> None:
    p = _welch_by_hand(built_home)
    assert p < 1e-4 and internet_2022.welch.pvalue == pytest.approx(p, rel=1e-9)
    expected = _written(p, language)
    with use_language(language):
        assert comparisons.pvalue(p) == expected
        sentence = comparisons.tests(internet_2022)
        table = localise(internet_2022.summary)
    assert expected in sentence and "e-0" not in sentence and "E-" not in sentence
    column = table.columns[list(internet_2022.summary.columns).index("pvalue")]
    welch_row = list(internet_2022.summary["measure"]).index("welch_t")
    assert table[column].iloc[welch_row] == expected


@pytest.mark.parametrize("language", LANGUAGES)
def test_p_values_of_a_thousandth_and_more_are_decimals(language: str) -> None:
    with use_language(language):
        written = [comparisons.pvalue(p) for p in (0.0123, 0.000123, 0.924, 1.0)]
    sign = "." if language == "en" else ","
    assert written == [f"0{sign}0123", f"0{sign}000123", f"0{sign}924", "1"]


def test_vintage_dates_are_long_dates_outside_english(internet_2022) -> None:
    found = [v for v in internet_2022.vintage if v.updated]
    assert found, "no vintage recorded"
    english = comparisons.vintage(internet_2022)
    assert all(f"dated {v.updated}" in english for v in found)  # ISO 8601 in English
    for language in ("es", "pt"):
        with use_language(language):
            text = comparisons.vintage(internet_2022)
        for v in found:
            day = dt.date.fromisoformat(v.updated)
            assert format_date(day, format="long", locale=language) in text
            assert v.updated not in text and v.retrieved[:10] not in text


def test_time_stamps_are_babel_dates_and_times_outside_english() -> None:
    stamp = "2026-12-06T14:03:59+00:00"
    assert numbers.moment(stamp) == "2026-12-06 14:03 UTC"
    with use_language("es"):
        assert numbers.moment(stamp) == "6 de diciembre de 2026, 14:03 UTC"
        assert numbers.day(stamp) == format_date(dt.date(2026, 12, 6), "long", locale="es")
    with use_language("pt"):
        assert numbers.moment(stamp) == "6 de dezembro de 2026 14:03 UTC"
