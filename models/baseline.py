"""DVC stage ``train_baseline``: TF-IDF character n-grams + logistic regression, one per label.

Why character n-grams: they need no word segmentation (Khmer has no spaces), survive spelling
variants and romanisation, and score thousands of posts a second: this is also the cascade's cheap
first stage. Scores are calibrated on the validation split and thresholds set for a target precision.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from features.featurise import featurise
from models.bundle import Bundle, save_bundle
from models.calibration import Calibrator, threshold_for_precision
from models.jsonl import read_jsonl
from models.params import PROJECT_ROOT, load_params

DATA = PROJECT_ROOT / "data" / "generated"
OUT = PROJECT_ROOT / "artifacts" / "baseline"


class BaselineModel:
    """One shared vectorizer, one logistic regression and one calibrator per label."""

    def __init__(self, labels: Sequence[str], params: dict[str, Any]) -> None:
        self.labels = tuple(labels)
        self.vectorizer = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(params["ngram_min"], params["ngram_max"]),
            max_features=params["max_features"], sublinear_tf=True, min_df=2, dtype=np.float32)
        self.classifiers = {lb: LogisticRegression(C=params["C"], max_iter=2000, class_weight="balanced")
                            for lb in self.labels}
        self.calibrators = {lb: Calibrator(params["calibration"]) for lb in self.labels}

    def fit(self, texts: list[str], y: NDArray[np.int_]) -> BaselineModel:
        """Fit the vectorizer and one classifier per label column of ``y``."""
        x = self.vectorizer.fit_transform(texts)
        for j, lb in enumerate(self.labels):
            self.classifiers[lb].fit(x, y[:, j])
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


def load_split(name: str, labels: Sequence[str]) -> tuple[list[str], NDArray[np.int_], list[dict[str, Any]]]:
    """Normalised texts, a 0/1 label matrix and the raw rows of one split."""
    rows = list(read_jsonl(DATA / f"{name}.jsonl"))
    texts = [featurise(r["text"]).normalised for r in rows]
    y = np.array([[int(lb in r["labels"]) for lb in labels] for r in rows], dtype=np.int_).reshape(-1, len(labels))
    return texts, y, rows


def train(params: dict[str, Any]) -> Bundle:
    """Fit on train, calibrate and pick thresholds on validation."""
    labels = params["labels"]
    x_train, y_train, _ = load_split("train", labels)
    x_val, y_val, _ = load_split("val", labels)
    model = BaselineModel(labels, params["baseline"]).fit(x_train, y_train).calibrate(x_val, y_val)
    probs = model.predict_proba(x_val)
    target = params["thresholds"]["target_precision"]
    thresholds = {lb: threshold_for_precision(probs[:, j], y_val[:, j], target) for j, lb in enumerate(labels)}
    return Bundle(kind="baseline", labels=tuple(labels), thresholds=thresholds, model=model)


def main(out: Path = OUT) -> None:
    """Train and save the baseline bundle."""
    bundle = train(load_params())
    version = save_bundle(bundle, out)
    print(f"baseline {version} thresholds={bundle.thresholds}")

