"""DVC stage ``publish``: copy the model chosen in ``params.yaml`` (serve.model) to ``artifacts/model``.

``artifacts/model`` is what ``chhmam score``, the flows and the web app load; keeping it a separate
output means switching the served model is a parameter change, and a rollback is a checkout.
"""

from __future__ import annotations

import logging
import shutil

from models.params import ARTIFACTS, ML, load_params

log = logging.getLogger("chhmam.models")


def main() -> None:
    """Replace ``artifacts/model`` with ``artifacts/<serve.model>``."""
    name = load_params()["serve"]["model"]
    src, dst = ARTIFACTS / name, ML.served_model
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    log.info("published %s -> %s", name, dst)
