"""Drop-folder connector: partners leave JSONL or CSV files (optionally gzipped) in a folder.

Files are taken in name order (partners name them by date or sequence number). The cursor is
``<file>`` once a file is fully read, or ``<file>@<n>`` after its first ``n`` physical lines were
committed (always a record boundary), so a crash in the middle of a big file resumes in the middle.
Records are idempotent on (source, external_id) anyway, so re-reading stores nothing twice.

What partners get wrong, and what happens:

* A file still being uploaded: a plain file whose last line has no line end yet, and that changed
  within ``CHHMAM_FEEDS_FILE_SETTLE_S``, is read up to its last complete line; the rest waits for
  the next run and later files wait too (the cursor is per file, in name order). A truncated gzip
  stops the run with the cursor inside the file.
* Line ends ``\\n``, ``\\r\\n`` and a lone ``\\r`` all end a line; a UTF-8 byte order mark is dropped.
* Every line (JSONL) or row (CSV) is judged alone: bad UTF-8, bad JSON, a CSV quoting error, a
  cell over the size limit, a line over ``MAX_LINE_BYTES`` are quarantined with the file and line
  number, and reading goes on with the next line. A CSV quote left open is not allowed to swallow
  the rows after it: a multi-line row that fails to parse, or has the wrong number of cells, is
  quarantined as its first line and the lines after it are parsed again as rows of their own.
"""

from __future__ import annotations

import csv
import gzip
import re
import time
import zlib
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from feeds.base import Batch, FeedError, Reject
from feeds.parse import log_reject, parse_json_line, parse_object, safe_dumps
from feeds.records import PostRecord
from store.settings import get_settings

SUFFIXES = (".jsonl", ".ndjson", ".csv", ".jsonl.gz", ".ndjson.gz", ".csv.gz")
MAX_LINE_BYTES = 2 * 1024 * 1024  # well above the largest valid record (100k characters of text + 64 KB extras)
CSV_FIELD_LIMIT = 131_072  # the csv module's default, stated: a bigger cell is quarantined with its row
BOM = b"\xef\xbb\xbf"
_NEWLINE = re.compile(rb"\r\n|\r|\n")
_READ = 1 << 16

Item = PostRecord | Reject | None  # None: a blank line (counted for the cursor, not stored)


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


def complete_length(path: Path, settle_s: float, now: float | None = None) -> int | None:
    """Bytes of ``path`` that are safe to read: None for all of it, else up to its last line end.

    A plain file is complete when it ends with a line end or has not changed for ``settle_s``
    seconds; otherwise its last line may still be being written. Gzip files carry their own end
    marker (a truncated one fails to decompress), so they always count as complete here.
    """
    if path.name.endswith(".gz"):
        return None
    st = path.stat()
    if (now if now is not None else time.time()) - st.st_mtime >= settle_s:
        return None
    if st.st_size == 0:
        return 0  # just created: the upload has not begun
    with open(path, "rb") as fh:
        pos = st.st_size
        while pos > 0:
            start = max(0, pos - _READ)
            fh.seek(start)
            chunk = fh.read(pos - start)
            if pos == st.st_size and chunk.endswith((b"\n", b"\r")):
                return None
            cut = max(chunk.rfind(b"\n"), chunk.rfind(b"\r"))
            if cut >= 0:
                return start + cut + 1
            pos = start
    return 0


