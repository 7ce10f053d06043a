"""Assembly from a given answer: no model involved, so each rule is checked on its own."""

from __future__ import annotations

import datetime as dt

from arms_extract.core.answer import ArticleAnswer, ItemAnswer, SaleAnswer
from arms_extract.core.assemble import assemble, merge_fragments
from arms_extract.records import ActorKind, Article, Stage

from .answers import answer, assembled
from .conftest import seed_text

SEED_003 = seed_text("003_")


def sale(**fields: object) -> SaleAnswer:
    base: dict[str, object] = {
        "seller": None,
        "buyer": None,
        "items": [],
        "value": None,
        "date": None,
        "status": None,
    }
    base.update(fields)
    return SaleAnswer.model_validate(base)


def test_seed_003_answer_assembles_to_a_grounded_normalised_sale() -> None:
    answer = ArticleAnswer(
        sales=[
            sale(
                seller="The United States",
                buyer="Japan",
                items=[
                    ItemAnswer(name="AIM-120D-3 advanced medium-range missile", quantity="up to 1,200"),
                    ItemAnswer(name="spare parts", quantity=None),
                ],
                value="$3.64 billion",
                date="January 3",
                status="notified the US Congress",
            )
        ],
    )
    article = Article(id="003", text=SEED_003, published=dt.date(2025, 1, 4))
    sales, claims, actors, warnings = assemble(article, answer)
    assert warnings == []
    [s] = sales
    assert (s.seller_country, s.buyer_country) == ("USA", "JPN")
    assert s.stage is Stage.notified_to_congress
    assert [(i.name, i.quantity, i.quantity_qualifier) for i in s.items] == [("AIM-120D-3", 1200, "up to")]
    assert [i.name for i in s.associated] == ["spare parts"]
    assert s.value is not None and s.value.usd == 3.64e9
    assert s.date is not None and s.date.iso == "2025-01-03"
    for span in s.evidence:
        assert SEED_003[span.start : span.end] == span.text
    kinds = {a.name: a.kind for a in actors}
    # "The United States" is a country whatever kind the model gave it.
    assert kinds["United States"] is ActorKind.country
    assert kinds["US Department of State"] is ActorKind.government_body
    blinken = next(a for a in actors if a.name == "Antony Blinken")
    assert (blinken.title, blinken.country) == ("US Secretary of State", "USA")
    # The article's own attributions ("the US State Department said ...", "..., according to the DSCA").
    claim = next(c for c in claims if c.content.startswith("this purchase would be consistent"))
    assert claim.found_by == "grammar" and claim.cue == "said"
    dsca = next(c for c in claims if c.cue == "according to")
    assert dsca.direct and dsca.content.startswith("This proposed sale will support")
    for c in claims:
        for span in (c.speaker_span, c.cue_span, c.content_span, *c.evidence):
            assert span is None or SEED_003[span.start : span.end] == span.text
    state = next(a for a in actors if a.name == "US Department of State")
    assert claim.speaker == state.id
    assert claim.is_boilerplate
    assert claim.content.endswith("stationed there")
    assert s.seller == next(a.id for a in actors if a.name == "United States")


def test_ungrounded_mentions_are_dropped_with_a_warning() -> None:
    answer = ArticleAnswer(
        sales=[
            sale(
                buyer="Japan",
                items=[ItemAnswer(name="Patriot batteries", quantity="6")],
                value="$3.64 billion",
            )
        ],
    )
    sales, _, _, warnings = assemble(Article(id="x", text=SEED_003), answer)
    assert sales[0].items == [] and sales[0].value is not None
    # The missiles the article counts are found by code, apart from the model's sale.
    assert [(s.found_by, [i.quantity for i in s.items]) for s in sales[1:]] == [("listed", [1200])]
    assert any("'Patriot batteries': not found" in w for w in warnings)


def test_a_price_split_off_as_its_own_sale_is_merged_back() -> None:
    merged = merge_fragments(
        [
            sale(seller="the United States", buyer="Japan", items=[ItemAnswer(name="missiles", quantity=None)]),
            sale(value="$3.64 billion", date="January 3"),
        ]
    )
    assert len(merged) == 1
    assert (merged[0].value, merged[0].date) == ("$3.64 billion", "January 3")


