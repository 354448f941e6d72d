"""The transformer at serving time: an int8 ONNX Runtime session behind ``predict_proba``.

Why ONNX Runtime int8: on two CPU cores it is the fastest well-kept runtime for a BERT-sized
encoder (no torch needed at serving time), and int8 quantisation keeps scores within a small
distance of fp32 (measured by ``models/train/onnx_export.py``; with activation scales fixed at export,
``models/train/static_scales.py``, a post's score does not depend on the posts batched with it).

Why posts are sorted by length and batched by a token budget: transformer cost grows with the
padded length of a batch; real posts are short and uneven, so sorting keeps padding near zero and
a token budget lets short posts go in large batches while long ones stay within cache.

The scorer is a plain picklable object (ONNX bytes, tokenizer JSON, calibrators), so it travels in
the same ``models/bundle.py`` bundle as the baseline and carries its content-hash version.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import onnxruntime as ort
from numpy.typing import NDArray
from tokenizers import Tokenizer

from models.calibration import Calibrator
from models.cues import model_text
from models.padding import head_and_tail, pad_ids, truncation

# Graph rewrites the session must not make: fusing a residual Add into its LayerNorm gives ONNX
# Runtime's SkipLayerNormalization, whose CPU kernel is about four times slower than the two apart.
UNFUSED = ["SkipLayerNormFusion"]


def session_options(threads: int = 2) -> ort.SessionOptions:
    """Both cores inside each operator, one operator at a time, every graph optimisation."""
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    opts.log_severity_level = 3
    return opts


def token_batches(lengths: Sequence[int], max_tokens: int, max_batch: int) -> list[list[int]]:
    """Indices sorted by length, cut into batches whose padded size stays under ``max_tokens``."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches: list[list[int]] = []
    cur: list[int] = []
    for i in order:
        # sorted ascending, so the newest post is the longest: padded size = count * its length
        if cur and ((len(cur) + 1) * lengths[i] > max_tokens or len(cur) >= max_batch):
            batches.append(cur)
            cur = []
        cur.append(i)
    if cur:
        batches.append(cur)
    return batches


class OnnxScorer:
    """Fine-tuned encoder + head in ONNX; ``predict_proba`` takes normalised texts."""

    def __init__(
        self,
        onnx_model: bytes,
        tokenizer_json: str,
        labels: Sequence[str],
        max_len: int,
        pad_id: int,
        prefix: str = "",
        calibrators: Sequence[Calibrator] | None = None,
        threads: int = 2,
        max_tokens: int = 4096,
        max_batch: int = 128,
        cues: bool = False,
        tail: int = 0,
    ) -> None:
        self.onnx_model = onnx_model
        self.tokenizer_json = tokenizer_json
        self.labels = tuple(labels)
        self.max_len = max_len
        self.pad_id = pad_id
        self.prefix = prefix
        self.cues = cues
        self.tail = tail
        self.calibrators = list(calibrators) if calibrators is not None else None
        self.threads = threads
        self.max_tokens = max_tokens
        self.max_batch = max_batch
        self._session: ort.InferenceSession | None = None
        self._tokenizer: Tokenizer | None = None

    def __getstate__(self) -> dict[str, Any]:
        """Pickle everything but the live session and tokenizer (rebuilt on first use)."""
        state = self.__dict__.copy()
        state["_session"] = None
        state["_tokenizer"] = None
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        """Scorers pickled before head-and-tail truncation cut the end, as they were trained."""
        state.setdefault("tail", 0)
        self.__dict__.update(state)

    def set_threads(self, threads: int) -> None:
        """Use ``threads`` intra-op threads; ORT fixes them per session, so an open session is dropped."""
        if threads != self.threads:
            self.threads = threads
            self._session = None

    @property
    def session(self) -> ort.InferenceSession:
        """The ONNX Runtime session, created once."""
        if self._session is None:
            self._session = ort.InferenceSession(
                self.onnx_model,
                session_options(self.threads),
                providers=["CPUExecutionProvider"],
                disabled_optimizers=UNFUSED,
            )
        return self._session

    @property
    def tokenizer(self) -> Tokenizer:
        """The fast tokenizer, set to truncate as in training (``models.padding.truncation``)."""
        if self._tokenizer is None:
            self._tokenizer = truncation(Tokenizer.from_str(self.tokenizer_json), self.max_len, self.tail)
        return self._tokenizer

    def encode(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids per text."""
        inputs = [model_text(t, self.prefix, self.cues) for t in texts]
        if len(inputs) == 1:
            return [head_and_tail(self.tokenizer.encode(inputs[0]).ids, self.max_len, self.tail)]
        return [head_and_tail(e.ids, self.max_len, self.tail) for e in self.tokenizer.encode_batch(inputs)]

    def logits_of_ids(self, seqs: Sequence[Sequence[int]]) -> NDArray[np.float32]:
        """Raw logits for token id lists, in input order."""
        out = np.zeros((len(seqs), len(self.labels)), dtype=np.float32)
        sess = self.session
        for batch in token_batches([len(s) for s in seqs], self.max_tokens, self.max_batch):
            ids, mask = pad_ids([seqs[i] for i in batch], self.pad_id)
            out[batch] = sess.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out

    def logits(self, texts: Sequence[str]) -> NDArray[np.float32]:
        """Raw logits for normalised texts."""
        if len(texts) == 0:
            return np.zeros((0, len(self.labels)), dtype=np.float32)
        return self.logits_of_ids(self.encode(texts))

    def calibrate_logits(self, raw: NDArray[np.float32]) -> NDArray[np.float64]:
        """Calibrated probabilities from raw logits (plain sigmoid before calibrators are fitted)."""
        if self.calibrators is None:
            return np.asarray(1.0 / (1.0 + np.exp(-raw.astype(np.float64))))
        if len(raw) == 0:
            return np.zeros((0, len(self.labels)))
        cols = [c.transform(raw[:, j].astype(np.float64)) for j, c in enumerate(self.calibrators)]
        return np.stack(cols, axis=1)

    def predict_proba(self, texts: Sequence[str]) -> NDArray[np.float64]:
        """Calibrated probabilities, shape (n, labels); ``texts`` are normalised texts."""
        return self.calibrate_logits(self.logits(texts))
