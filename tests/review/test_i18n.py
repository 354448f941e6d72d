"""The gettext catalogues (review/locale): complete in Khmer, placeholders intact, every key the code uses there.

A missing or fuzzy Khmer translation would silently print English to a Khmer reader, a dropped placeholder
would print ``{label}`` (or raise) in the ministry's export, and a key a template asks for that is not in
the catalogue renders as nothing: these checks fail first.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from review import i18n
from review.i18n import DOMAINS, catalogue_path, read_catalogue, template_path, translator

TEMPLATES = Path(i18n.__file__).with_name("templates")
_PERCENT = re.compile(r"%(?:\((\w+)\))?[sdifr]")


def placeholders(text: str) -> list[str]:
    """The ``{name}`` and ``%(name)s`` / ``%s`` fields of ``text``, sorted (``%%`` is a literal)."""
    braces = [f"{{{name}}}" for _, name, _, _ in string.Formatter().parse(text) if name is not None]
    percents = [f"%({m.group(1)})" if m.group(1) else m.group(0) for m in _PERCENT.finditer(text.replace("%%", ""))]
    return sorted(braces + percents)


def messages(catalogue: Catalog) -> dict[str, tuple[str, str, bool]]:
    """msgctxt → (msgid, msgstr, fuzzy), header left out."""
    out: dict[str, tuple[str, str, bool]] = {}
    for m in catalogue:
        if m.id:
            assert isinstance(m.id, str) and isinstance(m.string, str), f"plural form in the catalogue: {m.id!r}"
            assert m.context, f"message without a key (msgctxt): {m.id!r}"
            assert m.context not in out, f"key used twice: {m.context}"
            out[m.context] = (m.id, m.string, m.fuzzy)
    return out


@pytest.mark.parametrize("domain", DOMAINS)
def test_every_message_has_a_khmer_translation(domain: str) -> None:
    source = messages(read_catalogue(template_path(domain)))
    km_catalogue = read_catalogue(catalogue_path("km", domain))
    km = messages(km_catalogue)
    assert source, domain
    assert sorted(set(source) - set(km)) == [], "keys not yet in the Khmer catalogue: run pybabel update"
    assert sorted(set(km) - set(source)) == [], "Khmer keys the template no longer has: run pybabel update"
    for key, (msgid, _, _) in source.items():
        assert km[key][0] == msgid, f"{key}: the Khmer catalogue translates an older English text"
    assert [k for k, (_, msgstr, fuzzy) in km.items() if not msgstr or fuzzy] == []
    assert not km_catalogue.obsolete
    assert [(m.id, errors) for m, errors in km_catalogue.check()] == []


@pytest.mark.parametrize("domain", DOMAINS)
def test_placeholders_match(domain: str) -> None:
    for key, (msgid, msgstr, _) in messages(read_catalogue(catalogue_path("km", domain))).items():
        assert placeholders(msgstr) == placeholders(msgid), key


def test_placeholder_reader() -> None:
    assert placeholders("flagged: {label}") == ["{label}"]
    assert placeholders("%(n)s of %d, 5 %% off") == ["%(n)", "%d"]
    assert placeholders("change %") == []


def test_templates_and_the_app_ask_only_for_known_keys() -> None:
    from review.errors import ERROR_KEYS
    from review.service import LABELS

    words = translator("en")
    used = set(ERROR_KEYS.values()) | {"err_other", "bad_login", "too_many"} | set(LABELS)
    used |= {"open", "claimed", "decided", "escalated", "referral_pending", "referred"}  # t.get(item.status)
    for page in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"\bt\.(?!get\b)(\w+)", page.read_text(encoding="utf-8")))
    assert sorted(used - set(words)) == []


def test_english_is_the_msgid_and_other_languages_fall_back_to_it() -> None:
    en, km = translator("en"), translator("km")
    assert en["queue"] == "Review queue" and km["queue"] == "ជួរពិនិត្យ"
    assert en["switch_lang"] == "ភាសាខ្មែរ" and km["switch_lang"] == "English"
    assert translator("km", "reports")["title"].startswith("របាយការណ៍ប្រចាំសប្តាហ៍")
    for other in ("fr", "", "../km", "km/../km"):
        assert translator(other) == en
    with pytest.raises(TypeError):
        km["queue"] = "changed"  # type: ignore[index]


def test_untranslated_and_fuzzy_messages_print_english(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "km" / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "demo.pot").write_text(
        'msgctxt "a"\nmsgid "Apple"\nmsgstr ""\n\nmsgctxt "b"\nmsgid "Bean"\n'
        'msgstr ""\n\nmsgctxt "c"\nmsgid "Corn"\nmsgstr ""\n',
        encoding="utf-8",
    )
    (tmp_path / "km" / "LC_MESSAGES" / "demo.po").write_text(
        'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        'msgctxt "a"\nmsgid "Apple"\nmsgstr "ផ្លែប៉ោម"\n\n#, fuzzy\nmsgctxt "b"\nmsgid "Bean"\nmsgstr "សណ្ដែក"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    i18n.translator.cache_clear()
    try:
        assert dict(translator("km", "demo")) == {"a": "ផ្លែប៉ោម", "b": "Bean", "c": "Corn"}
    finally:
        i18n.translations.cache_clear()
        i18n.translator.cache_clear()