def test_two_real_sales_stay_apart() -> None:
    sales = [
        sale(buyer="Japan", items=[ItemAnswer(name="missiles", quantity=None)], value="$1 billion"),
        sale(buyer="Korea", items=[ItemAnswer(name="jets", quantity=None)], value="$2 billion"),
    ]
    assert len(merge_fragments(sales)) == 2


def test_an_event_that_is_not_a_sale_is_dropped() -> None:
    text = "Gunmen attacked a train of 42 wagons on Tuesday, the agency reported."
    answer = ArticleAnswer(
        sales=[sale(seller="Gunmen", items=[ItemAnswer(name="train", quantity="42 wagons")], date="on Tuesday")],
    )
    sales, _, _, warnings = assemble(Article(id="x", text=text), answer)
    assert sales == []
    assert any("not an arms sale" in w for w in warnings)


def test_an_item_of_no_known_kind_is_kept_when_its_status_writes_a_transfer() -> None:
    """ "the SAF announced the acquisition of the Leopard 2A4 from Germany": no category, no
    designation the tables know, no price, and "acquisition" is no stage; the words are a sale's."""
    text = "In 2006, the SAF announced the acquisition of the Leopard 2A4 from Germany to replace its tanks."
    answer = ArticleAnswer(
        sales=[
            sale(
                seller="Germany",
                items=[ItemAnswer(name="Leopard 2A4", quantity=None)],
                status="announced the acquisition",
            )
        ],
    )
    sales, _, _, warnings = assemble(Article(id="x", text=text), answer)
    assert [(s.seller_country, [i.name for i in s.items]) for s in sales] == [("DEU", ["Leopard 2A4"])]
    # The same words with a status that writes no transfer: no sale.
    answer.sales[0] = answer.sales[0].model_copy(update={"status": "announced"})
    assert assemble(Article(id="x", text=text), answer)[0] == []
    # A transfer of things with no name ("weapons and military equipment"): no sale either.
    text = "Slovakia announced the acquisition of weapons and military equipment from the Czech Republic."
    vague = sale(
        seller="the Czech Republic",
        items=[ItemAnswer(name="weapons and military equipment", quantity=None)],
        status="announced the acquisition",
    )
    assert assemble(Article(id="x", text=text), ArticleAnswer(sales=[vague]))[0] == []


def test_direct_quote_and_reported_speech() -> None:
    text = 'Minister Raj Singh said "we will buy the jets this year." Later he said the jets would come.'
    _, claims, actors, _ = assemble(Article(id="x", text=text), ArticleAnswer(sales=[]))
    assert [(c.direct, c.content, c.found_by) for c in claims] == [
        (True, "we will buy the jets this year.", "grammar"),
        (False, "the jets would come", "grammar"),
    ]
    singh = next(a for a in actors if a.name == "Raj Singh")
    # "he" is the person named last before it.
    assert [c.speaker for c in claims] == [singh.id, singh.id]
    assert claims[1].speaker_span is not None and claims[1].speaker_span.text == "Later he"
    assert claims[1].speaker_name == "Raj Singh"


def test_aliases_of_one_body_are_merged() -> None:
    text = "The State Department approved it. The US State Department and the Department of State agree."
    _, _, actors, _ = assemble(Article(id="x", text=text), ArticleAnswer(sales=[]))
    [state] = actors
    assert state.kind is ActorKind.government_body
    assert state.country == "USA"
    assert len(state.mentions) >= 3
    for span in state.mentions:
        assert text[span.start : span.end] == span.text


def test_dsca_notice_seller_is_inferred_with_its_sentence() -> None:
    text = (
        "The Defense Security Cooperation Agency notified Congress August 7 of a possible Foreign "
        "Military Sale to the Government of Thailand for nine Evolved SEASPARROW Missiles for an "
        "estimated cost of $18 million."
    )
    answer = ArticleAnswer(
        sales=[
            sale(
                buyer="Government of Thailand",
                items=[ItemAnswer(name="Evolved SEASPARROW Missiles", quantity="nine")],
                value="$18 million",
            )
        ],
    )
    [s], _, _, _ = assemble(Article(id="x", text=text), answer)
    assert (s.seller_country, s.buyer_country, s.buyer_body) == ("USA", "THA", None)
    assert s.seller_inferred
    assert s.seller_inference is not None
    assert text[s.seller_inference.start : s.seller_inference.end] == s.seller_inference.text
    assert "Defense Security Cooperation Agency" in s.seller_inference.text
    assert s.stage is Stage.notified_to_congress
    assert (s.items[0].quantity, s.value.qualifier if s.value else None) == (9, "estimated")


