"""Text from files, parameters or a user's catalog, made safe for the Markdown it enters.

* :func:`md_text` escapes a value put into a Markdown sentence (a case's institution, a claim's
  measure, a group name from ``$COMPARE_REGIONS``): it shows as the characters it holds, never
  as a link, an image, emphasis or code; a line break becomes a space (it cannot start a list or
  a heading).
* :func:`md_code` puts a value inside a code span, whatever backticks it holds.
* :func:`safe_markdown` is the last net, applied by ``compare.md`` to the whole text: a link whose
  address is not ``http``/``https``/``mailto``/relative (``javascript:``, ``data:``,
  ``vbscript:``, ``file:`` ...) becomes its text, and so does every image that is not a
  ``data:image/`` (png, jpeg, gif, webp) picture: a page never fetches anything from elsewhere.
  Link definitions (``[1]: javascript:...``) are shown as text.

HTML special characters are escaped separately (``compare.md`` does it for the whole text), so
``<``, ``>`` and ``&`` are left to that step here.

Quotes of the source paper stay in its language (:data:`QUOTE_LANGUAGE`) on a page in another
one. :func:`foreign` marks such a span of text (two private-use characters around it, nothing
else changes); the page shows it as ``<span lang="en">``: ``compare.md`` and the quote tables
call :func:`marked_html` on the escaped text. In English nothing is marked. :func:`md_quote` and
:func:`quote` put a quote between the reader's language's quotation marks (the catalogs':
``'…'`` in English, ``«…»`` in Spanish, ``“…”`` in Portuguese) and mark it.
"""

from __future__ import annotations

import re

from compare.language import current
from compare.text.i18n import t

#: What makes Markdown out of plain text inside a sentence: links and images need ``[``,
#: emphasis ``*``/``_``/``~``, code a backtick, escapes a backslash (``<``, ``>``, ``&``: HTML,
#: escaped apart; line breaks become spaces, so no block can start).
_SYNTAX = re.compile(r"([\\`*_\[\]~])")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")

_LINK = re.compile(r"(!?)\[((?:\\.|[^\]\\])*)\]\(\s*(<[^>]*>|[^()\s]*(?:\([^()\s]*\)[^()\s]*)*)")
_CLOSE = re.compile(r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")
_DEFINITION = re.compile(r"^( {0,3})\[((?:\\.|[^\]\\])+)\]:", re.MULTILINE)
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_SAFE_SCHEMES = ("http", "https", "mailto")
_SAFE_IMAGE = re.compile(r"^data:image/(?:png|jpeg|gif|webp)[;,]")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


def md_text(value: object) -> str:
    """``value`` as literal Markdown text (syntax characters backslash-escaped)."""
    return _SYNTAX.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(value)))


def md_code(value: object) -> str:
    """``value`` in a code span (a fence longer than any run of backticks inside)."""
    text = _LINE_BREAKS.sub(" ", str(value))
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _address(target: str) -> str:
    address = target[1:-1] if target.startswith("<") and target.endswith(">") else target
    return _INVISIBLE.sub("", address).lower()


def safe_link(address: str, image: bool = False) -> bool:
    """Whether a link (or an image) address may stay in a page."""
    address = _INVISIBLE.sub("", address).lower()
    if image:
        return bool(_SAFE_IMAGE.match(address))
    if address.startswith("//") or address.startswith("\\"):
        return False  # another host, scheme implied
    scheme = _SCHEME.match(address)
    return scheme is None or scheme.group(1) in _SAFE_SCHEMES


def safe_markdown(text: str) -> str:
    """``text`` with unsafe links and every remote image replaced by their text (see the module
    docstring); everything else unchanged."""
    out: list[str] = []
    position = 0
    for match in _LINK.finditer(text):
        close = _CLOSE.match(text, match.end())
        if close is None:
            continue
        bang, label, target = match.groups()
        if safe_link(_address(target), image=bool(bang)):
            continue
        out.append(text[position : match.start()])
        out.append(label if label else "image")
        position = close.end()
    out.append(text[position:])
    return _DEFINITION.sub(r"\1\\[\2]:", "".join(out))


#: The language the source paper, its tables and the mirror's INDEX.md are written in.
QUOTE_LANGUAGE = "en"
#: Private-use characters around a span written in :data:`QUOTE_LANGUAGE` (see the docstring).
FOREIGN_START, FOREIGN_END = "\ue000", "\ue001"
_FOREIGN = re.compile(f"{FOREIGN_START}(.*?){FOREIGN_END}", re.S)


def foreign(text: str) -> str:
    """``text`` marked as written in :data:`QUOTE_LANGUAGE` when the reader's language is
    another (unchanged when it is the same)."""
    if current() == QUOTE_LANGUAGE or not text:
        return text
    return f"{FOREIGN_START}{text}{FOREIGN_END}"


def quote(value: object) -> str:
    """A quote of the paper in plain text: ``'…'`` in English, the reader's quotation marks
    around the marked quote in another language."""
    return t("'{quote}'", quote=foreign(str(value)))


def md_quote(value: object) -> str:
    """:func:`quote` of a value put into a Markdown sentence (escaped by :func:`md_text`)."""
    return quote(md_text(value))


def marked_html(escaped: str) -> str:
    """Escaped HTML (or Markdown) text with every marked span as ``<span lang="en">``."""
    return _FOREIGN.sub(f'<span lang="{QUOTE_LANGUAGE}">\\1</span>', escaped)


def unmarked(text: str) -> str:
    """``text`` without the marks (plain-text outputs)."""
    return text.replace(FOREIGN_START, "").replace(FOREIGN_END, "")
