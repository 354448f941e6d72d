"""Backfill scoring through Dask: 2 local worker processes of 1 core each vs 1 process of 2 threads.

Issue 29. One run:
  (a) fills a fresh SQLite file with ``--n`` posts drawn from ``data/generated/test.jsonl`` in the
      feed mix (5 % positives), through the store's normal write path (``flows.pipeline.store_batch``),
      and copies the file, so that both runs start from the same unscored posts;
  (b) times ``score_flow`` on the default thread pool (2 threads, one engine with the bundle's own
      ONNX threads: 2);
  (c) times ``score_flow`` on ``distributed.LocalCluster(n_workers=2, threads_per_worker=1,
      processes=True)`` through ``CHHMAM_DASK_ADDRESS``, the workers started with
      ``CHHMAM_SCORE_THREADS=1`` (each loads its own engine with 1 ONNX thread);
  (d) prints JSON: posts, seconds and posts/s of each, the speed-up, engine load and cluster start
      times (outside the flow timings), chunk size, CPU flags, model version, and checks that both
      runs stored the same scores.

Prefect's ephemeral API server is started once before any timing (a warm-up flow); the Dask runner
points the workers at it (``flows.pipeline._flow_api_dask_runner``).

    PYTHONPATH=. .venv/bin/python bench/backfill_dask.py               # 20,000 posts
    PYTHONPATH=. .venv/bin/python bench/backfill_dask.py --n 600       # does it work (≈ 1 minute)
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import sqlite3
import sys
import tempfile
import time
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

from _support import fresh_database  # noqa: E402
from score_throughput import corpus  # noqa: E402

POSITIVE_SHARE = 0.05  # the feed mix: most posts a partner sends are harmless
STORE_BATCH = 5000


def cpu_flags() -> list[str]:
    """The SIMD/matrix extensions ONNX Runtime's int8 kernels use, as ``grep -o -E … /proc/cpuinfo | sort -u``."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return []
    return sorted(set(re.findall(r"\b(avx2|avx512f|avx512_vnni|amx_int8)\b", text)))


def fill(n: int, split: Path, seed: int) -> float:
    """Store ``n`` posts of the feed mix through ``store_batch`` (into the current database); returns seconds."""
    from feeds.base import Batch
    from feeds.records import PostRecord
    from flows.pipeline import store_batch

    rows = corpus(split, n, seed, POSITIVE_SHARE)
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    start = time.perf_counter()
    for s in range(0, n, STORE_BATCH):
        records = [
            PostRecord(
                source="backfill",
                external_id=f"b{i:07d}",
                text=rows[i]["text"],
                author=f"@user{i % 997}",
                created_at=t0 + timedelta(seconds=i),
                platform="facebook",
            )
            for i in range(s, min(n, s + STORE_BATCH))
        ]
        store_batch("backfill", "dropfolder", Batch(records=records))
    return time.perf_counter() - start


def copy_sqlite(src: Path, dst: Path) -> None:
    """A consistent copy of a WAL-mode SQLite file (the backup API, not a file copy: the WAL may hold pages)."""
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b)
    a.close()
    b.close()


def use_database(path: Path) -> None:
    """Make ``path`` this process's database (and, through the environment, of workers started later)."""
    from store.db import dispose_engines
    from store.settings import get_settings

    os.environ["CHHMAM_DATABASE_URL"] = f"sqlite:///{path}"
    get_settings.cache_clear()
    dispose_engines()


def scores_of(path: Path) -> dict[tuple[int, str], float]:
    """(post id, label) → probability stored in ``path``."""
    with sqlite3.connect(path) as conn:
        rows = conn.execute("SELECT post_id, label, probability FROM scores").fetchall()
    conn.close()
    return {(int(p), str(lb)): float(v) for p, lb, v in rows}


def ort_threads(engine: Any) -> int | None:
    """Intra-op threads of the engine's live ONNX session (None: a model without ONNX)."""
    model = engine.bundle.model
    onnx = getattr(model, "second", model)
    if not hasattr(onnx, "session"):
        return None
    return int(onnx.session.get_session_options().intra_op_num_threads)


def warm_worker(model_dir: str) -> tuple[float, int | None]:
    """Run on each Dask worker: load its engine (cached for the tasks) → (seconds, its ORT threads)."""
    from flows.pipeline import _engine

    start = time.perf_counter()
    engine = _engine(model_dir)
    return time.perf_counter() - start, ort_threads(engine)


def _nothing() -> None:
    """The warm-up flow: its only effect is starting Prefect's ephemeral API server."""


