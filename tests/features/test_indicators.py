"""Golden tests for risk indicators: each kind, obfuscated forms, hard negatives, exact spans."""

from __future__ import annotations

import pytest

from features.featurise import FeaturedPost, featurise
from features.indicators import categories
from tests.support.paths import ROOT


def found(text: str, category: str) -> list[tuple[str, str, str | None]]:
    """(label, original text, value) of the indicators of ``category`` in ``text``."""
    fp = featurise(text)
    for ind in fp.indicators:
        assert text[ind.start : ind.end] == ind.text
    return [(i.label, i.text, i.value) for i in fp.indicators if i.category == category]


@pytest.mark.parametrize(
    ("text", "label", "span", "value"),
    [
        ("ទាក់ទងលេខ 012 345 678 បាន", "KH", "012 345 678", "012345678"),
        ("ទូរស័ព្ទ ០៩៧ ៨៨៨ ៩៩៩៩ រាល់ថ្ងៃ", "KH/TH", "០៩៧ ៨៨៨ ៩៩៩៩", "0978889999"),
        ("ទាក់ទង ០៩៧៨៨៨៩៩៩", "KH", "០៩៧៨៨៨៩៩៩", "097888999"),
        ("call +855 12 345 678 now", "KH", "+855 12 345 678", "+85512345678"),
        ("WhatsApp +66 81 234 5678", "TH", "+66 81 234 5678", "+66812345678"),
        ("boss malaysia 012-345 6789", "KH", "012-345 6789", "0123456789"),
        ("contact 011-2345 6789 kl", "MY", "011-2345 6789", "01123456789"),
        ("0 9 7 8 8 8 9 9 9 call", "KH", "0 9 7 8 8 8 9 9 9", "097888999"),
        (
            "call zero nine seven eight eight eight nine nine nine",
            "spelled",
            "zero nine seven eight eight eight nine nine nine",
            "097888999",
        ),
        (
            "លេខ សូន្យប្រាំបួនប្រាំពីរប្រាំបីប្រាំបីប្រាំបីប្រាំបួនប្រាំបួនប្រាំបួន",
            "spelled",
            "សូន្យប្រាំបួនប្រាំពីរប្រាំបីប្រាំបីប្រាំបីប្រាំបួនប្រាំបួនប្រាំបួន",
            "097888999",
        ),
    ],
)
def test_phone_numbers(text: str, label: str, span: str, value: str) -> None:
    assert (label, span, value) in found(text, "phone")


@pytest.mark.parametrize(
    "text",
    [
        "ថ្ងៃទី 12.05.2024 មានប្រជុំ",  # a date
        "ឆ្នាំ 2023 2024 2025",  # years
        "price 1,500,000 riel",  # an amount
        "order number 123456789",  # no leading 0 or country code
        "1 2 3 4 5 6 7 8 9",
    ],
)
def test_phone_hard_negatives(text: str) -> None:
    assert found(text, "phone") == []


@pytest.mark.parametrize(
    ("text", "label", "span"),
    [
        ("add my t e l e g r a m", "telegram", "t e l e g r a m"),
        ("teleg.ram ok", "telegram", "teleg.ram"),
        ("Теlеgrаm now", "telegram", "Теlеgrаm"),
        ("w4ts4pp me", "whatsapp", "w4ts4pp"),
        ("ចូលតេឡេក្រាមបង", "telegram", "តេឡេក្រាម"),
        ("my line id: abc123", "line", "line id"),
        ("add wechat pls", "wechat", "wechat"),
        ("https://t.me/jobs_th", "telegram", "https://t.me/jobs_th"),
        ("wa.me/85512345678", "whatsapp", "wa.me/85512345678"),
        ("message me on m.me/someone", "messenger", "m.me/someone"),
    ],
)
def test_messaging(text: str, label: str, span: str) -> None:
    assert (label, span) in [(lb, t) for lb, t, _ in found(text, "messaging")]


def test_handles_urls_emails() -> None:
    text = "ទាក់ទង @job_th99 ឬ https://example.com/apply?id=1. mail: hr.team@example.co"
    assert [v for _, _, v in found(text, "handle")] == ["job_th99"]
    assert [t for _, t, _ in found(text, "url")] == ["https://example.com/apply?id=1"]
    assert [t for _, t, _ in found(text, "email")] == ["hr.team@example.co"]
    assert found("see you@home later", "handle") == []


