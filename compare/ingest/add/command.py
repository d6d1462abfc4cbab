"""The ``compare add`` subcommand: its arguments and what it runs (``compare.cli`` wires it).

Import-light: the work is imported when the command runs, so ``compare --help`` stays fast.
"""

from __future__ import annotations

import argparse
from pathlib import Path

WB_EXAMPLE = "compare add wb SP.DYN.TFRT.IN --family context"
FILE_EXAMPLE = "compare add file API_IT.NET.USER.ZS_DS2_en_csv_v2.csv --id my_internet"


def add_parser(sub: argparse._SubParsersAction) -> None:
    """``compare add wb CODE`` and ``compare add file PATH``."""
    from compare.catalog import FAMILIES, READERS  # noqa: PLC0415 - small, no YAML read

    add = sub.add_parser(
        "add",
        help="add your own indicator: a World Bank series or a file you have",
        description="Add an indicator of your own: the data go to data/raw/<source id>/ with a "
        "manifest, the source and indicator entries to the user catalog (<home>/catalog.local.yml"
        ", docs/OWN_DATA.md). Nothing changes unless every check passes.",
    )
    kinds = add.add_subparsers(dest="kind", required=True)
    wb = kinds.add_parser(
        "wb",
        help="a World Bank series, downloaded from the API",
        description=f"Download a World Bank series from the API (needs the network; offline it "
        f"fails at once and changes nothing). Example: {WB_EXAMPLE}",
    )
    wb.add_argument("code", metavar="CODE", help="World Bank indicator code, e.g. SP.DYN.TFRT.IN")
    local = kinds.add_parser(
        "file",
        help="a file you already have (DataBank, data.worldbank.org, UN SDG export ...)",
        description="Add a file you already have; its reader is detected from the header where "
        f"the layout is unambiguous. Example: {FILE_EXAMPLE}",
    )
    local.add_argument("path", metavar="PATH", help="the file (copied, never changed)")
    local.add_argument(
        "--reader", choices=sorted(READERS), help="the file's layout (default: detected)"
    )
    local.add_argument(
        "--series", metavar="CODE", help="the series to take (default: the file's only one)"
    )
    local.add_argument(
        "--dimension", action="append", metavar="NAME=VALUE",
        help="a breakdown value to take (UN SDG exports: Sex=FEMALE); repeat for several",
    )  # fmt: skip
    for parser in (wb, local):
        _common(parser, FAMILIES)
        parser.set_defaults(run=run)


def _common(parser: argparse.ArgumentParser, families: tuple[str, ...]) -> None:
    parser.add_argument(
        "--id",
        dest="indicator_id",
        metavar="ID",
        help="indicator id (default: from the series code)",
    )
    parser.add_argument(
        "--source-id",
        metavar="ID",
        help="source id = folder under data/raw (default: from the code)",
    )
    parser.add_argument(
        "--family", choices=families, default="context",
        help="indicator family (default context: a control, not compared in the reports)",
    )  # fmt: skip
    parser.add_argument("--title", help="title (default: the series name the data give)")
    parser.add_argument(
        "--unit", help="unit id (default: from the series name, e.g. '(%% of population)')"
    )
    parser.add_argument(
        "--unit-title", metavar="TEXT", help="what a new --unit means, e.g. 'births per woman'"
    )
    parser.add_argument(
        "--range", nargs=2, type=float, metavar=("MIN", "MAX"),
        help="plausible values; outside them a value is quarantined (default: from the unit)",
    )  # fmt: skip
    parser.add_argument(
        "--scale", type=float, default=1.0, help="multiply raw values by this (0-1 shares: 100)"
    )
    parser.add_argument("--lower-is-better", action="store_true", help="lower values are better")
    parser.add_argument(
        "--licence", help="licence of the data (default: from the API, or 'not stated')"
    )
    parser.add_argument("--citation", help="how to cite the data")
    parser.add_argument("--publisher", help="who publishes the data")
    parser.add_argument("--url", help="where the data are described")
    parser.add_argument(
        "--missing-marker", action="append", metavar="TEXT",
        help="a cell text meaning 'no data' (default: empty and '..'); repeat for several",
    )  # fmt: skip
    parser.add_argument(
        "--catalog", metavar="FILE",
        help="user catalog to write (default <home>/catalog.local.yml; or a $COMPARE_CATALOG file)",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    """Check everything, write the raw folder and the catalog entries, print what was done."""
    from compare.ingest.add.entries import Options, commit, summary  # noqa: PLC0415

    options = Options(
        indicator_id=args.indicator_id,
        source_id=args.source_id,
        family=args.family,
        title=args.title,
        unit=args.unit,
        unit_title=args.unit_title,
        range=tuple(args.range) if args.range else None,
        scale=args.scale,
        higher_is_better=not args.lower_is_better,
        licence=args.licence,
        citation=args.citation,
        publisher=args.publisher,
        url=args.url,
        missing_markers=tuple(args.missing_marker) if args.missing_marker else None,
        catalog=args.catalog,
    )
    if args.kind == "wb":
        from compare.ingest.add.worldbank import add_wb  # noqa: PLC0415

        addition = add_wb(args.code, options)
    else:
        from compare.ingest.add.local_file import add_file, parse_dimensions  # noqa: PLC0415

        addition = add_file(
            Path(args.path),
            options,
            reader=args.reader,
            series=args.series,
            dimensions=parse_dimensions(args.dimension),
        )
    written = commit(addition, None)
    print(summary(addition, written, None))
    return 0
