import pytest

from bot.checks.language import detect_language, normalise_language


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Bonjour, je voudrais créer mon compte fournisseur", "fr"),
        ("je n'ai pas reçu l'email d'activation", "fr"),
        ("Hello, I would like to register my company", "en"),
        ("I did not receive the activation email", "en"),
        ("where do I find the invitation code?", "en"),
        ("où trouver le code d'invitation ?", "fr"),
    ],
)
def test_clear_messages_are_detected(text, language):
    assert detect_language(text) == language


@pytest.mark.parametrize("text", ["ok", "oui", "Dupont", "732 829 320", "jean@acme.fr", "", "👍"])
def test_short_or_neutral_messages_say_nothing(text):
    assert detect_language(text) is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("en-GB", "en"),
        ("fr-FR", "fr"),
        ("english", "en"),
        ("français", "fr"),
        ("de", None),
        (None, None),
        (3, None),
    ],
)
def test_language_codes_from_metadata(value, expected):
    assert normalise_language(value) == expected
