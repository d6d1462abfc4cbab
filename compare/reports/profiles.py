"""``compare profile COUNTRY...``: the country profile report of any country.

Names and codes go through the harmoniser (a name that matches nothing stops the command with
the closest country names, never a guess). Countries the report matrix profiles are run there
(``reports/country_profile/<ISO3>.html``, as ``compare report --only``). Any other country is
run by the same runner into ``reports/profiles/``, which keeps its own matrix file, manifest and
index: each ``compare profile`` adds its countries to that matrix, so the index lists every
profile made on request, and only the countries asked for are run.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from compare.config import paths
from compare.errors import ParameterError

#: The profile notebook and the folder of profiles made on request, under the reports folder.
NOTEBOOK = "country_profile.ipynb"
ON_REQUEST = "profiles"


def resolve(countries: Sequence[str]) -> list[str]:
    """ISO3 code of each name or code, in order, without repeats (a ParameterError with close
    names for anything that is not one country)."""
    from compare.geo.countries import require_iso3  # noqa: PLC0415

    return list(dict.fromkeys(require_iso3(list(countries))))


def _matrix_ids(matrix_path: Path) -> set[str]:
    from compare.reports import matrix  # noqa: PLC0415

    return {run.run_id for run in matrix.plan(matrix_path)}


def _on_request_matrix(folder: Path, notebook: Path, codes: Sequence[str]) -> Path:
    """The matrix of ``folder``: the countries profiled there before, and ``codes``."""
    import os  # noqa: PLC0415

    import yaml  # noqa: PLC0415

    from compare.reports.runner import read_manifest  # noqa: PLC0415
    from compare.storage import atomic  # noqa: PLC0415

    before = [
        entry.get("parameters", {}).get("country")
        for entry in read_manifest(folder)["runs"].values()
    ]
    countries = list(dict.fromkeys([*(c for c in before if isinstance(c, str)), *codes]))
    entry = {
        "notebook": Path(os.path.relpath(notebook, folder)).as_posix(),
        "each": {"country": countries},
        "name": "{country}",
        "group": "Country profiles on request",
    }
    path = folder / "matrix.yml"
    folder.mkdir(parents=True, exist_ok=True)
    header = "# Written by `compare profile`: the countries profiled on request.\n"
    atomic.write_text(path, header + yaml.safe_dump({"runs": [entry]}, sort_keys=False))
    return path


def _run(matrix_path: Path, reports: Path | None, ids: Sequence[str], **options: Any) -> int:
    from compare.reports import runner  # noqa: PLC0415

    return runner.run(matrix_path, reports=reports, only=",".join(ids), **options)


def _after(matrix_path: Path, reports: Path | None, pdf: bool, only: str) -> int:
    """Findings/index and PDFs as after ``compare report`` (no bundle)."""
    import argparse  # noqa: PLC0415

    from compare.reports.publish import after_report  # noqa: PLC0415

    args = argparse.Namespace(
        out=reports,
        matrix=matrix_path,
        pdf=pdf,
        bundle=None,
        with_notebooks=False,
        only=only,
        workers=None,
    )
    return after_report(args, 0)


def profile_reports(
    countries: Sequence[str],
    *,
    force: bool = False,
    pdf: bool = False,
    progress: bool = True,
    reports: Path | None = None,
) -> int:
    """Run the profile of every country into ``reports`` (default ``<home>/reports``; see the
    module docstring); the exit status."""
    codes = resolve(countries)
    where = paths()
    reports = Path(reports).resolve() if reports else where.reports
    notebook = where.notebooks / NOTEBOOK
    if not notebook.is_file():
        raise ParameterError(f"no {NOTEBOOK} in {where.notebooks}")
    main = where.notebooks / "reports.yml"
    known = _matrix_ids(main) if main.is_file() else set()
    in_matrix = [c for c in codes if f"country_profile/{c}" in known]
    elsewhere = [c for c in codes if c not in in_matrix]
    status = 0
    options = {"force": force, "progress": progress}
    if in_matrix:
        ids = [f"country_profile/{c}" for c in in_matrix]
        status = max(status, _run(main, reports, ids, **options))
        status = max(status, _after(main, reports, pdf, ",".join(ids)))
    if elsewhere:
        folder = reports / ON_REQUEST
        matrix_path = _on_request_matrix(folder, notebook, elsewhere)
        ids = [f"country_profile/{c}" for c in elsewhere]
        status = max(status, _run(matrix_path, folder, ids, **options))
        status = max(status, _after(matrix_path, folder, pdf, ",".join(ids)))
    for code in codes:
        base = reports if code in in_matrix else reports / ON_REQUEST
        print(f"  {code}: {base / 'country_profile' / f'{code}.html'}")
    return status
