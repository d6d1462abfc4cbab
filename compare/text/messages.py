"""Every message a reader may see, extracted for the translators' catalogs (``.po``).

Four kinds of source: the package's code (Babel's Python extractor with the keywords of
:data:`compare.text.i18n.KEYWORDS`; the index template with Jinja2's extractor), the Markdown
cells of the report notebooks (each cell one message, translated whole when a report runs in
another language), the titles the catalog gives indicators, units and data gaps, and the
project's own words in the evidence curation (what each claim measures, places, institutions).
``scripts/update_locales.py`` merges them into the ``.po`` files; ``tests/test_i18n.py`` fails
on any message without a Spanish or Portuguese translation.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from compare.config import PACKAGE_DIR
from compare.text.i18n import KEYWORDS

NOTEBOOKS = PACKAGE_DIR.parent / "notebooks"
#: Code that shows nothing to a report's reader (command-line errors stay English).
_SKIP_DIRS = ("tests",)


@dataclass(frozen=True)
class Message:
    """One message: its id (a tuple of singular and plural for ``ngettext``) and where it is."""

    msgid: str | tuple[str, str]
    where: str


#: The page templates rendered with the words of :func:`compare.reports.index.environment`
#: (``_``, ``t`` and ``nt``, its plural), read by Jinja2's Babel extractor.
TEMPLATES = "reports/templates/reports_index.html.j2"
TEMPLATE_KEYWORDS: dict[str, tuple[int, ...] | None] = {**KEYWORDS, "nt": (1, 2)}


def from_code(package: Path = PACKAGE_DIR) -> Iterator[Message]:
    """Messages marked in the package's Python files and page templates."""
    from babel.messages.extract import extract_from_dir  # noqa: PLC0415

    found = extract_from_dir(
        str(package),
        method_map=[("**.py", "python"), (TEMPLATES, "jinja2.ext:babel_extract")],
        options_map={TEMPLATES: {"silent": "false", "trim_blocks": "true"}},
        keywords=TEMPLATE_KEYWORDS,
        comment_tags=(),
        strip_comment_tags=True,
    )
    for filename, lineno, msgid, _comments, _context in found:
        yield Message(msgid, f"compare/{filename}:{lineno}")


def markdown_cells(notebook: Path) -> list[str]:
    """The Markdown cells' sources of ``notebook`` (each one message)."""
    book: dict[str, Any] = json.loads(notebook.read_text(encoding="utf-8"))
    cells = []
    for cell in book.get("cells", []):
        if cell.get("cell_type") == "markdown":
            source = cell.get("source", "")
            cells.append("".join(source) if isinstance(source, list) else source)
    return [c for c in cells if c.strip()]


def code_cells(notebook: Path) -> list[str]:
    """The code cells' sources of ``notebook``."""
    book: dict[str, Any] = json.loads(notebook.read_text(encoding="utf-8"))
    cells = []
    for cell in book.get("cells", []):
        if cell.get("cell_type") == "code":
            source = cell.get("source", "")
            cells.append("".join(source) if isinstance(source, list) else source)
    return cells


def from_notebooks(folder: Path = NOTEBOOKS) -> Iterator[Message]:
    """The report notebooks' Markdown cells, and the messages their code cells mark
    (``text.t("...")``)."""
    import io  # noqa: PLC0415

    from babel.messages.extract import extract  # noqa: PLC0415

    for notebook in sorted(folder.glob("*.ipynb")):
        for index, text in enumerate(markdown_cells(notebook)):
            yield Message(text, f"notebooks/{notebook.name}#md{index}")
        for index, source in enumerate(code_cells(notebook)):
            found = extract("python", io.BytesIO(source.encode("utf-8")), keywords=KEYWORDS)
            for _lineno, msgid, _comments, _context in found:
                yield Message(msgid, f"notebooks/{notebook.name}#code{index}")


def from_catalog() -> Iterator[Message]:
    """The package catalog's titles of indicators and units and its data gaps (a user's own
    catalog is not translated: its titles are shown as written)."""
    from compare.catalog import load_catalog  # noqa: PLC0415
    from compare.config import CATALOG_PATH  # noqa: PLC0415

    catalog = load_catalog(CATALOG_PATH)
    for indicator in catalog.indicators.values():
        yield Message(indicator.title, f"compare/catalog.yml:{indicator.id}")
    for unit, title in catalog.units.items():
        yield Message(title, f"compare/catalog.yml:units.{unit}")
    for gap_id, gap in catalog.gaps.items():  # what does not exist per country, and why
        yield Message(gap.title, f"compare/catalog.yml:gaps.{gap_id}")
        yield Message(gap.why, f"compare/catalog.yml:gaps.{gap_id}")


#: The evidence curation committed with the checkout (``compare.evidence.claims``).
EVIDENCE = PACKAGE_DIR.parent / "data" / "raw" / "evidence"


def from_evidence(folder: Path = EVIDENCE) -> Iterator[Message]:
    """The project's own words in the evidence curation: what each claim measures
    (``measure``), the places that are not one country (``geography``: regions, institutions,
    samples; a country is named from the mirror's name tables) and the cases' institutions.
    Quotes, citations and the cells of the paper's Tables 1 and 2 stay as the paper writes
    them (marked with their language on the page), so they are not messages."""
    import csv  # noqa: PLC0415

    def rows(name: str) -> list[dict[str, str]]:
        path = folder / name
        if not path.is_file():
            return []
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))

    for row in rows("paper_claims.csv"):
        where = f"data/raw/evidence/paper_claims.csv:{row['claim_id']}"
        yield Message(row["measure"], where)
        if row["geography_type"] != "country":
            yield Message(row["geography"], where)
    for row in rows("cases.csv"):
        yield Message(row["institution"], f"data/raw/evidence/cases.csv:{row['case_id']}")


def from_rules() -> Iterator[Message]:
    """The words of :mod:`compare.units` (unit words, suffixes and axis titles) and the default
    groups' names (base-layer modules cannot mark them)."""
    from compare.config import DEFAULT_GROUPS, POOLED  # noqa: PLC0415
    from compare.units import UNITS  # noqa: PLC0415

    for unit, style in UNITS.items():
        for words in (style.words, style.gap_words, style.suffix, style.title):
            if words.strip() and words.strip() != "%":
                yield Message(words.strip(), f"compare/units.py:{unit}")
    for group in (*DEFAULT_GROUPS, POOLED):
        yield Message(group, "compare/config.py:DEFAULT_GROUPS")


def from_matrix(folder: Path = NOTEBOOKS) -> Iterator[Message]:
    """The group labels the report matrix gives (``group:``), shown on each page."""
    import yaml  # noqa: PLC0415

    path = folder / "reports.yml"
    if not path.is_file():
        return
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for entry in data.get("runs") or []:
        if isinstance(entry, dict) and isinstance(entry.get("group"), str):
            yield Message(entry["group"], "notebooks/reports.yml")


def extract() -> list[Message]:
    """Every message, in order of first appearance, each id once (first location kept)."""
    seen: dict[str | tuple[str, str], Message] = {}
    sources = (
        *from_code(), *from_notebooks(), *from_catalog(), *from_rules(), *from_matrix(),
        *from_evidence(),
    )  # fmt: skip
    for message in sources:
        if message.msgid and message.msgid not in seen:
            seen[message.msgid] = message
    return list(seen.values())
