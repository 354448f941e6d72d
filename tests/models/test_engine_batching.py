"""Length bucketing and cascade threshold choice: the arithmetic the fast path relies on."""

from __future__ import annotations

import itertools
import random
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import average_precision_score

from models.cascade import Blend, CascadeScorer
from models.onnx_engine import token_batches
from models.padding import head_and_tail, pad_ids
from models.train.baseline import VAL_OOF, held_out_probs
from models.train.cascade import (
    Footings,
    cascade_probs,
    choose_low_threshold,
    language_blend,
    low_thresholds,
    low_thresholds_by_language,
    recall_at,
    report,
    routing_thresholds,
)
from models.train.transformer import length_batches


@given(
    st.lists(st.integers(min_value=1, max_value=96), max_size=300),
    st.integers(min_value=96, max_value=4096),
    st.integers(min_value=1, max_value=128),
)
@settings(max_examples=30, deadline=None)
def test_token_batches_cover_each_post_once_within_budget(lengths: list[int], max_tokens: int, max_batch: int) -> None:
    batches = token_batches(lengths, max_tokens, max_batch)
    flat = [i for b in batches for i in b]
    assert sorted(flat) == list(range(len(lengths)))
    for b in batches:
        width = max(lengths[i] for i in b)
        assert len(b) <= max_batch
        assert len(b) == 1 or len(b) * width <= max_tokens
    # sorted by length: no batch holds a post longer than the next batch's shortest
    for a, b in itertools.pairwise(batches):
        assert max(lengths[i] for i in a) <= min(lengths[i] for i in b)


def test_padding_is_only_to_the_longest_in_batch() -> None:
    ids, mask = pad_ids([[0, 5, 2], [0, 2]], pad_id=1)
    assert ids.tolist() == [[0, 5, 2], [0, 2, 1]] and mask.tolist() == [[1, 1, 1], [1, 1, 0]]


def test_training_batches_are_length_bucketed_and_shuffled() -> None:
    rng = random.Random(0)
    lengths = [rng.randint(3, 96) for _ in range(1000)]
    batches = length_batches(lengths, 32, random.Random(1))
    assert sorted(i for b in batches for i in b) == list(range(1000))
    padded = sum(len(b) * max(lengths[i] for i in b) for b in batches)
    chunks = [lengths[s : s + 32] for s in range(0, 1000, 32)]
    naive = sum(len(c) * max(c) for c in chunks)
    assert padded < 0.8 * naive  # bucketing removes most padding
    assert batches != length_batches(lengths, 32, None)  # order is shuffled, unlike inference


@given(st.integers(min_value=0, max_value=2**31 - 1), st.floats(min_value=0.0, max_value=0.05))
@settings(max_examples=30, deadline=None)
def test_low_threshold_keeps_recall_within_budget(seed: int, max_drop: float) -> None:
    rng = np.random.default_rng(seed)
    n = 400
    y = (rng.random(n) < 0.3).astype(np.int_)
    first = np.clip(0.5 * y + rng.normal(0.25, 0.2, n), 0, 1)  # the baseline: informative but noisy
    second = np.clip(0.6 * y + rng.normal(0.2, 0.15, n), 0, 1)
    op = 0.5
    t = choose_low_threshold(first, second, y, op, max_drop)
    full = recall_at(second, y, op)
    kept = recall_at(np.where(first >= t, second, 0.0), y, op)
    assert full - kept <= max_drop + 1e-9
    # the threshold is the highest possible: one step higher would lose one more positive the transformer caught
    caught = np.sort(first[(y == 1) & (second >= op)])
    higher = caught[caught > t]
    if len(higher):
        worse = recall_at(np.where(first >= higher[0], second, 0.0), y, op)
        assert full - worse > max_drop - 1e-9


