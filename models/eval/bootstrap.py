"""How sure a PR-AUC difference is: a paired, class-stratified bootstrap over the posts of one cell.

Why: a language cell of the hand-written sets holds 12-43 positives. One positive ranked under one
more negative moves its PR-AUC by about 0.01, the size of the tolerances the release criteria use
("the cascade within 0.01 of the better single model", "no cell 0.005 worse"). A difference is only
evidence when its interval says so; the model card prints both.

The interval itself is ``models.paired_bootstrap.paired_difference``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import average_precision_score

from models.data.splits import label_matrix
from models.paired_bootstrap import paired_difference

LANGS = ("km", "en", "mixed")
STAGES = ("baseline", "transformer")


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
