"""After registration: activation email not received, resend, correct the address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from actions.activation import (
    ActionActivationHelp,
    ActionChangeEmail,
    ActionRequestActivation,
    ActionResendActivation,
    ValidateActivationRequestForm,
    ValidateEmailChangeForm,
)
from bot import db
from bot.models import Account, ActivationToken, MailRequest
from bot.settings import get_settings
from tests.actions.form_helpers import confirm
from tests.actions.helpers import (
    ACME,
    ACME_CODE,
    OTHER_CODE,
    OTHER_COMPANY,
    UK_CODE,
    UK_COMPANY,
    accounts,
    completed_registration,
    count,
    draft,
    make_tracker,
    outbox,
    rendered,
    responses,
    run,
    said,
    save_password_hash,
    slot_events,
)
from tests.factories import add_account

EMAIL = "jean.dupont@acme.fr"


@pytest.fixture
def account(domain, invite):
    """An account created in conversation conv-1 (its activation mail is in the outbox)."""

    async def create():
        invite()
        save_password_hash()
        await confirm(domain, completed_registration())
        [created] = accounts()
        return created

    return create


@pytest.fixture
def taken_address(domain, invite):
    """conv-1 registered with an address that already had an account (created in conv-0):
    it was told "account created" like anyone, and nothing was created for it."""

    async def register():
        invite()
        invite(company=OTHER_COMPANY, code=OTHER_CODE, customer="Beta")
        for sender_id, company, code in [
            ("conv-0", ACME, ACME_CODE),
            ("conv-1", OTHER_COMPANY, OTHER_CODE),
        ]:
            save_password_hash(sender_id)
            slots = completed_registration(company_id=company.value, invitation_code=code)
            dispatcher, _, _ = await confirm(domain, slots, sender_id=sender_id)
            assert responses(dispatcher) == ["utter_account_created"]
        assert outbox() == [("activation", EMAIL), ("account_exists", EMAIL)]

    return register


def all_tokens() -> list[ActivationToken]:
    with db.session_scope() as session:
        return list(session.scalars(select(ActivationToken).order_by(ActivationToken.id)))


def tracker_after_registration(domain, **slots):
    return make_tracker(
        domain, slots={"registered_email": EMAIL, **slots}, intent="inform", active_loop=None
    )


# --- activation help ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "last_line"),
    [
        (
            "fr",
            "- en faisant une recherche dans votre boîte email avec l'adresse à l'origine des "
            "emails : **noreply@sis-id.com**.",
        ),
        (
            "en",
            "- by searching your mailbox for the address the emails come from: "
            "**noreply@sis-id.com**.",
        ),
    ],
)
async def test_help_without_account_here_goes_on_to_ask_the_address(
    domain, database, language, last_line
):
    """A returning supplier: the checklist, then a rule starts activation_request_form."""
    tracker = make_tracker(domain, slots={"language": language}, active_loop=None)
    dispatcher, events = await run(ActionActivationHelp(), tracker, domain)

    assert said(dispatcher) == [
        {"response": "utter_activation_checklist", "mail_from": "noreply@sis-id.com"},
    ]
    assert rendered(domain, dispatcher, tracker)[0].endswith(last_line)
    assert slot_events(events) == [("activation_request", True)]


@pytest.mark.parametrize(
    ("action", "intent", "text"),
    [
        (
            ActionActivationHelp,
            "activation_email_missing",
            "Je me suis inscrite avec A.Benard@pharmacie-du-marche.fr, l'email n'est jamais arrivé",
        ),
        (
            ActionResendActivation,
            "resend_activation",
            "please resend it to a.benard@pharmacie-du-marche.fr",
        ),
    ],
)
async def test_an_address_given_with_the_request_is_not_asked_again(
    domain, database, action, intent, text
):
    tracker = make_tracker(domain, text=text, intent=intent, active_loop=None)
    _, events = await run(action(), tracker, domain)

    # activation_request_form starts with its one answer already given
    assert slot_events(events) == [
        ("activation_request", True),
        ("activation_email", "a.benard@pharmacie-du-marche.fr"),
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_help_during_the_registration_says_the_mail_comes_with_the_account(
    domain, database, language
):
    """Before the account is created the mail cannot have come (it got the checklist); the
    registration goes on."""
    tracker = make_tracker(domain, slots={"language": language}, active_loop="registration_form")
    dispatcher, events = await run(ActionActivationHelp(), tracker, domain)

    assert responses(dispatcher) == ["utter_activation_email_after_creation"]
    assert (
        "à la fin de cette inscription" if language == "fr" else "end of this registration"
    ) in (rendered(domain, dispatcher, tracker)[0])
    assert slot_events(events) == [("activation_request", False)]


async def test_help_after_registration_offers_resend_and_correction(domain, account):
    await account()
    dispatcher, events = await run(
        ActionActivationHelp(), tracker_after_registration(domain), domain
    )

    assert responses(dispatcher) == ["utter_activation_checklist", "utter_activation_options"]
    assert slot_events(events) == [("activation_request", False)]


@pytest.mark.parametrize("registered", [True, False])
async def test_an_unsure_nothing_received_after_an_account_here_is_the_activation_help(
    domain, account, registered
):
    """ "je n'ai rien reçu" after the account was created in this conversation (it got "not
    sure", "I did not receive an invitation" first); elsewhere, still "not sure"."""
    from actions.fallback import ActionDefaultAskAffirmation

    await account()
    tracker = make_tracker(
        domain,
        slots={"registered_email": EMAIL if registered else None},
        text="je n'ai rien reçu",
        intent="nlu_fallback",
        intent_ranking=[
            {"name": "nlu_fallback", "confidence": 0.95},
            {"name": "activation_email_missing", "confidence": 0.4},
            {"name": "faq", "confidence": 0.3},
        ],
        active_loop=None,
    )
    dispatcher, _ = await run(ActionDefaultAskAffirmation(), tracker, domain)

    if registered:
        assert responses(dispatcher) == ["utter_activation_checklist", "utter_activation_options"]
    else:
        assert "utter_activation_checklist" not in responses(dispatcher)


async def test_an_unsure_nothing_received_with_the_database_down_is_answered(domain, database_down):
    """The "not sure" reply reads the database for that case: down, it raised (no answer)."""
    from actions.fallback import ActionDefaultAskAffirmation

    tracker = make_tracker(
        domain,
        slots={"registered_email": EMAIL},
        text="je n'ai rien reçu",
        intent="nlu_fallback",
        intent_ranking=[
            {"name": "nlu_fallback", "confidence": 0.95},
            {"name": "activation_email_missing", "confidence": 0.4},
        ],
        active_loop=None,
    )
    dispatcher, events = await run(ActionDefaultAskAffirmation(), tracker, domain)

    assert responses(dispatcher) == ["utter_activation_checklist", "utter_try_again_later"]
    assert events == []


async def test_help_after_a_registration_on_a_taken_address_offers_the_same(domain, taken_address):
    await taken_address()
    dispatcher, events = await run(
        ActionActivationHelp(), tracker_after_registration(domain), domain
    )

    assert responses(dispatcher) == ["utter_activation_checklist", "utter_activation_options"]
    assert slot_events(events) == [("activation_request", False)]


async def test_help_of_another_conversation_asks_the_address(domain, account):
    await account()
    tracker = make_tracker(domain, sender_id="conv-2", active_loop=None)
    dispatcher, events = await run(ActionActivationHelp(), tracker, domain)

    assert responses(dispatcher) == ["utter_activation_checklist"]
    assert slot_events(events) == [("activation_request", True)]


async def test_help_when_the_database_is_down(domain, database_down):
    dispatcher, events = await run(
        ActionActivationHelp(), tracker_after_registration(domain), domain
    )

    assert responses(dispatcher) == ["utter_activation_checklist", "utter_try_again_later"]
    assert events == []


# --- resend ------------------------------------------------------------------------------------


async def test_resend_without_account_in_this_conversation_asks_the_address(domain, database):
    tracker = make_tracker(domain, intent="resend_activation", active_loop=None)
    dispatcher, events = await run(ActionResendActivation(), tracker, domain)

    assert said(dispatcher) == []  # activation_request_form asks the address (rule)
    assert slot_events(events) == [("activation_request", True)]
    assert outbox() == []


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "seul votre client peut vous envoyer une nouvelle invitation"),
     ("en", "only your customer can send you a new invitation")],
)  # fmt: skip
async def test_resend_after_an_expired_code_says_only_the_customer_sends_a_new_one(
    domain, database, language, words
):
    """ "vous pouvez m'en renvoyer un ?" right after "ce code d'invitation ... est expiré": a new
    code is meant; no address is asked for an activation email that was never sent."""
    slots = {"language": language, "invitation_check": ["expired"]}
    tracker = make_tracker(domain, slots=slots, intent="resend_activation", active_loop=None)
    dispatcher, events = await run(ActionResendActivation(), tracker, domain)

    assert said(dispatcher) == [{"response": "utter_invitation_expired_no_new_code"}]
    assert words in rendered(domain, dispatcher, tracker)[0]
    assert slot_events(events) == [("activation_request", False)]
    assert outbox() == []


