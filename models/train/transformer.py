"""DVC stage ``train_transformer``: fine-tune the backbone with mean pooling and a two-label head.

Why this shape: e5 models are trained for mean-pooled sentence embeddings (there is no pooler), so
a linear head over the mean of the last hidden states starts from a representation that already
separates topics in Khmer and English; binary cross-entropy per label allows a post to be both.

Why frugal: training runs on two shared CPU cores inside ``dvc repro``. The vocabulary is trimmed
(``models/train/vocab.py``), word embeddings and the lowest layers can stay frozen (also keeps pieces the
training data never shows at their pre-trained meaning — good for posts unlike our templates) and
then run once per post rather than once per step (``cache_frozen``, ``models/train/layer_cache.py``: that
is what pays for all 12 layers), batches are bucketed by length and padded only to their longest
post, and ``max_len`` caps the rest.
Calibration and thresholds are fitted later, on int8 ONNX scores of validation posts the model never
saw (``models/train/onnx_export.py``; with ``fit_on: train+val``, its held-out twin's, see ``train``).

Why LP-FT (``linear_probe_c``): the head is first fitted on the frozen encoder's pooled features,
then everything trainable is fine-tuned, so the first steps do not push a random head's errors into
the pre-trained layers; it ranks better on the probe set and the test split than fine-tuning from a
random head (figures: docs/experiments.md).
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import random
import resource
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import torch
from numpy.typing import NDArray
from tokenizers import Tokenizer
from transformers import AutoConfig, AutoModel, PreTrainedModel

from models.cues import model_text
from models.data.splits import DATA, load_split
from models.padding import head_and_tail, pad_ids, truncation
from models.params import ARTIFACTS, load_params
from models.progress import progress
from models.train.baseline import TRAIN_OOF, VAL_OOF, held_out_probs
from models.train.layer_cache import Collate, StateMemo, frozen_states, layer_range, pad_states

log = logging.getLogger("chhmam.models")

BACKBONE = ARTIFACTS / "backbone"
OUT = ARTIFACTS / "transformer_torch"
TEACHER = ARTIFACTS / "baseline"
ENCODER_DIR = "encoder"
HEAD_FILE = "head.pt"
META_FILE = "meta.json"
TOKENIZER_FILE = "tokenizer.json"
HOLDOUT_DIR = "holdout"  # with fit_on train+val: the twin trained on the training split alone
OOF_FILES = {"train": TRAIN_OOF, "val": VAL_OOF}  # the baseline's held-out scores of each split's rows
Row = TypeVar("Row")


class MeanPoolClassifier(torch.nn.Module):
    """Encoder → masked mean of the last hidden states → dropout → one logit per label."""

    def __init__(self, encoder: PreTrainedModel, n_labels: int, dropout: float = 0.1) -> None:
        super().__init__()
        self.encoder = encoder
        self.dropout = torch.nn.Dropout(dropout)
        self.head = torch.nn.Linear(int(encoder.config.hidden_size), n_labels)

    def embed(self, inputs: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Masked mean of the last hidden states, shape (batch, hidden).

        ``inputs`` are token ids, or hidden states of cached frozen layers (float; run inside
        ``models.train.layer_cache.layer_range``).
        """
        key = "inputs_embeds" if inputs.is_floating_point() else "input_ids"
        hidden = self.encoder(**{key: inputs}, attention_mask=attention_mask).last_hidden_state
        mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
        pooled: torch.Tensor = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
        return pooled

    def forward(self, inputs: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """Raw logits, shape (batch, labels)."""
        logits: torch.Tensor = self.head(self.dropout(self.embed(inputs, attention_mask)))
        return logits


def load_tokenizer(path: Path, max_len: int, tail: int = 0) -> Tokenizer:
    """A fast tokenizer that adds the model's special tokens, set to truncate as ``encode`` needs."""
    return truncation(Tokenizer.from_file(str(path)), max_len, tail)


def pad_id_of(config: Any, tok: Tokenizer) -> int:
    """The padding id: the config's, else the tokenizer's ``<pad>``/``[PAD]`` piece, else 0."""
    if isinstance(getattr(config, "pad_token_id", None), int):
        return int(config.pad_token_id)
    for piece in ("<pad>", "[PAD]"):
        found = tok.token_to_id(piece)
        if found is not None:
            return int(found)
    return 0


def id_batcher(pad_id: int) -> Collate:
    """Collates token id lists into (input_ids, attention_mask) tensors."""

    def collate(seqs: Sequence[Any]) -> tuple[torch.Tensor, torch.Tensor]:
        ids, mask = pad_ids(seqs, pad_id)
        return torch.from_numpy(ids), torch.from_numpy(mask)

    return collate


def length_batches(lengths: Sequence[int], batch_size: int, rng: random.Random | None = None) -> list[list[int]]:
    """Index batches of similar length: little padding. With ``rng``, lengths are bucketed within
    random chunks and the batch order shuffled (training); without, a plain sort (inference)."""
    order = list(range(len(lengths)))
    if rng is None:
        order.sort(key=lambda i: lengths[i])
        return [order[i : i + batch_size] for i in range(0, len(order), batch_size)]
    rng.shuffle(order)
    chunk = batch_size * 20
    batches: list[list[int]] = []
    for c in range(0, len(order), chunk):
        part = sorted(order[c : c + chunk], key=lambda i: lengths[i])
        batches.extend(part[i : i + batch_size] for i in range(0, len(part), batch_size))
    rng.shuffle(batches)
    return batches


def truncate_layers(encoder: PreTrainedModel, num_layers: int | None) -> PreTrainedModel:
    """Keep the lowest ``num_layers`` transformer layers (BERT/XLM-R/RoBERTa-style encoders).

    Why: the cost of every post is linear in depth; a shallower encoder fine-tuned for two labels
    loses little, and is the biggest lever on two cores.
    """
    stack = getattr(encoder, "encoder", None)
    layers = getattr(stack, "layer", None)
    if num_layers is None or stack is None or layers is None or num_layers >= len(layers):
        return encoder
    stack.layer = torch.nn.ModuleList(list(layers)[:num_layers])
    encoder.config.num_hidden_layers = num_layers
    return encoder


def freeze(model: MeanPoolClassifier, embeddings: bool, lower_layers: int) -> None:
    """Stop gradients into the word embeddings and the lowest ``lower_layers`` layers."""
    enc = model.encoder
    if embeddings:
        for p in enc.get_input_embeddings().parameters():
            p.requires_grad = False
    layers = getattr(getattr(enc, "encoder", None), "layer", None)
    if lower_layers and layers is not None:
        emb_block = getattr(enc, "embeddings", None)
        if embeddings and isinstance(emb_block, torch.nn.Module):
            for p in emb_block.parameters():
                p.requires_grad = False
        for layer in list(layers)[:lower_layers]:
            for p in layer.parameters():
                p.requires_grad = False


def encode(
    tok: Tokenizer, texts: Sequence[str], prefix: str = "", cues: bool = False, max_len: int = 0, tail: int = 0
) -> list[list[int]]:
    """Token ids for each text (special tokens added, truncated), as ``model_text`` writes it and the
    ONNX engine encodes it (``models.padding.head_and_tail`` when ``tail``)."""
    encoded = tok.encode_batch([model_text(t, prefix, cues) for t in texts])
    return [head_and_tail(e.ids, max_len, tail) if tail else e.ids for e in encoded]


def soft_targets(y: NDArray[np.float32], teacher: Path, weight: float, file: str = TRAIN_OOF) -> NDArray[np.float32]:
    """Labels mixed with the baseline's held-out scores: ``(1 - weight) * y + weight * p_baseline``.

    Why: the n-gram baseline's out-of-fold scores say how a row's phrasing looks to a model that never
    saw its family: near 0.5 for positives written unlike the others, higher for negatives that share
    the positives' words. Learning from them as well as from the labels (distillation) passes on what
    the n-grams generalise well (numbers, app names, spellings) without copying the baseline's mistakes
    outright, since the labels keep most of the weight. ``file`` names the split's scores
    (``OOF_FILES``).
    """
    if weight <= 0:
        return y
    probs = held_out_probs(teacher, len(y), file)
    if probs is None:
        raise FileNotFoundError(f"transformer.distill needs {teacher / file} made for this split")
    return ((1.0 - weight) * y + weight * probs).astype(np.float32)


def training_rows(
    splits: Sequence[str], labels: Sequence[str], data: Path, teacher: Path, distill: float
) -> tuple[list[str], NDArray[np.float32], NDArray[np.float32]]:
    """Texts, labels and soft targets of the named splits, concatenated in that order."""
    texts: list[str] = []
    ys, softs = [], []
    for split in splits:
        split_texts, y = load_split(split, labels, data)
        texts += split_texts
        ys.append(y)
        softs.append(soft_targets(y, teacher, distill, OOF_FILES[split]))
    return texts, np.concatenate(ys), np.concatenate(softs)


def subsample(
    rows: list[Row], y: NDArray[np.float32], limit: int | None, seed: int
) -> tuple[list[Row], NDArray[np.float32]]:
    """At most ``limit`` rows and their targets, drawn at random, in their original order.

    Why: the data stage may grow past the CPU budget (``max_train_examples``), and the linear
    probe's logistic head needs far fewer posts than fine-tuning (``linear_probe_posts``).
    """
    if not limit or len(rows) <= limit:
        return rows, y
    idx = np.random.default_rng(seed).choice(len(rows), size=limit, replace=False)
    idx.sort()
    return [rows[i] for i in idx], y[idx]


def _run(
    model: MeanPoolClassifier,
    fn: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
    width: int,
    posts: Sequence[Any],
    collate: Collate,
    batch_size: int,
) -> NDArray[np.float32]:
    """``fn(inputs, mask)`` over length-sorted batches in eval mode, rows back in input order."""
    out = np.zeros((len(posts), width), dtype=np.float32)
    model.eval()
    with torch.inference_mode():
        for batch in length_batches([len(s) for s in posts], batch_size):
            out[batch] = fn(*collate([posts[i] for i in batch])).numpy()
    return out


def predict_logits(
    model: MeanPoolClassifier, seqs: Sequence[Sequence[int]], pad_id: int, batch_size: int = 64
) -> NDArray[np.float32]:
    """Logits for token id lists, in input order (length-sorted batches inside)."""
    return _run(model, model, model.head.out_features, seqs, id_batcher(pad_id), batch_size)


def linear_probe(
    model: MeanPoolClassifier, posts: Sequence[Any], y: NDArray[np.float32], collate: Collate, c: float
) -> None:
    """LP-FT's first step: fit the head on the frozen encoder's pooled features, before fine-tuning.

    Why: a random head sends large, arbitrary gradients into the pre-trained layers during the
    first steps, and fine-tuning then distorts the features that carry meaning beyond our
    templates (Kumar et al., ICLR 2022, "Fine-Tuning can Distort Pretrained Features and
    Underperform Out-of-Distribution"). Starting from a fitted head, the encoder moves only as far
    as the labels need. One regularised logistic regression per label (scikit-learn).
    """
    from sklearn.linear_model import LogisticRegression

    features = _run(model, model.embed, model.head.in_features, posts, collate, 64)
    weight = np.zeros((y.shape[1], features.shape[1]), dtype=np.float32)
    bias = np.zeros(y.shape[1], dtype=np.float32)
    for j in range(y.shape[1]):
        if 0 < y[:, j].sum() < len(y):
            reg = LogisticRegression(C=c, max_iter=2000).fit(features, y[:, j])
            weight[j], bias[j] = reg.coef_[0], reg.intercept_[0]
    with torch.no_grad():
        model.head.weight.copy_(torch.from_numpy(weight))
        model.head.bias.copy_(torch.from_numpy(bias))


def total_steps(n_posts: int, cfg: dict[str, Any]) -> int:
    """Optimiser steps of one fine-tuning run: ``epochs`` passes over ``n_posts`` in ``batch_size`` batches."""
    return max(1, math.ceil(math.ceil(n_posts / int(cfg["batch_size"])) * float(cfg["epochs"])))


def _iterate(
    model: MeanPoolClassifier,
    posts: Sequence[Any],
    y: NDArray[np.float32],
    cfg: dict[str, Any],
    collate: Collate,
    rng: random.Random,
) -> Iterator[tuple[int, float]]:
    """Training steps; yields (step, loss)."""
    params = [p for p in model.parameters() if p.requires_grad]
    head_ids = {id(p) for p in model.head.parameters()}
    groups = [
        {"params": [p for p in params if id(p) not in head_ids], "lr": float(cfg["lr"])},
        {"params": [p for p in params if id(p) in head_ids], "lr": float(cfg.get("head_lr", cfg["lr"]))},
    ]
    opt = torch.optim.AdamW(groups, weight_decay=float(cfg.get("weight_decay", 0.01)))
    total = total_steps(len(posts), cfg)
    warmup = max(1, int(total * float(cfg.get("warmup", 0.06))))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warmup, max(0.0, (total - s) / max(1, total - warmup)))
    )
    pos = y.mean(axis=0).clip(1e-3, 1.0)
    pos_weight = torch.tensor(np.sqrt((1 - pos) / pos), dtype=torch.float32) if cfg.get("pos_weight") else None
    loss_fn = torch.nn.BCEWithLogitsLoss(pos_weight=pos_weight)
    lengths = [len(s) for s in posts]
    step = 0
    while step < total:
        for batch in length_batches(lengths, int(cfg["batch_size"]), rng):
            if step >= total:
                break
            model.train()
            logits = model(*collate([posts[i] for i in batch]))
            loss = loss_fn(logits, torch.from_numpy(y[batch]))
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            opt.step()
            sched.step()
            step += 1
            yield step, float(loss.detach())


