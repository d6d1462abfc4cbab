"""Messages in the reader's language: gettext catalogs read with Babel.

The catalogs are the ``.po`` files under ``compare/text/locales/<lang>/LC_MESSAGES/compare.po``
(edited by people, kept in git). They are compiled in memory when first used (Babel's
``read_po`` and ``write_mo``, then the standard :class:`gettext.GNUTranslations`), so no
generated binary is committed and a fresh checkout needs no build step. English is the source
language: its messages are the msgids themselves.

    >>> from compare.text.i18n import _, ngettext, use_language
    >>> with use_language("es"):
    ...     _("Summary"), ngettext("{n} country", "{n} countries", 3).format(n=3)
    ('Resumen', '3 países')

``scripts/update_locales.py`` extracts every message (keywords :data:`KEYWORDS`, plus the
notebooks' Markdown cells and the catalog's titles) and merges it into the ``.po`` files;
``tests/test_i18n.py`` fails when one lacks a Spanish or Portuguese translation.
"""

from __future__ import annotations

import functools
import gettext as _gettext
import io
from pathlib import Path

from compare.language import (
    AUTONYMS,
    LANGUAGES,
    SOURCE_LANGUAGE,
    check,
    current,
    set_language,
    use_language,
)

__all__ = [
    "AUTONYMS",
    "KEYWORDS",
    "LANGUAGES",
    "N_",
    "_",
    "catalog_path",
    "current",
    "gettext",
    "ngettext",
    "set_language",
    "t",
    "translations",
    "use_language",
]

LOCALES = Path(__file__).resolve().parent / "locales"
DOMAIN = "compare"

#: Babel's extraction keywords for this package (``pybabel extract -k ...`` equivalent).
KEYWORDS: dict[str, tuple[int, ...] | None] = {
    "_": None,
    "gettext": None,
    "N_": None,
    "t": None,
    "ngettext": (1, 2),
}


def catalog_path(language: str) -> Path:
    """The ``.po`` file of ``language``."""
    return LOCALES / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@functools.cache
def translations(language: str) -> _gettext.NullTranslations:
    """The compiled catalog of ``language`` (identity for English or a missing file)."""
    code = check(language)
    path = catalog_path(code)
    if code == SOURCE_LANGUAGE or not path.is_file():
        return _gettext.NullTranslations()
    from babel.messages.mofile import write_mo  # noqa: PLC0415
    from babel.messages.pofile import read_po  # noqa: PLC0415

    with path.open("rb") as handle:
        catalog = read_po(handle, locale=code, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def gettext(message: str) -> str:
    """``message`` in the current language (itself when untranslated)."""
    if not message:
        return message
    return translations(current()).gettext(message)


def _(message: str) -> str:
    """Short name of :func:`gettext` (the gettext convention)."""
    return gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The form of a message for ``n`` things in the current language's plural rules."""
    return translations(current()).ngettext(singular, plural, n)


def t(message: str, /, **values: object) -> str:
    """``message`` translated, then formatted with ``values`` (``{name}`` fields)."""
    return gettext(message).format(**values)


def N_(message: str) -> str:
    """Mark ``message`` for extraction; it is translated where it is shown."""
    return message
