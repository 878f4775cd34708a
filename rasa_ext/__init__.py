"""Extensions loaded by the Rasa server itself (they import Rasa; bot/ must not)."""

from rasa_ext import (
    action_call,
    forms,
    keep_alive,
    past_states,
    registration_start,
    session_start,
    speedups,
    two_stage_fallback,
)

speedups.install()
action_call.install()
forms.install()
keep_alive.install()
past_states.install()
session_start.install()
registration_start.install()
two_stage_fallback.install()
