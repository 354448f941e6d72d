"""The generator and the family split: coverage, no leakage, augmentation and multi-label posts."""

from __future__ import annotations

import random
from collections import Counter

import numpy as np
import pytest

import models.data.dataset
from features.normalise import normalise
from models.data.dataset import build, family_splits
from models.data.generator import FAMILIES, SLOT, Family, _fam, code_switch, generate, obfuscate
from models.jsonl import read_jsonl
from models.params import load_params
from tests.support.paths import ROOT


def test_family_coverage_per_label_language_and_negative_kind() -> None:
    per_label_lang = Counter((f.kind, f.lang) for f in FAMILIES if f.kind in ("grooming", "trafficking_ad"))
    assert len(per_label_lang) == 6
    assert min(per_label_lang.values()) >= 12
    negatives = Counter(f.kind for f in FAMILIES if not f.labels)
    assert len(negatives) >= 7
    assert min(negatives.values()) >= 6
    assert len({f.name for f in FAMILIES}) == len(FAMILIES)


def test_no_family_spans_two_splits_and_each_split_has_every_label_language() -> None:
    params = load_params()
    params["data"] = {
        **params["data"],
        "synthetic_per_family": 6,
        "real_khmer_sentences": 20,
        "real_sms": 20,
        "real_job_ads": 20,
    }
    splits = build(params)
    seen: dict[str, str] = {}
    for name, rows in splits.items():
        for r in rows:
            fam = r["family"]
            if fam.startswith(("real_", "multi:", "moderator")):
                continue
            assert seen.setdefault(fam, name) == name, fam
        for label in ("grooming", "trafficking_ad"):
            langs = {r["lang"] for r in rows if label in r["labels"]}
            assert {"km", "en", "mixed"} <= langs, (name, label, langs)
        assert any(len(r["labels"]) == 2 for r in rows), name
    assert family_splits(13) == family_splits(13)
    test_fams = [f for f, s in family_splits(13).items() if s == "test"]
    assert len(test_fams) >= 6


def test_labelled_posts_have_the_fewest_clauses_asked_and_negatives_may_have_one() -> None:
    """``min_positive_clauses`` raises labelled posts only; params.yaml keeps 1 (codebook §7 says why)."""
    clauses = ("alpha", "bravo", "charlie", "delta", "echo")
    fams = (Family("pos", "trafficking_ad", "en", clauses), Family("neg", "news", "en", clauses))

    def counts(min_positive_clauses: int) -> dict[str, Counter[int]]:
        out: dict[str, Counter[int]] = {"pos": Counter(), "neg": Counter()}
        for row in generate(
            400, 5, obfuscation_rate=0.0, code_switch_rate=0.0, min_positive_clauses=min_positive_clauses, families=fams
        ):
            out[str(row["family"])][sum(c in str(row["text"]) for c in clauses)] += 1
        return out

    raised = counts(2)
    assert min(raised["pos"]) == 2 and raised["pos"][2] > raised["pos"][3] > raised["pos"][4] > 0
    assert raised["neg"][1] > 0 and max(raised["neg"]) == 4
    assert min(counts(1)["pos"]) == 1  # the parameter, not the family, decides


def test_a_lone_clause_is_never_a_supporting_one_and_longer_posts_still_use_them() -> None:
    """``lone_indicator``: a one-clause labelled post earns its label (codebook §1 and §7)."""
    fam = _fam(
        "pos",
        "trafficking_ad",
        "en",
        """
        alpha
        ~ bravo
        ~ charlie
        delta
    """,
    )
    only_support = _fam("voice", "trafficking_ad", "en", "~ echo\n~ foxtrot\n~ golf")
    assert fam.parts == ("alpha", "bravo", "charlie", "delta") and fam.supporting == {1, 2}
    assert fam.indicator_parts == ("alpha", "delta")

    def clause_sets(lone_indicator: bool, f: Family) -> list[set[str]]:
        return [
            {c for c in f.parts if c in str(row["text"])}
            for row in generate(
                400, 5, obfuscation_rate=0.0, code_switch_rate=0.0, lone_indicator=lone_indicator, families=(f,)
            )
        ]

    kept = clause_sets(True, fam)
    lone = [s for s in kept if len(s) == 1]
    assert lone and all(s <= {"alpha", "delta"} for s in lone)
    assert any(s == {"bravo", "charlie"} for s in kept)  # two supporting clauses together are a pattern
    assert any(len(s) == 1 and s <= {"bravo", "charlie"} for s in clause_sets(False, fam))
    assert min(len(s) for s in clause_sets(True, only_support)) == 2


