"""Language of a post: ``km``, ``en`` or ``mixed`` (romanised Khmer is reported as ``mixed``).

Why not a generic language-ID model: Khmer script is unambiguous by code point, but romanised Khmer
("bong", "oun", "jea") looks like Latin-script English to every generic detector. So: count script
runs, then look for romanised-Khmer words in the Latin part.
"""

from __future__ import annotations

import re
from typing import Literal

Lang = Literal["km", "en", "mixed"]

_KHMER_CHAR = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
_LATIN_WORD = re.compile(r"[a-z]+")
_URLISH = re.compile(r"(https?://\S+|www\.\S+|(?<!\S)[^\s@]++@\S+|[@#]\w+)", re.IGNORECASE)

# Frequent romanised-Khmer words that are not English words (or are too rare in English to matter).
ROMANISED_KHMER = frozenset(["bong", "oun", "own", "ouen", "jea", "chea", "ot", "ort", "min", "men", "te", "tae", "ey", "avey", "avei", "nov", "nouv", "tov", "tv", "tver", "twer", "kor", "kom", "khnhom", "knhom", "knyom", "nhom", "srolanh", "srolan", "sralanh", "neak", "nak", "mneak", "mnak", "eng", "aeng", "luy", "luoy", "lui", "sabay", "sabai", "rean", "rien", "thnak", "sala", "chhnam", "chnam", "pon", "ponman", "bonman", "mok", "mork", "chuob", "chuop", "jub", "joub", "hery", "hoy", "hz", "haz", "klach", "khlach", "prab", "brab", "mak", "pa", "ma", "ov", "ouv", "srey", "sray", "bros", "pros", "knea", "kne", "yerng", "yeung", "yoeng", "ches", "chas", "somlanh", "somlan", "sdam", "saat", "sa_at", "khmer", "srok", "tinh", "tenh", "dak", "tam", "jol", "chol", "cheh", "jes", "ban", "baan", "dael", "del", "ning", "nung", "hai", "heuy", "mean", "mien", "kmean", "kmian", "ngear", "ngea", "kar", "ka", "kan", "kang", "bro", "bra", "bek", "chet", "chit"])


def _latin_words(text: str) -> list[str]:
    return _LATIN_WORD.findall(_URLISH.sub(" ", text.lower()))


def romanised_khmer_share(text: str) -> float:
    """Share of Latin words in ``text`` that are romanised Khmer."""
    words = _latin_words(text)
    if not words:
        return 0.0
    return sum(w in ROMANISED_KHMER for w in words) / len(words)


def identify(text: str) -> Lang:
    """Post-level language from script counts and the romanised-Khmer lexicon."""
    cleaned = _URLISH.sub(" ", text)
    khmer = len(_KHMER_CHAR.findall(cleaned))
    words = _latin_words(cleaned)
    latin = sum(len(w) for w in words)
    if khmer and latin:
        share = khmer / (khmer + latin)
        if share >= 0.9:
            return "km"
        return "mixed" if share > 0.1 or romanised_khmer_share(cleaned) >= 0.2 else "en"
    if khmer:
        return "km"
    if words and romanised_khmer_share(cleaned) >= 0.25:
        return "mixed"
    return "en"
