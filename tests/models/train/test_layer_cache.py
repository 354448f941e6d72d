"""Frozen lower layers run once per post (``transformer.cache_frozen``): same model, less compute.

On a tiny random-init 4-layer BERT with the genuine e5 tokenizer (no download, seconds): the cached
path must give the full encoder's logits, and a fit with the cache must learn what a fit without it
learns when no dropout separates them.
"""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
import pytest
import torch

from models.train import backbone, transformer
from models.train.layer_cache import frozen_states, layer_range, pad_states
from tests.support.tiny_pipeline import LABELS, ROWS, _params, _write_data

TEXTS = [t for t, _, _ in ROWS]


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A 4-layer backbone folder and the tiny data set; a fit freezes the embeddings and 2 layers."""
    import json

    from transformers import BertConfig, BertModel

    root = tmp_path_factory.mktemp("layer-cache")
    tok = json.loads(backbone.genuine_tokenizer_path().read_text(encoding="utf-8"))
    torch.manual_seed(0)
    cfg = BertConfig(
        vocab_size=len(tok["model"]["vocab"]),
        hidden_size=32,
        num_hidden_layers=4,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        pad_token_id=1,
    )
    backbone.save_hf_folder(BertModel(cfg, add_pooling_layer=False), tok, root / "source")
    _write_data(root / "data")
    params = _params()
    params["transformer"].update(backbone=str(root / "source"), freeze_layers=2, linear_probe_c=1.0)
    backbone.build(params, root / "backbone", root / "data")
    return {"root": root, "params": params}


def _model(tiny: dict[str, Any]) -> tuple[transformer.MeanPoolClassifier, list[list[int]], int]:
    folder = tiny["root"] / "backbone"
    model = transformer.build_classifier(folder, len(LABELS), tiny["params"]["transformer"]).eval()
    tok = transformer.load_tokenizer(folder / transformer.TOKENIZER_FILE, 32)
    return model, transformer.encode(tok, TEXTS), transformer.pad_id_of(model.encoder.config, tok)


@pytest.mark.parametrize("upto", [1, 2, 3])
def test_cached_states_then_upper_layers_give_the_full_encoders_logits(tiny: dict[str, Any], upto: int) -> None:
    model, seqs, pad_id = _model(tiny)
    ref = transformer.predict_logits(model, seqs, pad_id, batch_size=1)
    batcher = transformer.id_batcher(pad_id)
    states = frozen_states(model.encoder, seqs, batcher, upto, batch_size=7)  # mixed lengths: padding inside
    with layer_range(model.encoder, upto):
        got = transformer._run(model, model, len(LABELS), states, pad_states, 5)
    assert np.abs(got - ref).max() < 1e-5
    assert len(model.encoder.encoder.layer) == 4  # restored on exit
    assert transformer.predict_logits(model, seqs, pad_id).shape == ref.shape  # token ids work again


def test_memo_computes_each_post_once(tiny: dict[str, Any]) -> None:
    model, seqs, pad_id = _model(tiny)
    memo: dict[tuple[int, ...], torch.Tensor] = {}
    first = frozen_states(model.encoder, seqs[:10], transformer.id_batcher(pad_id), 2, memo)
    assert len(memo) == 10
    again = frozen_states(model.encoder, seqs, transformer.id_batcher(pad_id), 2, memo)
    assert len(memo) == len(set(map(tuple, seqs)))
    assert all(a is b for a, b in zip(first, again[:10], strict=True))  # reused, not recomputed
    assert [s.shape[0] for s in again] == [len(s) for s in seqs]


def test_upper_layers_refuse_token_ids(tiny: dict[str, Any]) -> None:
    model, seqs, pad_id = _model(tiny)
    with layer_range(model.encoder, 2), pytest.raises(ValueError, match="hidden states"):
        transformer.predict_logits(model, seqs, pad_id)


def test_fit_with_the_cache_learns_what_the_plain_fit_learns(tiny: dict[str, Any]) -> None:
    """Dropout 0 (the only difference the cache makes): same seed, same batches, same weights."""
    data = tiny["root"] / "data"
    plain = copy.deepcopy(tiny["params"])
    cached = copy.deepcopy(plain)
    cached["transformer"]["cache_frozen"] = True
    m_plain, f_plain = transformer.fit(plain, ["train", "val"], tiny["root"] / "backbone", data)
    m_cached, f_cached = transformer.fit(cached, ["train", "val"], tiny["root"] / "backbone", data)
    assert (f_plain["cached_layers"], f_cached["cached_layers"]) == (0, 2)
    assert f_plain["steps"] == f_cached["steps"] > 0
    start = transformer.build_classifier(tiny["root"] / "backbone", len(LABELS), plain["transformer"])
    got, ref, init = (dict(m.named_parameters()) for m in (m_cached, m_plain, start))
    assert got.keys() == ref.keys()  # every layer is back in the saved model
    for name, p in got.items():
        assert torch.allclose(p, ref[name], atol=1e-4), name
        frozen = "embeddings" in name or ".layer.0." in name or ".layer.1." in name
        assert torch.equal(p, init[name]) == frozen, name  # frozen stay, the rest were trained


def test_twin_reuses_the_served_models_states(tiny: dict[str, Any]) -> None:
    params = copy.deepcopy(tiny["params"])
    params["transformer"].update(cache_frozen=True, fit_on="train+val")
    memo: dict[tuple[int, ...], torch.Tensor] = {}
    transformer.fit(params, ["train", "val"], tiny["root"] / "backbone", tiny["root"] / "data", memo=memo)
    size = len(memo)
    transformer.fit(params, ["train"], tiny["root"] / "backbone", tiny["root"] / "data", memo=memo)
    assert size == len(memo) == len(set(TEXTS))


def test_cache_needs_frozen_embeddings(tiny: dict[str, Any]) -> None:
    cfg = dict(tiny["params"]["transformer"], cache_frozen=True)
    assert transformer.cached_layers(cfg) == 2
    assert transformer.cached_layers(dict(cfg, freeze_embeddings=False)) == 0
    assert transformer.cached_layers(dict(cfg, cache_frozen=False)) == 0
    assert transformer.cached_layers(dict(cfg, freeze_layers=0)) == 0