def test_buying_body_is_kept_apart_from_the_country() -> None:
    text = "Burkina Faso's Air Force has signed a contract for two Super Tucano aircraft from Embraer."
    answer = ArticleAnswer(
        sales=[
            sale(
                seller="Embraer",
                buyer="Burkina Faso's Air Force",
                items=[ItemAnswer(name="Super Tucano aircraft", quantity="two")],
            )
        ],
    )
    [s], _, _, _ = assemble(Article(id="x", text=text), answer)
    assert (s.buyer_country, s.buyer_body) == ("BFA", "Burkina Faso's Air Force")
    # Embraer, named as the seller, is a Brazilian maker (core/makers.py).
    assert s.seller_country == "BRA" and not s.seller_inferred
    assert s.stage is Stage.contract_signed


def one_answer(*sales: SaleAnswer) -> ArticleAnswer:
    return ArticleAnswer(sales=list(sales))


def test_a_country_named_in_other_words_is_grounded_on_the_articles_form() -> None:
    text = "Poland signed for 32 F-35A jets from the U.S. on Friday. US officials welcomed it."
    answer = one_answer(
        sale(seller="the United States", buyer="Poland", items=[ItemAnswer(name="F-35A jets", quantity="32")])
    )
    (extraction_sale,), _, _, warnings = assemble(Article(id="x", text=text), answer)
    assert extraction_sale.seller_country == "USA"
    seller_span = next(s for s in extraction_sale.evidence if s.text == "U.S.")
    assert text[seller_span.start : seller_span.end] == "U.S."  # the nearest form, not "US" further on
    assert any("'the United States' is written 'U.S.'" in w for w in warnings)


def test_a_country_the_article_never_names_is_still_dropped() -> None:
    text = "Poland signed for 32 F-35A jets on Friday; the users of the aircraft welcomed it."
    answer = one_answer(
        sale(seller="the United States", buyer="Poland", items=[ItemAnswer(name="F-35A jets", quantity="32")])
    )
    (extraction_sale,), _, _, warnings = assemble(Article(id="x", text=text), answer)
    assert extraction_sale.seller_country is None  # "us" in lower case is not the US
    assert any("dropped sales[0].seller 'the United States'" in w for w in warnings)


def test_the_country_written_on_an_item_is_its_seller() -> None:
    text = "Algeria is evaluating the Chinese CH-4 unmanned aerial vehicle, and bought 4 Russian-made Su-30 jets."
    answer = one_answer(
        sale(buyer="Algeria", items=[ItemAnswer(name="CH-4 unmanned aerial vehicle", quantity=None)]),
        sale(buyer="Algeria", items=[ItemAnswer(name="Su-30 jets", quantity="4")]),
    )
    sales, _, _, _ = assemble(Article(id="x", text=text), answer)
    assert [(s.seller_country, s.buyer_country) for s in sales] == [("CHN", "DZA"), ("RUS", "DZA")]
    assert sales[0].seller_inferred and sales[0].seller_inference is not None
    assert "Chinese CH-4" in sales[0].seller_inference.text


def test_a_sale_written_both_ways_is_kept_the_way_the_article_words_it() -> None:
    text = "India will buy 48 Mi-17 helicopters from Russia, Moscow said."
    items = [ItemAnswer(name="Mi-17 helicopters", quantity="48")]
    wrong_first = one_answer(
        sale(seller="India", buyer="Russia", items=items), sale(seller="Russia", buyer="India", items=items)
    )
    sales, _, _, warnings = assemble(Article(id="x", text=text), wrong_first)
    assert [(s.seller_country, s.buyer_country) for s in sales] == [("RUS", "IND")]
    assert any("seller and buyer swapped" in w for w in warnings)


