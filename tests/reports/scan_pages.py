"""Every Spanish and Portuguese page of a reports folder through the "no English left" check of
tests/reports/test_languages.py (the suite checks one page of each notebook; this checks them
all after a ``make report``):

    .venv/bin/python -m tests.reports.scan_pages [REPORTS]

Prints each page with English words left (and the first of them), then a count; exit 1 when
any page has some.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.reports.english_allowlist import english_left
from tests.reports.test_languages import figure_texts, visible_text


def words_left(page: Path) -> list[str]:
    """The English words left on ``page`` (its visible text and its figures' words); the
    page's language is the last part of its name before ``.html``."""
    language = page.name.split(".")[-2]
    left = english_left(visible_text(page), language)
    book = page.with_suffix(".ipynb")
    if book.is_file():
        figures = figure_texts(json.loads(book.read_text(encoding="utf-8")))
        left += [hit for text in figures for hit in english_left(text, language)]
    return left


def main(argv: list[str] | None = None) -> int:
    reports = Path((argv or sys.argv[1:] or ["reports"])[0])
    pages = sorted(p for lang in ("es", "pt") for p in reports.glob(f"*/*.{lang}.html"))
    failing = 0
    for page in pages:
        left = words_left(page)
        if left:
            failing += 1
            print(f"{page.relative_to(reports)}: {len(left)} English word(s), e.g. {left[0]!r}")
    print(f"{len(pages)} Spanish/Portuguese pages checked, {failing} with English left")
    return 1 if failing else 0


if __name__ == "__main__":
    raise SystemExit(main())
