"""Mirror import refuses what could damage the project or the machine (issue 17, cases 3-4):
reserved folder names, symbolic links (unless followed inside the mirror), special files, files
over the size limits, undecodable names. Mirrors are SYNTHETIC copies of one real source folder
(in folders named SYNTHETIC_mirror*); nothing is imported when any check fails."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SOURCE = "oecd-dgi-2023"


@pytest.fixture
def mirror_copy(tmp_path: Path, mirror: Path) -> Path:
    root = tmp_path / "SYNTHETIC_mirror"
    shutil.copytree(mirror / SOURCE, root / SOURCE)
    return root


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """A home whose data/raw/evidence holds the project's files (a copy: tests delete)."""
    home = tmp_path / "home"
    evidence = home / "data" / "raw" / "evidence"
    evidence.mkdir(parents=True)
    for name in ("README.md", "cases.csv"):
        (evidence / name).write_text(f"SYNTHETIC stand-in for {name}\n", encoding="utf-8")
    return home


def fetch(home: Path, mirror: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environ = {**os.environ, "COMPARE_HOME": str(home), **env}
    environ.pop("COMPARE_MIRROR", None)
    return subprocess.run(
        [sys.executable, "-m", "compare.cli", "fetch", "--from", str(mirror), *args],
        env=environ, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def raw_state(home: Path) -> dict[str, bytes]:
    raw = home / "data" / "raw"
    return {str(p.relative_to(raw)): p.read_bytes() for p in raw.rglob("*") if p.is_file()}


def refused(done: subprocess.CompletedProcess, *fragments: str) -> None:
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    for fragment in fragments:
        assert fragment in done.stderr, done.stderr


def test_a_folder_named_evidence_is_refused(home: Path, mirror_copy: Path) -> None:
    (mirror_copy / "evidence").mkdir()
    (mirror_copy / "evidence" / "x.csv").write_text("a,b\n1,2\n")
    before = raw_state(home)
    refused(fetch(home, mirror_copy), "evidence", "belongs to the project", "nothing was imported")
    assert raw_state(home) == before  # the project's files are all there, unchanged
    done = fetch(home, mirror_copy, "--only", SOURCE)  # the way round the refusal
    assert done.returncode == 0, done.stderr
    assert (home / "data/raw/evidence/cases.csv").is_file()


def test_a_project_folder_without_manifest_is_not_replaced(home: Path, mirror_copy: Path) -> None:
    mine = home / "data" / "raw" / SOURCE
    mine.mkdir()
    (mine / "notes.txt").write_text("my own notes\n")
    refused(fetch(home, mirror_copy), "not imported by `compare fetch`")
    assert (mine / "notes.txt").read_text() == "my own notes\n"


@pytest.mark.parametrize("name", ["bad name", "-dash", "a;b"])
def test_unsafe_folder_names_are_refused(home: Path, mirror_copy: Path, name: str) -> None:
    (mirror_copy / name).mkdir()
    (mirror_copy / name / "f.csv").write_text("x\n")
    refused(fetch(home, mirror_copy), "may hold only letters, digits")


def test_an_undecodable_name_is_refused(home: Path, mirror_copy: Path) -> None:
    folder = os.fsencode(mirror_copy / SOURCE) + b"/bad\xff.csv"
    with open(folder, "wb") as handle:
        handle.write(b"x\n")
    refused(fetch(home, mirror_copy), "not valid UTF-8")


def test_links_are_refused_and_followed_only_inside_the_mirror(
    home: Path, mirror_copy: Path, tmp_path: Path
) -> None:
    source = mirror_copy / SOURCE
    (source / "passwd.csv").symlink_to("/etc/passwd")
    refused(fetch(home, mirror_copy), "is a symbolic link", "--follow-symlinks")
    refused(fetch(home, mirror_copy, "--follow-symlinks"), "outside the mirror")
    assert not (home / "data" / "raw" / SOURCE).exists()
    (source / "passwd.csv").unlink()
    (mirror_copy / "etc").symlink_to("/etc")  # a whole folder linking out
    refused(fetch(home, mirror_copy, "--follow-symlinks"), "outside the mirror")
    (mirror_copy / "etc").unlink()
    inside = next(p for p in sorted(source.iterdir()) if p.is_file())
    (source / "again.csv").symlink_to(inside)
    done = fetch(home, mirror_copy, "--follow-symlinks")
    assert done.returncode == 0, done.stderr
    copied = home / "data" / "raw" / SOURCE / "again.csv"
    assert not copied.is_symlink() and copied.read_bytes() == inside.read_bytes()


def test_special_files_and_size_limits(home: Path, mirror_copy: Path) -> None:
    source = mirror_copy / SOURCE
    os.mkfifo(source / "pipe.csv")
    refused(fetch(home, mirror_copy), "not a regular file")
    (source / "pipe.csv").unlink()
    with open(source / "sparse.csv", "wb") as handle:  # 2 GB that take no disk
        handle.truncate(2 << 30)
    refused(fetch(home, mirror_copy), "larger than the limit of 512 MB", "sparse.csv")
    (source / "sparse.csv").unlink()
    (source / "big.csv").write_bytes(b"x" * (3 << 20))
    refused(fetch(home, mirror_copy, COMPARE_MAX_FILE_MB="2"), "big.csv", "limit of 2 MB")
    refused(fetch(home, mirror_copy, COMPARE_MAX_MIRROR_MB="1"), "more than the limit of 1 MB")
    assert not (home / "data" / "raw" / SOURCE).exists()
    done = fetch(home, mirror_copy, COMPARE_MAX_FILE_MB="4")
    assert done.returncode == 0, done.stderr