def test_a_mirror_with_no_wording_either_way_keeps_the_first() -> None:
    text = "Canada and Australia discussed 18 F-18 aircraft on Monday."
    items = [ItemAnswer(name="F-18 aircraft", quantity="18")]
    answer = one_answer(
        sale(seller="Australia", buyer="Canada", items=items), sale(seller="Canada", buyer="Australia", items=items)
    )
    sales, _, _, warnings = assemble(Article(id="x", text=text), answer)
    assert [(s.seller_country, s.buyer_country) for s in sales] == [("AUS", "CAN")]
    assert any("dropped sale-2: sale-1 with seller and buyer swapped" in w for w in warnings)


def test_a_mirror_between_parties_without_countries_keeps_the_first() -> None:
    """From a dev article: the shipyard sells to the navy, and the model also wrote it the other way."""
    text = (
        "TCG Bayraktar and sister ship TCG Sancaktar are being built under a contract signed between "
        "Anadolu Shipyard and the Turkish Ministry of Defense in May 2011."
    )
    items = [ItemAnswer(name="TCG Bayraktar", quantity=None), ItemAnswer(name="TCG Sancaktar", quantity=None)]
    answer = one_answer(
        sale(seller="Anadolu Shipyard", buyer="the Turkish Ministry of Defense", items=items, status="contract signed"),
        sale(seller="the Turkish Ministry of Defense", buyer="Anadolu Shipyard", items=items, status="contract signed"),
    )
    sales, _, _, warnings = assemble(Article(id="x", text=text), answer)
    assert [(s.seller, s.buyer_country) for s in sales] == [("anadolu-shipyard", "TUR")]
    assert any("dropped sale-2: sale-1 with seller and buyer swapped" in w for w in warnings)


def test_a_sale_to_a_country_written_after_a_long_object_is_not_turned_round() -> None:
    """From a dev article: 100 characters (with a price in decimals) between "sell" and "to Canada",
    and Germany written as a buyer elsewhere, of something else."""
    text = (
        "BERLIN \u2014 Germany is looking to sell a secondhand surveillance drone that has cost the country "
        "more than 700 million euros ($823.5 million) to Canada. Germany ordered the Global Hawk variant in 2000."
    )
    answer = one_answer(
        sale(seller="Germany", buyer="Canada", items=[ItemAnswer(name="surveillance drone", quantity=None)])
    )
    (kept,), _, _, warnings = assemble(Article(id="x", text=text), answer)
    assert (kept.seller_country, kept.buyer_country) == ("DEU", "CAN")
    assert not any("swapped" in w for w in warnings)


def test_the_word_us_is_not_the_united_states_in_direction_cues() -> None:
    text = "U.S. firms may sell F-16 jets, an Indian official told us, and deliveries to us could start soon."
    answer = one_answer(sale(seller="U.S.", buyer="Indian", items=[ItemAnswer(name="F-16 jets", quantity=None)]))
    (kept,), _, _, warnings = assemble(Article(id="x", text=text), answer)
    assert (kept.seller_country, kept.buyer_country) == ("USA", "IND")
    assert not any("swapped" in w for w in warnings)


def test_a_dsca_notice_split_into_several_sales_is_one_sale() -> None:
    text = (
        "WASHINGTON - The Defense Security Cooperation Agency notified Congress of a possible Foreign Military "
        "Sale to the Government of Iraq for 24 AH-64E Apache helicopters and 480 Hellfire missiles for an "
        "estimated cost of $4.8 billion. Transmittal No. 14-04."
    )
    answer = one_answer(
        sale(buyer="Government of Iraq", items=[ItemAnswer(name="AH-64E Apache helicopters", quantity="24")]),
        sale(
            buyer="Iraq",
            items=[ItemAnswer(name="Hellfire missiles", quantity="480")],
            value="$4.8 billion",
            status="notified Congress",
        ),
    )
    [s], _, _, warnings = assemble(Article(id="x", text=text), answer)
    assert [(i.name, i.quantity) for i in s.items] == [("AH-64E Apache helicopters", 24), ("Hellfire missiles", 480)]
    assert (s.seller_country, s.buyer_country, s.stage) == ("USA", "IRQ", Stage.notified_to_congress)
    assert s.value is not None and s.value.usd == 4.8e9
    assert any("a DSCA notice notifies one sale" in w for w in warnings)


