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

The text is data, not code, so that reviewers (Khmer speakers among them) edit it without Python:
``data/families/<kind>/<lang>.yaml`` holds the families, ``data/families/slots.yaml`` the slot
values and the opener, closer, code-switch and obfuscation tables, ``data/families/order.txt`` the
order the generator walks the families in, and ``data/content_rule.yaml`` the blocklist.
``data/families/README.md`` says how to edit them. This module loads and checks those files (a
mistake names the file and the family) and composes posts from them.

Content rule (docs/codebook.md): grooming examples show only manipulation patterns (age/school
questions, flattery, gifts or phone credit, secrecy, moving to a private app, asking to meet or for
ordinary photos); nothing sexual. Trafficking examples show recruitment patterns only.
``UNSAFE_TERMS_*`` is the blocklist the content-safety test and the data stage enforce.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from models.params import ML, PROJECT_ROOT

# The generator's positive kinds are named after the label they carry; they are written here, not read
# from params.yaml, because the data stage does not depend on ``labels`` (tests check they agree).
LABEL_KINDS = ("grooming", "trafficking_ad")
POSITIVE_KINDS = {**{kind: (kind,) for kind in LABEL_KINDS}, "both": LABEL_KINDS}
# Hard-negative kinds: unlabelled posts that share the positives' words. ``models.data.dataset`` deals
# each kind's families to the splits, and the codebook describes each, so a new kind is a decision
# made here and in docs/codebook.md, not only a new folder.
NEGATIVE_KINDS = (
    "adult_dating",
    "everyday",
    "legal_migration",
    "legit_job",
    "news",
    "ngo_warning",
    "parent_teacher",
    "top_up_shop",
)
KINDS = (*POSITIVE_KINDS, *NEGATIVE_KINDS)
LANGS = ("km", "en", "mixed")
SPLITS = ("train", "val", "test")
SLOT = re.compile(r"\{(\w+)\}")  # a ``{slot}`` placeholder in a family's clause

DATA_DIR = ML.data
FAMILIES_DIR = DATA_DIR / "families"
CONTENT_RULE = DATA_DIR / "content_rule.yaml"


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


def _family(name: str, kind: str, lang: str, clauses: list[str], split: str = "") -> Family:
    """A family from its clauses as written ("~ " marks a supporting clause; ends are stripped)."""
    lines = [c.strip() for c in clauses]
    parts = tuple(line.removeprefix("~").strip() for line in lines)
    supporting = frozenset(i for i, line in enumerate(lines) if line.startswith("~"))
    return Family(name, kind, lang, parts, split, supporting)


def _fam(name: str, kind: str, lang: str, text: str, split: str = "") -> Family:
    """A family from one clause per line (blank lines ignored): a short way to write one in a test."""
    return _family(name, kind, lang, [line for line in text.splitlines() if line.strip()], split)


# ---------------------------------------------------------------- loading and checking the data files
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class FamilyDataError(ValueError):
    """A data file a reviewer edited is malformed; the message names the file and the family."""


def _where(path: Path) -> str:
    """``path`` as a reviewer knows it: relative to the project when it is inside it."""
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT.resolve()))
    except ValueError:
        return str(path)


