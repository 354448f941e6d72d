"""The model card (``docs/model-card.md``) against the template and metrics it is generated from.

Why: the card is a DVC output, but ``dvc status`` only notices a stale card where the stage is
checked; an edited template or metrics file committed without a rerun of the ``model_card`` stage
would leave the card describing something else. These tests fail then, without training anything.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from models.eval.model_card import TEMPLATE, render
from models.params import load_params
from tests.support.paths import ROOT


def test_card_is_rendered_from_the_committed_metrics() -> None:
    """The committed card is exactly what the template makes of the committed metrics and params."""
    card = render(ROOT / "metrics", load_params(ROOT / "params.yaml"), TEMPLATE)
    committed = (ROOT / "docs" / "model-card.md").read_text(encoding="utf-8")
    assert card == committed, "docs/model-card.md is stale: run `python -m models.stage model_card`"


def test_card_holds_no_dated_history() -> None:
    """Dated experiment notes belong in docs/experiments.md; the card says what is true of the served model."""
    card = (ROOT / "docs" / "model-card.md").read_text(encoding="utf-8")
    assert not re.search(r"\b20\d\d-\d\d-\d\d\b", card)
    assert "docs/experiments.md" in card


def test_card_with_the_baseline_alone(tmp_path: Path) -> None:
    """Before the transformer stages have run, the card still renders, without their sections."""
    for name in ("baseline.json", "baseline_families.json"):
        shutil.copy(ROOT / "metrics" / name, tmp_path / name)
    card = render(tmp_path, load_params(ROOT / "params.yaml"), TEMPLATE)
    baseline = json.loads((tmp_path / "baseline.json").read_text(encoding="utf-8"))
    assert f"| baseline | `{baseline['model_version']}` |" in card
    assert "| grooming | km | baseline |" in card
    assert "| transformer |" not in card
    assert "## Transformer and cascade" not in card
    assert "## Per-family results on the test split: baseline" in card


def test_card_prints_the_blind_gaps_intervals_when_the_metrics_hold_them(tmp_path: Path) -> None:
    """``evaluate@cascade`` writes ``against_better``; the card then gives each blind gap its interval and
    says how many positives a language cell holds."""
    for path in (ROOT / "metrics").glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    cascade = json.loads((tmp_path / "cascade.json").read_text(encoding="utf-8"))
    cascade["blind"]["against_better"] = {
        "trafficking_ad": {"km": {"better": "transformer", "diff": -0.068, "lo": -0.124, "hi": -0.017}}
    }
    (tmp_path / "cascade.json").write_text(json.dumps(cascade), encoding="utf-8")
    card = render(tmp_path, load_params(ROOT / "params.yaml"), TEMPLATE)
    assert "| cascade − better | 90 % interval |" in card
    assert re.search(r"\| trafficking_ad \| km \|[^\n]*\| -0\.124 to -0\.017 \|", card)
    assert re.search(r"\| grooming \| en \|[^\n]*\| – \|", card)  # a cell without an interval says so
    positives = [
        cascade["blind"][lb][lang]["positives"]
        for lb in ("grooming", "trafficking_ad")
        for lang in ("km", "en", "mixed")
    ]
    assert f"holds {min(positives)}-{max(positives)} positives" in card


def test_card_prints_the_change_against_the_previous_release_only_for_the_cascade_it_was_paired_with(
    tmp_path: Path,
) -> None:
    """``models.eval.stages`` run with the retrained cascade as candidate writes each cell's change and its
    interval; the card prints them for that cascade, and not for a later build the comparison never saw."""
    for path in (ROOT / "metrics").glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    cascade = json.loads((tmp_path / "cascade.json").read_text(encoding="utf-8"))
    previous = json.loads((tmp_path / "previous_release.json").read_text(encoding="utf-8"))
    previous["sets"]["test"]["against_candidate"] = {
        "trafficking_ad": {"km": {"positives": 273, "diff": -0.009, "lo": -0.018, "hi": -0.002, "share_below": 0.98}}
    }
    params = load_params(ROOT / "params.yaml")
    for candidate, paired in ((cascade["model_version"], True), ("cascade-000000000000", False)):
        previous["candidate_version"] = candidate
        (tmp_path / "previous_release.json").write_text(json.dumps(previous), encoding="utf-8")
        card = render(tmp_path, params, TEMPLATE)
        assert ("cascade change, 90 % interval |" in card) is paired
        assert (
            bool(re.search(r"\| test \| trafficking_ad \| km \|[^\n]*\| -0\.009 \(-0\.018 to -0\.002\) \|", card))
            is paired
        )
        assert bool(re.search(r"\| test \| grooming \| km \|[^\n]*\| – \|\n", card)) is paired  # no interval: said


def test_card_gives_each_stage_two_choice_the_validation_lead_that_earned_it(tmp_path: Path) -> None:
    """Where the cascade stage writes the evidence for its per-language choices, the card names each
    choice with its lead and the lower end of that lead's interval; where nothing led surely, it says the
    pooled blend holds everywhere and why."""
    for path in (ROOT / "metrics").glob("*.json"):
        shutil.copy(path, tmp_path / path.name)
    routing = json.loads((tmp_path / "cascade_routing.json").read_text(encoding="utf-8"))
    lead = {"diff": 0.008, "lo": 0.001, "hi": 0.015, "share_below": 0.02}
    routing["choice_level"] = 0.9
    routing["stage_two_choice"] = {"km": {"grooming": {"chosen": "transformer", "transformer": lead}}}
    for lb, w in routing["blend"].items():
        for lang, row in w["by_lang"].items():
            row["chosen"] = "transformer" if (lb, lang) == ("grooming", "km") else "pooled"
    (tmp_path / "cascade_routing.json").write_text(json.dumps(routing), encoding="utf-8")
    card = render(tmp_path, load_params(ROOT / "params.yaml"), TEMPLATE)
    assert "has a 90 % paired bootstrap interval above zero (elsewhere the pooled blend): " in card
    assert "grooming km: transformer (+0.008, interval from +0.001)." in card
    assert "trafficking_ad km" not in card.split("Stage two per language")[1].split("\n")[0]

    for w in routing["blend"].values():
        for row in w["by_lang"].values():
            row["chosen"] = "pooled"
    routing["stage_two_choice"] = {}
    (tmp_path / "cascade_routing.json").write_text(json.dumps(routing), encoding="utf-8")
    card = render(tmp_path, load_params(ROOT / "params.yaml"), TEMPLATE)
    assert "Stage two: the pooled blend in every language: no other stage two led it on validation" in card
