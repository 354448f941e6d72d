"""DVC stage ``export_onnx``: fine-tuned torch model → ONNX → fused → int8 (activation scales fixed), calibrated.

Why calibrate here and not after training: calibration and thresholds must describe the model that
is served, and int8 quantisation moves scores a little; so the calibrators (``params.yaml``
``transformer.calibration``) and the per-label thresholds for the target precision are fitted on the
validation split scored by an int8 session that never saw it: the served model's own, or, with
``transformer.fit_on: train+val``, its held-out twin's (same recipe, training split only). The fp32
ONNX model is scored on the test split too, and the largest int8-vs-fp32 probability difference and
both PR-AUCs go to ``metrics/transformer_quant.json``.
"""

from __future__ import annotations

import json
import logging
import re
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from sklearn.metrics import average_precision_score

from models.bundle import Bundle, save_bundle
from models.calibration import Calibrator, threshold_for_precision
from models.data.splits import DATA, load_split
from models.onnx_engine import OnnxScorer
from models.params import ARTIFACTS, METRICS, load_params
from models.progress import progress
from models.train.baseline import VAL_OOF
from models.train.static_scales import activation_ranges, fix_scales
from models.train.transformer import HOLDOUT_DIR, MeanPoolClassifier, load_classifier

log = logging.getLogger("chhmam.models")

SOURCE = ARTIFACTS / "transformer_torch"
OUT = ARTIFACTS / "transformer"
# What ``python -m models.stage export_onnx [NAME]`` exports: the fine-tuned transformer, or the student
# distilled from it (``models/train/student.py``), the same way.
EXPORTS = {"transformer": "transformer_torch", "student": "student_torch"}


def export_fp32(model: MeanPoolClassifier, path: Path, opset: int = 17) -> None:
    """Trace the classifier into an ONNX graph with dynamic batch and sequence axes."""
    model.eval()
    ids = torch.ones((2, 8), dtype=torch.long)
    mask = torch.ones((2, 8), dtype=torch.long)
    axes = {0: "batch", 1: "seq"}
    with torch.inference_mode():
        torch.onnx.export(
            model,
            (ids, mask),
            str(path),
            input_names=["input_ids", "attention_mask"],
            output_names=["logits"],
            dynamic_axes={"input_ids": axes, "attention_mask": axes, "logits": {0: "batch"}},
            opset_version=opset,
            dynamo=False,
            do_constant_folding=True,
        )


def fuse(src: Path, dst: Path, num_heads: int, hidden: int) -> bool:
    """ONNX Runtime's BERT fusions (attention, LayerNorm, GELU); False when they do not apply.

    The residual Add and its LayerNorm stay two operators: ONNX Runtime's CPU kernel for the fused
    ``SkipLayerNormalization`` took about a quarter of the int8 model's time, four times what
    ``Add`` + ``LayerNormalization`` take on the same tensors (bench/README.md); the session keeps
    them apart too (``models.onnx_engine.UNFUSED``).
    """
    from onnxruntime.transformers import optimizer
    from onnxruntime.transformers.fusion_options import FusionOptions

    options = FusionOptions("bert")
    options.enable_skip_layer_norm = False
    options.enable_bias_skip_layer_norm = False
    try:
        opt = optimizer.optimize_model(
            str(src),
            model_type="bert",
            num_heads=num_heads,
            hidden_size=hidden,
            opt_level=1,
            optimization_options=options,
        )
    except Exception as exc:  # an unfamiliar architecture: serve the plain graph
        log.warning("fusion skipped: %s", exc)
        return False
    opt.save_model_to_file(str(dst))
    return True


def quantize(src: Path, dst: Path, keep_fp32: Sequence[str] = ()) -> None:
    """Dynamic int8 quantisation: int8 weights, activations quantised per batch at run time.

    Nodes named in ``keep_fp32`` stay in fp32 (see ``sensitive_nodes``).
    """
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    # fused operators (com.microsoft Attention, ...) defeat ONNX shape inference: their outputs are float.
    # Per-channel weight scales: about 40 % less int8 probability error than per-tensor (docs/experiments.md).
    quantize_dynamic(
        str(src),
        str(dst),
        weight_type=QuantType.QInt8,
        per_channel=True,
        nodes_to_exclude=list(keep_fp32),
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )


