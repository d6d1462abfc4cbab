"""``compare report --bundle FILE.zip`` (``make share``): the reports as one clean zip to send.

What a reader needs and nothing else: ``index.html`` and the index in each other language shown
(``index.es.html`` ...), with ``index.data/`` (the findings as CSV),
the shared assets, every report page of the manifest (with its PDF when one newer than the page
exists, and its ``<id>.data/`` folder: the CSV behind each figure and table, and their
``datapackage.json``) and a ``manifest.json`` of relative paths. The executed notebooks stay
out unless ``with_notebooks`` (their links are then removed from the pages and the index). No
file of the bundle carries an absolute local path: the roots of
this machine that reports can mention (the project home, the reports folder, the Python prefix,
the user's home, the mirror, the working directory) are replaced in every text file by a neutral
name, and the finished bundle is searched for them again; a file that still holds one (a binary
file, which cannot be rewritten) stops the command, naming it. The zip is written atomically.
"""

from __future__ import annotations

import io
import json
import os
import re
import sys
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from compare.errors import CompareError
from compare.storage import atomic

#: Shared assets the pages load.
ASSETS = ("plotly.min.js", "lab.css", "report.css", "report.js")

#: Text files are rewritten; anything else is searched only.
TEXT_SUFFIXES = frozenset({".html", ".json", ".ipynb", ".css", ".js", ".txt", ".md", ".csv"})

_IPYNB_LINK = re.compile(r'<span class="compare-ipynb">.*?</span>', re.S)

#: Manifest fields a reader of the bundle gets for each run.
_RUN_FIELDS = (
    "notebook",
    "parameters",
    "title",
    "group",
    "status",
    "message",
    "failing_cell",
    "duration",
    "started_at",
    "finished_at",
    "git_commit",
    "git_dirty",
    "code_hash",
    "data_checksums",
    "notebook_sha256",
    "key",
)


@dataclass
class Bundle:
    """What went into a bundle."""

    path: Path
    files: list[str] = field(default_factory=list)
    size: int = 0  # bytes of the zip
    unpacked: int = 0  # bytes of its files
    notebooks: bool = False
    left_out: list[str] = field(default_factory=list)  # PDFs holding a local path

    def summary(self) -> str:
        what = "with" if self.notebooks else "without"
        out = f"; left out {', '.join(self.left_out)} (local links)" if self.left_out else ""
        return (
            f"bundle {self.path}: {len(self.files)} files, {_mb(self.size)} "
            f"({_mb(self.unpacked)} unpacked), {what} executed notebooks, no local path{out}"
        )


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"


def local_roots(home: Path, reports: Path) -> list[tuple[str, str]]:
    """(absolute path, neutral name) of this machine's roots, longest first."""
    from compare.config import mirror_dir  # noqa: PLC0415

    named = {
        str(Path(reports).resolve()): "reports",
        str(Path(home).resolve()): "project",
        str(Path(sys.prefix).resolve()): "python",
        str(Path(sys.prefix)): "python",
        str(Path.home()): "~",
        str(Path.cwd()): "project",
    }
    mirror = mirror_dir()
    if mirror is not None:
        named[str(mirror)] = "mirror"
    roots = [(path, name) for path, name in named.items() if len(Path(path).parts) > 1]
    return sorted(roots, key=lambda item: -len(item[0]))


def _root_pattern(path: str) -> re.Pattern[str]:
    """``path`` as a whole path (or ``file://`` URL): followed by a separator, a quote, a space,
    the end, or markup; never as the start of a longer name ("/root" is not in "/roots")."""
    either = "|".join(re.escape(p) for p in (Path(path).as_uri(), path))
    return re.compile(rf"(?:{either})(?=[/\\\"'\s<>),;:]|$)")


def scrub(text: str, roots: Iterable[tuple[str, str]]) -> str:
    """``text`` with every local root (as a path or a ``file://`` URL) replaced by its name."""
    for path, name in roots:
        text = _root_pattern(path).sub(name, text)
    return text


