"""A sale's seller and buyer set right by the article's own wording, when the model's answer has them
wrong or missing (core/assemble/_sales.py, _direction.py). Texts are from the dev news articles."""

from __future__ import annotations

import pytest

from arms_extract.core.answer import ItemAnswer
from arms_extract.records import Sale

from .answers import answer, assembled


def sales_of(
    text: str, seller: str | None, buyer: str | None, *items: ItemAnswer, value: str | None = None, status: str | None
) -> tuple[list[Sale], list[str]]:
    """The sales assembled from a one-sale answer, and the warnings."""
    return assembled(text, answer(seller, buyer, *items, value=value, status=status))


def one_sale(text: str, seller: str | None, buyer: str | None, item: str) -> tuple[Sale, list[str]]:
    [sale], warnings = sales_of(text, seller, buyer, ItemAnswer(name=item, quantity=None), status="to acquire")
    return sale, warnings


POLAND = (
    "Poland's armed forces are to acquire 16 new helicopters this year. The aircraft will include two "
    "Black Hawk helos, and the remaining 14 will be selected among offers by Lockheed Martin and Airbus."
)


def test_a_lone_seller_the_article_writes_buys_is_the_buyer() -> None:
    sale, warnings = one_sale(POLAND, seller="Poland", buyer=None, item="Black Hawk helos")
    assert (sale.seller_country, sale.buyer_country) == (None, "POL")
    assert any("is the buyer" in w for w in warnings)


def test_a_buying_seller_with_a_body_of_no_country_as_buyer_is_the_buyer() -> None:
    """From a dev article: the model sold France's submarine to France's own ministry."""
    text = (
        "PARIS ― France is to acquire a fifth Barracuda nuclear attack submarine, the Armed Forces "
        "Ministry confirmed in a May 7 statement."
    )
    sale, warnings = one_sale(
        text, seller="France", buyer="the Armed Forces Ministry", item="Barracuda nuclear attack submarine"
    )
    assert (sale.seller_country, sale.buyer_country) == (None, "FRA")
    assert any("'France' is the buyer" in w for w in warnings)
    # A company of no known country given as buyer is no body of the state: the contract turns it round.
    text = (
        "The United States Department of Defence has awarded DCD Protected Mobility a contract for Husky "
        "vehicles. The United States is to acquire 12 more Husky vehicles next year."
    )
    sale, _ = one_sale(
        text, seller="The United States Department of Defence", buyer="DCD Protected Mobility", item="Husky vehicles"
    )
    assert (sale.seller, sale.buyer_country) == ("dcd-protected-mobility", "USA")


def test_a_lone_seller_that_also_sells_stays_seller() -> None:
    text = POLAND + " Poland also exports its Piorun missiles to the Baltic states."
    sale, _ = one_sale(text, seller="Poland", buyer=None, item="Black Hawk helos")
    assert (sale.seller_country, sale.buyer_country) == ("POL", None)


HORNETS = (
    "On Feb. 16, the Royal Canadian Air Force (RCAF) accepted the first two of 25 Australian F/A-18A Hornet "
    "fighter aircraft at 4 Wing Cold Lake. The federal government is acquiring the 30-year-old jets."
)


def test_items_made_by_the_models_buyer_swap_the_parties() -> None:
    sale, warnings = one_sale(HORNETS, seller="the Royal Canadian Air Force", buyer="Australia", item="F/A-18A Hornet")
    assert (sale.seller_country, sale.buyer_country) == ("AUS", "CAN")
    assert any("swapped" in w for w in warnings)


def test_a_make_written_before_the_words_an_acronym_stands_for_swaps_the_parties() -> None:
    """ "a deal for leasing Israel-built unmanned aerial vehicles (UAV)": the model's item "UAV" and
    its buyer "Israel"; the make is written before the words "UAV" stands for."""
    text = (
        "The German Ministry of Defense is looking to reviving a deal for leasing Israel-built unmanned aerial "
        "vehicles (UAV), after the Budget Committee decided to postpone the acquisition."
    )
    sale, warnings = one_sale(text, seller="German", buyer="Israel", item="UAV")
    assert (sale.seller_country, sale.buyer_country) == ("ISR", "DEU")
    assert any("swapped" in w for w in warnings)