def test_a_dsca_notice_gets_the_cost_its_template_sentence_states() -> None:
    text = (
        "The Defense Security Cooperation Agency notified Congress of a possible Foreign Military Sale to Turkey "
        "for three AH-1W helicopters. The estimated cost is $111 million. Transmittal No. 11-21."
    )
    answer = one_answer(sale(buyer="Turkey", items=[ItemAnswer(name="AH-1W helicopters", quantity="three")]))
    [s], _, _, _ = assemble(Article(id="x", text=text), answer)
    assert s.value is not None and s.value.usd == 111e6 and s.value.evidence.text == "$111 million"


def test_every_template_sentence_of_a_dsca_notice_is_a_boilerplate_claim() -> None:
    # One list of the template's wording (normalize.is_boilerplate): "current and future threats"
    # was a template sentence that never became a template claim.
    text = (
        "The Defense Security Cooperation Agency notified Congress of a possible Foreign Military Sale to "
        "Japan for 400 missiles. The proposed sale will improve Japan's capability to meet current and future "
        "threats. The proposed sale will not alter the basic military balance in the region. Transmittal No. 24-7."
    )
    answer = one_answer(sale(buyer="Japan", items=[ItemAnswer(name="missiles", quantity="400")]))
    _, claims, _, _ = assemble(Article(id="x", text=text), answer)
    template = [c.content for c in claims if c.found_by == "template"]
    assert template == [
        "The proposed sale will improve Japan's capability to meet current and future threats.",
        "The proposed sale will not alter the basic military balance in the region.",
    ]
    assert all(c.is_boilerplate for c in claims if c.found_by == "template")


def test_an_actor_is_not_mentioned_inside_a_longer_word() -> None:
    """'Japan' inside 'Japanese' is a demonym, not a mention of Japan (seen on the review page)."""
    text = "The United States will sell 400 Tomahawk missiles to Japan. The Japanese government asked for them."
    item = ItemAnswer(name="Tomahawk missiles", quantity="400")
    answer = ArticleAnswer(sales=[sale(seller="The United States", buyer="Japan", items=[item])])
    _, _, actors, _ = assemble(Article(id="a", text=text), answer)
    japan = next(actor for actor in actors if actor.country == "JPN")
    assert [m.text for m in japan.mentions] == ["Japan"]
    assert all(not text[m.end].isalnum() for actor in actors for m in actor.mentions if m.end < len(text))


def test_the_articles_own_conversion_to_dollars_is_kept_with_its_span() -> None:
    """Analysts compare deals in US dollars: the amount the article converts is kept, never a rate of ours."""
    text = "Latvia has signed a deal worth €108 million (U.S. $134 million) to purchase Spike missiles."
    [sale] = assembled(text, answer(None, "Latvia", "Spike missiles", value="€108 million"))[0]
    assert sale.value is not None
    assert (sale.value.amount, sale.value.currency, sale.value.usd) == (108e6, "EUR", 134e6)
    assert sale.value.usd_evidence is not None and sale.value.usd_evidence.text == "$134 million"
    assert text[sale.value.usd_evidence.start : sale.value.usd_evidence.end] == "$134 million"
    assert sale.value.usd_evidence in sale.evidence  # highlighted, and checked for injected text, with the sale
    [other] = assembled("Latvia signed a deal worth €108 million for Spike missiles.",
                        answer(None, "Latvia", "Spike missiles", value="€108 million"))[0]  # fmt: skip
    assert other.value is not None and (other.value.usd, other.value.usd_evidence) == (None, None)


def test_a_price_given_with_its_conversion_is_read_as_the_amount_and_its_conversion() -> None:
    """The model's value "634 billion won ($563 million)", whole: the won amount, and the dollars
    as the article's own conversion (they had been lost)."""
    text = "Hyundai Heavy Industries has bagged a 634 billion won ($563 million) order to build two frigates."
    [sale] = assembled(
        text, answer("Hyundai Heavy Industries", None, "frigates", value="634 billion won ($563 million)")
    )[0]
    assert sale.value is not None
    assert (sale.value.amount, sale.value.currency, sale.value.usd) == (634e9, "KRW", 563e6)
    assert (sale.value.evidence.text, sale.value.usd_evidence and sale.value.usd_evidence.text) == (
        "634 billion won",
        "$563 million",
    )


