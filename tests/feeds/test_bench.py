"""The ingest benchmark still runs and counts right (small feed; 100,000-record figures: bench/README.md)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from store.db import dispose_engines
from store.settings import get_settings
from tests.support.paths import ROOT


def test_bench_small(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.util.spec_from_file_location("ingest_throughput", ROOT / "bench" / "ingest_throughput.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "ingest_throughput", bench)
    spec.loader.exec_module(bench)
    monkeypatch.setenv("CHHMAM_DATABASE_URL", "")  # run() sets its own database
    uniq, dup, bad = bench.write_feed(tmp_path / "drop", 3000)
    assert uniq + dup + bad == 3000 and dup > 0 and bad > 0
    try:
        r = bench.run("sqlite", tmp_path / "drop", False, tmp_path, cluster=True)
    finally:
        dispose_engines()
        get_settings.cache_clear()
    assert (r["lines"], r["stored"], r["quarantined"], r["clustered"]) == (3000, uniq, bad, uniq)
    assert float(r["posts_per_s"]) > 0  # type: ignore[arg-type]
