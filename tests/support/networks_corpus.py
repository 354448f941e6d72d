"""A generated corpus of recruitment networks hidden among ordinary posts (tests and bench).

Nothing here is real: phone numbers are Cambodian-format numbers in unassigned ranges (+855 50 for
the networks, +855 59 for ordinary advertisers, +855 40 for company numbers, +855 20 for the
hotlines), handles are ``fake_…``, domains are under ``example.net``, authors are ``ring…``/``user…``.
Texts are non-explicit recruitment patterns only (job offers abroad with a salary, "add me on
Telegram", age and school questions).

Each network reuses its own few phones and handles across reworded posts, under several accounts,
writing the numbers every way people do (spaced, dashed, +855, Khmer digits, spelled out in English
or Khmer). Decoys: public hotlines that many posts (networks' included) quote, on the allow-list,
and company numbers quoted by hundreds of distinct accounts, caught by the degree cap.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from feeds.records import author_hash

KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
EN_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
KM_WORDS = ["សូន្យ", "មួយ", "ពីរ", "បី", "បួន", "ប្រាំ", "ប្រាំមួយ", "ប្រាំពីរ", "ប្រាំបី", "ប្រាំបួន"]
HOTLINES = ["020000001", "020000002", "020000003"]
START = datetime(2026, 9, 1, tzinfo=UTC)

JOBS = [
    "restaurant work",
    "factory job",
    "massage shop staff",
    "karaoke waitress",
    "hotel cleaner",
    "online sales assistant",
    "fruit packing",
    "housekeeper",
    "casino dealer trainee",
    "beauty salon helper",
]
PLACES = [
    "Bangkok",
    "Pattaya",
    "Kuala Lumpur",
    "Johor",
    "Dubai",
    "Shenzhen",
    "Seoul",
    "Sihanoukville",
    "Poipet",
    "Bavet",
]
OPENERS = [
    "URGENT!",
    "Good news",
    "Hiring now",
    "Easy job",
    "Need people fast",
    "ត្រូវការបុគ្គលិកបន្ទាន់",
    "ការងារល្អ",
    "Job abroad",
    "No experience OK",
    "ឱកាសការងារ",
]
OFFERS = [
    "{job} in {place}, salary ${pay}/month, food and room free",
    "we need girls for {job} in {place}, pay {pay}$ a month",
    "{job} at {place}: ${pay} monthly, we pay the ticket",
    "ការងារ {job} នៅ {place} ប្រាក់ខែ {pay}$ ធ្វើលិខិតឆ្លងដែនអោយ",
    "work in {place} as {job}, earn {pay} dollars, passport we arrange",
    "{place} {job}, {pay}$ per month, leave tomorrow",
]
ASKS = [
    "how old are you?",
    "are you still in school? which grade?",
    "age 15-17 ok",
    "send your photo first",
    "don't tell your parents, it's a surprise",
    "អាយុប៉ុន្មាន?",
    "រៀនថ្នាក់ទីប៉ុន្មាន?",
    "no ID needed",
]
CONTACT_LEADS = ["contact", "call", "ទូរស័ព្ទ", "tel:", "phone", "inbox", "ទាក់ទង", "more info"]
HOTLINE_LINES = [
    "If you are in danger call the hotline {h}.",
    "Report trafficking: {h}",
    "Help line for migrant workers {h}",
    "ជួយ​ការពារ​កុមារ ទូរស័ព្ទ {h}",
]
COMPANY_LINES = [
    "Pay the fee at Sunrise Bank, hotline {c}",
    "transfer at any mart, service line {c}",
    "bus tickets from Metro Bus {c}",
    "Top up at Fast Mobile {c}",
]
NOISE = [
    "Selling a used motorbike, good condition, {pay}$",
    "Rain again in {place} today",
    "Happy birthday my friend!",
    "Who watched the football last night?",
    "New noodle shop opened near {place}",
    "ផ្សារ​ថ្ងៃនេះ​មាន​ផ្លែឈើ​ច្រើន",
    "Family trip to {place} was great",
    "Study group for grade 9 maths tonight",
    "Lost my phone in {place}, anyone found it?",
    "Price of rice went up again",
]
LEGIT_ADS = [
    "Shop for rent in {place}, call {p}",
    "Tutor for English, grade 7-9, call {p}",
    "Fresh fish delivery in {place}: {p}",
    "Phone repair, fast service {p}",
    "Selling cakes, order {p}",
]
NEWS = [
    "Police warn about fake job offers abroad. Victims can call {h}.",
    "NGO training on safe migration in {place}; questions: {h}",
    "ព័ត៌មាន៖ ការជួញដូរមនុស្ស សូមទូរស័ព្ទ {h}",
]


def phone_text(digits: str, rng: random.Random) -> str:
    """A national number ("050123456") written one of the ways people write numbers."""
    rest = digits[1:]
    style = rng.randrange(9)
    if style == 0:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}"
    if style == 1:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if style == 2:
        return f"+855 {rest[:2]} {rest[2:5]} {rest[5:]}"
    if style == 3:
        return f"(+855) {rest}"
    if style == 4:
        return f"{digits[:3]} {digits[3:6]} {digits[6:]}".translate(KHMER_DIGITS)
    if style == 5:
        return " ".join(EN_WORDS[int(d)] for d in digits)
    if style == 6:
        return " ".join(KM_WORDS[int(d)] for d in digits)
    if style == 7:
        return digits
    return f"+855{rest}"


def handle_text(name: str, rng: random.Random) -> str:
    """A handle mentioned one of the ways ads mention them."""
    return rng.choice(
        [
            f"telegram @{name}",
            f"t.me/{name}",
            f"tg: {name}",
            f"add telegram @{name}",
            f"តេឡេក្រាម @{name}",
            f"line id: {name}",
            f"@{name}",
            f"https://t.me/{name}",
        ]
    )


@dataclass
class Corpus:
    """Post rows for ``store.posts.insert_posts`` and, per external id, the planted network (or -1)."""

    rows: list[dict[str, Any]] = field(default_factory=list)
    truth: dict[str, int] = field(default_factory=dict)
    hotlines: list[str] = field(default_factory=lambda: list(HOTLINES))
    companies: list[str] = field(default_factory=list)
    decoy_posts: set[str] = field(default_factory=set)


def generate(
    n_posts: int = 20_000,
    n_networks: int = 20,
    key: str = "test-key",
    seed: int = 30,
    company_posts: int = 1500,
    hotline_posts: int = 600,
) -> Corpus:
    """``n_networks`` networks (6 to 60 posts each) among ``n_posts`` posts, shuffled in time."""
    rng = random.Random(seed)
    corpus = Corpus()
    used: set[str] = set()

    def number(prefix: str) -> str:
        while True:
            n = prefix + f"{rng.randrange(1_000_000):06d}"
            if n not in used:
                used.add(n)
                return n

    corpus.companies = [number("040") for _ in range(5)]
    posts: list[tuple[str, str | None, int, bool]] = []  # text, author, network, decoy
    for net in range(n_networks):
        size = rng.randint(6, 60)
        phones = [number("050") for _ in range(rng.randint(1, 3))]
        handles = [f"fake_ring{net:02d}_{c}" for c in "abc"[: rng.randint(1, 2)]]
        contacts: list[tuple[str, str]] = [("phone", p) for p in phones] + [("handle", h) for h in handles]
        site = f"www.ring{net:02d}-jobs.example.net/apply" if net % 4 == 0 else None
        authors = [f"ring{net:02d}_acct{k}" for k in range(rng.randint(2, 8))]
        for k in range(size):
            # Consecutive contacts in a ring: every post shares one with the next, so each network is one chain.
            chosen = {contacts[k % len(contacts)], contacts[(k + 1) % len(contacts)]}
            parts = [
                rng.choice(OPENERS),
                rng.choice(OFFERS).format(
                    job=rng.choice(JOBS), place=rng.choice(PLACES), pay=rng.choice(range(400, 1600, 50))
                ),
            ]
            if rng.random() < 0.5:
                parts.append(rng.choice(ASKS))
            for kind, value in sorted(chosen):
                parts.append(
                    f"{rng.choice(CONTACT_LEADS)} {phone_text(value, rng)}"
                    if kind == "phone"
                    else handle_text(value, rng)
                )
            if site and rng.random() < 0.3:
                parts.append(site)
            decoy = False
            if rng.random() < 0.25:
                parts.append(rng.choice(HOTLINE_LINES).format(h=phone_text(rng.choice(HOTLINES), rng)))
                decoy = True
            if rng.random() < 0.2:
                parts.append(rng.choice(COMPANY_LINES).format(c=phone_text(rng.choice(corpus.companies), rng)))
                decoy = True
            posts.append((" ".join(parts), rng.choice(authors), net, decoy))
    n_noise = n_posts - len(posts)
    for i in range(n_noise):
        place, pay = rng.choice(PLACES), rng.choice(range(50, 900, 25))
        r = i / max(n_noise, 1)
        if i < company_posts:  # each from its own account: the degree cap must catch these numbers
            text = rng.choice(COMPANY_LINES).format(c=phone_text(corpus.companies[i % len(corpus.companies)], rng))
            posts.append((text, f"user_c{i}", -1, True))
        elif i < company_posts + hotline_posts:
            text = rng.choice(NEWS).format(h=phone_text(rng.choice(HOTLINES), rng), place=place)
            posts.append((text, f"user_h{i}", -1, True))
        elif r < 0.35:  # ordinary advertisers: their own number, a post or three each
            owner = f"user_ad{i // 3}"
            text = rng.choice(LEGIT_ADS).format(place=place, p=phone_text(number("059"), rng))
            posts.append((text, owner, -1, False))
        else:
            posts.append(
                (
                    rng.choice(NOISE).format(place=place, pay=pay),
                    f"user{rng.randrange(n_noise)}" if rng.random() < 0.9 else None,
                    -1,
                    False,
                )
            )
    rng.shuffle(posts)
    for i, (text, author, net, decoy) in enumerate(posts):
        ext = f"p{i:06d}"
        corpus.rows.append(
            {
                "source": f"partner{i % 3}",
                "external_id": ext,
                "content_hash": f"h{i}",
                "text": text,
                "author_hash": author_hash(author, key),
                "lang": "en",
                "created_at": START + timedelta(minutes=7 * i),
                "platform": ("facebook", "telegram")[i % 2],
                "extras": {},
            }
        )
        corpus.truth[ext] = net
        if decoy:
            corpus.decoy_posts.add(ext)
    return corpus


def pairwise(truth: dict[str, int], predicted: dict[str, int]) -> tuple[float, float, int, int]:
    """Pairwise precision and recall of the planted networks: (precision, recall, true pairs, predicted pairs).

    Predicted pairs are those in one predicted network with at least one planted post: a network of
    ordinary posts (one advertiser's ads) is neither right nor wrong about the planted ones.
    """
    from collections import Counter

    def pairs(n: int) -> int:
        return n * (n - 1) // 2

    true_pairs = sum(pairs(n) for net, n in Counter(v for v in truth.values() if v >= 0).items())
    by_pred: dict[int, list[str]] = {}
    for ext, p in predicted.items():
        by_pred.setdefault(p, []).append(ext)
    tp = pred_pairs = 0
    for members in by_pred.values():
        planted = Counter(truth[m] for m in members if truth[m] >= 0)
        if not planted:
            continue
        pred_pairs += pairs(len(members)) - pairs(len(members) - sum(planted.values()))
        tp += sum(pairs(n) for n in planted.values())
    precision = tp / pred_pairs if pred_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    return precision, recall, true_pairs, pred_pairs
