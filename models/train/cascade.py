"""DVC stage ``cascade``: fits the served two-stage scorer (``models.cascade``) on the validation split.

How stage two is chosen (``cascade.per_language``): per label and language, on the validation
split, the pooled blend, a blend fitted on that language alone, or one model alone. The pooled blend
stays unless another ranks that language's posts better (PR-AUC) with confidence
``cascade.choice_level``: the lower end of the paired bootstrap interval of the difference above zero.
Why an interval and not a fixed margin: a language cell of validation holds 100-500 positives, where
one model's lead of a few thousandths is as often noise as not, and a choice made on noise is one a
new hand of posts does not bear out (docs/experiments.md: Khmer trafficking_ad chose the baseline
alone on a lead of 0.003 and lost 0.07 of PR-AUC on the blind set).

On which baseline scores (``Footings``): the transformer's validation scores come from a twin that
never saw a validation family. The baseline's out-of-fold scores come from fits that saw most of the
*other* validation families, siblings of each row's own; a baseline twin fitted on the training split
alone saw none. The n-grams rank validation far better on the first footing than on the second (they
memorise what sibling families share), so a choice made on the first alone leans on the baseline
where a new hand may not bear it out. Two settings bring in the second footing:

- ``cascade.choose_on_twin``: each stage two other than the pooled blend must lead it surely on the
  footing that least favours it (``Footings.against``): one that leans on the baseline more than the
  pooled blend does (the baseline alone, most own-language fits) on the twin's scores, where the
  baseline ranks worst; one that leans on it less (the transformer alone) on the out-of-fold scores,
  where it ranks best. A lead that survives the footing biased against it is not the footing's doing.
  The weights and the routing stay fitted on the out-of-fold scores, so the routing the 1-point budget
  was measured for is unchanged.
- ``cascade.blend_on_twin`` (implies the first): the weights are fitted on both footings at once, and
  the routing thresholds on each footing with the lower kept (``routing_thresholds``), since a stage
  two that leans less on the baseline catches positives the baseline scores low, and routing fitted
  on the optimistic footing alone skips them. It is off: the lower thresholds send a quarter more of
  a feed on, and the feed mix lost more recall than the budget (docs/experiments.md).

How the low thresholds are chosen: on the validation split, per label and language, the highest
threshold at which the cascade's recall at the operating threshold is at most
``cascade.max_recall_drop`` below stage two's own recall there. Routing on *any* label only sends
more posts on, so the joint drop is never larger, and a drop within budget in every language is
within budget overall. The baseline's validation scores used here are out-of-fold: the served baseline was
fitted on train+val, so its own scores there are optimistic, and routing chosen on them skips posts
it should not. ``cascade.max_low_threshold`` caps them as a margin. The measured drop and the
fraction skipped on the test split go to ``metrics/cascade_routing.json``. ``cascade.enabled:
false`` sends every post to stage two.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray
from sklearn.metrics import average_precision_score

from features.language import identify
from features.normalise import normalise
from models.bundle import Bundle, load_bundle, save_bundle
from models.calibration import threshold_for_precision
from models.cascade import ALONE, Blend, CascadeScorer, fit_weights, stage_two
from models.data.splits import DATA, label_matrix, load_split
from models.jsonl import read_jsonl
from models.paired_bootstrap import paired_difference
from models.params import ARTIFACTS, METRICS, PROBE, load_params
from models.train.baseline import VAL_HOLDOUT, held_out_probs

log = logging.getLogger("chhmam.models")

OUT = ARTIFACTS / "cascade"
LANGS = ("km", "en", "mixed")
ROUTING = METRICS / "cascade_routing.json"


def recall_at(p: NDArray[np.float64], y: NDArray[np.int_], threshold: float) -> float:
    """Recall of ``p >= threshold`` (0 when there are no positives)."""
    pos = y == 1
    return float((p[pos] >= threshold).mean()) if pos.any() else 0.0


def choose_low_threshold(
    first: NDArray[np.float64], second: NDArray[np.float64], y: NDArray[np.int_], operating: float, max_drop: float
) -> float:
    """Highest first-stage threshold whose cascade recall at ``operating`` stays within ``max_drop``.

    Only positives the transformer itself flags can be lost, so candidates are their baseline
    scores: skipping below the k-th lowest of them loses k - 1 of them.
    """
    full = recall_at(second, y, operating)
    caught = np.sort(first[(y == 1) & (second >= operating)])
    positives = max(int((y == 1).sum()), 1)
    if len(caught) == 0:
        return 0.0
    allowed = int(np.floor(max_drop * positives + 1e-9))  # positives we may lose
    if allowed >= len(caught):
        return float(caught[-1])
    t = float(caught[allowed])  # keeps caught[allowed:], loses caught[:allowed] (ties kept)
    assert full - recall_at(np.where(first >= t, second, 0.0), y, operating) <= max_drop + 1e-9
    return t


def cascade_probs(
    first: NDArray[np.float64], second: NDArray[np.float64], low: NDArray[np.float64]
) -> tuple[NDArray[np.float64], NDArray[np.bool_]]:
    """Combined probabilities and the routing mask, from both stages' scores of the same posts.

    ``low`` is one threshold per label, or one row of them per post (per-language routing).
    """
    sent = np.asarray((first >= low).any(axis=1), dtype=bool)
    return np.asarray(np.where(sent[:, None], second, first), dtype=np.float64), sent


def report(
    first: NDArray[np.float64],
    second: NDArray[np.float64],
    y: NDArray[np.int_],
    low: NDArray[np.float64],
    labels: Sequence[str],
    thresholds: dict[str, float],
) -> dict[str, Any]:
    """Skip fraction and, per label, recall/precision of stage two for every post vs the cascade.

    ``second`` is what stage two gives a routed post: the transformer's score, or the blend.
    """
    combined, sent = cascade_probs(first, second, low)
    out: dict[str, Any] = {"n": len(y), "skipped_fraction": round(1.0 - float(sent.mean()), 4) if len(y) else 0.0}
    for j, lb in enumerate(labels):
        row: dict[str, Any] = {}
        for name, p in (("stage_two", second[:, j]), ("cascade", combined[:, j]), ("baseline", first[:, j])):
            pred = p >= thresholds[lb]
            tp = int((pred & (y[:, j] == 1)).sum())
            row[f"{name}_recall"] = round(tp / max(int(y[:, j].sum()), 1), 4)
            row[f"{name}_precision"] = round(tp / max(int(pred.sum()), 1), 4)
        row["recall_drop"] = round(row["stage_two_recall"] - row["cascade_recall"], 4)
        out[lb] = row
    return out


def low_thresholds(
    first: NDArray[np.float64],
    second: NDArray[np.float64],
    y: NDArray[np.int_],
    labels: Sequence[str],
    thresholds: dict[str, float],
    cfg: dict[str, Any],
) -> NDArray[np.float64]:
    """Per-label routing thresholds within ``max_recall_drop``, capped by ``max_low_threshold``."""
    max_drop = float(cfg.get("max_recall_drop", 0.0))
    low = np.array(
        [
            choose_low_threshold(first[:, j], second[:, j], y[:, j], thresholds[lb], max_drop)
            for j, lb in enumerate(labels)
        ]
    )
    cap = cfg.get("max_low_threshold")
    return np.minimum(low, float(cap)) if cap is not None else low


def low_thresholds_by_language(
    first: NDArray[np.float64],
    second: NDArray[np.float64],
    y: NDArray[np.int_],
    langs: Sequence[str],
    labels: Sequence[str],
    thresholds: dict[str, float],
    cfg: dict[str, Any],
) -> dict[str, NDArray[np.float64]]:
    """``low_thresholds`` on each language's validation posts.

    Why per language: one pooled threshold is set by the language whose positives the baseline
    scores lowest, and then sends on most of every other language's harmless posts too.
    """
    lang_arr = np.asarray(langs)
    return {
        lang: low_thresholds(first[m], second[m], y[m], labels, thresholds, cfg)
        for lang in LANGS
        for m in [lang_arr == lang]
        if m.any()
    }


def routing_thresholds(
    firsts: Sequence[NDArray[np.float64]],
    second: NDArray[np.float64],
    blend: Blend | None,
    y: NDArray[np.int_],
    langs: Sequence[str] | None,
    labels: Sequence[str],
    thresholds: dict[str, float],
    cfg: dict[str, Any],
) -> tuple[NDArray[np.float64], dict[str, NDArray[np.float64]]]:
    """Pooled and per-language (``langs`` given) low thresholds: on each footing of the baseline's
    validation scores, the lowest over the footings.

    Why the lowest: a footing on which the baseline scores positives lower is one on which skipping
    stage two loses more of them; routing within the budget on every footing holds it on the worse.
    """
    pooled, by_lang = [], []
    for first in firsts:
        two = stage_two(blend, first, second, langs)
        pooled.append(low_thresholds(first, two, y, labels, thresholds, cfg))
        if langs is not None:
            by_lang.append(low_thresholds_by_language(first, two, y, langs, labels, thresholds, cfg))
    lows = np.min(pooled, axis=0)
    return lows, {lang: np.min([d[lang] for d in by_lang], axis=0) for lang in (by_lang[0] if by_lang else {})}


def _pr_auc(y: NDArray[np.int_], p: NDArray[np.float64]) -> float:
    return float(average_precision_score(y, p)) if 0 < y.sum() < len(y) else 0.0


class Footings:
    """The validation rows under each footing of the baseline's scores, stacked: the rows repeated once per
    footing, with the transformer's (one footing) repeated alongside. See the module docstring for why."""

    def __init__(self, firsts: Sequence[NDArray[np.float64]], second: NDArray[np.float64], y: NDArray[np.int_]):
        self.count = len(firsts)
        self.first = np.concatenate(list(firsts))
        self.second = np.concatenate([second] * self.count)
        self.y = np.concatenate([y] * self.count)

    def rows(self, mask: NDArray[np.bool_]) -> NDArray[np.bool_]:
        """``mask`` over the validation rows, repeated for every footing."""
        return np.concatenate([mask] * self.count)

    def worst_pr_auc(self, t: NDArray[np.int_], p: NDArray[np.float64]) -> float:
        """The lowest PR-AUC of stacked scores ``p`` (labels ``t``) over the footings."""
        return min(_pr_auc(tk, pk) for tk, pk in zip(np.split(t, self.count), np.split(p, self.count), strict=True))

    def lead(
        self,
        t: NDArray[np.int_],
        a: NDArray[np.float64],
        b: NDArray[np.float64],
        footing: int,
        level: float,
        rounds: int,
    ) -> dict[str, float]:
        """PR-AUC of stacked scores ``a`` minus ``b`` on one footing (0: the first), with its paired
        bootstrap interval at ``level``."""
        part = slice(footing * len(t) // self.count, (footing + 1) * len(t) // self.count)
        return paired_difference(t[part], a[part], b[part], rounds=rounds, level=level)

    def against(self, leans_on_baseline: bool) -> int:
        """The footing that least favours a stage two: the last (the train-only twin, where the baseline ranks
        worst) for one that leans on the baseline more than the pooled blend does, else the first (the
        out-of-fold scores, where it ranks best)."""
        return self.count - 1 if leans_on_baseline else 0


def language_blend(
    pooled: Blend,
    rows: Footings,
    langs: Sequence[str],
    labels: Sequence[str],
    cfg: dict[str, Any],
    fit: Footings | None = None,
) -> tuple[Blend, dict[str, dict[str, dict[str, Any]]]]:
    """``pooled`` plus, per language and label, the stage two that surely ranks that language's posts best;
    with the evidence for each choice (``{lang: {label: {"chosen": name, candidate: its lead}}}``).

    Candidates: a blend fitted on the language alone (on the ``fit`` footings, ``rows`` when not given;
    when the language has at least ``cascade.min_positives`` positives and as many negatives), the
    transformer alone, the baseline alone. One replaces the pooled weights only when its PR-AUC lead
    over them has a ``cascade.choice_level`` interval above zero on the footing of ``rows`` that least
    favours it (``Footings.against``); of several such, the one whose worse PR-AUC over the footings is
    highest.
    """
    fit = fit or rows
    level = float(cfg.get("choice_level", 0.9))
    rounds = int(cfg.get("choice_rounds", 1000))
    min_pos = int(cfg.get("min_positives", 20))
    lang_arr = np.asarray(langs)
    by_lang: dict[str, tuple[NDArray[np.float64], NDArray[np.float64]]] = {}
    choices: dict[str, dict[str, str]] = {}
    evidence: dict[str, dict[str, dict[str, Any]]] = {}
    for lang in LANGS:
        if not (lang_arr == lang).any():
            continue
        m = rows.rows(lang_arr == lang)
        coef, intercept, chosen = pooled.coef.copy(), pooled.intercept.copy(), {}
        for j, lb in enumerate(labels):
            f, s, t = rows.first[m, j], rows.second[m, j], rows.y[m, j]
            cands: dict[str, tuple[float, float, float]] = {
                "pooled": (float(pooled.coef[j, 0]), float(pooled.coef[j, 1]), float(pooled.intercept[j])),
                **{name: (w[0], w[1], 0.0) for name, w in ALONE.items()},
            }
            mf = fit.rows(lang_arr == lang)
            tf = fit.y[mf, j]
            if min(int(tf.sum()), int((tf == 0).sum())) // fit.count >= min_pos:
                cands["own"] = fit_weights(fit.first[mf, j], fit.second[mf, j], tf)
            probs = {name: _one_blend(w).combine(f[:, None], s[:, None])[:, 0] for name, w in cands.items()}
            leads: dict[str, dict[str, Any]] = {}
            for name, p in probs.items():
                if name != "pooled":
                    k = rows.against(_leans(cands[name], cands["pooled"]))
                    leads[name] = {**rows.lead(t, p, probs["pooled"], k, level, rounds), "footing": k}
            sure = [name for name, lead in leads.items() if lead["lo"] > 0]
            pick = max(sure, key=lambda k: rows.worst_pr_auc(t, probs[k])) if sure else "pooled"
            a, b, c = cands[pick]
            coef[j], intercept[j], chosen[lb] = (a, b), c, pick
            evidence.setdefault(lang, {})[lb] = {"chosen": pick, **leads}
        by_lang[lang], choices[lang] = (coef, intercept), chosen
    return Blend(pooled.coef, pooled.intercept, by_lang=by_lang, choices=choices), evidence


def _leans(candidate: tuple[float, float, float], pooled: tuple[float, float, float]) -> bool:
    """Whether ``candidate`` gives the baseline a larger share of the two log-odds weights than ``pooled``."""

    def share(w: tuple[float, float, float]) -> float:
        return abs(w[0]) / max(abs(w[0]) + abs(w[1]), 1e-12)

    return share(candidate) > share(pooled)


def _one_blend(weights: tuple[float, float, float]) -> Blend:
    """A one-label blend with (baseline weight, transformer weight, intercept)."""
    a, b, c = weights
    return Blend(np.array([[a, b]]), np.array([c]))


def _footing_names(out_of_fold: bool, count: int) -> list[str]:
    """How the manifest and the model card name the footings: the first, then the train-only twin."""
    return ["out-of-fold" if out_of_fold else "fitted model", "train-only twin"][:count]


def pr_auc_cells(
    probs: NDArray[np.float64], y: NDArray[np.int_], langs: Sequence[str], labels: Sequence[str]
) -> dict[str, float]:
    """PR-AUC per ``label/language`` (``overall`` too) where the cell has both classes."""
    lang_arr = np.asarray(langs)
    cells = {}
    for j, lb in enumerate(labels):
        for lang in ("overall", *LANGS):
            m = np.ones(len(y), dtype=bool) if lang == "overall" else lang_arr == lang
            if 0 < y[m, j].sum() < m.sum():
                cells[f"{lb}/{lang}"] = _pr_auc(y[m, j], probs[m, j])
    return cells


def choose_second_stage(
    params: dict[str, Any], artifacts: Path, data: Path, probe: Path = PROBE
) -> tuple[str, dict[str, Any]]:
    """``student`` when it ranks within ``student.serve_tolerance`` of the transformer in every cell, else
    ``transformer``; with the per-cell comparison.

    Cells: PR-AUC per label x language (and overall) on the test split and the probe set, both models
    int8 and calibrated as served. Why both sets: the test split holds unseen families of our own
    writing, the probe set another hand; a student that only keeps up on one has lost something.
    """
    student_dir = artifacts / "student"
    if not (student_dir / "manifest.json").exists() or "student" not in params:
        return "transformer", {"student": "not trained"}
    tolerance = float(params["student"].get("serve_tolerance", 0.005))
    labels = list(params["labels"])
    teacher, student = load_bundle(artifacts / "transformer"), load_bundle(student_dir)
    sets: dict[str, tuple[list[str], NDArray[np.int_]]] = {}
    test_texts, y_test = load_split("test", labels, data)
    sets["test"] = (test_texts, y_test.astype(np.int_))
    if probe.exists():
        rows = list(read_jsonl(probe))
        sets["probe"] = ([normalise(r["text"]) for r in rows], label_matrix(rows, labels).astype(np.int_))
    worst: dict[str, Any] = {}
    passed = True
    for name, (texts, truth) in sets.items():
        langs = [identify(t) for t in texts]
        t_cells = pr_auc_cells(teacher.model.predict_proba(texts), truth, langs, labels)
        s_cells = pr_auc_cells(student.model.predict_proba(texts), truth, langs, labels)
        gaps = {cell: round(s_cells[cell] - t_cells[cell], 4) for cell in t_cells}
        cell = min(gaps, key=lambda c: gaps[c])
        worst[name] = {"cell": cell, "student_minus_teacher": gaps[cell], "gaps": gaps}
        passed &= gaps[cell] >= -tolerance
    facts = {"student_version": student.version, "tolerance": tolerance, "worst": worst, "served": passed}
    return ("student" if passed else "transformer"), facts


def build(
    params: dict[str, Any], artifacts: Path = ARTIFACTS, out: Path = OUT, data: Path = DATA
) -> tuple[Bundle, dict[str, Any]]:
    """Fit the blend, thresholds and routing on validation, report on test, save the cascade bundle.

    The baseline's validation scores are its out-of-fold ones (``held_out_probs``) when it was
    fitted on train+val: its own scores there would make it look surer than it is on new posts, and
    the routing would then skip posts it should not. The transformer's are its held-out twin's for
    the same reason (``transformer.fit_on``), or its own when it never saw the validation split.
    With ``cascade.choose_on_twin`` each stage two is judged on the out-of-fold scores or the train-only
    twin's, whichever least favours it (``Footings.against``); with ``cascade.blend_on_twin`` the blend is
    also fitted on both together, and the routing thresholds are the lower of those fitted on each. The
    operating thresholds always come from the out-of-fold ones, which stand for the served baseline on
    new families of the kinds it was trained on.
    Languages are identified from the normalised text, as the engine identifies them when serving.
    """
    cfg = params.get("cascade", {})
    labels = list(params["labels"])
    target = float(params["thresholds"]["target_precision"])
    per_language = bool(cfg.get("per_language", True))
    second_name, student_facts = choose_second_stage(params, artifacts, data)
    base = load_bundle(artifacts / "baseline")
    trans = load_bundle(artifacts / second_name)
    if tuple(base.labels) != tuple(labels) or tuple(trans.labels) != tuple(labels):
        raise ValueError("baseline, transformer and params.yaml must score the same labels")
    texts_val, y_val = load_split("val", labels, data)
    yv = y_val.astype(np.int_)
    langs_val = [identify(t) for t in texts_val]
    held_out = held_out_probs(artifacts / "baseline", len(texts_val))
    f_val = held_out if held_out is not None else base.model.predict_proba(texts_val)
    on_twin = bool(cfg.get("blend_on_twin"))
    judge_on_twin = on_twin or bool(cfg.get("choose_on_twin"))
    twin = held_out_probs(artifacts / "baseline", len(texts_val), VAL_HOLDOUT) if judge_on_twin else None
    trans_held_out = held_out_probs(artifacts / second_name, len(texts_val))
    s_val = trans_held_out if trans_held_out is not None else trans.model.predict_proba(texts_val)
    fitted_on = [f_val, twin] if on_twin and twin is not None else [f_val]
    fitted = Footings(fitted_on, s_val, yv)
    judged = Footings([f_val] if twin is None else [f_val, twin], s_val, yv)
    blend = Blend.fit(fitted.first, fitted.second, fitted.y) if cfg.get("blend", True) else None
    evidence: dict[str, dict[str, dict[str, Any]]] = {}
    if blend is not None and per_language:
        blend, evidence = language_blend(blend, judged, langs_val, labels, cfg, fit=fitted)
    two_val = stage_two(blend, f_val, s_val, langs_val)
    thresholds = (
        dict(trans.thresholds)
        if blend is None
        else {lb: threshold_for_precision(two_val[:, j], yv[:, j], target) for j, lb in enumerate(labels)}
    )
    low, low_by_lang = routing_thresholds(
        fitted_on,
        s_val,
        blend,
        yv,
        langs_val if per_language else None,
        labels,
        thresholds,
        cfg,
    )
    scorer = CascadeScorer(
        base.model,
        trans.model,
        low.tolist(),
        enabled=bool(cfg.get("enabled", True)),
        blend=blend,
        low_by_lang={k: v.tolist() for k, v in low_by_lang.items()},
    )
    texts_test, y_test = load_split("test", labels, data)
    langs_test = [identify(t) for t in texts_test]
    f_test, s_test = base.model.predict_proba(texts_test), trans.model.predict_proba(texts_test)
    two_test = stage_two(blend, f_test, s_test, langs_test)
    facts = {
        "enabled": bool(cfg.get("enabled", True)),
        "per_language": per_language,
        "max_recall_drop": float(cfg.get("max_recall_drop", 0.0)),
        "max_low_threshold": cfg.get("max_low_threshold"),
        "low_thresholds": {lb: round(float(t), 6) for lb, t in zip(labels, low, strict=True)},
        "low_thresholds_by_language": {
            lang: {lb: round(float(t), 6) for lb, t in zip(labels, v, strict=True)} for lang, v in low_by_lang.items()
        },
        "baseline_val_scores": "out-of-fold" if held_out is not None else "fitted model",
        "blend_footings": _footing_names(held_out is not None, len(fitted_on)),
        "choice_footings": _footing_names(held_out is not None, judged.count),
        "transformer_val_scores": "held-out" if trans_held_out is not None else "fitted model",
        "blend": blend.weights(labels) if blend is not None else None,
        "choice_level": float(cfg.get("choice_level", 0.9)),
        "stage_two_choice": evidence,
        "baseline_version": base.version,
        "transformer_version": trans.version,
        "second_stage": second_name,
        "student": student_facts,
        "val": report(f_val, two_val, yv, scorer.low_for(langs_val, len(yv)), labels, thresholds),
        "test": report(
            f_test, two_test, y_test.astype(np.int_), scorer.low_for(langs_test, len(y_test)), labels, thresholds
        ),
    }
    bundle = Bundle(
        kind="cascade",
        labels=tuple(labels),
        thresholds=thresholds,
        model=scorer,
        extra={"cascade": facts, **(trans.extra or {})},
    )
    save_bundle(bundle, out)
    return bundle, facts


def main() -> None:
    """DVC entry point: writes ``artifacts/cascade`` and ``metrics/cascade_routing.json``."""
    bundle, facts = build(load_params())
    ROUTING.parent.mkdir(exist_ok=True)
    ROUTING.write_text(json.dumps({"model_version": bundle.version, **facts}, indent=2), encoding="utf-8")
    log.info("cascade %s %s", bundle.version, json.dumps(facts))
