"""The paper's quotes on a page in another language: verbatim, marked with the language they
were written in (``compare.show_quotes`` in the evidence notebook)."""

from __future__ import annotations

import csv
import html
import re

from compare.reports.display import QUOTE_LANGUAGE, quotes_html
from compare.text.i18n import use_language
from tests.paths import REPO

CLAIMS = REPO / "data" / "raw" / "evidence" / "paper_claims.csv"


def _claims() -> list[dict[str, str]]:
    with CLAIMS.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_quotes_stay_verbatim_and_marked_with_their_language() -> None:
    import pandas as pd

    rows = _claims()[:25]
    frame = pd.DataFrame(rows)[["claim_id", "quote", "value", "unit", "region"]]
    with use_language("es"):
        page = quotes_html(frame)
    cells = re.findall(r'<td lang="en">(.*?)</td>', page, re.S)
    assert QUOTE_LANGUAGE == "en"
    assert [html.unescape(c) for c in cells] == [r["quote"] for r in rows]  # verbatim, in order
    assert page.count('lang="en"') == len(rows)  # only the quotes are marked
    assert "<th>región</th>" in page and "<th>valor</th>" in page  # the rest is Spanish
    # the header is ours (a word of the reader's language), the cells under it the paper's
    assert "<th>cita textual</th>" in page and "<th>quote</th>" not in page


def test_a_quote_marked_inside_a_sentence_is_marked_in_the_cell() -> None:
    """A finding's description (Spanish words around a quote of the paper): the quote alone is
    marked, the rest of the cell is the page's language; nothing is marked in English."""
    import pandas as pd

    from compare.text.escape import quote

    quoted = _claims()[1]["quote"]
    with use_language("es"):
        description = f"{quote(quoted)} (línea 11), pero la tabla 1 recoge 4 casos"
        page = quotes_html(pd.DataFrame({"finding_id": ["F01"], "description": [description]}), ())
    assert f'<td>«<span lang="en">{html.escape(quoted)}</span>» (línea 11), pero' in page
    assert "\ue000" not in page and "\ue001" not in page
    assert quote(quoted) == f"'{quoted}'"  # English: as the findings always read


def test_a_hostile_quote_is_text() -> None:
    import pandas as pd

    frame = pd.DataFrame({"quote": ['SYNTHETIC <script>alert(1)</script> & "x"'], "value": [1]})
    with use_language("pt"):
        page = quotes_html(frame)
    assert "<script>" not in page
    assert (
        '<td lang="en">SYNTHETIC &lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;</td>'
        in page
    )