def test_a_price_in_the_wrong_currency_is_read_as_the_article_writes_it() -> None:
    """The model wrote "$185 million" for "EUR185 million ($198.8 million)": the number is found, the
    currency is the article's, with a warning; an amount written nowhere is dropped."""
    text = "Bolivia signed a EUR185 million ($198.8 million) contract with Thales covering 13 radar systems."
    [sale], warnings = assembled(text, answer("Thales", "Bolivia", "radar systems", value="$185 million"))
    assert sale.value is not None
    assert (sale.value.amount, sale.value.currency, sale.value.usd) == (185e6, "EUR", 198.8e6)
    assert any("'$185 million' is written 'EUR185 million'" in w for w in warnings)
    [sale], warnings = assembled(text, answer("Thales", "Bolivia", "radar systems", value="$186 million"))
    assert any("'$186 million': not found" in w for w in warnings)
    # The amount written nowhere is dropped; the sale then takes the price written with its items.
    assert sale.value is not None and sale.value.evidence.text == "EUR185 million"
    assert any("'EUR185 million': the price written with its items" in w for w in warnings)


def test_a_price_moved_next_to_its_items_keeps_no_conversion_from_where_it_was_first_found() -> None:
    """The model's value is found first near the buyer, then again near the items: what the first
    place converts to dollars is not evidence of this sale."""
    filler = "Officials gave no more detail on the schedule of the programme. " * 40
    text = f"Latvia buys missiles: a deal worth €108 million (U.S. $134 million) was agreed. {filler}" + (
        "The Spike missiles cost €108 million in all."
    )
    [sale], _ = assembled(text, answer(None, "Latvia", "Spike missiles", value="€108 million"))
    assert sale.value is not None and sale.value.evidence.start > len(filler)
    assert (sale.value.amount, sale.value.usd, sale.value.usd_evidence) == (108e6, None, None)


def test_a_boat_presented_to_a_country_goes_to_that_country() -> None:
    """ "delivered ... to the Australian Department of Defence and then ... presented the vessel to
    the Papua New Guinea Government": the hand-over is the sale's direction, not the first delivery."""
    text = (
        "Austal today delivered the first Guardian Class Patrol Boat (GCPB) to the Australian Department of "
        "Defence and then in a handover ceremony, presented the vessel to the Papua New Guinea (PNG) Government."
    )
    (kept,), warnings = assembled(
        text + " The boat was built by Austal Australia.",
        sale(
            seller="Austal Australia",
            buyer="Papua New Guinea (PNG) Government",
            items=[ItemAnswer(name="Guardian Class Patrol Boat", quantity=None)],
        ),
    )
    assert (kept.seller_country, kept.buyer_country) == ("AUS", "PNG")
    assert not any("swapped" in w for w in warnings)


def test_a_sentences_first_word_is_no_part_of_the_makers_country() -> None:
    """ "An Israeli Heron TP ..." opens a sentence: "Israeli" is the make, and a buyer the model
    gave as Israel is the seller. The swapped parties keep their own words: the buyer's words
    ("Germany", written far off) are not re-found as the seller's ("Israel", beside the drone)."""
    text = (
        "German government negotiators have approved a new defense and security direction for the country. "
        + "Merkel spoke in Berlin about refugees and aid. " * 40
        + "At the same time, the coalition agreement approves leasing a drone for surveillance. "
        "An Israeli Heron TP surveillance drone flies during a presentation to the media."
    )
    (kept,), warnings = assembled(
        text,
        sale(seller="Germany", buyer="Israel", items=[ItemAnswer(name="Heron TP surveillance drone", quantity=None)]),
    )
    assert (kept.seller_country, kept.buyer_country) == ("ISR", "DEU")
    # "Israel" is not read inside "Israeli": the party is the whole word the article writes.
    assert any("the items are 'Israeli'-made" in w for w in warnings)


