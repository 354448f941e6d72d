"""The one record every later stage uses: ``FeaturedPost``.

``featurise(text)`` is on the scoring path (called for every scored post), so by default it does
normalisation, language (post and spans) and indicators only: about 10-20 k posts/s on one core
(bench/features_throughput.py). Khmer word segmentation (khmer-nltk) costs 10-100x more and runs
only when asked: ``featurise(text, segment=True)`` or ``features.tokenise.tokenise``.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from features.indicators import Indicator, find_indicators
from features.language import Lang, LangSpan, identify_spans, spans
from features.normalise import normalise_mapped
from features.tokenise import Token, tokenise_mapped


class FeaturedPost(BaseModel):
    """Original text, normalised text, language, language spans, tokens and indicators.

    All offsets (spans, tokens, indicators) point into ``original``. ``tokens`` is empty unless
    the post was featurised with ``segment=True``.
    """

    model_config = ConfigDict(frozen=True)

    original: str
    normalised: str
    lang: Lang
    spans: tuple[LangSpan, ...] = ()
    tokens: tuple[Token, ...] = ()
    indicators: tuple[Indicator, ...] = ()

    def indicator_groups(self) -> dict[str, int]:
        """How many indicators of each group (contact, money, grooming, trafficking, ...)."""
        counts: dict[str, int] = {}
        for ind in self.indicators:
            counts[ind.group] = counts.get(ind.group, 0) + 1
        return counts


def featurise(text: str, segment: bool = False) -> FeaturedPost:
    """Normalise ``text``, identify its language, find indicators; segment words only if asked."""
    mapped = normalise_mapped(text)
    norm = mapped.text
    found = spans(norm)
    orig_spans = []
    for s in found:
        a, b = mapped.to_original(s.start, s.end)
        orig_spans.append(LangSpan(a, b, s.lang))
    return FeaturedPost(
        original=text,
        normalised=norm,
        lang=identify_spans(norm, found),
        spans=tuple(orig_spans),
        tokens=tokenise_mapped(mapped) if segment else (),
        indicators=find_indicators(mapped, text),
    )