@pytest.mark.parametrize("check", [["valid"], ["mismatch"], ["used"], ["mismatch", "locked"]])
async def test_resend_after_another_invitation_check_asks_the_address(domain, database, check):
    slots = {"invitation_check": check}
    tracker = make_tracker(domain, slots=slots, intent="resend_activation", active_loop=None)
    dispatcher, events = await run(ActionResendActivation(), tracker, domain)

    assert said(dispatcher) == []
    assert slot_events(events) == [("activation_request", True)]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fr", "L'email d'activation vous sera envoyé dès la fin de votre inscription."),
        (
            "en",
            "The activation email will be sent to you as soon as your registration is complete.",
        ),
    ],
)
async def test_resend_during_the_registration_says_when_the_email_comes(
    domain, database, language, text
):
    tracker = make_tracker(domain, slots={"language": language}, intent="resend_activation")
    dispatcher, events = await run(ActionResendActivation(), tracker, domain)

    assert rendered(domain, dispatcher, tracker) == [text]
    assert slot_events(events) == [("activation_request", False)]


async def test_resend_sends_a_new_activation_email(domain, account):
    await account()
    tracker = tracker_after_registration(domain, language="en")
    dispatcher, events = await run(ActionResendActivation(), tracker, domain)

    assert said(dispatcher) == [{"response": "utter_activation_resent", "email": EMAIL}]
    assert rendered(domain, dispatcher, tracker) == [
        "Done: a new activation email has been sent to **jean.dupont@acme.fr**. "
        "The link in the previous email no longer works."
    ]
    assert slot_events(events) == [("activation_request", False)]
    assert outbox() == [("activation", EMAIL), ("activation", EMAIL)]