def test_a_state_not_written_with_the_items_gives_way_to_the_maker_in_their_name() -> None:
    """Belgium joined the Dutch and Luxembourg order; the model had it sell them the tankers. Airbus
    is no Belgian maker, and Belgium is not written with the items."""
    text = (
        "Belgium joined a multinational effort to acquire a fleet of tanker aircraft. The project was launched "
        "in July 2016 through an order of two Airbus A330 MRTT aircraft by the Netherlands."
    )
    sale, warnings = one_sale(text, seller="Belgium", buyer="the Netherlands", item="Airbus A330 MRTT aircraft")
    assert (sale.seller, sale.seller_country, sale.buyer_country) == ("airbus", None, "NLD")
    assert any("replaced by 'Airbus'" in w for w in warnings)
    # One of the maker's own countries stays the seller ("France" for Airbus helicopters).
    text = "France is to supply helicopters. Kuwait ordered 30 Airbus H225M helicopters in 2016."
    sale, _ = one_sale(text, seller="France", buyer="Kuwait", item="Airbus H225M helicopters")
    assert (sale.seller_country, sale.buyer_country) == ("FRA", "KWT")


def test_a_party_written_far_away_is_found_in_another_form_near_the_items() -> None:
    """The model's "the United States" is written so only in the last paragraph; "The United
    States has offered Niger an ex-US Air Force WC-130H" opens the article."""
    text = (
        "The United States has offered Niger an ex-US Air Force WC-130H Hercules aircraft under its Excess "
        "Defense Articles (EDA) programme." + " The aircraft was used in weather reconnaissance." * 40 + " Still, "
        "the United States is supplying a C-130 wing set to Niger."
    )
    sale, warnings = one_sale(text, seller="the United States", buyer="Niger", item="WC-130H Hercules aircraft")
    assert (sale.seller_country, sale.buyer_country) == ("USA", "NER")
    assert [span.text for span in sale.evidence if span.start < 20] == ["United States"]
    assert not any("characters from the sale's items" in w for w in warnings)


def test_a_party_is_never_grounded_inside_another_word() -> None:
    """ "the US" is not "the us" of "the user": no seller, rather than a country read off a word."""
    text = "Niger has received a WC-130H Hercules aircraft, said the user of the base."
    sale, _ = one_sale(text, seller="the US", buyer="Niger", item="WC-130H Hercules aircraft")
    assert (sale.seller, sale.seller_country, sale.buyer_country) == (None, None, "NER")


def test_a_notice_title_naming_the_buyer_before_the_items_is_not_a_maker() -> None:
    text = (
        "Iraq \u2013 Light Armored Vehicles\n\nWASHINGTON, Dec 2, 2016 - The State Department has made a "
        "determination approving a possible Foreign Military Sale to the Government of Iraq for Light Armored "
        "Vehicles. The Defense Security Cooperation Agency delivered the required certification notifying Congress."
    )
    sale, _ = one_sale(text, seller=None, buyer="Iraq", item="Light Armored Vehicles")
    assert (sale.seller_country, sale.buyer_country) == ("USA", "IRQ")


def test_a_seller_written_as_where_the_items_come_from() -> None:
    text = "Turkey has started to receive the second batch of CH-47 Chinook helicopters from the U.S. on Saturday."
    sale, _ = one_sale(text, seller=None, buyer="Turkey", item="CH-47 Chinook helicopters")
    assert (sale.seller_country, sale.buyer_country) == ("USA", "TUR")
    assert sale.seller_inferred and sale.seller_inference is not None
    assert "from the U.S." in sale.seller_inference.text


def test_a_source_written_in_initials_with_full_stops() -> None:
    text = "The missiles will be installed on the CVR(T) vehicles Latvia purchased from the U.K., the ministry said."
    sale, _ = one_sale(text, seller=None, buyer="Latvia", item="CVR(T) vehicles")
    assert (sale.seller_country, sale.buyer_country) == ("GBR", "LVA")


@pytest.mark.parametrize(
    "text",
    [
        # From the buyer's own country.
        "Turkey has started to receive CH-47 Chinook helicopters from Turkey's own stocks.",
        # "from" in an idiom.
        "Apart from Russia, Turkey will receive CH-47 Chinook helicopters this year.",
    ],
)
def test_a_from_that_names_no_source_gives_no_seller(text: str) -> None:
    sale, _ = one_sale(text, seller=None, buyer="Turkey", item="CH-47 Chinook helicopters")
    assert sale.seller_country is None


