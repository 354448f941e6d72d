"""Drop-folder connector: partners leave JSONL or CSV files (optionally gzipped) in a folder.

Files are taken in name order (partners name them by date or sequence number). The cursor is
``<file>`` once a file is fully read, or ``<file>@<n>`` after its first ``n`` lines (JSONL) or rows
(CSV) were committed, so a crash in the middle of a big file resumes in the middle. Records are
idempotent on (source, external_id) anyway, so re-reading after a crash stores nothing twice.
"""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from feeds.base import Batch, FeedError
from feeds.parse import log_reject, parse_json_line, parse_object, safe_dumps
from feeds.records import PostRecord

SUFFIXES = (".jsonl", ".ndjson", ".csv", ".jsonl.gz", ".ndjson.gz", ".csv.gz")


def _is_feed_file(path: Path) -> bool:
    return path.is_file() and path.name.endswith(SUFFIXES) and not path.name.startswith(".")


def parse_cursor(cursor: str | None) -> tuple[str | None, int | None]:
    """(file name, lines done) from a cursor; lines None means the whole file is done."""
    if not cursor:
        return None, None
    name, sep, pos = cursor.rpartition("@")
    if sep and pos.isdigit():
        return name, int(pos)
    return cursor, None


def _open(path: Path) -> IO[bytes]:
    if path.name.endswith(".gz"):
        return gzip.open(path, "rb")  # type: ignore[return-value]
    return open(path, "rb")


@dataclass
class DropFolder:
    """Reads every new file in ``folder``; ``mapping`` renames partner fields to record fields."""

    source: str
    folder: Path
    mapping: Mapping[str, str] = field(default_factory=dict)
    batch_size: int = 5000
    encoding: str = "utf-8"

    def files_after(self, cursor: str | None) -> list[tuple[Path, int]]:
        """Files still to read with how many items of each to skip."""
        done_name, done_lines = parse_cursor(cursor)
        if not self.folder.is_dir():
            raise FeedError(f"{self.source}: drop folder {self.folder} does not exist")
        todo = []
        for path in sorted(p for p in self.folder.iterdir() if _is_feed_file(p)):
            if done_name is not None:
                if path.name < done_name or (path.name == done_name and done_lines is None):
                    continue
                if path.name == done_name:
                    todo.append((path, done_lines or 0))
                    continue
            todo.append((path, 0))
        return todo

    def _items(self, path: Path) -> Iterator[PostRecord | tuple[str, str]]:
        """Parsed items of one file in order, blank JSONL lines included as None-free skips."""
        with _open(path) as fh:
            if ".csv" in path.name:
                text = io.TextIOWrapper(fh, encoding=self.encoding, errors="replace", newline="")
                reader = csv.DictReader(text)
                for row in reader:
                    if None in row:  # more cells than header names
                        extra = row.pop(None)  # type: ignore[call-overload]
                        yield safe_dumps({**row, "_extra_cells": extra}), "CSV row has more cells than the header"
                        continue
                    yield parse_object(self.source, row, self.mapping, raw=safe_dumps(row), empty_is_none=True)
            else:
                for raw in fh:
                    line = raw.rstrip(b"\r\n")
                    if not line.strip():
                        yield "", ""  # blank line: counted for the cursor, not stored
                        continue
                    yield parse_json_line(self.source, line, self.mapping)

    def read(self, cursor: str | None) -> Iterator[Batch]:
        """Yield batches of at most ``batch_size`` items; each carries the cursor just after it."""
        for path, skip in self.files_after(cursor):
            batch = Batch()
            pos = 0
            try:
                for item in self._items(path):
                    pos += 1
                    if pos <= skip:
                        continue
                    if isinstance(item, PostRecord):
                        batch.records.append(item)
                    elif item[1]:
                        log_reject(self.source, item[1], f"{path.name} item {pos}")
                        batch.rejects.append(item)
                    if len(batch) >= self.batch_size:
                        batch.cursor = f"{path.name}@{pos}"
                        yield batch
                        batch = Batch()
            except (OSError, EOFError, UnicodeError, csv.Error) as exc:  # truncated gzip, file still uploading
                # Keep what was read, leave the cursor inside this file, and stop: the file is read
                # again from here next run (a partner may still be writing it). Nothing is lost.
                batch.cursor = f"{path.name}@{max(pos, skip)}"
                yield batch
                raise FeedError(f"{self.source}: {path.name} unreadable after item {pos}: "
                                f"{type(exc).__name__}: {exc}") from exc
            batch.cursor = path.name
            yield batch


def read_dropfolder(source: str, folder: Path, cursor: str | None, batch_size: int = 5000,
                    mapping: Mapping[str, str] | None = None) -> Iterator[Batch]:
    """Batches from the files in ``folder`` after ``cursor`` (kept for callers of the first version)."""
    return DropFolder(source, folder, dict(mapping or {}), batch_size).read(cursor)
