"""The promotion gate on constructed metrics (the real ``models.promotion.gate``; no model needed).

Metrics have the shape ``models/eval/evaluate.py`` writes: per label ``overall`` and per language, the
probe set, flag rates on real benign text, and the moderator-labelled held-out set.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from models.promotion import Tolerances, gate, not_worse

LABELS = ["grooming", "trafficking_ad"]


def metrics(
    pr: float = 0.9, km: float = 0.874, probe: float = 0.95, real_flag: float = 0.004, heldout: float = 0.8
) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for lb in LABELS:
        out[lb] = {"overall": {"pr_auc": pr}, "km": {"pr_auc": km}, "en": {"pr_auc": 0.95}, "mixed": {"pr_auc": 0.93}}
    out["probe"] = {lb: {"overall": {"pr_auc": probe}} for lb in LABELS}
    out["real_text"] = {"sms_en": {"flag_rate": {"any": real_flag}}, "khpos_km": {"flag_rate": {"any": 0.0}}}
    out["heldout"] = {**{lb: {"overall": {"pr_auc": heldout}} for lb in LABELS}, "false_flag_rate": {"moderator": 0.2}}
    return out


def test_khmer_drop_refused_although_overall_rises() -> None:
    old = metrics()
    new = copy.deepcopy(old)
    new["grooming"]["overall"]["pr_auc"] = 0.904  # overall better
    new["grooming"]["km"]["pr_auc"] = 0.70  # Khmer grooming much worse
    ok, reason, checks = gate(old, new, LABELS)
    assert not ok and "grooming km: PR-AUC 0.8740 -> 0.7000" in reason
    failed = [c["check"] for c in checks if not c["ok"]]
    assert failed == ["grooming km: PR-AUC"]
    # the old overall-only rule would have promoted it
    assert not_worse(
        {lb: {"overall": old[lb]["overall"]} for lb in LABELS},
        {lb: {"overall": new[lb]["overall"]} for lb in LABELS},
        LABELS,
        0.005,
    )[0]


def test_probe_real_benign_and_heldout_regressions_are_refused() -> None:
    old = metrics()
    for new, expected in (
        (metrics(probe=0.5), "probe grooming: PR-AUC"),
        (metrics(real_flag=0.03), "real benign text sms_en: false-flag rate"),
        (metrics(heldout=0.7), "held-out moderator labels grooming: PR-AUC"),
    ):
        ok, reason, _ = gate(old, new, LABELS)
        assert not ok and expected in reason, reason


def test_within_tolerance_is_promoted_and_every_check_is_listed() -> None:
    old = metrics()
    new = metrics(pr=0.897, km=0.86, probe=0.94, real_flag=0.006, heldout=0.78)
    ok, reason, checks = gate(old, new, LABELS)
    assert ok and reason.startswith("promoted: "), reason
    assert len(checks) == 2 * (1 + 3 + 1 + 1) + 2 + 1 and all(c["ok"] for c in checks)
    assert not gate(old, new, LABELS, Tolerances.uniform(0.001))[0]


def test_a_check_the_candidate_lacks_is_a_refusal() -> None:
    old = metrics()
    new = metrics()
    del new["probe"]
    ok, reason, _ = gate(old, new, LABELS)
    assert not ok and "probe grooming: PR-AUC: the new model has none" in reason


def test_gate_settings_come_from_params_yaml(tmp_path: Path) -> None:
    """``params.yaml`` ``retrain`` holds every tolerance and moderator threshold, under the names the gate uses."""
    from dataclasses import fields

    from models.promotion import retrain_params
    from review.labels import ModeratorPolicy
    from store.paths import CHECKOUT as PROJECT_ROOT

    cfg = retrain_params(PROJECT_ROOT)
    assert set(cfg["tolerance"]) == {f.name for f in fields(Tolerances)}
    assert set(cfg["moderators"]) == {f.name for f in fields(ModeratorPolicy)} - {"action"}
    Tolerances(**cfg["tolerance"])
    ModeratorPolicy(**cfg["moderators"])
    (tmp_path / "params.yaml").write_text("retrain:\n  tolerance:\n    probe: 0.5\n", encoding="utf-8")
    assert Tolerances(**retrain_params(tmp_path)["tolerance"]).probe == 0.5