def test_a_maker_the_tables_know_is_a_company_of_its_home_country() -> None:
    """From a dev article: "Lockheed Martin" is two capitalised words, like a person's name, and
    follows "Qatar Emiri Air Force Awards", which is no nationality of it."""
    text = (
        "Qatar Emiri Air Force Awards Lockheed Martin Sniper Advanced Targeting Pod Contract\n\n"
        "The Qatar Emiri Air Force (QEAF) signed a contract for Lockheed Martin's Sniper Advanced Targeting Pod. "
        '"The pod is proven," Lockheed Martin said.'
    )
    items = [ItemAnswer(name="Sniper Advanced Targeting Pod", quantity=None)]
    answer = one_answer(sale(seller="Lockheed Martin", buyer="Qatar Emiri Air Force", items=items, status="Contract"))
    (kept,), _, actors, _ = assemble(Article(id="x", text=text), answer)
    assert (kept.seller_country, kept.buyer_country) == ("USA", "QAT")
    maker = next(actor for actor in actors if actor.id == kept.seller)
    assert (maker.kind, maker.country) == (ActorKind.company, "USA")


def test_another_countrys_department_of_defence_is_no_pentagon() -> None:
    """From a dev article: "the Australian Department of Defence" had become the actor "US Department
    of Defense", of the USA, a name and a country the article does not write."""
    text = (
        "Austal today delivered the first Guardian Class Patrol Boat to the Australian Department of Defence, "
        "which presented the vessel to the Papua New Guinea (PNG) Government."
    )
    _, _, actors, _ = assemble(Article(id="x", text=text), one_answer())
    department = next(actor for actor in actors if "Department" in actor.name)
    assert (department.name, department.country) == ("Australian Department of Defence", "AUS")


def test_a_count_of_one_is_kept_only_written_on_the_item() -> None:
    text = (
        "The US Department of Defense has awarded Chemring a $92 million contract to procure Husky mine "
        "detection vehicles. One bid was solicited with one bid received. Botswana will acquire one C-130 "
        "transport aircraft from the US."
    )
    sales, warnings = assembled(
        text,
        sale(
            buyer="US Department of Defense", items=[ItemAnswer(name="Husky mine detection vehicles", quantity="one")]
        ),
        sale(buyer="Botswana", items=[ItemAnswer(name="C-130 transport aircraft", quantity="one")]),
    )
    assert [item.quantity for s in sales for item in s.items] == [None, 1]
    assert any("quantity 'one': not written as the item's count" in w for w in warnings)


def test_a_company_bought_is_no_arms_sale() -> None:
    """Issue 13's "a company buying a company": the model answers the takeover as a sale whose item
    is the company it also names as a party."""
    text = (
        "WASHINGTON — Services giant SAIC has completed its $2.5 billion acquisition of Engility, the company "
        "announced Monday. India signed a contract for Rafale fighter jets last year."
    )
    sales, warnings = assembled(
        text,
        sale(seller="SAIC", buyer="Engility", items=[ItemAnswer(name="Engility", quantity=None)], value="$2.5 billion"),
        sale(
            seller=None,
            buyer="India",
            items=[ItemAnswer(name="Rafale fighter jets", quantity=None)],
            status="signed a contract",
        ),
    )
    assert [[item.name for item in s.items] for s in sales] == [["Rafale fighter jets"]]
    assert any("'Engility' is a party to it, not a weapon" in w for w in warnings)


def test_a_count_the_article_writes_on_the_item_beats_the_models_other_number() -> None:
    """The model gave each item of a list the list's first count; the article writes the item's own."""
    text = (
        "Since 2010 Cameroon has received from China two P-108 patrol craft, two MA60 twin turboprop aircraft "
        "and 50 FN-16 surface-to-air missile launchers. Singapore requested 20 AIM 9X-2 SIDEWINDER missiles "
        "and 2 AIM-9X-2 Block II Tactical Guidance units. Twiga recently supplied four 850 Military Patrol "
        "Boats (MPBs) to Uganda."
    )
    sales, warnings = assembled(
        text,
        sale(
            seller="China",
            buyer="Cameroon",
            items=[
                ItemAnswer(name="P-108 patrol craft", quantity="two"),
                ItemAnswer(name="FN-16 surface-to-air missile launchers", quantity="two"),
            ],
        ),
        # Found at "2 AIM-9X-2 ...": the model's 20 counts the same model, written the other way.
        sale(buyer="Singapore", items=[ItemAnswer(name="AIM-9X-2", quantity="20")]),
        # Found at "four 850 Military Patrol Boats": the model's "four" counts this very name.
        sale(buyer="Uganda", items=[ItemAnswer(name="850 Military Patrol Boats", quantity="four")], status="supplied"),
    )
    assert [[(item.name, item.quantity) for item in s.items] for s in sales][:3] == [
        [
            ("P-108 patrol craft", 2),
            ("FN-16 surface-to-air missile launchers", 50),
            ("MA60 twin turboprop aircraft", 2),
        ],
        [("AIM-9X-2", 20)],
        [("850 Military Patrol Boats", 4)],
    ]
    assert any("quantity 'two': the article writes '50' on the item" in w for w in warnings)


