"""Moderators' decisions back to training: the one writer of ``data/labels`` (and its held-out twin).

Why it is built this way:

* **One exporter, whole files.** ``data/labels/review.jsonl`` is rewritten from the database every
  time (the newest standing decision per post), so an undone decision disappears and nothing is
  counted twice. ``decisions-*.jsonl`` files of the earlier retrain exporter are removed: the data
  stage read them beside ``review.jsonl`` and doubled every label.
* **A held-out share never trained on.** Posts whose cluster (or, without one, the post) hashes
  into the first ``heldout_percent`` of 100 buckets go to ``data/labels-heldout/heldout.jsonl``
  instead, outside the data stage's input, so the promotion gate can measure a model on real
  moderator-labelled traffic. Hashing the cluster keeps near-duplicates on one side.
* **Moderator ids hashed.** Each row carries ``moderator``: an HMAC of the user id under
  ``CHHMAM_AUTHOR_HMAC_KEY`` (prefixed, so it never equals an author hash). Rows can be traced to
  one moderator for quality checks and quarantine without naming anyone in a file.
* **Quarantine.** Decisions of excluded moderators, or in excluded decision-id ranges, go to
  ``data/labels-quarantine/`` and not to training, until the quarantine is lifted.

These files hold post text: they are git-ignored (``.gitignore``) and reach training only through DVC.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from store.paths import SOURCE
from store.report_queries import DecidedExample, labelled_decisions
from store.settings import get_settings

LABELS_DIR = SOURCE.labels
LABELS_FILE = "review.jsonl"
LEGACY = ("decisions-*.jsonl",)
HELDOUT_PERCENT = 15


def heldout_dir(labels_dir: Path) -> Path:
    """``data/labels-heldout`` beside ``data/labels``."""
    return labels_dir.parent / "labels-heldout"


def quarantine_dir(labels_dir: Path) -> Path:
    """``data/labels-quarantine`` beside ``data/labels``."""
    return labels_dir.parent / "labels-quarantine"


def moderator_hash(user_id: int | None, key: str | None = None) -> str:
    """A stable, non-reversible id for a moderator (16 hex characters)."""
    secret = (key if key is not None else get_settings().author_hmac_key).encode()
    return hmac.new(secret, f"moderator:{user_id}".encode(), hashlib.sha256).hexdigest()[:16]


def is_heldout(e: DecidedExample, percent: int = HELDOUT_PERCENT) -> bool:
    """True for the fixed share of clusters (posts without one: the post) kept out of training."""
    unit = f"cluster:{e.cluster_id}" if e.cluster_id is not None else f"post:{e.post_id}"
    return int(hashlib.sha256(unit.encode()).hexdigest()[:8], 16) % 100 < percent


def newest_per_post(decisions: Iterable[DecidedExample]) -> list[DecidedExample]:
    """The standing decision per post (the newest), oldest first."""
    latest: dict[int, DecidedExample] = {}
    for e in sorted(decisions, key=lambda e: e.decision_id):
        latest[e.post_id] = e
    return sorted(latest.values(), key=lambda e: e.decision_id)


@dataclass(frozen=True)
class Quarantine:
    """What is kept out of training: moderators (hashed ids) and decision-id ranges (inclusive)."""

    moderators: frozenset[str] = frozenset()
    ranges: tuple[tuple[int, int], ...] = ()

    def holds(self, e: DecidedExample, key: str | None = None) -> bool:
        """Whether ``e`` is quarantined."""
        return moderator_hash(e.user_id, key) in self.moderators or any(a <= e.decision_id <= b for a, b in self.ranges)


@dataclass
class LabelExport:
    """What one export wrote."""

    path: Path
    rows: int
    heldout_path: Path
    heldout_rows: int
    quarantined_rows: int
    last_decision_id: int
    new_rows: int = 0


def _row(e: DecidedExample, key: str | None) -> dict[str, Any]:
    return {
        "text": e.text,
        "labels": list(e.labels),
        "lang": e.lang or "",
        "decision": e.action,
        "decision_id": e.decision_id,
        "moderator": moderator_hash(e.user_id, key),
    }


def _write(path: Path, rows: Sequence[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + ".tmp")
    with tmp.open("w", encoding="utf-8") as fh:
        for r in rows:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def write_label_files(
    decisions: Sequence[DecidedExample],
    out_dir: Path = LABELS_DIR,
    quarantine: Quarantine = Quarantine(),
    after_id: int = 0,
    heldout_percent: int = HELDOUT_PERCENT,
    key: str | None = None,
) -> LabelExport:
    """Rewrite the training, held-out and quarantine files from ``decisions``.

    ``after_id`` only counts ``new_rows`` (decisions newer than the last promoted model's).
    """
    train, held, quarantined = [], [], []
    for e in newest_per_post(decisions):
        row = _row(e, key)
        if quarantine.holds(e, key):
            quarantined.append(row)
        elif is_heldout(e, heldout_percent):
            held.append(row)
        else:
            train.append(row)
    for pattern in LEGACY:
        for old in out_dir.glob(pattern):
            old.unlink()
    path, held_path = out_dir / LABELS_FILE, heldout_dir(out_dir) / "heldout.jsonl"
    _write(path, train)
    _write(held_path, held)
    _write(quarantine_dir(out_dir) / "quarantined.jsonl", quarantined)
    last = max((e.decision_id for e in decisions), default=0)
    return LabelExport(
        path,
        len(train),
        held_path,
        len(held),
        len(quarantined),
        last,
        new_rows=sum(1 for r in train if r["decision_id"] > after_id),
    )


def export_labels(
    session: Session,
    out_dir: Path = LABELS_DIR,
    upto: int | None = None,
    quarantine: Quarantine = Quarantine(),
    after_id: int = 0,
    heldout_percent: int = HELDOUT_PERCENT,
) -> LabelExport:
    """Write every standing confirm/dismiss decision (id <= ``upto`` if given) to the label files."""
    return write_label_files(labelled_decisions(session, upto=upto), out_dir, quarantine, after_id, heldout_percent)


# ---------------------------------------------------------------- moderator quality


@dataclass
class ModeratorStats:
    """One moderator's decisions: how many, the share dismissed, and agreement with colleagues."""

    moderator: str
    name: str
    decisions: int
    dismissal_rate: float
    pairs: int = 0
    agreement: float | None = None
    outlier: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ModeratorPolicy:
    """When a moderator's labels are suspect, and what the retrain does about it.

    ``action``: ``refuse`` (no retrain until a lead looks), ``quarantine`` (train without that
    moderator's labels, and say so) or ``report`` (only report). A moderator with fewer than
    ``min_decisions`` decisions is never judged: too few to tell bias from the items they drew.
    """

    action: str = "refuse"
    min_decisions: int = 20
    max_dismissal_gap: float = 0.3  # from the median dismissal rate of the other moderators
    min_agreement: float = 0.6
    min_pairs: int = 10


def _uid(user_id: int | None) -> int:
    return -1 if user_id is None else user_id


def _agreement(decisions: Sequence[DecidedExample]) -> dict[tuple[int | None, int | None], tuple[int, int]]:
    """(moderator a, moderator b) → (pairs, agreeing pairs) over posts of one cluster both decided.

    Near-duplicates in a cluster should get the same verdict (harmful: confirm or refer; or dismiss),
    and so should a post two people reviewed; each moderator's newest decision per post is used.
    """
    per_post: dict[tuple[int, int | None], DecidedExample] = {}
    for e in sorted(decisions, key=lambda e: e.decision_id):
        per_post[(e.post_id, e.user_id)] = e
    groups: dict[str, list[DecidedExample]] = defaultdict(list)
    for e in per_post.values():
        groups[f"c{e.cluster_id}" if e.cluster_id is not None else f"p{e.post_id}"].append(e)
    out: dict[tuple[int | None, int | None], tuple[int, int]] = {}
    for members in groups.values():
        for a, b in combinations(members, 2):
            if a.user_id == b.user_id:
                continue
            pair = (a.user_id, b.user_id) if _uid(a.user_id) <= _uid(b.user_id) else (b.user_id, a.user_id)
            n, agree = out.get(pair, (0, 0))
            out[pair] = (n + 1, agree + ((a.action == "dismiss") == (b.action == "dismiss")))
    return out


def moderator_report(
    decisions: Sequence[DecidedExample], policy: ModeratorPolicy = ModeratorPolicy(), key: str | None = None
) -> tuple[list[ModeratorStats], dict[str, dict[str, Any]]]:
    """Per-moderator dismissal rate and agreement, outliers marked by ``policy``; and the pairwise table."""
    mine: dict[int | None, list[DecidedExample]] = defaultdict(list)
    for e in decisions:
        mine[e.user_id].append(e)
    pairs = _agreement(decisions)
    names = {e.user_id: e.username or f"user {e.user_id}" for e in decisions}
    stats = []
    for uid, ds in sorted(mine.items(), key=lambda kv: _uid(kv[0])):
        actions = Counter(e.action for e in ds)
        n_pairs = sum(n for p, (n, _) in pairs.items() if uid in p)
        agree = sum(a for p, (_, a) in pairs.items() if uid in p)
        stats.append(
            ModeratorStats(
                moderator_hash(uid, key),
                names[uid],
                len(ds),
                actions["dismiss"] / len(ds),
                n_pairs,
                agree / n_pairs if n_pairs else None,
            )
        )
    for s in stats:
        others = [o.dismissal_rate for o in stats if o is not s and o.decisions >= policy.min_decisions]
        if s.decisions < policy.min_decisions:
            continue
        if others and abs(s.dismissal_rate - statistics.median(others)) > policy.max_dismissal_gap:
            s.outlier.append(
                f"dismisses {s.dismissal_rate:.0%} of items (colleagues' median {statistics.median(others):.0%})"
            )
        if s.agreement is not None and s.pairs >= policy.min_pairs and s.agreement < policy.min_agreement:
            s.outlier.append(f"agrees with colleagues on {s.agreement:.0%} of {s.pairs} shared items")
    table = {
        f"{names[a]} / {names[b]}": {"pairs": n, "agreement": round(agree / n, 3)}
        for (a, b), (n, agree) in sorted(pairs.items(), key=lambda kv: str(kv[0]))
    }
    return stats, table
