"""Scoring, the web app and the exports run where torch and transformers cannot be imported.

Why: the serving install (``pip install -e .[serve]``) has neither; ``lint-imports`` forbids the
imports statically, and this runs the real path in a fresh interpreter whose import system refuses
them, so a lazy ``import torch`` inside a function is caught too.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.paths import ROOT

_BLOCK = """
import importlib.abc, sys
class Refuse(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {"torch", "transformers"}:
            raise ImportError(f"{name} is not installed in a serving environment")
        return None
sys.meta_path.insert(0, Refuse())
"""

_SCORE = (
    _BLOCK
    + """
import json
from pathlib import Path
from models.inference import ScoringEngine
import review.app, reports.export, flows.pipeline  # noqa: F401  the web app, the exports, the scoring flow
engine = ScoringEngine.from_dir(Path(sys.argv[1]))
posts = ["How old are you? Which grade? Don't tell your mum, add me on Telegram",
         "ត្រូវការបុគ្គលិកស្រី អាយុ ១៦-២០ ធ្វើការនៅថៃ ប្រាក់ខែខ្ពស់ ចេញថ្លៃធ្វើដំណើរ",
         "The school library opens at 8 on Saturday."]
scored = engine.score_texts(posts)
print(json.dumps({"version": engine.version, "flagged": [s.flagged for s in scored],
                  "loaded": sorted(m for m in sys.modules if m.split(".")[0] in {"torch", "transformers"})}))
"""
)


def _run(code: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1"},
    )


def test_the_blocker_refuses_torch() -> None:
    proc = _run(_BLOCK + "import torch")
    assert proc.returncode != 0 and "not installed in a serving environment" in proc.stderr


def test_served_model_scores_with_torch_unimportable(model_dir: Path) -> None:
    proc = _run(_SCORE, str(model_dir))
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["loaded"] == []
    assert result["version"] == json.loads((model_dir / "manifest.json").read_text(encoding="utf-8"))["version"]
    assert result["flagged"][0] == ["grooming"] and result["flagged"][1] == ["trafficking_ad"]
    assert result["flagged"][2] == []
