"""A run's records as pre-annotations for Label Studio and doccano, so a person corrects them
instead of labelling from nothing; `arms-extract eval` reads the corrected export back as gold
(evaluation/reviewed.py).

Labels are the gold tags of our datasets (evaluation.evalset.TAGS for sales, CLAIM_TAGS for
claims), offsets are Python code points, as both tools now count them. Relations tie a claim's
source, cue and content together ("said"), and a sale's facts to its first item ("sale").
Actor mentions and the wording of a deal's stage are not gold tags and are not exported.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from .._errors import InputError
from ..batch.store import RunStore
from ..evaluation.gold import CLAIM_TAGS
from ..records import Extraction
from ._highlights import highlights

# The tags an annotator uses, with the page's colours.
LABELS = {
    "Weapon": "#9fd6ff", "Quantity": "#b8f0b0", "Price": "#ffc4a8", "Date": "#e0d0ff",
    "Buyer": "#ffb3c8", "Buyer Country": "#ff8fae", "Seller": "#ffd0a0", "Seller Country": "#ffb070",
    "Source": "#c9f1ec", "Cue": "#f7c6f2", "Content": "#dde8ff",
}  # fmt: skip
RELATIONS = ("sale", "said")


def label_studio_config() -> str:
    """The labelling interface for the exported tasks (Settings > Labeling Interface > Code)."""
    labels = "\n".join(f"    <Label value={quoteattr(v)} background={quoteattr(c)}/>" for v, c in LABELS.items())
    relations = "\n".join(f"    <Relation value={quoteattr(r)}/>" for r in RELATIONS)
    return (
        "<View>\n"
        '  <Labels name="label" toName="text">\n'
        f"{labels}\n"
        "  </Labels>\n"
        '  <Text name="text" value="$text"/>\n'
        "  <Relations>\n"
        f"{relations}\n"
        "  </Relations>\n"
        "</View>\n"
    )


class _Regions:
    """The labelled spans of one article, each (start, end, label) once (a Content once per claim),
    with the relations between them.

    A claim's parts are chained Source -> Cue -> Content; two statements of one speaker share
    the Source region, which is why the reader groups by Content, not by connection."""

    def __init__(self, extraction: Extraction) -> None:
        self.regions: dict[tuple[int, int, str, str], int] = {}
        self.texts: dict[int, str] = {}
        self.relations: set[tuple[int, int, str]] = set()
        by_record: dict[str, list[tuple[str, int]]] = {}
        for highlight in highlights(extraction):
            for label in highlight.labels:
                # Two statements may share a content (nested attributions): each keeps its own region.
                owner = highlight.record if label == "Content" else ""
                number = self.regions.setdefault((highlight.start, highlight.end, label, owner), len(self.regions))
                self.texts[number] = highlight.text
                by_record.setdefault(highlight.record, []).append((label, number))
        for record, found in by_record.items():
            if record.startswith("sale"):
                self._link_sale(found)
            else:
                self._link_claim(found)

    def _link_sale(self, found: list[tuple[str, int]]) -> None:
        items = [n for label, n in found if label == "Weapon"]
        if items:
            self.relations |= {(items[0], n, "sale") for _, n in found if n != items[0]}

    def _link_claim(self, found: list[tuple[str, int]]) -> None:
        parts = {label: n for label, n in found}
        chain = [parts[tag] for tag in CLAIM_TAGS if tag in parts]
        self.relations |= {(a, b, "said") for a, b in zip(chain, chain[1:], strict=False)}

    def __iter__(self) -> Iterator[tuple[int, int, int, str, str]]:
        for (start, end, label, _), number in self.regions.items():
            yield number, start, end, label, self.texts[number]


def _tasks(out_dir: Path) -> Iterator[tuple[str, Extraction, str]]:
    with RunStore.existing(out_dir) as store:
        for key, extraction in store.extractions():
            version = f"{extraction.provenance.model} / prompt {extraction.provenance.prompt_version}"
            yield key, extraction, version


def export_label_studio(out_dir: Path, path: Path) -> tuple[int, Path]:
    """Label Studio tasks (JSON) with our records as `predictions`, and beside them the labelling
    interface (PATH with the suffix .label_config.xml); returns the number of tasks and that file."""
    tasks: list[dict[str, Any]] = []
    for key, extraction, version in _tasks(out_dir):
        regions = _Regions(extraction)
        result: list[dict[str, Any]] = [
            {
                "id": f"r{number}",
                "from_name": "label",
                "to_name": "text",
                "type": "labels",
                "value": {"start": start, "end": end, "text": text, "labels": [label]},
            }
            for number, start, end, label, text in regions
        ]
        result += [
            {"type": "relation", "from_id": f"r{a}", "to_id": f"r{b}", "direction": "right", "labels": [kind]}
            for a, b, kind in sorted(regions.relations)
        ]
        tasks.append(
            {
                "data": {"text": extraction.article.text, "article_id": extraction.article.id, "article_key": key},
                "predictions": [{"model_version": version, "result": result}],
            }
        )
    _write(path, json.dumps(tasks, ensure_ascii=False, indent=1) + "\n")
    config = path.with_name(path.stem + ".label_config.xml")
    _write(config, label_studio_config())
    return len(tasks), config


def export_doccano(out_dir: Path, path: Path) -> int:
    """doccano JSONL for a relation-extraction project (entities and relations); returns the lines."""
    lines = []
    for key, extraction, _ in _tasks(out_dir):
        regions = _Regions(extraction)
        row = {
            "text": extraction.article.text,
            "article_id": extraction.article.id,
            "article_key": key,
            "entities": [
                {"id": number + 1, "label": label, "start_offset": start, "end_offset": end}
                for number, start, end, label, _ in regions
            ],
            "relations": [
                {"id": i, "from_id": a + 1, "to_id": b + 1, "type": kind}
                for i, (a, b, kind) in enumerate(sorted(regions.relations), start=1)
            ],
        }
        lines.append(json.dumps(row, ensure_ascii=False))
    _write(path, "".join(line + "\n" for line in lines))
    return len(lines)


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot be written ({exc.strerror or exc})") from None
