"""Synthetic, non-explicit labelled posts in Khmer, English and mixed/romanised Khmer.

Why synthetic: no public labelled Khmer data exists for these risks. The danger is a model that
learns our templates instead of the risk, so the generator is built against that:

* many independent *families* per label, language and hard-negative kind: a family is one voice
  (a persona, a register, a way of putting things) with its own clauses, and the split keeps each
  family on one side, so the test split measures phrasings the model has never seen;
* posts are *composed*: one to four clauses of a family, in any order, with optional neutral
  openers/closers, slot values (apps, phones, places, money, ages) shared by positives and hard
  negatives, code-switching, typos and obfuscation (spaced or dotted words, leetspeak, homoglyphs,
  Khmer digits, emoji stand-ins) applied to positives and negatives alike, so none of these is a cue;
* hard negatives reuse the positives' vocabulary (news quoting a recruiter's number, NGO warnings
  listing grooming tactics, legal migration ads with salaries, teachers asking a grade, top-up
  shops selling credit, adult dating), so the model has to learn the *pattern*, not the words.

Content rule (docs/codebook.md): grooming examples show only manipulation patterns (age/school
questions, flattery, gifts or phone credit, secrecy, moving to a private app, asking to meet or for
ordinary photos); nothing sexual. Trafficking examples show recruitment patterns only.
``UNSAFE_TERMS`` is the blocklist the content-safety test and the data stage enforce.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

LABELS = ("grooming", "trafficking_ad")
POSITIVE_KINDS = {"grooming": ("grooming",), "trafficking_ad": ("trafficking_ad",),
                  "both": ("grooming", "trafficking_ad")}


@dataclass(frozen=True)
class Family:
    """One voice: clauses that say the family's kind of thing in one way; a post uses 1-4 of them."""

    name: str
    kind: str  # "grooming", "trafficking_ad", "both", or a hard-negative kind such as "news"
    lang: str  # km, en, mixed
    parts: tuple[str, ...]
    # "" = dealt to a split by models.data.dataset.family_splits; "train" pins a family to training, so a
    # voice added later teaches the model without reshuffling the families already dealt to test.
    split: str = ""
    # Indices of *supporting* clauses (written "~ " in the family's text): clauses that add to a
    # labelled post but do not earn the label alone ("no experience needed", "only 30 seats left"),
    # because legitimate posts say them too. With ``lone_indicator`` a one-clause post is never one.
    supporting: frozenset[int] = frozenset()

    @property
    def labels(self) -> tuple[str, ...]:
        """The labels every post of this family carries."""
        return POSITIVE_KINDS.get(self.kind, ())

    @property
    def indicator_parts(self) -> tuple[str, ...]:
        """The clauses that carry an unambiguous indicator: the ones a post may be alone."""
        return tuple(p for i, p in enumerate(self.parts) if i not in self.supporting)

    @property
    def templates(self) -> tuple[str, ...]:
        """The family's clauses (the name kept for older callers)."""
        return self.parts


