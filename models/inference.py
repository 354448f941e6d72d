"""Scoring posts with a published model bundle: the engine behind ``chhmam score`` and the flows.

Texts are featurised (normalised, language identified) here, then scored in batches; the result
carries the model version so that every stored score names the model that produced it.

The bundle's model is whatever ``params.yaml`` ``serve.model`` published: the TF-IDF baseline, the
int8 ONNX transformer (``models.onnx_engine``) or the cascade of both (``models.cascade``).
All of them expose ``predict_proba(normalised_texts)`` with calibrated probabilities, so this
engine does not care which; the cascade can be switched off at run time with ``set_cascade``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from features.featurise import FeaturedPost
from features.language import identify
from features.normalise import normalise
from models.bundle import Bundle, Scorer, load_bundle
from models.cascade import CascadeScorer
from models.onnx_engine import OnnxScorer


def scoring_post(text: str) -> FeaturedPost:
    """What scoring needs of a raw post: its normalised text and language (``featurise`` without the
    indicators, which moderators' pages find for themselves and which cost as much as the rest)."""
    norm = normalise(text)
    return FeaturedPost(original=text, normalised=norm, lang=identify(norm))


def predict(model: Scorer, posts: Sequence[FeaturedPost]) -> NDArray[np.float64]:
    """Calibrated probabilities of featurised posts; a cascade also gets their languages (it routes by them)."""
    texts = [p.normalised for p in posts]
    if isinstance(model, CascadeScorer):
        return model.predict_proba(texts, langs=[p.lang for p in posts])
    return np.asarray(model.predict_proba(texts), dtype=np.float64)


def set_onnx_threads(model: object, threads: int) -> int:
    """Give every ONNX scorer inside ``model`` ``threads`` intra-op threads; returns how many it found.

    Why: a bundle carries the thread count it was exported with (2, one per core of one machine).
    Several worker processes on the same cores, each with that many threads, oversubscribe them, so
    the flows pass ``CHHMAM_SCORE_THREADS`` here. ORT fixes the count when the session is created,
    so a session already open is dropped and rebuilt on next use (``OnnxScorer.set_threads``).
    """
    if isinstance(model, OnnxScorer):
        model.set_threads(threads)
        return 1
    if isinstance(model, CascadeScorer):
        return set_onnx_threads(model.first, threads) + set_onnx_threads(model.second, threads)
    return 0  # the TF-IDF baseline: no ONNX session, its threads are not ours to set


def probabilities(bundle: Bundle, texts: Sequence[str]) -> NDArray[np.float64]:
    """Calibrated probabilities of raw ``texts``, unrounded: featurised here, as the engine does."""
    return predict(bundle.model, [scoring_post(t) for t in texts])


@dataclass(frozen=True)
class ScoredPost:
    """One post's language, calibrated probability per label, and the labels over threshold."""

    lang: str
    scores: dict[str, float]
    flagged: list[str] = field(default_factory=list)


class ScoringEngine:
    """Loads a bundle once and scores lists of texts."""

    def __init__(self, bundle: Bundle) -> None:
        self.bundle = bundle

    @classmethod
    def from_dir(cls, model_dir: Path, threads: int | None = None) -> ScoringEngine:
        """Load the bundle published in ``model_dir``.

        ``threads`` (when given) replaces the bundle's ONNX intra-op thread count before the first
        session is created: one thread per worker when several scoring processes share the cores.
        """
        if not (model_dir / "manifest.json").exists():
            raise FileNotFoundError(
                f"no model in {model_dir}: run `make model` (assembles the release) or `make retrain`"
            )
        engine = cls(load_bundle(model_dir))
        if threads is not None:
            if threads < 1:
                raise ValueError(f"threads must be at least 1, not {threads}")
            set_onnx_threads(engine.bundle.model, threads)
        engine.warm_up()
        return engine

    def warm_up(self) -> None:
        """Score one post so that sessions and caches exist before the first real (interactive) call."""
        self.bundle.model.predict_proba(["warm up"])

    def set_cascade(self, enabled: bool) -> bool:
        """Switch the cascade's first stage on or off; False when the model is not a cascade."""
        if not isinstance(self.bundle.model, CascadeScorer):
            return False
        self.bundle.model.enabled = enabled
        return True

    @property
    def version(self) -> str:
        """The model version every score from this engine carries."""
        return self.bundle.version

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels scored, in order."""
        return self.bundle.labels

    @property
    def thresholds(self) -> dict[str, float]:
        """Per-label operating thresholds chosen on validation data."""
        return self.bundle.thresholds

    def score_featured(self, posts: Sequence[FeaturedPost]) -> list[ScoredPost]:
        """Score already featurised posts."""
        probs = predict(self.bundle.model, posts)
        out = []
        for post, row in zip(posts, probs, strict=True):
            scores = {lb: round(float(min(max(p, 0.0), 1.0)), 6) for lb, p in zip(self.labels, row, strict=True)}
            flagged = [lb for lb in self.labels if scores[lb] >= self.thresholds[lb]]
            out.append(ScoredPost(lang=post.lang, scores=scores, flagged=flagged))
        return out

    def score_texts(self, texts: Sequence[str]) -> list[ScoredPost]:
        """Featurise and score raw texts."""
        return self.score_featured([scoring_post(t) for t in texts])
