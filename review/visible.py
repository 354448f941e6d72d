"""Make invisible and direction-changing characters visible to reviewers, as ⟨U+202E⟩ markers.

A right-to-left override shows ``gnp.exe`` as ``exe.png``; zero-width characters hide inside
phone numbers and links. Reviewers (the item page, the header's username, the evidence PDF) see
such characters as markers instead; the stored text, its SHA-256 and the JSON evidence stay
byte-exact. Zero-width space, non-joiner and joiner between two Khmer letters are ordinary Khmer
orthography (word boundaries, shaping) and stay as they are.
"""

from __future__ import annotations

import unicodedata

KEEP = {"\n", "\t"}
KHMER_JOINERS = {"\u200b", "\u200c", "\u200d"}
# Categories with no visible glyph of their own: format (bidi controls, zero-width), control,
# private use, unassigned, surrogates, line/paragraph separators.
HIDDEN_CATEGORIES = {"Cf", "Cc", "Co", "Cn", "Cs", "Zl", "Zp"}


def _is_khmer(ch: str) -> bool:
    return "\u1780" <= ch <= "\u17ff" or "\u19e0" <= ch <= "\u19ff"


def marker(ch: str) -> str:
    """The visible stand-in for one character."""
    return f"⟨U+{ord(ch):04X}⟩"


def needs_marker(text: str, i: int) -> bool:
    """Whether the character at ``i`` is hidden or direction-changing (and not Khmer orthography)."""
    ch = text[i]
    if ch in KEEP:
        return False
    if ch == "\r":
        return not (i + 1 < len(text) and text[i + 1] == "\n")
    if unicodedata.category(ch) not in HIDDEN_CATEGORIES:
        return False
    if ch in KHMER_JOINERS and 0 < i < len(text) - 1:
        return not (_is_khmer(text[i - 1]) and _is_khmer(text[i + 1]))
    return True


def visible(text: object) -> str:
    """``text`` with each hidden or bidirectional control character replaced by its marker."""
    s = "" if text is None else str(text)
    if s.isascii() and s.isprintable():
        return s
    return "".join(marker(ch) if needs_marker(s, i) else ch for i, ch in enumerate(s))