def matmul_nodes(path: Path, pattern: str = "") -> list[str]:
    """Names of the graph's MatMul nodes: the dense layers int8 quantisation would replace (those whose
    name matches the regular expression ``pattern``, when one is given)."""
    import onnx

    names = [n.name for n in onnx.load(str(path)).graph.node if n.op_type == "MatMul"]
    return [n for n in names if re.search(pattern, n)] if pattern else names


def sensitive_nodes(
    src: Path, make_scorer: Callable[[bytes], OnnxScorer], texts: Sequence[str], budget: int, pattern: str = ""
) -> dict[str, float]:
    """The ``budget`` MatMuls whose staying fp32 most reduces the int8 model's error on ``texts``.

    Why: int8 error is not spread evenly. A dense layer fed by outlier activations (a feed-forward
    output projection; the served model's is named under ``fp32_nodes`` in
    ``metrics/transformer_quant.json``) holds most of it, because one scale covers a whole tensor's
    activations (a batch's, when dynamic; the validation posts' range, when fixed). The search runs on
    dynamic graphs; the fixed scales are measured after it, on the graph it chose. Keeping that one
    layer in fp32 costs a little speed and removes most of int8's PR-AUC cost (figures:
    docs/experiments.md; the model card gives the served model's remaining cost). Each candidate is
    tried alone (int8 everywhere else) and scored by its mean |logit - fp32 logit| on ``texts``;
    returns {node: that error} for the chosen ones, smallest error first.
    Candidates are tried independently, so limiting them to ``pattern`` (``transformer.sensitivity_candidates``:
    the feed-forward output projections, a third of the dense layers, where the outliers are) finds the same
    layer with the same error whenever the best layer is among them, in a third of the time.
    """
    reference = make_scorer(src.read_bytes()).logits(texts)
    errors: dict[str, float] = {}
    candidates = matmul_nodes(src, pattern)
    with (
        tempfile.TemporaryDirectory(prefix="chhmam-sens-") as tmp,
        progress("int8 sensitivity of each dense layer", len(candidates)) as advance,
    ):
        out = Path(tmp) / "q.onnx"
        for name in candidates:
            quantize(src, out, [name])
            errors[name] = float(np.abs(make_scorer(out.read_bytes()).logits(texts) - reference).mean())
            advance()
    chosen = sorted(errors, key=errors.__getitem__)[: max(budget, 0)]
    return {name: round(errors[name], 5) for name in chosen}


def batch_dependence(scorer: OnnxScorer, texts: Sequence[str], thresholds: dict[str, float]) -> dict[str, Any]:
    """How far a post's calibrated int8 score moves with the posts batched beside it.

    Why: dynamic quantisation gives a whole batch's activations one scale (see ``sensitive_nodes``),
    padding included, so the served engine's score for a post depends on its batch-mates. The same
    post can then be flagged in one run and not in another. This scores ``texts`` in served batches
    and each one alone and reports the differences, so that the model card states the size (none,
    with ``transformer.activation_scales: static``).
    """
    if not texts:
        return {"posts": 0}
    together = scorer.predict_proba(texts)
    alone = np.vstack([scorer.predict_proba([t]) for t in texts])
    diff = np.abs(together - alone)
    flips = {
        lb: int(((together[:, j] >= thr) != (alone[:, j] >= thr)).sum())
        for j, (lb, thr) in enumerate(thresholds.items())
    }
    return {
        "posts": len(texts),
        "mean_abs_prob_diff": round(float(diff.mean()), 5),
        "p99_abs_prob_diff": round(float(np.percentile(diff, 99)), 4),
        "max_abs_prob_diff": round(float(diff.max()), 4),
        "flag_changes": flips,
    }


