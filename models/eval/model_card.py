"""DVC stage ``model_card``: ``docs/model-card.md`` generated from ``metrics/*.json``.

Why generated: a hand-written card drifts from the model it describes. Every figure here is read
from the metrics files the ``evaluate`` stages wrote, and every model evaluated (the baseline, the
transformer when its stage has run) gets a column, so they can be compared side by side.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from models.params import PROJECT_ROOT, load_params

METRICS = PROJECT_ROOT / "metrics"
OUT = PROJECT_ROOT / "docs" / "model-card.md"
MODEL_ORDER = ("baseline", "transformer", "cascade")
LANGS = ("overall", "km", "en", "mixed")
COLUMNS = (("pr_auc", "PR-AUC"), ("roc_auc", "ROC-AUC"), ("recall_at_p90", "R@P0.9"), ("ece", "ECE"),
           ("precision", "P@thr"), ("recall", "R@thr"), ("positives", "pos"), ("n", "n"))


def _is_evaluation(value: Any) -> bool:
    """Whether a metrics file has the shape ``evaluate`` writes (other stages' metrics are skipped)."""
    return (isinstance(value, dict) and "model_version" in value and "false_flag_rate" in value
            and any(isinstance(v, dict) and "overall" in v for v in value.values()))


def load_metrics(metrics_dir: Path) -> dict[str, dict[str, Any]]:
    """``{model: metrics}`` for every ``metrics/<model>.json`` written by ``evaluate`` (known models first)."""
    found = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in sorted(metrics_dir.glob("*.json"))
             if not p.stem.endswith("_families")}
    found = {k: v for k, v in found.items() if _is_evaluation(v)}
    order = [m for m in MODEL_ORDER if m in found] + sorted(m for m in found if m not in MODEL_ORDER)
    return {m: found[m] for m in order}


def _part(model: dict[str, Any], section: str | None) -> dict[str, Any]:
    """One model's metrics for the test split (``None``) or a named set such as ``"probe"``."""
    part: dict[str, Any] = model.get(section, {}) if section else model
    return part


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def metric_table(models: dict[str, dict[str, Any]], section: str | None, labels: list[str]) -> list[str]:
    """Rows label x language, one block of columns per model."""
    head = "| label | lang | model | " + " | ".join(title for _, title in COLUMNS) + " |"
    lines = [head, "|" + "---|" * (3 + len(COLUMNS))]
    for lb in labels:
        for lang in LANGS:
            for name, m in models.items():
                cell = _part(m, section).get(lb, {}).get(lang)
                if cell is None:
                    continue
                lines.append(f"| {lb} | {lang} | {name} | " + " | ".join(_fmt(cell.get(k)) for k, _ in COLUMNS) + " |")
    return lines


def false_flag_table(models: dict[str, dict[str, Any]], section: str | None) -> list[str]:
    """False-flag rate (any label over its threshold) per negative kind, one column per model."""
    kinds = sorted({k for m in models.values() for k in _part(m, section).get("false_flag_rate", {})})
    lines = ["| negative kind | " + " | ".join(models) + " |", "|---|" + "---|" * len(models)]
    for kind in kinds:
        cells = [_fmt(_part(m, section).get("false_flag_rate", {}).get(kind)) for m in models.values()]
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    return lines


def family_table(metrics_dir: Path, name: str, labels: list[str]) -> list[str]:
    """Per-family results on the test split for one model."""
    path = metrics_dir / f"{name}_families.json"
    if not path.exists():
        return []
    fams: dict[str, dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    head = "| family | kind | lang | n | " + " | ".join(f"{lb} flag rate | {lb} PR-AUC vs negatives" for lb in labels)
    lines = [head + " |", "|" + "---|" * (4 + 2 * len(labels))]
    for fam, e in sorted(fams.items(), key=lambda kv: (kv[1].get("kind", ""), kv[0])):
        if e["n"] < 1 or fam.startswith("multi:"):
            continue
        cells = []
        for lb in labels:
            cells += [_fmt(e.get(f"{lb}_flag_rate")), _fmt(e.get(f"{lb}_pr_auc_vs_negatives"))]
        lines.append(f"| {fam} | {e.get('kind', '')} | {e.get('lang', '')} | {e['n']} | " + " | ".join(cells) + " |")
    return lines


def _read(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text(encoding="utf-8"))) if path.exists() else {}


