"""The analyst's verbs of the ``compare`` command: ``render``, ``profile``, ``lab``,
``templates``, and the publishing options of ``report`` (``--pdf``, ``--bundle``).

Only :mod:`argparse` is imported here; each verb imports what it needs when it runs, so that
``compare --help`` stays fast. Errors are :class:`~compare.errors.CompareError` (exit status 2).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def add_report_options(report: argparse.ArgumentParser) -> None:
    """``compare report``'s publishing options."""
    report.add_argument(
        "--pdf",
        action="store_true",
        help="also print each selected report to <id>.pdf beside its page (headless Chromium)",
    )
    report.add_argument(
        "--bundle",
        metavar="FILE.zip",
        default=None,
        help="then write the pages, assets and index as one zip to send (no executed notebooks, "
        "no local paths) and print its size",
    )
    report.add_argument(
        "--with-notebooks",
        action="store_true",
        help="with --bundle: include the executed .ipynb files",
    )


def add_commands(sub: argparse._SubParsersAction) -> None:
    """``render``, ``profile``, ``lab`` and ``templates``."""
    _add_render(sub)
    _add_profile(sub)
    _add_lab(sub)
    _add_templates(sub)


def _add_render(sub: argparse._SubParsersAction) -> None:
    render = sub.add_parser(
        "render",
        help="turn an executed notebook into the project's offline page",
        description="Render an executed notebook (from compare report, the papermill CLI or "
        "JupyterLab) as the project's report page: code hidden until 'Show code', contents, "
        "figures drawn offline; one self-contained HTML file.",
    )
    render.add_argument("notebook", metavar="EXECUTED.ipynb")
    render.add_argument(
        "-o",
        "--output",
        metavar="PAGE.html",
        default=None,
        help="where to write the page (default: beside the notebook, .html)",
    )
    render.set_defaults(run=run_render)


def _add_profile(sub: argparse._SubParsersAction) -> None:
    profile = sub.add_parser(
        "profile",
        help="the country profile report of any country (name or code)",
        description="Run the country profile report for each COUNTRY (a name in English, Spanish "
        "or Portuguese, or an ISO code). Countries the report matrix profiles are updated in "
        "place (reports/country_profile/<ISO3>.html); any other country goes to "
        "reports/profiles/ with its own index.",
    )
    profile.add_argument("countries", nargs="+", metavar="COUNTRY")
    profile.add_argument("--force", action="store_true", help="run again even if up to date")
    profile.add_argument("--pdf", action="store_true", help="also print the profiles to PDF")
    profile.add_argument("--no-progress", action="store_true", help="no progress bar")
    profile.add_argument(
        "--out", default=None, metavar="DIR", help="reports folder (default: <home>/reports)"
    )
    profile.set_defaults(run=run_profile)


def _add_lab(sub: argparse._SubParsersAction) -> None:
    lab = sub.add_parser(
        "lab",
        help="JupyterLab on the working copy work/ (the templates stay untouched)",
        description="Refresh the git-ignored working copy work/ from the notebook templates "
        "(new templates copied, unedited copies updated, your edits never overwritten) and open "
        "JupyterLab on it. Publish through the matrix: notebooks/reports.yml, compare report.",
    )
    lab.add_argument("--port", type=int, default=None, help="port (default: JupyterLab's, 8888)")
    lab.add_argument("--token", default=None, help="access token (default: a random one)")
    lab.add_argument("--ip", default=None, help="address to listen on (default: localhost)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser")
    lab.add_argument(
        "--prepare-only", action="store_true", help="refresh work/ and stop (no JupyterLab)"
    )
    lab.set_defaults(run=run_lab)


def _add_templates(sub: argparse._SubParsersAction) -> None:
    templates = sub.add_parser(
        "templates",
        help="check the report notebooks are clean templates, or restore them",
        description="Check that each notebook of notebooks/ carries no outputs and that its "
        "parameters cell matches notebooks/parameters.yml (exit 2 naming each that does not); "
        "--write clears outputs and rewrites the parameters cells from the declaration.",
    )
    templates.add_argument(
        "--write", action="store_true", help="clear outputs and rewrite parameters cells"
    )
    templates.set_defaults(run=run_templates)


# --- the verbs ---------------------------------------------------------------------------------


def run_render(args: Any) -> int:
    from compare.reports.standalone import render_file  # noqa: PLC0415

    page = render_file(Path(args.notebook), Path(args.output) if args.output else None)
    print(f"compare render: {page} ({page.stat().st_size / 1e6:.1f} MB, opens offline)")
    return 0


def run_lab(args: Any) -> int:
    from compare.config import paths  # noqa: PLC0415
    from compare.reports.workcopy import WORK, lab  # noqa: PLC0415

    where = paths()
    return lab(
        where.notebooks,
        where.home / WORK,
        port=args.port,
        token=args.token,
        ip=args.ip,
        browser=not args.no_browser,
        prepare_only=args.prepare_only,
    )


def run_templates(args: Any) -> int:
    from compare.config import paths  # noqa: PLC0415
    from compare.reports import declared  # noqa: PLC0415

    where = paths()
    notebooks = sorted(where.notebooks.glob("*.ipynb"))
    if args.write:
        for notebook in notebooks:
            changed = declared.write_template(notebook)
            print(f"  {notebook.name:32} {'rewritten' if changed else 'clean'}")
    declared.check_templates(notebooks, where.home)
    print(f"compare templates: {len(notebooks)} clean template(s) in {where.notebooks}")
    return 0


def run_profile(args: Any) -> int:
    from compare.reports.profiles import profile_reports  # noqa: PLC0415

    return profile_reports(
        args.countries,
        force=args.force,
        pdf=args.pdf,
        progress=not args.no_progress,
        reports=Path(args.out) if args.out else None,
    )