def _manifest(reports: Path) -> dict[str, Any]:
    try:
        data = json.loads((reports / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CompareError(
            f"no reports to bundle in {reports} ({exc}): run `compare report` first"
        ) from None
    if not isinstance(data, dict) or not isinstance(data.get("runs"), dict):
        raise CompareError(f"{reports / 'manifest.json'}: not a report manifest")
    return data


def _pdf_of(reports: Path, page: str) -> str | None:
    pdf = (reports / page).with_suffix(".pdf")
    if pdf.is_file() and pdf.stat().st_mtime >= (reports / page).stat().st_mtime:
        return Path(page).with_suffix(".pdf").as_posix()
    return None


def contents(reports: Path, manifest: dict[str, Any], with_notebooks: bool) -> list[str]:
    """Relative paths of the files a bundle holds (the manifest is written separately)."""
    from compare.reports.downloads import files_of  # noqa: PLC0415
    from compare.reports.index import index_files  # noqa: PLC0415

    files = ["index.html", *(f"assets/{name}" for name in ASSETS)]
    for entry in manifest["runs"].values():
        outputs = entry.get("outputs") or {}
        page = outputs.get("html")
        if page and (reports / page).is_file():
            files.append(page)
            pdf = _pdf_of(reports, page)
            files += [pdf] if pdf else []
            files += files_of(reports, page) if outputs.get("data") else []
        notebook = outputs.get("ipynb")
        if with_notebooks and notebook and (reports / notebook).is_file():
            files.append(notebook)
    missing = [f for f in files[: 1 + len(ASSETS)] if not (reports / f).is_file()]
    if missing:
        raise CompareError(f"{reports}: missing {', '.join(missing)}: run `compare report` first")
    files += [name for name in index_files(reports) if name != "index.html"]  # other languages
    files += files_of(reports, "index.html")
    return list(dict.fromkeys(files))


def reader_manifest(manifest: dict[str, Any], files: Iterable[str]) -> dict[str, Any]:
    """The manifest a reader of the bundle gets: per run its inputs, status and outputs (only
    files in the bundle); nothing about this machine."""
    held = set(files)
    folders = {f.rsplit("/", 1)[0] for f in held if "/" in f}
    runs = {}
    for run_id, entry in manifest["runs"].items():
        kept = {k: entry[k] for k in _RUN_FIELDS if k in entry}
        outputs = {
            k: v
            for k, v in (entry.get("outputs") or {}).items()
            if v in held or v in folders  # a file, or a data folder
        }
        pdf = next((f for f in held if f == f"{run_id}.pdf"), None)
        kept["outputs"] = {**outputs, **({"pdf": pdf} if pdf else {})}
        runs[run_id] = kept
    return {
        "format": manifest.get("format"),
        "updated_at": manifest.get("updated_at"),
        "git": manifest.get("git"),
        "runs": runs,
    }


def _data(reports: Path, name: str, roots: list[tuple[str, str]], notebooks: bool) -> bytes:
    raw = (reports / name).read_bytes()
    if Path(name).suffix not in TEXT_SUFFIXES:
        return raw
    text = scrub(raw.decode("utf-8"), roots)
    if not notebooks and name.endswith(".html"):
        text = _IPYNB_LINK.sub("", text)
    return text.encode("utf-8")


def leaks(data: bytes, roots: Iterable[tuple[str, str]]) -> list[str]:
    """The local roots found in ``data`` (as whole paths, see :func:`_root_pattern`)."""
    text = data.decode("latin-1")  # one character per byte: binary files are searched too
    return [path for path, _ in roots if _root_pattern(path).search(text)]


def write_bundle(
    reports: Path, target: Path, *, home: Path, with_notebooks: bool = False
) -> Bundle:
    """Write the bundle of ``reports`` to ``target`` (see the module docstring)."""
    reports, target = Path(reports).resolve(), Path(target).resolve()
    if target.suffix.lower() != ".zip":
        raise CompareError(f"--bundle {target.name}: give a .zip file name")
    if reports in target.parents:
        raise CompareError(f"--bundle {target}: write the bundle outside {reports}")
    manifest = _manifest(reports)
    files = contents(reports, manifest, with_notebooks)
    roots = local_roots(home, reports)
    result = Bundle(target, notebooks=with_notebooks)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        items = [(name, _data(reports, name, roots, with_notebooks)) for name in files]
        reader = json.dumps(reader_manifest(manifest, files), indent=1, ensure_ascii=False)
        items.append(("manifest.json", scrub(reader, roots).encode("utf-8")))
        for name, data in items:
            found = leaks(data, roots)
            if found and name.endswith(".pdf"):  # a link Chromium made absolute: left out
                result.left_out.append(name)
                continue
            if found:
                raise CompareError(f"{name} holds the local path {found[0]}: not bundled")
            archive.writestr(name, data)
            result.files.append(name)
            result.unpacked += len(data)
    atomic.write_bytes(target, buffer.getvalue())
    result.size = os.path.getsize(target)
    return result
