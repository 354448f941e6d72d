"""DVC stage ``cascade``: the baseline scores every post, the transformer only the uncertain ones.

Why: most posts in a feed are plainly harmless, and the TF-IDF baseline scores thousands a second
while the transformer scores a few hundred. A post goes on to stage two when the baseline's
calibrated score for any label reaches that label's low threshold; the others keep the baseline's
calibrated score, which is then below the low threshold and so far below any operating threshold.

Stage two is the transformer blended with the baseline (``cascade.blend``, default on): a logistic
regression per label over both models' log-odds, fitted on the validation split. The two fail in
different places (see ``Blend``), and on our test split and probe set the blend beats either alone;
``cascade.blend: false`` gives a routed post the transformer's score alone.

How the low thresholds are chosen: on the validation split, for each label, the highest threshold
at which the cascade's recall at the operating threshold is at most ``cascade.max_recall_drop``
below stage two's own recall. Routing on *any* label only sends more posts on, so the joint drop is
never larger. The baseline's validation scores used here are out-of-fold (the served baseline was
fitted on train+val, so its own scores there are optimistic: a low threshold of 0.76 chosen on them
once lost 19 recall points on the test split). ``cascade.max_low_threshold`` caps them as a margin.
The measured drop and the fraction skipped on the test split go to ``metrics/cascade_routing.json``.
``cascade.enabled: false`` sends every post to stage two.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.linear_model import LogisticRegression

from models.baseline import held_out_probs
from models.bundle import Bundle, load_bundle, save_bundle
from models.calibration import threshold_for_precision
from models.params import PROJECT_ROOT, load_params
from models.transformer import DATA, load_split

ARTIFACTS = PROJECT_ROOT / "artifacts"
OUT = ARTIFACTS / "cascade"
METRICS = PROJECT_ROOT / "metrics" / "cascade_routing.json"


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
        return {lb: {"baseline": round(float(c[0]), 4), "transformer": round(float(c[1]), 4),
                     "intercept": round(float(b), 4)} for lb, c, b in rows}


def stage_two(blend: Blend | None, first: NDArray[np.float64], second: NDArray[np.float64]) -> NDArray[np.float64]:
    """What stage two gives a routed post: the blend of both stages, or the transformer's score alone."""
    return blend.combine(first, second) if blend is not None else second


