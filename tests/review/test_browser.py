"""The reviewer's path in real headless Chromium against a real uvicorn server.

log in → claim → reveal → confirm (Submit & Next) → refer → second reviewer approves; the item page
in Khmer is kept as a screenshot in test-artifacts/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from store.db import session_scope
from store.schema import AuditLog, Decision, QueueItem
from tests.support.paths import ROOT
from tests.support.review import PASSWORD, add_users, live_server, seed

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = ROOT / "test-artifacts"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
KHMER = "ប្អូនរៀនថ្នាក់ទីប៉ុន្មាន? បងអាចផ្ញើកាតទូរស័ព្ទឱ្យ កុំប្រាប់ម្តាយណា ទាក់ទងតាម Telegram 012 345 678"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium is not installed"),
]


@pytest.fixture
def browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


def _login(page: object, base: str, name: str) -> None:
    p = page  # playwright Page
    p.goto(f"{base}/login")  # type: ignore[attr-defined]
    p.fill("input[name=username]", name)  # type: ignore[attr-defined]
    p.fill("input[name=password]", PASSWORD)  # type: ignore[attr-defined]
    p.click("#login-btn")  # type: ignore[attr-defined]
    p.wait_for_url(f"{base}/")  # type: ignore[attr-defined]


def test_review_flow_in_chromium(sqlite_url: str, browser: object) -> None:
    from playwright.sync_api import expect

    texts = [
        "Are you in grade 8? I can send you phone credit, keep it secret",
        "Factory job in Thailand, we pay the passport, message on Telegram",
        KHMER,
    ]
    ids = seed(3, texts=texts)
    add_users(("m1", "moderator"), ("m2", "moderator"))
    with live_server() as base:
        ctx = browser.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
        page = ctx.new_page()
        _login(page, base, "m1")
        assert page.locator("tr.queue-row").count() == 3
        page.click("#claim-next")
        page.wait_for_url(f"{base}/items/{ids[2]}")  # highest priority first: the Khmer post
        text = page.locator("#post-text")
        assert "blurred" in (text.get_attribute("class") or "")
        assert "ប្អូន" not in page.content()  # the text is not in the page before the reveal
        assert page.locator("mark.ind").count() >= 1  # the indicator list
        page.keyboard.press("r")  # reveal (shortcut) → htmx posts the reveal, the server answers with the text
        expect(page.locator("#exposure-count")).to_have_text("1")  # (no eval: the page's CSP forbids it)
        expect(page.locator("#post-text mark.ind").first).to_be_visible()  # indicators in the original text
        assert "blurred" not in (text.get_attribute("class") or "")
        page.click("#switch-lang")  # Khmer UI; the reload shows the text revealed a moment ago, no new reveal
        page.wait_for_url(f"{base}/items/{ids[2]}")
        assert page.locator("#act-confirm").inner_text().startswith("បញ្ជាក់")
        assert "blurred" not in (text.get_attribute("class") or "")
        expect(page.locator("#exposure-count")).to_have_text("1")
        page.evaluate("document.fonts.ready")
        ARTIFACTS.mkdir(exist_ok=True)
        shot = ARTIFACTS / "review-item-khmer.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 10_000
        assert page.evaluate("document.fonts.check('16px \"Noto Sans Khmer\"', 'ខ្មែរ')")
        page.keyboard.press("c")  # confirm with Submit & Next checked → the next item is claimed
        page.wait_for_url(f"{base}/items/{ids[1]}")
        page.fill("textarea[name=note]", "recruitment ad, passport paid")
        page.click("#act-refer")
        page.wait_for_url(f"{base}/items/{ids[0]}")
        ctx.close()

        ctx2 = browser.new_context()  # type: ignore[attr-defined]
        page2 = ctx2.new_page()
        _login(page2, base, "m2")
        page2.goto(f"{base}/referrals")
        page2.click(f"a[href='/items/{ids[1]}']")
        page2.click("#approve-btn")
        page2.wait_for_url(f"{base}/items/{ids[1]}")
        assert "(referred)" in page2.locator("h1").inner_text()
        ctx2.close()
    with session_scope() as s:
        assert s.get(QueueItem, ids[2]).status == "decided"  # type: ignore[union-attr]
        assert s.get(QueueItem, ids[1]).status == "referred"  # type: ignore[union-attr]
        acts = [d.action for d in s.execute(select(Decision).order_by(Decision.id)).scalars()]
        assert acts == ["confirm", "refer_request", "refer"]
        reveals = s.execute(select(AuditLog).where(AuditLog.action == "reveal")).scalars().all()
        assert len(reveals) == 1
