"""Normalisation of Khmer/English post text, with an offset map back to the original.

Why: the same word arrives in several byte sequences (legacy Khmer character order, NFD, invisible
joiners, full-width or styled letters) and people who recruit or groom hide words on purpose
("t e l e g r a m", "teleg.ram", "w4ts4pp", Cyrillic look-alikes, 📞 for "phone"). Two spellings
that mean the same must become one form for the model, the lexicons and near-duplicate detection.
Moderators, however, must see highlights on the characters that were really posted, so every step
here keeps, for each output character, the range of original characters it came from.

Design rules:
- every regular expression here is linear in the input: runs are matched maximally and decided in
  Python, never "scan a run, fail, retry one character later" (a 1 MB post must not stall a worker);
- the common case is cheap: each step first checks whether it has anything to do;
- Khmer reordering uses SIL's ``khmerspell.khnormal`` (the reference implementation of the Khmer
  character-order rules), but only on syllables that need it, cached per syllable (khnormal costs
  ~7-17 µs per character when run over whole text; see bench/features_normalisers.py);
- ``normalise`` is idempotent: ``normalise(normalise(t)) == normalise(t)`` (a hypothesis test
  checks it on arbitrary strings).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import regex
import yaml
from khmerspell import khnormal
from khmerspell.khnormal import charcat

ZWSP = "\u200b"
DATA_DIR = Path(__file__).resolve().parent / "data"

# --------------------------------------------------------------------------------------------- #
# Offset-mapped text
# --------------------------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class Mapped:
    """Text plus, for each character, the ``[start, end)`` range of original characters behind it.

    Why two arrays rather than one: a replaced block (an emoji turned into "phone", a reordered
    Khmer syllable) maps each of its output characters to the whole source block, so a highlight
    over any part of it covers what was really written.
    """

    text: str
    starts: list[int]
    ends: list[int]
    original_length: int

    @classmethod
    def identity(cls, text: str) -> Mapped:
        """The original text mapped onto itself."""
        n = len(text)
        return cls(text, list(range(n)), list(range(1, n + 1)), n)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` range behind normalised ``[start, end)``.

        Always inside ``[0, original_length]``; an empty range maps to an empty range.
        """
        n = len(self.text)
        start = min(max(start, 0), n)
        end = min(max(end, start), n)
        if start == end:
            pos = self.starts[start] if start < n else self.original_length
            return pos, pos
        return self.starts[start], max(self.ends[end - 1], self.starts[start])


def _sub(src: Mapped, rx: re.Pattern[str] | Any, repl: Callable[[Any], str]) -> Mapped:
    """``rx.sub(repl, text)`` that carries the offset map along (replacements map to their source)."""
    text = src.text
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    pos = 0
    for m in rx.finditer(text):
        a, b = m.span()
        new = repl(m)
        if new == text[a:b]:
            continue
        pieces.append(text[pos:a])
        starts.extend(src.starts[pos:a])
        ends.extend(src.ends[pos:a])
        if new:
            if b > a:
                s0, e0 = src.starts[a], src.ends[b - 1]
            else:
                s0 = src.starts[a] if a < len(text) else src.original_length
                e0 = s0
            pieces.append(new)
            starts.extend([s0] * len(new))
            ends.extend([e0] * len(new))
        pos = b
    if not pieces:
        return src
    pieces.append(text[pos:])
    starts.extend(src.starts[pos:])
    ends.extend(src.ends[pos:])
    return Mapped("".join(pieces), starts, ends, src.original_length)


def _translate(src: Mapped, table: dict[int, str]) -> Mapped:
    """One-to-one character translation: the offsets do not move."""
    out = src.text.translate(table)
    return src if out == src.text else Mapped(out, src.starts, src.ends, src.original_length)


# --------------------------------------------------------------------------------------------- #
# Tables (data file: features/data/obfuscation.yaml)
# --------------------------------------------------------------------------------------------- #


