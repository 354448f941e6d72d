"""Showing a masked entity: its value is recovered from a member post's text, never from the database.

The database holds only keyed hashes of contact values (``features.entities.entity_hash``). When a
reviewer reveals "phone #3 (KH), shared by 12 posts" on a case page, the value is found again by
extracting the entities of the member posts the reviewer may read and keeping the one whose hash
matches. So a reveal needs the post text (behind the same blur/reveal rules and audit as the post
itself), and a stolen database copy still names no phone number beyond what the posts say.
"""

from __future__ import annotations

from collections.abc import Iterable

from features.entities import entity_hash, extract_entities


def reveal_entity(texts: Iterable[str], kind: str, value_hash: str, key: str, region: str = "KH") -> str | None:
    """The normalised value of entity (``kind``, ``value_hash``) as written in one of ``texts``, or None.

    Author and cluster entities are not contact values and are never revealed here (None).
    """
    if kind in ("author", "cluster"):
        return None
    for text in texts:
        for e in extract_entities(text, region):
            if e.kind == kind and entity_hash(kind, e.value, key) == value_hash:
                return e.value
    return None
