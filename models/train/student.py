"""DVC stage ``train_student``: a shallower transformer distilled from the served one, for speed.

Why: the served transformer's twelve layers are what rank best, and what a partner backlog waits
on: inference cost is linear in depth. A student has ``student.num_layers`` layers: the teacher's
lowest ones (pre-trained, frozen in the teacher too) and, with ``student.teacher_top_layers``, the
teacher's fine-tuned top layers and head above them (else a fresh head on the cut backbone). The
lowest ``student.freeze_layers`` stay frozen and run once per post, and it learns
``(1 - w) * label + w * the teacher's probability`` (``w = student.teacher_weight``) over the same
generated and real benign posts: the teacher's scores say how sure to be of each post, which the
labels alone do not. Its held-out twin learns the training split from the teacher's held-out twin,
as the teacher's does, so calibration and the cascade are fitted on scores of posts neither saw.

Whether the student is served instead of the teacher is decided in the cascade stage
(``models.train.cascade``), on the test split and the probe set; the teacher stays for evaluation
and for distilling the next student.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray

from models.data.splits import DATA, load_split
from models.params import ARTIFACTS, load_params
from models.train.layer_cache import StateMemo
from models.train.transformer import (
    BACKBONE,
    HOLDOUT_DIR,
    OOF_FILES,
    TOKENIZER_FILE,
    MeanPoolClassifier,
    encode,
    fit,
    load_classifier,
    predict_logits,
    save_classifier,
)
from models.train.transformer import (
    OUT as TEACHER_OUT,
)

log = logging.getLogger("chhmam.models")

OUT = ARTIFACTS / "student_torch"


def student_params(params: dict[str, Any]) -> dict[str, Any]:
    """``params`` with the transformer recipe changed as ``student`` says (depth, frozen layers, targets)."""
    out = copy.deepcopy(params)
    student = params["student"]
    cfg = out["transformer"]
    cfg["num_layers"] = int(student["num_layers"])
    cfg["freeze_layers"] = int(student["freeze_layers"])
    cfg["distill"] = float(student["teacher_weight"])
    for key in ("epochs", "lr", "linear_probe_posts"):
        if key in student:
            cfg[key] = student[key]
    if student.get("teacher_top_layers"):
        cfg["linear_probe_c"] = None  # the head comes from the teacher, already fitted
    return out


def layer_dropped(teacher: Path, lower: int, top: int) -> MeanPoolClassifier:
    """The teacher with its middle layers taken out: its lowest ``lower`` and its top ``top`` layers, its head.

    Why: the teacher's top layers and head are the fine-tuned part; starting from them, the student
    only has to learn to read the lower layers' output directly, which keeps more of the teacher than
    a fresh head on a cut backbone does.
    """
    model, _tok, _meta = load_classifier(teacher)
    stack: Any = model.encoder.encoder
    layers = list(stack.layer)
    if lower + top > len(layers):
        raise ValueError(f"student keeps {lower} + {top} layers of a {len(layers)}-layer teacher")
    stack.layer = torch.nn.ModuleList(layers[:lower] + layers[len(layers) - top :])
    model.encoder.config.num_hidden_layers = lower + top
    return model.train()


def teacher_probs(teacher: Path, texts: Sequence[str]) -> NDArray[np.float64]:
    """The torch teacher's probabilities (sigmoid of its logits) for normalised ``texts``."""
    model, tok, meta = load_classifier(teacher)
    seqs = encode(
        tok, texts, str(meta.get("prefix", "")), bool(meta.get("cues")), int(meta["max_len"]), int(meta.get("tail", 0))
    )
    logits = predict_logits(model, seqs, int(meta["pad_id"]))
    return np.asarray(1 / (1 + np.exp(-logits.astype(np.float64))), dtype=np.float64)


def write_targets(teacher: Path, splits: Sequence[str], labels: Sequence[str], data: Path, out: Path) -> None:
    """The teacher's probabilities of each split's rows, in the files ``transformer.soft_targets`` reads."""
    out.mkdir(parents=True, exist_ok=True)
    for split in splits:
        texts, _ = load_split(split, labels, data)
        np.save(out / OOF_FILES[split], teacher_probs(teacher, texts))


def train(
    params: dict[str, Any], teacher: Path = TEACHER_OUT, backbone: Path = BACKBONE, out: Path = OUT, data: Path = DATA
) -> dict[str, Any]:
    """Distil the student (train+val, from the served teacher) and its twin (train, from the teacher's twin)."""
    sp = student_params(params)
    labels = list(params["labels"])
    memo: StateMemo = {}  # the frozen layers' states, shared by the student and its twin
    runs = [(teacher, ["train", "val"])]
    if (teacher / HOLDOUT_DIR).exists():
        runs.append((teacher / HOLDOUT_DIR, ["train"]))
    top = int(params["student"].get("teacher_top_layers", 0))
    depth = int(params["student"]["num_layers"])
    trained = []
    with tempfile.TemporaryDirectory(prefix="chhmam-student-") as tmp:
        for i, (source, splits) in enumerate(runs):
            targets = Path(tmp) / str(i)
            write_targets(source, splits, labels, data, targets)
            init = functools.partial(layer_dropped, source, depth - top, top) if top else None
            model, facts = fit(sp, splits, backbone, data, targets, memo, init)
            facts["teacher_top_layers"] = top
            facts["teacher"] = source.name if source.name == HOLDOUT_DIR else "served transformer"
            facts["teacher_weight"] = float(params["student"]["teacher_weight"])
            trained.append((model, facts))
            log.info("student on %s: %s", "+".join(splits), json.dumps(facts))
    (model, facts), twin = trained[0], trained[1:]
    if twin:
        facts["holdout"] = {k: twin[0][1][k] for k in ("fit_on", "train_rows", "steps", "train_seconds")}
    save_classifier(model, backbone / TOKENIZER_FILE, out, facts)
    if twin:
        save_classifier(twin[0][0], backbone / TOKENIZER_FILE, out / HOLDOUT_DIR, twin[0][1])
    return facts


def main() -> None:
    """DVC entry point: writes ``artifacts/student_torch`` (and its ``holdout`` twin)."""
    params = load_params()
    torch.set_num_threads(int(params["transformer"].get("threads", 2)))
    facts = train(params)
    log.info("student trained %s", json.dumps(facts))