@pytest.mark.parametrize(
    ("text", "label", "span", "value"),
    [
        ("ប្រាក់ខែ 800$ ក្នុងមួយខែ", "USD", "800$", "800"),
        ("salary $1,500/month", "USD", "$1,500", "1500"),
        ("1500 USD", "USD", "1500 USD", "1500"),
        ("ប្រាក់ខែ ៨០០ ដុល្លារ", "USD", "៨០០ ដុល្លារ", "800"),
        ("ថ្លៃ 200000៛", "KHR", "200000៛", "200000"),
        ("៛20,000", "KHR", "៛20,000", "20000"),
        ("50 ម៉ឺនរៀល", "KHR", "50 ម៉ឺនរៀល", "500000"),
        ("15,000 baht per month", "THB", "15,000 baht", "15000"),
        ("RM 3000 sebulan", "MYR", "RM 3000", "3000"),
        ("100,000 yen", "JPY", "100,000 yen", "100000"),
        ("pay 500k", "k", "500k", "500000"),
    ],
)
def test_money(text: str, label: str, span: str, value: str) -> None:
    assert (label, span, value) in found(text, "money")


@pytest.mark.parametrize(
    ("text", "category", "span", "value"),
    [
        ("អូនអាយុ ១៥ ឆ្នាំ", "age", "អាយុ ១៥", "15"),
        ("she is 15 years old", "age", "15 years old", "15"),
        ("girls aged 18-25", "age", "aged 18-25", "18-25"),
        ("oun ayu 16 hz?", "age", "ayu 16", "16"),
        ("I'm 14", "age", "I'm 14", "14"),
        ("រៀនថ្នាក់ទី៨", "grade", "ថ្នាក់ទី៨", "8"),
        ("grade 9 student", "grade", "grade 9", "9"),
        ("rean thnak ti 7", "grade", "thnak ti 7", "7"),
    ],
)
def test_ages_and_grades(text: str, category: str, span: str, value: str) -> None:
    assert span in [t for _, t, _ in found(text, category)]
    assert value in [v for _, _, v in found(text, category)]


def test_age_hard_negatives() -> None:
    assert found("5 yrs experience, class of 2024", "age") == []
    assert found("year 2024, class 2019", "grade") == []


@pytest.mark.parametrize(
    ("text", "label", "kind"),
    [
        ("ទៅធ្វើការនៅបាត់ដំបង", "Battambang", "province"),
        ("work in Siem Reap hotel", "Siemreap", "province"),
        ("ឡានចេញពីភ្នំពេញ", "Phnom Penh", "province"),
        ("crossing at Poipet", "Poipet", "border"),
        ("ការងារនៅប៉ោយប៉ែត", "Poipet", "border"),
        ("factory job in Bavet SEZ", "Bavet", "border"),
        ("ការងារនៅថៃ", "Thailand", "foreign"),
        ("job in Malaysia", "Malaysia", "foreign"),
        ("ទៅធ្វើការនៅកូរ៉េ", "South Korea", "foreign"),
    ],
)
def test_places(text: str, label: str, kind: str) -> None:
    assert (label, kind) in [(lb, v) for lb, _, v in found(text, "place")]