async def test_resend_goes_to_the_address_of_the_account(domain, account):
    """After a correction the activation goes to the new address, whatever the slots say."""
    await account()
    await change_email(domain, "jean.martin@acme.fr")
    dispatcher, _ = await run(ActionResendActivation(), tracker_after_registration(domain), domain)

    assert said(dispatcher) == [
        {"response": "utter_activation_resent", "email": "jean.martin@acme.fr"}
    ]
    assert outbox() == [
        ("activation", EMAIL),
        ("activation", "jean.martin@acme.fr"),
        ("activation", "jean.martin@acme.fr"),
    ]


async def test_fourth_resend_within_the_hour_is_refused(domain, account):
    await account()
    replies = []
    for _ in range(4):
        dispatcher, _ = await run(
            ActionResendActivation(), tracker_after_registration(domain), domain
        )
        replies += responses(dispatcher)

    assert replies == ["utter_activation_resent"] * 3 + ["utter_resend_rate_limited"]
    assert outbox("activation") == [("activation", EMAIL)] * 4  # the first one and 3 resends


async def test_resend_for_an_active_account(domain, account):
    created = await account()
    with db.session_scope() as session:
        session.get(Account, created.id).status = "active"
    dispatcher, _ = await run(ActionResendActivation(), tracker_after_registration(domain), domain)

    assert said(dispatcher) == [{"response": "utter_already_active", "email": EMAIL}]
    assert outbox() == [("activation", EMAIL)]


