"""`rasa data validate` finds nothing wrong with the domain and the training data.

Rasa 3.6 prints two kinds of warnings that are not defects here, and only those are allowed:
- "duplicated intents ... chitchat, faq": Rasa merges the retrieval intents of the NLU data
  into the domain itself, and warns about its own merge;
- "The utterance 'utter_x' is not used in any story or rule": responses that only custom actions
  send (tests/actions/test_domain_consistency.py checks that an action does send each of them).
"""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KNOWN = (
    re.compile(r"duplicated intents have been found across multiple domain files: chitchat, faq"),
    re.compile(r"The utterance '[\w/]+' is not used in any story or rule\."),
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
