"""Synthetic, non-explicit labelled posts in Khmer, English and mixed/romanised Khmer.

Why synthetic: no public labelled Khmer data exists for these risks. The danger is a model that
learns our templates, so every label and hard-negative kind has several *families* of phrasing
(independent ways of saying the same thing), and the split keeps each family on one side.

Content rule (docs/codebook.md): grooming examples show only manipulation patterns (age/school
questions, flattery, gifts or phone credit, secrecy, moving to a private app, asking to meet or for
photos); nothing sexual. Trafficking examples show recruitment patterns only.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass

LABELS = ("grooming", "trafficking_ad")


@dataclass(frozen=True)
class Family:
    """A family of phrasings: all its templates say the same kind of thing the same way."""

    name: str
    kind: str  # "grooming", "trafficking_ad", or a hard-negative kind such as "news"
    lang: str  # km, en, mixed
    labels: tuple[str, ...]
    templates: tuple[str, ...]


SLOTS: dict[str, tuple[str, ...]] = {
    "app": ("Telegram", "WhatsApp", "Line", "WeChat", "Messenger", "telegram", "TG", "Signal"),
    "handle": ("@jobs_asia88", "@bong_kind", "@work_thai_now", "@sweet_friend21", "@hr_global7", "@kh_easyjob"),
    "phone": ("097 555 1234", "+855 12 345 678", "០៩៦ ៧៧៧ ៨៨៨៨", "010 223 344", "+66 81 234 5678", "088-999-1122"),
    "money": ("$1500", "1,200 USD", "2000$", "៤០០០០០០ ៛", "30,000 baht", "$900", "៣០០ ដុល្លារ"),
    "place": ("Thailand", "Malaysia", "Bavet", "Poipet", "O'Smach", "Sihanoukville", "Myanmar", "Laos"),
    "place_km": ("ថៃ", "ម៉ាឡេស៊ី", "បាវិត", "ប៉ោយប៉ែត", "អូរស្មាច់", "ក្រុងព្រះសីហនុ", "មីយ៉ាន់ម៉ា"),
    "age": ("13", "14", "15", "16", "17", "១៤", "១៥"),
    "grade": ("7", "8", "9", "10", "១០", "៩"),
    "gift": ("phone credit", "a new phone", "top up card", "$20", "a nice bag", "data package"),
    "city": ("Phnom Penh", "Siem Reap", "Battambang", "Kampong Cham", "Takeo", "Kampot"),
    "city_km": ("ភ្នំពេញ", "សៀមរាប", "បាត់ដំបង", "កំពង់ចាម", "តាកែវ", "កំពត"),
}

G, T = ("grooming",), ("trafficking_ad",)
FAMILIES: tuple[Family, ...] = (
    # ---- grooming, English
    Family("g_en_age_school", "grooming", "en", G, (
        "hey cutie how old are you? what grade are you in at school?",
        "you look young, are you {age}? which class are you in?",
        "what school do you go to? grade {grade} right? do your parents check your phone?",
    )),
    Family("g_en_flattery_gift", "grooming", "en", G, (
        "you are so mature for your age, not like other girls. i can send you {gift} if you want",
        "you're the prettiest girl i ever saw online. let me buy you {gift}, just between us",
        "such a smart and beautiful girl. want {gift}? i help you because you are special",
    )),
    Family("g_en_secrecy_app", "grooming", "en", G, (
        "don't tell your mom about our chats ok? add me on {app} it's safer there",
        "delete our messages after reading. let's move to {app}, nobody can see there",
        "this is our little secret. talk to me on {app} {handle} not here",
    )),
    Family("g_en_meet_photo", "grooming", "en", G, (
        "can we meet after school? come alone, i will pick you up near the gate",
        "send me a photo of you in your school uniform, only for me",
        "i want to see you, tell your parents you go to a friend's house and meet me in {city}",
    )),
    # ---- grooming, Khmer
    Family("g_km_age_school", "grooming", "km", G, (
        "អូនអាយុប៉ុន្មានហើយ? រៀនថ្នាក់ទីប៉ុន្មាន?",
        "អូនរៀននៅសាលាណា? ថ្នាក់ទី{grade}មែនទេ? ប៉ាម៉ាក់មើលទូរស័ព្ទអូនទេ?",
        "មើលទៅអូននៅក្មេងណាស់ អាយុ{age}ឆ្នាំមែនទេ?",
    )),
    Family("g_km_flattery_gift", "grooming", "km", G, (
        "អូនស្អាតណាស់ ចាស់ទុំជាងអាយុ បងចង់ទិញកាតទូរស័ព្ទឱ្យអូន",
        "បងអាចបញ្ចូលលុយទូរស័ព្ទឱ្យអូនរាល់ថ្ងៃ ព្រោះអូនពិសេសសម្រាប់បង",
        "អូនឆ្លាតហើយស្អាតជាងគេ បងនឹងទិញទូរស័ព្ទថ្មីឱ្យ តែកុំប្រាប់អ្នកណា",
    )),
    Family("g_km_secrecy_app", "grooming", "km", G, (
        "កុំប្រាប់ប៉ាម៉ាក់ពីរឿងយើងណា ទុកជាការសម្ងាត់របស់យើងពីរនាក់",
        "តោះនិយាយគ្នាតាម {app} វិញ នៅទីនេះមានគេមើល",
        "លុបសារយើងចោលផង ហើយថែម {app} បង {handle}",
    )),
    Family("g_km_meet_photo", "grooming", "km", G, (
        "ចេញពីសាលាមកជួបបងម្នាក់ឯងបានទេ? បងរង់ចាំនៅមុខសាលា",
        "ផ្ញើរូបអូនពាក់ឯកសណ្ឋានសាលាមកបងមើលបន្តិច",
        "ប្រាប់ម៉ាក់ថាទៅផ្ទះមិត្តភក្តិ ហើយមកជួបបងនៅ{city_km}",
    )),
    # ---- grooming, romanised / mixed
    Family("g_mx_age_gift", "grooming", "mixed", G, (
        "oun rean thnak ti pon man? bong tinh luy phone oy oun",
        "oun ayu pon man hz? oun saat nas, bong oy {gift} oun",
        "oun nov sala na? bong ach dak luy kat phone oy oun rollthngai",
    )),
    Family("g_mx_secret_meet", "grooming", "mixed", G, (
        "kom prab mak pa ot na, add bong tam {app} mok",
        "chenh pi sala mok jub bong mneak eng ban te? kom prab ke",
        "oun send rup pak uniform sala mok bong merl tam {app} na",
    )),
    # ---- trafficking ads, English
    Family("t_en_high_pay", "trafficking_ad", "en", T, (
        "URGENT HIRING!! Work in {place}, salary {money}/month, no experience needed. contact {app} {handle}",
        "Easy job high salary in {place}! {money} per month, free food and room, contact only by {app}",
        "Need 20 workers now for company in {place}. salary {money}, no skills no problem. call {phone}",
    )),
    Family("t_en_travel_paid", "trafficking_ad", "en", T, (
        "We pay your passport, visa and travel to {place}. start work next week. message {handle}",
        "Free ticket and visa! Go to {place} for typing job, {money} monthly. leave today, inbox me",
        "no passport? we arrange everything. border crossing at {place} easy, salary {money}",
    )),
    Family("t_en_youth_looks", "trafficking_ad", "en", T, (
        "Looking for girls age 16-22, good looking, for hostess work in {place}. {money}/month. {app} {phone}",
        "young ladies wanted for KTV and restaurant in {place}, beautiful only, advance salary available",
        "hiring pretty girls 17+ for 'reception' job in {place}, we lend money first, pay back from salary",
    )),
    # ---- trafficking ads, Khmer
    Family("t_km_high_pay", "trafficking_ad", "km", T, (
        "ត្រូវការបុគ្គលិកបន្ទាន់ ធ្វើការនៅ{place_km} ប្រាក់ខែ {money} មិនត្រូវការបទពិសោធន៍ ទាក់ទង {app} {handle}",
        "ការងារស្រួល ប្រាក់ខែខ្ពស់ នៅ{place_km} ស្នាក់នៅនិងអាហារឥតគិតថ្លៃ ទាក់ទងតាម {app} តែប៉ុណ្ណោះ",
        "រកបុគ្គលិក ២០ នាក់ ទៅធ្វើការក្រុមហ៊ុននៅ{place_km} ប្រាក់ខែ {money} ទូរស័ព្ទ {phone}",
    )),
    Family("t_km_travel_youth", "trafficking_ad", "km", T, (
        "ក្រុមហ៊ុនចេញថ្លៃលិខិតឆ្លងដែន ទិដ្ឋាការ និងការធ្វើដំណើរទៅ{place_km} ចេញដំណើរថ្ងៃស្អែក",
        "ត្រូវការនារីអាយុ ១៦-២២ ឆ្នាំ រូបរាងស្អាត ធ្វើការនៅ{place_km} អាចខ្ចីលុយមុនបាន",
        "មិនចាំបាច់មានលិខិតឆ្លងដែន យើងរៀបចំឱ្យទាំងអស់ ឆ្លងព្រំដែន{place_km} ងាយស្រួល ប្រាក់ខែ {money}",
    )),
    # ---- trafficking ads, romanised / mixed
    Family("t_mx_job", "trafficking_ad", "mixed", T, (
        "ka ngea srol luy khe {money} nov {place}, min trov kar bot pisoth, tak tong {app} {handle}",
        "rok neak tver ka nov {place} chenh luy passport oy, luy khe {money}, jenh dom neur thngai sa ek",
        "trov kar srey ayu 18-25 saat, tver ka nov {place}, ach khchei luy mun ban. {app} {phone}",
    )),
    # ---- hard negatives
    Family("n_en_news", "news", "en", (), (
        "Police rescued 23 Cambodians from a scam compound in {place}, the Ministry of Interior said on Monday.",
        "NGO warns parents: predators use fake job offers on {app} to lure young people to {place}.",
        "Court sentences two men for human trafficking after victims were promised {money} jobs abroad.",
    )),
    Family("n_km_news", "news", "km", (), (
        "សមត្ថកិច្ចបានជួយសង្គ្រោះពលករខ្មែរ ២៣ នាក់ ពីមជ្ឈមណ្ឌលឆបោកអនឡាញនៅ{place_km}",
        "អង្គការក្រៅរដ្ឋាភិបាលអំពាវនាវឱ្យមាតាបិតាប្រុងប្រយ័ត្នការផ្សព្វផ្សាយការងារក្លែងក្លាយលើបណ្តាញសង្គម",
        "តុលាការបានកាត់ទោសជនសង្ស័យពីរនាក់ពីបទជួញដូរមនុស្សទៅ{place_km}",
    )),
    Family("n_en_parent_teacher", "parent_teacher", "en", (), (
        "Grade {grade} students: homework is due Monday. Parents please sign the report card.",
        "Mom here, what time does your class finish today? I will pick you up at the school gate.",
        "Reminder to all parents: talk with your children about online safety and never share passwords.",
    )),
    Family("n_km_parent_teacher", "parent_teacher", "km", (), (
        "សិស្សថ្នាក់ទី{grade} ត្រូវយកកិច្ចការផ្ទះមកថ្ងៃច័ន្ទ សូមមាតាបិតាចុះហត្ថលេខា",
        "ម៉ាក់មកយកកូននៅមុខសាលាម៉ោង ៥ ល្ងាច កុំទៅណាឆ្ងាយ",
        "គ្រូសូមជម្រាបមាតាបិតា ថ្ងៃស្អែកមានប្រជុំថ្នាក់ទី{grade}",
    )),
    Family("n_en_legit_job", "legit_job", "en", (), (
        "Hiring accountant in {city}. Bachelor degree, 2 years experience. Send CV to our HR office.",
        "Legal work in Korea through the EPS program: register at the Ministry of Labour, no agent fees.",
        "Restaurant in {city} needs a cook. Salary $300-400 negotiable, apply in person with ID card.",
    )),
    Family("n_km_legit_job", "legit_job", "km", (), (
        "ក្រុមហ៊ុនត្រូវការគណនេយ្យករ ១ នាក់ នៅ{city_km} មានបរិញ្ញាបត្រ បទពិសោធន៍ ២ ឆ្នាំ",
        "ចុះឈ្មោះធ្វើការនៅកូរ៉េតាមកម្មវិធី EPS ដោយផ្ទាល់នៅក្រសួងការងារ មិនបង់ថ្លៃឈ្មួញកណ្តាល",
        "ភោជនីយដ្ឋាននៅ{city_km} ត្រូវការចុងភៅ ប្រាក់ខែចរចា សូមយកអត្តសញ្ញាណប័ណ្ណមកដាក់ពាក្យ",
    )),
    Family("n_topup_shop", "top_up_shop", "mixed", (), (
        "មានលក់កាតទូរស័ព្ទ Smart Cellcard Metfone គ្រប់តម្លៃ បញ្ចុះតម្លៃ ៥%",
        "Top up cards and data packages, all networks, open 7am-9pm near {city} market",
        "hang luk kat phone Smart Metfone, ban luy tam ABA, call {phone}",
    )),
    Family("n_adult_dating", "adult_dating", "en", (), (
        "Single man 35 from {city}, looking for a serious relationship with a woman 30-40.",
        "Divorced mother of two, 42, hoping to meet a kind man for friendship first.",
        "ប្រុសលីវអាយុ ៣៨ ឆ្នាំ ចង់ស្គាល់នារីដែលចង់រៀបការ",
    )),
    Family("n_everyday", "everyday", "mixed", (), (
        "bong jol chet merl film nis nas! see you at the cafe tomorrow",
        "ថ្ងៃនេះភ្លៀងខ្លាំងណាស់នៅ{city_km} ប្រយ័ត្នផ្លូវរអិល",
        "Happy birthday my dear sister, wish you good health and success!",
    )),
)


def fill(template: str, rng: random.Random) -> str:
    """Fill ``{slot}`` placeholders with random values of that slot."""
    out = template
    for slot, values in SLOTS.items():
        while "{" + slot + "}" in out:
            out = out.replace("{" + slot + "}", rng.choice(values), 1)
    return out


def generate(n_per_family: int, seed: int) -> Iterator[dict[str, object]]:
    """Yield ``n_per_family`` posts per family: {text, labels, family, kind, lang}."""
    rng = random.Random(seed)
    for fam in FAMILIES:
        for _ in range(n_per_family):
            yield {
                "text": fill(rng.choice(fam.templates), rng),
                "labels": list(fam.labels),
                "family": fam.name,
                "kind": fam.kind,
                "lang": fam.lang,
            }
