"""Normalisation of Khmer/English post text.

Why: the same word arrives in several byte sequences (legacy Khmer character order, NFD, invisible
joiners), and two spellings that look identical on screen must become one token for the model,
the lexicons and near-duplicate detection. The original text is always kept beside the result.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

from khmerspell import khnormal

ZWSP = "\u200b"
# Invisible characters that carry no meaning in posts; ZWSP is kept as a word-boundary hint.
_INVISIBLE = re.compile("[\u200c\u200d\u2060\ufeff\u00ad\u180e\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_KHMER_RUN = re.compile("[\u1780-\u17ff\u19e0-\u19ff]+")
_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")


def _reorder_khmer(text: str) -> str:
    """Fix Khmer character order (coeng, ro, vowels, signs) run by run with khmerspell."""
    return _KHMER_RUN.sub(lambda m: khnormal(m.group(0)), text)


def normalise(text: str) -> str:
    """The canonical form used for scoring, lexicons and deduplication.

    NFC, Khmer order fixed, controls, lone surrogates and invisibles removed (ZWSP kept), runs of
    spaces collapsed, case folded. Idempotent: ``normalise(normalise(t)) == normalise(t)``.
    """
    text = _SURROGATE.sub("", text)
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub(" ", text)
    text = _INVISIBLE.sub("", text)
    text = _reorder_khmer(text)
    text = unicodedata.normalize("NFC", text)
    text = _SPACES.sub(" ", text).strip()
    return text.casefold()


def khmer_digits_to_latin(text: str) -> str:
    """Map Khmer digits to ASCII so that phone numbers and amounts parse the same way."""
    return text.translate(_KHMER_DIGITS)


def content_hash(text: str) -> str:
    """SHA-256 of the normalised text: the same content posted twice shares it."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()