def test_cascade_report_counts_skips_and_drops() -> None:
    first = np.array([[0.01, 0.02], [0.9, 0.1], [0.3, 0.6], [0.05, 0.01]])
    second = np.array([[0.9, 0.1], [0.95, 0.1], [0.2, 0.9], [0.1, 0.1]])
    y = np.array([[1, 0], [1, 0], [0, 1], [0, 0]])
    low = np.array([0.1, 0.1])
    combined, sent = cascade_probs(first, second, low)
    assert sent.tolist() == [False, True, True, False]
    assert combined[0].tolist() == [0.01, 0.02] and combined[2].tolist() == [0.2, 0.9]
    rep = report(first, second, y, low, ["g", "t"], {"g": 0.5, "t": 0.5})
    assert rep["skipped_fraction"] == 0.5
    assert rep["g"]["stage_two_recall"] == 1.0 and rep["g"]["cascade_recall"] == 0.5
    assert rep["g"]["recall_drop"] == 0.5
    assert rep["t"]["recall_drop"] == 0.0


def test_blend_learns_which_stage_to_trust_and_stays_a_probability() -> None:
    """On data where only the second stage separates the classes, the blend leans on it."""
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=(400, 2))
    informative = np.clip(0.15 + 0.7 * y + rng.normal(0, 0.1, y.shape), 0.01, 0.99)
    noise = rng.uniform(0.01, 0.99, size=y.shape)
    blend = Blend.fit(noise, informative, y)
    w = blend.weights(["g", "t"])
    assert all(abs(w[lb]["transformer"]) > 5 * abs(w[lb]["baseline"]) for lb in ("g", "t"))
    p = blend.combine(noise, informative)
    assert p.shape == y.shape and np.all((p > 0) & (p < 1))
    assert ((p > 0.5) == (y == 1)).mean() > 0.95


def test_cascade_scorer_blends_only_routed_posts() -> None:
    class Fixed:
        def __init__(self, table: dict[str, list[float]]) -> None:
            self.table = table

        def predict_proba(self, texts: list[str]) -> np.ndarray:
            return np.array([self.table[t] for t in texts])

    first = Fixed({"a": [0.001, 0.001], "b": [0.6, 0.1]})
    second = Fixed({"a": [0.9, 0.9], "b": [0.8, 0.2]})
    blend = Blend(np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, 0.0]))
    scorer = CascadeScorer(first, second, [0.01, 0.01], blend=blend)
    out = scorer.predict_proba(["a", "b"])
    assert out[0].tolist() == [0.001, 0.001]  # skipped: keeps the baseline's score
    assert np.allclose(out[1], blend.combine(np.array([[0.6, 0.1]]), np.array([[0.8, 0.2]]))[0])
    assert scorer.skipped_fraction == 0.5
    scorer.enabled = False  # every post goes on, and is blended
    assert np.allclose(
        scorer.predict_proba(["a"])[0], blend.combine(np.array([[0.001, 0.001]]), np.array([[0.9, 0.9]]))[0]
    )


def test_held_out_probs_only_for_the_same_split(tmp_path: Path) -> None:
    np.save(tmp_path / VAL_OOF, np.full((3, 2), 0.25))
    assert held_out_probs(tmp_path, 3) is not None
    assert held_out_probs(tmp_path, 4) is None  # made for another validation split
    assert held_out_probs(tmp_path / "missing", 3) is None


def test_score_stages_gives_each_model_and_exactly_what_the_cascade_serves() -> None:
    calls: list[list[str]] = []

    class Fixed:
        def __init__(self, table: dict[str, list[float]], log: bool = False) -> None:
            self.table, self.log = table, log

        def predict_proba(self, texts: list[str]) -> np.ndarray:
            if self.log:
                calls.append(list(texts))
            return np.array([self.table[t] for t in texts])

    first = Fixed({"a": [0.001, 0.001], "b": [0.6, 0.1], "c": [0.02, 0.3]})
    second = Fixed({"a": [0.9, 0.9], "b": [0.8, 0.2], "c": [0.1, 0.7]}, log=True)
    blend = Blend(np.array([[1.0, 1.0], [1.0, 1.0]]), np.array([0.0, 0.0]))
    for scorer in (
        CascadeScorer(first, second, [0.01, 0.01], blend=blend),
        CascadeScorer(first, second, [0.01, 0.01]),
        CascadeScorer(first, second, [0.01, 0.01], enabled=False),
    ):
        calls.clear()
        base, trans, combined, sent = scorer.score_stages(["a", "b", "c"])
        # the routed posts in one call, as predict_proba makes it, then the rest: each post once
        assert calls == ([["b", "c"], ["a"]] if scorer.enabled else [["a", "b", "c"]])
        assert base.tolist() == [first.table[t] for t in "abc"] and trans.tolist() == [second.table[t] for t in "abc"]
        served = scorer.predict_proba(["a", "b", "c"])
        assert np.allclose(combined, served)
        assert sent.tolist() == ([True, True, True] if not scorer.enabled else [False, True, True])