def _read_text(path: Path) -> str:
    """A data file's text; a missing file is reported by name."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise FamilyDataError(f"{_where(path)}: missing") from exc


def _read_yaml(path: Path) -> Any:
    """A data file's YAML, with a syntax error reported against the file.

    Every import of this module reads the files, so libyaml's safe loader is used where it is built
    (a third of a second less than the pure-Python one; both build the same plain objects).
    """
    try:
        return yaml.load(_read_text(path), Loader=_SAFE_LOADER)  # noqa: S506 (a safe loader)
    except yaml.YAMLError as exc:
        raise FamilyDataError(f"{_where(path)}: not valid YAML: {exc}") from exc


def _texts(value: Any, where: str) -> tuple[str, ...]:
    """``value`` checked to be a non-empty list of non-empty text (a number or yes/no must be quoted)."""
    if not isinstance(value, list) or not value:
        raise FamilyDataError(f"{where}: expected a list of texts, got {value!r}")
    for item in value:
        if not isinstance(item, str):
            raise FamilyDataError(f"{where}: {item!r} is not text; put it in quotes")
        if not item.strip():
            raise FamilyDataError(f"{where}: empty text")
    return tuple(value)


def _mapping(value: Any, where: str) -> dict[str, Any]:
    """``value`` checked to be a mapping with text keys."""
    if not isinstance(value, dict) or not all(isinstance(k, str) for k in value):
        raise FamilyDataError(f"{where}: expected a mapping of names to values, got {value!r}")
    return value


def load_content_rule(path: Path = CONTENT_RULE) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The blocklist: (whole-word Latin terms, lower case; Khmer substrings)."""
    data = _mapping(_read_yaml(path), _where(path))
    if set(data) != {"latin", "khmer"}:
        raise FamilyDataError(f"{_where(path)}: expected the keys latin and khmer, got {sorted(data)}")
    latin = _texts(data["latin"], f"{_where(path)}: latin")
    upper = [t for t in latin if t != t.casefold()]
    if upper:  # texts are matched case-folded, so a capital letter would never match
        raise FamilyDataError(f"{_where(path)}: latin terms must be lower case: {upper}")
    return latin, _texts(data["khmer"], f"{_where(path)}: khmer")


@dataclass(frozen=True)
class Tables:
    """``slots.yaml``: slot values, and the opener, closer, code-switch and obfuscation tables."""

    slots: dict[str, tuple[str, ...]]
    openers: dict[str, tuple[str, ...]]
    closers: dict[str, tuple[str, ...]]
    switch_en: dict[str, tuple[str, ...]]
    switch_km: dict[str, tuple[str, ...]]
    emoji_for: dict[str, str]
    leet: dict[str, str]
    homoglyphs: dict[str, str]


def _text_lists(value: Any, where: str) -> dict[str, tuple[str, ...]]:
    """A mapping of names to lists of texts, in file order (the generator's draws depend on it)."""
    return {k: _texts(v, f"{where}: {k}") for k, v in _mapping(value, where).items()}


def _text_map(value: Any, where: str, *, one_char: bool = False) -> dict[str, str]:
    """A mapping of text to text; ``one_char``: each key a single character (a translation table)."""
    out = _mapping(value, where)
    for k, v in out.items():
        if not isinstance(v, str) or not v or (one_char and len(k) != 1):
            raise FamilyDataError(
                f"{where}: {k!r}: {v!r} is not a " + ("one-letter key and " if one_char else "") + "non-empty text"
            )
    return out


def load_tables(path: Path) -> Tables:
    """Read and check ``slots.yaml``."""
    where = _where(path)
    data = _mapping(_read_yaml(path), where)
    keys = {"slots", "openers", "closers", "code_switch", "emoji_for", "leet", "homoglyphs"}
    if set(data) != keys:
        raise FamilyDataError(f"{where}: expected the keys {sorted(keys)}, got {sorted(data)}")
    slots = _text_lists(data["slots"], f"{where}: slots")
    bad = [name for name in slots if not re.fullmatch(r"\w+", name)]
    if bad:
        raise FamilyDataError(f"{where}: slot names are letters, digits and _ only: {bad}")
    pools: dict[str, dict[str, tuple[str, ...]]] = {}
    for pool in ("openers", "closers"):
        pools[pool] = _text_lists(data[pool], f"{where}: {pool}")
        if set(pools[pool]) != set(LANGS):
            raise FamilyDataError(f"{where}: {pool}: expected one list per language {LANGS}, got {sorted(pools[pool])}")
    switch = _mapping(data["code_switch"], f"{where}: code_switch")
    if set(switch) != {"en", "km"}:
        raise FamilyDataError(f"{where}: code_switch: expected the keys en and km, got {sorted(switch)}")
    return Tables(
        slots,
        pools["openers"],
        pools["closers"],
        _text_lists(switch["en"], f"{where}: code_switch: en"),
        _text_lists(switch["km"], f"{where}: code_switch: km"),
        _text_map(data["emoji_for"], f"{where}: emoji_for"),
        _text_map(data["leet"], f"{where}: leet", one_char=True),
        _text_map(data["homoglyphs"], f"{where}: homoglyphs", one_char=True),
    )


