"""Language of a post and of its spans: ``km``, ``en`` or ``mixed`` (romanised Khmer is ``mixed``).

Why not a generic language-ID model: Khmer script is unambiguous by code point, but romanised Khmer
("bong", "oun", "jea") looks like Latin-script English to every generic detector. So: split the
text into script runs; a Khmer run is ``km``; a Latin run is ``en`` or romanised Khmer, decided
with a word lexicon (features/data/romanised.yaml: strong and weak romanised-Khmer words and common
English words). URLs, e-mails, @handles and #tags are masked first (an unmasked URL flips a short
Khmer post to "Latin"). Accuracy per class on a labelled set: bench/features_langid.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml

Lang = Literal["km", "en", "mixed"]
SpanLang = Literal["km", "en", "km-Latn"]

_DATA = yaml.safe_load((Path(__file__).resolve().parent / "data" / "romanised.yaml").read_text(encoding="utf-8"))
ENGLISH = frozenset(map(str, _DATA["english"]))
WEAK = frozenset(map(str, _DATA["weak"])) | {"mean"}
ROMANISED_STRONG = frozenset(map(str, _DATA["strong"])) - WEAK - ENGLISH
ROMANISED_KHMER = ROMANISED_STRONG | WEAK

_KHMER_CHAR = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")
# Khmer letters and signs only (digits and punctuation say nothing about the language).
_KHMER_LETTER = re.compile("[\u1780-\u17d3\u17dd]")
# Masks: URLs, e-mails, @handles, #tags. Each starts at a fixed prefix or at the start of a run, so
# matching is linear even on 1 MB of text.
_URLISH = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|(?<![\w.@%+-])[\w.%+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<![\w@#])[@#]\w+"
    r"|(?<![\w.-])(?:[a-z0-9-]+\.)+(?:com|me|ly|net|org|kh|link|io|co|info|app)(?:/[^\s<>\"']*)?",
    re.IGNORECASE,
)
# Script runs: Khmer (with ZWSP and inner spaces), Latin words (apostrophes inside), or other.
_RUN = re.compile(
    "(?P<km>[\u1780-\u17ff\u19e0-\u19ff](?:[\u1780-\u17ff\u19e0-\u19ff\u200b]| (?=[\u1780-\u17ff\u19e0-\u19ff]))*)"
    "|(?P<lat>[a-zA-Z]+(?:'[a-zA-Z]+)*)"
)
_LATIN_WORD = re.compile(r"[a-z]+")
_LATIN_ANY = re.compile("[a-zA-Z]")
# Last character of a script: linear (each failed attempt stops at the next character of the script).
_LAST_KHMER = re.compile("[\u1780-\u17ff\u19e0-\u19ff][^\u1780-\u17ff\u19e0-\u19ff]*$")
_LAST_LATIN = re.compile("[a-zA-Z][^a-zA-Z]*$")


@dataclass(frozen=True, slots=True)
class LangSpan:
    """A stretch of text in one language: Khmer script, English, or romanised Khmer."""

    start: int
    end: int
    lang: SpanLang


def _word_votes(words: list[str]) -> tuple[float, float]:
    """Romanised-Khmer and English evidence in a list of lower-case Latin words."""
    rom = 0.0
    eng = 0.0
    for w in words:
        if w in ROMANISED_STRONG:
            rom += 1.0
        elif w in WEAK:
            rom += 0.5
        if w in ENGLISH:
            eng += 1.0
    return rom, eng


def is_romanised_khmer(words: list[str]) -> bool:
    """Whether a run of Latin words reads as romanised Khmer rather than English."""
    rom, eng = _word_votes(words)
    return rom >= 1.0 and rom > eng


def romanised_khmer_share(text: str) -> float:
    """Share of Latin words in ``text`` that are romanised Khmer."""
    words = _LATIN_WORD.findall(_URLISH.sub(" ", text.lower()))
    if not words:
        return 0.0
    return sum(w in ROMANISED_KHMER for w in words) / len(words)


def _mask(text: str) -> str:
    """URL-like stretches replaced by spaces of the same length (offsets stay valid)."""
    return _URLISH.sub(lambda m: " " * len(m.group(0)), text)


def spans(text: str) -> list[LangSpan]:
    """Language spans of ``text`` (offsets into ``text``), adjacent same-language runs merged.

    Latin words between two Khmer runs are grouped with their neighbours into one Latin stretch
    before deciding English vs romanised Khmer, so "oun rean thnak ti 8" is judged as a whole.
    """
    masked = _mask(text)
    has_latin = _LATIN_ANY.search(masked) is not None
    first_km = _KHMER_CHAR.search(masked)
    if first_km is None or not has_latin:  # one script: one span, no per-run work
        if first_km is not None:
            last = _LAST_KHMER.search(masked)
            assert last is not None
            return [LangSpan(first_km.start(), last.start() + 1, "km")]
        first = _LATIN_ANY.search(masked)
        if first is None:
            return []
        last = _LAST_LATIN.search(masked)
        assert last is not None
        words = _LATIN_WORD.findall(masked.lower())
        return [LangSpan(first.start(), last.start() + 1, "km-Latn" if is_romanised_khmer(words) else "en")]
    raw: list[tuple[int, int, str]] = []  # (start, end, "km" | "lat")
    for m in _RUN.finditer(masked):
        kind = "km" if m.group("km") else "lat"
        if raw and raw[-1][2] == kind:
            raw[-1] = (raw[-1][0], m.end(), kind)
        else:
            raw.append((m.start(), m.end(), kind))
    out: list[LangSpan] = []
    for start, end, kind in raw:
        if kind == "km":
            out.append(LangSpan(start, end, "km"))
            continue
        words = _LATIN_WORD.findall(masked[start:end].lower())
        out.append(LangSpan(start, end, "km-Latn" if is_romanised_khmer(words) else "en"))
    return out


def identify_spans(text: str, found: list[LangSpan]) -> Lang:
    """Post language from its spans: letters in Khmer script, English and romanised Khmer."""
    khmer = english = roman = 0
    for s in found:
        if s.lang == "km":
            khmer += len(_KHMER_LETTER.findall(text, s.start, s.end))
        else:
            n = sum(len(w) for w in _LATIN_WORD.findall(text[s.start : s.end].lower()))
            if s.lang == "en":
                english += n
            else:
                roman += n
    latin = english + roman
    if not khmer and not latin:
        return "en"
    if roman and roman >= 0.3 * latin:
        return "mixed"
    if english and _code_mixed(text, found):
        return "mixed"
    if khmer and latin:
        share = khmer / (khmer + latin)
        if share >= 0.85:
            return "km"
        if share <= 0.1:
            return "en"
        return "mixed"
    return "km" if khmer else "en"


def _code_mixed(text: str, found: list[LangSpan]) -> bool:
    """English spans sprinkled with romanised Khmer ("oun so cute nas, mature jeang kmeng")."""
    words = [w for s in found if s.lang == "en" for w in _LATIN_WORD.findall(text[s.start : s.end].lower())]
    strong = sum(w in ROMANISED_STRONG for w in words)
    return strong >= 2 and strong >= 0.12 * len(words)


@lru_cache(maxsize=4096)
def identify(text: str) -> Lang:
    """Post-level language: ``km``, ``en`` or ``mixed`` (romanised Khmer counts as mixed)."""
    return identify_spans(text, spans(text))