def test_an_amount_of_money_given_as_a_count_is_the_sales_value_not_a_count() -> None:
    """Spain's export report: the model counted the aircraft "€270.2 million" (written as sales: the
    value) and the defence material "€231,000" (read as 231,000 of them before)."""
    text = (
        "The country's biggest client was Saudi Arabia with €270.2 million in sales of carrier aircraft. "
        "Ukraine spent nearly €231,000 on defense material."
    )
    priced = answer("Spain", "Saudi Arabia", ItemAnswer(name="carrier aircraft", quantity="€270.2 million"))
    [sale], warnings = assembled(text, priced)
    assert sale.value is not None and (sale.value.amount, sale.value.currency) == (270.2e6, "EUR")
    assert [item.quantity for item in sale.items] == [None]
    assert any("'€270.2 million' is a price: the value" in w for w in warnings)
    valued = answer(None, "Ukraine", ItemAnswer(name="defense material", quantity="€231,000"), value="€231,000")
    [sale], warnings = assembled(text, valued)
    assert [item.quantity for item in sale.items] == [None] and sale.value is not None
    assert any("dropped sales[0].items[0].quantity '€231,000': an amount of money" in w for w in warnings)


def test_an_amount_given_as_a_count_and_written_as_a_budget_is_no_value() -> None:
    text = (
        "Japan said it would buy land-based Aegis Ashore missile defence systems from the US. About 730m "
        "yen ($6.4m) was set aside to prepare for the introduction of the systems."
    )
    budget = answer("the US", "Japan", ItemAnswer(name="Aegis Ashore missile defence systems", quantity="730m yen"))
    [sale], warnings = assembled(text, budget)
    assert sale.value is None and [item.quantity for item in sale.items] == [None]
    assert any("dropped sales[0].items[0].quantity '730m yen': an amount of money" in w for w in warnings)


def test_a_sale_without_a_value_takes_the_one_price_written_with_its_items() -> None:
    text = (
        "Hungary ordered 20 H145M helicopters in a deal worth €700 million. "
        "Serbia received two Mi-35 helicopters from Russia, its defence minister said."
    )
    sales, warnings = assembled(
        text,
        answer("Airbus", "Hungary", ItemAnswer(name="H145M helicopters", quantity="20")),
        answer("Russia", "Serbia", ItemAnswer(name="Mi-35 helicopters", quantity="two")),
    )
    assert [(s.value.amount, s.value.currency) if s.value else None for s in sales] == [(700e6, "EUR"), None]
    assert sales[0].value is not None and sales[0].value.evidence in sales[0].evidence
    assert any("'€700 million': the price written with its items" in w for w in warnings)
    # An amount another sale has, or one written as something else (a budget), prices nothing more.
    taken = answer("Airbus", "Hungary", ItemAnswer(name="helicopters", quantity=None), value="€700 million")
    sales, _ = assembled(text, answer("Airbus", "Hungary", "H145M helicopters"), taken)
    assert [s.value is not None for s in sales] == [False, True]
    budget = "Hungary ordered 20 H145M helicopters from a budget of €700 million."
    [sale], _ = assembled(budget, answer("Airbus", "Hungary", "H145M helicopters"))
    assert sale.value is None


def test_an_amount_converted_in_brackets_before_the_word_deal_is_the_price() -> None:
    text = "Australia is to buy 12 Attack class submarines from France under a A$50 billion (U.S. $36 billion) deal."
    [sale], _ = assembled(
        text, answer("France", "Australia", ItemAnswer(name="Attack class submarines", quantity="12"))
    )
    assert sale.value is not None
    assert (sale.value.amount, sale.value.currency, sale.value.usd) == (50e9, "AUD", 36e9)
