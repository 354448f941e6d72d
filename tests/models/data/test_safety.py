"""Content safety: no generated, bundled or probe text contains a blocklisted sexual term.

The rule is non-negotiable (docs/codebook.md): grooming examples stop at manipulation patterns.
The blocklist lives in ``data/content_rule.yaml`` (``models.data.generator.UNSAFE_TERMS_*``); these tests
fail on any hit.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

import pytest
import yaml

from models.data.dataset import real_rows
from models.data.generator import FAMILIES_DIR, all_fixed_texts, generate, unsafe_terms
from models.jsonl import read_jsonl
from models.params import load_params
from tests.support.paths import ROOT


def _hits(texts: Iterator[str]) -> list[tuple[str, list[str]]]:
    return [(t[:80], h) for t in texts if (h := unsafe_terms(t))]


def test_blocklist_matches_terms_and_not_innocent_words() -> None:
    assert unsafe_terms("send me a SEXY pic") == ["sexy"]
    assert unsafe_terms("ផ្ញើរូបអាក្រាត") == ["អាក្រាត"]
    assert unsafe_terms("ot mean ruom phet te") == ["ruom phet"]
    assert unsafe_terms("Essex county, Middlesex, sextant") == []
    assert unsafe_terms("send me a photo in your school uniform") == []
    assert unsafe_terms("I'll assess the cocktail menu, Dickens class at 5") == []  # whole words only


def test_every_clause_slot_opener_and_closer_is_safe() -> None:
    assert _hits(all_fixed_texts()) == []


def _values(data: object) -> Iterator[str]:
    """Every text value in a loaded data file (a supporting clause without its "~ " mark)."""
    if isinstance(data, str):
        yield data.removeprefix("~").strip()
    elif isinstance(data, list):
        for item in data:
            yield from _values(item)
    elif isinstance(data, dict):
        for value in data.values():
            yield from _values(value)


def test_every_data_file_is_covered_by_the_content_check() -> None:
    """Reviewers edit ``data/families`` by hand: each file is scanned whole (comments included), and
    each text in it is one ``all_fixed_texts`` yields, so a table the generator reads but the
    clause scan skipped cannot slip through."""
    files = sorted(p for p in FAMILIES_DIR.rglob("*") if p.is_file())
    assert len([p for p in files if p.suffix == ".yaml"]) >= 34
    assert [(p.name, h) for p in files if (h := unsafe_terms(p.read_text(encoding="utf-8")))] == []
    fixed = set(all_fixed_texts())
    for path in (p for p in files if p.suffix == ".yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if path.name == "slots.yaml":  # the word tables' keys are text a post can contain too
            texts = [
                *_values(data),
                *data["code_switch"]["en"],
                *data["code_switch"]["km"],
                *data["emoji_for"],
                *data["leet"],
                *data["homoglyphs"],
            ]
        else:  # a family's name and split are not post text
            texts = [*_values([entry["clauses"] for entry in data])]
        missed = sorted({t for t in texts if t not in fixed})
        assert not missed, (str(path.relative_to(FAMILIES_DIR)), missed[:5])


def test_generated_posts_with_every_augmentation_are_safe() -> None:
    rows = generate(15, seed=3, obfuscation_rate=1.0, code_switch_rate=0.5)
    assert _hits(str(r["text"]) for r in rows) == []


def test_real_text_used_for_training_is_safe() -> None:
    params = load_params()
    rows = real_rows(params, random.Random(0))
    assert rows
    assert _hits(r["text"] for r in rows) == []


def test_probe_set_is_safe() -> None:
    rows = list(read_jsonl(ROOT / "data" / "probe" / "probe.jsonl"))
    assert len(rows) >= 120
    assert _hits(r["text"] for r in rows) == []


@pytest.mark.parametrize("split", ["train", "val", "test"])
def test_built_splits_are_safe(split: str) -> None:
    path = ROOT / "data" / "generated" / f"{split}.jsonl"
    if not path.exists():
        pytest.skip("data/generated not built yet (`dvc repro data`)")
    assert _hits(r["text"] for r in read_jsonl(path)) == []


def test_bundled_sample_feeds_are_safe() -> None:
    files = sorted((ROOT / "data" / "sample").rglob("*.jsonl"))
    assert files
    texts = (line for path in files for line in path.read_text(encoding="utf-8").splitlines())
    assert _hits(texts) == []