class CascadeScorer:
    """Two calibrated scorers behind one ``predict_proba``; counts how many posts skipped stage two.

    With a ``blend``, a post that goes on gets the blend of both stages' scores, else the
    transformer's alone.
    """

    def __init__(self, first: Any, second: Any, low: Sequence[float], enabled: bool = True,
                 blend: Blend | None = None) -> None:
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

    def score_stages(self, texts: Sequence[str]
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


def recall_at(p: NDArray[np.float64], y: NDArray[np.int_], threshold: float) -> float:
    """Recall of ``p >= threshold`` (0 when there are no positives)."""
    pos = y == 1
    return float((p[pos] >= threshold).mean()) if pos.any() else 0.0


def choose_low_threshold(first: NDArray[np.float64], second: NDArray[np.float64], y: NDArray[np.int_],
                         operating: float, max_drop: float) -> float:
    """Highest first-stage threshold whose cascade recall at ``operating`` stays within ``max_drop``.

    Only positives the transformer itself flags can be lost, so candidates are their baseline
    scores: skipping below the k-th lowest of them loses k - 1 of them.
    """
    full = recall_at(second, y, operating)
    caught = np.sort(first[(y == 1) & (second >= operating)])
    positives = max(int((y == 1).sum()), 1)
    if len(caught) == 0:
        return 0.0
    allowed = int(np.floor(max_drop * positives + 1e-9))  # positives we may lose
    if allowed >= len(caught):
        return float(caught[-1])
    t = float(caught[allowed])  # keeps caught[allowed:], loses caught[:allowed] (ties kept)
    assert full - recall_at(np.where(first >= t, second, 0.0), y, operating) <= max_drop + 1e-9
    return t


def cascade_probs(first: NDArray[np.float64], second: NDArray[np.float64], low: NDArray[np.float64]
                  ) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Combined probabilities and the routing mask, from both stages' scores of the same posts."""
    sent = np.asarray((first >= low).any(axis=1), dtype=bool)
    return np.asarray(np.where(sent[:, None], second, first), dtype=np.float64), sent


def report(first: NDArray[np.float64], second: NDArray[np.float64], y: NDArray[np.int_], low: NDArray[np.float64],
           labels: Sequence[str], thresholds: dict[str, float]) -> dict[str, Any]:
    """Skip fraction and, per label, recall/precision of stage two for every post vs the cascade.

    ``second`` is what stage two gives a routed post: the transformer's score, or the blend.
    """
    combined, sent = cascade_probs(first, second, low)
    out: dict[str, Any] = {"n": len(y), "skipped_fraction": round(1.0 - float(sent.mean()), 4) if len(y) else 0.0}
    for j, lb in enumerate(labels):
        row: dict[str, Any] = {}
        for name, p in (("stage_two", second[:, j]), ("cascade", combined[:, j]), ("baseline", first[:, j])):
            pred = p >= thresholds[lb]
            tp = int((pred & (y[:, j] == 1)).sum())
            row[f"{name}_recall"] = round(tp / max(int(y[:, j].sum()), 1), 4)
            row[f"{name}_precision"] = round(tp / max(int(pred.sum()), 1), 4)
        row["recall_drop"] = round(row["stage_two_recall"] - row["cascade_recall"], 4)
        out[lb] = row
    return out


def low_thresholds(first: NDArray[np.float64], second: NDArray[np.float64], y: NDArray[np.int_],
                   labels: Sequence[str], thresholds: dict[str, float], cfg: dict[str, Any]) -> NDArray[np.float64]:
    """Per-label routing thresholds within ``max_recall_drop``, capped by ``max_low_threshold``."""
    max_drop = float(cfg.get("max_recall_drop", 0.0))
    low = np.array([choose_low_threshold(first[:, j], second[:, j], y[:, j], thresholds[lb], max_drop)
                    for j, lb in enumerate(labels)])
    cap = cfg.get("max_low_threshold")
    return np.minimum(low, float(cap)) if cap is not None else low


def build(params: dict[str, Any], artifacts: Path = ARTIFACTS, out: Path = OUT, data: Path = DATA
          ) -> tuple[Bundle, dict[str, Any]]:
    """Fit the blend, thresholds and routing on validation, report on test, save the cascade bundle.

    The baseline's validation scores are its out-of-fold ones (``held_out_probs``) when it was
    fitted on train+val: its own scores there would make it look surer than it is on new posts, and
    the routing would then skip posts it should not. The transformer's are its held-out twin's for
    the same reason (``transformer.fit_on``), or its own when it never saw the validation split.
    """
    cfg = params.get("cascade", {})
    labels = list(params["labels"])
    target = float(params["thresholds"]["target_precision"])
    base = load_bundle(artifacts / "baseline")
    trans = load_bundle(artifacts / "transformer")
    if tuple(base.labels) != tuple(labels) or tuple(trans.labels) != tuple(labels):
        raise ValueError("baseline, transformer and params.yaml must score the same labels")
    texts_val, y_val = load_split("val", labels, data)
    yv = y_val.astype(np.int_)
    held_out = held_out_probs(artifacts / "baseline", len(texts_val))
    f_val = held_out if held_out is not None else base.model.predict_proba(texts_val)
    trans_held_out = held_out_probs(artifacts / "transformer", len(texts_val))
    s_val = trans_held_out if trans_held_out is not None else trans.model.predict_proba(texts_val)
    blend = Blend.fit(f_val, s_val, yv) if cfg.get("blend", True) else None
    two_val = stage_two(blend, f_val, s_val)
    thresholds = dict(trans.thresholds) if blend is None else {
        lb: threshold_for_precision(two_val[:, j], yv[:, j], target) for j, lb in enumerate(labels)}
    low = low_thresholds(f_val, two_val, yv, labels, thresholds, cfg)
    texts_test, y_test = load_split("test", labels, data)
    f_test, s_test = base.model.predict_proba(texts_test), trans.model.predict_proba(texts_test)
    two_test = stage_two(blend, f_test, s_test)
    facts = {"enabled": bool(cfg.get("enabled", True)), "max_recall_drop": float(cfg.get("max_recall_drop", 0.0)),
             "max_low_threshold": cfg.get("max_low_threshold"),
             "low_thresholds": {lb: round(float(t), 6) for lb, t in zip(labels, low, strict=True)},
             "baseline_val_scores": "out-of-fold" if held_out is not None else "fitted model",
             "transformer_val_scores": "held-out" if trans_held_out is not None else "fitted model",
             "blend": blend.weights(labels) if blend is not None else None,
             "baseline_version": base.version, "transformer_version": trans.version,
             "val": report(f_val, two_val, yv, low, labels, thresholds),
             "test": report(f_test, two_test, y_test.astype(np.int_), low, labels, thresholds)}
    scorer = CascadeScorer(base.model, trans.model, low.tolist(), enabled=bool(cfg.get("enabled", True)), blend=blend)
    bundle = Bundle(kind="cascade", labels=tuple(labels), thresholds=thresholds, model=scorer,
                    extra={"cascade": facts, **(trans.extra or {})})
    save_bundle(bundle, out)
    return bundle, facts


def main() -> None:
    """DVC entry point: writes ``artifacts/cascade`` and ``metrics/cascade_routing.json``."""
    bundle, facts = build(load_params())
    METRICS.parent.mkdir(exist_ok=True)
    METRICS.write_text(json.dumps({"model_version": bundle.version, **facts}, indent=2), encoding="utf-8")
    print(f"cascade {bundle.version}")
    print(json.dumps(facts, indent=1))
