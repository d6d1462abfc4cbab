"""The scheduled report workflow (.github/workflows/reports.yml) is valid and runs the main job."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / ".github" / "workflows" / "reports.yml"
_CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\d+(-\d+)?)(/\d+)?)*$")
_CRON_RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))


@pytest.fixture(scope="module")
def workflow() -> dict[Any, Any]:
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _triggers(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 (PyYAML) reads the bare key `on` as the boolean True.
    triggers = workflow.get("on", workflow.get(True))
    assert isinstance(triggers, dict), "the workflow has no `on:` triggers mapping"
    return triggers


def _steps(workflow: dict[Any, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job["steps"]]


def _cron_ok(expression: str) -> bool:
    fields = expression.split()
    if len(fields) != 5:
        return False
    for text, (low, high) in zip(fields, _CRON_RANGES, strict=True):
        if not _CRON_FIELD.match(text):
            return False
        numbers = [int(n) for n in re.findall(r"\d+", text.split("/")[0])]
        if any(not low <= n <= high for n in numbers):
            return False
    return True


def test_weekly_schedule_and_manual_trigger(workflow: dict[Any, Any]) -> None:
    triggers = _triggers(workflow)
    assert "workflow_dispatch" in triggers
    crons = [entry["cron"] for entry in triggers["schedule"]]
    assert crons and all(_cron_ok(c) for c in crons), crons
    # weekly: a fixed day of week, any day of month and month
    assert all(c.split()[2:4] == ["*", "*"] and c.split()[4] != "*" for c in crons)
    assert not _cron_ok("61 5 * * 1") and not _cron_ok("0 5 * *")  # the checker can fail


def test_runs_the_readme_main_command_on_python_311(workflow: dict[Any, Any]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make report" in readme  # the README's main command ...
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^report:", makefile, re.MULTILINE)  # ... is a Makefile target
    steps = _steps(workflow)
    runs = [step for step in steps if re.search(r"^\s*make report\b", step.get("run", ""), re.M)]
    assert len(runs) == 1 and "pipefail" in runs[0]["run"]  # exit code survives `| tee`
    python = [s for s in steps if str(s.get("uses", "")).startswith("actions/setup-python")]
    assert python and str(python[0]["with"]["python-version"]) == "3.11"
    assert any("ubuntu" in job["runs-on"] for job in workflow["jobs"].values())
    assert any("actions/checkout" in str(s.get("uses", "")) for s in steps)
    assert any("chrom" in (s.get("name", "") + str(s.get("uses", ""))).lower() for s in steps)


def test_reports_are_uploaded_even_on_failure(workflow: dict[Any, Any]) -> None:
    steps = _steps(workflow)
    uploads = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    reports = [s for s in uploads if "reports/" in str(s["with"]["path"]).split()]
    assert reports and reports[0].get("if") == "always()"
    order = [id(s) for s in steps]
    make = next(s for s in steps if "make report" in s.get("run", ""))
    assert order.index(id(make)) < order.index(id(reports[0]))


def test_shell_steps_parse(workflow: dict[Any, Any], tmp_path: Path) -> None:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    for number, step in enumerate(_steps(workflow)):
        if "run" not in step:
            continue
        script = re.sub(r"\$\{\{[^}]*\}\}", "X", step["run"])  # GitHub expressions
        path = tmp_path / f"step{number}.sh"
        path.write_text(script, encoding="utf-8")
        result = subprocess.run(
            [bash, "-n", str(path)], check=False, capture_output=True, text=True
        )
        assert result.returncode == 0, f"{step.get('name')}: {result.stderr}"
