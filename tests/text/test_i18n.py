"""Messages in Spanish and Portuguese: every message the package, the notebooks and the catalog
can show has a translation with the same placeholders; numbers, dates and country names come
from Babel (CLDR) and the mirror's name tables; names sort by the documented collation key."""

from __future__ import annotations

import csv
import re
import string

import pytest
from babel.messages.pofile import read_po

from compare.errors import ParameterError
from compare.geo.countries import country_name
from compare.language import check, current, set_language, use_language
from compare.text import numbers
from compare.text.collation import sorted_names
from compare.text.i18n import LANGUAGES, SOURCE_LANGUAGE, _, catalog_path, ngettext, t
from compare.text.messages import extract

TRANSLATED = [lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE]
PLOTLY_FIELD = re.compile(r"%\{\{?[^}]*\}?\}")


def _fields(text: str) -> set[str]:
    """The ``{name}`` fields of a message and its plotly ``%{...}`` placeholders."""
    names = {f for _, f, _, _ in string.Formatter().parse(text) if f is not None}
    return names | set(PLOTLY_FIELD.findall(text))


def problems(po_path, messages) -> list[str]:
    """What a catalog lacks: messages without a (non-fuzzy) translation, or whose translation
    has other placeholders than the message."""
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    found = []
    for message in messages:
        entry = catalog.get(message.msgid)
        strings = () if entry is None else entry.string
        strings = strings if isinstance(strings, tuple) else (strings,)
        ids = message.msgid if isinstance(message.msgid, tuple) else (message.msgid,)
        if entry is None or entry.fuzzy or not strings or not all(strings):
            found.append(f"untranslated ({message.where}): {ids[0][:80]!r}")
            continue
        for text in strings:
            if _fields(text) != _fields(ids[-1]):
                found.append(f"placeholders differ ({message.where}): {ids[0][:80]!r}")
    return found


def test_every_message_is_extracted_from_code_notebooks_and_catalog() -> None:
    messages = extract()
    where = {m.where.split(":")[0].split("#")[0] for m in messages}
    assert "compare/text/comparisons.py" in where  # sentences
    assert "compare/figures/trends.py" in where  # figure titles, legends, hovers
    assert "notebooks/indicator_comparison.ipynb" in where  # Markdown cells
    assert "compare/catalog.yml" in where  # indicator titles
    ids = {m.msgid for m in messages}
    assert ("{n} country", "{n} countries") in ids  # ngettext keeps its plural
    assert "## Summary" in ids and "No values." in ids  # a heading; text.t() in a code cell
    assert "Individuals using the Internet (% of population)" in ids
    assert len(ids) == len(messages) > 300


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_message_has_a_translation_with_the_same_placeholders(language: str) -> None:
    found = problems(catalog_path(language), extract())
    assert not found, f"{len(found)} problems in {language}:\n" + "\n".join(found[:40])


def test_the_check_finds_a_missing_translation_and_a_lost_placeholder(tmp_path) -> None:
    """The check above can fail: a SYNTHETIC copy of the Spanish catalog with one translation
    blanked and one placeholder renamed."""
    text = catalog_path("es").read_text(encoding="utf-8")
    text = text.replace('msgstr "## Resumen"', 'msgstr ""', 1)
    text = text.replace("{year}: el año solicitado", "{anio}: el año solicitado", 1)
    copy = tmp_path / "SYNTHETIC_es.po"
    copy.write_text(text, encoding="utf-8")
    found = problems(copy, extract())
    assert any("untranslated" in p and "'## Summary'" in p for p in found), found
    assert any("placeholders differ" in p and "year requested" in p for p in found), found
    assert len(found) == 2, found


def test_english_is_the_message_itself_and_other_languages_translate() -> None:
    assert _("## Summary") == "## Summary"
    with use_language("es"):
        assert _("## Summary") == "## Resumen"
        assert _("Latin America & Caribbean") == "América Latina y el Caribe"
        assert ngettext("{n} country", "{n} countries", 1).format(n=1) == "1 país"
        assert ngettext("{n} country", "{n} countries", 4).format(n=4) == "4 países"
    with use_language("pt"):
        assert _("Latin America & Caribbean") == "América Latina e Caribe"
        assert _("digital divide") == "exclusão digital"
        assert t("{year}: the year requested", year=2022) == "2022: o ano pedido"