def test_aid_and_a_treaty_are_no_sale_even_with_an_amount() -> None:
    text = (
        "Egypt receives $1.3 billion a year in US military aid under the Egypt\u2013Israel Peace Treaty, "
        "the minister said."
    )
    sales, warnings = sales_of(
        text,
        "US",
        "Egypt",
        ItemAnswer(name="US military aid", quantity=None),
        ItemAnswer(name="Egypt\u2013Israel Peace Treaty", quantity=None),
        value="$1.3 billion",
        status="receives",
    )
    assert sales == []
    assert any("aid, a budget or a treaty" in w for w in warnings)


def test_a_budget_line_beside_a_weapon_leaves_the_weapon() -> None:
    text = "The budget moves Foreign Military Financing and 12 Black Hawk helicopters to Armenia."
    [sale], _ = sales_of(
        text,
        None,
        "Armenia",
        ItemAnswer(name="Foreign Military Financing", quantity=None),
        ItemAnswer(name="Black Hawk helicopters", quantity="12"),
        status=None,
    )
    assert [(i.name, i.quantity) for i in sale.items] == [("Black Hawk helicopters", 12)]


def test_a_state_selling_to_itself_loses_the_seller_not_the_sale() -> None:
    text = "The Algerian military is operating the Russian TOS-1A rocket launcher, another purchase by Algeria."
    item = ItemAnswer(name="TOS-1A rocket launcher", quantity=None)
    [sale], warnings = sales_of(text, "Algeria", "Algeria", item, status="purchase")
    # The seller the items' make names replaces the buyer's own state.
    assert (sale.seller_country, sale.buyer_country) == ("RUS", "DZA")
    assert any("the buyer's own state" in w for w in warnings)


def test_the_buyers_own_country_as_seller_is_cleared() -> None:
    sale, warnings = one_sale(POLAND, seller="Poland", buyer="Poland's armed forces", item="Black Hawk helos")
    assert (sale.seller_country, sale.buyer_country) == (None, "POL")


def test_the_make_written_on_another_mention_of_the_model_names_the_seller() -> None:
    text = (
        "The Ivory Coast Air Force is now operating Antonov An-26Bs, with two recently delivered. "
        "Scramble reports that two former Bulgarian An-26s were delivered to Abidjan via Tunisia on 19 July."
    )
    sale, _ = one_sale(text, seller=None, buyer="Ivory Coast", item="Antonov An-26Bs")
    assert (sale.seller_country, sale.buyer_country) == ("BGR", "CIV")
    assert sale.seller_inference is not None and "Bulgarian An-26s" in sale.seller_inference.text


def test_the_dateline_country_is_where_the_story_was_filed_not_a_party() -> None:
    text = (
        "WARSAW, Poland \u2014 Czech Defence Minister Lubomir Metnar has announced the ministry's plans. "
        "Next year, the country aims to purchase 210 infantry fighting vehicles."
    )
    sale, warnings = one_sale(text, seller=None, buyer="Poland", item="210 infantry fighting vehicles")
    assert sale.buyer_country is None
    assert any("dateline" in w for w in warnings)


@pytest.mark.parametrize(
    ("dateline", "buyer"),
    [
        ("NEW DELHI: ", "New Delhi"),
        ("NEW DELHI \u2014 ", "India"),
        ("COLOGNE, Germany \u2015 ", "Germany"),
        ("WASHINGTON (Reuters) - ", "Washington"),
        # A city in mixed case before a colon.
        ("Sydney: ", "Sydney"),
    ],
)
def test_a_capital_or_a_city_in_the_dateline_is_no_party(dateline: str, buyer: str) -> None:
    """ "NEW DELHI: The Defence Production Board ...": the capital names India only as where the story
    was filed (the model's buyer "India" was grounded there); also after a horizontal bar."""
    text = dateline + "The board is yet to decide on the Future Infantry Combat Vehicle (FICV) project."
    sale, warnings = one_sale(text, seller=None, buyer=buyer, item="Future Infantry Combat Vehicle (FICV)")
    assert sale.buyer is None and sale.buyer_country is None
    assert any(f"buyer {buyer!r}: " in w for w in warnings)