def real_text_table(models: dict[str, dict[str, Any]], labels: list[str]) -> list[str]:
    """Share of real benign posts flagged, per source and label (any label last), one column per model."""
    sources = sorted({s for m in models.values() for s in m.get("real_text", {})})
    lines = ["| source | posts | label | " + " | ".join(models) + " |", "|---|---|---|" + "---|" * len(models)]
    for source in sources:
        posts = next(m["real_text"][source]["posts"] for m in models.values() if source in m.get("real_text", {}))
        for lb in [*labels, "any"]:
            rates = [m.get("real_text", {}).get(source, {}).get("flag_rate", {}).get(lb) for m in models.values()]
            cells = ["–" if r is None else f"{100 * r:.2f} %" for r in rates]
            lines.append(f"| {source} | {posts} | {lb} | " + " | ".join(cells) + " |")
    return lines


def behind_baseline(models: dict[str, dict[str, Any]], labels: list[str]) -> list[str]:
    """A limit line for every (set, label) where the transformer alone scores a lower PR-AUC than the baseline."""
    base, trans = models.get("baseline"), models.get("transformer")
    if not base or not trans:
        return []
    behind = []
    for name, section in (("test split", None), ("probe set", "probe")):
        for lb in labels:
            b, t = ((_part(m, section).get(lb, {}).get("overall") or {}).get("pr_auc") for m in (base, trans))
            if b is not None and t is not None and t < b:
                behind.append(f"{lb} on the {name} ({t:.3f} vs {b:.3f})")
    if not behind:
        return []
    return [f"- The transformer alone scores a lower PR-AUC than the baseline for {'; '.join(behind)}:",
            "  it is served inside the cascade, blended with the baseline, not alone."]


def _cached(train: dict[str, Any]) -> str:
    """Names the frozen layers run once per post (``transformer.cache_frozen``), if any."""
    n = train.get("cached_layers")
    return f" (embeddings and the lowest {n} layers frozen, run once per post)" if n else ""


def _probe_posts(train: dict[str, Any]) -> str:
    """Whether LP-FT's head was fitted first, and on how many posts (older metrics lack the count)."""
    if train.get("linear_probe_c") is None:
        return "no"
    posts = train.get("linear_probe_posts")
    return f"yes, on {posts} posts" if posts else "yes"


def transformer_section(metrics_dir: Path) -> list[str]:
    """Training, int8 quantisation and cascade routing facts, when those stages have run."""
    quant, routing = _read(metrics_dir / "transformer_quant.json"), _read(metrics_dir / "cascade_routing.json")
    if not quant and not routing:
        return []
    out = ["## Transformer and cascade", ""]
    train = quant.get("training", {})
    if train:
        out += [f"- Fine-tuned encoder: {train.get('layers')} layers, vocabulary {train.get('vocab')} pieces, "
                f"{train.get('trainable_params')} of {train.get('params')} parameters trained{_cached(train)}, "
                f"{train.get('train_rows')} posts, {train.get('steps')} steps in {train.get('train_seconds')} s "
                f"(2 CPU cores); cue words: {train.get('cues')}; head fitted first on frozen features (LP-FT): "
                f"{_probe_posts(train)}; targets mixed with the baseline's held-out scores "
                f"(distillation weight): {train.get('distill') or 0}; fitted on: {train.get('fit_on') or 'train'}."]
    twin = quant.get("calibrated_on", {})
    if twin.get("model") == "held-out twin":
        t = twin.get("training", {})
        out += [f"- Calibration and thresholds (and the cascade's blend and routing) were fitted on the validation "
                f"scores of a held-out twin: the same recipe on the {t.get('fit_on')} split alone "
                f"({t.get('train_rows')} posts, {t.get('steps')} steps), since the served model has seen "
                "the validation families."]
    if quant:
        changes = ", ".join(f"{k.removesuffix('_pr_auc_change')} {v:+.4f}" for k, v in quant.items()
                            if k.endswith("_pr_auc_change"))
        out += [f"- int8 ONNX ({quant.get('onnx_int8_mb')} MB; fp32 {quant.get('onnx_fp32_mb')} MB): largest "
                f"probability change vs fp32 {quant.get('max_abs_prob_diff')}, mean {quant.get('mean_abs_prob_diff')};"
                f" PR-AUC change on the test split: {changes}."]
        alone = quant.get("batch_vs_alone")
        if alone and alone.get("posts"):
            flips = " / ".join(str(v) for v in alone["flag_changes"].values())
            out += [f"- A post's int8 score depends on the posts scored with it (dynamic quantisation: one "
                    f"activation scale per batch, padding included). {alone['posts']} test posts scored in "
                    f"served batches and then one at a time differ by {alone['mean_abs_prob_diff']} on average, "
                    f"{alone['p99_abs_prob_diff']} at the 99th percentile and {alone['max_abs_prob_diff']} at most; "
                    f"{flips} of them ({' / '.join(alone['flag_changes'])}) change sides of the threshold."]
        if quant.get("fp32_nodes"):
            out += [f"- Left in fp32, as the layers int8 hurt most on validation posts: "
                    f"{', '.join(f'`{n}`' for n in quant['fp32_nodes'])}."]
    if routing:
        test = routing.get("test", {})
        drops = ", ".join(f"{lb} {100 * v['recall_drop']:.2f}" for lb, v in test.items() if isinstance(v, dict))
        out += [f"- Cascade: low thresholds {routing.get('low_thresholds')} (chosen on "
                f"{routing.get('baseline_val_scores')} baseline scores); on the test split the transformer "
                f"skipped {100 * test.get('skipped_fraction', 0):.1f} % of posts; recall lost at the operating "
                f"point (points): {drops}."]
        if routing.get("blend"):
            weights = "; ".join(f"{lb}: baseline {w['baseline']}, transformer {w['transformer']}"
                                for lb, w in routing["blend"].items())
            out += [f"- Blend weights on the log-odds (fitted on validation): {weights}."]
    return [*out, ""]


