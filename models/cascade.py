"""The served two-stage scorer: the baseline scores every post, the transformer only the uncertain ones.

Why: most posts in a feed are plainly harmless, and the TF-IDF baseline scores thousands a second
while the transformer scores a few hundred. A post goes on to stage two when the baseline's
calibrated score for any label reaches that label's low threshold *for the post's language*; the
others keep the baseline's calibrated score, which is then below the low threshold and so far below
any operating threshold.

Stage two combines the transformer with the baseline (``cascade.blend``, default on): per label and
language, a logistic regression over both models' log-odds, or one model alone where that ranked
better on validation (``Blend``). Why per language: the two models are not equally strong in every
language (the baseline's n-grams hold on to Khmer-script surface cues; the transformer reads
romanised Khmer better), and one pooled blend lets the weaker model pull the stronger one down in
the language where it is weak. ``cascade.blend: false`` gives a routed post the transformer's score
alone. How the thresholds and the blend are fitted is ``models.train.cascade``; a published bundle
pickles ``CascadeScorer`` and ``Blend`` by this module's path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression

from features.language import identify
from models.bundle import Scorer

# What stage two may be in one (label, language) cell, as weights on (baseline, transformer) log-odds.
ALONE: dict[str, tuple[float, float]] = {"baseline": (1.0, 0.0), "transformer": (0.0, 1.0)}


def logit(p: NDArray[np.float64]) -> NDArray[np.float64]:
    """Log-odds of probabilities, clipped away from 0 and 1."""
    q = np.clip(p, 1e-6, 1 - 1e-6)
    return np.asarray(np.log(q / (1 - q)), dtype=np.float64)


def per_row(
    pooled: NDArray[np.float64], by_lang: Mapping[str, NDArray[np.float64]], langs: Sequence[str] | None, n: int
) -> NDArray[np.float64]:
    """``pooled`` repeated for ``n`` rows, with each row of a language in ``by_lang`` taking that language's value."""
    out = np.broadcast_to(pooled, (n, *pooled.shape)).copy()
    if langs is not None:
        lang_arr = np.asarray(langs)
        for lang, value in by_lang.items():
            out[lang_arr == lang] = value
    return out


def fit_weights(
    first: NDArray[np.float64], second: NDArray[np.float64], y: NDArray[np.int_]
) -> tuple[float, float, float]:
    """(baseline weight, transformer weight, intercept) of one label's logistic blend."""
    reg = LogisticRegression(C=1.0).fit(np.c_[logit(first), logit(second)], y)
    return float(reg.coef_[0][0]), float(reg.coef_[0][1]), float(reg.intercept_[0])


