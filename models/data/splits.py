"""Reading the generated splits (``data/generated/{train,val,test}.jsonl``) the way training and
evaluation need them: texts in the form the served engine sees, and a 0/1 label matrix."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.preprocessing import MultiLabelBinarizer

from features.normalise import normalise
from models.jsonl import read_jsonl
from models.params import GENERATED

DATA = GENERATED


def label_matrix(rows: Sequence[dict[str, Any]], labels: Sequence[str]) -> NDArray[np.int_]:
    """Shape (rows, labels): 1 where the row carries the label, in ``labels``' order.

    Labels a row carries that ``labels`` does not name are left out (a model scores only its own).
    """
    if not rows:
        return np.zeros((0, len(labels)), dtype=np.int_)
    binarizer = MultiLabelBinarizer(classes=list(labels))
    with warnings.catch_warnings():  # "unknown class(es) will be ignored": intended, see above
        warnings.simplefilter("ignore", UserWarning)
        y = binarizer.fit_transform([r["labels"] for r in rows])
    return np.asarray(y, dtype=np.int_)


def load_split(name: str, labels: Sequence[str], data: Path = DATA) -> tuple[list[str], NDArray[np.float32]]:
    """Normalised texts (the form the served engine sees) and a 0/1 float label matrix."""
    rows = list(read_jsonl(data / f"{name}.jsonl"))
    return [normalise(r["text"]) for r in rows], label_matrix(rows, labels).astype(np.float32)
