"""The assistant's domain as Rasa reads it, and the wording of its responses (no Rasa import).

``load_domain()`` is the one reader of the domain for code and tests that run without Rasa.
Every response has a French variation without condition, then an English one conditioned on
the ``language`` slot. Actions that assemble phrases and the REST channel's own fallback
answer read them here, so all wording stays in the domain's files.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import yaml

from bot.settings import PROJECT_ROOT


@cache
def load_domain(root: Path = PROJECT_ROOT) -> dict:
    """The domain as a plain dict (what Rasa sends the action server): ``domain.yml``."""
    return yaml.safe_load((root / "domain.yml").read_text(encoding="utf-8"))


def response_text(responses: dict[str, list[dict]], name: str, language: str) -> str:
    """The text of response ``name`` in ``language``: the variation whose condition names the
    language, else the unconditioned (French) one; "" when the response does not exist."""
    fallback = ""
    for variation in responses.get(name) or []:
        conditions = variation.get("condition") or []
        if not conditions:
            fallback = fallback or variation.get("text", "")
        elif any(c.get("name") == "language" and c.get("value") == language for c in conditions):
            return variation.get("text", "")
    return fallback
