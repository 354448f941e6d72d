"""The paired bootstrap behind the model card's "cascade against the better model" intervals."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import average_precision_score

from models.eval.bootstrap import against, against_better
from models.paired_bootstrap import paired_difference


def _scores(y: np.ndarray, separation: float, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(0.3 + separation * y + rng.normal(0, 0.2, len(y)), 0, 1)


def test_a_clear_gap_has_an_interval_off_zero_and_a_tie_an_interval_around_it() -> None:
    y = np.array([1] * 40 + [0] * 80)
    strong, weak = _scores(y, 0.5, 1), _scores(y, 0.05, 2)
    gap = paired_difference(y, strong, weak)
    assert gap["diff"] == pytest.approx(average_precision_score(y, strong) - average_precision_score(y, weak), abs=1e-4)
    assert 0 < gap["lo"] <= gap["diff"] <= gap["hi"] and gap["share_below"] == 0
    twin = paired_difference(y, strong, strong + 1e-9 * np.arange(len(y)))  # near-identical rankings
    assert twin["lo"] <= 0 <= twin["hi"] and abs(twin["diff"]) < 0.02
    same = paired_difference(y, strong, strong)
    assert same == {"diff": 0.0, "lo": 0.0, "hi": 0.0, "share_below": 0.0}


def test_the_interval_is_reproducible_and_narrows_with_more_posts() -> None:
    small_y = np.array([1] * 15 + [0] * 30)
    big_y = np.tile(small_y, 10)
    a_small, b_small = _scores(small_y, 0.3, 3), _scores(small_y, 0.25, 4)
    a_big, b_big = _scores(big_y, 0.3, 3), _scores(big_y, 0.25, 4)
    assert paired_difference(small_y, a_small, b_small) == paired_difference(small_y, a_small, b_small)
    small, big = paired_difference(small_y, a_small, b_small), paired_difference(big_y, a_big, b_big)
    assert big["hi"] - big["lo"] < small["hi"] - small["lo"]


def test_one_class_has_no_pr_auc() -> None:
    with pytest.raises(ValueError):
        paired_difference(np.zeros(10, dtype=int), np.linspace(0, 1, 10), np.linspace(1, 0, 10))


def test_against_better_compares_each_cell_with_its_own_better_stage() -> None:
    """Where the transformer ranks Khmer best and the baseline English, each cell is measured against that
    stage; a cell with one class only is left out."""
    rows, n = [], 60
    for lang in ("km", "en"):
        rows += [{"lang": lang, "labels": ["grooming"] if i % 3 == 0 else []} for i in range(n)]
    rows += [{"lang": "mixed", "labels": []} for _ in range(20)]
    y = np.array([1.0 if r["labels"] else 0.0 for r in rows])
    good, poor = _scores(y, 0.6, 5), _scores(y, 0.0, 6)
    km = np.array([r["lang"] == "km" for r in rows])
    transformer = np.where(km, good, poor)[:, None]
    baseline = np.where(km, poor, good)[:, None]
    cascade = transformer.copy()
    out = against_better(rows, {"baseline": baseline, "transformer": transformer, "cascade": cascade}, ("grooming",))
    assert out["grooming"]["km"]["better"] == "transformer" and out["grooming"]["km"]["diff"] == 0.0
    assert out["grooming"]["en"]["better"] == "baseline" and out["grooming"]["en"]["hi"] < 0
    assert "mixed" not in out["grooming"] and "overall" in out["grooming"]


def test_against_gives_each_cell_the_change_of_the_new_model_and_its_positives() -> None:
    """A release judged against the one it replaces: where the new model ranks Khmer worse its interval stays
    below zero, where both rank alike it straddles zero; the count of positives travels with each cell."""
    rows = [{"lang": lang, "labels": ["grooming"] if i % 4 == 0 else []} for lang in ("km", "en") for i in range(80)]
    y = np.array([1.0 if r["labels"] else 0.0 for r in rows])
    km = np.array([r["lang"] == "km" for r in rows])
    old = _scores(y, 0.6, 7)
    new = np.where(km, _scores(y, 0.05, 8), old)
    out = against(rows, new[:, None], old[:, None], ("grooming",))["grooming"]
    assert out["km"]["hi"] < 0 and out["km"]["positives"] == 20
    assert out["en"] == {"positives": 20, "diff": 0.0, "lo": 0.0, "hi": 0.0, "share_below": 0.0}
    assert out["overall"]["diff"] < 0 and "mixed" not in out
