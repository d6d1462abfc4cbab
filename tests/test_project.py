"""Project set-up: environment.yml agrees with pyproject.toml; Makefile, README and CI agree."""

from __future__ import annotations

import re
import subprocess
import tomllib

import yaml

from tests.paths import REPO

ROOT = REPO


def _name_and_bound(spec: str) -> tuple[str, str]:
    match = re.match(r"^\s*([A-Za-z0-9_.\-]+)(?:\[[^\]]*\])?\s*(.*)$", spec)
    assert match, spec
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_agrees_with_pyproject() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_name_and_bound(s) for s in project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted.update(_name_and_bound(s) for s in extra)
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    conda = dict(_name_and_bound(s) for s in env["dependencies"] if isinstance(s, str))
    conda.pop("python")
    conda.pop("pip")
    assert conda == wanted


def test_readme_commands_exist_in_makefile_and_ci() -> None:
    readme = (ROOT / "README.md").read_text()
    head = readme[: readme.index("## The flow")]
    assert "make report" in head and "make test" in head
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(r"^report:.*## ", makefile, re.M)
    assert re.search(r"^test:.*## ", makefile, re.M)
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_make_alone_lists_the_targets() -> None:
    out = subprocess.run(
        ["make", "-s", "-C", str(ROOT)], capture_output=True, text=True, check=True
    ).stdout
    for target in ("report", "test", "setup", "fetch", "build", "lint"):
        assert f"make {target}" in out


def test_generated_outputs_are_git_ignored() -> None:
    ignored = (ROOT / ".gitignore").read_text()
    for pattern in ("data/processed/", "reports/", ".venv/", "data/raw/*"):
        assert pattern in ignored
    assert "!data/raw/evidence/" in ignored
