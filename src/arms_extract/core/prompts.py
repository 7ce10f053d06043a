"""Prompt templates as data: Jinja2 files in prompts/, versioned, shipped in the wheel.

An installed package finds them at arms_extract/prompts (hatch force-include);
a source checkout finds them at the repository's top-level prompts/.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .injection import find_injections, without_injections


def prompts_dir() -> Path:
    packaged = resources.files("arms_extract") / "prompts"
    if packaged.is_dir():
        return Path(str(packaged))
    checkout = Path(__file__).resolve().parents[3] / "prompts"
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"prompt templates not found in {packaged} nor {checkout}")


@lru_cache(maxsize=1)
def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(prompts_dir()),
        undefined=StrictUndefined,
        keep_trailing_newline=False,
        autoescape=False,
    )


@lru_cache(maxsize=1)
def prompt_version() -> str:
    """Goes into every Extraction's provenance and every cache key."""
    return (prompts_dir() / "VERSION").read_text(encoding="utf-8").strip()


def render(name: str, **values: object) -> str:
    return _environment().get_template(name).render(**values).strip()


def extraction_messages(text: str) -> list[dict[str, str]]:
    """Instructions first and the article last, so servers can reuse the cached prefix.

    The article is shown without the stretches that address the model (injection.py): every
    path to a model (run, extract, batch files) builds its messages here."""
    shown = without_injections(text, find_injections(text))
    return [
        {"role": "system", "content": render("system.jinja")},
        {"role": "user", "content": render("user.jinja", text=shown)},
    ]


def question_messages(text: str, question: str) -> list[dict[str, str]]:
    """The extraction's messages with a question after the article: the server reuses the
    instructions and the article it has just read (a prompt prefix) and reads only the question."""
    messages = extraction_messages(text)
    messages[-1] = {**messages[-1], "content": messages[-1]["content"] + "\n\n" + question}
    return messages
