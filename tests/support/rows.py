"""Stored rows for tests that need reviewers' past decisions: a post, its queue item and one decision.

Why here: the retraining tests (labels export, moderator checks, the end-to-end retrain) each need
many decided posts that differ only in text, language, verdict and who decided.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from store.schema import Decision, Post, QueueItem


def add_decided_post(
    session: Session,
    *,
    external_id: str,
    content_hash: str,
    text: str,
    at: datetime,
    lang: str,
    confirm: bool,
    decided_at: datetime,
    model_version: str,
    user_id: int | None = None,
    cluster_id: int | None = None,
) -> Post:
    """A post flagged for grooming, its decided queue item, and the reviewer's confirm or dismiss."""
    post = Post(
        source="seed",
        external_id=external_id,
        content_hash=content_hash,
        text=text,
        ingested_at=at,
        lang=lang,
        cluster_id=cluster_id,
        extras={},
    )
    session.add(post)
    session.flush()
    item = QueueItem(
        post_id=post.id,
        labels=["grooming"],
        max_probability=0.8,
        priority=0.8,
        model_version=model_version,
        status="decided",
        enqueued_at=at,
    )
    session.add(item)
    session.flush()
    session.add(
        Decision(
            queue_item_id=item.id,
            post_id=post.id,
            user_id=user_id,
            action="confirm" if confirm else "dismiss",
            labels=["grooming"] if confirm else [],
            created_at=decided_at,
        )
    )
    return post
