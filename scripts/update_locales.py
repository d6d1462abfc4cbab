"""Extract every message and merge it into the Spanish and Portuguese catalogs (``.po``).

    .venv/bin/python scripts/update_locales.py          # update the .po files, list what lacks a
                                                        # translation (exit 1 when any does)
    .venv/bin/python scripts/update_locales.py --check  # only list (nothing written)

A message already translated keeps its translation; one no longer extracted is dropped (Babel's
``Catalog.update`` keeps it as obsolete, which ``write_po`` leaves out here). Messages come from
:func:`compare.text.messages.extract`. Babel's own ``pybabel extract`` would see the code only,
not the notebooks' Markdown cells nor the catalog's titles, hence this script.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from babel.messages.catalog import Catalog  # noqa: E402
from babel.messages.pofile import read_po, write_po  # noqa: E402

from compare.text.i18n import LANGUAGES, SOURCE_LANGUAGE, catalog_path  # noqa: E402
from compare.text.messages import extract  # noqa: E402


def template() -> Catalog:
    """A catalog of every extracted message, untranslated."""
    pot = Catalog(domain="compare", project="compare", fuzzy=False)
    for message in extract():
        pot.add(message.msgid, locations=[(message.where, None)])
    return pot


def merged(language: str, pot: Catalog) -> Catalog:
    """``language``'s catalog updated with ``pot`` (no fuzzy matching: a changed message is new)."""
    path = catalog_path(language)
    if path.is_file():
        with path.open("rb") as handle:
            catalog = read_po(handle, locale=language, domain="compare")
    else:
        catalog = Catalog(locale=language, domain="compare", project="compare", fuzzy=False)
    catalog.update(pot, no_fuzzy_matching=True, update_header_comment=False)
    catalog.obsolete.clear()
    return catalog


def untranslated(catalog: Catalog) -> list[str]:
    """The ids of messages without a (non-fuzzy) translation."""
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="write nothing, list what is missing")
    args = parser.parse_args(argv)
    pot = template()
    status = 0
    for language in (lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE):
        catalog = merged(language, pot)
        if not args.check:
            buffer = io.BytesIO()
            write_po(buffer, catalog, width=100, omit_header=False, sort_output=False)
            path = catalog_path(language)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(buffer.getvalue())
        missing = untranslated(catalog)
        print(f"{language}: {len(catalog)} messages, {len(missing)} without a translation")
        for msgid in missing[:400]:
            print(f"  {msgid[:100]!r}")
        status = status or (1 if missing else 0)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
