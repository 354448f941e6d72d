"""``CHHMAM_SCORE_THREADS`` reaches the ONNX Runtime session the flows score with.

Why: two Dask workers of one core each, each running the bundle's 2 intra-op threads, fight over
the cores; the setting only helps if it is in the live session's options, not just an attribute.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.pipeline import _engine
from models.cascade import CascadeScorer
from models.inference import set_onnx_threads
from models.onnx_engine import OnnxScorer
from store.settings import get_settings


def test_score_threads_setting_reaches_the_ort_session(model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHHMAM_SCORE_THREADS", "1")
    get_settings.cache_clear()
    _engine.cache_clear()
    try:
        model = _engine(str(model_dir)).bundle.model
    finally:
        _engine.cache_clear()
    onnx = model.second if isinstance(model, CascadeScorer) else model
    if not isinstance(onnx, OnnxScorer):
        pytest.skip(f"the published model has no ONNX stage ({type(model).__name__})")
    assert onnx.session.get_session_options().intra_op_num_threads == 1
    # a session already open is rebuilt with the new count; a baseline has none to set
    assert set_onnx_threads(onnx, 2) == 1
    assert onnx.session.get_session_options().intra_op_num_threads == 2
    if isinstance(model, CascadeScorer):
        assert set_onnx_threads(model.first, 1) == 0
