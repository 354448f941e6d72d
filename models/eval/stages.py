"""Each stage of a cascade bundle on the test split and the hand-written sets, in one pass.

Why: a release is judged against the one before it, per label and language, for the baseline, the
transformer and the cascade alike (a better cascade can hide a worse stage). ``evaluate`` scores the
three trained bundles of this checkout; a published release holds only the cascade, so this module
takes its two stages apart (``CascadeScorer.score_stages``: each post through each stage once) and
writes the same per label x language breakdown for all three. It writes
``metrics/previous_release.json`` for the release a retraining replaces, which the model card puts
beside the new figures; given the retrained cascade as well, it scores it on the same posts and adds,
per cell, the paired bootstrap interval of the cascade's PR-AUC change (``models.eval.bootstrap.against``),
so the card can say which of the cells that moved moved for a reason:

    .venv/bin/python -m models.eval.stages artifacts/model metrics/previous_release.json artifacts/cascade

Threshold-free figures (PR-AUC, recall at precision 0.9) are the ones to compare: the two stages'
own operating thresholds are not part of a cascade bundle.
"""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path
from typing import Any

from models.bundle import Bundle, load_bundle
from models.cascade import CascadeScorer
from models.eval.bootstrap import against
from models.eval.metrics import breakdown
from models.inference import scoring_post
from models.jsonl import read_jsonl
from models.params import BLIND, GENERATED, PROBE

log = logging.getLogger("chhmam.models")

STAGES = ("baseline", "transformer", "cascade")


def sets(data: Path = GENERATED) -> dict[str, Path]:
    """The sets every release is compared on: the test split and the two hand-written sets."""
    return {"test": data / "test.jsonl", "probe": PROBE, "blind": BLIND}


def scoring_inputs(rows: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """The normalised texts and languages a cascade scores ``rows`` by, made as the engine makes them."""
    posts = [scoring_post(r["text"]) for r in rows]
    return [p.normalised for p in posts], [p.lang for p in posts]


def stage_metrics(model_dir: Path, data: Path = GENERATED, candidate: Path | None = None) -> dict[str, Any]:
    """``{set: {stage: breakdown}}`` for the cascade bundle in ``model_dir``; with ``candidate`` (the cascade
    that replaces it), also ``{set: {"against_candidate": candidate minus this, per cell}}``."""
    bundle, model = _cascade(model_dir)
    new = _cascade(candidate) if candidate is not None else None
    out: dict[str, Any] = {"model_version": bundle.version, "sets": {}}
    if new is not None:
        out["candidate_version"] = new[0].version
    for name, path in sets(data).items():
        if not path.exists():
            continue
        rows = list(read_jsonl(path))
        texts, langs = scoring_inputs(rows)
        first, second, combined, sent = model.score_stages(texts, langs=langs)
        out["sets"][name] = {
            stage: breakdown(rows, probs, bundle.labels, bundle.thresholds)
            for stage, probs in zip(STAGES, (first, second, combined), strict=True)
        }
        out["sets"][name]["routed_fraction"] = round(float(sent.mean()), 4)
        if new is not None:
            now = new[1].score_stages(texts, langs=langs)[2]
            out["sets"][name]["against_candidate"] = against(rows, now, combined, bundle.labels)
        log.info("%s: %d posts scored by each stage of %s", name, len(rows), bundle.version)
    return out


def _cascade(model_dir: Path) -> tuple[Bundle, CascadeScorer]:
    """The bundle in ``model_dir`` and its cascade: only a cascade's stages can be taken apart."""
    bundle = load_bundle(model_dir)
    if not isinstance(bundle.model, CascadeScorer):
        raise SystemExit(f"{model_dir} is a {bundle.kind} bundle, not a cascade")
    return bundle, bundle.model


def main(model_dir: str = "artifacts/model", out: str = "metrics/previous_release.json", candidate: str = "") -> None:
    """Write the per-stage breakdown of ``model_dir`` (and its paired change to ``candidate``) to ``out``."""
    result = stage_metrics(Path(model_dir), candidate=Path(candidate) if candidate else None)
    Path(out).write_text(json.dumps(result, indent=2), encoding="utf-8")


if __name__ == "__main__":
    from models.logs import configure

    configure(level=logging.INFO)
    main(*sys.argv[1:])
