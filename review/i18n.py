"""The words people read in Chhmam, in English and Khmer, from gettext catalogues.

One mechanism for the review UI and the ministry exports: ``reports`` may import ``review`` (not the
other way round), so the reader lives here and both domains' catalogues lie in ``review/locale`` in the
usual gettext layout, which Khmer translators and their tools (Poedit, ``pybabel``) already know:

- ``<domain>.pot``: the English source. Each message's ``msgid`` is the English text and its ``msgctxt``
  the stable key the code and templates look it up by, so rewording English never breaks a call site.
- ``<lang>/LC_MESSAGES/<domain>.po``: one language's translations.

The ``.po`` files are compiled when first read (Babel) and cached, so there is no binary ``.mo`` file to
keep in step. A language without a catalogue, and a message without a translation, fall back to English,
as gettext does; tests/review/test_i18n.py keeps the Khmer catalogues complete.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Mapping
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from types import MappingProxyType

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

LOCALE_DIR = Path(__file__).with_name("locale")
SOURCE_LANG = "en"
DOMAINS = ("review", "reports")
_LANG = re.compile(r"[a-z]{2,3}(?:_[A-Z]{2})?")


def template_path(domain: str) -> Path:
    """The English source catalogue (``.pot``) of ``domain``."""
    return LOCALE_DIR / f"{domain}.pot"


def catalogue_path(lang: str, domain: str) -> Path:
    """Where ``lang``'s translations of ``domain`` are, whether or not the file exists."""
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{domain}.po"


def read_catalogue(path: Path) -> Catalog:
    """A ``.po``/``.pot`` file as Babel reads it."""
    with path.open("rb") as f:
        return read_po(f)


@lru_cache(maxsize=32)
def translations(lang: str, domain: str) -> gettext.NullTranslations:
    """gettext translations of ``domain`` into ``lang``; English (the msgids) when there is no catalogue.

    Only a language code names a file, so a stray ``lang`` value cannot point the reader elsewhere.
    """
    path = catalogue_path(lang, domain)
    if lang == SOURCE_LANG or not _LANG.fullmatch(lang) or not path.is_file():
        return gettext.NullTranslations()
    mo = BytesIO()
    write_mo(mo, read_catalogue(path))
    mo.seek(0)
    return Translations(mo, domain=domain)


@lru_cache(maxsize=32)
def translator(lang: str, domain: str = "review") -> Mapping[str, str]:
    """Key (``msgctxt``) → words in ``lang`` for every message of ``domain``; read-only, shared, cached.

    A mapping rather than a function so that templates keep writing ``t.queue`` and ``t[error]``;
    ``domain`` defaults to the web app's so that its call sites read ``translator(lang)``.
    """
    tr = translations(lang, domain)
    words: dict[str, str] = {}
    for message in read_catalogue(template_path(domain)):
        if message.context and isinstance(message.id, str) and message.id:
            words[message.context] = tr.pgettext(message.context, message.id)
    return MappingProxyType(words)
