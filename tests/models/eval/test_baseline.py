"""Baseline pieces that decide generalisation: cue tokens, language-balanced weights, grouped CV,
calibration and thresholds, and the evaluation helpers."""

from __future__ import annotations

import numpy as np

from models.baseline import make_vectorizer
from models.calibration import Calibrator, threshold_for_precision
from models.cues import cue_tokens, model_text
from models.eval.evaluate import per_family, pr_curve_rows
from models.eval.metrics import breakdown, expected_calibration_error
from models.train.baseline import choose_c, language_balanced_weights


def test_cue_tokens_read_salary_and_age_in_every_script() -> None:
    for text in ("salary $1500/month", "luy khe 2000$", "ប្រាក់ខែ ១៥០០ ដុល្លារ", "4 million riel", "30,000 baht"):
        assert cue_tokens(text) == ["zzmoneyhigh"], text
    assert cue_tokens("salary $300 negotiable") == ["zzmoneylow"]
    assert cue_tokens("I sent you $2 credit") == ["zzmoneysmall"]
    for text in ("អាយុ១៤ឆ្នាំ", "oun ayu 13 hz", "you are 15 years old"):
        assert cue_tokens(text) == ["zzageminor"], text
    assert cue_tokens("age 18-25") == ["zzageyoung"]
    assert cue_tokens("see you at the cafe") == []


def test_language_balanced_weights_equalise_each_language_class_cell() -> None:
    y = np.array([[1], [1], [1], [0], [1], [0], [0], [0]])
    langs = ["mixed", "mixed", "mixed", "mixed", "en", "en", "en", "en"]
    w = language_balanced_weights(y, langs)
    totals = {
        (lang, c): w[(np.array(langs) == lang) & (y[:, 0] == c), 0].sum() for lang in ("mixed", "en") for c in (0, 1)
    }
    assert np.allclose(list(totals.values()), next(iter(totals.values())))
    assert np.isclose(w.mean(), 1.0)


def test_grouped_cv_picks_a_c_and_scores_each() -> None:
    rng = np.random.default_rng(0)
    texts, y, groups = [], [], []
    for fam in range(6):
        for _ in range(15):
            pos = fam % 2 == 0
            texts.append(("urgent job abroad salary " if pos else "homework due monday class ") + str(rng.integers(99)))
            y.append(int(pos))
            groups.append(f"f{fam}")
    x = make_vectorizer({"ngram_min": 1, "ngram_max": 3, "max_features": 5000}).fit_transform(texts).tocsr()
    best, scores = choose_c(x, np.array(y), groups, [0.1, 1.0], folds=3)
    assert best in (0.1, 1.0) and set(scores) == {"0.1", "1.0"}
    assert all(0.0 <= v <= 1.0 for v in scores.values())


def test_calibration_threshold_reaches_target_precision() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 500)
    raw = y * 2.0 + rng.normal(0, 1, 500)
    probs = Calibrator("sigmoid").fit(raw, y).transform(raw)
    thr = threshold_for_precision(probs, y, 0.9)
    flagged = probs >= thr
    assert (y[flagged] == 1).mean() >= 0.9
    assert expected_calibration_error(y, probs) < 0.1


def test_breakdown_and_per_family_cover_languages_kinds_and_families() -> None:
    rows = [
        {"labels": ["grooming"], "lang": "km", "kind": "grooming", "family": "g1"},
        {"labels": [], "lang": "km", "kind": "news", "family": "n1"},
        {"labels": ["trafficking_ad"], "lang": "en", "kind": "trafficking_ad", "family": "t1"},
        {"labels": [], "lang": "en", "kind": "legit_job", "family": "n2"},
        {"labels": ["grooming", "trafficking_ad"], "lang": "mixed", "kind": "both", "family": "b1"},
        {"labels": [], "lang": "mixed", "kind": "news", "family": "n1"},
    ]
    probs = np.array([[0.9, 0.1], [0.6, 0.2], [0.1, 0.8], [0.1, 0.3], [0.7, 0.9], [0.2, 0.1]])
    labels = ("grooming", "trafficking_ad")
    thresholds = {"grooming": 0.5, "trafficking_ad": 0.5}
    out = breakdown(rows, probs, labels, thresholds)
    assert set(out["grooming"]) == {"overall", "km", "en", "mixed"}
    assert out["false_flag_rate"] == {"legit_job": 0.0, "news": 0.5}
    fams = per_family(rows, probs, labels, thresholds)
    assert fams["n1"]["grooming_flag_rate"] == 0.5
    assert fams["g1"]["grooming_pr_auc_vs_negatives"] == 1.0
    curve = pr_curve_rows(np.array([1, 0, 1, 0]), np.array([0.9, 0.8, 0.7, 0.1]))
    assert curve and {"recall", "precision", "threshold"} == set(curve[0])


def test_model_text_appends_each_cue_once_as_words() -> None:
    text = "salary $1500 ... another $2000, age 15"
    assert model_text(text) == text
    out = model_text(text, prefix="query: ", cues=True)
    assert out.startswith("query: " + text)
    assert out.endswith(" | high salary | under 18") and out.count("high salary") == 1
    assert model_text("see you at the cafe", cues=True) == "see you at the cafe"
