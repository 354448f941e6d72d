"""Entry point of every DVC stage: ``python -m models.stage NAME``.

Why a dispatcher: a model pickled from a module run as ``__main__`` cannot be loaded anywhere
else; importing the stage's module by name keeps pickled classes at their real import path.
"""

from __future__ import annotations

import importlib
import logging
import sys

from models.logs import configure

STAGES = {
    "data": "models.data.dataset",
    "train_baseline": "models.train.baseline",
    "backbone": "models.train.backbone",
    "train_transformer": "models.train.transformer",
    "train_student": "models.train.student",
    "export_onnx": "models.train.onnx_export",
    "cascade": "models.train.cascade",
    "evaluate": "models.eval.evaluate",
    "model_card": "models.eval.model_card",
    "publish": "models.train.publish",
}


def main(argv: list[str]) -> None:
    """Run the ``main()`` of the named stage; further arguments are passed to it as strings
    (``python -m models.stage evaluate transformer`` evaluates ``artifacts/transformer``)."""
    if not argv or argv[0] not in STAGES:
        raise SystemExit(f"usage: python -m models.stage {{{','.join(STAGES)}}} [ARG ...]")
    configure(level=logging.INFO)  # a stage's INFO lines are its progress and result in dvc's output
    importlib.import_module(STAGES[argv[0]]).main(*argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
