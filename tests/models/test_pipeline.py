"""CI's tiny pipeline: the repository's whole ``dvc.yaml`` reproduced in a temp copy, tiny settings.

data → baseline → backbone → transformer (2 layers, the lower one frozen and cached, 300 posts) → int8
ONNX → cascade → evaluate x3 → model card → publish: the same stages and commands as the full
configuration. It checks the pipeline (stages, files, shapes, the model card's side-by-side layout),
not the scores: the configuration is far too small for the figures to mean anything.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from models.bundle import load_bundle
from models.cascade import CascadeScorer
from models.eval.model_card import render
from models.train.baseline import VAL_HOLDOUT, VAL_OOF, held_out_probs
from models.train.cascade import build
from tests.support.paths import ROOT

TINY = {"synthetic_per_family": 6, "real_khmer_sentences": 60, "real_sms": 60, "real_job_ads": 30}


def _run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, DVC_NO_ANALYTICS="1", CHHMAM_ML_ROOT=str(project))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    proc = subprocess.run(args, cwd=project, env=env, text=True, capture_output=True, timeout=900, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


def _tiny_project(tmp: Path) -> Path:
    project = tmp / "project"
    project.mkdir()
    for name in ("models", "features"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("data/families", "data/real", "data/labels", "data/probe", "data/blind"):
        shutil.copytree(ROOT / name, project / name)
    shutil.copy(ROOT / "data" / "content_rule.yaml", project / "data" / "content_rule.yaml")
    shutil.copy(ROOT / "dvc.yaml", project / "dvc.yaml")
    (project / "metrics").mkdir()
    shutil.copy(ROOT / "metrics" / "previous_release.json", project / "metrics")  # the card compares with it
    params = yaml.safe_load((ROOT / "params.yaml").read_text(encoding="utf-8"))
    params["data"].update(TINY)
    params["baseline"].update({"C_grid": [1.0, 4.0], "cv_folds": 2, "max_features": 20000})
    params["transformer"].update(
        {
            "num_layers": 2,
            "freeze_layers": 1,
            "max_train_examples": 300,
            "linear_probe_posts": 100,
            "max_len": 32,
            "vocab": {"trim": True, "common_pieces": 2000},
        }
    )
    # a one-layer student, never served (tolerance -1: the release round trip below packs the teacher,
    # whose frozen layers the backbone rebuilds); the test serves it in a cascade of its own
    params["student"].update({"num_layers": 1, "teacher_top_layers": 1, "freeze_layers": 0, "serve_tolerance": -1.0})
    (project / "params.yaml").write_text(yaml.safe_dump(params), encoding="utf-8")
    _run(project, sys.executable, "-m", "dvc", "init", "--no-scm", "-q")
    return project


def params_of(project: Path) -> dict[str, Any]:
    """The tiny project's params.yaml."""
    params: dict[str, Any] = yaml.safe_load((project / "params.yaml").read_text(encoding="utf-8"))
    return params


