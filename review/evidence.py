"""Evidence packages for referrals (JSON + printable PDF) and the indicator highlighting.

A referral to the police or a hotline must stand on its own: the original text exactly as
ingested, where and when it was seen, a SHA-256 of the content (so the recipient can check that
nothing was altered), which model version scored it and how, the indicators, the reviewers'
notes, and every later version the partner sent for the same post (an edit) with its own SHA-256:
a poster who softens a message after the fact must not make the package look incomplete. The PDF
is rendered by WeasyPrint with the Noto Sans Khmer font shipped as a Python package, so Khmer text is
shaped correctly without any system font.
"""

from __future__ import annotations

import hashlib
import html
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from review.visible import visible
from store import decisions, posts, queue
from store.paths import khmer_font_path as khmer_font_path  # re-exported: the web app serves the same file
from store.schema import utcnow


@dataclass(frozen=True)
class Segment:
    """A piece of the original text; ``category`` is set when it is an indicator."""

    text: str
    category: str | None = None
    group: str | None = None


def indicators(text: str) -> list[dict[str, Any]]:
    """Indicators with spans into ``text`` (features.featurise); empty if that stage gives none."""
    try:
        from features.featurise import featurise

        found = featurise(text).indicators
    except Exception:  # a broken feature stage must not hide the post from a reviewer
        return []
    out = []
    for ind in found:
        start, end = getattr(ind, "start", None), getattr(ind, "end", None)
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            out.append(
                {
                    "category": str(getattr(ind, "category", "")),
                    "group": str(getattr(ind, "group", "")),
                    "label": str(getattr(ind, "label", "")),
                    "code": getattr(ind, "code", None),
                    "start": start,
                    "end": end,
                    "text": text[start:end],
                }
            )
    return out


def segments(text: str, found: list[dict[str, Any]]) -> list[Segment]:
    """Split ``text`` into plain and indicator segments (overlaps: the earlier, longer one wins)."""
    out: list[Segment] = []
    pos = 0
    for ind in sorted(found, key=lambda d: (d["start"], -d["end"])):
        if ind["start"] < pos:
            continue
        if ind["start"] > pos:
            out.append(Segment(text[pos : ind["start"]]))
        out.append(Segment(text[ind["start"] : ind["end"]], ind["category"], ind["group"]))
        pos = ind["end"]
    if pos < len(text):
        out.append(Segment(text[pos:]))
    return out


def sha256_text(text: str) -> str:
    """SHA-256 of ``text`` as UTF-8, hex: what a recipient recomputes to check a text is unaltered."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def edits_of(session: Session, post_id: int) -> list[dict[str, Any]]:
    """The later versions of a post, oldest first; version 1 is the post's own (reviewed) text."""
    return [
        {
            "version": n,
            "received_at": e.received_at.isoformat() if e.received_at else None,
            "text": e.text,
            "sha256": sha256_text(e.text),
        }
        for n, e in enumerate(posts.post_edits(session, post_id), start=2)
    ]


def build_evidence(session: Session, item_id: int, note: str | None = None) -> dict[str, Any]:
    """The evidence package of a queue item, as a JSON-ready dict."""
    found = queue.get_item(session, item_id)
    if found is None:
        raise KeyError(item_id)
    item, post = found
    scores = decisions.scores_for(session, post.id, item.model_version)
    history = decisions.for_item(session, item_id)
    return {
        "package_version": 2,  # 2: later versions of the post ("edits")
        "generated_at": utcnow().isoformat(),
        "queue_item_id": item.id,
        "post": {
            "id": post.id,
            "source": post.source,
            "external_id": post.external_id,
            "url": post.url,
            "platform": post.platform,
            "created_at": post.created_at.isoformat() if post.created_at else None,
            "ingested_at": post.ingested_at.isoformat() if post.ingested_at else None,
            "lang": post.lang,
            "text": post.text,
            "sha256": sha256_text(post.text),
        },
        "edits": edits_of(session, post.id),
        "model_version": item.model_version,
        "scores": [
            {"label": s.label, "probability": s.probability, "threshold": s.threshold, "flagged": s.flagged}
            for s in scores
        ],
        "indicators": indicators(post.text),
        "labels": list(item.labels),
        "notes": [d.note for d in history if d.note] + ([note] if note else []),
        "decisions": [
            {
                "action": d.action,
                "user_id": d.user_id,
                "at": d.created_at.isoformat(),
                "undone": d.undone_at is not None,
            }
            for d in history
        ],
    }


def _e(value: object) -> str:
    """Escaped for HTML, with invisible and bidirectional characters as visible markers."""
    return html.escape(visible(value))


