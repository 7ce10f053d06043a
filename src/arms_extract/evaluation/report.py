"""The evaluation's readable report: both systems side by side, the targets, and what goes wrong, with examples."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .scoring import ATTRIBUTES, TOKEN_TAGS, SystemArticle, gold_values
from .weapon_match import same_weapon

if TYPE_CHECKING:
    from .runner import EvalRun

# What issue #13 asks of the embedded 1.5B model on news (it replaced issue #4's 0.90 / 0.90 / 0.80 /
# 0.85 / 0.85, which the report had kept quoting).
TARGETS: dict[str, float] = {
    "deal_detection": 0.95,
    "buyer_country": 0.80,
    "seller_country": 0.80,
    "weapon": 0.75,
    "quantity": 0.70,
    "price": 0.75,
}
ALBERT_TOKEN_F1 = 0.77  # Hernqvist's thesis, ALBERT token classification, variable-length chunks, its test split

ALBERT_NOTE = (
    "The thesis's 0.77 is ALBERT token classification on its own held-out test split, trained on the "
    "thesis's training data, tagging every mention of every deal (including generic ones such as "
    "'the aircraft') and also the Answer clause. Our figure is on a small dev subset, with no training, "
    "from the evidence spans of the records we keep: one mention per fact, so repeated mentions the "
    "annotators marked count against our recall. The two numbers are not measured on the same data "
    "or task and should be read side by side, not as a ranking."
)


def headline(metrics: dict[str, Any]) -> dict[str, float | None]:
    """The figures the targets and the ratchet speak of."""
    return {
        "deal_detection": metrics["deal_detection"]["f1"],
        **{name: metrics["attributes"][name]["f1"] for name in ATTRIBUTES},
        "token_f1": metrics["token_f1"]["all"]["f1"],
        "grounding_rate": metrics["grounding"]["rate"],
        **({"main_deal": metrics["main_deal"]["share"]} if metrics.get("main_deal", {}).get("coded") else {}),
        **{
            f"claim_{key}": (metrics.get("claims") or {}).get(key)
            for key in ("f1", "speaker", "cue")
            if metrics.get("claims")
        },
    }


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def _table(metrics: dict[str, Any]) -> list[str]:
    systems = metrics["systems"]
    names = list(systems)
    lines = [
        "| metric | " + " | ".join(names) + " | target |",
        "|---|" + "---|" * len(names) + "---|",
    ]
    deal_rows = [("deal detection F1", "f1"), ("deal precision", "precision"), ("deal recall", "recall"),
                 ("deal accuracy", "accuracy")]  # fmt: skip
    for label, key in deal_rows:
        target = fmt(TARGETS["deal_detection"]) if key == "f1" else ""
        cells = [fmt(systems[n]["deal_detection"][key]) for n in names]
        lines.append(f"| {label} | " + " | ".join(cells) + f" | {target} |")
    for name in ATTRIBUTES:
        for key in ("f1", "precision", "recall"):
            cells = [fmt(systems[n]["attributes"][name][key]) for n in names]
            target = fmt(TARGETS[name]) if key == "f1" else ""
            lines.append(f"| {name} {key} | " + " | ".join(cells) + f" | {target} |")
    token_cells = []
    for n in names:
        if not systems[n]["token_f1"]["all"]["gold"]:
            token_cells.append("n/a (no gold spans)")
        elif n != "pipeline":
            token_cells.append("n/a (no spans)")
        else:
            token_cells.append(fmt(systems[n]["token_f1"]["all"]["f1"]))
    lines.append("| token F1, all tags | " + " | ".join(token_cells) + f" | (ALBERT {ALBERT_TOKEN_F1:.2f}) |")
    grounded = [f"{systems[n]['grounding']['grounded']}/{systems[n]['grounding']['values']}" for n in names]
    lines.append("| grounded values | " + " | ".join(grounded) + " | |")
    lines.append(
        "| invented values | " + " | ".join(str(systems[n]["grounding"]["invented"]) for n in names) + " | 0 |"
    )
    for key, label in (("seconds_per_article", "seconds / article"), ("prompt_tokens_per_article",
                       "prompt tokens / article"), ("completion_tokens_per_article", "completion tokens / article"),
                       ("reasks_per_article", "re-asks / article"),
                       ("questions_per_article", "seller questions / article")):  # fmt: skip
        lines.append(f"| {label} | " + " | ".join(str(systems[n]["cost"].get(key, "-")) for n in names) + " | |")
    if any(systems[n]["main_deal"]["coded"] for n in names):
        cells = [f"{systems[n]['main_deal']['both_right']}/{systems[n]['main_deal']['coded']}" for n in names]
        lines.append("| main deal (file-name codes), both parties right | " + " | ".join(cells) + " | 0.85 |")
        deals = [systems[n]["main_deal"] for n in names]
        cells = [f"{d.get('both_right_with_deal', 0)}/{d.get('coded_with_deal', 0)}" for d in deals]
        lines.append("| main deal, of coded articles whose gold marks a deal | " + " | ".join(cells) + " | |")
        cells = [str(systems[n]["main_deal"]["reversed"]) for n in names]
        lines.append("| main deal reversed | " + " | ".join(cells) + " | 0 |")
    if any((systems[n].get("actors") or {}).get("gold") for n in names):
        cells = [
            f"{fmt(systems[n]['actors']['party_coverage'])} ({systems[n]['actors']['covered']}/"
            f"{systems[n]['actors']['gold']})"
            for n in names
        ]
        lines.append("| annotated parties covered by an actor | " + " | ".join(cells) + " | |")
        cells = [f"{systems[n]['actors']['without_role']} of {systems[n]['actors']['actors']}" for n in names]
        lines.append("| actors with no role in any record | " + " | ".join(cells) + " | |")
    if any(systems[n].get("claims") for n in names):
        for key, target in (("f1", 0.60), ("precision", None), ("recall", None), ("speaker", 0.85), ("cue", 0.90)):
            cells = [fmt((systems[n].get("claims") or {}).get(key)) for n in names]
            lines.append(f"| claims {key} | " + " | ".join(cells) + f" | {fmt(target) if target else ''} |")
    lines.append("| failures | " + " | ".join(str(systems[n]["failures"]) for n in names) + " | |")
    return lines


def error_examples(run: EvalRun, system: str = "pipeline", per_kind: int = 3) -> dict[str, list[str]]:
    """The errors by kind, each with a few examples (article id and what differed)."""
    kinds: dict[str, list[str]] = {}
    answers = run.answers.get(system, {})

    def add(kind: str, example: str) -> None:
        kinds.setdefault(kind, []).append(example)

    for gold in run.golds:
        answer: SystemArticle | None = answers.get(gold.id)
        if answer is None:
            continue
        if not answer.ok:
            add("failed article", f"{gold.id}: {answer.error}")
            continue
        values = gold_values(gold)
        if gold.has_deal and not answer.sales:
            add("deal missed", f"{gold.id}: gold weapons {[c[0] for c in values.weapon][:3]}")
        if not gold.has_deal and answer.sales:
            add("deal where there is none", f"{gold.id}: {[s.weapons[:2] for s in answer.sales][:2]}")
        if not gold.has_deal or not answer.sales:
            continue
        for name in ("buyer_country", "seller_country"):
            predicted = {getattr(s, name) for s in answer.sales} - {None}
            expected = getattr(values, name)
            if expected - predicted:
                kind = f"{name} missed" if not predicted else f"{name} wrong"
                add(kind, f"{gold.id}: gold {sorted(expected)}, ours {sorted(predicted)}")
            elif predicted - expected and expected:
                add(f"{name} extra", f"{gold.id}: gold {sorted(expected)}, ours {sorted(predicted)}")
        weapons = [w for s in answer.sales for w in s.weapons]
        missed = [c[0] for c in values.weapon if not any(same_weapon(w, g) for w in weapons for g in c)]
        extra = [w for w in weapons if not any(same_weapon(w, g) for c in values.weapon for g in c)]
        if missed:
            add("weapon missed", f"{gold.id}: gold {missed[:3]}, ours {weapons[:3]}")
        if extra and values.weapon:
            add("weapon not in gold", f"{gold.id}: ours {extra[:3]}, gold {[c[0] for c in values.weapon][:3]}")
        quantities = {q for s in answer.sales for q in s.quantities}
        if values.quantity - quantities:
            add("quantity missed", f"{gold.id}: gold {sorted(values.quantity)}, ours {sorted(quantities)}")
        prices = [s.price for s in answer.sales if s.price]
        if values.price and not prices:
            add("price missed", f"{gold.id}: gold {values.price}")
    return dict(sorted(kinds.items(), key=lambda kv: -len(kv[1])))


def render_report(run: EvalRun, metrics: dict[str, Any]) -> str:
    pipeline = metrics["systems"].get("pipeline")
    lines = [
        f"# Evaluation: {metrics['dataset']}",
        "",
        f"Model `{metrics['model']}` via {metrics['backend']}, prompt {metrics['prompt_version']}; "
        f"{pipeline['articles'] if pipeline else 0} articles, "
        f"{pipeline['with_deal'] if pipeline else 0} with a deal. Definitions: docs/evaluation.md.",
        "",
        *_table(metrics),
        "",
    ]
    if pipeline:
        lines += [
            f"Gold labels skipped (offsets that do not match the text): {pipeline['skipped_labels']}; "
            f"gold values that could not be normalised (not scored): {pipeline['unreadable_gold_values']}.",
            "",
            "## Targets",
            "",
        ]
        figures = headline(pipeline)
        for name, target in TARGETS.items():
            value = figures[name]
            if value is None:
                lines.append(f"- {name}: not measured (no gold values in this dataset)")
                continue
            verdict = "met" if value >= target else f"missed by {target - value:.2f}"
            lines.append(f"- {name}: {value:.2f} (target {target:.2f}): {verdict}")
        invented = pipeline["grounding"]["invented"]
        lines.append(f"- invented values: {invented} (target 0): {'met' if invented == 0 else 'missed'}")
        lines += ["", "## Token-level F1 per tag (our evidence spans against the gold spans)", ""]
        lines += ["| tag | precision | recall | F1 | gold tokens |", "|---|---|---|---|---|"]
        for tag in TOKEN_TAGS:
            t = pipeline["token_f1"]["tags"][tag]
            cells = " | ".join(fmt(t[key]) for key in ("precision", "recall", "f1"))
            lines.append(f"| {tag} | {cells} | {t['gold']} |")
        lines += ["", ALBERT_NOTE, "", "## Errors by kind (our pipeline)", ""]
        for kind, examples in error_examples(run).items():
            lines.append(f"- **{kind}** ({len(examples)}): " + "; ".join(examples[:3]))
    return "\n".join(lines) + "\n"
