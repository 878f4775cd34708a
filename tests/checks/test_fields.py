from pathlib import Path

import pytest
import yaml

from bot.checks.fields import FIELD_WORDS, field_named_in

NLU = Path(__file__).resolve().parents[2] / "data" / "nlu"


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("je voudrais changer l'adresse email", "email"),
        ("I'd like to change the email address", "email"),
        ("l'e-mail de mon compte est faux", "email"),
        ("je me suis trompé de mdp", "password"),
        ("let me retype the password", "password"),
        ("wrong phone number", "phone"),
        ("le numéro de telephone n'est pas bon", "phone"),
        ("attendez, je me suis trompée dans mon nom de famille", "last_name"),
        ("my surname is misspelt", "last_name"),
        ("erreur dans le prenom", "first_name"),
        ("the first name is wrong", "first_name"),
        ("mauvais code d'invitation", "invitation_code"),
        ("the invitation code I entered is wrong", "invitation_code"),
        ("le SIREN que j'ai donné est faux", "company_id"),
        ("my company ID has a mistake", "company_id"),
        ("je me suis trompé de pays", "country"),
        ("update my job title", "job_title"),
        ("la fonction n’est pas la bonne", "job_title"),
    ],
)
def test_the_field_a_correction_names(text, field):
    assert field_named_in(text) == field


@pytest.mark.parametrize(
    "text",
    ["je voudrais corriger quelque chose", "wrong", "prénoms", "telephoned", "/correct_field", ""],
)
def test_no_field_named(text):
    """Whole words only: no field in "prénoms" or "telephoned"; the form then asks which."""
    assert field_named_in(text) is None


def test_the_first_field_named_wins():
    assert field_named_in("pas le téléphone, c'est l'email") == "phone"
    assert field_named_in("the email, not the phone") == "email"


def test_every_nlu_synonym_of_a_field_is_known():
    """data/nlu synonyms and this vocabulary say the same: one cannot drift from the other."""
    synonyms = {}
    for path in NLU.glob("*.yml"):
        for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            if item.get("synonym") in FIELD_WORDS:
                words = [line.strip()[2:] for line in item["examples"].splitlines() if line.strip()]
                synonyms[item["synonym"]] = words
    assert set(synonyms) == set(FIELD_WORDS)
    for field, words in synonyms.items():
        for word in words:
            assert field_named_in(word) == field, word
