"""The committed release model (``release/``): within its size budget, packed from the pipeline this
commit records (``dvc.lock``, ``metrics/``), and what ``make setup`` put in ``artifacts/model``.

The pack → assemble round trip itself (byte-identical bundle, a tampered tensor named) runs on the
tiny pipeline in ``tests/models/test_pipeline.py``.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from models.params import load_params
from models.train.release import (
    RELEASE_MANIFEST,
    SMOKE_TOL_OTHER_KERNEL,
    SMOKE_TOL_SAME_KERNEL,
    ReleaseError,
    compare_smoke,
    is_current,
    lock_outs,
    metrics_digests,
    read_release,
    trained_locally,
)
from tests.support.paths import ROOT

RELEASE = ROOT / "release"
BUDGET_BYTES = 25_000_000


def _git(*args: str) -> str:
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout


def test_release_size_in_git_is_within_budget() -> None:
    tracked = _git("ls-files", "-s", "--", "release").splitlines()
    if not tracked:
        pytest.fail("release/ is not committed: `make release` after `dvc repro`, then commit release/")
    blobs = [line.split()[1] for line in tracked]
    sizes = [int(_git("cat-file", "-s", blob)) for blob in blobs]
    print(f"\nrelease/ in git: {sum(sizes) / 1e6:.2f} MB in {len(sizes)} files (budget {BUDGET_BYTES / 1e6:.0f} MB)")
    assert sum(sizes) <= BUDGET_BYTES


def test_release_was_packed_from_this_commits_pipeline() -> None:
    manifest = read_release(RELEASE)  # every file checked against its SHA-256
    provenance = manifest["provenance"]
    stale = "release/ is stale: it was packed from another dvc repro than dvc.lock records; run `make release`"
    assert provenance["dvc_lock_outs"] == lock_outs(ROOT), stale
    assert provenance["metrics_sha256"] == metrics_digests(ROOT), stale
    served = load_params(ROOT / "params.yaml")["serve"]["model"]
    metrics = json.loads((ROOT / "metrics" / f"{served}.json").read_text(encoding="utf-8"))
    assert manifest["model_version"] == metrics["model_version"], stale
    assert manifest["smoke"]["scores"], "the release records no smoke scores"


def test_setup_assembled_the_release(model_dir: Path) -> None:
    version = trained_locally(model_dir)
    if version is not None:
        pytest.skip(f"artifacts/model holds {version}, trained here by dvc repro (not assembled from release/)")
    assert is_current(model_dir, RELEASE), (
        f"artifacts/model differs from {RELEASE / RELEASE_MANIFEST}: run `make model`"
    )


def test_smoke_check_names_the_posts_that_moved() -> None:
    recorded = {f"probe-{i:03d}": [i / 60, 1 - i / 60] for i in range(50)}
    same = {k: [v + 1e-6 for v in vs] for k, vs in recorded.items()}
    assert compare_smoke(recorded, same, SMOKE_TOL_SAME_KERNEL) < 1e-5
    moved = {**recorded, "probe-001": [recorded["probe-001"][0] + 0.25, recorded["probe-001"][1]]}
    # one post moved as far as int8 noise on another kernel moves one: accepted there, named here
    assert compare_smoke(recorded, moved, SMOKE_TOL_OTHER_KERNEL) == pytest.approx(0.25)
    with pytest.raises(ReleaseError, match="probe-001"):
        compare_smoke(recorded, moved, SMOKE_TOL_SAME_KERNEL)
    shuffled = {k: [1 - v for v in vs] for k, vs in recorded.items()}  # wrong weights move every score
    with pytest.raises(ReleaseError, match="on average"):
        compare_smoke(recorded, shuffled, SMOKE_TOL_OTHER_KERNEL)
