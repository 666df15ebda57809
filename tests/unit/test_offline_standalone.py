"""The offline drafter keeps only sentences that read on their own in a reply."""

from __future__ import annotations

import pytest

from backend.drafting.offline import OfflineDrafter
from backend.drafting.standalone import (
    asks_for_given,
    fragment,
    leans_back,
    points_away,
    recounts_another_case,
    states_another_case,
    without_worked_examples,
)
from backend.drafting.text import Unit, clip, parts
from backend.redaction import seal
from backend.types import Source


def source(n: int, answer: str, kind: str = "doc", score: float = 0.7) -> Source:
    return Source(kind, f"s{n}", f"c{n}", f"Source {n}", None, f"text {n}", answer, score)  # type: ignore[arg-type]


def body(question: str, *sources: Source) -> str:
    """The draft's paragraphs between greeting and closing, markers included."""
    text = OfflineDrafter().draft(seal(question), list(sources)).text
    return "\n\n".join(text.split("\n\n")[1:-1])


@pytest.mark.parametrize(
    ("sentence", "away"),
    [
        ("If that fails, try the steps above.", True),
        ("Follow the instructions below to pair it.", True),
        ("This article explains how filters are billed.", True),
        ("Refunds go to Keel (see Pay in 4 and financing).", True),
        ("Repeat step 3 until the light turns blue.", True),
        ("Hold the button for ten seconds above the display.", False),
        ("Readings below 12 µg/m³ are shown in green.", False),
    ],
)
def test_when_a_sentence_points_at_a_document_layout_then_it_is_caught(
    sentence: str, away: bool
) -> None:
    assert points_away(sentence) is away


@pytest.mark.parametrize(
    ("unit", "said", "leans"),
    [
        (Unit("Both work; the first is quicker."), "", True),
        (Unit("Otherwise, reset the hub and pair again."), "", True),
        (Unit("Try either of them before calling us."), "", True),
        (Unit("Please give the carrier that reference."), "", True),
        (Unit("If you were charged after that date, contact us."), "", True),
        (Unit("If you used it during those 14 days, we refund it all."), "", True),
        (Unit("Tap Cancel and confirm.", "step", 2), "", True),
        (Unit("Open the app and go to Account.", "step", 1), "", False),
        (Unit("Send us that serial number and we check it."), "my serial number is", False),
        (Unit("Keep it unplugged this week while we check."), "", False),
        (Unit("Restart the router and wait two minutes."), "", False),
    ],
)
def test_when_a_sentence_leans_on_the_one_before_then_it_is_caught(
    unit: Unit, said: str, leans: bool
) -> None:
    assert leans_back(unit, said) is leans


@pytest.mark.parametrize(
    ("unit", "broken"),
    [
        (Unit("confirmation from the email address on the account."), True),
        (Unit("Delete all sleep data and withdraw consent,"), True),
        (Unit("Monthly payments to Keel Credit.", "bullet"), True),
        (Unit("Loss or theft.", "bullet"), True),
        (Unit("Damage to your home — even if a device was involved.", "bullet"), True),
        (Unit("Damage you caused on purpose.", "bullet"), True),
        (Unit("Whether you were approved, why you were declined, your limit."), True),
        (Unit("Which is why it stops.", ""), True),
        (Unit("Use one pad per side (left and right.", ""), True),
        (Unit("Unplug the hub for 30 seconds.", "bullet"), False),
        (Unit("Skip a delivery: tap Skip in the email.", "bullet"), False),
        (Unit("Filter type: change it any time before shipping.", "bullet"), False),
        (Unit("Refunds are sent to the original card.", "bullet"), False),
        (Unit("Monthly payments go to Keel Credit, not to us."), False),
    ],
)
def test_when_a_sentence_is_not_whole_then_it_is_a_fragment(unit: Unit, broken: bool) -> None:
    assert fragment(unit) is broken