def load_encoder(path: Path, config: Any = None, attn_implementation: str | None = None) -> PreTrainedModel:
    """An encoder from a local Hugging Face folder, without the BERT pooler that mean pooling never uses."""
    config = config or AutoConfig.from_pretrained(path, local_files_only=True)
    kwargs: dict[str, Any] = {"config": config, "local_files_only": True}
    if config.model_type in ("bert", "xlm-roberta", "roberta"):
        kwargs["add_pooling_layer"] = False
    if attn_implementation:
        kwargs["attn_implementation"] = attn_implementation
    model: PreTrainedModel = AutoModel.from_pretrained(path, **kwargs)
    return model


def build_classifier(backbone: Path, n_labels: int, cfg: dict[str, Any]) -> MeanPoolClassifier:
    """The backbone folder (any Hugging Face encoder) with its layers cut and a fresh head."""
    config = AutoConfig.from_pretrained(backbone, local_files_only=True)
    for key in ("hidden_dropout_prob", "attention_probs_dropout_prob"):
        if hasattr(config, key):
            setattr(config, key, float(cfg.get("dropout", 0.1)))
    encoder = load_encoder(backbone, config)
    encoder = truncate_layers(encoder, cfg.get("num_layers"))
    return MeanPoolClassifier(encoder, n_labels, float(cfg.get("dropout", 0.1)))


