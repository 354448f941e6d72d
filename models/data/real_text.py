"""Real benign text that no split holds: how often each model flags ordinary messages it never saw.

Why: the test split and the probe set are mostly our own writing. Real messages between adults (the
UCI SMS ham corpus) and real Khmer prose (khPOS) are closer to what a partner feed mostly carries,
and a model that flags them sends moderators work for nothing. Only rows absent from every built
split (``data/generated/*.jsonl``) and passing the content rule are drawn, so nothing here was
trained, calibrated or tested on. ``evaluate`` puts the flag rates in ``metrics/<model>.json``
(``real_text``); to read the highest-scored texts of one model:

    .venv/bin/python -m models.eval.flag_rates transformer 5
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from models.data.dataset import REAL, khpos_sentences, sms_ham
from models.data.generator import unsafe_terms
from models.jsonl import read_jsonl
from models.params import GENERATED

DATA = GENERATED
POSTS = 3000  # per source: 1 in 3,000 is the smallest flag rate that reads as more than zero
SEED = 13  # fixed, not params.yaml's seed: every model and experiment is counted on the same texts
KHPOS_FILES = ("train6.word", "OPEN-TEST.word", "CLOSE-TEST.word")


def built_texts(data: Path = DATA) -> set[str]:
    """Every text in the built splits that exist in ``data`` (train, val, test)."""
    return {
        r["text"]
        for split in ("train", "val", "test")
        if (data / f"{split}.jsonl").exists()
        for r in read_jsonl(data / f"{split}.jsonl")
    }


def unused(texts: Sequence[str], used: set[str], n: int, seed: int = SEED) -> list[str]:
    """Up to ``n`` distinct texts, drawn at random, in no split and passing the content rule."""
    pool = sorted({t for t in texts if t not in used and not unsafe_terms(t)})
    return random.Random(seed).sample(pool, min(n, len(pool)))


def real_benign(n: int = POSTS, data: Path = DATA, real: Path = REAL) -> dict[str, list[str]]:
    """``n`` unused texts per source: English SMS between adults, Khmer sentences."""
    used = built_texts(data)
    khmer = [
        t for name in KHPOS_FILES if (real / "khpos" / name).exists() for t in khpos_sentences(real / "khpos" / name)
    ]
    return {
        "sms_en": unused(list(sms_ham(real / "sms" / "SMSSpamCollection.filtered.tsv")), used, n),
        "khpos_km": unused(khmer, used, n),
    }
