"""The engine's lighter featurisation gives the normalised text and language ``featurise`` gives."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from features.featurise import featurise
from models.inference import scoring_post

POSTS = [
    "hey wh4t gr4de r u in? add me on t e l e g r a m",
    "rok neak tvoeu kar tov thai ayu 16-20 prak khae 15000 baht ot chea passport",
    "អូនរៀនថ្នាក់ទីប៉ុន្មាន? កុំប្រាប់ម៉ាក់ណា",
    "Good morning បង have a nice day",
    "",
]


def _same(text: str) -> None:
    full, light = featurise(text), scoring_post(text)
    assert (light.normalised, light.lang) == (full.normalised, full.lang)
    assert light.original == text and light.indicators == ()


def test_known_posts() -> None:
    for text in POSTS:
        _same(text)


@given(st.text(alphabet=st.sampled_from(list("abcdeghikmnorstuy 0134@$.-\nកខគងាិុេ្ថៃ🤫📱")), max_size=60))
@settings(max_examples=80, deadline=None)
def test_any_text(text: str) -> None:
    _same(text)
