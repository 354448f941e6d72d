"""Khmer word segmenters on real gold data: F1 and characters/s (one core).

Gold: khPOS OPEN-TEST + CLOSE-TEST (2,000 hand-segmented sentences, CC BY-NC-SA 4.0, see
data/real/README.md). Two scorings: compounds as one word (the ``_``/``~``/``^`` joins removed) and
compounds split (split on them). F1 over word spans (a word is right when both its boundaries are).
Segmenters: khmer-nltk 1.6 (the project's default), khmercut 0.2.0 (CRF and its onnx model ``nn``),
khmer-segmenter 0.1.0 (``com``). The last three are in the ``bench`` extra:
``.venv/bin/pip install -c constraints.txt -e '.[bench]'``. Segmenters not installed are skipped.
Run: ``.venv/bin/python bench/segmenters.py [--limit N]``.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

KHPOS = Path(__file__).resolve().parent.parent / "data" / "real" / "khpos"


def gold(limit: int | None = None) -> list[tuple[str, list[str], list[str]]]:
    """(text, words with compounds joined, words with compounds split) per sentence."""
    out = []
    for name in ("OPEN-TEST.word", "CLOSE-TEST.word"):
        for line in (KHPOS / name).read_text(encoding="utf-8").splitlines():
            toks = line.split()
            if not toks:
                continue
            joined = [re.sub(r"[_~^]", "", t) for t in toks]
            split = [p for t in toks for p in re.split(r"[_~^]", t) if p]
            out.append(("".join(joined), joined, split))
    return out[:limit] if limit else out


def spans(words: list[str]) -> set[tuple[int, int]]:
    out, pos = set(), 0
    for w in words:
        out.add((pos, pos + len(w)))
        pos += len(w)
    return out


def f1(pred: list[set[tuple[int, int]]], ref: list[set[tuple[int, int]]]) -> float:
    tp = sum(len(p & r) for p, r in zip(pred, ref, strict=True))
    n_pred = sum(map(len, pred))
    n_ref = sum(map(len, ref))
    prec, rec = tp / max(n_pred, 1), tp / max(n_ref, 1)
    return 2 * prec * rec / max(prec + rec, 1e-12)


def segmenters() -> dict[str, Callable[[str], list[str]]]:
    found: dict[str, Callable[[str], list[str]]] = {}
    from khmernltk import word_tokenize

    logging.getLogger("khmer-nltk").setLevel(logging.WARNING)
    found["khmer-nltk 1.6 word_tokenize"] = lambda s: list(word_tokenize(s))
    try:
        import khmercut
        from khmercut import nn

        found["khmercut 0.2.0 (CRF)"] = lambda s: list(khmercut.tokenize(s))
        found["khmercut 0.2.0 nn (onnxruntime)"] = lambda s: list(nn.tokenize(s))
    except ImportError:
        print("khmercut not installed: skipped")
    try:
        from khmer_segmenter import Tokenizer

        tok = Tokenizer(seg_type="com")
        found["khmer-segmenter 0.1.0 com"] = lambda s: str(tok.tokenize(s)).split(" ")
    except ImportError:
        print("khmer-segmenter not installed: skipped")
    return found


def run(limit: int | None = None) -> dict[str, tuple[float, float, float, int]]:
    data = gold(limit)
    chars = sum(len(t) for t, _, _ in data)
    results = {}
    for name, seg in segmenters().items():
        seg(data[0][0])  # load the model outside the timing
        preds, bad = [], 0
        t0 = time.process_time()
        outs = [seg(text) for text, _, _ in data]
        dt = time.process_time() - t0
        for (text, _, _), out in zip(data, outs, strict=True):
            words = [w for w in (x.strip() for x in out) if w]
            if "".join(words) != text:  # the segmenter changed the text: score what aligns
                bad += 1
            preds.append(spans(words))
        f_joined = f1(preds, [spans(j) for _, j, _ in data])
        f_split = f1(preds, [spans(s) for _, _, s in data])
        results[name] = (f_joined, f_split, chars / dt, bad)
        print(f"| {name} | {f_joined:.3f} | {f_split:.3f} | {chars / dt / 1e3:.1f} k | {bad} |")
    return results


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None, help="first N sentences only")
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    n = len(gold(args.limit))
    print(f"{n} khPOS sentences; F1 compounds-as-one-word, F1 compounds-split, characters/s (CPU time)")
    print("| segmenter | F1 (compounds one word) | F1 (compounds split) | chars/s | sentences changed |")
    print("|---|---|---|---|---|")
    run(args.limit)


if __name__ == "__main__":
    main()
