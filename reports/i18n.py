"""English and Khmer names for every header the ministry sees.

Kept in one table so that the CSV, XLSX, chart and PDF headers cannot drift apart.
"""

from __future__ import annotations

from functools import lru_cache

import yaml

from reports.gazetteer import load as load_gazetteer
from store.settings import PROJECT_ROOT

INDICATOR_NAMES = PROJECT_ROOT / "data" / "reports" / "indicator_names.yaml"

LABEL_NAMES: dict[str, tuple[str, str]] = {
    "grooming": ("online grooming", "ការលួងលោមកុមារតាមអនឡាញ"),
    "trafficking_ad": ("trafficking recruitment", "ការជ្រើសរើសសម្រាប់ការជួញដូរមនុស្ស"),
}

_BASE: dict[str, tuple[str, str]] = {
    "ingested": ("posts ingested", "ប្រកាសដែលបានប្រមូល"),
    "dismissed": ("dismissed", "បានច្រានចោល"),
    "referred": ("referred", "បានបញ្ជូនបន្ត"),
    "metric": ("measure", "រង្វាស់"),
    "this_week": ("this week", "សប្តាហ៍នេះ"),
    "previous_week": ("previous week", "សប្តាហ៍មុន"),
    "change": ("change", "ការប្រែប្រួល"),
    "change_pct": ("change %", "ការប្រែប្រួល %"),
    "language": ("language", "ភាសា"),
    "platform": ("platform", "វេទិកា"),
    "source": ("source", "ប្រភព"),
    "province": ("province", "ខេត្ត"),
    "total": ("total", "សរុប"),
    "unknown": ("unknown", "មិនស្គាល់"),
    "week": ("week", "សប្តាហ៍"),
    "category": ("indicator category", "ប្រភេទសញ្ញា"),
    "count": ("count", "ចំនួន"),
    "label": ("label", "ប្រភេទ"),
    "median_hours": ("median hours from flag to decision", "មេដ្យានម៉ោងពីការសម្គាល់ដល់ការសម្រេច"),
    "decisions": ("decisions", "ការសម្រេច"),
    "all": ("all labels", "គ្រប់ប្រភេទ"),
    "title": ("Weekly report: online child exploitation and trafficking recruitment",
              "របាយការណ៍ប្រចាំសប្តាហ៍៖ ការកេងប្រវ័ញ្ចកុមារតាមអនឡាញ និងការជ្រើសរើសសម្រាប់ការជួញដូរមនុស្ស"),
    "suppressed_note": ("'<5': 1 to 4, hidden to protect children; 'x': hidden so that totals do not reveal a '<5'",
                        "'<5'៖ ពី ១ ដល់ ៤ លាក់ដើម្បីការពារកុមារ; 'x'៖ លាក់ដើម្បីកុំឱ្យចំនួនសរុបបង្ហាញ '<5'"),
    "legend_primary": ("<5: a count from 1 to 4, hidden to protect children",
                       "<5៖ ចំនួនពី ១ ដល់ ៤ ត្រូវបានលាក់ដើម្បីការពារកុមារ"),
    "legend_secondary": ("x: a count of 5 or more, hidden so that totals do not reveal a <5",
                         "x៖ ចំនួនចាប់ពី ៥ ឡើងទៅ ត្រូវបានលាក់ដើម្បីកុំឱ្យចំនួនសរុបបង្ហាញ <5"),
    "legend_withheld": ("-: the whole measure is withheld this week (it could not be protected otherwise)",
                        "-៖ រង្វាស់ទាំងមូលមិនត្រូវបានផ្សព្វផ្សាយសប្តាហ៍នេះ"),
    "legend_blank": ("empty change: no comparison, because a value of either week is hidden",
                     "ការប្រែប្រួលទទេ៖ មិនអាចប្រៀបធៀបបាន ព្រោះតម្លៃមួយត្រូវបានលាក់"),
    "legend_atleast": (">=5: at least 5 decisions (a median is printed only then)",
                       ">=5៖ យ៉ាងហោចណាស់ ៥ ការសម្រេច (មេដ្យានបង្ហាញតែពេលនោះ)"),
    "legend_chart": ("charts: hatched bars and hollow markers are hidden values (<5: 1 to 4; x: 5 or more)",
                     "គំនូសតាង៖ របារឆូត និងសញ្ញាប្រហោង គឺជាតម្លៃដែលបានលាក់ (<5៖ ១ ដល់ ៤; x៖ ៥ ឡើងទៅ)"),
    "hidden": ("hidden value", "តម្លៃដែលបានលាក់"),
    "models": ("model versions that flagged posts this week", "កំណែម៉ូដែលដែលបានសម្គាល់ប្រកាសសប្តាហ៍នេះ"),
    "model_changed": ("the served model changed during the week: a change in flags may come from the model",
                      "ម៉ូដែលបានផ្លាស់ប្តូរក្នុងសប្តាហ៍នេះ៖ ការប្រែប្រួលនៃការសម្គាល់អាចមកពីម៉ូដែល"),
    "version": ("model version", "កំណែម៉ូដែល"),
    "from": ("from", "ពី"),
    "to": ("to", "ដល់"),
    "page": ("page", "ទំព័រ"),
    "trend": ("trend over the last 8 weeks", "និន្នាការ ៨ សប្តាហ៍ចុងក្រោយ"),
    "breakdown": ("breakdown", "ការបែងចែក"),
    "row": ("row", "ជួរ"),
    "changes": ("week-over-week change by language, province and platform",
                "ការប្រែប្រួលពីសប្តាហ៍មុន តាមភាសា ខេត្ត និងវេទិកា"),
    "precision": ("live precision: share of decided flags confirmed", "ភាពត្រឹមត្រូវជាក់ស្តែង៖ ភាគរយនៃការសម្គាល់ដែលបានបញ្ជាក់"),
    "queue_state": ("review queue at the end of the week", "ជួររង់ចាំពិនិត្យនៅចុងសប្តាហ៍"),
    "backlog": ("waiting for review (backlog)", "កំពុងរង់ចាំការពិនិត្យ"),
    "escalated": ("escalated to a lead", "បានបញ្ជូនទៅប្រធានក្រុម"),
    "referral_pending": ("referral waiting for a second reviewer", "ការបញ្ជូនបន្តកំពុងរង់ចាំអ្នកពិនិត្យទីពីរ"),
    "feeds": ("partner feeds: volume and health", "ប្រភពទិន្នន័យរបស់ដៃគូ៖ បរិមាណ និងស្ថានភាព"),
    "usual_week": ("usual week (median of 4)", "សប្តាហ៍ធម្មតា (មេដ្យាន ៤ សប្តាហ៍)"),
    "feed_status": ("feed status", "ស្ថានភាពប្រភព"),
    "ok": ("ok", "ធម្មតា"),
    "outage": ("outage: far fewer posts than usual", "ដាច់ទិន្នន័យ៖ ប្រកាសតិចជាងធម្មតាច្រើន"),
    "new": ("new or no history", "ថ្មី ឬគ្មានប្រវត្តិ"),
    "low volume": ("low volume: cannot judge", "បរិមាណតិច៖ មិនអាចវាយតម្លៃបាន"),
    "outage_note": ("a partner feed was out this week: fewer flags from it do not mean a safer week",
                    "ប្រភពទិន្នន័យរបស់ដៃគូបានដាច់សប្តាហ៍នេះ៖ ការសម្គាល់តិចមិនមែនមានន័យថាមានសុវត្ថិភាពជាងទេ"),
    "km": ("Khmer", "ខ្មែរ"),
    "en": ("English", "អង់គ្លេស"),
    "mixed": ("mixed / romanised", "ចម្រុះ / អក្សរឡាតាំង"),
}


