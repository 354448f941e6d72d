"""Write the bundled sample partner feeds (``data/sample/``) used by ``make demo``.

Synthetic, non-explicit posts from ``models.data.generator`` (another seed than training) plus real
benign text from ``data/real`` (khPOS Khmer sentences, UCI SMS ham), spread over two partners with
different field names, with a few malformed lines and repeats to show quarantine and deduplication.
Run: ``python data/sample/generate.py`` (output is committed; rerunning gives the same files).
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from models.data.dataset import REAL, khpos_sentences, sms_ham
from models.data.generator import generate

HERE = Path(__file__).resolve().parent
PLATFORMS = ("facebook", "telegram", "tiktok", "forum")
PROVINCES = ("Phnom Penh", "Siem Reap", "Battambang", "Banteay Meanchey", "Svay Rieng", "Preah Sihanouk", None)


def main() -> None:
    rng = random.Random(2026)
    texts = [str(r["text"]) for r in generate(8, seed=2026)]
    texts += rng.sample(list(khpos_sentences(REAL / "khpos" / "OPEN-TEST.word")), 60)
    texts += rng.sample(list(sms_ham(REAL / "sms" / "SMSSpamCollection.filtered.tsv")), 40)
    rng.shuffle(texts)
    start = datetime(2026, 11, 16, tzinfo=UTC)
    ngo, platform = [], []
    for i, text in enumerate(texts):
        when = start + timedelta(minutes=37 * i)
        if i % 2 == 0:
            ngo.append(
                {
                    "id": f"ngo-{i:04d}",
                    "text": text,
                    "author": f"user{rng.randint(1, 80)}",
                    "created_at": when.isoformat(),
                    "platform": rng.choice(PLATFORMS),
                    "location_hint": rng.choice(PROVINCES),
                }
            )
        else:
            platform.append(
                {
                    "post_id": i,
                    "message": text,
                    "handle": f"@acct{rng.randint(1, 80)}",
                    "ts": when.isoformat(),
                    "permalink": f"https://example.org/p/{i}",
                }
            )
    (HERE / "drop" / "ngo").mkdir(parents=True, exist_ok=True)
    (HERE / "drop" / "platform").mkdir(parents=True, exist_ok=True)
    half = len(ngo) // 2
    for name, rows in (("2026-11-16.jsonl", ngo[:half]), ("2026-11-17.jsonl", ngo[half:] + ngo[:3])):
        with open(HERE / "drop" / "ngo" / name, "w", encoding="utf-8") as fh:
            for row in rows:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    with open(HERE / "drop" / "platform" / "export-001.jsonl", "w", encoding="utf-8") as fh:
        for row in platform:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")
        fh.write('{"post_id": 9001, "message": "truncated line\n')
        fh.write('{"post_id": 9002}\n')
        fh.write('["not", "an", "object"]\n')
        fh.write('{"post_id": 9003, "message": "bad date", "ts": "yesterday"}\n')
    print(f"ngo: {len(ngo)} posts (+3 repeats), platform: {len(platform)} posts (+4 malformed)")


if __name__ == "__main__":
    main()