def trie_pattern(words: Iterable[str]) -> str:
    """A regex alternation shaped as a trie: matching cost bounded by the longest word, not their number."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict[str, Any]) -> str:
        alts = [re.escape(ch) + emit(child) for ch, child in sorted(node.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if "" in node else body

    return emit(trie)


def _load_yaml(name: str) -> dict[str, Any]:
    with (DATA_DIR / name).open(encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    assert isinstance(data, dict), name
    return data


_OBF = _load_yaml("obfuscation.yaml")

_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_DIGITS = {**_KHMER_DIGITS, **_THAI_DIGITS}
# Curly apostrophes and quotes typed on phones -> ASCII, so "don’t tell" matches "don't tell".
_CHARMAP: dict[int, str] = {
    **{k: chr(v) for k, v in {**_KHMER_DIGITS, **_THAI_DIGITS}.items()},
    **{ord(c): "'" for c in "\u2018\u2019\u02bc\u2032"},
    **{ord(c): '"' for c in "\u201c\u201d"},
}

_HOMOGLYPHS: dict[int, str] = {ord(k): str(v) for k, v in _OBF["homoglyphs"].items()}
_HOMOGLYPH_CLASS = "".join(sorted(_OBF["homoglyphs"]))
# Words of Latin/Cyrillic/Greek letters that contain at least one Cyrillic or Greek letter.
_NON_LATIN_LETTER = re.compile("[\u0370-\u03ff\u0400-\u052f\u0261]")
_LETTER_WORD = regex.compile(r"[a-z\u0370-\u03ff\u0400-\u052f\u0261][a-z\u0370-\u03ff\u0400-\u052f\u0261\p{M}]*")
_ONLY_LOOKALIKES = re.compile(f"[{_HOMOGLYPH_CLASS}a-z]+")

_EMOJI: dict[str, str] = {str(k): str(v) for k, v in _OBF["emoji"].items()}
_EMOJI_RX = re.compile(trie_pattern(_EMOJI))

_LEET_SINGLE: dict[str, str] = {}
_LEET_ONE_ALT: dict[str, str] = {}
for _k, _v in _OBF["leet"].items():
    if isinstance(_v, list):
        _LEET_SINGLE[str(_k)] = str(_v[0])
        _LEET_ONE_ALT[str(_k)] = str(_v[1])
    else:
        _LEET_SINGLE[str(_k)] = str(_v)
_LEET_A = str.maketrans(_LEET_SINGLE)
_LEET_B = str.maketrans({**_LEET_SINGLE, **_LEET_ONE_ALT})
_SQUEEZE1 = re.compile(r"(.)\1+")


def _squeeze1(word: str) -> str:
    return _SQUEEZE1.sub(r"\1", word)


# squeezed spelling -> canonical keyword
KEYWORDS: dict[str, str] = {}
for _canon, _variants in _OBF["keywords"].items():
    for _v in [_canon, *_variants]:
        KEYWORDS[_squeeze1(str(_v))] = str(_canon)

_SPLIT: dict[str, str] = {}
for _canon, _variants in _OBF["split_words"].items():
    for _v in _variants:
        _SPLIT[str(_v)] = str(_canon)
_SPLIT_RX = re.compile(
    r"(?<![a-z0-9])(?:"
    + "|".join(r"[ .\-_*]+".join(map(re.escape, v.split())) for v in sorted(_SPLIT, key=len, reverse=True))
    + r")(?![a-z0-9])"
)
_SEPS = re.compile(r"[ .\-_*]+")

# --------------------------------------------------------------------------------------------- #
# Character classes
# --------------------------------------------------------------------------------------------- #

_SURROGATE = re.compile("[\ud800-\udfff]+")
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]+")
_CR = re.compile("\r\n?")
# Invisible characters that carry no meaning in posts; ZWSP (U+200B) is kept as a word-boundary hint.
# U+17B4/U+17B5 are the deprecated invisible Khmer inherent vowels.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200c-\u200f\u202a-\u202e\u2060-\u2064"
    "\u2066-\u206f\u20e3\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e007f]+"
)
_SPACE_RUN = re.compile(
    "[ \t\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\n]{2,}|[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
)
_EDGE_SPACE = re.compile("^[ \u200b\n]+|[ \u200b\n]+$")
_EDGE_CHARS = frozenset(" \u200b\n")
_KHMER_ANY = re.compile("[\u1780-\u17ff\u19e0-\u19ff]")

# Khmer syllable exactly as khnormal delimits it: a base, then dependents; a base or coeng right
# after a coeng (or ZWJ) belongs to the syllable.
_KB = "\u1780-\u17a2\u17a5-\u17b3"
_KHMER_SYLLABLE = re.compile(f"[{_KB}](?:\u17d2++[{_KB}]?|[\u17b6-\u17d1\u17d3\u17dd])*")
# Legacy typing order: coeng + RO typed before its consonant at the start of a word.
_COENG_RO_FIRST = re.compile(f"(?<![\u1780-\u17d3\u17dd])\u17d2\u179a([{_KB}])")


def _suspect_pattern() -> re.Pattern[str]:
    """Adjacent Khmer characters that khnormal would change: out-of-order pairs and its rewrites.

    Text without any of these is already in canonical order, so the syllable pass is skipped.
    """
    deps = [chr(o) for o in [*range(0x17B6, 0x17D4), 0x17DD] if charcat(chr(o)).value > 1]
    alts = []
    for value in sorted({charcat(c).value for c in deps}):
        here = "".join(c for c in deps if charcat(c).value == value)
        lower = "".join(c for c in deps if charcat(c).value < value)
        if lower:
            alts.append(f"[{here}][{lower}]")
    alts += [
        f"\u17d2[{_KB}]\u17cc",  # robat after a subscript
        "\u17d2\u178a",  # coeng DA -> coeng TA
        "\u17be[\u17b6\u17bb]",
        "\u17c1[\u17bb-\u17bd]?[\u17b6\u17b8]",
        "\u17bb[\u17b6-\u17ba\u17be\u17bf\u17d0\u17dd]",  # -u + upper vowel -> shifter
        "\u17d2\u179a\u17d2",  # coeng RO must come second
        "\u17d2\u17d2",
        "\u17d4\u17d2",
        "\u17d2\u17d4",
    ]
    return re.compile("|".join(alts))


_KHMER_SUSPECT = _suspect_pattern()


@lru_cache(maxsize=65536)
def _khnormal_syllable(syl: str) -> str:
    """khnormal for one syllable, to a fixpoint (cached: a few thousand syllables cover most text)."""
    out = syl
    for _ in range(4):
        nxt = khnormal(out)
        if nxt == out:
            break
        out = nxt
    return out


def reorder_khmer(text: str) -> str:
    """Khmer character order fixed per syllable (the plain-string form of the mapped step)."""
    return _reorder_khmer(Mapped.identity(text)).text


def _reorder_khmer(src: Mapped) -> Mapped:
    if not _KHMER_ANY.search(src.text):
        return src
    src = _sub(src, _COENG_RO_FIRST, lambda m: m.group(1) + "\u17d2\u179a")
    if not _KHMER_SUSPECT.search(src.text):
        return src

    def fix(m: re.Match[str]) -> str:
        syl = m.group(0)
        return syl if len(syl) <= 2 else _khnormal_syllable(syl)

    # Reordering can join two syllables (a subscript moved next to the following consonant), so
    # repeat until nothing changes (twice at most in practice).
    for _ in range(4):
        out = _sub(src, _KHMER_SYLLABLE, fix)
        if out is src or out.text == src.text or not _KHMER_SUSPECT.search(out.text):
            return out
        src = out
    return src


# --------------------------------------------------------------------------------------------- #
# Steps
# --------------------------------------------------------------------------------------------- #


@lru_cache(maxsize=65536)
def _fold_cluster(cluster: str) -> str:
    """NFKC + casefold of one grapheme cluster, to a fixpoint."""
    out = cluster
    for _ in range(4):
        nxt = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", out).casefold())
        nxt = _INVISIBLE.sub("", nxt)
        if nxt == out:
            break
        out = nxt
    return out


def _unicode_fold(src: Mapped) -> Mapped:
    """NFKC (NFC for Khmer, which has no compatibility forms) and casefold.

    NFKC rather than bare NFC because full-width and "mathematical bold" letters are a cheap way to
    dodge keyword filters. Fast paths: ASCII text; text that casefolds one character to one and is
    already NFKC. Otherwise only the non-ASCII, non-Khmer clusters are folded one by one.
    """
    text = src.text
    if text.isascii():
        low = text.lower()
        return src if low == text else Mapped(low, src.starts, src.ends, src.original_length)
    folded = text.casefold()
    if len(folded) == len(text):
        m = src if folded == text else Mapped(folded, src.starts, src.ends, src.original_length)
    else:
        m = _translate(_sub(src, _NON_ASCII_RUN, lambda r: r.group(0).casefold()), _ASCII_LOWER)
    # Folding one cluster can make a mark that belongs to the previous one (U+FF9E -> U+3099), so
    # repeat while the text changes.
    for _ in range(4):
        if unicodedata.is_normalized("NFKC", m.text):
            return m
        new = _sub(m, _NFKC_CANDIDATE, lambda c: _fold_cluster(c.group(0)))
        if new.text == m.text:
            return new
        m = new
    return m


_NON_ASCII_RUN = re.compile("[^\x00-\x7f\u1780-\u17ff\u19e0-\u19ff]+")
_ASCII_LOWER = {c: chr(c + 32) for c in range(ord("A"), ord("Z") + 1)}
# A cluster NFKC may change: a non-ASCII, non-Khmer character, or an ASCII one carrying marks.
_NFKC_CANDIDATE = regex.compile(r"(?:[^\x00-\x7f\u1780-\u17ff\u19e0-\u19ff\u200b]|[\x00-\x7f](?=\p{M}))\p{M}*")


def _fold_homoglyphs(src: Mapped) -> Mapped:
    if not _NON_LATIN_LETTER.search(src.text):
        return src

    def fix(m: re.Match[str]) -> str:
        word = m.group(0)
        if not _NON_LATIN_LETTER.search(word):
            return word
        has_latin = any("a" <= c <= "z" for c in word)
        if has_latin or _ONLY_LOOKALIKES.fullmatch(word):
            # a look-alike with a combining mark can compose once it is Latin ("а" + U+0300 -> "à")
            return unicodedata.normalize("NFKC", word.translate(_HOMOGLYPHS))
        return word

    return _sub(src, _LETTER_WORD, fix)


def _emoji(src: Mapped) -> Mapped:
    return _sub(src, _EMOJI_RX, lambda m: f" {_EMOJI[m.group(0)]} ")


# Single letters/digits separated by one or two separators, four or more in a row ("t e l e g r a m",
# "T-E-L-E-G-R-A-M", "t.e.l.e", "t/e/l/e", "t~e~l~e", "t+e+l+e").
_SPACED = re.compile(r"(?<![a-z0-9])[a-z0-9](?:[ .\-_*•·|/~+]{1,2}[a-z0-9](?![a-z0-9])){3,}")
_SPACED_SEPS = re.compile(r"[ .\-_*•·|/~+]+")


def _join_spaced(src: Mapped) -> Mapped:
    def fix(m: re.Match[str]) -> str:
        s = m.group(0)
        letters = _SPACED_SEPS.sub("", s)
        if sum(c.isalpha() for c in letters) < 2:
            return s
        # "a s e l f i e" -> "a selfie", but "I N S T A" is the app, not "i nsta"
        if letters[0] in "ai" and len(letters) >= 5 and s[1] == " " and _squeeze1(letters) not in KEYWORDS:
            return letters[0] + " " + letters[1:]
        return letters

    return _sub(src, _SPACED, fix)


def _load_words(name: str) -> frozenset[str]:
    lines = (DATA_DIR / name).read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


# Words a leetspeak token may decode to (data file; how it is made: features/data/build_leet_words.py).
LEET_WORDS = _load_words("leet_words.txt")
_LEET_SIGNS = frozenset("0123456789@$!|")
# A Latin token (apostrophes inside) holding a letter next to a leet sign; the lookbehind lets a
# match start only at a token's first character and the lookahead stays inside the token, so the
# scan is linear. Tokens glued to URL, handle, e-mail or ID punctuation are never candidates.
# (Written to start at the rare leet sign, not at a letter: about six times faster on English text.)
_LEET_HINT = re.compile(r"[0-9@$!|](?:(?<=[a-z][0-9@$|])|(?=[a-z]))")
_LEET_TOKEN = re.compile(r"(?<![\w@$!|'./:#&=%+~\-])(?=[a-z0-9@$!|']*?(?:[a-z][0-9@$|]|[0-9@$!|][a-z]))[a-z0-9@$!|']+")
_DIGIT_RUN3 = re.compile(r"[0-9]{3}")
_GLUED_AFTER = frozenset("/:#&=%+~-_@")


@lru_cache(maxsize=65536)
def _leet_word(core: str) -> str | None:
    """The word a leetspeak token spells ("m33t" -> "meet"), or None to leave the token alone.

    Why so strict: digits next to letters are mostly not leetspeak but times ("4pm", "7am" would
    read "tam"), ordinals ("1st"), units ("16yo", "5k"), money ("$1k", "us$") and IDs ("abc123").
    So: never a token starting with "@" (a handle) or holding three digits in a row (phone, ID,
    amount); a token starting with a digit or "$" only when that is one sign before a letter and
    the word has four letters or more ("5end"); and only when the decoded word is in ``LEET_WORDS``.
    The decoded form is also tried with runs shortened to two, as ``_squeeze`` would leave them, so
    the decision is the same on normalised text (idempotence).
    """
    if core[0] == "@" or _DIGIT_RUN3.search(core) or not any("a" <= c <= "z" for c in core):
        return None
    digit_first = core[0] in _LEET_SIGNS
    if digit_first and (core[0] == "!" or core[0] == "|" or len(core) < 2 or core[1] in _LEET_SIGNS):
        return None
    for table in (_LEET_A, _LEET_B):
        cand = core.translate(table)
        for word in (cand, _SQUEEZE2.sub(r"\1\1", cand)):
            if word in LEET_WORDS and not (digit_first and len(word) < 4):
                return cand
    return None


_SQUEEZE2 = re.compile(r"(.)\1\1+")


def _leetspeak(src: Mapped) -> Mapped:
    """Leetspeak in ordinary words decoded ("wh4t gr4de", "s3nd a p1c"), one character for one.

    Why: grooming messages hide the words filters look for in the same way they hide app names,
    and "m33t m3" must reach the lexicons and the model as "meet me". Cheap on the common case:
    text with no letter next to a leet sign is returned as it is.
    """
    text = src.text
    if not _LEET_HINT.search(text):
        return src

    def fix(m: re.Match[str]) -> str:
        tok = m.group(0)
        end = m.end()
        nxt = text[end : end + 1]
        if nxt and (nxt in _GLUED_AFTER or (nxt == "." and text[end + 1 : end + 2].isalnum())):
            return tok
        core = tok.strip("'").rstrip("!'")
        if len(core) < 2 or len(core) > 40:
            return tok
        word = _leet_word(core)
        if word is None:
            return tok
        i = tok.index(core)
        return tok[:i] + word + tok[i + len(core) :]

    return _sub(src, _LEET_TOKEN, fix)


@lru_cache(maxsize=65536)
def _keyword_of(token: str) -> str | None:
    """The canonical keyword hidden in ``token``, if any (cached: words repeat)."""
    if token.isalpha():
        return KEYWORDS.get(token) or KEYWORDS.get(_squeeze1(token))
    if not any("a" <= c <= "z" for c in token):
        return None
    plain = _SEPS.sub("", token)
    for cand in (plain, plain.translate(_LEET_A), plain.translate(_LEET_B)):
        hit = KEYWORDS.get(_squeeze1(cand))
        if hit:
            return hit
    return None


# A Latin token that may hide a keyword: it holds a letter next to a digit/leet sign or separator,
# or a letter three times in a row; or it is a known spelling variant. The lookbehind lets a match
# start only at a token's first character and the lookahead stays inside the token, so the scan
# is linear; callbacks run only for these few tokens.
_TOKCH = r"[a-z0-9@$!|.\-_*]"
_SUSPECT_TOKEN = re.compile(
    r"(?<![a-z0-9@$!|.\-_*])(?=" + _TOKCH + r"*?(?:[a-z][0-9@$!|]|[0-9@$!|][a-z]|[a-z][.\-_*][a-z]|([a-z])\1\1))"
    r"[a-z0-9][a-z0-9@$!|]*(?:[.\-_*][a-z0-9@$!|]+)*"
    r"|(?<![a-z0-9@$!|])" + trie_pattern(KEYWORDS) + r"(?![a-z0-9@$!|])"
)


def _canonical_keywords(src: Mapped) -> Mapped:
    src = _sub(src, _SPLIT_RX, lambda m: _SPLIT.get(_SEPS.sub(" ", m.group(0)), m.group(0)))

    def fix(m: re.Match[str]) -> str:
        tok = m.group(0)
        if len(tok) > 40:
            return tok
        return _keyword_of(tok) or tok

    return _sub(src, _SUSPECT_TOKEN, fix)


# Three or more of the same letter or sign (not digits: phone numbers repeat digits) -> two.
_REPEAT = re.compile(r"([^\W\d_]|[!?.។៕ៗ])\1\1+")


def _squeeze(src: Mapped) -> Mapped:
    return _sub(src, _REPEAT, lambda m: m.group(1) * 2)


def _spaces(src: Mapped) -> Mapped:
    def fix(m: re.Match[str]) -> str:
        run = m.group(0)
        if "\n" in run:
            return "\n"
        return ZWSP if not run.strip(ZWSP) else " "

    src = _sub(src, _SPACE_RUN, fix)
    if src.text[:1] in _EDGE_CHARS or src.text[-1:] in _EDGE_CHARS:
        return _sub(src, _EDGE_SPACE, lambda m: "")
    return src


def normalise_mapped(text: str) -> Mapped:
    """The normalised text of ``text`` with its offset map back to ``text``.

    Steps, in order: lone surrogates dropped, control characters to spaces, NFKC + casefold,
    invisibles dropped (ZWSP kept), Khmer and Thai digits to ASCII, Cyrillic/Greek look-alikes
    folded, emoji stand-ins to words, Khmer character order fixed, spaced letters joined,
    leetspeak words decoded, spaced/dotted/leet keywords de-obfuscated, runs of a repeated letter
    shortened to two, whitespace collapsed.
    """
    m = Mapped.identity(text)
    m = _sub(m, _SURROGATE, lambda _: "")
    m = _sub(m, _CR, lambda _: "\n")
    m = _sub(m, _CONTROL, lambda _: " ")
    m = _sub(m, _INVISIBLE, lambda _: "")
    m = _translate(m, _CHARMAP)  # before folding: a Khmer digit turned ASCII may carry marks to fold
    m = _unicode_fold(m)
    m = _translate(m, _CHARMAP)  # and after: folding makes U+02BC out of "ŉ"
    m = _fold_homoglyphs(m)
    m = _emoji(m)
    m = _reorder_khmer(m)
    m = _spaces(m)
    m = _join_spaced(m)
    m = _leetspeak(m)
    m = _canonical_keywords(m)
    m = _squeeze(m)
    return _spaces(m)


def normalise(text: str) -> str:
    """The canonical form used for scoring, lexicons and deduplication (see ``normalise_mapped``).

    Idempotent: ``normalise(normalise(t)) == normalise(t)``.
    """
    return normalise_mapped(text).text


def khmer_digits_to_latin(text: str) -> str:
    """Map Khmer (and Thai) digits to ASCII so that phone numbers and amounts parse the same way."""
    return text.translate(_DIGITS)


def content_hash(text: str) -> str:
    """SHA-256 of the normalised text: the same content posted twice shares it."""
    return hashlib.sha256(normalise(text).encode("utf-8")).hexdigest()
