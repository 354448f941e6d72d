"""Language-ID accuracy per class on the labelled set features/data/langid_eval.jsonl.

The set: real Khmer sentences (khPOS OPEN/CLOSE-TEST), real English (UCI SMS ham, EMSCAD job
titles), and hand-written code-mixed and romanised-Khmer posts plus hard cases
(features/data/langid_handwritten.yaml). ``--write`` rebuilds the set (fixed seed); without it the
stored set is evaluated. Run: ``.venv/bin/python bench/features_langid.py``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from features_corpus import job_ads, khpos_sentences, sms_texts

from features.language import identify

DATA = Path(__file__).resolve().parent.parent / "features" / "data"
EVAL = DATA / "langid_eval.jsonl"


def build(seed: int = 3) -> list[dict[str, str]]:
    rng = random.Random(seed)
    km = [
        s
        for s in khpos_sentences("OPEN-TEST.word") + khpos_sentences("CLOSE-TEST.word")
        if len(s) >= 25 and not re.search("[A-Za-z]", s)
    ]
    sms_path = Path(__file__).resolve().parent.parent / "data" / "real" / "sms" / "SMSSpamCollection.filtered.tsv"
    ham = [
        r.split("\t", 1)[1]
        for r in sms_path.read_text(encoding="utf-8").splitlines()[1:]
        if r.startswith("ham\t") and len(r) > 30
    ]
    titles = [a.split(" ", 6)[:6] for a in job_ads()]
    rows = [{"text": t, "lang": "km", "source": "khPOS"} for t in rng.sample(km, 150)]
    rows += [{"text": t, "lang": "en", "source": "UCI SMS ham"} for t in rng.sample(ham, 150)]
    rows += [{"text": " ".join(t), "lang": "en", "source": "EMSCAD"} for t in rng.sample(titles, 30)]
    hand = yaml.safe_load((DATA / "langid_handwritten.yaml").read_text(encoding="utf-8"))
    for lang, texts in hand.items():
        rows += [{"text": t, "lang": lang, "source": "hand-written"} for t in texts]
    assert sms_texts()  # the corpus module and this script read the same files
    return rows


def evaluate(rows: list[dict[str, str]]) -> dict[str, float]:
    per: Counter[str] = Counter()
    ok: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    for r in rows:
        got = identify(r["text"])
        per[r["lang"]] += 1
        ok[r["lang"]] += got == r["lang"]
        confusion[(r["lang"], got)] += 1
    acc = {k: ok[k] / per[k] for k in sorted(per)}
    acc["all"] = sum(ok.values()) / sum(per.values())
    for k in sorted(per):
        print(
            f"{k:6s} n={per[k]:4d} accuracy={acc[k]:.3f}  "
            + " ".join(f"->{g}:{confusion[(k, g)]}" for g in ("km", "en", "mixed"))
        )
    print(f"all    n={sum(per.values()):4d} accuracy={acc['all']:.3f}")
    return acc


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true", help="rebuild features/data/langid_eval.jsonl")
    ap.add_argument("--errors", action="store_true", help="print misclassified posts")
    args = ap.parse_args()
    if args.write:
        rows = build()
        EVAL.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    rows = [json.loads(x) for x in EVAL.read_text(encoding="utf-8").splitlines() if x.strip()]
    print(f"labelled set {EVAL.name}")
    evaluate(rows)
    gen = Path(__file__).resolve().parent.parent / "data" / "generated" / "test.jsonl"
    if gen.exists():  # the model's synthetic test posts, labelled by their generator (models/data/generator.py)
        print(f"generated posts {gen.relative_to(gen.parents[2])} (labels from the generator's families)")
        evaluate([json.loads(x) for x in gen.read_text(encoding="utf-8").splitlines() if x.strip()])
    if args.errors:
        for r in rows:
            got = identify(r["text"])
            if got != r["lang"]:
                print(r["lang"], "->", got, "|", r["text"][:100])


if __name__ == "__main__":
    main()