CHOICE = {"choice_level": 0.9, "choice_rounds": 300, "min_positives": 20}


def test_language_blend_keeps_the_stronger_model_per_language() -> None:
    """Where the baseline is noise in one language, that language's stage two drops it, even though the
    pooled blend leans on the baseline (it carries the other two languages)."""
    rng = np.random.default_rng(1)
    n = 900
    langs = ["km"] * 300 + ["en"] * 300 + ["mixed"] * 300
    y = rng.integers(0, 2, size=(n, 2))
    base = np.clip(0.3 + 0.4 * y + rng.normal(0, 0.2, y.shape), 0.01, 0.99)
    base[600:] = rng.uniform(0.01, 0.99, size=(300, 2))  # the baseline knows nothing of "mixed" posts
    trans = np.clip(0.3 + 0.4 * y + rng.normal(0, 0.2, y.shape), 0.01, 0.99)
    trans[:600] = np.clip(0.3 + 0.1 * y[:600] + rng.normal(0, 0.2, (600, 2)), 0.01, 0.99)  # and little of the rest
    pooled = Blend.fit(base, trans, y)
    blend, evidence = language_blend(pooled, Footings([base], trans, y), langs, ["g", "t"], CHOICE)
    assert all(blend.choices["mixed"][lb] in ("transformer", "own") for lb in ("g", "t"))
    for lb in ("g", "t"):  # the evidence names the choice and shows its lead off zero
        lead = evidence["mixed"][lb][evidence["mixed"][lb]["chosen"]]
        assert 0 < lead["lo"] <= lead["diff"]
    mixed = np.arange(600, 900)
    for j in range(2):
        served = blend.combine(base[mixed], trans[mixed], ["mixed"] * 300)[:, j]
        pooled_auc = average_precision_score(y[mixed, j], pooled.combine(base[mixed], trans[mixed])[:, j])
        assert average_precision_score(y[mixed, j], served) > pooled_auc
    # languages it was not fitted for keep the pooled weights
    assert np.allclose(blend.combine(base[:5], trans[:5], ["xx"] * 5), pooled.combine(base[:5], trans[:5]))


def test_language_blend_does_not_choose_on_a_lead_that_is_noise() -> None:
    """Where the baseline is noise everywhere, the transformer alone and the pooled blend (which all but
    ignores the baseline) differ per language by chance only: that lead, however it falls, moves no
    language off the pooled blend. With the interval shrunk to the median resample (level 0) the same
    chance lead does move some, which is what a fixed margin of a few thousandths let happen."""
    rng = np.random.default_rng(5)
    n = 900
    langs = ["km"] * 300 + ["en"] * 300 + ["mixed"] * 300
    y = rng.integers(0, 2, size=(n, 2))
    base = rng.uniform(0.01, 0.99, size=(n, 2))
    trans = np.clip(0.3 + 0.3 * y + rng.normal(0, 0.2, y.shape), 0.01, 0.99)
    pooled = Blend.fit(base, trans, y)
    rows = Footings([base], trans, y)
    gated, evidence = language_blend(pooled, rows, langs, ["g", "t"], CHOICE)
    assert all(gated.choices[lang][lb] == "pooled" for lang in ("km", "en", "mixed") for lb in ("g", "t"))
    assert all(
        lead["lo"] <= 0
        for cell in evidence.values()
        for row in cell.values()
        for lead in row.values()
        if isinstance(lead, dict)
    )
    loose, _ = language_blend(pooled, rows, langs, ["g", "t"], {**CHOICE, "choice_level": 0.0})
    assert any(loose.choices[lang][lb] != "pooled" for lang in ("km", "en", "mixed") for lb in ("g", "t"))