def save_classifier(model: MeanPoolClassifier, tokenizer_file: Path, out: Path, meta: dict[str, Any]) -> None:
    """Encoder as a Hugging Face folder, the head's weights, the tokenizer and training metadata."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    model.encoder.save_pretrained(out / ENCODER_DIR)
    torch.save(model.head.state_dict(), out / HEAD_FILE)
    shutil.copyfile(tokenizer_file, out / TOKENIZER_FILE)
    (out / META_FILE).write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")


def load_classifier(
    path: Path, attn_implementation: str | None = None
) -> tuple[MeanPoolClassifier, Tokenizer, dict[str, Any]]:
    """A fine-tuned classifier saved by ``save_classifier``, in eval mode, with its tokenizer.

    ``attn_implementation="eager"`` gives the plain attention graph that ONNX export and ONNX
    Runtime's attention fusion recognise.
    """
    meta: dict[str, Any] = json.loads((path / META_FILE).read_text(encoding="utf-8"))
    encoder = load_encoder(path / ENCODER_DIR, attn_implementation=attn_implementation)
    model = MeanPoolClassifier(encoder, len(meta["labels"]))
    model.head.load_state_dict(torch.load(path / HEAD_FILE, weights_only=True))
    return model.eval(), load_tokenizer(path / TOKENIZER_FILE, int(meta["max_len"]), int(meta.get("tail", 0))), meta


def _cpu_seconds() -> float:
    """CPU time of this process (all threads): on a shared machine, wall time alone misleads."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def cached_layers(cfg: dict[str, Any]) -> int:
    """How many lowest layers ``fit`` runs once per post (``cache_frozen``): the frozen ones, or none.

    Only when the embeddings are frozen as well: a trainable embedding block changes the input of
    every layer above it.
    """
    if not cfg.get("cache_frozen") or not cfg.get("freeze_embeddings", True):
        return 0
    return int(cfg.get("freeze_layers") or 0)


