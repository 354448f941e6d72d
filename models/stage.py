"""Entry point of every DVC stage: ``python -m models.stage NAME``.

Why a dispatcher: a model pickled from a module run as ``__main__`` cannot be loaded anywhere
else; importing the stage's module by name keeps pickled classes at their real import path.
"""

from __future__ import annotations

import importlib
import sys

STAGES = {
    "data": "models.dataset",
    "train_baseline": "models.baseline",
    "evaluate": "models.evaluate",
    "publish": "models.publish",
}


def main(argv: list[str]) -> None:
    """Run the ``main()`` of the named stage."""
    if len(argv) != 1 or argv[0] not in STAGES:
        raise SystemExit(f"usage: python -m models.stage {{{','.join(STAGES)}}}")
    importlib.import_module(STAGES[argv[0]]).main()


if __name__ == "__main__":
    main(sys.argv[1:])
