"""Run the frozen lower layers of an encoder once per post, not once per training step.

Why: with the word embeddings and the lowest ``k`` layers frozen, their output for a post never
changes during fine-tuning, yet a plain training loop recomputes it (forward only, but forward is a
third of a step's cost per layer) on every epoch, and again for the held-out twin. Computed once,
in eval mode, and shared by both fits, the frozen part costs one forward pass per distinct post;
training then runs only layers ``k..n``. That is what lets a deeper encoder (all 12 layers of
multilingual-e5-small) fit the two-core budget. The one difference from running them in the training
loop: the frozen layers apply no dropout during training (they are in eval mode, as at inference).

Works for BERT-style Hugging Face encoders (BERT, XLM-R, RoBERTa): ``encoder.embeddings`` and a
``encoder.encoder.layer`` list, the layout ``models.train.transformer.truncate_layers`` already assumes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import torch

from models.padding import attention_mask, batch_width
from models.progress import progress

StateMemo = dict[tuple[int, ...], torch.Tensor]  # token ids → hidden states after the frozen layers
Collate = Callable[[Sequence[Any]], tuple[torch.Tensor, torch.Tensor]]  # posts → (inputs, attention_mask)


class Passthrough(torch.nn.Module):
    """Stands in for the embeddings block when the encoder's input is already a hidden state."""

    def forward(self, inputs_embeds: torch.Tensor | None = None, **_: Any) -> torch.Tensor:
        """The given hidden states, unchanged."""
        if inputs_embeds is None:
            raise ValueError("layers above the cached ones take hidden states (inputs_embeds), not token ids")
        return inputs_embeds


def _layers(encoder: torch.nn.Module) -> tuple[torch.nn.Module, torch.nn.ModuleList]:
    """The encoder's layer stack and its layer list; a clear error for other architectures."""
    stack = getattr(encoder, "encoder", None)
    layers = getattr(stack, "layer", None)
    if not isinstance(stack, torch.nn.Module) or not isinstance(layers, torch.nn.ModuleList):
        raise TypeError("frozen-layer caching needs a BERT-style encoder (encoder.encoder.layer)")
    return stack, layers


@contextmanager
def layer_range(encoder: torch.nn.Module, start: int, stop: int | None = None) -> Iterator[None]:
    """Inside the block, ``encoder`` runs only layers ``start..stop``; from hidden states when ``start > 0``.

    The layers are the encoder's own modules (shared, not copied), so training inside the block
    trains the full encoder; both attributes are restored on exit.
    """
    stack, layers = _layers(encoder)
    embeddings = encoder.embeddings
    stack.layer = torch.nn.ModuleList(list(layers)[start:stop])
    if start:
        encoder.embeddings = Passthrough()
    try:
        yield
    finally:
        stack.layer = layers
        encoder.embeddings = embeddings


def pad_states(states: Sequence[torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
    """(hidden states, attention mask) zero-padded to the longest post of this batch.

    Zeros are safe: the mask keeps every padded position out of attention and out of the pooling.
    """
    lengths = [len(s) for s in states]
    width = batch_width(lengths)
    out = torch.zeros((len(states), width, states[0].shape[-1]), dtype=states[0].dtype)
    for i, s in enumerate(states):
        out[i, : len(s)] = s
    return out, torch.from_numpy(attention_mask(lengths, width))


def frozen_states(
    encoder: torch.nn.Module,
    seqs: Sequence[Sequence[int]],
    collate: Collate,
    upto: int,
    memo: StateMemo | None = None,
    batch_size: int = 64,
) -> list[torch.Tensor]:
    """Each post's hidden states after the embeddings and the lowest ``upto`` layers, in input order.

    ``collate`` pads token id lists into (input_ids, attention_mask). ``memo`` carries states
    across calls (the served model and its twin see the same training posts through the same
    frozen weights); only posts missing from it are computed.
    """
    memo = {} if memo is None else memo
    keys = [tuple(s) for s in seqs]
    todo = sorted({k for k in keys if k not in memo}, key=len)
    was_training = encoder.training
    encoder.eval()
    with (
        torch.no_grad(),
        layer_range(encoder, 0, upto),  # not inference_mode: training reads these
        progress(f"frozen layers 0-{upto}, once per post", len(todo)) as advance,
    ):
        for b in range(0, len(todo), batch_size):
            batch = todo[b : b + batch_size]
            ids, mask = collate(batch)
            hidden = encoder(input_ids=ids, attention_mask=mask).last_hidden_state
            for i, k in enumerate(batch):
                memo[k] = hidden[i, : len(k)].clone()
            advance(len(batch))
    encoder.train(was_training)
    return [memo[k] for k in keys]
