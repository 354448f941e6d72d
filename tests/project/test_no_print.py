"""No ``print`` outside the command-line modules: library, stage and flow code logs (``models.logs``).

A ``print`` in library code bypasses the configured format (JSON lines for services) and mixes
with a command's real output on stdout (``chhmam score -`` writes JSONL there). Command-line modules
print their results on purpose; ``bench/`` is outside the packages.
"""

from __future__ import annotations

import ast
from pathlib import Path

from tests.support.paths import ROOT

PACKAGES = ("store", "feeds", "features", "models", "cases", "review", "reports", "flows")
# Modules whose stdout is the command's result (Typer commands; release pack/assemble, flag-rate report).
CLI_MODULES = {"flows/cli.py", "models/train/release.py", "models/eval/flag_rates.py"}
CLI_PATTERNS = ("flows/cli_*.py",)


def _cli(rel: str) -> bool:
    return rel in CLI_MODULES or any(Path(rel).match(p) for p in CLI_PATTERNS)


def print_calls(path: Path) -> list[int]:
    """Line numbers of every call of the builtin ``print`` in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "print"
    ]


def test_print_calls_are_found() -> None:
    assert print_calls(Path(__file__)) == []
    probe = ROOT / "models" / "train" / "release.py"
    assert print_calls(probe), "the scan should see release.py's command output"


def test_no_print_outside_cli_modules() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{line}"
        for pkg in PACKAGES
        for path in sorted((ROOT / pkg).rglob("*.py"))
        if not _cli(path.relative_to(ROOT).as_posix())
        for line in print_calls(path)
    ]
    assert offenders == [], "use logging (or move command output into a CLI module): " + ", ".join(offenders)
