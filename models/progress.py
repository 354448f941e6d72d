"""Progress with an ETA for the long steps of ``dvc repro`` and of the release assembly.

Why: on a two-core CPU without AVX-512 the frozen-layer pass alone runs for about ten minutes and
fine-tuning for much longer; a stage that prints nothing for that long looks hung. On a terminal
this shows a Rich progress bar (done/total, elapsed, time remaining, a note such as the loss);
where output is a log (CI, a pipe) it logs one line per tenth of the work instead, so the log
stays short and still says how long is left.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

log = logging.getLogger("chhmam.models")

Advance = Callable[..., None]  # advance(steps=1, note="")


def _log_line(description: str, done: int, total: int, started: float, note: str) -> str:
    """One plain progress line: share done, elapsed and estimated remaining seconds."""
    elapsed = time.perf_counter() - started
    eta = elapsed / done * (total - done) if done else float("nan")
    return (
        f"{description}: {done}/{total} ({100 * done / max(total, 1):.0f} %), {elapsed:.0f} s elapsed, "
        f"about {eta:.0f} s left" + (f", {note}" if note else "")
    )


@contextmanager
def progress(description: str, total: int, console: Console | None = None) -> Iterator[Advance]:
    """A progress display for ``total`` units of work; yields ``advance(steps=1, note="")``."""
    console = console or Console(stderr=True)
    total = max(int(total), 1)
    if console.is_terminal:
        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[note]}"),
        )
        with Progress(*columns, console=console) as bar:
            task = bar.add_task(description, total=total, note="")

            def advance_bar(steps: int = 1, note: str = "") -> None:
                bar.update(task, advance=steps, note=note)

            yield advance_bar
        return
    started, done, next_mark = time.perf_counter(), 0, total / 10

    def advance_log(steps: int = 1, note: str = "") -> None:
        nonlocal done, next_mark
        done += steps
        if done >= next_mark or done == total:
            log.info("%s", _log_line(description, done, total, started, note))
            next_mark = done + total / 10

    yield advance_log