@pytest.mark.parametrize(
    ("sentence", "message", "asked"),
    [
        (
            "Please reply with the last 4 digits of the card.",
            "It was the Visa ending 7716.",
            ["card digits"],
        ),
        (
            "Please reply with the last 4 digits of the card.",
            "Card: <CREDIT_CARD_1>",
            ["card digits"],
        ),
        (
            "Contact us with the serial number and a photo.",
            "Serial TWB2-6TJH-50318.",
            ["serial number"],
        ),
        (
            "Could you send your order number?",
            "My last order was ORD-2025-110382.",
            ["order number"],
        ),
        (
            "Please confirm the account email address.",
            "Account email: <EMAIL_ADDRESS_1>.",
            ["e-mail address"],
        ),
        ("Please reply with the last 4 digits of the card.", "I cannot log in.", []),
        ("Your serial number is on the label.", "Serial TWB2-6TJH-50318.", []),
    ],
)
def test_when_a_reply_asks_for_a_detail_then_it_is_caught_only_if_the_message_gives_it(
    sentence: str, message: str, asked: list[str]
) -> None:
    assert asks_for_given(sentence, message) == asked


@pytest.mark.parametrize(
    ("sentence", "message", "recounted"),
    [
        ("You sent us a photo of the cracked lid, which helps.", "My kettle leaks.", True),
        ("As you described, the fan rattles at full speed.", "My heater won't start.", True),
        ("The plan renewed, so you paid twice for May.", "Why is my bill higher?", True),
        ("You were billed after you cancelled.", "How do I cancel?", True),
        ("You've given the account email, thanks.", "I cannot log in.", True),
        ("Your screenshot shows an expired certificate.", "The app says error.", True),
        ("Since you've already reinstalled the app, try a full reset.", "App crashes.", True),
        ("You paid 12.50 on 3 May for the upgrade.", "I paid 14.00 on 9 June for it.", True),
        # conditions and time clauses are advice for anyone
        ("If you've already restarted the modem, hold reset for ten seconds.", "", False),
        ("Unless you changed the password, the old one still works.", "", False),
        ("Cancel within 14 days for a refund if you haven't used the voucher.", "", False),
        ("If you bought it abroad, you paid the VAT of that country.", "", False),
        ("Once you've updated the firmware, pair the speaker again.", "", False),
        ("The voucher sent when you ordered is valid for a year.", "", False),
        # not a recount: a relative clause, "you" as object, a question, the present
        ("We refund anything you've overpaid within a week.", "", False),
        ("We've emailed you a return label.", "", False),
        ("Have you tried another charging cable?", "", False),
        ("You can change the delivery day in the app.", "", False),
        ("You need to reset the router first.", "", False),
        ("Your kettle descales itself every month.", "", False),
        # what any customer's statement or bank will show, and "you'd" as "you would"
        ("Your statement will show the refund within 5 days.", "My card was charged.", False),
        ("Your bank may show a pending charge for a day.", "Charged twice?", False),
        ("Your invoice should say Keel Credit.", "Who is this charge from?", False),
        ("Then you'd put the code in the box.", "Where does the code go?", False),
        # borne out by the new customer's own message
        ("You've sent the order number, thanks.", "Order ORD-55120 never came.", False),
        (
            "You mentioned the speaker crackles at high volume.",
            "My speaker crackles at high volume since Monday.",
            False,
        ),
    ],
)
def test_when_a_sentence_recounts_what_a_customer_did_then_it_is_caught_unless_borne_out(
    sentence: str, message: str, recounted: bool
) -> None:
    assert recounts_another_case(sentence, message) is recounted


RECOUNTING_PRECEDENT = source(
    1,
    "You mentioned the kettle clicks off before it boils. Descale the kettle with citric acid "
    "and run two full boils with fresh water.",
    kind="ticket",
)


def test_when_a_precedent_recounts_its_own_customer_then_the_draft_leaves_it_out() -> None:
    text = body("Kettle tastes of limescale, how do I descale it?", RECOUNTING_PRECEDENT)
    assert text == (
        "Descale the kettle with citric acid and run two full boils with fresh water. [1]"
    )


