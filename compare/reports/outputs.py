"""Pages written by workers, put in place by the runner; manifest entries of other matrices.

A worker writes a run's notebook and page beside their final names (``<name>.pending-<pid>``);
the runner moves them into place and records them in ``reports/manifest.json`` in one step that
a signal cannot split (:func:`compare.storage.signals.deferred`). A worker killed or terminated
mid-run, or still running when the runner was stopped, can therefore never replace a page that
the manifest does not describe; its leftovers are removed by the runner, or by the next run.

A run of ``compare report --matrix OTHER.yml`` updates its own runs in the manifest and keeps
those of the other matrices (each entry records the matrix it came from).
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import Any

from compare.config import Paths
from compare.reports import downloads, matrix
from compare.storage.processes import alive

PENDING = ".pending-"
_PENDING_PID = re.compile(r"\.pending-(\d+)$")


def pending_path(final: str | Path) -> str:
    """Where this process writes ``final`` before the runner puts it in place."""
    return f"{final}{PENDING}{os.getpid()}"


def commit(result: Any) -> None:
    """Move a finished run's files into place (``result.pending``: final -> written); a page's
    data folder is replaced, or removed when the new page has none (written "")."""
    for final, written in (getattr(result, "pending", None) or {}).items():
        if final.endswith(downloads.DATA_SUFFIX):
            downloads.put_in_place(Path(final), Path(written) if written else None)
        elif Path(written).is_file():
            os.replace(written, final)
    if getattr(result, "pending", None):
        result.pending = {}


def remove_stale_pending(reports: Path, include_dead_only: bool = True) -> None:
    """Remove files that workers left unfinished: of dead processes (or all of them, once the
    runner's workers have ended)."""
    if not reports.is_dir():
        return
    for path in list(reports.rglob(f"*{PENDING}*")):
        found = _PENDING_PID.search(path.name)
        if found is None:
            continue
        pid = int(found.group(1))
        if include_dead_only and alive(pid):
            continue
        with contextlib.suppress(OSError):
            downloads.remove_leftover(path)  # a file, or a page's data folder


def matrix_key(path: Path, home: Path) -> str:
    """How a manifest entry names the matrix it came from: relative to the project home when
    it lies inside it (no local path in a shared manifest), else its absolute path."""
    resolved, base = Path(path).resolve(), Path(home).resolve()
    return str(resolved.relative_to(base)) if resolved.is_relative_to(base) else str(resolved)


def other_matrices(
    manifest: dict[str, Any], matrix_path: Path, known: set[str], where: Paths
) -> list[matrix.RunDef]:
    """Drop the entries of ``matrix_path`` that are no longer in it; keep those of other
    matrices (an entry without a matrix is the default matrix's) and return them as runs for
    the index."""
    this = matrix_key(matrix_path, where.home)
    default = matrix_key(where.notebooks / "reports.yml", where.home)
    kept: dict[str, Any] = {}
    others: list[matrix.RunDef] = []
    for run_id, entry in manifest.get("runs", {}).items():
        origin = entry.get("matrix") or default
        if run_id in known:
            kept[run_id] = entry
        elif origin != this and matrix.valid_run_id(run_id):
            kept[run_id] = entry
            others.append(
                matrix.RunDef(
                    run_id=run_id,
                    notebook=where.home / str(entry.get("notebook", "")),
                    parameters=dict(entry.get("parameters") or {}),
                    group=str(entry.get("group") or run_id.split("/")[0]),
                    title=str(entry.get("title") or run_id),
                    entry=-1,
                )
            )
    manifest["runs"] = kept
    return others
