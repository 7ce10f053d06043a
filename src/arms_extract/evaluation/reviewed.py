"""Corrected exports read back as gold: what a person accepted, fixed or added in Label Studio
or doccano after `arms-extract export` becomes a measurement for `arms-extract eval`.

Sale facts are flat tags (gold.TAGS), as in the span-annotated news. Claims are the Source,
Cue and Content regions joined by relations: each Content region is one attribution, with the
Cue related to it and the Source related to that Cue (or to the Content itself). A region
whose offsets fall outside the text is skipped and counted.
Label Studio tasks nobody annotated are left out: our predictions are never gold.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .._errors import InputError
from .claims import GoldAttribution
from .gold import TAGS, GoldArticle, GoldLabel

_Region = tuple[int, int, str]  # start, end, tag


def label_studio_articles(path: Path, content: str) -> list[GoldArticle]:
    """A Label Studio JSON export: the latest kept annotation of each task."""
    try:
        tasks = json.loads(content)
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}: not a Label Studio JSON export ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(tasks, list):
        raise InputError(f"{path}: a Label Studio export is a JSON list of tasks")
    articles = []
    for number, task in enumerate(tasks):
        where = f"{path}[{number}]"
        data = task.get("data") if isinstance(task, dict) else None
        if not isinstance(data, dict) or not isinstance(data.get("text"), str):
            raise InputError(f"{where}: a task needs data.text")
        kept = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
        if not kept:
            continue
        regions: dict[str, _Region] = {}
        links: list[tuple[str, str]] = []
        for result in kept[-1].get("result") or []:
            if result.get("type") == "relation":
                links.append((str(result.get("from_id")), str(result.get("to_id"))))
                continue
            value = result.get("value") or {}
            try:
                tag = value["labels"][0]
                regions[str(result["id"])] = (int(value["start"]), int(value["end"]), str(tag))
            except (KeyError, IndexError, TypeError, ValueError) as exc:
                raise InputError(f"{where}: a labelled region lacks id/start/end/labels ({exc})") from None
        identity = str(data.get("article_id") or data.get("id") or task.get("id") or number)
        articles.append(_reviewed(identity, data["text"], regions, links))
    if tasks and not articles:
        raise InputError(f"{path}: no task has an annotation; predictions are not gold, review them first")
    return articles


def doccano_article(row: dict[str, Any], where: str) -> GoldArticle:
    """A doccano JSONL line: `entities` and `relations` (relation project) or `label` [[start, end, tag]]."""
    text = row["text"]
    regions: dict[str, _Region] = {}
    links: list[tuple[str, str]] = []
    try:
        for entity in row.get("entities") or []:
            regions[str(entity["id"])] = (int(entity["start_offset"]), int(entity["end_offset"]), str(entity["label"]))
        for relation in row.get("relations") or []:
            links.append((str(relation["from_id"]), str(relation["to_id"])))
        for n, (start, end, tag) in enumerate(row.get("label") or []):
            regions[f"label{n}"] = (int(start), int(end), str(tag))
    except (KeyError, TypeError, ValueError) as exc:
        raise InputError(f"{where}: a doccano entity or relation is malformed ({exc})") from None
    identity = str(row.get("article_id") or row.get("id"))
    return _reviewed(identity, text, regions, links)


def _reviewed(identity: str, text: str, regions: dict[str, _Region], links: list[tuple[str, str]]) -> GoldArticle:
    labels, skipped = [], 0
    valid = {}
    for name, (start, end, tag) in regions.items():
        if not 0 <= start < end <= len(text):
            skipped += 1
            continue
        valid[name] = (start, end, tag)
        if tag in TAGS:
            labels.append(GoldLabel(tag, text[start:end], start, end))
    article = GoldArticle(identity, text, labels, None, skipped, "reviewed")
    article.attributions = _attributions(text, valid, links)
    return article


def _attributions(text: str, regions: dict[str, _Region], links: list[tuple[str, str]]) -> list[GoldAttribution]:
    """One attribution per Content region: the Cues related to it, and the Sources related to it
    or to one of its Cues. (Grouping everything connected would merge two statements of one
    speaker, whose Source region they share.)"""
    neighbours: dict[str, set[str]] = {}
    for a, b in links:
        if a in regions and b in regions:
            neighbours.setdefault(a, set()).add(b)
            neighbours.setdefault(b, set()).add(a)

    def related(name: str, tag: str) -> set[str]:
        return {other for other in neighbours.get(name, ()) if regions[other][2] == tag}

    found = []
    for name, (start, end, tag) in regions.items():
        if tag != "Content":
            continue
        cues = related(name, "Cue")
        sources = related(name, "Source").union(*(related(cue, "Source") for cue in cues))
        source = tuple(sorted(regions[n][:2] for n in sources))
        cue = tuple(sorted(regions[n][:2] for n in cues))
        found.append(GoldAttribution(source, cue, ((start, end),), " ".join(text[a:b] for a, b in source)))
    return sorted(found, key=lambda g: g.content)