def test_when_the_new_message_bears_the_recount_out_then_the_draft_keeps_it() -> None:
    text = body("My kettle clicks off before it boils. Descale?", RECOUNTING_PRECEDENT)
    assert "You mentioned the kettle clicks off before it boils." in text


@pytest.mark.parametrize(
    ("sentence", "message", "stated"),
    [
        # the customer's account with one customer's value: a plan, a date, money, an age
        ("You're on the yearly plan, so the next charge falls in June.", "", True),
        ("You’re still on the basic plan.", "", True),
        ("Your kettle is 20 months old, so the warranty has ended.", "", True),
        ("Your parcel left our warehouse on 12 August.", "", True),
        ("Unfortunately, your plan renews on 2 May.", "", True),
        ("Your balance is €14.20 after the refund.", "", True),
        # the agent's own actions on that case
        ("I've asked the courier to collect the box.", "", True),
        ("We sent a new charging cable last week.", "", True),
        ("I have cancelled the order and refunded the card.", "", True),
        ("Good news: we found the missing parcel at the depot.", "", True),
        # promises and possibilities, which any reply may make
        ("I'll check this with the team and get back to you.", "", False),
        ("We'll send a replacement once the courier confirms.", "", False),
        ("You can cancel any time before 1 March.", "", False),
        ("You may return it by 2 May.", "", False),
        # durations and facts without a value are anyone's
        ("You have a 30-day return window from delivery.", "", False),
        ("Your warranty covers 2 years from delivery.", "", False),
        ("Your kettle descales itself every month.", "", False),
        ("Prices rose to $12 on 1 May for everyone.", "", False),
        # conditions, questions, time and relative clauses
        ("If we charged you twice, the second payment is refunded automatically.", "", False),
        ("Have we sent you the return label yet?", "", False),
        ("Once we've received the speaker, we test it within 3 days.", "", False),
        ("The label that we emailed is valid for 14 days.", "", False),
        # borne out by the new customer's own message
        ("Your order shipped on 4 June.", "My order shipped on 4 June and has not come.", False),
        (
            "You're on the family plan, which covers five speakers.",
            "I'm on the family plan and have five speakers; can I add a sixth?",
            False,
        ),
    ],
)
def test_when_a_sentence_states_a_fact_of_its_own_case_then_it_is_caught_unless_borne_out(
    sentence: str, message: str, stated: bool
) -> None:
    assert states_another_case(sentence, message) is stated


CASE_REPLY = (
    "You're on the basic plan until you upgrade in the app. I've moved your speakers to the "
    "new room. I'll check the room limit with the team. Each plan holds up to eight speakers."
)


def test_when_a_precedent_states_its_own_case_then_the_draft_leaves_it_out() -> None:
    text = body("How many speakers can my plan hold?", source(1, CASE_REPLY, kind="ticket"))
    assert text == (
        "I'll check the room limit with the team. Each plan holds up to eight speakers. [1]"
    )


def test_when_a_help_centre_article_says_the_same_then_the_draft_keeps_it() -> None:
    text = body("How many speakers can my plan hold?", source(1, CASE_REPLY, kind="doc"))
    assert "You're on the basic plan until you upgrade in the app." in text


def test_when_the_new_message_bears_the_statement_out_then_the_draft_keeps_it() -> None:
    precedent = source(
        1, "Your order shipped on 4 June. Parcels take up to five days.", kind="ticket"
    )
    text = body("My order shipped on 4 June and has not come.", precedent)
    assert text == "Your order shipped on 4 June. Parcels take up to five days. [1]"


@pytest.mark.parametrize(
    "example",
    [
        "**Example:**\nYou pay 10 on 1 June.\nOn 11 June you upgrade to the yearly plan.\n",
        "Example: you pay 10 on 1 June.\nOn 11 June you upgrade to the yearly plan.\n",
    ],
)
def test_a_worked_example_is_left_out_whole_up_to_its_paragraphs_end(example: str) -> None:
    article = f"Upgrades cost the difference.\n\n{example}\nRefunds take 5 days.\n- Or ask us.\n"
    assert without_worked_examples(article) == (
        "Upgrades cost the difference.\n\n\nRefunds take 5 days.\n- Or ask us.\n"
    )


