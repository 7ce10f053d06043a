"""Evaluation datasets: articles with what a human (or the notice's own title) says they contain.

Two formats are read, one object per JSONL line:

- span-annotated news (the arms-deals thesis data): `id`, `text`, `labels` of
  `{tag, start, end, text}`. A label whose offsets do not reproduce its text
  (including `start` = -1) is skipped and counted, never guessed at.
- DSCA notices: `id`, `title` ("Singapore - F-16 Block 52 Upgrade"), `country`,
  `date`, `text`. They have no spans; their gold values come from the title
  (buyer, weapon), the fact that every notice is a US sale, and the notice's
  "estimated cost" sentence (price). These labels have no offsets
  (`start` = -1, `derived` = True) and count for value metrics only.
- attribution-annotated news (PolNeAR): `id`, `text`, `attributions` of
  `{source, cue, content}`, each a list of `{start, end, text}`. They score
  claims; they have no deal labels, so a sale found there counts against
  deal-detection precision.
- reviewed exports (evaluation/reviewed.py): a Label Studio JSON export (a list of tasks)
  or doccano JSONL (`entities` and `relations`), as `arms-extract export` writes them and a
  person corrects them: sale tags and claims together.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

from .._errors import InputError
from .claims import GoldAttribution, read_spans
from .gold import CLAIM_TAGS, TAGS, GoldArticle, GoldLabel
from .reviewed import doccano_article, label_studio_articles

__all__ = ["CLAIM_TAGS", "TAGS", "GoldArticle", "GoldLabel", "STATED_COST", "dsca_gold", "load_gold", "read_ids"]

_DSCA_COST = re.compile(
    r"estimated (?:total )?(?:case )?(?:value|cost) (?:is|of|could be as high as) (?:up to )?"
    r"(?:approximately )?(\$\s?[\d.,]+\s*(?:million|billion))",
    re.IGNORECASE,
)
# A DSCA notice's own statement of its total ("estimated ... $X billion"), as scripts and tests read it.
STATED_COST = re.compile(r"(?:estimated|total)[^$.]{0,40}(\$\s?[\d.,]+\s*(?:million|billion))", re.I)
_TITLE_SPLIT = re.compile(r"\s+[-\u2013\u2014]\s+")


def _date_from_id(article_id: str) -> dt.date | None:
    """The thesis ids start with the publication date: 20140311_DEFWEB_..."""
    match = re.match(r"(\d{4})(\d{2})(\d{2})_", article_id)
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _news_article(row: dict, where: str) -> GoldArticle:
    text = row["text"]
    labels: list[GoldLabel] = []
    skipped = 0
    for raw in row.get("labels") or []:
        try:
            tag, start, end, label_text = raw["tag"], int(raw["start"]), int(raw["end"]), raw["text"]
        except (KeyError, TypeError, ValueError) as exc:
            raise InputError(f"{where}: a label lacks tag/start/end/text ({exc})") from None
        if start < 0 or text[start:end] != label_text:
            skipped += 1
            continue
        labels.append(GoldLabel(tag, label_text, start, end))
    return GoldArticle(str(row["id"]), text, labels, _date_from_id(str(row["id"])), skipped, "news")


def dsca_gold(title: str, country: str | None, text: str) -> list[GoldLabel]:
    """Gold values a DSCA notice states about itself: buyer and weapon in its title, a US seller, its cost."""
    labels = [GoldLabel("Seller Country", "United States", derived=True)]
    parts = _TITLE_SPLIT.split(title.strip(), maxsplit=1)
    buyer = country or (parts[0] if len(parts) == 2 else None)
    if buyer:
        labels.append(GoldLabel("Buyer Country", buyer, derived=True))
    if len(parts) == 2:
        labels.append(GoldLabel("Weapon", parts[1], derived=True))
    cost = _DSCA_COST.search(text.replace("\xa0", " "))
    if cost:
        labels.append(GoldLabel("Price", cost.group(1), derived=True))
    return labels


def _dsca_article(row: dict) -> GoldArticle:
    published = None
    if row.get("date"):
        try:
            published = dt.date.fromisoformat(str(row["date"])[:10])
        except ValueError:
            published = None
    labels = dsca_gold(str(row.get("title") or ""), row.get("country"), row["text"])
    return GoldArticle(str(row["id"]), row["text"], labels, published, 0, "dsca")


def _polnear_article(row: dict, where: str) -> GoldArticle:
    text = row["text"]
    attributions = []
    for raw in row.get("attributions") or []:
        try:
            source = read_spans(raw.get("source"), text, where)
            attributions.append(
                GoldAttribution(
                    source=source,
                    cue=read_spans(raw.get("cue"), text, where),
                    content=read_spans(raw.get("content"), text, where),
                    source_text=" ".join(text[a:b] for a, b in source),
                )
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise InputError(f"{where}: an attribution is not {{source, cue, content}} spans ({exc})") from None
    return GoldArticle(str(row["id"]), text, [], None, 0, "polnear", attributions)


def _article(row: dict, where: str) -> GoldArticle:
    if "entities" in row or isinstance(row.get("label"), list):
        return doccano_article(row, where)
    if "labels" in row:
        return _news_article(row, where)
    if "attributions" in row:
        return _polnear_article(row, where)
    return _dsca_article(row)


def load_gold(path: Path, ids: list[str] | None = None, limit: int | None = None) -> list[GoldArticle]:
    """Read a dataset, in file order, keeping `ids` (when given) and at most `limit` articles."""
    wanted = set(ids) if ids is not None else None
    articles: list[GoldArticle] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read the dataset ({exc})") from None
    if lines and lines[0].lstrip().startswith("["):
        return _selected(path, label_studio_articles(path, "\n".join(lines)), wanted, limit)
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{where}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict) or _row_id(row) is None or not isinstance(row.get("text"), str):
            raise InputError(f"{where}: an article needs an id and a text")
        if wanted is not None and _row_id(row) not in wanted:
            continue
        articles.append(_article(row, where))
        if limit is not None and len(articles) >= limit:
            break  # the rest of a large dataset is not read
    return _selected(path, articles, wanted, limit)


def _row_id(row: dict) -> str | None:
    """An article's id; a doccano line keeps ours as article_id beside doccano's own id."""
    identity = row.get("article_id", row.get("id"))
    return None if identity is None else str(identity)


def _selected(path: Path, articles: list[GoldArticle], wanted: set[str] | None, limit: int | None) -> list[GoldArticle]:
    """The articles `ids` lists (all when None), in file order, at most `limit`."""
    if wanted is not None:
        missing = wanted - {a.id for a in articles}
        if missing and limit is None:
            raise InputError(f"{path}: {len(missing)} listed id(s) not in the dataset, e.g. {sorted(missing)[0]!r}")
        articles = [a for a in articles if a.id in wanted]
    return articles[:limit] if limit is not None else articles


def read_ids(path: Path) -> list[str]:
    """One id per line; blank lines and # comments ignored."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the id list ({exc})") from None
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
