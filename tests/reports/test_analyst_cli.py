"""No dead ends on the command line: `compare indicators --family employer_recognition`,
`compare templates`, `compare profile COUNTRY` for any country by name, and `compare report
--only country_profile/Ecuador` (compare/reports/commands.py, profiles.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import REPO


def _compare(*args: str, home: Path | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "COMPARE_REPORT"}
    if home is not None:
        env["COMPARE_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "compare.cli", *args],
        capture_output=True, text=True, env=env, timeout=900, check=False,
    )  # fmt: skip


@pytest.fixture
def project(built_home: Path, tmp_path: Path) -> Path:
    """A project home with the built data and the checkout's notebooks (both linked)."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "data").symlink_to(built_home / "data")
    (home / "notebooks").symlink_to(REPO / "notebooks")
    return home


def test_a_family_without_indicators_says_why_and_where_the_evidence_is() -> None:
    done = _compare("indicators", "--family", "Employer_Recognition")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("No per-country indicator exists for employer_recognition.")
    assert "Employers that value / recognise micro-credentials (%): No per-country" in done.stdout
    assert "data/raw/evidence/paper_claims.csv" in done.stdout
    assert "reports/evidence_overview/default.html" in done.stdout


def test_an_unknown_family_is_suggested_with_exit_2() -> None:
    done = _compare("indicators", "--family", "employer")
    assert done.returncode == 2
    assert "did you mean 'employer_recognition'?" in done.stderr


def test_templates_are_clean_in_the_checkout() -> None:
    done = _compare("templates")
    assert done.returncode == 0, done.stderr
    assert "4 clean template(s)" in done.stdout


def test_templates_write_restores_a_spoilt_template(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(REPO / "notebooks", tmp_path / "notebooks")
    notebook = tmp_path / "notebooks" / "data_coverage.ipynb"
    book = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in book["cells"]:
        if cell["cell_type"] == "code":
            cell["execution_count"] = 3
    notebook.write_text(json.dumps(book), encoding="utf-8")
    refused = _compare("templates", home=tmp_path)
    assert refused.returncode == 2
    assert "template notebooks/data_coverage.ipynb is not clean" in refused.stderr
    fixed = _compare("templates", "--write", home=tmp_path)
    assert fixed.returncode == 0, fixed.stderr
    assert "data_coverage.ipynb" in fixed.stdout and "rewritten" in fixed.stdout


def test_a_misspelt_country_is_suggested_and_nothing_runs(tmp_path: Path) -> None:
    done = _compare("profile", "Ecudor", "--out", str(tmp_path / "reports"))
    assert done.returncode == 2
    assert "unknown country 'Ecudor' (did you mean Ecuador (ECU)?)" in done.stderr
    assert not (tmp_path / "reports").exists()


@pytest.mark.slow
@pytest.mark.xdist_group("profiles")
def test_a_profile_of_a_country_outside_the_matrix_by_its_name(
    project: Path, tmp_path: Path
) -> None:
    out = tmp_path / "reports"
    done = _compare("profile", "Noruega", "--out", str(out), "--no-progress", home=project)
    assert done.returncode == 0, done.stdout + done.stderr
    folder = out / "profiles"
    assert f"NOR: {folder / 'country_profile' / 'NOR.html'}" in done.stdout
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["runs"]["country_profile/NOR"]
    assert entry["status"] == "ok" and entry["parameters"]["country"] == "NOR"
    assert "Norway" in (folder / "country_profile" / "NOR.html").read_text(encoding="utf-8")
    assert "country_profile/NOR.html" in (folder / "index.html").read_text(encoding="utf-8")
    assert not (out / "country_profile").exists()  # the matrix's reports are left alone


@pytest.mark.slow
@pytest.mark.xdist_group("profiles")
def test_only_a_country_name_runs_that_countrys_profile(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "reports"
    done = _compare("report", "--only", "country_profile/Ecuador", "--out", str(out),
                    "--no-progress", home=project)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ran 2 (2 ok, 0 failed)" in done.stdout  # the matrix's languages: en and es
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    ran = [k for k, v in manifest["runs"].items() if v.get("status") == "ok"]
    assert sorted(ran) == ["country_profile/ECU", "country_profile/ECU.es"]
    assert manifest["runs"]["country_profile/ECU"]["parameters"]["country"] == "ECU"
