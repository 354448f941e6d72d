"""Tokenisation: khmer-nltk on Khmer runs, regex tokens elsewhere, offsets into the original."""

from __future__ import annotations

import itertools

from features.featurise import featurise
from features.tokenise import segment_khmer, tokenise
from tests.support.paths import ROOT


def test_khmer_words_latin_tokens_and_offsets() -> None:
    text = "ការងារនៅថៃ ប្រាក់ខែ ៨០០$ add t e l e g r a m https://t.me/abc_jobs @boss_th"
    toks = tokenise(text)
    words = [t.text for t in toks]
    assert words[:6] == ["ការងារ", "នៅ", "ថៃ", "ប្រាក់ខែ", "800", "$"]
    assert "https://t.me/abc_jobs" in words  # not split by the segmenter
    assert "@boss_th" in words
    tele = next(t for t in toks if t.text == "telegram")
    assert text[tele.start : tele.end] == "t e l e g r a m"
    num = next(t for t in toks if t.text == "800")
    assert text[num.start : num.end] == "៨០០"
    for t in toks:
        assert 0 <= t.start < t.end <= len(text)
        assert t.kind in ("km", "word", "number", "url", "email", "handle", "hashtag", "symbol")


def test_zwsp_and_newlines_are_word_breaks() -> None:
    text = "ខ្ញុំ\u200bស្រលាញ់\nអ្នក"
    assert [t.text for t in tokenise(text)] == ["ខ្ញុំ", "ស្រលាញ់", "អ្នក"]


def test_segmentation_is_cached_and_off_the_default_path() -> None:
    segment_khmer.cache_clear()
    assert featurise("ខ្ញុំទៅសាលារៀន").tokens == ()
    fp = featurise("ខ្ញុំទៅសាលារៀន", segment=True)
    assert [t.text for t in fp.tokens] == ["ខ្ញុំ", "ទៅ", "សាលារៀន"]
    featurise("ខ្ញុំទៅសាលារៀន", segment=True)
    info = segment_khmer.cache_info()
    assert info.hits >= 1 and info.misses == 1


def test_unsegmented_tokens_keep_khmer_runs_whole() -> None:
    assert [t.text for t in tokenise("ខ្ញុំទៅសាលា hello", segment=False)] == ["ខ្ញុំទៅសាលា", "hello"]


def test_word_segmentation_f1_on_real_gold_text() -> None:
    """End to end (normalise → segment → map back): F1 on 300 real khPOS sentences, compounds as one word.

    bench/segmenters.py measures khmer-nltk alone at 0.936 on all 2,000 test sentences; the offsets
    mapped back through normalisation must keep that quality.
    """
    import re

    path = ROOT / "data" / "real" / "khpos" / "CLOSE-TEST.word"
    tp = n_pred = n_gold = 0
    for line in path.read_text(encoding="utf-8").splitlines()[:300]:
        words = [re.sub(r"[_~^]", "", w) for w in line.split()]
        text = "".join(words)
        gold, pos = set(), 0
        for w in words:
            gold.add((pos, pos + len(w)))
            pos += len(w)
        pred = {(t.start, t.end) for t in tokenise(text)}
        tp += len(pred & gold)
        n_pred += len(pred)
        n_gold += len(gold)
    p, r = tp / n_pred, tp / n_gold
    assert 2 * p * r / (p + r) > 0.9


def test_long_khmer_runs_are_cut_between_syllables() -> None:
    text = "ខ្ញុំទៅសាលារៀន" * 400  # 5,600 characters in one run: segmented in chunks
    toks = tokenise(text)
    assert toks[0].start == 0 and toks[-1].end == len(text)
    assert all(a.end == b.start for a, b in itertools.pairwise(toks))
    # a cut may split a word at a syllable boundary ("សា|លារៀន"), never inside a syllable
    assert all(t.text[0] not in "\u17b6\u17c6\u17d2\u17bb" for t in toks)
    assert sum(t.text == "ខ្ញុំ" for t in toks) >= 390
