"""The memo of bootstrap intervals (compare/stats/memo.py): the same numbers with it, without it
and from it; a changed input is another entry; a damaged memo falls back to computing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from compare.stats import inference, memo


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(memo.CACHE_ENV, str(tmp_path / "cache"))
    monkeypatch.setitem(memo._CONNECTION, "pid", None)  # a new connection to this folder
    return tmp_path / "cache" / memo.FILE_NAME


def _entries(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT COUNT(*) FROM interval").fetchone()[0]


def test_intervals_are_the_same_with_without_and_from_the_memo(
    cache: Path, monkeypatch: pytest.MonkeyPatch, use_home: Path
) -> None:
    import compare

    first = compare.regional_means("internet_users_pct", years=range(2015, 2023))
    stored = _entries(cache)
    assert stored > 0
    computing = inference._interval
    monkeypatch.setattr(inference, "_interval", _refuse)  # a second computation would raise
    again = compare.regional_means("internet_users_pct", years=range(2015, 2023))
    pd.testing.assert_frame_equal(first, again)
    assert _entries(cache) == stored
    # computing again, without the memo (undo() would also undo use_home's COMPARE_HOME)
    monkeypatch.setattr(inference, "_interval", computing)
    monkeypatch.setenv(memo.CACHE_ENV, "off")
    pd.testing.assert_frame_equal(first, compare.regional_means(
        "internet_users_pct", years=range(2015, 2023)))  # fmt: skip


def _refuse(*args: object, **kwargs: object) -> tuple[float, float]:
    raise AssertionError("computed although the memo holds the interval")


def test_a_changed_input_is_another_entry(cache: Path) -> None:
    values = np.array([1.0, 2.0, 4.0, 8.0])
    one = inference.mean_ci(values, n_boot=200, seed=[1, 2])
    other = inference.mean_ci(values + np.array([0, 0, 0, 0.5]), n_boot=200, seed=[1, 2])
    reseeded = inference.mean_ci(values, n_boot=200, seed=[1, 3])
    assert _entries(cache) == 3
    assert (one.ci_low, one.ci_high) != (other.ci_low, other.ci_high)
    assert memo.key("mean", [values], n_boot=200, seed=(1, 2), level=0.95) != memo.key(
        "mean", [values], n_boot=200, seed=(1, 2), level=0.9
    )
    assert reseeded.value == one.value


def test_a_damaged_memo_falls_back_to_computing(cache: Path, monkeypatch) -> None:
    values = np.array([3.0, 5.0, 9.0, 11.0, 20.0])
    monkeypatch.setenv(memo.CACHE_ENV, "off")
    expected = inference.mean_ci(values, n_boot=300, seed=[7])
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"SYNTHETIC: not a sqlite file")
    monkeypatch.setenv(memo.CACHE_ENV, str(cache.parent))
    monkeypatch.setitem(memo._CONNECTION, "pid", None)
    found = inference.mean_ci(values, n_boot=300, seed=[7])
    assert (found.ci_low, found.ci_high) == (expected.ci_low, expected.ci_high)
