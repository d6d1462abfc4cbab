"""Shared fixtures: the real mirror, and a project home built from it once per test process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from compare.config import FOCUS_COUNTRIES as FOCUS
from compare.config import mirror_dir, shared_dir
from tests.paths import REPO

__all__ = ["FOCUS", "skip_or_fail"]

# The suite tests the package catalog: a user catalog of the developer's own checkout
# (catalog.local.yml, $COMPARE_CATALOG) must not change what it sees. Tests of user catalogs
# take this away with monkeypatch.
os.environ["COMPARE_NO_USER_CATALOG"] = "1"


def skip_or_fail(reason: str) -> None:
    """Skip a test whose real inputs are absent, except in CI (``CI=true``), where missing
    inputs must fail the run instead of passing it silently."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the real inputs must be present)")
    pytest.skip(reason)


def _mirror() -> Path | None:
    found = mirror_dir() or shared_dir() / "data" / "sources"
    return found if found.is_dir() else None


@pytest.fixture(scope="session")
def mirror() -> Path:
    """The real source files (``$COMPARE_MIRROR`` or ../shared/data/sources)."""
    found = _mirror()
    if found is None:
        skip_or_fail("the mirror ../shared/data/sources is not beside the checkout")
    return found


@pytest.fixture(scope="session")
def built_home(tmp_path_factory: pytest.TempPathFactory, mirror: Path) -> Path:
    """A project home with every mirror source imported and built (shared by the session).

    Tests must not modify it; use ``fresh_home`` for that.
    """
    from compare.build.run import build
    from compare.ingest.mirror import fetch_from_mirror

    home = tmp_path_factory.mktemp("home")
    _link_evidence(home)
    fetch_from_mirror(mirror, home=home)
    build(home)
    return home


@pytest.fixture
def fresh_home(tmp_path: Path, mirror: Path) -> Path:
    """An empty project home (with the committed evidence tables) for tests that write."""
    _link_evidence(tmp_path)
    return tmp_path


@pytest.fixture
def use_home(built_home: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point ``compare`` (``$COMPARE_HOME``) at the built home for this test."""
    monkeypatch.setenv("COMPARE_HOME", str(built_home))
    return built_home


def _link_evidence(home: Path) -> None:
    """The committed evidence curation is part of data/raw: link it into a test home."""
    repo_evidence = REPO / "data" / "raw" / "evidence"
    target = home / "data" / "raw" / "evidence"
    target.parent.mkdir(parents=True, exist_ok=True)
    if repo_evidence.is_dir() and not target.exists():
        os.symlink(repo_evidence, target)
