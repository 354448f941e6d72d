"""English and Khmer names for every header the ministry sees.

They come from one catalogue (``review/locale``, domain ``reports``) so that the CSV, XLSX, chart and PDF
headers cannot drift apart. A message's key (``msgctxt``) says what it names: a bare header key, or
``label:<label>``, ``indicator:<category>`` and ``metric:<prefix>`` (a metric's header around a label's
name, e.g. ``flagged: {label}``).
"""

from __future__ import annotations

from functools import cache

from reports.gazetteer import load as load_gazetteer
from review.i18n import translator

DOMAIN = "reports"


@cache
def _table(kind: str) -> dict[str, tuple[str, str]]:
    """Key → (English, Khmer) for one kind of message; ``""`` is the bare header keys."""
    en, km = translator("en", DOMAIN), translator("km", DOMAIN)
    out: dict[str, tuple[str, str]] = {}
    for ctx, text in en.items():
        prefix, sep, key = ctx.partition(":")
        if (prefix if sep else "") == kind:
            out[key if sep else ctx] = (text, km[ctx])
    return out


def indicator_names() -> dict[str, tuple[str, str]]:
    """Indicator category → (English, Khmer)."""
    return _table("indicator")


def names(key: str) -> tuple[str, str]:
    """(English, Khmer) for a header key, province or indicator category; metric keys are composed."""
    base = _table("")
    if key in base:
        return base[key]
    km = load_gazetteer().khmer(key)
    if km is not None:
        return key, km
    if key in indicator_names():
        return indicator_names()[key]
    labels = _table("label")
    for prefix, (en_t, km_t) in _table("metric").items():
        if key.startswith(prefix):
            lb = key.removeprefix(prefix)
            len_, lkm = labels.get(lb, (lb, lb))
            return en_t.format(label=len_), km_t.format(label=lkm)
    if key in labels:
        return labels[key]
    return key, key


def english(key: str) -> str:
    """The English header."""
    return names(key)[0]


def khmer(key: str) -> str:
    """The Khmer header."""
    return names(key)[1]


def bilingual(key: str) -> str:
    """``English / ខ្មែរ`` for one-line headers (CSV, charts)."""
    en, km = names(key)
    return en if en == km else f"{en} / {km}"