def test_language_blend_judges_each_stage_two_on_the_footing_that_least_favours_it() -> None:
    """A baseline that ranks one language's posts well only on the footing where it saw their siblings is
    not chosen alone for that language: leaning on the baseline, it is judged on the twin's footing, where
    it is noise. The transformer alone, leaning on it less, is judged on the out-of-fold footing, and
    chosen where it leads there even though the twin's footing (no help from the baseline) would make
    any lead over the pooled blend look larger."""
    rng = np.random.default_rng(2)
    n = 600
    langs = ["km"] * 300 + ["en"] * 300
    y = rng.integers(0, 2, size=(n, 1))
    trans = np.clip(0.3 + 0.3 * y + rng.normal(0, 0.2, y.shape), 0.01, 0.99)
    seen = np.clip(0.2 + 0.6 * y + rng.normal(0, 0.1, y.shape), 0.01, 0.99)  # out-of-fold: near perfect on "km"
    seen[300:] = rng.uniform(0.01, 0.99, size=(300, 1))  # and no help on "en", so the pooled blend leans away
    unseen = seen.copy()
    unseen[:300] = rng.uniform(0.01, 0.99, size=(300, 1))  # a twin that never saw them: noise for "km" too
    one, _ = language_blend(Blend.fit(seen, trans, y), Footings([seen], trans, y), langs, ["g"], CHOICE)
    assert one.choices["km"]["g"] == "baseline"  # on the optimistic footing alone, the n-grams win outright
    rows, fit = Footings([seen, unseen], trans, y), Footings([seen], trans, y)
    both, evidence = language_blend(Blend.fit(seen, trans, y), rows, langs, ["g"], CHOICE, fit=fit)
    assert both.choices["km"]["g"] != "baseline"
    assert evidence["km"]["g"]["baseline"]["footing"] == 1 and evidence["km"]["g"]["transformer"]["footing"] == 0
    # the transformer alone is surely behind on "km" where the baseline looks best, so the pooled blend holds
    assert both.choices["km"]["g"] == "pooled" and evidence["km"]["g"]["transformer"]["hi"] < 0
    assert both.choices["en"]["g"] == "transformer"  # and surely ahead on "en" even there


def test_cascade_routes_and_blends_by_each_posts_language() -> None:
    class Fixed:
        def __init__(self, table: dict[str, list[float]]) -> None:
            self.table = table

        def predict_proba(self, texts: list[str]) -> np.ndarray:
            return np.array([self.table[t] for t in texts])

    first = Fixed({"a": [0.05, 0.01], "b": [0.05, 0.01]})
    second = Fixed({"a": [0.9, 0.1], "b": [0.9, 0.1]})
    alone = np.array([[0.0, 1.0], [0.0, 1.0]])
    blend = Blend(np.ones((2, 2)), np.zeros(2), by_lang={"en": (alone, np.zeros(2))})
    scorer = CascadeScorer(first, second, [0.5, 0.5], blend=blend, low_by_lang={"en": [0.01, 0.5]})
    out = scorer.predict_proba(["a", "b"], langs=["en", "km"])
    assert np.allclose(out[0], [0.9, 0.1])  # English: routed (0.05 >= 0.01), the transformer alone
    assert out[1].tolist() == [0.05, 0.01]  # Khmer: under the pooled 0.5, keeps the baseline's score
    assert scorer.skipped_fraction == 0.5
    with pytest.raises(ValueError):
        scorer.predict_proba(["a", "b"], langs=["en"])


