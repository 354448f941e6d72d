"""The tiny transformer set-up shared by the transformer pipeline and layer-cache tests: labels, rows, params."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models.jsonl import write_jsonl

LABELS = ["grooming", "trafficking_ad"]

# Non-explicit examples: grooming shows manipulation patterns only, trafficking shows recruitment.
ROWS: list[tuple[str, list[str], str]] = [
    ("How old are you? Which grade are you in at school?", ["grooming"], "en"),
    ("You are so mature for your age, I will buy you phone credit, don't tell your mum", ["grooming"], "en"),
    ("Let's talk on a private app, delete our messages ok?", ["grooming"], "en"),
    ("អូនអាយុប៉ុន្មានហើយ? រៀនថ្នាក់ទីប៉ុន្មាន?", ["grooming"], "km"),
    ("បងនឹងទិញទូរស័ព្ទថ្មីឱ្យ តែកុំប្រាប់អ្នកណា", ["grooming"], "km"),
    ("oun rean thnak ti ponman? kom prab mak na", ["grooming"], "mixed"),
    ("URGENT hiring in Thailand $1500/month, no experience, free visa, contact Telegram", ["trafficking_ad"], "en"),
    ("Work abroad, high salary, passport arranged by agent, girls 18-25 only", ["trafficking_ad"], "en"),
    ("ត្រូវការបុគ្គលិកធ្វើការនៅថៃ ប្រាក់ខែ ១៥០០ ដុល្លារ មិនត្រូវការបទពិសោធន៍", ["trafficking_ad"], "km"),
    ("rok bokkolik twer kar nov srok thai, luy khe 1500$, tam Telegram", ["trafficking_ad"], "mixed"),
    ("Court sentences two men for human trafficking after victims were promised jobs abroad.", [], "en"),
    ("Parents: talk to your children about who they chat with online.", [], "en"),
    ("Accountant wanted in Phnom Penh, degree required, apply at our office.", [], "en"),
    ("Top up Smart and Metfone here, pay by ABA", [], "en"),
    ("ថ្ងៃនេះមេឃស្រឡះល្អណាស់", [], "km"),
    ("គ្រូបង្រៀនបានប្រាប់សិស្សឱ្យធ្វើលំហាត់នៅផ្ទះ", [], "km"),
    ("ក្រសួងការងារណែនាំឱ្យប្រើភ្នាក់ងារជ្រើសរើសដែលមានអាជ្ញាប័ណ្ណ", [], "km"),
    ("nham bay nov? sok sabay te bong", [], "mixed"),
    ("Happy birthday sister! see you at lunch", [], "en"),
    ("Legal migration to Korea through the EPS programme: apply at the ministry", [], "en"),
]


def _write_data(folder: Path) -> None:
    rows = [
        {"text": t, "labels": lbs, "family": f"f{i}", "kind": lbs[0] if lbs else "news", "lang": lang}
        for i, (t, lbs, lang) in enumerate(ROWS)
    ]
    for split in ("train", "val", "test"):
        write_jsonl(folder / f"{split}.jsonl", rows)


def _params() -> dict[str, Any]:
    return {
        "seed": 1,
        "labels": LABELS,
        "thresholds": {"target_precision": 0.9},
        "transformer": {
            "backbone": "",
            "vocab": {"trim": True, "common_pieces": 500},
            "max_len": 32,
            "num_layers": None,
            "freeze_embeddings": True,
            "freeze_layers": 0,
            "lr": 1e-3,
            "head_lr": 1e-2,
            "epochs": 3,
            "batch_size": 8,
            "dropout": 0.0,
            "threads": 2,
            "calibration": "sigmoid",
            "fuse": True,
            "fp32_nodes": 1,
            "sensitivity_posts": 10,
        },
        "cascade": {"enabled": True, "max_recall_drop": 0.0},
        "serve": {"threads": 2, "max_batch_tokens": 256, "max_batch": 8},
    }
