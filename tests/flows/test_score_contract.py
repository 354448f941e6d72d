"""`chhmam score` contract: one output line per input line, in order, bad lines get an error."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from flows.score_io import run
from models.inference import ScoringEngine
from tests.support.paths import ROOT

CHHMAM = [sys.executable, "-m", "flows.cli"]


@pytest.fixture(scope="module")
def engine(model_dir: Path) -> ScoringEngine:
    return ScoringEngine.from_dir(model_dir)


def _check_scored(obj: dict[str, object], labels: tuple[str, ...]) -> None:
    assert set(obj) == {"id", "lang", "scores", "flagged"}
    assert obj["lang"] in ("km", "en", "mixed")
    scores = obj["scores"]
    assert isinstance(scores, dict) and set(scores) == set(labels)
    assert all(0.0 <= p <= 1.0 for p in scores.values())
    assert isinstance(obj["flagged"], list) and set(obj["flagged"]) <= set(labels)


def test_contract_on_good_and_bad_lines(tmp_path: Path, model_dir: Path, engine: ScoringEngine) -> None:
    lines = [
        json.dumps({"id": 1, "text": "អូនអាយុប៉ុន្មានហើយ? រៀនថ្នាក់ទីប៉ុន្មាន?", "extra": "ignored"}, ensure_ascii=False).encode(),
        json.dumps({"id": "b", "text": ""}).encode(),
        b'{"id": 3, "text": "broken',
        b'{"id": 4}',
        b"\xff\xfe not utf-8",
        json.dumps({"id": 6, "text": "Happy birthday sister!"}).encode(),
        b"[1, 2, 3]",
        json.dumps({"id": 8, "text": 42}).encode(),
        json.dumps({"id": 9, "text": "x" * 1_000_000}).encode(),
        b"",
        json.dumps({"id": 11, "text": "URGENT hiring in Thailand $1500 no experience, contact Telegram"}).encode(),
    ]
    src = tmp_path / "in.jsonl"
    src.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    proc = subprocess.run(
        [*CHHMAM, "score", str(src), "-o", str(out), "--model-dir", str(model_dir)],
        cwd=ROOT,
        capture_output=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    objs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(objs) == len(lines)
    good = {0: 1, 1: "b", 5: 6, 8: 9, 10: 11}
    for i, obj in enumerate(objs):
        if i in good:
            assert obj["id"] == good[i]
            _check_scored(obj, engine.labels)
        else:
            assert obj["line"] == i + 1 and obj["error"], obj
    assert objs[0]["lang"] == "km"
    assert "UTF-8" in objs[4]["error"]
    assert "text" in objs[3]["error"]


def test_stdin_to_stdout(model_dir: Path) -> None:
    data = b'{"id": "x", "text": "hello"}\nnot json\n'
    proc = subprocess.run(
        [*CHHMAM, "score", "-", "-o", "-", "--model-dir", str(model_dir)],
        cwd=ROOT,
        input=data,
        capture_output=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    out = [json.loads(x) for x in proc.stdout.decode().splitlines()]
    assert out[0]["id"] == "x" and out[1] == {"line": 2, "error": out[1]["error"]}


def test_run_preserves_order_across_chunks(engine: ScoringEngine) -> None:
    import io

    lines = []
    for i in range(1300):
        lines.append(b"{bad" if i % 7 == 0 else json.dumps({"id": i, "text": f"post {i}"}).encode())
    dst = io.BytesIO()
    n = run(io.BytesIO(b"\n".join(lines) + b"\n"), dst, engine)
    out = [json.loads(x) for x in dst.getvalue().splitlines()]
    assert n == len(out) == 1300
    for i, obj in enumerate(out):
        assert (obj.get("line") == i + 1) if i % 7 == 0 else (obj["id"] == i)


def test_scores_are_deterministic(engine: ScoringEngine) -> None:
    texts = ["ការងារស្រួល ប្រាក់ខែខ្ពស់ នៅថៃ", "good morning"]
    assert engine.score_texts(texts) == engine.score_texts(texts)
