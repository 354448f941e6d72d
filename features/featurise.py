"""The one record every later stage uses: ``FeaturedPost``."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from features.language import Lang, identify
from features.normalise import normalise


class FeaturedPost(BaseModel):
    """Original text, its normalised form and the detected language."""

    model_config = ConfigDict(frozen=True)

    original: str
    normalised: str
    lang: Lang


def featurise(text: str) -> FeaturedPost:
    """Normalise ``text`` and identify its language (cheap: no word segmentation here)."""
    norm = normalise(text)
    return FeaturedPost(original=text, normalised=norm, lang=identify(norm))
