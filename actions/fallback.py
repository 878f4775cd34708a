"""First stage of the two-stage fallback: "did you mean ...?" with readable choices."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import language_of, response_text

RETRIEVAL_INTENTS = ("faq", "chitchat")
# Intents that make no sense as a suggestion ("did you mean: yes?").
# password_given is the widget's payload once the web app holds the password's hash.
NOT_SUGGESTED = {
    "nlu_fallback",
    "affirm",
    "deny",
    "inform",
    "skip",
    "greet",
    "goodbye",
    "password_given",
}
MAX_SUGGESTIONS = 2


def _candidate_keys(tracker: Tracker) -> list[str]:
    """The most likely intents, with retrieval intents resolved to their sub-intent."""
    message = tracker.latest_message
    keys = []
    for ranked in message.get("intent_ranking") or []:
        name = ranked.get("name")
        if name in NOT_SUGGESTED:
            continue
        if name in RETRIEVAL_INTENTS:
            selectors = message.get("response_selector") or {}
            # one selector for all retrieval intents reports under "default"
            selected = selectors.get(name) or selectors.get("default") or {}
            name = (selected.get("response") or {}).get("intent_response_key")
            if not name:
                continue
        if name not in keys:  # faq and chitchat may resolve to the same selected answer
            keys.append(name)
    return keys


class ActionDefaultAskAffirmation(Action):
    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict) -> list:
        language = language_of(tracker)
        buttons = []
        for key in _candidate_keys(tracker):
            label = response_text(domain, "utter_label_" + key.replace("/", "_"), language)
            if not label:
                continue
            # A question is re-sent as text (the response selector picks the answer); an
            # action intent is sent directly.
            payload = label if "/" in key else f"/{key}"
            buttons.append({"title": label, "payload": payload})
            if len(buttons) == MAX_SUGGESTIONS:
                break
        buttons.append(
            {"title": response_text(domain, "utter_something_else", language), "payload": "/deny"}
        )
        dispatcher.utter_message(
            text=response_text(domain, "utter_ask_affirmation_intro", language), buttons=buttons
        )
        return []