def evenly(texts: Sequence[str], n: int) -> list[str]:
    """About ``n`` of ``texts``, evenly spaced: the splits are shuffled, so a stride keeps their mix."""
    return list(texts[:: max(1, len(texts) // max(n, 1))])


def fit_calibration(raw: NDArray[np.float32], y: NDArray[np.int_], method: str) -> list[Calibrator]:
    """One calibrator per label on validation logits."""
    return [Calibrator(method).fit(raw[:, j].astype(np.float64), y[:, j]) for j in range(raw.shape[1])]


def export_scorers(
    source: Path, params: dict[str, Any], texts_val: Sequence[str], keep: dict[str, float] | None = None
) -> tuple[OnnxScorer, OnnxScorer, dict[str, Any], dict[str, Any]]:
    """(fp32, int8) ONNX scorers of the classifier saved in ``source``, uncalibrated; their facts; its
    training metadata.

    ``keep``: the dense layers to leave fp32, when already chosen (the held-out twin is quantised as
    the served model it stands in for, and the search costs one int8 scoring pass per dense layer).
    """
    cfg = params["transformer"]
    serve_cfg = params.get("serve", {})
    model, _tok, meta = load_classifier(source, attn_implementation="eager")
    tok_json = (source / "tokenizer.json").read_text(encoding="utf-8")
    enc_cfg = model.encoder.config
    kwargs: dict[str, Any] = {
        "labels": list(params["labels"]),
        "max_len": int(meta["max_len"]),
        "pad_id": int(meta["pad_id"]),
        "prefix": str(meta.get("prefix", "")),
        "cues": bool(meta.get("cues", False)),
        "tail": int(meta.get("tail", 0)),
        "threads": int(serve_cfg.get("threads", 2)),
        "max_tokens": int(serve_cfg.get("max_batch_tokens", 4096)),
        "max_batch": int(serve_cfg.get("max_batch", 128)),
    }
    facts: dict[str, Any] = {
        "training": {
            k: meta.get(k)
            for k in (
                "layers",
                "vocab",
                "trainable_params",
                "params",
                "fit_on",
                "train_rows",
                "steps",
                "train_seconds",
                "cues",
                "linear_probe_c",
                "linear_probe_posts",
                "distill",
                "cached_layers",
            )
        }
    }
    with tempfile.TemporaryDirectory(prefix="chhmam-onnx-") as tmp:
        fp32, fused, int8 = Path(tmp) / "fp32.onnx", Path(tmp) / "fused.onnx", Path(tmp) / "int8.onnx"
        export_fp32(model, fp32)
        base = fp32
        if cfg.get("fuse", True) and fuse(fp32, fused, int(enc_cfg.num_attention_heads), int(enc_cfg.hidden_size)):
            base = fused
        budget = int(cfg.get("fp32_nodes") or 0)
        if keep is None and budget:
            sample = evenly(texts_val, int(cfg.get("sensitivity_posts", 400)))
            keep = sensitive_nodes(
                base,
                lambda raw: OnnxScorer(raw, tok_json, **kwargs),
                sample,
                budget,
                str(cfg.get("sensitivity_candidates") or ""),
            )
        keep = keep or {}
        quantize(base, int8, list(keep))
        int8_bytes = int8.read_bytes()
        kind = str(cfg.get("activation_scales", "dynamic"))
        if kind not in ("static", "dynamic"):
            raise ValueError(f"transformer.activation_scales is static or dynamic, not {kind!r}")
        facts["activation_scales"] = {"kind": kind}
        if kind == "static":
            sample = evenly(texts_val, int(cfg.get("scale_posts", 800)))
            seqs = OnnxScorer(int8_bytes, tok_json, **kwargs).encode(sample)
            ranges = activation_ranges(int8_bytes, seqs, kwargs["pad_id"], kwargs["max_tokens"], kwargs["max_batch"])
            int8_bytes = fix_scales(int8_bytes, ranges)
            facts["activation_scales"].update(posts=len(sample), tensors=len(ranges))
        facts["fp32_nodes"] = keep
        facts["onnx_fp32_mb"] = round(base.stat().st_size / 2**20, 1)
        facts["onnx_int8_mb"] = round(len(int8_bytes) / 2**20, 1)
        fp32_scorer = OnnxScorer(base.read_bytes(), tok_json, **kwargs)
        return fp32_scorer, OnnxScorer(int8_bytes, tok_json, **kwargs), facts, meta


def build(
    params: dict[str, Any], source: Path = SOURCE, out: Path = OUT, data: Path = DATA, kind: str = "transformer"
) -> tuple[Bundle, dict[str, Any]]:
    """Export, fuse, quantise; calibrate on validation; compare int8 with fp32 on test; save the bundle.

    When ``source`` holds a held-out twin (``transformer.fit_on: train+val``, ``models/train/transformer.py``),
    the served model has learnt the validation split, so the calibrators and thresholds are fitted on
    the twin's int8 validation scores instead and then applied to the served model's logits. Either
    way the calibrated held-out validation scores are saved beside the bundle (``VAL_OOF``), where
    the cascade fits its blend and routing on them.
    """
    cfg = params["transformer"]
    labels = list(params["labels"])
    texts_val, y_val = load_split("val", labels, data)
    fp32_scorer, int8_scorer, facts, meta = export_scorers(source, params, texts_val)
    held_out_scorer = int8_scorer
    if (source / HOLDOUT_DIR).exists():
        _, held_out_scorer, twin_facts, _ = export_scorers(source / HOLDOUT_DIR, params, texts_val, facts["fp32_nodes"])
        facts["calibrated_on"] = {
            "model": "held-out twin",
            "training": twin_facts["training"],
            "fp32_nodes": twin_facts["fp32_nodes"],
        }
    else:
        facts["calibrated_on"] = {"model": "served model"}
    yv = y_val.astype(np.int_)
    calibrators = fit_calibration(held_out_scorer.logits(texts_val), yv, str(cfg.get("calibration", "sigmoid")))
    held_out_scorer.calibrators = int8_scorer.calibrators = calibrators
    probs_val = held_out_scorer.predict_proba(texts_val)
    target = float(params["thresholds"]["target_precision"])
    thresholds = {lb: threshold_for_precision(probs_val[:, j], yv[:, j], target) for j, lb in enumerate(labels)}

    texts_test, y_test = load_split("test", labels, data)
    yt = y_test.astype(np.int_)
    t0 = time.perf_counter()
    raw_int8 = int8_scorer.logits(texts_test)
    facts["int8_test_posts_per_s"] = round(len(texts_test) / (time.perf_counter() - t0), 1)
    t0 = time.perf_counter()
    raw_fp32 = fp32_scorer.logits(texts_test)
    facts["fp32_test_posts_per_s"] = round(len(texts_test) / (time.perf_counter() - t0), 1)
    p_int8 = int8_scorer.calibrate_logits(raw_int8)
    p_fp32 = int8_scorer.calibrate_logits(raw_fp32)  # same calibrators: isolates the quantisation error
    facts["max_abs_prob_diff"] = round(float(np.abs(p_int8 - p_fp32).max()), 5) if len(p_int8) else 0.0
    facts["mean_abs_prob_diff"] = round(float(np.abs(p_int8 - p_fp32).mean()), 6) if len(p_int8) else 0.0
    facts["flag_changes"] = int(
        sum(((p_int8[:, j] >= thresholds[lb]) != (p_fp32[:, j] >= thresholds[lb])).sum() for j, lb in enumerate(labels))
    )
    sample = evenly(texts_test, int(cfg.get("sensitivity_posts", 400)))
    facts["batch_vs_alone"] = batch_dependence(int8_scorer, sample, thresholds)
    for j, lb in enumerate(labels):
        if 0 < yt[:, j].sum() < len(yt):
            ap8 = float(average_precision_score(yt[:, j], p_int8[:, j]))
            ap32 = float(average_precision_score(yt[:, j], p_fp32[:, j]))
            facts[f"{lb}_pr_auc_int8"] = round(ap8, 4)
            facts[f"{lb}_pr_auc_fp32"] = round(ap32, 4)
            facts[f"{lb}_pr_auc_change"] = round(ap8 - ap32, 4)
    extra = {"training": meta, "quantisation": facts, "calibration": str(cfg.get("calibration", "sigmoid"))}
    bundle = Bundle(kind=kind, labels=tuple(labels), thresholds=thresholds, model=int8_scorer, extra=extra)
    save_bundle(bundle, out)
    np.save(out / VAL_OOF, probs_val)
    return bundle, facts


def main(name: str = "transformer") -> None:
    """DVC entry point: writes ``artifacts/NAME`` and ``metrics/NAME_quant.json`` (NAME: ``EXPORTS``)."""
    if name not in EXPORTS:
        raise SystemExit(f"export_onnx exports one of {sorted(EXPORTS)}, not {name!r}")
    params = load_params()
    torch.set_num_threads(int(params["transformer"].get("threads", 2)))
    bundle, facts = build(params, ARTIFACTS / EXPORTS[name], ARTIFACTS / name, kind=name)
    metrics = METRICS / f"{name}_quant.json"
    metrics.parent.mkdir(exist_ok=True)
    metrics.write_text(json.dumps({"model_version": bundle.version, **facts}, indent=2), encoding="utf-8")
    log.info("%s %s thresholds=%s %s", name, bundle.version, bundle.thresholds, json.dumps(facts))
