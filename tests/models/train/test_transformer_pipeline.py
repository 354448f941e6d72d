"""The transformer stages end to end on a tiny configuration: backbone → train → ONNX int8 → cascade.

The backbone is a tiny random-init BERT saved as a plain Hugging Face folder with the genuine
multilingual-e5-small tokenizer: it exercises the "any local folder" path of ``transformer.backbone``
and vocabulary trimming, in seconds. Scores are not checked for quality (CI checks the pipeline,
not the scores); exactness of the export, padding and the version chain are.
"""

from __future__ import annotations

import json
import pickle
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch
from transformers import BertConfig, BertModel

from features.featurise import featurise
from models.bundle import Bundle, load_bundle, save_bundle
from models.inference import ScoringEngine
from models.onnx_engine import OnnxScorer
from models.train import backbone, cascade, onnx_export, transformer
from models.train.baseline import TRAIN_OOF, VAL_OOF
from tests.support.tiny_pipeline import LABELS, ROWS, _params, _write_data


def _tiny_backbone(folder: Path) -> None:
    """A random-init 2-layer BERT with the genuine (untrimmed) e5 tokenizer: a local HF folder."""
    tok = json.loads(backbone.genuine_tokenizer_path().read_text(encoding="utf-8"))
    torch.manual_seed(0)
    cfg = BertConfig(
        vocab_size=len(tok["model"]["vocab"]),
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=128,
        pad_token_id=1,
    )
    backbone.save_hf_folder(BertModel(cfg, add_pooling_layer=False), tok, folder)


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory, model_dir: Path) -> dict[str, Any]:
    served = load_bundle(model_dir)
    first = getattr(served.model, "first", None)
    if first is None:
        pytest.fail("the published model is not a cascade: its first stage stands in for the baseline here")
    root = tmp_path_factory.mktemp("tiny-transformer")
    data, arts = root / "data", root / "artifacts"
    _write_data(data)
    _tiny_backbone(root / "source")
    params = _params()
    params["transformer"]["backbone"] = str(root / "source")
    info = backbone.build(params, arts / "backbone", data)
    facts = transformer.train(params, arts / "backbone", arts / "transformer_torch", data)
    trans, quant = onnx_export.build(params, arts / "transformer_torch", arts / "transformer", data)
    # the served cascade's first stage is the released baseline (the full pipeline's own folder is not
    # there after `make setup`, which assembles only the published model)
    save_bundle(
        Bundle(kind="baseline", labels=served.labels, thresholds=served.thresholds, model=first), arts / "baseline"
    )
    casc, casc_facts = cascade.build(params, arts, arts / "cascade", data)
    return {
        "root": root,
        "arts": arts,
        "data": data,
        "params": params,
        "info": info,
        "facts": facts,
        "quant": quant,
        "trans": trans,
        "cascade": casc,
        "cascade_facts": casc_facts,
    }


def test_backbone_folder_is_trimmed_and_loadable(tiny: dict[str, Any]) -> None:
    info = tiny["info"]
    assert info["vocab_before"] == 250002 and info["vocab_after"] < 20000
    folder = tiny["arts"] / "backbone"
    tok = json.loads((folder / "tokenizer.json").read_text(encoding="utf-8"))
    model = transformer.load_encoder(folder)
    assert model.get_input_embeddings().num_embeddings == len(tok["model"]["vocab"]) == info["vocab_after"]


def test_training_facts(tiny: dict[str, Any]) -> None:
    facts = tiny["facts"]
    assert facts["train_rows"] == len(ROWS) and facts["steps"] == 9 and facts["layers"] == 2
    assert facts["trainable_params"] < facts["params"]  # word embeddings frozen