def test_language_is_context_local_with_a_process_default() -> None:
    assert current() == "en"
    with use_language("ES") as code:
        assert code == current() == "es"
        with use_language("pt"):
            assert current() == "pt"
        assert current() == "es"
    assert current() == "en"
    try:
        set_language("pt")
        assert current() == "pt"
        with use_language("es"):
            assert current() == "es"
        assert current() == "pt"
    finally:
        set_language("en")
    with pytest.raises(ParameterError, match=r"language must be one of en, es, pt, got 'fr'"):
        check("fr")


def test_numbers_percentages_and_dates_follow_the_locale() -> None:
    """Babel's CLDR formats; English keeps the project's own formats."""
    assert numbers.value(1234.5, "per_million_people") == "1,234 per million people"
    assert numbers.share(0.898) == "89.8%"
    assert numbers.value(89.8, "percent") == "89.8%"
    assert numbers.interval(8.04, 15.1, "percent") == "95% CI 8.0 to 15.1 pp"
    assert numbers.date("2026-12-06") == "6 December 2026"
    with use_language("es"):
        assert numbers.decimal(1234.5, 1) == "1.234,5"
        assert numbers.share(0.898) == "89,8\N{NO-BREAK SPACE}%"
        assert numbers.value(-3.25, "percent") == "\N{MINUS SIGN}3,2\N{NO-BREAK SPACE}%"
        assert numbers.interval(8.04, 15.1, "percent") == (
            "IC del 95\N{NO-BREAK SPACE}%: 8,0 a 15,1 p. p."
        )
        assert numbers.date("2026-12-06") == "6 de diciembre de 2026"
        assert numbers.value(None, "percent") == "n. d."
    with use_language("pt"):
        assert numbers.decimal(1234.5, 1) == "1.234,5"
        assert numbers.share(0.898) == "89,8%"
        assert numbers.date("2026-12-06") == "6 de dezembro de 2026"
        assert numbers.share(0.9996) == "99,96%"  # never rounded to 100% (the one share rule)


def _mirror_names(mirror, language: str) -> dict[str, str]:
    path = mirror / "country-names-en-es-pt" / language / "world.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["alpha3"].upper(): row["name"] for row in csv.DictReader(handle)}


@pytest.mark.parametrize("language", TRANSLATED)
def test_country_names_come_from_the_mirrors_name_table(mirror, language: str) -> None:
    names = _mirror_names(mirror, language)
    for code in ("DEU", "BRA", "MEX", "ECU", "NLD", "KNA"):
        with use_language(language):
            assert country_name(code) == names[code]
        assert country_name(code, language) == names[code]
    assert country_name("ECU") == "Ecuador" and country_name("DEU") == "Germany"
    with use_language(language):
        assert country_name("XXX") == "XXX"  # unknown: the code itself


def test_names_sort_by_the_documented_collation_key() -> None:
    names = ["Perú", "Polonia", "Paraguay", "Panamá", "Ómán", "Oceanía", "Bélgica", "Bahamas"]
    assert sorted_names(names, "es") == [
        "Bahamas", "Bélgica", "Oceanía", "Ómán", "Panamá", "Paraguay", "Perú", "Polonia",
    ]  # fmt: skip
    assert sorted_names(names, "en") == sorted(names)  # English: the order it always had


def _literal_messages(tree) -> list[tuple[int, str | tuple[str, str]]]:
    """(line, msgid) of every call of a keyword function with literal message(s)."""
    import ast

    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not node.args:
            continue
        func = node.func
        name = getattr(func, "id", None) or getattr(func, "attr", None)
        strings = [a.value for a in node.args[:2] if isinstance(a, ast.Constant)]
        if name == "ngettext" and len(strings) == 2 and all(isinstance(s, str) for s in strings):
            found.append((node.lineno, (strings[0], strings[1])))
        elif name in ("_", "t", "N_", "gettext") and strings and isinstance(strings[0], str):
            found.append((node.lineno, strings[0]))
    return found


def test_every_literal_message_in_the_code_is_extracted() -> None:
    """Babel's extractor skips a message whose call is nested in another call inside a keyword
    call (``t("{a}", a=", ".join(t("{b}") ...))``): such a message would stay English on every
    page. Every literal message of the package is among the extracted ones."""
    import ast

    from compare.config import PACKAGE_DIR

    ids = {m.msgid for m in extract()}
    missed = [
        f"{path.relative_to(PACKAGE_DIR)}:{line}: {msgid!r}"
        for path in sorted(PACKAGE_DIR.rglob("*.py"))
        for line, msgid in _literal_messages(ast.parse(path.read_text(encoding="utf-8")))
        if msgid and msgid not in ids
    ]
    assert not missed, "\n".join(missed)
