from __future__ import annotations

import pytest

from arms_extract import BackendSettings, ExtractionFailed, Extractor
from arms_extract.backends._transport import RetryPolicy
from arms_extract.core.chunking import split

from .canned import EMPTY_ANSWER, SALE_SENTENCE, tomahawk_answer
from .fake_openai_server import Step, completion, fake_openai_server

PARAGRAPH = "Filler about regional politics and the weather in the capital. " * 6


def test_short_text_is_one_chunk() -> None:
    assert [(c.start, c.text) for c in split("short text", 100)] == [(0, "short text")]


@pytest.mark.parametrize("max_chars", [300, 500, 1000])
def test_chunks_cover_the_text_overlap_and_keep_offsets(max_chars: int) -> None:
    text = "\n\n".join(f"Paragraph {i}. " + PARAGRAPH for i in range(12))
    chunks = split(text, max_chars, overlap=120)
    assert len(chunks) > 1
    assert chunks[0].start == 0
    assert chunks[-1].start + len(chunks[-1].text) == len(text)
    for chunk, following in zip(chunks, chunks[1:], strict=False):
        assert len(chunk.text) <= max_chars
        assert text[chunk.start : chunk.start + len(chunk.text)] == chunk.text
        assert following.start < chunk.start + len(chunk.text), "consecutive chunks overlap"
        assert following.start > chunk.start


def test_unbroken_text_is_still_cut() -> None:
    chunks = split("x" * 1000, 300, overlap=50)
    assert all(len(c.text) <= 300 for c in chunks)
    assert chunks[-1].start + len(chunks[-1].text) == 1000


ANSWER = tomahawk_answer()
FAST = RetryPolicy(attempts=2, initial_wait=0.01, max_wait=0.05)


def test_long_article_is_read_in_chunks_and_merged_with_whole_article_offsets() -> None:
    text = PARAGRAPH * 10 + "\n\n" + SALE_SENTENCE + "\n\n" + PARAGRAPH * 10 + "\n\n" + SALE_SENTENCE

    def answer_if_the_sale_is_in_the_chunk(request: dict[str, object]) -> str:
        chunk = request["messages"][-1]["content"]  # type: ignore[index]
        return ANSWER if SALE_SENTENCE in chunk else EMPTY_ANSWER

    with fake_openai_server(Step(respond=answer_if_the_sale_is_in_the_chunk)) as fake:
        settings = BackendSettings(base_url=fake.url, model="fake", retry=FAST, chunk_chars=1500)
        with Extractor(settings=settings) as extractor:
            extraction = extractor.extract(text)
    chunks = split(text, 1500)
    assert len(fake.requests) == len(chunks) > 2
    assert sum(SALE_SENTENCE in c.text for c in chunks) == 2
    # Two chunks reported the same sale: it is kept once, with offsets into the whole article.
    [sale] = extraction.sales
    value = sale.value
    assert value is not None
    occurrences = {i + SALE_SENTENCE.index("$2.35") for i in (text.index(SALE_SENTENCE), text.rindex(SALE_SENTENCE))}
    assert value.evidence.start in occurrences
    for span in sale.evidence:
        assert text[span.start : span.end] == span.text
    assert extraction.provenance.usage.requests == len(chunks)
    assert extraction.provenance.usage.prompt_tokens == 100 * len(chunks)
    assert any("chunks" in w for w in extraction.warnings)


def test_an_article_beyond_the_chunk_limit_fails_before_any_call() -> None:
    huge = ("A paragraph of news. " * 50 + "\n\n") * 5000  # about 5 MB
    assert len(huge) > 5_000_000
    with fake_openai_server(completion(ANSWER)) as fake:
        settings = BackendSettings(base_url=fake.url, model="fake", retry=FAST)
        with Extractor(settings=settings) as extractor, pytest.raises(ExtractionFailed, match="chunks"):
            extractor.extract(huge)
    assert fake.requests == []
