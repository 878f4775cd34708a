"""The wording of the assistant's responses, as domain.yml writes them (no Rasa import).

Every response has a French variation without condition, then an English one conditioned on
the ``language`` slot. Actions that assemble phrases and the REST channel's own fallback
answer read them here, so all wording stays in domain.yml.
"""

from __future__ import annotations


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