def _fam(name: str, kind: str, lang: str, text: str, split: str = "") -> Family:
    """A family from one clause per line (blank lines ignored; "~ " marks a supporting clause)."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    parts = tuple(line.removeprefix("~").strip() for line in lines)
    supporting = frozenset(i for i, line in enumerate(lines) if line.startswith("~"))
    return Family(name, kind, lang, parts, split, supporting)


# ---------------------------------------------------------------- content-safety blocklist
# Whole-word (Latin) or substring (Khmer) terms that must never appear in any generated, bundled
# or probe text. Real text that contains one (e.g. "sex" in an equal-opportunity clause) is dropped.
UNSAFE_TERMS_LATIN = (
    "sex", "sexy", "sexual", "sexually", "nude", "nudes", "naked", "porn", "porno", "pornography", "xxx",
    "boobs", "breast", "breasts", "penis", "vagina", "orgasm", "erotic", "intercourse", "condom", "condoms",
    "lingerie", "underwear", "bikini", "undress", "horny", "fuck", "fucking", "blowjob", "masturbate",
    "stripper", "striptease", "escort", "onlyfans", "nsfw", "hooker", "prostitute", "prostitution",
    "brothel", "rape", "raped", "molest", "molested", "sech", "sich", "akrat", "sr'at", "ruom phet",
    # found in the real English SMS (ham) on 2026-12-03: sexual slang and profanity the words above missed
    "pussy", "dick", "dicks", "cock", "cocks", "cum", "cumming", "tits", "titties", "panties", "lick",
    "boytoy", "ass", "whore", "slut", "fucked", "fucks", "fucker", "motherfucker",
)
UNSAFE_TERMS_KHMER = (
    "រួមភេទ", "ផ្លូវភេទ", "អាសអាភាស", "អាក្រាត", "ស្រាតកាយ", "សិចស៊ី", "ខោទ្រនាប់", "អាវទ្រនាប់", "រំលោភ", "ពេស្យា",
    "ស្រីពេស្យា", "កាមរោគ", "កាមារម្មណ៍", "ស្រោមអនាម័យ",
)
_UNSAFE_LATIN_RE = re.compile(r"(?<![a-z])(" + "|".join(re.escape(t) for t in UNSAFE_TERMS_LATIN) + r")(?![a-z])")


def unsafe_terms(text: str) -> list[str]:
    """Blocklisted terms found in ``text`` (case-insensitive); empty when the text is safe."""
    low = text.casefold()
    hits = [m.group(1) for m in _UNSAFE_LATIN_RE.finditer(low)]
    hits += [t for t in UNSAFE_TERMS_KHMER if t in text]
    return hits


# ---------------------------------------------------------------- slots
SLOTS: dict[str, tuple[str, ...]] = {
    "app": ("Telegram", "WhatsApp", "Line", "WeChat", "Messenger", "telegram", "TG", "Signal", "IMO", "Viber",
            "tele", "WA", "Zalo", "Snapchat", "Instagram DM"),
    "handle": ("@jobs_asia88", "@bong_kind", "@work_thai_now", "@sweet_friend21", "@hr_global7", "@kh_easyjob",
               "@sokha_hr", "@dara.team", "@goldenwork_kh", "@lucky_star_99", "@vannak_official", "@asia_recruit",
               "@mr_chen_hr", "@hello_oun", "@rithy.888"),
    "handle_own": ("@srey_neang99", "@kimly.shop", "@dara_official", "@sokha.store", "@bong_vanna", "@lina_kh",
                   "@ff_diamond_kh", "@topup_pp24", "@chenda.88", "@mony_k", "@rith.seller", "@pisey_love"),
    "phone": ("097 555 1234", "+855 12 345 678", "០៩៦ ៧៧៧ ៨៨៨៨", "010 223 344", "+66 81 234 5678", "088-999-1122",
              "012 88 77 66", "0967 123 456", "+60 12-345 6789", "081 456 789", "០១២ ៣៤៥ ៦៧៨", "070 90 80 70",
              "+95 9 123 4567", "015 246 357"),
    "money": ("$1500", "1,200 USD", "2000$", "៤០០០០០០ ៛", "30,000 baht", "$900", "៣០០ ដុល្លារ", "$2,500",
              "1800 dollars", "៥០០ ដុល្លារ", "$3000", "1000$ up", "៨០០$", "$700-1200", "4 million riel"),
    # professional pay: plausible for a degree and years of experience, so a high salary is not
    # on its own a trafficking signal (codebook §2, "What does not count")
    "pro_money": ("$1,200", "$1,500-2,000", "$2,500 gross", "1,800 USD", "$900-1,300", "៨០០-១២០០ ដុល្លារ",
                  "១៥០០ ដុល្លារ", "$1,000 + bonus", "up to $3,000 by experience"),
    "shop": ("phone shop", "clothes shop", "mini mart", "pharmacy", "bakery", "coffee shop"),
    "shop_km": ("លក់ទូរស័ព្ទ", "លក់សម្លៀកបំពាក់", "ម៉ាត", "ឱសថស្ថាន", "នំខេក", "កាហ្វេ"),
    "shop_rom": ("luk phone", "luk ao khor", "mart", "luk thnam", "num cake", "kafe"),
    "low_money": ("$250", "$300", "280 USD", "៣០០ ដុល្លារ", "$320-400", "1,200,000 riel", "$350 negotiable",
                  "២៥០ ដុល្លារ", "$400", "$270 + OT"),
    "place": ("Thailand", "Malaysia", "Bavet", "Poipet", "O'Smach", "Sihanoukville", "Myanmar", "Laos", "Dubai",
              "Kampong Som", "Koh Kong", "the border", "Shwe Kokko", "Golden Triangle", "Bangkok", "KL"),
    "place_km": ("ថៃ", "ម៉ាឡេស៊ី", "បាវិត", "ប៉ោយប៉ែត", "អូរស្មាច់", "ក្រុងព្រះសីហនុ", "មីយ៉ាន់ម៉ា", "ឡាវ", "កោះកុង",
                 "ព្រំដែន", "ដូបៃ", "បាងកក", "កំពង់សោម"),
    "place_rom": ("Thai", "srok Thai", "Malay", "Bavet", "Poipet", "O'Smach", "Kampong Som", "Sihanouk", "Myanmar",
                  "Lao", "Koh Kong", "Dubai", "prum den"),
    "age": ("13", "14", "15", "16", "17", "១៤", "១៥", "12", "១៣", "១៦"),
    "grade": ("7", "8", "9", "10", "១០", "៩", "11", "៧", "៨", "6"),
    "gift": ("phone credit", "a new phone", "top up card", "$20", "a nice bag", "data package", "Free Fire diamonds",
             "ML diamonds", "new shoes", "a bike", "$10 credit", "an iPhone", "new clothes", "$50"),
    "gift_km": ("កាតទូរស័ព្ទ", "ទូរស័ព្ទថ្មី", "លុយ ២០ ដុល្លារ", "កាបូបស្អាត", "ពេជ្រ Free Fire", "ស្បែកជើងថ្មី",
                "កង់ថ្មី", "អាវថ្មី", "លុយចាយ", "កាតលុយ ៥ ដុល្លារ"),
    "gift_rom": ("kat phone", "luy 20$", "phone thmey", "diamond FF", "kabob saat", "sbek jeung thmey", "luy jay",
                 "kang thmey", "ao thmey", "kat luy 5$"),
    "city": ("Phnom Penh", "Siem Reap", "Battambang", "Kampong Cham", "Takeo", "Kampot", "Kandal", "Prey Veng",
             "Svay Rieng", "Pursat", "Kep", "Banteay Meanchey"),
    "city_km": ("ភ្នំពេញ", "សៀមរាប", "បាត់ដំបង", "កំពង់ចាម", "តាកែវ", "កំពត", "កណ្ដាល", "ព្រៃវែង", "ស្វាយរៀង",
                "ពោធិ៍សាត់", "កែប", "បន្ទាយមានជ័យ"),
    "name": ("Dara", "Sokha", "Srey Pov", "Vanna", "Rithy", "Chenda", "Bopha", "Sophea", "Nita", "Kimly", "Mony",
             "Sreyneang", "Piseth", "Lina"),
    "name_km": ("ដារា", "សុខា", "ស្រីពៅ", "វណ្ណា", "រិទ្ធី", "ចិន្តា", "បុប្ផា", "សុភា", "នីតា", "គីមលី", "មុន្នី"),
    "company": ("Golden Star Co.", "Asia Sky Group", "KH Smart Trading", "Lucky Dragon Ltd", "Mekong Bridge Co.",
                "Angkor Prime", "Sunrise Holdings", "ABC Company", "New World Group"),
    "n": ("5", "10", "20", "30", "50", "100", "១០", "២០", "៣០", "៥០"),
    "date": ("Monday", "15 March", "next Friday", "this weekend", "1 April", "Tuesday morning", "the 20th"),
    "emoji": ("🙂", "😊", "🥰", "🔥", "💯", "✅", "👉", "🙏", "❤️", "😘", "🤗", "⭐", "📌", "‼️", "💰", "📱", "✈️"),
}

# Neutral openers and closers: shared by every kind (positives and negatives alike), so they carry
# no label signal; they make posts vary in length and shape like real ones.
OPENERS: dict[str, tuple[str, ...]] = {
    "en": ("hi", "hello", "hey", "Hi there,", "good morning", "Dear all,", "ok so", "Update:", "FYI", "hmm",
           "Hello everyone!", "yo", "Good evening.", "Sorry to bother,", "📢", "Hi friend"),
    "km": ("សួស្តី", "ជម្រាបសួរ", "សួស្តីបង", "អូ", "ចា៎", "បាទ", "ជម្រាបសួរ​ប្រិយមិត្ត", "អរុណសួស្តី", "📢", "ហាយ",
           "ហេឡូ", "សូមជម្រាប"),
    "mixed": ("hi oun", "suasdey", "hello bong", "jum reap suor", "hey", "chea", "bat", "ot ey te", "ei", "hello all",
              "sous dey", "📢"),
}
CLOSERS: dict[str, tuple[str, ...]] = {
    "en": ("thanks", "thank you", "ok?", "😊", "🙏", "bye", "see you", "God bless", "pls share", "reply soon",
           "!!!", "...", "#Cambodia", "have a nice day", "👍", "cheers"),
    "km": ("អរគុណ", "អរគុណច្រើន", "ណា", "ចា៎", "😊", "🙏", "សូមចែករំលែក", "ឆាប់ឆ្លើយមក", "!!!", "...", "ជូនពរ",
           "#កម្ពុជា", "👍", "បាយបាយ"),
    "mixed": ("arkun", "arkun bong", "ok na", "ok jea", "😊", "🙏", "bye bye", "chhob sen", "pls share", "tv sen hz",
              "!!!", "...", "👍", "ok te"),
}

# Code-switching: the same clause with a few words in the other language, as people really type.
_SWITCH_EN = {"you": ("oun", "u"), "brother": ("bong",), "money": ("luy",), "work": ("tver ka", "ka ngea"),
              "girl": ("srey",), "tomorrow": ("sa ek",), "today": ("thngai nis",), "school": ("sala",),
              "phone": ("tel", "phone dai"), "good": ("lar",), "beautiful": ("saat",), "come": ("mok",),
              "really": ("men", "pit jea"), "please": ("som", "pls"), "salary": ("luy khe",)}
_SWITCH_KM = {"ការងារ": ("job", "work", "ka ngea"), "ប្រាក់ខែ": ("salary", "luy khe"), "ទូរស័ព្ទ": ("phone", "tel"),
              "ទាក់ទង": ("contact", "inbox"), "សាលា": ("school",),
              "ក្រុមហ៊ុន": ("company",), "បន្ទាន់": ("urgent",), "ស្អាត": ("saat", "pretty"), "ថ្ងៃស្អែក": ("tomorrow",),
              "លុយ": ("luy", "money")}

_LEET = str.maketrans({"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"})
_HOMOGLYPH = str.maketrans({"a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "i": "і"})
_TO_KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
_FROM_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
_EMOJI_FOR = {"salary": "💰", "money": "💰", "luy": "💵", "phone": "📱", "travel": "✈️", "ticket": "🎫",
              "secret": "🤫", "meet": "📍", "girl": "👧", "gift": "🎁", "job": "💼", "work": "💼", "photo": "📷",
              "ប្រាក់ខែ": "💰", "ទូរស័ព្ទ": "📱", "ការងារ": "💼", "រូប": "📷", "លុយ": "💵"}
_LATIN_WORD = re.compile(r"[A-Za-z]{4,}")
SLOT = re.compile(r"\{(\w+)\}")  # a ``{slot}`` placeholder in a family's clause


def fill(template: str, rng: random.Random) -> str:
    """Fill ``{slot}`` placeholders with random values of that slot."""
    def repl(m: re.Match[str]) -> str:
        values = SLOTS.get(m.group(1))
        return rng.choice(values) if values else m.group(0)
    return SLOT.sub(repl, template)


def _one_word(text: str, rng: random.Random, f: Callable[[str], str]) -> str:
    """``text`` with ``f`` applied to one random Latin word of 4+ letters."""
    words = list(_LATIN_WORD.finditer(text))
    if not words:
        return text
    m = rng.choice(words)
    return text[:m.start()] + f(m.group(0)) + text[m.end():]


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(3)
    if op == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if op == 1:
        return word[:i] + word[i + 1:]
    return word[:i] + word[i] + word[i:]


def obfuscate(text: str, rng: random.Random) -> str:
    """One or two evasions seen on social media, applied to positives and negatives alike."""
    for _ in range(rng.choice((1, 1, 2))):
        op = rng.randrange(9)
        if op == 0:
            text = _one_word(text, rng, lambda w: " ".join(w))
        elif op == 1:
            text = _one_word(text, rng, lambda w: rng.choice((".", "-", "_", "*")).join(w))
        elif op == 2:
            text = _one_word(text, rng, lambda w: w.lower().translate(_LEET))
        elif op == 3:
            text = _one_word(text, rng, lambda w: w.translate(_HOMOGLYPH))
        elif op == 4:
            text = text.translate(_TO_KHMER_DIGITS if rng.random() < 0.6 else _FROM_KHMER_DIGITS)
        elif op == 5:
            keys = [k for k in _EMOJI_FOR if k in text]
            if keys:
                k = rng.choice(keys)
                text = text.replace(k, _EMOJI_FOR[k] if rng.random() < 0.5 else f"{k}{_EMOJI_FOR[k]}", 1)
            else:
                text += " " + rng.choice(SLOTS["emoji"])
        elif op == 6:
            text = _one_word(text, rng, lambda w: _typo(w, rng))
        elif op == 7:  # zero-width spaces inside Khmer runs, or stretched letters in Latin ones
            if re.search("[\u1780-\u17ff]", text):
                chars = list(text)
                for _ in range(3):
                    chars.insert(rng.randrange(len(chars) + 1), "\u200b")
                text = "".join(chars)
            else:
                text = _one_word(text, rng, lambda w: w + w[-1] * rng.randrange(2, 5))
        else:
            text = text.upper() if rng.random() < 0.3 else text.lower()
    return text


def code_switch(text: str, lang: str, rng: random.Random) -> str:
    """Swap a few words into the other language (English -> romanised Khmer, Khmer -> English)."""
    table = _SWITCH_KM if lang == "km" else _SWITCH_EN
    out = text
    for src, targets in table.items():
        if rng.random() < 0.5:
            continue
        if lang == "km":
            out = out.replace(src, f" {rng.choice(targets)} ", 1)
        else:
            out = re.sub(rf"\b{re.escape(src)}\b", rng.choice(targets), out, count=1, flags=re.IGNORECASE)
    return re.sub(r" {2,}", " ", out).strip()


def compose(fam: Family, rng: random.Random, max_parts: int = 4, min_parts: int = 1,
            lone_indicator: bool = False) -> str:
    """A post: ``min_parts``-``max_parts`` of the family's clauses in random order, with optional
    opener/closer. A draw below ``min_parts`` is raised to it, so the longer lengths keep their odds.

    ``lone_indicator``: a one-clause post is one of the family's indicator clauses, never a
    supporting one, since a lone supporting clause does not earn the family's label (the codebook's
    first rule: several indicators together, or one unambiguous one). A family with no indicator
    clause (a voice whose pattern only shows in combination) gets two clauses instead.
    """
    drawn = rng.choices((1, 2, 3, 4), weights=(30, 35, 22, 13))[0]
    k = min(len(fam.parts), max(drawn, min_parts), max_parts)
    pool = fam.parts
    if lone_indicator and k == 1 and fam.supporting:
        if fam.indicator_parts:
            pool = fam.indicator_parts
        else:
            k = min(2, len(pool))
    parts = [fill(p, rng) for p in rng.sample(pool, k)]
    sep_en = (" ", ". ", "! ", ", ", " - ", "\n", " ... ")
    sep_km = (" ", "។ ", " ", "\n", "! ", " ")
    seps = sep_km if fam.lang == "km" else sep_en
    text = parts[0]
    for p in parts[1:]:
        sep = rng.choice(seps)
        if text[-1] in ".!?។" and sep.strip() in ".!។,":
            sep = rng.choice((" ", "\n"))
        text += sep + p
    base = "mixed" if fam.lang == "mixed" else fam.lang
    if rng.random() < 0.3:
        text = f"{rng.choice(OPENERS[base])} {text}"
    if rng.random() < 0.3:
        text = f"{text} {rng.choice(CLOSERS[base])}"
    return text


def generate(n_per_family: int, seed: int, *, obfuscation_rate: float = 0.25, code_switch_rate: float = 0.15,
             min_positive_clauses: int = 1, lone_indicator: bool = False,
             families: tuple[Family, ...] | None = None) -> Iterator[dict[str, object]]:
    """Yield ``n_per_family`` posts per family: {text, labels, family, kind, lang, augment}.

    ``lang`` is the family's language, except that a code-switched Khmer or English post is
    ``mixed``: that is what a human reader (and the hidden set's writers) would call it.

    ``min_positive_clauses``: the fewest clauses a post of a labelled family has (negatives always
    keep one-clause posts: a teacher's lone "which grade are you in?" is the hard negative the models
    need). The codebook asks for the pattern, and one clause of a voice is sometimes a single
    indicator or none ("look at the dorm photos, like a hotel"); but 2 made short grooming chat
    messages look benign to both models (codebook §7), so params.yaml keeps 1.

    ``lone_indicator``: one-clause labelled posts use only indicator clauses (see ``compose``). It
    lowered the probe set and raised false flags (codebook §7), so params.yaml keeps it off; with it
    off the data is byte-identical to the data before the supporting marks.

    Each family draws from its own generator, seeded by the seed and the family's name: editing,
    adding or removing one family leaves every other family's posts byte-identical, so a data fix
    moves only the rows it touches (as ``Family.split`` does for the split assignment).
    """
    for fam in families or FAMILIES:
        rng = random.Random(f"{seed}:{fam.name}")
        for _ in range(n_per_family):
            text = compose(fam, rng, min_parts=min_positive_clauses if fam.labels else 1,
                           lone_indicator=lone_indicator)
            lang, augment = fam.lang, []
            if fam.lang != "mixed" and rng.random() < code_switch_rate:
                switched = code_switch(text, fam.lang, rng)
                if switched != text:
                    text, lang = switched, "mixed"
                    augment.append("code_switch")
            if rng.random() < obfuscation_rate:
                text = obfuscate(text, rng)
                augment.append("obfuscate")
            yield {"text": text, "labels": list(fam.labels), "family": fam.name, "kind": fam.kind, "lang": lang,
                   "augment": augment}


def all_fixed_texts() -> Iterator[str]:
    """Every clause, slot value, opener and closer: what the content-safety test scans."""
    for fam in FAMILIES:
        yield from fam.parts
    for values in SLOTS.values():
        yield from values
    for pool in (OPENERS, CLOSERS):
        for values in pool.values():
            yield from values


# ================================================================ families
# Naming: <label>_<lang>_<voice>. g = grooming, t = trafficking_ad, b = both, n_<kind> = hard negative.
GROOMING: tuple[Family, ...] = (
    # ------------------------------------------------------------ grooming, English
    _fam("g_en_gamer_peer", "grooming", "en", """
        u play free fire? i can gift you {gift} if you add me
        ~ how old r u btw, still in school? grade {grade}?
        dont tell ur parents i send you stuff, they wont understand
        lets talk on {app} its better there, my id {handle}
        we should meet up and play together, just us, near your school
        send me a selfie so i know ur real lol
    """),
    _fam("g_en_older_boyfriend", "grooming", "en", """
        you are so mature for your age, girls in grade {grade} are usually so childish
        i know you are only {age} but age is just a number
        nobody understands you like i do, not your mom, not your friends
        this is between us ok? delete the chat after
        i want to see you this weekend, tell them you're going to a friend's house
        ~ you deserve someone who treats you like a princess
    """),
    _fam("g_en_fake_scout", "grooming", "en", """
        hi! i'm a photographer and you have the perfect look for our teen model page
        send me a few photos in your school uniform so my boss can see
        how old are you? we need girls {age} to {age}
        your parents don't need to know yet, it's a surprise when you get famous
        we pay {money} per shoot, first one is just a test, come alone
    """),
    _fam("g_en_caring_listener", "grooming", "en", """
        ~ you seemed sad in your story. are your parents fighting again? you can tell me anything
        i'm the only one who really listens to you
        your family doesn't deserve you honestly
        if you ever want to run away you can stay with me
        do you have your own phone or do your parents check it?
        let's keep our chats private, ok sweetheart?
    """),
    _fam("g_en_gift_credit", "grooming", "en", """
        ~ i just sent you {gift}, did you get it?
        i can top up your phone every week, you just have to reply fast when i text
        good girls get presents. don't tell anyone who sent it
        you owe me a little favour now, send me a pic of you right now
        i'll buy you {gift} if you meet me after class
    """),
    _fam("g_en_tutor", "grooming", "en", """
        i can give you free english lessons, just you and me at my place
        ~ you're my smartest student, i want to help you more than the others
        come to the extra class alone, don't bring your friends
        don't tell your parents about the private lessons, they may stop you
        what time do your parents get home from work?
    """),
    _fam("g_en_fan_dm", "grooming", "en", """
        omg your tiktok dances are so cute, how old are you?
        ~ you're way prettier than the other girls on here
        dm me on {app}, i'll send you {gift} for your next video
        are you home alone after school?
        don't show our messages to anyone, they'll be jealous
    """),
    _fam("g_en_compliance_test", "grooming", "en", """
        prove you trust me, turn on your camera now
        if you really like me you'll send me a photo right now
        answer me within 5 min or i'll be sad and stop talking to you
        do what i say and i'll give you {gift}
        you promised, don't break my heart, send it
    """),
    _fam("g_en_family_friend", "grooming", "en", """
        ~ i'm your uncle's friend, remember me? you've grown up so much
        i can pick you up from school today, your mom said it's ok
        let's go for ice cream, just the two of us, it's our secret
        you can call me anytime on {app}, but delete my number from your contacts
    """),
    _fam("g_en_online_bf_short", "grooming", "en", """
        u still {age}? 😍
        ur parents asleep? call me
        come out tonite, ill wait at the corner
        dont post about me ok
        ~ moved to {app}?? answer
        i miss u, need to see u tmrw after school
    """),
    _fam("g_en_sponsor", "grooming", "en", """
        i can pay your school fees if you become my special friend
        poor family right? i want to help you with money every month
        just don't tell your teacher or parents about our deal
        meet me on saturday in {city} and i'll give you {money}
        i'll buy you a phone so we can talk privately
    """),
    _fam("g_en_isolation_pressure", "grooming", "en", """
        your friends are fake, they talk behind your back. only trust me
        stop listening to your mum, she doesn't get you
        if you tell anyone about us you'll get in big trouble, not me
        you're old enough to decide for yourself, you're {age} now
        come stay with me, i'll take care of everything
    """),
    # ------------------------------------------------------------ grooming, Khmer
    _fam("g_km_bong_flirt", "grooming", "km", """
        ~ អូនអាយុប៉ុន្មានហើយ? រៀនថ្នាក់ទីប៉ុន្មាន?
        អូនស្អាតណាស់ ចាស់ទុំជាងអាយុ មិនដូចក្មេងឯទៀតទេ
        កុំប្រាប់ប៉ាម៉ាក់ពីរឿងយើងណា ទុកជាការសម្ងាត់របស់យើងពីរនាក់
        បងចង់ជួបអូនម្នាក់ឯង ចេញពីសាលាមកណា
        តោះនិយាយគ្នាតាម {app} វិញ នៅទីនេះមានគេមើល
    """),
    _fam("g_km_credit_gift", "grooming", "km", """
        ~ បងបញ្ចូលលុយទូរស័ព្ទឱ្យអូនហើយ ទទួលបានទេ?
        បងអាចទិញ{gift_km}ឱ្យអូនរាល់សប្តាហ៍ បើអូនឆ្លើយសារបងលឿន
        កុំប្រាប់នរណាថាបងផ្ញើ{gift_km}ឱ្យអូនណា
        ឥឡូវអូនជំពាក់គុណបងហើយ ផ្ញើរូបអូនមកបងមើលមួយ
        ចេញពីរៀនមកយក{gift_km}ពីបងនៅមុខសាលា
    """),
    _fam("g_km_school_probe", "grooming", "km", """
        ~ អូនរៀននៅសាលាណា? ថ្នាក់ទី{grade}មែនទេ?
        ប៉ាម៉ាក់អូនមើលទូរស័ព្ទអូនទេ?
        ប៉ាម៉ាក់អូនទៅធ្វើការដល់ម៉ោងប៉ុន្មានបានមកផ្ទះវិញ?
        អូននៅផ្ទះម្នាក់ឯងពេលល្ងាចមែនទេ?
        ~ មើលទៅអូននៅក្មេងណាស់ អាយុ{age}ឆ្នាំមែនទេ?
    """),
    _fam("g_km_secret_app", "grooming", "km", """
        លុបសារយើងចោលផង កុំឱ្យម៉ាក់ឃើញ
        ថែម {app} បង {handle} យើងនិយាយគ្នានៅទីនោះសុវត្ថិភាពជាង
        រឿងយើងកុំប្រាប់មិត្តភក្តិ គេច្រណែន
        ដូរឈ្មោះបងក្នុងទូរស័ព្ទទៅជាឈ្មោះមិត្តស្រីវិញទៅ
        បើគេសួរ ប្រាប់ថាបងជាបងជីដូនមួយ
    """),
    _fam("g_km_photo_request", "grooming", "km", """
        ផ្ញើរូបអូនពាក់ឯកសណ្ឋានសាលាមកបងមើលបន្តិច
        ថតរូបខ្លួនឯងឥឡូវនេះផ្ញើមកបង ចង់ឃើញមុខអូន
        បើកកាមេរ៉ាមកបងមើលមួយភ្លែត កុំឱ្យម៉ាក់ដឹង
        រូបនេះសម្រាប់តែបងម្នាក់គត់ កុំប្រាប់អ្នកណា
    """),
    _fam("g_km_meet_pickup", "grooming", "km", """
        ប្រាប់ម៉ាក់ថាទៅផ្ទះមិត្តភក្តិ ហើយមកជួបបងនៅ{city_km}
        បងរង់ចាំនៅមុខសាលាម៉ោង ៥ មកម្នាក់ឯងណា
        ថ្ងៃសៅរ៍នេះបងយកម៉ូតូមកទទួលអូន ទៅលេងតែពីរនាក់
        កុំនាំមិត្តមក បងចង់ជួបតែអូនម្នាក់
    """),
    _fam("g_km_sympathy", "grooming", "km", """
        ~ អូនមិនសប្បាយចិត្តនៅផ្ទះមែនទេ? ប្រាប់បងមក បងយល់ពីអូន
        មានតែបងទេដែលស្រឡាញ់អូនពិតប្រាកដ
        ប៉ាម៉ាក់អូនមិនយល់ពីអូនទេ ចុះមកនៅជាមួយបងទៅ
        បើអូនចង់រត់ចេញពីផ្ទះ បងមានកន្លែងឱ្យអូនស្នាក់នៅ
        កុំប្រាប់គ្រូរឿងនេះណា គេនឹងធ្វើឱ្យយើងមានបញ្ហា
    """),
    _fam("g_km_fake_model", "grooming", "km", """
        បងជាអ្នកថតរូប កំពុងរកក្មេងស្រីអាយុ{age}ឆ្នាំ ធ្វើម៉ូដែល
        ផ្ញើរូបអូនមកបង ដើម្បីបងបង្ហាញថៅកែ
        ថតលើកដំបូងបង់ {money} តែត្រូវមកម្នាក់ឯង
        មិនបាច់ប្រាប់ឪពុកម្តាយទេ ទុកធ្វើឱ្យគាត់ភ្ញាក់ផ្អើល
    """),
    _fam("g_km_private_tutor", "grooming", "km", """
        គ្រូនឹងបង្រៀនគួរឯកជនឱ្យអូនដោយឥតគិតថ្លៃ នៅផ្ទះគ្រូ
        ~ អូនជាសិស្សដែលគ្រូស្រឡាញ់ជាងគេ
        មករៀនម្នាក់ឯងណា កុំនាំមិត្តមក
        កុំប្រាប់ឪពុកម្តាយរឿងរៀនគួរនេះ
        បើអូនស្តាប់គ្រូ គ្រូនឹងដាក់ពិន្ទុល្អឱ្យ
    """),
    _fam("g_km_game_diamond", "grooming", "km", """
        អូនលេង Free Fire ទេ? បងទិញពេជ្រឱ្យ
        ថែមបងជាមិត្តក្នុងហ្គេមទៅ ហើយផ្ញើលេខទូរស័ព្ទមក
        អូនរៀនថ្នាក់ទីប៉ុន្មាន? ផ្ទះនៅឯណា?
        កុំប្រាប់ប៉ាម៉ាក់ថាបងឱ្យពេជ្រណា
        ចាំជួបគ្នាលេងហ្គេមនៅហាងអ៊ីនធឺណិតក្បែរសាលា
    """),
    _fam("g_km_pressure", "grooming", "km", """
        បើអូនស្រឡាញ់បងពិត ផ្ញើរូបមកឥឡូវនេះ
        ឆ្លើយសារបងភ្លាមៗ បើមិនឆ្លើយបងខឹងហើយ
        ~ អូនសន្យាហើយ កុំធ្វើឱ្យបងខកចិត្ត
        បើអូនប្រាប់គេ អូនមុខជាត្រូវម៉ាក់វាយ
    """),
    _fam("g_km_short_dm", "grooming", "km", """
        ~ អូននៅម្នាក់ឯងទេ?
        ម៉ាក់ដេកហើយនៅ? តេមកបង
        យប់នេះចេញមកបានទេ បងចាំនៅផ្លូវកែង
        ~ អូនអាយុ{age}មែន? នៅក្មេងម្ល៉េះ
        ~ ថែម {app} មក
    """),
    # ------------------------------------------------------------ grooming, romanised / mixed
    _fam("g_mx_bong_oun", "grooming", "mixed", """
        oun rean thnak ti pon man? bong tinh {gift_rom} oy oun
        oun ayu pon man hz? oun saat nas, ches jeang ayu
        kom prab mak pa ot na, secret yerng 2 nak
        add bong tam {app} mok, nov nis ke merl
        chenh pi sala mok jub bong mneak eng ban te?
    """),
    _fam("g_mx_gift_credit", "grooming", "mixed", """
        ~ bong dak luy phone oy oun hz, ban ot?
        oun chong ban {gift_rom} te? bong tinh oy
        kom prab ke tha bong oy luy na
        oun jompeak bong hz, send rup mok bong merl mouy
        mok yok gift pi bong nov mun sala
    """),
    _fam("g_mx_school_probe", "grooming", "mixed", """
        ~ oun rean sala na? grade {grade} men?
        mak pa oun check phone oun te?
        pa mak oun tver ka dol mong pon man?
        oun nov phteah mneak eng pel lngeach men?
        ~ oun merl tov kmeng nas, ayu {age} men?
    """),
    _fam("g_mx_secret_app", "grooming", "mixed", """
        lub sa yerng jol pong, kom oy mak kern
        add {app} bong {handle} nov ti nuh safe jeang
        kom prab mit peak pi yerng, ke chrenean
        dor chhmous bong jea chhmous mit srey vinh
        ber ke sur prab tha bong jea bong jidonmouy
    """),
    _fam("g_mx_photo", "grooming", "mixed", """
        oun send rup pak uniform sala mok bong merl tam {app} na
        selfie mouy mok bong ey, chong kern muk oun
        bert camera mok bong merl bontech, kom oy mak deng
        rup nis somrab te bong mneak, kom share
    """),
    _fam("g_mx_meet", "grooming", "mixed", """
        prab mak tha tov phteah mit, hz mok jub bong nov {city}
        bong cham nov mun sala mong 5, mok mneak eng na
        thngai sao bong yok moto mok tot oun, tov leng 2 nak
        kom noam mit mok, bong chong jub te oun
    """),
    _fam("g_mx_sympathy", "grooming", "mixed", """
        ~ oun ot sabay chet nov phteah men? prab bong mok, bong yul pi oun
        mean te bong te del srolanh oun pit
        pa mak oun ot yul pi oun te, mok nov jea mouy bong
        ber oun chong rot chenh pi phteah, bong mean kanleng oy oun
    """),
    _fam("g_mx_gamer", "grooming", "mixed", """
        oun leng FF te? bong tinh diamond oy
        add bong jea friend knong game, send lek phone mok
        oun rean thnak ti pon man? phteah nov na?
        kom prab mak tha bong oy diamond na
        jub knea leng game nov hang net ke sala
    """),
    _fam("g_mx_engmix_flatter", "grooming", "mixed", """
        oun so cute nas, mature jeang kmeng dtei
        u r special to bong, kom prab anyone ok
        bong can buy u {gift} if oun mok jub bong
        oun ayu {age} but bong ot care, age just number
        chat {app} vinh, here ke merl
    """),
    _fam("g_mx_teacher", "grooming", "mixed", """
        kru bong rien kuor private oy oun free nov phteah kru
        ~ oun jea sis del kru srolanh jeang ke
        mok rien mneak eng na, kom noam mit
        kom prab pa mak pi rien kuor nis
        ber oun sdab kru, kru dak pinteu lar oy
    """),
    _fam("g_mx_pressure_short", "grooming", "mixed", """
        ~ oun nov mneak eng te?
        mak dek hz nov? tel mok bong
        yup nis chenh mok ban te, bong cham nov plov keng
        ber srolanh bong pit send rup mok eilov
        chlery sa bong chab chab, ot chlery bong khoeng
    """),
    _fam("g_mx_sponsor", "grooming", "mixed", """
        bong jouy bong luy sala oy oun, tae oun trov jea mit pises rbos bong
        family oun kro men? bong oy luy rol khe
        kom prab kru ru pa mak pi deal yerng
        thngai sao mok jub bong nov {city} bong oy {money}
    """),
)

TRAFFICKING: tuple[Family, ...] = (
    # ------------------------------------------------------------ trafficking ads, English
    _fam("t_en_urgent_high_pay", "trafficking_ad", "en", """
        URGENT HIRING!! work in {place}, salary {money}/month
        ~ no experience needed, no education needed
        ~ contact only by {app} {handle}, no calls
        ~ leave this week, only few places left!!
    """),
    _fam("t_en_travel_paid", "trafficking_ad", "en", """
        we pay your passport, visa and ticket to {place}
        no passport? no problem, we arrange everything
        free travel, free room and food, start next week
        border crossing at {place} is easy, our driver takes you
    """),
    _fam("t_en_youth_looks", "trafficking_ad", "en", """
        looking for girls age 16-22, good looking, for hostess work in {place}
        young ladies wanted for KTV and restaurant, beautiful only
        must be slim, fair skin, height 155cm up, send full body photo
        we lend money first, pay back from your salary
    """),
    _fam("t_en_typing_job", "trafficking_ad", "en", """
        easy typing job in {place}, just need to know how to use a phone
        {money} per month + bonus, company provides everything
        ~ chat with customers online, we train you
        don't need CV, just send name and age to {app} {handle}
    """),
    _fam("t_en_casino_customer_service", "trafficking_ad", "en", """
        casino company in {place} hiring customer service, {money}
        ~ english or chinese a plus but not required
        visa and flight covered by boss, 2 year contract
        interview by {app} only, depart in 3 days
    """),
    _fam("t_en_broker_debt", "trafficking_ad", "en", """
        need money for your family? we give {money} advance before you go
        work in {place} factory, pay the broker fee later from salary
        your family gets money right away, you go next week
        contact our agent {name} {phone}, no papers needed
    """),
    _fam("t_en_vague_company", "trafficking_ad", "en", """
        big foreign company needs {n} staff, location will tell after interview
        job details in private message only
        high salary {money}, food and accommodation free
        ~ hurry, we leave from {city} on {date}
    """),
    _fam("t_en_fishing_farm", "trafficking_ad", "en", """
        men 18-40 needed for fishing boat in {place}, good money {money}
        we pick you up at {city}, travel all paid
        no documents needed, boss keeps passport for safety
        ~ work 6 months then come home rich
    """),
    _fam("t_en_marketing_crypto", "trafficking_ad", "en", """
        online marketing / crypto team in {place} hiring, salary {money} + commission
        ~ age 18-30, can use computer, no degree needed
        company pays ticket, you just bring your passport
        ~ message {handle} on {app} now, interview today
    """),
    _fam("t_en_short_spam", "trafficking_ad", "en", """
        JOB {place} {money} 💰 pm
        easy work big money, inbox {app}
        girls 18+ only, {money}/month
        go {date}, free visa ✈️
        ~ hiring now no exp {phone}
    """),
    _fam("t_en_friend_referral", "trafficking_ad", "en", """
        my cousin works in {place} and earns {money} a month, they need more people
        i can bring you too, the boss pays the travel
        don't tell your parents yet, we tell them after you send money home
        just need your ID photo, i'll handle the rest
    """),
    _fam("t_en_domestic_abroad", "trafficking_ad", "en", """
        housemaid needed for rich family in {place}, salary {money}
        young women 18-25, no skills needed, no agency fee
        we keep your passport until contract finishes
        leave quickly through {place}, contact {phone}
    """),
    # ------------------------------------------------------------ trafficking ads, Khmer
    _fam("t_km_urgent_high_pay", "trafficking_ad", "km", """
        ត្រូវការបុគ្គលិកបន្ទាន់ ធ្វើការនៅ{place_km} ប្រាក់ខែ {money}
        ~ មិនត្រូវការបទពិសោធន៍ មិនត្រូវការសញ្ញាបត្រ
        ~ ទាក់ទងតាម {app} {handle} តែប៉ុណ្ណោះ
        ~ ចេញដំណើរសប្តាហ៍នេះ កន្លែងនៅតិចណាស់
    """),
    _fam("t_km_travel_paid", "trafficking_ad", "km", """
        ក្រុមហ៊ុនចេញថ្លៃលិខិតឆ្លងដែន ទិដ្ឋាការ និងការធ្វើដំណើរទៅ{place_km}
        មិនចាំបាច់មានលិខិតឆ្លងដែន យើងរៀបចំឱ្យទាំងអស់
        ស្នាក់នៅនិងអាហារឥតគិតថ្លៃ ចេញដំណើរថ្ងៃស្អែក
        ឆ្លងព្រំដែន{place_km} ងាយស្រួល មានឡានមកទទួល
    """),
    _fam("t_km_youth_looks", "trafficking_ad", "km", """
        ត្រូវការនារីអាយុ ១៦-២២ ឆ្នាំ រូបរាងស្អាត ធ្វើការនៅ{place_km}
        ត្រូវការស្រីៗស្អាត ធ្វើការខារ៉ាអូខេ និងភោជនីយដ្ឋាន
        កម្ពស់ ១៥៥ ស.ម ឡើង សម្បុរស ផ្ញើរូបពេញខ្លួនមក
        អាចខ្ចីលុយមុនបាន កាត់ពីប្រាក់ខែក្រោយ
    """),
    _fam("t_km_typing_job", "trafficking_ad", "km", """
        ការងារវាយអក្សរស្រួលៗ នៅ{place_km} ចេះប្រើទូរស័ព្ទគឺបាន
        ប្រាក់ខែ {money} បូកប្រាក់រង្វាន់ ក្រុមហ៊ុនផ្តល់ឱ្យទាំងអស់
        ~ ឆាតជាមួយអតិថិជនតាមអនឡាញ មានបង្ហាត់បង្រៀន
        មិនបាច់ CV ផ្ញើតែឈ្មោះនិងអាយុមក {app} {handle}
    """),
    _fam("t_km_casino", "trafficking_ad", "km", """
        ក្រុមហ៊ុនកាស៊ីណូនៅ{place_km} ជ្រើសរើសបុគ្គលិកផ្នែកសេវាអតិថិជន
        ~ ចេះភាសាចិនកាន់តែល្អ តែមិនចេះក៏បាន
        ថៅកែចេញថ្លៃទិដ្ឋាការនិងសំបុត្រយន្តហោះ កុងត្រា ២ ឆ្នាំ
        សម្ភាសតាម {app} ប៉ុណ្ណោះ ចេញដំណើរក្នុង ៣ ថ្ងៃ
    """),
    _fam("t_km_broker_debt", "trafficking_ad", "km", """
        ត្រូវការលុយជួយគ្រួសារទេ? យើងឱ្យខ្ចី {money} មុនពេលចេញដំណើរ
        ធ្វើការរោងចក្រនៅ{place_km} ថ្លៃមេខ្យល់កាត់ពីប្រាក់ខែក្រោយ
        គ្រួសារទទួលលុយភ្លាម ខ្លួនចេញដំណើរសប្តាហ៍ក្រោយ
        ទាក់ទងមេខ្យល់ {name_km} {phone} មិនបាច់មានឯកសារ
    """),
    _fam("t_km_vague_company", "trafficking_ad", "km", """
        ក្រុមហ៊ុនបរទេសធំ ត្រូវការបុគ្គលិក {n} នាក់ ទីតាំងប្រាប់ពេលសម្ភាស
        ព័ត៌មានការងារលម្អិតសូមឆាតឯកជន
        ប្រាក់ខែខ្ពស់ {money} មានកន្លែងស្នាក់នៅនិងអាហារ
        ~ ប្រញាប់ឡើង ឡានចេញពី{city_km}ថ្ងៃស្អែក
    """),
    _fam("t_km_fishing_farm", "trafficking_ad", "km", """
        ត្រូវការបុរសអាយុ ១៨-៤០ ធ្វើការលើទូកនេសាទនៅ{place_km} លុយច្រើន
        យើងមកទទួលនៅ{city_km} ចេញថ្លៃធ្វើដំណើរទាំងអស់
        មិនចាំបាច់មានឯកសារ ថៅកែរក្សាលិខិតឆ្លងដែនទុកឱ្យ
        ~ ធ្វើការ ៦ ខែ ត្រឡប់មកវិញមានលុយ
    """),
    _fam("t_km_online_marketing", "trafficking_ad", "km", """
        ក្រុមការងារទីផ្សារអនឡាញនៅ{place_km} ប្រាក់ខែ {money} បូកកម្រៃជើងសារ
        ~ អាយុ ១៨-៣០ ចេះប្រើកុំព្យូទ័រ មិនត្រូវការសញ្ញាបត្រ
        ក្រុមហ៊ុនចេញថ្លៃសំបុត្រ យកតែលិខិតឆ្លងដែនមក
        ~ ផ្ញើសារ {handle} តាម {app} ឥឡូវនេះ សម្ភាសថ្ងៃនេះ
    """),
    _fam("t_km_short_spam", "trafficking_ad", "km", """
        ការងារ{place_km} {money} 💰 inbox
        ការងារស្រួល លុយច្រើន ឆាត {app}
        ត្រូវការស្រីអាយុ ១៨ ឡើង {money}/ខែ
        ចេញដំណើរ{date} ទិដ្ឋាការឥតគិតថ្លៃ ✈️
        ~ រើសបុគ្គលិកឥឡូវ គ្មានបទពិសោធន៍ក៏បាន {phone}
    """),
    _fam("t_km_friend_referral", "trafficking_ad", "km", """
        បងជីដូនមួយខ្ញុំធ្វើការនៅ{place_km} បានលុយ {money} ក្នុងមួយខែ គេត្រូវការមនុស្សថែម
        ខ្ញុំអាចនាំឯងទៅដែរ ថៅកែចេញថ្លៃធ្វើដំណើរ
        កុំទាន់ប្រាប់ឪពុកម្តាយ ចាំផ្ញើលុយមកផ្ទះសិនចាំប្រាប់
        ផ្ញើតែរូបអត្តសញ្ញាណប័ណ្ណមក ក្រៅពីនោះខ្ញុំរៀបចំឱ្យ
    """),
    _fam("t_km_domestic_abroad", "trafficking_ad", "km", """
        ត្រូវការអ្នកបម្រើតាមផ្ទះឱ្យគ្រួសារអ្នកមាននៅ{place_km} ប្រាក់ខែ {money}
        នារីអាយុ ១៨-២៥ មិនត្រូវការជំនាញ មិនបង់ថ្លៃភ្នាក់ងារ
        ថៅកែរក្សាលិខិតឆ្លងដែនទុកដល់ចប់កុងត្រា
        ចេញដំណើរលឿនតាមច្រក{place_km} ទាក់ទង {phone}
    """),
    # ------------------------------------------------------------ trafficking ads, romanised / mixed
    _fam("t_mx_urgent", "trafficking_ad", "mixed", """
        trov kar bokkolik bontoan tver ka nov {place_rom}, luy khe {money}
        ~ min trov kar bot pisoth, ot trov sanhabat
        ~ tak tong tam {app} {handle} te ponnoh
        ~ jenh dom neur atet nis, kanleng nov tich nas
    """),
    _fam("t_mx_travel_paid", "trafficking_ad", "mixed", """
        company chenh luy passport, visa ning dom neur tov {place_rom}
        ot mean passport ot ey te, yerng riep chom oy
        snak nov ning bay free, jenh dom neur thngai sa ek
        chlong prum den {place_rom} srol, mean lan mok tot
    """),
    _fam("t_mx_youth_looks", "trafficking_ad", "mixed", """
        trov kar srey ayu 18-25 saat, tver ka nov {place_rom}
        rok srey saat saat tver KTV ning restaurant
        kompuos 155 up, sombor sor, send rup pen kloun mok
        ach khchei luy mun ban, kat pi luy khe kroy
    """),
    _fam("t_mx_typing", "trafficking_ad", "mixed", """
        ka ngea type srol srol nov {place_rom}, jes brer phone ban hz
        luy khe {money} + bonus, company oy krob yang
        ~ chat jea mouy customer online, mean bong rien
        ot bach CV, send te chhmous ning ayu mok {app}
    """),
    _fam("t_mx_casino", "trafficking_ad", "mixed", """
        company casino nov {place_rom} rok bokkolik customer service
        ~ jes chen kan te lar, ot jes kor ban
        thao ke chenh luy visa ning sombot yun hos, contract 2 chnam
        interview tam {app} te ponnoh, jenh dom neur knong 3 thngai
    """),
    _fam("t_mx_broker", "trafficking_ad", "mixed", """
        trov kar luy jouy krousar te? yerng oy khchei {money} mun jenh dom neur
        tver rong chak nov {place_rom}, luy mekhyol kat pi luy khe kroy
        krousar tetuol luy plam, kloun jenh dom neur atet kroy
        tak tong mekhyol {name} {phone}, ot bach mean eksar
    """),
    _fam("t_mx_vague", "trafficking_ad", "mixed", """
        company bor tes thom trov kar bokkolik {n} nak, titang prab pel interview
        job detail som chat private
        luy khe kpos {money}, mean kanleng snak nov ning bay
        ~ bro nhab lerng, lan chenh pi {city} sa ek
    """),
    _fam("t_mx_fishing", "trafficking_ad", "mixed", """
        trov kar bros ayu 18-40 tver ka ler touk nesat nov {place_rom}, luy chroen
        yerng mok tot nov {city}, chenh luy dom neur teang os
        ot bach mean eksar, thao ke rak sa passport oy
        ~ tver 6 khe trolob mok vinh mean luy
    """),
    _fam("t_mx_engmix_marketing", "trafficking_ad", "mixed", """
        online marketing team nov {place_rom} hiring, salary {money} + commission
        ~ ayu 18-30, jes computer, no degree ot ey te
        company chenh sombot, yok te passport mok
        ~ inbox {handle} tam {app} eilov, interview thngai nis
    """),
    _fam("t_mx_short_spam", "trafficking_ad", "mixed", """
        ka ngea {place_rom} {money} 💰 inbox
        ka srol luy chroen, chat {app}
        trov kar srey 18+ {money}/khe
        go {date}, visa free ✈️
        ~ rok bokkolik eilov ot mean bot pisoth kor ban {phone}
    """),
    _fam("t_mx_friend_referral", "trafficking_ad", "mixed", """
        bong jidonmouy knhom tver ka nov {place_rom}, ban {money} mouy khe, ke trov kar mnus bonthem
        knhom ach noam eng tov der, thao ke chenh luy dom neur
        kom ton prab pa mak, cham phnher luy mok phteah sin
        send te rup ID card mok, kraw pi nuh knhom riep chom oy
    """),
    _fam("t_mx_domestic", "trafficking_ad", "mixed", """
        trov kar neak bomreur phteah oy krousar neak mean nov {place_rom}, luy khe {money}
        neari ayu 18-25, ot trov kar jomneanh, ot bong luy agency
        thao ke rak sa passport tuk dol chob contract
        jenh dom neur luen tam chrok {place_rom}, tel {phone}
    """),
)

BOTH: tuple[Family, ...] = (
    # Posts that are grooming *and* recruitment: an adult working on a child towards a job abroad.
    _fam("b_en_teen_job_secret", "both", "en", """
        you're {age}? that's fine, my boss in {place} hires young girls, {money} a month
        i'll pay your ticket, just don't tell your parents until you're there
        send me a photo of you so the boss can see you're pretty
        we leave from {city} on {date}, meet me alone at the bus station
    """),
    _fam("b_km_teen_job_secret", "both", "km", """
        អូនអាយុ{age}ក៏បាន ថៅកែបងនៅ{place_km} ត្រូវការក្មេងស្រីស្អាតៗ ប្រាក់ខែ {money}
        បងចេញថ្លៃធ្វើដំណើរឱ្យ កុំទាន់ប្រាប់ប៉ាម៉ាក់ណា
        ផ្ញើរូបអូនមកបង ឱ្យថៅកែមើល
        មកជួបបងម្នាក់ឯងនៅចំណតឡាន ចេញដំណើរថ្ងៃស្អែក
    """),
    _fam("b_mx_teen_job_secret", "both", "mixed", """
        oun ayu {age} kor ban, thao ke bong nov {place_rom} trov kar kmeng srey saat, luy khe {money}
        bong chenh luy dom neur oy, kom ton prab pa mak na
        send rup oun mok bong oy thao ke merl
        mok jub bong mneak eng nov chamnort lan, jenh dom neur sa ek
    """),
    _fam("b_en_gamer_recruit", "both", "en", """
        bro ur good at games, how old are u? 16? my team in {place} pays {money} to play
        we cover visa and travel, u dont need ur parents permission
        keep it secret till u get there, add me on {app}
    """),
    _fam("b_km_online_gf_abroad", "both", "km", """
        អូនរៀនថ្នាក់ទី{grade}ហើយមែន? ឈប់រៀនទៅធ្វើការជាមួយបងនៅ{place_km}ទៅ
        បងរកលុយបាន {money} ក្នុងមួយខែ អាចជួយគ្រួសារអូន
        រឿងនេះទុកជាការសម្ងាត់ ចាំដល់ហើយចាំប្រាប់ម៉ាក់
        ថែម {app} បងមក បងរៀបចំលិខិតឆ្លងដែនឱ្យ
    """),
    _fam("b_mx_online_gf_abroad", "both", "mixed", """
        oun rean grade {grade} hz men? chhob rean tov tver ka jea mouy bong nov {place_rom} tov
        bong rok luy ban {money} mouy khe, jouy krousar oun ban
        reoung nis secret, dol hz cham prab mak
        add {app} bong mok, bong riep chom passport oy
    """),
)

NEGATIVES: tuple[Family, ...] = (
    # ------------------------------------------------------------ news about abuse and trafficking
    _fam("n_news_en_rescue", "news", "en", """
        Police rescued {n} Cambodians from a scam compound in {place}, the Ministry of Interior said on {date}.
        The victims said they were promised {money} a month for easy typing jobs and free travel.
        Recruiters contacted them only through {app} and took their passports on arrival.
        Officials urged anyone with information to call the hotline 1288.
    """),
    _fam("n_news_en_court", "news", "en", """
        A court in {city} sentenced two men to 10 years for human trafficking.
        Prosecutors said the men posted fake job ads offering {money} and paid visas for work in {place}.
        One victim, aged 17, told the court she was told not to tell her parents.
        The defendants recruited through {app}, using the number {phone}.
    """),
    _fam("n_news_km_rescue", "news", "km", """
        សមត្ថកិច្ចបានជួយសង្គ្រោះពលករខ្មែរ {n} នាក់ ពីមជ្ឈមណ្ឌលឆបោកអនឡាញនៅ{place_km}
        ជនរងគ្រោះបាននិយាយថា គេសន្យាផ្តល់ប្រាក់ខែ {money} និងចេញថ្លៃធ្វើដំណើរឱ្យ
        មេខ្យល់ទាក់ទងពួកគេតាម {app} ហើយរឹបអូសលិខិតឆ្លងដែននៅពេលទៅដល់
        ក្រសួងមហាផ្ទៃអំពាវនាវឱ្យប្រជាពលរដ្ឋរាយការណ៍តាមលេខ ១២៨៨
    """),
    _fam("n_news_km_court", "news", "km", """
        តុលាការខេត្ត{city_km}បានកាត់ទោសជនសង្ស័យពីរនាក់ពីបទជួញដូរមនុស្សទៅ{place_km}
        ជនសង្ស័យបានបង្ហោះការផ្សាយពាណិជ្ជកម្មការងារក្លែងក្លាយ សន្យាប្រាក់ខែខ្ពស់
        ជនរងគ្រោះម្នាក់អាយុ ១៧ ឆ្នាំ ត្រូវបានប្រាប់កុំឱ្យប្រាប់ឪពុកម្តាយ
        ប៉ូលិសបានចាប់ខ្លួនជនសង្ស័យនៅព្រំដែន{place_km}
    """),
    _fam("n_news_mx_share", "news", "mixed", """
        pormean: police chab kloun mekhyol 2 nak del baok srey srey tov {place_rom}
        ke sanya luy khe {money} tae dol ti nuh ke yok passport
        please share oy krousar yerng deng, kom chuen ka ngea tam {app}
        neak rong kroh ayu {age} chnam, eilov ban trolob mok srok vinh hz
    """),
    _fam("n_news_mx_online_child", "news", "mixed", """
        News: ke chab bros mneak del chat jea mouy kmeng tam {app} hz sanya oy {gift_rom}
        police {city} prab tha ke sur ayu ning sala kmeng, hz sdeang jub
        mak pa trov check phone kon, nis jea reoung pit
        court nung kat tos knong khe kroy
    """),
    # ------------------------------------------------------------ NGO / safety warnings listing tactics
    _fam("n_ngo_en_grooming_signs", "ngo_warning", "en", """
        Warning signs of online grooming: an adult asks your child's age and school, gives gifts or phone credit, asks to keep secrets.
        If someone asks your child to move to {app} or to meet alone, talk to them calmly.
        Predators often say "you are mature for your age" or "don't tell your parents".
        Report suspicious accounts to the police hotline 1288 or to our team.
    """),
    _fam("n_ngo_en_job_scam", "ngo_warning", "en", """
        Think before you go: a job abroad paying {money} with no experience is a red flag.
        Never give your passport to a broker. Legal jobs never ask you to cross at {place} at night.
        If the recruiter only talks on {app} and won't name the company, it may be trafficking.
        Check every offer with the Ministry of Labour before you travel.
    """),
    _fam("n_ngo_km_grooming_signs", "ngo_warning", "km", """
        សញ្ញាព្រមាន៖ មនុស្សពេញវ័យសួរអាយុ សាលា ហើយផ្តល់កាតទូរស័ព្ទឱ្យកូនអ្នក
        បើមានគេប្រាប់កូនថា "កុំប្រាប់ប៉ាម៉ាក់" សូមនិយាយជាមួយកូនដោយស្ងប់
        ជនល្មើសតែងសុំឱ្យក្មេងប្តូរទៅឆាតតាម {app} ឬសុំជួបម្នាក់ឯង
        សូមរាយការណ៍គណនីគួរឱ្យសង្ស័យទៅលេខ ១២៨៨
    """),
    _fam("n_ngo_km_job_scam", "ngo_warning", "km", """
        ប្រយ័ត្ន! ការងារនៅបរទេសប្រាក់ខែ {money} មិនត្រូវការបទពិសោធន៍ គឺជាសញ្ញាព្រមាន
        កុំប្រគល់លិខិតឆ្លងដែនឱ្យមេខ្យល់ ការងារស្របច្បាប់មិនឱ្យឆ្លងព្រំដែនពេលយប់ទេ
        បើអ្នកជ្រើសរើសនិយាយតែតាម {app} ហើយមិនប្រាប់ឈ្មោះក្រុមហ៊ុន អាចជាការជួញដូរមនុស្ស
        សូមពិនិត្យការងារជាមួយក្រសួងការងារមុនចេញដំណើរ
    """),
    _fam("n_ngo_mx_awareness", "ngo_warning", "mixed", """
        brayat! ber mean ke oy ka ngea {place_rom} luy khe {money} ot trov bot pisoth, nis jea scam
        kom oy passport tov mekhyol, kom chlong prum den pel yup
        mak pa trov prab kon kom jub neak ot skoal mneak eng
        ber ke sur kon ayu ning sala hz oy kat phone, report tov 1288
    """),
    _fam("n_ngo_en_school_talk", "ngo_warning", "en", """
        Today our team visited grade {grade} students in {city} to talk about online safety.
        We taught them: never share your photo with strangers, never meet someone from the internet alone.
        Children learned that a stranger offering {gift} is a warning sign.
        Thank you to the teachers and parents who joined.
    """),
    # ------------------------------------------------------------ legitimate local job ads
    _fam("n_job_en_office", "legit_job", "en", """
        {company} is hiring an accountant in {city}. Bachelor degree and 2 years experience required.
        Salary {low_money}, NSSF, annual leave, 8am-5pm Monday to Friday.
        Send your CV and cover letter to our HR office before {date}.
        Only shortlisted candidates will be contacted for an interview at our office.
    """),
    _fam("n_job_en_service", "legit_job", "en", """
        Restaurant in {city} needs 2 waitresses and 1 cook, salary {low_money} negotiable.
        Apply in person with your ID card, no agent, no fee.
        Age 18+, friendly, can work shifts. Staff meals provided.
        Call the manager on {phone} during opening hours.
    """),
    _fam("n_job_km_office", "legit_job", "km", """
        ក្រុមហ៊ុន{company} ត្រូវការគណនេយ្យករ ១ នាក់ នៅ{city_km} មានបរិញ្ញាបត្រ បទពិសោធន៍ ២ ឆ្នាំ
        ប្រាក់ខែ {low_money} មានបសស ច្បាប់ឈប់សម្រាកប្រចាំឆ្នាំ
        សូមផ្ញើប្រវត្តិរូបមកការិយាល័យធនធានមនុស្សមុនថ្ងៃ{date}
        បេក្ខជនដែលជាប់ឈ្មោះនឹងត្រូវអញ្ជើញមកសម្ភាសនៅការិយាល័យ
    """),
    _fam("n_job_km_factory", "legit_job", "km", """
        រោងចក្រកាត់ដេរនៅ{city_km} ត្រូវការកម្មករ {n} នាក់ ប្រាក់ខែគោល {low_money}
        មានឡានដឹកពីផ្ទះទៅរោងចក្រ មានបសស និងប្រាក់បន្ថែមម៉ោង
        យកអត្តសញ្ញាណប័ណ្ណ និងសៀវភៅគ្រួសារមកដាក់ពាក្យផ្ទាល់
        មិនយកថ្លៃសេវាណាមួយឡើយ
    """),
    _fam("n_job_mx_shop", "legit_job", "mixed", """
        hang kafe nov {city} trov kar neak luk 2 nak, luy khe {low_money}
        tver ka 7am-5pm, chhob 4 thngai mouy khe
        mok dak peak pteal nov hang, yok ID card mok
        tel {phone} sin ber chong sur
    """),
    _fam("n_job_en_remote_legit", "legit_job", "en", """
        NGO in {city} seeks a project officer, Khmer and English required, salary {low_money}-{money}.
        Full job description on our website; apply by email with CV and references.
        Women and people with disabilities are encouraged to apply.
        Interviews will be held at our office in {city}.
    """),
    # ------------------------------------------------------------ legal migration (EPS, MOU)
    _fam("n_mig_en_eps", "legal_migration", "en", """
        EPS-TOPIK Korea: registration opens at the Ministry of Labour on {date}. No broker fees.
        Workers in Korea earn about {money} a month under the official Employment Permit System.
        Bring your ID card and passport; the Korean language test is required.
        Beware of agents who ask for money: the government program is free.
    """),
    _fam("n_mig_en_mou_thailand", "legal_migration", "en", """
        Licensed agency {company} recruits factory workers for Thailand under the Cambodia-Thailand MOU.
        Salary 350 baht per day by Thai law, contract and work permit provided.
        Registration only at our office in {city}, licence number shown on the wall.
        Pre-departure training of 3 days is required before you travel.
    """),
    _fam("n_mig_km_eps", "legal_migration", "km", """
        ការចុះឈ្មោះប្រឡង EPS-TOPIK ទៅធ្វើការនៅកូរ៉េ បើកនៅក្រសួងការងារ ថ្ងៃ{date}
        ពលករនៅកូរ៉េទទួលបានប្រាក់ខែប្រហែល {money} តាមប្រព័ន្ធផ្លូវការ
        សូមយកអត្តសញ្ញាណប័ណ្ណនិងលិខិតឆ្លងដែនមកជាមួយ មិនបង់ថ្លៃឈ្មួញកណ្តាល
        ប្រយ័ត្នភ្នាក់ងារក្លែងក្លាយដែលសុំលុយ កម្មវិធីរដ្ឋាភិបាលគឺឥតគិតថ្លៃ
    """),
    _fam("n_mig_km_japan", "legal_migration", "km", """
        ក្រុមហ៊ុនមានអាជ្ញាប័ណ្ណពីក្រសួងការងារ ជ្រើសរើសសិក្ខាកាមបច្ចេកទេសទៅជប៉ុន
        ត្រូវរៀនភាសាជប៉ុន ៦ ខែនៅ{city_km} មុនចេញដំណើរ
        មានកិច្ចសន្យាការងារ និងលិខិតអនុញ្ញាតការងារត្រឹមត្រូវ
        សូមមកសួរព័ត៌មាននៅការិយាល័យផ្ទាល់ ម៉ោងធ្វើការ
    """),
    _fam("n_mig_mx_eps", "legal_migration", "mixed", """
        EPS Korea bek chuh chhmous hz nov krosuong ka ngea, ot bach bong luy mekhyol
        luy khe nov Korea bro hel {money}, mean contract tro em trov
        trov prolong TOPIK sin, rien pheasa Korea yang tich 3 khe
        kom chuen agent del sum luy, program rodaphibal free
    """),
    _fam("n_mig_en_story", "legal_migration", "en", """
        My brother went to Korea with EPS last year, he passed the TOPIK test and earns {money}.
        It took 8 months: exam, medical check, contract, then the flight paid by the employer.
        He says go through the Ministry only, not Facebook agents.
        Anyone studying for TOPIK in {city}? let's make a study group
    """),
    # ------------------------------------------------------------ parents and teachers talking to children
    _fam("n_pt_en_teacher", "parent_teacher", "en", """
        Grade {grade} students: homework is due Monday. Parents please sign the report card.
        {name}, you did very well in the maths test, keep it up!
        Class photo day is {date}, please wear your school uniform.
        Parents, please check your child's phone use at night and talk about online safety.
    """),
    _fam("n_pt_en_parent", "parent_teacher", "en", """
        Mom here, what time does your class finish today? I will pick you up at the school gate.
        Don't talk to strangers on the way home, call me when you arrive.
        I sent you $2 phone credit for the week, use it for calling home.
        Send me a photo when you get to grandma's so I know you're safe.
    """),
    _fam("n_pt_km_teacher", "parent_teacher", "km", """
        សិស្សថ្នាក់ទី{grade} ត្រូវយកកិច្ចការផ្ទះមកថ្ងៃច័ន្ទ សូមមាតាបិតាចុះហត្ថលេខា
        គ្រូសូមជម្រាបមាតាបិតា ថ្ងៃស្អែកមានប្រជុំថ្នាក់ទី{grade}
        {name_km} ប្រឡងគណិតបានពិន្ទុល្អណាស់ ខំប្រឹងបន្តទៀត
        ថ្ងៃ{date}ថតរូបថ្នាក់ សូមពាក់ឯកសណ្ឋានសាលាឱ្យបានត្រឹមត្រូវ
    """),
    _fam("n_pt_km_parent", "parent_teacher", "km", """
        ម៉ាក់មកយកកូននៅមុខសាលាម៉ោង ៥ ល្ងាច កុំទៅណាឆ្ងាយ
        កូនអាយុ{age}ហើយ ត្រូវខំរៀនណា កុំលេងទូរស័ព្ទយប់ពេក
        ប៉ាបញ្ចូលលុយទូរស័ព្ទឱ្យកូនហើយ តេមកផ្ទះពេលដល់
        កុំនិយាយជាមួយមនុស្សមិនស្គាល់តាមអនឡាញ ណាកូន
    """),
    _fam("n_pt_mx_family", "parent_teacher", "mixed", """
        kon rean chob mong pon man? mak mok tot nov mun sala
        pa dak luy phone oy kon hz, tel mok phteah pel dol
        kom niyeay jea mouy mnus ot skoal tam online na kon
        kon ayu {age} hz, trov kom rien, kom leng game yup pek
    """),
    _fam("n_pt_en_coach", "parent_teacher", "en", """
        Football practice for under-{age}s moves to Saturday 8am at the {city} stadium, parents welcome.
        Please make sure your child brings water and comes with a parent or guardian.
        Well done team, proud of all of you! Photos of the match are on the school page.
        Any questions, message the coach in the parents' group.
    """),
    # ------------------------------------------------------------ adult dating and relationships
    _fam("n_date_en_serious", "adult_dating", "en", """
        Single man 35 from {city}, looking for a serious relationship with a woman 30-40.
        Divorced mother of two, 42, hoping to meet a kind man for friendship first.
        I'm 29, work in a bank, like cooking and travel. Message me if you want to chat.
        Looking for someone honest, no games. Coffee first?
    """),
    _fam("n_date_en_couple", "adult_dating", "en", """
        happy 3rd anniversary to my husband, love you more every day ❤️
        my girlfriend surprised me with a trip to {city}, best weekend ever
        can't wait to see you after work babe, dinner at 7?
        miss you, call me on {app} when you land
    """),
    _fam("n_date_km_marriage", "adult_dating", "km", """
        ប្រុសលីវអាយុ ៣៨ ឆ្នាំ ធ្វើការនៅ{city_km} ចង់ស្គាល់នារីដែលចង់រៀបការ
        នារីមេម៉ាយអាយុ ៤០ ឆ្នាំ ចង់ស្គាល់បុរសស្មោះត្រង់ ធ្វើជាមិត្តសិន
        ខ្ញុំអាយុ ៣០ ឆ្នាំ មានការងារធ្វើ ស្រឡាញ់ការធ្វើម្ហូប ចង់រកគូជីវិត
        បើចង់ស្គាល់គ្នា ឆាតមកបាន ជួបផឹកកាហ្វេសិន
    """),
    _fam("n_date_km_couple", "adult_dating", "km", """
        ខួបអាពាហ៍ពិពាហ៍ ៥ ឆ្នាំហើយ ស្រឡាញ់ប្តីខ្ញុំណាស់
        សង្សារខ្ញុំនាំទៅលេង{city_km} សប្បាយណាស់
        នឹកបងណាស់ ចេញពីធ្វើការតេមកអូនផង
        អូននៅចាំបងនៅហាងកាហ្វេ ម៉ោង ៧ យប់
    """),
    _fam("n_date_mx_flirt_adult", "adult_dating", "mixed", """
        bong ayu 32 nov {city}, rok srey 28-35 jong ban keu chivit pit
        oun nek bong nas, chob tver ka tel mok oun phong
        sangsa knhom noam tov leng {city} sabay nas
        ber chong skoal knea, chat mok, jub nham kafe sin
    """),
    _fam("n_date_en_app_profile", "adult_dating", "en", """
        34 / {city} / teacher. Into hiking, books, karaoke with friends.
        Swipe right if you like dogs and street food.
        Not here for hookups, looking for something real.
        Let's move to {app} if we get along, I'm not on here much.
    """),
    # ------------------------------------------------------------ top-up and phone shops
    _fam("n_shop_km_topup", "top_up_shop", "km", """
        មានលក់កាតទូរស័ព្ទ Smart Cellcard Metfone គ្រប់តម្លៃ បញ្ចុះតម្លៃ ៥%
        បញ្ចូលលុយទូរស័ព្ទ និងកញ្ចប់អ៊ីនធឺណិត រហ័ស ទុកចិត្តបាន
        បើកពីម៉ោង ៧ ព្រឹក ដល់ ៩ យប់ ក្បែរផ្សារ{city_km}
        ទូរស័ព្ទមកលេខ {phone} ឬឆាតតាម {app}
    """),
    _fam("n_shop_en_topup", "top_up_shop", "en", """
        Top up cards and data packages, all networks, open 7am-9pm near {city} market.
        Buy $10 credit get $1 free this week only!
        Send your number on {app} and pay by ABA, credit arrives in 1 minute.
        We also sell phones, chargers and SIM cards, good price.
    """),
    _fam("n_shop_mx_topup", "top_up_shop", "mixed", """
        hang luk kat phone Smart Metfone, ban luy tam ABA, call {phone}
        dak luy phone ning package net, luen, tuk chet ban
        bert pi 7am dol 9pm, ke psar {city}
        tinh $10 tetuol $1 free atet nis
    """),
    _fam("n_shop_km_game_diamond", "top_up_shop", "km", """
        លក់ពេជ្រ Free Fire និង Mobile Legends តម្លៃថោក ចូលភ្លាមៗ
        ផ្ញើ ID ហ្គេម មកតាម {app} ហើយបង់លុយតាម ABA
        ១០០ ពេជ្រ ត្រឹមតែ ១ ដុល្លារ ប្រូម៉ូសិនចុងសប្តាហ៍
        ហាងមានច្បាប់ត្រឹមត្រូវ អតិថិជនជាង ១០០០ នាក់
    """),
    _fam("n_shop_en_game_diamond", "top_up_shop", "en", """
        Cheap Free Fire diamonds and ML diamonds, instant top up
        send your game ID on {app}, pay by ABA or Wing
        100 diamonds only $1 this weekend, trusted shop
        over 1000 happy customers, check our reviews
    """),
    _fam("n_shop_mx_phone", "top_up_shop", "mixed", """
        luk phone thmey ning phone chas, kanong ban, ok luy mun 30%
        iPhone 13 {low_money} tae, mean warranty 6 khe
        inbox {app} ru mok merl pteal nov hang {city}
        dak luy phone free $1 ber tinh sim thmey
    """),
    # ------------------------------------------------------------ everyday posts and chat
    _fam("n_day_en_chat", "everyday", "en", """
        bong that movie was so good! see you at the cafe tomorrow
        Happy birthday my dear sister, wish you good health and success!
        anyone know a good mechanic in {city}? my moto broke again
        traffic on Russian blvd is crazy today, avoid it
    """),
    _fam("n_day_km_weather", "everyday", "km", """
        ថ្ងៃនេះភ្លៀងខ្លាំងណាស់នៅ{city_km} ប្រយ័ត្នផ្លូវរអិល
        សួស្តីឆ្នាំថ្មី សូមឱ្យគ្រួសារទាំងអស់មានសុខភាពល្អ
        អ្នកណាស្គាល់ហាងជួសជុលម៉ូតូល្អនៅ{city_km}ទេ?
        ម្ហូបម្ចាស់ផ្ទះឆ្ងាញ់ណាស់ ទៅញ៉ាំម្តងទៀត
    """),
    _fam("n_day_mx_chat", "everyday", "mixed", """
        bong jol chet merl film nis nas! jub knea nov kafe sa ek
        thngai nis plieng klang nas nov {city}, brayat plov rorl
        neak na skoal hang juos moto lar nov {city} te?
        nham bay hz nov? tov nham bay jea mouy knea
    """),
    _fam("n_day_en_market", "everyday", "en", """
        Selling my old bike, good condition, $60, pick up in {city}.
        Lost a black wallet near the market on {date}, please message if found.
        Fresh mangoes from Kampot, 1 kg $1.50, delivery in Phnom Penh.
        Room for rent near the university, $80 a month, water and electricity extra.
    """),
    _fam("n_day_km_family", "everyday", "km", """
        កូនស្រីខ្ញុំរៀនចប់បាក់ឌុបហើយ មោទនភាពណាស់
        ថ្ងៃអាទិត្យនេះទៅវត្តជាមួយគ្រួសារ
        ខ្ញុំលក់ម៉ូតូចាស់ តម្លៃ ៦០០ ដុល្លារ នៅ{city_km}
        បាត់កាបូបពណ៌ខ្មៅក្បែរផ្សារ បើអ្នកណារើសបាន សូមទាក់ទងមក
    """),
    _fam("n_day_mx_friends", "everyday", "mixed", """
        yup nis tov karaoke te? bong jeay
        knhom rien chob hz, sabay nas
        ot ey te bro, sa ek jub knea
        neak na chong tinh kang chas, tlai 50$
    """),
)

EXTRA_POSITIVES: tuple[Family, ...] = (
    _fam("g_km_uncle_voice", "grooming", "km", """
        ក្មួយអាយុប៉ុន្មានឆ្នាំហើយ? ពូចាំមើលក្មួយចេញពីផ្ទះរៀងរាល់ល្ងាច
        ពូដាក់កាតទូរស័ព្ទឱ្យក្មួយ ២ដុល្លារហើយ កុំនិយាយប្រាប់ម្តាយណា
        ល្ងាចនេះពូទៅទទួលក្មួយពីសាលា យើងទៅញ៉ាំការ៉េមតែពីរនាក់
        ក្មួយនៅផ្ទះម្នាក់ឯងពេលម៉ាក់ទៅធ្វើការមែនទេ?
        ទុករឿងពូនិងក្មួយជាការសម្ងាត់ណា ក្មួយល្អណាស់
    """),
    _fam("g_en_classmate_brother", "grooming", "en", """
        hey i'm your classmate's big brother, she showed me your pics, u look older than 13
        wanna hang out at my place after class? my parents are never home
        i'll give you my old phone so you can text me without your mom seeing
        don't add me on fb, only on {app}, fb is for family
        u can tell me anything, i won't judge like your teachers
    """),
    _fam("g_mx_uncle_voice", "grooming", "mixed", """
        kmouy rien thnak ti pon man hz? pu kernh kmouy der tov sala rol pruk
        pu phnher luy oy kmouy tinh num hz, tae kom prab yeay na
        lngeach nis pu tov tot kmouy pi sala, tov nham karem te pi nak
        kmouy nov phteah mneak eng pel mak tov tver ka men?
        tuk reoung pu ning kmouy jea secret na
    """),
    _fam("t_en_livestream_sales", "trafficking_ad", "en", """
        livestream sellers wanted abroad, girls 18-25 who look good on camera
        {money}/month + tips, no experience, company dorm free
        send age, height and 2 photos to {handle}, interview by video today
        we arrange transport through {place}, bring only ID
    """),
    _fam("t_km_livestream_sales", "trafficking_ad", "km", """
        ត្រូវការនារីលក់ផ្សាយផ្ទាល់នៅក្រៅប្រទេស អាយុ ១៨-២៥ មុខមាត់ស្អាតនៅលើកាមេរ៉ា
        ប្រាក់ខែ {money} បូកលុយទិប មិនត្រូវការបទពិសោធន៍ មានអន្តេវាសិកដ្ឋានឥតគិតថ្លៃ
        ផ្ញើអាយុ កម្ពស់ និងរូប ២ សន្លឹកមក {handle} សម្ភាសតាមវីដេអូថ្ងៃនេះ
        យើងរៀបចំការធ្វើដំណើរតាម{place_km} យកតែអត្តសញ្ញាណប័ណ្ណមក
    """),
    _fam("t_mx_sez_sales", "trafficking_ad", "mixed", """
        company nov tombon SEZ rok sales online, luy khe {money}, snak nov free
        ~ ot trov kar sanhabat, jes typing ban hz, ayu 18-30
        ~ lan mok tot dol phteah, chenh dom neur {date}
        ~ chat {app} {handle} te ponnoh, ot tel
    """),
)

EXTRA_NEGATIVES: tuple[Family, ...] = (
    # Romanised / mixed everyday text: the language the model must not read as risky by itself.
    _fam("n_day_mx_food", "everyday", "mixed", """
        nham bay hz nov bong? yup nis tov nham bay sach ko ang te
        hang num banh chok nov {city} chhnganh nas, tov nham mdong teat
        mak thver samlor machu kroeung thngai nis, mok nham jea mouy
        kafe tek kork 1.5$ te, tov ot?
    """),
    _fam("n_day_mx_family", "everyday", "mixed", """
        kon srey knhom rien chob bak dub hz, mo tnak nas
        thngai aty nis tov vot jea mouy krousar
        yeay chheu bontech, knhom trov tov srok {city} sin
        bong bros knhom rieb ka khe kroy, ajenh mok teang os knea
    """),
    _fam("n_day_mx_school_peers", "everyday", "mixed", """
        sa ek mean prolong math, oun rien ban ot?
        kru oy homework chroen nas, jouy knhom phong
        yup nis rien kuor mong 6, cham knea nov mun sala
        ke dak pinteu hz, knhom ban A bei
    """),
    _fam("n_day_mx_work_chat", "everyday", "mixed", """
        thngai nis boss hav prachum mong 2, kom plech
        knhom som chhob sa ek, krun
        luy khe chenh hz ot? knhom ot ton tetuol
        office yerng rok intern 1 nak, ber skoal neak na prab knhom
    """),
    _fam("n_day_mx_sport", "everyday", "mixed", """
        yup nis merl ball te? Man U vs Liverpool
        leng ball nov {city} sa ek mong 4, neak na tov?
        krom kmeng U{age} yerng chneah hz, sabay nas
        volleyball lngeach nis nov vot, mok leng knea
    """),
    _fam("n_day_mx_market", "everyday", "mixed", """
        luk moto chas, lar nov, 600$ nov {city}
        bat kabob khmao ke psar, neak na rerh ban som tel mok
        svay Kampot 1kg 1.5$, deliver dol Phnom Penh
        bontob jual ke sakolvityalai 80$ mouy khe
    """),
    _fam("n_pt_mx_teacher", "parent_teacher", "mixed", """
        sis thnak ti {grade}: sa ek yok homework mok, pa mak som chuh hatlekha
        kru som jum reap pa mak, thngai sao mean prachum thnak
        {name} prolong kanit ban pinteu lar nas, kom brerng bontor
        thngai {date} thot rup thnak, som pak uniform sala oy ban troem trov
    """),
    _fam("n_pt_mx_safety_talk", "parent_teacher", "mixed", """
        kon ayu {age} hz, trov brayat pel leng online na
        ber mean mnus ot skoal sur ayu kon ru sala, prab mak pa pleam
        kom phnher rup oy neak ot skoal, kom jub neak online mneak eng
        mak ot khoeng te, kon prab mak bor mean reoung ey
    """),
    _fam("n_ngo_mx_safe_migration", "ngo_warning", "mixed", """
        chong tov tver ka bor tes? som chuh chhmous tam krosuong ka ngea
        kom oy passport tov neak na, kom chuen ka ngea luy chroen ot trov bot pisoth
        ber mekhyol niyeay te tam {app} ning ot prab chhmous company, brayat
        hotline 1288 ber mean bonha
    """),
    _fam("n_news_en_scam_return", "news", "en", """
        {n} Cambodians returned through {place} checkpoint after escaping a scam compound, officials said.
        The workers said recruiters on {app} promised {money} a month and free visas.
        Their passports had been confiscated and they were forced to work 14 hours a day.
        Police have opened an investigation into the recruiter using the number {phone}.
    """),
    _fam("n_date_en_adults_chat", "adult_dating", "en", """
        had a great time at dinner, you're fun to talk to. same time next week?
        i'm 31, you're 33, we're both adults, let's just see where it goes
        my wife and i are celebrating 10 years, thank you all for the wishes
        ok i'll add you on {app}, easier to plan the trip to {city}
    """),
    _fam("n_shop_km_phone", "top_up_shop", "km", """
        លក់ទូរស័ព្ទថ្មីនិងមួយទឹក អាចបង់រំលស់បាន មានធានា ៦ ខែ
        ទិញស៊ីមថ្មីថែមលុយ ១ ដុល្លារ ឥតគិតថ្លៃ
        ឆាតតាម {app} ឬមកមើលផ្ទាល់នៅហាងក្បែរផ្សារ{city_km}
        ជួសជុលអេក្រង់ទូរស័ព្ទ យកបានថ្ងៃដដែល
    """),
    _fam("n_job_en_intern", "legit_job", "en", """
        Internship for university students at {company}, 3 months, $150 allowance, office in {city}.
        Apply with CV and transcript; interviews at our office, no fees at any stage.
        Customer service staff needed for our {city} branch: Khmer and English, $300-450.
        Working hours 8-5, contract and NSSF from day one.
    """),
    _fam("n_mig_mx_story", "legal_migration", "mixed", """
        bong srey knhom tov Korea tam EPS, prolong jeab TOPIK hz, luy khe {money}
        tver 8 khe: prolong, pinit sokhapheap, contract, hz yun hos company chenh luy
        som tov tam krosuong te, kom chuen agent Facebook
        neak na rien TOPIK nov {city}? tver krom rien knea
    """),
)

MORE_FAMILIES: tuple[Family, ...] = (
    # Recruitment voices written later, with vocabulary the first families lack.
    _fam("t_km_cousin_border", "trafficking_ad", "km", """
        នរណាចង់រកលុយលឿន ទៅជាមួយខ្ញុំនៅ{place_km}ខែក្រោយ ថៅកែល្អ ប្រាក់ខែ {money}
        មិនបាច់ធ្វើលិខិតឆ្លងដែនទេ ឆ្លងតាមច្រករបៀងបាន មានគេជូនដល់
        ឪពុកម្តាយទទួលលុយមុន {money} ពេលកូនចុះកុងត្រា
        ឆាតមកខ្ញុំតែម្នាក់ កុំបង្ហោះលេខក្នុងខមិន
    """),
    _fam("t_km_online_company", "trafficking_ad", "km", """
        ~ ក្រុមហ៊ុនអនឡាញទំនើប ត្រូវការយុវជនអាយុ ១៨-២៨ ចេះវាយអក្សរ និងប្រើហ្វេសប៊ុក
        ប្រាក់ខែចាប់ពី {money} ប្រាក់លើកទឹកចិត្តរៀងរាល់ខែ ហូបចុកស្នាក់នៅក្រុមហ៊ុនចេញ
        ទីតាំងក្រុមហ៊ុននៅក្បែរ{place_km} មិនអាចប្រាប់ឈ្មោះតាមអនឡាញបាន
        ~ មានរថយន្តទៅទទួលពីភ្នំពេញ ចាប់ផ្តើមការងារភ្លាមៗ
    """),
    _fam("t_en_agent_whatsapp", "trafficking_ad", "en", """
        agent here 🙋 we still have 6 seats for {place}, good company, {money} after training
        ~ you don't need to speak english or chinese, they teach you
        first month salary pays your transport, after that all yours
        send passport photo page or ID to my whatsapp, i prepare documents in 2 days
    """),
    _fam("t_mx_agent_voice", "trafficking_ad", "mixed", """
        agent nis, nov kanleng 6 teat tov {place_rom}, company lar, luy khe {money} kroy training
        ~ ot bach jes pheasa english ru chen, ke bong rien oy
        luy khe khe dambong kat luy dom neur, kroy nuh luy eng teang os
        send rup passport ru ID mok whatsapp knhom, riep eksar 2 thngai hz
    """),
    # Legitimate offers with housing, transport or good pay: not risky by themselves.
    _fam("n_job_km_accommodation", "legit_job", "km", """
        ភោជនីយដ្ឋាននៅ{city_km} ត្រូវការអ្នករត់តុ ២ នាក់ ប្រាក់ខែ {low_money} មានកន្លែងស្នាក់នៅនិងបាយ ៣ ពេល
        សម្រាប់បុគ្គលិកមកពីខេត្ត ហាងមានបន្ទប់ស្នាក់នៅឥតគិតថ្លៃ
        មកសម្ភាសផ្ទាល់នៅហាង ម៉ោង ២ ដល់ ៥ រសៀល យកអត្តសញ្ញាណប័ណ្ណមក
        ឈ្មោះហាង និងអាសយដ្ឋានមាននៅលើផែនទី Google
    """),
    _fam("n_job_en_accommodation", "legit_job", "en", """
        Resort in Kep hiring housekeeping and kitchen staff, {low_money} + service charge, staff housing provided.
        Staff from other provinces welcome, bus fare refunded after the first month.
        Interviews every Tuesday at the resort's HR office, bring ID card and a family book copy.
        Legal contract and NSSF; see our page for the address.
    """),
    _fam("n_job_mx_accommodation", "legit_job", "mixed", """
        hang bay nov {city} trov kar neak rot tok 2 nak, luy khe {low_money}, mean kanleng snak nov ning bay 3 pel
        somrab bokkolik mok pi khet, mean bontob snak nov free
        mok interview pteal nov hang mong 2-5 lngeach, yok ID card mok
        chhmous hang ning address mean nov Google map
    """),
    _fam("n_job_km_it_high_pay", "legit_job", "km", """
        ធនាគារ{company} ជ្រើសរើសអ្នកសរសេរកម្មវិធីជាន់ខ្ពស់ បទពិសោធន៍ ៥ ឆ្នាំ ប្រាក់ខែ {money}
        ត្រូវមានបរិញ្ញាបត្រព័ត៌មានវិទ្យា និងចេះភាសាអង់គ្លេស
        ដាក់ពាក្យតាមគេហទំព័រផ្លូវការ មុនថ្ងៃ{date}
        ការិយាល័យកណ្តាលនៅភ្នំពេញ
    """),
)

HARD_NEGATIVES_2: tuple[Family, ...] = (
    # Reports and warnings that quote a groomer's words: the quote is not the post's intent.
    _fam("n_news_en_grooming_case", "news", "en", """
        Police say the suspect, 34, contacted the {age}-year-old through a game chat and sent her {gift}.
        According to the charge sheet he told her "don't tell your parents" and asked her to move to {app}.
        Her mother noticed the messages and reported him to the {city} police on {date}.
        He faces charges under the law on the protection of children; the hearing is set for next month.
    """),
    _fam("n_news_km_grooming_case", "news", "km", """
        ប៉ូលិសបានឱ្យដឹងថា ជនសង្ស័យអាយុ ៣៤ ឆ្នាំ បានទាក់ទងក្មេងស្រីអាយុ{age}ឆ្នាំតាមហ្គេមអនឡាញ ហើយផ្ញើ{gift_km}ឱ្យ
        តាមសំណុំរឿង ជនសង្ស័យបានប្រាប់ក្មេងថា "កុំប្រាប់ឪពុកម្តាយ" ហើយឱ្យប្តូរទៅឆាតតាម {app}
        ម្តាយរបស់ក្មេងបានឃើញសារ ហើយប្តឹងទៅប៉ូលិស{city_km}
        សវនាការនឹងធ្វើឡើងនៅខែក្រោយ
    """),
    _fam("n_ngo_mx_grooming_signs", "ngo_warning", "mixed", """
        sanhña brayat: mnus thom sur ayu kon, sala kon, hz oy kat phone ru diamond
        ber ke prab kon tha "kom prab mak pa" ru "lub sa jol", nis jea grooming
        ke chaul chet oy kon doh tov chat {app} ru jub mneak eng
        mak pa som niyeay jea mouy kon, report tov 1288
    """),
    _fam("n_ngo_km_school_talk", "ngo_warning", "km", """
        ក្រុមការងារយើងបានចុះទៅសាលា{city_km} ពន្យល់សិស្សថ្នាក់ទី{grade}ពីសុវត្ថិភាពអនឡាញ
        សិស្សបានរៀនថា មនុស្សមិនស្គាល់ដែលផ្តល់{gift_km} ហើយសុំរក្សាការសម្ងាត់ គឺជាសញ្ញាព្រមាន
        កុំផ្ញើរូបឱ្យមនុស្សមិនស្គាល់ កុំទៅជួបមិត្តអនឡាញម្នាក់ឯង
        អរគុណលោកគ្រូអ្នកគ្រូ និងមាតាបិតាដែលបានចូលរួម
    """),
    # Family members and teachers in romanised Khmer: age, school, credit, pick-up, photos.
    _fam("n_pt_mx_aunt_uncle", "parent_teacher", "mixed", """
        mi dak luy phone oy kmouy 2$ hz, tel mok yeay phong
        kmouy rien thnak ti {grade} hz men? mi mok tot pel chhob rien, cham nov mun sala
        thot rup kmouy pak ao sala thngai dambong phnher mok mi merl, mi chong kernh
        kmouy ayu {age} hz, thom hz, kom rien oy pouke
    """),
    _fam("n_pt_en_family_group", "parent_teacher", "en", """
        Auntie here, sent you $2 credit, call grandma tonight ok?
        You're in grade {grade} now? So proud of you! I'll pick you and your brother up after school on Friday.
        Send me a photo in your new uniform, I want to show grandpa.
        Don't forget to study, you're {age} now, exams are soon.
    """),
)

SHORT_TEXTING: tuple[Family, ...] = (
    # Very short, slangy DMs: the register where character n-grams have least to hold on to.
    _fam("g_en_short_texting", "grooming", "en", """
        how old r u again? {age}? cute
        ~ ur mom home?
        ~ wat grade r u in
        dont show anyone our chat k
        come out, im near ur school
        send pic now pls 🙏
        i got u {gift}, meet me?
        delete this after
        switch to {app}, fb not safe
    """),
    _fam("g_mx_short_texting", "grooming", "mixed", """
        oun ayu pon man? {age}? kmeng nas
        ~ mak oun nov phteah te?
        ~ rien thnak ti pon man oun
        kom oy ke merl chat yerng na
        chenh mok, bong nov ke sala oun
        send rup mok eilov
        bong tinh {gift_rom} oy hz, jub bong te?
        lub chat nis jol
    """),
)

INDEPENDENT_VOICES: tuple[Family, ...] = (
    # Written from the codebook's indicator tables (not from the probe set) to widen each group
    # with registers the earlier families lack: recruitment posters with benefit lists, hook
    # questions, "success story" posts, a neighbour's offer, compound customer-service jobs; and
    # hard negatives that share their words (call centres, MOU agencies, returnee news).
    # ------------------------------------------------------------ trafficking ads, Khmer
    _fam("t_km_poster_benefits", "trafficking_ad", "km", """
        ដំណឹងជ្រើសរើសបុគ្គលិក! ក្រុមហ៊ុនឯកជននៅតំបន់សេដ្ឋកិច្ចពិសេស{place_km} ត្រូវការបុគ្គលិកសេវាកម្មអតិថិជន
        អត្ថប្រយោជន៍៖ ប្រាក់ខែ {money} ស្នាក់នៅ អាហារ ៣ ពេល និងសំបុត្រធ្វើដំណើរ ក្រុមហ៊ុនចេញទាំងអស់
        ~ លក្ខខណ្ឌ៖ អាយុ ១៨-៣០ ឆ្នាំ ចេះអាននិងសរសេរ មិនតម្រូវឱ្យមានបទពិសោធន៍
        ឯកសារ៖ តែអត្តសញ្ញាណប័ណ្ណប៉ុណ្ណោះ ក្រុមហ៊ុនធ្វើលិខិតឆ្លងដែនជូន
        ~ ចំនួនមានកំណត់ ចុះឈ្មោះមុនចេញដំណើរមុន ទាក់ទង {app} {phone}
    """),
    _fam("t_km_question_hook", "trafficking_ad", "km", """
        ~ អ្នកធុញនឹងប្រាក់ខែ ២០០ ដុល្លារនៅរោងចក្រហើយមែនទេ?
        ចង់បានលុយ {money} ក្នុងមួយខែ ដោយគ្រាន់តែអង្គុយលេងទូរស័ព្ទទេ?
        ~ គ្មានសញ្ញាបត្រ គ្មានបទពិសោធន៍ ក៏ធ្វើបាន ឱកាសមានតែម្តងគត់
        ~ ខមិនថា "ចង់" ឬឆាតមក {handle} ខ្ញុំពន្យល់លម្អិតតាមឯកជន
        ការងារនៅក្រៅប្រទេសបន្តិច ប៉ុន្តែថៅកែចេញថ្លៃធ្វើដំណើរទាំងអស់
    """),
    _fam("t_km_neighbour_aunt", "trafficking_ad", "km", """
        មីងស្គាល់ថៅកែហាងបាយនៅ{place_km} គាត់ត្រូវការក្មេងស្រីជួយការងារ ប្រាក់ខែ {money}
        ក្មួយមិនបាច់មានឯកសារអីទេ មីងនាំទៅខ្លួនឯង ឆ្លងតាមផ្លូវកាត់
        ថៅកែឱ្យលុយម៉ាក់ក្មួយ {money} មុន ធ្វើការសងបន្តិចម្តងៗ
        ចេញពីភូមិពេលយប់ កុំឱ្យអ្នកភូមិដឹង គេច្រណែន
        ទៅដល់ហើយ ថៅកែរក្សាអត្តសញ្ញាណប័ណ្ណទុកឱ្យ កុំខ្លាចបាត់
    """),
    _fam("t_km_compound_service", "trafficking_ad", "km", """
        ក្រុមហ៊ុនចិននៅ{place_km} ត្រូវការបុគ្គលិកឆាតជាមួយភ្ញៀវ ប្រាក់ខែ {money} បូកប្រាក់លើកទឹកចិត្ត
        ~ ធ្វើការក្នុងការិយាល័យ ស្នាក់នៅក្នុងបរិវេណក្រុមហ៊ុន មានអាហារ អន្តេវាសិកដ្ឋាន កន្លែងហាត់ប្រាណ
        កុងត្រាមួយឆ្នាំ បើឈប់មុនកុងត្រា ត្រូវសងថ្លៃធ្វើដំណើរនិងថ្លៃស្នាក់នៅវិញ
        ថ្ងៃដំបូងប្រគល់លិខិតឆ្លងដែនឱ្យផ្នែកធនធានមនុស្សរក្សាទុក
        ~ សម្ភាសតាម {app} ១០ នាទី ជាប់ហើយមានឡានមកទទួលនៅ{city_km}
    """),
    _fam("t_km_success_story", "trafficking_ad", "km", """
        មិត្តៗដែលទៅជាមួយក្រុមយើងខែមុន ផ្ញើលុយមកផ្ទះបាន {money} ហើយ 🙏
        ~ ខែនេះនៅសល់កន្លែងតែ {n} នាក់ទៀតប៉ុណ្ណោះ
        ~ មើលរូបកន្លែងស្នាក់នៅ ស្អាតដូចសណ្ឋាគារ
        អ្នកចង់ទៅជុំក្រោយ ផ្ញើរូបអត្តសញ្ញាណប័ណ្ណ និងលេខទូរស័ព្ទឪពុកម្តាយមក
        ក្រុមហ៊ុនរ៉ាប់រងទាំងអស់ អ្នកគ្រាន់តែយកខ្លួនទៅ
    """),
    # ------------------------------------------------------------ trafficking ads, English
    _fam("t_en_compound_service", "trafficking_ad", "en", """
        Customer support staff needed in {place}, {money} a month, food and dorm included
        ~ Chinese company, modern office, gym and canteen inside the compound
        1-year contract: if you leave early you repay the travel and training costs
        HR keeps your passport safe during the contract
        ~ 10-minute interview on {app}, pick-up from {city} once you pass
    """),
    _fam("t_en_question_hook", "trafficking_ad", "en", """
        ~ Tired of earning $200 at the factory?
        Want {money} a month just using your phone?
        ~ No degree, no experience, this chance won't come twice
        ~ comment "interested" or DM {handle}, I explain privately
        the job is a bit outside Cambodia but the boss covers every cost
    """),
    _fam("t_en_formal_poster", "trafficking_ad", "en", """
        ~ POSITION: Online Sales Representative / Game Operator
        LOCATION: to be discussed after selection
        BENEFITS: {money} monthly, free dorm, 3 meals, air ticket
        ~ REQUIREMENTS: 18-30 years old, basic typing, own smartphone
        DOCUMENTS: ID card only, the company processes passport and visa
        ~ Limited seats, first come first served, contact {app} {phone}
    """),
    _fam("t_en_success_story", "trafficking_ad", "en", """
        our team who left last month already sent {money} home to their families 🙏
        ~ only {n} seats left this month
        ~ look at the dorm photos, like a hotel
        next group: send your ID photo and your parents' phone number
        the company covers everything, you only bring yourself
    """),
    # ------------------------------------------------------------ trafficking ads, romanised / mixed
    _fam("t_mx_compound_service", "trafficking_ad", "mixed", """
        company chen nov {place_rom} trov kar bokkolik chat jea mouy phnhoev, luy khe {money} + bonus
        ~ tver ka knong office, snak nov knong company, mean bay, gym
        contract 1 chnam, chhob mun trov sang luy dom neur vinh
        thngai dambong prokol passport oy HR tuk
        ~ interview tam {app} 10 neati, jeab hz mean lan mok tot nov {city}
    """),
    _fam("t_mx_question_hook", "trafficking_ad", "mixed", """
        ~ oun nuy luy khe 200$ nov rong jakr hz men?
        chong ban {money} knong mouy khe, kroan te leng phone ot?
        ~ ot sanhabat, ot bot pisoth kor tver ban, okas mean mdong te
        ~ comment "chong" ru inbox {handle}, bong pnyul tam private
        ka ngea nov krav srok bontech, tae thao kae chenh luy dom neur teang os
    """),
    _fam("t_mx_success_story", "trafficking_ad", "mixed", """
        mit del tov jea mouy krom yerng khe mun phnher luy mok phteah ban {money} hz 🙏
        ~ khe nis nov sol kanleng {n} nak teat te
        ~ merl rup kanleng snak nov, saat doch hotel
        neak chong tov chhnaot kroy, phnher rup ID ning lek phone pa mak mok
        company chenh teang os, yok te kluon tov
    """),
    _fam("t_mx_neighbour_aunt", "trafficking_ad", "mixed", """
        ming skoal thao kae hang bay nov {place_rom}, trov kar kmeng srey juoy ka ngea, luy khe {money}
        kmouy ot bach mean eksar te, ming noam tov kluon eng, chlong tam plov kat
        thao kae oy luy mak kmouy {money} mun, tver ka sang bontech mdong
        chenh pi phum pel yub, kom oy neak phum deng
    """),
    # ------------------------------------------------------------ grooming
    _fam("g_km_online_peer_older", "grooming", "km", """
        ~ ឯងរៀនថ្នាក់ទី{grade}មែន? បងក៏ទើបរៀនចប់ដែរ យើងអាយុប្រហែលគ្នា
        ~ ឯងស្អាតជាងស្រីៗក្នុងថ្នាក់ឯងទៀត កុំជឿគេអី
        ប្តូរមកឆាត {app} វិញ ហ្វេសប៊ុកម៉ាក់ឯងអាចមើលឃើញ
        ថ្ងៃសៅរ៍ជួបគ្នានៅផ្សារ{city_km}បានទេ? បងទិញ{gift_km}ជូន
        កុំប្រាប់មិត្តភក្តិរឿងយើង គេមិនយល់ទេ
    """),
    _fam("g_km_contest_scout", "grooming", "km", """
        ប្អូនត្រូវបានជ្រើសរើសក្នុងកម្មវិធីប្រកួតតារាវ័យក្មេង អាយុ{age}ឆ្នាំត្រូវល្មម
        ផ្ញើរូបថតពេលស្លៀកឯកសណ្ឋានសាលាមក ២-៣ សន្លឹក ដើម្បីដាក់ឈ្មោះ
        មកសម្ភាសម្នាក់ឯង កុំនាំឪពុកម្តាយមក ក្មេងៗនឹងភ័យ
        បងផ្ញើ{gift_km}ជាថ្លៃធ្វើដំណើរឱ្យមុន
        រឿងនេះទុកតែពីរនាក់សិន ចាំជាប់ហើយចាំប្រាប់គ្រួសារ
    """),
    _fam("g_en_coach_dm", "grooming", "en", """
        ~ you played great today, best on the U{age} team, I can get you a scholarship
        extra training at my place on Sunday, just you, the others aren't ready
        don't mention it to the other parents, they'll be jealous
        I'll get you {gift}, let's keep in touch on {app}, it's easier
    """),
    _fam("g_en_server_admin", "grooming", "en", """
        i'm admin in this server, i can give you {gift} free if you stay loyal
        ~ how old are you, what school? you play better than the adults here
        add me on {app}, we can voice chat without the others
        don't tell your parents about the gift or they'll take your phone
        send a selfie so I know you're real, then I send it
    """),
    _fam("g_mx_online_peer_older", "grooming", "mixed", """
        ~ oun rien thnak ti {grade} men? bong kor teup rien chob der, ayu prohel knea
        ~ oun saat jeang srey srey knong thnak oun teat
        doh mok chat {app} vinh, FB mak oun merl kernh
        thngai sao jub knea nov psar ban te? bong tinh {gift_rom} oy
        kom prab mit pheak reoung yerng, ke ot yul te
    """),
    _fam("g_mx_server_admin", "grooming", "mixed", """
        bong jea admin group game, oy {gift_rom} free ber oun smos trong
        ~ oun ayu pon man, rien sala na? oun leng pouke jeang mnus thom
        add bong tam {app}, niyeay voice pi nak te
        kom prab pa mak pi gift na, ke dok phone oun
        send selfie mok sin, bong deng tha oun pit, hz bong phnher oy
    """),
    # ------------------------------------------------------------ legitimate local jobs
    _fam("n_job_km_call_centre", "legit_job", "km", """
        ក្រុមហ៊ុនទូរគមនាគមន៍{company} ត្រូវការបុគ្គលិកសេវាអតិថិជនតាមទូរស័ព្ទ នៅការិយាល័យភ្នំពេញ
        ប្រាក់ខែ {low_money} បូកប្រាក់ម៉ោងបន្ថែម មានបសស និងធានារ៉ាប់រងសុខភាព
        ត្រូវចេះភាសាអង់គ្លេសមូលដ្ឋាន និងប្រើកុំព្យូទ័របាន
        ដាក់ពាក្យនៅការិយាល័យ អគារលេខ ១២ ផ្លូវ ២៧១ ឬតាមអ៊ីមែលផ្នែកធនធានមនុស្ស
        មិនគិតថ្លៃដាក់ពាក្យ មានកិច្ចសន្យាការងារត្រឹមត្រូវ
    """),
    _fam("n_job_km_teacher", "legit_job", "km", """
        សាលាឯកជន{company} នៅ{city_km} ត្រូវការគ្រូបង្រៀនភាសាអង់គ្លេស ២ នាក់ ប្រាក់ខែ {low_money}
        បង្រៀនវេនព្រឹក ឬវេនរសៀល ឈប់សម្រាកតាមប្រតិទិនសាលា
        សូមយកប្រវត្តិរូបសង្ខេប និងសញ្ញាបត្រមកការិយាល័យសាលា
        ទូរស័ព្ទសួរព័ត៌មាន {phone} ក្នុងម៉ោងធ្វើការ
    """),
    _fam("n_job_km_security_driver", "legit_job", "km", """
        ក្រុមហ៊ុនសន្តិសុខ ត្រូវការសន្តិសុខ {n} នាក់ អាយុ ២០-៤៥ ប្រាក់ខែ {low_money} មានឯកសណ្ឋាន
        ត្រូវការអ្នកបើកបរ មានប័ណ្ណបើកបរប្រភេទ B បើកឡានដឹកទំនិញក្នុងភ្នំពេញ
        ធ្វើការ ៨ ម៉ោង ថ្ងៃអាទិត្យឈប់ ប្រាក់ម៉ោងបន្ថែមគិតតាមច្បាប់ការងារ
        មកដាក់ពាក្យផ្ទាល់នៅការិយាល័យក្រុមហ៊ុននៅ{city_km}
    """),
    _fam("n_job_en_call_centre", "legit_job", "en", """
        Call centre in Phnom Penh hiring customer support agents, {low_money} plus night-shift allowance
        Office on Street 271; walk-in interviews Monday to Friday 9-11am, bring your CV and ID
        Paid training, labour contract and NSSF from the first day
        We never ask for fees or for your passport
    """),
    _fam("n_job_mx_delivery", "legit_job", "mixed", """
        rok neak deliver mhob nov {city}, mean moto ning smartphone, chamnol 10-15$ mouy thngai
        chuh chhmous tam app, training 1 thngai nov office
        yok ID card ning permis bor bor mok
        ot yok luy chuh chhmous te, ber sour tel {phone}
    """),
    # ------------------------------------------------------------ legal migration
    _fam("n_mig_km_mou_thailand", "legal_migration", "km", """
        ភ្នាក់ងារជ្រើសរើសមានអាជ្ញាប័ណ្ណពីក្រសួងការងារ ជ្រើសរើសកម្មករទៅធ្វើការរោងចក្រនៅថៃ តាម MOU
        ប្រាក់ឈ្នួលតាមច្បាប់ថៃ ៣៥០ បាតក្នុងមួយថ្ងៃ មានលិខិតអនុញ្ញាតការងារ និងកិច្ចសន្យា
        ត្រូវចូលរៀនវគ្គបណ្តុះបណ្តាលមុនចេញដំណើរ ៣ ថ្ងៃ
        ចុះឈ្មោះផ្ទាល់នៅការិយាល័យ{city_km} មានលេខអាជ្ញាប័ណ្ណបិទនៅមុខការិយាល័យ
    """),
    _fam("n_mig_mx_mou_thailand", "legal_migration", "mixed", """
        agency mean ajnhapan pi krosuong ka ngea, rok kamakor tov tver ka rong jakr nov Thai tam MOU
        luy knhoul tam chbab Thai 350 baht mouy thngai, mean work permit ning contract
        trov rien training 3 thngai mun jenh dom neur
        chuh chhmous pteal nov office {city}, lek ajnhapan bet nov mun office
    """),
    _fam("n_mig_en_japan_ssw", "legal_migration", "en", """
        Japan Specified Skilled Worker programme: caregivers and food-factory workers, salary about {money}
        Japanese level N4 and a skills test are required; classes in {city} for 6 months
        Licensed sending agency, contract checked by the Ministry of Labour, no cash to brokers
        Information session at our office every Saturday morning
    """),
    # ------------------------------------------------------------ news and NGO warnings
    _fam("n_news_km_scam_return", "news", "km", """
        ពលករខ្មែរ {n} នាក់ ត្រូវបានបញ្ជូនមកវិញតាមច្រក{place_km} ក្រោយរត់គេចពីក្រុមហ៊ុនបោកប្រាស់អនឡាញ
        ពួកគេប្រាប់ថា មេខ្យល់តាម {app} បានសន្យាប្រាក់ខែ {money} និងទិដ្ឋាការឥតគិតថ្លៃ
        លិខិតឆ្លងដែនរបស់ពួកគេត្រូវបានរឹបអូស ហើយត្រូវបង្ខំឱ្យធ្វើការ ១៤ ម៉ោងក្នុងមួយថ្ងៃ
        ប៉ូលិសកំពុងស៊ើបអង្កេតលើមេខ្យល់ដែលប្រើលេខ {phone}
    """),
    _fam("n_news_mx_scam_return", "news", "mixed", """
        polakor khmer {n} nak trov ban bonhchoun mok vinh tam chrok {place_rom} kroy rot ches pi company bok pras online
        puok ke prab tha mekhyol tam {app} sonya luy khe {money} ning visa free
        passport puok ke trov ke rib os, hz trov bongkhom tver ka 14 mong mouy thngai
        police kompong sherb ongket mekhyol del bro lek {phone}
    """),
    _fam("n_news_en_ministry_figures", "news", "en", """
        The Ministry of Interior said {n} recruitment pages offering {money} jobs in {place} were reported this month.
        Officials urged job seekers to check that an agency is licensed before handing over a passport.
        Most of those deceived were aged 18 to 30 and were first contacted through {app}.
        A hotline, 1288, takes reports from families of workers who cannot come home.
    """),
    _fam("n_ngo_km_fake_job_signs", "ngo_warning", "km", """
        សញ្ញាការងារក្លែងក្លាយ៖ ប្រាក់ខែខ្ពស់ពេក មិនត្រូវការបទពិសោធន៍ ទាក់ទងតែតាម {app}
        កុំប្រគល់លិខិតឆ្លងដែនឱ្យនរណាម្នាក់ កុំឆ្លងព្រំដែនដោយខុសច្បាប់
        បើមេខ្យល់មិនប្រាប់ឈ្មោះក្រុមហ៊ុន ឬទីតាំងការងារ សូមប្រយ័ត្ន
        ហៅលេខ ១២៨៨ ឬមកការិយាល័យយើងនៅ{city_km} ដើម្បីពិនិត្យការងារមុនចេញដំណើរ
    """),
    _fam("n_ngo_en_fake_job_signs", "ngo_warning", "en", """
        Signs of a fake job: pay far above normal, no experience needed, contact only by {app}, travel paid
        Never give your passport to a recruiter; legal employers do not keep your documents
        Check the agency's licence with the Ministry of Labour before you go
        If a friend abroad asks you to come quickly and not tell your family, talk to us first: hotline 1288
    """),
)

QUIET_VOICES: tuple[Family, ...] = (
    # A second round in the same spirit, for grooming and the negatives that share its words: a
    # "sponsor" paying school fees, late-night chat that cuts a child off from parents, an adult
    # posing as a girl of the same age; and adults' long-distance love, older siblings, school clubs,
    # pupils' and workers' chat, phone and diamond shops.
    # ------------------------------------------------------------ grooming, Khmer
    _fam("g_km_fee_sponsor", "grooming", "km", """
        ~ ឃើញប្អូនប្រកាសថាចង់បានអាហារូបករណ៍ បងអាចជួយបង់ថ្លៃរៀនឱ្យ
        ប្អូនអាយុប៉ុន្មាន រៀនសាលាណា? ផ្ញើរូបថតប្អូនមកបងមើលបន្តិច
        រឿងលុយនេះកុំប្រាប់គ្រូឬម៉ាក់ គេនឹងគិតខុស
        ចុងសប្តាហ៍នេះមកជួបបងនៅហាងកាហ្វេ{city_km} មកម្នាក់ឯងណា
        ~ បងផ្ញើ{gift_km}ឱ្យមុនសិន ទុកចាយ
    """),
    _fam("g_km_night_chat", "grooming", "km", """
        យប់ហើយ ម៉ាក់ឯងដេកហើយឬនៅ? ឆាតជាមួយបងបន្តិចទៀត
        មានតែបងទេដែលយល់ពីឯង ឪពុកម្តាយឯងតឹងរឹងពេក
        លុបសារយើងមុនដេក កុំឱ្យម៉ាក់ឃើញ
        ឯងអាយុ{age}ហើយ ធំហើយ អាចសម្រេចចិត្តខ្លួនឯងបាន
        ថ្ងៃស្អែកចេញពីថ្នាក់មួយម៉ោង មកជួបបងនៅខាងក្រោយសាលា
    """),
    _fam("g_km_posing_peer", "grooming", "km", """
        ~ ខ្ញុំក៏រៀនថ្នាក់ទី{grade}ដែរ តែនៅសាលាផ្សេង យើងធ្វើជាមិត្តគ្នាបានទេ?
        ឯងមានរូបថតពេលនៅផ្ទះទេ? ផ្ញើមកមើល ខ្ញុំក៏ផ្ញើទៅវិញដែរ
        បងប្រុសខ្ញុំចង់ស្គាល់ឯង គាត់ចិត្តល្អណាស់ អាចទិញ{gift_km}ឱ្យ
        ទៅឆាតក្នុង {app} វិញ កុំឱ្យអ្នកណាអាន
        កុំប្រាប់ម៉ាក់ឯងថាស្គាល់ខ្ញុំតាមអនឡាញណា
    """),
    # ------------------------------------------------------------ grooming, English
    _fam("g_en_fee_sponsor", "grooming", "en", """
        ~ saw your post about needing school fees, I can help pay them
        how old are you, which school? send me a recent photo so I know who I'm helping
        keep the money between us, your teacher might not understand
        meet me alone at the cafe in {city} this weekend, I'll bring the fees
        ~ I'll send {gift} first so you know I'm serious
    """),
    _fam("g_en_night_chat", "grooming", "en", """
        is your mom asleep yet? stay up and talk to me a bit longer
        I'm the only one who really gets you, your parents are way too strict
        delete our messages before bed ok
        you're {age}, old enough to decide for yourself
        skip last period tomorrow and meet me behind the school
    """),
    # ------------------------------------------------------------ grooming, romanised / mixed
    _fam("g_mx_night_chat", "grooming", "mixed", """
        yub hz, mak oun deik hz ru nov? chat jea bong bontech teat
        mean te bong del yul pi oun, pa mak oun tung rung pek
        lub sar yerng mun deik, kom oy mak kernh
        oun ayu {age} hz, thom hz, somrach chet kluon eng ban
        sa ek chenh pi thnak mouy mong, mok jub bong nov kroy sala
    """),
    _fam("g_mx_posing_peer", "grooming", "mixed", """
        ~ knhom kor rien thnak ti {grade} der tae nov sala pseng, yerng jea mit knea ban te?
        oun mean rup pel nov phteah te? phnher mok merl, knhom phnher tov vinh der
        bong pros knhom chong skoal oun, kat chet lar nas, tinh {gift_rom} oy ban
        tov chat knong {app} vinh, kom oy neak na an
        kom prab mak tha skoal knhom tam online na
    """),
    # ------------------------------------------------------------ adults dating
    _fam("n_date_km_marriage_ad", "adult_dating", "km", """
        ខ្ញុំអាយុ ២៨ ធ្វើការនៅធនាគារ ចង់ស្គាល់មិត្តស្រីដែលមានការងារធ្វើ សម្រាប់រៀបការ
        យើងទាំងពីរពេញវ័យហើយ ជួបគ្នាញ៉ាំកាហ្វេនៅ{city_km}សិនទៅ
        ប្តូរមកឆាត {app} វិញ ស្រួលផ្ញើសំឡេង
        ខានជួបប្រពន្ធមួយសប្តាហ៍ហើយ នឹកណាស់ ថ្ងៃស្អែកខ្ញុំទៅដល់ផ្ទះហើយ
    """),
    _fam("n_date_en_long_distance", "adult_dating", "en", """
        my girlfriend works in {place} and I'm in {city}, we video call every night on {app}
        2 years together, saving money for our wedding next year
        can't wait to see you at the airport on {date}, miss you so much
        we're both 26, our parents met last month and they agree
    """),
    _fam("n_date_mx_long_distance", "adult_dating", "mixed", """
        sangsar knhom tver ka nov {place_rom}, yerng video call ral yub tam {app}
        nov jea mouy knea 2 chnam hz, sonsam luy rieb ka chnam kroy
        nirk bong nas, cham jub bong nov airport thngai {date}
        yerng ayu 26 dauch knea, pa mak pi khang yul prom hz
    """),
    # ------------------------------------------------------------ shops
    _fam("n_shop_en_phone_repair", "top_up_shop", "en", """
        Phone repair and SIM shop near {city} market: screens fixed the same day
        top up any network, $1 to $50, ML and Free Fire diamonds too
        a new SIM needs your ID card, that's the law
        message our page or {app}, open 7am-9pm
    """),
    _fam("n_shop_mx_diamond", "top_up_shop", "mixed", """
        luk diamond ML ning FF, 86 diamond 1.5$, bong luy tam ABA
        phnher ID game mok {app}, bonhchol knong 5 neati
        dak luy phone kroup bontanh, 1$ dol 20$
        hang nov ke psar {city}, bek 7am-9pm
    """),
    # ------------------------------------------------------------ families and schools
    _fam("n_pt_km_older_sibling", "parent_teacher", "km", """
        អូនរៀនថ្នាក់ទី{grade}ហើយ ខំរៀនណា បងផ្ញើលុយ ៥ ដុល្លារឱ្យទិញសៀវភៅ
        ល្ងាចនេះបងទៅទទួលអូនពីសាលា ចាំនៅមុខទ្វារ
        ផ្ញើរូបអូនពេលទទួលសញ្ញាបត្រមក បងនិងម៉ាក់ចង់មើល
        កុំលេងហ្គេមយូរពេក ម៉ាក់ប្រាប់បងថាអូនគេងយប់
    """),
    _fam("n_pt_km_school_club", "parent_teacher", "km", """
        ក្លឹបអានសៀវភៅរបស់សាលាជួបគ្នារៀងរាល់ថ្ងៃព្រហស្បតិ៍ សិស្សថ្នាក់ទី{grade}អាចចូលរួមបាន
        សូមមាតាបិតាចុះហត្ថលេខាលើលិខិតអនុញ្ញាត មុនដំណើរទស្សនកិច្ចទៅ{city_km}
        អ្នកគ្រូនឹងថតរូបសកម្មភាព ហើយបង្ហោះនៅលើទំព័រសាលា
        សិស្សអាយុ{age}ឆ្នាំ អាចចុះឈ្មោះប្រកួតកីឡាបាន
    """),
    # ------------------------------------------------------------ everyday chat
    _fam("n_day_km_school_peers", "everyday", "km", """
        ស្អែកមានប្រឡងគណិត ឯងរៀនបានទេ?
        គ្រូឱ្យកិច្ចការផ្ទះច្រើនណាស់ ជួយខ្ញុំផង
        ល្ងាចនេះរៀនគួរម៉ោង ៦ ចាំគ្នានៅមុខសាលា
        គេដាក់ពិន្ទុហើយ ខ្ញុំបាន A ពីរ
    """),
    _fam("n_day_km_work_chat", "everyday", "km", """
        ថ្ងៃនេះថៅកែហៅប្រជុំម៉ោង ២ កុំភ្លេច
        ខ្ញុំសុំច្បាប់ឈប់ថ្ងៃស្អែក ផ្តាសាយ
        ប្រាក់ខែចេញហើយឬនៅ? ខ្ញុំមិនទាន់ទទួលទេ
        ការិយាល័យយើងរកអ្នកហាត់ការ ១ នាក់ បើស្គាល់អ្នកណាប្រាប់ខ្ញុំ
    """),
    _fam("n_day_en_school_peers", "everyday", "en", """
        math exam tomorrow, did you study?
        the teacher gave us so much homework, help me pls
        tutoring at 6 tonight, wait for me at the school gate
        results are out, I got two As
    """),
)

PRESSURE_VOICES: tuple[Family, ...] = (
    # A third round for the codebook's least covered indicators: compliance testing (G-COMPLY,
    # "answer in 5 minutes", "you owe me"), a place to run to (G-ISOL), work on a tourist visa
    # (T-DOCS, T-DEBT); and what must stay negative beside them: children talking to children about
    # games, an older sibling's credit and pick-up, a parents' checklist of grooming signs.
    # ------------------------------------------------------------ grooming: compliance testing
    _fam("g_km_compliance", "grooming", "km", """
        ឆ្លើយសារបងក្នុង ៥ នាទី បើមិនឆ្លើយ បងនឹងខឹង
        បើកកាមេរ៉ាបន្តិចមក បងចង់ឃើញថាឯងនៅម្នាក់ឯងមែន
        បងទិញ{gift_km}ឱ្យហើយ ឯងជំពាក់បងហើយណា
        បើទុកចិត្តបងមែន ផ្ញើរូបសែលហ្វីមកឥឡូវនេះ
        ប្តូរឈ្មោះបងក្នុងទូរស័ព្ទជាឈ្មោះមិត្តស្រីឯង ម៉ាក់មិនសង្ស័យ
    """),
    _fam("g_en_compliance", "grooming", "en", """
        answer within 5 minutes or I'll think you don't care
        turn your camera on for a sec, I want to see you're alone
        I bought you {gift}, so you owe me now
        if you trust me, send a selfie right now
        save my number under your friend's name so your mom doesn't ask
    """),
    _fam("g_mx_compliance", "grooming", "mixed", """
        chlery sar bong knong 5 neati, ot chlery bong khoeng na
        bek camera bontech, bong chong kernh tha oun nov mneak eng men
        bong tinh {gift_rom} oy hz, oun jompeak bong hz na
        ber oun tuk chet bong, send selfie mok eilov
        dak chhmous bong knong phone jea chhmous mit srey oun, mak min song say
    """),
    # ------------------------------------------------------------ grooming: a place to run to
    _fam("g_km_runaway_offer", "grooming", "km", """
        ប៉ាម៉ាក់ស្តីឱ្យឯងទៀតហើយមែន? មកនៅជាមួយបងក៏បាន បងមានបន្ទប់ទំនេរ
        បងនឹងមើលថែឯងល្អជាងគ្រួសារឯងទៀត
        យប់នេះចាំបងនៅចំណតឡានក្រុង បងមកយក កុំយកទូរស័ព្ទមក
        ឯងអាយុ{age}ហើយ មិនបាច់រស់ក្រោមការបញ្ជារបស់គេទៀតទេ
        កុំប្រាប់មិត្តណាម្នាក់ថាឯងទៅណា
    """),
    _fam("g_en_runaway_offer", "grooming", "en", """
        did your parents yell at you again? you can stay at my place, I have a spare room
        I'd take better care of you than they do
        wait for me at the bus station tonight, I'll pick you up, leave your phone at home
        you're {age}, you don't have to live under their rules
        don't tell any of your friends where you're going
    """),
    _fam("g_mx_runaway_offer", "grooming", "mixed", """
        pa mak sdey oy oun teat hz men? mok nov jea mouy bong kor ban, bong mean bontob tomner
        bong nung merl tae oun lar jeang krousar oun teat
        yub nis cham bong nov jamnot lan krong, bong mok yok, kom yok phone mok
        oun ayu {age} hz, ot bach rous krom kar banhja ke teat te
        kom prab mit na mneak tha oun tov na
    """),
    # ------------------------------------------------------------ trafficking: work on a tourist visa
    _fam("t_km_tourist_visa", "trafficking_ad", "km", """
        ទៅតាមទិដ្ឋាការទេសចរណ៍សិន ដល់{place_km}ហើយចាំធ្វើការ ប្រាក់ខែ {money}
        បើមន្ត្រីអន្តោប្រវេសន៍សួរ ប្រាប់ថាទៅលេងសាច់ញាតិ
        ថ្លៃធ្វើដំណើរ ក្រុមហ៊ុនខ្ចីឱ្យសិន កាត់ពីប្រាក់ខែរៀងរាល់ខែ
        ដល់ព្រលានយន្តហោះ មានគេកាន់ផ្លាកឈ្មោះមកចាំ ប្រគល់លិខិតឆ្លងដែនឱ្យគាត់
    """),
    _fam("t_en_tourist_visa", "trafficking_ad", "en", """
        go on a tourist visa first, you start work when you reach {place}, {money} a month
        if immigration asks, say you're visiting relatives
        the company lends you the fare, we deduct it from your salary every month
        someone with your name on a sign meets you at the airport, give him your passport
    """),
    _fam("t_mx_tourist_visa", "trafficking_ad", "mixed", """
        tov tam visa tesjor sin, dol {place_rom} hz cham tver ka, luy khe {money}
        ber neak immigration sour, prab tha tov leng sach nhat
        luy dom neur company kchey oy sin, kat pi luy khe ral khe
        dol airport mean ke kan chhmous mok cham, prokol passport oy kat
    """),
    # ------------------------------------------------------------ children talking about games
    _fam("n_day_en_kids_gaming", "everyday", "en", """
        bro join my squad tonight, I finally got 200 diamonds
        what rank are you? I'm stuck in Epic, help me push
        add me on {app}, our class group is there
        my mom said only one hour of games on school days lol
    """),
    _fam("n_day_km_kids_gaming", "everyday", "km", """
        យប់នេះចូលក្រុមលេងជាមួយគ្នាទេ? ខ្ញុំទើបបានពេជ្រ ២០០
        ឯងឡើងដល់ rank អីហើយ? ខ្ញុំជាប់នៅ Epic ជួយផង
        ចូល group ថ្នាក់យើងក្នុង {app} មក គ្រប់គ្នានៅទីនោះ
        ម៉ាក់ខ្ញុំឱ្យលេងហ្គេមតែមួយម៉ោងទេថ្ងៃរៀន
    """),
    _fam("n_day_mx_kids_gaming", "everyday", "mixed", """
        yub nis join squad jea mouy knea te? knhom teup ban diamond 200
        oun dol rank ey hz? knhom jab nov Epic, juoy phong
        chol group thnak yerng knong {app} mok, knea teang os nov nus
        mak knhom oy leng game te mouy mong thngai rien
    """),
    # ------------------------------------------------------------ families and warnings
    _fam("n_pt_en_older_sibling", "parent_teacher", "en", """
        sent you $5 for books, study hard for your grade {grade} exams ok
        I'll pick you up from school tonight, wait at the front gate
        send me a photo when you get your certificate, mom and I want to see
        don't play games too late, mom says you're sleeping at midnight
    """),
    _fam("n_pt_mx_older_sibling", "parent_teacher", "mixed", """
        oun rien thnak ti {grade} hz, kom rien na, bong phnher luy 5$ oy tinh sievphov
        lngeach nis bong tov tot oun pi sala, cham nov mun tvea
        phnher rup oun pel tetuol sanhabat mok, bong ning mak chong merl
        kom leng game yub pek, mak prab bong tha oun deik yub
    """),
    _fam("n_ngo_en_parent_checklist", "ngo_warning", "en", """
        Parents' checklist: does someone online ask your child's age, school and when you are home?
        Groomers send phone credit or game diamonds, then say "you owe me" and ask for secrecy.
        Watch for a new contact saved under a friend's name, or requests to move to {app}.
        Talk calmly with your child; report to the police hotline or to {app} support.
    """),
)

# ------------------------------------------------------------ training-only voices (stop 15)
# Two blind spots the transformer showed (model card, "Transformer recipes tried and not kept"): a
# high salary appeared only in positives, because every legitimate job paid {low_money}, and no
# training family spoke in the first-person "look what I earn, come with me" voice. The voices
# below fill both, plus shop jobs contacted by app and ride-sharing posts ("message me"; prompted by
# two probe posts the transformer over-flagged, not copied from them), all written from the
# codebook's tables. They are pinned to training so the test split keeps its families.
TRAINING_VOICES: tuple[Family, ...] = (
    _fam("n_job_en_professional", "legit_job", "en", """
        {company} seeks a senior software engineer in Phnom Penh, salary {pro_money} depending on experience
        Requirements: bachelor's degree in IT, 5+ years of experience, good written English
        Apply through the careers page on our website or email your CV to HR before {date}
        Interviews at our head office on Norodom Boulevard; we never charge candidates a fee
        Benefits: NSSF, health insurance, 18 days of annual leave, 13th-month salary
    """, split="train"),
    _fam("n_job_km_professional", "legit_job", "km", """
        មន្ទីរពេទ្យឯកជន{company} នៅ{city_km} ជ្រើសរើសវេជ្ជបណ្ឌិតឯកទេស ប្រាក់ខែ {pro_money} តាមបទពិសោធន៍
        លក្ខខណ្ឌ៖ សញ្ញាបត្រវេជ្ជសាស្ត្រ អាជ្ញាប័ណ្ណពីក្រសួងសុខាភិបាល និងបទពិសោធន៍ ៣ ឆ្នាំ
        អត្ថប្រយោជន៍៖ បសស ធានារ៉ាប់រងសុខភាព ប្រាក់ខែទី១៣ ច្បាប់ឈប់សម្រាក ១៨ ថ្ងៃ
        សូមផ្ញើប្រវត្តិរូបតាមអ៊ីមែល ឬដាក់ពាក្យតាមគេហទំព័រ មុនថ្ងៃ{date}
        សម្ភាសនៅការិយាល័យកណ្តាល មន្ទីរពេទ្យមិនយកថ្លៃពីបេក្ខជនទេ
    """, split="train"),
    _fam("n_job_mx_professional", "legit_job", "mixed", """
        company {company} rok engineer sangsang 2 nak nov {city}, luy khe {pro_money} tam bot pisoth
        trov mean sanhabat bachelor civil engineering, bot pisoth 3 chnam
        mean NSSF, insurance, luy khe ti 13, chhob 18 thngai knong 1 chnam
        phnher CV tam email ru dak peak tam website company, mun thngai {date}
        interview nov office knong {city}, ot yok luy pi candidate te
    """, split="train"),
    _fam("n_job_en_shop_staff", "legit_job", "en", """
        {shop} in {city} needs 2 sales staff, {low_money} plus commission
        Open 8am-6pm, 4 days off a month, lunch provided
        Interested? Message us on {app} {phone} or drop by the shop with your CV
        We are next to the central market, find us on Google Maps
    """, split="train"),
    _fam("n_job_km_shop_staff", "legit_job", "km", """
        ហាង{shop_km}នៅ{city_km} ត្រូវការបុគ្គលិកលក់ ២ នាក់ ប្រាក់ខែ {low_money} បូកកម្រៃជើងសារ
        ធ្វើការពីម៉ោង ៨ ព្រឹកដល់ម៉ោង ៦ ល្ងាច ឈប់សម្រាក ៤ ថ្ងៃក្នុងមួយខែ មានបាយថ្ងៃត្រង់
        អ្នកចាប់អារម្មណ៍ ផ្ញើសារតាម {app} {phone} ឬមកសួរនៅហាងផ្ទាល់
        ហាងនៅជិតផ្សារធំ មានទីតាំងក្នុង Google Maps
    """, split="train"),
    _fam("n_job_mx_shop_staff", "legit_job", "mixed", """
        hang {shop_rom} nov {city} trov kar bokkolik luk 2 nak, luy khe {low_money} + commission
        tver ka 8am-6pm, chhob 4 thngai mouy khe, mean bay thngai trang
        chab aromn inbox {app} {phone} ru mok sour nov hang pteal
        hang nov jit psar thom, mean location knong Google Maps
    """, split="train"),
    _fam("n_day_en_travel_share", "everyday", "en", """
        going to {city} tomorrow morning by bus, anyone want to share a taxi from the station?
        one free seat in my car to {city} this weekend, $5 for fuel, message me
        who's going home for Pchum Ben? let's book the minivan together
        the bus leaves at 7am from the station and gets there around noon
    """, split="train"),
    _fam("n_day_km_travel_share", "everyday", "km", """
        ស្អែកខ្ញុំទៅ{city_km}តាមឡានក្រុង អ្នកណាចង់ចែកថ្លៃតាក់ស៊ីពីចំណតទេ?
        ចុងសប្តាហ៍នេះឡានខ្ញុំទំនេរមួយកៅអីទៅ{city_km} ចែកថ្លៃសាំង ៥ ដុល្លារ ផ្ញើសារមក
        អ្នកណាទៅស្រុកភ្ជុំបិណ្ឌ តោះកក់ឡានមិនីវ៉ានជាមួយគ្នា
        ឡានចេញម៉ោង ៧ ព្រឹកពីចំណត ដល់ប្រហែលថ្ងៃត្រង់
    """, split="train"),
    _fam("n_day_mx_travel_share", "everyday", "mixed", """
        sa ek knhom tov {city} jis lan krong, neak na chong chek tlai taxi pi jamnot te?
        chong sabada nis lan knhom tomne 1 kawei tov {city}, chek tlai sang 5$, inbox mok
        neak na tov srok pchum ben, tos kork lan minivan jea mouy knea
        lan chenh mong 7 prek pi jamnot, dol bro hel thngai trang
    """, split="train"),
    _fam("t_en_payslip_boast", "trafficking_ad", "en", """
        ~ just got this month's salary: {money} 💰 two years ago I earned $150 in the rice field
        my boss in {place} paid my ticket and my visa, I didn't spend a single riel
        anyone who wants the same life, inbox {handle}, I bring a new group every month
        ~ no English, no experience, the company teaches you everything
        don't ask too many questions, just trust me and come
    """, split="train"),
    _fam("t_km_payslip_boast", "trafficking_ad", "km", """
        ~ ទើបបើកប្រាក់ខែខែនេះ {money} 💰 ពីរឆ្នាំមុនខ្ញុំរកបានតែ ១៥០ ដុល្លារនៅស្រែ
        ថៅកែនៅ{place_km}ចេញថ្លៃសំបុត្រ និងទិដ្ឋាការឱ្យ ខ្ញុំមិនចំណាយមួយរៀលសោះ
        អ្នកណាចង់បានជីវិតដូចខ្ញុំ ឆាតមក {handle} ខ្ញុំនាំក្រុមថ្មីរៀងរាល់ខែ
        ~ មិនចេះភាសា គ្មានបទពិសោធន៍ក៏បាន ក្រុមហ៊ុនបង្ហាត់ទាំងអស់
        កុំសួរច្រើន ជឿខ្ញុំ ហើយមកតែម្តង
    """, split="train"),
    _fam("t_mx_payslip_boast", "trafficking_ad", "mixed", """
        ~ teup ban luy khe khe nis {money} 💰 pi chnam mun knhom rok ban te 150$ nov srae
        thao kae nov {place_rom} chenh tlai sombot ning visa oy, knhom ot chay mouy riel sous
        neak na chong ban jivit doch knhom, chat mok {handle}, knhom noam krom thmey ral khe
        ~ ot jes pheasa, ot bot pisoth kor ban, company bonhat teang os
        kom sour chroen, chuen knhom hz mok te mdong
    """, split="train"),
    # Stop 16: a referral by a relative ("my cousin went with the agent and built our parents a house";
    # Polaris's friend/relative referral, T-SECRET) and a recruiter showing proof (a video, pay day,
    # weekly departures), because the only "success story" voice was dealt to test and the payslip
    # boast above did not teach it; a grooming cover story (G-SECRET + G-APPROACH: what to tell a
    # grandmother, where to wait, location off) and parents asking other adults about a child's phone
    # or birthday (everyday: age + gift with no access to the child). The last two were prompted by two
    # Khmer probe posts the transformer got wrong (codebook §7); their clauses are not taken from them.
    _fam("t_en_relative_referral", "trafficking_ad", "en", """
        my cousin went to {place} with an agent six months ago and already built our parents a new house
        the agent is back in our village next week to take another group, only {n} places
        boys and girls 18-25, no passport needed, he arranges the crossing
        bring your ID card and family book, the agent gives your family {money} before you leave
        message me on {app} first, don't tell the commune office, they make it complicated
    """, split="train"),
    _fam("t_km_relative_referral", "trafficking_ad", "km", """
        បងជីដូនមួយខ្ញុំទៅ{place_km}ជាមួយមេខ្យល់កាលពីប្រាំមួយខែមុន ឥឡូវសង់ផ្ទះថ្មីឱ្យឪពុកម្តាយហើយ
        សប្តាហ៍ក្រោយមេខ្យល់មកភូមិយើងម្តងទៀត ដើម្បីនាំក្រុមថ្មី មានកន្លែងតែ {n} នាក់
        ប្រុសស្រីអាយុ ១៨-២៥ ឆ្នាំ មិនបាច់មានលិខិតឆ្លងដែន គាត់រៀបចំការឆ្លងដែនឱ្យ
        យកអត្តសញ្ញាណប័ណ្ណ និងសៀវភៅគ្រួសារមក មេខ្យល់ឱ្យលុយគ្រួសារ {money} មុនចេញដំណើរ
        ឆាតមកខ្ញុំតាម {app} សិន កុំប្រាប់មេឃុំ គាត់ធ្វើឱ្យស្មុគស្មាញ
    """, split="train"),
    _fam("t_mx_relative_referral", "trafficking_ad", "mixed", """
        bong jidonmouy knhom tov {place_rom} jea mouy me kjol 6 khe mun, ailov sang phteah thmey oy pa mak hz
        atit kroy me kjol mok phum yerng mdong teat, noam krom thmey, mean kanleng te {n} nak
        bros srey ayu 18-25, ot bach mean passport, koat riep chom chlong den oy
        yok ID ning sievphov kruosa mok, me kjol oy luy kruosa {money} mun chenh dom neur
        chat mok knhom tam {app} sen, kom prab me khum, koat tver oy smok smanh
    """, split="train"),
    _fam("t_en_video_proof", "trafficking_ad", "en", """
        ~ watch the video 👉 our workers in {place} eating together in the canteen, everyone paid on time
        ~ salary {money}, the boss pays on the 5th of every month, never late
        ~ new staff leave every Monday from {city}, the van picks you up at your house
        ~ no experience needed, the team leader trains you for a week
        ~ comment "GO" and I'll add you to our {app} group
    """, split="train"),
    _fam("t_km_video_proof", "trafficking_ad", "km", """
        ~ មើលវីដេអូ 👉 បុគ្គលិកយើងនៅ{place_km}ញ៉ាំបាយជុំគ្នានៅអាហារដ្ឋាន គ្រប់គ្នាបានប្រាក់ខែទាន់ពេល
        ~ ប្រាក់ខែ {money} ថៅកែបើកថ្ងៃទី៥ រៀងរាល់ខែ មិនដែលយឺត
        ~ បុគ្គលិកថ្មីចេញដំណើររៀងរាល់ថ្ងៃច័ន្ទពី{city_km} ឡានមកទទួលដល់ផ្ទះ
        ~ គ្មានបទពិសោធន៍ក៏បាន ប្រធានក្រុមបង្ហាត់មួយសប្តាហ៍
        ~ ខមមិនថា "ទៅ" ហើយខ្ញុំបញ្ចូលអ្នកក្នុងក្រុម {app}
    """, split="train"),
    _fam("t_mx_video_proof", "trafficking_ad", "mixed", """
        ~ merl video 👉 bokkolik yerng nov {place_rom} nham bay jum knea nov canteen, kroup knea ban luy khe torn pel
        ~ luy khe {money}, thao kae berk thngai ti 5 ral khe, ot del yut
        ~ bokkolik thmey chenh dom neur ral thngai chan pi {city}, lan mok tot dol phteah
        ~ ot bot pisoth kor ban, team leader bonhat 1 atit
        ~ comment "tov" hz knhom add tov knong krom {app}
    """, split="train"),
    _fam("g_en_cover_story", "grooming", "en", """
        tell your grandma you're studying at your friend's house tonight
        I'll wait for you at the corner behind the market, come alone
        we'll ride around a bit, I'll have you back before 8
        turn off your location and leave your phone at home, ok?
        if your mom asks, say it was an extra class
    """, split="train"),
    _fam("g_km_cover_story", "grooming", "km", """
        ប្រាប់យាយថាយប់នេះទៅរៀនមេរៀននៅផ្ទះមិត្តភក្តិ
        បងចាំនៅកាច់ជ្រុងក្រោយផ្សារ មកម្នាក់ឯង
        យើងជិះម៉ូតូលេងបន្តិច ម៉ោង ៨ បងជូនមកផ្ទះវិញ
        បិទទីតាំងក្នុងទូរស័ព្ទ ហើយទុកទូរស័ព្ទនៅផ្ទះ ណា
        បើម៉ាក់សួរ ប្រាប់ថាទៅរៀនបន្ថែម
    """, split="train"),
    _fam("g_mx_cover_story", "grooming", "mixed", """
        prab yeay tha yub nis tov rean meroeun nov phteah mit
        bong cham nov kach jrung kroy psar, mok mneak eng
        yerng jis moto leng bontech, mong 8 bong jun mok phteah vinh
        bet location knong phone, hz tuk phone nov phteah na
        ber mak sour, prab tha tov rean bontem
    """, split="train"),
    _fam("n_day_en_family_gift", "everyday", "en", """
        my son turns {age} next week, which phone is good for a kid, under $150?
        bought my niece a new bike for passing her grade 6 exam, she was so happy
        should a {age}-year-old have Facebook? my daughter keeps asking me
        any app to limit screen time on my kids' phones? they play games all night
    """, split="train"),
    _fam("n_day_km_family_gift", "everyday", "km", """
        កូនប្រុសខ្ញុំអាយុ{age}ឆ្នាំនៅសប្តាហ៍ក្រោយ ទូរស័ព្ទមួយណាល្អសម្រាប់ក្មេង តម្លៃក្រោម ១៥០ ដុល្លារ?
        ទិញកង់ថ្មីឱ្យក្មួយស្រី ព្រោះប្រឡងជាប់ថ្នាក់ទី៦ នាងសប្បាយចិត្តណាស់
        ក្មេងអាយុ{age}ឆ្នាំគួរមានហ្វេសប៊ុកទេ? កូនស្រីខ្ញុំចេះតែសុំ
        មានកម្មវិធីណាកំណត់ម៉ោងលេងទូរស័ព្ទរបស់កូនទេ? វាលេងហ្គេមរហូតដល់យប់
    """, split="train"),
    _fam("n_day_mx_family_gift", "everyday", "mixed", """
        kon bros knhom ayu {age} chnam atit kroy, phone mouy na la somrab kmeng, tlai kraom 150$?
        tinh kong thmey oy kmouy srey, prolong jab thnak ti 6, nieng sabay chet nas
        kmeng ayu {age} chnam kuor mean facebook te? kon srey knhom jes te sum
        mean app na komnot mong leng phone kon te? vea leng game rohot dol yub
    """, split="train"),
    # Stop 16, second batch: an account name (@...) had appeared in 11 training trafficking families,
    # one grooming family and no negative at all, so "@" alone was a trafficking cue (a grooming test
    # post moving a child to "WhatsApp @lucky_star_99" scored 0.90 for trafficking_ad). Real groomers,
    # sellers and people dating give account names too. `{handle_own}` is a personal or shop account.
    _fam("g_en_handle_switch", "grooming", "en", """
        this app is boring, add me on {app}, I'm {handle_own} there
        you're in grade {grade} right? you look older in your pics
        use your second account so your mom doesn't see our chat
        I'll send you {gift} once you add me, just between us
    """, split="train"),
    _fam("g_km_handle_switch", "grooming", "km", """
        ឆាតនៅទីនេះមិនស្រួលទេ ថែមបងតាម {app} ឈ្មោះបងនៅទីនោះ {handle_own}
        អូនរៀនថ្នាក់ទី{grade}មែនទេ? មើលរូបអូនដូចធំជាងនេះ
        ប្រើគណនីទីពីរ កុំឱ្យម៉ាក់អូនឃើញការឆាតរបស់យើង
        ថែមបងហើយ បងផ្ញើ{gift_km}ឱ្យ ដឹងតែពីរនាក់យើងទេ
    """, split="train"),
    _fam("g_mx_handle_switch", "grooming", "mixed", """
        chat nov nis ot srual te, add bong tam {app}, chhmous bong {handle_own}
        oun rean thnak ti {grade} men? merl rup oun doch thom jeang nis
        bropro account ti 2, kom oy mak oun kern chat yerng
        add bong hz bong phnher {gift_rom} oy, deng te 2 nak yerng
    """, split="train"),
    _fam("n_date_en_handle", "adult_dating", "en", """
        33, teacher in {city}, divorced, looking for a kind woman my age, {app} {handle_own}
        we matched last night, this app keeps crashing, add me on {app}: {handle_own}
        miss you already my love, call me on {app} after your shift
        not here for games, serious people only, message {handle_own}
    """, split="train"),
    _fam("n_date_km_handle", "adult_dating", "km", """
        ខ្ញុំអាយុ ៣៣ ឆ្នាំ ជាគ្រូបង្រៀននៅ{city_km} លែងលះ ចង់ស្គាល់នារីចិត្តល្អអាយុប្រហាក់ប្រហែល {app} {handle_own}
        យើងទើបស្គាល់គ្នាយប់មិញ កម្មវិធីនេះគាំងរហូត ថែមខ្ញុំតាម {app} {handle_own}
        នឹកអូនហើយសម្លាញ់ ចេញពីវេនធ្វើការហើយ ខលមកបងតាម {app} ណា
        មិនមែនលេងសើចទេ អ្នកពិតប្រាកដទើបឆាតមក {handle_own}
    """, split="train"),
    _fam("n_date_mx_handle", "adult_dating", "mixed", """
        knhom ayu 33, kru bongrean nov {city}, leng leh, chong skoal neari chet la ayu prohel knea, {app} {handle_own}
        yerng teup skoal knea yub minh, app nis kang rohot, add knhom tam {app} {handle_own}
        nek oun hz somlanh, chenh pi ven tver ka hz call mok bong tam {app} na
        ot men leng serch te, neak pit brakor teup chat mok {handle_own}
    """, split="train"),
    _fam("n_shop_en_handle", "top_up_shop", "en", """
        Free Fire diamonds and PUBG UC, cheapest in {city}, order on {app} {handle_own}
        top up any network in 1 minute, pay by ABA or Wing, DM {handle_own}
        new stock of phone cases and chargers, prices on our {app} channel {handle_own}
        open every day 8am-9pm, delivery in town for $1
    """, split="train"),
    _fam("n_shop_km_handle", "top_up_shop", "km", """
        លក់ពេជ្រ Free Fire និង UC PUBG ថោកជាងគេនៅ{city_km} កុម្ម៉ង់តាម {app} {handle_own}
        បញ្ចូលលុយគ្រប់ប្រព័ន្ធ ក្នុង ១ នាទី បង់តាម ABA ឬ Wing ឆាតមក {handle_own}
        ស្រោមទូរស័ព្ទ និងឆ្នាំងសាកថ្មីមកដល់ហើយ មើលតម្លៃក្នុងឆានែល {app} {handle_own}
        បើករាល់ថ្ងៃ ម៉ោង ៨ ព្រឹក ដល់ ៩ យប់ ដឹកជញ្ជូនក្នុងក្រុង ១ ដុល្លារ
    """, split="train"),
    _fam("n_shop_mx_handle", "top_up_shop", "mixed", """
        luk diamond FF ning UC PUBG thok jeang ke nov {city}, order tam {app} {handle_own}
        bonhchoul luy kroup brorpoan knong 1 neati, bong tam ABA ru Wing, inbox {handle_own}
        sraom phone ning chhnang sak thmey mok dol hz, merl tlai knong channel {app} {handle_own}
        berk ral thngai 8am-9pm, deuk jonhchoun knong krong 1$
    """, split="train"),
    # Stop 17: hard negatives are dealt by kind across languages, so a language could end up with a
    # single training family of a kind. Khmer script had one adult-dating and one parent/teacher
    # family in training against 14 grooming families, and the models flagged a Khmer older sibling
    # (test) for grooming although its English and romanised twins were training negatives. The
    # voices below bring every (hard-negative kind, language) cell to three training families (the
    # test `test_every_hard_negative_kind_has_three_training_families_per_language` keeps it so); the
    # same count found romanised Khmer with one NGO-warning and two legal-migration families. Six are
    # another script's member of a voice that already existed (aunt, EPS story, ministry figures, long
    # distance, fake-job signs, school talk); six are new (a married couple's chores, a grandparent,
    # seasonal farm work in English and romanised Khmer, a mobile-money agent, a data promotion).
    _fam("n_date_km_long_distance", "adult_dating", "km", """
        សង្សារខ្ញុំធ្វើការនៅ{place_km} ខ្ញុំនៅ{city_km} យើងវីដេអូខលគ្នារាល់យប់តាម {app}
        នៅជាមួយគ្នា ២ ឆ្នាំហើយ កំពុងសន្សំលុយរៀបការឆ្នាំក្រោយ
        ចាំជួបអូននៅព្រលានយន្តហោះថ្ងៃ{date} នឹកអូនណាស់
        យើងអាយុ ២៦ ដូចគ្នា ឪពុកម្តាយទាំងសងខាងបានជួបគ្នាខែមុន ហើយយល់ព្រមហើយ
    """, split="train"),
    _fam("n_date_km_married_chat", "adult_dating", "km", """
        ប្តីអើយ ល្ងាចនេះទិញបន្លែមកផង កូនៗចង់ញ៉ាំសម្លម្ជូរ
        ប្រពន្ធខ្ញុំធ្វើម្ហូបឆ្ងាញ់ជាងគេ រៀបការ ១០ ឆ្នាំហើយនៅតែស្រឡាញ់
        ថ្ងៃអាទិត្យនេះយើងនាំកូនទៅលេងផ្ទះម៉ែឪនៅ{city_km}
        អូនបង់ថ្លៃភ្លើងហើយ បងកុំភ្លេចបង់ថ្លៃទឹកណា
    """, split="train"),
    _fam("n_pt_km_aunt_uncle", "parent_teacher", "km", """
        មីងបញ្ចូលលុយទូរស័ព្ទឱ្យក្មួយ ២ ដុល្លារហើយ តេទៅយាយផង
        ក្មួយរៀនថ្នាក់ទី{grade}ហើយមែនទេ? មីងមកទទួលពេលចេញពីរៀន ចាំនៅមុខសាលា
        ថតរូបក្មួយពាក់អាវសាលាថ្ងៃដំបូងផ្ញើមកមីងមើល មីងចង់ឃើញ
        ក្មួយអាយុ{age}ហើយ ធំហើយ ខំរៀនឱ្យពូកែ
    """, split="train"),
    _fam("n_pt_km_grandparent", "parent_teacher", "km", """
        យាយផ្ញើស្វាយមួយបាវតាមពូ ចែកប្អូនស្រីផងចៅ
        ប្រឡងចប់ហើយ តេមកយាយផង យាយនឹកចៅណាស់
        ម៉ាក់ចៅប្រាប់ថា ចៅបានលេខ ១ ក្នុងថ្នាក់ទី{grade} យាយសប្បាយចិត្តណាស់
        ភ្ជុំបិណ្ឌនេះ មកលេងភូមិជាមួយប៉ាម៉ាក់ណាចៅ
    """, split="train"),
    _fam("n_mig_km_story", "legal_migration", "km", """
        បងប្រុសខ្ញុំទៅកូរ៉េតាម EPS ឆ្នាំមុន គាត់ប្រឡងជាប់ TOPIK ហើយឥឡូវបានប្រាក់ខែ {money}
        ចំណាយពេល ៨ ខែ ប្រឡង ពិនិត្យសុខភាព ចុះកិច្ចសន្យា ហើយនិយោជកចេញថ្លៃយន្តហោះ
        គាត់ថាត្រូវទៅតាមក្រសួងការងារតែប៉ុណ្ណោះ កុំជឿភ្នាក់ងារលើហ្វេសប៊ុក
        មានអ្នកណារៀន TOPIK នៅ{city_km}ទេ? តោះបង្កើតក្រុមរៀនជាមួយគ្នា
    """, split="train"),
    _fam("n_mig_en_seasonal", "legal_migration", "en", """
        Korea seasonal farm work programme: the provincial hall in {city} takes registrations until {date}
        5-month visa, a contract signed by both governments, salary about {money} paid into your own bank account
        Workers keep their own passports; no fee to any agent, and the province pays for the medical check
        Ask at the provincial labour office, or call the department's official number {phone}
    """, split="train"),
    _fam("n_news_km_ministry_figures", "news", "km", """
        ក្រសួងមហាផ្ទៃបានឱ្យដឹងថា ទំព័រជ្រើសរើសការងារ {n} ដែលសន្យាប្រាក់ខែ {money} នៅ{place_km} ត្រូវបានរាយការណ៍ក្នុងខែនេះ
        មន្ត្រីអំពាវនាវឱ្យអ្នករកការងារពិនិត្យថា ភ្នាក់ងារមានអាជ្ញាប័ណ្ណ មុនប្រគល់លិខិតឆ្លងដែន
        អ្នកដែលត្រូវគេបោកប្រាស់ភាគច្រើនមានអាយុពី ១៨ ដល់ ៣០ ឆ្នាំ ហើយត្រូវគេទាក់ទងដំបូងតាម {app}
        ខ្សែទូរស័ព្ទបន្ទាន់ ១២៨៨ ទទួលពាក្យបណ្តឹងពីគ្រួសារពលករដែលមិនអាចត្រឡប់មកផ្ទះវិញ
    """, split="train"),
    _fam("n_shop_en_mobile_money", "top_up_shop", "en", """
        Wing and ABA agent near {city} market: cash in, cash out, pay your electricity bill
        Top up all networks from $0.50, no extra fee
        Send money to the provinces in 5 minutes, bring your ID card for transfers over $100
        Open 6:30am-8pm every day, call {phone}
    """, split="train"),
    _fam("n_shop_en_data_promo", "top_up_shop", "en", """
        Weekend data deal: 10 GB for $1, valid 7 days, works on every phone
        Buy a $5 card at any shop and get double credit for calls to all networks
        Students: show your school card at our {city} branch for a free SIM
        Check your balance with *888#, or chat with us on {app}
    """, split="train"),
    _fam("n_ngo_mx_fake_job_signs", "ngo_warning", "mixed", """
        sanhña ka ngea kleng klay: luy khe kpous pek, ot trov bot pisoth, tak tong te tam {app}
        kom oy passport tov neak na, kom chlong prum den khos chbab
        ber mekhyol ot prab chhmous company ru ti tang ka ngea, som brayat
        hau lek 1288 ru mok office yerng nov {city} pinit ka ngea mun chenh dom neur
    """, split="train"),
    _fam("n_ngo_mx_school_talk", "ngo_warning", "mixed", """
        krom ka ngea yerng chos tov sala nov {city} pon yul sis thnak ti {grade} pi sovathepheap online
        sis ban rien tha mnus ot skoal del oy {gift_rom} hz sum rak sa samngat jea sanhña brayat
        kom phnher rup oy mnus ot skoal, kom tov jub mit online mneak eng
        arkun lok kru neak kru ning mak pa del ban chol roum
    """, split="train"),
    _fam("n_mig_mx_seasonal", "legal_migration", "mixed", """
        kammvithi ka ngea kasekam ta rdov nov Korea: sala khet {city} totuol chuh chhmous dol thngai {date}
        visa 5 khe, contract rodaphibal pi chos hat lekha, luy khe bro hel {money} chol account pteal khluon
        kamakor rak sa passport khluon eng, ot bach bong luy agent te, khet chenh thlai pinit sokhapheap
        sour nov munty ka ngea khet, ru tel lek phlauv ka {phone}
    """, split="train"),
)

FAMILIES: tuple[Family, ...] = (GROOMING + TRAFFICKING + BOTH + NEGATIVES + EXTRA_POSITIVES + EXTRA_NEGATIVES
                                 + MORE_FAMILIES + HARD_NEGATIVES_2 + SHORT_TEXTING
                                 + INDEPENDENT_VOICES + QUIET_VOICES + PRESSURE_VOICES + TRAINING_VOICES)
