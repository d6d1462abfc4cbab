"""The scheduled report workflow (.github/workflows/reports.yml) is valid and runs the main job."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.paths import REPO

ROOT = REPO
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


def _step(workflow: dict[Any, Any], name: str) -> dict[str, Any]:
    return next(step for step in _steps(workflow) if step.get("name") == name)


def test_the_makefile_has_the_live_hook_the_workflow_passes(workflow: dict[Any, Any]) -> None:
    make = shutil.which("make")
    if make is None:
        pytest.skip("no make")
    report = next(s for s in _steps(workflow) if "make report" in s.get("run", ""))
    assert 'LIVE="$LIVE"' in report["run"] and 'MIRROR="$MIRROR"' in report["run"]

    def dry_run(*variables: str) -> list[str]:
        done = subprocess.run(
            [make, "-n", "-o", ".venv/.installed", "fetch", "MIRROR=/m", *variables],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        return [line.strip() for line in done.stdout.splitlines() if "compare fetch" in line]

    assert dry_run() == ['.venv/bin/compare fetch --from "/m"']
    assert dry_run("LIVE=") == ['.venv/bin/compare fetch --from "/m"']  # the workflow's "no"
    assert dry_run("LIVE=1") == [
        '.venv/bin/compare fetch --from "/m"',
        ".venv/bin/compare fetch --live",
    ]


def _locate(workflow: dict[Any, Any], workspace: Path, **env: str) -> subprocess.CompletedProcess:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("no bash")
    script = _step(workflow, "Locate the mirror")["run"]
    environ = {"PATH": "/usr/bin:/bin", "GITHUB_WORKSPACE": str(workspace),
               "GITHUB_ENV": str(workspace / "github_env"), "MIRROR_REPOSITORY": "",
               "MIRROR_PATH": "data/sources", "LIVE": "", **env}  # fmt: skip
    return subprocess.run([bash, "-e", "-c", script], cwd=workspace, env=environ,
                          capture_output=True, text=True, check=False)  # fmt: skip


def test_the_locate_step_stops_with_exit_2_and_an_annotation(
    workflow: dict[Any, Any], tmp_path: Path
) -> None:
    workspace = tmp_path / "project"
    workspace.mkdir()
    shutil.copy(ROOT / "Makefile", workspace / "Makefile")
    missing = _locate(workflow, workspace)
    assert missing.returncode == 2
    assert missing.stdout.startswith("::error title=No data mirror::no mirror folder at ")
    mirror = tmp_path / "shared" / "data" / "sources"
    (mirror / "wb-internet-users").mkdir(parents=True)
    found = _locate(workflow, workspace, LIVE="1")
    assert found.returncode == 0, found.stdout + found.stderr
    assert (workspace / "github_env").read_text() == f"MIRROR={mirror}\n"
    assert "(1 source folders)" in found.stdout
    (workspace / "Makefile").write_text("fetch:\n\tcompare fetch --from x\n")  # no LIVE hook
    unwired = _locate(workflow, workspace, LIVE="1")
    assert unwired.returncode == 2 and "::error title=Live fetch not wired::" in unwired.stdout


def _cron_lines(text: str) -> list[str]:
    blocks = re.findall(r"```cron\n(.*?)```", text, re.DOTALL)
    return [line for block in blocks for line in block.splitlines() if line and line[0] != "#"]


@pytest.mark.parametrize("document", ["README.md", "docs/SCHEDULING.md"])
def test_cron_examples_run_make_report_on_a_valid_schedule(document: str) -> None:
    lines = _cron_lines((ROOT / document).read_text(encoding="utf-8"))
    assert lines, f"no ```cron example in {document}"
    for line in lines:
        fields = line.split(None, 5)
        assert _cron_ok(" ".join(fields[:5])), line
        command = fields[5]
        assert re.search(r"\bmake report\b", command), line
        assert not re.search(r"(?<!\\)%", command), f"unescaped % (a newline to cron): {line}"
        assert "flock" in command  # one run at a time
    assert not _cron_lines("```cron\n# only a comment\n```")  # the extractor can find nothing


_PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")


def test_actions_are_pinned_to_commits_without_persisted_credentials(
    workflow: dict[Any, Any],
) -> None:
    steps = _steps(workflow)
    uses = [step for step in steps if "uses" in step]
    assert len(uses) == 6
    for step in uses:
        assert _PINNED.match(step["uses"]), f"{step['uses']}: not pinned to a commit SHA"
    text = WORKFLOW.read_text(encoding="utf-8")
    # each pin names the release it stands for, in a comment on the same line
    assert len(re.findall(r"uses: \S+@[0-9a-f]{40} # v\d+\.\d+\.\d+$", text, re.M)) == 6
    checkouts = [s for s in uses if s["uses"].startswith("actions/checkout@")]
    assert len(checkouts) == 2
    assert all(s["with"]["persist-credentials"] is False for s in checkouts)
    for step in steps:  # values reach shell scripts through env:, never by template expansion
        assert "${{" not in step.get("run", ""), step.get("name")
    assert not _PINNED.match("actions/checkout@v4")  # the checker can fail


def test_zizmor_finds_nothing_above_informational() -> None:
    import json
    import sys

    zizmor = shutil.which("zizmor") or str(Path(sys.executable).with_name("zizmor"))
    if not Path(zizmor).is_file():
        pytest.skip("zizmor is not installed (dev extra)")
    done = subprocess.run(
        [zizmor, "--offline", "--persona=pedantic", "--format=json", str(WORKFLOW)],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    findings = json.loads(done.stdout)
    serious = [
        (f["ident"], f["determinations"]["severity"])
        for f in findings
        if f["determinations"]["severity"] not in ("Informational", "Unknown")
    ]
    assert serious == [], serious
