"""DVC stage ``model_card``: ``docs/model-card.md`` generated from ``metrics/*.json``.

Why generated: a hand-written card drifts from the model it describes. Every figure in it is read
from the metrics files the ``evaluate`` stages wrote, and every model evaluated (the baseline, the
transformer when its stage has run) gets a column, so they can be compared side by side.

The prose lives in ``models/eval/templates/model_card.md.j2``; this module only computes the tables and
values the template shows. The card says what is true of the served model; how the recipe was
arrived at, with dated figures, is in ``docs/experiments.md``.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import jinja2

from models.params import METRICS, PROJECT_ROOT, load_params

log = logging.getLogger("chhmam.models")

OUT = PROJECT_ROOT / "docs" / "model-card.md"
TEMPLATE = Path(__file__).resolve().parent / "templates" / "model_card.md.j2"
MODEL_ORDER = ("baseline", "transformer", "cascade")
PREVIOUS = "previous_release.json"  # the release this one replaces, per stage (models/eval/stages.py)
LANGS = ("overall", "km", "en", "mixed")
COLUMNS = (
    ("pr_auc", "PR-AUC"),
    ("roc_auc", "ROC-AUC"),
    ("recall_at_p90", "R@P0.9"),
    ("ece", "ECE"),
    ("precision", "P@thr"),
    ("recall", "R@thr"),
    ("positives", "pos"),
    ("n", "n"),
)


def _is_evaluation(value: Any) -> bool:
    """Whether a metrics file has the shape ``evaluate`` writes (other stages' metrics are skipped)."""
    return (
        isinstance(value, dict)
        and "model_version" in value
        and "false_flag_rate" in value
        and any(isinstance(v, dict) and "overall" in v for v in value.values())
    )


def load_metrics(metrics_dir: Path) -> dict[str, dict[str, Any]]:
    """``{model: metrics}`` for every ``metrics/<model>.json`` written by ``evaluate`` (known models first)."""
    found = {
        p.stem: json.loads(p.read_text(encoding="utf-8"))
        for p in sorted(metrics_dir.glob("*.json"))
        if not p.stem.endswith("_families")
    }
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
    for name, section in (("test split", None), ("probe set", "probe"), ("blind set", "blind")):
        for lb in labels:
            b, t = ((_part(m, section).get(lb, {}).get("overall") or {}).get("pr_auc") for m in (base, trans))
            if b is not None and t is not None and t < b:
                behind.append(f"{lb} on the {name} ({t:.3f} vs {b:.3f})")
    if not behind:
        return []
    return [
        f"- The transformer alone scores a lower PR-AUC than the baseline for {'; '.join(behind)}:",
        "  it is served inside the cascade, blended with the baseline, not alone.",
    ]


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


def _training_fact(train: dict[str, Any]) -> str:
    """The served transformer's recipe and training cost, as its training stage recorded them."""
    return (
        f"Fine-tuned encoder: {train.get('layers')} layers, vocabulary {train.get('vocab')} pieces, "
        f"{train.get('trainable_params')} of {train.get('params')} parameters trained{_cached(train)}, "
        f"{train.get('train_rows')} posts, {train.get('steps')} steps in {train.get('train_seconds')} s "
        f"(2 CPU cores); cue words: {train.get('cues')}; head fitted first on frozen features (LP-FT): "
        f"{_probe_posts(train)}; targets mixed with the baseline's held-out scores "
        f"(distillation weight): {train.get('distill') or 0}; fitted on: {train.get('fit_on') or 'train'}."
    )


def _twin_fact(quant: dict[str, Any]) -> list[str]:
    """Why calibration is trustworthy when the served model has seen the validation families."""
    twin = quant.get("calibrated_on", {})
    if twin.get("model") != "held-out twin":
        return []
    t = twin.get("training", {})
    return [
        f"Calibration and thresholds (and the cascade's blend and routing) were fitted on the validation "
        f"scores of a held-out twin: the same recipe on the {t.get('fit_on')} split alone "
        f"({t.get('train_rows')} posts, {t.get('steps')} steps), since the served model has seen "
        "the validation families."
    ]


def _quant_facts(quant: dict[str, Any]) -> list[str]:
    """What int8 export costs: size, score changes, batch dependence and the layers left in fp32."""
    changes = ", ".join(
        f"{k.removesuffix('_pr_auc_change')} {v:+.4f}" for k, v in quant.items() if k.endswith("_pr_auc_change")
    )
    facts = [
        f"int8 ONNX ({quant.get('onnx_int8_mb')} MB; fp32 {quant.get('onnx_fp32_mb')} MB): largest "
        f"probability change vs fp32 {quant.get('max_abs_prob_diff')}, mean {quant.get('mean_abs_prob_diff')};"
        f" PR-AUC change on the test split: {changes}."
    ]
    alone = quant.get("batch_vs_alone")
    scales = quant.get("activation_scales") or {}
    if alone and alone.get("posts") and scales.get("kind") == "static":
        facts.append(
            f"Activation scales are fixed, each from its range on {scales.get('posts')} validation posts "
            f"(`models/train/static_scales.py`), so a post's int8 score does not depend on the posts scored "
            f"with it: {alone['posts']} test posts scored in served batches and then one at a time differ by "
            f"{alone['max_abs_prob_diff']} at most."
        )
    elif alone and alone.get("posts"):
        flips = " / ".join(str(v) for v in alone["flag_changes"].values())
        facts.append(
            f"A post's int8 score depends on the posts scored with it (dynamic quantisation: one "
            f"activation scale per batch, padding included). {alone['posts']} test posts scored in "
            f"served batches and then one at a time differ by {alone['mean_abs_prob_diff']} on average, "
            f"{alone['p99_abs_prob_diff']} at the 99th percentile and {alone['max_abs_prob_diff']} at "
            f"most; {flips} of them ({' / '.join(alone['flag_changes'])}) change sides of the threshold."
        )
    if quant.get("fp32_nodes"):
        facts.append(
            f"Left in fp32, as the layers int8 hurt most on validation posts: "
            f"{', '.join(f'`{n}`' for n in quant['fp32_nodes'])}."
        )
    return facts


def _stage_two_facts(routing: dict[str, Any], footings: list[Any]) -> list[str]:
    """Which stage two each language got and, where the metrics hold it, the validation lead that earned it."""
    chosen = {
        (lb, lang): row["chosen"]
        for lb, w in (routing.get("blend") or {}).items()
        for lang, row in (w.get("by_lang") or {}).items()
        if row.get("chosen") and row["chosen"] != "pooled"
    }
    evidence = routing.get("stage_two_choice") or {}
    level = routing.get("choice_level")
    both = len(footings) > 1
    on = f" on the baseline's {' and '.join(map(str, footings))} validation scores" + (
        "" if level is not None else ", by the worse of the two"
    )
    rule = (
        f", where its PR-AUC lead over the pooled blend has a {100 * float(level):g} % paired bootstrap "
        f"interval above zero{' on the footing that least favours it' if both else ''}"
        if level is not None
        else ""
    )

    def lead(lb: str, lang: str, how: str) -> str:
        d = evidence.get(lang, {}).get(lb, {}).get(how)
        if not isinstance(d, dict):
            return ""
        where = f" on the {footings[d['footing']]} scores" if both and "footing" in d else ""
        return f" ({d['diff']:+.3f}{where}, interval from {d['lo']:+.3f})"

    if chosen:
        cells = "; ".join(f"{lb} {lang}: {how}{lead(lb, lang, how)}" for (lb, lang), how in chosen.items())
        where = on if both else " on validation"
        return [f"Stage two per language, chosen{where}{rule} (elsewhere the pooled blend): {cells}."]
    if level is not None:
        each = " on the footing of the baseline's scores that least favours it" if both else ""
        return [
            f"Stage two: the pooled blend in every language: no other stage two led it on validation with a "
            f"{100 * float(level):g} % paired bootstrap interval of PR-AUC above zero{each}."
        ]
    if both:
        return [f"Stage two: the pooled blend in every language, chosen{on}."]
    return []


def _routing_facts(routing: dict[str, Any]) -> list[str]:
    """How much work the cascade saves and what recall it gives up for it."""
    test = routing.get("test", {})
    drops = ", ".join(f"{lb} {100 * v['recall_drop']:.2f}" for lb, v in test.items() if isinstance(v, dict))
    by_lang = routing.get("low_thresholds_by_language") or {}
    lows = (
        "; ".join(f"{lang}: {', '.join(f'{lb} {t:g}' for lb, t in v.items())}" for lang, v in by_lang.items())
        if by_lang
        else str(routing.get("low_thresholds"))
    )
    footings = routing.get("blend_footings") or [routing.get("baseline_val_scores")]
    lower = ", the lower of the two" if len(footings) > 1 else ""
    facts = [
        f"Cascade: low thresholds per language {lows} (chosen on {' and '.join(map(str, footings))} "
        f"baseline scores{lower}, within {100 * float(routing.get('max_recall_drop', 0)):g} point of recall per "
        f"language); on the test split stage two skipped {100 * test.get('skipped_fraction', 0):.1f} % of "
        f"posts; recall lost at the operating point (points): {drops}."
    ]
    facts.extend(_stage_two_facts(routing, routing.get("choice_footings") or footings))
    student = routing.get("student") or {}
    if student.get("worst"):
        worst = "; ".join(
            f"{name} {w['cell']} {w['student_minus_teacher']:+.4f}" for name, w in student["worst"].items()
        )
        verdict = "served in the transformer's place" if student.get("served") else "not served"
        facts.append(
            f"Student `{student.get('student_version')}`: {verdict} (rule: no label x language PR-AUC on the "
            f"test split or the probe set more than {student.get('tolerance')} below the transformer's; "
            f"its worst cells: {worst})."
        )
    if routing.get("blend"):
        weights = "; ".join(
            f"{lb}: baseline {w['baseline']}, transformer {w['transformer']}" for lb, w in routing["blend"].items()
        )
        facts.append(f"Blend weights on the log-odds (fitted on validation): {weights}.")
    return facts


def transformer_facts(metrics_dir: Path) -> list[str]:
    """Training, int8 quantisation and cascade routing facts, when those stages have run."""
    quant, routing = _read(metrics_dir / "transformer_quant.json"), _read(metrics_dir / "cascade_routing.json")
    facts = []
    if quant.get("training"):
        facts.append(_training_fact(quant["training"]))
    if quant:
        facts += _twin_fact(quant) + _quant_facts(quant)
    if routing:
        facts += _routing_facts(routing)
    return facts


def _pr_auc(model: dict[str, Any], section: str | None, label: str, lang: str) -> float | None:
    """One PR-AUC cell, or ``None`` where the model has no such cell."""
    value = (_part(model, section).get(label, {}).get(lang) or {}).get("pr_auc")
    return None if value is None else float(value)


def behind_by_language(models: dict[str, dict[str, Any]], labels: list[str]) -> list[str]:
    """A limit line naming the test-split language cells where the transformer alone trails the baseline.

    The overall figure can hide a language the transformer is weaker on; the cascade is served because
    the two models' weaknesses differ.
    """
    base, trans = models.get("baseline"), models.get("transformer")
    if not base or not trans:
        return []
    behind = []
    for lb in labels:
        for lang in LANGS[1:]:
            b, t = _pr_auc(base, None, lb, lang), _pr_auc(trans, None, lb, lang)
            if b is not None and t is not None and t < b:
                behind.append(f"{lb} {lang} ({t:.3f} vs {b:.3f})")
    if not behind:
        return []
    return [f"- On the test split the transformer alone trails the baseline's PR-AUC on {'; '.join(behind)}."]


def real_text_limit(models: dict[str, dict[str, Any]]) -> list[str]:
    """A limit line for each real benign source where the transformer flags more posts than the baseline."""
    base, trans = models.get("baseline", {}), models.get("transformer", {})
    more = []
    for source, entry in sorted(trans.get("real_text", {}).items()):
        t = entry.get("flag_rate", {}).get("any")
        b = base.get("real_text", {}).get(source, {}).get("flag_rate", {}).get("any")
        if t is not None and b is not None and t > b:
            more.append(f"{source} {100 * t:.2f} % against {100 * b:.2f} %")
    if not more:
        return []
    return [
        f"- On real text of no risk that it never saw, the transformer flags more posts than the baseline"
        f' ({"; ".join(more)}; the table "Real benign text no split holds" above).',
        "  `python -m models.eval.flag_rates transformer 5` lists the highest-scored ones.",
    ]


SETS = (("test", None), ("probe", "probe"), ("blind", "blind"))


def _cell(m: dict[str, Any], section: str | None, lb: str, lang: str, key: str) -> float | None:
    value = (_part(m, section).get(lb, {}).get(lang) or {}).get(key)
    return float(value) if value is not None else None


def _change(before: float | None, now: float | None) -> str:
    if now is None:
        return "–"
    return f"{now:.3f}" if before is None else f"{before:.3f} → {now:.3f}"


def paired_with_previous(models: dict[str, dict[str, Any]], previous: dict[str, Any]) -> bool:
    """Whether ``previous`` holds the intervals of this very cascade's change (``models.eval.stages``
    run with it as the candidate): a comparison made with another build would describe another model."""
    candidate = previous.get("candidate_version")
    return bool(candidate) and candidate == models.get("cascade", {}).get("model_version")


def release_comparison(models: dict[str, dict[str, Any]], previous: dict[str, Any], labels: list[str]) -> list[str]:
    """Per set x label x language: PR-AUC of each model and the cascade's R@P0.9, previous release → now;
    with the interval of the cascade's change when ``previous`` was paired with this very cascade."""
    if not previous.get("sets"):
        return []
    names = [n for n in MODEL_ORDER if n in models]
    paired = paired_with_previous(models, previous)
    head = "| set | label | lang | " + " | ".join(f"{n} PR-AUC" for n in names) + " | cascade R@P0.9 |"
    lines = [
        head + (" cascade change, 90 % interval |" if paired else ""),
        "|---|---|---|" + "---|" * (len(names) + 1 + paired),
    ]
    for set_name, section in SETS:
        before_set = previous["sets"].get(set_name, {})
        for lb in labels:
            for lang in LANGS:
                cells = [
                    _change(
                        _cell(before_set.get(n, {}), None, lb, lang, "pr_auc"),
                        _cell(models[n], section, lb, lang, "pr_auc"),
                    )
                    for n in names
                ]
                recall = _change(
                    _cell(before_set.get("cascade", {}), None, lb, lang, "recall_at_p90"),
                    _cell(models.get("cascade", {}), section, lb, lang, "recall_at_p90"),
                )
                if any(c != "–" for c in cells):
                    row = f"| {set_name} | {lb} | {lang} | " + " | ".join(cells) + f" | {recall} |"
                    if paired:
                        ci = before_set.get("against_candidate", {}).get(lb, {}).get(lang)
                        row += f" {ci['diff']:+.3f} ({ci['lo']:+.3f} to {ci['hi']:+.3f}) |" if ci else " – |"
                    lines.append(row)
    return lines


def _interval_note(cascade: dict[str, Any], labels: list[str]) -> list[str]:
    """What the interval column is, and why it is there: how few positives a language cell holds."""
    cells = [cascade.get(lb, {}).get(lang) for lb in labels for lang in LANGS if lang != "overall"]
    counts = [int(c["positives"]) for c in cells if c]
    few = f"{min(counts)}-{max(counts)}" if counts else "few"
    return [
        "The interval is a 90 % paired bootstrap interval of the cascade's PR-AUC minus that of the stage",
        "with the higher PR-AUC on the cell (`models/eval/bootstrap.py`: positives and negatives resampled",
        f"apart, 1,000 rounds). A language cell of this set holds {few} positives; with so few, one positive",
        "ranked under one more negative moves PR-AUC by about 0.01, so a gap is evidence only where its",
        "interval stays below zero.",
        "",
    ]


def cascade_against_best(models: dict[str, dict[str, Any]], section: str, labels: list[str]) -> list[str]:
    """Per label x language of a set: the cascade's PR-AUC against the better of its two models."""
    if not all(n in models for n in MODEL_ORDER):
        return []
    intervals = _part(models["cascade"], section).get("against_better") or {}
    head = "| label | lang | baseline | transformer | cascade | cascade − better |"
    rule = "|---|---|---|---|---|---|"
    note = _interval_note(_part(models["cascade"], section), labels) if intervals else []
    lines = [*note, head + " 90 % interval |", rule + "---|"] if intervals else [head, rule]
    for lb in labels:
        for lang in LANGS:
            b, t, c = (_cell(models[n], section, lb, lang, "pr_auc") for n in MODEL_ORDER)
            if b is None or t is None or c is None:
                continue
            row = f"| {lb} | {lang} | {b:.3f} | {t:.3f} | {c:.3f} | {c - max(b, t):+.3f} |"
            if intervals:
                ci = intervals.get(lb, {}).get(lang)
                row += f" {ci['lo']:+.3f} to {ci['hi']:+.3f} |" if ci else " – |"
            lines.append(row)
    return lines


def model_rows(models: dict[str, dict[str, Any]]) -> list[str]:
    """One row per model: its version and stored thresholds."""
    rows = []
    for name, m in models.items():
        thr = ", ".join(f"{k}={v:.3f}" for k, v in m.get("thresholds", {}).items())
        rows.append(f"| {name} | `{m.get('model_version', '')}` | {thr} |")
    return rows


def context(metrics_dir: Path, params: dict[str, Any]) -> dict[str, Any]:
    """Every value the template shows, computed from the metrics files and ``params.yaml``."""
    models = load_metrics(metrics_dir)
    labels = list(params["labels"])
    has_probe = any("probe" in m for m in models.values())
    has_blind = any("blind" in m for m in models.values())
    previous = _read(metrics_dir / PREVIOUS)
    families = [(name, family_table(metrics_dir, name, labels)) for name in models]
    return {
        "target_precision": params.get("thresholds", {}).get("target_precision", 0.9),
        "model_rows": model_rows(models),
        "test_table": metric_table(models, None, labels),
        "test_false_flags": false_flag_table(models, None),
        "probe_table": metric_table(models, "probe", labels) if has_probe else [],
        "probe_false_flags": false_flag_table(models, "probe") if has_probe else [],
        "blind_table": metric_table(models, "blind", labels) if has_blind else [],
        "blind_false_flags": false_flag_table(models, "blind") if has_blind else [],
        "blind_against_best": cascade_against_best(models, "blind", labels) if has_blind else [],
        "previous_version": previous.get("model_version", ""),
        "release_comparison": release_comparison(models, previous, labels),
        "release_paired": paired_with_previous(models, previous),
        "real_text_table": (real_text_table(models, labels) if any("real_text" in m for m in models.values()) else []),
        "transformer_facts": transformer_facts(metrics_dir),
        "family_tables": [(name, table) for name, table in families if table],
        "distill": params.get("transformer", {}).get("distill", 0),
        "limits": [*behind_baseline(models, labels), *behind_by_language(models, labels), *real_text_limit(models)],
    }


def render(metrics_dir: Path, params: dict[str, Any], template: Path = TEMPLATE) -> str:
    """The whole card as Markdown: the template's prose with the computed tables and values."""
    # Markdown, not HTML: escaping would turn the tables' quotes and ampersands into entities.
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template.parent),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # noqa: S701
    )
    return env.get_template(template.name).render(context(metrics_dir, params))


def main(out: str = "") -> None:
    """Write the model card (``docs/model-card.md`` unless a path is given)."""
    target = Path(out) if out else OUT
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(render(METRICS, load_params()), encoding="utf-8")
    log.info("model card: %s", target)