def physical_lines(
    fh: IO[bytes], limit: int | None = None, max_line: int = MAX_LINE_BYTES
) -> Iterator[tuple[bytes, bool]]:
    """(line with its line end, too long?) for each line of ``fh``, reading at most ``limit`` bytes.

    A line longer than ``max_line`` is cut there (flagged) and the rest of it skipped, so one
    endless line cannot fill the memory.
    """
    buf = b""
    left = limit
    skipping = False
    while True:
        size = _READ if left is None else min(_READ, left)
        # read1: what is there up to ``size``, so a truncated gzip yields its lines before it fails
        chunk = fh.read1(size) if size else b""  # type: ignore[attr-defined]
        if left is not None:
            left -= len(chunk)
        eof = not chunk
        buf += chunk
        pos = 0
        for m in _NEWLINE.finditer(buf):
            if not eof and m.end() == len(buf) and m.group() == b"\r":
                break  # maybe the first half of \r\n: wait for the next chunk
            if skipping:
                skipping = False
            else:
                yield buf[pos : m.end()], False
            pos = m.end()
        buf = buf[pos:]
        if len(buf) > max_line:
            if not skipping:
                yield buf[:max_line], True
            skipping, buf = True, b""
        if eof:
            if buf and not skipping:
                yield buf, False
            return


@dataclass
class _Line:
    number: int
    text: str
    raw: bytes  # as in the file: what a quarantined row keeps
    problem: str | None  # invalid UTF-8 or too long: the record that contains it is quarantined


class _LineFeed:
    """The lines a ``csv.reader`` parses: lines pushed back first, then the file's next lines.

    An iterator object rather than a generator, because the reader may ask again after the end of
    the file once lines were pushed back (a quote left open until the end of the file).
    """

    def __init__(self, lines: Iterator[tuple[int, bytes, bool]], encoding: str, skip: int) -> None:
        self.lines = lines
        self.encoding = encoding
        self.skip = skip
        self.pushback: deque[_Line] = deque()
        self.taken: list[_Line] = []  # the lines of the row being parsed

    def __iter__(self) -> _LineFeed:
        return self

    def _decode(self, n: int, raw: bytes, too_long: bool) -> _Line:
        try:
            return _Line(n, raw.decode(self.encoding), raw, f"longer than {MAX_LINE_BYTES} bytes" if too_long else None)
        except UnicodeDecodeError as exc:
            return _Line(n, raw.decode(self.encoding, "replace"), raw, f"invalid UTF-8 at byte {exc.start}")

    def __next__(self) -> str:
        if self.pushback:
            line = self.pushback.popleft()
        else:
            while True:
                nxt = next(self.lines, None)
                if nxt is None:
                    raise StopIteration
                line = self._decode(*nxt)
                if not 1 < line.number <= self.skip:
                    break  # lines after the header up to ``skip`` were committed by an earlier run
        self.taken.append(line)
        return line.text


