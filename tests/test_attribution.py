"""Claims by the article's grammar (core/attribution.py) and their scoring (evaluation/claims.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arms_extract.core.attribution import find_attributions
from arms_extract.evaluation.claims import ClaimCounts, GoldAttribution, PredictedClaim
from arms_extract.evaluation.evalset import load_gold


def _parts(text: str) -> list[tuple[str | None, str, str, bool]]:
    return [
        (text[slice(*a.source)] if a.source else None, text[slice(*a.cue)], text[slice(*a.content)], a.direct)
        for a in find_attributions(text)
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("\u201cWe will buy them,\u201d the minister said.", ("the minister", "said", "We will buy them", True)),
        (
            "Officials said Tuesday that the deal is done.",
            ("Officials", "said", "the deal is done", False),
        ),
        ("The deal is done, officials said.", ("officials", "said", "The deal is done", False)),
        ("According to the DSCA, the sale is approved.", ("the DSCA", "According to", "the sale is approved", False)),
        ("The sale is approved, according to the DSCA.", ("the DSCA", "according to", "The sale is approved", False)),
        ("He said: \u201cThis is it.\u201d", ("He", "said", "This is it.", True)),
        ("Experts believe that Russia will sell.", ("Experts", "believe", "Russia will sell", False)),
        (
            '"Yes," said Dan Conston, a senior adviser to the group.',
            ("Dan Conston, a senior adviser to the group", "said", "Yes", True),
        ),
        ("Clinton said Russian spies hacked it.", ("Clinton", "said", "Russian spies hacked it", False)),
        (
            "\u201cFacts matter,\u201d Clinton told Fox News Sunday.",
            ("Clinton", "told", "Facts matter", True),
        ),
        ("Murphy told me he was unprepared.", ("Murphy", "told", "he was unprepared", False)),
        ('"Is it? Really?" Bush said.', ("Bush", "said", "Is it? Really?", True)),
        # An auxiliary is a whole word: the "is" of "This" is none ("Th" was the speaker).
        ("This is said in the company's statement.", ("This", "said", "in the company's statement", False)),
    ],
)
def test_each_shape_of_attribution_is_found_with_its_parts(text: str, expected: tuple) -> None:
    assert _parts(text) == [expected]


def test_a_participle_continues_the_speaker_of_the_sentence() -> None:
    text = "\u201cIt is bad,\u201d said Gen. John Smith, adding that it would end."
    assert _parts(text) == [
        ("Gen. John Smith", "said", "It is bad", True),
        ("Gen. John Smith", "adding", "it would end", False),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "China said it was opposed to the test and warned Pyongyang to refrain from more.",
            [
                ("China", "said", "it was opposed to the test", False),
                ("China", "warned", "to refrain from more", False),
            ],
        ),
        (
            "Suu Kyi said it was too early but added, \u201cI think you all know.\u201d",
            [("Suu Kyi", "said", "it was too early", False), ("Suu Kyi", "added", "I think you all know.", True)],
        ),
        (
            "Robby Mook said as much on Thursday, arguing that Trump lashed out at the generals.",
            [
                ("Robby Mook", "said", "as much on Thursday", False),
                ("Robby Mook", "arguing", "Trump lashed out at the generals", False),
            ],
        ),
    ],
)
def test_a_second_verb_of_the_speaker_is_a_statement_of_its_own(text: str, expected: list[tuple]) -> None:
    """PolNeAR marks "..., adding that" and "... and warned" as attributions of their own: one claim
    over both matched only one and gave it the wrong cue; a participle is no inverted speaker."""
    assert _parts(text) == expected


def test_two_apostrophes_are_read_as_quotation_marks() -> None:
    """''...'' as some wires and archives write quotations (22 of the misses on PolNeAR's working split)."""
    text = (
        "''If it blends, that could play into his hands,'' said Paul Maslin, a pollster.\n\n"
        "Mr. Ridge said: ''Bombast doesn't cut it. Inexperience doesn't cut it.''\n\n"
        "The word ''hawk'' is not a quotation of anyone, and isn't ''quoted'' here."
    )
    assert _parts(text) == [
        ("Paul Maslin, a pollster", "said", "If it blends, that could play into his hands", True),
        ("Mr. Ridge", "said", "Bombast doesn't cut it. Inexperience doesn't cut it.", True),
    ]


def test_a_clause_after_the_verb_is_what_was_said_not_who_said_it() -> None:
    """After "X, facing a challenge, said" comes what X said; "..., said he." keeps its speaker."""
    grassley = "Sen. Chuck Grassley, facing a challenge in Iowa, said he would welcome Cruz."
    assert _parts(grassley) == [
        ("Sen. Chuck Grassley, facing a challenge in Iowa", "said", "he would welcome Cruz", False)
    ]
    assert _parts("The deal is done, said he.") == [("he", "said", "The deal is done", False)]


def test_a_source_introduced_by_according_to_is_named_without_it() -> None:
    """Seen on the review page (seed 003): "According to Bloomberg citing a statement, ..." gave a
    claim whose speaker was "According to Bloomberg"."""
    text = "According to Bloomberg citing a statement, the State Department said the sale is approved."
    sources = {source for source, cue, _, _ in _parts(text) if cue == "citing"}
    assert sources == {"Bloomberg"}


@pytest.mark.parametrize(
    "text",
    [
        "The report shows the tank.",  # a noun, and "shows" with an object
        "The state bought tanks.",  # "state" is not "stated"
        "The minister said \u201cyes.\u201d Later the ministry bought jets.",  # a closed quotation: not the next verb's
        "They found the wreck at sea.",  # a verb of finding with an object
    ],
)
def test_ordinary_verbs_and_nouns_are_not_attributions(text: str) -> None:
    assert [p for p in _parts(text) if p[1] not in ("said",)] == []


def test_a_quotation_closed_by_a_period_is_not_given_to_the_next_sentence() -> None:
    text = 'The minister said "we will buy the jets." Later the ministry said the jets would come.'
    assert _parts(text) == [
        ("The minister", "said", "we will buy the jets.", True),
        ("Later the ministry", "said", "the jets would come", False),
    ]


def test_claims_match_on_half_the_shorter_content_and_score_speaker_and_cue() -> None:
    gold = [
        GoldAttribution(source=((0, 5),), cue=((6, 10),), content=((11, 41),), source_text="Smith"),
        GoldAttribution(source=((50, 52),), cue=((53, 57),), content=((58, 80),), source_text="he"),
    ]
    predicted = [
        PredictedClaim(content=(11, 30), speaker=(0, 5), cue=(6, 10)),  # 19 of 19 overlap: a match
        PredictedClaim(content=(75, 100), speaker=(50, 52), cue=(53, 57)),  # 5 of 22: no match
        PredictedClaim(content=(200, 220)),
    ]
    counts = ClaimCounts()
    assert counts.add(gold, predicted) == [(0, 0)]
    scores = counts.scores()
    assert (scores["matched"], scores["predicted"], scores["gold"]) == (1, 3, 2)
    assert scores["precision"] == pytest.approx(1 / 3, abs=1e-4) and scores["recall"] == 0.5
    assert scores["speaker"] == 1.0 and scores["cue"] == 1.0


def test_a_pronoun_resolved_to_a_name_counts_as_the_right_speaker() -> None:
    gold = [GoldAttribution(source=((0, 14),), cue=((15, 19),), content=((20, 40),), source_text="Senator Murphy")]
    counts = ClaimCounts()
    counts.add(gold, [PredictedClaim(content=(20, 40), speaker=(100, 102), cue=None, speaker_name="Chris Murphy")])
    assert counts.scores()["speaker"] == 1.0 and counts.scores()["cue"] == 0.0


def test_polnear_rows_load_as_attributions_and_bad_spans_name_the_line(tmp_path: Path) -> None:
    text = "Smith said the deal is done."
    row = {
        "id": "polnear-x",
        "text": text,
        "attributions": [
            {
                "source": [{"start": 0, "end": 5, "text": "Smith"}],
                "cue": [{"start": 6, "end": 10, "text": "said"}],
                "content": [{"start": 11, "end": 27, "text": "the deal is done"}],
            }
        ],
    }
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    [article] = load_gold(path)
    assert article.kind == "polnear" and not article.has_deal
    assert article.attributions == [GoldAttribution(((0, 5),), ((6, 10),), ((11, 27),), "Smith")]
    row["attributions"][0]["cue"][0]["text"] = "says"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"p\.jsonl:1: .*does not match"):
        load_gold(path)


