from __future__ import annotations

import pytest

from arms_extract.core.grounding import (
    find_all,
    find_any_form,
    ground,
    ground_item_name,
    ground_loosely,
    ground_prefix,
)


def check(text: str, span) -> None:  # type: ignore[no-untyped-def]
    assert span is not None
    assert text[span.start : span.end] == span.text


def test_exact_match_gives_offsets() -> None:
    text = "The United States has agreed to sell Japan 400 Tomahawk cruise missiles."
    span = ground(text, "400 Tomahawk cruise missiles")
    check(text, span)
    assert (span.start, span.end) == (43, 71)


@pytest.mark.parametrize(
    ("text", "mention", "expected"),
    [
        ("the STATE Department said", "State Department", "STATE Department"),
        ("worth $2.35\n  billion in all", "$2.35 billion", "$2.35\n  billion"),
        ("Japan\u2019s ability to respond", "Japan's ability", "Japan\u2019s ability"),
        ("\u201cThis proposed sale\u201d, it said", '"This proposed sale"', "\u201cThis proposed sale\u201d"),
        ("in the Asia\u2013Pacific region.", "Asia-Pacific region.", "Asia\u2013Pacific region."),
        ("the deal was approved.", "the deal was approved", "the deal was approved"),
        # Initials the model spaced out ("U. S." for "U.S."), and the other way round.
        ("The U.S. Army has awarded Olin Corp. a contract", "the U. S. Army", "The U.S. Army"),
        ("a letter from J. R. Smith arrived", "J.R. Smith", "J. R. Smith"),
    ],
)
def test_case_whitespace_and_quote_variants(text: str, mention: str, expected: str) -> None:
    span = ground(text, mention)
    check(text, span)
    assert span.text == expected


def test_dropped_final_full_stop_is_still_found() -> None:
    text = "He said no more, and left"
    check(text, ground(text, "said no more."))


def test_non_ascii_text_offsets_are_character_offsets() -> None:
    text = "Die Bundeswehr erhält 35 F-35A; Müller sagte: «Straße frei» für Ελλάδα und 日本 kauft 400 Tomahawk."
    for mention in ("Müller", "«Straße frei»", "Ελλάδα", "日本", "400 Tomahawk"):
        span = ground(text, mention)
        check(text, span)
        assert span.text == mention


def test_casefold_expansion_keeps_offsets_right() -> None:
    # "ß".casefold() is "ss": the folded text is longer than the original.
    text = "Die Straße von Hormus und STRASSE 2"
    spans = find_all(text, "strasse")
    assert [s.text for s in spans] == ["Straße", "STRASSE"]
    for span in spans:
        check(text, span)


def test_repeated_mentions_all_found_and_nearest_chosen() -> None:
    text = "Japan buys missiles. Later, Japan said more. Finally Japan paid."
    spans = find_all(text, "Japan")
    assert [s.start for s in spans] == [0, 28, 53]
    assert ground(text, "Japan", near=50).start == 53
    assert ground(text, "Japan", near=25).start == 28
    assert ground(text, "Japan").start == 0


def test_absent_mention_is_none() -> None:
    assert ground("The United States sells missiles.", "$2.35 billion") is None
    assert ground("anything", "") is None
    assert ground("anything", "   ") is None


def test_item_name_falls_back_to_a_designation_prefix() -> None:
    text = "up to 1,200 AIM-120D-3 and AIM-120C-8 advanced medium-range air-to-air missiles"
    span = ground_item_name(text, "AIM-120D-3 advanced medium-range air-to-air missile")
    check(text, span)
    assert span.text == "AIM-120D-3"
    # One common word is not enough to stand for an item.
    assert ground_item_name("the advanced radar", "advanced torpedoes") is None


def test_prefix_grounds_the_longest_leading_run() -> None:
    text = 'He said "the sale will go ahead soon" and left. Next sentence.'
    span = ground_prefix(text, "the sale will go ahead tomorrow", min_words=4)
    check(text, span)
    assert span.text == "the sale will go ahead"


def test_loose_grounding_accepts_other_word_endings() -> None:
    text = "The Department of State has decided to approve the sale by notifying Congress."
    assert ground_loosely(text, "approved").text == "approve"
    assert ground_loosely(text, "notified Congress").text == "notifying Congress"
    assert ground_loosely(text, "signed a contract") is None


def test_any_form_finds_every_place_as_whole_words() -> None:
    """The exact form and the folded ones ("The United States" opening a sentence), never part of
    a word: "the us" folded out of "the user"."""
    text = "The United States has offered Niger a WC-130H. Later the user base grew, said the United States."
    found = find_any_form(text, "the United States")
    last = text.rindex("the United States")
    # Also without the "the" the article may not write there.
    assert [span.start for span in found] == [0, 4, last, last + 4]
    for span in found:
        check(text, span)
    assert find_any_form(text, "the US") == []
    # An exact match inside a word is no place either.
    assert (
        find_any_form("Israeli drones, said Israel.", "Israel")
        == find_all("Israeli drones, said Israel.", "Israel")[1:]
    )
