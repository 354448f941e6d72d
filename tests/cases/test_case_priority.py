"""Queue priority takes the network into account: a new post linked to a confirmed case goes up.

Every number is in the unassigned +855 50 range; handles are ``fake_…``.
"""

from __future__ import annotations

from sqlalchemy import select

from cases.linking import LinkConfig, link_pending
from review import cases, routing
from store import networks, queue
from store.db import session_scope
from store.schema import QueueItem, User
from tests.support.cases import KEY, case_text, seed_case
from tests.support.review import add_users, seed


def test_new_post_linked_to_a_confirmed_case_goes_up_the_queue(db_url: str) -> None:
    case = seed_case(4)
    add_users(("lead1", "lead"))
    with session_scope() as s:
        lead = s.execute(select(User).where(User.username == "lead1")).scalar_one()
        cases.decide_case(s, lead, case.network_id, "confirm")
        net = networks.get_network(s, case.network_id)
        assert net is not None and net.decisions == {"confirm": 4} and net.risk > 0.8
    # two new flagged posts with the same base priority: one quotes the ring's number, one does not
    new = seed(2, texts=[case_text(7), "Free English lessons for grade 6, call the school office"])
    # the seed helper spreads priorities by position; give both the same to compare like with like
    with session_scope() as s:
        for i in new:
            item = s.get(QueueItem, i)
            assert item is not None
            item.priority, item.max_probability = 0.5, 0.5
    result = link_pending(config=LinkConfig(KEY))
    assert case.network_id in result.networks_touched
    with session_scope() as s:
        raised = routing.boost_networks(s, result.networks_touched)
        assert raised == [new[0]]
        linked, other = s.get(QueueItem, new[0]), s.get(QueueItem, new[1])
        assert linked is not None and other is not None
        risk = networks.get_network(s, case.network_id).risk  # type: ignore[union-attr]
        assert linked.priority == routing.network_priority(0.5, risk) > other.priority == 0.5
        assert queue.list_items(s, limit=1)[0][0].id == new[0]  # first in claim order
        assert routing.boost_networks(s, result.networks_touched) == []  # deterministic: no second lift
