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
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import FeatureUnion

from models.calibration import Calibrator
from models.cues import with_cues

WORD_TOKENS = r"(?u)\b\w+\b"  # one-letter words too: "u", "r", Khmer runs
WORD_CACHE_SIZE = 500_000  # distinct words whose character n-grams are kept (cleared when full)

WordGrams = tuple[NDArray[np.int64], NDArray[np.float32]]


class CharGramCounter:
    """The count matrix of a fitted ``char_wb`` vectorizer, built from a cache of each word's n-grams.

    Why: ``char_wb`` n-grams never cross a word boundary, so a post's counts are the sum of its
    words' counts, and words repeat across posts far more than posts do. scikit-learn rebuilds
    every n-gram of every word in Python and looks each up in the vocabulary (most of the first
    stage's time); here each distinct word is analysed once, by scikit-learn's own
    ``_char_wb_ngrams``, and a batch's matrix is assembled with numpy. The result is the same
    matrix ``vectorizer.transform`` gives (a test compares them element for element).
    """

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        self.vectorizer = vectorizer
        self.cache: dict[str, WordGrams] = {}

    def _word(self, word: str) -> WordGrams:
        vocab = self.vectorizer.vocabulary_
        counts: dict[int, int] = {}
        for gram in self.vectorizer._char_wb_ngrams(word):
            j = vocab.get(gram)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        grams = (
            np.fromiter(counts.keys(), np.int64, len(counts)),
            np.fromiter(counts.values(), np.float32, len(counts)),
        )
        if len(self.cache) >= WORD_CACHE_SIZE:
            self.cache.clear()
        self.cache[word] = grams
        return grams

    def counts(self, prepared: Sequence[str]) -> sparse.csr_matrix:
        """Character n-gram counts of preprocessed texts, shape (texts, vocabulary), indices sorted."""
        white = self.vectorizer._white_spaces
        rows: list[int] = []
        parts: list[WordGrams] = []
        for i, text in enumerate(prepared):
            for word in white.sub(" ", text).split():
                grams = self.cache.get(word) or self._word(word)
                parts.append(grams)
                rows.append(i)
        shape = (len(prepared), len(self.vectorizer.vocabulary_))
        if not parts:
            return sparse.csr_matrix(shape, dtype=np.float32)
        sizes = np.fromiter((len(p[0]) for p in parts), np.int64, len(parts))
        cols = np.concatenate([p[0] for p in parts])
        vals = np.concatenate([p[1] for p in parts])
        matrix = sparse.csr_matrix((vals, (np.repeat(np.asarray(rows, np.int64), sizes), cols)), shape=shape)
        matrix.sum_duplicates()
        matrix.sort_indices()
        return matrix

    def transform(self, prepared: Sequence[str]) -> sparse.csr_matrix:
        """What ``vectorizer.transform`` gives for the raw texts: TF-IDF weights of the counts."""
        return self.vectorizer._tfidf.transform(self.counts(prepared), copy=False)


class WordGramCounter:
    """The count matrix of a fitted ``word`` vectorizer from preprocessed texts.

    Why: scikit-learn's ``transform`` runs the vectorizer's preprocessor itself, and both of the
    baseline's vectorizers share one (``with_cues``, whose regular expressions are a large part of
    the first stage); given texts preprocessed once, this counts word n-grams as scikit-learn's own
    tokenizer and ``_word_ngrams`` make them (a test compares the matrices element for element).
    """

    def __init__(self, vectorizer: TfidfVectorizer) -> None:
        self.vectorizer = vectorizer
        self.tokenize = vectorizer.build_tokenizer()
        self.stop_words = vectorizer.get_stop_words()

    def transform(self, prepared: Sequence[str]) -> sparse.csr_matrix:
        """What ``vectorizer.transform`` gives for the raw texts: TF-IDF weights of the counts."""
        vocab = self.vectorizer.vocabulary_
        indices: list[int] = []
        values: list[int] = []
        indptr = [0]
        for text in prepared:
            counts: dict[int, int] = {}
            for gram in self.vectorizer._word_ngrams(self.tokenize(text), self.stop_words):
                j = vocab.get(gram)
                if j is not None:
                    counts[j] = counts.get(j, 0) + 1
            indices.extend(counts)
            values.extend(counts.values())
            indptr.append(len(indices))
        matrix = sparse.csr_matrix(
            (np.asarray(values, np.float32), np.asarray(indices, np.int32), np.asarray(indptr, np.int32)),
            shape=(len(prepared), len(vocab)),
        )
        matrix.sort_indices()
        return self.vectorizer._tfidf.transform(matrix, copy=False)


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

    def __getstate__(self) -> dict[str, Any]:
        """Pickle without the fast counters and their word cache (rebuilt on first use)."""
        state = self.__dict__.copy()
        state.pop("_counters", None)
        return state

    def _counter(self, name: str, vec: TfidfVectorizer) -> CharGramCounter | WordGramCounter | None:
        """The fast counter for one of the union's vectorizers (made once), or None for a kind it lacks."""
        counters: dict[str, CharGramCounter | WordGramCounter] = self.__dict__.setdefault("_counters", {})
        if name not in counters:
            if vec.analyzer == "char_wb":
                counters[name] = CharGramCounter(vec)
            elif vec.analyzer == "word" and vec.tokenizer is None:
                counters[name] = WordGramCounter(vec)
            else:
                return None
        return counters[name]

    def features(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The TF-IDF matrix of ``texts``, as the fitted union gives it, each preprocessor run once per text."""
        prepared: dict[int, list[str]] = {}
        parts = []
        for name, vec in self.vectorizer.transformer_list:
            counter = self._counter(name, vec) if isinstance(vec, TfidfVectorizer) else None
            if counter is None:
                parts.append(vec.transform(texts))
                continue
            key = id(vec.preprocessor) if vec.preprocessor is not None else id(vec)
            if key not in prepared:
                preprocess = vec.build_preprocessor()
                prepared[key] = [preprocess(vec.decode(t)) for t in texts]
            parts.append(counter.transform(prepared[key]))
        return sparse.hstack(parts).tocsr()

    def raw_scores(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Uncalibrated decision values, shape (n, labels)."""
        x = self.features(texts)
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
