"""Truncating and padding posts' token ids: the serving engine and training share it.

Here (numpy, no torch) because the ONNX engine pads at serving time without torch; the training code
wraps the arrays in tensors. Each batch is padded to its own longest post, never to ``max_len``:
padding costs compute, and the attention mask keeps padded positions out of the result.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray
from tokenizers import Tokenizer


def batch_width(lengths: Sequence[int]) -> int:
    """The padded width of a batch: its longest row (at least 1, so an empty batch still has a shape)."""
    return max(lengths, default=1) or 1


def attention_mask(lengths: Sequence[int], width: int | None = None) -> NDArray[np.int64]:
    """1 over each row's real positions, 0 over its padding."""
    width = batch_width(lengths) if width is None else width
    return (np.arange(width)[None, :] < np.asarray(lengths, dtype=np.int64)[:, None]).astype(np.int64)


def pad_ids(seqs: Sequence[Sequence[int]], pad_id: int) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """(input_ids, attention_mask) of token id lists, padded with ``pad_id`` to the batch's longest."""
    lengths = [len(s) for s in seqs]
    width = batch_width(lengths)
    ids = np.full((len(seqs), width), pad_id, dtype=np.int64)
    for i, s in enumerate(seqs):
        ids[i, : len(s)] = s
    return ids, attention_mask(lengths, width)


def truncation(tok: Tokenizer, max_len: int, tail: int) -> Tokenizer:
    """Set ``tok`` to truncate as the model was trained: the tokenizer cuts the end when ``tail`` is 0;
    otherwise it keeps every token and ``head_and_tail`` cuts the middle."""
    tok.no_padding()
    if tail > 0:
        tok.no_truncation()
    else:
        tok.enable_truncation(max_length=max_len)
    return tok


def head_and_tail(ids: Sequence[int], max_len: int, tail: int) -> list[int]:
    """A long post's first ``max_len - tail`` and last ``tail`` token ids; a short post's all.

    Why: the tail of a long post is where its contact line ("inbox me on ...") and the model's cue
    phrases (``models.cues.model_text`` appends them) are; cutting only the end loses both. The
    last id is the end-of-sequence token, so it is kept either way.
    """
    if len(ids) <= max_len:
        return list(ids)
    if tail <= 0:
        return list(ids[:max_len])
    return [*ids[: max_len - tail], *ids[len(ids) - tail :]]
