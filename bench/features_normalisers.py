"""Khmer character-order normalisers: repair rate on corrupted real text, agreement, speed.

Real text: 2,000 khPOS sentences (as written, no word spaces). For each, the reference is
``khmerspell.khnormal`` of the sentence (SIL's implementation of the Khmer character-order rules).
Corruptions people's keyboards and legacy fonts produce, applied to one place per sentence:
vowel typed before the subscript, coeng+RO typed before its consonant, the vowel OE typed as E+II,
the shifter typed after the vowel. A normaliser "repairs" a sentence when its output equals the
reference. Candidates: plain NFC; khmerspell 0.1.1 ``khnormal`` on the whole text; khmernormalizer
0.0.4's ``khmer_normalize`` (an older copy of the same SIL code; ``bench`` extra); ours
(``features.normalise.reorder_khmer``: khnormal per syllable, only where a fast scan finds an
out-of-order pair, cached, plus the coeng-RO-first rule). Run:
``.venv/bin/python bench/features_normalisers.py``.
"""

from __future__ import annotations

import os
import random
import re
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from features_corpus import khpos_sentences
from khmerspell import khnormal

from features.normalise import _khnormal_syllable, reorder_khmer

_CORRUPTIONS: list[tuple[str, re.Pattern[str], Callable[[re.Match[str]], str]]] = [
    # vowel typed before the subscript: C + coeng + C2 + V  ->  C + V + coeng + C2
    (
        "vowel before subscript",
        re.compile("([\u1780-\u17a2])(\u17d2[\u1780-\u17a2])([\u17b6-\u17c5])"),
        lambda m: m.group(1) + m.group(3) + m.group(2),
    ),
    # coeng RO typed first: C + coeng RO  ->  coeng RO + C (at a word start)
    (
        "coeng RO first",
        re.compile("(?<![\u1780-\u17dd])([\u1780-\u17a2])(\u17d2\u179a)"),
        lambda m: m.group(2) + m.group(1),
    ),
    # OE typed as E + II
    ("OE as E+II", re.compile("\u17be"), lambda m: "\u17c1\u17b8"),
    # shifter typed after the vowel: C + shifter + V -> C + V + shifter
    ("shifter after vowel", re.compile("([\u17c9\u17ca])([\u17b7-\u17ba])"), lambda m: m.group(2) + m.group(1)),
]


def corrupt(sentences: list[str], seed: int = 5) -> list[tuple[str, str, str]]:
    """(kind, corrupted, reference) for every sentence where a corruption applies."""
    rng = random.Random(seed)
    out = []
    for s in sentences:
        ref = khnormal(s)
        kinds = [c for c in _CORRUPTIONS if c[1].search(ref)]
        if not kinds:
            continue
        kind, rx, fn = rng.choice(kinds)
        hits = list(rx.finditer(ref))
        m = rng.choice(hits)
        bad = ref[: m.start()] + fn(m) + ref[m.end() :]
        if bad != ref:
            out.append((kind, bad, ref))
    return out


def candidates() -> dict[str, Callable[[str], str]]:
    cands: dict[str, Callable[[str], str]] = {
        "NFC only": lambda s: unicodedata.normalize("NFC", s),
        "khmerspell 0.1.1 khnormal (whole text)": khnormal,
    }
    try:
        from khmernormalizer.khnormal import khmer_normalize

        cands["khmernormalizer 0.0.4 khmer_normalize"] = khmer_normalize
    except ImportError:
        print("khmernormalizer not installed: skipped")
    cands["ours: reorder_khmer (khnormal per syllable, cached)"] = reorder_khmer
    return cands


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    real = khpos_sentences("OPEN-TEST.word") + khpos_sentences("CLOSE-TEST.word")
    tests = corrupt(real)
    chars = sum(map(len, real))
    refs = [khnormal(s) for s in real]
    changed = sum(r != s for r, s in zip(refs, real, strict=True))
    print(f"{len(real)} real sentences ({changed} changed by khnormal), {len(tests)} corrupted copies")
    print(
        "| normaliser | repaired (all) | "
        + " | ".join(k for k, _, _ in _CORRUPTIONS)
        + " | same as khnormal on real text | chars/s (cold) | chars/s (warm) |"
    )
    print("|---" * (5 + len(_CORRUPTIONS)) + "|")
    for name, fn in candidates().items():
        _khnormal_syllable.cache_clear()
        t0 = time.process_time()
        outs = [fn(s) for s in real]
        cold = chars / (time.process_time() - t0)
        t0 = time.process_time()
        for s in real:
            fn(s)
        warm = chars / (time.process_time() - t0)
        agree = sum(o == r for o, r in zip(outs, refs, strict=True)) / len(real)
        per = {}
        for kind, _, _ in _CORRUPTIONS:
            sub = [(b, r) for k, b, r in tests if k == kind]
            per[kind] = (sum(fn(b) == r for b, r in sub), len(sub))
        allr = sum(v[0] for v in per.values()) / max(1, sum(v[1] for v in per.values()))
        cells = " | ".join(f"{a}/{n}" for a, n in per.values())
        print(f"| {name} | {allr:.3f} | {cells} | {agree:.3f} | {cold / 1e3:.0f} k | {warm / 1e3:.0f} k |")


if __name__ == "__main__":
    main()