class Blend:
    """Per label (and optionally per language), a logistic regression over (baseline, transformer) log-odds.

    Why: the two models fail differently. Character n-grams and the salary/age cue tokens hold on
    to surface evidence (numbers, app names, spellings) that the transformer reads poorly, while the
    transformer generalises across phrasings the n-grams never saw. Fitted on the validation split
    (the transformer never trained on it; the baseline's scores there are out-of-fold), the blend's
    output is itself a calibrated probability. ``by_lang`` holds, for a language, its own weights
    (an own fit, or one model alone: weights (1, 0) or (0, 1) and no intercept give that model's
    calibrated score back); other languages use the pooled ``coef``/``intercept``.
    """

    def __init__(
        self,
        coef: NDArray[np.float64],
        intercept: NDArray[np.float64],
        by_lang: Mapping[str, tuple[NDArray[np.float64], NDArray[np.float64]]] | None = None,
        choices: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        self.coef = np.asarray(coef, dtype=np.float64).reshape(-1, 2)
        self.intercept = np.asarray(intercept, dtype=np.float64).reshape(-1)
        self.by_lang = {
            lang: (np.asarray(c, dtype=np.float64).reshape(-1, 2), np.asarray(b, dtype=np.float64).reshape(-1))
            for lang, (c, b) in (by_lang or {}).items()
        }
        self.choices = {lang: dict(v) for lang, v in (choices or {}).items()}

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Bundles pickled before per-language weights load as pooled blends."""
        state.setdefault("by_lang", {})
        state.setdefault("choices", {})
        self.__dict__.update(state)

    @classmethod
    def fit(cls, first: NDArray[np.float64], second: NDArray[np.float64], y: NDArray[np.int_]) -> Blend:
        """One pooled regression per label column."""
        rows = [fit_weights(first[:, j], second[:, j], y[:, j]) for j in range(y.shape[1])]
        return cls(np.array([r[:2] for r in rows]), np.array([r[2] for r in rows]))

    def weights_for(self, langs: Sequence[str] | None, n: int) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
        """Per-row weights (n, labels, 2) and intercepts (n, labels)."""
        coef = per_row(self.coef, {lang: c for lang, (c, _b) in self.by_lang.items()}, langs, n)
        intercept = per_row(self.intercept, {lang: b for lang, (_c, b) in self.by_lang.items()}, langs, n)
        return coef, intercept

    def combine(
        self, first: NDArray[np.float64], second: NDArray[np.float64], langs: Sequence[str] | None = None
    ) -> NDArray[np.float64]:
        """Blended probabilities, shape (n, labels); ``langs`` picks each row's language weights."""
        coef, intercept = self.weights_for(langs, len(first))
        z = coef[..., 0] * logit(first) + coef[..., 1] * logit(second) + intercept
        return np.asarray(1 / (1 + np.exp(-z)), dtype=np.float64)

    def weights(self, labels: Sequence[str]) -> dict[str, dict[str, Any]]:
        """The fitted weights, pooled and per language, for the manifest and the model card."""

        def table(coef: NDArray[np.float64], intercept: NDArray[np.float64]) -> dict[str, dict[str, float]]:
            return {
                lb: {
                    "baseline": round(float(c[0]), 4),
                    "transformer": round(float(c[1]), 4),
                    "intercept": round(float(b), 4),
                }
                for lb, c, b in zip(labels, coef, intercept, strict=True)
            }

        out: dict[str, dict[str, Any]] = table(self.coef, self.intercept)
        for lang, (c, b) in self.by_lang.items():
            for lb, row in table(c, b).items():
                out[lb].setdefault("by_lang", {})[lang] = {**row, "chosen": self.choices.get(lang, {}).get(lb, "")}
        return out


def stage_two(
    blend: Blend | None, first: NDArray[np.float64], second: NDArray[np.float64], langs: Sequence[str] | None = None
) -> NDArray[np.float64]:
    """What stage two gives a routed post: the blend of both stages, or the transformer's score alone."""
    return blend.combine(first, second, langs) if blend is not None else second


class CascadeScorer:
    """Two calibrated scorers behind one ``predict_proba``; counts how many posts skipped stage two.

    With a ``blend``, a post that goes on gets the blend of both stages' scores, else the
    transformer's alone. ``low_by_lang`` holds per-language routing thresholds (other languages use
    ``low``). Callers that already know each post's language (the engine featurises every post)
    pass ``langs``; otherwise it is identified here from the normalised text.
    """

    def __init__(
        self,
        first: Scorer,
        second: Scorer,
        low: Sequence[float],
        enabled: bool = True,
        blend: Blend | None = None,
        low_by_lang: Mapping[str, Sequence[float]] | None = None,
    ) -> None:
        self.first = first
        self.second = second
        self.low = np.asarray(low, dtype=np.float64)
        self.enabled = enabled
        self.blend = blend
        self.low_by_lang = {k: np.asarray(v, dtype=np.float64) for k, v in (low_by_lang or {}).items()}
        self.seen = 0
        self.sent = 0

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the run-time counters."""
        state = self.__dict__.copy()
        state["seen"] = state["sent"] = 0
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Bundles pickled before per-language routing load with pooled thresholds."""
        state.setdefault("low_by_lang", {})
        self.__dict__.update(state)

    @property
    def language_aware(self) -> bool:
        """Whether routing or the blend depends on the post's language."""
        return bool(self.low_by_lang) or bool(self.blend is not None and self.blend.by_lang)

    def languages(self, texts: Sequence[str], langs: Sequence[str] | None) -> list[str] | None:
        """The posts' languages when they matter: as given, else identified from the normalised texts."""
        if not self.language_aware:
            return None
        if langs is not None:
            if len(langs) != len(texts):
                raise ValueError("one language per text")
            return list(langs)
        return [identify(t) for t in texts]

    def low_for(self, langs: Sequence[str] | None, n: int) -> NDArray[np.float64]:
        """Routing thresholds per row, shape (n, labels)."""
        return per_row(self.low, self.low_by_lang, langs, n)

    def route(self, first_probs: NDArray[np.float64], langs: Sequence[str] | None = None) -> NDArray[np.bool_]:
        """Which posts go on to the transformer."""
        if not self.enabled:
            return np.ones(len(first_probs), dtype=bool)
        return np.asarray((first_probs >= self.low_for(langs, len(first_probs))).any(axis=1), dtype=bool)

    def predict_proba(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> NDArray[np.float64]:
        """Calibrated probabilities, shape (n, labels): stage two's where it ran, else the baseline's."""
        if len(texts) == 0:
            return np.zeros((0, len(self.low)))
        if not self.enabled and self.blend is None:
            self.seen += len(texts)
            self.sent += len(texts)
            return np.asarray(self.second.predict_proba(texts), dtype=np.float64)
        lang_list = self.languages(texts, langs)
        probs = np.asarray(self.first.predict_proba(texts), dtype=np.float64)
        idx = np.nonzero(self.route(probs, lang_list))[0]
        if len(idx):
            second = np.asarray(self.second.predict_proba([texts[int(i)] for i in idx]), dtype=np.float64)
            sub = None if lang_list is None else [lang_list[int(i)] for i in idx]
            probs[idx] = stage_two(self.blend, probs[idx], second, sub)
        self.seen += len(texts)
        self.sent += len(idx)
        return probs

    def score_stages(
        self, texts: Sequence[str], langs: Sequence[str] | None = None
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.bool_]]:
        """(baseline, transformer, cascade, routed) scores of every post, each stage run once per post.

        For putting the three models side by side without scoring the transformer twice. The
        transformer scores the routed posts first, in one call exactly as :meth:`predict_proba` makes
        it (the int8 scorer's output depends slightly on what else is in a batch), then the rest; so
        the cascade column equals what :meth:`predict_proba` serves. Counters are not touched.
        """
        lang_list = self.languages(texts, langs)
        first = np.asarray(self.first.predict_proba(texts), dtype=np.float64).reshape(len(texts), len(self.low))
        sent = self.route(first, lang_list)
        second = np.zeros_like(first)
        for mask in (sent, ~sent):
            idx = np.nonzero(mask)[0]
            if len(idx):
                second[idx] = np.asarray(self.second.predict_proba([texts[int(i)] for i in idx]), dtype=np.float64)
        if not self.enabled and self.blend is None:
            return first, second, second.copy(), sent
        combined = first.copy()
        if sent.any():
            sub = None if lang_list is None else [lang_list[int(i)] for i in np.nonzero(sent)[0]]
            combined[sent] = stage_two(self.blend, first[sent], second[sent], sub)
        return first, second, combined, sent

    @property
    def skipped_fraction(self) -> float:
        """Share of posts scored so far that the transformer did not see."""
        return 1.0 - self.sent / self.seen if self.seen else 0.0