def test_tiny_pipeline_from_clean_copy(tmp_path: Path) -> None:
    project = _tiny_project(tmp_path)
    _run(project, sys.executable, "-m", "dvc", "repro")

    served = load_bundle(project / "artifacts" / "model")
    assert served.kind == params_of(project)["serve"]["model"]
    for name in ("transformer", "student", "cascade"):
        assert load_bundle(project / "artifacts" / name).version.startswith(f"{name}-")
        assert json.loads((project / "metrics" / f"{name}.json").read_text(encoding="utf-8"))["probe"]

    for split in ("train", "val", "test"):
        assert (project / "data" / "generated" / f"{split}.jsonl").stat().st_size > 0

    # fit_on train+val (params.yaml): the served transformer learnt both splits; calibration, thresholds
    # and the cascade's blend and routing come from its twin's held-out validation scores.
    torch_dir = project / "artifacts" / "transformer_torch"
    meta = json.loads((torch_dir / "meta.json").read_text(encoding="utf-8"))
    assert meta["fit_on"] == "train+val" and meta["train_rows"] == 300
    assert meta["linear_probe_posts"] == 100  # LP-FT's head is fitted on its own smaller draw
    assert meta["cached_layers"] == (1 if params_of(project)["transformer"]["cache_frozen"] else 0)
    assert json.loads((torch_dir / "holdout" / "meta.json").read_text(encoding="utf-8"))["fit_on"] == "train"
    quant = json.loads((project / "metrics" / "transformer_quant.json").read_text(encoding="utf-8"))
    assert quant["calibrated_on"]["model"] == "held-out twin"
    assert quant["calibrated_on"]["fp32_nodes"].keys() == quant["fp32_nodes"].keys()  # quantised alike
    # activation scales fixed on validation posts (params.yaml): no post's score depends on its batch-mates
    assert quant["activation_scales"]["kind"] == "static" and quant["activation_scales"]["tensors"] > 0
    assert quant["batch_vs_alone"]["max_abs_prob_diff"] == 0.0
    n_val = len((project / "data" / "generated" / "val.jsonl").read_text(encoding="utf-8").splitlines())
    assert held_out_probs(project / "artifacts" / "transformer", n_val) is not None
    routing = json.loads((project / "metrics" / "cascade_routing.json").read_text(encoding="utf-8"))
    assert routing["transformer_val_scores"] == "held-out"
    # the baseline's validation scores on the transformer's footing too: a twin fitted on the training split
    # alone; params.yaml judges each stage two on it or the out-of-fold scores (choose_on_twin) and fits the
    # weights and the routing on the out-of-fold ones (blend_on_twin off)
    assert routing["blend_footings"] == ["out-of-fold"]
    assert routing["choice_footings"] == ["out-of-fold", "train-only twin"]
    for lang, cells in routing["stage_two_choice"].items():
        for lb, cell in cells.items():  # every candidate's lead, on one footing, and what was chosen
            assert cell["chosen"] == routing["blend"][lb]["by_lang"][lang]["chosen"]
            leads = [v for v in cell.values() if isinstance(v, dict)]
            assert leads and all(v["footing"] in (0, 1) and v["lo"] <= v["diff"] <= v["hi"] for v in leads)
            assert cell["chosen"] == "pooled" or cell[cell["chosen"]]["lo"] > 0
    oof, twin = (held_out_probs(project / "artifacts" / "baseline", n_val, f) for f in (VAL_OOF, VAL_HOLDOUT))
    assert oof is not None and twin is not None and not np.allclose(oof, twin)
    # the student learnt from the teacher (and its twin from the teacher's twin); below the rule, not served
    student = json.loads((project / "artifacts" / "student_torch" / "meta.json").read_text(encoding="utf-8"))
    assert student["layers"] == 1 and student["teacher"] == "served transformer" and student["holdout"]
    assert student["teacher_top_layers"] == 1 and student["linear_probe_c"] is None  # the teacher's head
    assert routing["second_stage"] == "transformer" and routing["student"]["served"] is False
    assert {"test", "probe"} <= set(routing["student"]["worst"])
    _student_served(project)
    _against_previous(project)
    bundle = load_bundle(project / "artifacts" / "baseline")
    assert set(bundle.thresholds) == {"grooming", "trafficking_ad"}
    assert set(bundle.extra or {}) >= {"C", "cv_pr_auc", "calibration"}
    probs = bundle.model.predict_proba(["hello", "អូនរៀនថ្នាក់ទីប៉ុន្មាន?"])
    assert probs.shape == (2, 2) and ((probs >= 0) & (probs <= 1)).all()

    metrics = json.loads((project / "metrics" / "baseline.json").read_text(encoding="utf-8"))
    for section in (metrics, metrics["probe"]):
        for label in ("grooming", "trafficking_ad"):
            assert set(section[label]) == {"overall", "km", "en", "mixed"}
            assert {"pr_auc", "roc_auc", "recall_at_p90", "ece"} <= set(section[label]["overall"])
        assert {"news", "legit_job", "parent_teacher"} <= set(section["false_flag_rate"])
    families = json.loads((project / "metrics" / "baseline_families.json").read_text(encoding="utf-8"))
    assert any(f.startswith("g_") for f in families) and any(f.startswith("n_") for f in families)
    assert (project / "metrics" / "plots" / "pr_baseline_grooming.csv").read_text().startswith("recall,precision")

    # Every evaluated model lands side by side in the card.
    card = (project / "docs" / "model-card.md").read_text(encoding="utf-8")
    for name in ("baseline", "transformer", "cascade"):
        assert f"| grooming | km | {name} |" in card
    assert "## Transformer and cascade" in card
    assert "Activation scales are fixed" in card
    cascade = json.loads((project / "metrics" / "cascade.json").read_text(encoding="utf-8"))
    against = cascade["blind"]["against_better"]["grooming"]["overall"]  # the cascade against its better stage
    assert against["lo"] <= against["diff"] <= against["hi"] and against["better"] in ("baseline", "transformer")
    assert "cascade − better | 90 % interval |" in card
    assert "Per-family results on the test split: baseline" in card
    assert "Probe set" in card

    _release_round_trip(project)