def test_supporting_marks_are_on_labelled_families_only_and_every_short_voice_keeps_lone_posts() -> None:
    """A negative family's clauses are all equal; a labelled voice keeps at least one lone clause
    unless its pattern only shows in combination (the video-proof recruiters)."""
    assert all(not f.supporting for f in FAMILIES if not f.labels)
    marked = [f for f in FAMILIES if f.supporting]
    assert len(marked) >= 30
    without_lone = {f.name for f in marked if not f.indicator_parts}
    assert without_lone == {"t_en_video_proof", "t_km_video_proof", "t_mx_video_proof"}
    assert all(f.split == "train" for f in FAMILIES if f.name in without_lone)


def test_pinned_families_keep_their_split_and_leave_the_dealing_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """A voice added later must not move any family that test results were measured on.

    Most pinned voices are training-only; the issue #31 voices (romanised ads, short English openers,
    quoted-ad and relatives' negatives) are also pinned to validation and test, so those splits
    measure the new registers without redealing the families dealt before them.
    """
    pinned = [f for f in FAMILIES if f.split]
    assert pinned and {f.split for f in pinned} == {"train", "val", "test"}
    with_pinned = family_splits(13)
    assert all(with_pinned[f.name] == f.split for f in pinned)
    monkeypatch.setattr(models.data.dataset, "FAMILIES", tuple(f for f in FAMILIES if not f.split))
    without = family_splits(13)
    assert without == {k: v for k, v in with_pinned.items() if k in without}


def test_multi_label_posts_join_families_of_the_same_split() -> None:
    params = load_params()
    params["data"] = {
        **params["data"],
        "synthetic_per_family": 5,
        "real_khmer_sentences": 0,
        "real_sms": 0,
        "real_job_ads": 0,
    }
    fam_split = family_splits(params["seed"])
    for name, rows in build(params).items():
        for r in rows:
            if r["family"].startswith("multi:"):
                g, t = r["family"][6:].split("+")
                assert fam_split[g] == fam_split[t] == name


def test_posts_vary_in_length_and_shape() -> None:
    rows = list(generate(20, seed=1))
    lengths = [len(str(r["text"]).split()) for r in rows]
    assert min(lengths) <= 4 and max(lengths) >= 40
    assert sum(n <= 60 for n in lengths) / len(lengths) > 0.95
    texts = [str(r["text"]) for r in rows]
    assert len(set(texts)) / len(texts) > 0.9


def test_obfuscation_and_code_switching_change_text_but_keep_it_normalisable() -> None:
    rng = random.Random(5)
    base = "contact Telegram for job, salary $1500, phone 012 345 678"
    variants = {obfuscate(base, rng) for _ in range(50)}
    assert len(variants) > 20
    assert all(normalise(v) for v in variants)
    assert any(ch in "០១២៣៤៥៦៧៨៩" for v in variants for ch in v)
    switched = {code_switch("you can work tomorrow, good money", "en", rng) for _ in range(20)}
    assert any("luy" in s or "oun" in s or "sa ek" in s for s in switched)
    km = {code_switch("ការងារស្រួល ប្រាក់ខែខ្ពស់ ទាក់ទងតាមទូរស័ព្ទ", "km", rng) for _ in range(20)}
    assert any("salary" in s or "job" in s or "phone" in s for s in km)


