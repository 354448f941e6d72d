"""The throughput benchmark runs end to end on the trained artifacts (slow: needs `dvc repro` outputs)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.paths import ROOT


@pytest.mark.slow
def test_bench_small_run(tmp_path: Path) -> None:
    for need in ("artifacts/cascade/manifest.json", "artifacts/transformer_torch/meta.json"):
        if not (ROOT / need).exists():
            pytest.fail(f"{need} missing: run `dvc repro cascade` first")
    out = tmp_path / "bench.json"
    proc = subprocess.run(
        [
            sys.executable,
            "bench/score_throughput.py",
            "--n",
            "1500",
            "--naive",
            "100",
            "--latency-posts",
            "100",
            "--json",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    res = json.loads(out.read_text(encoding="utf-8"))
    assert res["posts"] == 1500
    assert res["b_posts_per_s"] > res["a_posts_per_s"]  # batching + int8 beat the naive loop
    assert 0.0 <= res["c_skipped_fraction"] <= 1.0
    assert res["latency_cascade"]["p99_ms"] > 0 and res["peak_mb"] > 0