@dataclass
class DropFolder:
    """Reads every new file in ``folder``; ``mapping`` renames partner fields to record fields."""

    source: str
    folder: Path
    mapping: Mapping[str, str] = field(default_factory=dict)
    batch_size: int = 5000
    encoding: str = "utf-8"

    def files_after(self, cursor: str | None) -> list[tuple[Path, int]]:
        """Files still to read with how many lines of each to skip."""
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

    def _reject(self, name: str, line: int, raw: str | bytes, reason: str) -> Reject:
        return Reject(raw, reason, f"{name} line {line}", f"{name}:{line}")

    def _jsonl(self, name: str, lines: Iterator[tuple[int, bytes, bool]]) -> Iterator[tuple[int, Item]]:
        for n, raw, too_long in lines:
            if too_long:
                yield n, self._reject(name, n, raw, f"line longer than {MAX_LINE_BYTES} bytes")
                continue
            line = raw.rstrip(b"\r\n")
            if not line.strip():
                yield n, None
                continue
            parsed = parse_json_line(self.source, line, self.mapping)
            yield n, parsed if isinstance(parsed, PostRecord) else self._reject(name, n, parsed.raw, parsed.reason)

    def _csv_row(self, name: str, header: list[str], taken: list[_Line], row: list[str]) -> Item:
        first = taken[0].number
        raw = b"".join(t.raw for t in taken)
        problem = next((f"line {t.number}: {t.problem}" for t in taken if t.problem), None)
        if problem:
            return self._reject(name, first, raw, problem)
        if len(row) > len(header):
            return self._reject(name, first, raw, "CSV row has more cells than the header")
        values = dict(zip(header, row + [""] * (len(header) - len(row)), strict=True))
        parsed = parse_object(self.source, values, self.mapping, raw=safe_dumps(values), empty_is_none=True)
        return parsed if isinstance(parsed, PostRecord) else self._reject(name, first, raw, parsed.reason)

    def _csv(self, name: str, lines: Iterator[tuple[int, bytes, bool]], skip: int) -> Iterator[tuple[int, Item]]:
        """Rows of a CSV file, each judged alone (see the module docstring for open quotes)."""
        feed = _LineFeed(lines, self.encoding, skip)
        taken = feed.taken
        pushback = feed.pushback
        reader = csv.reader(feed, strict=True)
        header: list[str] | None = None
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                bad, rest = taken[0], taken[1:]
                pushback.extendleft(reversed(rest))
                taken.clear()
                yield bad.number, self._reject(name, bad.number, bad.raw, f"CSV error: {exc}")
                continue
            lines_of_row, end = list(taken), taken[-1].number if taken else 0
            taken.clear()
            if header is None:
                header = [h.strip() for h in row]
                continue
            if not row:
                yield end, None
                continue
            if len(lines_of_row) > 1 and len(row) != len(header):
                pushback.extendleft(reversed(lines_of_row[1:]))  # an open quote swallowed them
                first = lines_of_row[0]
                yield (
                    first.number,
                    self._reject(
                        name,
                        first.number,
                        first.raw,
                        f"CSV quote not closed on line {first.number} (row ran to line {end} with "
                        f"{len(row)} cells, header has {len(header)})",
                    ),
                )
                continue
            yield end, self._csv_row(name, header, lines_of_row, row)

    def _items(self, path: Path, skip: int, limit: int | None) -> Iterator[tuple[int, Item]]:
        """(lines consumed after this item, item) for one file, from line ``skip`` on."""
        with _open(path) as fh:
            numbered = (
                (n, raw[len(BOM) :] if n == 1 and raw.startswith(BOM) else raw, long)
                for n, (raw, long) in enumerate(physical_lines(fh, limit), start=1)
            )
            if ".csv" in path.name:
                yield from self._csv(path.name, numbered, skip)
                return
            yield from self._jsonl(path.name, (t for t in numbered if t[0] > skip))

    def read(self, cursor: str | None) -> Iterator[Batch]:
        """Yield batches of at most ``batch_size`` items; each carries the cursor just after it."""
        csv.field_size_limit(CSV_FIELD_LIMIT)
        settle = get_settings().feeds_file_settle_s
        for path, skip in self.files_after(cursor):
            limit = complete_length(path, settle)
            batch = Batch()
            pos = skip
            try:
                for pos, item in self._items(path, skip, limit):
                    if isinstance(item, PostRecord):
                        batch.records.append(item)
                    elif item is not None:
                        log_reject(self.source, item.reason, item.where)
                        batch.rejects.append(item)
                    if len(batch) >= self.batch_size:
                        batch.cursor = f"{path.name}@{pos}"
                        yield batch
                        batch = Batch()
            except (OSError, EOFError, zlib.error) as exc:  # truncated gzip, file still uploading
                # Keep what was read, leave the cursor inside this file, and stop: the file is read
                # again from here next run (a partner may still be writing it). Nothing is lost.
                batch.cursor = f"{path.name}@{pos}"
                yield batch
                raise FeedError(
                    f"{self.source}: {path.name} unreadable after line {pos}: {type(exc).__name__}: {exc}"
                ) from exc
            if limit is not None:
                # The last line is still being written: keep the place and read no later file yet.
                batch.cursor = f"{path.name}@{pos}"
                yield batch
                return
            batch.cursor = path.name
            yield batch


def read_dropfolder(
    source: str, folder: Path, cursor: str | None, batch_size: int = 5000, mapping: Mapping[str, str] | None = None
) -> Iterator[Batch]:
    """Batches from the files in ``folder`` after ``cursor`` (kept for callers of the first version)."""
    return DropFolder(source, folder, dict(mapping or {}), batch_size).read(cursor)