def render(metrics_dir: Path, params: dict[str, Any]) -> str:
    """The whole card as Markdown."""
    models = load_metrics(metrics_dir)
    labels = list(params["labels"])
    target = params.get("thresholds", {}).get("target_precision", 0.9)
    out = [
        "# Model card: Chhmam risk models",
        "",
        "<!-- Generated by `python -m models.stage model_card` (DVC stage `model_card`) from metrics/*.json;"
        " do not edit by hand. -->",
        "",
        "## What the models do",
        "Two independent scores per post, `grooming` and `trafficking_ad` (definitions: docs/codebook.md), as",
        "calibrated probabilities, with a per-label threshold chosen on the validation split for precision "
        f"{target}.",
        "Inputs are public social-media posts in Khmer, English and mixed/romanised Khmer. The scores rank posts",
        "for human review; they never act on a post or a person by themselves.",
        "",
        "## Models",
        "| model | version | thresholds |",
        "|---|---|---|",
    ]
    for name, m in models.items():
        thr = ", ".join(f"{k}={v:.3f}" for k, v in m.get("thresholds", {}).items())
        out.append(f"| {name} | `{m.get('model_version', '')}` | {thr} |")
    out += [
        "",
        "## Data",
        "No public labelled data exists for these risks in Khmer. Training data is synthetic, written to the",
        "codebook: independent phrasing families per label, language and hard-negative kind, composed from",
        "clauses with slot values, code-switching, typos and obfuscation, plus real benign text (khPOS Khmer",
        "sentences, UCI SMS ham, EMSCAD legitimate job ads) and moderators' decisions (`data/labels/`).",
        "**The test split holds whole families never seen in training**; the **probe set** (`data/probe/`) was",
        "written by hand, in another style, and is never trained on: it is the best proxy for real posts.",
        "Figures on synthetic test families are optimistic about real-world performance; trust the probe more,",
        "and trust neither as much as a real labelled sample.",
        "",
        "Columns: PR-AUC (average precision), ROC-AUC, R@P0.9 (best recall at precision >= 0.9), ECE",
        "(expected calibration error, 10 bins), P@thr / R@thr (precision / recall at the stored threshold).",
        "",
        "## Test split (unseen families) — per label × language",
        "",
        *metric_table(models, None, labels),
        "",
        "### False-flag rate per hard-negative kind (test split)",
        "",
        *false_flag_table(models, None),
        "",
    ]
    if any("probe" in m for m in models.values()):
        out += [
            "## Probe set (hand-written, never trained on) — per label × language",
            "",
            *metric_table(models, "probe", labels),
            "",
            "### False-flag rate per hard-negative kind (probe set)",
            "",
            *false_flag_table(models, "probe"),
            "",
        ]
    if any("real_text" in m for m in models.values()):
        out += [
            "## Real benign text no split holds — share flagged at each model's thresholds",
            "",
            "English SMS between adults (UCI SMS ham) and Khmer prose (khPOS), drawn from rows that no split",
            "holds and that pass the content rule (`models/data/real_text.py`); what a partner feed mostly carries.",
            "",
            *real_text_table(models, labels),
            "",
        ]
    out += transformer_section(metrics_dir)
    for name in models:
        fam = family_table(metrics_dir, name, labels)
        if fam:
            out += [f"## Per-family results on the test split: {name}", "",
                    "Flag rate: share of the family's posts over the label's threshold (recall for a positive",
                    "family, false-flag rate for a negative one). PR-AUC vs negatives: that family's posts",
                    "against every negative of the test split.", "", *fam, ""]
    out += [
        "## What was done to generalise beyond our own templates",
        "- Families, not posts, are split: every test figure above is on phrasing families never trained on.",
        "- Many independent voices per label and language; hard negatives reuse the positives' vocabulary.",
        "  New voices helped where more posts did not: 2.2x more posts per family left the probe set where",
        "  it was, while 64 more families (226 in all) raised probe trafficking_ad PR-AUC for every model.",
        "- Obfuscation, code-switching and neutral openers/closers are applied to negatives as often as to",
        "  positives, so none of them is a cue.",
        "- Baseline: regularisation chosen by family-grouped cross-validation; each (language, class) cell",
        "  weighted equally, so a script or romanisation is not itself evidence; bucketed salary (USD) and",
        "  minor-age tokens, so `$1,500`, `១៥០០ ដុល្លារ` and `6 million riel` are one cue; final fit on",
        "  train + validation families with calibration on out-of-fold (family-held-out) scores.",
        "- Transformer: word embeddings frozen, so Khmer and English pieces the templates never use keep",
        "  their pre-trained meaning; the same salary/age cues appended as plain words (`| high salary`);",
        "  LP-FT: the head is fitted on the frozen encoder's features before fine-tuning, so the first",
        "  steps do not push a random head's errors into the pre-trained layers; then two short passes",
        "  (from a random head, more passes had fitted our templates and lost ground on the probe set).",
        "  Distillation: the training targets mix each label with the baseline's out-of-fold score for that",
        "  post (weight 0.25), so the transformer also learns how a post's words look to a model that never",
        "  saw its family; against labels only it lifted test grooming and both probe labels (weights 0,",
        "  0.25 and 0.5 were compared on test + probe, so the probe is slightly optimistic for this choice).",
        "  Like the baseline, the served transformer is fitted on the train + validation families (more",
        "  voices); a twin trained on the training split alone supplies the held-out validation scores for",
        "  calibration, thresholds and the cascade. With the validation families (int8, same machine),",
        "  probe grooming PR-AUC rose from 0.943 to 0.982 and test trafficking_ad from 0.897 to 0.923;",
        "  probe trafficking_ad moved from 0.967 to 0.959. Across three training seeds (fp32, same data)",
        "  the transformer's PR-AUC spread was test 0.925-0.932 / 0.927-0.930 and probe 0.977-0.984 /",
        "  0.954-0.970 (grooming / trafficking_ad): differences under about 0.01 are noise.",
        "- Training-only voices (2026-11-30): twelve families pinned to the training split (codebook §7)",
        "  for the two blind spots named under Limits: well-paid professional jobs, shop jobs contacted by",
        "  app, ride-sharing posts, and a first-person \"look what I earn\" recruiter, in each language.",
        "  fp32 PR-AUC grooming / trafficking_ad, test | probe, before (Intel Xeon, 2026-11-29) and after",
        "  (AMD EPYC, 2026-11-30): transformer 0.926/0.927 | 0.984/0.961, then 0.935/0.933 | 0.975/0.964;",
        "  baseline 0.898/0.947 | 0.981/0.976, then 0.899/0.950 | 0.986/0.972. The served transformer's",
        "  trafficking_ad flag rate on the well-paid Khmer IT job fell from 0.25 to 0; on the held-out",
        "  testimonial families it did not rise (0.18-0.32 after, 0.30-0.38 before).",
        "  The probe's grooming drop is in its Khmer posts (15 positives): two of them (a pick-up at a",
        "  pagoda scored 0.07, a nephew's birthday phone 0.96); without them it reads 0.993. A second",
        "  seed (7) gave 0.940/0.939 | 0.976/0.978, Khmer probe grooming 0.923: the dip repeats, so it is",
        "  not seed noise alone; probe trafficking_ad passed the baseline at that seed, test did not.",
        "- Training-only voices, second round (2026-11-30, Intel Xeon): twelve more pinned families",
        "  (codebook §7): a referral by a relative (\"my cousin went with the agent and built our parents",
        "  a house\"), a recruiter showing proof (a canteen video, pay day, weekly departures), a grooming",
        "  cover story (what to tell a grandmother, where to wait, location off) and parents asking other",
        "  adults about a child's phone or birthday. The last two were prompted by two Khmer probe posts",
        "  the transformer got wrong, so the probe is no longer independent on those patterns. Adding",
        "  families reshuffles the real and two-label rows of the test split (about 50 of 3,370 texts),",
        "  so each round was also scored on the previous test file: figures move by 0.001 at most. fp32",
        "  PR-AUC, test | probe, before and after: transformer 0.935/0.933 | 0.975/0.964, then",
        "  0.937/0.939 | 0.986/0.972; baseline 0.899/0.950 | 0.986/0.972, then 0.921/0.954 |",
        "  0.993/0.972. The held-out testimonial families",
        "  (`t_*_success_story`), which share no sentence with the new voices, went from a served",
        "  transformer flag rate of 0.18-0.32 to 0.47-0.72 (baseline 0.48-0.68). The Khmer pagoda",
        "  pick-up now scores 0.78 and the nephew's birthday phone 0.60 (fp32).",
        "- Account names (2026-11-30): \"@...\" filled 11 training recruitment families, one grooming",
        "  family and no negative, so it had become a trafficking cue (a grooming test post moving a",
        "  child to \"WhatsApp @lucky_star_99\" scored 0.90). Nine more pinned voices give personal or",
        "  shop accounts (a groomer's second-account request, dating, top-up shops; codebook §7), and a",
        "  test now fails if any slot a positive family fills is never filled by a negative. fp32, test |",
        "  probe: transformer 0.937/0.939 | 0.986/0.972, then 0.940/0.945 | 0.985/0.980; baseline",
        "  0.921/0.954 | 0.993/0.972, then 0.921/0.955 | 0.995/0.975. On the 54 test posts with an",
        "  account name and no recruitment, the transformer's mean trafficking_ad score fell from 0.21 to",
        "  0.14 (baseline 0.01); testimonial families are flagged at 0.53-0.73 (baseline 0.52-0.60).",
        "  A second seed (7) gave 0.941/0.946 | 0.987/0.982, Khmer probe grooming 0.972 (seed 13: 0.966;",
        "  before these rounds 0.910 and 0.923). At both seeds the transformer is ahead of the baseline",
        "  on test grooming and probe trafficking_ad and behind on test trafficking_ad and probe",
        "  grooming. `dvc repro` of the full configuration took 24 min 15 s in a clean clone on the Xeon",
        "  (served model 583 s, twin 514 s: training now reaches its 14,000-post cap) and 27 min 52 s",
        "  in a working checkout shared with other jobs.",
        "- Thin script cells (2026-11-30, stop 17, a 2-vCPU AMD EPYC with AVX-512): hard negatives are",
        "  dealt to splits by kind across languages, so Khmer script had one adult-dating and one",
        "  parent/teacher family in training against 14 grooming families. Twelve more pinned voices bring",
        "  every (hard-negative kind, language) cell to three training families, and a test keeps it so",
        "  (codebook §7; six are another script's member of an existing voice). fp32 PR-AUC, test | probe,",
        "  on that machine before and after: transformer 0.939/0.940 | 0.987/0.982, then 0.947/0.951 |",
        "  0.987/0.984; baseline 0.921/0.955 | 0.995/0.975, then 0.928/0.961 | 0.992/0.976 (on the",
        "  previous test file 0.947/0.952 and 0.928/0.961). A second seed (7) gave 0.947/0.954 |",
        "  0.986/0.989. Khmer test grooming rose most (transformer 0.917 to 0.947, baseline 0.838 to",
        "  0.872). The Khmer older sibling that showed the gap is still flagged for grooming (served",
        "  transformer 0.82 to 0.85 of its posts, baseline 0.88 to 0.87): its clauses (money for books, a",
        "  pick-up at the school gate, a photo) are grooming indicators, and only its openness (the mother",
        "  named) says otherwise. Still behind the baseline on test trafficking_ad and probe grooming; the",
        "  probe's worst negative is a Khmer adult couple's anniversary post (grooming 0.97 fp32). The",
        "  same recipe gives a different model on this CPU than on the Xeon (float kernels differ); each",
        "  machine rebuilds its own byte for byte (a clean clone rebuilt the same transformer here).",
        "  `dvc repro` took 32 min 0 s in that clean clone (served model 905 s, twin 672 s) and 30 min",
        "  2 s in a working checkout (824 s and 645 s, of which the linear probe's pass over frozen",
        "  features took 143 s and 92 s): over the 30-min budget on this CPU, within it on the Xeon.",
        "- A smaller training draw (2026-12-02, the same AMD EPYC): the LP-FT head is fitted on a random",
        "  4,000 posts instead of every training post (`linear_probe_posts`; the logistic fit needs far",
        "  fewer posts than fine-tuning, and the pass over frozen features was 92-143 s of each model),",
        "  and fine-tuning samples 12,000 posts instead of 14,000 (`max_train_examples`; 60 posts of",
        "  each family give the same voices either way). fp32 PR-AUC, test | probe, before and after:",
        "  seed 13 0.947/0.951 | 0.987/0.984, then 0.957/0.956 | 0.992/0.990; seed 7 0.947/0.954 |",
        "  0.986/0.989, then 0.954/0.953 | 0.992/0.987 (baseline 0.928/0.961 | 0.992/0.976). Both seeds",
        "  gained on grooming; trafficking_ad moved within the seed spread. `dvc repro` of the full",
        "  configuration went from 30 min 2 s to 23 min 13 s in a working checkout (served model and",
        "  twin 544 s and 522 s of training against 824 s and 645 s). Still behind the baseline on test",
        "  trafficking_ad: its lowest-scored positives are one-clause fragments of held-out recruiter",
        "  voices (\"look at the dorm photos, like a hotel\"; 15 of the 41 English positives under 0.2",
        "  are `t_en_success_story`), which both models rank near chance.",
        "- Two-clause positives (2026-12-02, tried and not kept): about a quarter of the positive test",
        "  posts are one clause of their voice, and without them the served transformer's test PR-AUC",
        "  reads 0.968/0.972 instead of 0.957/0.956 (fp32). Regenerating the data with every labelled",
        "  post at two clauses or more (`data.min_positive_clauses: 2`) lifted the test split (easier",
        "  now, so not comparable) but lowered the probe set (int8, before and after): transformer",
        "  grooming 0.990 to 0.982 (Khmer 0.976 to 0.927) and trafficking_ad 0.989 to 0.993; baseline",
        "  0.992 to 0.986 and 0.976 to 0.973; cascade 0.995 to 0.987 and 0.985 to 0.983. Short grooming",
        "  chat messages lost most (a Khmer \"video call me tonight when mum is asleep\" 0.86 to 0.22):",
        "  a length rule teaches that short posts are safe. The fix is per clause (codebook §7).",
        "- Supporting clauses (2026-12-03, tried and not kept): 125 of the 648 labelled clauses are marked",
        "  as not earning the label alone (\"no experience needed\", \"only 30 seats left\", a lone \"what",
        "  grade are you in?\"), and `data.lone_indicator: true` keeps them out of one-clause posts. In a",
        "  full repro (24 min) the probe set fell for the transformer (int8 0.990/0.989 to 0.987/0.984) and",
        "  the baseline's grooming (0.992 to 0.988; trafficking_ad 0.976 to 0.978); on the regenerated test",
        "  split, not comparable with this one, the transformer still trailed the baseline on",
        "  trafficking_ad (0.967 against 0.974), and its false flags rose with a lower grooming threshold",
        "  (0.61 to 0.52; everyday 0.04 to 0.11, parent_teacher 0.26 to 0.32). The marks stay, the switch",
        "  is off, and the data is the same as before.",
        "- Cascade: the baseline and the transformer blended on validation data, because they miss",
        "  different posts (n-grams hold on to numbers, app names and spellings; the transformer to",
        "  phrasings the n-grams never saw).",
        "- The probe set is scored for every model and never trained on.",
        "",
        "## Transformer recipes tried and not kept",
        "Measured 2026-11-29 on a 2-vCPU Intel Xeon, fp32, fitted on train + validation with everything",
        "else as served; PR-AUC grooming / trafficking_ad, test split | probe set. The served recipe",
        "scored 0.926/0.927 | 0.984/0.961 and trained in 544 s on the same machine (226 families, before",
        "the training-only voices).",
        "",
        "| change | test | probe | training | why not kept |",
        "|---|---|---|---|---|",
        "| learning rate 2e-4 (from 1e-4) | 0.923/0.927 | 0.992/0.963 | 494 s | within the seed spread |",
        "| embeddings and all layers trainable | 0.931/0.926 | 0.989/0.969 | 779 s | within the seed spread |",
        "| 8 layers (seeds 13 and 7) | 0.940/0.935, 0.947/0.941 | 0.984/0.972, 0.983/0.970 | 761 s, 771 s |"
        " still behind the baseline on trafficking_ad |",
        "| 8 layers, the lowest 4 frozen | 0.940/0.925 | 0.990/0.974 | 669 s | trafficking_ad level on test |",
        "",
        "Depth is the one change that moved both labels on test (beyond the 6-layer seed spread), most for",
        "grooming; trafficking_ad stays behind the baseline's 0.947 | 0.976. Both 8-layer recipes add",
        "2-4 min of training to each of the two models `dvc repro` trains (served and twin), taking it",
        "from 21-24 min (23.6 in a clean clone that day) to its 30-min budget on 2 cores; inference",
        "cost grows with depth too. On a 2-vCPU AMD EPYC with AVX2 but no AVX-512 (2026-11-30), the",
        "6-layer pipeline itself took 45 min: the served model trained in 1133 s and the twin in 888 s.",
        "",
        "Measured 2026-12-03 on a 2-vCPU AMD EPYC with AVX-512, using the served recipe and that morning's",
        "data, before eight real SMS left it for the content rule (codebook §5); fp32, seed 13. The served",
        "recipe scored 0.957/0.956 | 0.992/0.990 in 599 s, the baseline 0.928/0.961 | 0.992/0.976.",
        "",
        "| change | test | probe | training | why not kept |",
        "|---|---|---|---|---|",
        "| weight averaging (EMA of every step, decay 0.995) | 0.956/0.955 | 0.991/0.989 | 620 s | no gain |",
        "| layer-wise learning-rate decay 0.8 | 0.955/0.953 | 0.988/0.987 | 650 s | lower on both sets |",
        "| negatives weighted 1 + 4 × the baseline's held-out score | 0.954/0.953 | 0.993/0.992 | 676 s |"
        " lower on test; held-out hard negatives (`n_ngo_mx_awareness`) scored as high as before |",
        "| twice the real benign text (3,000 khPOS, 1,600 SMS) | 0.950/0.952 | 0.992/0.993 | 693 s |"
        " lower on test, where the baseline gained (0.931/0.964 test, 0.994/0.975 probe) |",
        "",
        "The last row's test figures are on the split above; its own, larger test split gave the transformer",
        "0.949/0.952 and its baseline 0.930/0.964. Training times include some concurrent scoring.",
        "",
        "Measured 2026-12-03 (later) on a 2-vCPU Intel Xeon with AMX, on the data after the content fix",
        "and before the probe near-copies were reworded (codebook §7); fp32, seed 13, one fit at a time.",
        "The served recipe scored 0.956/0.954 | 0.988/0.978 in 331 s; the baseline scored 0.934/0.961 |",
        "0.995/0.973 on the same sets.",
        "",
        "| change | test | probe | training | why not kept |",
        "|---|---|---|---|---|",
        "| 8 layers, the lowest 4 frozen (again, on this data) | 0.948/0.950 | 0.995/0.976 | 398 s |"
        " lower on test: Khmer grooming 0.960 to 0.917 |",
        "| mean and max pooling, concatenated | 0.951/0.951 | 0.991/0.978 | 331 s |"
        " English trafficking_ad 0.937 to 0.957, Khmer 0.947 to 0.936: no net gain |",
        "| distillation weight 0.4 (from 0.25) | 0.955/0.951 | 0.987/0.980 | 324 s | no gain |",
        "| mean logits of the three fits above and the served recipe's | 0.956/0.959 | 0.992/0.983 |"
        " 3 fits | still behind the baseline on test trafficking_ad and probe grooming |",
        "",
        "The last row says the gap is not the variance of one fit: averaging three differently trained",
        "transformers, at three times the cost of training and of scoring, moves test trafficking_ad",
        "from 0.954 to 0.959 and probe grooming from 0.988 to 0.992, short of 0.961 and 0.995.",
        "",
        "More compute closes it on test and ties probe grooming, on the data after the probe fix (fp32, seed 13;",
        "the baseline scores 0.927/0.961 | 0.995/0.973 there), at about 4x the training budget: `dvc repro`",
        "(served model and twin) would take about 45 min on this machine and over 90 on the AMD EPYC, against",
        "30 allowed.",
        "",
        "| change | test | probe | training | why not kept |",
        "|---|---|---|---|---|",
        "| all 12 layers, the lowest 2 frozen, all 16,007 train+val posts | 0.954/0.970 | 0.995/0.979 | 1292 s |"
        " over the 30-min `dvc repro` budget on 2 cores |",
        "",
        "## Depth at the same budget: frozen layers run once",
        "Measured 2026-12-03 on the same Intel Xeon and data; fp32, seed 13, all 16,007 train+val posts.",
        "With the embeddings and the lowest k layers frozen, their output for a post never changes during",
        "fine-tuning, so the training stage computes it once per post (in eval mode, so without their",
        "dropout) and shares it with the twin (`transformer.cache_frozen`, `models/train/layer_cache.py`); each",
        "step runs only the layers above. Twelve layers with eight frozen then train in about the time six",
        "layers with two frozen took. Training times include the frozen pass (109 s for 8 layers).",
        "",
        "| recipe: 12 layers, frozen layers cached | test | probe | training |",
        "|---|---|---|---|",
        "| lowest 8 frozen, learning rate 1e-4 | 0.958/0.956 | 0.993/0.976 | 480 s |",
        "| lowest 6 frozen, learning rate 1e-4 | 0.950/0.964 | 0.992/0.974 | 614 s |",
        "| lowest 8 frozen, learning rate 2e-4 (**served since**) | 0.951/0.964 | 0.997/0.977 | 457 s |",
        "",
        "The three were compared on both sets, so the served recipe's probe figures are slightly",
        "optimistic. It is the only one ahead of the baseline on all four (the first row trails it on test",
        "trafficking_ad, 0.956 against 0.961, and probe grooming, 0.993 against 0.995); its weakest cell is",
        "Khmer test grooming (0.905, against 0.935 in the first row). The cost moved to inference: twelve",
        "layers score at about half the speed of six (bench/README.md).",
        "",
        "## Limits",
        *behind_baseline(models, labels),
        "- Test-split trafficking_ad: with 12 layers (2026-12-03) the transformer is level with the baseline",
        "  overall (int8 0.962 against 0.961) and behind it on Khmer posts (0.932 against 0.952). Where the",
        "  6-layer transformer lost trafficking_ad ranking to the baseline on the test split:",
        "  grooming posts that mention an app, money or secrecy (`g_km_secret_app`, `g_en_server_admin`,",
        "  `g_en_fee_sponsor`) get higher trafficking_ad scores than from the baseline, and so do Khmer",
        "  couples' and marriage posts; before the training-only voices it also missed the testimonial",
        "  voice (`t_*_success_story`) and well-paid professional jobs (`n_job_km_it_high_pay`). The",
        "  cascade blends both models' views; on trafficking_ad it is ahead of either.",
        "- On real text of no risk that it never saw, the transformer flags more than the baseline (the",
        "  table \"Real benign text no split holds\" above). Short messages between adults read as grooming",
        "  to it (2026-12-03: \"You in your room? I need a few\" 0.93), and both models flag \"Ok leave no",
        "  need to ask\" as trafficking_ad. `python -m models.eval.flag_rates transformer 5` lists the",
        "  highest-scored ones.",
        "- Trained on synthetic text; real posts use words, slang and spellings the generator never produced.",
        "- Romanised Khmer has no standard spelling; scores on it are the least stable.",
        "- Calibration was fitted on synthetic validation data: on real feeds, the share of risky posts is",
        "  far lower, so precision at the stored threshold will be lower than shown here.",
        "- Content rule: no training, test or probe text is sexual; grooming examples stop at manipulation",
        "  patterns (tests/test_models_data_safety.py enforces a blocklist on every text).",
        "",
    ]
    return "\n".join(out)


def main(out: str = "") -> None:
    """Write the model card (``docs/model-card.md`` unless a path is given)."""
    target = Path(out) if out else OUT
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(METRICS, load_params()), encoding="utf-8")
    print(f"model card: {target}")
