"""Padding a batch of uneven posts to one width: the serving engine and training share it.

Here (numpy, no torch) because the ONNX engine pads at serving time without torch; the training code
wraps the arrays in tensors. Each batch is padded to its own longest post, never to ``max_len``:
padding costs compute, and the attention mask keeps padded positions out of the result.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray


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