# --- resend after a registration on an address that already had an account ---------------------


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "C'est fait : un nouvel email d'activation a été envoyé à **jean.dupont@acme.fr**. "
            "Le lien de l'email précédent ne fonctionne plus.",
        ),
        (
            "en",
            "Done: a new activation email has been sent to **jean.dupont@acme.fr**. "
            "The link in the previous email no longer works.",
        ),
    ],
)
async def test_resend_for_a_taken_address_tells_its_owner_again(
    domain, taken_address, language, text
):
    await taken_address()
    tracker = tracker_after_registration(domain, language=language)
    dispatcher, events = await run(ActionResendActivation(), tracker, domain)

    assert said(dispatcher) == [{"response": "utter_activation_resent", "email": EMAIL}]
    assert rendered(domain, dispatcher, tracker) == [text]
    assert slot_events(events) == [("activation_request", False)]
    assert outbox() == [("activation", EMAIL), ("account_exists", EMAIL), ("account_exists", EMAIL)]
    [existing] = accounts()  # the owner's account is left alone: no new activation link
    assert existing.status == "pending"
    assert count(ActivationToken) == 1


async def test_resend_for_a_taken_address_reads_like_a_real_resend(domain, taken_address):
    await taken_address()
    owner, _ = await run(
        ActionResendActivation(), tracker_after_registration(domain, sender_id="conv-0"), domain
    )
    other, _ = await run(ActionResendActivation(), tracker_after_registration(domain), domain)

    assert said(other) == said(owner) == [{"response": "utter_activation_resent", "email": EMAIL}]


async def test_resend_for_a_taken_address_has_the_same_hourly_limit(domain, taken_address):
    await taken_address()
    replies = []
    for _ in range(get_settings().resend_limit_per_hour + 1):
        dispatcher, _ = await run(
            ActionResendActivation(), tracker_after_registration(domain), domain
        )
        replies += said(dispatcher)

    assert replies == [{"response": "utter_activation_resent", "email": EMAIL}] * 3 + [
        {"response": "utter_resend_rate_limited", "email": EMAIL}
    ]
    # The owner of the address is told at most 3 times an hour (the registration's mail and
    # 2 resends), whatever the conversation is told.
    assert outbox("account_exists") == [("account_exists", EMAIL)] * 3


async def test_resend_for_a_taken_address_is_allowed_again_an_hour_later(domain, taken_address):
    await taken_address()
    for _ in range(3):
        await run(ActionResendActivation(), tracker_after_registration(domain), domain)
    with db.session_scope() as session:
        for request in session.scalars(select(MailRequest)):
            request.requested_at -= timedelta(minutes=61)
    dispatcher, _ = await run(ActionResendActivation(), tracker_after_registration(domain), domain)

    assert said(dispatcher) == [{"response": "utter_activation_resent", "email": EMAIL}]
    assert outbox("account_exists") == [("account_exists", EMAIL)] * 4


async def test_address_correction_after_a_taken_address_reads_like_a_real_one(
    domain, taken_address
):
    await taken_address()
    replies = {}
    for sender_id in ("conv-0", "conv-1"):  # the owner's conversation, then the other one
        form = make_tracker(
            domain, intent="correct_field", active_loop="email_change_form", sender_id=sender_id
        )
        asked = await CHANGE_FORM.required_slots(["new_email"], None, form, domain)
        new_email = "jean.martin@acme.fr" if asked else None  # the form asked, or ended
        tracker = make_tracker(
            domain,
            slots={"registered_email": EMAIL, "new_email": new_email},
            active_loop=None,
            sender_id=sender_id,
        )
        dispatcher, _ = await run(ActionChangeEmail(), tracker, domain)
        replies[sender_id] = (asked, said(dispatcher))

    assert replies["conv-1"] == replies["conv-0"]


