"""No import circles between the project's modules (imports inside functions count too).

Why: a circle means two modules each need the other, which is almost always code in the wrong place
(a column default importing a repository function, evaluation and the text it reads importing each
other). ``lint-imports`` checks the layers between packages; this checks every module pair, with the
same graph library (grimp) import-linter builds on.
"""

from __future__ import annotations

import sys
from pathlib import Path

import grimp

PACKAGES = ("store", "feeds", "features", "models", "cases", "review", "reports", "flows")


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    groups: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    groups.append(sorted(group))
    return groups


def test_the_detector_finds_a_circle(tmp_path: Path) -> None:
    root = tmp_path
    (root / "circ").mkdir()
    (root / "circ" / "__init__.py").write_text("")
    (root / "circ" / "a.py").write_text("def f():\n    from circ import b\n")
    (root / "circ" / "b.py").write_text("from circ import a\n")
    sys.path.insert(0, str(root))
    try:
        assert import_cycles(grimp.build_graph("circ", cache_dir=None)) == [["circ.a", "circ.b"]]
    finally:
        sys.path.remove(str(root))


def test_no_import_cycles() -> None:
    cycles = import_cycles(grimp.build_graph(*PACKAGES, cache_dir=None))
    assert cycles == [], f"import circles: {cycles}"
