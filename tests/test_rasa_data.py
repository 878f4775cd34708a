"""`rasa data validate` finds nothing wrong with the domain and the training data, and
`bot.responses.load_domain` merges the responses of the training data as Rasa does.

Rasa 3.6 prints two kinds of warnings that are not defects here, and only those are allowed:
- "duplicated intents ... chitchat, faq": Rasa merges the retrieval intents of the NLU data
  into the domain itself, and warns about its own merge;
- "The utterance 'utter_x' is not used in any story or rule": responses that only custom actions
  send (tests/actions/test_domain_consistency.py checks that an action does send each of them).
And two about `password_given`, the payload the widget sends once the web app holds the password's
hash: it has no NLU example on purpose (no typed message may ever be classified as it), and the
registration form, not a rule, handles it (tests/actions/test_form_password.py, test stories).
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KNOWN = (
    re.compile(r"duplicated intents have been found across multiple domain files: chitchat, faq"),
    re.compile(r"The utterance '[\w/]+' is not used in any story or rule\."),
    re.compile(r"The intent 'password_given' is listed in the domain file, but is not found in"),
    re.compile(r"The intent 'password_given' is not used in any story or rule\."),
)


def test_rasa_data_validate_is_clean():
    result = subprocess.run(
        [
            str(Path(sys.executable).parent / "rasa"),
            "data",
            "validate",
            "--domain",
            "domain.yml",
            "--data",
            "data",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    warnings = [
        line
        for line in output.splitlines()
        if ("UserWarning" in line or " WARNING " in line or " ERROR " in line)
        and not any(known.search(line) for known in KNOWN)
    ]
    assert warnings == []
    assert "No story structure conflicts found" in output


def test_load_domain_has_the_responses_rasa_merges_into_the_domain():
    from rasa.shared.importers.importer import TrainingDataImporter

    from bot.responses import load_domain

    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    assert load_domain()["responses"] == importer.get_domain().responses


def test_load_domain_resolves_a_response_named_twice_as_rasa_does(tmp_path):
    from rasa.shared.importers.importer import TrainingDataImporter

    from bot.responses import load_domain

    def write(path: str, text: str) -> None:
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text('version: "3.1"\n' + text, encoding="utf-8")

    write("domain.yml", "responses:\n  utter_a: [{text: domain}]\n  utter_b: [{text: domain}]\n")
    write("data/responses/a.yml", "responses:\n  utter_a: [{text: a}]\n  utter_c: [{text: a}]\n")
    write("data/responses/b.yml", "responses:\n  utter_c: [{text: b}]\n")
    write("data/rules/r.yml", "rules: []\n")
    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(tmp_path / "domain.yml"), [str(tmp_path / "data")]
    )
    expected = importer.get_domain().responses
    assert expected["utter_a"] == [{"text": "a"}] and expected["utter_c"] == [{"text": "b"}]
    assert load_domain(tmp_path)["responses"] == expected