def test_a_maker_given_as_buyer_by_a_state_as_seller_is_the_seller() -> None:
    """ "the Dutch shipyard Damen ... is in the running for the German Navy's Mehrzweckkampfschiff 180"
    was answered as Germany selling to Damen: states buy from makers."""
    text = "The German Navy has ordered Mehrzweckkampfschiff 180 frigates from the Dutch shipyard Damen."
    [sale], warnings = sales_of(
        text, "Germany", "Damen", ItemAnswer(name="Mehrzweckkampfschiff 180 frigates", quantity=None), status="ordered"
    )
    assert (sale.seller, sale.buyer_country) == ("damen", "DEU")
    assert any("'Damen' is a maker, not a buyer" in w for w in warnings)
    # A maker from the table: "BMC" is not in it, "Boeing" is.
    text = "Turkey is to acquire two frigates from Boeing, the ministry said."
    sale, warnings = one_sale(text, seller="Turkey", buyer="Boeing", item="frigates")
    assert sale.buyer_country == "TUR"


def test_a_maker_of_several_countries_given_as_buyer_is_the_seller() -> None:
    """ "the cabinet of the Luxembourg government agreed to acquire two Airbus 145M multi-role
    helicopters" was answered as Luxembourg selling to Airbus: Airbus has no one country, and is a
    maker all the same."""
    text = "On Friday, Luxembourg agreed to acquire two Airbus 145M multi-role helicopters for its army."
    sale, warnings = one_sale(text, seller="Luxembourg", buyer="Airbus", item="Airbus 145M multi-role helicopters")
    assert (sale.seller, sale.seller_country, sale.buyer_country) == ("airbus", None, "LUX")
    assert any("'Airbus' is a maker, not a buyer" in w for w in warnings)


def test_a_party_named_in_the_dateline_and_again_later_is_kept_at_the_later_mention() -> None:
    text = "ANKARA, Turkey \u2014 Turkey has signed a contract for 250 Altay tanks with BMC."
    sale, _ = one_sale(text, seller="BMC", buyer="Turkey", item="Altay tanks")
    assert sale.buyer_country == "TUR"
    assert [span.start for span in sale.evidence if span.text == "Turkey"] == [text.index("Turkey has")]


def test_a_continent_is_not_the_country_whose_name_holds_it() -> None:
    """ "Africa" as buyer once came out as South Africa (an actor whose name contains it): a value the
    article does not state (found on the working sample, eval/work_dev_ids.txt)."""
    text = (
        "China, the United States and France are more militarily engaged in Africa than is China. Since 2008, "
        "China has contributed two frigates and a supply ship to anti-piracy operations. South Africa hosted "
        "a naval exercise with China and Russia last year."
    )
    sale, _ = one_sale(text, seller="China", buyer="Africa", item="frigates")
    assert (sale.seller_country, sale.buyer_country) == ("CHN", None)


HUSKY = (
    "The United States Department of Defence (DoD) has awarded Chemring Sensors a $92 million contract for the "
    "procurement of Husky mine detection vehicles, which are built by DCD Protected Mobility."
)


def test_the_party_that_awards_the_contract_is_the_buyer() -> None:
    sale, warnings = one_sale(HUSKY, seller="The United States Department of Defence", buyer="Chemring Sensors",
                              item="Husky mine detection vehicles")  # fmt: skip
    assert sale.buyer_country == "USA" and sale.seller is not None and "chemring" in sale.seller
    assert any("awarded the contract" in w for w in warnings)
    awarded = "Saab has been awarded a contract by Sweden for Carl-Gustaf M4 recoilless rifles."
    sale, _ = one_sale(awarded, seller="Saab", buyer="Sweden", item="Carl-Gustaf M4 recoilless rifles")
    assert (sale.seller, sale.buyer) == ("saab", "sweden")  # awarded a contract: the seller stays


def test_no_party_sells_to_itself() -> None:
    text = "DCD Protected Mobility delivered 12 Husky vehicles worth $20 million."
    sale, warnings = one_sale(
        text, seller="DCD Protected Mobility", buyer="DCD Protected Mobility", item="Husky vehicles"
    )
    assert sale.seller is None and sale.buyer is not None
    assert any("the buyer itself, not a seller" in w for w in warnings)


