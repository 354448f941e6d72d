"""Configuration: every ``CHHMAM_`` setting is a ``Settings`` field and the README lists each one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from models.params import MLLayout
from store.paths import CHECKOUT, SOURCE
from store.settings import get_settings, settings_table
from tests.support.paths import ROOT

# Not service settings: the test database, names a command or a partner file points at, and the ML
# stages' project root (read by models.params: the stages run without the store package).
NOT_SETTINGS = {"CHHMAM_TEST_PG", "CHHMAM_DEMO_PASSWORD", "CHHMAM_TOKEN_TELCO", "CHHMAM_ML_ROOT"}


def test_readme_configuration_table_is_generated_from_settings() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- settings-table[^>]*-->\n(.*?)<!-- /settings-table -->", readme, re.S)
    assert block is not None, "README lost its settings-table markers"
    assert block.group(1) == settings_table(), "README is stale: paste the output of `chhmam settings`"


def test_code_reads_chhmam_variables_only_through_settings() -> None:
    """An ``os.environ`` read of a ``CHHMAM_`` name outside the settings would bypass the table."""
    pattern = re.compile(r"(?:environ\.get\(|getenv\(|environ\[)\s*[\"'](CHHMAM_\w+)[\"'](?!\]\s*=)")
    found = set()
    for path in ROOT.glob("*/**/*.py"):
        if path.parts[len(ROOT.parts)] in {"tests", "bench", ".venv", "var"}:
            continue
        found |= {(m.group(1), path.relative_to(ROOT).as_posix()) for m in pattern.finditer(path.read_text("utf-8"))}
    assert {v for v, where in found if v not in NOT_SETTINGS} == set()


def test_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("CHHMAM_EXPORT_DIR", str(tmp_path))
    monkeypatch.setenv("CHHMAM_ARGON2_TIME_COST", "1")
    get_settings.cache_clear()
    assert get_settings().export_dir == tmp_path and get_settings().argon2_time_cost == 1
    monkeypatch.setenv("CHHMAM_EXPORT_DIR", "")
    get_settings.cache_clear()
    assert get_settings().export_dir == ROOT / "exports"


def test_service_and_ml_layouts_agree_on_shared_paths() -> None:
    """Reviewers' labels feed the data stage and the publish stage writes the served model."""
    ml = MLLayout(CHECKOUT)
    assert SOURCE.labels == ml.labels and SOURCE.served_model == ml.served_model
    assert get_settings().model_dir == ml.served_model
