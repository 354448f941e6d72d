"""The 10,000 mixed posts the features benchmarks run on (shared by the features_* scripts).

Real text where we have it: khPOS Khmer sentences (spaces and compound marks removed, as Khmer is
written), UCI SMS (English chat), EMSCAD job ads (long English); plus the project's generated
risk/benign posts (data/generated/test.jsonl: Khmer, English, romanised, obfuscated). Fixed seed.
"""

from __future__ import annotations

import csv
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT / "data" / "real"


def khpos_sentences(name: str = "train6.word") -> list[str]:
    """khPOS sentences as written (no word spaces, no compound marks)."""
    out = []
    for line in (REAL / "khpos" / name).read_text(encoding="utf-8").splitlines():
        words = line.split()
        if words:
            out.append(re.sub(r"[_~^]", "", "".join(words)))
    return out


def sms_texts() -> list[str]:
    rows = (REAL / "sms" / "SMSSpamCollection.filtered.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [r.split("\t", 1)[1] for r in rows if "\t" in r]


def job_ads() -> list[str]:
    with (REAL / "emscad" / "fj_small.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [" ".join(filter(None, (r.get("title"), r.get("company_profile"), r.get("description")))) for r in rows]


def generated() -> list[str]:
    path = ROOT / "data" / "generated" / "test.jsonl"
    if not path.exists():
        return []
    return [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def mixed_posts(n: int = 10_000, seed: int = 7) -> list[str]:
    """``n`` posts: ~35 % Khmer news, ~30 % English SMS, ~3 % job ads, the rest generated posts."""
    rng = random.Random(seed)
    km, sms, ads, gen = khpos_sentences(), sms_texts(), job_ads(), generated()
    posts = rng.sample(km, int(n * 0.35)) + rng.sample(sms, int(n * 0.30))
    posts += rng.sample(ads, min(len(ads), int(n * 0.03)))
    rest = n - len(posts)
    pool = gen or km
    posts += [pool[i % len(pool)] for i in range(rest)]
    rng.shuffle(posts)
    return posts
