"""Entities: one value per contact however it is written; values hashed with the author key."""

from __future__ import annotations

from features.entities import Entity, entity_hash, extract_entities
from feeds.records import author_hash

# Numbers in the unassigned +855 50 range, handles and domains made up for the tests.
SAME_PHONE = [
    "call 050 123 456 now",
    "ទូរស័ព្ទ ០៥០ ១២៣ ៤៥៦",
    "tel +855 50 123 456",
    "(+855) 050-123-456",
    "zero five zero one two three four five six",
    "សូន្យ ប្រាំ សូន្យ មួយ ពីរ បី បួន ប្រាំ ប្រាំមួយ",
    "wa.me/85550123456",
]


def _kinds(text: str) -> set[tuple[str, str]]:
    return {(e.kind, e.value) for e in extract_entities(text)}


def test_one_phone_however_written() -> None:
    for text in SAME_PHONE:
        assert ("phone", "+85550123456") in _kinds(text), text


def test_handles_per_app_links_and_urls() -> None:
    ents = extract_entities(
        "add telegram @Fake_Job_88 or t.me/fakejob88, line id: fake.line99, "
        "WeChat: wx_fake77, apply www.fake-jobs.example.net/apply?ref=9#top"
    )
    assert Entity("handle", "fake_job_88", "telegram") in ents
    assert Entity("handle", "fakejob88", "telegram") in ents
    assert Entity("handle", "fake.line99", "line") in ents
    assert Entity("handle", "wx_fake77", "wechat") in ents
    assert Entity("url", "fake-jobs.example.net/apply?ref=9") in ents
    assert Entity("domain", "fake-jobs.example.net") in ents
    assert not any(e.kind == "domain" and e.value == "t.me" for e in ents)


def test_no_handle_from_plain_words() -> None:
    assert not [e for e in extract_entities("add my telegram for more info") if e.kind == "handle"]


def test_email_and_wallets() -> None:
    kinds = _kinds("mail Fake.Agent@Example.org, ABA acc: 000 111 222, usdt 0x" + "ab" * 20)
    assert ("email", "fake.agent@example.org") in kinds
    assert ("wallet", "000111222") in kinds
    assert ("wallet", "0x" + "ab" * 20) in kinds


def test_hash_is_the_author_hmac_of_kind_and_value() -> None:
    h = entity_hash("phone", "+85550123456", "k")
    assert h == author_hash("phone:+85550123456", "k") and "50123456" not in h
    assert h != entity_hash("handle", "+85550123456", "k") != entity_hash("phone", "+85550123456", "other")
