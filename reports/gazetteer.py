"""Which of Cambodia's 25 provinces a location string names, from ``data/gazetteer/provinces.yaml``.

Why a gazetteer and not the official list alone: partners send ``ក្រុងភ្នំពេញ``, ``Siem Reap Province``,
``Ratanakiri``, ``កណ្តាល`` (with ត where the official spelling has ដ) or a town (``Poipet``). An exact
match against 25 official names left a third of posts ``unknown`` and under-counted every province.

Matching, in order, on a *key* (see :func:`key`): the whole string, then the string without the
prefixes/suffixes the file lists (ខេត្ត, ក្រុង, Province, City ...), then every known name found inside
it, longest first (``Poipet, Banteay Meanchey``). Names from two different provinces make the string
ambiguous, hence ``None``. A string that matches nothing is counted by :class:`Unmatched` so the
gazetteer can grow; only the location strings are kept there, never a post's text.

Only a province name can ever be printed: a free-text hint that holds a village or a handle maps to
``None`` and is published as ``unknown``.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from features.normalise import normalise
from store.paths import SOURCE

GAZETTEER = SOURCE.gazetteer
_DROP = re.compile(r"[\s\u200b\u200c\u200d\-_.,;:'’\"()/\\|&#]+")
_COENG_DA = "\u17d2\u178a"  # subscript ដ, drawn exactly like subscript ត and typed interchangeably
_COENG_TA = "\u17d2\u178f"
MIN_INSIDE = 4  # shorter names (Kep, PNH) match only a whole string, not inside a longer one


def key(text: str) -> str:
    """The form names are compared in: normalised, no spaces or punctuation, subscript ដ read as ត."""
    return _DROP.sub("", normalise(text)).replace(_COENG_DA, _COENG_TA)


@dataclass(frozen=True)
class Province:
    """One province: the English name used as identifier, and the official Khmer name."""

    name: str
    km: str


@dataclass(frozen=True)
class Gazetteer:
    """Name keys → province, and the affix keys stripped before matching."""

    provinces: tuple[Province, ...]
    names: dict[str, str]
    affixes: tuple[str, ...]

    def khmer(self, name: str) -> str | None:
        """The Khmer name of a province given its English identifier."""
        return next((p.km for p in self.provinces if p.name == name), None)

    def _strip(self, k: str) -> str:
        changed = True
        while changed and k:
            changed = False
            for a in self.affixes:
                if k.startswith(a) and len(k) > len(a):
                    k, changed = k[len(a) :], True
                elif k.endswith(a) and len(k) > len(a):
                    k, changed = k[: -len(a)], True
        return k

    def _inside(self, k: str) -> str | None:
        """The single province whose names occur in ``k`` (longest names claim their characters first)."""
        found: set[str] = set()
        rest = k
        for name in sorted((n for n in self.names if len(n) >= MIN_INSIDE), key=lambda n: (-len(n), n)):
            if name in rest:
                found.add(self.names[name])
                rest = rest.replace(name, "\x00")
        return found.pop() if len(found) == 1 else None

    def match(self, text: str | None) -> str | None:
        """The province ``text`` names, or None (nothing, or two provinces)."""
        if not text or not text.strip():
            return None
        k = key(text)
        for candidate in (k, self._strip(k)):
            if candidate in self.names:
                return self.names[candidate]
        return self._inside(k)


def _add(names: dict[str, str], raw: str, province: str, path: Path) -> None:
    k = key(raw)
    if names.get(k, province) != province:
        raise ValueError(f"{path}: {raw!r} names both {names[k]} and {province}")
    names[k] = province


@lru_cache(maxsize=4)
def load(path: Path = GAZETTEER) -> Gazetteer:
    """Read and index the gazetteer (cached); a name given to two provinces is an error in the file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    provinces: list[Province] = []
    names: dict[str, str] = {}
    for entry in data["provinces"]:
        p = Province(name=str(entry["name"]), km=str(entry["km"]))
        provinces.append(p)
        for raw in (p.name, p.km, *entry.get("variants", []), *entry.get("towns", [])):
            _add(names, str(raw), p.name, path)
    affixes = tuple(sorted({key(str(a)) for a in data.get("affixes", [])}, key=lambda a: (-len(a), a)))
    return Gazetteer(provinces=tuple(provinces), names=names, affixes=affixes)


@dataclass
class Unmatched:
    """Location strings that named no province, with how many posts carried each.

    For the people who maintain the gazetteer (printed by ``chhmam export``); never exported, since
    a free-text hint may hold anything.
    """

    counts: Counter[str] = field(default_factory=Counter)

    def add(self, text: str | None) -> None:
        """Count one post's unmatched location string (blank strings are not a location)."""
        if text and text.strip():
            self.counts[" ".join(text.split())[:100]] += 1

    def most_common(self, n: int = 30) -> list[tuple[str, int]]:
        """The ``n`` most frequent unmatched strings."""
        return self.counts.most_common(n)

    @property
    def posts(self) -> int:
        """How many posts carried a location string that matched nothing."""
        return sum(self.counts.values())
