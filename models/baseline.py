"""The TF-IDF baseline as it is served: character + word n-grams, one logistic regression per label.

Why character n-grams: they need no word segmentation (Khmer has no spaces), survive spelling
variants, obfuscation and romanisation, and score thousands of posts a second: this is also the
cascade's cheap first stage. Word n-grams add phrase-level cues for English and romanised Khmer.
Fitting (family-grouped CV, out-of-fold calibration) is ``models.train.baseline``; a published
bundle pickles ``BaselineModel`` by this module's path.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from models.calibration import Calibrator
from models.cues import with_cues

WORD_TOKENS = r"(?u)\b\w+\b"  # one-letter words too: "u", "r", Khmer runs


class BaselineModel:
    """One shared vectorizer, one logistic regression and one calibrator per label."""

    def __init__(self, labels: Sequence[str], params: dict[str, Any], c_values: dict[str, float] | None = None) -> None:
        self.labels = tuple(labels)
        self.vectorizer = make_vectorizer(params)
        self.c_values = c_values or {lb: float(params["C"]) for lb in self.labels}
        self.classifiers = {lb: make_classifier(self.c_values[lb]) for lb in self.labels}
        self.calibrators = {lb: Calibrator(params["calibration"]) for lb in self.labels}

    def fit(self, texts: list[str], y: NDArray[np.int_], weights: NDArray[np.float64] | None = None) -> BaselineModel:
        """Fit the vectorizer and one classifier per label column of ``y`` (optional per-label weights)."""
        x = self.vectorizer.fit_transform(texts)
        for j, lb in enumerate(self.labels):
            self.classifiers[lb].fit(x, y[:, j], sample_weight=None if weights is None else weights[:, j])
        return self

    def raw_scores(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Uncalibrated decision values, shape (n, labels)."""
        x = self.vectorizer.transform(texts)
        return np.stack([self.classifiers[lb].decision_function(x) for lb in self.labels], axis=1)

    def calibrate(self, texts: list[str], y: NDArray[np.int_]) -> BaselineModel:
        """Fit each label's calibrator on held-out (validation) texts."""
        raw = self.raw_scores(texts)
        for j, lb in enumerate(self.labels):
            self.calibrators[lb].fit(raw[:, j], y[:, j])
        return self

    def predict_proba(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Calibrated probabilities, shape (n, labels); ``texts`` are normalised texts."""
        if len(texts) == 0:
            return np.zeros((0, len(self.labels)))
        raw = self.raw_scores(texts)
        return np.stack([self.calibrators[lb].transform(raw[:, j]) for j, lb in enumerate(self.labels)], axis=1)


def make_vectorizer(params: dict[str, Any]) -> FeatureUnion:
    """Character (within word boundaries) and word TF-IDF, concatenated, over the text plus cue tokens."""
    pre = with_cues if params.get("cue_tokens", True) else None
    char = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(params["ngram_min"], params["ngram_max"]),
        max_features=params["max_features"],
        sublinear_tf=True,
        min_df=2,
        dtype=np.float32,
        preprocessor=pre,
    )
    word = TfidfVectorizer(
        analyzer="word",
        ngram_range=(1, params.get("word_ngram_max", 2)),
        token_pattern=WORD_TOKENS,
        max_features=params.get("word_max_features", 50000),
        sublinear_tf=True,
        min_df=2,
        dtype=np.float32,
        preprocessor=pre,
    )
    return FeatureUnion([("char", char), ("word", word)])


def make_classifier(c: float) -> LogisticRegression:
    """Logistic regression; class balance comes from ``language_balanced_weights``."""
    return LogisticRegression(C=c, max_iter=2000)
