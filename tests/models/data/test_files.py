"""The generator's data files: reviewers edit them by hand, so a mistake must stop the load with a
message that names the file and the family, never change the data without a word."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.data.generator import (
    FAMILIES,
    FAMILIES_DIR,
    SLOTS,
    FamilyDataError,
    load_content_rule,
    load_families,
    load_tables,
)

GOOD = """
- name: g_a
  clauses:
    - hello on {app}
    - ~ how old are you?
"""


def _write(root: Path, files: dict[str, str], order: str = "g_a\n") -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    (root / "order.txt").write_text(order, encoding="utf-8")
    return root


def test_families_load_in_the_order_file_not_the_folder_order(tmp_path: Path) -> None:
    other = GOOD.replace("g_a", "b_a")
    fams = load_families(
        _write(tmp_path, {"grooming/en.yaml": GOOD, "both/km.yaml": other}, "# comment\ng_a\nb_a\n"), SLOTS
    )
    assert [(f.name, f.kind, f.lang) for f in fams] == [("g_a", "grooming", "en"), ("b_a", "both", "km")]
    assert fams[0].parts == ("hello on {app}", "how old are you?") and fams[0].supporting == {1}


def test_the_repository_order_file_lists_every_family_once() -> None:
    listed = [
        line
        for line in (FAMILIES_DIR / "order.txt").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    assert listed == [f.name for f in FAMILIES]


@pytest.mark.parametrize(
    ("files", "order", "message"),
    [
        ({"groming/en.yaml": GOOD}, "g_a", r"groming/en\.yaml: unknown kind 'groming'"),
        ({"grooming/english.yaml": GOOD}, "g_a", r"grooming/english\.yaml: unknown language 'english'"),
        (
            {"grooming/en.yaml": GOOD, "grooming/km.yaml": GOOD},
            "g_a",
            r"grooming/km\.yaml: family g_a is already defined in .*grooming/en\.yaml",
        ),
        (
            {"grooming/en.yaml": GOOD.replace("{app}", "{apps}")},
            "g_a",
            r"grooming/en\.yaml: family g_a: unknown slot\(s\) \['apps'\] in 'hello on \{apps\}'",
        ),
        (
            {"grooming/en.yaml": "- name: g_a\n  clauses: []\n"},
            "g_a",
            r"grooming/en\.yaml: family g_a: clauses: expected a list of texts",
        ),
        ({"grooming/en.yaml": "- name: g_a\n  clauses:\n    - ''\n"}, "g_a", r"family g_a: clauses: empty text"),
        ({"grooming/en.yaml": "- name: g_a\n  clauses:\n    - '~'\n"}, "g_a", r"family g_a: a clause is only the"),
        ({"grooming/en.yaml": "- name: g_a\n  clauses:\n    - 15\n"}, "g_a", r"family g_a: clauses: 15 is not text"),
        (
            {"grooming/en.yaml": GOOD.replace("clauses", "clause")},
            "g_a",
            r"family g_a: unknown field\(s\) \['clause'\]",
        ),
        (
            {"grooming/en.yaml": GOOD.replace("  clauses", "  split: tset\n  clauses")},
            "g_a",
            r"family g_a: split must be one of",
        ),
        (
            {"grooming/en.yaml": GOOD + GOOD.replace("g_a", "g_b")},
            "g_a",
            r"order\.txt: add these families' names at the end: g_b \(.*grooming/en\.yaml\)",
        ),
        ({"grooming/en.yaml": GOOD}, "g_a\ng_x", r"order\.txt: g_x is listed but no family file defines it"),
        ({"grooming/en.yaml": GOOD}, "g_a\ng_a", r"order\.txt: g_a is listed twice"),
        ({"grooming/en.yaml": GOOD + "  - oops: [\n"}, "g_a", r"grooming/en\.yaml: not valid YAML"),
        ({"grooming/en.yaml": GOOD, "grooming/km.yml": GOOD}, "g_a", r"grooming/km\.yml: not read"),
        ({"grooming/en.yaml": "- clauses: [hi]\n"}, "g_a", r"grooming/en\.yaml: every entry needs a name"),
    ],
)
def test_a_malformed_family_file_is_rejected_with_a_message_naming_it(
    tmp_path: Path, files: dict[str, str], order: str, message: str
) -> None:
    with pytest.raises(FamilyDataError, match=message):
        load_families(_write(tmp_path, files, order), SLOTS)


def test_malformed_slot_tables_and_blocklists_are_rejected(tmp_path: Path) -> None:
    repo_tables = (FAMILIES_DIR / "slots.yaml").read_text(encoding="utf-8")
    slots = tmp_path / "slots.yaml"
    slots.write_text(repo_tables.replace("  app: [", "  app: [15, ", 1), encoding="utf-8")
    with pytest.raises(FamilyDataError, match=r"slots\.yaml: slots: app: 15 is not text; put it in quotes"):
        load_tables(slots)
    slots.write_text(repo_tables.replace("\nleet:", "\nleetspeak:", 1), encoding="utf-8")
    with pytest.raises(FamilyDataError, match=r"slots\.yaml: expected the keys"):
        load_tables(slots)
    rule = tmp_path / "content_rule.yaml"
    rule.write_text("latin: [Example]\nkhmer: [x]\n", encoding="utf-8")
    with pytest.raises(FamilyDataError, match=r"content_rule\.yaml: latin terms must be lower case: \[.Example.\]"):
        load_content_rule(rule)
