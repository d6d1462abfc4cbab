"""The analyst's working copy (compare/reports/workcopy.py, `compare lab`): templates copied,
unedited copies follow the template, edited ones are never overwritten."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from compare.errors import CompareError
from compare.reports import workcopy
from tests.cli import run_compare
from tests.paths import REPO, SYNTHETIC_NOTEBOOKS


def _templates(tmp_path: Path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    for name in ("synthetic_figure.ipynb", "synthetic_fail.ipynb"):
        shutil.copy(SYNTHETIC_NOTEBOOKS / name, folder / name)
    return folder


def _actions(done: list[workcopy.Refreshed]) -> dict[str, str]:
    return {item.name: item.action for item in done}


def test_refresh_copies_follows_and_never_overwrites_edits(tmp_path: Path) -> None:
    templates, work = _templates(tmp_path), tmp_path / "work"
    assert set(_actions(workcopy.refresh(templates, work)).values()) == {"created"}
    for name in ("synthetic_figure.ipynb", "synthetic_fail.ipynb"):
        assert (work / name).read_bytes() == (templates / name).read_bytes()
    assert set(_actions(workcopy.refresh(templates, work)).values()) == {"unchanged"}

    edited = (work / "synthetic_figure.ipynb").read_text(encoding="utf-8") + "\n"
    (work / "synthetic_figure.ipynb").write_text(edited, encoding="utf-8")  # the analyst's
    assert _actions(workcopy.refresh(templates, work))["synthetic_figure.ipynb"] == (
        "kept (your edits)"
    )
    for name in ("synthetic_figure.ipynb", "synthetic_fail.ipynb"):  # both templates change
        path = templates / name
        path.write_text(path.read_text(encoding="utf-8") + "\n\n", encoding="utf-8")
    actions = _actions(workcopy.refresh(templates, work))
    assert actions["synthetic_fail.ipynb"] == "updated from the template"
    assert (work / "synthetic_fail.ipynb").read_bytes() == (
        templates / "synthetic_fail.ipynb"
    ).read_bytes()
    assert actions["synthetic_figure.ipynb"] == (
        "kept (your edits); the template changed: see synthetic_figure.template.ipynb"
    )
    assert (work / "synthetic_figure.ipynb").read_text(encoding="utf-8") == edited
    assert (work / "synthetic_figure.template.ipynb").read_bytes() == (
        templates / "synthetic_figure.ipynb"
    ).read_bytes()


def test_a_deleted_copy_is_made_again(tmp_path: Path) -> None:
    templates, work = _templates(tmp_path), tmp_path / "work"
    workcopy.refresh(templates, work)
    (work / "synthetic_fail.ipynb").unlink()
    assert _actions(workcopy.refresh(templates, work))["synthetic_fail.ipynb"] == "created"


def test_no_templates_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(CompareError, match="no notebooks in"):
        workcopy.refresh(tmp_path, tmp_path / "work")


def test_lab_command_serves_the_working_copy_with_port_and_token(tmp_path: Path) -> None:
    command = workcopy.lab_command(tmp_path, port=8899, token="s3cret", ip=None, browser=False)
    assert command[1] == "lab"
    assert f"--ServerApp.root_dir={tmp_path}" in command
    assert "--ServerApp.port=8899" in command
    assert "--IdentityProvider.token=s3cret" in command
    assert "--no-browser" in command
    assert ("--allow-root" in command) == (os.geteuid() == 0)


def _compare(home: Path, *args: str) -> subprocess.CompletedProcess:
    return run_compare(home, *args, timeout=120)


def test_compare_lab_prepares_work_from_the_project_notebooks(tmp_path: Path) -> None:
    shutil.copytree(REPO / "notebooks", tmp_path / "notebooks")
    done = _compare(tmp_path, "lab", "--prepare-only")
    assert done.returncode == 0, done.stderr
    assert "indicator_comparison.ipynb" in done.stdout and "created" in done.stdout
    assert "publish through the matrix" in done.stdout
    copies = sorted(p.name for p in (tmp_path / "work").glob("*.ipynb"))
    assert copies == sorted(p.name for p in (REPO / "notebooks").glob("*.ipynb"))


def test_compare_lab_refuses_a_bad_port(tmp_path: Path) -> None:
    shutil.copytree(REPO / "notebooks", tmp_path / "notebooks")
    done = _compare(tmp_path, "lab", "--port", "70000", "--prepare-only")
    assert done.returncode == 2
    assert "--port 70000: give a port number between 1 and 65535" in done.stderr
    assert "Traceback" not in done.stderr
