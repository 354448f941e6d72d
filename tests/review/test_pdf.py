"""The evidence PDF prints the whole text, whatever it is: unspaced Khmer, long URLs, 100 k characters.

Checked by extracting the PDF's text with ``pdftotext`` (poppler-utils) and comparing it with the
original, ignoring whitespace and zero-width spaces (line breaks are the layout's). Latin text and URLs extract exactly.
Khmer extracts imperfectly from *any* PDF (a ligature glyph maps back to one string only), so a
Khmer text is compared with a rendering of the same text already cut into short lines, which no
page can clip: equal extractions mean nothing ran off the page.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from review.evidence import evidence_pdf

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is missing")
KHMER = "ប្អូនរៀនថ្នាក់ទីប៉ុន្មានបងអាចផ្ញើកាតទូរស័ព្ទឱ្យកុំប្រាប់ម្តាយណាទាក់ទងតាមតេឡេក្រាម"
URL = "https://example.org/jobs/apply?ref=" + "x7" * 150 + "&lang=km"
LATIN = "Factory work abroad, we pay for the passport, message the recruiter "


def _ev(text: str) -> dict[str, Any]:
    return {
        "queue_item_id": 1,
        "generated_at": "2026-12-05T00:00:00+00:00",
        "model_version": "test-v1",
        "post": {"text": text, "sha256": "0" * 64, "url": URL},
        "scores": [],
        "indicators": [],
        "notes": [],
        "decisions": [],
    }


def _extract(text: str, tmp_path: Path) -> str:
    out = tmp_path / "ev.pdf"
    out.write_bytes(evidence_pdf(_ev(text)))
    got = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    start, end = got.index("Original text") + len("Original text"), got.index("SHA-256 (UTF-8")
    return re.sub(r"[\s\u200b]", "", got[start:end])  # the layout's breaks, and the renderer's Khmer ones


def _short_lines(text: str, width: int = 24) -> str:
    """``text`` with a line break every ``width`` characters, at a cluster boundary (no page clips it)."""
    out, run = [], 0
    for i, ch in enumerate(text):
        boundary = not unicodedata.category(ch).startswith("M") and (i == 0 or text[i - 1] != "\u17d2")
        if run >= width and boundary and ch != "\u17d2":
            out.append("\n")
            run = 0
        out.append(ch)
        run += 1
    return "".join(out)


def test_long_url_and_latin_extract_exactly(tmp_path: Path) -> None:
    text = LATIN + URL + " " + "A" * 400
    assert _extract(text, tmp_path) == re.sub(r"\s", "", text)


def test_unspaced_khmer_with_a_url_is_complete(tmp_path: Path) -> None:
    text = KHMER * 14 + URL + KHMER * 2  # about 1,500 characters without a single space
    got = _extract(text, tmp_path)
    assert got == _extract(_short_lines(text), tmp_path)
    assert URL in got


def test_hundred_thousand_characters_mixed(tmp_path: Path) -> None:
    unit = KHMER + " " + LATIN + URL + "\n"
    text = (unit * (100_000 // len(unit) + 1))[:100_000]
    got = _extract(text, tmp_path)
    assert got == _extract(_short_lines(text), tmp_path)
    assert got.count(re.sub(r"\s", "", LATIN)) == text.count(LATIN)


def test_hidden_characters_are_marked_in_the_pdf(tmp_path: Path) -> None:
    got = _extract("Invoice photo\u202egnp.exe", tmp_path)
    assert "photo⟨U+202E⟩gnp.exe" in got
