"""Crash test: ``kill -9`` a real ingest process at a random point, rerun, every record exactly once.

The killed run is ``python -m flows.cli feeds ingest`` (the Prefect flow in its own process);
the rerun resumes from whatever cursor was committed. If a cursor had ever been committed ahead
of its records, the rerun would skip them and the id comparison below would fail.
"""

from __future__ import annotations

import contextlib
import csv
import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from flows.partners import load_partners
from flows.pipeline import ingest_flow
from store.db import session_scope
from store.posts import post_ids
from store.schema import Post, Quarantine
from tests.support.paths import ROOT

N_PER_FILE = 1000


def write_feed(folder: Path) -> tuple[list[str], int]:
    """Three gzipped JSONL files and one CSV, with a few bad lines; returns (good ids, bad lines)."""
    folder.mkdir(parents=True)
    ids: list[str] = []
    bad = 0
    for f in range(3):
        with gzip.open(folder / f"2026-11-2{f}.jsonl.gz", "wt", encoding="utf-8") as fh:
            for i in range(N_PER_FILE):
                ext = f"f{f}-{i:05d}"
                if i % 397 == 13:
                    fh.write('{"id": "broken", "text": \n')
                    bad += 1
                    continue
                ids.append(ext)
                fh.write(
                    json.dumps(
                        {
                            "id": ext,
                            "text": f"ប្រកាសទី {i} job notice number {i} from file {f}",
                            "author": f"u{i % 50}",
                            "created_at": "2026-11-20T08:00:00+07:00",
                        }
                    )
                    + "\n"
                )
    with open(folder / "2026-11-23.csv", "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["id", "text", "author", "created_at"])
        for i in range(N_PER_FILE):
            ids.append(f"c-{i:05d}")
            w.writerow([f"c-{i:05d}", f"csv post {i}, with a comma", f"u{i % 7}", ""])
    return ids, bad


def _count() -> int:
    with session_scope() as s:
        return int(s.scalar(select(func.count(Post.id))) or 0)


def _start_and_kill(partners: Path, db_url: str, rng: random.Random, max_delay: float, total: int) -> tuple[int, float]:
    """Start the ingest process, wait for its first commit after ``before``, kill -9 it after a random delay.

    The kill takes the whole process group, as a crash of the machine would: the ingest process and
    the temporary Prefect server it started. Killing the ingest process alone left that server
    running (its ``atexit`` never ran), holding a random port in 8000-8999 after the suite ended;
    once it held 8000 and ``make demo`` could not serve the review app.
    """
    before = _count()
    env = dict(
        os.environ,
        CHHMAM_DATABASE_URL=db_url,
        PREFECT_HOME=str(ROOT / "var" / "prefect-test-crash"),
        PREFECT_LOGGING_LEVEL="WARNING",
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "feeds", "ingest", "--partners", str(partners), "--no-cluster"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while _count() == before:
            assert proc.poll() is None, proc.stdout.read().decode() if proc.stdout else ""
            assert time.monotonic() < deadline, "the ingest process stored nothing in 120 s"
            time.sleep(0.05)
        # Kill at a random point of the run: once a random share (up to half) of the feed is stored,
        # or after a random delay, whichever comes first, so a fast database cannot finish first.
        delay = rng.uniform(0.0, max_delay)
        target = before + rng.randint(1, max(total // 2, 1))
        stop_at = time.monotonic() + delay
        while _count() < target and time.monotonic() < stop_at:
            time.sleep(0.005)
        assert proc.poll() is None, "the run finished before the kill: make the feed bigger"
    finally:  # the kill itself, on success and on failure alike
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    return _count(), delay


def test_kill_9_then_rerun_stores_each_record_once(db_url: str, tmp_path: Path) -> None:
    rng = random.Random()
    ids, bad = write_feed(tmp_path / "drop")
    partners = tmp_path / "partners.yaml"
    partners.write_text(
        "partners:\n  - name: crashfeed\n    kind: dropfolder\n    path: drop\n"
        "    mapping: {id: external_id}\n    batch_size: 200\n",
        encoding="utf-8",
    )
    stored_at_kill, delay = _start_and_kill(partners, db_url, rng, 1.5, len(ids))
    assert 0 < stored_at_kill < len(ids), (stored_at_kill, delay)

    res = ingest_flow(load_partners(partners)[0])
    assert res.error is None
    with session_scope() as s:
        stored = post_ids(s, "crashfeed")
        quarantined = int(s.scalar(select(func.count(Quarantine.id))) or 0)
    assert len(stored) == len(set(stored)) == len(ids)  # nothing twice
    assert sorted(stored) == sorted(ids)  # nothing lost
    assert stored_at_kill + res.stored == len(ids)
    # Quarantine rows of the killed run's committed batches are not repeated by the rerun either,
    # because they were committed with the cursor that the rerun starts from.
    assert quarantined == bad
    again = ingest_flow(load_partners(partners)[0])
    assert again.stored == 0 and again.read == 0


@pytest.mark.slow
def test_repeated_kills_of_an_http_ingest(db_url: str, tmp_path: Path) -> None:
    """Three kills at random points of an HTTP ingest (simulator with faults), then a clean run."""
    from feeds.simulator import Fault, FeedState, ServerThread, create_app, sample_posts

    rng = random.Random()
    posts = sample_posts(12_000)
    state = FeedState(
        posts,
        faults=[Fault("5xx", page=p, times=1) for p in range(0, 120, 7)]
        + [Fault("duplicates", page=p, times=0) for p in range(3, 120, 11)],
    )
    with ServerThread(create_app(state)) as server:
        partners = tmp_path / "partners.yaml"
        partners.write_text(
            f"partners:\n  - name: crashapi\n    kind: http\n    url: {server.url}/posts\n"
            "    mapping: {id: external_id, user.handle: author}\n    page_size: 100\n"
            "    batch_size: 300\n    backoff_max_s: 0.2\n",
            encoding="utf-8",
        )
        counts = []
        for _ in range(3):
            n, _delay = _start_and_kill(partners, db_url, rng, 2.0, len(posts) // 6)
            counts.append(n)
        assert counts == sorted(counts) and counts[-1] < len(posts)
        res = ingest_flow(load_partners(partners)[0])
    assert res.error is None
    with session_scope() as s:
        stored = post_ids(s, "crashapi")
    assert len(stored) == len(set(stored)) and sorted(stored) == sorted(p["id"] for p in posts)
