"""DVC stage ``train_baseline``: fits the served TF-IDF baseline (``models.baseline``).

Why family-grouped CV for ``C``: the test (and the hidden set) are phrasings the model never saw,
so regularisation is chosen by how well a fit on some families ranks posts of *other* families,
not by a random split that rewards memorising templates. Scores are then calibrated on the
validation split (itself family-disjoint) and per-label thresholds set for a target precision.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix
from sklearn.metrics import average_precision_score
from sklearn.model_selection import GroupKFold

from features.featurise import featurise
from models.baseline import BaselineModel, make_classifier, make_vectorizer
from models.bundle import Bundle, save_bundle
from models.calibration import threshold_for_precision
from models.data.splits import label_matrix
from models.jsonl import read_jsonl
from models.params import ARTIFACTS, GENERATED, load_params

log = logging.getLogger("chhmam.models")

DATA = GENERATED
OUT = ARTIFACTS / "baseline"
VAL_OOF = "val_oof_probs.npy"  # held-out calibrated scores of the validation rows (routing, soft targets)
VAL_HOLDOUT = "val_holdout_probs.npy"  # the same from a twin fitted on the training split alone (blend_on_twin)
TRAIN_OOF = "train_oof_probs.npy"  # the same for the training rows (the transformer's soft targets)


def language_balanced_weights(y: NDArray[np.int_], langs: Sequence[str]) -> NDArray[np.float64]:
    """Per-label sample weights giving every (language, class) cell the same total weight.

    Why: the share of positives differs by language in our data (romanised Khmer has no real benign
    corpus, so most romanised rows are synthetic and many are positive). Unweighted, the model learns
    "romanised Khmer means risk" and flags parents, news and dating in romanised Khmer; balancing each
    language's positives against its own negatives removes that prior. Weights average 1.
    """
    lang_arr = np.asarray(langs)
    w = np.zeros(y.shape, dtype=np.float64)
    for j in range(y.shape[1]):
        cells = [(lang, c) for lang in np.unique(lang_arr) for c in (0, 1)]
        present = [(lang, c) for lang, c in cells if ((lang_arr == lang) & (y[:, j] == c)).any()]
        for lang, c in present:
            mask = (lang_arr == lang) & (y[:, j] == c)
            w[mask, j] = len(y) / (len(present) * mask.sum())
    return w


def choose_c(
    x: csr_matrix,
    y: NDArray[np.int_],
    groups: list[str],
    grid: Sequence[float],
    folds: int,
    weights: NDArray[np.float64] | None = None,
) -> tuple[float, dict[str, float]]:
    """The ``C`` with the best mean PR-AUC over family-grouped folds (no family in two folds)."""
    n_groups = len(set(groups))
    if len(grid) == 1 or n_groups < 2:
        return float(grid[0]), {}
    scores: dict[str, float] = {}
    splitter = GroupKFold(n_splits=min(folds, n_groups))
    for c in grid:
        fold_scores = []
        for tr, te in splitter.split(x, y, groups):
            if len(np.unique(y[tr])) < 2 or y[te].sum() == 0:
                continue
            clf = make_classifier(c).fit(x[tr], y[tr], sample_weight=None if weights is None else weights[tr])
            fold_scores.append(average_precision_score(y[te], clf.decision_function(x[te])))
        scores[str(c)] = round(float(np.mean(fold_scores)), 4) if fold_scores else 0.0
    best = max(grid, key=lambda c: scores[str(c)])
    return float(best), scores


def load_split(name: str, labels: Sequence[str]) -> tuple[list[str], NDArray[np.int_], list[dict[str, Any]]]:
    """Normalised texts, a 0/1 label matrix and the raw rows of one split."""
    rows = list(read_jsonl(DATA / f"{name}.jsonl"))
    texts = [featurise(r["text"]).normalised for r in rows]
    return texts, label_matrix(rows, labels), rows


def out_of_fold_scores(
    x: csr_matrix, y: NDArray[np.int_], groups: list[str], weights: NDArray[np.float64], c: float, folds: int
) -> NDArray[np.float64]:
    """Decision values of every row from a model that never saw the row's family (grouped K-fold)."""
    oof = np.zeros(len(y), dtype=np.float64)
    for tr, te in GroupKFold(n_splits=min(folds, len(set(groups)))).split(x, y, groups):
        clf = make_classifier(c).fit(x[tr], y[tr], sample_weight=weights[tr])
        oof[te] = clf.decision_function(x[te])
    return oof


def holdout_twin_probs(
    model: BaselineModel,
    params: dict[str, Any],
    texts: list[str],
    y: NDArray[np.int_],
    weights: NDArray[np.float64],
    val_texts: list[str],
) -> NDArray[np.float64]:
    """Calibrated scores of the validation rows from a twin of ``model`` fitted on the training rows alone.

    Why: an out-of-fold score of a validation row comes from a fit on two thirds of train+val, so
    it has seen most of the *other* validation families, which are siblings of the row's own
    (written together, sharing slots and phrasing). The transformer's validation scores come from a
    twin that saw no validation family at all. Compared on those two, the n-grams look stronger
    than they are on a hand they never saw, and the cascade's blend leans on them. This twin gives
    the blend (``cascade.blend_on_twin``) the same footing as the transformer's: same ``C``, same
    weights, the training rows only, and the served model's calibrators (fitted on out-of-fold scores
    of similar-sized fits).
    """
    twin = BaselineModel(model.labels, params, model.c_values).fit(texts, y, weights)
    raw = twin.raw_scores(val_texts)
    return np.stack([model.calibrators[lb].transform(raw[:, j]) for j, lb in enumerate(model.labels)], axis=1)


