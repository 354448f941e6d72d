"""Tokens with character offsets into the original text.

Khmer runs go through khmer-nltk's ``word_tokenize`` (the design card's segmenter, CRF, ~36,000
characters/s here); Latin, numbers, URLs, e-mails, @handles and #tags come from one regex. URLs and
handles are cut out *before* Khmer segmentation, because khmer-nltk splits them ("https://t" ".co").
khmer-nltk also drops newlines and ZWSP, so it only ever sees one Khmer run at a time, and its
tokens are re-aligned to the run by position.

Why not on the scoring path: segmentation costs ~30 µs per Khmer character, 10-100x the rest of
the features stage. ``featurise(text)`` does not call it; ``featurise(text, segment=True)`` and
``tokenise`` do. Results are cached per Khmer run (reposts and copy-paste ads repeat whole runs).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from features.normalise import Mapped

TokenKind = Literal["km", "word", "number", "url", "email", "handle", "hashtag", "symbol"]

_TOKEN_RX = re.compile(
    r"(?P<url>(?:https?://|www\.)[^\s<>\"'\u200b]+)"
    r"|(?P<email>(?<![\w.@%+-])[\w.%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+)"
    r"|(?P<handle>(?<![\w@])@\w+)"
    r"|(?P<hashtag>(?<![\w#])#\w+)"
    r"|(?P<km>[\u1780-\u17ff\u19e0-\u19ff]+)"
    r"|(?P<number>[0-9]+(?:[.,:/][0-9]+)*)"
    r"|(?P<word>[^\W\d_]+(?:'[^\W\d_]+)*)"
    r"|(?P<symbol>[^\s\u200b])"
)
_SEGMENT_MAX = 2000  # characters per khmer-nltk call; longer runs are cut at syllable-safe points


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its normalised text, kind, and ``[start, end)`` in the original text."""

    text: str
    kind: TokenKind
    start: int
    end: int


_segmenter_ready = False


def _word_tokenize(run: str) -> list[str]:
    global _segmenter_ready
    from khmernltk import word_tokenize

    if not _segmenter_ready:
        logging.getLogger("khmer-nltk").setLevel(logging.WARNING)
        _segmenter_ready = True
    return list(word_tokenize(run))


def _chunks(run: str) -> list[tuple[int, int]]:
    """Cut a long run before a consonant that starts a syllable (never inside one)."""
    cuts: list[tuple[int, int]] = []
    base = 0
    while len(run) - base > _SEGMENT_MAX:
        cut = base + _SEGMENT_MAX
        while cut > base + _SEGMENT_MAX // 2 and not ("\u1780" <= run[cut] <= "\u17b3" and run[cut - 1] != "\u17d2"):
            cut -= 1
        cuts.append((base, cut))
        base = cut
    cuts.append((base, len(run)))
    return cuts


@lru_cache(maxsize=16384)
def segment_khmer(run: str) -> tuple[tuple[int, int], ...]:
    """Word boundaries ``(start, end)`` inside one Khmer run (offsets into ``run``), cached."""
    out: list[tuple[int, int]] = []
    for base, stop in _chunks(run):
        chunk = run[base:stop]
        pos = 0
        for tok in _word_tokenize(chunk):
            tok = tok.strip()
            if not tok:
                continue
            at = chunk.find(tok, pos)
            if at < 0:  # the segmenter changed the text: fall back to the rest of the chunk
                break
            out.append((base + at, base + at + len(tok)))
            pos = at + len(tok)
        if pos < len(chunk):
            out.append((base + pos, base + len(chunk)))
    return tuple(out)


def tokenise_mapped(mapped: Mapped, segment: bool = True) -> tuple[Token, ...]:
    """Tokens of a normalised text, offsets mapped to the original.

    With ``segment=False`` a Khmer run is one token (cheap, used when only counts are needed).
    """
    norm = mapped.text
    tokens: list[Token] = []
    for m in _TOKEN_RX.finditer(norm):
        kind = m.lastgroup or "symbol"
        if kind == "km" and segment:
            for a, b in segment_khmer(m.group(0)):
                s, e = mapped.to_original(m.start() + a, m.start() + b)
                tokens.append(Token(norm[m.start() + a : m.start() + b], "km", s, e))
            continue
        s, e = mapped.to_original(m.start(), m.end())
        tokens.append(Token(m.group(0), kind, s, e))  # type: ignore[arg-type]
    return tuple(tokens)


def tokenise(text: str, segment: bool = True) -> tuple[Token, ...]:
    """Normalise ``text`` and return its tokens (offsets into ``text``)."""
    from features.normalise import normalise_mapped

    return tokenise_mapped(normalise_mapped(text), segment=segment)