def test_place_hard_negatives() -> None:
    # "ថ្ងៃ" (day) contains the letters of "ថៃ" (Thailand) with a subscript between: no match.
    assert found("ថ្ងៃនេះក្ដៅណាស់", "place") == []
    # "កណ្ដាល" (Kandal province) is also the everyday word "middle": skipped.
    assert found("នៅកណ្ដាលផ្លូវ", "place") == []


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("កុំប្រាប់ម៉ាក់ណា", "secrecy"),
        ("this is our secret ok", "secrecy"),
        ("kom prab mak na oun", "secrecy"),
        ("inbox mk oun", "private_app"),
        ("add me on telegram", "private_app"),
        ("បងនឹងទិញកាតទូរស័ព្ទឱ្យ", "gifts_credit"),
        ("i will buy you phone credit", "gifts_credit"),
        ("bong tinh luy kat oy", "gifts_credit"),
        ("មកជួបបងម្នាក់ឯង", "meeting_alone"),
        ("come alone, just the two of us", "meeting_alone"),
        ("chong jub oun", "meeting_alone"),
        ("ផ្ញើរូបមកបងមើល", "photo_request"),
        ("send me a selfie", "photo_request"),
        ("pnhae rub mok", "photo_request"),
        ("អូនអាយុប៉ុន្មាន?", "age_school_question"),
        ("how old are you?", "age_school_question"),
        ("ប្រាក់ខែខ្ពស់ មិនត្រូវការបទពិសោធន៍", "high_pay_no_experience"),
        ("easy job, no experience needed", "high_pay_no_experience"),
        ("luy chraen kar ngea srol", "high_pay_no_experience"),
        ("ធ្វើលិខិតឆ្លងដែនឱ្យ", "travel_paid"),
        ("free passport and visa", "travel_paid"),
        ("tver passport oy", "travel_paid"),
        ("ត្រូវការស្រីក្មេងស្អាត", "youth_appearance"),
        ("young girls, good looking", "youth_appearance"),
        ("srey saat", "youth_appearance"),
        ("ឱ្យលុយមុន កាត់ពីប្រាក់ខែ", "debt_advance"),
        ("salary advance, deducted from salary", "debt_advance"),
        ("oy luy mun", "debt_advance"),
    ],
)
def test_lexicon_categories(text: str, category: str) -> None:
    assert found(text, category), (text, featurise(text).indicators)


def test_obfuscated_lexicon_terms() -> None:
    assert found("s e n d  me a s e l f i e", "photo_request") or found("send me a s e l f i e", "photo_request")
    assert found("FREE PASSP0RT", "travel_paid")
    assert found("ព្រាក់ខែខ្ពស់", "high_pay_no_experience") == []  # a different word is not matched


def _risk_groups(fp: FeaturedPost) -> set[str]:
    return {i.group for i in fp.indicators} & {"grooming", "trafficking"}


def test_news_story_with_phone_is_found_but_carries_no_risk_signal() -> None:
    news = "ប៉ូលិសខេត្តបាត់ដំបងបានឱ្យដឹងថា ក្រុមគ្រួសារដែលមានព័ត៌មានអាចទាក់ទងលេខទូរស័ព្ទ ០១២ ៣៤៥ ៦៧៨ ដែលបើករាល់ថ្ងៃ។"
    fp = featurise(news)
    assert [i.text for i in fp.indicators if i.category == "phone"] == ["០១២ ៣៤៥ ៦៧៨"]
    assert "Battambang" in [i.label for i in fp.indicators if i.category == "place"]
    assert _risk_groups(fp) == set()


def test_real_job_ads_and_sms_rarely_carry_risk_signals() -> None:
    """Real benign text (UCI SMS ham, EMSCAD legitimate ads): risk-lexicon hits must stay rare."""
    import csv

    root = ROOT / "data" / "real"
    rows = (root / "sms" / "SMSSpamCollection.filtered.tsv").read_text(encoding="utf-8").splitlines()[1:]
    ham = [r.split("\t", 1)[1] for r in rows if r.startswith("ham\t")][:1000]
    with (root / "emscad" / "fj_small.csv").open(encoding="utf-8", newline="") as fh:
        ads = [r["description"] for r in csv.DictReader(fh) if r.get("fraudulent") == "0"][:200]
    ham_share = sum(bool(_risk_groups(featurise(t))) for t in ham) / len(ham)
    assert ham_share < 0.08, ham_share
    # Job ads legitimately talk about salary and experience; what matters is that most are not
    # wall-to-wall trafficking signals.
    heavy = sum(len([i for i in featurise(t).indicators if i.group == "trafficking"]) >= 3 for t in ads)
    assert heavy / len(ads) < 0.2


def test_categories_cover_the_codebook() -> None:
    cats = categories()
    for c in (
        "secrecy",
        "private_app",
        "gifts_credit",
        "meeting_alone",
        "photo_request",
        "high_pay_no_experience",
        "travel_paid",
        "youth_appearance",
        "debt_advance",
        "phone",
        "messaging",
        "url",
        "money",
        "age",
        "grade",
        "place",
    ):
        assert c in cats


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("are you home alone tonight?", "G-RISK"),
        ("អូននៅផ្ទះម្នាក់ឯងទេ?", "G-RISK"),
        ("you are so mature for your age", "G-TRUST"),
        ("មានតែបងទេដែលស្រឡាញ់អូន", "G-ISOL"),
        ("if you loved me you would answer", "G-COMPLY"),
        ("details in inbox, location after interview", "T-VAGUE"),
        ("ត្រូវការជាបន្ទាន់ ចេញដំណើរថ្ងៃស្អែក", "T-URGENT"),
        ("មិនបាច់មានឯកសារ", "T-DOCS"),
        ("add me on telegram, it's safer", "G-CHANNEL"),
        ("easy job, $2000/month, no experience", "T-PAY"),
    ],
)
def test_codebook_codes(text: str, code: str) -> None:
    assert code in {i.code for i in featurise(text).indicators}


