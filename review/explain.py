"""The words that drove a score: per-word contributions of the TF-IDF + logistic-regression baseline.

For a linear model the contribution of an n-gram is its TF-IDF weight times the label's
coefficient, so the attribution is exact for the baseline (not a sampled approximation). Character
n-grams mean little to a reviewer, so each n-gram's contribution is shared among the words of the
post that contain it and the page shows words. Loading the bundle takes seconds, so it happens in
a background thread on first use and the item page shows the words once it is ready; with no
baseline (a transformer alone) the page shows indicators only.
"""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

from store.settings import get_settings

_LOCK = threading.Lock()
_STATE: dict[str, Any] = {}
_WORD = re.compile(r"[\w\u1780-\u17ff]+")


def _load(model_dir: Path, key: tuple[str, float]) -> None:
    result: tuple[Any, str] | None = None
    try:
        from models.bundle import load_bundle

        bundle = load_bundle(model_dir)
        model = getattr(bundle.model, "first", bundle.model)  # a cascade's first stage is the baseline
        if hasattr(model, "vectorizer") and hasattr(model, "classifiers"):
            result = (model, bundle.version)
    except (OSError, ValueError, KeyError, ImportError):
        result = None
    with _LOCK:
        _STATE["key"], _STATE["model"] = key, result


def _model() -> tuple[Any, str] | None:
    """The loaded baseline, or None (not yet loaded: starts loading in the background)."""
    model_dir = get_settings().model_dir
    manifest = model_dir / "manifest.json"
    if not manifest.exists():
        return None
    key = (str(model_dir), manifest.stat().st_mtime)
    with _LOCK:
        if _STATE.get("key") == key:
            return _STATE["model"]  # type: ignore[no-any-return]
        if _STATE.get("loading") == key:
            return None
        _STATE["loading"] = key
    threading.Thread(target=_load, args=(model_dir, key), daemon=True).start()
    return None


def _blocks(vec: Any) -> list[tuple[Any, int]]:
    if hasattr(vec, "transformer_list"):
        out, offset = [], 0
        for _name, part in vec.transformer_list:
            out.append((part, offset))
            offset += len(part.vocabulary_)
        return out
    return [(vec, 0)]


def top_words(text: str, labels: list[str], k: int = 6) -> tuple[dict[str, list[tuple[str, float]]], str | None]:
    """Per label, the ``k`` words of ``text`` that pushed its score up most; and the model version.

    Empty while the model is still loading or when the published model is not the baseline.
    """
    found = _model()
    if found is None:
        return {}, None
    model, version = found
    from features.normalise import normalise

    norm = normalise(text)
    try:  # Khmer has no spaces: words come from the feature stage's segmenter
        from features.tokenise import tokenise

        tokens = [t.text for t in tokenise(norm)]
    except Exception:  # the segmenter is optional here: fall back to runs of word characters
        tokens = _WORD.findall(norm)
    words = [w for w in dict.fromkeys(tokens) if w.strip()]
    out: dict[str, list[tuple[str, float]]] = {}
    for lb in labels:
        clf = model.classifiers.get(lb)
        if clf is None:
            continue
        coef = clf.coef_[0]
        per_word: dict[str, float] = {}
        for part, offset in _blocks(model.vectorizer):
            x = part.transform([norm]).tocoo()
            names = part.get_feature_names_out()
            analyzer = getattr(part, "analyzer", "word")
            for j, v in zip(x.col, x.data, strict=True):
                c = float(v * coef[offset + j])
                gram = str(names[j])
                owners = (
                    [w for w in words if w in gram.split()]
                    if analyzer == "word"
                    else [w for w in words if gram.strip() and gram.strip() in f" {w} "]
                )
                for w in owners:
                    per_word[w] = per_word.get(w, 0.0) + c / len(owners)
        out[lb] = [(w, round(c, 3)) for w, c in sorted(per_word.items(), key=lambda p: -p[1])[:k] if c > 0]
    return out, version