def test_the_scores_of_a_polnear_dataset_include_claims() -> None:
    from arms_extract.evaluation.evalset import GoldArticle
    from arms_extract.evaluation.scoring import SystemArticle, score

    gold = GoldArticle(
        "p1",
        "Smith said the deal is done.",
        kind="polnear",
        attributions=[GoldAttribution(((0, 5),), ((6, 10),), ((11, 27),), "Smith")],
    )
    answer = SystemArticle(id="p1", claims=[PredictedClaim(content=(11, 27), speaker=(0, 5), cue=(6, 10))])
    claims = score([gold], {"p1": answer})["claims"]
    assert (claims["f1"], claims["speaker"], claims["cue"]) == (1.0, 1.0, 1.0)
    assert score([gold], {})["claims"]["recall"] == 0.0


def test_the_seeds_own_attributions_name_their_sources() -> None:
    from .conftest import seed_text

    dsca = _parts(seed_text("003_"))
    assert any(
        source == "the US Defense Security Cooperation Agency (DSCA)" and content.startswith("This proposed sale")
        for source, _, content, _ in dsca
    )
    reported = _parts(seed_text("000_"))
    assert ("Pentagon chief Lloyd Austin", "said") in {(source, cue) for source, cue, _, _ in reported}


def test_actor_coverage_of_annotated_parties_and_actors_without_a_role() -> None:
    from arms_extract.evaluation.evalset import GoldArticle, GoldLabel
    from arms_extract.evaluation.scoring import SystemArticle, score

    text = "Japan buys missiles from Raytheon, officials said."
    gold = GoldArticle("n1", text, [GoldLabel("Buyer Country", "Japan", 0, 5), GoldLabel("Seller", "Raytheon", 25, 33)])
    answer = SystemArticle(id="n1", actor_mentions=[(0, 5)], actors=2, actors_without_role=1)
    actors = score([gold], {"n1": answer})["actors"]
    assert (actors["covered"], actors["gold"], actors["party_coverage"]) == (1, 2, 0.5)
    assert (actors["actors"], actors["without_role"]) == (2, 1)


