"""DVC stage ``data``: build train/validation/test splits.

Synthetic families (``models.data.generator``), real benign text (``data/real``: khPOS Khmer sentences,
UCI SMS ham, EMSCAD legitimate job ads) and moderators' decisions (``data/labels/*.jsonl``) are
merged. Synthetic posts are split by *family*, never by post, so the test split measures phrasings
the model has not seen; families are dealt to splits within each (kind, language) so that every
split has every kind in every language. Multi-label posts are composed *inside* a split from one
grooming and one trafficking post of that split, so they leak no family. Real text that contains a
blocklisted term (e.g. "sex" in an equal-opportunity clause) is dropped: the content rule holds for
every row. Moderator labels go to training.
"""

from __future__ import annotations

import csv
import hashlib
import logging
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from models.data.generator import FAMILIES, LABEL_KINDS, POSITIVE_KINDS, generate, unsafe_terms
from models.jsonl import read_jsonl, write_jsonl
from models.params import GENERATED, ML, load_params

log = logging.getLogger("chhmam.models")

REAL = ML.real
LABELS_DIR = ML.labels
OUT = GENERATED
_KHPOS_MARKS = re.compile(r"[_~^]")


def khpos_sentences(path: Path) -> Iterator[str]:
    """Gold-segmented khPOS lines turned back into running text (spaces and marks removed)."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            text = _KHPOS_MARKS.sub("", line.strip().replace(" ", ""))
            if len(text) >= 15:
                yield text


def sms_ham(path: Path) -> Iterator[str]:
    """English SMS labelled ham (spam is generic scam text, not a risk label: left out)."""
    with open(path, encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["Label"] == "ham" and len(row["SMS"]) >= 10:
                yield row["SMS"]


def job_ads(path: Path) -> Iterator[str]:
    """Legitimate EMSCAD job ads (title + the first 10-60 words of the description) as hard negatives.

    Cut to social-media length so that length alone does not separate real ads from synthetic posts.
    """
    with open(path, encoding="utf-8") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            if row["fraudulent"] == "0":
                words = row["description"].split()
                n = 10 + int(hashlib.sha256(str(i).encode()).hexdigest()[:4], 16) % 51
                yield f"{row['title']} - {row['location']}. {' '.join(words[:n])}"


def _split_of(key: str, val_share: float, test_share: float) -> str:
    bucket = int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF
    if bucket < test_share:
        return "test"
    return "val" if bucket < test_share + val_share else "train"


def family_splits(seed: int) -> dict[str, str]:
    """Assign whole families to splits, dealt within groups so every split sees every group.

    Groups are (label, language) for the positive labels and the kind for hard negatives and
    two-label posts (across languages). Families of a group are ordered by a seeded hash, then dealt
    test, val, train, train, train, test, train, val, ...: a group of 12 puts 2 in test and 2 in
    validation, one of 20 puts 4 in each (docs/codebook.md §7 has the current group sizes). A family
    pinned to a split (``Family.split``) keeps it and is left out of the dealing, so adding one does
    not move any other family.
    """
    by_kind: dict[tuple[str, str], list[str]] = {}
    out: dict[str, str] = {}
    for fam in FAMILIES:
        if fam.split:
            out[fam.name] = fam.split
            continue
        key = (fam.kind, fam.lang if fam.kind in LABEL_KINDS else "")
        by_kind.setdefault(key, []).append(fam.name)
    cycle = ("test", "val", "train", "train", "train", "test", "train", "val", "train", "train", "train", "train")
    for names in by_kind.values():
        names.sort(key=lambda n: hashlib.sha256(f"{seed}:{n}".encode()).hexdigest())
        for i, name in enumerate(names):
            out[name] = cycle[i % len(cycle)]
    return out


def real_rows(params: dict[str, Any], rng: random.Random) -> list[dict[str, Any]]:
    """Sampled real benign rows: (text, no labels, kind, lang)."""
    d = params["data"]
    sources = [
        ("khpos", "km", list(khpos_sentences(REAL / "khpos" / "train6.word")), d["real_khmer_sentences"]),
        ("sms", "en", list(sms_ham(REAL / "sms" / "SMSSpamCollection.filtered.tsv")), d["real_sms"]),
        ("legit_job_real", "en", list(job_ads(REAL / "emscad" / "fj_small.csv")), d["real_job_ads"]),
    ]
    rows = []
    for kind, lang, texts, n in sources:
        safe = [t for t in texts if not unsafe_terms(t)]
        for text in rng.sample(safe, min(n, len(safe))):
            rows.append({"text": text, "labels": [], "family": f"real_{kind}", "kind": kind, "lang": lang})
    return rows


def moderator_rows() -> list[dict[str, Any]]:
    """Decisions exported by the review app (``data/labels/*.jsonl``: text, labels)."""
    rows = []
    for path in sorted(LABELS_DIR.glob("*.jsonl")):
        for r in read_jsonl(path):
            rows.append(
                {
                    "text": r["text"],
                    "labels": list(r.get("labels", [])),
                    "family": "moderator",
                    "kind": "moderator",
                    "lang": r.get("lang", ""),
                }
            )
    return rows


def multi_label_rows(rows: list[dict[str, Any]], n: int, rng: random.Random) -> list[dict[str, Any]]:
    """``n`` posts that are both: a grooming and a trafficking post of the same split, joined.

    A groomer who moves on to a job offer abroad is the case both labels exist for; joining two
    posts of one split keeps the family split intact.
    """
    groom = [r for r in rows if r["kind"] == "grooming"]
    traff = [r for r in rows if r["kind"] == "trafficking_ad"]
    out: list[dict[str, Any]] = []
    if not groom or not traff:
        return out
    for _ in range(n):
        g, t = rng.choice(groom), rng.choice(traff)
        first, second = (g, t) if rng.random() < 0.5 else (t, g)
        lang = g["lang"] if g["lang"] == t["lang"] else "mixed"
        out.append(
            {
                "text": f"{first['text']}{rng.choice((' ', chr(10), ' ... '))}{second['text']}",
                "labels": list(POSITIVE_KINDS["both"]),
                "family": f"multi:{g['family']}+{t['family']}",
                "kind": "both",
                "lang": lang,
                "augment": ["multi_label"],
            }
        )
    return out


def build(params: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """All rows, split: synthetic by family, real text by row, moderator labels to train."""
    rng = random.Random(params["seed"])
    d = params["data"]
    splits: dict[str, list[dict[str, Any]]] = {"train": [], "val": [], "test": []}
    fam_split = family_splits(params["seed"])
    for row in generate(
        d["synthetic_per_family"],
        params["seed"],
        obfuscation_rate=d.get("obfuscation_rate", 0.25),
        code_switch_rate=d.get("code_switch_rate", 0.15),
        min_positive_clauses=d.get("min_positive_clauses", 1),
        lone_indicator=d.get("lone_indicator", False),
    ):
        splits[fam_split[str(row["family"])]].append(dict(row))
    for rows in splits.values():
        rows.extend(multi_label_rows(rows, int(len(rows) * d.get("multi_label_share", 0.03)), rng))
    for real in real_rows(params, rng):
        splits[_split_of(real["text"], d["val_share"], d["test_share"])].append(real)
    splits["train"].extend(moderator_rows())
    for rows in splits.values():
        rng.shuffle(rows)
    return splits


def main() -> None:
    """Write ``data/generated/{train,val,test}.jsonl``."""
    for name, rows in build(load_params()).items():
        n = write_jsonl(OUT / f"{name}.jsonl", rows)
        log.info("%s: %d rows", name, n)
