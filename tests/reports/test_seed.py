"""The seeded database of ``tests/support/reports_seed.py`` holds what its docstring says."""

from __future__ import annotations

from sqlalchemy import func, select

from store.db import session_scope
from store.schema import Decision, Post, QueueItem
from tests.support.reports_seed import W47_END, W47_START, seed_url


def test_seed_inserts_what_the_docstring_says(sqlite_url: str) -> None:
    seed_url(sqlite_url)
    from store.db import get_engine

    with session_scope(get_engine(sqlite_url)) as session:
        assert session.execute(select(func.count(Post.id))).scalar_one() == 12 + 3 + 7 + 11 + 1
        assert session.execute(select(func.count(QueueItem.id))).scalar_one() == 11 + 2 + 6 + 9
        assert session.execute(select(func.count(Decision.id))).scalar_one() == 6 + 1 + 5 + 2 + 6 + 9


def test_reviewed_flags_give_each_items_standing_verdict_with_its_scores(db_url: str) -> None:
    from store.db import get_engine
    from store.report_queries import reviewed_flags

    seed_url(db_url)
    with session_scope(get_engine(db_url)) as session:
        flags = reviewed_flags(session)
        assert len(flags) == 11 + 2 + 6 + 9 == len({f.queue_item_id for f in flags})  # the undone dismissal is gone
        grooming = [f for f in flags if "grooming" in f.flagged]
        # a referral confirms
        assert len(grooming) == 26 and sum("grooming" in f.confirmed for f in grooming) == 6 + 5 + 7
        assert all(
            f.probabilities == {"grooming": 0.9, "trafficking_ad": 0.01} for f in grooming if f.flagged == ("grooming",)
        )
        assert {f.action for f in flags} == {"confirm", "dismiss", "refer"}
        assert len(reviewed_flags(session, W47_START, W47_END)) == 11 + 2 + 6  # all of W47's decisions
        assert not any(hasattr(f, "text") for f in flags)