def test_claims_ratchet() -> None:
    """The fixed PolNeAR subset through assembly with no sale: claims come from the grammar alone."""
    from arms_extract.core.answer import ArticleAnswer
    from arms_extract.core.assemble import assemble
    from arms_extract.evaluation.report import headline
    from arms_extract.evaluation.runner import EvalRun
    from arms_extract.evaluation.scoring import from_extraction
    from arms_extract.records import Article, Extraction, Provenance

    from .recordings import FIXTURES, ROOT

    golds = load_gold(FIXTURES / "eval_polnear.jsonl")
    run = EvalRun("polnear", golds, answers={"pipeline": {}})
    for gold in golds:
        article = Article(id=gold.id, text=gold.text)
        sales, claims, actors, warnings = assemble(article, ArticleAnswer(sales=[]))
        provenance = Provenance(model="none", backend="none", prompt_version="", schema_version="", seconds=0.0)
        extraction = Extraction(
            article=article, sales=sales, claims=claims, actors=actors, provenance=provenance, warnings=warnings
        )
        run.answers["pipeline"][gold.id] = from_extraction(extraction)
    figures = headline(run.metrics()["systems"]["pipeline"])
    floor = json.loads((ROOT / "eval" / "thresholds.json").read_text(encoding="utf-8"))["polnear_claims"]
    dropped = {k: (figures[k], v) for k, v in floor.items() if figures[k] is None or figures[k] + 1e-9 < v}
    assert not dropped, f"below the recorded floor (now, floor): {dropped}"
