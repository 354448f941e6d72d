"""Features stage throughput on 10,000 mixed posts, one core.

Run: ``.venv/bin/python bench/features_throughput.py`` (about a minute). Prints posts/s for:
normalisation; + language; + indicators (= ``featurise(text)``, the scoring path); and
``featurise(text, segment=True)`` (khmer-nltk word segmentation as well, segment cache cleared).
"""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from features_corpus import mixed_posts

from features.featurise import featurise
from features.language import identify
from features.normalise import normalise_mapped
from features.tokenise import segment_khmer


def _rate(name: str, fn: object, posts: list[str]) -> float:
    assert callable(fn)
    t0 = time.process_time()
    for p in posts:
        fn(p)
    dt = time.process_time() - t0
    chars = sum(map(len, posts))
    print(f"{name:55s} {len(posts) / dt:9.0f} posts/s {chars / dt / 1e3:8.0f} k chars/s  ({dt:.2f} s)")
    return len(posts) / dt


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    posts = mixed_posts()
    print(f"{len(posts)} posts, {sum(map(len, posts)) / len(posts):.0f} chars/post on average, one core")
    for p in posts[:200]:  # warm caches the way a long-running worker has them
        featurise(p)
    identify.cache_clear()
    _rate("normalise (with offset map)", normalise_mapped, posts)
    _rate("normalise + language", lambda t: identify(normalise_mapped(t).text), posts)
    identify.cache_clear()
    _rate("featurise: normalise + language + indicators", featurise, posts)
    segment_khmer.cache_clear()
    featurise("ខ្ញុំ", segment=True)  # load the CRF model (about 2 s, once per process)
    _rate("featurise(segment=True): + khmer-nltk tokens", lambda t: featurise(t, segment=True), posts)
    khmer_only = [p for p in posts if not re.search("[A-Za-z]", p)][:3000]
    _rate(f"Khmer-only posts ({len(khmer_only)}): featurise", featurise, khmer_only)
    segment_khmer.cache_clear()
    _rate(
        f"Khmer-only posts ({len(khmer_only)}): featurise(segment=True)",
        lambda t: featurise(t, segment=True),
        khmer_only,
    )


if __name__ == "__main__":
    main()
