"""The one sentence splitter (core/sentences.py)."""

from arms_extract.core.sentences import sentence_around, sentence_spans


def _sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


def test_abbreviations_titles_and_initials_do_not_end_a_sentence() -> None:
    text = "The U.S. Army said on Jan. 5 that Gen. John F. Smith will go. It agreed."
    assert _sentences(text) == ["The U.S. Army said on Jan. 5 that Gen. John F. Smith will go.", "It agreed."]


def test_a_dotted_acronym_ends_a_sentence_when_a_new_one_starts() -> None:
    text = "The missiles were sold to the U.S. The deal is \u201cdone.\u201d Next?\nA line"
    assert _sentences(text) == [
        "The missiles were sold to the U.S.",
        "The deal is \u201cdone.\u201d",
        "Next?",
        "A line",
    ]


def test_a_decimal_point_is_not_a_sentence_end() -> None:
    assert _sentences("It costs $3.5 billion. Done.") == ["It costs $3.5 billion.", "Done."]


def test_sentence_around_covers_every_sentence_a_span_touches() -> None:
    text = "One. Two words here. Three."
    assert text[slice(*sentence_around(text, 6))] == "Two words here."
    assert text[slice(*sentence_around(text, 6, 24))] == "Two words here. Three."


def test_an_amount_or_a_lower_case_word_after_a_dotted_acronym_goes_on_with_the_sentence() -> None:
    text = (
        "It is part of the €10 billion (U.S. $12 billion) Scorpion programme. "
        "About 23,000 U.S. and NATO forces are there. It ends in the U.S. The end."
    )
    assert _sentences(text) == [
        "It is part of the €10 billion (U.S. $12 billion) Scorpion programme.",
        "About 23,000 U.S. and NATO forces are there.",
        "It ends in the U.S.",
        "The end.",
    ]
