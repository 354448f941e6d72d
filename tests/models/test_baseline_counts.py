"""The baseline's fast counters (word-cached character n-grams, word n-grams from texts preprocessed
once) give exactly scikit-learn's TF-IDF matrix."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from models.baseline import BaselineModel

PARAMS = {
    "ngram_min": 1,
    "ngram_max": 5,
    "max_features": 3000,
    "word_ngram_max": 2,
    "word_max_features": 500,
    "C": 1.0,
    "calibration": "sigmoid",
    "cue_tokens": True,
}
TRAIN = [
    "hey what grade are you in? add me on telegram",
    "ការងារនៅថៃ ប្រាក់ខែ 1500$ អាយុ 16 ឆ្នាំ",
    "rok neak tvoeu kar tov thai prak khae 15000 baht",
    "school trip on friday, parents please sign the form",
    "oun rean thnak ti pon man? kom prab mak",
    "legit job: accountant, salary 450 usd, phnom penh",
] * 3
LABELS = np.array([[1, 0], [0, 1], [0, 1], [0, 0], [1, 0], [0, 0]] * 3)


def _model() -> BaselineModel:
    return BaselineModel(["grooming", "trafficking_ad"], PARAMS).fit(TRAIN, LABELS)


MODEL = _model()
TEXT = st.text(
    alphabet=st.sampled_from(list("abcdeghkmnoprstuy 0123456789$\n\t\u00a0.,?ក ខ គ ា ុ ្ ថៃ\u200b")),
    max_size=80,
)


def _same(texts: list[str]) -> None:
    expected = MODEL.vectorizer.transform(texts).tocsr()
    expected.sort_indices()
    got = MODEL.features(texts)
    assert got.shape == expected.shape
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)


def test_same_matrix_on_posts_it_has_and_has_not_seen() -> None:
    _same([*TRAIN, "", "   ", "new words never seen: tiktok 5k baht ayu 17", "ថៃ ថៃ ថៃ"])
    _same(TRAIN[:2])  # a second call reuses the cached words


@given(st.lists(TEXT, min_size=1, max_size=12))
@settings(max_examples=60, deadline=None)
def test_same_matrix_on_any_text(texts: list[str]) -> None:
    _same(texts)


def test_the_cache_is_not_pickled() -> None:
    MODEL.features(["warm the cache"])
    assert "_counters" in MODEL.__dict__ and "_counters" not in MODEL.__getstate__()