def _khmer_breaks(text: str) -> str:
    """``text`` with a zero-width space before each Khmer syllable inside a Khmer run (rendering only).

    Khmer is written without spaces, so the PDF engine finds no line break in a Khmer paragraph;
    left to ``overflow-wrap: anywhere`` it breaks inside a conjunct (after the COENG sign), which
    splits the cluster on the page. A syllable starts at a consonant or independent vowel that does
    not follow COENG.
    """
    out = []
    for i, ch in enumerate(text):
        if i and "\u1780" <= ch <= "\u17b3" and "\u1780" <= text[i - 1] <= "\u17ff" and text[i - 1] != "\u17d2":
            out.append("\u200b")
        out.append(ch)
    return "".join(out)


def evidence_html(ev: dict[str, Any]) -> str:
    """Printable HTML of an evidence package (everything escaped, hidden characters marked).

    The text wraps anywhere (``overflow-wrap: anywhere``; ``word-break: break-all``): Khmer has no
    spaces and URLs can be hundreds of characters, and a line that does not wrap runs off the page
    and is lost from the printout while the SHA-256 beside it still covers the whole text.
    """
    e = _e
    font = khmer_font_path().as_uri()
    rows = "".join(f"<tr><th>{e(k)}</th><td>{e(str(v))}</td></tr>" for k, v in ev["post"].items() if k != "text")
    scores = "".join(
        f"<tr><td>{e(s['label'])}</td><td>{s['probability']:.3f}</td><td>{s['threshold']:.3f}</td>"
        f"<td>{'yes' if s['flagged'] else 'no'}</td></tr>"
        for s in ev["scores"]
    )
    inds = "".join(f"<li>{e(i['category'])} ({e(i['group'])}): {e(i['text'])}</li>" for i in ev["indicators"])
    notes = "".join(f"<li>{_khmer_breaks(e(n))}</li>" for n in ev["notes"])
    hist = "".join(
        f"<li>{e(d['at'])} {e(d['action'])} user {d['user_id']}{' (undone)' if d['undone'] else ''}</li>"
        for d in ev["decisions"]
    )
    edits = "".join(
        f"<h3>Version {ed['version']}, received {e(ed['received_at'])}</h3>"
        f"<pre>{_khmer_breaks(e(ed['text']))}</pre><p>SHA-256: <code>{e(ed['sha256'])}</code></p>"
        for ed in ev.get("edits", [])
    )
    return f"""<!doctype html><html><head><meta charset="utf-8"><style>
@font-face {{ font-family: "Noto Sans Khmer"; src: url("{font}"); }}
body {{ font-family: "Noto Sans Khmer", sans-serif; font-size: 10pt; }}
pre {{ white-space: pre-wrap; overflow-wrap: anywhere; border: 1px solid #888;
       padding: 6pt; font-family: inherit; }}
table {{ border-collapse: collapse; table-layout: fixed; width: 100%; }}
th, td {{ border: 1px solid #aaa; padding: 2pt 4pt; text-align: left; overflow-wrap: anywhere; word-break: break-all; }}
li {{ overflow-wrap: anywhere; word-break: break-all; }}
</style></head><body>
<h1>Chhmam evidence package — queue item {ev["queue_item_id"]}</h1>
<p>Generated {e(ev["generated_at"])}. Model version {e(ev["model_version"])}.</p>
<h2>Original text</h2><pre>{_khmer_breaks(e(ev["post"]["text"]))}</pre>
<p>SHA-256 (UTF-8, of the text exactly as stored; invisible and bidirectional control characters
are printed as ⟨U+XXXX⟩ markers): <code>{e(ev["post"]["sha256"])}</code></p>
<h2>Later versions (edits)</h2>
<p>The partner re-sent this post's id with different text {len(ev.get("edits", []))} time(s); the text above
(version 1) is the one that was scored and reviewed.</p>{edits}
<h2>Post</h2><table>{rows}</table>
<h2>Scores</h2><table><tr><th>label</th><th>probability</th><th>threshold</th><th>flagged</th></tr>{scores}</table>
<h2>Indicators</h2><ul>{inds or "<li>none</li>"}</ul>
<h2>Notes</h2><ul>{notes or "<li>none</li>"}</ul>
<h2>Decisions</h2><ul>{hist or "<li>none</li>"}</ul>
</body></html>"""


def evidence_pdf(ev: dict[str, Any]) -> bytes:
    """The evidence package as a PDF (WeasyPrint, Khmer font embedded)."""
    from weasyprint import HTML

    pdf = HTML(string=evidence_html(ev)).write_pdf()
    assert isinstance(pdf, bytes)
    return pdf