def test_linear_probe_fits_the_head_before_fine_tuning(tiny: dict[str, Any]) -> None:
    """LP-FT's first step: the head alone, on frozen pooled features, separates the training rows."""
    params = tiny["params"]
    model = transformer.build_classifier(tiny["arts"] / "backbone", len(LABELS), params["transformer"])
    tok = transformer.load_tokenizer(tiny["arts"] / "backbone" / "tokenizer.json", 32)
    pad_id = transformer.pad_id_of(model.encoder.config, tok)
    seqs = transformer.encode(tok, [t for t, _, _ in ROWS])
    y = np.array([[float(lb in lbs) for lb in LABELS] for _, lbs, _ in ROWS], dtype=np.float32)
    encoder_before = {k: v.clone() for k, v in model.encoder.state_dict().items()}
    transformer.linear_probe(model, seqs, y, transformer.id_batcher(pad_id), c=1000.0)
    logits = transformer.predict_logits(model, seqs, pad_id)
    assert np.array_equal(logits > 0, y > 0.5)  # 20 rows in 32 dimensions: separable, all fitted
    assert all(torch.equal(v, model.encoder.state_dict()[k]) for k, v in encoder_before.items())
    # the fixture trains without it: on a random 32-wide encoder a fitted head magnifies int8 error
    assert tiny["facts"]["linear_probe_c"] is None


def test_onnx_fp32_export_matches_torch_under_padding(tiny: dict[str, Any]) -> None:
    """The fp32 ONNX graph equals torch, and a post scores the same alone or padded in a batch."""
    model, tok, meta = transformer.load_classifier(tiny["arts"] / "transformer_torch", attn_implementation="eager")
    onnx_path = tiny["root"] / "fp32.onnx"
    onnx_export.export_fp32(model, onnx_path)
    scorer = OnnxScorer(
        onnx_path.read_bytes(),
        (tiny["arts"] / "transformer_torch" / "tokenizer.json").read_text(),
        LABELS,
        meta["max_len"],
        meta["pad_id"],
        max_tokens=10_000,
        max_batch=64,
    )
    texts = [t for t, _, _ in ROWS]
    seqs = transformer.encode(tok, texts)
    ref = transformer.predict_logits(model, seqs, meta["pad_id"], batch_size=1)
    batched = scorer.logits(texts)
    single = np.concatenate([scorer.logits([t]) for t in texts])
    assert np.abs(batched - ref).max() < 1e-4
    assert np.abs(single - ref).max() < 1e-4


def test_fusion_fuses_attention_and_keeps_the_residual_layer_norms_apart(tiny: dict[str, Any]) -> None:
    """The fused graph has fused attention but Add + LayerNormalization, not SkipLayerNormalization (slow
    on CPU), also once a session has optimised it; and it scores as the unfused graph does."""
    import onnx
    import onnxruntime as ort

    from models.onnx_engine import UNFUSED, session_options

    model, _tok, meta = transformer.load_classifier(tiny["arts"] / "transformer_torch", attn_implementation="eager")
    plain, fused = tiny["root"] / "plain.onnx", tiny["root"] / "plain-fused.onnx"
    onnx_export.export_fp32(model, plain)
    assert onnx_export.fuse(plain, fused, 2, 32)
    ops = Counter(n.op_type for n in onnx.load(str(fused)).graph.node)
    assert ops["Attention"] == 2 and ops["LayerNormalization"] >= 4 and "SkipLayerNormalization" not in ops
    opts = session_options(1)
    opts.optimized_model_filepath = str(tiny["root"] / "session-optimised.onnx")
    ort.InferenceSession(str(fused), opts, providers=["CPUExecutionProvider"], disabled_optimizers=UNFUSED)
    assert "SkipLayerNormalization" not in {n.op_type for n in onnx.load(opts.optimized_model_filepath).graph.node}

    def scorer(path: Path) -> OnnxScorer:
        tok_json = (tiny["arts"] / "transformer_torch" / "tokenizer.json").read_text()
        return OnnxScorer(path.read_bytes(), tok_json, LABELS, meta["max_len"], meta["pad_id"])

    texts = [t for t, _, _ in ROWS]
    assert np.abs(scorer(fused).logits(texts) - scorer(plain).logits(texts)).max() < 1e-4


def test_int8_close_to_fp32_and_calibrated(tiny: dict[str, Any]) -> None:
    quant = tiny["quant"]
    assert quant["onnx_int8_mb"] < quant["onnx_fp32_mb"]
    assert 0.0 <= quant["max_abs_prob_diff"] < 0.2
    bundle = load_bundle(tiny["arts"] / "transformer")
    assert bundle.kind == "transformer" and bundle.version.startswith("transformer-")
    assert set(bundle.thresholds) == set(LABELS)
    probs = bundle.model.predict_proba(["how old are you", "ថ្ងៃនេះមេឃស្រឡះល្អណាស់", ""])
    assert probs.shape == (3, 2) and np.all((probs >= 0) & (probs <= 1))


