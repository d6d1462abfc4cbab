"""The reader's language: one context-local setting that every layer may read.

It sits in the base layer so that country names (:mod:`compare.geo`) and wording
(:mod:`compare.text`) follow the same choice; :mod:`compare.text.i18n` is the interface notebooks
and modules use (``use_language``, ``_``, ``ngettext``).

The current language is a :class:`contextvars.ContextVar` (a context manager changes it for a
block, threads and tasks keep their own) over a process default that :func:`set_language` changes
(a notebook sets it once in its first cell: a kernel may run each cell in a fresh context).
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator

from compare.errors import ParameterError

#: The languages reports are written in (ISO 639-1), English first: the source language.
LANGUAGES: tuple[str, ...] = ("en", "es", "pt")
#: The language of the code's messages and of every report by default.
SOURCE_LANGUAGE = "en"
#: Each language named in itself (language switchers).
AUTONYMS: dict[str, str] = {"en": "English", "es": "Español", "pt": "Português"}

_default = SOURCE_LANGUAGE
_current: contextvars.ContextVar[str | None] = contextvars.ContextVar(
    "compare_language", default=None
)


def check(language: object) -> str:
    """``language`` as a known code (any case), or a ParameterError naming the choices."""
    code = str(language).strip().lower() if isinstance(language, str) else ""
    if code not in LANGUAGES:
        raise ParameterError(f"language must be one of {', '.join(LANGUAGES)}, got {language!r}")
    return code


def current() -> str:
    """The language in force here (the block's, else the process default)."""
    return _current.get() or _default


def set_language(language: str) -> str:
    """Make ``language`` the process default (and this context's); returns the code."""
    global _default  # noqa: PLW0603 - the one process-wide setting, by design
    code = check(language)
    _default = code
    _current.set(None)
    return code


@contextlib.contextmanager
def use_language(language: str) -> Iterator[str]:
    """``with use_language("es"):`` everything said in the block is in Spanish."""
    token = _current.set(check(language))
    try:
        yield _current.get() or SOURCE_LANGUAGE
    finally:
        _current.reset(token)