def test_hard_negatives_share_vocabulary_with_positives() -> None:
    def vocab(pred: object) -> set[str]:
        words: set[str] = set()
        for f in FAMILIES:
            if pred(f):  # type: ignore[operator]
                for p in f.parts:
                    words |= set(normalise(p).split())
        return words

    pos = vocab(lambda f: bool(f.labels))
    neg = vocab(lambda f: not f.labels)
    for word in ("{app}", "passport", "visa", "salary", "school", "grade", "{money}", "secret", "photo"):
        assert any(word in w for w in pos) and any(word in w for w in neg), word


def test_every_slot_positives_fill_in_training_negatives_fill_too() -> None:
    """A slot only positives use makes the shape of its values a label cue.

    When account names ("@...") filled eleven training recruitment families and no negative, the
    transformer scored a grooming post's "WhatsApp @lucky_star_99" 0.90 for trafficking_ad
    (docs/experiments.md, "account names").
    ``{handle_own}`` (a personal or shop account) counts as an account name like ``{handle}``.
    """
    same_shape = {"handle_own": "handle", "gift_km": "gift", "gift_rom": "gift", "city_km": "city", "name_km": "name"}
    splits = family_splits(int(load_params()["seed"]))
    used: dict[bool, set[str]] = {True: set(), False: set()}
    for fam in FAMILIES:
        if splits[fam.name] == "test":
            continue
        slots = SLOT.findall(" ".join(fam.parts))
        used[bool(fam.labels)] |= {same_shape.get(s, s) for s in slots}
    assert used[True] <= used[False], sorted(used[True] - used[False])


def test_every_hard_negative_kind_has_three_training_families_per_language() -> None:
    """Hard negatives are dealt by kind across languages, so one script can be left nearly bare.

    When Khmer script had one adult-dating and one parent/teacher family in training, every model
    flagged a Khmer older sibling (test) for grooming although the same voice in English and romanised
    Khmer were training negatives: what a kind looks like did not carry across scripts
    (docs/experiments.md, "thin script cells").
    """
    splits = family_splits(int(load_params()["seed"]))
    negatives = [f for f in FAMILIES if not f.labels]
    in_training = Counter((f.kind, f.lang) for f in negatives if splits[f.name] == "train")
    thin = {
        (kind, lang): in_training[kind, lang]
        for kind in {f.kind for f in negatives}
        for lang in ("km", "en", "mixed")
        if in_training[kind, lang] < 3
    }
    assert not thin, thin


def test_editing_one_family_leaves_every_other_familys_posts_alone() -> None:
    first, second = FAMILIES[0], FAMILIES[1]
    edited = Family(first.name, first.kind, first.lang, ("a different clause entirely",))
    before = [p for p in generate(20, 13, families=(first, second)) if p["family"] == second.name]
    after = [p for p in generate(20, 13, families=(edited, second)) if p["family"] == second.name]
    assert before == after


def test_probe_set_has_no_near_copy_among_generated_posts() -> None:
    """The probe set stands in for independently written posts: no generated post may copy one.

    Why 0.45: near-copies of probe posts in a family's clauses score above 0.5 (character 5-gram
    Jaccard), while a topical match (same kind of post, other words) stays below it (figures:
    docs/experiments.md, "probe near-copies").
    """
    from sklearn.feature_extraction.text import CountVectorizer

    probe = [r["text"] for r in read_jsonl(ROOT / "data" / "probe" / "probe.jsonl")]
    posts = [str(p["text"]) for p in generate(60, 13)]
    grams = CountVectorizer(analyzer="char", ngram_range=(5, 5), binary=True).fit(posts + probe)
    gen, prb = grams.transform(posts).astype(np.float32), grams.transform(probe).astype(np.float32)
    shared = (prb @ gen.T).toarray()
    union = np.asarray(prb.sum(axis=1)) + np.asarray(gen.sum(axis=1)).T - shared
    jaccard = (shared / union).max(axis=1)
    worst = int(jaccard.argmax())
    assert jaccard[worst] < 0.45, (probe[worst], float(jaccard[worst]))
