"""The analyst's working copy of the report notebooks (``work/``, git-ignored): ``make lab``.

JupyterLab saves what it shows; opened on ``notebooks/``, it would write an analyst's outputs and
parameter changes into the templates that ``compare report`` runs. ``make lab`` (``compare lab``)
therefore opens ``work/``, refreshed from the templates by :func:`refresh` without ever
overwriting an analyst's work:

* a template with no copy yet is copied;
* a copy still identical to the template version it was made from follows the template when the
  template changes;
* a copy the analyst changed (edited, or just run and saved) is kept; when its template changed
  since, the refresh says so and leaves the new version beside it as ``NAME.template.ipynb``.

``work/.templates.json`` records, per notebook, the sha256 of the template version each copy was
made from and of the copy as written.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from compare.errors import CompareError
from compare.storage import atomic
from compare.storage.checksums import sha256_file

#: The working copy's folder name under the project home.
WORK = "work"

STATE = ".templates.json"


@dataclass(frozen=True)
class Refreshed:
    """What happened to one notebook of the working copy."""

    name: str
    action: str  # "created", "updated", "unchanged", "kept" (edited; template unchanged),
    #              "kept, template changed" (edited; the new template left beside it)

    def line(self) -> str:
        return f"  {self.name:32} {self.action}"


def _state(work: Path) -> dict[str, dict[str, str]]:
    try:
        data = json.loads((work / STATE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _copy(template: Path, target: Path) -> str:
    atomic.write_bytes(target, template.read_bytes())
    return sha256_file(target)


def _refresh_one(template: Path, work: Path, state: dict[str, dict[str, str]]) -> Refreshed:
    name = template.name
    target = work / name
    new = sha256_file(template)
    before = state.get(name, {})
    if not target.is_file():
        state[name] = {"template": new, "copy": _copy(template, target)}
        return Refreshed(name, "created")
    edited = sha256_file(target) != before.get("copy")
    if before.get("template") == new:
        return Refreshed(name, "kept (your edits)" if edited else "unchanged")
    if not edited:
        state[name] = {"template": new, "copy": _copy(template, target)}
        return Refreshed(name, "updated from the template")
    beside = target.with_name(f"{target.stem}.template.ipynb")
    atomic.write_bytes(beside, template.read_bytes())
    return Refreshed(name, f"kept (your edits); the template changed: see {beside.name}")


def refresh(templates: Path, work: Path) -> list[Refreshed]:
    """Bring ``work`` up to date with the notebooks of ``templates`` (see the module
    docstring); returns one :class:`Refreshed` per template."""
    templates, work = Path(templates), Path(work)
    found = sorted(templates.glob("*.ipynb"))
    if not found:
        raise CompareError(f"no notebooks in {templates}")
    work.mkdir(parents=True, exist_ok=True)
    state = _state(work)
    done = [_refresh_one(template, work, state) for template in found]
    atomic.write_text(work / STATE, json.dumps(state, indent=1, sort_keys=True) + "\n")
    return done


def lab_command(
    work: Path, *, port: int | None, token: str | None, ip: str | None, browser: bool
) -> list[str]:
    """The ``jupyter lab`` command line that serves ``work`` (``--allow-root`` as root)."""
    jupyter = Path(sys.executable).with_name("jupyter")
    if not jupyter.is_file():
        found = shutil.which("jupyter")
        if found is None:
            raise CompareError("JupyterLab is not installed: `make setup` installs it")
        jupyter = Path(found)
    command = [str(jupyter), "lab", f"--ServerApp.root_dir={work}"]
    if port is not None:
        command.append(f"--ServerApp.port={int(port)}")
    if token is not None:
        command.append(f"--IdentityProvider.token={token}")
    if ip:
        command.append(f"--ServerApp.ip={ip}")
    if not browser:
        command.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")
    return command


def lab(
    templates: Path,
    work: Path,
    *,
    port: int | None = None,
    token: str | None = None,
    ip: str | None = None,
    browser: bool = True,
    prepare_only: bool = False,
) -> int:
    """Refresh ``work`` from ``templates``, then replace this process with JupyterLab on it
    (unless ``prepare_only``)."""
    if port is not None and not 0 < int(port) < 65536:
        raise CompareError(f"--port {port}: give a port number between 1 and 65535")
    done = refresh(templates, work)
    print(f"working copy {work} (templates: {templates}):")
    print("\n".join(item.line() for item in done))
    print("explore here; publish through the matrix (notebooks/reports.yml, `compare report`)")
    if prepare_only:
        return 0
    command = lab_command(work, port=port, token=token, ip=ip, browser=browser)
    sys.stdout.flush()
    os.execv(command[0], command)  # JupyterLab takes over this process (and its signals)
    return 0  # pragma: no cover - execv does not return