def test_batch_dependence_compares_served_batches_with_each_post_alone(tiny: dict[str, Any]) -> None:
    alone = tiny["quant"]["batch_vs_alone"]
    assert alone["posts"] > 0 and set(alone["flag_changes"]) == set(LABELS)
    assert 0.0 <= alone["mean_abs_prob_diff"] <= alone["max_abs_prob_diff"] <= 1.0
    bundle = load_bundle(tiny["arts"] / "transformer")
    texts = ["how old are you", "ថ្ងៃនេះមេឃស្រឡះល្អណាស់", "job in Thailand $900 a month, free visa", "ok see you"]
    res = onnx_export.batch_dependence(bundle.model, texts, bundle.thresholds)
    together = bundle.model.predict_proba(texts)
    by_hand = max(float(np.abs(together[i] - bundle.model.predict_proba([t])[0]).max()) for i, t in enumerate(texts))
    assert res["posts"] == 4 and res["max_abs_prob_diff"] == round(by_hand, 4)


def test_the_most_int8_sensitive_layer_stays_fp32(tiny: dict[str, Any]) -> None:
    """``fp32_nodes: 1`` keeps one dense layer out of int8: the one whose int8 error is largest."""
    model, _tok, meta = transformer.load_classifier(tiny["arts"] / "transformer_torch", attn_implementation="eager")
    onnx_path, fused = tiny["root"] / "sens.onnx", tiny["root"] / "sens-fused.onnx"
    onnx_export.export_fp32(model, onnx_path)
    assert onnx_export.fuse(onnx_path, fused, 2, 32)
    matmuls = onnx_export.matmul_nodes(fused)
    assert list(tiny["quant"]["fp32_nodes"]) in ([m] for m in matmuls)
    tok_json = (tiny["arts"] / "transformer_torch" / "tokenizer.json").read_text(encoding="utf-8")

    def scorer(raw: bytes) -> OnnxScorer:
        return OnnxScorer(raw, tok_json, LABELS, meta["max_len"], meta["pad_id"])

    texts = [t for t, _, _ in ROWS]
    every = onnx_export.sensitive_nodes(fused, scorer, texts, budget=len(matmuls))
    assert set(every) == set(matmuls) and list(every.values()) == sorted(every.values())
    # candidates are tried independently: the search limited to the feed-forward output projections
    # (params.yaml) finds the best of them with the same error as the full search gave it
    ffn = onnx_export.matmul_nodes(fused, r"layer\.\d+/output/dense/MatMul$")
    assert len(ffn) == 2 and set(ffn) <= set(matmuls)
    best = min(ffn, key=every.__getitem__)
    assert onnx_export.sensitive_nodes(fused, scorer, texts, 1, r"layer\.\d+/output/dense/MatMul$") == {
        best: every[best]
    }
    int8 = tiny["root"] / "sens-int8.onnx"
    onnx_export.quantize(fused, int8)
    fp32_logits = scorer(fused.read_bytes()).logits(texts)
    all_int8_error = float(np.abs(scorer(int8.read_bytes()).logits(texts) - fp32_logits).mean())
    assert next(iter(every.values())) <= all_int8_error + 1e-6


def test_scorer_survives_pickling(tiny: dict[str, Any]) -> None:
    scorer = tiny["trans"].model
    texts = ["hello", "URGENT hiring in Thailand"]
    again = pickle.loads(pickle.dumps(scorer))  # noqa: S301 (our own object)
    assert again._session is None
    assert np.array_equal(again.logits(texts), scorer.logits(texts))


