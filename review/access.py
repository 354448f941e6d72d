"""Who may read which queue item, and how much post text a reviewer has been shown.

Post text reaches the browser only after a reveal is recorded: the item page carries none (nor the
text of the post's later versions, only when they arrived), the reveal returns it, and evidence
downloads count as exposure. Moderators read only items that are open, theirs, or awaiting a second
reviewer; leads read any item, and reading another reviewer's is flagged for the audit row.
"""

from __future__ import annotations

from datetime import timedelta

from fastapi import HTTPException
from sqlalchemy.orm import Session

from store import audit, decisions, queue
from store.schema import Post, QueueItem, User, utcnow
from store.settings import get_settings

EXPOSURE_WINDOW = timedelta(hours=4)
REVEAL_FOR = timedelta(minutes=30)  # a reload within this long after a reveal shows the text without a new one
EXPOSURE_ACTIONS = ("reveal", "view_evidence")
MODERATOR_READS = ("open", "referral_pending")


def readable(session: Session, user: User, item_id: int) -> tuple[QueueItem, Post, bool]:
    """The item and post if ``user`` may read it (404/403 otherwise); the flag says it is someone else's.

    Moderators read open items, items awaiting a second reviewer, items they hold and items whose
    latest decision is theirs (undo). Leads read any item; reading one another reviewer holds or
    decided is flagged, and the caller audits it. A refusal is audited and committed at once, so
    it stays on record although the request ends in an error.
    """
    found = queue.get_item(session, item_id)
    if found is None:
        raise HTTPException(status_code=404)
    item, post = found
    own = item.status in MODERATOR_READS or item.claimed_by == user.id
    if not own:
        last = decisions.latest_active(session, item_id)
        own = last is not None and last.user_id == user.id
    if not own and user.role != "lead":
        audit.record(session, user.id, "read_refused", "queue_item", str(item_id), {"status": item.status})
        session.commit()
        raise HTTPException(status_code=403, detail="this item is another reviewer's")
    return item, post, not own


def exposure(session: Session, user: User) -> int:
    """How many reveals and evidence downloads ``user`` recorded in the last ``EXPOSURE_WINDOW``."""
    return audit.count_since(session, EXPOSURE_ACTIONS, utcnow() - EXPOSURE_WINDOW, user_id=user.id)


def wellbeing(session: Session, user: User) -> dict[str, int | bool]:
    """What every page that shows post text tells its reader: their exposure, and whether to take a break."""
    seen = exposure(session, user)
    return {"exposure": seen, "take_break": seen >= get_settings().break_after}


def revealed(session: Session, user: User, item_id: int) -> bool:
    """Whether ``user`` recorded a reveal (or evidence download) of this item within ``REVEAL_FOR``."""
    return (
        audit.count_since(
            session,
            EXPOSURE_ACTIONS,
            utcnow() - REVEAL_FOR,
            object_id=str(item_id),
            user_id=user.id,
            object_type="queue_item",
        )
        > 0
    )


def revealed_posts(session: Session, user: User, post_ids: list[int]) -> set[int]:
    """Which of these posts ``user`` revealed on a case page within ``REVEAL_FOR`` (audit type ``post``).

    A case member may have no queue item (the model never flagged it), so its reveal is recorded
    against the post; the rule is the item page's: no text before a recorded reveal.
    """
    found = audit.objects_since(
        session, EXPOSURE_ACTIONS, utcnow() - REVEAL_FOR, "post", [str(p) for p in post_ids], user.id
    )
    return {int(p) for p in found}
