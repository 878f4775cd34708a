"""The assistant's domain as Rasa reads it, and the wording of its responses (no Rasa import).

``load_domain()`` is the one reader of the domain for code and tests that run without Rasa.
``domain.yml`` declares; the responses are in the training data (``data/responses/*.yml``),
which Rasa merges into the domain it trains with and sends the action server. Every response
has a French variation without condition, then an English one conditioned on the ``language``
slot. Actions that assemble phrases and the REST channel's own fallback answer read them here,
so all wording stays in the domain's files.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT

# libyaml's loader when present: the pure-Python one takes seconds on all the responses.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _read_yaml(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}  # noqa: S506


@cache
def load_domain(root: Path = PROJECT_ROOT) -> dict:
    """The domain as a plain dict: ``domain.yml`` with the ``responses`` of the training data.

    Merged as Rasa's ``ResponsesSyncImporter.get_domain`` does for ``rasa train --data data``:
    every YAML file under ``data/`` with an ``nlu`` or ``responses`` key is training data, read
    in sorted path order; a response named again replaces the earlier one whole, and the
    training data's win over ``domain.yml``'s.
    """
    domain = _read_yaml(root / "domain.yml")
    responses = dict(domain.get("responses") or {})
    data_dir = (root / "data").absolute()
    # Sorted as strings, like rasa.shared.data.get_data_files sorts its absolute paths.
    paths = sorted({*data_dir.rglob("*.yml"), *data_dir.rglob("*.yaml")}, key=str)
    for path in paths:
        data = _read_yaml(path)
        if isinstance(data, dict) and ("nlu" in data or "responses" in data):
            responses.update(data.get("responses") or {})
    domain["responses"] = responses
    return domain


def response_variation(responses: dict[str, list[dict]], name: str, language: str) -> dict:
    """The variation of response ``name`` in ``language``: the one whose condition names the
    language, else the unconditioned (French) one; {} when the response does not exist."""
    fallback: dict = {}
    for variation in responses.get(name) or []:
        conditions = variation.get("condition") or []
        if not conditions:
            fallback = fallback or variation
        elif any(c.get("name") == "language" and c.get("value") == language for c in conditions):
            return variation
    return fallback


def response_text(responses: dict[str, list[dict]], name: str, language: str) -> str:
    """The text of response ``name`` in ``language``; "" when the response does not exist."""
    return response_variation(responses, name, language).get("text", "")


_FIELD_IN_PAYLOAD = re.compile(r'"field"\s*:\s*"(\w+)"')


def field_labels(responses: dict[str, list[dict]], language: str) -> dict[str, str]:
    """Each answer's name as the correction menu's buttons say it ("Téléphone", "Job title"):
    the one place the answers are named to the supplier."""
    buttons = response_variation(responses, "utter_ask_what_to_correct", language).get("buttons")
    labels = {}
    for button in buttons or []:
        field = _FIELD_IN_PAYLOAD.search(button.get("payload", ""))
        if field:
            labels[field.group(1)] = button["title"]
    return labels