def test_when_a_source_has_a_worked_example_then_its_made_up_figures_are_left_out() -> None:
    article = (
        "Upgrades are charged the difference for the days left.\n\n"
        "**Example:** You pay 10 on 1 June. On 11 June you upgrade to the yearly plan.\n"
    )
    assert without_worked_examples(article) == (
        "Upgrades are charged the difference for the days left.\n\n"
    )
    text = body("upgrade yearly plan June charged days", source(2, article))
    assert text == "Upgrades are charged the difference for the days left. [1]"


PRECEDENT = source(
    1,
    "We can remove 2FA after verifying your identity. To finish, please reply with the last "
    "4 digits of the card used on your last order. Once you're back in, set up 2FA again.",
    kind="ticket",
)


def test_when_the_ticket_gives_the_detail_then_the_draft_does_not_ask_for_it() -> None:
    text = body("Locked out of 2FA\n\nIt was the Visa ending 7716.", PRECEDENT)
    assert "last 4 digits" not in text
    assert "We can remove 2FA after verifying your identity." in text


def test_when_the_ticket_lacks_the_detail_then_the_draft_still_asks_for_it() -> None:
    assert "last 4 digits" in body("Locked out of 2FA, new phone", PRECEDENT)


def test_when_a_leaning_sentence_follows_its_antecedent_then_both_are_kept() -> None:
    fixes = source(
        3, "There are two fixes for E-104 on the purifier. Both work; the first is quicker."
    )
    text = body("fixes E-104 purifier work quicker", fixes)
    assert "There are two fixes for E-104 on the purifier. Both work; the first is quicker." in text


def test_when_a_leaning_sentence_would_stand_first_then_it_is_left_out() -> None:
    fixes = source(3, "Both work; the first is quicker. Restart the router before pairing again.")
    text = body("which fixes work quicker when pairing", fixes)
    assert text == "Restart the router before pairing again. [1]"


STEPS = "1. Open the app and go to **Device > Wi-Fi**.\n2. Tap *Forget network* and pair again."


def test_when_a_step_and_the_one_before_are_chosen_then_they_keep_their_order() -> None:
    text = body("open app device wifi forget network pair", source(4, STEPS))
    assert text == "Open the app and go to Device > Wi-Fi. Tap Forget network and pair again. [1]"


def test_when_a_later_step_would_stand_without_the_one_before_then_it_is_left_out() -> None:
    steps = (
        "1. Go.\n2. Tap *Forget network* and pair the purifier again.\n\nPairing takes a minute."
    )
    text = body("forget network pair purifier again", source(4, steps))
    assert "Forget network" not in text


@pytest.mark.parametrize(
    ("markdown", "plain_text"),
    [
        ("Open **Device > About** and tap *Firmware*.", "Open Device > About and tap Firmware."),
        ("See [the guide](https://x.example/a) or `E-104`.", "See the guide or E-104."),
        (
            "## Pairing\n\n- Hold the button for _ten_ seconds.",
            "Pairing Hold the button for ten seconds.",
        ),
        ("Set max_speed to 3 * 2 levels.", "Set max_speed to 3 * 2 levels."),
    ],
)
def test_when_a_snippet_has_markdown_then_it_reads_as_plain_text(
    markdown: str, plain_text: str
) -> None:
    assert clip(markdown) == plain_text


def test_when_a_list_item_has_two_sentences_then_only_the_first_opens_the_item() -> None:
    found = parts("- **Two sleepers?** Use one pad per side.\n2. Tap *Skip*.")
    assert found == [
        Unit("Two sleepers?", "bullet"),
        Unit("Use one pad per side."),
        Unit("Tap Skip.", "step", 2),
    ]
