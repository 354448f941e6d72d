"""Scoring throughput: naive torch loop vs the ONNX engine, without and with the cascade.

One process, one run:
  (a) the fine-tuned 12-layer transformer in torch fp32, one post at a time, transformers-pipeline
      style (featurise, tokenise, forward, sigmoid + calibration) on the first ``--naive`` posts: the
      naive pipeline; when the cascade serves the distilled student, its own naive loop is timed too;
  (b) ``ScoringEngine`` (int8 ONNX Runtime, length-sorted batches) with the cascade off;
  (c) the same engine with the cascade on (TF-IDF baseline first, stage two for the rest).
(b) and (c) score ``--chunk`` posts per call, as the pipeline's scoring task does (``SCORE_CHUNK``).
Every figure is end to end from raw text: featurisation (normalise + language) is included.
Also: peak memory (getrusage), recall/precision of (b) and (c) at the operating thresholds, the
share the cascade skipped, a breakdown of where (c)'s time goes, and single-post latency (p50/p99).

    .venv/bin/python bench/score_throughput.py            # 20,000 posts
    /usr/bin/time -v .venv/bin/python bench/score_throughput.py --n 2000 --naive 200   # quick
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from features.featurise import featurise  # noqa: E402
from models.bundle import load_bundle  # noqa: E402
from models.cues import model_text  # noqa: E402
from models.inference import ScoringEngine, scoring_post  # noqa: E402
from models.jsonl import read_jsonl  # noqa: E402
from models.padding import head_and_tail  # noqa: E402


def peak_mb() -> float:
    """Peak resident memory of this process so far (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def corpus(split: Path, n: int, seed: int, positive_share: float | None = None) -> list[dict[str, Any]]:
    """``n`` labelled posts drawn (with replacement) from a held-out split: its km/en/mixed and length mix.

    ``positive_share`` redraws the label mix: the test split is about half positives, which a
    partner feed is not (most posts are harmless, and the cascade's gain depends on that share).
    Negatives still come from the split, so they are mostly the hard kinds (news, NGO warnings,
    legitimate jobs, dating, top-up shops), not easy everyday chatter.
    """
    rows = list(read_jsonl(split))
    rng = random.Random(seed)
    if positive_share is None:
        return [rows[rng.randrange(len(rows))] for _ in range(n)]
    pos = [r for r in rows if r["labels"]]
    neg = [r for r in rows if not r["labels"]]
    return [rng.choice(pos) if rng.random() < positive_share else rng.choice(neg) for _ in range(n)]


def recall_precision(probs: np.ndarray, y: np.ndarray, thresholds: list[float]) -> dict[str, float]:
    """Per-label recall and precision at the operating thresholds."""
    out = {}
    for j, t in enumerate(thresholds):
        pred = probs[:, j] >= t
        tp = int((pred & (y[:, j] == 1)).sum())
        out[f"recall_{j}"] = round(tp / max(int(y[:, j].sum()), 1), 4)
        out[f"precision_{j}"] = round(tp / max(int(pred.sum()), 1), 4)
    return out


def naive_torch(texts: list[str], torch_dir: Path, calibrators: list[Any] | None) -> tuple[float, np.ndarray]:
    """(a): one post at a time through the fp32 torch model, as a transformers pipeline would."""
    import torch

    from models.train.transformer import load_classifier

    torch.set_num_threads(2)
    model, tok, meta = load_classifier(torch_dir)
    out = np.zeros((len(texts), len(meta["labels"])))
    t0 = time.perf_counter()
    with torch.inference_mode():
        for i, text in enumerate(texts):
            post = featurise(text)
            ids = tok.encode(model_text(post.normalised, meta.get("prefix", ""), bool(meta.get("cues")))).ids
            ids = head_and_tail(ids, int(meta["max_len"]), int(meta.get("tail", 0)))
            x = torch.tensor([ids])
            logits = model(x, torch.ones_like(x)).numpy()[0].astype(np.float64)
            out[i] = (
                [c.transform(logits[j : j + 1])[0] for j, c in enumerate(calibrators)]
                if calibrators
                else 1 / (1 + np.exp(-logits))
            )
    return time.perf_counter() - t0, out


def engine_run(engine: ScoringEngine, texts: list[str], chunk: int = 5000) -> tuple[float, np.ndarray]:
    """(b)/(c): the engine as the pipeline's scoring task drives it, ``chunk`` posts per call."""
    labels = engine.labels
    out = np.zeros((len(texts), len(labels)))
    t0 = time.perf_counter()
    for s in range(0, len(texts), chunk):
        for i, res in enumerate(engine.score_texts(texts[s : s + chunk])):
            out[s + i] = [res.scores[lb] for lb in labels]
    return time.perf_counter() - t0, out


def breakdown(engine: ScoringEngine, texts: list[str]) -> dict[str, float]:
    """Seconds spent per part of (c): featurise (as the engine does), baseline, transformer (tokenise + ONNX)
    on routed posts."""
    model = engine.bundle.model
    t0 = time.perf_counter()
    posts = [scoring_post(t) for t in texts]
    norm = [p.normalised for p in posts]
    t1 = time.perf_counter()
    first = model.first.predict_proba(norm)
    t2 = time.perf_counter()
    routed = [norm[i] for i in np.nonzero(model.route(first, model.languages(norm, [p.lang for p in posts])))[0]]
    ids = model.second.encode(routed)
    t3 = time.perf_counter()
    raw = model.second.logits_of_ids(ids)
    t4 = time.perf_counter()
    model.second.calibrate_logits(raw)
    t5 = time.perf_counter()
    return {
        "featurise_s": round(t1 - t0, 2),
        "baseline_s": round(t2 - t1, 2),
        "tokenise_s": round(t3 - t2, 2),
        "onnx_s": round(t4 - t3, 2),
        "calibrate_s": round(t5 - t4, 3),
        "routed": len(routed),
        "routed_tokens": int(sum(len(x) for x in ids)),
    }


def latency(engine: ScoringEngine, texts: list[str]) -> dict[str, float]:
    """Single-post latency of ``score_texts([post])`` in milliseconds."""
    times = []
    for t in texts:
        t0 = time.perf_counter()
        engine.score_texts([t])
        times.append((time.perf_counter() - t0) * 1000)
    arr = np.array(times)
    return {
        "n": len(arr),
        "p50_ms": round(float(np.percentile(arr, 50)), 2),
        "p99_ms": round(float(np.percentile(arr, 99)), 2),
        "max_ms": round(float(arr.max()), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--naive", type=int, default=1_000)
    parser.add_argument("--split", type=Path, default=ROOT / "data" / "generated" / "test.jsonl")
    parser.add_argument("--model-dir", type=Path, default=ROOT / "artifacts" / "cascade")
    parser.add_argument("--torch-dir", type=Path, default=ROOT / "artifacts" / "transformer_torch")
    parser.add_argument("--student-torch-dir", type=Path, default=ROOT / "artifacts" / "student_torch")
    parser.add_argument("--chunk", type=int, default=5000, help="posts per engine call (the pipeline's SCORE_CHUNK)")
    parser.add_argument("--latency-posts", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument(
        "--positive-share",
        type=float,
        default=None,
        help="share of posts with a label (default: the split's own mix, about half)",
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()

    rows = corpus(args.split, args.n, args.seed, args.positive_share)
    texts = [r["text"] for r in rows]
    res: dict[str, Any] = {
        "posts": len(texts),
        "languages": dict(Counter(r.get("lang", "") for r in rows)),
        "positive_share": round(sum(bool(r["labels"]) for r in rows) / max(len(rows), 1), 4),
        "chars_p50_p90_max": [int(np.percentile([len(t) for t in texts], q)) for q in (50, 90, 100)],
    }
    t0 = time.perf_counter()
    engine = ScoringEngine.from_dir(args.model_dir)
    res["engine_load_s"] = round(time.perf_counter() - t0, 2)
    if not engine.set_cascade(True):
        raise SystemExit(f"{args.model_dir} is not a cascade bundle (build it with `dvc repro cascade`)")
    labels = list(engine.labels)
    thresholds = [engine.thresholds[lb] for lb in labels]
    y = np.array([[int(lb in r["labels"]) for lb in labels] for r in rows])
    tokens = [len(x) for x in engine.bundle.model.second.encode([featurise(t).normalised for t in texts[:2000]])]
    res["tokens_p50_p90_max"] = [int(np.percentile(tokens, q)) for q in (50, 90, 100)]
    res["model_version"] = engine.version

    naive_texts = texts[: args.naive]
    teacher = ROOT / "artifacts" / "transformer"
    calibrators = load_bundle(teacher).model.calibrators if (teacher / "manifest.json").exists() else None
    secs_a, _ = naive_torch(naive_texts, args.torch_dir, calibrators)
    res["a_posts_per_s"] = round(len(naive_texts) / secs_a, 1)
    second = engine.bundle.model.second
    res["stage_two"] = engine.bundle.extra.get("cascade", {}).get("second_stage", "transformer")
    if res["stage_two"] == "student" and args.student_torch_dir.exists():
        secs_s, _ = naive_torch(naive_texts, args.student_torch_dir, second.calibrators)
        res["a_student_posts_per_s"] = round(len(naive_texts) / secs_s, 1)
    res["peak_mb_after_a"] = round(peak_mb())

    engine.set_cascade(False)
    secs_b, probs_b = engine_run(engine, texts, args.chunk)
    res["b_posts_per_s"] = round(len(texts) / secs_b, 1)
    res["b_at_operating_point"] = recall_precision(probs_b, y, thresholds)

    engine.set_cascade(True)
    model = engine.bundle.model
    model.seen = model.sent = 0
    secs_c, probs_c = engine_run(engine, texts, args.chunk)
    res["c_posts_per_s"] = round(len(texts) / secs_c, 1)
    res["c_skipped_fraction"] = round(model.skipped_fraction, 4)
    res["c_at_operating_point"] = recall_precision(probs_c, y, thresholds)
    res["c_recall_drop_points"] = {
        lb: round(100 * (res["b_at_operating_point"][f"recall_{j}"] - res["c_at_operating_point"][f"recall_{j}"]), 2)
        for j, lb in enumerate(labels)
    }
    res["ratio_b_over_a"] = round(res["b_posts_per_s"] / res["a_posts_per_s"], 1)
    res["ratio_c_over_a"] = round(res["c_posts_per_s"] / res["a_posts_per_s"], 1)
    res["c_breakdown"] = breakdown(engine, texts)
    res["latency_cascade"] = latency(engine, texts[: args.latency_posts])
    engine.set_cascade(False)
    res["latency_transformer_only"] = latency(engine, texts[: args.latency_posts])
    longest = sorted(texts, key=len)[-50:]
    res["latency_longest_50_posts"] = latency(engine, longest)
    res["peak_mb"] = round(peak_mb())
    res["labels"] = labels
    print(json.dumps(res, indent=1, ensure_ascii=False))
    if args.json:
        args.json.write_text(json.dumps(res, indent=1, ensure_ascii=False), encoding="utf-8")


if __name__ == "__main__":
    main()
