""" "Not sure": when the NLU is unsure (intent ``nlu_fallback``), the closest topics as buttons.

First stage of Rasa's two-stage fallback (``action_default_ask_affirmation``): instead of
guessing, the assistant says it is not sure and offers the two or three topics the NLU found
closest, the advisor, and "something else" (which asks to rephrase). A topic button sends its
intent with the topic as an entity (``/faq{"topic": "faq/countries"}``), so that the answer
does not depend on classifying the label's text again.

When the NLU is "sure" is decided by the pipeline's last component
(``rasa_ext.answer_fallback.AnswerFallbackClassifier``, thresholds in config.yml).
"""

from __future__ import annotations

import json
from collections.abc import Callable

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.activation import say_activation_help
from actions.common import (
    after_an_expired_code,
    confirmed_our_link,
    language_of,
    polite_failure,
    response_text,
    warned_of_a_lookalike,
)
from bot.understanding import FALLBACK_INTENT, ranked_topics

HANDOFF_INTENT = "human_handoff"
ACTIVATION_MISSING = "activation_email_missing"
# The entity a topic button carries (domain.yml); actions/answers.py reads it.
TOPIC_ENTITY = "topic"
# Intents that make no sense as a suggestion ("did you mean: yes?"); out_of_scope is the
# "something else" choice itself; "not sure" comes only outside the registration (during it an
# unsure message is the form's answer), where "stop the registration" has nothing to stop.
NOT_SUGGESTED = {
    "cancel",
    FALLBACK_INTENT,
    "affirm",
    "deny",
    "inform",
    "skip",
    "greet",
    "goodbye",
    "password_given",
    "out_of_scope",
    "answer_helpful",
    "answer_not_helpful",
}
MAX_SUGGESTIONS = 3
# After "this code has expired, ask your customer for a new one", the supplier who knows nobody
# there is offered who to ask first.
CUSTOMER_CONTACT = "faq/customer_contact"
# The topics about an account's activation email.
ACCOUNT_TOPICS = ("resend_activation", ACTIVATION_MISSING)
# A topic this much less likely than the closest one is not worth a button.
MIN_SHARE_OF_BEST = 0.05


def offered_topics(
    parse_data: dict,
    has_label: Callable[[str], bool] | None = None,
    limit: int = MAX_SUGGESTIONS,
) -> list[str]:
    """The topics the "not sure" reply offers: the closest ones that have a readable label."""
    offered: list[str] = []
    best = None
    for key, score in ranked_topics(parse_data):
        if key in NOT_SUGGESTED or key == HANDOFF_INTENT:  # the advisor has its own button
            continue
        if has_label is not None and not has_label(key):
            continue
        best = score if best is None else best
        if score < best * MIN_SHARE_OF_BEST:
            break
        offered.append(key)
        if len(offered) == limit:
            break
    return offered


def label_name(key: str) -> str:
    """``faq/countries`` -> ``utter_label_faq_countries``; ``resend_activation`` ->
    ``utter_label_resend_activation``."""
    return "utter_label_" + key.replace("/", "_")


def topic_payload(key: str) -> str:
    """What a topic button sends: an intent, with the answer's key for a retrieval intent."""
    if "/" in key:
        intent = key.split("/", 1)[0]
        return "/" + intent + json.dumps({TOPIC_ENTITY: key}, separators=(",", ":"))
    return "/" + key


def say_not_sure(
    dispatcher: CollectingDispatcher,
    tracker: Tracker,
    domain: dict,
    *,
    something_else: bool,
    after_expired_code: bool = False,
) -> None:
    """ "Je ne suis pas sûr de bien comprendre" with the closest topics and the advisor as
    buttons, and "Autre chose" (``something_else``: Rasa's two-stage fallback reads its
    out_of_scope as "none of these" and asks to rephrase). ``after_expired_code``: the
    conversation cannot go on without a new invitation, so the likeliest question is about the
    code: the reply says first that it cannot be extended, and offers who to ask at the
    customer ("vous ne pouvez vraiment rien faire ?" got topics about the activation email)."""
    if warned_of_a_lookalike(dispatcher, tracker) or confirmed_our_link(dispatcher, tracker):
        return
    language = language_of(tracker)

    def label(key: str) -> str:
        return response_text(domain, label_name(key), language)

    topics = offered_topics(tracker.latest_message, has_label=lambda key: bool(label(key)))
    if after_expired_code:
        # Nothing was created: no activation email to send again.
        others = [key for key in topics if key not in (CUSTOMER_CONTACT, *ACCOUNT_TOPICS)]
        topics = [CUSTOMER_CONTACT, *others][:MAX_SUGGESTIONS]
    buttons = [{"title": label(key), "payload": topic_payload(key)} for key in topics]
    buttons.append({"title": label(HANDOFF_INTENT), "payload": "/" + HANDOFF_INTENT})
    if something_else:
        buttons.append(
            {
                "title": response_text(domain, "utter_something_else", language),
                "payload": "/out_of_scope",
            }
        )
    if after_expired_code:
        intro = "utter_not_sure_after_expired_code"
    else:
        intro = "utter_not_sure_topics" if topics else "utter_not_sure"
    dispatcher.utter_message(text=response_text(domain, intro, language), buttons=buttons)


class ActionDefaultAskAffirmation(Action):
    def name(self) -> str:
        return "action_default_ask_affirmation"

    @polite_failure  # the activation help reads the database
    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        if tracker.get_slot("registered_email") and ACTIVATION_MISSING in offered_topics(
            tracker.latest_message
        ):
            # "je n'ai rien reçu" after "S'il n'est pas là d'ici un quart d'heure, dites-le-moi":
            # with an account created in this conversation, nothing else was awaited (it got
            # "not sure", with "I did not receive an invitation" first).
            return say_activation_help(dispatcher, tracker)
        say_not_sure(
            dispatcher,
            tracker,
            domain,
            something_else=True,
            after_expired_code=after_an_expired_code(tracker)
            and not (tracker.active_loop or {}).get("name"),
        )
        return []
