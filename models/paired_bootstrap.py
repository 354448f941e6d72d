"""A PR-AUC difference with its interval: a paired, class-stratified bootstrap over the same posts.

Why here and not in ``models.eval``: training chooses with it too (``models.train.cascade`` keeps the
pooled blend unless another stage two is surely better on validation), and evaluation reports with it;
neither may import the other.

Paired: every resample scores the same posts with both models, so what the two share (an easy or a
hard draw of posts) cancels. Stratified: positives and negatives are resampled apart, so every
resample holds both classes in the cell's own proportion and PR-AUC stays defined.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import average_precision_score


def paired_difference(
    y: NDArray[np.int_],
    a: NDArray[np.float64],
    b: NDArray[np.float64],
    rounds: int = 1000,
    level: float = 0.9,
    seed: int = 0,
) -> dict[str, float]:
    """PR-AUC(a) − PR-AUC(b) on labels ``y``, with its percentile interval at ``level``.

    ``share_below`` is the share of resamples in which ``a`` ranks worse than ``b``.
    """
    y = np.asarray(y).astype(np.int_)
    pos, neg = np.nonzero(y == 1)[0], np.nonzero(y == 0)[0]
    if len(pos) == 0 or len(neg) == 0:
        raise ValueError("a PR-AUC difference needs both classes")
    rng = np.random.default_rng(seed)
    diffs = np.empty(rounds)
    for i in range(rounds):
        idx = np.concatenate([rng.choice(pos, len(pos)), rng.choice(neg, len(neg))])
        diffs[i] = average_precision_score(y[idx], a[idx]) - average_precision_score(y[idx], b[idx])
    tail = (1.0 - level) / 2.0
    lo, hi = np.quantile(diffs, [tail, 1.0 - tail])
    return {
        "diff": round(float(average_precision_score(y, a) - average_precision_score(y, b)), 4),
        "lo": round(float(lo), 4),
        "hi": round(float(hi), 4),
        "share_below": round(float((diffs < 0).mean()), 4),
    }
