from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from arms_extract.core.answer import ArticleAnswer

TEXT = "The United States has agreed to sell Japan 400 Tomahawk cruise missiles worth $2.35 billion."


def answer(**sale: object) -> str:
    base = {
        "seller": "The United States",
        "buyer": "Japan",
        "items": [{"name": "Tomahawk cruise missiles", "quantity": "400"}],
        "value": "$2.35 billion",
        "date": None,
        "status": None,
    }
    base.update(sale)
    return json.dumps({"sales": [base]})


def test_grounded_answer_validates() -> None:
    parsed = ArticleAnswer.model_validate_json(answer(), context={"text": TEXT})
    assert parsed.sales[0].value == "$2.35 billion"


def test_ungrounded_sale_fact_is_a_validation_error_naming_every_problem() -> None:
    context: dict[str, object] = {"text": TEXT}
    with pytest.raises(ValidationError) as error:
        ArticleAnswer.model_validate_json(answer(value="$2.4 billion", buyer="Tokyo"), context=context)
    message = str(error.value)
    assert "sales[0].value = '$2.4 billion' is not in the article" in message
    assert "sales[0].buyer = 'Tokyo' is not in the article" in message


def test_values_of_the_wrong_type_are_errors() -> None:
    text = TEXT + " Japan paid a lot."
    with pytest.raises(ValidationError, match="is not an amount of money"):
        ArticleAnswer.model_validate_json(answer(value="a lot"), context={"text": text})
    with pytest.raises(ValidationError, match="is not a number"):
        ArticleAnswer.model_validate_json(
            answer(items=[{"name": "Tomahawk cruise missiles", "quantity": "Tomahawk"}]),
            context={"text": TEXT},
        )


def test_without_context_the_same_answer_parses_leniently() -> None:
    parsed = ArticleAnswer.model_validate_json(answer(value="$9 trillion"))
    assert parsed.sales[0].value == "$9 trillion"


def test_string_null_means_null() -> None:
    parsed = ArticleAnswer.model_validate_json(
        answer(date="null", items=[{"name": "Tomahawk cruise missiles", "quantity": "None"}]),
        context={"text": TEXT},
    )
    assert parsed.sales[0].date is None
    assert parsed.sales[0].items[0].quantity is None


def test_item_name_with_a_designation_prefix_is_accepted() -> None:
    text = "Japan will buy up to 1,200 AIM-120D-3 and AIM-120C-8 missiles for $3.64 billion."
    raw = json.dumps(
        {
            "sales": [
                {
                    "seller": None,
                    "buyer": "Japan",
                    "items": [{"name": "AIM-120D-3 advanced missile", "quantity": "up to 1,200"}],
                    "value": "$3.64 billion",
                    "date": None,
                    "status": None,
                }
            ],
        }
    )
    ArticleAnswer.model_validate_json(raw, context={"text": text})


def test_schema_requires_every_key() -> None:
    schema = ArticleAnswer.model_json_schema()
    assert schema["required"] == ["sales"]
    sale = schema["$defs"]["SaleAnswer"]
    assert set(sale["required"]) == {"seller", "buyer", "items", "value", "date", "status"}