def _family_entry(entry: Any, kind: str, lang: str, where: str, slots: dict[str, tuple[str, ...]]) -> Family:
    """One entry of a family file, checked: a name, an optional split, non-empty clauses, known slots."""
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str) or not entry["name"].strip():
        raise FamilyDataError(f"{where}: every entry needs a name (- name: ...), got {entry!r}")
    name = entry["name"]
    here = f"{where}: family {name}"
    if not re.fullmatch(r"\w+", name):
        raise FamilyDataError(f"{here}: a name is letters, digits and _ only")
    extra = set(entry) - {"name", "split", "clauses"}
    if extra:
        raise FamilyDataError(f"{here}: unknown field(s) {sorted(extra)}; a family has name, split and clauses")
    split = entry.get("split", "")
    if split not in ("", *SPLITS):
        raise FamilyDataError(f"{here}: split must be one of {SPLITS} or left out, got {split!r}")
    clauses = list(_texts(entry.get("clauses"), f"{here}: clauses"))
    fam = _family(name, kind, lang, clauses, split)
    for part in fam.parts:
        if not part:
            raise FamilyDataError(f'{here}: a clause is only the supporting mark "~"')
        unknown = [s for s in SLOT.findall(part) if s not in slots]
        if unknown:
            raise FamilyDataError(
                f"{here}: unknown slot(s) {unknown} in {part!r}; the slots are listed in data/families/slots.yaml"
            )
    return fam


