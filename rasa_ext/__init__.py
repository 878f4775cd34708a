"""Extensions loaded by the Rasa server itself (they import Rasa; bot/ must not)."""
