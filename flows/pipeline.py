"""The Prefect flows: ingest partner feeds, cluster near-duplicates, score, route to the queue, link networks.

Tasks take whole batches (thousands of records), passed with ``quote`` and no cache policy:
Prefect walks every element of a task's arguments, which costs more than the work itself when
tasks are small (see /work/shared/notes/orchestration.md, summarised in docs/feeds.md).

Ingest is sequential within a partner on purpose: batch *n+1*'s cursor must never be committed
before batch *n*'s records. Scoring is cut into id ranges that run in parallel on the task runner,
which is a thread pool, or prefect-dask's ``DaskTaskRunner`` when ``CHHMAM_DASK_ADDRESS`` is set.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner
from prefect.utilities.annotations import quote

from cases.linking import link_pending
from features.near_duplicates import Banding, cluster_batch, cluster_pending
from features.normalise import content_hash
from feeds.base import Batch, FeedError, Reject
from feeds.parse import safe_dumps
from feeds.records import PostRecord, to_row
from flows.partners import Partner, load_partners
from models.inference import ScoringEngine
from review.routing import Flag, boost_networks, route
from store import posts as store_posts
from store.db import migrate, session_scope
from store.scores import save_scores
from store.settings import get_settings

SCORE_CHUNK = 5000
CLUSTER_CHUNK = 5000
log = logging.getLogger("chhmam.flows")


def _flow_api_dask_runner(address: str) -> Any:
    """A ``DaskTaskRunner`` whose workers report to the flow process's own Prefect API.

    Task runs on a Dask worker talk to the API named in the settings the flow sends along with
    each task. Without a server (Prefect's ephemeral mode) that is empty, and every worker then
    starts a temporary Prefect server of its own, which can outlive the flow. So while the runner
    is in use, the flow's settings name the API this process uses: ``PREFECT_API_URL`` when set,
    else this process's ephemeral server (started if needed, stopped with this process).
    """
    from prefect.server.api.server import SubprocessASGIServer
    from prefect.settings import PREFECT_API_URL, temporary_settings
    from prefect_dask import task_runners

    class DaskTaskRunner(task_runners.DaskTaskRunner):  # type: ignore[misc]  # same name: callers check it
        def __enter__(self) -> Any:
            self._api_context = ExitStack()
            if not PREFECT_API_URL.value():
                server = SubprocessASGIServer()
                server.start()
                self._api_context.enter_context(temporary_settings(updates={PREFECT_API_URL: server.api_url}))
            try:
                return super().__enter__()  # type: ignore[no-untyped-call]
            except BaseException:
                self._api_context.close()
                raise

        def __exit__(self, *exc: object) -> None:
            try:
                super().__exit__(*exc)
            finally:
                self._api_context.close()

    return DaskTaskRunner(address=address)


def make_task_runner() -> Any:
    """prefect-dask's runner on the cluster at ``CHHMAM_DASK_ADDRESS``, else a small thread pool."""
    address = get_settings().dask_address
    if address:
        return _flow_api_dask_runner(address)
    return ThreadPoolTaskRunner(max_workers=max(2, min(4, os.cpu_count() or 2)))


@dataclass
class IngestResult:
    """Counts from one partner's ingest run.

    ``error`` is set when the feed stopped early (the message starts with the partner's name);
    ``skipped`` when another ingest of the same partner held its lease, so this one read nothing.
    """

    source: str
    read: int = 0
    stored: int = 0
    duplicates: int = 0
    edited: int = 0
    quarantined: int = 0
    batches: int = 0
    cursor: str | None = None
    error: str | None = None
    skipped: str | None = None


@dataclass
class PipelineSummary:
    """What ``make demo`` and the pipeline flow report."""

    ingested: int = 0
    duplicates: int = 0
    quarantined: int = 0
    clustered: int = 0
    scored: int = 0
    queued: int = 0
    linked: int = 0
    flagged: dict[str, int] = field(default_factory=dict)
    model_version: str = ""
    errors: list[str] = field(default_factory=list)
    failed_partners: list[str] = field(default_factory=list)


def _record_payload(record: PostRecord) -> Reject:
    """What to quarantine if the database refuses ``record``: the record as validated, as a JSON object
    in the shape a partner sends (extras at the top level), so ``chhmam feeds replay`` can read it."""
    try:
        fields = record.model_dump(mode="json", exclude={"source", "extras"}, exclude_none=True)
        payload = safe_dumps({**record.extras, **fields})
    except (ValueError, TypeError):
        payload = repr(record)
    return Reject(payload, "", f"record {record.external_id[:200]}", record.external_id)


def store_batch(source: str, kind: str, batch: Batch, owner: str | None = None) -> store_posts.StoreCounts:
    """Store a batch's records, rejects and cursor in one transaction; returns the counts.

    Duplicates are dropped by the unique (source, external_id) key, also within the batch (a
    re-sent id with other text is kept as an edit); the content hash (of the normalised text) is
    stored so identical reposts can be found at once. A record the database refuses is isolated
    and quarantined (``store.posts.store_batch_isolated``). With ``owner`` (the run holding the
    partner's lease) the cursor only moves while that lease is held, and the lease is renewed.
    """
    settings = get_settings()
    now = datetime.now(UTC)
    rows, kept, rejects = [], [], list(batch.rejects)
    for r in batch.records:
        try:
            rows.append(to_row(r, settings.author_hmac_key, now, content_hash(r.text)))
            kept.append(r)
        except (ValueError, TypeError, OverflowError, UnicodeError) as exc:
            rejects.append(_record_payload(r)._replace(reason=f"cannot be stored: {type(exc).__name__}: {exc}"))
    until = now + timedelta(seconds=settings.feeds_lease_s) if owner else None
    return store_posts.store_batch_isolated(
        source, kind, rows, lambda i: _record_payload(kept[i]), rejects, batch.cursor, owner, until
    )


@task(cache_policy=NO_CACHE, retries=2, retry_delay_seconds=2)
def store_batch_task(source: str, kind: str, batch: Batch, owner: str | None = None) -> store_posts.StoreCounts:
    """Prefect task around ``store_batch`` (retried: a locked SQLite file or a dropped connection)."""
    return store_batch(source, kind, batch, owner)


def lease_owner_id() -> str:
    """Who a run is, for a partner's lease: host, process id, and a unique part per run."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def _holder_is_dead(holder: str) -> bool:
    """True when ``holder`` ran on this host in a process that no longer exists (killed, crashed)."""
    host, _, rest = holder.partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    try:
        os.kill(int(pid_text), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def take_lease(source: str, kind: str, owner: str) -> tuple[str | None, str | None]:
    """(the holder that keeps this run out, or None; the stored cursor) for one partner.

    A lease held by a dead process on this host is taken over at once; one held elsewhere is
    waited out (``CHHMAM_FEEDS_LEASE_S`` after its last committed batch).
    """
    until = datetime.now(UTC) + timedelta(seconds=get_settings().feeds_lease_s)
    with session_scope() as session:
        holder = store_posts.acquire_lease(session, source, kind, owner, until)
        if holder is not None and _holder_is_dead(holder):
            log.warning("ingest of %s: taking over the lease of %s (that process is gone)", source, holder)
            holder = store_posts.acquire_lease(session, source, kind, owner, until, steal_from=holder)
        return holder, store_posts.get_cursor(session, source)


def give_back_lease(source: str, owner: str) -> None:
    """Release the lease (a failure here only delays the next run until the lease expires)."""
    try:
        with session_scope() as session:
            store_posts.release_lease(session, source, owner)
    except Exception as exc:  # the database went away: the lease expires on its own
        log.warning("ingest of %s: could not release the lease: %s", source, exc)


def _resolve(partner: Partner | str, partners_file: str | None) -> Partner:
    if isinstance(partner, Partner):
        return partner
    if not partners_file:
        raise ValueError("a partner given by name needs partners_file")
    for p in load_partners(Path(partners_file)):
        if p.name == partner:
            return p
    raise ValueError(f"no partner {partner!r} in {partners_file}")


@flow(name="ingest", task_runner=make_task_runner())
def ingest_flow(partner: Partner | str, partners_file: str | None = None) -> IngestResult:
    """Read one partner's feed from its stored cursor and store every batch with its cursor.

    Holds the partner's lease for the whole run, so a second run of the same partner (a slow run
    overlapping the next schedule, a manual run) reads nothing and says so in ``skipped``. A feed
    that fails for good, or anything else that goes wrong while reading this partner, ends this
    partner's run with ``error`` set and one error log line, and never propagates: what was stored
    before stays stored, the next run resumes from the last committed cursor, and the other
    partners of the pipeline are still read.
    """
    p = _resolve(partner, partners_file)
    logger = get_run_logger()
    owner = lease_owner_id()
    result = IngestResult(source=p.name)
    try:
        holder, result.cursor = take_lease(p.name, p.kind, owner)
    except Exception as exc:  # the database is unreachable: this partner fails, the next one is tried
        result.error = f"{p.name}: cannot take the ingest lease: {type(exc).__name__}: {str(exc)[:300]}"
        logger.error("ingest of %s failed: %s", p.name, result.error)
        return result
    if holder is not None:
        result.skipped = f"another ingest of {p.name} holds the lease ({holder})"
        logger.warning("ingest of %s skipped: %s", p.name, result.skipped)
        return result
    try:
        for batch in p.connector().read(result.cursor):
            if not len(batch) and batch.cursor in (None, result.cursor):
                continue
            counts = store_batch_task(p.name, p.kind, quote(batch), owner)  # type: ignore[call-overload]
            result.batches += 1
            result.read += len(batch.records)
            result.stored += counts.new
            result.edited += counts.edited
            result.duplicates += len(batch.records) - counts.new - counts.refused
            result.quarantined += counts.quarantined
            if batch.cursor is not None:
                result.cursor = batch.cursor
    except FeedError as exc:
        result.error = str(exc)
        logger.error("ingest of %s stopped: %s (cursor stays at %r)", p.name, exc, result.cursor)
    except Exception as exc:
        result.error = f"{p.name}: {type(exc).__name__}: {str(exc)[:500]}"
        logger.exception("ingest of %s failed: %s (cursor stays at %r)", p.name, exc, result.cursor)
    finally:
        give_back_lease(p.name, owner)
    logger.info(
        "ingest %s: read %d, stored %d, duplicates %d, edited %d, quarantined %d",
        p.name,
        result.read,
        result.stored,
        result.duplicates,
        result.edited,
        result.quarantined,
    )
    return result


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def cluster_batch_task(posts: list[tuple[int, str]]) -> int:
    """Cluster one batch of unclustered posts (one transaction)."""
    return cluster_batch(posts, Banding.for_threshold())


@flow(name="cluster", task_runner=make_task_runner())
def cluster_flow(batch_size: int = CLUSTER_CHUNK) -> int:
    """Put every unclustered post in a near-duplicate cluster (batches run one after the other)."""
    return cluster_pending(batch_size, lambda posts: cluster_batch_task(quote(posts)))  # type: ignore[call-overload]


@lru_cache(maxsize=2)
def _engine(model_dir: str) -> ScoringEngine:
    """The engine of ``model_dir``, loaded once per process (each Dask worker loads its own).

    Its ONNX thread count comes from ``CHHMAM_SCORE_THREADS`` as read in this process, so a
    worker started with 1 does not run the bundle's 2 threads on its single core.
    """
    return ScoringEngine.from_dir(Path(model_dir), threads=get_settings().score_threads)


def score_range(
    engine: ScoringEngine, after_id: int, max_id: int | None, batch_size: int = SCORE_CHUNK
) -> tuple[int, dict[str, int]]:
    """Score the unscored posts with ``after_id`` < id ≤ ``max_id``; returns (scored, flagged per label)."""
    scored = 0
    flagged: dict[str, int] = {}
    while True:
        with session_scope() as session:
            posts = store_posts.posts_to_score(
                session, engine.version, limit=batch_size, after_id=after_id, max_id=max_id
            )
            if not posts:
                return scored, flagged
            after_id = posts[-1].id
            results = engine.score_texts([p.text for p in posts])
            rows = []
            for post, res in zip(posts, results, strict=True):
                for lb in engine.labels:
                    rows.append(
                        {
                            "post_id": post.id,
                            "label": lb,
                            "model_version": engine.version,
                            "probability": res.scores[lb],
                            "threshold": engine.thresholds[lb],
                            "flagged": lb in res.flagged,
                            "indicators": {},
                        }
                    )
                for lb in res.flagged:
                    flagged[lb] = flagged.get(lb, 0) + 1
            save_scores(session, rows)
            store_posts.set_post_language(session, {p.id: r.lang for p, r in zip(posts, results, strict=True)})
            scored += len(posts)


def route_pending(model_version: str, batch_size: int = 5000) -> int:
    """Queue every flagged post of ``model_version`` that is not queued yet; returns how many."""
    queued = 0
    while True:
        with session_scope() as session:
            rows = store_posts.flagged_unqueued(session, model_version, limit=batch_size)
            if not rows:
                return queued
            queued += route(session, [Flag(pid, scores, labels, model_version) for pid, scores, labels in rows])


def score_pending(engine: ScoringEngine, batch_size: int = SCORE_CHUNK) -> tuple[int, int, dict[str, int]]:
    """Score everything pending and route the flagged posts, without Prefect: (scored, queued, flagged)."""
    scored, flagged = score_range(engine, 0, None, batch_size)
    return scored, route_pending(engine.version), flagged


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def score_range_task(model_dir: str, after_id: int, max_id: int) -> tuple[int, dict[str, int]]:
    """Score one id range (thousands of posts) with the published model."""
    return score_range(_engine(model_dir), after_id, max_id)


@task(cache_policy=NO_CACHE)
def route_task(model_version: str) -> int:
    """Route flagged, not yet queued posts into the review queue."""
    return route_pending(model_version)


def _ranges(ids: list[int], chunk: int) -> list[tuple[int, int]]:
    """(after_id, max_id) bounds covering ``ids`` in chunks of ``chunk`` posts."""
    out = []
    for start in range(0, len(ids), chunk):
        part = ids[start : start + chunk]
        out.append((part[0] - 1, part[-1]))
    return out


@flow(name="score-and-route", task_runner=make_task_runner())
def score_flow(model_dir: str | None = None, chunk: int = SCORE_CHUNK) -> tuple[int, int, dict[str, int], str]:
    """Score new posts with the published model (id ranges in parallel), then queue the flagged ones."""
    mdir = model_dir or str(get_settings().model_dir)
    version = _engine(mdir).version
    with session_scope() as session:
        ids = store_posts.ids_to_score(session, version)
    futures = [score_range_task.submit(mdir, lo, hi) for lo, hi in _ranges(ids, chunk)]
    scored = 0
    flagged: dict[str, int] = {}
    for fut in futures:
        n, fl = fut.result()
        scored += n
        for lb, c in fl.items():
            flagged[lb] = flagged.get(lb, 0) + c
    queued = route_task(version)
    return scored, queued, flagged, version


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def link_task() -> int:
    """Link new posts into networks and refresh the summaries of decided ones (``cases.linking``).

    After scoring and routing, so that a network's summary counts the members just queued; then the
    waiting members of the networks it touched go up the queue when their case is confirmed or
    referred (``review.routing.boost_networks``).
    """
    result = link_pending()
    with session_scope() as session:
        boost_networks(session, result.networks_touched)
    return result.posts


@flow(name="pipeline", task_runner=make_task_runner())
def pipeline_flow(partners_file: str, model_dir: str | None = None) -> dict[str, object]:
    """Ingest every partner in ``partners_file``, cluster, score and route, link networks: the whole chain."""
    migrate()
    summary = PipelineSummary()
    for partner in load_partners(Path(partners_file)):
        res = ingest_flow(partner)
        summary.ingested += res.stored
        summary.duplicates += res.duplicates
        summary.quarantined += res.quarantined
        if res.error:
            summary.errors.append(res.error)
            summary.failed_partners.append(partner.name)
    summary.clustered = cluster_flow()
    summary.scored, summary.queued, summary.flagged, summary.model_version = score_flow(model_dir)
    summary.linked = link_task()
    return asdict(summary)