async def test_a_second_registration_with_the_same_address_keeps_the_account(
    domain, account, invite
):
    created = await account()
    invite(company=OTHER_COMPANY, code=OTHER_CODE, customer="Beta")
    save_password_hash()
    await confirm(
        domain,
        completed_registration(company_id=OTHER_COMPANY.value, invitation_code=OTHER_CODE),
    )
    dispatcher, _ = await run(ActionResendActivation(), tracker_after_registration(domain), domain)

    assert said(dispatcher) == [{"response": "utter_activation_resent", "email": EMAIL}]
    assert outbox("activation") == [("activation", EMAIL)] * 2
    assert draft().account_pk == created.id


# --- email change ------------------------------------------------------------------------------

CHANGE_FORM = ValidateEmailChangeForm()


async def change_form_turn(domain, new_email_text, **message):
    tracker = make_tracker(
        domain,
        slots={"requested_slot": "new_email", "registered_email": EMAIL},
        extracted={"new_email": new_email_text},
        text=new_email_text,
        active_loop="email_change_form",
        **message,
    )
    return await run(CHANGE_FORM, tracker, domain)


async def test_email_change_form_asks_nothing_without_account(domain, database):
    tracker = make_tracker(domain, intent="correct_field", active_loop="email_change_form")

    assert await CHANGE_FORM.required_slots(["new_email"], None, tracker, domain) == []
    dispatcher, events = await run(CHANGE_FORM, tracker, domain)
    assert slot_events(events) == [("requested_slot", None)]  # the form ends at once
    assert dispatcher.messages == []


async def test_email_change_form_asks_the_new_address_after_registration(domain, account):
    await account()
    tracker = make_tracker(domain, intent="correct_field", active_loop="email_change_form")

    assert await CHANGE_FORM.required_slots(["new_email"], None, tracker, domain) == ["new_email"]
    _, events = await run(CHANGE_FORM, tracker, domain)
    assert events == []  # Rasa's form asks for new_email


async def test_new_email_is_normalised(domain, account):
    await account()
    dispatcher, events = await change_form_turn(domain, "c'est Jean.Martin@Acme.FR")

    # read back to be confirmed ("Vous avez saisi ... : est-elle correcte ?", Rasa's form)
    assert slot_events(events) == [
        ("new_email", "jean.martin@acme.fr"),
        ("new_email_confirmed", None),
    ]
    assert dispatcher.messages == []


async def confirmation_turn(domain, intent: str, confirmed: bool):
    tracker = make_tracker(
        domain,
        slots={
            "requested_slot": "new_email_confirmed",
            "registered_email": EMAIL,
            "new_email": "jean.martin@acme.fr",
        },
        extracted={"new_email_confirmed": confirmed},
        intent=intent,
        active_loop="email_change_form",
    )
    return await run(CHANGE_FORM, tracker, domain)


async def test_yes_to_the_new_address_ends_the_form_for_the_change(domain, account):
    await account()
    _, events = await confirmation_turn(domain, "affirm", True)

    # the form is complete: action_change_email follows (rule), the form sends nothing
    assert slot_events(events) == [("new_email_confirmed", True)]
    assert outbox() == [("activation", EMAIL)]  # nothing sent by the form itself


async def test_another_address_at_the_confirmation_is_read_back(domain, account):
    await account()
    tracker = make_tracker(
        domain,
        slots={"requested_slot": "new_email_confirmed", "new_email": "jean.martin@acme.fr"},
        text="non, c'est Jean.Martin@Acme-Industrie.fr",
        intent="deny",
        active_loop="email_change_form",
    )
    dispatcher, events = await run(CHANGE_FORM, tracker, domain)

    assert slot_events(events) == [
        ("new_email", "jean.martin@acme-industrie.fr"),
        ("new_email_confirmed", None),
    ]
    assert dispatcher.messages == []  # Rasa's form reads the new one back


@pytest.mark.parametrize(("text", "intent"), [("euh je sais pas", "nlu_fallback"),
                                              ("peut-être", "affirm")])  # fmt: skip