@lru_cache(maxsize=1)
def indicator_names() -> dict[str, tuple[str, str]]:
    """Indicator category → (English, Khmer), from ``data/reports/indicator_names.yaml``."""
    data = yaml.safe_load(INDICATOR_NAMES.read_text(encoding="utf-8"))
    return {str(k): (str(v[0]), str(v[1])) for k, v in data.items()}


def names(key: str) -> tuple[str, str]:
    """(English, Khmer) for a header key, province or indicator category; metric keys are composed."""
    if key in _BASE:
        return _BASE[key]
    km = load_gazetteer().khmer(key)
    if km is not None:
        return key, km
    if key in indicator_names():
        return indicator_names()[key]
    for prefix, (en, km) in (("flagged_", ("flagged", "បានសម្គាល់")), ("confirmed_", ("confirmed", "បានបញ្ជាក់"))):
        if key.startswith(prefix):
            lb = key.removeprefix(prefix)
            len_, lkm = LABEL_NAMES.get(lb, (lb, lb))
            return f"{en}: {len_}", f"{km}៖ {lkm}"
    if key in LABEL_NAMES:
        return LABEL_NAMES[key]
    return key, key


def english(key: str) -> str:
    """The English header."""
    return names(key)[0]


def khmer(key: str) -> str:
    """The Khmer header."""
    return names(key)[1]


def bilingual(key: str) -> str:
    """``English / ខ្មែរ`` for one-line headers (CSV, charts)."""
    en, km = names(key)
    return en if en == km else f"{en} / {km}"