def fit(
    params: dict[str, Any],
    splits: Sequence[str],
    backbone: Path = BACKBONE,
    data: Path = DATA,
    teacher: Path = TEACHER,
    memo: StateMemo | None = None,
    init: Callable[[], MeanPoolClassifier] | None = None,
) -> tuple[MeanPoolClassifier, dict[str, Any]]:
    """Fine-tune a classifier on the named splits; returns it and its training facts.

    ``memo``: frozen-layer states shared with another fit of the same backbone and recipe (``train``).
    ``init``: the classifier to start from (a distilled student starts from its teacher's layers);
    default a fresh head on the backbone cut to ``transformer.num_layers``.
    """
    cfg = params["transformer"]
    labels = list(params["labels"])
    seed = int(params.get("seed", 0))
    torch.manual_seed(seed)
    torch.set_num_threads(int(cfg.get("threads", 2)))
    rng = random.Random(seed)
    max_len, tail = int(cfg["max_len"]), int(cfg.get("tail_tokens", 0))
    tok = load_tokenizer(backbone / TOKENIZER_FILE, max_len, tail)
    model = init() if init is not None else build_classifier(backbone, len(labels), cfg)
    freeze(model, bool(cfg.get("freeze_embeddings", True)), int(cfg.get("freeze_layers", 0)))
    pad_id = pad_id_of(model.encoder.config, tok)
    distill = float(cfg.get("distill") or 0.0)
    texts, y, soft = training_rows(splits, labels, data, teacher, distill)
    targets = np.concatenate([y, soft], axis=1)  # labels and soft targets are subsampled together
    texts, targets = subsample(texts, targets, cfg.get("max_train_examples"), seed)
    y, soft = targets[:, : len(labels)], targets[:, len(labels) :]
    prefix, cues = str(cfg.get("prefix", "")), bool(cfg.get("cues", False))
    seqs = encode(tok, texts, prefix, cues, max_len, tail)
    t0, cpu0 = time.perf_counter(), _cpu_seconds()
    upto = cached_layers(cfg)
    posts: Sequence[Any] = seqs
    collate = id_batcher(pad_id)
    if upto:
        posts, collate = frozen_states(model.encoder, seqs, collate, upto, memo), pad_states
        log.info("frozen layers 0-%d run once per post %.0fs", upto, time.perf_counter() - t0)
    with layer_range(model.encoder, upto) if upto else contextlib.nullcontext():
        lp_posts = 0
        if cfg.get("linear_probe_c") is not None:
            # a separate draw (seed + 1): the head's posts, not a prefix of the fine-tuning sample
            lp_items, lp_y = subsample(list(posts), y, cfg.get("linear_probe_posts"), seed + 1)
            linear_probe(model, lp_items, lp_y, collate, float(cfg["linear_probe_c"]))
            lp_posts = len(lp_items)
            log.info("linear probe fitted on %d posts %.0fs", lp_posts, time.perf_counter() - t0)
        losses: list[float] = []
        with progress(f"fine-tuning on {'+'.join(splits)}", total_steps(len(posts), cfg)) as advance:
            for _step, loss in _iterate(model, posts, soft, cfg, collate, rng):
                losses.append(loss)
                advance(note=f"loss {np.mean(losses[-20:]):.4f}")
    seconds, cpu = time.perf_counter() - t0, _cpu_seconds() - cpu0
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    facts = {
        "labels": labels,
        "max_len": max_len,
        "tail": tail,
        "prefix": prefix,
        "cues": cues,
        "pad_id": pad_id,
        "linear_probe_c": cfg.get("linear_probe_c"),
        "linear_probe_posts": lp_posts,
        "distill": distill,
        "fit_on": "+".join(splits),
        "cached_layers": upto,
        "train_rows": len(texts),
        "steps": len(losses),
        "train_seconds": round(seconds, 1),
        "train_cpu_seconds": round(cpu, 1),
        "final_loss": round(float(np.mean(losses[-20:])), 4) if losses else None,
        "trainable_params": trainable,
        "params": sum(p.numel() for p in model.parameters()),
        "layers": int(model.encoder.config.num_hidden_layers),
        "vocab": int(model.encoder.config.vocab_size),
    }
    return model, facts