def test_cascade_bundle_scores_through_engine(tiny: dict[str, Any]) -> None:
    engine = ScoringEngine.from_dir(tiny["arts"] / "cascade")
    assert engine.version.startswith("cascade-") and engine.labels == tuple(LABELS)
    texts = [t for t, _, _ in ROWS]
    on = engine.score_texts(texts)
    assert all(set(r.scores) == set(LABELS) for r in on)
    assert engine.set_cascade(False)
    off = engine.score_texts(texts)
    normalised = [featurise(t).normalised for t in texts]
    trans = load_bundle(tiny["arts"] / "transformer").model.predict_proba(normalised)
    base = load_bundle(tiny["arts"] / "baseline").model.predict_proba(normalised)
    blend = engine.bundle.model.blend
    assert blend is not None  # cascade.blend defaults to on
    assert np.allclose([[r.scores[lb] for lb in LABELS] for r in off], blend.combine(base, trans), atol=1e-6)
    # with the cascade on, a skipped post keeps the baseline's score and a routed one gets the blend of
    # both stages; the transformer scores the routed posts as one list (int8 activations are quantised
    # per batch, so a post's score can move slightly with its batch-mates)
    on_scores = np.array([[r.scores[lb] for lb in LABELS] for r in on])
    routed = (base >= engine.bundle.model.low).any(axis=1)  # the cascade is switched off by now
    assert 0 < routed.sum() < len(texts)
    trans_routed = load_bundle(tiny["arts"] / "transformer").model.predict_proba(
        [t for t, r in zip(normalised, routed, strict=True) if r]
    )
    assert np.allclose(on_scores[routed], blend.combine(base[routed], trans_routed), atol=1e-6)
    assert np.allclose(on_scores[~routed], base[~routed], atol=1e-6)
    facts = tiny["cascade_facts"]
    assert 0.0 <= facts["test"]["skipped_fraction"] <= 1.0
    assert all(facts["val"][lb]["recall_drop"] <= facts["max_recall_drop"] + 1e-9 for lb in LABELS)


