"""The served model's cue tokens, pinned.

``models.cues`` keeps its own money and age patterns although ``features.indicators`` parses money,
ages and phones for moderators: the released model was trained on these exact tokens (and pickles
``models.cues.with_cues`` by reference), and the indicators' parsers would change the tokens of 231
of the 19,500 generated and probe texts (more currencies and multipliers, "i'm 15", no "N ឆ្នាំ").
Changing a cue is a retraining decision, so these cases fail loudly first.
"""

from __future__ import annotations

import pytest

from models.cues import CUE_WORDS, cue_tokens, model_text, with_cues

CASES = [
    ("salary $1,500 per month", ["zzmoneyhigh"]),
    ("salary 1500$ monthly", ["zzmoneyhigh"]),
    ("pay 1500 usd", ["zzmoneyhigh"]),
    ("earn 600 dollars", ["zzmoneymid"]),
    ("1200 dolla a month", ["zzmoneyhigh"]),
    ("១៥០០ ដុល្លារ ក្នុងមួយខែ", ["zzmoneyhigh"]),
    ("៥០០$", ["zzmoneymid"]),
    ("6 million riel", ["zzmoneyhigh"]),
    ("6 million riels", ["zzmoneyhigh"]),
    ("2000000 ៛", ["zzmoneymid"]),
    ("800000 រៀល", ["zzmoneylow"]),
    ("50,000 baht", ["zzmoneyhigh"]),
    ("50k baht", ["zzmoneyhigh"]),
    ("15000 បាត", ["zzmoneylow"]),
    ("$2k bonus", ["zzmoneyhigh"]),
    ("$ 300", ["zzmoneylow"]),
    ("3k$", ["zzmoneyhigh"]),
    ("$45 phone card", ["zzmoneysmall"]),
    ("100 riel", ["zzmoneysmall"]),
    ("age 15", ["zzageminor"]),
    ("aged 16", ["zzageminor"]),
    ("you are age17?", ["zzageminor"]),
    ("អាយុ 14 ឆ្នាំ", ["zzageminor"]),
    ("អាយុ១៦", ["zzageminor"]),
    ("ayu 13", ["zzageminor"]),
    ("16 years old", ["zzageminor"]),
    ("17 year old", ["zzageminor"]),
    ("15yo", ["zzageminor"]),
    ("14 chnam", ["zzageminor"]),
    ("១៥ ឆ្នាំ", ["zzageminor"]),
    ("age 22 welcome", ["zzageyoung"]),
    ("20 years old", ["zzageyoung"]),
    ("age 40", []),
    ("5 ឆ្នាំហើយ", ["zzageminor"]),
    ("grade 9 student", []),
    ("no numbers at all", []),
    ("call 012 345 678", []),
    ("i'm 15", []),
    # Retrained with issue #31: ringgit, Singapore dollars and dong count; an amount written with the
    # currency on both sides counts twice (as "$1,500 usd" always has).
    ("rm 500 ringgit", ["zzmoneylow", "zzmoneylow"]),
    ("3000 ringgit", ["zzmoneymid"]),
    ("RM4000 sebulan", ["zzmoneyhigh"]),
    ("gaji 1500 rm", ["zzmoneylow"]),
    ("S$2000 per month", ["zzmoneyhigh"]),
    ("s$ 700", ["zzmoneymid"]),
    ("1200 sgd", ["zzmoneyhigh"]),
    ("us$500", ["zzmoneymid"]),  # still USD: only a lone "s" before "$" means Singapore
    ("luong 25000000 dong", ["zzmoneyhigh"]),
    ("5,000,000 VND", ["zzmoneylow"]),
    ("500k dong", ["zzmoneysmall"]),
    ("hav 3 dong", []),  # "three times" in romanised Khmer, not money
    ("SALARY 1500 USD", ["zzmoneyhigh"]),  # upper case counts (the text is lower-cased first)
    ("25000 baht", ["zzmoneymid"]),
    ("prak khae 1500$", ["zzmoneyhigh"]),
    ("ayu 16-20", ["zzageminor"]),  # a range counts by its lower bound
    ("age 18-25", ["zzageyoung"]),
    ("16-20 chnam", ["zzageminor"]),
    ("18 - 25 chhnam", ["zzageyoung"]),
    ("15 chhnam", ["zzageminor"]),
    ("ayuh 14", ["zzageminor"]),
    ("អាយុ ១៦-២០ ឆ្នាំ", ["zzageminor"]),
    ("ayu 16-20 chnam", ["zzageminor"]),
    ("1.5 million riel", ["zzmoneylow"]),
    ("$1,500 and age 16", ["zzmoneyhigh", "zzageminor"]),
]


@pytest.mark.parametrize(("text", "tokens"), CASES)
def test_cue_tokens_are_pinned(text: str, tokens: list[str]) -> None:
    assert cue_tokens(text) == tokens


def test_with_cues_and_model_text() -> None:
    assert with_cues("no numbers at all") == "no numbers at all"
    assert with_cues("$1,500 and age 16") == "$1,500 and age 16 zzmoneyhigh zzageminor"
    assert model_text("age 15 age 16", "query: ", cues=True) == "query: age 15 age 16 | under 18"
    assert model_text("age 15", "query: ") == "query: age 15"
    assert set(CUE_WORDS) == {"zzmoneyhigh", "zzmoneymid", "zzmoneylow", "zzmoneysmall", "zzageminor", "zzageyoung"}


def test_with_cues_keeps_the_name_the_released_model_pickled() -> None:
    assert (with_cues.__module__, with_cues.__qualname__) == ("models.cues", "with_cues")
