"""Vocabulary trimming: keep only the word pieces our posts and Khmer/English need.

Why: multilingual-e5-small's 250k-row embedding matrix is 96 M of its 118 M parameters. Posts in
Khmer, English and romanised Khmer use a few tens of thousands of pieces, so trimming shrinks the
model file, memory, optimizer state and the exported ONNX several-fold without changing any
computation on text the kept pieces cover.

Why that holds: a Unigram tokenizer picks the most probable segmentation over its pieces (Viterbi);
a WordPiece tokenizer picks the longest matching piece. Removing pieces that the best (longest)
segmentation of a text does not use leaves that segmentation the best one among the kept pieces,
so the text gets the same pieces, and remapped ids point at the same embedding rows. Text with
removed pieces falls back to shorter pieces; single characters of the scripts we see are all kept,
so nothing common becomes ``<unk>``.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

import torch
from tokenizers import Tokenizer
from transformers import PreTrainedModel

_KHMER = re.compile("^[\u1780-\u17ff\u19e0-\u19ff]+$")
_LOWER_LATIN = re.compile("^[a-z0-9]+$")
_MARKS = ("\u2581", "##")


def _bare(piece: str) -> str:
    """A piece without its word-boundary marker (SentencePiece ``▁`` or WordPiece ``##``)."""
    for mark in _MARKS:
        piece = piece.replace(mark, "")
    return piece


def _keep_single_char(ch: str) -> bool:
    """Single characters worth keeping: every script before CJK (Latin, Thai, Khmer, punctuation) and emoji."""
    cp = ord(ch)
    return cp < 0x2E80 or 0x1F000 <= cp < 0x1FB00 or 0xFE00 <= cp < 0xFE10


def pieces_of(tok: dict[str, Any]) -> list[tuple[str, float]]:
    """The (piece, score) list of a Unigram or WordPiece ``tokenizer.json`` in id order."""
    model = tok["model"]
    if model["type"] == "Unigram":
        return [(str(p), float(s)) for p, s in model["vocab"]]
    if model["type"] == "WordPiece":
        inv = sorted(((i, p) for p, i in model["vocab"].items()))
        return [(p, -float(i)) for i, p in inv]  # earlier ids are the more frequent pieces
    raise ValueError(f"vocabulary trimming supports Unigram and WordPiece tokenizers, not {model['type']}")


def used_ids(tok: dict[str, Any], texts: Sequence[str]) -> set[int]:
    """Ids the tokenizer produces for ``texts`` (specials excluded)."""
    tokenizer = Tokenizer.from_str(json.dumps(tok))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    ids: set[int] = set()
    for enc in tokenizer.encode_batch(list(texts), add_special_tokens=False):
        ids.update(enc.ids)
    return ids


def select_ids(tok: dict[str, Any], texts: Sequence[str], common_pieces: int = 20000) -> list[int]:
    """Old ids to keep, ascending: specials, the corpus's pieces, every Khmer piece, single characters
    of the scripts posts use, and the ``common_pieces`` most probable lower-case Latin/digit pieces."""
    pieces = pieces_of(tok)
    keep = {int(a["id"]) for a in tok.get("added_tokens", [])}
    unk = tok["model"].get("unk_id")
    if isinstance(unk, int):
        keep.add(unk)
    keep |= used_ids(tok, texts)
    latin: list[tuple[float, int]] = []
    for i, (piece, score) in enumerate(pieces):
        bare = _bare(piece)
        if not bare or _KHMER.match(bare) or (len(bare) == 1 and _keep_single_char(bare)):
            keep.add(i)
        elif _LOWER_LATIN.match(bare):
            latin.append((score, i))
    latin.sort(reverse=True)
    keep.update(i for _, i in latin[:common_pieces])
    return sorted(i for i in keep if i < len(pieces))


def _remap_post_processor(proc: dict[str, Any] | None, remap: dict[int, int]) -> None:
    """Point a post-processor's special-token ids at their new rows (in place)."""
    if not proc:
        return
    kind = proc.get("type")
    if kind == "Sequence":
        for sub in proc.get("processors", []):
            _remap_post_processor(sub, remap)
    elif kind == "TemplateProcessing":
        for spec in proc.get("special_tokens", {}).values():
            spec["ids"] = [remap[i] for i in spec["ids"]]
    elif kind in ("RobertaProcessing", "BertProcessing"):
        for key in ("sep", "cls"):
            piece, old = proc[key]
            proc[key] = [piece, remap[old]]


def trim_tokenizer(tok: dict[str, Any], kept: Sequence[int]) -> dict[str, Any]:
    """A ``tokenizer.json`` holding only the ``kept`` old ids, renumbered 0..len-1 in the same order."""
    remap = {old: new for new, old in enumerate(kept)}
    out = copy.deepcopy(tok)
    model = out["model"]
    if model["type"] == "Unigram":
        model["vocab"] = [tok["model"]["vocab"][i] for i in kept]
        if isinstance(model.get("unk_id"), int):
            model["unk_id"] = remap[model["unk_id"]]
    else:
        inv = {i: p for p, i in tok["model"]["vocab"].items()}
        model["vocab"] = {inv[old]: new for new, old in enumerate(kept)}
    for added in out.get("added_tokens", []):
        added["id"] = remap[added["id"]]
    _remap_post_processor(out.get("post_processor"), remap)
    return out


def trim_embeddings(model: PreTrainedModel, kept: Sequence[int]) -> PreTrainedModel:
    """Keep only the ``kept`` rows of the input embeddings and renumber the config's special ids."""
    remap = {old: new for new, old in enumerate(kept)}
    old = model.get_input_embeddings()
    assert isinstance(old, torch.nn.Embedding)
    index = torch.tensor(list(kept), dtype=torch.long)
    cfg = model.config
    pad = remap.get(cfg.pad_token_id) if cfg.pad_token_id is not None else None
    new = torch.nn.Embedding(len(kept), old.embedding_dim, padding_idx=pad)
    with torch.no_grad():
        new.weight.copy_(old.weight.index_select(0, index))
    model.set_input_embeddings(new)
    cfg.vocab_size = len(kept)
    for key in ("pad_token_id", "bos_token_id", "eos_token_id"):
        value = getattr(cfg, key, None)
        if isinstance(value, int):
            setattr(cfg, key, remap.get(value))
    emb = getattr(model, "embeddings", None)
    if emb is not None and hasattr(emb, "padding_idx") and pad is not None:
        emb.padding_idx = pad  # XLM-R derives position ids from the padding id
    return model


def trim_model(
    model: PreTrainedModel, tok: dict[str, Any], texts: Iterable[str], common_pieces: int = 20000
) -> tuple[PreTrainedModel, dict[str, Any], list[int]]:
    """Trim model and tokenizer consistently; returns them and the kept old ids."""
    kept = select_ids(tok, list(texts), common_pieces)
    return trim_embeddings(model, kept), trim_tokenizer(tok, kept), kept