def test_soft_targets_mix_labels_with_the_baselines_held_out_scores(tmp_path: Path) -> None:
    """Distillation targets: (1 - w) * label + w * the baseline's out-of-fold score, row by row."""
    y = np.array([[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    assert transformer.soft_targets(y, tmp_path / "none", 0.0) is y  # off: labels only, no file needed
    with pytest.raises(FileNotFoundError):
        transformer.soft_targets(y, tmp_path, 0.5)
    np.save(tmp_path / TRAIN_OOF, np.array([[0.2, 0.1], [0.6, 0.0], [0.5, 0.9]]))
    soft = transformer.soft_targets(y, tmp_path, 0.5)
    assert soft.dtype == np.float32
    assert np.allclose(soft, [[0.6, 0.05], [0.3, 0.0], [0.25, 0.95]])
    np.save(tmp_path / TRAIN_OOF, np.zeros((4, 2)))  # made for another training split
    with pytest.raises(FileNotFoundError):
        transformer.soft_targets(y, tmp_path, 0.5)
    # fit_on train+val: the validation rows take the baseline's held-out validation scores
    np.save(tmp_path / VAL_OOF, np.array([[1.0, 0.0], [1.0, 0.0], [1.0, 0.0]]))
    assert np.allclose(transformer.soft_targets(y, tmp_path, 0.5, VAL_OOF), [[1.0, 0.0], [0.5, 0.0], [0.5, 0.5]])


def test_subsample_draws_rows_and_targets_together_in_order() -> None:
    rows = [[i, i] for i in range(50)]
    y = np.arange(50, dtype=np.float32).reshape(-1, 1)
    for limit in (None, 50):  # nothing to drop: the same rows and targets
        same, same_y = transformer.subsample(rows, y, limit, 0)
        assert same is rows and same_y is y
    picked, picked_y = transformer.subsample(rows, y, 10, 3)
    assert len(picked) == 10 and [r[0] for r in picked] == sorted(r[0] for r in picked)
    assert [r[0] for r in picked] == picked_y[:, 0].astype(int).tolist()
    assert transformer.subsample(rows, y, 10, 3)[0] == picked  # seeded
    assert transformer.subsample(rows, y, 10, 4)[0] != picked


def test_fit_on_names_the_training_splits(tmp_path: Path) -> None:
    params = _params()
    params["transformer"]["fit_on"] = "val"  # a model that never sees the training split is a mistake
    with pytest.raises(ValueError, match="fit_on"):
        transformer.train(params, tmp_path / "backbone", tmp_path / "out", tmp_path)


def test_fixed_activation_scales_make_a_posts_score_independent_of_its_batch_mates(tiny: dict[str, Any]) -> None:
    """Each dynamic quantiser becomes a ``QuantizeLinear`` with the scale of its measured range: a post then
    scores the same alone as in any batch, where dynamic int8 does not, and stays as close to fp32."""
    import onnx

    from models.train.static_scales import activation_ranges, fix_scales

    model, _tok, meta = transformer.load_classifier(tiny["arts"] / "transformer_torch", attn_implementation="eager")
    plain, fused, int8 = (tiny["root"] / f"scales-{n}.onnx" for n in ("plain", "fused", "int8"))
    onnx_export.export_fp32(model, plain)
    assert onnx_export.fuse(plain, fused, 2, 32)
    onnx_export.quantize(fused, int8)
    tok_json = (tiny["arts"] / "transformer_torch" / "tokenizer.json").read_text(encoding="utf-8")

    def scorer(raw: bytes) -> OnnxScorer:
        return OnnxScorer(raw, tok_json, LABELS, meta["max_len"], meta["pad_id"], max_tokens=64, max_batch=4)

    texts = [t for t, _, _ in ROWS]
    dynamic = scorer(int8.read_bytes())
    ranges = activation_ranges(int8.read_bytes(), dynamic.encode(texts[::2]), meta["pad_id"])
    fixed = scorer(fix_scales(int8.read_bytes(), ranges))
    ops = Counter(n.op_type for n in onnx.load_from_string(fixed.onnx_model).graph.node)
    assert ops["DynamicQuantizeLinear"] == 0 and ops["QuantizeLinear"] == len(ranges) > 0

    def batch_vs_alone(s: OnnxScorer) -> float:
        return float(np.abs(s.logits(texts) - np.vstack([s.logits([t]) for t in texts])).max())

    assert batch_vs_alone(dynamic) > 0 and batch_vs_alone(fixed) == 0.0
    reference = scorer(fused.read_bytes()).logits(texts)
    error = {
        name: float(np.abs(s.logits(texts) - reference).mean()) for name, s in (("dynamic", dynamic), ("fixed", fixed))
    }
    assert error["fixed"] < 2 * error["dynamic"] + 1e-3, error


@pytest.mark.parametrize("low, high", [(-3.0, 5.0), (0.5, 2.0), (-4.0, -1.0), (-0.01, 250.0)])
def test_a_fixed_scale_is_the_one_dynamic_quantisation_gives_the_same_range(low: float, high: float) -> None:
    """``uint8_scale`` against ONNX Runtime's own ``DynamicQuantizeLinear`` on a tensor spanning the range."""
    import onnx
    import onnxruntime as ort
    from onnx import helper

    from models.train.static_scales import uint8_scale

    node = helper.make_node("DynamicQuantizeLinear", ["x"], ["y", "scale", "zero"])
    graph = helper.make_graph(
        [node],
        "dql",
        [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [None])],
        [
            helper.make_tensor_value_info("y", onnx.TensorProto.UINT8, [None]),
            helper.make_tensor_value_info("scale", onnx.TensorProto.FLOAT, []),
            helper.make_tensor_value_info("zero", onnx.TensorProto.UINT8, []),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    session = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    x = np.linspace(low, high, 101, dtype=np.float32)
    _y, scale, zero = session.run(None, {"x": x})
    ours = uint8_scale(float(x.min()), float(x.max()))
    assert ours[1] == zero and ours[0] == pytest.approx(float(scale), rel=1e-6)
    # a tensor that was all zeros on the calibration posts still gets a scale QuantizeLinear can divide by
    assert uint8_scale(0.0, 0.0)[0] > 0 and uint8_scale(0.0, 0.0)[1] == 0


def test_an_unknown_kind_of_activation_scales_is_refused(tiny: dict[str, Any]) -> None:
    """A misspelt ``transformer.activation_scales`` stops the export instead of quietly serving dynamic scales."""
    params = _params()
    params["transformer"]["activation_scales"] = "statc"
    with pytest.raises(ValueError, match="static or dynamic"):
        onnx_export.export_scorers(tiny["arts"] / "transformer_torch", params, [t for t, _, _ in ROWS])
