"""DVC stage ``publish``: copy the model chosen in ``params.yaml`` (serve.model) to ``artifacts/model``.

``artifacts/model`` is what ``chhmam score``, the flows and the web app load; keeping it a separate
output means switching the served model is a parameter change, and a rollback is a checkout.
"""

from __future__ import annotations

import logging
import shutil

from models.params import PROJECT_ROOT, load_params

log = logging.getLogger("chhmam.models")

ARTIFACTS = PROJECT_ROOT / "artifacts"


def main() -> None:
    """Replace ``artifacts/model`` with ``artifacts/<serve.model>``."""
    name = load_params()["serve"]["model"]
    src, dst = ARTIFACTS / name, ARTIFACTS / "model"
    if dst.exists():
        shutil.rmtree(dst)
    shutil.copytree(src, dst)
    log.info("published %s -> %s", name, dst)

