"""Contact entities of a post, normalised so that two ways of writing one contact become one value.

Why: recruitment for trafficking and grooming rarely comes as one post. The same phone number,
Telegram handle or wallet appears in dozens of reworded ads across partners and weeks; linking posts
through these values (``cases.linking``) turns single posts into the cases analysts work on. For a
link to hold, "០១២ ៣៤៥ ៦៧៨", "012-345-678", "+855 12 345 678" and "zero one two three four five
six seven eight" must give one value, so this module builds on the indicators
(``features.indicators``), which already read Khmer digits, spacing and spelled-out numbers, and
adds what linking needs on top:

- ``phone``: E.164 (``phonenumbers``, default region KH; a number that is *possible* but not
  assigned is kept, since fictional prefixes and new ranges must still link);
- ``handle``: a messaging name, from ``@name``, from ``t.me/name``-style links and from
  "telegram: name" / "line id name"; the value is the name alone, the app goes in ``label``:
  a recruiter reuses one name across apps and ads say "tg", "telegram" or "t.me/" at random, so
  keying on (app, name) would split a case;
- ``url`` (host without ``www``, path and query, no scheme or fragment) and ``domain`` (the host)
  — except the big platforms' domains, which say nothing about who posted;
- ``email``; ``wallet``: crypto addresses (TRON, Ethereum, bech32 Bitcoin) and bank/e-wallet
  account numbers written after a provider's name (ABA, ACLEDA, Wing, …), value the digits alone.

``extract_entities`` is pure (text in, values out). Nothing here is stored: the store only ever sees
``entity_hash`` of a value, the same keyed HMAC-SHA256 that hides author handles
(``feeds.records.author_hash``), with the kind in the hashed text so a phone and a handle with the
same characters stay apart.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

import phonenumbers

from features.indicators import TERMS, find_indicators
from features.normalise import normalise_mapped
from feeds.records import author_hash

KINDS = ("phone", "handle", "url", "domain", "email", "wallet")
DEFAULT_REGION = "KH"


class Entity(NamedTuple):
    """One contact value of a post: ``kind`` (see ``KINDS``), normalised ``value``, display ``label``.

    ``label`` is what may be shown without revealing the value: the app of a handle, the country of
    a phone, the provider of a wallet.
    """

    kind: str
    value: str
    label: str = ""


def entity_hash(kind: str, value: str, key: str) -> str:
    """The keyed hash stored for an entity: ``author_hash`` of ``"kind:value"``."""
    digest = author_hash(f"{kind}:{value}", key)
    assert digest is not None  # a non-empty input always hashes
    return digest


# Domains of platforms and link shorteners: a link to them identifies the page, not the poster.
PLATFORM_HOSTS = frozenset(
    {
        "t.me",
        "telegram.me",
        "wa.me",
        "chat.whatsapp.com",
        "whatsapp.com",
        "line.me",
        "m.me",
        "messenger.com",
        "facebook.com",
        "fb.com",
        "fb.me",
        "m.facebook.com",
        "web.facebook.com",
        "instagram.com",
        "tiktok.com",
        "youtube.com",
        "youtu.be",
        "google.com",
        "goo.gl",
        "bit.ly",
        "tinyurl.com",
        "twitter.com",
        "x.com",
        "weixin.qq.com",
        "u.wechat.com",
        "viber.com",
        "invite.viber.com",
    }
)
# Path segments of platform URLs that are sections of the site, not an account name.
_NOT_NAMES = frozenset(
    {
        "joinchat",
        "share",
        "s",
        "c",
        "ti",
        "p",
        "groups",
        "pages",
        "profile.php",
        "watch",
        "events",
        "story.php",
        "permalink.php",
        "photo",
        "photos",
        "reel",
        "posts",
        "login",
    }
)
_HANDLE_APPS = {
    "t.me": "telegram",
    "telegram.me": "telegram",
    "m.me": "messenger",
    "messenger.com": "messenger",
    "facebook.com": "facebook",
    "fb.com": "facebook",
    "m.facebook.com": "facebook",
    "web.facebook.com": "facebook",
    "instagram.com": "instagram",
    "tiktok.com": "tiktok",
    "line.me": "line",
    "invite.viber.com": "viber",
}
_HANDLE_BODY = r"[a-z][a-z0-9_.]{2,30}[a-z0-9_]"


@lru_cache(maxsize=1)
def _app_mention_rx() -> re.Pattern[str]:
    """An app's name, then an optional "id", a separator, then a handle-shaped token.

    The token counts as a handle only when it is marked as one (``@``, a colon or equals sign before
    it, or a digit, underscore or dot inside it): "add my telegram for more" names no handle.
    """
    terms = sorted(
        {t for t, entries in TERMS.items() if any(e.category == "messaging" for e in entries)}, key=len, reverse=True
    )
    alt = "|".join(re.escape(t) for t in terms)
    return re.compile(
        r"(?<![a-z0-9_])(?P<app>" + alt + r")(?![a-z0-9_])(?: ?id)?(?P<sep> ?[:=\-] ?| )"
        r"(?P<at>@)?(?P<name>" + _HANDLE_BODY + r")(?![a-z0-9_@])"
    )


@lru_cache(maxsize=1)
def _app_of_term() -> dict[str, str]:
    return {t: e.label for t, entries in TERMS.items() for e in entries if e.category == "messaging"}


_AT_HANDLE_RX = re.compile(r"(?<![\w@/.])@(?P<name>" + _HANDLE_BODY + r")(?![\w@])")
_CRYPTO_RX = re.compile(
    r"(?<![a-z0-9])(?:(?P<tron>t[1-9a-z]{33})|(?P<eth>0x[0-9a-f]{40})"
    r"|(?P<btc>bc1[02-9ac-hj-np-z]{11,71}))(?![a-z0-9])"
)
_PROVIDERS = {
    "aba": "aba",
    "acleda": "acleda",
    "wing": "wing",
    "pipay": "pipay",
    "truemoney": "truemoney",
    "true money": "truemoney",
    "bakong": "bakong",
    "khqr": "bakong",
    "canadia": "canadia",
    "account": "bank",
    "acc": "bank",
    "a/c": "bank",
    "bank": "bank",
    "គណនី": "bank",
    "ធនាគារ": "bank",
}
_ACCOUNT_RX = re.compile(
    r"(?<![a-z0-9])(?P<provider>"
    + "|".join(re.escape(p) for p in sorted(_PROVIDERS, key=len, reverse=True))
    + r")(?![a-z])[ .:#\-]{0,3}(?:no\.?|number|id)?[ .:#\-]{0,3}(?P<digits>[0-9](?:[ \-]?[0-9]){5,18})(?![0-9])"
)
_WWW = re.compile(r"^(?:https?://)?(?:w{2,3}[0-9]?\.)?")


@lru_cache(maxsize=65536)
def phone_e164(digits: str, region: str = DEFAULT_REGION) -> tuple[str, str] | None:
    """(E.164, country) of a phone value as the indicators give it, or None if no number is possible.

    Cached: ``phonenumbers`` takes about half a millisecond a number, and networks repeat theirs.

    Spelled-out numbers arrive without "+": a run that starts with a known country code and is too
    long for a national number is read as international.
    """
    text = digits
    if not text.startswith(("+", "0")) and len(text) >= 10:
        text = "+" + text
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    country = phonenumbers.region_code_for_number(number) or region
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), country


def _url_entities(url: str, out: list[Entity]) -> None:
    bare = _WWW.sub("", url).split("#", 1)[0].rstrip("/.,;:!?")
    host, _, path = bare.partition("/")
    host = host.split(":", 1)[0]
    if not host:
        return
    if path or host not in PLATFORM_HOSTS:
        out.append(Entity("url", bare))
    if host not in PLATFORM_HOSTS:
        out.append(Entity("domain", host))
    first = path.split("/", 1)[0].split("?", 1)[0]
    app = _HANDLE_APPS.get(host)
    if host == "line.me" and "~" in path:
        first = path.rsplit("~", 1)[1].split("?", 1)[0]
    if host == "wa.me" and first.isdigit():
        phone = phone_e164("+" + first)
        if phone:
            out.append(Entity("phone", *phone))
    elif app and first and first not in _NOT_NAMES and re.fullmatch(_HANDLE_BODY, first):
        out.append(Entity("handle", first, app))


def extract_entities(text: str, region: str = DEFAULT_REGION) -> list[Entity]:
    """Every contact entity of ``text``, each (kind, value) once, in order of first appearance.

    Linear in the text (the indicators' patterns plus four anchored ones); a post with no digit,
    "@", "." or app name costs little more than its normalisation.
    """
    mapped = normalise_mapped(text)
    norm = mapped.text
    found: list[Entity] = []
    for ind in find_indicators(mapped, text):
        if ind.category == "phone" and ind.value:
            phone = phone_e164(ind.value, region)
            if phone:
                found.append(Entity("phone", *phone))
        elif ind.category == "email" and ind.value:
            found.append(Entity("email", ind.value))
        elif ind.category == "url" and ind.value:
            _url_entities(ind.value, found)
    apps = _app_of_term()
    app_at: list[tuple[int, str]] = []
    for m in _app_mention_rx().finditer(norm):
        app = apps.get(m.group("app"), "")
        app_at.append((m.end("app"), app))
        marked = m.group("at") or ":" in m.group("sep") or "=" in m.group("sep") or re.search(r"[0-9_.]", m["name"])
        if marked and m.group("name") not in TERMS:
            found.append(Entity("handle", m.group("name").rstrip("."), app))
    if "@" in norm:
        for m in _AT_HANDLE_RX.finditer(norm):
            near = [a for end, a in app_at if 0 <= m.start() - end <= 40]
            found.append(Entity("handle", m.group("name").rstrip("."), near[-1] if near else ""))
    for m in _CRYPTO_RX.finditer(norm):
        chain = "tron" if m.group("tron") else "ethereum" if m.group("eth") else "bitcoin"
        found.append(Entity("wallet", m.group(0), chain))
    for m in _ACCOUNT_RX.finditer(norm):
        found.append(Entity("wallet", re.sub(r"[^0-9]", "", m.group("digits")), _PROVIDERS[m.group("provider")]))
    first: dict[tuple[str, str], int] = {}
    out: list[Entity] = []
    for e in found:
        at = first.get((e.kind, e.value))
        if at is None:
            first[(e.kind, e.value)] = len(out)
            out.append(e)
        elif not out[at].label and e.label:  # "@name" early, "telegram @name" later: the app is known
            out[at] = e
    return out
