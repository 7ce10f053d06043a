"""The evaluation's data reading, weapon rule, scoring, baseline reduction and CLI (FAKE server, no model)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from arms_extract.cli import app
from arms_extract.evaluation.baseline import FlatAnswer, to_system_article
from arms_extract.evaluation.evalset import GoldArticle, GoldLabel, load_gold, read_ids
from arms_extract.evaluation.scoring import PredictedSale, SystemArticle, gold_values, score
from arms_extract.evaluation.weapon_match import cluster_mentions, same_weapon

from .canned import SALE_SENTENCE, tomahawk_answer
from .fake_openai_server import Step, fake_openai_server

TEXT = SALE_SENTENCE + " The missiles arrive in 2027."


def labelled(text: str, *spans: tuple[str, str]) -> list[dict]:
    """Gold labels for the first occurrence of each (tag, words)."""
    return [{"tag": tag, "start": text.index(words), "end": text.index(words) + len(words), "text": words}
            for tag, words in spans]  # fmt: skip


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def deal_row(article_id: str = "20241118_T_deal") -> dict:
    labels = labelled(
        TEXT,
        ("Buyer Country", "Japan"),
        ("Seller Country", "United States"),
        ("Weapon", "Tomahawk cruise missiles"),
        ("Weapon", "The missiles"),
        ("Quantity", "400"),
        ("Price", "$2.35 billion"),
    )
    labels.append({"tag": "Weapon", "start": -1, "end": -1, "text": "Tomahawks"})
    labels.append({"tag": "Buyer", "start": 0, "end": 3, "text": "Tokyo"})
    return {"id": article_id, "text": TEXT, "labels": labels}


# -- reading ---------------------------------------------------------------------


def test_labels_whose_offsets_do_not_match_are_skipped_and_counted(tmp_path: Path) -> None:
    (gold,) = load_gold(write_jsonl(tmp_path / "d.jsonl", [deal_row()]))
    assert gold.skipped_labels == 2
    assert {lb.text for lb in gold.values("Weapon")} == {"Tomahawk cruise missiles", "The missiles"}
    assert gold.published is not None and gold.published.isoformat() == "2024-11-18"
    assert gold.has_deal


def test_dsca_notices_get_gold_from_their_title_and_cost_sentence(tmp_path: Path) -> None:
    row = {
        "id": "dsca-1", "title": "Singapore - F-16 Block 52 Upgrade", "date": "2014-01-14", "country": None,
        "text": "WASHINGTON \u2013 The DSCA notified Congress of a possible sale to Singapore of an F-16 upgrade "
        "for an estimated cost of\u00a0$2.43 billion.",
    }  # fmt: skip
    (gold,) = load_gold(write_jsonl(tmp_path / "n.jsonl", [row]))
    values = gold_values(gold)
    assert gold.kind == "dsca" and gold.has_deal
    assert values.buyer_country == {"SGP"} and values.seller_country == {"USA"}
    assert values.price == [(2.43e9, "USD")]
    assert [c[0] for c in values.weapon] == ["F-16 Block 52 Upgrade"]
    assert not any(label.has_span for label in gold.labels)


def test_bad_dataset_lines_name_the_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(deal_row()) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(Exception, match=r"bad.jsonl:2: not JSON"):
        load_gold(path)


def test_ids_select_articles_and_unknown_ids_are_an_error(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "d.jsonl", [deal_row("a"), deal_row("b")])
    ids = tmp_path / "ids.txt"
    ids.write_text("# chosen\nb\n", encoding="utf-8")
    assert [g.id for g in load_gold(data, read_ids(ids))] == ["b"]
    with pytest.raises(Exception, match="1 listed id"):
        load_gold(data, ["b", "zzz"])


# -- the weapon rule ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("F-16V fighters", "F-16 Block 70", True),
        ("AIM-120 AMRAAM", "AIM-120D-3", True),
        ("F-16", "F-160", False),
        ("Boeing C-17", "Boeing P-8 Poseidon", False),
        ("Rafale jets", "Dassault Rafale", True),
        ("the aircraft", "Rafale aircraft", True),
        ("submarines", "two submarines", True),
        ("Chinese CH-4 UAV", "CH-4 unmanned aerial vehicle (UAV)", True),
        ("Chinese drones", "Turkish drones", True),
        ("S-400 Triumf", "Patriot missiles", False),
        # "Joint" names programmes, not one weapon.
        ("Joint New Air-to-Air Missile (JNAAM)", "F-35A Lightning II Joint Strike Fighters", False),
    ],
)
def test_weapon_rule(a: str, b: str, same: bool) -> None:
    assert same_weapon(a, b) is same
    assert same_weapon(b, a) is same


def test_generic_gold_mentions_fold_into_the_named_weapon() -> None:
    clusters = cluster_mentions(["the aircraft", "Rafale fighters", "Rafale", "S-400", "the systems"])
    assert sorted(c[0] for c in clusters) == ["Rafale fighters", "S-400"]
    assert cluster_mentions(["submarines", "the submarines"]) == [["submarines", "the submarines"]]


# -- scoring ---------------------------------------------------------------------


def gold_deal() -> GoldArticle:
    return GoldArticle(
        "g",
        TEXT,
        [
            GoldLabel("Buyer Country", "Japan", 0, 5),
            GoldLabel("Weapon", "Tomahawk cruise missiles", 19, 43),
            GoldLabel("Quantity", "400", 15, 18),
            GoldLabel("Price", "$2.35 billion", 50, 63),
        ],
    )


def test_scores_count_matches_misses_and_extras() -> None:
    no_deal = GoldArticle("n", "Budget news.", [])
    answers = {
        "g": SystemArticle(
            "g",
            sales=[PredictedSale("JPN", "USA", ["Tomahawk missiles", "Patriot"], [400], (2.34e9, "USD"))],
            spans={"Buyer Country": [(0, 5)], "Weapon": [(19, 27)]},
            grounded=5,
        ),
        "n": SystemArticle("n", sales=[PredictedSale(buyer_country="FRA")], grounded=1),
    }
    metrics = score([gold_deal(), no_deal], answers)
    deal = metrics["deal_detection"]
    assert (deal["tp"], deal["fp"], deal["fn"], deal["tn"]) == (1, 1, 0, 0)
    assert deal["precision"] == 0.5 and deal["recall"] == 1.0
    buyer = metrics["attributes"]["buyer_country"]
    assert (buyer["precision"], buyer["recall"]) == (0.5, 1.0)
    weapon = metrics["attributes"]["weapon"]
    assert (weapon["precision"], weapon["recall"]) == (0.5, 1.0)
    assert metrics["attributes"]["price"]["f1"] == 1.0  # 2.34e9 is within 2% of 2.35e9
    assert metrics["attributes"]["seller_country"]["f1"] is None  # no gold seller: not measured, not zero
    tokens = metrics["token_f1"]["tags"]
    assert tokens["Buyer Country"]["f1"] == 1.0
    assert (tokens["Weapon"]["precision"], tokens["Weapon"]["recall"]) == (1.0, round(1 / 3, 4))
    assert metrics["grounding"] == {"values": 6, "grounded": 6, "unspanned": 0, "invented": 0, "rate": 1.0}


def test_a_price_off_by_more_than_two_percent_or_in_another_currency_is_wrong() -> None:
    for price in ((2.3e9, "USD"), (2.35e9, "EUR")):
        answers = {"g": SystemArticle("g", sales=[PredictedSale("JPN", None, [], [], price)])}
        assert score([gold_deal()], answers)["attributes"]["price"]["f1"] == 0.0


def test_a_failed_article_counts_as_finding_nothing() -> None:
    metrics = score([gold_deal()], {"g": SystemArticle("g", ok=False, error="timeout")})
    assert metrics["failures"] == 1 and metrics["deal_detection"]["fn"] == 1
    assert metrics["failed"] == [{"id": "g", "error": "timeout"}]


def test_baseline_values_not_in_the_article_are_invented() -> None:
    answer = FlatAnswer.model_validate(
        {
            "sales": [
                {
                    "seller_country": "USA",
                    "buyer_country": "Japan",
                    "weapon": "Tomahawk",
                    "quantity": 400,
                    "price": 2.35e9,
                    "currency": "USD",
                },
                {
                    "seller_country": "Russia",
                    "buyer_country": "India",
                    "weapon": "S-400",
                    "quantity": 5,
                    "price": None,
                    "currency": None,
                },
            ]
        }  # fmt: skip
    )
    result = to_system_article("g", TEXT, answer, None, 1.0)
    # "USA" is not written (the article says "the United States"); Russia, India, S-400 and 5 are made up.
    assert result.invented == 5 and result.grounded == 0 and result.unspanned == 4  # Japan, Tomahawk, 400, price
    assert result.sales[0].seller_country == "USA" and result.sales[0].price == (2.35e9, "USD")


def test_baseline_values_written_in_words_or_with_a_short_scale_are_not_invented() -> None:
    text = "Moscow will sell two S-400 units to New Delhi for 3.5bln dollars; the 1.2 trillion rupee plan waits."
    sale = {"seller_country": "Russia", "buyer_country": "India", "weapon": "S-400", "quantity": 2,
            "price": 3.5e9, "currency": "USD"}  # fmt: skip
    other = {"seller_country": None, "buyer_country": None, "weapon": None, "quantity": None,
             "price": 1.2e12, "currency": "INR"}  # fmt: skip
    answer = FlatAnswer.model_validate({"sales": [sale, other]})
    result = to_system_article("w", text, answer, None, 1.0)
    # Russia and India are not written ("Moscow", "New Delhi"); "two", "3.5bln" and "1.2 trillion" are.
    assert (result.invented, result.unspanned) == (2, 4)


# -- the command, against a FAKE server -----------------------------------------------


def fake_answer(request: dict) -> str:
    """Our pipeline's request gets the Tomahawk answer; the baseline's flat schema gets a flat one."""
    article = request["messages"][-1]["content"]
    if request["response_format"]["json_schema"]["name"] == "FlatAnswer":
        if "Tomahawk" not in article:
            return json.dumps({"sales": []})
        sale = {"seller_country": "United States", "buyer_country": "Japan", "weapon": "Tomahawk", "quantity": 400,
                "price": 2.35e9, "currency": "USD"}  # fmt: skip
        return json.dumps({"sales": [sale]})
    return tomahawk_answer() if "Tomahawk" in article else json.dumps({"sales": []})


def test_eval_command_writes_metrics_and_a_report(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "gold.jsonl", [deal_row(), {"id": "none", "text": "Budget news only.", "labels": []}])
    with fake_openai_server(Step(respond=fake_answer)) as fake:
        result = CliRunner().invoke(
            app,
            [
                "eval",
                str(data),
                "--out",
                str(tmp_path / "out"),
                "--base-url",
                fake.url,
                "--model",
                "m",
                "--no-cache",
                "--quiet",
            ],  # fmt: skip
        )
    assert result.exit_code == 0, result.output
    assert len(fake.requests) == 4  # two articles, two systems
    metrics = json.loads((tmp_path / "out" / "metrics.json").read_text())
    pipeline, baseline = metrics["systems"]["pipeline"], metrics["systems"]["baseline"]
    assert pipeline["deal_detection"]["f1"] == 1.0 and pipeline["deal_detection"]["accuracy"] == 1.0
    assert pipeline["attributes"]["quantity"]["f1"] == 1.0
    assert pipeline["grounding"]["invented"] == 0 and pipeline["grounding"]["grounded"] == 5
    assert baseline["attributes"]["buyer_country"]["f1"] == 1.0
    assert baseline["grounding"]["grounded"] == 0 and baseline["grounding"]["invented"] == 0  # all written
    assert baseline["grounding"]["unspanned"] == 5
    assert metrics["systems"]["pipeline"]["skipped_labels"] == 2
    report = (tmp_path / "out" / "report.md").read_text()
    assert "| deal detection F1 | 1.00 | 1.00 | 0.95 |" in report  # issue 13's targets
    assert "- price: " in report and "(target 0.75)" in report
    assert "ALBERT" in report
    assert (tmp_path / "out" / "answers.jsonl").read_text().count("\n") == 4


def test_eval_command_rejects_a_missing_dataset(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["eval", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "nope.jsonl: cannot read the dataset" in result.output


def test_main_deal_from_the_file_name_codes() -> None:
    from arms_extract.evaluation.main_deal import MainDealCounts, coded_pair

    assert coded_pair("20180810_DEFWEB_Egypt received _A_EGY_B_RUS") == ("EGY", "RUS")
    assert coded_pair("20180914_DEFWEB_New UAV ordered_A_SAU_B_SA") == ("SAU", "ZAF")
    assert coded_pair("20180515_DAILY_Military spendin_B_SPA") is None  # no recipient coded
    counts = MainDealCounts()
    counts.add("a_A_EGY_B_RUS", [("EGY", "RUS")])
    counts.add("b_A_CAN_B_AUS", [("AUS", "CAN")])  # reversed
    counts.add("c_A_ARG_B_USA", [], has_deal=False)  # a cookie wall: no deal in the text
    counts.add("d_no_code", [("EGY", "RUS")])
    assert counts.scores() == {
        "coded": 3,
        "both_right": 1,
        "share": 0.3333,
        "reversed": 1,
        "coded_with_deal": 2,
        "both_right_with_deal": 1,
    }
