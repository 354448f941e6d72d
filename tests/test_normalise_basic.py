"""Normalisation never raises and is idempotent, for any string."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from features.featurise import featurise
from features.language import identify
from features.normalise import normalise

khmer = st.text(alphabet=st.characters(min_codepoint=0x1780, max_codepoint=0x17FF), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(), khmer))
def test_normalise_idempotent(text: str) -> None:
    once = normalise(text)
    assert normalise(once) == once
    assert featurise(text).lang in ("km", "en", "mixed")


def test_languages() -> None:
    assert identify("អូនអាយុប៉ុន្មានហើយ?") == "km"
    assert identify("Happy birthday my dear sister") == "en"
    assert identify("oun rean thnak ti pon man? bong tinh luy phone oy oun") == "mixed"
    assert identify("ការងារនៅថៃ salary 1500 USD contact telegram now") == "mixed"