def load_families(directory: Path, slots: dict[str, tuple[str, ...]]) -> tuple[Family, ...]:
    """Every family under ``directory`` (``<kind>/<lang>.yaml``), in the order of ``order.txt``.

    The order is kept in its own file because the generator walks the families in order and the
    data stage's shuffles and multi-label draws depend on where each family's rows come: grouping
    the files by kind and language must not change the data. Every family must be listed once.
    """
    placed = {p.relative_to(directory).parts: p for p in directory.rglob("*.y*ml")}
    stray = [
        _where(p)
        for parts, p in placed.items()
        if parts != ("slots.yaml",) and not (len(parts) == 2 and parts[1].endswith(".yaml"))
    ]
    if stray:  # a family file in the wrong place (or named .yml) would be skipped without a word
        raise FamilyDataError(f"{', '.join(stray)}: not read; family files are {_where(directory)}/<kind>/<lang>.yaml")
    found: dict[str, tuple[Family, str]] = {}
    for path in sorted(directory.glob("*/*.yaml")):
        where, kind, lang = _where(path), path.parent.name, path.stem
        if kind not in KINDS:
            raise FamilyDataError(f"{where}: unknown kind {kind!r} (the folder); known kinds: {', '.join(KINDS)}")
        if lang not in LANGS:
            raise FamilyDataError(f"{where}: unknown language {lang!r} (the file name); known: {', '.join(LANGS)}")
        entries = _read_yaml(path)
        if not isinstance(entries, list) or not entries:
            raise FamilyDataError(f"{where}: expected a list of families (- name: ...)")
        for entry in entries:
            fam = _family_entry(entry, kind, lang, where, slots)
            if fam.name in found:
                raise FamilyDataError(f"{where}: family {fam.name} is already defined in {found[fam.name][1]}")
            found[fam.name] = (fam, where)
    order_path = directory / "order.txt"
    order = [
        line.strip()
        for line in _read_text(order_path).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    where = _where(order_path)
    seen: set[str] = set()
    for name in order:
        if name in seen:
            raise FamilyDataError(f"{where}: {name} is listed twice")
        if name not in found:
            raise FamilyDataError(f"{where}: {name} is listed but no family file defines it")
        seen.add(name)
    missing = [f"{name} ({found[name][1]})" for name in found if name not in seen]
    if missing:
        raise FamilyDataError(f"{where}: add these families' names at the end: {', '.join(missing)}")
    return tuple(found[name][0] for name in order)


def unsafe_terms(text: str) -> list[str]:
    """Blocklisted terms found in ``text`` (case-insensitive); empty when the text is safe."""
    low = text.casefold()
    hits = [m.group(1) for m in _UNSAFE_LATIN_RE.finditer(low)]
    hits += [t for t in UNSAFE_TERMS_KHMER if t in text]
    return hits


# ---------------------------------------------------------------- the data
# Whole-word (Latin) or substring (Khmer) terms that must never appear in any generated, bundled
# or probe text. Real text that contains one (e.g. "sex" in an equal-opportunity clause) is dropped.
UNSAFE_TERMS_LATIN, UNSAFE_TERMS_KHMER = load_content_rule()
_UNSAFE_LATIN_RE = re.compile(r"(?<![a-z])(" + "|".join(re.escape(t) for t in UNSAFE_TERMS_LATIN) + r")(?![a-z])")

TABLES = load_tables(FAMILIES_DIR / "slots.yaml")
SLOTS = TABLES.slots
# Neutral openers and closers: shared by every kind (positives and negatives alike), so they carry
# no label signal; they make posts vary in length and shape like real ones.
OPENERS = TABLES.openers
CLOSERS = TABLES.closers
# Code-switching: the same clause with a few words in the other language, as people really type.
_SWITCH_EN = TABLES.switch_en
_SWITCH_KM = TABLES.switch_km
_LEET = str.maketrans(TABLES.leet)
_HOMOGLYPH = str.maketrans(TABLES.homoglyphs)
_EMOJI_FOR = TABLES.emoji_for
_TO_KHMER_DIGITS = str.maketrans("0123456789", "០១២៣៤៥៦៧៨៩")
_FROM_KHMER_DIGITS = str.maketrans("០១២៣៤៥៦៧៨៩", "0123456789")
_LATIN_WORD = re.compile(r"[A-Za-z]{4,}")

FAMILIES: tuple[Family, ...] = load_families(FAMILIES_DIR, SLOTS)


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
    return text[: m.start()] + f(m.group(0)) + text[m.end() :]


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(3)
    if op == 0:
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if op == 1:
        return word[:i] + word[i + 1 :]
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


def compose(
    fam: Family, rng: random.Random, max_parts: int = 4, min_parts: int = 1, lone_indicator: bool = False
) -> str:
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


def generate(
    n_per_family: int,
    seed: int,
    *,
    obfuscation_rate: float = 0.25,
    code_switch_rate: float = 0.15,
    min_positive_clauses: int = 1,
    lone_indicator: bool = False,
    families: tuple[Family, ...] | None = None,
) -> Iterator[dict[str, object]]:
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
            text = compose(fam, rng, min_parts=min_positive_clauses if fam.labels else 1, lone_indicator=lone_indicator)
            lang, augment = fam.lang, []
            if fam.lang != "mixed" and rng.random() < code_switch_rate:
                switched = code_switch(text, fam.lang, rng)
                if switched != text:
                    text, lang = switched, "mixed"
                    augment.append("code_switch")
            if rng.random() < obfuscation_rate:
                text = obfuscate(text, rng)
                augment.append("obfuscate")
            yield {
                "text": text,
                "labels": list(fam.labels),
                "family": fam.name,
                "kind": fam.kind,
                "lang": lang,
                "augment": augment,
            }


def all_fixed_texts() -> Iterator[str]:
    """Every text in the data files a post can contain: what the content-safety test scans.

    Clauses, slot values, openers, closers, and the words code-switching and emoji stand-ins put in.
    """
    for fam in FAMILIES:
        yield from fam.parts
    for table in (SLOTS, OPENERS, CLOSERS, _SWITCH_EN, _SWITCH_KM):
        for values in table.values():
            yield from values
    for word_map in (_SWITCH_EN, _SWITCH_KM):
        yield from word_map
    for pairs in (_EMOJI_FOR, TABLES.leet, TABLES.homoglyphs):
        for key, value in pairs.items():
            yield key
            yield value