async def test_neither_yes_nor_no_at_the_confirmation_asks_again(domain, account, text, intent):
    await account()
    tracker = make_tracker(
        domain,
        slots={"requested_slot": "new_email_confirmed", "new_email": "jean.martin@acme.fr"},
        text=text,
        intent=intent,
        active_loop="email_change_form",
    )
    dispatcher, events = await run(CHANGE_FORM, tracker, domain)

    assert slot_events(events) == [("new_email_confirmed", None)]
    assert responses(dispatcher) == ["utter_answer_yes_or_no"]
    assert outbox() == [("activation", EMAIL)]


async def test_no_to_the_new_address_asks_it_again(domain, account):
    await account()
    _, events = await confirmation_turn(domain, "deny", False)

    # both forgotten: Rasa's form asks the address again
    assert sorted(slot_events(events)) == [("new_email", None), ("new_email_confirmed", None)]


async def test_invalid_new_email(domain, account):
    await account()
    dispatcher, events = await change_form_turn(domain, "jean.martin@")

    assert slot_events(events) == [("new_email", None)]
    assert responses(dispatcher) == ["utter_email_invalid"]


async def change_email(domain, new_email, **slots):
    tracker = make_tracker(
        domain,
        slots={"registered_email": EMAIL, "new_email": new_email, **slots},
        active_loop=None,
    )
    return tracker, *(await run(ActionChangeEmail(), tracker, domain))


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "C'est corrigé : un nouvel email d'activation a été envoyé à **jean.martin@acme.fr**.",
        ),
        ("en", "Corrected: a new activation email has been sent to **jean.martin@acme.fr**."),
    ],
)
async def test_change_to_a_new_address_sends_the_activation_there(domain, account, language, text):
    created = await account()
    tracker, dispatcher, events = await change_email(
        domain, "jean.martin@acme.fr", language=language
    )

    assert said(dispatcher) == [{"response": "utter_email_changed", "email": "jean.martin@acme.fr"}]
    assert rendered(domain, dispatcher, tracker) == [text]
    assert slot_events(events) == [
        ("new_email", None),
        ("new_email_confirmed", None),
        ("registered_email", "jean.martin@acme.fr"),
    ]
    assert outbox() == [("activation", EMAIL), ("activation", "jean.martin@acme.fr")]
    [account_now] = accounts()
    assert account_now.id == created.id
    assert account_now.email == "jean.martin@acme.fr"
    saved = draft()
    assert (saved.account_pk, saved.submitted_email) == (created.id, "jean.martin@acme.fr")


async def test_the_old_activation_link_stops_working_after_a_change(domain, account):
    await account()
    await change_email(domain, "jean.martin@acme.fr")

    with db.session_scope() as session:
        tokens = list(session.scalars(select(ActivationToken).order_by(ActivationToken.id)))
    assert [t.voided_at is not None for t in tokens] == [True, False]


async def test_change_to_an_address_that_has_an_account_is_answered_like_a_change(
    domain, account, invite
):
    await account()
    invite(company=OTHER_COMPANY, code=OTHER_CODE, customer="Beta")
    save_password_hash("conv-0")
    await confirm(
        domain,
        completed_registration(
            company_id=OTHER_COMPANY.value, invitation_code=OTHER_CODE, email="someone@acme.fr"
        ),
        sender_id="conv-0",
    )
    _, dispatcher, events = await change_email(domain, "someone@acme.fr")

    assert said(dispatcher) == [{"response": "utter_email_changed", "email": "someone@acme.fr"}]
    assert slot_events(events) == [
        ("new_email", None),
        ("new_email_confirmed", None),
        ("registered_email", "someone@acme.fr"),
    ]
    assert outbox("account_exists") == [("account_exists", "someone@acme.fr")]
    assert [a.email for a in accounts()] == [EMAIL, "someone@acme.fr"]  # nothing changed
    assert draft().submitted_email == "someone@acme.fr"  # what the conversation was told