@pytest.mark.parametrize(
    ("text", "label", "span", "value"),
    [
        ("rok neak tvoeu kar ayu 16-20", "minor", "ayu 16-20", "16-20"),
        ("need staff age 18-25", "age", "age 18-25", "18-25"),
        ("srey 16-20 chnam", "minor", "16-20 chnam", "16-20"),
        ("ស្រី 18-25 ឆ្នាំ", "age", "18-25 ឆ្នាំ", "18-25"),
    ],
)
def test_romanised_and_english_age_ranges(text: str, label: str, span: str, value: str) -> None:
    assert (label, span, value) in found(text, "age")


def test_a_single_chnam_is_a_duration_not_an_age() -> None:
    assert found("tver kar 2 chnam hz", "age") == []


@pytest.mark.parametrize(
    ("text", "label", "span", "value"),
    [
        ("prak khae 1500$", "USD", "1500$", "1500"),
        ("25000 baht/month", "THB", "25000 baht", "25000"),
        ("3000 ringgit", "MYR", "3000 ringgit", "3000"),
        ("gaji RM3000", "MYR", "RM3000", "3000"),
        ("salary S$2000", "SGD", "S$2000", "2000"),
        ("2000 SGD per month", "SGD", "2000 SGD", "2000"),
        ("luong 8000000 dong", "VND", "8000000 dong", "8e+06"),
        ("8,000,000 VND", "VND", "8,000,000 VND", "8e+06"),
        ("500k dong", "VND", "500k dong", "500000"),
    ],
)
def test_money_in_regional_currencies(text: str, label: str, span: str, value: str) -> None:
    assert (label, span, value) in found(text, "money")


def test_dong_as_romanised_times_is_not_money() -> None:
    assert found("hav 3 dong hz", "money") == []


@pytest.mark.parametrize(
    ("text", "label", "span"),
    [
        ("tov thai nis", "Thailand", "thai"),
        ("work in Thailand", "Thailand", "Thailand"),
        ("tov srok thai", "Thailand", "srok thai"),
        ("job in Ho Chi Minh", "Ho Chi Minh City", "Ho Chi Minh"),
        ("Saigon casino", "Ho Chi Minh City", "Saigon"),
        ("Singapore restaurant", "Singapore", "Singapore"),
        ("Malaysia factory", "Malaysia", "Malaysia"),
        ("Bavet SEZ", "Bavet", "Bavet"),
        ("Poipet casino", "Poipet", "Poipet"),
        ("Sihanoukville online job", "Sihanoukville", "Sihanoukville"),
        ("tov Kompong Som", "Sihanoukville", "Kompong Som"),
    ],
)
def test_destinations(text: str, label: str, span: str) -> None:
    assert label in [lab for lab, t, _ in found(text, "place") if t == span]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("ot chea passport ban", "ot chea passport"),
        ("min trov passport te", "min trov passport"),
        ("no passport needed", "no passport needed"),
        ("no need passport, leave tomorrow", "no need passport"),
        ("ot trov ka pasport", "ot trov ka pasport"),  # "pasport" is folded to "passport"
        ("មិនត្រូវការលិខិតឆ្លងដែន", "មិនត្រូវការលិខិតឆ្លងដែន"),
    ],
)
def test_no_passport(text: str, span: str) -> None:
    assert span in [t for _, t, _ in found(text, "travel_paid")]


def test_romanised_recruitment_post_has_every_indicator() -> None:
    text = "rok neak tvoeu kar ayu 16-20 tov thai prak khae 15000 baht ot chea passport"
    fp = featurise(text)
    got = {(i.category, i.text) for i in fp.indicators}
    assert {
        ("age", "ayu 16-20"),
        ("place", "thai"),
        ("money", "15000 baht"),
        ("travel_paid", "ot chea passport"),
    } <= got