@pytest.mark.parametrize(
    ("text", "seller", "buyer", "item", "expected"),
    [
        # "Egypt went on to buy two Mistral helicopter carriers, which France had bought back from
        # Russia": France buys there from Russia, which is no sign that France buys from Qatar.
        (
            "Egypt went on to buy two Mistral helicopter carriers, which France had bought back from Russia. "
            "Qatar exercised an option in December for 12 more Rafale fighters from Dassault of France.",
            "France", "Qatar", "Rafale fighters", ("FRA", "QAT"),
        ),
        # "BAF Signs Deal with China to Procure Training Jets": the air force procures, not China.
        (
            "BAF Signs Deal with China to Procure Training Jets\n"
            "Bangladesh Air Force (BAF) has signed a contract with China for K-8W jet trainer aircraft.",
            "China", "Bangladesh Air Force", "K-8W jet trainer aircraft", ("CHN", "BGD"),
        ),
    ],
)  # fmt: skip
def test_a_purchase_by_another_party_says_nothing_of_this_sales_direction(
    text: str, seller: str, buyer: str, item: str, expected: tuple[str, str]
) -> None:
    sales, warnings = sales_of(text, seller, buyer, ItemAnswer(name=item, quantity=None), status="signed")
    assert (sales[0].seller_country, sales[0].buyer_country) == expected
    assert not any("swapped" in w for w in warnings)


def test_the_client_a_country_is_written_to_be_buys() -> None:
    """Spain's export report: "Germany was Spain's top client", answered as Germany selling to Spain
    ("Spain's top client" alone is no purchase by Spain: it would have kept the model's way)."""
    text = "Germany was Spain's top client last year, purchasing €1.2 billion worth of weapons."
    [sale], warnings = sales_of(text, "Germany", "Spain", ItemAnswer(name="weapons", quantity=None),
                                value="€1.2 billion", status=None)  # fmt: skip
    assert (sale.seller_country, sale.buyer_country) == ("ESP", "DEU")
    assert any("swapped" in w for w in warnings)


def test_the_items_make_stands_for_a_seller_taken_from_another_sale() -> None:
    # The model gave the S-400s the seller of the Patriots; the article writes them Russian.
    text = (
        "The US offered Turkey Patriot missiles in December, and officials in Washington were unhappy. "
        "Turkey signed a deal for Russian S-400 air defense systems last year."
    )
    sale, warnings = one_sale(text, seller="The US", buyer="Turkey", item="S-400 air defense systems")
    assert (sale.seller_country, sale.buyer_country) == ("RUS", "TUR")
    assert any("the items' make" in w for w in warnings)
    assert "The US" not in [span.text for span in sale.evidence]


def test_the_models_seller_stands_when_written_with_the_items() -> None:
    # A second-hand sale of Russian-made systems.
    text = "Turkey bought Russian S-400 air defense systems from Belarus last year."
    sale, _ = one_sale(text, seller="Belarus", buyer="Turkey", item="S-400 air defense systems")
    assert sale.seller_country == "BLR"


def test_a_seller_not_written_with_items_of_several_makes_gives_way_to_each_make() -> None:
    text = "Belarus will act for the deal. Turkey gets Russian S-400 systems and Chinese HQ-9 systems this year."
    sales, _ = sales_of(
        text,
        "Belarus",
        "Turkey",
        ItemAnswer(name="S-400 systems", quantity=None),
        ItemAnswer(name="HQ-9 systems", quantity=None),
        status="gets",
    )
    assert sorted(sale.seller_country or "" for sale in sales) == ["CHN", "RUS"]


def test_a_seller_written_with_items_of_several_makes_sells_them_all() -> None:
    # A second-hand sale: the seller is stated with the items, whatever their make.
    text = "Jordan sold Pakistan its US-made F-16 jets and French Mirage jets last year."
    [sale], _ = sales_of(
        text,
        "Jordan",
        "Pakistan",
        ItemAnswer(name="F-16 jets", quantity=None),
        ItemAnswer(name="Mirage jets", quantity=None),
        status="sold",
    )
    assert sale.seller_country == "JOR"


