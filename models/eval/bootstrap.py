"""How sure a PR-AUC difference is: a paired, class-stratified bootstrap over the posts of one cell.

Why: a language cell of the hand-written sets holds 12-43 positives. One positive ranked under one
more negative moves its PR-AUC by about 0.01, the size of the tolerances the release criteria use
("the cascade within 0.01 of the better single model", "no cell 0.005 worse"). A difference is only
evidence when its interval says so; the model card prints both.

Paired: every resample scores the same posts with both models, so what the two share (an easy or a
hard draw of posts) cancels. Stratified: positives and negatives are resampled apart, so every
resample holds both classes in the cell's own proportion and PR-AUC stays defined.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import average_precision_score

from models.data.splits import label_matrix

LANGS = ("km", "en", "mixed")
STAGES = ("baseline", "transformer")


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


def language_cells(
    rows: list[dict[str, Any]], labels: tuple[str, ...]
) -> Iterator[tuple[str, str, int, NDArray[np.bool_], NDArray[np.int_]]]:
    """``(label, lang, label index, row mask, y)`` for each label x language (and overall) with both classes."""
    y = label_matrix(rows, labels).astype(np.int_)
    langs = np.array([r.get("lang", "") for r in rows])
    for j, lb in enumerate(labels):
        for lang in ("overall", *LANGS):
            m = np.ones(len(rows), dtype=bool) if lang == "overall" else langs == lang
            t = y[m, j]
            if 0 < t.sum() < len(t):
                yield lb, lang, j, m, t


def against_better(
    rows: list[dict[str, Any]],
    stages: dict[str, NDArray[np.float64]],
    labels: tuple[str, ...],
    rounds: int = 1000,
    level: float = 0.9,
) -> dict[str, dict[str, dict[str, Any]]]:
    """Per label x language (and overall): the cascade against the better of its two stages on that cell.

    ``stages`` holds the ``baseline``, ``transformer`` and ``cascade`` probabilities of ``rows``. The
    better stage is the one with the higher PR-AUC on the whole cell; the interval is then that of the
    cascade's difference from it, so it answers "is the cascade behind the better model here?".
    """
    out: dict[str, dict[str, dict[str, Any]]] = {lb: {} for lb in labels}
    for lb, lang, j, m, t in language_cells(rows, labels):
        better = max(STAGES, key=lambda s: float(average_precision_score(t, stages[s][m, j])))
        out[lb][lang] = {
            "better": better,
            **paired_difference(t, stages["cascade"][m, j], stages[better][m, j], rounds, level),
        }
    return out


def against(
    rows: list[dict[str, Any]],
    new: NDArray[np.float64],
    old: NDArray[np.float64],
    labels: tuple[str, ...],
    rounds: int = 1000,
    level: float = 0.9,
) -> dict[str, dict[str, dict[str, Any]]]:
    """Per label x language (and overall): PR-AUC of ``new`` minus that of ``old`` on the same posts.

    Why: a release is judged cell by cell against the one it replaces ("no cell more than 0.005
    worse"), and a test or probe cell holds 12-512 positives; the interval says which of the cells
    that moved moved for a reason.
    """
    out: dict[str, dict[str, dict[str, Any]]] = {lb: {} for lb in labels}
    for lb, lang, j, m, t in language_cells(rows, labels):
        out[lb][lang] = {"positives": int(t.sum()), **paired_difference(t, new[m, j], old[m, j], rounds, level)}
    return out