def test_routing_per_language_keeps_each_languages_recall_within_budget() -> None:
    rng = np.random.default_rng(3)
    n = 1200
    langs = np.array(["km", "en", "mixed"] * (n // 3))
    y = (rng.random((n, 1)) < 0.3).astype(np.int_)
    shift = np.where(langs == "mixed", 0.0, 0.3)[:, None]  # the baseline scores mixed positives low
    first = np.clip(shift * y + rng.normal(0.1, 0.08, (n, 1)), 0, 1)
    second = np.clip(0.7 * y + rng.normal(0.15, 0.1, (n, 1)), 0, 1)
    cfg = {"max_recall_drop": 0.01, "max_low_threshold": 0.25}
    lows = low_thresholds_by_language(first, second, y, langs.tolist(), ["g"], {"g": 0.5}, cfg)
    pooled = low_thresholds(first, second, y, ["g"], {"g": 0.5}, cfg)
    for lang, low in lows.items():
        m = langs == lang
        full = recall_at(second[m, 0], y[m, 0], 0.5)
        kept = recall_at(np.where(first[m, 0] >= low[0], second[m, 0], 0.0), y[m, 0], 0.5)
        assert full - kept <= 0.01 + 1e-9
    # the pooled threshold is held down by the mixed posts; Khmer and English may route less
    assert lows["km"][0] > pooled[0] and lows["en"][0] > pooled[0]


def test_routing_on_both_footings_holds_the_budget_on_the_worse() -> None:
    """Thresholds fitted on the footing where the baseline saw siblings lose more than the budget where it
    did not; fitted on both, the recall drop stays within budget on each, per language and pooled."""
    rng = np.random.default_rng(4)
    n = 1500
    langs = np.array(["km", "en", "mixed"] * (n // 3))
    y = (rng.random((n, 1)) < 0.3).astype(np.int_)
    second = np.clip(0.7 * y + rng.normal(0.15, 0.1, (n, 1)), 0, 1)
    seen = np.clip(0.4 * y + rng.normal(0.1, 0.05, (n, 1)), 0, 1)  # out-of-fold: positives well above
    unseen = np.clip(0.15 * y + rng.normal(0.1, 0.08, (n, 1)), 0, 1)  # the twin: positives scored low
    cfg = {"max_recall_drop": 0.01, "max_low_threshold": 0.25}
    thr = {"g": 0.5}

    def drop(first: np.ndarray, low: float, m: np.ndarray) -> float:
        full = recall_at(second[m, 0], y[m, 0], 0.5)
        return full - recall_at(np.where(first[m, 0] >= low, second[m, 0], 0.0), y[m, 0], 0.5)

    everyone = np.ones(n, dtype=bool)
    one, one_by = routing_thresholds([seen], second, None, y, langs.tolist(), ["g"], thr, cfg)
    assert np.array_equal(one, low_thresholds(seen, second, y, ["g"], thr, cfg))
    alone_by = low_thresholds_by_language(seen, second, y, langs.tolist(), ["g"], thr, cfg)
    assert all(np.array_equal(one_by[lang], alone_by[lang]) for lang in alone_by)
    assert drop(unseen, one[0], everyone) > 0.01  # the optimistic footing's threshold overspends on the other
    low, by_lang = routing_thresholds([seen, unseen], second, None, y, langs.tolist(), ["g"], thr, cfg)
    assert low[0] <= one[0] and set(by_lang) == {"km", "en", "mixed"}
    for first in (seen, unseen):
        assert drop(first, low[0], everyone) <= 0.01 + 1e-9
        for lang, lows in by_lang.items():
            assert lows[0] <= one_by[lang][0]
            assert drop(first, lows[0], langs == lang) <= 0.01 + 1e-9
    assert routing_thresholds([seen, unseen], second, None, y, None, ["g"], thr, cfg)[1] == {}


@given(st.lists(st.integers(min_value=3, max_value=999), max_size=200), st.integers(0, 40))
@settings(max_examples=60, deadline=None)
def test_head_and_tail_keeps_both_ends_within_max_len(ids: list[int], tail: int) -> None:
    max_len = 96
    out = head_and_tail(ids, max_len, tail)
    assert len(out) == min(len(ids), max_len)
    if len(ids) <= max_len:
        assert out == ids
    elif tail:
        assert out[: max_len - tail] == ids[: max_len - tail] and out[-tail:] == ids[-tail:]
    else:
        assert out == ids[:max_len]
