"""The ``compare`` command: fetch, build, report (one verb per step of the flow)."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from compare.catalog import Catalog


def _fetch(args: argparse.Namespace) -> int:
    """``--from DIR`` / ``$COMPARE_MIRROR``: import a mirror; otherwise (or ``--live``) download
    from the official sources."""
    from compare.config import mirror_dir  # noqa: PLC0415

    if args.live and args.mirror:
        from compare.errors import FetchError  # noqa: PLC0415

        raise FetchError("--live downloads from the official sources; --from DIR imports a "
                         "mirror: give one of them")  # fmt: skip
    if args.live or mirror_dir(args.mirror) is None:
        from compare.ingest.live import fetch_live, wb_api_base  # noqa: PLC0415

        if not args.live:
            print(f"compare fetch: no mirror (--from DIR or $COMPARE_MIRROR): downloading from "
                  f"the official sources (World Bank API {wb_api_base()})", flush=True)  # fmt: skip
        from compare.config import paths  # noqa: PLC0415
        from compare.storage.locks import EXCLUSIVE, home_lock  # noqa: PLC0415

        with home_lock(paths().home, EXCLUSIVE, wait=args.wait):
            print(fetch_live(only=args.only or None).summary())
        return 0
    from compare.ingest.mirror import fetch_from_mirror  # noqa: PLC0415

    result = fetch_from_mirror(
        args.mirror, only=args.only or None, wait=args.wait, follow_symlinks=args.follow_symlinks
    )
    print(result.summary())
    return 0


def _build(args: argparse.Namespace) -> int:
    from compare.build.run import build  # noqa: PLC0415

    report = build(sources=args.only or None, wait=args.wait)
    print(report.summary())
    return 0


def _indicators(args: argparse.Namespace) -> int:
    from compare.catalog import load_catalog  # noqa: PLC0415

    catalog = load_catalog()
    chosen = catalog.by_family(args.family) if args.family else catalog.indicators.values()
    for ind in chosen:  # by_family raises a ParameterError listing the valid families
        print(
            f"{ind.id:34} {ind.family:17} {ind.unit:18} {ind.source:36} {_origin(catalog, ind.id)}"
        )
    for path in catalog.user_files:
        print(f"user catalog: {path}")
    if args.family and not chosen:
        from compare.text.families import empty_family  # noqa: PLC0415

        print(empty_family(catalog, args.family))
    return 0


def _origin(catalog: Catalog, indicator_id: str) -> str:
    """Where an indicator comes from: "package", or "user: FILE" ("(override)" when it
    replaces a built-in entry)."""
    origin = catalog.origin("indicators", indicator_id)
    if origin == "package":
        return origin
    override = f"indicators.{indicator_id}" in catalog.overrides
    return f"user: {os.path.basename(origin)}" + (" (override)" if override else "")


def _report(args: argparse.Namespace) -> int:
    from compare.reports.publish import after_report  # noqa: PLC0415
    from compare.reports.runner import main as report_main  # noqa: PLC0415

    return after_report(args, report_main(args))


def parser() -> argparse.ArgumentParser:
    """The argument parser (kept import-light so `compare --help` is fast)."""
    top = argparse.ArgumentParser(
        prog="compare",
        description="Europe vs Latin America & Caribbean indicators: fetch raw sources, build "
        "the tidy table, regenerate reports.",
    )
    sub = top.add_subparsers(dest="command", required=True)
    _add_fetch(sub)
    _add_build(sub)
    _add_indicators(sub)
    _add_report(sub)
    from compare.ingest.add.command import add_parser  # noqa: PLC0415

    add_parser(sub)  # `compare add wb CODE` / `compare add file PATH`

    from compare.reports.commands import add_commands  # noqa: PLC0415 - argparse only

    add_commands(sub)  # render, profile, lab, templates
    return top


def _add_fetch(sub: argparse._SubParsersAction) -> None:
    fetch = sub.add_parser(
        "fetch",
        help="import raw source folders into data/raw (a mirror, or the official sources)",
        description="Import the raw sources into data/raw: from a local mirror (--from DIR or "
        "$COMPARE_MIRROR), else downloaded from the official sources (the World Bank API; the "
        "other sources are mirror-only). Offline, the download fails at once and changes nothing.",
    )
    fetch.add_argument(
        "--from",
        dest="mirror",
        metavar="DIR",
        help="local mirror directory (default: $COMPARE_MIRROR; neither: download)",
    )
    fetch.add_argument(
        "--live",
        action="store_true",
        help="download from the official sources even when $COMPARE_MIRROR is set",
    )
    fetch.add_argument("--only", nargs="*", metavar="SOURCE", help="only these source ids")
    fetch.add_argument(
        "--follow-symlinks",
        action="store_true",
        help="follow symbolic links in the mirror when they point inside it (default: refuse "
        "links)",
    )
    _add_wait(fetch)
    fetch.set_defaults(run=_fetch)


def _add_wait(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--wait",
        type=_seconds,
        default=0.0,
        metavar="SECONDS",
        help="when another fetch, build or report holds the project, wait up to SECONDS for it "
        "(default 0: stop at once with exit status 3)",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"not a number of seconds: {text!r}")
    return value


def _add_build(sub: argparse._SubParsersAction) -> None:
    build = sub.add_parser("build", help="build data/processed from data/raw")
    build.add_argument(
        "--only",
        nargs="*",
        metavar="SOURCE",
        help="rebuild only these source ids; the other sources keep their rows from the "
        "previous build",
    )
    _add_wait(build)
    build.set_defaults(run=_build)


def _add_indicators(sub: argparse._SubParsersAction) -> None:
    indicators = sub.add_parser("indicators", help="list catalog indicators")
    indicators.add_argument("--family", help="only this family")
    indicators.set_defaults(run=_indicators)


def _add_report(sub: argparse._SubParsersAction) -> None:
    report = sub.add_parser("report", help="execute and render the report matrix")
    report.add_argument(
        "--matrix", default=None, help="report matrix YAML (default: notebooks/reports.yml)"
    )
    report.add_argument(
        "--only",
        default=None,
        metavar="PATTERN",
        help="only runs whose id matches this glob pattern",
    )
    report.add_argument(
        "--languages",
        default=None,
        metavar="LANGS",
        help="languages to run, comma-separated from en,es,pt (default: the matrix's "
        "`languages`); e.g. --languages pt adds the Portuguese pages beside the others",
    )
    report.add_argument("--force", action="store_true", help="re-run unchanged reports too")
    report.add_argument(
        "--workers",
        type=int,
        default=None,
        help="parallel workers: local processes or LocalCluster workers (default: CPU count)",
    )
    report.add_argument(
        "--timeout", type=float, default=600.0, help="seconds allowed per run (default 600)"
    )
    report.add_argument(
        "--executor",
        choices=("local", "dask"),
        default="local",
        help="where runs execute (default local)",
    )
    report.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="with --executor dask: the scheduler of an existing cluster (default: a new "
        "LocalCluster)",
    )
    report.add_argument("--no-progress", action="store_true", help="no progress bar")
    report.add_argument(
        "--dry-run",
        action="store_true",
        help="list the runs that would execute and why, and those up to date; write nothing",
    )
    report.add_argument(
        "--out", default=None, metavar="DIR", help="reports folder (default: <home>/reports)"
    )
    report.add_argument(
        "--kernels",
        choices=("warm", "cold"),
        default="warm",
        help="warm: kernels forked from a pre-imported server (default); cold: a new process each",
    )
    _add_wait(report)

    from compare.reports.commands import add_report_options  # noqa: PLC0415 - argparse only

    add_report_options(report)  # --pdf, --bundle, --with-notebooks
    report.set_defaults(run=_report)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command. Exit status: 0 ok, 1 a report failed, 2 bad input or parameters, 3 busy
    (another command holds the project), 4 the machine refused (permission, disk full ...),
    130 Ctrl-C, 143 SIGTERM, 129 SIGHUP: a message, never a traceback."""
    args = parser().parse_args(argv)
    from compare.errors import CompareError, Terminated  # noqa: PLC0415
    from compare.storage import signals  # noqa: PLC0415

    signals.install()
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except (CompareError, KeyboardInterrupt, Terminated, OSError, MemoryError) as exc:
        message, code = _outcome(exc)
        with contextlib.suppress(OSError, ValueError):  # stderr closed: the status still says it
            print(f"compare {args.command}: {message}", file=sys.stderr, flush=True)
        return code


def _outcome(exc: BaseException) -> tuple[str, int]:
    """The message and exit status of a command that stopped with ``exc``."""
    from compare.errors import (  # noqa: PLC0415
        EXIT_ENVIRONMENT,
        CompareError,
        Terminated,
        os_error_message,
    )

    if isinstance(exc, CompareError):
        return f"error: {exc}", exc.exit_code
    if isinstance(exc, KeyboardInterrupt):
        return "interrupted", 130
    if isinstance(exc, Terminated):
        return f"terminated by {exc}", exc.exit_code
    if isinstance(exc, OSError):
        return f"error: {os_error_message(exc)}", EXIT_ENVIRONMENT
    return "error: out of memory (see the limits in docs/RELIABILITY.md)", EXIT_ENVIRONMENT


if __name__ == "__main__":
    sys.exit(main())
