"""The Prefect flows: ingest partner feeds, score new posts, route flagged ones to the queue.

Tasks take whole batches (thousands of records), passed with ``quote`` and no cache policy:
Prefect walks every element of a task's arguments, which costs more than the work itself when
tasks are small (see docs/orchestration notes in the README).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from features.normalise import content_hash
from feeds.base import Batch
from feeds.dropfolder import read_dropfolder
from feeds.records import to_row
from flows.partners import Partner, load_partners
from models.inference import ScoringEngine
from review.routing import Flag, route
from store.db import migrate, session_scope
from store.posts import get_cursor, insert_posts, posts_to_score, quarantine, set_cursor, set_post_language
from store.scores import save_scores
from store.settings import get_settings


@dataclass
class IngestResult:
    """Counts from one partner's ingest run."""

    source: str
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    quarantined: int = 0


@dataclass
class PipelineSummary:
    """What ``make demo`` and the pipeline flow report."""

    ingested: int = 0
    duplicates: int = 0
    quarantined: int = 0
    scored: int = 0
    queued: int = 0
    flagged: dict[str, int] = field(default_factory=dict)
    model_version: str = ""


def store_batch(source: str, kind: str, batch: Batch) -> tuple[int, int]:
    """Store a batch's records, rejects and cursor in one transaction; returns (new, quarantined)."""
    hmac_key = get_settings().author_hmac_key
    now = datetime.now(UTC)
    with session_scope() as session:
        new = insert_posts(session, [to_row(r, hmac_key, now, content_hash(r.text)) for r in batch.records])
        bad = quarantine(session, source, batch.rejects)
        if batch.cursor is not None:
            set_cursor(session, source, kind, batch.cursor)
    return new, bad


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def store_batch_task(source: str, kind: str, batch: Batch) -> tuple[int, int]:
    """Prefect task around ``store_batch`` (retried: a locked SQLite file or a dropped connection)."""
    return store_batch(source, kind, batch)


@flow(name="ingest")
def ingest_flow(partner: Partner) -> IngestResult:
    """Read one partner's feed from its stored cursor and store every batch with its cursor."""
    with session_scope() as session:
        cursor = get_cursor(session, partner.name)
    result = IngestResult(source=partner.name)
    for batch in read_dropfolder(partner.name, partner.path, cursor, mapping=partner.mapping):
        new, bad = store_batch_task(partner.name, partner.kind, quote(batch))  # type: ignore[call-overload]
        result.read += len(batch.records)
        result.stored += new
        result.duplicates += len(batch.records) - new
        result.quarantined += bad
    return result


def score_pending(engine: ScoringEngine, batch_size: int = 5000) -> tuple[int, int, dict[str, int]]:
    """Score every post the engine's model has not scored yet; returns (scored, queued, flagged per label)."""
    scored = queued = 0
    flagged: dict[str, int] = {}
    after = 0
    while True:
        with session_scope() as session:
            posts = posts_to_score(session, engine.version, limit=batch_size, after_id=after)
            if not posts:
                break
            after = posts[-1].id
            results = engine.score_texts([p.text for p in posts])
            rows, flags = [], []
            for post, res in zip(posts, results, strict=True):
                for lb in engine.labels:
                    rows.append({"post_id": post.id, "label": lb, "model_version": engine.version,
                                 "probability": res.scores[lb], "threshold": engine.thresholds[lb],
                                 "flagged": lb in res.flagged, "indicators": {}})
                if res.flagged:
                    flags.append(Flag(post.id, res.scores, res.flagged, engine.version))
                    for lb in res.flagged:
                        flagged[lb] = flagged.get(lb, 0) + 1
            save_scores(session, rows)
            set_post_language(session, {p.id: r.lang for p, r in zip(posts, results, strict=True)})
            queued += route(session, flags)
            scored += len(posts)
    return scored, queued, flagged


@task(cache_policy=NO_CACHE)
def score_task(model_dir: str) -> tuple[int, int, dict[str, int], str]:
    """Load the published model and score everything pending."""
    engine = ScoringEngine.from_dir(Path(model_dir))
    scored, queued, flagged = score_pending(engine)
    return scored, queued, flagged, engine.version


@flow(name="score-and-route")
def score_flow(model_dir: str | None = None) -> tuple[int, int, dict[str, int], str]:
    """Score new posts with the published model and queue the flagged ones."""
    return score_task(model_dir or str(get_settings().model_dir))


@flow(name="pipeline")
def pipeline_flow(partners_file: str, model_dir: str | None = None) -> dict[str, object]:
    """Ingest every partner in ``partners_file``, then score and route: the whole chain."""
    migrate()
    summary = PipelineSummary()
    for partner in load_partners(Path(partners_file)):
        res = ingest_flow(partner)
        summary.ingested += res.stored
        summary.duplicates += res.duplicates
        summary.quarantined += res.quarantined
    summary.scored, summary.queued, summary.flagged, summary.model_version = score_flow(model_dir)
    return asdict(summary)
