"""Precision, recall and F1 from counts, written once for every metric that has them."""

from __future__ import annotations

from dataclasses import dataclass


def precision_recall_f1(tp_pred: int, pred: int, tp_gold: int, gold: int) -> dict[str, float | None]:
    """Rounded to 4 places; all None when the gold has no such value (not measured, not zero).

    Matched predictions and matched gold are counted apart, since one prediction may match
    several gold values (and the other way round)."""
    if not gold:
        return {"precision": None, "recall": None, "f1": None}
    precision = tp_pred / pred if pred else 0.0
    recall = tp_gold / gold
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


@dataclass
class Counts:
    """Matched predictions, all predictions, matched gold, all gold."""

    tp_pred: int = 0
    pred: int = 0
    tp_gold: int = 0
    gold: int = 0

    def add(self, tp_pred: int, pred: int, tp_gold: int, gold: int) -> None:
        self.tp_pred += tp_pred
        self.pred += pred
        self.tp_gold += tp_gold
        self.gold += gold

    def scores(self) -> dict[str, float | int | None]:
        return {**precision_recall_f1(self.tp_pred, self.pred, self.tp_gold, self.gold), "predicted": self.pred,
                "gold": self.gold}  # fmt: skip
