"""The words of the download links under figures and tables, and text made safe for a
spreadsheet.

CSV column names and values are data: they stay in English (and in ``.`` decimals) in every
language of a page; only the link labels here are wording.

A text cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read as a
formula by Excel, LibreOffice and Google Sheets when the CSV is opened ("CSV injection"): a
claim's quote, a user catalog's title or a group name could run ``=HYPERLINK(...)`` or worse on
the reader's machine. :func:`spreadsheet_safe` puts an apostrophe in front of such a cell (the
OWASP recommendation): spreadsheets show the text as written, and a program reading the CSV sees
the apostrophe. Numbers are never text cells, so a negative number keeps its sign.
"""

from __future__ import annotations

from compare.text.i18n import N_

#: Under each figure and table.
DOWNLOAD_LABEL = N_("Download data (CSV)")
#: Beside it: the sidecar naming the sources, licences, vintages and the run.
ABOUT_LABEL = N_("sources and licences (JSON)")
#: Above the index's findings.
FINDINGS_LABEL = N_("Download the findings (CSV)")

#: First characters a spreadsheet reads as the start of a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """``text`` that no spreadsheet reads as a formula (an apostrophe before a formula start)."""
    return "'" + text if text.startswith(FORMULA_START) else text
