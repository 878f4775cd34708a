"""Extensions loaded by the Rasa server itself (they import Rasa; bot/ must not)."""

from rasa_ext import action_call, forms, speedups

speedups.install()
action_call.install()
forms.install()