def say(msg: str) -> None:
    """Progress on stderr, so that stdout stays one JSON document."""
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def result(label: str, n: int, seconds: float, scored: int) -> dict[str, Any]:
    """One run's figures."""
    return {"mode": label, "scored": scored, "seconds": round(seconds, 2), "posts_per_s": round(n / seconds, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument(
        "--chunk", type=int, default=None, help="posts per id range (one task each); default min(5000, n/8)"
    )
    ap.add_argument("--model-dir", type=Path, default=ROOT / "artifacts" / "model")
    ap.add_argument("--split", type=Path, default=ROOT / "data" / "generated" / "test.jsonl")
    ap.add_argument("--seed", type=int, default=29)
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    os.environ.pop("CHHMAM_SCORE_THREADS", None)  # (b) runs the bundle's own thread count
    os.environ.pop("CHHMAM_DASK_ADDRESS", None)

    import dask
    from distributed import Client, LocalCluster
    from prefect import flow
    from prefect.task_runners import ThreadPoolTaskRunner

    import flows  # noqa: F401  (Prefect environment before Prefect runs anything)
    from flows.pipeline import SCORE_CHUNK, _engine, make_task_runner, score_flow
    from store.settings import get_settings

    mdir = str(args.model_dir.resolve())
    chunk = args.chunk or min(SCORE_CHUNK, max(1, math.ceil(args.n / 8)))
    work = Path(tempfile.mkdtemp(prefix="backfill-dask-"))
    db_a, db_b = work / "threads.db", work / "dask.db"
    out: dict[str, Any] = {
        "posts": args.n,
        "chunk": chunk,
        "positive_share": POSITIVE_SHARE,
        "cpu_flags": cpu_flags(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "date": f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
    }

    with fresh_database("sqlite", db_a):
        out["fill_s"] = round(fill(args.n, args.split, args.seed), 2)
    copy_sqlite(db_a, db_b)
    say(f"stored {args.n} posts in {out['fill_s']} s; copies in {work}")

    start = time.perf_counter()
    flow(name="warm-up")(_nothing)()  # Prefect's ephemeral API server, once, outside the timings
    out["prefect_server_start_s"] = round(time.perf_counter() - start, 2)

    # (b) one process, a thread pool of 2, one engine with the bundle's ONNX threads
    use_database(db_a)
    start = time.perf_counter()
    engine = _engine(mdir)
    out["model_version"] = engine.version
    out["threads_engine_load_s"] = round(time.perf_counter() - start, 2)
    out["threads_ort_threads"] = ort_threads(engine)
    say(f"(b) thread pool: scoring with {engine.version}")
    start = time.perf_counter()
    pool: Any = ThreadPoolTaskRunner(max_workers=2)  # what make_task_runner() gives on 2 cores
    scored, _, _, _ = score_flow.with_options(task_runner=pool)(mdir, chunk=chunk)
    out["threads"] = result("1 process, 2 threads", args.n, time.perf_counter() - start, scored)

    # (c) two worker processes of one core each; the environment reaches them when they start
    use_database(db_b)
    os.environ["CHHMAM_SCORE_THREADS"] = "1"
    with ExitStack() as stack:
        stack.enter_context(dask.config.set({"distributed.worker.daemon": False}))
        start = time.perf_counter()
        cluster = stack.enter_context(
            LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None)  # type: ignore[no-untyped-call]
        )
        client = stack.enter_context(Client(cluster))  # type: ignore[no-untyped-call]
        out["dask_cluster_start_s"] = round(time.perf_counter() - start, 2)
        start = time.perf_counter()
        loads = client.run(warm_worker, mdir)
        out["dask_engine_load_s"] = round(time.perf_counter() - start, 2)
        out["dask_engine_load_per_worker_s"] = sorted(round(s, 2) for s, _ in loads.values())
        out["dask_ort_threads"] = sorted({t for _, t in loads.values()}, key=str)
        os.environ["CHHMAM_DASK_ADDRESS"] = cluster.scheduler_address
        get_settings.cache_clear()
        runner = make_task_runner()
        assert type(runner).__name__ == "DaskTaskRunner", runner
        say(f"(c) Dask LocalCluster at {cluster.scheduler_address}: scoring")
        start = time.perf_counter()
        scored, _, _, _ = score_flow.with_options(task_runner=runner)(mdir, chunk=chunk)
        out["dask"] = result("2 Dask workers x 1 thread", args.n, time.perf_counter() - start, scored)
    os.environ.pop("CHHMAM_DASK_ADDRESS")
    os.environ.pop("CHHMAM_SCORE_THREADS")
    get_settings.cache_clear()

    out["speed_up"] = round(out["threads"]["seconds"] / out["dask"]["seconds"], 2)
    out["speed_up_with_loads"] = round(
        (out["threads"]["seconds"] + out["threads_engine_load_s"])
        / (out["dask"]["seconds"] + out["dask_engine_load_s"] + out["dask_cluster_start_s"]),
        2,
    )
    a, b = scores_of(db_a), scores_of(db_b)
    diffs = [abs(a[k] - b[k]) for k in a.keys() & b.keys()]
    out["stored_scores"] = {"threads": len(a), "dask": len(b), "same_keys": a.keys() == b.keys()}
    out["max_probability_diff"] = max(diffs, default=0.0)  # 1 vs 2 ORT threads may round differently
    out["same_number_of_scores"] = len(a) == len(b) == args.n * len(engine.labels)
    print(json.dumps(out, indent=1))
    if args.json:
        args.json.write_text(json.dumps(out, indent=1), encoding="utf-8")
    for p in work.iterdir():
        p.unlink()
    work.rmdir()
    if not out["same_number_of_scores"]:
        raise SystemExit("the two runs stored different numbers of scores")


if __name__ == "__main__":
    main()