def test_a_states_own_production_is_no_sale() -> None:
    text = (
        "President Museveni launched an armoured vehicle facility in Uganda, which is currently producing "
        "the Nyoka armoured personnel carrier for Uganda's forces."
    )
    sales, warnings = sales_of(
        text, "Uganda", "Uganda", ItemAnswer(name="Nyoka armoured personnel carrier", quantity=None), status="launched"
    )
    assert sales == []
    assert any("own production" in w for w in warnings)


def test_a_weapon_in_development_is_no_sale_unless_a_transfer_is_written() -> None:
    """ "Japan and the United Kingdom are pushing ahead with the co-development of a Joint New
    Air-to-Air Missile (JNAAM)" was answered as the UK selling it to Japan."""
    text = (
        "Japan and the United Kingdom are pushing ahead with the co-development of a Joint New Air-to-Air "
        "Missile (JNAAM) with a prototype expected to be built next year."
    )
    item = ItemAnswer(name="Joint New Air-to-Air Missile (JNAAM)", quantity=None)
    sales, warnings = sales_of(text, "the United Kingdom", "Japan", item, status=None)
    assert sales == []
    assert any("in development" in w for w in warnings)
    # A weapon still in development that a country orders is sold all the same.
    text = "Japan ordered 40 of the missiles, which are still under development in the UK."
    sales, _ = sales_of(text, "the UK", "Japan", ItemAnswer(name="missiles", quantity="40"), status="ordered")
    assert [(s.seller_country, s.buyer_country) for s in sales] == [("GBR", "JPN")]


@pytest.mark.parametrize(
    ("text", "state", "item", "seller"),
    [
        # Production under licence from another country: a transfer, its seller written.
        (
            "India will assemble the Su-30MKI fighter jets under licence from Russia, India said.",
            "India",
            "Su-30MKI fighter jets",
            "RUS",
        ),
        # Production at home is not written: the state's own name as seller is the model's slip.
        (
            "The Algerian military is operating the TOS-1A rocket launcher, Algeria said.",
            "Algeria",
            "TOS-1A rocket launcher",
            None,
        ),
    ],
)
def test_own_state_as_seller_without_production_at_home_keeps_the_sale(
    text: str, state: str, item: str, seller: str | None
) -> None:
    [sale], _ = sales_of(text, state, state, ItemAnswer(name=item, quantity=None), status=None)
    assert sale.seller_country == seller


def test_items_of_several_makes_are_a_sale_per_make() -> None:
    # The model's seller is written apart from the items: it gave the package the first item's source.
    text = (
        "Ghana bought four Harbin Z9 utility helicopters, two Russian-made Mi-35 attack helicopters "
        "and two Spanish C295 airlifters for $68 million. China trained the crews."
    )
    sales, warnings = sales_of(
        text,
        "China",
        "Ghana",
        ItemAnswer(name="Harbin Z9 utility helicopters", quantity="four"),
        ItemAnswer(name="Mi-35 attack helicopters", quantity="two"),
        ItemAnswer(name="C295 airlifters", quantity="two"),
        value="$68 million",
        status="bought",
    )
    by_seller = {sale.seller_country: sale for sale in sales}
    assert sorted(by_seller) == ["CHN", "ESP", "RUS"]
    assert {sale.buyer_country for sale in sales} == {"GHA"}
    assert [item.name for item in by_seller["RUS"].items] == ["Mi-35 attack helicopters"]
    # The price stays with the model's sale; each part's seller is the make written on its items.
    assert by_seller["CHN"].value is not None and by_seller["RUS"].value is None
    assert by_seller["ESP"].seller_inferred and by_seller["ESP"].seller_inference is not None
    assert all(text[s.start : s.end] == s.text for sale in sales for s in sale.evidence)
    # Each part's evidence holds its own items, not the other parts'.
    assert not any("Mi-35" in s.text for s in by_seller["CHN"].evidence)
    assert any("split by the make" in w for w in warnings)


def test_items_of_one_make_stay_one_sale() -> None:
    text = "Ghana bought two Russian-made Mi-35 attack helicopters and two Russian Mi-17 helicopters from Russia."
    sales, _ = sales_of(
        text,
        "Russia",
        "Ghana",
        ItemAnswer(name="Mi-35 attack helicopters", quantity="two"),
        ItemAnswer(name="Mi-17 helicopters", quantity="two"),
        status="bought",
    )
    assert [(s.seller_country, len(s.items)) for s in sales] == [("RUS", 2)]