def train(
    params: dict[str, Any],
) -> tuple[Bundle, NDArray[np.float64], NDArray[np.float64] | None, NDArray[np.float64]]:
    """Choose ``C`` per label by family-grouped CV, fit, calibrate, and pick thresholds.

    ``fit_on: train`` fits on the training split and calibrates on the validation split.
    ``fit_on: train+val`` (default) fits on both, so the model sees more phrasing families (what
    generalisation to unseen phrasings needs most), and calibrates on *out-of-fold* scores: each
    row scored by a model fitted without its family, which is what a held-out split gives, without
    holding the families out of the final fit. The test split is never used. Also returns the
    validation rows' held-out calibrated scores (out-of-fold, or the calibrated val scores), the
    training rows' out-of-fold ones (None with ``fit_on: train``, which computes none), and the
    validation rows' scores from a fit on the training split alone (``holdout_twin_probs``; with
    ``fit_on: train`` the served model is that fit).
    """
    labels = params["labels"]
    bp = params["baseline"]
    target = params["thresholds"]["target_precision"]
    folds = int(bp.get("cv_folds", 3))
    x_train, y_train, rows = load_split("train", labels)
    x_val, y_val, val_rows = load_split("val", labels)
    n_train = len(x_train)
    fit_on = bp.get("fit_on", "train+val")
    if fit_on == "train+val":
        x_train, y_train, rows = x_train + x_val, np.concatenate([y_train, y_val]), rows + val_rows
    groups = [str(r.get("family", "")) for r in rows]
    weights = (
        language_balanced_weights(y_train, [str(r.get("lang", "")) for r in rows])
        if bp.get("balance_languages", True)
        else np.ones(y_train.shape)
    )
    features = make_vectorizer(bp).fit_transform(x_train).tocsr()
    grid = [float(c) for c in bp.get("C_grid", [bp["C"]])]
    c_values, cv = {}, {}
    for j, lb in enumerate(labels):
        c_values[lb], cv[lb] = choose_c(features, y_train[:, j], groups, grid, folds, weights[:, j])
    model = BaselineModel(labels, bp, c_values).fit(x_train, y_train, weights)
    val_probs: NDArray[np.float64]
    train_probs: NDArray[np.float64] | None = None
    if fit_on == "train+val":
        y_cal, cal_probs = y_train, np.zeros(y_train.shape, dtype=np.float64)
        for j, lb in enumerate(labels):
            oof = out_of_fold_scores(features, y_train[:, j], groups, weights[:, j], c_values[lb], folds)
            model.calibrators[lb].fit(oof, y_train[:, j])
            cal_probs[:, j] = model.calibrators[lb].transform(oof)
        val_probs = cal_probs[n_train:]
        train_probs = cal_probs[:n_train]
        holdout = holdout_twin_probs(model, bp, x_train[:n_train], y_train[:n_train], weights[:n_train], x_val)
    else:
        model.calibrate(x_val, y_val)
        y_cal, cal_probs = y_val, model.predict_proba(x_val)
        val_probs = holdout = cal_probs
    thresholds = {lb: threshold_for_precision(cal_probs[:, j], y_cal[:, j], target) for j, lb in enumerate(labels)}
    extra = {
        "C": c_values,
        "cv_pr_auc": cv,
        "calibration": bp["calibration"],
        "target_precision": target,
        "fit_on": fit_on,
        "fit_rows": len(x_train),
        "calibration_rows": len(y_cal),
    }
    bundle = Bundle(kind="baseline", labels=tuple(labels), thresholds=thresholds, model=model, extra=extra)
    return bundle, val_probs, train_probs, holdout


def held_out_probs(model_dir: Path, n_rows: int, file: str = VAL_OOF) -> NDArray[np.float64] | None:
    """The baseline's calibrated scores of a split's rows from models that never saw those rows' families.

    Why: with ``fit_on: train+val`` the served baseline has seen the validation split, so its own
    scores there are optimistic; the cascade chooses its routing thresholds and its blend on these
    out-of-fold scores instead, and the transformer may learn from the training rows' ones
    (``file=TRAIN_OOF``). None when the file is missing or was made for another split.
    """
    path = model_dir / file
    if not path.exists():
        return None
    probs = np.asarray(np.load(path), dtype=np.float64)
    return probs if len(probs) == n_rows else None


def main(out: Path = OUT) -> None:
    """Train and save the baseline bundle, with its held-out validation (and training) scores beside it."""
    bundle, val_probs, train_probs, holdout = train(load_params())
    version = save_bundle(bundle, out)
    np.save(out / VAL_OOF, val_probs)
    np.save(out / VAL_HOLDOUT, holdout)
    if train_probs is not None:
        np.save(out / TRAIN_OOF, train_probs)
    log.info("baseline %s thresholds=%s extra=%s", version, bundle.thresholds, bundle.extra)
