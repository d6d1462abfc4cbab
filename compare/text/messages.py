"""Every message a reader may see, extracted for the translators' catalogs (``.po``).

Three kinds of source: the package's code (Babel's Python extractor with the keywords of
:data:`compare.text.i18n.KEYWORDS`), the Markdown cells of the report notebooks (each cell one
message, translated whole when a report runs in another language) and the titles the catalog
gives indicators and units. ``scripts/update_locales.py`` merges them into the ``.po`` files;
``tests/test_i18n.py`` fails on any message without a Spanish or Portuguese translation.
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


def from_code(package: Path = PACKAGE_DIR) -> Iterator[Message]:
    """Messages marked in the package's Python files."""
    from babel.messages.extract import extract_from_dir  # noqa: PLC0415

    found = extract_from_dir(
        str(package),
        method_map=[("**.py", "python")],
        keywords=KEYWORDS,
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


def from_notebooks(folder: Path = NOTEBOOKS) -> Iterator[Message]:
    """The report notebooks' Markdown cells."""
    for notebook in sorted(folder.glob("*.ipynb")):
        for index, text in enumerate(markdown_cells(notebook)):
            yield Message(text, f"notebooks/{notebook.name}#md{index}")


def from_catalog() -> Iterator[Message]:
    """The package catalog's titles of indicators and units (a user's own catalog is not
    translated: its titles are shown as written)."""
    from compare.catalog import load_catalog  # noqa: PLC0415

    from compare.config import CATALOG_PATH  # noqa: PLC0415

    catalog = load_catalog(CATALOG_PATH)
    for indicator in catalog.indicators.values():
        yield Message(indicator.title, f"compare/catalog.yml:{indicator.id}")
    for unit, title in catalog.units.items():
        yield Message(title, f"compare/catalog.yml:units.{unit}")


def extract() -> list[Message]:
    """Every message, in order of first appearance, each id once (first location kept)."""
    seen: dict[str | tuple[str, str], Message] = {}
    for message in (*from_code(), *from_notebooks(), *from_catalog()):
        if message.msgid and message.msgid not in seen:
            seen[message.msgid] = message
    return list(seen.values())
