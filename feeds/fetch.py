"""HTTP GET with the retry rules every partner API needs: timeouts, backoff, ``429 Retry-After``.

Why one place: partner servers fail in the same few ways (a 502 from a proxy, a rate limit, a hung
connection, a half-written body), and each connector should neither give up on the first hiccup
nor hammer a struggling server. Retries use tenacity's exponential backoff with jitter; a ``429``
or ``503`` carrying ``Retry-After`` waits at least what the server asked for. Every failed attempt
is logged on one line.
"""

from __future__ import annotations

import email.utils
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import RetryCallState, Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential_jitter

from store.timeutil import as_utc

log = logging.getLogger("chhmam.feeds")


class RetryableError(Exception):
    """A response worth trying again (5xx, 429, a body that did not parse).

    ``body`` is the response body as received. ``malformed`` tells a 2xx body that is not what it
    should be (worth quarantining when it never parses) from an error response (a fetch failure:
    logged, never quarantined as if it were a record).
    """

    def __init__(
        self, message: str, retry_after: float | None = None, body: bytes = b"", malformed: bool = False
    ) -> None:
        super().__init__(message)
        self.retry_after = retry_after
        self.body = body
        self.malformed = malformed


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, as_utc(when).timestamp() - (now if now is not None else time.time()))


@dataclass(frozen=True)
class RetryPolicy:
    """How hard to try: attempts, backoff bounds, the longest ``Retry-After`` we accept, timeout."""

    attempts: int = 5
    backoff_initial: float = 0.5
    backoff_max: float = 30.0
    retry_after_max: float = 300.0
    timeout: float = 15.0


def _wait(policy: RetryPolicy) -> Callable[[RetryCallState], float]:
    expo = wait_exponential_jitter(
        initial=policy.backoff_initial, max=policy.backoff_max, jitter=policy.backoff_initial
    )

    def wait(state: RetryCallState) -> float:
        backoff = float(expo(state))
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RetryableError) and exc.retry_after is not None:
            return min(max(exc.retry_after, 0.0), policy.retry_after_max)
        return backoff

    return wait


def _log_retry(source: str, url: str) -> Callable[[RetryCallState], None]:
    def before_sleep(state: RetryCallState) -> None:
        exc = state.outcome.exception() if state.outcome else None
        wait = state.next_action.sleep if state.next_action else 0.0
        log.warning(
            "feed %s: GET %s failed (attempt %d): %s; retrying in %.1fs",
            source,
            url,
            state.attempt_number,
            f"{type(exc).__name__}: {exc}",
            wait,
        )

    return before_sleep


def get_with_retries(
    client: httpx.Client,
    url: str,
    *,
    source: str,
    policy: RetryPolicy,
    params: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    parse: Callable[[httpx.Response], Any] | None = None,
) -> tuple[httpx.Response, Any]:
    """GET ``url``; retry transport errors, timeouts, 5xx, 429 and bodies ``parse`` rejects.

    ``parse`` turns a 2xx/304 response into a value and raises ``RetryableError`` for a body that
    is not what it should be (a truncated JSON page). After the last attempt the last error is
    raised (``RetryableError`` or an ``httpx`` exception); 4xx other than 429 are not retried.
    """

    def attempt() -> tuple[httpx.Response, Any]:
        resp = client.get(url, params=dict(params or {}), headers=dict(headers or {}), timeout=policy.timeout)
        if resp.status_code == 429 or resp.status_code >= 500:
            snippet = resp.content[:200].decode("utf-8", "replace").replace("\n", " ")
            raise RetryableError(
                f"HTTP {resp.status_code} ({snippet})",
                parse_retry_after(resp.headers.get("Retry-After")),
                body=resp.content,
            )
        if resp.status_code != 304:  # "not modified" is an answer, not an error
            resp.raise_for_status()
        return resp, (parse(resp) if parse else None)

    retrying = Retrying(
        stop=stop_after_attempt(policy.attempts),
        wait=_wait(policy),
        retry=retry_if_exception_type((RetryableError, httpx.TransportError)),
        before_sleep=_log_retry(source, url),
        reraise=True,
    )
    result: tuple[httpx.Response, Any] = retrying(attempt)
    return result