async def test_change_without_account_in_this_conversation(domain, database):
    _, dispatcher, events = await change_email(domain, "jean.martin@acme.fr")

    assert said(dispatcher) == [{"response": "utter_no_account_in_conversation"}]
    assert slot_events(events) == [("new_email", None), ("new_email_confirmed", None)]
    assert outbox() == []


async def test_change_of_an_active_account_is_refused(domain, account):
    created = await account()
    with db.session_scope() as session:
        session.get(Account, created.id).status = "active"
    _, dispatcher, events = await change_email(domain, "jean.martin@acme.fr")

    # how to change it: an advisor (it said "you can log in", an outside tester's m9)
    assert said(dispatcher) == [{"response": "utter_change_of_an_active_account", "email": EMAIL}]
    assert slot_events(events) == [("new_email", None), ("new_email_confirmed", None)]
    assert count(Account, Account.email == EMAIL) == 1


async def test_change_counts_as_a_resend(domain, account):
    await account()
    for _ in range(3):
        await run(ActionResendActivation(), tracker_after_registration(domain), domain)
    _, dispatcher, events = await change_email(domain, "jean.martin@acme.fr")

    # Said plainly: the address was not changed (the tester read it as any refused resend).
    assert said(dispatcher) == [{"response": "utter_email_change_rate_limited", "email": EMAIL}]
    assert slot_events(events) == [("new_email", None), ("new_email_confirmed", None)]
    assert [a.email for a in accounts()] == [EMAIL]
    assert draft().submitted_email == EMAIL


# --- nothing reveals who has an account, nothing bombs a mailbox --------------------------------


async def probe(domain, language: str, sender_id: str, address: str) -> list[str]:
    """What a conversation that created an account reads when it corrects the address to
    ``address``, then asks for a resend four times."""
    seen = []
    tracker = make_tracker(
        domain,
        slots={"language": language, "registered_email": EMAIL, "new_email": address},
        active_loop=None,
        sender_id=sender_id,
    )
    dispatcher, _ = await run(ActionChangeEmail(), tracker, domain)
    seen += rendered(domain, dispatcher, tracker)
    for _ in range(4):
        tracker = make_tracker(
            domain,
            slots={"language": language, "registered_email": address},
            active_loop=None,
            sender_id=sender_id,
        )
        dispatcher, _ = await run(ActionResendActivation(), tracker, domain)
        seen += rendered(domain, dispatcher, tracker)
    return seen


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_correcting_to_an_address_with_an_account_then_resending_reads_like_a_free_one(
    domain, invite, language
):
    """The enumeration probe: same words, same limit, same fate of the old link."""
    invite()
    invite(company=OTHER_COMPANY, code=OTHER_CODE, customer="Beta")
    for sender_id, company, code, email in [
        ("free", ACME, ACME_CODE, "probe.one@acme.fr"),
        ("taken", OTHER_COMPANY, OTHER_CODE, "probe.two@acme.fr"),
    ]:
        save_password_hash(sender_id)
        slots = completed_registration(company_id=company.value, invitation_code=code, email=email)
        await confirm(domain, slots, sender_id=sender_id)
    with db.session_scope() as session:  # someone else's account, at the address probed
        add_account(session, "owner@victim.fr", company=UK_COMPANY, code=UK_CODE)
    tokens_before = {t.id for t in all_tokens()}

    free = await probe(domain, language, "free", "nobody@victim.fr")
    taken = await probe(domain, language, "taken", "owner@victim.fr")

    assert [t.replace("nobody", "owner") for t in free] == taken
    assert len(taken) == 5 and taken[-1] == free[-1]  # 3 resends allowed, the 4th refused
    # The links sent before the correction stop working in both cases.
    assert all(
        t.voided_at is not None
        for t in all_tokens()
        if t.id in tokens_before and t.account.email != "owner@victim.fr"
    )


async def test_thirty_corrections_to_an_address_with_an_account_send_at_most_three_mails(
    domain, account, invite
):
    await account()
    with db.session_scope() as session:
        add_account(session, "owner@victim.fr", company=UK_COMPANY, code=UK_CODE)
    replies = []
    for _ in range(30):
        _, dispatcher, _ = await change_email(domain, "owner@victim.fr")
        replies += responses(dispatcher)

    assert replies == ["utter_email_changed"] * 3 + ["utter_email_change_rate_limited"] * 27
    assert outbox("account_exists") == [("account_exists", "owner@victim.fr")] * 3


