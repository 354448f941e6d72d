"""Coarse cues the codebook names (salary out of proportion, a minor's age), for both models.

Why a module of its own: the TF-IDF baseline appends the cues as tokens, and the transformer reads
them as short English phrases after the post; the ONNX engine needs the same text at serving time
without importing torch or scikit-learn.

Why its own money and age patterns, not ``features.indicators``' parsers (which moderators see):
the released model learnt these exact tokens, and the indicators' broader parsers (more currencies
and multipliers, "i'm 15", no "N ឆ្នាំ") would change the cues of some training texts; switching is
a retraining decision. ``tests/models/test_cues_pinned.py`` pins the tokens. Issue #31 (a
retraining) added ringgit, Singapore dollars and dong, age ranges counted by their lower bound
("ayu 16-20", "16-20 chnam"), "chhnam"/"ayuh", and lower-casing before matching.
"""

from __future__ import annotations

import re

from features.normalise import khmer_digits_to_latin

__all__ = ["CUE_WORDS", "cue_tokens", "model_text", "with_cues"]

_NUM = r"(\d[\d,]*(?:\.\d+)?)"
# (pattern, USD per unit, smallest amount that counts). Approximate 2025 rates: the cue is a bucket
# (small / low / mid / high), so a few per cent of drift does not move an amount across buckets.
# "dong" is also romanised Khmer for "times" ("3 dong"), so dong counts from 1,000 (about 0.04 USD).
_MONEY: tuple[tuple[re.Pattern[str], float, float], ...] = (
    (re.compile(r"(?<!\bs)\$\s?" + _NUM + r"\s?(k\b)?"), 1.0, 0.0),  # not "S$" (Singapore dollars)
    (re.compile(_NUM + r"\s?(k)?\s?(?:\$|usd\b|dollars?\b|dolla\b|ដុល្លារ)"), 1.0, 0.0),
    (re.compile(_NUM + r"\s?(million\s?)?(?:riels?\b|៛|រៀល)"), 1 / 4000, 0.0),
    (re.compile(_NUM + r"\s?(k\s?)?(?:baht\b|បាត)"), 1 / 35, 0.0),
    (re.compile(r"\b(?:rm|myr)\s?" + _NUM + r"\s?(k\b)?"), 1 / 4.5, 0.0),
    (re.compile(_NUM + r"\s?(k\s?)?(?:ringgit\b|rm\b|myr\b)"), 1 / 4.5, 0.0),
    (re.compile(r"\b(?:s\$|sgd)\s?" + _NUM + r"\s?(k\b)?"), 0.75, 0.0),
    (re.compile(_NUM + r"\s?(k\s?)?(?:sgd\b)"), 0.75, 0.0),
    (re.compile(_NUM + r"\s?(k\s?|million\s?)?(?:dong\b|vnd\b|₫|đ)"), 1 / 25000, 1000.0),
)
# An age, or an age range whose lower bound counts ("ayu 16-20", "16-20 chnam": minors are welcome).
_AGE = re.compile(
    r"(?:អាយុ|\bayuh?|\bage[d]?|\bអាយុក្រោម)\s?(\d{1,2})(?:\s?(?:-|to)\s?\d{1,2})?"
    r"|\b(\d{1,2})(?:\s?(?:-|to)\s?\d{1,2})?\s?(?:ឆ្នាំ|years?\s?old|yo\b|chh?nam)"
)


def cue_tokens(text: str) -> list[str]:
    """Coarse, language-independent cues the codebook names, as extra tokens.

    Why: "a salary out of proportion" and "a child's age" are the same cue in $1,500, 1500$,
    ១៥០០ ដុល្លារ, 6 million riel or 50,000 baht, but character n-grams see unrelated strings; a
    bucketed amount (in USD) and a minor-age flag let the model learn the cue once for every spelling.
    """
    tokens = []
    text = khmer_digits_to_latin(text).lower()
    for pattern, rate, least in _MONEY:
        for m in pattern.finditer(text):
            try:
                value = float(m.group(1).replace(",", ""))
            except ValueError:
                continue
            extra = m.group(2) if m.lastindex and m.lastindex >= 2 else None
            if extra and extra.strip().startswith("k"):
                value *= 1000
            elif extra and extra.strip().startswith("million"):
                value *= 1_000_000
            if value < least:
                continue
            usd = value * rate
            tokens.append(
                "zzmoneyhigh"
                if usd >= 800
                else "zzmoneymid"
                if usd >= 450
                else "zzmoneylow"
                if usd >= 60
                else "zzmoneysmall"
            )
    for m in _AGE.finditer(text):
        age = int(m.group(1) or m.group(2))
        if 5 <= age <= 17:
            tokens.append("zzageminor")
        elif 18 <= age <= 25:
            tokens.append("zzageyoung")
    return tokens


def with_cues(text: str) -> str:
    """The text followed by its cue tokens (the vectorizers' preprocessor)."""
    cues = cue_tokens(text)
    return f"{text} {' '.join(cues)}" if cues else text


# How the transformer reads each cue: words its pre-training already relates to the codebook's cue.
CUE_WORDS = {
    "zzmoneyhigh": "high salary",
    "zzmoneymid": "good salary",
    "zzmoneylow": "salary",
    "zzmoneysmall": "money",
    "zzageminor": "under 18",
    "zzageyoung": "young",
}


def model_text(text: str, prefix: str = "", cues: bool = False) -> str:
    """The string the transformer encodes: optional prefix, the normalised post, then ``| cue`` phrases.

    Why after the post: truncation at ``max_len`` cuts the tail, and a long post keeps its own
    words first; each distinct cue appears once, so repetition does not inflate it.
    """
    if not cues:
        return prefix + text
    tail = "".join(f" | {CUE_WORDS[c]}" for c in dict.fromkeys(cue_tokens(text)))
    return prefix + text + tail
