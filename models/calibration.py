"""Calibration and threshold choice, shared by every model kind.

Why calibrate: moderators and the queue's priority read scores as probabilities, and thresholds
chosen for a target precision only transfer between model versions if scores mean the same thing.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LogisticRegression


class Calibrator:
    """Maps a raw score to a probability; fitted on validation data, Platt (sigmoid) or isotonic."""

    def __init__(self, method: str = "sigmoid") -> None:
        self.method = method
        self._model: Any = None

    def fit(self, raw: NDArray[np.float64], y: NDArray[np.int_]) -> Calibrator:
        """Fit on raw scores and 0/1 targets."""
        if len(np.unique(y)) < 2:
            raise ValueError("calibration needs both classes in the validation data")
        if self.method == "isotonic":
            self._model = IsotonicRegression(out_of_bounds="clip", y_min=0.0, y_max=1.0).fit(raw, y)
        else:
            self._model = LogisticRegression(C=1e6).fit(raw.reshape(-1, 1), y)
        return self

    def transform(self, raw: NDArray[np.float64]) -> NDArray[np.float64]:
        """Probabilities for raw scores."""
        if self.method == "isotonic":
            return np.asarray(self._model.predict(raw), dtype=np.float64)
        return np.asarray(self._model.predict_proba(raw.reshape(-1, 1))[:, 1], dtype=np.float64)


def threshold_for_precision(probs: NDArray[np.float64], y: NDArray[np.int_], target: float) -> float:
    """Lowest threshold whose precision on (probs, y) reaches ``target``.

    The lowest such threshold keeps recall as high as the precision target allows. When no
    threshold reaches the target, the one with the best F1 is used instead, so a weak model still
    flags its most confident posts rather than everything or nothing.
    """
    order = np.argsort(-probs, kind="stable")
    sorted_p, sorted_y = probs[order], y[order]
    tp = np.cumsum(sorted_y)
    precision = tp / np.arange(1, len(sorted_y) + 1)
    ok = np.nonzero((precision >= target) & (sorted_y == 1))[0]
    if len(ok):
        return float(sorted_p[ok[-1]])
    positives = max(int(sorted_y.sum()), 1)
    f1 = 2 * tp / (np.arange(1, len(sorted_y) + 1) + positives)
    return float(sorted_p[int(np.argmax(f1))])
