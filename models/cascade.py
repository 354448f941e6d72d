"""The served two-stage scorer: the baseline scores every post, the transformer only the uncertain ones.

Why: most posts in a feed are plainly harmless, and the TF-IDF baseline scores thousands a second
while the transformer scores a few hundred. A post goes on to stage two when the baseline's
calibrated score for any label reaches that label's low threshold; the others keep the baseline's
calibrated score, which is then below the low threshold and so far below any operating threshold.

Stage two is the transformer blended with the baseline (``cascade.blend``, default on): a logistic
regression per label over both models' log-odds, fitted on the validation split. The two fail in
different places (see ``Blend``); ``cascade.blend: false`` gives a routed post the transformer's
score alone. How the low thresholds and the blend are fitted is ``models.train.cascade``; a
published bundle pickles ``CascadeScorer`` and ``Blend`` by this module's path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression

from models.bundle import Scorer


def logit(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """Log-odds of probabilities, clipped away from 0 and 1."""
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return np.asarray(np.log(q / (1 - q)), dtype=np.float64)


class Blend:
    """Per label, a logistic regression over (baseline log-odds, transformer log-odds).

    Why: the two models fail differently. Character n-grams and the salary/age cue tokens hold on
    to surface evidence (numbers, app names, spellings) that the transformer reads poorly, while the
    transformer generalises across phrasings the n-grams never saw. Fitted on the validation split
    (the transformer never trained on it; the baseline's scores there are out-of-fold), the blend's
    output is itself a calibrated probability.
    """

    def __init__(self, coef: NDArray[np.float64], intercept: NDArray[np.float64]) -> None:
        self.coef = np.asarray(coef, dtype=np.float64).reshape(-1, 2)
        self.intercept = np.asarray(intercept, dtype=np.float64).reshape(-1)

    @classmethod
    def fit(cls, first: NDArray[np.float64], second: NDArray[np.float64], y: NDArray[np.int_]) -> Blend:
        """One regression per label column."""
        coef, intercept = [], []
        for j in range(y.shape[1]):
            reg = LogisticRegression(C=1.0).fit(np.c_[logit(first[:, j]), logit(second[:, j])], y[:, j])
            coef.append(reg.coef_[0])
            intercept.append(float(reg.intercept_[0]))
        return cls(np.array(coef), np.array(intercept))

    def combine(self, first: NDArray[np.float64], second: NDArray[np.float64]) -> NDArray[np.float64]:
        """Blended probabilities, shape (n, labels)."""
        z = self.coef[:, 0] * logit(first) + self.coef[:, 1] * logit(second) + self.intercept
        return np.asarray(1 / (1 + np.exp(-z)), dtype=np.float64)

    def weights(self, labels: Sequence[str]) -> dict[str, dict[str, float]]:
        """The fitted weights, for the manifest and the model card."""
        rows = zip(labels, self.coef, self.intercept, strict=True)
        return {
            lb: {
                "baseline": round(float(c[0]), 4),
                "transformer": round(float(c[1]), 4),
                "intercept": round(float(b), 4),
            }
            for lb, c, b in rows
        }


def stage_two(blend: Blend | None, first: NDArray[np.float64], second: NDArray[np.float64]) -> NDArray[np.float64]:
    """What stage two gives a routed post: the blend of both stages, or the transformer's score alone."""
    return blend.combine(first, second) if blend is not None else second


class CascadeScorer:
    """Two calibrated scorers behind one ``predict_proba``; counts how many posts skipped stage two.

    With a ``blend``, a post that goes on gets the blend of both stages' scores, else the
    transformer's alone.
    """

    def __init__(
        self, first: Scorer, second: Scorer, low: Sequence[float], enabled: bool = True, blend: Blend | None = None
    ) -> None:
        self.first = first
        self.second = second
        self.low = np.asarray(low, dtype=np.float64)
        self.enabled = enabled
        self.blend = blend
        self.seen = 0
        self.sent = 0

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the run-time counters."""
        state = self.__dict__.copy()
        state["seen"] = state["sent"] = 0
        return state

    def route(self, first_probs: NDArray[np.float64]) -> NDArray[np.bool_]:
        """Which posts go on to the transformer."""
        if not self.enabled:
            return np.ones(len(first_probs), dtype=bool)
        return np.asarray((first_probs >= self.low).any(axis=1), dtype=bool)

    def predict_proba(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Calibrated probabilities, shape (n, labels): stage two's where it ran, else the baseline's."""
        if len(texts) == 0:
            return np.zeros((0, len(self.low)))
        if not self.enabled and self.blend is None:
            self.seen += len(texts)
            self.sent += len(texts)
            return np.asarray(self.second.predict_proba(texts), dtype=np.float64)
        probs = np.asarray(self.first.predict_proba(texts), dtype=np.float64)
        idx = np.nonzero(self.route(probs))[0]
        if len(idx):
            second = np.asarray(self.second.predict_proba([texts[int(i)] for i in idx]), dtype=np.float64)
            probs[idx] = stage_two(self.blend, probs[idx], second)
        self.seen += len(texts)
        self.sent += len(idx)
        return probs

    def score_stages(
        self, texts: Sequence[str]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
        """(baseline, transformer, cascade, routed) scores of every post, each stage run once per post.

        For putting the three models side by side without scoring the transformer twice. The
        transformer scores the routed posts first, in one call exactly as :meth:`predict_proba` makes
        it (the int8 scorer's output depends slightly on what else is in a batch), then the rest; so
        the cascade column equals what :meth:`predict_proba` serves. Counters are not touched.
        """
        first = np.asarray(self.first.predict_proba(texts), dtype=np.float64).reshape(len(texts), len(self.low))
        sent = self.route(first)
        second = np.zeros_like(first)
        for mask in (sent, ~sent):
            idx = np.nonzero(mask)[0]
            if len(idx):
                second[idx] = np.asarray(self.second.predict_proba([texts[int(i)] for i in idx]), dtype=np.float64)
        if not self.enabled and self.blend is None:
            return first, second, second.copy(), sent
        combined = first.copy()
        if sent.any():
            combined[sent] = stage_two(self.blend, first[sent], second[sent])
        return first, second, combined, sent

    @property
    def skipped_fraction(self) -> float:
        """Share of posts scored so far that the transformer did not see."""
        return 1.0 - self.sent / self.seen if self.seen else 0.0
