"""An unexpected exception is a localized error page with an incident number, never a stack trace.

The incident number on the page is the one logged with the traceback, so an administrator can find
what happened from what a reviewer reports.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from review import web
from review.app import create_app
from review.i18n import translator
from tests.support.review import add_users, login

EN, KM = translator("en"), translator("km")

SECRET = "internal-detail-7f3a"  # in the exception message: must reach the log, never the page
HTML = {"accept": "text/html"}


def _broken_db() -> Iterator[None]:
    raise RuntimeError(f"database layer exploded: {SECRET}")
    yield None  # a generator dependency, like the real one


def _incident(caplog: pytest.LogCaptureFixture, incident: str) -> logging.LogRecord:
    found = [r for r in caplog.records if r.name == "chhmam.review" and incident in r.getMessage()]
    assert len(found) == 1, [r.getMessage() for r in caplog.records]
    return found[0]


def test_unexpected_error_in_khmer_via_a_dependency_override(sqlite_url: str, caplog: pytest.LogCaptureFixture) -> None:
    add_users(("mod", "moderator"))
    app = create_app()
    client = TestClient(app, follow_redirects=False, raise_server_exceptions=False)
    tok = login(client, "mod")
    client.post("/lang", data={"csrf": tok, "lang": "km"})
    app.dependency_overrides[web.db_session] = _broken_db
    caplog.set_level(logging.ERROR, logger="chhmam.review")
    r = client.get("/", headers=HTML)
    assert r.status_code == 500 and r.headers["content-type"].startswith("text/html")
    assert KM["err_500"] in r.text and KM["incident"] in r.text
    assert EN["err_500"] not in r.text
    assert SECRET not in r.text and "Traceback" not in r.text and "RuntimeError" not in r.text
    m = re.search(r'id="incident">([0-9a-f]+)<', r.text)
    assert m and r.headers["x-incident"] == m.group(1)
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"] and r.headers["cache-control"] == "no-store"
    rec = _incident(caplog, m.group(1))
    assert rec.exc_info is not None and SECRET in str(rec.exc_info[1])  # the traceback is logged with the id


def test_unexpected_error_in_english_on_a_test_only_route(sqlite_url: str, caplog: pytest.LogCaptureFixture) -> None:
    app = create_app()

    @app.get("/test-only/boom")
    def boom() -> None:
        raise ValueError(SECRET)

    client = TestClient(app, follow_redirects=False, raise_server_exceptions=False)
    caplog.set_level(logging.ERROR, logger="chhmam.review")
    r = client.get("/test-only/boom", headers=HTML)
    assert r.status_code == 500
    assert EN["err_500"] in r.text and EN["incident"] in r.text
    assert SECRET not in r.text and "Traceback" not in r.text and "Internal Server Error" not in r.text
    incident = r.headers["x-incident"]
    assert f'id="incident">{incident}<' in r.text
    assert _incident(caplog, incident).exc_info is not None
    # htmx and API callers get JSON with the same kind of number, still without the detail
    js = client.get("/test-only/boom", headers={"HX-Request": "true"})
    assert js.status_code == 500 and js.json() == {"detail": "", "incident": js.headers["x-incident"]}
    assert SECRET not in js.text
    # the same route in Khmer for a visitor whose language cookie says so
    client.cookies.set("chhmam_lang", "km")
    km = client.get("/test-only/boom", headers=HTML)
    assert km.status_code == 500 and KM["err_500"] in km.text and SECRET not in km.text
