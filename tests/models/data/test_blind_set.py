"""The second blind evaluation set (``data/blind/``, issue #31): its shape, its balance and its safety.

The set is frozen: written by hand before any model scored it, used only for reporting, never for
training or tuning. These tests check the file, not any model on it.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest

from models.data.generator import KINDS, LABEL_KINDS, LANGS, NEGATIVE_KINDS, POSITIVE_KINDS, unsafe_terms
from models.jsonl import read_jsonl
from tests.support.paths import ROOT

BLIND = ROOT / "data" / "blind" / "blind.jsonl"
PROBE = ROOT / "data" / "probe" / "probe.jsonl"
FIELDS = {"id", "text", "labels", "lang", "kind", "register"}
MIN_ROWS = 300
MIN_POSITIVES = 60  # per label, all languages together
MIN_POSITIVES_PER_LANG = 15  # per label and language

# Phone numbers. Digits (Khmer digits read as ASCII) in groups joined by single spaces, dots or dashes
# form one run. A run is a Cambodian phone number when it starts with the trunk 0 and has 9-10 digits
# (012 345 678, 097 123 4567) or starts with the country code 855 and has 11-12 digits
# (+855 12 345 678). Such a run must lie in the fake block the set uses, 0 50 000 ... / +855 50 000 ...
# (050 is not a Cambodian mobile prefix); the set itself writes them with letters ("+855 50 000 0xx"),
# so in practice no full number appears at all. Salaries and ranges ("1000-1500$", "15,000 baht") do not
# start with 0 or 855 and are left alone.
_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
_DIGIT_RUN = re.compile(r"\d+(?:[ .\-]\d+)*")
_FAKE_PREFIXES = ("050000", "85550000")


def phone_numbers(text: str) -> list[str]:
    """Digit runs in ``text`` that look like full Cambodian phone numbers (see the rule above)."""
    found = []
    for match in _DIGIT_RUN.finditer(text.translate(_KHMER_DIGITS)):
        digits = re.sub(r"\D", "", match.group())
        if (digits.startswith("0") and 9 <= len(digits) <= 10) or (
            digits.startswith("855") and 11 <= len(digits) <= 12
        ):
            found.append(digits)
    return found


def real_looking_numbers(text: str) -> list[str]:
    return [n for n in phone_numbers(text) if not n.startswith(_FAKE_PREFIXES)]


@pytest.fixture(scope="module")
def rows() -> list[dict[str, Any]]:
    return list(read_jsonl(BLIND))


def test_phone_rule_catches_numbers_and_spares_salaries() -> None:
    assert real_looking_numbers("call 012 345 678 now") == ["012345678"]
    assert real_looking_numbers("tel +855 97-123-4567") == ["855971234567"]
    assert real_looking_numbers("ទាក់ទង ០១២ ៣៤៥ ៦៧៨") == ["012345678"]
    assert real_looking_numbers("fake +855 50 000 0123 and 050 000 012") == []
    assert real_looking_numbers("call +855 50 000 0xx") == []
    assert real_looking_numbers("luy khe 1000-1500$, 15,000 baht, 10 000 000 riel, class of 2029") == []


def test_at_least_300_rows_with_the_allowed_fields_and_values(rows: list[dict[str, Any]]) -> None:
    assert len(rows) >= MIN_ROWS
    for row in rows:
        assert set(row) == FIELDS, row.get("id")
        assert isinstance(row["text"], str) and row["text"].strip() == row["text"] and row["text"], row["id"]
        assert row["lang"] in LANGS, row["id"]
        assert row["kind"] in KINDS, row["id"]
        assert isinstance(row["register"], str) and re.fullmatch(r"[a-z_]+", row["register"]), row["id"]
        assert isinstance(row["labels"], list) and set(row["labels"]) <= set(LABEL_KINDS), row["id"]
        assert len(set(row["labels"])) == len(row["labels"]), row["id"]


def test_labels_follow_the_kind(rows: list[dict[str, Any]]) -> None:
    for row in rows:
        if row["kind"] in NEGATIVE_KINDS:
            assert row["labels"] == [], row["id"]
        else:
            assert sorted(row["labels"]) == sorted(POSITIVE_KINDS[row["kind"]]), row["id"]


def test_ids_are_unique_and_sequential(rows: list[dict[str, Any]]) -> None:
    assert [row["id"] for row in rows] == [f"blind-{i:03d}" for i in range(len(rows))]


def test_every_label_has_enough_positives_overall_and_per_language(rows: list[dict[str, Any]]) -> None:
    per_label = Counter(label for row in rows for label in row["labels"])
    per_cell = Counter((label, row["lang"]) for row in rows for label in row["labels"])
    for label in LABEL_KINDS:
        assert per_label[label] >= MIN_POSITIVES, label
        for lang in LANGS:
            assert per_cell[(label, lang)] >= MIN_POSITIVES_PER_LANG, (label, lang)
    negatives = [row for row in rows if not row["labels"]]
    assert {row["kind"] for row in negatives} == set(NEGATIVE_KINDS)
    assert {row["lang"] for row in negatives} == set(LANGS)


def test_texts_are_unique(rows: list[dict[str, Any]]) -> None:
    texts = Counter(row["text"].casefold() for row in rows)
    assert [t for t, n in texts.items() if n > 1] == []


def test_content_rule_holds_for_every_text(rows: list[dict[str, Any]]) -> None:
    assert [(row["id"], hits) for row in rows if (hits := unsafe_terms(row["text"]))] == []


def test_no_text_is_a_probe_text(rows: list[dict[str, Any]]) -> None:
    probe = {row["text"].casefold().strip() for row in read_jsonl(PROBE)}
    assert [row["id"] for row in rows if row["text"].casefold().strip() in probe] == []


def test_no_real_looking_phone_number(rows: list[dict[str, Any]]) -> None:
    assert [(row["id"], nums) for row in rows if (nums := real_looking_numbers(row["text"]))] == []