def _student_served(project: Path) -> None:
    """Within the tolerance, the cascade stage puts the student in the transformer's place, and serves it."""
    params = params_of(project)
    params["student"]["serve_tolerance"] = 1.0
    bundle, facts = build(params, project / "artifacts", project / "student-cascade", project / "data" / "generated")
    student = load_bundle(project / "artifacts" / "student")
    assert facts["second_stage"] == "student" and facts["transformer_version"] == student.version
    assert isinstance(bundle.model, CascadeScorer)
    probs = bundle.model.predict_proba(["hello", "អូនរៀនថ្នាក់ទីប៉ុន្មាន?"])
    assert probs.shape == (2, 2) and ((probs >= 0) & (probs <= 1)).all()
    params["cascade"]["blend_on_twin"] = True  # the blend fitted and chosen on both of the baseline's footings
    _bundle, facts = build(params, project / "artifacts", project / "twin-cascade", project / "data" / "generated")
    assert facts["blend_footings"] == facts["choice_footings"] == ["out-of-fold", "train-only twin"]
    params["cascade"]["blend_on_twin"] = params["cascade"]["choose_on_twin"] = False
    _bundle, facts = build(params, project / "artifacts", project / "oof-cascade", project / "data" / "generated")
    assert facts["blend_footings"] == facts["choice_footings"] == ["out-of-fold"]
    assert all(
        v["footing"] == 0
        for c in facts["stage_two_choice"].values()
        for r in c.values()
        for v in r.values()
        if isinstance(v, dict)
    )


def _against_previous(project: Path) -> None:
    """``models.eval.stages`` given the cascade that replaces a release: each cell's change with its interval,
    which the card prints beside the previous → now figures of that cascade (and of no other)."""
    _run(
        project,
        sys.executable,
        "-m",
        "models.eval.stages",
        "twin-cascade",
        "metrics/previous_release.json",
        "artifacts/cascade",
    )
    previous = json.loads((project / "metrics" / "previous_release.json").read_text(encoding="utf-8"))
    assert previous["model_version"] == load_bundle(project / "twin-cascade").version
    assert previous["candidate_version"] == load_bundle(project / "artifacts" / "cascade").version
    assert set(previous["sets"]) == {"test", "probe", "blind"}
    change = previous["sets"]["blind"]["against_candidate"]["trafficking_ad"]["overall"]
    assert change["lo"] <= change["diff"] <= change["hi"] and change["positives"] > 0
    card = render(project / "metrics", params_of(project))
    assert "cascade change, 90 % interval |" in card
    assert f"## Against the previous release (`{previous['model_version']}`)" in card


def _release_round_trip(project: Path) -> None:
    """``make release`` then ``make model``: the published bundle comes back byte for byte, from a release
    that ships only what the backbone cannot rebuild; a rebuilt tensor that does not match is named."""
    published = (project / "artifacts" / "model" / "model.joblib").read_bytes()
    _run(project, sys.executable, "-m", "models.train.release", "pack")
    release = project / "release"
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    rebuilt = manifest["transformer"]["rebuilt_tensors"]
    names = [t["name"] for t in rebuilt]
    assert any("embeddings" in n for n in names), names[:5]  # the vocabulary rows come from the backbone
    shipped = sum(p.stat().st_size for p in release.iterdir())
    assert shipped < len(published) / 2, (shipped, len(published))
    assert len(manifest["smoke"]["scores"]) == 154  # every probe post

    proc = _run(project, sys.executable, "-m", "models.train.release", "assemble")
    assert "already holds the release" in proc.stdout
    proc = _run(project, sys.executable, "-m", "models.train.release", "assemble", "--force")
    assert "assembled" in proc.stdout and "smoke max diff" in proc.stdout
    assert (project / "artifacts" / "model" / "model.joblib").read_bytes() == published

    rebuilt[0]["sha256"] = "0" * 64
    (release / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    env = dict(os.environ, CHHMAM_ML_ROOT=str(project))
    bad = subprocess.run(
        [sys.executable, "-m", "models.train.release", "assemble", "--force"],
        cwd=project,
        env=env,
        text=True,
        capture_output=True,
        timeout=900,
        check=False,
    )
    assert bad.returncode != 0 and repr(rebuilt[0]["name"]) in bad.stderr, bad.stderr[-2000:]
    assert (project / "artifacts" / "model" / "model.joblib").read_bytes() == published  # left as it was
