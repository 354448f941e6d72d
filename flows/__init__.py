"""Prefect flows that wire the stages together, and the ``chhmam`` command line.

``flows`` is the top layer: it may import every stage, and no stage imports it. Prefect's own
settings are fixed here, before Prefect is imported anywhere: telemetry off, a per-project
``PREFECT_HOME``, and a start-up timeout long enough for the ephemeral server on 2 cores.
"""

from __future__ import annotations

import os
from pathlib import Path

from store.paths import SOURCE

os.environ.setdefault("PREFECT_HOME", str(SOURCE.var / "prefect"))
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
# Prefect's records propagate to the one handler models.logs installs (chhmam --log-format).
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
os.environ.setdefault("PREFECT_LOGGING_EXTRA_LOGGERS", "chhmam")  # feed failures in the flow-run logs
os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")  # same loggers outside flows
os.environ.setdefault("HF_HUB_OFFLINE", "1")
# Prefect creates its home without parents; a fresh clone has no var/ yet.
Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