# --- returning suppliers: the address is asked, the answer is the same whatever it is ----------

REQUEST_FORM = ValidateActivationRequestForm()


async def request_for(domain, email: str, language: str, sender_id: str = "conv-9"):
    tracker = make_tracker(
        domain,
        slots={"language": language, "activation_email": email, "activation_request": True},
        active_loop=None,
        sender_id=sender_id,
    )
    dispatcher, events = await run(ActionRequestActivation(), tracker, domain)
    return rendered(domain, dispatcher, tracker), slot_events(events)


async def address_given(domain, text: str):
    tracker = make_tracker(
        domain,
        slots={"requested_slot": "activation_email"},
        extracted={"activation_email": text},
        text=text,
        active_loop="activation_request_form",
    )
    return await run(REQUEST_FORM, tracker, domain)


async def test_the_address_typed_is_validated_and_normalised(domain, database):
    dispatcher, events = await address_given(domain, "c'est Compta@Acme.FR")
    assert slot_events(events) == [("activation_email", "compta@acme.fr")]
    assert dispatcher.messages == []

    dispatcher, events = await address_given(domain, "compta@acme")
    assert slot_events(events) == [("activation_email", None)]
    assert responses(dispatcher) == ["utter_email_invalid"]

    # No address at all ("je ne sais plus"): what is needed, and the advisor (not "invalid").
    dispatcher, events = await address_given(domain, "je ne sais plus")
    assert slot_events(events) == [("activation_email", None)]
    assert responses(dispatcher) == ["utter_activation_address_needed"]


async def test_the_platforms_own_address_is_refused_for_a_request_and_a_change(domain, account):
    """Copied from an email ("noreply@sis-id.com"): said why, and asked again."""
    await account()
    for ask in (address_given, change_form_turn):
        dispatcher, events = await ask(domain, "noreply@sis-id.com")
        assert [value for _, value in slot_events(events)] == [None]
        assert said(dispatcher) == [
            {"response": "utter_email_platform", "email": "noreply@sis-id.com"}
        ]


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fr",
            "Si un compte attend son activation à l'adresse **{email}**, un nouvel email "
            "d'activation vient d'y être envoyé : le lien de l'email précédent ne fonctionne "
            "plus. S'il n'arrive pas d'ici quelques minutes, un conseiller peut vous aider.",
        ),
        (
            "en",
            "If an account is waiting for activation at **{email}**, a new activation email has "
            "been sent to it: the link in the previous email no longer works. If it does not "
            "arrive within a few minutes, an advisor can help you.",
        ),
    ],
)
async def test_a_returning_supplier_reads_the_same_whatever_the_address(
    domain, account, language, text
):
    await account()  # jean.dupont@acme.fr is waiting for activation (created in conv-1)
    pending, _ = await request_for(domain, EMAIL, language)
    unknown, events = await request_for(domain, "nobody@acme.fr", language, sender_id="conv-8")

    assert pending == [text.format(email=EMAIL)]
    assert unknown == [text.format(email="nobody@acme.fr")]
    assert events == [("activation_email", None), ("activation_request", False)]
    # Nothing was sent yet: the outbox sender handles the queued requests.
    assert outbox() == [("activation", EMAIL)]


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_the_fourth_request_for_an_address_within_the_hour_is_refused(
    domain, database, language
):
    replies = [
        (await request_for(domain, "nobody@acme.fr", language, sender_id=f"conv-{n}"))[0]
        for n in range(4)
    ]
    assert replies[0] == replies[1] == replies[2] != replies[3]
    assert ("dans l'heure" if language == "fr" else "in the last hour") in replies[3][0]


async def test_a_stopped_request_sends_nothing(domain, database):
    text, events = await request_for(domain, None, "fr")
    assert text == [] and events == [("activation_email", None), ("activation_request", False)]