def train(
    params: dict[str, Any], backbone: Path = BACKBONE, out: Path = OUT, data: Path = DATA, teacher: Path = TEACHER
) -> dict[str, Any]:
    """Fine-tune and save the fp32 classifier (and, with ``fit_on: train+val``, its held-out twin).

    Why a twin: the validation families are new voices, and the transformer generalises to unseen
    phrasings mostly by having seen more of them (the baseline already fits on train+val). But the
    calibration, the thresholds and the cascade's blend and routing must be fitted on scores of posts
    the model never saw. So the served model learns train+val, and a twin with the same recipe, seed
    and settings learns the training split alone; its validation scores stand in for the served
    model's (``models/train/onnx_export.py``), as the baseline's out-of-fold scores stand in for its own.
    Learning train+val lifts probe grooming and test trafficking_ad (figures: docs/experiments.md).
    """
    fit_on = str(params["transformer"].get("fit_on", "train"))
    if fit_on not in ("train", "train+val"):
        raise ValueError(f"transformer.fit_on must be train or train+val, not {fit_on!r}")
    memo: StateMemo = {}
    model, facts = fit(params, fit_on.split("+"), backbone, data, teacher, memo)
    twin = fit(params, ["train"], backbone, data, teacher, memo) if fit_on == "train+val" else None
    if twin is not None:
        facts["holdout"] = {k: twin[1][k] for k in ("fit_on", "train_rows", "steps", "train_seconds")}
    save_classifier(model, backbone / TOKENIZER_FILE, out, facts)
    if twin is not None:
        save_classifier(twin[0], backbone / TOKENIZER_FILE, out / HOLDOUT_DIR, twin[1])
    return facts


def main() -> None:
    """DVC entry point."""
    facts = train(load_params())
    log.info("transformer trained %s", json.dumps(facts))
