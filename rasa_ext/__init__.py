"""Extensions loaded by the Rasa server itself (they import Rasa; bot/ must not)."""

from rasa_ext import speedups

speedups.install()
