"""Where the test suite's own inputs are (tests in subfolders need no ``__file__`` arithmetic)."""

from __future__ import annotations

from pathlib import Path

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
PACKAGE = REPO / "compare"
CORPUS = TESTS / "corpus"  # SYNTHETIC_ malformed inputs
SYNTHETIC_NOTEBOOKS = TESTS / "notebooks"  # synthetic_*.ipynb for the runner's tests
LIVE_FIXTURES = TESTS / "fixtures" / "live"  # recorded API responses
