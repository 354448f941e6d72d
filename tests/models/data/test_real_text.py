"""Real benign text for the false-flag count: only rows no split holds, content rule applied."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from models.data.dataset import REAL, sms_ham
from models.data.generator import unsafe_terms
from models.data.real_text import real_benign, unused
from models.eval.flag_rates import flag_rates


def test_unused_leaves_out_built_unsafe_and_repeated_text() -> None:
    texts = [
        "see you at lunch",
        "see you at lunch",
        "in the training split",
        "send me nudes",
        "bus is late",
        "call mum tonight",
    ]
    assert sorted(unused(texts, {"in the training split"}, 10)) == [
        "bus is late",
        "call mum tonight",
        "see you at lunch",
    ]
    assert unused(texts, set(), 2, seed=1) == unused(texts, set(), 2, seed=1)
    assert len(unused(texts, set(), 2, seed=1)) == 2


def test_real_benign_skips_what_a_split_holds(tmp_path: Path) -> None:
    held = list(sms_ham(REAL / "sms" / "SMSSpamCollection.filtered.tsv"))[:2000]
    (tmp_path / "train.jsonl").write_text("".join(json.dumps({"text": t}) + "\n" for t in held), encoding="utf-8")
    drawn = real_benign(1000, data=tmp_path)
    assert set(drawn) == {"sms_en", "khpos_km"}
    assert len(drawn["sms_en"]) == 1000 and len(drawn["khpos_km"]) == 1000
    assert not set(drawn["sms_en"]) & set(held)
    assert not any(unsafe_terms(t) for texts in drawn.values() for t in texts)


def test_flag_rates_count_each_label_and_any() -> None:
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.95, 0.9], [0.1, 0.1]])
    out = flag_rates(probs, ("grooming", "trafficking_ad"), {"grooming": 0.5, "trafficking_ad": 0.8})
    assert out == {"posts": 4, "flag_rate": {"grooming": 0.5, "trafficking_ad": 0.5, "any": 0.75}}
